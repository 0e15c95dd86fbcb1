//! Reading a data object in one response: an extended-length GET DATA (ISO/IEC 7816-4 §5.1,
//! Le `0000` = up to 65,536 bytes) instead of a short one followed by GET RESPONSE rounds of
//! 256 bytes (§7.1.3). Four certificates then take one command each.
//!
//! Whether a card and its reader take extended lengths is announced in the ATR's historical
//! bytes (ISO/IEC 7816-4 §8.1.1.2.7, card capabilities, third software function table, bit
//! b7) — when a card announces it, it is believed. Many cards announce nothing or too little
//! (the virtual card's capabilities byte is 00 though it takes them), so otherwise the first
//! read is the probe: a card that refuses (6700, 6D00, a reader error) or answers nonsense
//! (a body that is not one whole BER-TLV object 53) is read again with short APDUs, and short
//! APDUs are used for the rest of the session. An absent object (6A82) is believed only once
//! an extended read has succeeded; before that it is asked again with a short APDU, whose
//! answer settles it (both absent: the card understood; short finds it: the card lied). A
//! card that lies about extended length thus costs one APDU, never a wrong answer; an empty
//! card costs one APDU more than short reads alone would.

use crate::apdu::{self, ApduError, Command, StatusWord};
use crate::tlv;
use crate::transport::TransportError;

use super::PivError;

/// What is known about extended-length reads on this card in this session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LongReads {
    /// Not tried yet: the next read tries.
    Unknown,
    /// An extended read succeeded (or the ATR announces them).
    Yes,
    /// Refused or garbled once: short APDUs only.
    No,
}

/// The state a card starts in, from its ATR.
pub fn from_atr(atr: Option<&[u8]>) -> LongReads {
    if atr.is_some_and(announces_extended) {
        LongReads::Yes
    } else {
        LongReads::Unknown
    }
}

/// What an extended GET DATA brought.
pub(super) enum Outcome {
    Found(Vec<u8>),
    Absent,
    /// The card did not take it (or garbled it): read with short APDUs instead.
    Refused,
}

/// One extended GET DATA with `data` (5C + tag). Transport errors that mean the card is
/// gone are errors; everything else the card may do wrong is [`Outcome::Refused`].
pub(super) fn get_data(
    transport: &mut dyn crate::transport::Transport,
    data: &[u8],
) -> Result<Outcome, PivError> {
    let cmd = Command::new(0x00, 0xCB, 0x3F, 0xFF).with_data(data).with_le(0);
    match apdu::exchange_extended(transport, &cmd) {
        Ok(resp) if resp.sw == StatusWord::Success => match tlv::find(&resp.data, 0x53) {
            Ok(body) if whole_object(&resp.data, body.len()) => Ok(Outcome::Found(body.to_vec())),
            _ => Ok(Outcome::Refused),
        },
        Ok(resp) if resp.sw == StatusWord::NotFound => Ok(Outcome::Absent),
        Err(ApduError::Transport(
            e @ (TransportError::CardRemoved
            | TransportError::CardReset
            | TransportError::Disconnected
            | TransportError::NoService),
        )) => Err(PivError::Apdu(ApduError::Transport(e))),
        // Another status word, a reader that refuses the length, a garbled answer.
        Ok(_) | Err(_) => Ok(Outcome::Refused),
    }
}

/// The response is exactly one 53 object (tag, length, `body_len` bytes): a card that sends
/// a short 53 inside a longer body, or a body cut short, is not believed.
fn whole_object(response: &[u8], body_len: usize) -> bool {
    let header = match body_len {
        0..=0x7F => 2,
        0x80..=0xFF => 3,
        0x100..=0xFFFF => 4,
        _ => 5,
    };
    response.first() == Some(&0x53) && response.len() == header + body_len
}

