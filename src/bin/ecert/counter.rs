//! `ecert counter …`: the post-office counter. An operator signs in; each job walks insert
//! card → identify → key on card + request to the outbox → issued certificate from the inbox
//! → verify → stored, with a printable receipt (no PIN, no key material). Removal needs the
//! slot confirmed twice. Every action goes to the hash-chained audit log.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use ecert::ops::audit::{AuditLog, Entry};
use ecert::ops::journal::{Journal, Status};
use ecert::ops::workflow::Action;
use ecert::service::Operation;
use ecert::token::{Auth, TokenRef};

use crate::card::{self, Alg, Target};
use crate::secrets::SecretSource;

#[derive(Subcommand)]
pub enum CounterCommand {
    /// Start a shift: every following action is recorded under OPERATOR.
    SignIn { operator: String },
    /// End the shift.
    SignOut,
    /// Generate a key on the card and write its certificate request to OUTBOX/<job>.csr.
    Enroll {
        /// Slot for the new key (a free one; for a renewal, e.g. a retired slot 82).
        #[arg(long)]
        slot: String,
        /// The e-Cert being renewed; removed only after the new one is stored and verified.
        #[arg(long)]
        replaces: Option<String>,
        /// Subject of the request (default: the renewed e-Cert's).
        #[arg(long)]
        subject: Option<String>,
        #[arg(long, value_enum, default_value = "p256")]
        alg: Alg,
        #[arg(long)]
        outbox: PathBuf,
    },
    /// Pick up the issued certificate INBOX/<job>.pem, verify it and store it on the card.
    Collect {
        #[arg(long)]
        inbox: PathBuf,
        /// Trust anchor file(s) for the check (default: the trust store).
        #[arg(long = "anchor")]
        anchors: Vec<PathBuf>,
        /// Folder for the receipt (default: the inbox).
        #[arg(long)]
        receipts: Option<PathBuf>,
    },
    /// Remove an e-Cert after backing it up; `--confirm SLOT` repeats the slot as the
    /// second confirmation.
    Remove {
        #[arg(long)]
        slot: String,
        #[arg(long)]
        backup: PathBuf,
        #[arg(long)]
        confirm: Option<String>,
        #[arg(long)]
        yes: bool,
    },
    /// Finish an interrupted job on this card.
    Resume,
    /// Undo an interrupted job on this card.
    Rollback,
}

fn data_file(name: &str) -> Result<PathBuf, String> {
    ecert::ops::audit::default_path()
        .and_then(|p| p.parent().map(|d| d.join(name)))
        .ok_or_else(|| "no data folder for this user".to_owned())
}

fn operator() -> Result<String, String> {
    let path = data_file("counter-operator")?;
    std::fs::read_to_string(&path)
        .map(|s| s.trim().to_owned())
        .map_err(|_| "no operator signed in: `ecert counter sign-in OPERATOR` first".to_owned())
}

/// The installation's salt for card-identifier hashes, made once.
fn audit_log() -> Result<AuditLog, String> {
    let salt_path = data_file("audit-salt")?;
    let salt = if let Ok(s) = std::fs::read_to_string(&salt_path) {
        s
    } else {
        let mut b = [0u8; 16];
        getrandom::fill(&mut b).map_err(|e| e.to_string())?;
        let s = hex::encode(b);
        if let Some(dir) = salt_path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        }
        std::fs::write(&salt_path, &s).map_err(|e| e.to_string())?;
        s
    };
    let mut log = AuditLog::open(&data_file("audit.jsonl")?, &salt);
    if ecert::settings::load().is_ok_and(|s| s.audit_to_syslog) {
        log = log.forwarding_to(Path::new(ecert::ops::audit::SYSLOG_SOCKET));
    }
    Ok(log)
}

fn record(
    operator: &str,
    action: &str,
    card: Option<&str>,
    cert: Option<&[u8]>,
    result: &str,
) -> Result<(), String> {
    let summary = cert.and_then(|c| ecert::cert::CertSummary::from_der(c).ok());
    let entry = Entry {
        operator: operator.to_owned(),
        action: action.to_owned(),
        card_id: card.map(str::to_owned),
        cert_serial: summary.as_ref().map(|s| s.serial.clone()),
        cert_issuer: summary.map(|s| s.issuer),
        result: result.to_owned(),
    };
    audit_log()?.append(&entry, crate::verify::now()).map(|_| ()).map_err(|e| e.to_string())
}

