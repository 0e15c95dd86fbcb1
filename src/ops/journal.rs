//! The workflow journal: one JSON file per card in `<data dir>/journal/`, rewritten
//! atomically (temp file, fsync, rename) *before* each step runs, so that a card pulled, a
//! crash or a power cut mid-step leaves a record of exactly where the workflow stood. On the
//! next insert of the same card (matched by its identifier, stored hashed) the app or CLI
//! offers to resume or roll back.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What the workflow does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Key generated on the card, request written, issued certificate stored; with
    /// `replaces`, the old e-Cert is removed only after the new one is stored and checked.
    Enroll,
    /// Certificate (and, where the medium can, key) removed after a backup.
    Remove,
}

/// Where the workflow stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// A step was started and not confirmed: resume or roll back.
    Running,
    /// The request is out; waiting for the issued certificate.
    AwaitingCertificate,
    Done,
    RolledBack,
}

/// One workflow's durable state. Certificates are public; nothing secret is journaled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Journal {
    pub id: String,
    pub kind: Kind,
    /// SHA-256 (hex) of the card identifier.
    pub card: String,
    pub status: Status,
    /// Index of the step that is running (or next).
    pub step: usize,
    /// Where the new key and certificate go (enroll) or what is removed (remove).
    pub location: String,
    /// The e-Cert being replaced (enroll) — its location and certificate, kept to restore it.
    pub replaces: Option<String>,
    #[serde(with = "hex_opt")]
    pub old_cert: Option<Vec<u8>>,
    /// The new key's SubjectPublicKeyInfo, once generated.
    #[serde(with = "hex_opt")]
    pub new_key: Option<Vec<u8>>,
    #[serde(with = "hex_opt")]
    pub new_cert: Option<Vec<u8>>,
    /// Where the certificate request was written.
    pub request: Option<PathBuf>,
    pub subject: Option<String>,
    pub algorithm: Option<String>,
}

mod hex_opt {
    use serde::{Deserialize, Deserializer, Serializer};

    #[allow(clippy::ref_option)] // serde's `with` hands us `&Option<_>`
    pub fn serialize<S: Serializer>(v: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(b) => s.serialize_some(&hex::encode(b)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|h| hex::decode(h).map_err(serde::de::Error::custom))
            .transpose()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JournalError {
    #[error("no data folder for this user")]
    NoDataDir,
    #[error("journal {path:?}: {detail}")]
    Io { path: PathBuf, detail: String },
    #[error("journal {path:?} is damaged: {detail}")]
    Malformed { path: PathBuf, detail: String },
}

/// Hashes a card identifier for storage.
pub fn card_hash(card_id: &str) -> String {
    hex::encode(Sha256::digest(format!("ecert-journal:{card_id}")))
}

/// `<data dir>/journal` (`ECERT_DATA_DIR` overrides the data dir).
pub fn default_dir() -> Option<PathBuf> {
    crate::ops::audit::default_path().and_then(|p| p.parent().map(|d| d.join("journal")))
}

/// The journal folder.
pub struct Store {
    dir: PathBuf,
}

impl Store {
    pub fn new(dir: &Path) -> Self {
        Self { dir: dir.to_owned() }
    }

    pub fn user() -> Result<Self, JournalError> {
        default_dir().map(|d| Self::new(&d)).ok_or(JournalError::NoDataDir)
    }

    fn path(&self, card: &str) -> PathBuf {
        self.dir.join(format!("{card}.json"))
    }

    /// Writes the journal durably before the step it describes runs: a private folder
    /// (0700) and file (0600), replaced atomically ([`crate::careful_file::write_atomic`]).
    pub fn save(&self, j: &Journal) -> Result<(), JournalError> {
        let path = self.path(&j.card);
        let io = |e: crate::careful_file::FileError| JournalError::Io {
            path: path.clone(),
            detail: e.to_string(),
        };
        crate::careful_file::create_private_dir_all(&self.dir).map_err(io)?;
        let text = serde_json::to_vec_pretty(j)
            .map_err(|e| JournalError::Io { path: path.clone(), detail: e.to_string() })?;
        crate::careful_file::write_atomic(&path, &text, crate::careful_file::Mode::PRIVATE).map_err(io)
    }

    /// The unfinished workflow for this card, if any.
    pub fn pending(&self, card_id: &str) -> Result<Option<Journal>, JournalError> {
        let path = self.path(&card_hash(card_id));
        match std::fs::read(&path) {
            Ok(bytes) => {
                let j: Journal = serde_json::from_slice(&bytes)
                    .map_err(|e| JournalError::Malformed { path: path.clone(), detail: e.to_string() })?;
                Ok(matches!(j.status, Status::Running | Status::AwaitingCertificate).then_some(j))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(JournalError::Io { path, detail: e.to_string() }),
        }
    }
}
