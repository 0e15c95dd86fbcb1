//! GENERATE ASYMMETRIC KEY PAIR (SP 800-73-4 Part 2 §3.3.2, response template 7F49 from
//! Part 2 Table 10; algorithm ids from SP 800-78-4 Table 6-2) and GENERAL AUTHENTICATE for
//! signatures with a slot's private key (Part 2 §3.2.4, dynamic authentication template 7C).

use super::{Piv, PivError, Slot};
use crate::apdu::{Command, StatusWord};
use crate::tlv;
use crate::token::{KeyAlgorithm, PublicKey};

/// The PIV algorithm identifier (SP 800-78-4 Table 6-2) of a key type.
pub(crate) fn algorithm_id(alg: KeyAlgorithm) -> u8 {
    match alg {
        KeyAlgorithm::Rsa2048 => 0x07,
        KeyAlgorithm::Rsa3072 => 0x05,
        KeyAlgorithm::EccP256 => 0x11,
        KeyAlgorithm::EccP384 => 0x14,
    }
}

fn malformed(_: crate::token::KeyPartsError) -> PivError {
    PivError::Malformed(tlv::TlvError::BadLength { offset: 0, byte: 0x86 })
}

/// Builds the SPKI from the 7F49 template the card returned.
fn parse_public_key_template(alg: KeyAlgorithm, data: &[u8]) -> Result<PublicKey, PivError> {
    let template = tlv::find(data, 0x7F49)?;
    match alg {
        KeyAlgorithm::Rsa2048 | KeyAlgorithm::Rsa3072 => {
            let n = tlv::find(template, 0x81)?;
            let e = tlv::find(template, 0x82)?;
            PublicKey::from_rsa_parts(alg, n, e).map_err(malformed)
        }
        KeyAlgorithm::EccP256 | KeyAlgorithm::EccP384 => {
            PublicKey::from_ec_point(alg, tlv::find(template, 0x86)?).map_err(malformed)
        }
    }
}

impl Piv<'_> {
    /// Generates a key pair in `slot` (needs management-key authentication). Replaces any
    /// key there: callers check the slot is free or the user agreed first.
    pub fn generate_key(&mut self, slot: Slot, alg: KeyAlgorithm) -> Result<PublicKey, PivError> {
        let data = [0xAC, 0x03, 0x80, 0x01, algorithm_id(alg)];
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
        let cmd = Command::new(0x00, 0x87, algorithm_id(alg), slot.key_ref()).with_data(&data).with_le(256);
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