/// ISO/IEC 7816-3 §8.2: the historical bytes follow TS, T0 and the interface bytes; in
/// them (ISO/IEC 7816-4 §8.1.1), after category indicator 80 (or 00, whose last three bytes
/// are a status indicator), compact-TLV objects; tag 7 is the card capabilities, whose
/// third byte's b7 says "extended Lc and Le fields".
fn announces_extended(atr: &[u8]) -> bool {
    historical(atr).is_some_and(|h| capabilities(h).is_some_and(|c| c.get(2).is_some_and(|b| b & 0x40 != 0)))
}

fn historical(atr: &[u8]) -> Option<&[u8]> {
    let t0 = *atr.get(1)?;
    let k = usize::from(t0 & 0x0F);
    let mut y = t0 >> 4;
    let mut i = 2;
    loop {
        i += (y & 0x0F).count_ones() as usize;
        if y & 0x08 == 0 {
            break;
        }
        // TDi is the last interface byte of this group.
        let td = *atr.get(i - 1)?;
        y = td >> 4;
    }
    atr.get(i..i.checked_add(k)?)
}

fn capabilities(historical: &[u8]) -> Option<&[u8]> {
    let objects = match historical.split_first()? {
        (0x80, rest) => rest,
        (0x00, rest) => rest.get(..rest.len().checked_sub(3)?)?,
        _ => return None,
    };
    let mut i = 0;
    while i < objects.len() {
        let (tag, len) = (objects[i] >> 4, usize::from(objects[i] & 0x0F));
        let value = objects.get(i + 1..i + 1 + len)?;
        if tag == 7 {
            return Some(value);
        }
        i += 1 + len;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_atr_is_believed_only_when_it_announces_extended_lengths() {
        // The virtual card: 80, then 73 FF 01 00 — capabilities without b7.
        let vcard = [0x3B, 0x95, 0x13, 0x81, 0x01, 0x80, 0x73, 0xFF, 0x01, 0x00, 0x0B];
        assert_eq!(historical(&vcard), Some(&[0x80, 0x73, 0xFF, 0x01, 0x00][..]));
        assert!(!announces_extended(&vcard));
        assert_eq!(from_atr(Some(&vcard)), LongReads::Unknown);
        // A YubiKey 5 NFC's ATR: 80 73 C0 21 C0 57 59 75 62 69 4B 65 79 — b7 of C0 set.
        let yubikey = [
            0x3B, 0xFD, 0x13, 0x00, 0x00, 0x81, 0x31, 0xFE, 0x15, 0x80, 0x73, 0xC0, 0x21, 0xC0, 0x57, 0x59,
            0x75, 0x62, 0x69, 0x4B, 0x65, 0x79, 0x40,
        ];
        assert!(announces_extended(&yubikey));
        assert_eq!(from_atr(Some(&yubikey)), LongReads::Yes);
        assert_eq!(from_atr(None), LongReads::Unknown);
    }

    #[test]
    fn hostile_atrs_say_nothing_and_never_panic() {
        for atr in [&[][..], &[0x3B], &[0x3B, 0xFF], &[0x3B, 0x8F, 0x80], &[0x3B, 0x05, 0x80, 0x7F, 0, 0, 0]]
        {
            assert!(!announces_extended(atr), "{atr:02X?}");
        }
        // Every prefix of a real ATR.
        let yubikey = [0x3B, 0xFD, 0x13, 0x00, 0x00, 0x81, 0x31, 0xFE, 0x15, 0x80, 0x73, 0xC0, 0x21, 0xC0];
        for n in 0..yubikey.len() {
            let _ = announces_extended(&yubikey[..n]);
        }
    }

    #[test]
    fn only_one_whole_object_is_believed() {
        assert!(whole_object(&[0x53, 0x02, 1, 2], 2));
        assert!(!whole_object(&[0x53, 0x02, 1, 2, 9], 2), "trailing bytes");
        assert!(!whole_object(&[0x70, 0x02, 1, 2], 2));
        let mut long = vec![0x53, 0x82, 0x01, 0x00];
        long.extend([0; 256]);
        assert!(whole_object(&long, 256));
    }
}
