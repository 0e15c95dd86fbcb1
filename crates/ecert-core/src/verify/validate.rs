//! Basic path validation, RFC 5280 §6.1: initialization (§6.1.2) from the trust anchor,
//! basic certificate processing (§6.1.3), preparation for the next certificate (§6.1.4) and
//! wrap-up (§6.1.5), plus the relying party's end-entity checks (key usage, extended key
//! usage, peer name) and — in the strict profile — the RFC 5280 §4 MUSTs on CAs.

use x509_cert::ext::pkix::constraints::name::GeneralSubtree;
use x509_cert::ext::pkix::name::GeneralName;

use super::model::{oid, Cert};
use super::name::{
    self, constrained_names, form, name_in_subtree, peer_matches, valid_constraint, valid_general_name, Form,
    PeerName,
};
use super::path::{Engine, Profile, Revocation};
use super::policy::PolicyState;
use super::profile::{common_names_in_san, strict_checks};
use super::report::{ChainEntry, Check, Reason, Report, RevocationStatus, Verdict};
use super::signature::{self, Strength};

/// Bound on (names × constraints) comparisons for one certificate.
const NC_WORK_LIMIT: usize = 1 << 16;

pub fn chain_entry(c: &Cert, anchor: bool) -> ChainEntry {
    ChainEntry {
        subject: c.subject_display(),
        issuer: c.issuer_display(),
        serial: hex::encode_upper(c.serial()),
        not_before: c.not_before,
        not_after: c.not_after,
        sha256: hex::encode_upper(c.sha256),
        trust_anchor: anchor,
        revocation: RevocationStatus::NotChecked,
        weak_signature: false,
    }
}

struct Constraints {
    /// One entry per permittedSubtrees seen: each must admit the name (intersection).
    permitted: Vec<Vec<GeneralSubtree>>,
    excluded: Vec<GeneralSubtree>,
}

impl Constraints {
    fn check(&self, names: &[GeneralName]) -> Result<(), String> {
        let subtrees = self.permitted.iter().map(Vec::len).sum::<usize>() + self.excluded.len();
        if names.len().saturating_mul(subtrees) > NC_WORK_LIMIT {
            return Err("too many names and constraints to compare".into());
        }
        for n in names {
            let f = form(n);
            let label = describe(n);
            if !self.excluded.is_empty() && !valid_general_name(n) {
                return Err(format!("{label} (malformed)"));
            }
            for ex in &self.excluded {
                if excluded_hit(n, &ex.base) {
                    return Err(label);
                }
                if f == Form::Other && form(&ex.base) == Form::Other && name_in_subtree(n, &ex.base).is_none()
                {
                    return Err(format!("{label} (cannot be checked)"));
                }
            }
            for set in &self.permitted {
                let same_form: Vec<&GeneralSubtree> = set.iter().filter(|s| same_kind(n, &s.base)).collect();
                if same_form.is_empty() {
                    continue;
                }
                if !valid_general_name(n) {
                    return Err(format!("{label} (malformed)"));
                }
                if !same_form.iter().any(|s| name_in_subtree(n, &s.base) == Some(true)) {
                    return Err(label);
                }
            }
        }
        Ok(())
    }
}

fn same_kind(a: &GeneralName, b: &GeneralName) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// Whether a name falls in an excluded subtree; a wildcard DNS name is excluded when any
/// name it stands for would be.
fn excluded_hit(n: &GeneralName, base: &GeneralName) -> bool {
    if let (GeneralName::DnsName(d), GeneralName::DnsName(b)) = (n, base) {
        let d = d.as_str().to_ascii_lowercase();
        let b = b.as_str().trim_end_matches('.').to_ascii_lowercase();
        if let Some(rest) = d.strip_prefix("*.") {
            return name::dns_within(rest, &b) || b.split_once('.').is_some_and(|(_, tail)| tail == rest);
        }
    }
    if same_kind(n, base)
        && !matches!(
            n,
            GeneralName::OtherName(_) | GeneralName::EdiPartyName(_) | GeneralName::RegisteredId(_)
        )
    {
        return name_in_subtree(n, base) == Some(true);
    }
    // Forms we cannot compare: an excluded subtree of that form rules the name out.
    same_kind(n, base)
}

fn describe(n: &GeneralName) -> String {
    match n {
        GeneralName::DnsName(d) => format!("DNS:{}", d.as_str()),
        GeneralName::Rfc822Name(m) => format!("email:{}", m.as_str()),
        GeneralName::DirectoryName(d) => format!("DN:{d}"),
        GeneralName::UniformResourceIdentifier(u) => format!("URI:{}", u.as_str()),
        GeneralName::IpAddress(ip) => format!("IP:{}", hex::encode(ip.as_bytes())),
        GeneralName::OtherName(o) => format!("otherName:{}", o.type_id),
        other => format!("{other:?}"),
    }
}