/// The card in front of the operator and its identifier.
fn card_in_front(target: &Target) -> Result<(TokenRef, String), String> {
    let reference = card::resolve(target)?;
    let snap = ecert::service::Service::snapshot_blocking(ecert::service::Config::default())
        .map_err(|e| e.to_string())?;
    let info = snap.tokens.iter().find(|t| t.reference == reference).ok_or("the card went away")?;
    Ok((reference, ecert::ops::workflow::card_id(info)))
}

fn run_action(reference: &TokenRef, action: Action, auth: Auth) -> Result<Journal, String> {
    let journal_dir = ecert::ops::journal::default_dir().ok_or("no data folder for this user")?;
    match card::run_op(reference, Operation::Workflow { action, journal_dir, auth })? {
        ecert::service::Outcome::Journal(j) => Ok(*j),
        _ => Err("unexpected answer".into()),
    }
}

fn piv_auth(reference: &TokenRef, target: &Target) -> Result<Auth, String> {
    let mut secrets = SecretSource::new(target.pin_stdin);
    let pin = Some(secrets.pin("PIN")?);
    if !matches!(reference, TokenRef::Reader { .. }) {
        return Ok(Auth { pin, ..Auth::default() });
    }
    let management_key = if target.mgmt_key {
        secrets.management_key()?
    } else {
        ecert::secret::ManagementKey::factory_default()
    };
    Ok(Auth { pin, management_key: Some(management_key), ..Auth::default() })
}

/// The receipt: what was done, for whom (hashed card), by whom — no PIN, no key.
fn receipt(j: &Journal, operator: &str, cert: &[u8]) -> String {
    let s = ecert::cert::CertSummary::from_der(cert).ok();
    let date = |t: u64| ecert::ops::audit::rfc3339(t);
    format!(
        "e-Cert Manager — counter receipt\n\
         Job:          {}\n\
         Operator:     {operator}\n\
         Time:         {}\n\
         Card:         {}…\n\
         Slot:         {}\n\
         Certificate:  {}\n\
         Serial:       {}\n\
         Issuer:       {}\n\
         Valid:        {} to {}\n\
         Result:       stored and verified{}\n",
        j.id,
        date(crate::verify::now()),
        &j.card[..16.min(j.card.len())],
        j.location,
        s.as_ref().map_or("?".into(), |s| s.subject.clone()),
        s.as_ref().map_or("?".into(), |s| s.serial.clone()),
        s.as_ref().map_or("?".into(), |s| s.issuer.clone()),
        s.as_ref().map_or("?".into(), |s| date(s.not_before)),
        s.as_ref().map_or("?".into(), |s| date(s.not_after)),
        j.replaces.as_ref().map_or(String::new(), |r| format!("; previous e-Cert in {r} removed")),
    )
}

fn anchors_der(files: &[PathBuf]) -> Result<Vec<Vec<u8>>, String> {
    if files.is_empty() {
        let system = ecert::settings::load().is_ok_and(|s| s.system_anchors);
        return Ok(ecert::verify::trust::all(system).0.into_iter().map(|a| a.der).collect());
    }
    let mut out = Vec::new();
    for f in files {
        let bytes = std::fs::read(f).map_err(|e| format!("{}: {e}", f.display()))?;
        out.extend(ecert::verify::model::read_certs(&bytes).map_err(|e| format!("{}: {e}", f.display()))?);
    }
    Ok(out)
}

