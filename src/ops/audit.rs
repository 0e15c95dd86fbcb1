//! The counter's tamper-evident audit log: JSON Lines in the data dir, one record per
//! action, each carrying the SHA-256 of the previous record so that an edited, removed or
//! reordered line breaks the chain at a line `verify` can name. Records hold no PIN, no name,
//! no ID number: the card is identified by a salted hash of its identifier.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Hash of the "previous record" of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audited action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub seq: u64,
    /// UTC, RFC 3339.
    pub time: String,
    pub operator: String,
    pub action: String,
    /// SHA-256 (hex) of the card identifier with the log's salt; never the identifier.
    pub card: Option<String>,
    pub cert_serial: Option<String>,
    pub cert_issuer: Option<String>,
    pub result: String,
    pub prev: String,
    pub hash: String,
}

/// What the caller fills in; the log adds sequence, time and hashes.
#[derive(Clone, Debug, Default)]
pub struct Entry {
    pub operator: String,
    pub action: String,
    pub card_id: Option<String>,
    pub cert_serial: Option<String>,
    pub cert_issuer: Option<String>,
    pub result: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    #[error("audit log {path:?}: {detail}")]
    Io { path: PathBuf, detail: String },
    /// Line `line` (1-based) is not a record.
    #[error("line {line} is not a valid record")]
    Malformed { line: usize },
    /// Line `line`'s content does not hash to its stored hash: it was edited.
    #[error("line {line} was edited")]
    Edited { line: usize },
    /// Line `line` does not follow the line before it: a record was removed or reordered.
    #[error("line {line} does not follow line {}: a record was removed or moved", line - 1)]
    Broken { line: usize },
}

fn record_hash(r: &Record) -> String {
    let mut h = Sha256::new();
    for field in [
        r.seq.to_string().as_str(),
        &r.time,
        &r.operator,
        &r.action,
        r.card.as_deref().unwrap_or(""),
        r.cert_serial.as_deref().unwrap_or(""),
        r.cert_issuer.as_deref().unwrap_or(""),
        &r.result,
        &r.prev,
    ] {
        // Length-prefixed so field boundaries cannot be shifted.
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

/// An append-only log file.
pub struct AuditLog {
    path: PathBuf,
    salt: String,
    /// A syslog socket (RFC 5424 over a Unix datagram socket, e.g. `/dev/log`, which
    /// journald also reads) each record is copied to after it is safely on disk.
    forward: Option<PathBuf>,
}

/// The log's usual place: `<data dir>/audit.jsonl` (`ECERT_DATA_DIR` overrides the dir).
pub fn default_path() -> Option<PathBuf> {
    let dir = std::env::var_os("ECERT_DATA_DIR").map(PathBuf::from).or_else(|| {
        directories::ProjectDirs::from("hk", "ecert", "ecert-manager").map(|d| d.data_dir().to_owned())
    })?;
    Some(dir.join("audit.jsonl"))
}

/// The standard syslog socket on Linux.
pub const SYSLOG_SOCKET: &str = "/dev/log";

impl AuditLog {
    /// Opens (or starts) the log at `path`. `salt` keys the card-identifier hashes; keep it
    /// with the installation, not in the log.
    pub fn open(path: &Path, salt: &str) -> Self {
        Self { path: path.to_owned(), salt: salt.to_owned(), forward: None }
    }

    /// Also copies every new record to the syslog socket at `socket` (an organisation's log
    /// pipeline can collect it there). The file stays the record of truth: a socket that is
    /// missing or full never stops an append.
    #[must_use]
    pub fn forwarding_to(mut self, socket: &Path) -> Self {
        self.forward = Some(socket.to_owned());
        self
    }

    fn forward(&self, record: &Record, line: &str) {
        let Some(socket) = &self.forward else { return };
        // RFC 5424: <PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG, facility
        // auth (4), severity notice (5) → PRI 37.
        let message = format!("<37>1 {} - ecert-manager - audit - {}", record.time, line.trim_end());
        if let Ok(sock) = std::os::unix::net::UnixDatagram::unbound() {
            let _ = sock.send_to(message.as_bytes(), socket);
        }
    }

    fn io(&self, e: &std::io::Error) -> AuditError {
        AuditError::Io { path: self.path.clone(), detail: e.to_string() }
    }

    /// Appends one record and fsyncs it before returning.
    pub fn append(&self, entry: &Entry, now_unix: u64) -> Result<Record, AuditError> {
        let (seq, prev) = match self.verify()?.last() {
            Some(last) => (last.seq + 1, last.hash.clone()),
            None => (1, GENESIS.to_owned()),
        };
        let card =
            entry.card_id.as_ref().map(|id| hex::encode(Sha256::digest(format!("{}:{id}", self.salt))));
        let mut record = Record {
            seq,
            time: rfc3339(now_unix),
            operator: entry.operator.clone(),
            action: entry.action.clone(),
            card,
            cert_serial: entry.cert_serial.clone(),
            cert_issuer: entry.cert_issuer.clone(),
            result: entry.result.clone(),
            prev,
            hash: String::new(),
        };
        record.hash = record_hash(&record);
        let mut line = serde_json::to_string(&record)
            .map_err(|e| AuditError::Io { path: self.path.clone(), detail: e.to_string() })?;
        line.push('\n');
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| self.io(&e))?;
        }
        let mut f = OpenOptions::new().create(true).append(true).open(&self.path).map_err(|e| self.io(&e))?;
        f.write_all(line.as_bytes()).map_err(|e| self.io(&e))?;
        f.sync_all().map_err(|e| self.io(&e))?;
        self.forward(&record, &line);
        Ok(record)
    }

    /// Reads and checks the whole chain; returns the records or the first broken line.
    pub fn verify(&self) -> Result<Vec<Record>, AuditError> {
        let f = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(self.io(&e)),
        };
        let mut out: Vec<Record> = Vec::new();
        for (i, line) in BufReader::new(f).lines().enumerate() {
            let n = i + 1;
            let line = line.map_err(|e| self.io(&e))?;
            let r: Record = serde_json::from_str(&line).map_err(|_| AuditError::Malformed { line: n })?;
            if record_hash(&r) != r.hash {
                return Err(AuditError::Edited { line: n });
            }
            let (want_seq, want_prev) = out.last().map_or((1, GENESIS), |p| (p.seq + 1, p.hash.as_str()));
            if r.seq != want_seq || r.prev != want_prev {
                return Err(AuditError::Broken { line: n });
            }
            out.push(r);
        }
        Ok(out)
    }
}

