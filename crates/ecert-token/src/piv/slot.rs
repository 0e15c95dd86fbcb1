//! PIV key slots and their certificate objects (SP 800-73-4 Part 1 Tables 3 and 4b).

use serde::Serialize;

/// A key reference with a certificate object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Slot {
    /// 9A PIV Authentication.
    Authentication,
    /// 9C Digital Signature.
    Signature,
    /// 9D Key Management.
    KeyManagement,
    /// 9E Card Authentication.
    CardAuthentication,
    /// 82–95 Retired Key Management 1–20.
    Retired(u8),
}

impl Slot {
    /// The four primary slots and the twenty retired ones, in display order.
    pub fn all() -> Vec<Slot> {
        let mut v =
            vec![Self::Authentication, Self::Signature, Self::KeyManagement, Self::CardAuthentication];
        v.extend((1..=20).map(Self::Retired));
        v
    }

    /// Key reference byte.
    pub fn key_ref(self) -> u8 {
        match self {
            Self::Authentication => 0x9A,
            Self::Signature => 0x9C,
            Self::KeyManagement => 0x9D,
            Self::CardAuthentication => 0x9E,
            Self::Retired(n) => 0x81 + n,
        }
    }

    /// BER-TLV tag of the certificate data object.
    pub fn object_tag(self) -> [u8; 3] {
        match self {
            Self::Authentication => [0x5F, 0xC1, 0x05],
            Self::Signature => [0x5F, 0xC1, 0x0A],
            Self::KeyManagement => [0x5F, 0xC1, 0x0B],
            Self::CardAuthentication => [0x5F, 0xC1, 0x01],
            Self::Retired(n) => [0x5F, 0xC1, 0x0C + n],
        }
    }

    /// Parses "9a", "9C", "82" … as tools print slots.
    pub fn from_id(text: &str) -> Option<Slot> {
        let b = u8::from_str_radix(text.trim().trim_start_matches("0x"), 16).ok()?;
        Some(match b {
            0x9A => Self::Authentication,
            0x9C => Self::Signature,
            0x9D => Self::KeyManagement,
            0x9E => Self::CardAuthentication,
            0x82..=0x95 => Self::Retired(b - 0x81),
            _ => return None,
        })
    }

    /// Short id as tools print it ("9a", "82").
    pub fn id(self) -> String {
        format!("{:02x}", self.key_ref())
    }
}