/// Picks up, verifies and stores the issued certificate; writes and prints the receipt.
fn collect(
    target: &Target,
    inbox: PathBuf,
    anchors: &[PathBuf],
    receipts: Option<PathBuf>,
) -> Result<(), String> {
    let op = operator()?;
    let (reference, card) = card_in_front(target)?;
    let auth = piv_auth(&reference, target)?;
    let action =
        Action::Collect { inbox: inbox.clone(), anchors: anchors_der(anchors)?, time: crate::verify::now() };
    let result = run_action(&reference, action, auth);
    let cert = result.as_ref().ok().and_then(|j| j.new_cert.clone());
    record(&op, "enroll-store", Some(&card), cert.as_deref(), if result.is_ok() { "ok" } else { "failed" })?;
    let j = result?;
    let text = receipt(&j, &op, cert.as_deref().unwrap_or_default());
    let dir = receipts.unwrap_or(inbox);
    let path = dir.join(format!("{}-receipt.txt", j.id));
    std::fs::write(&path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
    print!("{text}");
    println!("receipt: {}", path.display());
    Ok(())
}

pub fn run(command: CounterCommand, target: &Target) -> Result<ExitCode, String> {
    match command {
        CounterCommand::SignIn { operator } => {
            let path = data_file("counter-operator")?;
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
            }
            std::fs::write(&path, &operator).map_err(|e| e.to_string())?;
            record(&operator, "sign-in", None, None, "ok")?;
            println!("signed in: {operator}");
        }
        CounterCommand::SignOut => {
            let op = operator()?;
            record(&op, "sign-out", None, None, "ok")?;
            std::fs::remove_file(data_file("counter-operator")?).map_err(|e| e.to_string())?;
            println!("signed out: {op}");
        }
        CounterCommand::Enroll { slot, replaces, subject, alg, outbox } => {
            let op = operator()?;
            let (reference, card) = card_in_front(target)?;
            std::fs::create_dir_all(&outbox).map_err(|e| format!("{}: {e}", outbox.display()))?;
            let auth = piv_auth(&reference, target)?;
            let action = Action::StartEnroll {
                location: slot,
                replaces,
                subject,
                alg: alg.into(),
                outbox: outbox.clone(),
            };
            let result = run_action(&reference, action, auth);
            record(&op, "enroll-request", Some(&card), None, if result.is_ok() { "ok" } else { "failed" })?;
            let j = result?;
            println!(
                "job {}: request written to {}",
                j.id,
                j.request.map(|p| p.display().to_string()).unwrap_or_default()
            );
            println!(
                "put the issued certificate in the inbox as {}.pem, then run `ecert counter collect`",
                j.id
            );
        }
        CounterCommand::Collect { inbox, anchors, receipts } => collect(target, inbox, &anchors, receipts)?,
        CounterCommand::Remove { slot, backup, confirm, yes } => {
            let op = operator()?;
            if !yes || confirm.as_deref() != Some(slot.as_str()) {
                return Err(format!(
                    "removing an e-Cert needs two confirmations: --yes and --confirm {slot} (the slot again)"
                ));
            }
            let (reference, card) = card_in_front(target)?;
            let auth = piv_auth(&reference, target)?;
            let result = run_action(
                &reference,
                Action::StartRemove { location: slot.clone(), backup: backup.clone() },
                auth,
            );
            let old = result.as_ref().ok().and_then(|j| j.old_cert.clone());
            record(&op, "remove", Some(&card), old.as_deref(), if result.is_ok() { "ok" } else { "failed" })?;
            result?;
            println!("removed the e-Cert in {slot}; backup in {}", backup.display());
        }
        CounterCommand::Resume | CounterCommand::Rollback => {
            let op = operator()?;
            let (reference, card) = card_in_front(target)?;
            let auth = piv_auth(&reference, target)?;
            let (action, name) = match command {
                CounterCommand::Resume => (Action::Resume, "resume"),
                _ => (Action::RollBack, "rollback"),
            };
            let result = run_action(&reference, action, auth);
            record(&op, name, Some(&card), None, if result.is_ok() { "ok" } else { "failed" })?;
            let j = result?;
            let state = match j.status {
                Status::AwaitingCertificate => "waiting for the issued certificate",
                Status::Done => "done",
                Status::RolledBack => "rolled back: the card is as it was",
                Status::Running => "still running",
            };
            println!("job {}: {state}", j.id);
        }
    }
    Ok(ExitCode::SUCCESS)
}
