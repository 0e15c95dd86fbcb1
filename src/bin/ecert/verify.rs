//! `ecert verify` (exit 0 valid, 1 invalid, 2 could not decide) and `ecert limbo-harness`
//! (the x509-limbo harness protocol: cases on stdin, results on stdout).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ecert::verify::crl::Crl;
use ecert::verify::model::read_certs;
use ecert::verify::name::PeerName;
use ecert::verify::{self, Cert, Options, Profile, Revocation, Verdict};
use serde_json::{json, Value};

pub struct VerifyArgs {
    pub leaf: PathBuf,
    pub anchors: Vec<PathBuf>,
    pub untrusted: Vec<PathBuf>,
    pub crls: Vec<PathBuf>,
    pub at: Option<String>,
    pub purpose: Option<String>,
    pub peer: Option<String>,
    pub strict: bool,
    pub online: bool,
    pub max_age: Option<u32>,
    /// Print the result as JSON on stdout (errors stay on stderr as text).
    pub json: bool,
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn certs_from(path: &Path) -> Result<Vec<Cert>, String> {
    let bytes = read(path)?;
    read_certs(&bytes)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .iter()
        .map(|d| Cert::parse(d).map_err(|e| format!("{}: {e}", path.display())))
        .collect()
}

/// Maps a purpose name to its extended key usage OID (RFC 5280 §4.2.1.12).
pub fn eku_oid(name: &str) -> Option<&'static str> {
    Some(match name {
        "server" | "serverAuth" => "1.3.6.1.5.5.7.3.1",
        "client" | "clientAuth" => "1.3.6.1.5.5.7.3.2",
        "codeSigning" => "1.3.6.1.5.5.7.3.3",
        "email" | "emailProtection" => "1.3.6.1.5.5.7.3.4",
        "timeStamping" => "1.3.6.1.5.5.7.3.8",
        "OCSPSigning" => "1.3.6.1.5.5.7.3.9",
        "anyExtendedKeyUsage" => "2.5.29.37.0",
        _ => return None,
    })
}

fn peer_name(text: &str) -> PeerName {
    if let Ok(ip) = text.parse() {
        PeerName::Ip(ip)
    } else if text.contains('@') {
        PeerName::Email(text.to_owned())
    } else {
        PeerName::Dns(text.to_owned())
    }
}

/// Seconds since the Unix epoch, now.
pub fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The user's settings; refuses `--online` while the `offline` setting is on (it wins, and
/// there is no override: the user changes the setting).
fn settings_for(args: &VerifyArgs) -> Result<ecert::settings::Settings, String> {
    let settings = ecert::settings::load().unwrap_or_else(|e| {
        eprintln!("ecert: {e}");
        ecert::settings::Settings::default()
    });
    if args.online && settings.offline {
        let refused = ecert::verify::network::OnlineRefused::OfflineSetting {
            settings: ecert::settings::path().unwrap_or_default(),
        };
        return Err(crate::output::words(&ecert::i18n::network_error_text(&refused)));
    }
    Ok(settings)
}

pub fn verify(args: &VerifyArgs) -> Result<ExitCode, String> {
    let settings = settings_for(args)?;
    let mut leaf_certs = certs_from(&args.leaf)?;
    if leaf_certs.is_empty() {
        return Err(format!("{}: no certificate", args.leaf.display()));
    }
    let leaf = leaf_certs.remove(0);
    // Further certificates in the leaf's file serve as intermediates.
    let mut pool = leaf_certs;
    for p in &args.untrusted {
        pool.extend(certs_from(p)?);
    }
    let anchors: Vec<Cert> = if args.anchors.is_empty() {
        let (store, problems) = verify::trust::all(settings.system_anchors);
        for p in problems {
            eprintln!("ecert: {p}");
        }
        store.iter().filter_map(|a| Cert::parse(&a.der).ok()).collect()
    } else {
        let mut v = Vec::new();
        for p in &args.anchors {
            v.extend(certs_from(p)?);
        }
        v
    };
    let mut crls = Vec::new();
    for p in &args.crls {
        let bytes = read(p)?;
        // DER is handed over as read (no copy: national CRLs run to tens of megabytes).
        let ders = if bytes.first() == Some(&0x30) {
            vec![bytes]
        } else {
            read_certs(&bytes).map_err(|e| format!("{}: {e}", p.display()))?
        };
        for der in ders {
            crls.push(Crl::parse(der).map_err(|e| format!("{}: {e}", p.display()))?);
        }
    }
    let time = match &args.at {
        Some(t) => u64::try_from(verify::time::parse_rfc3339(t).map_err(|e| e.to_string())?)
            .map_err(|_| "times before 1970 are not supported for --at".to_owned())?,
        None => now(),
    };
    let required_eku = match &args.purpose {
        Some(p) => vec![eku_oid(p).ok_or_else(|| format!("unknown purpose {p:?}"))?.to_owned()],
        None => Vec::new(),
    };
    let options = Options {
        time,
        profile: if args.strict { Profile::Strict } else { Profile::Rfc5280 },
        revocation: match (args.online, crls.is_empty()) {
            (true, _) => Revocation::Online,
            (false, false) => Revocation::Crls,
            (false, true) => Revocation::Off,
        },
        required_eku,
        peer: args.peer.as_deref().map(peer_name),
        network: settings.network_policy(),
        max_age: args.max_age.map(|d| u64::from(d) * 86_400).or_else(|| settings.max_age_secs()),
        ..Options::default()
    };
    let report = verify::verify(&leaf, &pool, &anchors, &crls, &options);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?);
    } else {
        let verdict = match report.verdict {
            Verdict::Valid => "valid",
            Verdict::Invalid => "INVALID",
            Verdict::Undetermined => "could not decide",
        };
        println!("{verdict}");
        if let (Some(text), Some(section)) = (&report.reason_text, report.section) {
            println!("  reason: {text} ({section})");
        }
        for (i, c) in report.chain.iter().enumerate() {
            let status = match &c.revocation {
                verify::report::RevocationStatus::NotChecked => "revocation not checked".to_owned(),
                verify::report::RevocationStatus::Good { .. } => "not revoked".to_owned(),
                verify::report::RevocationStatus::Revoked { .. } => "REVOKED".to_owned(),
                verify::report::RevocationStatus::Unknown { detail } => {
                    format!("revocation unknown: {detail}")
                }
            };
            let weak = if c.weak_signature { ", SHA-1 signature (weak)" } else { "" };
            println!(
                "  [{i}] {}{}  ({status}{weak})",
                c.subject,
                if c.trust_anchor { "  [trust anchor]" } else { "" }
            );
        }
    }
    Ok(ExitCode::from(u8::try_from(report.exit_code()).unwrap_or(2)))
}

