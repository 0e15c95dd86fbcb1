//! The workflow journal: one JSON file per job in `<data dir>/journal/` (0700 folder, 0600
//! files), rewritten atomically (temp file, fsync, rename, fsync of the folder) *before* each
//! step runs, so that a card pulled, a crash or a power cut mid-step leaves a record of
//! exactly where the workflow stood. Each job records which card it belongs to
//! ([`super::card_proof`]: GUID, serial or certificates, salted with the installation's salt)
//! and is offered for resuming or rolling back only on that card. Files are named
//! `<salted card key>.<job id>.json`; files of earlier versions (`<sha256 of GUID or
//! reader>.json`, no proof) are still read, and applied only where the GUID proves the card.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::card_proof::{check, CardNow};
use crate::careful_file::{installation_salt_at, Salt};

/// What the workflow does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Key generated on the card, request written, issued certificate stored; with
    /// `replaces`, the old e-Cert is removed only after the new one is stored and checked.
    Enroll,
    /// Certificate (and, where the medium can, key) removed after a backup.
    Remove,
    /// An e-Cert file's key and certificate installed into a slot (`ops::install`): the
    /// slot's certificate backed up (`old_cert`, `replaces` = the slot) and deleted, the key
    /// imported, the certificate written once the card proves the pair.
    Install,
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
    /// The card's key: HMAC under the installation salt of its GUID or serial, or of its
    /// certificates when it carries neither ([`super::card_proof::CardNow::key`]). Journals of
    /// earlier versions hold the unsalted SHA-256 of the GUID or reader name.
    pub card: String,
    /// What the card showed when the job started, checked before every step. `None` in
    /// journals of earlier versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<super::card_proof::CardProof>,
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

/// The unsalted key of earlier versions' journals (read only, to recognise them).
pub fn card_hash(card_id: &str) -> String {
    hex::encode(Sha256::digest(format!("ecert-journal:{card_id}")))
}

/// `<data dir>/journal` (`ECERT_DATA_DIR` overrides the data dir).
pub fn default_dir() -> Option<PathBuf> {
    crate::ops::audit::default_path().and_then(|p| p.parent().map(|d| d.join("journal")))
}

/// What the folder holds for one card.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    /// An unfinished job proven to be this card's.
    Mine(Journal),
    /// An unfinished job filed under this card's identifier (or an earlier version's key
    /// for it) that cannot be proven to be this card's: it is not run here.
    NotProven(Journal, super::card_proof::Mismatch),
}

/// The journal folder. The installation salt is kept beside it (`<data dir>`).
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

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The installation salt, kept in the folder that holds the journal folder.
    pub fn salt(&self) -> Result<Salt, JournalError> {
        let data = match self.dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => PathBuf::from("."),
        };
        installation_salt_at(&data)
            .map_err(|e| JournalError::Io { path: data.clone(), detail: e.to_string() })
    }

    fn path(&self, j: &Journal) -> PathBuf {
        if j.proof.is_some() {
            self.dir.join(format!("{}.{}.json", j.card, j.id))
        } else {
            self.dir.join(format!("{}.json", j.card))
        }
    }

    /// Fills in which card a new job belongs to (`card` and `proof`) from the card as it is
    /// now. Finished jobs filed under the same card key are removed: the folder keeps each
    /// card's unfinished job and its last finished one, not a history (the audit log is that).
    pub fn stamp(&self, j: &mut Journal, now: &CardNow) -> Result<(), JournalError> {
        let salt = self.salt()?;
        j.card = now.key(&salt);
        j.proof = Some(now.proof(&salt));
        self.prune_finished(&j.card);
        Ok(())
    }

    /// Removes the finished journals filed under `card` (best effort: a file that cannot be
    /// read or removed stays).
    fn prune_finished(&self, card: &str) {
        let prefix = format!("{card}.");
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return };
        for path in entries.filter_map(Result::ok).map(|e| e.path()) {
            let named = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(&prefix));
            let finished = named
                && std::fs::read(&path)
                    .ok()
                    .and_then(|b| serde_json::from_slice::<Journal>(&b).ok())
                    .is_some_and(|j| matches!(j.status, Status::Done | Status::RolledBack));
            if finished {
                let _ = std::fs::remove_file(&path);
            }
        }
    }

    /// Writes the journal durably before the step it describes runs: a private folder
    /// (0700) and file (0600), replaced atomically ([`crate::careful_file::write_atomic`]).
    pub fn save(&self, j: &Journal) -> Result<(), JournalError> {
        let path = self.path(j);
        let io = |e: crate::careful_file::FileError| JournalError::Io {
            path: path.clone(),
            detail: e.to_string(),
        };
        crate::careful_file::create_private_dir_all(&self.dir).map_err(io)?;
        let text = serde_json::to_vec_pretty(j)
            .map_err(|e| JournalError::Io { path: path.clone(), detail: e.to_string() })?;
        crate::careful_file::write_atomic(&path, &text, crate::careful_file::Mode::PRIVATE).map_err(io)
    }

    /// Every unfinished job in the folder. A file that cannot be read or parsed is skipped:
    /// one damaged journal must not hide the others.
    pub fn unfinished(&self) -> Result<Vec<Journal>, JournalError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(JournalError::Io { path: self.dir.clone(), detail: e.to_string() }),
        };
        let mut out: Vec<Journal> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .filter_map(|p| std::fs::read(&p).ok())
            .filter(|b| b.len() <= MAX_JOURNAL_LEN)
            .filter_map(|b| serde_json::from_slice::<Journal>(&b).ok())
            .filter(|j| matches!(j.status, Status::Running | Status::AwaitingCertificate))
            .collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }

    /// The unfinished job of the card `now`: one proven to be its ([`Found::Mine`]) first,
    /// else one filed under its identifier that cannot be proven ([`Found::NotProven`]).
    pub fn find(&self, now: &CardNow) -> Result<Option<Found>, JournalError> {
        let salt = self.salt()?;
        let key = now.key(&salt);
        let legacy: Vec<String> =
            now.guid.iter().chain(now.reference.iter()).map(|id| card_hash(id)).collect();
        let mut not_proven = None;
        for j in self.unfinished()? {
            match check(&salt, &j, now) {
                Ok(()) => return Ok(Some(Found::Mine(j))),
                Err(why) if not_proven.is_none() && (j.card == key || legacy.contains(&j.card)) => {
                    not_proven = Some(Found::NotProven(j, why));
                }
                Err(_) => {}
            }
        }
        Ok(not_proven)
    }

    /// The unfinished job proven to be this card's, if any.
    pub fn pending(&self, now: &CardNow) -> Result<Option<Journal>, JournalError> {
        Ok(match self.find(now)? {
            Some(Found::Mine(j)) => Some(j),
            _ => None,
        })
    }
}

/// A journal is a few kilobytes (two certificates); anything far larger is not one.
const MAX_JOURNAL_LEN: usize = 1024 * 1024;
