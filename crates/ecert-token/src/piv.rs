//! PIV card application driver (NIST SP 800-73-4 Part 2): SELECT, discovery of the PIN
//! state without spending a try, and reading the X.509 certificate objects.

mod admin;
mod import;
mod keygen;
mod long_reads;
mod pin;
mod slot;
mod write;

pub use admin::MgmtAlgorithm;
pub use import::{ImportKey, KeyTypeError, PinPolicy, TouchPolicy, INS_IMPORT_KEY};
// The shared vocabulary lives with the Token trait; PIV keeps the old names working.
pub use crate::token::{KeyAlgorithm, PinRef, PinState, PublicKey};
pub use long_reads::LongReads;
pub use slot::Slot;

use serde::Serialize;

use crate::apdu::{self, ApduError, Command, StatusWord};
use crate::tlv::{self, TlvError};
use crate::transport::Transport;

/// PIV application identifier, SP 800-73-4 Part 1 §2.2 (PIX with version 01 00).
pub const PIV_AID: [u8; 11] = [0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00];

/// PIV card application PIN key reference (SP 800-73-4 Part 1 Table 4).
const KEY_REF_PIN: u8 = 0x80;

/// Errors of the PIV layer.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PivError {
    #[error(transparent)]
    Apdu(#[from] ApduError),
    /// SELECT of the PIV AID was refused: the card has no PIV application.
    #[error("card has no PIV application (SELECT answered {sw})")]
    NotPiv { sw: StatusWord },
    #[error("malformed card response: {0}")]
    Malformed(#[from] TlvError),
    /// The card answered an unexpected status word to `ins`.
    #[error("card answered {sw} to instruction {ins:#04x}")]
    Unexpected { ins: u8, sw: StatusWord },
    /// VERIFY / CHANGE / RESET RETRY with a wrong PIN or PUK: one try spent; `tries_left`
    /// remain when the card says (PIV cannot read the PUK counter without spending a try).
    #[error("wrong {which:?}, {tries_left:?} tries left")]
    WrongPin { which: PinRef, tries_left: Option<u8> },
    /// The PIN or PUK is blocked (6983 or 63C0).
    #[error("{which:?} is blocked")]
    Blocked { which: PinRef },
    /// The PIN/PUK typed is not acceptable to PIV; nothing was sent to the card.
    #[error("{which:?} {error}")]
    PinFormat { which: PinRef, error: crate::secret::PinFormatError },
    /// Management-key authentication failed (wrong key or wrong algorithm).
    #[error("the management key was not accepted")]
    ManagementKeyRejected,
    /// The operation needs PIN verification or management-key authentication first (6982).
    #[error("the card requires authentication for instruction {ins:#04x}")]
    NotAuthenticated { ins: u8 },
    /// Writing would not fit on the card (6A84).
    #[error("the card has no room for this object")]
    CardFull,
    /// The card does not offer key import (IMPORT ASYMMETRIC KEY answered 6D00, 6E00 or
    /// 6A81; `None`: the key type is one the command cannot carry). Nothing was written.
    #[error("the card cannot import keys (answered {sw:?})")]
    ImportNotSupported { sw: Option<StatusWord> },
    /// The key is of a type PIV cards cannot hold; nothing was sent.
    #[error(transparent)]
    KeyType(#[from] KeyTypeError),
}

/// The application property template returned by SELECT (SP 800-73-4 Part 2 §3.1.1).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AppInfo {
    /// Application label (tag 50), if the card gives one.
    pub label: Option<String>,
    /// Algorithm identifiers the card supports (tag AC / 80).
    pub algorithms: Vec<u8>,
}

/// What the discovery object says about the card's PINs (SP 800-73-4 Part 1 Table 18/19).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[allow(clippy::struct_excessive_bools)] // one per bit of the PIN usage policy (Table 19)
pub struct Discovery {
    /// The PIV application PIN is used.
    pub application_pin: bool,
    /// A global (card-wide) PIN is supported.
    pub global_pin: bool,
    /// On-card biometric comparison is supported.
    pub occ: bool,
    /// The global PIN is the primary PIN.
    pub global_pin_preferred: bool,
}

/// A PIV application on a card, reached through any transport.
pub struct Piv<'t> {
    pub(crate) transport: &'t mut dyn Transport,
    /// Whether data objects are read with extended-length APDUs ([`long_reads`]).
    long_reads: LongReads,
}

