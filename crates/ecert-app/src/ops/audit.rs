//! The counter's tamper-evident audit log: JSON Lines in the data folder, one record per
//! action. Each record carries a sequence number and an HMAC-SHA-256 tag (RFC 2104) over its
//! fields and the previous record's tag, keyed with the installation's audit key ([`chain`]),
//! so an edited, removed, reordered or recomputed record breaks the chain at a line `verify`
//! can name; a checkpoint kept apart from the log ([`checkpoint`]) shows a tail cut off or the
//! whole file deleted. Appends hold an exclusive lock on the log across read, check, append
//! and fsync, so the app and the CLI at once cannot fork the chain; a torn last line (a crash
//! mid-append) is moved aside and recorded as `repaired`. Records hold no PIN, no name, no ID
//! number: the card is identified by a salted hash of its identifier.

mod chain;
mod checkpoint;
pub mod file;

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use chain::Key;
pub use chain::KEY_FILE;
pub use checkpoint::{Checkpoint, CHECKPOINT_FILE};

/// Tag of the "previous record" of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The `result` words of a record.
pub mod result {
    /// Written before the card is touched: the action is about to run.
    pub const INTENT: &str = "intent";
    pub const OK: &str = "ok";
    pub const FAILED: &str = "failed";
    /// Something the log itself did or found (a repair, no syslog on this platform).
    pub const NOTE: &str = "note";
}

/// The log's own actions.
pub mod action {
    /// A torn last line was moved aside; `detail` says how many bytes and where.
    pub const REPAIRED: &str = "repaired";
    /// Records are not copied to syslog on this platform although the setting is on.
    pub const SYSLOG_UNAVAILABLE: &str = "syslog-unavailable";
}

/// One audited action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub seq: u64,
    /// UTC, RFC 3339.
    pub time: String,
    pub operator: String,
    pub action: String,
    /// SHA-256 (hex) of the card identifier with the installation's salt; never the identifier.
    pub card: Option<String>,
    pub cert_serial: Option<String>,
    pub cert_issuer: Option<String>,
    /// [`result`]: intent, ok, failed or note.
    pub result: String,
    /// What else the record says: the intent an outcome ends, a failure's error id, the
    /// operator a sign-in replaced, the bytes a repair dropped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The previous record's tag.
    pub prev: String,
    /// Legacy (unkeyed) logs: the record's plain SHA-256.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    /// HMAC-SHA-256 with the installation's audit key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac: Option<String>,
}

impl Record {
    /// The tag the next record chains to.
    pub fn tag(&self) -> &str {
        self.mac.as_deref().or(self.hash.as_deref()).unwrap_or("")
    }
}

/// What the caller fills in; the log adds sequence, time and tags.
#[derive(Clone, Debug, Default)]
pub struct Entry {
    pub operator: String,
    pub action: String,
    pub card_id: Option<String>,
    pub cert_serial: Option<String>,
    pub cert_issuer: Option<String>,
    pub result: String,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    #[error("audit log {path:?}: {detail}")]
    Io { path: PathBuf, detail: String },
    /// Line `line` (1-based) is not a record.
    #[error("line {line} is not a valid record")]
    Malformed { line: usize },
    /// Line `line`'s content does not match its tag: it was edited or recomputed.
    #[error("line {line} was edited")]
    Edited { line: usize },
    /// Line `line` does not follow the line before it: a record was removed or reordered.
    #[error("line {line} does not follow line {}: a record was removed or moved", line - 1)]
    Broken { line: usize },
    /// The log holds keyed records but the key is not there.
    #[error("the audit key {path:?} is missing: keyed records cannot be checked without it")]
    KeyMissing { path: PathBuf },
    /// An unkeyed (legacy) record after keyed ones: written by someone without the key.
    #[error("line {line} is unkeyed after keyed records: it was not written by this installation")]
    Downgrade { line: usize },
    /// The checkpoint says the log reached record `expected`; it ends at `found`.
    #[error(
        "the log ends at record {found} but its checkpoint says {expected}: records were cut off the end"
    )]
    Truncated { expected: u64, found: u64 },
    /// The checkpoint says the log had `expected` records; the file is gone.
    #[error("the log is missing but its checkpoint says it had {expected} records: it was deleted")]
    Deleted { expected: u64 },
    /// Record `seq` is not the one the checkpoint saw: the log was rewritten.
    #[error("record {seq} is not the one the checkpoint saw: the log was rewritten")]
    Rewritten { seq: u64 },
}

/// What `check` found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub records: Vec<Record>,
    /// How many records (at the start) are legacy: plain hashes, no key.
    pub legacy: usize,
    /// The sequence number the checkpoint confirmed, if a checkpoint for this log was there.
    pub checkpoint: Option<u64>,
}

