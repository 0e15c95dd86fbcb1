//! Text and JSON rendering for the CLI. JSON is the core's serde model as it is.

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use ecert::i18n::{text, text_args};
use ecert::reader::PcscStatus;
use ecert::service::Snapshot;
use ecert::token::{CertObject, PinFacts, TokenError, TokenRef};

/// CLI errors in the user's language: what happened, then what to do.
pub fn error_text(err: &TokenError) -> String {
    words(&ecert::i18n::error_text(err))
}

/// A localized error as the CLI prints it: the message, then the remedy indented below.
pub fn words(t: &ecert::i18n::ErrorText) -> String {
    format!("{}\n  {}", t.message, t.remedy)
}

pub fn pin_status(facts: PinFacts, json: bool) -> Result<ExitCode, String> {
    if json {
        return print_json(&facts);
    }
    if facts.locked {
        println!("PIN blocked. Unblock it with the PUK: ecert pin unblock");
    } else if let Some(n) = facts.tries_left {
        println!("PIN: {n} tries left{}", if facts.verified { " (verified)" } else { "" });
    } else if facts.final_try {
        println!("PIN: final try — a wrong PIN now blocks the token");
    } else if facts.count_low {
        println!("PIN: a wrong PIN was entered since the last success");
    } else {
        println!("PIN: ok");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn show(certs: &[CertObject], slot: &str, json: bool) -> Result<ExitCode, String> {
    let cert = certs
        .iter()
        .find(|c| c.location.eq_ignore_ascii_case(slot))
        .ok_or_else(|| format!("there is no certificate in slot {slot}"))?;
    if json {
        return print_json(cert);
    }
    let Some(s) = &cert.summary else {
        println!("Slot {slot}: {} bytes that are not a readable certificate", cert.der.len());
        return Ok(ExitCode::FAILURE);
    };
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    println!("Slot:        {}", cert.location);
    println!("Owner:       {}", s.subject);
    println!("Issuer:      {}", s.issuer);
    println!("Serial:      {}", s.serial);
    println!("Days left:   {}", s.days_left(now));
    println!("SHA-256:     {}", s.sha256);
    Ok(ExitCode::SUCCESS)
}

fn print_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<ExitCode, String> {
    let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    println!("{text}");
    Ok(ExitCode::SUCCESS)
}

fn pcsc_line(status: &PcscStatus) -> Option<String> {
    match status {
        PcscStatus::Running => None,
        // The remedy names the platform's service: pcscd, or Windows' "Smart Card" (SCardSvr).
        PcscStatus::NotRunning => Some(format!("{}. {}", text("empty-service-title"), text("rec-service"))),
        PcscStatus::Failed { detail } => Some(format!(
            "{} {}\n{}",
            text("err-service"),
            text_args("diag-service-failed", &[("error", detail.clone())]),
            text("rec-service")
        )),
    }
}

pub fn readers(snap: &Snapshot, json: bool) -> Result<ExitCode, String> {
    if json {
        #[derive(serde::Serialize)]
        struct Out<'a> {
            pcsc: &'a PcscStatus,
            readers: &'a [ecert::reader::ReaderInfo],
        }
        return print_json(&Out { pcsc: &snap.pcsc, readers: &snap.readers });
    }
    if let Some(line) = pcsc_line(&snap.pcsc) {
        println!("{line}");
        return Ok(ExitCode::FAILURE);
    }
    if snap.readers.is_empty() {
        println!("No card reader found.");
    }
    for r in &snap.readers {
        match &r.atr {
            Some(atr) => println!("{}: card present, ATR {atr}", r.name),
            None => println!("{}: no card", r.name),
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn tokens(snap: &Snapshot, json: bool) -> Result<ExitCode, String> {
    if json {
        return print_json(snap);
    }
    if let Some(line) = pcsc_line(&snap.pcsc) {
        println!("{line}");
    }
    if snap.tokens.is_empty() {
        println!("No card or token found.");
    }
    for t in &snap.tokens {
        let pin = t.pin.map(|p| match (p.locked, p.tries_left) {
            (true, _) => "PIN blocked".to_owned(),
            (false, Some(n)) => format!("PIN: {n} tries left"),
            (false, None) if p.final_try => "PIN: final try".to_owned(),
            (false, None) if p.count_low => "PIN: a wrong PIN was entered".to_owned(),
            _ => "PIN ok".to_owned(),
        });
        println!("{}  [{:?}] {}", t.label, t.kind, pin.unwrap_or_default());
        println!("    {}", t.reference);
    }
    for m in snap.modules.iter().filter(|m| m.error.is_some()) {
        println!("module {} not usable: {}", m.path.display(), m.error.as_deref().unwrap_or(""));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn certs(token: &TokenRef, certs: &[CertObject], json: bool) -> Result<ExitCode, String> {
    if json {
        #[derive(serde::Serialize)]
        struct Out<'a> {
            token: &'a TokenRef,
            certificates: &'a [CertObject],
        }
        return print_json(&Out { token, certificates: certs });
    }
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    if certs.is_empty() {
        println!("No certificate on {token}.");
    }
    for c in certs {
        match &c.summary {
            Some(s) => println!(
                "{}  {}  issued by {}  ({} days left){}",
                c.location,
                s.subject_cn.as_deref().unwrap_or(&s.subject),
                s.issuer_cn.as_deref().unwrap_or(&s.issuer),
                s.days_left(now),
                match c.key {
                    Some(true) => "  [key on token]",
                    Some(false) => "  [no key on token]",
                    None => "",
                }
            ),
            None => println!("{}  (not a readable certificate, {} bytes)", c.location, c.der.len()),
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn anchors(system: bool, json: bool) -> Result<ExitCode, String> {
    let include_system = system || ecert::settings::load().is_ok_and(|s| s.system_anchors);
    let (anchors, problems) = ecert::verify::trust::all(include_system);
    for p in &problems {
        eprintln!("ecert: {p}");
    }
    if json {
        return print_json(&anchors);
    }
    for a in &anchors {
        println!("{}  [{:?}]\n    SHA-256 {}", a.summary.subject, a.provenance, a.summary.sha256);
    }
    Ok(ExitCode::SUCCESS)
}

/// Adds a user anchor after showing what it is; without `yes`, asks on stdin.
pub fn anchor_add(file: &std::path::Path, yes: bool) -> Result<ExitCode, String> {
    let der = crate::card::read_der_or_pem(file, "CERTIFICATE")?;
    let summary = ecert::cert::CertSummary::from_der(&der).map_err(|e| format!("{}: {e}", file.display()))?;
    println!("{}\n    issued by {}\n    SHA-256 {}", summary.subject, summary.issuer, summary.sha256);
    if !yes {
        println!("Trust this certificate to vouch for others? Compare the fingerprint with the CA's published one. Type yes:");
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map_err(|e| e.to_string())?;
        if line.trim() != "yes" {
            return Err("not added".into());
        }
    }
    let anchor = ecert::verify::trust::add_user(&der).map_err(|e| e.to_string())?;
    println!("added {}", anchor.file);
    Ok(ExitCode::SUCCESS)
}

/// `ecert audit verify`: the salt only keys new card hashes, so none is needed to check.
/// `ecert audit verify`: the keyed chain (key next to the log unless `key` names it), and
/// the checkpoint kept apart (the user's, unless `checkpoint` names one) for a cut-off end or
/// a deleted log. Exit 0 intact, 1 tampered.
pub fn audit_verify(
    file: Option<std::path::PathBuf>,
    key: Option<&std::path::Path>,
    checkpoint: Option<std::path::PathBuf>,
    json: bool,
) -> Result<ExitCode, String> {
    use ecert::ops::audit::{self, AuditLog};
    let path = file.or_else(audit::default_path).ok_or("no data folder for this user")?;
    let mut log = AuditLog::open(&path, "");
    if let Some(k) = key {
        log = log.with_key(k);
    }
    let checkpoint = checkpoint.or_else(audit::default_checkpoint);
    if let Some(c) = &checkpoint {
        log = log.with_checkpoint(c);
    }
    match log.check() {
        Ok(report) if report.records.is_empty() && !path.exists() => {
            Err(format!("{}: no audit log there", path.display()))
        }
        Ok(report) => {
            if json {
                return print_json(&report.records);
            }
            let n = report.records.len();
            if report.legacy == n && n > 0 {
                println!(
                    "{}: legacy, unkeyed, {n} records — the chain holds, but anyone who can write the file could recompute it",
                    path.display()
                );
            } else if report.legacy > 0 {
                println!(
                    "{}: intact, {n} records (the first {} legacy, unkeyed)",
                    path.display(),
                    report.legacy
                );
            } else {
                println!("{}: intact, {n} records (keyed)", path.display());
            }
            match report.checkpoint {
                Some(seq) => println!("checkpoint: record {seq} found as recorded"),
                None => println!(
                    "no checkpoint for this log: a cut-off end or a deleted log cannot be seen (see --checkpoint)"
                ),
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            println!("{}: TAMPERED — {e}", path.display());
            Ok(ExitCode::from(1))
        }
    }
}

pub fn anchor_remove(prefix: &str) -> Result<ExitCode, String> {
    let anchor = ecert::verify::trust::remove_user(prefix).map_err(|e| e.to_string())?;
    println!("removed {} ({})", anchor.summary.subject, anchor.summary.sha256);
    Ok(ExitCode::SUCCESS)
}

pub fn modules(modules: &[ecert::pkcs11::ModuleStatus], json: bool) -> Result<ExitCode, String> {
    if json {
        return print_json(modules);
    }
    if modules.is_empty() {
        println!("No PKCS#11 module found.");
    }
    for m in modules {
        let state = m
            .error
            .as_deref()
            .map_or_else(|| m.library.clone().unwrap_or_default(), |e| format!("not usable: {e}"));
        println!("{}  [{:?}]  {state}", m.path.display(), m.source);
    }
    Ok(ExitCode::SUCCESS)
}
