//! A card another application holds exclusively when the app first sees it is not hidden
//! for good: it shows up as soon as that application lets go (the probe result is kept only
//! when the card answered). Real pcscd, the rig's PIV card, an exclusive PC/SC connection
//! held by this test.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::ffi::CString;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use ecert::service::{Config, Event, Service, Snapshot};
use ecert::token::{TokenKind, TokenRef};

fn has_piv(s: &Snapshot, reader: &str) -> bool {
    s.tokens.iter().any(|t| {
        t.kind == TokenKind::PivCard && t.reference == TokenRef::Reader { reader: reader.to_owned() }
    })
}

#[test]
fn a_card_held_exclusively_elsewhere_appears_once_released() {
    let rig = common::rig();
    let _card = common::card_lock();
    std::env::set_var("ECERT_PKCS11_MODULES", "");
    // Another application takes the card for itself.
    let ctx = pcsc::Context::establish(pcsc::Scope::User).unwrap();
    let name = CString::new(rig.piv_reader.clone()).unwrap();
    let held = ctx.connect(&name, pcsc::ShareMode::Exclusive, pcsc::Protocols::ANY).unwrap();

    let config = Config { pkcs11: false, token_poll: Duration::from_millis(300), ..Config::default() };
    let (tx, rx) = mpsc::channel();
    let service = Service::spawn(config, move |ev| {
        if let Event::Snapshot(s) = ev {
            let _ = tx.send(s);
        }
    })
    .unwrap();
    let first = rx.recv_timeout(Duration::from_secs(10)).expect("a first snapshot");
    assert!(!has_piv(&first, &rig.piv_reader), "the card is held elsewhere: it cannot be read yet");
    assert!(first.readers.iter().any(|r| r.name == rig.piv_reader && r.card_present));

    // The other application lets go: the card appears without being reinserted.
    drop(held);
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut seen = false;
    while Instant::now() < deadline && !seen {
        if let Ok(s) = rx.recv_timeout(Duration::from_millis(200)) {
            seen = has_piv(&s, &rig.piv_reader);
        }
    }
    drop(service);
    assert!(seen, "the PIV card never appeared after the other application released it");
}
