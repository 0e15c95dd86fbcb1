//! Pull the card after every possible APDU of a write (import a certificate, delete one) on
//! the in-process virtual PIV card: afterwards the card holds exactly the old state or
//! exactly the new one — never a half-written object — and the error is "card removed".

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};

use ecert::piv::KeyAlgorithm;
use ecert::secret::{ManagementKey, Pin};
use ecert::token::{Auth, PivToken, Token, TokenError};
use ecert::transport::fault::CutAfter;
use ecert::transport::memory::MemoryTransport;
use ecert_vcard::VirtualPiv;

/// A transport onto a card shared between "insertions".
fn onto(card: &Arc<Mutex<VirtualPiv>>) -> MemoryTransport {
    let card = Arc::clone(card);
    MemoryTransport::new(move |apdu| Ok(card.lock().unwrap().execute(apdu)))
}

fn auth() -> Auth {
    Auth {
        pin: Some(Pin::new("123456".into())),
        management_key: Some(ManagementKey::factory_default()),
        ..Auth::default()
    }
}

fn openssl(args: &[&str]) {
    let out = std::process::Command::new("openssl").args(args).output().expect("openssl runs");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A certificate for a key generated in 9a: CSR signed by the card, issued by a throw-away
/// openssl CA.
fn card_certificate(card: &Arc<Mutex<VirtualPiv>>, dir: &std::path::Path) -> Vec<u8> {
    let mut token = PivToken::connect(Box::new(onto(card)), "fault");
    let key = token.generate_key("9a", KeyAlgorithm::EccP256, &auth()).unwrap();
    let subject = ecert::ops::csr::parse_subject("CN=Fault Injection,C=HK").unwrap();
    let csr =
        ecert::ops::csr::build_csr(subject, &key.spki_der, KeyAlgorithm::EccP256, Vec::new(), |input| {
            token.sign("9a", KeyAlgorithm::EccP256, input, &auth())
        })
        .unwrap();
    let p = |n: &str| dir.join(n).to_str().unwrap().to_owned();
    std::fs::write(p("req.der"), csr).unwrap();
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-days",
        "30",
        "-subj",
        "/CN=Fault CA",
        "-keyout",
        &p("ca.key"),
        "-out",
        &p("ca.pem"),
    ]);
    openssl(&[
        "x509",
        "-req",
        "-inform",
        "DER",
        "-in",
        &p("req.der"),
        "-CA",
        &p("ca.pem"),
        "-CAkey",
        &p("ca.key"),
        "-days",
        "30",
        "-outform",
        "DER",
        "-out",
        &p("cert.der"),
    ]);
    std::fs::read(p("cert.der")).unwrap()
}

fn slot_9a(card: &Arc<Mutex<VirtualPiv>>) -> Option<Vec<u8>> {
    card.lock().unwrap().reset();
    let mut token = PivToken::connect(Box::new(onto(card)), "check");
    token.certificates().unwrap().into_iter().find(|c| c.location == "9a").map(|c| c.der)
}

#[test]
fn import_and_delete_are_all_or_nothing_at_every_cut_point() {
    let card = Arc::new(Mutex::new(VirtualPiv::in_memory().unwrap()));
    let dir = tempfile::tempdir().unwrap();
    let cert = card_certificate(&card, dir.path());
    let (mut tried, mut lost) = (0usize, 0usize);
    // Import: cut before APDU k for every k until the write completes without a cut.
    for k in 0.. {
        card.lock().unwrap().reset();
        let before = slot_9a(&card);
        let mut token = PivToken::connect(Box::new(CutAfter::new(onto(&card), k)), "fault");
        let result = token.import_certificate("9a", &cert, &auth());
        let after = slot_9a(&card);
        tried += 1;
        if after != before && after.as_deref() != Some(cert.as_slice()) {
            lost += 1;
        }
        match result {
            Ok(()) => {
                assert_eq!(after.as_deref(), Some(cert.as_slice()));
                break;
            }
            Err(e) => assert!(e.to_string().contains("removed"), "cut at {k}: {e}"),
        }
        // Undo a completed write so the next cut starts from the same old state.
        if after.is_some() {
            PivToken::connect(Box::new(onto(&card)), "undo").delete_certificate("9a", &auth()).unwrap();
        }
        assert!(k < 64, "import never completed");
    }
    // Make sure it is there, then delete with cuts.
    PivToken::connect(Box::new(onto(&card)), "setup").import_certificate("9a", &cert, &auth()).unwrap();
    for k in 0.. {
        card.lock().unwrap().reset();
        let before = slot_9a(&card);
        let mut token = PivToken::connect(Box::new(CutAfter::new(onto(&card), k)), "fault");
        let result = token.delete_certificate("9a", &auth());
        let after = slot_9a(&card);
        tried += 1;
        if after != before && after.is_some() {
            lost += 1;
        }
        if result.is_ok() {
            assert_eq!(after, None);
            break;
        }
        assert!(matches!(result, Err(TokenError::Piv(_))));
        if after.is_none() {
            PivToken::connect(Box::new(onto(&card)), "redo")
                .import_certificate("9a", &cert, &auth())
                .unwrap();
        }
        assert!(k < 64, "delete never completed");
    }
    println!("fault injection: {tried} cut points tried, {lost} states lost");
    assert_eq!(lost, 0);
    assert!(tried >= 8, "only {tried} cut points");
}
