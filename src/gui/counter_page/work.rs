//! The counter page's file work, run off the UI thread: sign-in state, the card's journal,
//! folders, audit records and receipts (all through [`ecert::ops::counter`]).

use std::path::Path;

use ecert::ops::audit::Record as AuditRecord;
use ecert::ops::counter::{self, result_word, Counter, Intent};
use ecert::ops::journal::{Journal, Kind, Status, Store};

use super::{Recorded, Work};

/// A card's unfinished job, as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingJob {
    pub id: String,
    pub kind: Kind,
    pub status: Status,
    pub location: String,
}

impl PendingJob {
    /// An enrollment whose request is out: the issued certificate can be collected.
    pub fn awaits_certificate(&self) -> bool {
        self.kind == Kind::Enroll && self.status == Status::AwaitingCertificate
    }
}

/// The unfinished job proven to be this card's (by its listing, [`CardNow`]).
pub fn pending_blocking(journal: &Path, card: &ecert::ops::card_proof::CardNow) -> Option<PendingJob> {
    let j = Store::new(journal).pending(card).ok().flatten()?;
    Some(PendingJob { id: j.id, kind: j.kind, status: j.status, location: j.location })
}

/// One audit record as the page lists it.
pub fn line(r: &AuditRecord) -> String {
    let serial = r.cert_serial.as_ref().map_or(String::new(), |s| format!(" · {s}"));
    format!("#{} {} · {} · {} · {}{serial}", r.seq, r.time, r.operator, r.action, r.result)
}

pub fn sign_in_blocking(counter: &Counter, name: &str) -> Result<(String, String), String> {
    let record = counter.sign_in(name, super::super::certs::now()).map_err(|e| e.to_string())?;
    Ok((record.operator.clone(), line(&record)))
}

pub fn sign_out_blocking(counter: &Counter) -> Result<String, String> {
    let (_, record) = counter.sign_out(super::super::certs::now()).map_err(|e| e.to_string())?;
    Ok(line(&record))
}

/// Who is signed in (the CLI and the app share the shift).
pub fn operator_blocking(counter: &Counter) -> Option<String> {
    counter.operator().ok()
}

pub fn make_dir_blocking(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))
}

/// The backup's folder is made; a file already there is refused (never overwritten).
pub fn backup_free_blocking(backup: &Path) -> Result<(), String> {
    if backup.exists() {
        return Err(format!("{}: {}", backup.display(), ecert::i18n::text("counter-err-backup-exists")));
    }
    match backup.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => make_dir_blocking(dir),
        _ => Ok(()),
    }
}

/// Writes the intent record of `action` on `card` by `operator`: the intent and its line.
pub fn intend_blocking(
    counter: &Counter,
    operator: &str,
    action: &str,
    card: &str,
) -> Result<(Intent, String), String> {
    let card = (!card.is_empty()).then_some(card);
    let (intent, record) =
        counter.intend(operator, action, card, super::super::certs::now()).map_err(|e| e.to_string())?;
    Ok((intent, line(&record)))
}

/// Who did what to which card, for the audit record.
pub struct Record {
    pub work: Work,
    pub operator: String,
    pub card: String,
    /// The intent this is the outcome of (always written before the card work went).
    pub intent: Option<Intent>,
}

/// Records the finished action as the outcome of its intent, as `ecert counter` does (the
/// certificate stored for a collect, the one removed for a removal; a failure's error id);
/// after a good collect, writes the receipt into `receipts`.
pub fn record_blocking(
    counter: &Counter,
    what: &Record,
    journal: Result<&Journal, &String>,
    receipts: &Path,
) -> Result<Recorded, String> {
    let cert = journal.ok().and_then(|j| match what.work {
        Work::Collect => j.new_cert.clone(),
        Work::Remove => j.old_cert.clone(),
        _ => None,
    });
    let now = super::super::certs::now();
    let card = (!what.card.is_empty()).then_some(what.card.as_str());
    let record = match &what.intent {
        Some(intent) => {
            counter.outcome(intent, cert.as_deref(), journal.map(|_| ()).map_err(String::as_str), now)
        }
        None => counter.record(
            &what.operator,
            what.work.audit_action(),
            card,
            cert.as_deref(),
            result_word(journal.is_ok()),
            now,
        ),
    }
    .map_err(|e| e.to_string())?;
    let receipt = match (what.work, journal) {
        (Work::Collect, Ok(j)) => {
            let written = counter.receipt_id(&what.card).map_err(|e| e.to_string()).and_then(|id| {
                let text = counter::receipt(j, &what.operator, &id, cert.as_deref().unwrap_or_default(), now);
                make_dir_blocking(receipts)?;
                let path = counter::write_receipt(receipts, j, &text).map_err(|e| e.to_string())?;
                Ok((path, text))
            });
            Some(written)
        }
        _ => None,
    };
    Ok(Recorded { line: line(&record), receipt })
}