/// Limbo features we do not implement; such cases are SKIPPED with the reason.
const UNSUPPORTED: &[(&str, &str)] = &[
    (
        "pedantic-public-suffix-wildcard",
        "no public-suffix list is bundled; wildcard-on-suffix rules not applied",
    ),
    (
        "pedantic-rfc5280",
        "trust anchors are taken as name and key (RFC 5280 §6.1.1 (d)); an anchor's own AKI is not judged",
    ),
];

fn pem_list(v: &Value) -> Vec<Vec<u8>> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .filter_map(|p| read_certs(p.as_bytes()).ok())
                .flatten()
                .collect()
        })
        .unwrap_or_default()
}

/// One x509-limbo test case → (actual_result, context).
pub fn limbo_case(case: &Value) -> (&'static str, String) {
    let features: Vec<&str> =
        case["features"].as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    if let Some((_, why)) = UNSUPPORTED.iter().find(|(f, _)| features.contains(f)) {
        return ("SKIPPED", (*why).to_owned());
    }
    let leaf_pem = pem_list(&json!([case["peer_certificate"]]));
    let Some(Ok(leaf)) = leaf_pem.first().map(|d| Cert::parse(d)) else {
        return ("FAILURE", "the peer certificate does not parse".into());
    };
    let anchors: Vec<Cert> =
        pem_list(&case["trusted_certs"]).iter().filter_map(|d| Cert::parse(d).ok()).collect();
    let pool: Vec<Cert> =
        pem_list(&case["untrusted_intermediates"]).iter().filter_map(|d| Cert::parse(d).ok()).collect();
    let mut crls = Vec::new();
    for der in pem_list(&case["crls"]) {
        match Crl::parse(der) {
            Ok(c) => crls.push(c),
            Err(e) => return ("FAILURE", format!("a CRL does not parse: {e}")),
        }
    }
    let time = case["validation_time"]
        .as_str()
        .and_then(|t| verify::time::parse_rfc3339(t).ok())
        .and_then(|t| u64::try_from(t).ok())
        .unwrap_or_else(now);
    let mut required_eku: Vec<String> = case["extended_key_usage"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).filter_map(eku_oid).map(str::to_owned).collect())
        .unwrap_or_default();
    if required_eku.is_empty() {
        let kind = if case["validation_kind"] == "CLIENT" { "clientAuth" } else { "serverAuth" };
        required_eku.push(eku_oid(kind).unwrap_or_default().to_owned());
    }
    let peer =
        match (case["expected_peer_name"]["kind"].as_str(), case["expected_peer_name"]["value"].as_str()) {
            (Some("DNS"), Some(v)) => Some(PeerName::Dns(v.to_owned())),
            (Some("IP"), Some(v)) => match v.parse() {
                Ok(ip) => Some(PeerName::Ip(ip)),
                Err(_) => return ("FAILURE", format!("unparseable IP peer name {v}")),
            },
            (Some("RFC822"), Some(v)) => Some(PeerName::Email(v.to_owned())),
            _ => None,
        };
    let options = Options {
        time,
        profile: Profile::Strict,
        revocation: if crls.is_empty() { Revocation::Off } else { Revocation::Crls },
        required_eku,
        required_key_usage: case["key_usage"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default(),
        peer,
        max_intermediates: case["max_chain_depth"].as_u64().and_then(|d| usize::try_from(d).ok()),
        ..Options::default()
    };
    let report = verify::verify(&leaf, &pool, &anchors, &crls, &options);
    match report.verdict {
        Verdict::Valid => ("SUCCESS", "valid".into()),
        _ => ("FAILURE", report.reason_text.unwrap_or_default()),
    }
}

pub fn limbo_harness() -> Result<ExitCode, String> {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).map_err(|e| e.to_string())?;
    let doc: Value = serde_json::from_str(&input).map_err(|e| format!("stdin: {e}"))?;
    let cases = doc["testcases"].as_array().ok_or("stdin: no \"testcases\" array")?;
    let results: Vec<Value> = cases
        .iter()
        .map(|c| {
            let (actual, context) = limbo_case(c);
            json!({"id": c["id"], "actual_result": actual, "context": context})
        })
        .collect();
    let out =
        json!({"version": 1, "harness": format!("ecert-{}", env!("CARGO_PKG_VERSION")), "results": results});
    println!("{}", serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?);
    Ok(ExitCode::SUCCESS)
}
