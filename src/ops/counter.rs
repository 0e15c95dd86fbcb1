//! The post-office counter's shared core, used by `ecert counter …` and the app's Counter
//! page: who is signed in (a one-line state file in the data folder), the hash-chained audit
//! log ([`super::audit`]) keyed with the installation's salt, recording one counter action the
//! way the counter records it, and the printable receipt. No device and no GUI here: card
//! work is the journaled workflow's ([`super::workflow`]).

use std::path::{Path, PathBuf};

use super::audit::{AuditError, AuditLog, Entry, Record};
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
    pub const RESUME: &str = "resume";
    pub const ROLLBACK: &str = "rollback";
}

/// The state file naming the operator signed in.
pub const OPERATOR_FILE: &str = "counter-operator";
/// The installation's salt for card-identifier hashes (kept out of the log).
pub const SALT_FILE: &str = "audit-salt";
/// The audit log, JSON Lines.
pub const LOG_FILE: &str = "audit.jsonl";

/// The result word of an audit record.
pub fn result_word(ok: bool) -> &'static str {
    if ok {
        "ok"
    } else {
        "failed"
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
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> CounterError + '_ {
    move |e| CounterError::Io { path: path.to_owned(), detail: e.to_string() }
}

/// The counter's files in one data folder: operator state, salt, audit log, and the default
/// outbox / inbox / backup folders under `counter/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counter {
    dir: PathBuf,
    /// Copy each record to the syslog socket too when Settings say so (`audit_to_syslog`,
    /// read at each record, off the caller's UI thread).
    syslog_as_set: bool,
}

impl Counter {
    /// The counter files in `dir` (tests, or a folder chosen by the caller); no syslog copy.
    pub fn at(dir: &Path) -> Self {
        Self { dir: dir.to_owned(), syslog_as_set: false }
    }

