//! Our PIV driver against a real PIV implementation (the rig's virtual card, piv-authenticator)
//! in-process: no pcscd, so these run in milliseconds and can be repeated freely. The same
//! behaviours are checked again over pcscd in `rig_piv.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use ecert::piv::{KeyAlgorithm, PinRef, PinState, Piv, PivError, Slot};
use ecert::secret::{ManagementKey, Pin};
use ecert::token::{Auth, PivToken, Token, TokenError};
use ecert::transport::memory::MemoryTransport;
use ecert_vcard::VirtualPiv;

fn transport() -> MemoryTransport {
    let mut card = VirtualPiv::in_memory().unwrap();
    MemoryTransport::new(move |apdu| Ok(card.execute(apdu))).logging()
}

fn pin(s: &str) -> Pin {
    Pin::new(s.to_owned())
}

#[test]
fn select_reads_pin_state_without_spending_a_try() {
    let mut t = transport();
    let (mut piv, _) = Piv::select(&mut t).unwrap();
    for _ in 0..5 {
        assert_eq!(piv.pin_state().unwrap(), PinState::TriesLeft { tries: 3 });
    }
}

#[test]
fn each_wrong_pin_costs_exactly_one_try_then_blocks_and_puk_unblocks() {
    let mut t = transport();
    let (mut piv, _) = Piv::select(&mut t).unwrap();
    for left in [2u8, 1] {
        let err = piv.verify_pin(&pin("999999")).unwrap_err();
        assert!(
            matches!(err, PivError::WrongPin { which: PinRef::Pin, tries_left } if tries_left == Some(left)),
            "{err:?}"
        );
        assert_eq!(piv.pin_state().unwrap(), PinState::TriesLeft { tries: left });
    }
    let err = piv.verify_pin(&pin("999999")).unwrap_err();
    assert!(
        matches!(err, PivError::Blocked { .. } | PivError::WrongPin { tries_left: Some(0), .. }),
        "{err:?}"
    );
    assert_eq!(piv.pin_state().unwrap(), PinState::Blocked);
    // The right PIN does not help now.
    assert!(piv.verify_pin(&pin("123456")).is_err());
    piv.unblock(&pin("12345678"), &pin("654321")).unwrap();
    assert_eq!(piv.pin_state().unwrap(), PinState::TriesLeft { tries: 3 });
    piv.verify_pin(&pin("654321")).unwrap();
    assert_eq!(piv.pin_state().unwrap(), PinState::Verified);
}

#[test]
fn malformed_pin_never_reaches_the_card() {
    let mut t = transport();
    {
        let (mut piv, _) = Piv::select(&mut t).unwrap();
        assert!(matches!(piv.verify_pin(&pin("12")), Err(PivError::PinFormat { .. })));
        assert!(matches!(piv.verify_pin(&pin("12345a")), Err(PivError::PinFormat { .. })));
    }
    assert!(!t.sent().iter().any(|a| a.get(1) == Some(&0x20) && a.len() > 5), "a VERIFY with data was sent");
}

#[test]
fn management_key_default_works_and_a_wrong_one_is_rejected() {
    let mut t = transport();
    let (mut piv, _) = Piv::select(&mut t).unwrap();
    piv.authenticate_management(ecert::piv::MgmtAlgorithm::TripleDes, &ManagementKey::factory_default())
        .unwrap();
    let wrong = ManagementKey::from_bytes(vec![7; 24]);
    assert!(matches!(
        piv.authenticate_management(ecert::piv::MgmtAlgorithm::TripleDes, &wrong),
        Err(PivError::ManagementKeyRejected)
    ));
}

#[test]
fn keygen_csr_and_signatures_verify_for_every_key_type() {
    let mut token = PivToken::open(Box::new(transport()), "in-process").unwrap();
    let admin = Auth { management_key: Some(ManagementKey::factory_default()), ..Auth::default() };
    let user = Auth { pin: Some(pin("123456")), ..Auth::default() };
    for (slot, alg) in
        [("9a", KeyAlgorithm::EccP256), ("9c", KeyAlgorithm::EccP384), ("9d", KeyAlgorithm::Rsa2048)]
    {
        let key = token.generate_key(slot, alg, &admin).unwrap();
        assert_eq!(KeyAlgorithm::from_spki(&key.spki_der), Some(alg));
        let msg = format!("message for {slot}");
        let sig =
            token.sign(slot, alg, &ecert::ops::csr::card_sign_input(alg, msg.as_bytes()), &user).unwrap();
        ecert::verify::signature::verify_message(&key.spki_der, msg.as_bytes(), &sig).unwrap();
        let subject = ecert::ops::csr::parse_subject("CN=Chan Tai Man,C=HK").unwrap();
        let csr = ecert::ops::csr::build_csr(subject, &key.spki_der, alg, Vec::new(), |input| {
            token.sign(slot, alg, input, &user)
        })
        .unwrap();
        // The CSR's own signature verifies over its CertificationRequestInfo.
        let req = <x509_cert::request::CertReq as der::Decode>::from_der(&csr).unwrap();
        let tbs = der::Encode::to_der(&req.info).unwrap();
        ecert::verify::signature::verify_message(&key.spki_der, &tbs, req.signature.raw_bytes()).unwrap();
    }
}

#[test]
fn certificate_for_another_key_is_refused_and_nothing_is_written() {
    let mut token = PivToken::open(Box::new(transport()), "in-process").unwrap();
    let auth = Auth {
        pin: Some(pin("123456")),
        management_key: Some(ManagementKey::factory_default()),
        ..Auth::default()
    };
    token.generate_key("9a", KeyAlgorithm::EccP256, &auth).unwrap();
    let stranger = include_bytes!("../assets/anchors/Hongkong_Post_Root_CA_3.der");
    let err = token.import_certificate("9a", stranger, &auth).unwrap_err();
    assert!(matches!(err, TokenError::KeyMismatch { .. }), "{err:?}");
    assert!(token.certificates().unwrap().is_empty());
    // Without the PIN the match cannot be proven: refused before anything is sent to write.
    let no_pin = Auth { management_key: Some(ManagementKey::factory_default()), ..Auth::default() };
    assert!(matches!(
        token.import_certificate("9a", stranger, &no_pin),
        Err(TokenError::CredentialNeeded { .. })
    ));
}

#[test]
fn listing_four_empty_slots_costs_the_apdu_floor() {
    let mut t = transport();
    {
        let (mut piv, _) = Piv::select(&mut t).unwrap();
        for slot in [Slot::Authentication, Slot::Signature, Slot::KeyManagement, Slot::CardAuthentication] {
            assert_eq!(piv.read_certificate(slot).unwrap(), None);
        }
    }
    // SELECT + one GET DATA per slot; the first absence is asked again with a short APDU
    // before extended-length answers are believed (piv::long_reads).
    assert_eq!(t.sent().len(), 6);
}

#[test]
fn discovery_object_and_card_identifiers_are_read() {
    let mut t = transport();
    let (mut piv, _) = Piv::select(&mut t).unwrap();
    // piv-authenticator publishes a discovery object with the application PIN.
    let d = piv.discovery().unwrap().expect("discovery object");
    assert!(d.application_pin, "{d:?}");
    let guid = piv.card_guid().unwrap().expect("CHUID with a GUID");
    assert_eq!(guid.len(), 32);
    // CCC is optional on PIV cards; reading it must not fail either way.
    let _ = piv.ccc_card_id().unwrap();
}
