//! e-Cert files: PKCS#12 / PFX (RFC 7292). This layer checks that a file is a PFX
//! (RFC 7292 §4: `PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe ContentInfo,
//! macData MacData OPTIONAL }`), presents it as a [`Token`], and with the password decrypts
//! it (modern PBES2/AES and legacy 3DES/RC2-40 bags, through the `p12-keystore` crate) and
//! rewrites it under a new password without ever leaving a half-written file.

mod contents;

pub use contents::{change_password, P12Contents};

use std::path::{Path, PathBuf};

use der::{Decode, Reader, Tagged};

use crate::token::{CertObject, Token, TokenError, TokenInfo, TokenKind, TokenRef};

/// Largest e-Cert file we read; real ones are a few kilobytes.
const MAX_FILE: u64 = 1024 * 1024;

#[derive(Debug, Clone, thiserror::Error)]
pub enum P12Error {
    #[error("cannot read {path:?}: {detail}")]
    Io { path: PathBuf, detail: String },
    #[error("{path:?} is larger than {limit} bytes")]
    TooLarge { path: PathBuf, limit: u64 },
    #[error("{path:?} is not a PKCS#12 file")]
    NotPkcs12 { path: PathBuf },
    /// The integrity MAC did not verify: almost always a wrong password.
    #[error("wrong password for {path:?}")]
    WrongPassword { path: PathBuf },
    /// Decryption or parsing failed after the MAC (corrupt or unsupported content).
    #[error("{path:?} could not be read: {detail}")]
    Corrupt { path: PathBuf, detail: String },
    /// The file holds no private key with its certificate.
    #[error("{path:?} holds no private key with a certificate")]
    NoIdentity { path: PathBuf },
    /// The key is of a type e-Certs and cards do not use (DSA, Ed25519, …).
    #[error("{path:?} holds a key type this tool does not support")]
    UnsupportedKey { path: PathBuf },
    /// The file's private key does not belong to its certificate.
    #[error("in {path:?} the private key does not match the certificate")]
    KeyMismatch { path: PathBuf },
}

/// An opened (not yet decrypted) e-Cert file.
pub struct P12File {
    path: PathBuf,
    bytes: Vec<u8>,
    info: TokenInfo,
}

impl P12File {
    pub fn open(path: &Path) -> Result<Self, P12Error> {
        let io = |e: std::io::Error| P12Error::Io { path: path.to_owned(), detail: e.to_string() };
        let len = std::fs::metadata(path).map_err(io)?.len();
        if len > MAX_FILE {
            return Err(P12Error::TooLarge { path: path.to_owned(), limit: MAX_FILE });
        }
        let bytes = std::fs::read(path).map_err(io)?;
        if !is_pfx(&bytes) {
            return Err(P12Error::NotPkcs12 { path: path.to_owned() });
        }
        let label =
            path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        let info = TokenInfo {
            reference: TokenRef::File { path: path.to_owned() },
            kind: TokenKind::File,
            label,
            manufacturer: None,
            model: None,
            serial: None,
            card_serial: None,
            pin: None,
            write_protected: false,
            uninitialized: false,
        };
        Ok(Self { path: path.to_owned(), bytes, info })
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Decrypts the file with `password` (one attempt; nothing is cached).
    pub fn decrypt(&self, password: &crate::secret::Password) -> Result<P12Contents, P12Error> {
        P12Contents::decrypt(&self.path, &self.bytes, password)
    }
}

/// PFX outer shape: a SEQUENCE whose first element is INTEGER 3.
fn is_pfx(bytes: &[u8]) -> bool {
    let Ok(any) = der::asn1::AnyRef::from_der(bytes) else { return false };
    if any.tag() != der::Tag::Sequence {
        return false;
    }
    let Ok(mut reader) = der::SliceReader::new(any.value()) else { return false };
    matches!(reader.decode::<u8>(), Ok(3))
}

impl Token for P12File {
    fn info(&self) -> &TokenInfo {
        &self.info
    }

    fn certificates(&mut self) -> Result<Vec<CertObject>, TokenError> {
        Err(TokenError::PasswordNeeded)
    }

    fn certificates_with(&mut self, auth: &crate::token::Auth) -> Result<Vec<CertObject>, TokenError> {
        let password = auth.password.as_ref().ok_or(TokenError::PasswordNeeded)?;
        let contents = self.decrypt(password)?;
        Ok(contents
            .chain
            .iter()
            .enumerate()
            .map(|(i, der)| {
                CertObject::new(
                    if i == 0 { "key".to_owned() } else { format!("chain-{i}") },
                    None,
                    der.clone(),
                )
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_pfx_shape() {
        // SEQUENCE { INTEGER 3, SEQUENCE {} }
        assert!(is_pfx(&[0x30, 0x05, 0x02, 0x01, 0x03, 0x30, 0x00]));
        assert!(!is_pfx(&[0x30, 0x05, 0x02, 0x01, 0x02, 0x30, 0x00]));
        assert!(!is_pfx(b"-----BEGIN CERTIFICATE-----"));
        assert!(!is_pfx(&[]));
    }

    #[test]
    fn refuses_non_pkcs12_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.p12");
        std::fs::write(&p, b"hello").unwrap();
        assert!(matches!(P12File::open(&p), Err(P12Error::NotPkcs12 { .. })));
        assert!(matches!(P12File::open(&dir.path().join("missing.p12")), Err(P12Error::Io { .. })));
    }
}
