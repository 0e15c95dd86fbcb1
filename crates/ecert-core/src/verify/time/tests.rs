//! Times from certificates and the command line: valid forms, and hostile same-length
//! contents (issue 13: non-ASCII, non-digits) that must be errors, never panics.

use super::*;
use der::Decode;

fn der_time(tag: u8, content: &[u8]) -> Result<(i64, i64), TimeError> {
    let mut der = vec![tag, u8::try_from(content.len()).unwrap()];
    der.extend_from_slice(content);
    parse(AnyRef::from_der(&der).unwrap())
}

#[test]
fn utc_and_generalized() {
    assert_eq!(der_time(0x17, b"500101120000Z").unwrap().0, -631_108_800);
    assert_eq!(der_time(0x18, b"20240101000000Z").unwrap(), (1_704_067_200, 1_704_067_200));
    assert_eq!(der_time(0x18, b"20240101000000.5Z").unwrap(), (1_704_067_200, 1_704_067_201));
    assert!(der_time(0x18, b"20241301000000Z").is_err());
}

/// Issue 13: `31 C3 A9` + nine `30` + `5A` — a UTCTime of the right length holding "é"
/// panicked in `&body[..2]` (byte 2 is inside the character).
#[test]
fn utc_time_with_non_ascii_byte_is_an_error() {
    let mut content = vec![0x31, 0xC3, 0xA9];
    content.extend_from_slice(&[0x30; 9]);
    content.push(0x5A);
    assert_eq!(content.len(), 13);
    let err = der_time(0x17, &content).unwrap_err();
    assert_eq!(err.0, "1\\xc3\\xa9000000000Z");
}

#[test]
fn hostile_same_length_contents_are_errors() {
    let good_utc = *b"240101120000Z";
    let good_gen = *b"20240101120000Z";
    let bad_bytes: [&[u8]; 9] =
        [b"\xC3\xA9", b"\x80", b"\xFF", b"a", b"+", b"-", b".", b" ", b"\xE2\x82\xAC"];
    for (tag, good) in [(0x17u8, &good_utc[..]), (0x18, &good_gen[..])] {
        for bad in bad_bytes {
            for at in 0..=good.len() - bad.len() {
                let mut v = good.to_vec();
                v[at..at + bad.len()].copy_from_slice(bad);
                assert!(der_time(tag, &v).is_err(), "{tag:#x} {:?}", v.escape_ascii().to_string());
            }
        }
    }
    // A sign would pass `str::parse`; digits only.
    assert!(der_time(0x17, b"24+101120000Z").is_err());
    assert!(der_time(0x18, b"2024010112000.Z").is_err());
    assert!(der_time(0x18, b"20240101120000.\xC3\xA9Z").is_err());
}

#[test]
fn rfc3339_offsets() {
    assert_eq!(parse_rfc3339("2024-01-01T00:00:00Z").unwrap(), 1_704_067_200);
    assert_eq!(parse_rfc3339("2024-01-01T08:00:00+08:00").unwrap(), 1_704_067_200);
    assert_eq!(parse_rfc3339("2024-01-01T00:00:00.123Z").unwrap(), 1_704_067_200);
    assert_eq!(parse_rfc3339("2023-12-31T23:00:00-01:00").unwrap(), 1_704_067_200);
    assert!(parse_rfc3339("yesterday").is_err());
}

/// `--at` is typed by a person: non-ASCII anywhere (the offset's `rest[1..3]` and the
/// `&s[19..]` slices) is an error.
#[test]
fn rfc3339_non_ascii_is_an_error() {
    for s in [
        "2024-01-01T00:00:00+a\u{e9}00",
        "2024-01-01T00:00:00+\u{e9}:00",
        "2024-01-01T00:00:0\u{e9}Z",
        "\u{e9}024-01-01T00:00:00Z",
        "2024-01-01T00:00:00.\u{e9}Z",
        "2024-01-01T00:00:00+08:0\u{e9}",
        "2024-01-01T00:00:00\u{20ac}Z",
        "+024-01-01T00:00:00Z",
        "2024-+1-01T00:00:00Z",
        "2024-01-01T00:00:00+08x00",
        "2024-01-01T00:00:00.Z",
    ] {
        assert!(parse_rfc3339(s).is_err(), "{s}");
    }
}
