//! `ecert counter …`: the post-office counter. An operator signs in; each job walks insert
//! card → identify → key on card + request to the outbox → issued certificate from the inbox
//! → verify → stored, with a printable receipt (no PIN, no key material). Removal needs the
//! slot confirmed twice. Every action goes to the hash-chained audit log.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use ecert::ops::counter::{self, action, result_word, Counter};
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

fn counter() -> Result<Counter, String> {
    Counter::user().map_err(|e| e.to_string())
}

fn operator() -> Result<String, String> {
    counter()?.operator().map_err(|e| e.to_string())
}

fn record(
    operator: &str,
    action: &str,
    card: Option<&str>,
    cert: Option<&[u8]>,
    result: &str,
) -> Result<(), String> {
    counter()?
        .record(operator, action, card, cert, result, crate::verify::now())
        .map(|_| ())
        .map_err(|e| e.to_string())
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
    let journal_dir = counter()?.journal_dir();
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

fn anchors_der(files: &[PathBuf]) -> Result<Vec<Vec<u8>>, String> {
    if files.is_empty() {
        return Ok(counter::default_anchors());
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
    record(&op, action::ENROLL_STORE, Some(&card), cert.as_deref(), result_word(result.is_ok()))?;
    let j = result?;
    let text = counter::receipt(&j, &op, cert.as_deref().unwrap_or_default(), crate::verify::now());
    let dir = receipts.unwrap_or(inbox);
    let path = counter::write_receipt(&dir, &j, &text).map_err(|e| e.to_string())?;
    print!("{text}");
    println!("receipt: {}", path.display());
    Ok(())
}

pub fn run(command: CounterCommand, target: &Target) -> Result<ExitCode, String> {
    match command {
        CounterCommand::SignIn { operator } => {
            counter()?.sign_in(&operator, crate::verify::now()).map_err(|e| e.to_string())?;
            println!("signed in: {operator}");
        }
        CounterCommand::SignOut => {
            let (op, _) = counter()?.sign_out(crate::verify::now()).map_err(|e| e.to_string())?;
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
            record(&op, action::ENROLL_REQUEST, Some(&card), None, result_word(result.is_ok()))?;
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
            record(&op, action::REMOVE, Some(&card), old.as_deref(), result_word(result.is_ok()))?;
            result?;
            println!("removed the e-Cert in {slot}; backup in {}", backup.display());
        }
        CounterCommand::Resume | CounterCommand::Rollback => {
            let op = operator()?;
            let (reference, card) = card_in_front(target)?;
            let auth = piv_auth(&reference, target)?;
            let (action, name) = match command {
                CounterCommand::Resume => (Action::Resume, action::RESUME),
                _ => (Action::RollBack, action::ROLLBACK),
            };
            let result = run_action(&reference, action, auth);
            record(&op, name, Some(&card), None, result_word(result.is_ok()))?;
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
