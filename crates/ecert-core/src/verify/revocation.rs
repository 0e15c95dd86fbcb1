//! CRL processing for one certificate of a path (RFC 5280 §6.3.3): for each distribution
//! point, find complete CRLs in scope (§6.3.3 (b): issuer or cRLIssuer with an indirect CRL,
//! issuing distribution point names and only-contains flags), collect reason masks (c)–(d),
//! validate the CRL issuer to the same trust anchor (f)–(g), apply a matching delta CRL (h),
//! and read the entry (i)–(j). Status is "revoked", "not revoked" once every reason is
//! covered, otherwise "could not determine".

use der::Decode;
use x509_cert::ext::pkix::crl::dp::DistributionPoint;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::name::Name;

use super::crl::{cmp_number, Crl, REMOVE_FROM_CRL};
use super::model::Cert;
use super::name::NameKey;
use super::path::{Engine, Options, Profile, Revocation};
use super::policy::PolicyInputs;
use super::report::{Reason, RevocationStatus, Verdict};
use super::signature;

/// Reason flag bits keyCompromise(1) … aACompromise(8) of ReasonFlags (§4.2.1.13).
const ALL_REASONS: u16 = 0b1_1111_1110;
const MAX_CRL_DEPTH: usize = 3;

fn reasons_of(flags: Option<&x509_cert::ext::pkix::crl::dp::ReasonFlags>) -> u16 {
    flags.map_or(ALL_REASONS, |f| {
        // flagset bit i of ReasonFlags is the BIT STRING's bit i.
        f.bits() & ALL_REASONS
    })
}

/// General names for a distribution point name: fullName as given, nameRelativeToCRLIssuer
/// appended to `base` (§4.2.1.13).
fn dp_names(name: &DistributionPointName, base: &Name) -> Vec<GeneralName> {
    match name {
        DistributionPointName::FullName(names) => names.clone(),
        DistributionPointName::NameRelativeToCRLIssuer(rdn) => {
            let mut der_rdns: Vec<u8> = Vec::new();
            for r in base.iter_rdn() {
                if let Ok(d) = der::Encode::to_der(r) {
                    der_rdns.extend(d);
                }
            }
            if let Ok(d) = der::Encode::to_der(rdn) {
                der_rdns.extend(d);
            }
            let mut seq = vec![0x30u8];
            let len = der_rdns.len();
            if len < 0x80 {
                seq.push(u8::try_from(len).unwrap_or(0));
            } else {
                let bytes: Vec<u8> = len.to_be_bytes().iter().copied().skip_while(|b| *b == 0).collect();
                seq.push(0x80 | u8::try_from(bytes.len()).unwrap_or(0));
                seq.extend(bytes);
            }
            seq.extend(der_rdns);
            Name::from_der(&seq).map(GeneralName::DirectoryName).into_iter().collect()
        }
    }
}

fn names_meet(a: &[GeneralName], b: &[GeneralName]) -> bool {
    a.iter().any(|x| {
        b.iter().any(|y| match (x, y) {
            (GeneralName::DirectoryName(p), GeneralName::DirectoryName(q)) => {
                NameKey::new(p) == NameKey::new(q)
            }
            _ => x == y,
        })
    })
}

fn dir_names(names: &[GeneralName]) -> Vec<NameKey> {
    names
        .iter()
        .filter_map(|n| match n {
            GeneralName::DirectoryName(d) => Some(NameKey::new(d)),
            _ => None,
        })
        .collect()
}

