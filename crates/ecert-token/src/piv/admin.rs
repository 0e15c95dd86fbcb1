//! Card management key authentication: GENERAL AUTHENTICATE mutual authentication with
//! key reference 9B (SP 800-73-4 Part 2 §3.2.4 and Appendix A.1; algorithms from
//! SP 800-78-4 Table 5: 03 = 3DES, 08/0A/0C = AES-128/192/256). Both sides prove the key;
//! a card that does not know it is refused too. Changing the key is not in SP 800-73-4: it is
//! the YubiKey extension SET MANAGEMENT KEY (`00 FF FF FF`, data `alg 9B len key`, Yubico
//! "PIV extensions"), which piv-authenticator and other PIV applets implement as well.

use aes::{Aes128, Aes192, Aes256};
use cipher::{Block, BlockCipherDecrypt, BlockCipherEncrypt, BlockSizeUser, KeyInit};
use des::TdesEde3;
use serde::Serialize;
use zeroize::Zeroizing;

use super::{Piv, PivError};
use crate::apdu::{Command, StatusWord};
use crate::secret::ManagementKey;
use crate::tlv::{self, TlvError};

const KEY_REF_MGMT: u8 = 0x9B;

/// Management key algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MgmtAlgorithm {
    TripleDes,
    Aes128,
    Aes192,
    Aes256,
}

impl MgmtAlgorithm {
    pub fn id(self) -> u8 {
        match self {
            Self::TripleDes => 0x03,
            Self::Aes128 => 0x08,
            Self::Aes192 => 0x0A,
            Self::Aes256 => 0x0C,
        }
    }

    fn key_len(self) -> usize {
        match self {
            Self::Aes128 => 16,
            Self::TripleDes | Self::Aes192 => 24,
            Self::Aes256 => 32,
        }
    }

    fn block_len(self) -> usize {
        match self {
            Self::TripleDes => 8,
            _ => 16,
        }
    }

    #[cfg(test)]
    pub(crate) fn crypt_for_test(self, key: &[u8], block: &mut [u8], encrypt: bool) -> Result<(), PivError> {
        self.crypt(key, block, encrypt)
    }

    /// Encrypts (or decrypts) one block in place.
    fn crypt(self, key: &[u8], block: &mut [u8], encrypt: bool) -> Result<(), PivError> {
        fn run<C: KeyInit + BlockCipherEncrypt + BlockCipherDecrypt + BlockSizeUser>(
            key: &[u8],
            data: &mut [u8],
            encrypt: bool,
        ) -> Result<(), PivError> {
            let cipher = C::new_from_slice(key).map_err(|_| PivError::ManagementKeyRejected)?;
            let block: &mut Block<C> =
                data.try_into().map_err(|_| PivError::Malformed(tlv::TlvError::Truncated { offset: 0 }))?;
            if encrypt {
                cipher.encrypt_block(block);
            } else {
                cipher.decrypt_block(block);
            }
            Ok(())
        }
        match self {
            Self::TripleDes => run::<TdesEde3>(key, block, encrypt),
            Self::Aes128 => run::<Aes128>(key, block, encrypt),
            Self::Aes192 => run::<Aes192>(key, block, encrypt),
            Self::Aes256 => run::<Aes256>(key, block, encrypt),
        }
    }
}

fn dynamic_template(items: &[(u8, &[u8])]) -> Result<Zeroizing<Vec<u8>>, TlvError> {
    let mut inner = Zeroizing::new(Vec::new());
    for (tag, value) in items {
        inner.push(*tag);
        tlv::encode_len(value.len(), &mut inner)?;
        inner.extend_from_slice(value);
    }
    let mut out = Zeroizing::new(vec![0x7C]);
    tlv::encode_len(inner.len(), &mut out)?;
    out.extend_from_slice(&inner);
    Ok(out)
}

impl Piv<'_> {
    /// Mutual authentication with the management key. Two APDUs.
    pub fn authenticate_management(
        &mut self,
        alg: MgmtAlgorithm,
        key: &ManagementKey,
    ) -> Result<(), PivError> {
        if key.expose().len() != alg.key_len() {
            return Err(PivError::ManagementKeyRejected);
        }
        let ga = |data: &[u8]| Command::new(0x00, 0x87, alg.id(), KEY_REF_MGMT).with_data(data).with_le(256);
        // Step 1: ask for a witness.
        let resp = self.send(&ga(&dynamic_template(&[(0x80, &[])])?))?;
        match resp.sw {
            StatusWord::Success => {}
            StatusWord::IncorrectP1P2 | StatusWord::IncorrectData | StatusWord::NotFound => {
                return Err(PivError::ManagementKeyRejected)
            }
            sw => return Err(PivError::Unexpected { ins: 0x87, sw }),
        }
        let template = tlv::find(&resp.data, 0x7C)?;
        let mut witness = Zeroizing::new(tlv::find(template, 0x80)?.to_vec());
        if witness.len() != alg.block_len() {
            return Err(PivError::ManagementKeyRejected);
        }
        alg.crypt(key.expose(), &mut witness, false)?;
        // Step 2: return the decrypted witness and challenge the card.
        let mut challenge = vec![0u8; alg.block_len()];
        getrandom::fill(&mut challenge).map_err(|_| PivError::ManagementKeyRejected)?;
        let resp = self.send(&ga(&dynamic_template(&[(0x80, &witness), (0x81, &challenge)])?))?;
        match resp.sw {
            StatusWord::Success => {}
            StatusWord::SecurityStatusNotSatisfied | StatusWord::IncorrectData => {
                return Err(PivError::ManagementKeyRejected)
            }
            sw => return Err(PivError::Unexpected { ins: 0x87, sw }),
        }
        let template = tlv::find(&resp.data, 0x7C)?;
        let answer = tlv::find(template, 0x82)?;
        let mut expected = challenge;
        alg.crypt(key.expose(), &mut expected, true)?;
        if answer != expected.as_slice() {
            // The card does not hold our key: it is not the card we think, refuse to go on.
            return Err(PivError::ManagementKeyRejected);
        }
        Ok(())
    }

    /// Replaces the card management key with `new` (YubiKey SET MANAGEMENT KEY). Needs a
    /// management-key authentication first; a card without the extension says so.
    pub fn set_management_key(&mut self, alg: MgmtAlgorithm, new: &ManagementKey) -> Result<(), PivError> {
        if new.expose().len() != alg.key_len() {
            return Err(PivError::ManagementKeyRejected);
        }
        let mut data = Zeroizing::new(vec![alg.id(), KEY_REF_MGMT]);
        tlv::encode_len(new.expose().len(), &mut data)?;
        data.extend_from_slice(new.expose());
        let cmd = Command::new(0x00, 0xFF, 0xFF, 0xFF).with_data(&data);
        match self.send(&cmd)?.sw {
            StatusWord::Success => Ok(()),
            StatusWord::SecurityStatusNotSatisfied => Err(PivError::NotAuthenticated { ins: 0xFF }),
            sw => Err(PivError::Unexpected { ins: 0xFF, sw }),
        }
    }
}
