//! Fuzzes certificate parsing for path validation (RFC 5280 §4.1 field by field, every
//! extension §6.1 reads, our own UTCTime/GeneralizedTime reader) and one validation of the
//! result against itself as anchor, so the name, constraint and policy code runs on it too.
#![no_main]

use ecert::verify::{verify, Cert, Options};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(cert) = Cert::parse(data) {
        let anchors = [cert.clone()];
        let _ = verify(&cert, &[], &anchors, &[], &Options::default());
    }
});
