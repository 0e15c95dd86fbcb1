//! e-Cert files: PKCS#12 / PFX (RFC 7292). This layer checks that a file is a PFX
//! (RFC 7292 §4: `PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe ContentInfo,
//! macData MacData OPTIONAL }`) and presents it as a [`Token`]. Its bags are encrypted with
//! the file's password; decrypting them is the job of the password-taking operations.

use std::path::{Path, PathBuf};

use der::{Decode, Reader, Tagged};

use crate::token::{CertObject, Token, TokenError, TokenInfo, TokenKind, TokenRef};

/// Largest e-Cert file we read; real ones are a few kilobytes.
const MAX_FILE: u64 = 1024 * 1024;

#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum P12Error {
    #[error("cannot read {path:?}: {detail}")]
    Io { path: PathBuf, detail: String },
    #[error("{path:?} is larger than {limit} bytes")]
    TooLarge { path: PathBuf, limit: u64 },
    #[error("{path:?} is not a PKCS#12 file")]
    NotPkcs12 { path: PathBuf },
}

/// An opened (not yet decrypted) e-Cert file.
pub struct P12File {
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
            pin: None,
            write_protected: false,
            uninitialized: false,
        };
        Ok(Self { bytes, info })
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
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