/// How card identifiers are hashed into records.
enum CardIds {
    /// SHA-256 of `<salt>:<id>` (logs opened with a string salt, and tests).
    Plain(String),
    /// HMAC-SHA-256 under the installation salt, kind `audit-card`.
    Installation(crate::careful_file::Salt),
}

/// An append-only log file.
pub struct AuditLog {
    path: PathBuf,
    salt: CardIds,
    key: PathBuf,
    checkpoint: Option<PathBuf>,
    /// A syslog socket (RFC 5424 over a Unix datagram socket, e.g. `/dev/log`, which
    /// journald also reads) each record and checkpoint is copied to after it is on disk.
    forward: Option<PathBuf>,
}

/// The log's usual place: `<data dir>/audit.jsonl` (`ECERT_DATA_DIR` overrides the dir).
pub fn default_path() -> Option<PathBuf> {
    crate::folders::data_dir().map(|d| d.join("audit.jsonl"))
}

/// The checkpoint's usual place: `<config dir>/audit-checkpoint.json` (`ECERT_CONFIG_DIR`
/// overrides), apart from the data folder that holds the log.
pub fn default_checkpoint() -> Option<PathBuf> {
    crate::settings::config_dir().map(|d| d.join(CHECKPOINT_FILE))
}

/// The standard syslog socket on Linux.
pub const SYSLOG_SOCKET: &str = "/dev/log";

/// Whether this platform can copy records to syslog (Unix: yes; Windows: no).
pub const SYSLOG_AVAILABLE: bool = file::SYSLOG_AVAILABLE;

fn same_file(a: &Path, b: &Path) -> bool {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_owned());
    abs(a) == abs(b)
}

/// Checks the chain in `text`: each record's tag (keyed, or legacy plain hash before any
/// keyed record), sequence and link. Returns the records and how many are legacy.
fn check_chain(text: &str, key: Option<&Key>, key_path: &Path) -> Result<(Vec<Record>, usize), AuditError> {
    let mut out: Vec<Record> = Vec::new();
    let mut legacy = 0;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let r: Record = serde_json::from_str(line).map_err(|_| AuditError::Malformed { line: n })?;
        match (&r.mac, &r.hash) {
            (Some(mac), None) => {
                let key = key.ok_or_else(|| AuditError::KeyMissing { path: key_path.to_owned() })?;
                if !key.check(&r, mac) {
                    return Err(AuditError::Edited { line: n });
                }
            }
            (None, Some(hash)) => {
                if legacy < out.len() {
                    return Err(AuditError::Downgrade { line: n });
                }
                if r.detail.is_some() {
                    return Err(AuditError::Malformed { line: n });
                }
                if chain::legacy_hash(&r) != *hash {
                    return Err(AuditError::Edited { line: n });
                }
                legacy += 1;
            }
            _ => return Err(AuditError::Malformed { line: n }),
        }
        let (want_seq, want_prev) = out.last().map_or((1, GENESIS), |p| (p.seq + 1, p.tag()));
        if r.seq != want_seq || r.prev != want_prev {
            return Err(AuditError::Broken { line: n });
        }
        out.push(r);
    }
    Ok((out, legacy))
}

/// Whether the records reach the checkpoint and hold the record it saw.
fn against(records: &[Record], cp: &Checkpoint, file_exists: bool) -> Result<(), AuditError> {
    if cp.seq == 0 {
        return Ok(());
    }
    if !file_exists {
        return Err(AuditError::Deleted { expected: cp.seq });
    }
    let found = records.last().map_or(0, |r| r.seq);
    if found < cp.seq {
        return Err(AuditError::Truncated { expected: cp.seq, found });
    }
    let seen = usize::try_from(cp.seq - 1).ok().and_then(|i| records.get(i));
    if seen.is_none_or(|r| r.tag() != cp.mac) {
        return Err(AuditError::Rewritten { seq: cp.seq });
    }
    Ok(())
}

/// Splits the log's bytes into the complete records and a torn tail: bytes after the last
/// newline, or a last line that is not a record (a crash mid-append; a power cut can leave
/// zeros).
fn split_torn(bytes: &[u8]) -> (usize, usize) {
    let end = bytes.len();
    let last_nl = bytes.iter().rposition(|b| *b == b'\n');
    if end > 0 && bytes[end - 1] != b'\n' {
        let good = last_nl.map_or(0, |i| i + 1);
        return (good, end - good);
    }
    // Ends with a newline: is the last line a record?
    let Some(nl) = last_nl else { return (0, 0) };
    let start = bytes[..nl].iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let line = &bytes[start..nl];
    if serde_json::from_slice::<Record>(line).is_ok() {
        (end, 0)
    } else {
        (start, end - start)
    }
}