type Fail = (Reason, Option<Box<Report>>);

impl Engine<'_> {
    /// Validates one candidate path (anchor first). On failure the partial report shows the
    /// chain as far as it was checked.
    pub(super) fn validate(&self, chain: &[&Cert]) -> Result<Report, Fail> {
        let opts = self.options;
        let mut report = Report {
            verdict: Verdict::Valid,
            reason: None,
            reason_text: None,
            section: None,
            chain: chain.iter().enumerate().map(|(i, c)| chain_entry(c, i == 0)).collect(),
            checks: Vec::new(),
            policies: Vec::new(),
            validation_time: opts.time,
        };
        match self.run(chain, &mut report) {
            Ok(()) => Ok(report),
            Err(reason) => {
                report.verdict = reason.verdict();
                Err((reason, Some(Box::new(report))))
            }
        }
    }

    #[allow(clippy::too_many_lines)] // §6.1.3–§6.1.4 read best as one sequence, step by step
    fn run(&self, chain: &[&Cert], report: &mut Report) -> Result<(), Reason> {
        let opts = self.options;
        let strict = opts.profile == Profile::Strict;
        let anchor = chain[0];
        let n = chain.len() - 1;
        let now = opts.time;
        let pass = |report: &mut Report, index: usize, name: &'static str, section: &'static str| {
            report.checks.push(Check { index, name, section, passed: true });
        };

        // The anchor: in date, and (strict) a well-formed CA certificate. Its name
        // constraints and path length apply to the path (RFC 5937 §3).
        check_validity(anchor, 0, now)?;
        pass(report, 0, "validity", "RFC 5280 §6.1.3 (a)(2)");
        if let Some(oid) = anchor.ext.unknown_critical.first() {
            return Err(Reason::UnknownCriticalExtension { index: 0, oid: oid.clone() });
        }
        if strict {
            strict_checks(anchor, 0, true, n == 0)?;
            if anchor.ext.ext_key_usage.is_some() && n > 0 {
                return Err(Reason::Profile {
                    index: 0,
                    detail: "a root certificate carries extendedKeyUsage".into(),
                });
            }
        }
        if n == 0 {
            // A directly trusted certificate.
            return self.end_entity_checks(anchor, 0, report);
        }
        let mut constraints = Constraints { permitted: Vec::new(), excluded: Vec::new() };
        if anchor.is_ca() {
            add_constraints(&mut constraints, anchor, 0)?;
        }
        let mut max_path = n;
        if let Some((bc, _)) = &anchor.ext.basic_constraints {
            if let Some(p) = bc.path_len_constraint {
                max_path = max_path.min(usize::from(p));
            }
        }
        let mut policy = PolicyState::new(n, &opts.policy);
        let mut working_key: &Cert = anchor;
        let mut dsa_params: Option<Vec<u8>> = signature::dsa_params(&anchor.spki);

        for i in 1..=n {
            let cert = chain[i];
            let last = i == n;
            // (a)(1) signature with the working key (parameters inherited for DSA).
            match self.signed_by(cert, working_key, dsa_params.as_deref()) {
                Ok(strength) => {
                    report.chain[i].weak_signature = strength == Strength::Weak;
                    pass(report, i, "signature", "RFC 5280 §6.1.3 (a)(1)");
                }
                Err(detail) => return Err(Reason::BadSignature { index: i, detail }),
            }
            if cert.signature_alg != cert.tbs_signature_alg {
                return Err(Reason::Malformed {
                    index: i,
                    detail: "signatureAlgorithm differs from the signed one".into(),
                });
            }
            // (a)(2) validity.
            check_validity(cert, i, now)?;
            pass(report, i, "validity", "RFC 5280 §6.1.3 (a)(2)");
            // (a)(4) name chaining.
            if cert.issuer != working_key.subject || cert.issuer.is_empty() {
                return Err(Reason::NoPath { detail: format!("issuer of certificate {i} does not match") });
            }
            if strict {
                strict_checks(cert, i, false, last)?;
            }
            // (a)(3) revocation.
            if opts.revocation != Revocation::Off {
                let status = self.revocation_status(chain, i).inspect_err(|r| {
                    report.chain[i].revocation = match r {
                        Reason::Revoked { revoked_at, reason, .. } => RevocationStatus::Revoked {
                            source: "CRL/OCSP".into(),
                            revoked_at: *revoked_at,
                            reason: *reason,
                        },
                        Reason::RevocationUnknown { detail, .. } => {
                            RevocationStatus::Unknown { detail: detail.clone() }
                        }
                        Reason::RevocationTooOld { .. }
                        | Reason::ResponderRefused { .. }
                        | Reason::WorkLimit { .. } => RevocationStatus::Unknown { detail: r.to_string() },
                        _ => RevocationStatus::NotChecked,
                    };
                })?;
                report.chain[i].revocation = status;
                pass(report, i, "revocation", "RFC 5280 §6.3");
            }
            // (b)-(c) name constraints (skipped for self-issued intermediates).
            if !cert.is_self_issued() || last {
                let names = constrained_names(&cert.subject_name, cert.sans());
                constraints.check(&names).map_err(|name| Reason::NameConstraints { index: i, name })?;
                pass(report, i, "name constraints", "RFC 5280 §6.1.3 (b)-(c)");
            }
            // (d)-(f) policies.
            policy.process(i, cert).map_err(|e| Reason::Policy { detail: e.to_string() })?;
            if cert.ext.authority_info_access.as_ref().is_some_and(|(_, c)| *c) {
                return Err(Reason::Profile { index: i, detail: "authorityInfoAccess is critical".into() });
            }
            if cert.ext.name_constraints.is_some() && !cert.is_ca() {
                return Err(Reason::Profile {
                    index: i,
                    detail: "nameConstraints in an end-entity certificate".into(),
                });
            }
            if last {
                break;
            }
            // §6.1.4 preparation for certificate i+1.
            policy.prepare_next(i, cert).map_err(|e| Reason::Policy { detail: e.to_string() })?;
            let (bc, _) = cert.ext.basic_constraints.as_ref().ok_or(Reason::NotCa { index: i })?;
            if !bc.ca || cert.version() != 2 {
                return Err(Reason::NotCa { index: i });
            }
            if cert.subject_name.is_empty() {
                return Err(Reason::Profile {
                    index: i,
                    detail: "CA certificate with an empty subject".into(),
                });
            }
            add_constraints(&mut constraints, cert, i)?;
            if !cert.is_self_issued() {
                if max_path == 0 {
                    return Err(Reason::PathLength { index: i });
                }
                max_path -= 1;
            }
            if let Some(p) = bc.path_len_constraint {
                max_path = max_path.min(usize::from(p));
            }
            if let Some(ku) = &cert.ext.key_usage {
                if !ku.key_cert_sign() {
                    return Err(Reason::KeyUsage { index: i, detail: "keyCertSign is not set".into() });
                }
            }
            if let Some(oid) = cert.ext.unknown_critical.first() {
                return Err(Reason::UnknownCriticalExtension { index: i, oid: oid.clone() });
            }
            pass(report, i, "CA constraints", "RFC 5280 §6.1.4 (k)-(o)");
            // (c)-(f) working issuer, key and DSA parameters.
            if let Some(p) = signature::dsa_params(&cert.spki) {
                dsa_params = Some(p);
            } else if !signature::is_dsa_without_params(&cert.spki) {
                dsa_params = None;
            }
            working_key = cert;
        }
        let leaf = chain[n];
        if let Some(oid) = leaf.ext.unknown_critical.first() {
            return Err(Reason::UnknownCriticalExtension { index: n, oid: oid.clone() });
        }
        let policies = policy.finish(leaf).map_err(|e| Reason::Policy { detail: e.to_string() })?;
        pass(report, n, "policies", "RFC 5280 §6.1.5 (g)");
        report.policies = policies.into_iter().collect();
        // Extended key usage must also be allowed by every CA that restricts it.
        if strict {
            for (i, c) in chain.iter().enumerate().skip(1).take(n.saturating_sub(1)) {
                if let Some((ekus, _)) = &c.ext.ext_key_usage {
                    let ok = opts
                        .required_eku
                        .iter()
                        .all(|r| ekus.iter().any(|e| e.to_string() == *r || e.to_string() == oid::ANY_EKU));
                    if !ok {
                        return Err(Reason::ExtKeyUsage {
                            index: i,
                            detail: "the issuing CA does not allow this use".into(),
                        });
                    }
                }
            }
        }
        self.end_entity_checks(leaf, n, report)
    }

    fn end_entity_checks(&self, leaf: &Cert, n: usize, report: &mut Report) -> Result<(), Reason> {
        let opts = self.options;
        let strict = opts.profile == Profile::Strict;
        if !opts.required_eku.is_empty() {
            match &leaf.ext.ext_key_usage {
                None if strict => {
                    return Err(Reason::ExtKeyUsage { index: n, detail: "no extendedKeyUsage".into() });
                }
                None => {}
                Some((ekus, critical)) => {
                    if ekus.is_empty() {
                        return Err(Reason::Malformed { index: n, detail: "empty extendedKeyUsage".into() });
                    }
                    if strict && *critical {
                        return Err(Reason::Profile {
                            index: n,
                            detail: "extendedKeyUsage is critical".into(),
                        });
                    }
                    if strict && ekus.iter().any(|e| e.to_string() == oid::ANY_EKU) {
                        return Err(Reason::ExtKeyUsage {
                            index: n,
                            detail: "anyExtendedKeyUsage in an end entity".into(),
                        });
                    }
                    let any_ok = !strict && ekus.iter().any(|e| e.to_string() == oid::ANY_EKU);
                    let ok =
                        any_ok || opts.required_eku.iter().all(|r| ekus.iter().any(|e| e.to_string() == *r));
                    if !ok {
                        return Err(Reason::ExtKeyUsage {
                            index: n,
                            detail: format!("needs {}", opts.required_eku.join(", ")),
                        });
                    }
                }
            }
            report.checks.push(Check {
                index: n,
                name: "extended key usage",
                section: "RFC 5280 §4.2.1.12",
                passed: true,
            });
        }
        if let (Some(ku), false) = (&leaf.ext.key_usage, opts.required_key_usage.is_empty()) {
            for want in &opts.required_key_usage {
                let has = match want.as_str() {
                    "digitalSignature" => ku.digital_signature(),
                    "nonRepudiation" | "contentCommitment" => ku.non_repudiation(),
                    "keyEncipherment" => ku.key_encipherment(),
                    "dataEncipherment" => ku.data_encipherment(),
                    "keyAgreement" => ku.key_agreement(),
                    "keyCertSign" => ku.key_cert_sign(),
                    "cRLSign" => ku.crl_sign(),
                    _ => false,
                };
                if !has {
                    return Err(Reason::KeyUsage { index: n, detail: format!("{want} is not set") });
                }
            }
        }
        if let Some(peer) = &opts.peer {
            if !peer_matches(peer, leaf.sans()) {
                let expected = match peer {
                    PeerName::Dns(d) => d.clone(),
                    PeerName::Ip(ip) => ip.to_string(),
                    PeerName::Email(e) => e.clone(),
                };
                return Err(Reason::PeerName { expected });
            }
            report
                .checks
                .push(Check { index: n, name: "peer name", section: "RFC 6125 §6.4", passed: true });
        }
        if let Some((sans, critical)) = &leaf.ext.subject_alt_name {
            if sans.iter().any(|s| !valid_general_name(s)) && (strict || opts.peer.is_some()) {
                return Err(Reason::Malformed { index: n, detail: "malformed subjectAltName".into() });
            }
            let empty_subject = leaf.subject_name.is_empty();
            if empty_subject && !critical {
                return Err(Reason::Profile {
                    index: n,
                    detail: "empty subject with a non-critical subjectAltName".into(),
                });
            }
            if strict && !empty_subject && *critical {
                return Err(Reason::Profile {
                    index: n,
                    detail: "critical subjectAltName with a subject".into(),
                });
            }
        } else if strict && opts.peer.is_some() {
            return Err(Reason::Profile { index: n, detail: "no subjectAltName".into() });
        }
        if strict {
            common_names_in_san(leaf, n)?;
        }
        Ok(())
    }
}

