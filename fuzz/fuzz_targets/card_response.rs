//! Fuzzes everything that parses card answers: BER-TLV, SELECT's property template, GET DATA
//! certificate objects, PIN state, GET RESPONSE chains. The input is split into a sequence
//! of responses the fake card plays back.
#![no_main]

use ecert::piv::{Piv, Slot};
use ecert::transport::memory::MemoryTransport;
use ecert::transport::TransportError;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = ecert::tlv::read_all(data);
    // Responses: 2-byte length + bytes, repeated.
    let mut answers = Vec::new();
    let mut rest = data;
    while rest.len() >= 2 {
        let n = usize::from(u16::from_be_bytes([rest[0], rest[1]])) % 1024;
        rest = &rest[2..];
        let take = n.min(rest.len());
        answers.push(rest[..take].to_vec());
        rest = &rest[take..];
    }
    answers.reverse();
    let mut t = MemoryTransport::new(move |_| answers.pop().ok_or(TransportError::Disconnected));
    if let Ok((mut piv, _)) = Piv::select(&mut t) {
        let _ = piv.pin_state();
        let _ = piv.read_certificate(Slot::Authentication);
    }
});