impl Engine<'_> {
    /// Revocation status of `chain[i]` from the CRLs at hand.
    pub(super) fn revocation_status(&self, chain: &[&Cert], i: usize) -> Result<RevocationStatus, Reason> {
        let cert = chain[i];
        let now = self.options.time;
        let dps: Vec<DistributionPoint> = match &cert.ext.crl_distribution_points {
            Some(d) if !d.is_empty() => d.clone(),
            _ => vec![DistributionPoint { distribution_point: None, reasons: None, crl_issuer: None }],
        };
        let mut mask = 0u16;
        let mut problem = String::from("no CRL covers it");
        let mut good: Option<(u64, Option<u64>)> = None;
        // A CRL without nextUpdate older than the maximum age (its thisUpdate), if that is
        // why none decided.
        let mut too_old: Option<u64> = None;
        let max_age = self.options.max_age_secs();
        for dp in &dps {
            for crl in self.crls.iter().filter(|c| !c.is_delta()) {
                if mask == ALL_REASONS {
                    break;
                }
                if let Err(p) = Self::in_scope(crl, dp, cert) {
                    if crl.issuer == cert.issuer || p.starts_with('!') {
                        p.trim_start_matches('!').clone_into(&mut problem);
                    }
                    continue;
                }
                if let Some(oid) = crl.unknown_critical.first() {
                    problem = format!("the CRL has an unknown critical extension {oid}");
                    continue;
                }
                if let Some((p, old)) = Self::crl_dates(crl, now, max_age) {
                    problem = p;
                    too_old = old.or(too_old);
                    continue;
                }
                if crl.number_critical || (self.options.profile == Profile::Strict && crl.number.is_none()) {
                    problem = "the CRL's number is missing or critical".into();
                    continue;
                }
                let interim = reasons_of(crl.idp.as_ref().and_then(|p| p.only_some_reasons.as_ref()))
                    & reasons_of(dp.reasons.as_ref());
                if interim & !mask == 0 {
                    continue;
                }
                let signer = match self.crl_signer(crl, chain, i) {
                    Ok(s) => s,
                    Err(p) => {
                        problem = p;
                        continue;
                    }
                };
                let delta = self.crls.iter().find(|d| {
                    d.is_delta()
                        && d.issuer == crl.issuer
                        && d.idp_der == crl.idp_der
                        && d.this_update <= now
                        && d.next_update.is_none_or(|n| n >= now)
                        && d.unknown_critical.is_empty()
                        && match (&d.delta_base, &crl.number, &d.number) {
                            (Some(base), Some(num), Some(dnum)) => {
                                cmp_number(base, num).is_le() && cmp_number(dnum, num).is_gt()
                            }
                            _ => false,
                        }
                        && verify_crl(d, &signer.0, signer.1.as_deref()).is_ok()
                });
                let lookup = |c: &Crl| c.lookup(cert.serial(), &cert.issuer).map_err(|e| e.to_string());
                let entry = match delta.map(lookup).transpose() {
                    Ok(Some(Some(e))) => Some(e),
                    Ok(_) => match lookup(crl) {
                        Ok(e) => e,
                        Err(p) => {
                            problem = p;
                            continue;
                        }
                    },
                    Err(p) => {
                        problem = p;
                        continue;
                    }
                };
                if let Some(e) = entry {
                    if e.unknown_critical {
                        problem = "a CRL entry has an unknown critical extension".into();
                        continue;
                    }
                    if e.reason != Some(REMOVE_FROM_CRL) {
                        return Err(Reason::Revoked { index: i, revoked_at: e.revoked_at, reason: e.reason });
                    }
                }
                mask |= interim;
                good = Some((crl.this_update, crl.next_update));
            }
        }
        match good {
            Some((this_update, next_update)) if mask == ALL_REASONS => {
                Ok(RevocationStatus::Good { source: "CRL".into(), this_update, next_update })
            }
            _ => self.undecided(chain, i, problem, too_old),
        }
    }

    /// No CRL at hand decided: online, ask the network; offline, say why (a too-old CRL
    /// without nextUpdate, with its thisUpdate, or the last problem met).
    fn undecided(
        &self,
        chain: &[&Cert],
        i: usize,
        detail: String,
        too_old: Option<u64>,
    ) -> Result<RevocationStatus, Reason> {
        let max_age = self.options.max_age_secs();
        let unknown = match too_old {
            Some(this_update) => Reason::RevocationTooOld { index: i, this_update, max_age, detail },
            None => Reason::RevocationUnknown { index: i, detail },
        };
        if self.options.revocation == Revocation::Online {
            self.online_status(chain, i, unknown)
        } else {
            Err(unknown)
        }
    }

    /// Why `crl` is not current at `now`: out of its thisUpdate–nextUpdate window, or without
    /// nextUpdate and older than `max_age` (then also its thisUpdate).
    fn crl_dates(crl: &Crl, now: u64, max_age: u64) -> Option<(String, Option<u64>)> {
        if crl.this_update > now || crl.next_update.is_some_and(|n| n < now) {
            return Some(("the CRL is out of date".into(), None));
        }
        if crl.next_update.is_none() && now.saturating_sub(crl.this_update) > max_age {
            let p =
                format!("the CRL has no nextUpdate and was issued more than {} days ago", max_age / 86_400);
            return Some((p, Some(crl.this_update)));
        }
        None
    }

    /// §6.3.3 (b): is this complete CRL about this certificate, for this distribution point?
    /// An error starting with `!` is worth reporting even for a CRL of another issuer.
    fn in_scope(crl: &Crl, dp: &DistributionPoint, cert: &Cert) -> Result<(), String> {
        match &dp.crl_issuer {
            Some(issuers) => {
                if !crl.is_indirect() || !dir_names(issuers).contains(&crl.issuer) {
                    return Err("the CRL is not from the named CRL issuer".into());
                }
            }
            None => {
                if crl.issuer != cert.issuer {
                    return Err("the CRL is from another issuer".into());
                }
            }
        }
        if let Some(idp) = &crl.idp {
            if let Some(idp_name) = &idp.distribution_point {
                let idp_names = dp_names(idp_name, &crl.issuer_name);
                let ok = match (&dp.distribution_point, &dp.crl_issuer) {
                    (Some(name), _) => {
                        let base = dp
                            .crl_issuer
                            .as_ref()
                            .and_then(|n| {
                                n.iter().find_map(|g| match g {
                                    GeneralName::DirectoryName(d) => Some(d.clone()),
                                    _ => None,
                                })
                            })
                            .unwrap_or_else(|| cert.issuer_name.clone());
                        names_meet(&idp_names, &dp_names(name, &base))
                    }
                    (None, Some(issuers)) => names_meet(&idp_names, issuers),
                    (None, None) => false,
                };
                if !ok {
                    return Err("!the CRL's distribution point does not match the certificate's".into());
                }
            }
            if idp.only_contains_user_certs && cert.is_ca() {
                return Err("!the CRL covers only end-entity certificates".into());
            }
            if idp.only_contains_ca_certs && !cert.is_ca() {
                return Err("!the CRL covers only CA certificates".into());
            }
            if idp.only_contains_attribute_certs {
                return Err("!the CRL covers only attribute certificates".into());
            }
        }
        Ok(())
    }

    /// §6.3.3 (f)–(g): who signed the CRL — the certificate's issuer, or another certificate
    /// with the CRL issuer's name that validates to the same trust anchor and may sign CRLs.
    /// Returns the signer's key and inherited DSA parameters.
    fn crl_signer(&self, crl: &Crl, chain: &[&Cert], i: usize) -> Result<(Vec<u8>, Option<Vec<u8>>), String> {
        let issuer = chain[i - 1];
        let inherited = chain[..i].iter().rev().find_map(|c| signature::dsa_params(&c.spki));
        let mut problem = String::from("no certificate that may sign this CRL was found");
        if crl.issuer == issuer.subject && verify_crl(crl, &issuer.spki, inherited.as_deref()).is_ok() {
            if issuer.ext.key_usage.as_ref().is_some_and(|k| !k.crl_sign()) {
                return Err("the CRL issuer's key usage does not allow signing CRLs".into());
            }
            return Ok((issuer.spki.clone(), inherited));
        }
        if self.crl_depth >= MAX_CRL_DEPTH {
            return Err(problem);
        }
        let candidates = self.pool.iter().chain(self.anchors.iter()).filter(|c| c.subject == crl.issuer);
        for cand in candidates {
            if !self.spend() {
                return Err("work limit reached while looking for the CRL issuer".into());
            }
            let own = signature::dsa_params(&cand.spki);
            if verify_crl(crl, &cand.spki, own.as_deref().or(inherited.as_deref())).is_err() {
                continue;
            }
            if cand.ext.key_usage.as_ref().is_some_and(|k| !k.crl_sign()) {
                problem = "the CRL issuer's key usage does not allow signing CRLs".into();
                continue;
            }
            if cand.sha256 == chain[0].sha256 || self.in_progress.contains(&cand.sha256) {
                return Ok((cand.spki.clone(), own));
            }
            let opts = Options {
                time: self.options.time,
                policy: PolicyInputs::default(),
                profile: self.options.profile,
                revocation: self.options.revocation,
                network: self.options.network.clone(),
                max_age: self.options.max_age,
                ..Options::default()
            };
            let mut nested = Engine::new(self.anchors, self.pool, self.crls, &opts);
            nested.share_budget(self);
            nested.crl_depth = self.crl_depth + 1;
            nested.in_progress.clone_from(&self.in_progress);
            nested.in_progress.push(cand.sha256);
            let report = nested.verify(cand);
            let same_anchor =
                report.chain.first().is_some_and(|a| a.sha256 == hex::encode_upper(chain[0].sha256));
            if report.verdict == Verdict::Valid && same_anchor {
                return Ok((cand.spki.clone(), own.or_else(|| inherited.clone())));
            }
            problem = format!(
                "the CRL issuer's certificate is not valid: {}",
                report.reason_text.unwrap_or_default()
            );
        }
        Err(problem)
    }
}

/// Checks a CRL's signature with a key.
pub fn verify_crl(crl: &Crl, spki_der: &[u8], dsa_params: Option<&[u8]>) -> Result<(), String> {
    let alg = spki::AlgorithmIdentifierRef::from_der(&crl.signature_algorithm).map_err(|e| e.to_string())?;
    signature::verify_signed(spki_der, dsa_params, &alg, crl.tbs(), &crl.signature)
        .map(|_| ())
        .map_err(|e| e.to_string())
}
