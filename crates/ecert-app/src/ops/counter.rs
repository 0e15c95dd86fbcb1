//! The post-office counter's shared core, used by `ecert counter …` and the app's Counter
//! page: who is signed in (a one-line state file in the data folder), the keyed audit log
//! ([`super::audit`]) with the installation salt ([`crate::careful_file::salt`]) for card
//! hashes and receipt ids, recording each counter
//! action as an *intent* before the card is touched and an *outcome* after, the counter's
//! accepted CAs, and the printable receipt. No device and no GUI here: card work is the
//! journaled workflow's ([`super::workflow`]).

use std::path::{Path, PathBuf};

use super::audit::{self, file, AuditError, AuditLog, Entry, Record};
use super::journal::Journal;

/// The audit log's action names as the counter writes them (auditors search for these).
pub mod action {
    pub const SIGN_IN: &str = "sign-in";
    pub const SIGN_OUT: &str = "sign-out";
    /// Key made on the card, request written to the outbox.
    pub const ENROLL_REQUEST: &str = "enroll-request";
    /// Issued certificate checked and stored.
    pub const ENROLL_STORE: &str = "enroll-store";
    pub const REMOVE: &str = "remove";
    /// An e-Cert file's key and certificate installed into the card (journaled install).
    pub const INSTALL: &str = "install";
    pub const RESUME: &str = "resume";
    pub const ROLLBACK: &str = "rollback";
}

/// The state file naming the operator signed in.
pub const OPERATOR_FILE: &str = "counter-operator";
/// The audit log, JSON Lines.
pub const LOG_FILE: &str = "audit.jsonl";

/// The result word of an audit record.
pub fn result_word(ok: bool) -> &'static str {
    if ok {
        audit::result::OK
    } else {
        audit::result::FAILED
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CounterError {
    #[error("no data folder for this user")]
    NoDataDir,
    #[error("no operator signed in: `ecert counter sign-in OPERATOR` first")]
    NotSignedIn,
    #[error("an operator name is needed")]
    NoOperatorName,
    /// A file of the counter could not be read or written; `detail` says why.
    #[error("{detail}")]
    Io { path: PathBuf, detail: String },
    #[error(transparent)]
    Audit(#[from] AuditError),
    /// The intent record could not be written, so the card was not touched.
    #[error("the action could not be recorded in the audit log, so the card was not touched: {0}")]
    NotRecorded(AuditError),
    /// A receipt is already at `path` (or something that is not a plain new file, e.g. a
    /// symlink): it is never overwritten or followed.
    #[error("{path}: a file or link is already there; the receipt was not written")]
    ReceiptExists { path: PathBuf },
    /// A counter CA file named in Settings could not be read.
    #[error("counter CA {path}: {detail}")]
    CounterCa { path: PathBuf, detail: String },
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> CounterError + '_ {
    move |e| CounterError::Io { path: path.to_owned(), detail: format!("{}: {e}", path.display()) }
}

/// A counter action recorded as intended (before the card is touched); its outcome
/// record names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intent {
    /// The intent record's sequence number.
    pub seq: u64,
    pub operator: String,
    pub action: String,
    /// The card identifier (hashed by the log).
    pub card: Option<String>,
    /// The intent record's salted card hash (shown shortened on the receipt).
    pub card_hash: Option<String>,
}

/// The counter's files in one data folder: operator state, salt, audit key and log, and the
/// default outbox / inbox / backup folders under `counter/`; the audit checkpoint apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counter {
    dir: PathBuf,
    checkpoint: PathBuf,
    /// Copy each record to the syslog socket too when Settings say so (`audit_to_syslog`,
    /// read at each record, off the caller's UI thread).
    syslog_as_set: bool,
}

impl Counter {
    /// The counter files in `dir` (tests, or a folder chosen by the caller), the checkpoint
    /// in `dir/state/`; no syslog copy.
    pub fn at(dir: &Path) -> Self {
        Self {
            dir: dir.to_owned(),
            checkpoint: dir.join("state").join(audit::CHECKPOINT_FILE),
            syslog_as_set: false,
        }
    }

