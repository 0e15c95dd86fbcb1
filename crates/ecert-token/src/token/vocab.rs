//! The words every medium shares (issue 15 item 2): which kind of key, a public key as
//! SubjectPublicKeyInfo (RFC 5280 §4.1.2.7; RSA per RFC 8017 A.1.1 / RFC 3279 §2.3.1, EC per
//! RFC 5480 §2.2), which secret (PIN or PUK) and its state. PIV cards, PKCS#11 tokens and
//! files speak these; their own encodings (PIV algorithm ids, PKCS#11 attributes) stay in
//! their modules.

use der::asn1::{BitString, ObjectIdentifier, UintRef};
use der::{Decode, Encode, Sequence};
use serde::Serialize;
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

/// Key types a token generates or holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyAlgorithm {
    Rsa2048,
    /// RSA-3072: PKCS#11 tokens; on PIV cards only where the card offers it.
    Rsa3072,
    EccP256,
    EccP384,
}

impl KeyAlgorithm {
    /// The key type of a DER SubjectPublicKeyInfo, when it is one tokens hold.
    pub fn from_spki(spki_der: &[u8]) -> Option<Self> {
        let info = spki::SubjectPublicKeyInfoRef::from_der(spki_der).ok()?;
        let curve = info.algorithm.parameters_oid().ok();
        match (info.algorithm.oid, curve) {
            (RSA_ENCRYPTION, _) => {
                let key =
                    pkcs1::RsaPublicKey::<UintRef<'_>>::from_der(info.subject_public_key.raw_bytes()).ok()?;
                match key.modulus.as_bytes().len() {
                    256 => Some(Self::Rsa2048),
                    384 => Some(Self::Rsa3072),
                    _ => None,
                }
            }
            (EC_PUBLIC_KEY, Some(SECP256R1)) => Some(Self::EccP256),
            (EC_PUBLIC_KEY, Some(SECP384R1)) => Some(Self::EccP384),
            _ => None,
        }
    }

    /// Bytes the token signs for this key: the modulus length for RSA (a padded block).
    pub fn rsa_block_len(self) -> Option<usize> {
        match self {
            Self::Rsa2048 => Some(256),
            Self::Rsa3072 => Some(384),
            _ => None,
        }
    }

    pub fn is_rsa(self) -> bool {
        self.rsa_block_len().is_some()
    }
}

/// A public key as read from a token, with its SPKI DER (RFC 5280 §4.1.2.7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKey {
    pub algorithm: KeyAlgorithm,
    pub spki_der: Vec<u8>,
}

/// Why raw key parts do not make a public key of the stated type.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyPartsError {
    #[error("an EC point for {algorithm:?} must be {expected} bytes starting 04; got {got} bytes")]
    BadPoint { algorithm: KeyAlgorithm, expected: usize, got: usize },
    #[error("{algorithm:?} is not an RSA key type")]
    NotRsa { algorithm: KeyAlgorithm },
    #[error("{algorithm:?} is not an EC key type")]
    NotEc { algorithm: KeyAlgorithm },
    #[error("the key does not encode: {0}")]
    Encoding(String),
}

impl PublicKey {
    /// An RSA public key from its modulus and exponent (big-endian, as cards and PKCS#11
    /// attributes give them).
    pub fn from_rsa_parts(
        algorithm: KeyAlgorithm,
        modulus: &[u8],
        exponent: &[u8],
    ) -> Result<Self, KeyPartsError> {
        if !algorithm.is_rsa() {
            return Err(KeyPartsError::NotRsa { algorithm });
        }
        let enc = |e: der::Error| KeyPartsError::Encoding(e.to_string());
        let rsa = RsaPublicKey {
            modulus: UintRef::new(modulus).map_err(enc)?,
            exponent: UintRef::new(exponent).map_err(enc)?,
        };
        let key = rsa.to_der().map_err(enc)?;
        Ok(Self { algorithm, spki_der: spki(RSA_ENCRYPTION, der::Any::null(), &key)? })
    }

