//! Naming cards by their answer-to-reset (ISO/IEC 7816-3 §8). The table holds cards e-Cert
//! users meet; everything else is "unknown card" with its ATR shown as it is.

use serde::Serialize;

/// What an ATR tells us, before any APDU is sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CardKind {
    /// Hong Kong smart identity card (MULTOS; proprietary applet, reached only through
    /// the vendor's PKCS#11 module).
    HkSmartId,
    /// A card whose ATR is not in the table.
    Unknown,
}

/// Known ATRs (exact match). The two Hong Kong smart ID card ATRs come from public
/// reader-compatibility lists.
const KNOWN: &[(&[u8], CardKind)] = &[
    (
        &[
            0x3B, 0x6F, 0x00, 0x00, 0x80, 0x31, 0xE0, 0x6B, 0x04, 0x06, 0x05, 0x02, 0x25, 0x55, 0x55, 0x55,
            0x55, 0x55, 0x55,
        ],
        CardKind::HkSmartId,
    ),
    (
        &[
            0x3B, 0xF8, 0x96, 0x00, 0x00, 0x81, 0x31, 0xFE, 0x44, 0x00, 0x73, 0x94, 0x01, 0xC0, 0x0F, 0x90,
            0x00, 0xDD,
        ],
        CardKind::HkSmartId,
    ),
];

/// Names a card from its ATR.
pub fn known_card(atr: &[u8]) -> CardKind {
    if let Some((_, kind)) = KNOWN.iter().find(|(a, _)| *a == atr) {
        return kind.clone();
    }
    CardKind::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_hk_smart_id_cards() {
        assert_eq!(known_card(KNOWN[0].0), CardKind::HkSmartId);
        assert_eq!(known_card(KNOWN[1].0), CardKind::HkSmartId);
        assert_eq!(known_card(&[0x3B, 0x00]), CardKind::Unknown);
    }
}
