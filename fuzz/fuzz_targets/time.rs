//! Fuzzes the time readers directly (RFC 5280 §4.1.2.5 UTCTime and GeneralizedTime, RFC 3339
//! for `--at`): issue 13's crash was a same-length non-ASCII byte in a UTCTime, which the
//! certificate target reached only through a valid signature-free certificate shell.
#![no_main]

use der::Tag;
use ecert::verify::time::{parse_bytes, parse_rfc3339};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = parse_bytes(Tag::UtcTime, data);
    let _ = parse_bytes(Tag::GeneralizedTime, data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_rfc3339(text);
    }
});