    /// The user's data folder (`ECERT_DATA_DIR` overrides), with syslog copies as set.
    pub fn user() -> Result<Self, CounterError> {
        let dir = super::audit::default_path()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .ok_or(CounterError::NoDataDir)?;
        Ok(Self { dir, syslog_as_set: true })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn log_path(&self) -> PathBuf {
        self.dir.join(LOG_FILE)
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
        std::fs::read_to_string(self.operator_path())
            .map(|s| s.trim().to_owned())
            .ok()
            .filter(|s| !s.is_empty())
            .ok_or(CounterError::NotSignedIn)
    }

    /// Starts a shift: every following action is recorded under `operator`.
    pub fn sign_in(&self, operator: &str, now: u64) -> Result<Record, CounterError> {
        let operator = operator.trim();
        if operator.is_empty() {
            return Err(CounterError::NoOperatorName);
        }
        std::fs::create_dir_all(&self.dir).map_err(io(&self.dir))?;
        let path = self.operator_path();
        std::fs::write(&path, operator).map_err(io(&path))?;
        self.record(operator, action::SIGN_IN, None, None, result_word(true), now)
    }

    /// Ends the shift; returns who signed out and the audit record.
    pub fn sign_out(&self, now: u64) -> Result<(String, Record), CounterError> {
        let operator = self.operator()?;
        let record = self.record(&operator, action::SIGN_OUT, None, None, result_word(true), now)?;
        let path = self.operator_path();
        std::fs::remove_file(&path).map_err(io(&path))?;
        Ok((operator, record))
    }

    /// The audit log, with the installation's salt for card hashes (made on first use).
    pub fn audit_log(&self) -> Result<AuditLog, CounterError> {
        let salt_path = self.dir.join(SALT_FILE);
        let salt = if let Ok(s) = std::fs::read_to_string(&salt_path) {
            s
        } else {
            let mut b = [0u8; 16];
            getrandom::fill(&mut b)
                .map_err(|e| CounterError::Io { path: salt_path.clone(), detail: e.to_string() })?;
            let s = hex::encode(b);
            std::fs::create_dir_all(&self.dir).map_err(io(&self.dir))?;
            std::fs::write(&salt_path, &s).map_err(io(&salt_path))?;
            s
        };
        let mut log = AuditLog::open(&self.log_path(), &salt);
        if self.syslog_as_set && crate::settings::load().is_ok_and(|s| s.audit_to_syslog) {
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
        let summary = cert.and_then(|c| crate::cert::CertSummary::from_der(c).ok());
        let entry = Entry {
            operator: operator.to_owned(),
            action: action.to_owned(),
            card_id: card.map(str::to_owned),
            cert_serial: summary.as_ref().map(|s| s.serial.clone()),
            cert_issuer: summary.map(|s| s.issuer),
            result: result.to_owned(),
        };
        Ok(self.audit_log()?.append(&entry, now)?)
    }
}

/// The trust anchors the counter checks issued certificates against: the trust store
/// (bundled and the user's, the system's too if chosen in Settings).
pub fn default_anchors() -> Vec<Vec<u8>> {
    let system = crate::settings::load().is_ok_and(|s| s.system_anchors);
    crate::verify::trust::all(system).0.into_iter().map(|a| a.der).collect()
}

/// The receipt: what was done, for whom (the card's hashed id, shortened), by whom — no
/// PIN, no key, no card identifier.
pub fn receipt(j: &Journal, operator: &str, cert: &[u8], now: u64) -> String {
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
        j.card.get(..16).unwrap_or(&j.card),
        j.location,
        s.as_ref().map_or("?".into(), |s| s.subject.clone()),
        s.as_ref().map_or("?".into(), |s| s.serial.clone()),
        s.as_ref().map_or("?".into(), |s| s.issuer.clone()),
        s.as_ref().map_or("?".into(), |s| date(s.not_before)),
        s.as_ref().map_or("?".into(), |s| date(s.not_after)),
        j.replaces.as_ref().map_or(String::new(), |r| format!("; previous e-Cert in {r} removed")),
    )
}

/// Writes the receipt as `<dir>/<job id>-receipt.txt`; returns its path.
pub fn write_receipt(dir: &Path, j: &Journal, text: &str) -> Result<PathBuf, CounterError> {
    let path = dir.join(format!("{}-receipt.txt", j.id));
    std::fs::write(&path, text)
        .map_err(|e| CounterError::Io { path: path.clone(), detail: format!("{}: {e}", path.display()) })?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::journal::{Kind, Status};

    const CERT: &[u8] = include_bytes!("../../assets/anchors/Hongkong_Post_Root_CA_3.der");

    fn journal() -> Journal {
        Journal {
            id: "20261130-abcdef".into(),
            kind: Kind::Enroll,
            card: crate::ops::journal::card_hash("CARD-GUID-0001"),
            status: Status::Done,
            step: 3,
            location: "9d".into(),
            replaces: None,
            old_cert: None,
            new_key: Some(vec![0x30, 0x59, 0xAB, 0xCD, 0xEF, 0x12, 0x34, 0x56, 0x78, 0x9A]),
            new_cert: Some(CERT.to_vec()),
            request: Some("/out/20261130-abcdef.csr".into()),
            subject: Some("CN=Chan Tai Man".into()),
            algorithm: Some("EccP256".into()),
        }
    }

    #[test]
    fn operator_signs_in_and_out_and_actions_need_someone_signed_in() {
        let dir = tempfile::tempdir().unwrap();
        let c = Counter::at(dir.path());
        assert_eq!(c.operator(), Err(CounterError::NotSignedIn));
        assert!(matches!(c.sign_out(1), Err(CounterError::NotSignedIn)));
        assert!(!c.log_path().exists(), "a refused sign-out records nothing");
        assert_eq!(c.sign_in("   ", 1), Err(CounterError::NoOperatorName));
        c.sign_in(" op-17 \n", 1_764_500_000).unwrap();
        assert_eq!(c.operator().unwrap(), "op-17");
        // Another process (the CLI, the app) sees the same shift.
        assert_eq!(Counter::at(dir.path()).operator().unwrap(), "op-17");
        let (who, record) = c.sign_out(1_764_500_100).unwrap();
        assert_eq!((who.as_str(), record.action.as_str(), record.seq), ("op-17", action::SIGN_OUT, 2));
        assert_eq!(c.operator(), Err(CounterError::NotSignedIn));
    }

    #[test]
    fn records_chain_verify_and_hash_the_card_with_the_installation_salt() {
        let dir = tempfile::tempdir().unwrap();
        let c = Counter::at(dir.path());
        c.sign_in("op-17", 1_764_500_000).unwrap();
        let a = c.record("op-17", action::ENROLL_STORE, Some("CARD-GUID-0001"), Some(CERT), "ok", 2).unwrap();
        let b = c.record("op-17", action::REMOVE, Some("CARD-GUID-0001"), None, "failed", 3).unwrap();
        // What `ecert audit verify` runs: the chain holds, in order.
        let records = AuditLog::open(&c.log_path(), "").verify().unwrap();
        let actions: Vec<&str> = records.iter().map(|r| r.action.as_str()).collect();
        assert_eq!(actions, [action::SIGN_IN, action::ENROLL_STORE, action::REMOVE]);
        assert_eq!(records[1], a);
        assert!(a.cert_serial.is_some() && a.cert_issuer.as_deref().is_some_and(|i| i.contains("Hongkong")));
        assert_eq!(b.result, "failed");
        // Same card, same salted hash; never the identifier itself.
        assert_eq!(a.card, b.card);
        let text = std::fs::read_to_string(c.log_path()).unwrap();
        assert!(!text.contains("CARD-GUID-0001"));
        // Another installation (another salt) cannot link the card to this one.
        let other = tempfile::tempdir().unwrap();
        let o = Counter::at(other.path()).record("x", action::REMOVE, Some("CARD-GUID-0001"), None, "ok", 4);
        assert_ne!(o.unwrap().card, a.card);
        // An edited line breaks the chain.
        std::fs::write(c.log_path(), text.replace("\"failed\"", "\"ok\"")).unwrap();
        assert!(matches!(AuditLog::open(&c.log_path(), "").verify(), Err(AuditError::Edited { line: 3 })));
    }

    #[test]
    fn receipt_names_the_job_and_certificate_but_holds_no_pin_key_or_card_id() {
        let dir = tempfile::tempdir().unwrap();
        let j = journal();
        let text = receipt(&j, "op-17", CERT, 1_764_500_000);
        let summary = crate::cert::CertSummary::from_der(CERT).unwrap();
        for want in ["Job:          20261130-abcdef", "Operator:     op-17", "Slot:         9d"] {
            assert!(text.contains(want), "{want} in {text}");
        }
        assert!(text.contains(&summary.serial) && text.contains("2025-11-30T"), "{text}");
        assert!(text.contains(&format!("Card:         {}…", &j.card[..16])));
        let key = j.new_key.as_deref().unwrap();
        for secret in [hex::encode(key), hex::encode_upper(key), "CARD-GUID-0001".into(), j.card.clone()] {
            assert!(!text.contains(&secret), "{secret} leaked");
        }
        assert!(!text.to_ascii_lowercase().contains("pin"), "{text}");
        let path = write_receipt(dir.path(), &j, &text).unwrap();
        assert_eq!(path, dir.path().join("20261130-abcdef-receipt.txt"));
        assert_eq!(std::fs::read_to_string(path).unwrap(), text);
    }
}
