//! Fuzzes OCSP response parsing (RFC 6960 §4.2: OCSPResponse, BasicOCSPResponse,
//! ResponseData, SingleResponse, extensions) — the bytes a network peer controls.
#![no_main]

use ecert::verify::ocsp::parse_response;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = parse_response(data);
});