impl<'t> Piv<'t> {
    /// Selects the PIV application (one APDU).
    pub fn select(transport: &'t mut dyn Transport) -> Result<(Self, AppInfo), PivError> {
        let cmd = Command::new(0x00, 0xA4, 0x04, 0x00).with_data(&PIV_AID).with_le(256);
        let resp = apdu::exchange(transport, &cmd)?;
        if resp.sw != StatusWord::Success {
            return Err(PivError::NotPiv { sw: resp.sw });
        }
        let info = parse_app_info(&resp.data)?;
        let long_reads = long_reads::from_atr(transport.atr().as_deref());
        Ok((Self { transport, long_reads }, info))
    }

    /// PIN tries left without spending one.
    pub fn pin_state(&mut self) -> Result<PinState, PivError> {
        let cmd = Command::new(0x00, 0x20, 0x00, KEY_REF_PIN);
        let resp = apdu::exchange(self.transport, &cmd)?;
        match resp.sw {
            StatusWord::Success => Ok(PinState::Verified),
            StatusWord::TriesLeft { tries: 0 } | StatusWord::Blocked => Ok(PinState::Blocked),
            StatusWord::TriesLeft { tries } => Ok(PinState::TriesLeft { tries }),
            sw => Err(PivError::Unexpected { ins: 0x20, sw }),
        }
    }

    /// Sends one command (chained and GET RESPONSE-collected as needed).
    pub(crate) fn send(&mut self, cmd: &Command) -> Result<apdu::Response, PivError> {
        Ok(apdu::exchange(self.transport, cmd)?)
    }

    /// Reads short APDUs only from now on (a reader known to mishandle extended lengths;
    /// benchmarks of both paths).
    pub fn short_reads_only(&mut self) {
        self.long_reads = LongReads::No;
    }

    /// Whether extended-length reads are in use, known not to be, or not tried yet.
    pub fn long_reads(&self) -> LongReads {
        self.long_reads
    }

    /// Reads a data object (GET DATA, SP 800-73-4 Part 2 §3.1.2), in one extended-length
    /// response where the card takes it ([`long_reads`]). `Ok(None)` when absent.
    pub fn get_data(&mut self, tag: &[u8]) -> Result<Option<Vec<u8>>, PivError> {
        let mut data = vec![0x5C];
        tlv::encode_len(tag.len(), &mut data)?;
        data.extend_from_slice(tag);
        let mut unconfirmed_absence = false;
        if self.long_reads != LongReads::No {
            match long_reads::get_data(self.transport, &data)? {
                long_reads::Outcome::Found(object) => {
                    self.long_reads = LongReads::Yes;
                    return Ok(Some(object));
                }
                long_reads::Outcome::Absent if self.long_reads == LongReads::Yes => return Ok(None),
                // Not yet proven: the short read below confirms the absence.
                long_reads::Outcome::Absent => unconfirmed_absence = true,
                long_reads::Outcome::Refused => self.long_reads = LongReads::No,
            }
        }
        let cmd = Command::new(0x00, 0xCB, 0x3F, 0xFF).with_data(&data).with_le(256);
        let resp = apdu::exchange(self.transport, &cmd)?;
        let found = match resp.sw {
            StatusWord::Success => Some(tlv::find(&resp.data, 0x53)?.to_vec()),
            StatusWord::NotFound => None,
            sw => return Err(PivError::Unexpected { ins: 0xCB, sw }),
        };
        if unconfirmed_absence {
            // The short read agrees: the card understood the extended command. It did not:
            // it said "absent" of an object that is there.
            self.long_reads = if found.is_none() { LongReads::Yes } else { LongReads::No };
        }
        Ok(found)
    }

    /// Reads the certificate in `slot`, `Ok(None)` when the slot is empty. A gzip-compressed
    /// certificate (CertInfo 71 = 01, Part 1 Table 10) is inflated, bounded by
    /// [`MAX_CERT_LEN`].
    pub fn read_certificate(&mut self, slot: Slot) -> Result<Option<Vec<u8>>, PivError> {
        let Some(object) = self.get_data(&slot.object_tag())? else {
            return Ok(None);
        };
        if object.is_empty() {
            return Ok(None);
        }
        let cert = tlv::find(&object, 0x70)?;
        if cert.is_empty() {
            return Ok(None);
        }
        let compressed = tlv::find(&object, 0x71).ok().and_then(|v| v.first().copied()) == Some(0x01);
        if compressed {
            return inflate(cert).map(Some);
        }
        Ok(Some(cert.to_vec()))
    }

    /// Number of retired key slots holding a certificate on the card, from the Key History
    /// object (5FC10C, Part 1 Table 19, tag C1). `None` when the card has no such object.
    pub fn retired_with_certs(&mut self) -> Result<Option<u8>, PivError> {
        let Some(object) = self.get_data(&[0x5F, 0xC1, 0x0C])? else { return Ok(None) };
        Ok(tlv::find(&object, 0xC1).ok().and_then(|v| v.first().copied()).map(|n| n.min(20)))
    }