    /// Keeps the audit checkpoint at `path` (another folder than the log's).
    #[must_use]
    pub fn with_checkpoint(mut self, path: &Path) -> Self {
        path.clone_into(&mut self.checkpoint);
        self
    }

    /// The user's data folder (`ECERT_DATA_DIR` overrides), the checkpoint in the config
    /// folder (`ECERT_CONFIG_DIR` overrides), with syslog copies as set.
    pub fn user() -> Result<Self, CounterError> {
        let dir = super::audit::default_path()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .ok_or(CounterError::NoDataDir)?;
        let checkpoint = audit::default_checkpoint().ok_or(CounterError::NoDataDir)?;
        Ok(Self { dir, checkpoint, syslog_as_set: true })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn log_path(&self) -> PathBuf {
        self.dir.join(LOG_FILE)
    }

    pub fn checkpoint_path(&self) -> &Path {
        &self.checkpoint
    }

    /// The workflow journal folder (`<data dir>/journal`, as [`super::journal::default_dir`]).
    pub fn journal_dir(&self) -> PathBuf {
        self.dir.join("journal")
    }

    /// Where requests go by default: `<data dir>/counter/outbox`.
    pub fn outbox(&self) -> PathBuf {
        self.dir.join("counter").join("outbox")
    }

    /// Where issued certificates are picked up by default: `<data dir>/counter/inbox`.
    pub fn inbox(&self) -> PathBuf {
        self.dir.join("counter").join("inbox")
    }

    /// Where removed e-Certs are backed up by default: `<data dir>/counter/backup`.
    pub fn backups(&self) -> PathBuf {
        self.dir.join("counter").join("backup")
    }

    fn operator_path(&self) -> PathBuf {
        self.dir.join(OPERATOR_FILE)
    }

    /// The operator signed in.
    pub fn operator(&self) -> Result<String, CounterError> {
        read_operator(&self.operator_path()).ok_or(CounterError::NotSignedIn)
    }

    /// Whether Settings ask for syslog copies (read at each use).
    fn syslog_wanted(&self) -> bool {
        self.syslog_as_set && crate::settings::load().is_ok_and(|s| s.audit_to_syslog)
    }

    /// Starts a shift: every following action is recorded under `operator`. Signing in over
    /// another operator's shift is recorded with both names (`detail`: `replaces:<other>`).
    /// On a platform without syslog while the copy is on, a record says so.
    pub fn sign_in(&self, operator: &str, now: u64) -> Result<Record, CounterError> {
        self.sign_in_where(operator, now, self.syslog_wanted() && !audit::SYSLOG_AVAILABLE)
    }

    /// [`Self::sign_in`]; `no_syslog`: the syslog copy is on but this platform has none.
    fn sign_in_where(&self, operator: &str, now: u64, no_syslog: bool) -> Result<Record, CounterError> {
        let operator = operator.trim();
        if operator.is_empty() {
            return Err(CounterError::NoOperatorName);
        }
        let log = self.audit_log()?;
        let path = self.operator_path();
        let written = log.append_with(now, |_| {
            // Under the log's lock: who was signed in, and the new shift, as one step.
            let before = read_operator(&path);
            file::replace_private(&path, operator.as_bytes())
                .map_err(|e| AuditError::Io { path: path.clone(), detail: e.to_string() })?;
            let mut entries = vec![Entry {
                operator: operator.to_owned(),
                action: action::SIGN_IN.into(),
                result: result_word(true).into(),
                detail: before.filter(|b| b != operator).map(|b| format!("replaces:{b}")),
                ..Entry::default()
            }];
            if no_syslog {
                entries.push(Entry {
                    operator: operator.to_owned(),
                    action: audit::action::SYSLOG_UNAVAILABLE.into(),
                    result: audit::result::NOTE.into(),
                    detail: Some("no syslog on this platform; the log file is the only copy".into()),
                    ..Entry::default()
                });
            }
            Ok(entries)
        })?;
        written
            .into_iter()
            .find(|r| r.action == action::SIGN_IN)
            .ok_or_else(|| CounterError::Io { path: self.log_path(), detail: "nothing recorded".into() })
    }

    /// Ends the shift; returns who signed out and the audit record.
    pub fn sign_out(&self, now: u64) -> Result<(String, Record), CounterError> {
        let operator = self.operator()?;
        let record = self.record(&operator, action::SIGN_OUT, None, None, result_word(true), now)?;
        let path = self.operator_path();
        std::fs::remove_file(&path).map_err(io(&path))?;
        Ok((operator, record))
    }

    /// The installation salt (shared with the journal; random, made on first use, 0600).
    fn salt(&self) -> Result<crate::careful_file::Salt, CounterError> {
        crate::careful_file::installation_salt_at(&self.dir)
            .map_err(|e| CounterError::Io { path: self.dir.clone(), detail: e.to_string() })
    }

    /// The card's id on a receipt: HMAC-SHA-256 of its identifier under the installation
    /// salt (kind `receipt`), so the same card has unrelated receipt ids at two
    /// installations and a receipt does not name the card's identifier.
    pub fn receipt_id(&self, card_id: &str) -> Result<String, CounterError> {
        Ok(self.salt()?.id("receipt", card_id))
    }

    /// The audit log, with the installation's salt for card hashes (made on first use), the
    /// key next to it, the checkpoint apart, and the syslog copy as set.
    pub fn audit_log(&self) -> Result<AuditLog, CounterError> {
        let mut log = AuditLog::open(&self.log_path(), "")
            .with_installation_salt(self.salt()?)
            .with_checkpoint(&self.checkpoint);
        if self.syslog_wanted() {
            log = log.forwarding_to(Path::new(super::audit::SYSLOG_SOCKET));
        }
        Ok(log)
    }

    /// Records one counter action: who, what, which card (hashed with the salt by the log),
    /// the certificate's serial and issuer (never the certificate or the holder's name), and
    /// the result.
    pub fn record(
        &self,
        operator: &str,
        action: &str,
        card: Option<&str>,
        cert: Option<&[u8]>,
        result: &str,
        now: u64,
    ) -> Result<Record, CounterError> {
        let entry = entry(operator, action, card, cert, result, None);
        Ok(self.audit_log()?.append(&entry, now)?)
    }

    /// Records that `action` is about to run on `card`: call before the card is touched,
    /// and touch it only if this succeeds ([`CounterError::NotRecorded`] otherwise).
    pub fn intend(
        &self,
        operator: &str,
        action: &str,
        card: Option<&str>,
        now: u64,
    ) -> Result<(Intent, Record), CounterError> {
        let log = self.audit_log().map_err(|e| match e {
            CounterError::Audit(a) => CounterError::NotRecorded(a),
            CounterError::Io { path, detail } => CounterError::NotRecorded(AuditError::Io { path, detail }),
            other => other,
        })?;
        let record = log
            .append(&entry(operator, action, card, None, audit::result::INTENT, None), now)
            .map_err(CounterError::NotRecorded)?;
        let intent = Intent {
            seq: record.seq,
            operator: operator.to_owned(),
            action: action.to_owned(),
            card: card.map(str::to_owned),
            card_hash: record.card.clone(),
        };
        Ok((intent, record))
    }

    /// Records how the intended action ended: `Ok` or the typed error's message id
    /// (e.g. `err-wrong-pin`), with the certificate stored or removed, if any.
    pub fn outcome(
        &self,
        intent: &Intent,
        cert: Option<&[u8]>,
        result: Result<(), &str>,
        now: u64,
    ) -> Result<Record, CounterError> {
        let detail = match result {
            Ok(()) => format!("intent={}", intent.seq),
            Err(id) => format!("intent={} error={id}", intent.seq),
        };
        let word = result_word(result.is_ok());
        let entry = entry(&intent.operator, &intent.action, intent.card.as_deref(), cert, word, Some(detail));
        Ok(self.audit_log()?.append(&entry, now)?)
    }
}

/// The id an outcome record gives a failure: the error's message id (`err-wrong-pin`, …);
/// for errors worded generically (`err-other`) the variant too (`err-other:Chain`), so the
/// log tells a refused certificate from a pulled card. Never the error's text (it may hold
/// names).
pub fn error_id(e: &crate::token::TokenError) -> String {
    let id = crate::i18n::error_ids(e).0;
    if id != "err-other" {
        return id.to_owned();
    }
    let debug = match e {
        crate::token::TokenError::Workflow(w) => format!("{w:?}"),
        other => format!("{other:?}"),
    };
    let variant: String = debug.chars().take_while(char::is_ascii_alphanumeric).collect();
    format!("{id}:{variant}")
}

fn read_operator(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).map(|s| s.trim().to_owned()).ok().filter(|s| !s.is_empty())
}

