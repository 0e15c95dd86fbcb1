//! Status words (SW1 SW2) of ISO/IEC 7816-4 §5.1.3 and the ones NIST SP 800-73-4 Part 2
//! Table 6 gives meaning to for PIV.

use std::fmt;

/// A status word, with the values the drivers act on named.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub enum StatusWord {
    /// 9000: normal processing.
    Success,
    /// 61xx: more response bytes available (xx of them; 00 means 256 or more).
    MoreData { available: u8 },
    /// 63Cx: verification failed or tries remaining, x tries left.
    TriesLeft { tries: u8 },
    /// 6983: authentication method blocked (PIN/PUK blocked).
    Blocked,
    /// 6982: security status not satisfied.
    SecurityStatusNotSatisfied,
    /// 6A82: file or application not found.
    NotFound,
    /// 6A80: incorrect parameters in the data field.
    IncorrectData,
    /// 6A84: not enough memory.
    NotEnoughMemory,
    /// 6A86: incorrect P1/P2.
    IncorrectP1P2,
    /// 6700: wrong length.
    WrongLengthNoInfo,
    /// 6Cxx: wrong Le; xx is the exact length.
    WrongLength { exact: u8 },
    /// 6D00: instruction not supported.
    InsNotSupported,
    /// 6E00: class not supported.
    ClaNotSupported,
    /// 6F00: no precise diagnosis.
    NoPreciseDiagnosis,
    /// Any other value.
    Other(u16),
}

impl StatusWord {
    pub fn from_bytes(sw1: u8, sw2: u8) -> Self {
        match (sw1, sw2) {
            (0x90, 0x00) => Self::Success,
            (0x61, n) => Self::MoreData { available: n },
            (0x63, n) if n & 0xF0 == 0xC0 => Self::TriesLeft { tries: n & 0x0F },
            (0x69, 0x83) => Self::Blocked,
            (0x69, 0x82) => Self::SecurityStatusNotSatisfied,
            (0x6A, 0x82) => Self::NotFound,
            (0x6A, 0x80) => Self::IncorrectData,
            (0x6A, 0x84) => Self::NotEnoughMemory,
            (0x6A, 0x86) => Self::IncorrectP1P2,
            (0x67, 0x00) => Self::WrongLengthNoInfo,
            (0x6C, n) => Self::WrongLength { exact: n },
            (0x6D, 0x00) => Self::InsNotSupported,
            (0x6E, 0x00) => Self::ClaNotSupported,
            (0x6F, 0x00) => Self::NoPreciseDiagnosis,
            _ => Self::Other(u16::from_be_bytes([sw1, sw2])),
        }
    }

    pub fn to_u16(self) -> u16 {
        match self {
            Self::Success => 0x9000,
            Self::MoreData { available } => 0x6100 | u16::from(available),
            Self::TriesLeft { tries } => 0x63C0 | u16::from(tries & 0x0F),
            Self::Blocked => 0x6983,
            Self::SecurityStatusNotSatisfied => 0x6982,
            Self::NotFound => 0x6A82,
            Self::IncorrectData => 0x6A80,
            Self::NotEnoughMemory => 0x6A84,
            Self::IncorrectP1P2 => 0x6A86,
            Self::WrongLengthNoInfo => 0x6700,
            Self::WrongLength { exact } => 0x6C00 | u16::from(exact),
            Self::InsNotSupported => 0x6D00,
            Self::ClaNotSupported => 0x6E00,
            Self::NoPreciseDiagnosis => 0x6F00,
            Self::Other(v) => v,
        }
    }
}

impl fmt::Display for StatusWord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04X}", self.to_u16())
    }
}
