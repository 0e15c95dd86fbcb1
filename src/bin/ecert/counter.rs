//! `ecert counter …`: the post-office counter. An operator signs in; each job walks insert
//! card → identify → key on card + request to the outbox → issued certificate from the inbox
//! → verify → stored, with a printable receipt (no PIN, no key material). Removal needs the
//! slot confirmed twice. Every card action goes to the keyed audit log twice: an intent
//! before the card is touched (no record, no card work) and its outcome after.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use ecert::ops::counter::{self, action, Counter, Intent};
use ecert::ops::journal::{Journal, Status};
use ecert::ops::workflow::Action;
use ecert::service::Operation;
use ecert::token::{Auth, TokenError, TokenRef};

use crate::card::{self, Alg, Target};
use crate::secrets::SecretSource;

#[derive(Subcommand)]
pub enum CounterCommand {
    /// Start a shift: every following action is recorded under OPERATOR.
    SignIn {
        /// The operator's name or staff number, recorded in the audit log.
        operator: String,
    },
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
        /// Key type: rsa2048 (Hongkong Post e-Certs), rsa3072, p256 or p384.
        #[arg(long, value_enum, default_value = "p256")]
        alg: Alg,
        /// Folder the certificate request (.csr) is written to, for the CA.
        #[arg(long)]
        outbox: PathBuf,
    },
    /// Pick up the issued certificate INBOX/<job>.pem, verify it against the counter's CAs
    /// (Settings `counter_cas`; default: the bundled e-Cert roots) and store it on the card.
    Collect {
        /// Folder the issued certificates are collected from.
        #[arg(long)]
        inbox: PathBuf,
        /// Folder for the receipt (default: the inbox).
        #[arg(long)]
        receipts: Option<PathBuf>,
    },
    /// Remove an e-Cert after backing it up; `--confirm SLOT` repeats the slot as the
    /// second confirmation.
    Remove {
        /// The key location on the card: 9a (authentication), 9c (signing), 9d (encryption), 9e (card login), 82–95 (retired).
        #[arg(long)]
        slot: String,
        /// Write a copy of what is removed to this file first (never overwrites an existing file).
        #[arg(long)]
        backup: PathBuf,
        /// The slot again, as a second confirmation that this e-Cert is to be removed.
        #[arg(long)]
        confirm: Option<String>,
        /// Confirm an operation that removes or replaces something (no question is asked).
        #[arg(long)]
        yes: bool,
    },
    /// Install an e-Cert file (.p12) into SLOT of the card in front of the operator: the
    /// journaled install (the slot's certificate, if any, backed up to `--backup`).
    Install {
        /// The e-Cert file (.p12 / .pfx) to install.
        #[arg(long)]
        p12: PathBuf,
        /// The key location on the card: 9a (authentication), 9c (signing), 9d (encryption), 9e (card login), 82–95 (retired).
        #[arg(long)]
        slot: String,
        /// Write a copy of what is removed to this file first (never overwrites an existing file).
        #[arg(long)]
        backup: Option<PathBuf>,
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

/// Records the intent; the card is touched only when this succeeds.
fn intend(operator: &str, action: &str, card: &str) -> Result<(Counter, Intent), String> {
    let c = counter()?;
    let (intent, _) =
        c.intend(operator, action, Some(card), crate::verify::now()).map_err(|e| e.to_string())?;
    Ok((c, intent))
}

/// Records the outcome of `intent`: ok, or the typed error's message id.
fn outcome<T>(
    c: &Counter,
    intent: &Intent,
    result: &Result<T, TokenError>,
    cert: Option<&[u8]>,
) -> Result<(), String> {
    let id = result.as_ref().err().map(|e| ecert::i18n::error_ids(e).0);
    c.outcome(intent, cert, id.map_or(Ok(()), Err), crate::verify::now())
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

/// Runs the card work; the error stays typed (its id goes into the audit record).
fn run_action(
    reference: &TokenRef,
    action: Action,
    auth: Auth,
) -> Result<Result<Journal, TokenError>, String> {
    let journal_dir = counter()?.journal_dir();
    let operation = Operation::Workflow { action, journal_dir, auth };
    let answer = ecert::service::Service::run_blocking(
        ecert::service::Config::default(),
        reference.clone(),
        operation,
    )
    .map_err(|e| e.to_string())?;
    Ok(match answer {
        Ok(ecert::service::Outcome::Journal(j)) => Ok(*j),
        Ok(_) => Err(TokenError::NotFound { reference: reference.to_string() }),
        Err(e) => Err(e),
    })
}

/// The finished job, its intent, and the certificate stored or removed.
type Audited = (Journal, Intent, Option<Vec<u8>>);

/// The card work under an intent and an outcome record.
fn audited(
    operator: &str,
    name: &str,
    card: &str,
    reference: &TokenRef,
    action: Action,
    auth: Auth,
    cert: impl Fn(&Journal) -> Option<Vec<u8>>,
) -> Result<Audited, String> {
    let (c, intent) = intend(operator, name, card)?;
    let result = match run_action(reference, action, auth) {
        Ok(r) => r,
        Err(e) => {
            // The service could not be reached: the card was not touched either.
            let failed: Result<(), TokenError> =
                Err(TokenError::NotFound { reference: reference.to_string() });
            outcome(&c, &intent, &failed, None)?;
            return Err(e);
        }
    };
    let stored = result.as_ref().ok().and_then(&cert);
    outcome(&c, &intent, &result, stored.as_deref())?;
    let j = result.map_err(|e| crate::output::error_text(&e))?;
    Ok((j, intent, stored))
}

fn piv_auth(reference: &TokenRef, target: &Target) -> Result<Auth, String> {
    piv_auth_with(reference, target, &mut SecretSource::new(target.pin_stdin))
}

fn piv_auth_with(reference: &TokenRef, target: &Target, secrets: &mut SecretSource) -> Result<Auth, String> {
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

/// Picks up, verifies and stores the issued certificate; writes and prints the receipt.
fn collect(target: &Target, inbox: PathBuf, receipts: Option<PathBuf>) -> Result<(), String> {
    let op = operator()?;
    let (reference, card) = card_in_front(target)?;
    let anchors = counter::counter_anchors().map_err(|e| e.to_string())?;
    let auth = piv_auth(&reference, target)?;
    let action = Action::Collect { inbox: inbox.clone(), anchors, time: crate::verify::now() };
    let (j, _, cert) =
        audited(&op, action::ENROLL_STORE, &card, &reference, action, auth, |j| j.new_cert.clone())?;
    let receipt_id = counter()?.receipt_id(&card).map_err(|e| e.to_string())?;
    let text =
        counter::receipt(&j, &op, &receipt_id, cert.as_deref().unwrap_or_default(), crate::verify::now());
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
            let (j, ..) = audited(&op, action::ENROLL_REQUEST, &card, &reference, action, auth, |_| None)?;
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
        CounterCommand::Collect { inbox, receipts } => collect(target, inbox, receipts)?,
        CounterCommand::Remove { slot, backup, confirm, yes } => {
            let op = operator()?;
            if !yes || confirm.as_deref() != Some(slot.as_str()) {
                return Err(format!(
                    "removing an e-Cert needs two confirmations: --yes and --confirm {slot} (the slot again)"
                ));
            }
            // An existing backup (or a link planted there) is never written over.
            if backup.symlink_metadata().is_ok() {
                let why = ecert::i18n::text("counter-err-backup-exists");
                return Err(format!("{}: {why}", backup.display()));
            }
            let (reference, card) = card_in_front(target)?;
            let auth = piv_auth(&reference, target)?;
            let remove = Action::StartRemove { location: slot.clone(), backup: backup.clone() };
            audited(&op, action::REMOVE, &card, &reference, remove, auth, |j| j.old_cert.clone())?;
            println!("removed the e-Cert in {slot}; backup in {}", backup.display());
        }
        CounterCommand::Install { p12, slot, backup } => {
            let op = operator()?;
            let (reference, card) = card_in_front(target)?;
            eprintln!(
                "The key now in slot {slot} (if any) is replaced by the file's key; a card key cannot be \
                 exported, so it cannot be brought back."
            );
            let mut secrets = SecretSource::new(target.pin_stdin);
            let password = secrets.password("e-Cert file password")?;
            let auth = piv_auth_with(&reference, target, &mut secrets)?;
            let install = Action::StartInstall {
                location: slot.clone(),
                file: p12.clone(),
                password,
                backup: backup.clone(),
            };
            audited(&op, action::INSTALL, &card, &reference, install, auth, |j| j.new_cert.clone())?;
            println!("installed the e-Cert file {} into {slot}", p12.display());
        }
        CounterCommand::Resume | CounterCommand::Rollback => {
            let op = operator()?;
            let (reference, card) = card_in_front(target)?;
            let auth = piv_auth(&reference, target)?;
            let (action, name) = match command {
                CounterCommand::Resume => (Action::Resume, action::RESUME),
                _ => (Action::RollBack, action::ROLLBACK),
            };
            let (j, ..) = audited(&op, name, &card, &reference, action, auth, |_| None)?;
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
