//! Signature checks on RustCrypto primitives: RSA PKCS#1 v1.5 (RFC 8017 §8.2) with SHA-256
//! and ECDSA (FIPS 186-5) on P-256/SHA-256 and P-384/SHA-384, keyed by a DER
//! SubjectPublicKeyInfo (RFC 5280 §4.1.2.7). Used to prove a card key and a certificate
//! belong together before anything is written.

use sha2::{Digest, Sha256, Sha384};
use signature::hazmat::PrehashVerifier;
use spki::{DecodePublicKey, SubjectPublicKeyInfoRef};

use der::Decode;

const RSA: &str = "1.2.840.113549.1.1.1";
const EC: &str = "1.2.840.10045.2.1";
const P256: &str = "1.2.840.10045.3.1.7";
const P384: &str = "1.3.132.0.34";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    #[error("unsupported public key algorithm {oid}")]
    UnsupportedKey { oid: String },
    #[error("malformed public key")]
    BadKey,
    #[error("malformed signature")]
    BadSignature,
    #[error("the signature does not match the key")]
    Mismatch,
}

/// Checks `sig` over `message` with the key in `spki_der`, using the hash that goes with
/// the key type (SHA-256 for RSA and P-256, SHA-384 for P-384), as PIV cards sign.
pub fn verify_message(spki_der: &[u8], message: &[u8], sig: &[u8]) -> Result<(), SignatureError> {
    let info = SubjectPublicKeyInfoRef::from_der(spki_der).map_err(|_| SignatureError::BadKey)?;
    let oid = info.algorithm.oid.to_string();
    let curve = info.algorithm.parameters_oid().ok().map(|o| o.to_string());
    match (oid.as_str(), curve.as_deref()) {
        (RSA, _) => {
            let key = rsa::PublicKey::from_public_key_der(spki_der).map_err(|_| SignatureError::BadKey)?;
            let vk = rsa::pkcs1v15::VerifyingKey::<Sha256>::new(key);
            let sig = rsa::pkcs1v15::Signature::try_from(sig).map_err(|_| SignatureError::BadSignature)?;
            vk.verify_prehash(&Sha256::digest(message), &sig).map_err(|_| SignatureError::Mismatch)
        }
        (EC, Some(P256)) => {
            let vk = p256::ecdsa::VerifyingKey::from_public_key_der(spki_der)
                .map_err(|_| SignatureError::BadKey)?;
            let sig = p256::ecdsa::Signature::from_der(sig).map_err(|_| SignatureError::BadSignature)?;
            vk.verify_prehash(&Sha256::digest(message), &sig).map_err(|_| SignatureError::Mismatch)
        }
        (EC, Some(P384)) => {
            let vk = p384::ecdsa::VerifyingKey::from_public_key_der(spki_der)
                .map_err(|_| SignatureError::BadKey)?;
            let sig = p384::ecdsa::Signature::from_der(sig).map_err(|_| SignatureError::BadSignature)?;
            vk.verify_prehash(&Sha384::digest(message), &sig).map_err(|_| SignatureError::Mismatch)
        }
        _ => Err(SignatureError::UnsupportedKey { oid }),
    }
}