fn entry(
    operator: &str,
    action: &str,
    card: Option<&str>,
    cert: Option<&[u8]>,
    result: &str,
    detail: Option<String>,
) -> Entry {
    let summary = cert.and_then(|c| crate::cert::CertSummary::from_der(c).ok());
    Entry {
        operator: operator.to_owned(),
        action: action.to_owned(),
        card_id: card.map(str::to_owned),
        cert_serial: summary.as_ref().map(|s| s.serial.clone()),
        cert_issuer: summary.map(|s| s.issuer),
        result: result.to_owned(),
        detail,
    }
}

/// The CAs the counter accepts issued certificates from: the files named in Settings
/// (`counter_cas`: issuing CA or root certificates, PEM or DER), or by default the bundled
/// e-Cert roots (Hongkong Post, eSignTrust) — never the user's own anchors or the system's.
pub fn counter_anchors() -> Result<Vec<Vec<u8>>, CounterError> {
    let files = crate::settings::load().map(|s| s.counter_cas).unwrap_or_default();
    counter_anchors_from(&files)
}

/// [`counter_anchors`] for the CA files `files` (empty: the bundled roots).
pub fn counter_anchors_from(files: &[PathBuf]) -> Result<Vec<Vec<u8>>, CounterError> {
    if files.is_empty() {
        let bundled = crate::verify::trust::bundled().map_err(|e| CounterError::CounterCa {
            path: PathBuf::from("(bundled)"),
            detail: e.to_string(),
        })?;
        return Ok(bundled.into_iter().map(|a| a.der).collect());
    }
    let mut out = Vec::new();
    for f in files {
        let err = |detail: String| CounterError::CounterCa { path: f.clone(), detail };
        let bytes = std::fs::read(f).map_err(|e| err(e.to_string()))?;
        out.extend(crate::verify::model::read_certs(&bytes).map_err(|e| err(e.to_string()))?);
    }
    Ok(out)
}