    /// An EC public key from its uncompressed point (SEC 1 §2.3.3: 04 ‖ X ‖ Y).
    pub fn from_ec_point(algorithm: KeyAlgorithm, point: &[u8]) -> Result<Self, KeyPartsError> {
        let (curve, expected) = match algorithm {
            KeyAlgorithm::EccP256 => (SECP256R1, 65),
            KeyAlgorithm::EccP384 => (SECP384R1, 97),
            _ => return Err(KeyPartsError::NotEc { algorithm }),
        };
        if point.len() != expected || point.first() != Some(&0x04) {
            return Err(KeyPartsError::BadPoint { algorithm, expected, got: point.len() });
        }
        Ok(Self { algorithm, spki_der: spki(EC_PUBLIC_KEY, der::Any::from(curve), point)? })
    }
}

/// Which secret: the user's PIN or the unblocking PUK (PIV: SP 800-73-4 Part 1 Table 4;
/// PKCS#11: CKU_USER's PIN and the SO PIN).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PinRef {
    Pin,
    Puk,
}

/// A PIN's state, read without spending a try.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "state")]
pub enum PinState {
    /// Already verified in this session.
    Verified,
    /// Not verified; this many tries remain.
    TriesLeft { tries: u8 },
    /// Blocked; only the PUK can unblock it.
    Blocked,
}

const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const SECP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");

/// RSAPublicKey (RFC 8017 Appendix A.1.1).
#[derive(Sequence)]
struct RsaPublicKey<'a> {
    modulus: UintRef<'a>,
    exponent: UintRef<'a>,
}

fn spki(oid: ObjectIdentifier, params: der::Any, key: &[u8]) -> Result<Vec<u8>, KeyPartsError> {
    let enc = |e: der::Error| KeyPartsError::Encoding(e.to_string());
    let info = SubjectPublicKeyInfoOwned {
        algorithm: AlgorithmIdentifierOwned { oid, parameters: Some(params) },
        subject_public_key: BitString::from_bytes(key).map_err(enc)?,
    };
    info.to_der().map_err(enc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rsa_and_ec_parts_make_keys_that_read_back_as_their_type() {
        let mut n = vec![0xC5; 256];
        n[255] = 0x01;
        let rsa = PublicKey::from_rsa_parts(KeyAlgorithm::Rsa2048, &n, &[1, 0, 1]).unwrap();
        assert_eq!(KeyAlgorithm::from_spki(&rsa.spki_der), Some(KeyAlgorithm::Rsa2048));
        let mut point = vec![0x04];
        point.extend([0x11; 64]);
        let ec = PublicKey::from_ec_point(KeyAlgorithm::EccP256, &point).unwrap();
        assert_eq!(KeyAlgorithm::from_spki(&ec.spki_der), Some(KeyAlgorithm::EccP256));
    }

    #[test]
    fn wrong_parts_are_typed_errors() {
        let short = PublicKey::from_ec_point(KeyAlgorithm::EccP384, &[0x04; 65]);
        assert_eq!(
            short,
            Err(KeyPartsError::BadPoint { algorithm: KeyAlgorithm::EccP384, expected: 97, got: 65 })
        );
        let compressed = PublicKey::from_ec_point(KeyAlgorithm::EccP256, &[0x02; 65]);
        assert!(matches!(compressed, Err(KeyPartsError::BadPoint { .. })));
        assert_eq!(
            PublicKey::from_rsa_parts(KeyAlgorithm::EccP256, &[1], &[3]),
            Err(KeyPartsError::NotRsa { algorithm: KeyAlgorithm::EccP256 })
        );
        assert!(matches!(
            PublicKey::from_ec_point(KeyAlgorithm::Rsa2048, &[4]),
            Err(KeyPartsError::NotEc { .. })
        ));
    }
}
