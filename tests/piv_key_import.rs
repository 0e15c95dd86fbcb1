//! Key import (Yubico IMPORT ASYMMETRIC KEY, INS FE) by our PIV driver into the rig's virtual
//! card (piv-authenticator with the Yubico-format import, vcard/vendor) in-process: every
//! algorithm into primary and retired slots, then a card signature checked with the public
//! key openssl derives from the same file. The same over pcscd with yubico-piv-tool as the
//! peer is `rig_key_import.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Stdio};

use ecert::piv::{ImportKey, KeyAlgorithm, MgmtAlgorithm, PinPolicy, Piv, PivError, Slot, TouchPolicy};
use ecert::secret::{ManagementKey, Pin};
use ecert::transport::memory::MemoryTransport;
use ecert_vcard::VirtualPiv;

fn transport() -> MemoryTransport {
    let mut card = VirtualPiv::in_memory().unwrap();
    MemoryTransport::new(move |apdu| Ok(card.execute(apdu)))
}

fn openssl(args: &[&str], dir: &Path) {
    let ok = Command::new("openssl").args(args).current_dir(dir).stderr(Stdio::null()).status().unwrap();
    assert!(ok.success(), "openssl {args:?}");
}

/// A fresh key as PKCS#8 DER and its SubjectPublicKeyInfo DER, made by openssl.
fn key(genpkey: &[&str]) -> (Vec<u8>, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["genpkey"];
    args.extend_from_slice(genpkey);
    args.extend_from_slice(&["-out", "k.pem"]);
    openssl(&args, dir.path());
    openssl(&["pkcs8", "-topk8", "-nocrypt", "-in", "k.pem", "-outform", "DER", "-out", "k.der"], dir.path());
    openssl(&["pkey", "-in", "k.pem", "-pubout", "-outform", "DER", "-out", "pub.der"], dir.path());
    (std::fs::read(dir.path().join("k.der")).unwrap(), std::fs::read(dir.path().join("pub.der")).unwrap())
}

fn rsa2048() -> (Vec<u8>, Vec<u8>) {
    key(&["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"])
}

fn ec(curve: &str) -> (Vec<u8>, Vec<u8>) {
    key(&["-algorithm", "EC", "-pkeyopt", &format!("ec_paramgen_curve:{curve}")])
}

fn admin(piv: &mut Piv<'_>) {
    piv.authenticate_management(MgmtAlgorithm::TripleDes, &ManagementKey::factory_default()).unwrap();
}

fn signs_with(piv: &mut Piv<'_>, slot: Slot, alg: KeyAlgorithm, spki: &[u8]) {
    let msg = format!("signed by slot {}", slot.id());
    // 9C asks for the PIN right before each signature (PIN policy "always").
    piv.verify_pin(&Pin::new("123456".into())).unwrap();
    let sig = piv
        .sign_raw(slot, alg, &ecert::ops::csr::card_sign_input(alg, msg.as_bytes()))
        .unwrap_or_else(|e| panic!("{alg:?} in {}: {e:?}", slot.id()));
    ecert::verify::signature::verify_message(spki, msg.as_bytes(), &sig)
        .unwrap_or_else(|e| panic!("{alg:?} in {}: {e:?}", slot.id()));
}

#[test]
fn every_algorithm_imports_into_primary_and_retired_slots_and_signs() {
    let keys = [
        (
            KeyAlgorithm::Rsa2048,
            rsa2048(),
            [Slot::Authentication, Slot::Signature, Slot::CardAuthentication, Slot::Retired(1)],
        ),
        (
            KeyAlgorithm::EccP256,
            ec("P-256"),
            [Slot::Authentication, Slot::Signature, Slot::KeyManagement, Slot::Retired(20)],
        ),
        (
            KeyAlgorithm::EccP384,
            ec("P-384"),
            [Slot::Authentication, Slot::Signature, Slot::CardAuthentication, Slot::Retired(7)],
        ),
    ];
    let mut t = transport();
    let (mut piv, _) = Piv::select(&mut t).unwrap();
    admin(&mut piv);
    // Each algorithm in turn into the same primary slots (each import replaces the last).
    for (alg, (pkcs8, spki), slots) in &keys {
        let key = ImportKey::from_pkcs8(pkcs8).unwrap();
        assert_eq!(key.algorithm(), *alg);
        for slot in slots {
            piv.import_key(*slot, &key, PinPolicy::Default, TouchPolicy::Default).unwrap();
        }
        for slot in slots {
            signs_with(&mut piv, *slot, *alg, spki);
        }
    }
}

#[test]
fn import_replaces_a_generated_key_and_policies_are_accepted() {
    let (pkcs8, spki) = ec("P-256");
    let mut t = transport();
    let (mut piv, _) = Piv::select(&mut t).unwrap();
    admin(&mut piv);
    let generated = piv.generate_key(Slot::Signature, KeyAlgorithm::EccP384).unwrap();
    assert_ne!(generated.spki_der, spki);
    let key = ImportKey::from_pkcs8(&pkcs8).unwrap();
    piv.import_key(Slot::Signature, &key, PinPolicy::Once, TouchPolicy::Never).unwrap();
    signs_with(&mut piv, Slot::Signature, KeyAlgorithm::EccP256, &spki);
}

#[test]
fn import_without_management_key_is_refused_and_the_slot_keeps_its_key() {
    let (pkcs8, _) = ec("P-256");
    let mut t = transport();
    let (mut piv, _) = Piv::select(&mut t).unwrap();
    let key = ImportKey::from_pkcs8(&pkcs8).unwrap();
    let err =
        piv.import_key(Slot::Authentication, &key, PinPolicy::Default, TouchPolicy::Default).unwrap_err();
    assert!(matches!(err, PivError::NotAuthenticated { ins: 0xFE }), "{err:?}");
    // A wrong management key does not open the door either.
    let wrong = ManagementKey::from_bytes(vec![7; 24]);
    assert!(piv.authenticate_management(MgmtAlgorithm::TripleDes, &wrong).is_err());
    let err =
        piv.import_key(Slot::Authentication, &key, PinPolicy::Default, TouchPolicy::Default).unwrap_err();
    assert!(matches!(err, PivError::NotAuthenticated { ins: 0xFE }), "{err:?}");
}