fn check_validity(c: &Cert, index: usize, now: u64) -> Result<(), Reason> {
    let now = i64::try_from(now).unwrap_or(i64::MAX);
    if now < c.not_before {
        return Err(Reason::NotYetValid { index, not_before: c.not_before });
    }
    if now > c.not_after {
        return Err(Reason::Expired { index, not_after: c.not_after });
    }
    Ok(())
}

fn add_constraints(constraints: &mut Constraints, cert: &Cert, index: usize) -> Result<(), Reason> {
    let Some((nc, critical)) = &cert.ext.name_constraints else { return Ok(()) };
    let bad = |detail: &str| Reason::Profile { index, detail: detail.to_owned() };
    if !critical {
        return Err(bad("nameConstraints is not critical"));
    }
    let permitted = nc.permitted_subtrees.clone().unwrap_or_default();
    let excluded = nc.excluded_subtrees.clone().unwrap_or_default();
    if permitted.is_empty() && excluded.is_empty() {
        return Err(bad("nameConstraints without subtrees"));
    }
    if let Some(s) = permitted.iter().chain(excluded.iter()).find(|s| !valid_constraint(s)) {
        return Err(Reason::NameConstraints {
            index,
            name: format!("invalid constraint {}", describe(&s.base)),
        });
    }
    if !permitted.is_empty() {
        constraints.permitted.push(permitted);
    }
    constraints.excluded.extend(excluded);
    Ok(())
}
