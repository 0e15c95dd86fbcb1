//! Private key import into a PIV slot: the Yubico PIV extension IMPORT ASYMMETRIC KEY
//! (`00 FE alg slot`, Yubico "PIV extensions" / yubico-piv-tool `ykpiv_import_private_key`).
//! SP 800-73-4 has no key import; cards that offer it use this command. P1 is the algorithm
//! (SP 800-78-4 Table 6-2: 07 RSA-2048, 11 P-256, 14 P-384), P2 the key reference; the data
//! are TLVs: RSA as 01 P, 02 Q, 03 dP, 04 dQ, 05 qInv (RFC 8017 A.1.2 names), each padded
//! to half the modulus length; EC as 06 the private scalar (SEC 1 §2.3.7, 32 or 48 bytes);
//! optional AA PIN policy and AB touch policy. Long data go by command chaining.
//!
//! Key material lives only in [`Zeroizing`] buffers, and the command carrying it is never
//! formatted: a card that does not know the command answers 6D00 / 6E00 / 6A81 and gets
//! [`PivError::ImportNotSupported`]; nothing is written then.

use der::Decode;
use pkcs8::PrivateKeyInfoRef;
use zeroize::Zeroizing;

use super::{KeyAlgorithm, Piv, PivError, Slot};
use crate::apdu::{Command, StatusWord};
use crate::soft_key::{kind, SoftKeyKind};
use crate::tlv;

/// INS of IMPORT ASYMMETRIC KEY.
pub const INS_IMPORT_KEY: u8 = 0xFE;

const ED25519: &str = "1.3.101.112";
const ED448: &str = "1.3.101.113";
const X25519: &str = "1.3.101.110";

/// A private key ready for import, in the card's layout. Every buffer is zeroized on drop;
/// `Debug` shows the algorithm only.
pub struct ImportKey {
    algorithm: KeyAlgorithm,
    /// The TLVs of the command data, without policies.
    tlvs: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for ImportKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportKey").field("algorithm", &self.algorithm).finish_non_exhaustive()
    }
}

/// Why a private key cannot go into a PIV slot. Checked before anything is sent.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyTypeError {
    /// RSA with a modulus PIV import does not take (only 2048 bits).
    #[error("an RSA key of {bits} bits cannot be imported into a PIV card (RSA-2048 only)")]
    RsaSize { bits: usize },
    /// A key type PIV cards cannot hold (Ed25519, another curve…), by its OID.
    #[error("a key of type {oid} cannot be imported into a PIV card")]
    Algorithm { oid: String },
    /// The PKCS#8 structure could not be read.
    #[error("the private key could not be read")]
    Malformed,
}

/// PIN policy of an imported key (Yubico tag AA): when the card asks for the PIN.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PinPolicy {
    /// The card's default for the slot (no tag sent).
    #[default]
    Default,
    Never,
    Once,
    Always,
}

/// Touch policy of an imported key (Yubico tag AB).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TouchPolicy {
    /// The card's default (no tag sent).
    #[default]
    Default,
    Never,
    Always,
    Cached,
}

fn push_tlv(out: &mut Zeroizing<Vec<u8>>, tag: u8, value: &[u8], pad_to: usize) -> Result<(), KeyTypeError> {
    let len = value.len().max(pad_to);
    out.push(tag);
    tlv::encode_len(len, out).map_err(|_| KeyTypeError::Malformed)?;
    out.extend(std::iter::repeat_n(0u8, len - value.len()));
    out.extend_from_slice(value);
    Ok(())
}

/// Big-endian integer without leading zero bytes.
fn strip(value: &[u8]) -> &[u8] {
    let first = value.iter().position(|b| *b != 0).unwrap_or(value.len());
    &value[first..]
}

impl ImportKey {
    /// The key type.
    pub fn algorithm(&self) -> KeyAlgorithm {
        self.algorithm
    }