    /// The discovery object (tag 7E, Part 1 §3.3.2 Table 18): which PINs the card uses. It is
    /// answered as a 7E template, not inside 53.
    pub fn discovery(&mut self) -> Result<Option<Discovery>, PivError> {
        let cmd = Command::new(0x00, 0xCB, 0x3F, 0xFF).with_data(&[0x5C, 0x01, 0x7E]).with_le(256);
        let resp = apdu::exchange(self.transport, &cmd)?;
        match resp.sw {
            StatusWord::Success => {}
            StatusWord::NotFound => return Ok(None),
            sw => return Err(PivError::Unexpected { ins: 0xCB, sw }),
        }
        let template = tlv::find(&resp.data, 0x7E)?;
        let policy = tlv::find(template, 0x5F2F).ok().map(<[u8]>::to_vec).unwrap_or_default();
        let first = policy.first().copied().unwrap_or(0x40);
        Ok(Some(Discovery {
            application_pin: first & 0x40 != 0,
            global_pin: first & 0x20 != 0,
            occ: first & 0x10 != 0,
            global_pin_preferred: policy.get(1) == Some(&0x20),
        }))
    }

    /// The Card Capability Container's card identifier (5FC107, Part 1 Table 8, tag F0), hex.
    pub fn ccc_card_id(&mut self) -> Result<Option<String>, PivError> {
        let Some(object) = self.get_data(&[0x5F, 0xC1, 0x07])? else { return Ok(None) };
        Ok(tlv::find(&object, 0xF0).ok().filter(|v| !v.is_empty()).map(hex::encode_upper))
    }

    /// The card's serial number where it offers one: Yubico GET SERIAL (INS F8, YubiKey 5;
    /// INS 01 P1 10 on the YubiKey NEO), four bytes big-endian, as decimal. `Ok(None)` when
    /// the card refuses both (a PIV card need not have one; SP 800-73-4 defines none).
    pub fn card_serial(&mut self) -> Result<Option<String>, PivError> {
        for cmd in [
            Command::new(0x00, 0xF8, 0x00, 0x00).with_le(256),
            Command::new(0x00, 0x01, 0x10, 0x00).with_le(256),
        ] {
            let resp = apdu::exchange(self.transport, &cmd)?;
            if resp.sw == StatusWord::Success {
                return Ok(<[u8; 4]>::try_from(resp.data.as_slice())
                    .ok()
                    .map(|b| u32::from_be_bytes(b).to_string()));
            }
        }
        Ok(None)
    }

    /// The card's GUID from the CHUID (5FC102, Part 1 Table 9, tag 34), hex. It identifies
    /// the card (for journals) without any personal data.
    pub fn card_guid(&mut self) -> Result<Option<String>, PivError> {
        let Some(object) = self.get_data(&[0x5F, 0xC1, 0x02])? else { return Ok(None) };
        Ok(tlv::find(&object, 0x34).ok().filter(|g| g.iter().any(|b| *b != 0)).map(hex::encode_upper))
    }
}

/// Largest certificate we accept after decompression (a PIV object is at most 3 kB on most
/// cards; 64 KiB leaves room and stops a decompression bomb).
pub const MAX_CERT_LEN: u64 = 64 * 1024;

fn inflate(data: &[u8]) -> Result<Vec<u8>, PivError> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(data)
        .take(MAX_CERT_LEN + 1)
        .read_to_end(&mut out)
        .map_err(|_| PivError::Malformed(TlvError::BadLength { offset: 0, byte: 0x70 }))?;
    if out.len() as u64 > MAX_CERT_LEN {
        return Err(PivError::Malformed(TlvError::BadLength { offset: 0, byte: 0x70 }));
    }
    Ok(out)
}

fn parse_app_info(data: &[u8]) -> Result<AppInfo, PivError> {
    if data.is_empty() {
        return Ok(AppInfo::default());
    }
    let apt = tlv::find(data, 0x61)?;
    let mut info = AppInfo::default();
    for item in tlv::read_all(apt)? {
        match item.tag {
            0x50 => info.label = Some(String::from_utf8_lossy(item.value).into_owned()),
            0xAC => {
                info.algorithms = tlv::read_all(item.value)?
                    .into_iter()
                    .filter(|t| t.tag == 0x80)
                    .filter_map(|t| t.value.first().copied())
                    .collect();
            }
            _ => {}
        }
    }
    Ok(info)
}

#[cfg(test)]
mod tests;
