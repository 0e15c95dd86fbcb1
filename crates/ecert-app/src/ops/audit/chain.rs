//! The chain's tags: HMAC-SHA-256 (RFC 2104, FIPS 198-1) over each record's fields and the
//! previous record's tag, keyed with the installation's audit key (32 random bytes, a 0600
//! file next to the log). Without the key nobody can recompute a tag, so a log rewritten
//! from any point with fresh plain hashes does not verify. Logs written before the key
//! existed carry a plain SHA-256 (`hash`) per record; those are still read, as "legacy,
//! unkeyed".

use std::path::Path;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::Record;

/// The audit key's file name, next to the log.
pub const KEY_FILE: &str = "audit.key";

/// Domain separation for the MAC input (a later format changes it).
const DOMAIN: &[u8] = b"ecert-audit-v2\0";

/// The installation's audit key.
pub struct Key(Zeroizing<Vec<u8>>);

impl Key {
    /// Reads the key at `path`; `Ok(None)` when there is none yet.
    pub fn load(path: &Path) -> std::io::Result<Option<Self>> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let text = Zeroizing::new(text);
                let bytes = hex::decode(text.trim()).map_err(|e| {
                    std::io::Error::new(std::io::ErrorKind::InvalidData, format!("not a key: {e}"))
                })?;
                if bytes.len() < 32 {
                    return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "key too short"));
                }
                Ok(Some(Self(Zeroizing::new(bytes))))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Makes a new random key at `path` (0600, never over an existing file).
    pub fn create(path: &Path) -> std::io::Result<Self> {
        let mut bytes = Zeroizing::new(vec![0u8; 32]);
        getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
        let text = Zeroizing::new(hex::encode(&*bytes));
        super::file::create_new_private(path, text.as_bytes())?;
        super::file::sync_dir(path);
        Ok(Self(bytes))
    }

    /// `None` only if HMAC refused the key, which it does for no length.
    fn hmac(&self, r: &Record) -> Option<Hmac<Sha256>> {
        let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0).ok()?;
        m.update(DOMAIN);
        for field in fields(r) {
            match field {
                Some(f) => {
                    m.update(&[1]);
                    m.update(&(f.len() as u64).to_be_bytes());
                    m.update(f.as_bytes());
                }
                None => m.update(&[0]),
            }
        }
        Some(m)
    }

    /// The record's tag (hex).
    pub fn tag(&self, r: &Record) -> String {
        self.hmac(r).map(|m| hex::encode(m.finalize().into_bytes())).unwrap_or_default()
    }

    /// Whether `tag` (hex) is the record's tag (constant-time comparison).
    pub fn check(&self, r: &Record, tag: &str) -> bool {
        let Ok(t) = hex::decode(tag) else { return false };
        self.hmac(r).is_some_and(|m| m.verify_slice(&t).is_ok())
    }
}

/// The fields a tag covers, in order; absent optional fields are distinct from empty ones.
fn fields(r: &Record) -> [Option<String>; 10] {
    [
        Some(r.seq.to_string()),
        Some(r.time.clone()),
        Some(r.operator.clone()),
        Some(r.action.clone()),
        r.card.clone(),
        r.cert_serial.clone(),
        r.cert_issuer.clone(),
        Some(r.result.clone()),
        r.detail.clone(),
        Some(r.prev.clone()),
    ]
}

/// The plain SHA-256 of a legacy (unkeyed) record, as logs before the key computed it.
pub fn legacy_hash(r: &Record) -> String {
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