impl AuditLog {
    /// Opens (or starts) the log at `path`, its key next to it ([`KEY_FILE`]). `salt` keys
    /// the card-identifier hashes; keep it with the installation, not in the log.
    pub fn open(path: &Path, salt: &str) -> Self {
        Self {
            path: path.to_owned(),
            salt: CardIds::Plain(salt.to_owned()),
            key: path.with_file_name(KEY_FILE),
            checkpoint: None,
            forward: None,
        }
    }

    /// Hashes card identifiers under the installation salt ([`crate::careful_file::salt`],
    /// kind `audit-card`).
    #[must_use]
    pub fn with_installation_salt(mut self, salt: crate::careful_file::Salt) -> Self {
        self.salt = CardIds::Installation(salt);
        self
    }

    /// Keeps (and checks against) a checkpoint at `path`, which should be in another folder.
    #[must_use]
    pub fn with_checkpoint(mut self, path: &Path) -> Self {
        self.checkpoint = Some(path.to_owned());
        self
    }

    /// Reads the key at `path` instead of next to the log.
    #[must_use]
    pub fn with_key(mut self, path: &Path) -> Self {
        path.clone_into(&mut self.key);
        self
    }

    /// Also copies every new record, and the checkpoint, to the syslog socket at `socket`
    /// (an organisation's log pipeline can collect it there). The file stays the record of
    /// truth: a socket that is missing or full never stops an append. Unix only: on other
    /// platforms nothing is sent ([`SYSLOG_AVAILABLE`]).
    #[must_use]
    pub fn forwarding_to(mut self, socket: &Path) -> Self {
        self.forward = Some(socket.to_owned());
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn key_path(&self) -> &Path {
        &self.key
    }

    /// The card hash a record holds for `card_id` (salted with the installation's salt).
    pub fn card_hash(&self, card_id: &str) -> String {
        match &self.salt {
            CardIds::Plain(salt) => hex::encode(Sha256::digest(format!("{salt}:{card_id}"))),
            CardIds::Installation(salt) => salt.id("audit-card", card_id),
        }
    }

    fn io(&self, e: &std::io::Error) -> AuditError {
        AuditError::Io { path: self.path.clone(), detail: e.to_string() }
    }

    fn io_at(path: &Path) -> impl Fn(std::io::Error) -> AuditError + '_ {
        move |e| AuditError::Io { path: path.to_owned(), detail: e.to_string() }
    }

    /// The checkpoint for this log, if one is kept and names this log.
    fn load_checkpoint(&self) -> Result<Option<Checkpoint>, AuditError> {
        let Some(path) = &self.checkpoint else { return Ok(None) };
        let cp = Checkpoint::load(path).map_err(Self::io_at(path))?;
        Ok(cp.filter(|c| same_file(&c.log, &self.path)))
    }

    /// Appends one record and fsyncs it before returning.
    pub fn append(&self, entry: &Entry, now_unix: u64) -> Result<Record, AuditError> {
        let mut records = self.append_with(now_unix, |_| Ok(vec![entry.clone()]))?;
        records
            .pop()
            .ok_or_else(|| AuditError::Io { path: self.path.clone(), detail: "nothing appended".into() })
    }