/// Seconds since the epoch as `YYYY-MM-DDThh:mm:ssZ` (proleptic Gregorian, civil-from-days).
pub fn rfc3339(unix: u64) -> String {
    let days = i64::try_from(unix / 86_400).unwrap_or(0);
    let secs = unix % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs % 3600 / 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(action: &str) -> Entry {
        Entry {
            operator: "op-17".into(),
            action: action.into(),
            card_id: Some("GUID-1234".into()),
            cert_serial: Some("0A1B".into()),
            cert_issuer: Some("CN=Hongkong Post e-Cert CA 2 - 17".into()),
            result: "ok".into(),
        }
    }

    fn log_with(n: u64) -> (tempfile::TempDir, AuditLog) {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::open(&dir.path().join("audit.jsonl"), "salt");
        for i in 0..n {
            log.append(&entry(&format!("install-{i}")), 1_790_000_000 + i).unwrap();
        }
        (dir, log)
    }

    fn lines(log: &AuditLog) -> Vec<String> {
        std::fs::read_to_string(&log.path).unwrap().lines().map(str::to_owned).collect()
    }

    fn write(log: &AuditLog, lines: &[String]) {
        std::fs::write(&log.path, lines.join("\n") + "\n").unwrap();
    }

    #[test]
    fn chain_verifies_and_holds_no_card_identifier() {
        let (_d, log) = log_with(3);
        let records = log.verify().unwrap();
        assert_eq!(records.len(), 3);
        assert!(!std::fs::read_to_string(&log.path).unwrap().contains("GUID-1234"));
        assert_eq!(records[0].time, "2026-09-21T14:13:20Z");
    }

    #[test]
    fn edit_removal_and_reorder_are_named() {
        let (_d, log) = log_with(4);
        let orig = lines(&log);
        let mut edited = orig.clone();
        edited[1] = edited[1].replace("\"ok\"", "\"failed\"");
        write(&log, &edited);
        assert_eq!(log.verify().unwrap_err(), AuditError::Edited { line: 2 });
        let mut removed = orig.clone();
        removed.remove(2);
        write(&log, &removed);
        assert_eq!(log.verify().unwrap_err(), AuditError::Broken { line: 3 });
        let mut swapped = orig.clone();
        swapped.swap(0, 1);
        write(&log, &swapped);
        assert_eq!(log.verify().unwrap_err(), AuditError::Broken { line: 1 });
        let mut truncated_head = orig;
        truncated_head.remove(0);
        write(&log, &truncated_head);
        assert_eq!(log.verify().unwrap_err(), AuditError::Broken { line: 1 });
    }

    #[test]
    fn records_are_forwarded_to_a_syslog_socket() {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("log.sock");
        let listener = std::os::unix::net::UnixDatagram::bind(&socket).unwrap();
        listener.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
        let log = AuditLog::open(&dir.path().join("audit.jsonl"), "salt").forwarding_to(&socket);
        let record = log.append(&entry("install"), 1_700_000_000).unwrap();
        let mut buf = [0u8; 4096];
        let n = listener.recv(&mut buf).unwrap();
        let got = std::str::from_utf8(&buf[..n]).unwrap();
        assert!(got.starts_with("<37>1 2023-11-14T22:13:20Z - ecert-manager - audit - {"), "{got}");
        assert!(got.contains(&record.hash));
        // A missing socket does not stop the log.
        let gone =
            AuditLog::open(&dir.path().join("audit.jsonl"), "salt").forwarding_to(&dir.path().join("none"));
        assert_eq!(gone.append(&entry("remove"), 1_700_000_001).unwrap().seq, 2);
    }

    #[test]
    fn dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(4_102_444_799), "2099-12-31T23:59:59Z");
    }
}