    /// Reads a PKCS#8 PrivateKeyInfo (RFC 5958; RSA per RFC 8017 A.1.2, EC per RFC 5915) and
    /// lays it out for the card; refuses key types a PIV card cannot hold.
    pub fn from_pkcs8(pkcs8_der: &[u8]) -> Result<Self, KeyTypeError> {
        let info = PrivateKeyInfoRef::from_der(pkcs8_der).map_err(|_| KeyTypeError::Malformed)?;
        let Some(which) = kind(pkcs8_der) else {
            let oid = info.algorithm.oid.to_string();
            let oid = match oid.as_str() {
                ED25519 => "Ed25519".to_owned(),
                ED448 => "Ed448".to_owned(),
                X25519 => "X25519".to_owned(),
                _ => info.algorithm.parameters_oid().map_or(oid, |curve| curve.to_string()),
            };
            return Err(KeyTypeError::Algorithm { oid });
        };
        let mut tlvs = Zeroizing::new(Vec::new());
        let algorithm = match which {
            SoftKeyKind::Rsa => {
                let k = pkcs1::RsaPrivateKey::<pkcs1::UintRef<'_>>::from_der(info.private_key.as_bytes())
                    .map_err(|_| KeyTypeError::Malformed)?;
                let n = strip(k.modulus.as_bytes());
                if n.len() != 256 || k.other_prime_infos.is_some() {
                    return Err(KeyTypeError::RsaSize { bits: n.len() * 8 });
                }
                let half = n.len() / 2;
                for (tag, part) in [
                    (0x01, k.prime1),
                    (0x02, k.prime2),
                    (0x03, k.exponent1),
                    (0x04, k.exponent2),
                    (0x05, k.coefficient),
                ] {
                    let value = strip(part.as_bytes());
                    if value.len() > half {
                        return Err(KeyTypeError::Malformed);
                    }
                    push_tlv(&mut tlvs, tag, value, half)?;
                }
                KeyAlgorithm::Rsa2048
            }
            SoftKeyKind::P256 | SoftKeyKind::P384 => {
                let (alg, len) = if which == SoftKeyKind::P256 {
                    (KeyAlgorithm::EccP256, 32)
                } else {
                    (KeyAlgorithm::EccP384, 48)
                };
                let k = sec1::EcPrivateKey::from_der(info.private_key.as_bytes())
                    .map_err(|_| KeyTypeError::Malformed)?;
                let scalar = strip(k.private_key);
                if scalar.len() > len || scalar.is_empty() {
                    return Err(KeyTypeError::Malformed);
                }
                push_tlv(&mut tlvs, 0x06, scalar, len)?;
                alg
            }
        };
        Ok(Self { algorithm, tlvs })
    }

    /// The command data: key TLVs, then the policies that are not the default.
    fn command_data(&self, pin: PinPolicy, touch: TouchPolicy) -> Zeroizing<Vec<u8>> {
        let mut data = Zeroizing::new(self.tlvs.to_vec());
        let pin = match pin {
            PinPolicy::Default => None,
            PinPolicy::Never => Some(1),
            PinPolicy::Once => Some(2),
            PinPolicy::Always => Some(3),
        };
        let touch = match touch {
            TouchPolicy::Default => None,
            TouchPolicy::Never => Some(1),
            TouchPolicy::Always => Some(2),
            TouchPolicy::Cached => Some(3),
        };
        if let Some(p) = pin {
            data.extend_from_slice(&[0xAA, 0x01, p]);
        }
        if let Some(t) = touch {
            data.extend_from_slice(&[0xAB, 0x01, t]);
        }
        data
    }
}

impl Piv<'_> {
    /// Imports `key` into `slot` (needs management-key authentication first). Replaces any
    /// key there: callers back up the slot's certificate and ask first.
    pub fn import_key(
        &mut self,
        slot: Slot,
        key: &ImportKey,
        pin: PinPolicy,
        touch: TouchPolicy,
    ) -> Result<(), PivError> {
        if key.algorithm.is_rsa() && key.algorithm != KeyAlgorithm::Rsa2048 {
            return Err(PivError::ImportNotSupported { sw: None });
        }
        let data = key.command_data(pin, touch);
        let cmd =
            Command::new(0x00, INS_IMPORT_KEY, super::keygen::algorithm_id(key.algorithm), slot.key_ref())
                .with_data(&data);
        let sw = self.send(&cmd)?.sw;
        drop(cmd);
        match sw {
            StatusWord::Success => Ok(()),
            StatusWord::SecurityStatusNotSatisfied => Err(PivError::NotAuthenticated { ins: INS_IMPORT_KEY }),
            sw if matches!(sw.to_u16(), 0x6D00 | 0x6E00 | 0x6A81) => {
                Err(PivError::ImportNotSupported { sw: Some(sw) })
            }
            StatusWord::NotEnoughMemory => Err(PivError::CardFull),
            sw => Err(PivError::Unexpected { ins: INS_IMPORT_KEY, sw }),
        }
    }
}

#[cfg(test)]
#[path = "import_tests.rs"]
mod tests;