    /// Under the log's exclusive lock: repairs a torn last line, checks the chain and the
    /// checkpoint, asks `make` (given the records so far) for the entries to append, appends
    /// them in one write, fsyncs, and moves the checkpoint on. Returns the records written
    /// (a `repaired` record first when the log was repaired).
    pub fn append_with(
        &self,
        now_unix: u64,
        make: impl FnOnce(&[Record]) -> Result<Vec<Entry>, AuditError>,
    ) -> Result<Vec<Record>, AuditError> {
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            file::private_dir(dir).map_err(Self::io_at(dir))?;
        }
        let mut f = file::private_options()
            .read(true)
            .append(true)
            .create(true)
            .open(&self.path)
            .map_err(|e| self.io(&e))?;
        f.lock().map_err(|e| self.io(&e))?;
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).map_err(|e| self.io(&e))?;
        let (good, torn) = split_torn(&bytes);
        let repaired = if torn > 0 { Some(self.move_aside(&f, &bytes, good)?) } else { None };
        let text = std::str::from_utf8(&bytes[..good]).map_err(|_| AuditError::Malformed { line: 1 })?;
        let key = match Key::load(&self.key).map_err(Self::io_at(&self.key))? {
            Some(k) => k,
            None if text.contains("\"mac\":") => {
                return Err(AuditError::KeyMissing { path: self.key.clone() })
            }
            None => Key::create(&self.key).map_err(Self::io_at(&self.key))?,
        };
        let (records, _) = check_chain(text, Some(&key), &self.key)?;
        let cp = self.load_checkpoint()?;
        if let Some(cp) = &cp {
            against(&records, cp, true)?;
        }
        let mut entries = make(&records)?;
        if let Some((dropped, aside)) = repaired {
            let operator = entries.first().map(|e| e.operator.clone()).unwrap_or_default();
            let detail = format!("dropped {dropped} bytes of a torn last line; kept in {aside}");
            let note = Entry {
                operator,
                action: action::REPAIRED.into(),
                result: result::NOTE.into(),
                detail: Some(detail),
                ..Entry::default()
            };
            entries.insert(0, note);
        }
        let (mut seq, mut prev) =
            records.last().map_or((1, GENESIS.to_owned()), |l| (l.seq + 1, l.tag().to_owned()));
        let mut written = Vec::new();
        let mut lines = String::new();
        for entry in entries {
            let mut record = Record {
                seq,
                time: rfc3339(now_unix),
                operator: entry.operator,
                action: entry.action,
                card: entry.card_id.map(|id| self.card_hash(&id)),
                cert_serial: entry.cert_serial,
                cert_issuer: entry.cert_issuer,
                result: entry.result,
                detail: entry.detail,
                prev,
                hash: None,
                mac: None,
            };
            record.mac = Some(key.tag(&record));
            lines.push_str(&serde_json::to_string(&record).map_err(|e| self.io(&std::io::Error::other(e)))?);
            lines.push('\n');
            prev = record.mac.clone().unwrap_or_default();
            seq += 1;
            written.push(record);
        }
        f.write_all(lines.as_bytes()).map_err(|e| self.io(&e))?;
        f.sync_all().map_err(|e| self.io(&e))?;
        let Some(last) = written.last() else { return Ok(written) };
        let cp = Checkpoint {
            log: std::path::absolute(&self.path).unwrap_or_else(|_| self.path.clone()),
            seq: last.seq,
            mac: last.tag().to_owned(),
            time: last.time.clone(),
        };
        if let Some(path) = &self.checkpoint {
            cp.save(path).map_err(Self::io_at(path))?;
        }
        if let Some(socket) = &self.forward {
            for (record, line) in written.iter().zip(lines.lines()) {
                // RFC 5424: <PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG,
                // facility auth (4), severity notice (5) → PRI 37.
                file::send_syslog(socket, &format!("<37>1 {} - ecert-manager - audit - {line}", record.time));
            }
            file::send_syslog(socket, &cp.syslog_line());
        }
        Ok(written)
    }

    /// Moves the torn tail (from `good` on) to `<log>.torn-<n>` and cuts it off the log;
    /// returns the bytes dropped and the file they were kept in.
    fn move_aside(&self, f: &File, bytes: &[u8], good: usize) -> Result<(usize, String), AuditError> {
        let torn = &bytes[good..];
        let mut n = 1u32;
        let aside = loop {
            let name =
                format!("{}.torn-{n}", self.path.file_name().and_then(|s| s.to_str()).unwrap_or("audit"));
            let candidate = self.path.with_file_name(&name);
            match file::create_new_private(&candidate, torn) {
                Ok(()) => break name,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
                Err(e) => return Err(Self::io_at(&candidate)(e)),
            }
        };
        f.set_len(good as u64).map_err(|e| self.io(&e))?;
        f.sync_all().map_err(|e| self.io(&e))?;
        Ok((torn.len(), aside))
    }

    /// Reads and checks the whole chain, and the checkpoint when one is kept for this log.
    pub fn check(&self) -> Result<Report, AuditError> {
        let cp = self.load_checkpoint()?;
        let text = match File::open(&self.path) {
            Ok(mut f) => {
                let mut s = String::new();
                f.read_to_string(&mut s).map_err(|e| self.io(&e))?;
                Some(s)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(self.io(&e)),
        };
        let key = Key::load(&self.key).map_err(Self::io_at(&self.key))?;
        let (records, legacy) = check_chain(text.as_deref().unwrap_or(""), key.as_ref(), &self.key)?;
        if let Some(cp) = &cp {
            against(&records, cp, text.is_some())?;
        }
        Ok(Report { records, legacy, checkpoint: cp.map(|c| c.seq) })
    }

    /// The records, checked ([`Self::check`]); the first broken line is the error.
    pub fn verify(&self) -> Result<Vec<Record>, AuditError> {
        self.check().map(|r| r.records)
    }
}

/// Seconds since the epoch as RFC 3339 UTC; lives with the other time code in the core.
pub use crate::verify::time::rfc3339;

#[cfg(test)]
mod tests;
