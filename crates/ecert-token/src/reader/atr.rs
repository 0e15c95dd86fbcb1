//! Naming cards by their answer-to-reset (ISO/IEC 7816-3 §8). Cards e-Cert users meet are
//! in a small built-in table; any other card is looked up in pcsc-tools' public ATR list
//! (`/usr/share/pcsc/smartcard_list.txt`, read at run time when installed, never bundled);
//! everything else is "unknown card" with its ATR shown as it is.

use std::sync::OnceLock;

use serde::Serialize;

/// What an ATR tells us, before any APDU is sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CardKind {
    /// Hong Kong smart identity card (MULTOS; proprietary applet, reached only through
    /// the vendor's PKCS#11 module).
    HkSmartId,
    /// A Yubico YubiKey (its historical bytes spell "YubiKey").
    YubiKey,
    /// A vsmartcard virtual card (vpcd/vpicc), as in the test rig.
    Virtual,
    /// Named by pcsc-tools' ATR list.
    Listed(String),
    /// A card whose ATR is in no table.
    Unknown,
}

/// Known ATRs (exact match). The two Hong Kong smart ID card ATRs come from public
/// reader-compatibility lists (third and fourth generation cards).
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
    (&[0x3B, 0x95, 0x13, 0x81, 0x01, 0x80, 0x73, 0xFF, 0x01, 0x00, 0x0B], CardKind::Virtual),
];

/// Where pcsc-tools installs its list; `ECERT_SMARTCARD_LIST` overrides it.
const LIST_PATH: &str = "/usr/share/pcsc/smartcard_list.txt";

/// Names a card from its ATR.
pub fn known_card(atr: &[u8]) -> CardKind {
    static LIST: OnceLock<Vec<(String, String)>> = OnceLock::new();
    if let Some((_, kind)) = KNOWN.iter().find(|(a, _)| *a == atr) {
        return kind.clone();
    }
    if atr.windows(7).any(|w| w.eq_ignore_ascii_case(b"YubiKey")) {
        return CardKind::YubiKey;
    }
    let spaced = crate::reader::hex_spaced(atr);
    let list = LIST.get_or_init(|| {
        let path = std::env::var_os("ECERT_SMARTCARD_LIST").unwrap_or_else(|| LIST_PATH.into());
        std::fs::read_to_string(path).map(|t| parse_list(&t)).unwrap_or_default()
    });
    lookup(list, &spaced).map_or(CardKind::Unknown, |name| CardKind::Listed(name.to_owned()))
}

/// Reads pcsc-tools' format: an ATR pattern line (`3B 8F .. 80`, `.` matching any hex
/// digit), then tab-indented description lines, then an empty line. Patterns using other
/// regular-expression syntax are left out (20 of the 4,041 entries in Debian 12's list).
pub fn parse_list(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if line.starts_with('#') || line.trim().is_empty() || line.starts_with('\t') {
            continue;
        }
        let pattern = line.trim().to_ascii_uppercase();
        let simple = pattern.bytes().all(|b| b.is_ascii_hexdigit() || b == b'.' || b == b' ');
        if let Some(desc) = lines.next_if(|l| l.starts_with('\t')) {
            if simple {
                out.push((pattern, desc.trim().to_owned()));
            }
        }
    }
    out
}

/// The first entry whose pattern matches the whole spaced ATR.
pub fn lookup<'a>(list: &'a [(String, String)], spaced_atr: &str) -> Option<&'a str> {
    let atr = spaced_atr.to_ascii_uppercase();
    list.iter()
        .find(|(p, _)| p.len() == atr.len() && p.bytes().zip(atr.bytes()).all(|(p, a)| p == b'.' || p == a))
        .map(|(_, name)| name.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_hk_smart_id_cards_yubikeys_and_the_virtual_card() {
        assert_eq!(known_card(KNOWN[0].0), CardKind::HkSmartId);
        assert_eq!(known_card(KNOWN[1].0), CardKind::HkSmartId);
        assert_eq!(known_card(KNOWN[2].0), CardKind::Virtual);
        let yubikey5 = [
            0x3B, 0xFD, 0x13, 0x00, 0x00, 0x81, 0x31, 0xFE, 0x15, 0x80, 0x73, 0xC0, 0x21, 0xC0, 0x57, 0x59,
            0x75, 0x62, 0x69, 0x4B, 0x65, 0x79, 0x40,
        ];
        assert_eq!(known_card(&yubikey5), CardKind::YubiKey);
    }

    #[test]
    fn the_pcsc_tools_list_names_cards_by_pattern() {
        let text = "# comment\n\n3B 8F 80 01 .. 4F\n\tSome eID card\n\thttp://example\n\n\
                    3B [0-9] 00\n\tRegex entry, skipped\n\n3B 02 14 50\n\tSchlumberger Multiflex\n";
        let list = parse_list(text);
        assert_eq!(list.len(), 2);
        assert_eq!(lookup(&list, "3B 8F 80 01 A7 4F"), Some("Some eID card"));
        assert_eq!(lookup(&list, "3b 02 14 50"), Some("Schlumberger Multiflex"));
        assert_eq!(lookup(&list, "3B 8F 80 01 A7"), None, "a prefix is not a match");
        assert_eq!(lookup(&list, "3B 8F 81 01 A7 4F"), None);
    }

    #[test]
    fn the_installed_list_parses_when_present() {
        // pcsc-tools is part of the test rig (scripts/deps --test).
        let text = std::fs::read_to_string(LIST_PATH).expect("pcsc-tools' smartcard_list.txt");
        let list = parse_list(&text);
        assert!(list.len() > 2000, "{} entries", list.len());
        let hkid = lookup(&list, "3B 6F 00 00 80 31 E0 6B 04 06 05 02 25 55 55 55 55 55 55");
        assert!(hkid.is_some_and(|n| n.contains("Hong Kong")), "{hkid:?}");
    }
}
