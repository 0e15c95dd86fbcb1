//! GENERATE ASYMMETRIC KEY PAIR (SP 800-73-4 Part 2 §3.3.2, response template 7F49 from
//! Part 2 Table 10; algorithm ids from SP 800-78-4 Table 6-2) and GENERAL AUTHENTICATE for
//! signatures with a slot's private key (Part 2 §3.2.4, dynamic authentication template 7C).

use der::asn1::{BitString, ObjectIdentifier, UintRef};
use der::{Encode, Sequence};
use serde::Serialize;
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

use super::{Piv, PivError, Slot};
use crate::apdu::{Command, StatusWord};
use crate::tlv;

/// Key types generated on card.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyAlgorithm {
    Rsa2048,
    /// RSA-3072: PKCS#11 tokens; on PIV cards only where the card offers it (id 05).
    Rsa3072,
    EccP256,
    EccP384,
}

impl KeyAlgorithm {
    pub fn id(self) -> u8 {
        match self {
            Self::Rsa2048 => 0x07,
            Self::Rsa3072 => 0x05,
            Self::EccP256 => 0x11,
            Self::EccP384 => 0x14,
        }
    }

    /// The key type of a DER SubjectPublicKeyInfo, when it is one PIV cards hold.
    pub fn from_spki(spki_der: &[u8]) -> Option<Self> {
        use der::Decode;
        let info = spki::SubjectPublicKeyInfoRef::from_der(spki_der).ok()?;
        let curve = info.algorithm.parameters_oid().ok();
        match (info.algorithm.oid, curve) {
            (RSA_ENCRYPTION, _) => {
                let key = pkcs1::RsaPublicKey::<der::asn1::UintRef<'_>>::from_der(
                    info.subject_public_key.raw_bytes(),
                )
                .ok()?;
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

    /// Bytes the card signs for this key: the modulus length for RSA (a padded block).
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

/// A public key as read from the card, with its SPKI DER (RFC 5280 §4.1.2.7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKey {
    pub algorithm: KeyAlgorithm,
    pub spki_der: Vec<u8>,
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

fn spki(oid: ObjectIdentifier, params: der::Any, key: &[u8]) -> Result<Vec<u8>, PivError> {
    let info = SubjectPublicKeyInfoOwned {
        algorithm: AlgorithmIdentifierOwned { oid, parameters: Some(params) },
        subject_public_key: BitString::from_bytes(key).map_err(PivError::from_der)?,
    };
    info.to_der().map_err(PivError::from_der)
}

impl PivError {
    fn from_der(_: der::Error) -> Self {
        PivError::Malformed(tlv::TlvError::BadLength { offset: 0, byte: 0 })
    }
}

/// Builds the SPKI from the 7F49 template the card returned.
pub(crate) fn parse_public_key_template(alg: KeyAlgorithm, data: &[u8]) -> Result<PublicKey, PivError> {
    let template = tlv::find(data, 0x7F49)?;
    let spki_der = match alg {
        KeyAlgorithm::Rsa2048 | KeyAlgorithm::Rsa3072 => {
            let n = tlv::find(template, 0x81)?;
            let e = tlv::find(template, 0x82)?;
            let rsa = RsaPublicKey {
                modulus: UintRef::new(n).map_err(PivError::from_der)?,
                exponent: UintRef::new(e).map_err(PivError::from_der)?,
            };
            let key = rsa.to_der().map_err(PivError::from_der)?;
            spki(RSA_ENCRYPTION, der::Any::null(), &key)?
        }
        KeyAlgorithm::EccP256 | KeyAlgorithm::EccP384 => {
            let point = tlv::find(template, 0x86)?;
            let (curve, len) = if alg == KeyAlgorithm::EccP256 { (SECP256R1, 65) } else { (SECP384R1, 97) };
            if point.len() != len || point.first() != Some(&0x04) {
                return Err(PivError::Malformed(tlv::TlvError::BadLength { offset: 0, byte: 0x86 }));
            }
            let params = der::Any::from(curve);
            spki(EC_PUBLIC_KEY, params, point)?
        }
    };
    Ok(PublicKey { algorithm: alg, spki_der })
}

impl Piv<'_> {
    /// Generates a key pair in `slot` (needs management-key authentication). Replaces any
    /// key there: callers check the slot is free or the user agreed first.
    pub fn generate_key(&mut self, slot: Slot, alg: KeyAlgorithm) -> Result<PublicKey, PivError> {
        let data = [0xAC, 0x03, 0x80, 0x01, alg.id()];
        let cmd = Command::new(0x00, 0x47, 0x00, slot.key_ref()).with_data(&data).with_le(256);
        let resp = self.send(&cmd)?;
        match resp.sw {
            StatusWord::Success => parse_public_key_template(alg, &resp.data),
            StatusWord::SecurityStatusNotSatisfied => Err(PivError::NotAuthenticated { ins: 0x47 }),
            sw => Err(PivError::Unexpected { ins: 0x47, sw }),
        }
    }

    /// Private-key operation with the key in `slot`: for ECDSA `input` is the hash, for RSA
    /// the full PKCS#1 v1.5 padded block (the card does raw RSA). Needs the PIN verified.
    pub fn sign_raw(&mut self, slot: Slot, alg: KeyAlgorithm, input: &[u8]) -> Result<Vec<u8>, PivError> {
        let mut inner = vec![0x82, 0x00, 0x81];
        tlv::encode_len(input.len(), &mut inner)?;
        inner.extend_from_slice(input);
        let mut data = vec![0x7C];
        tlv::encode_len(inner.len(), &mut data)?;
        data.extend_from_slice(&inner);
        let cmd = Command::new(0x00, 0x87, alg.id(), slot.key_ref()).with_data(&data).with_le(256);
        let resp = self.send(&cmd)?;
        match resp.sw {
            StatusWord::Success => {
                let template = tlv::find(&resp.data, 0x7C)?;
                Ok(tlv::find(template, 0x82)?.to_vec())
            }
            StatusWord::SecurityStatusNotSatisfied => Err(PivError::NotAuthenticated { ins: 0x87 }),
            sw => Err(PivError::Unexpected { ins: 0x87, sw }),
        }
    }
}
