//! Command APDU decoding and encoding.
//!
//! Implements the four command cases of ISO/IEC 7816-3 §12.1.3 (decoding conventions for
//! command APDUs), short and extended length fields, as used by ISO/IEC 7816-4 §5.1
//! (command-response pairs), plus the status words (ISO/IEC 7816-4 §5.6) this card answers
//! with. Decoding never panics: anything malformed is reported as `6700` (wrong length).

/// Status words (SW1-SW2) used by the card glue.
pub mod sw {
    /// Normal processing.
    pub const OK: u16 = 0x9000;
    /// Wrong length (malformed Lc/Le, or data too long).
    pub const WRONG_LENGTH: u16 = 0x6700;
    /// Last command of the chain expected.
    pub const LAST_COMMAND_EXPECTED: u16 = 0x6883;
    /// Conditions of use not satisfied (e.g. GET RESPONSE with nothing pending).
    pub const CONDITIONS_NOT_SATISFIED: u16 = 0x6985;
    /// Wrong parameters P1-P2.
    pub const WRONG_P1_P2: u16 = 0x6B00;
    /// Instruction not supported.
    pub const INS_NOT_SUPPORTED: u16 = 0x6D00;
    /// Class not supported.
    pub const CLA_NOT_SUPPORTED: u16 = 0x6E00;
    /// No precise diagnosis (internal error of the card).
    pub const NO_PRECISE_DIAGNOSIS: u16 = 0x6F00;

    /// Whether the status word reports success or a warning (processing completed:
    /// `9000`, `61XX`, `62XX`, `63XX`), as opposed to an error.
    pub const fn is_completed(sw: u16) -> bool {
        matches!(sw >> 8, 0x90 | 0x61 | 0x62 | 0x63)
    }
}

/// CLA bit b5 (`0x10`): command chaining, "not the last command of a chain"
/// (ISO/IEC 7816-4 §5.1.1 and §5.3).
pub const CLA_CHAINING: u8 = 0x10;

/// A decoded command APDU borrowing its data field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Apdu<'a> {
    /// Class byte.
    pub cla: u8,
    /// Instruction byte.
    pub ins: u8,
    /// Parameter 1.
    pub p1: u8,
    /// Parameter 2.
    pub p2: u8,
    /// Command data field (empty in cases 1 and 2).
    pub data: &'a [u8],
    /// Ne, the maximum number of response bytes expected; `None` when Le is absent
    /// (cases 1 and 3). A short Le of `00` means 256, an extended Le of `0000` 65536.
    pub ne: Option<usize>,
    /// Whether the length fields were in extended form.
    pub extended: bool,
}

impl<'a> Apdu<'a> {
    /// Decodes a raw C-APDU (header + body), following ISO/IEC 7816-3 §12.1.3.
    ///
    /// Returns the status word to answer with when the APDU is malformed.
    pub fn parse(raw: &'a [u8]) -> Result<Self, u16> {
        let (header, body) = match raw {
            [cla, ins, p1, p2, body @ ..] => ([*cla, *ins, *p1, *p2], body),
            _ => return Err(sw::WRONG_LENGTH),
        };
        let mut apdu = Apdu {
            cla: header[0],
            ins: header[1],
            p1: header[2],
            p2: header[3],
            data: &[],
            ne: None,
            extended: false,
        };
        match body {
            // Case 1.
            [] => {}
            // Case 2S.
            [le] => apdu.ne = Some(short_ne(*le)),
            // Case 3S / 4S (B1 != 0 is a short Lc).
            [lc, rest @ ..] if *lc != 0 && rest.len() == usize::from(*lc) => apdu.data = rest,
            [lc, rest @ ..] if *lc != 0 && rest.len() == usize::from(*lc) + 1 => {
                let (data, le) = rest.split_at(usize::from(*lc));
                apdu.data = data;
                apdu.ne = Some(short_ne(le[0]));
            }
            // Case 2E: 00 Le1 Le2.
            [0, le1, le2] => {
                apdu.extended = true;
                apdu.ne = Some(extended_ne(*le1, *le2));
            }
            // Case 3E / 4E: 00 Lc1 Lc2 data [Le1 Le2].
            [0, lc1, lc2, rest @ ..] => {
                let lc = usize::from(u16::from_be_bytes([*lc1, *lc2]));
                apdu.extended = true;
                if lc == 0 {
                    return Err(sw::WRONG_LENGTH);
                }
                if rest.len() == lc {
                    apdu.data = rest;
                } else if rest.len() == lc + 2 {
                    let (data, le) = rest.split_at(lc);
                    apdu.data = data;
                    apdu.ne = Some(extended_ne(le[0], le[1]));
                } else {
                    return Err(sw::WRONG_LENGTH);
                }
            }
            _ => return Err(sw::WRONG_LENGTH),
        }
        Ok(apdu)
    }

    /// Encodes this APDU again, in short form when the lengths allow it, else extended.
    ///
    /// Returns `None` if the data field is longer than 65535 bytes (not encodable).
    pub fn encode(&self) -> Option<Vec<u8>> {
        let lc = self.data.len();
        if lc > 0xFFFF {
            return None;
        }
        let ne = self.ne.map(|ne| ne.clamp(1, 65_536));
        let extended = lc > 255 || ne.is_some_and(|ne| ne > 256);
        let mut out = Vec::with_capacity(4 + 3 + lc + 2);
        out.extend_from_slice(&[self.cla, self.ins, self.p1, self.p2]);
        if extended {
            if lc > 0 {
                out.push(0);
                out.extend_from_slice(&u16::try_from(lc).ok()?.to_be_bytes());
                out.extend_from_slice(self.data);
            }
            if let Some(ne) = ne {
                if lc == 0 {
                    out.push(0);
                }
                // 65536 is encoded as 0000.
                out.extend_from_slice(&u16::try_from(ne % 65_536).ok()?.to_be_bytes());
            }
        } else {
            if lc > 0 {
                out.push(u8::try_from(lc).ok()?);
                out.extend_from_slice(self.data);
            }
            if let Some(ne) = ne {
                // 256 is encoded as 00.
                out.push(u8::try_from(ne % 256).ok()?);
            }
        }
        Some(out)
    }
}

