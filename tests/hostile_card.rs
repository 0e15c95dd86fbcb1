//! Hostile cards: malformed TLV, wrong lengths, 6F00, endless 61xx chains, oversized
//! objects. Every path must end in a clear error — no panic, no hang, bounded allocation.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use ecert::apdu::{ApduError, MAX_GET_RESPONSE_ROUNDS};
use ecert::piv::{Piv, PivError, Slot};
use ecert::token::{PivToken, Token, TokenError};
use ecert::transport::memory::MemoryTransport;

/// xorshift64*: a deterministic stream so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn bytes(&mut self, max: usize) -> Vec<u8> {
        let len = usize::try_from(self.next() % (max as u64 + 1)).unwrap();
        (0..len).map(|_| u8::try_from(self.next() & 0xFF).unwrap()).collect()
    }
}

/// A card that answers SELECT properly, then `answer` for everything else.
fn card(answer: impl Fn(&[u8]) -> Vec<u8> + Send + 'static) -> MemoryTransport {
    MemoryTransport::new(move |apdu| {
        Ok(if apdu.get(1) == Some(&0xA4) {
            vec![0x61, 0x03, 0x50, 0x01, 0x41, 0x90, 0x00]
        } else {
            answer(apdu)
        })
    })
}

#[test]
fn random_responses_never_panic() {
    let mut rng = Rng(0x00C0_FFEE);
    let mut errors = 0;
    for _ in 0..3000 {
        let mut body = rng.bytes(300);
        // Bias towards plausible shapes: a 53 template and a real-looking status word.
        if rng.next().is_multiple_of(2) {
            body.insert(0, 0x53);
        }
        let sw: [u8; 2] = match rng.next() % 4 {
            0 => [0x90, 0x00],
            1 => [0x61, u8::try_from(rng.next() & 0xFF).unwrap()],
            2 => [0x6F, 0x00],
            _ => [u8::try_from(rng.next() & 0xFF).unwrap(), u8::try_from(rng.next() & 0xFF).unwrap()],
        };
        body.extend_from_slice(&sw);
        let reply = body.clone();
        let mut t = card(move |_| reply.clone());
        let (mut piv, _) = Piv::select(&mut t).unwrap();
        if piv.read_certificate(Slot::Authentication).is_err() {
            errors += 1;
        }
        let _ = piv.pin_state();
    }
    assert!(errors > 1000, "most random answers must be refused, got {errors} errors");
}

#[test]
fn endless_61xx_is_cut_off() {
    let mut t = card(|_| vec![0x00, 0x61, 0x10]);
    let (mut piv, _) = Piv::select(&mut t).unwrap();
    let err = piv.read_certificate(Slot::Authentication).unwrap_err();
    assert!(
        matches!(err, PivError::Apdu(ApduError::EndlessGetResponse { rounds }) if rounds == MAX_GET_RESPONSE_ROUNDS),
        "{err:?}"
    );
}

#[test]
fn length_larger_than_data_is_malformed() {
    // 53 claims 0xFFFF bytes, delivers 4.
    let mut t = card(|_| vec![0x53, 0x82, 0xFF, 0xFF, 0x70, 0x02, 0x30, 0x00, 0x90, 0x00]);
    let (mut piv, _) = Piv::select(&mut t).unwrap();
    assert!(matches!(piv.read_certificate(Slot::Signature), Err(PivError::Malformed(_))));
}

#[test]
fn no_precise_diagnosis_is_reported_with_the_status_word() {
    let mut t = card(|_| vec![0x6F, 0x00]);
    let (mut piv, _) = Piv::select(&mut t).unwrap();
    let err = piv.read_certificate(Slot::KeyManagement).unwrap_err();
    assert!(matches!(err, PivError::Unexpected { ins: 0xCB, .. }), "{err:?}");
    assert!(err.to_string().contains("6F00"), "{err}");
}

#[test]
fn oversized_object_is_refused() {
    // 61 00 forever with 256-byte chunks: exceeds the response cap before the round cap.
    let mut t = card(|_| {
        let mut v = vec![0xEE; 256];
        v.extend_from_slice(&[0x61, 0x00]);
        v
    });
    let (mut piv, _) = Piv::select(&mut t).unwrap();
    let err = piv.read_certificate(Slot::Authentication).unwrap_err();
    assert!(
        matches!(
            err,
            PivError::Apdu(ApduError::ResponseTooLarge { .. } | ApduError::EndlessGetResponse { .. })
        ),
        "{err:?}"
    );
}

#[test]
fn garbage_certificate_is_shown_as_unreadable_not_hidden() {
    let t = card(|apdu| {
        if apdu.ends_with(&[0x5F, 0xC1, 0x05, 0x00]) {
            vec![0x53, 0x07, 0x70, 0x02, 0x30, 0x00, 0x71, 0x01, 0x00, 0x90, 0x00]
        } else if apdu.get(1) == Some(&0x20) {
            vec![0x63, 0xC3]
        } else {
            vec![0x6A, 0x82]
        }
    });
    let mut token = PivToken::open(Box::new(t), "hostile").unwrap();
    let certs = token.certificates().unwrap();
    assert_eq!(certs.len(), 1);
    assert!(certs[0].summary.is_none());
    assert_eq!(certs[0].der, vec![0x30, 0x00]);
}

#[test]
fn card_pulled_mid_read_is_a_clear_error() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&sent);
    let t = MemoryTransport::new(move |apdu| {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        match apdu.get(1) {
            Some(0xA4) => Ok(vec![0x90, 0x00]),
            Some(0x20) => Ok(vec![0x63, 0xC3]),
            // First GET DATA half-delivered, then the card is gone.
            _ if n < 3 => Ok(vec![0x53, 0x10, 0x61, 0x10]),
            _ => Err(ecert::transport::TransportError::CardRemoved),
        }
    });
    let mut token = PivToken::open(Box::new(t), "pulled").unwrap();
    let err = token.certificates().unwrap_err();
    assert!(
        matches!(
            err,
            TokenError::Piv(PivError::Apdu(ApduError::Transport(
                ecert::transport::TransportError::CardRemoved
            )))
        ),
        "{err:?}"
    );
}
