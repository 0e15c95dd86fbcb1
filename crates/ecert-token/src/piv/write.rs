//! Writing and deleting certificate objects with PUT DATA (SP 800-73-4 Part 2 §3.3.2;
//! object layout Part 1 Table 10: 70 certificate, 71 CertInfo, FE error detection code).
//! Needs prior management-key authentication.

use super::{Piv, PivError, Slot};
use crate::apdu::{Command, StatusWord};
use crate::tlv;

impl Piv<'_> {
    /// Writes `der` (uncompressed) as the certificate of `slot`.
    pub fn put_certificate(&mut self, slot: Slot, der: &[u8]) -> Result<(), PivError> {
        let mut inner = vec![0x70];
        tlv::encode_len(der.len(), &mut inner)?;
        inner.extend_from_slice(der);
        inner.extend_from_slice(&[0x71, 0x01, 0x00, 0xFE, 0x00]);
        self.put_object(&slot.object_tag(), &inner)
    }

    /// Deletes the certificate of `slot` (writes an empty object).
    pub fn delete_certificate(&mut self, slot: Slot) -> Result<(), PivError> {
        self.put_object(&slot.object_tag(), &[])
    }

    /// Writes the data object `tag` (e.g. the CHUID, 5FC102) with `content` (the value of
    /// its 53 template; empty clears it).
    pub fn put_data(&mut self, tag: &[u8], content: &[u8]) -> Result<(), PivError> {
        self.put_object(tag, content)
    }

    fn put_object(&mut self, tag: &[u8], content: &[u8]) -> Result<(), PivError> {
        let mut data = vec![0x5C];
        tlv::encode_len(tag.len(), &mut data)?;
        data.extend_from_slice(tag);
        data.push(0x53);
        tlv::encode_len(content.len(), &mut data)?;
        data.extend_from_slice(content);
        let cmd = Command::new(0x00, 0xDB, 0x3F, 0xFF).with_data(&data);
        match self.send(&cmd)?.sw {
            StatusWord::Success => Ok(()),
            StatusWord::SecurityStatusNotSatisfied => Err(PivError::NotAuthenticated { ins: 0xDB }),
            StatusWord::NotEnoughMemory => Err(PivError::CardFull),
            sw => Err(PivError::Unexpected { ins: 0xDB, sw }),
        }
    }
}