fn short_ne(le: u8) -> usize {
    if le == 0 {
        256
    } else {
        usize::from(le)
    }
}

fn extended_ne(le1: u8, le2: u8) -> usize {
    match u16::from_be_bytes([le1, le2]) {
        0 => 65_536,
        n => usize::from(n),
    }
}

/// Instructions whose command data carries secrets (PINs, PUKs, key material) and must never
/// be logged: VERIFY (`20`), CHANGE REFERENCE DATA (`24`), RESET RETRY COUNTER (`2C`), and the
/// YubiKey extensions IMPORT ASYMMETRIC KEY (`FE`) and SET MANAGEMENT KEY (`FF`).
pub const fn is_secret_bearing(ins: u8) -> bool {
    matches!(ins, 0x20 | 0x24 | 0x2C | 0xFE | 0xFF)
}

/// A one-line description of a C-APDU for logs: the header always, the data only for
/// instructions that carry no secrets (see [`is_secret_bearing`]), cut after 64 bytes.
pub fn describe(raw: &[u8]) -> String {
    use std::fmt::Write as _;
    let Ok(apdu) = Apdu::parse(raw) else {
        let head: Vec<String> = raw.iter().take(4).map(|b| format!("{b:02X}")).collect();
        return format!("malformed APDU ({} bytes) {}", raw.len(), head.join(" "));
    };
    let mut line = format!("{:02X} {:02X} {:02X} {:02X}", apdu.cla, apdu.ins, apdu.p1, apdu.p2);
    if !apdu.data.is_empty() {
        let _ = write!(line, " Lc={}", apdu.data.len());
        if is_secret_bearing(apdu.ins) {
            line.push_str(" [data withheld]");
        } else {
            line.push(' ');
            for b in apdu.data.iter().take(64) {
                let _ = write!(line, "{b:02X}");
            }
            if apdu.data.len() > 64 {
                line.push('…');
            }
        }
    }
    if let Some(ne) = apdu.ne {
        let _ = write!(line, " Le={ne}");
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        let a = Apdu::parse(&[0, 0xA4, 4, 0]).unwrap();
        assert_eq!((a.data, a.ne), (&[][..], None));
        let a = Apdu::parse(&[0, 0xC0, 0, 0, 0]).unwrap();
        assert_eq!(a.ne, Some(256));
        let a = Apdu::parse(&[0, 0xA4, 4, 0, 2, 0xAA, 0xBB]).unwrap();
        assert_eq!((a.data, a.ne), (&[0xAA, 0xBB][..], None));
        let a = Apdu::parse(&[0, 0xA4, 4, 0, 2, 0xAA, 0xBB, 0x10]).unwrap();
        assert_eq!((a.data, a.ne), (&[0xAA, 0xBB][..], Some(16)));
        let a = Apdu::parse(&[0, 0xCB, 0x3F, 0xFF, 0, 0, 0]).unwrap();
        assert_eq!((a.ne, a.extended), (Some(65_536), true));
        let a = Apdu::parse(&[0, 0xDB, 0x3F, 0xFF, 0, 0, 1, 0x55]).unwrap();
        assert_eq!((a.data, a.ne), (&[0x55][..], None));
        let a = Apdu::parse(&[0, 0xDB, 0x3F, 0xFF, 0, 0, 1, 0x55, 0x01, 0x00]).unwrap();
        assert_eq!((a.data, a.ne), (&[0x55][..], Some(256)));
    }

    #[test]
    fn malformed() {
        for raw in [
            &[][..],
            &[0, 0xA4, 4],
            &[0, 0xA4, 4, 0, 3, 1],
            &[0, 0xA4, 4, 0, 0, 0],
            &[0, 0xA4, 4, 0, 0, 0, 0, 1],
            &[0, 0xA4, 4, 0, 0, 0, 2, 1],
            &[0, 0xA4, 4, 0, 1, 1, 1, 1],
        ] {
            assert_eq!(Apdu::parse(raw), Err(sw::WRONG_LENGTH), "{raw:02X?}");
        }
    }

    #[test]
    fn encode_round_trip() {
        let data = vec![7u8; 300];
        for (data, ne) in [
            (&[][..], None),
            (&[][..], Some(256)),
            (&[][..], Some(65_536)),
            (&[1, 2][..], None),
            (&[1, 2][..], Some(8)),
            (&data[..], None),
            (&data[..], Some(256)),
            (&data[..], Some(65_536)),
        ] {
            let apdu = Apdu { cla: 0, ins: 0xDB, p1: 0x3F, p2: 0xFF, data, ne, extended: false };
            let raw = apdu.encode().unwrap();
            let back = Apdu::parse(&raw).unwrap();
            assert_eq!((back.data, back.ne), (data, ne));
        }
    }

    #[test]
    fn describe_withholds_pins() {
        let line = describe(&[0, 0x20, 0, 0x80, 8, b'1', b'2', b'3', b'4', b'5', b'6', 0xFF, 0xFF]);
        assert!(line.contains("withheld"), "{line}");
        assert!(!line.contains("313233"), "{line}");
        let line = describe(&[0, 0xCB, 0x3F, 0xFF, 5, 0x5C, 3, 0x5F, 0xC1, 0x02, 0]);
        assert!(line.contains("5C035FC102"), "{line}");
    }
}
