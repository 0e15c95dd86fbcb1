//! Decrypted e-Cert file contents and password change (RFC 7292 via `p12-keystore`).

use std::path::{Path, PathBuf};

use p12_keystore::{KeyStore, Pkcs12ImportPolicy};
use zeroize::Zeroizing;

use super::{P12Error, MAX_FILE};
use crate::secret::Password;

/// The identity inside an e-Cert file.
pub struct P12Contents {
    /// PKCS#8 PrivateKeyInfo, zeroized on drop.
    pub key_pkcs8: Zeroizing<Vec<u8>>,
    /// The key's certificate first, then its issuers as the file gives them.
    pub chain: Vec<Vec<u8>>,
}

impl std::fmt::Debug for P12Contents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("P12Contents").field("key_pkcs8", &"***").field("chain", &self.chain.len()).finish()
    }
}

fn read_error(path: &Path, e: &p12_keystore::error::Error) -> P12Error {
    match e {
        p12_keystore::error::Error::MacError(_) => P12Error::WrongPassword { path: path.to_owned() },
        other => P12Error::Corrupt { path: path.to_owned(), detail: other.to_string() },
    }
}

impl P12Contents {
    pub(super) fn decrypt(path: &Path, bytes: &[u8], password: &Password) -> Result<Self, P12Error> {
        // p12-keystore is pure Rust, but a parser bug must not take the app down.
        let parsed = std::panic::catch_unwind(|| {
            KeyStore::from_pkcs12(bytes, password.expose(), Pkcs12ImportPolicy::Strict)
        })
        .map_err(|_| P12Error::Corrupt { path: path.to_owned(), detail: "parser failure".into() })?;
        let store = parsed.map_err(|e| read_error(path, &e))?;
        let (_, chain) =
            store.private_key_chain().ok_or_else(|| P12Error::NoIdentity { path: path.to_owned() })?;
        let key_pkcs8 = Zeroizing::new(chain.key().as_der().to_vec());
        let chain: Vec<Vec<u8>> = chain.certs().iter().map(|c| c.as_der().to_vec()).collect();
        if chain.is_empty() {
            return Err(P12Error::NoIdentity { path: path.to_owned() });
        }
        let contents = Self { key_pkcs8, chain };
        if crate::soft_key::kind(&contents.key_pkcs8).is_none() {
            return Err(P12Error::UnsupportedKey { path: path.to_owned() });
        }
        if !contents.key_matches_certificate() {
            return Err(P12Error::KeyMismatch { path: path.to_owned() });
        }
        Ok(contents)
    }

    /// Decrypts bytes that did not come from a file (clipboard, fuzzing).
    pub fn from_bytes(bytes: &[u8], password: &Password) -> Result<Self, P12Error> {
        if bytes.len() as u64 > MAX_FILE || !super::is_pfx(bytes) {
            return Err(P12Error::NotPkcs12 { path: PathBuf::from("-") });
        }
        Self::decrypt(Path::new("-"), bytes, password)
    }

    /// The leaf certificate (the one for the key).
    pub fn certificate(&self) -> &[u8] {
        &self.chain[0]
    }

    /// Signs a random challenge with the file's key and checks it with the certificate's
    /// public key: the same proof a card gives before anything is installed.
    pub fn key_matches_certificate(&self) -> bool {
        let Ok(spki) = ecert_core::cert::spki_der(self.certificate()) else { return false };
        let mut challenge = [0u8; 32];
        if getrandom::fill(&mut challenge).is_err() {
            return false;
        }
        crate::soft_key::sign_pkcs8(&self.key_pkcs8, &challenge)
            .is_some_and(|sig| ecert_core::verify::signature::verify_message(&spki, &challenge, &sig).is_ok())
    }
}

/// Re-encrypts the file at `path` under `new` (PBES2 + AES-256, HMAC-SHA-256). The new
/// bytes are opened with the new password first, then written beside the old file (0600,
/// fsynced) and renamed over it, the folder fsynced ([`ecert_core::careful_file::write_atomic`]):
/// at every moment, a power cut included, one complete file is on disk — often the only copy
/// of the key.
pub fn change_password(path: &Path, old: &Password, new: &Password) -> Result<(), P12Error> {
    let io = |p: &Path, e: std::io::Error| P12Error::Io { path: p.to_owned(), detail: e.to_string() };
    let bytes = std::fs::read(path).map_err(|e| io(path, e))?;
    if bytes.len() as u64 > MAX_FILE {
        return Err(P12Error::TooLarge { path: path.to_owned(), limit: MAX_FILE });
    }
    // As in decrypt: a parser or writer bug in p12-keystore must not take the app down, and
    // nothing is written unless the new bytes open with the new password.
    let new_bytes = std::panic::catch_unwind(|| -> Result<Vec<u8>, P12Error> {
        let store = KeyStore::from_pkcs12(&bytes, old.expose(), Pkcs12ImportPolicy::Relaxed)
            .map_err(|e| read_error(path, &e))?;
        let new_bytes = store
            .writer(new.expose())
            .write()
            .map_err(|e| P12Error::Corrupt { path: path.to_owned(), detail: e.to_string() })?;
        KeyStore::from_pkcs12(&new_bytes, new.expose(), Pkcs12ImportPolicy::Relaxed)
            .map_err(|e| read_error(path, &e))?;
        Ok(new_bytes)
    })
    .map_err(|_| P12Error::Corrupt { path: path.to_owned(), detail: "parser failure".into() })??;
    ecert_core::careful_file::write_atomic(path, &new_bytes, ecert_core::careful_file::Mode::PRIVATE)
        .map_err(|e| P12Error::Io { path: path.to_owned(), detail: e.to_string() })
}
