//! Software private keys from e-Cert files (PKCS#8, RFC 5958): the one-off signature that
//! proves a file's key matches its certificate, and the key's components for installing it
//! into a token. Keys live in zeroizing buffers and are dropped right after use.

use der::Decode;
use pkcs8::{DecodePrivateKey, PrivateKeyInfoRef};
use sha2::{Digest, Sha256, Sha384};
use signature::hazmat::PrehashSigner;

const RSA: &str = "1.2.840.113549.1.1.1";
const EC: &str = "1.2.840.10045.2.1";
const P256: &str = "1.2.840.10045.3.1.7";
const P384: &str = "1.3.132.0.34";

/// Which kind of key a PKCS#8 blob holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SoftKeyKind {
    Rsa,
    P256,
    P384,
}

pub fn kind(pkcs8_der: &[u8]) -> Option<SoftKeyKind> {
    let info = PrivateKeyInfoRef::from_der(pkcs8_der).ok()?;
    let curve = info.algorithm.parameters_oid().ok().map(|o| o.to_string());
    match (info.algorithm.oid.to_string().as_str(), curve.as_deref()) {
        (RSA, _) => Some(SoftKeyKind::Rsa),
        (EC, Some(P256)) => Some(SoftKeyKind::P256),
        (EC, Some(P384)) => Some(SoftKeyKind::P384),
        _ => None,
    }
}

/// Signs `message` as [`ecert_core::verify::signature::verify_message`] expects.
pub fn sign_pkcs8(pkcs8_der: &[u8], message: &[u8]) -> Option<Vec<u8>> {
    match kind(pkcs8_der)? {
        SoftKeyKind::Rsa => {
            let key = rsa::PrivateKey::from_pkcs8_der(pkcs8_der).ok()?;
            let sk = rsa::pkcs1v15::SigningKey::<Sha256>::new(key);
            let sig: rsa::pkcs1v15::Signature = sk.sign_prehash(&Sha256::digest(message)).ok()?;
            Some(Box::<[u8]>::from(sig).into_vec())
        }
        SoftKeyKind::P256 => {
            let sk = p256::ecdsa::SigningKey::from_pkcs8_der(pkcs8_der).ok()?;
            let sig: p256::ecdsa::Signature = sk.sign_prehash(&Sha256::digest(message)).ok()?;
            Some(sig.to_der().as_bytes().to_vec())
        }
        SoftKeyKind::P384 => {
            let sk = p384::ecdsa::SigningKey::from_pkcs8_der(pkcs8_der).ok()?;
            let sig: p384::ecdsa::Signature = sk.sign_prehash(&Sha384::digest(message)).ok()?;
            Some(sig.to_der().as_bytes().to_vec())
        }
    }
}