/// The receipt: what was done, for whom (the card's salted receipt id, [`Counter::receipt_id`],
/// shortened), by whom — no PIN, no key, no card identifier.
pub fn receipt(j: &Journal, operator: &str, card_id: &str, cert: &[u8], now: u64) -> String {
    let s = crate::cert::CertSummary::from_der(cert).ok();
    let date = super::audit::rfc3339;
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
        date(now),
        card_id.get(..16).unwrap_or(card_id),
        j.location,
        s.as_ref().map_or("?".into(), |s| s.subject.clone()),
        s.as_ref().map_or("?".into(), |s| s.serial.clone()),
        s.as_ref().map_or("?".into(), |s| s.issuer.clone()),
        s.as_ref().map_or("?".into(), |s| date(s.not_before)),
        s.as_ref().map_or("?".into(), |s| date(s.not_after)),
        j.replaces.as_ref().map_or(String::new(), |r| format!("; previous e-Cert in {r} removed")),
    )
}

/// Writes the receipt as `<dir>/<job id>-receipt.txt` (0600): created new, never over an
/// existing file and never through a symlink planted there; returns its path.
pub fn write_receipt(dir: &Path, j: &Journal, text: &str) -> Result<PathBuf, CounterError> {
    let path = dir.join(format!("{}-receipt.txt", j.id));
    let exists = std::fs::symlink_metadata(&path).is_ok();
    match file::create_new_private(&path, text.as_bytes()) {
        Ok(()) => Ok(path),
        Err(_) if exists => Err(CounterError::ReceiptExists { path }),
        Err(e) => Err(io(&path)(e)),
    }
}

#[cfg(test)]
mod tests;
