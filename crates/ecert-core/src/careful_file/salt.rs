//! The per-installation salt: 32 bytes from the operating system's random source
//! (`getrandom`), stored 0600 as `installation-salt` in the folder the app names (its data folder), created once — atomically,
//! so two processes starting together agree on one salt — and read back every time. Card
//! identifiers stored on disk (journal file names, receipt ids, audit records) are
//! HMAC-SHA-256 (RFC 2104) under this salt, so the same card yields unrelated ids at two
//! installations and a stolen journal folder does not name the cards it belongs to.
//!
//! A salt file of the wrong length is an error, never regenerated: a new salt would orphan
//! every journal and break every receipt id issued so far.

use std::path::{Path, PathBuf};

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::{create_private_dir_all, write_atomic, FileError, FileOp, Mode};

/// The salt file's name in the data folder.
pub const SALT_FILE: &str = "installation-salt";
/// Salt length in bytes (the HMAC-SHA-256 block-size-safe key length of RFC 2104 §3).
pub const SALT_LEN: usize = 32;

/// The installation's salt. Not a secret in the cryptographic sense (it sits beside the
/// data it keys) but never printed.
#[derive(Clone)]
pub struct Salt(Zeroizing<[u8; SALT_LEN]>);

impl std::fmt::Debug for Salt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Salt(..)")
    }
}

impl Salt {
    /// A salt from known bytes (tests, and callers that keep the salt elsewhere).
    pub fn from_bytes(bytes: [u8; SALT_LEN]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// HMAC-SHA-256 under the salt of `kind` and `value`, hex. `kind` separates uses
    /// ("journal", "receipt", "audit-card") so one id never stands for another; both parts
    /// are length-prefixed so their boundary cannot shift.
    pub fn id(&self, kind: &str, value: impl AsRef<[u8]>) -> String {
        let value = value.as_ref();
        let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(self.0.as_slice()) else {
            // HMAC accepts keys of any length (RFC 2104 §2); this branch cannot be taken.
            return String::new();
        };
        mac.update(&(kind.len() as u64).to_be_bytes());
        mac.update(kind.as_bytes());
        mac.update(&(value.len() as u64).to_be_bytes());
        mac.update(value);
        hex::encode(mac.finalize().into_bytes())
    }
}

/// The salt kept in `dir` (created 0700 if missing), created on first use.
pub fn installation_salt_at(dir: &Path) -> Result<Salt, FileError> {
    let path = dir.join(SALT_FILE);
    if let Some(salt) = read(&path)? {
        return Ok(salt);
    }
    create_private_dir_all(dir)?;
    let mut fresh = Zeroizing::new([0u8; SALT_LEN]);
    getrandom::fill(fresh.as_mut_slice()).map_err(|e| FileError::Io {
        path: path.clone(),
        op: FileOp::Create,
        kind: std::io::ErrorKind::Other,
        detail: e.to_string(),
    })?;
    match write_atomic(&path, fresh.as_slice(), Mode::PRIVATE.no_clobber()) {
        // Another process may have won the race: either way, the file on disk is the salt.
        Ok(()) | Err(FileError::AlreadyExists { .. }) => {}
        Err(e) => return Err(e),
    }
    read(&path)?.ok_or_else(|| FileError::Io {
        path: path.clone(),
        op: FileOp::Read,
        kind: std::io::ErrorKind::NotFound,
        detail: "the salt vanished after it was written".into(),
    })
}

fn read(path: &PathBuf) -> Result<Option<Salt>, FileError> {
    match std::fs::read(path) {
        Ok(bytes) => {
            let bytes = Zeroizing::new(bytes);
            let arr: [u8; SALT_LEN] = bytes
                .as_slice()
                .try_into()
                .map_err(|_| FileError::SaltDamaged { path: path.clone(), len: bytes.len() })?;
            Ok(Some(Salt::from_bytes(arr)))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(FileError::io(path, FileOp::Read)(e)),
    }
}
