//! IMPORT ASYMMETRIC KEY on the in-process transport: the bytes the card receives (algorithm,
//! slot, chained TLVs, padding, policies), the refusals, and a card pulled mid-chain.

use std::process::Command as Process;
use std::sync::{Arc, Mutex};

use super::*;
use crate::transport::fault::CutAfter;
use crate::transport::memory::MemoryTransport;
use crate::transport::TransportError;

/// A PKCS#8 key made by openssl (no private key is committed to the repository).
fn openssl_key(args: &[&str]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("k.pem");
    let out = dir.path().join("k.der");
    let run =
        |p: &mut Process| assert!(p.stderr(std::process::Stdio::null()).status().unwrap().success(), "{p:?}");
    run(Process::new("openssl").arg("genpkey").args(args).arg("-out").arg(&pem));
    // genpkey's DER is the traditional format for EC; pkcs8 -topk8 gives PKCS#8.
    run(Process::new("openssl")
        .args(["pkcs8", "-topk8", "-nocrypt", "-outform", "DER", "-in"])
        .arg(&pem)
        .arg("-out")
        .arg(&out));
    std::fs::read(out).unwrap()
}

fn rsa(bits: &str) -> Vec<u8> {
    openssl_key(&["-algorithm", "RSA", "-pkeyopt", &format!("rsa_keygen_bits:{bits}")])
}

fn ec(curve: &str) -> Vec<u8> {
    openssl_key(&["-algorithm", "EC", "-pkeyopt", &format!("ec_paramgen_curve:{curve}")])
}

type Log = Arc<Mutex<Vec<Vec<u8>>>>;

/// A card that answers SELECT, collects every FE APDU (chained or not) and answers the
/// last one with `sw`.
fn card(sw: [u8; 2]) -> (MemoryTransport, Log) {
    let log: Log = Arc::default();
    let seen = Arc::clone(&log);
    let t = MemoryTransport::new(move |apdu: &[u8]| -> Result<Vec<u8>, TransportError> {
        Ok(match apdu.get(1) {
            Some(0xA4) => vec![0x90, 0x00],
            Some(0xFE) => {
                seen.lock().unwrap().push(apdu.to_vec());
                if apdu[0] & 0x10 == 0 {
                    sw.to_vec()
                } else {
                    vec![0x90, 0x00]
                }
            }
            _ => vec![0x6D, 0x00],
        })
    });
    (t, log)
}

/// The data of the (possibly chained) command, checking headers on the way.
fn reassemble(apdus: &[Vec<u8>], p1: u8, p2: u8) -> Vec<u8> {
    let mut data = Vec::new();
    for (i, a) in apdus.iter().enumerate() {
        let last = i == apdus.len() - 1;
        assert_eq!(a[0], if last { 0x00 } else { 0x10 }, "chaining bit of APDU {i}");
        assert_eq!(&a[1..4], &[0xFE, p1, p2]);
        let lc = usize::from(a[4]);
        assert_eq!(a.len(), 5 + lc, "no Le on import");
        data.extend_from_slice(&a[5..]);
    }
    data
}

fn padded(v: &[u8], len: usize) -> Vec<u8> {
    let v = strip(v);
    let mut out = vec![0; len - v.len()];
    out.extend_from_slice(v);
    out
}

#[test]
fn rsa_2048_is_sent_as_padded_crt_parts_with_chaining() {
    let der = rsa("2048");
    let key = ImportKey::from_pkcs8(&der).unwrap();
    assert_eq!(key.algorithm(), KeyAlgorithm::Rsa2048);
    assert_eq!(format!("{key:?}"), "ImportKey { algorithm: Rsa2048, .. }");
    let (mut t, log) = card([0x90, 0x00]);
    let (mut piv, _) = Piv::select(&mut t).unwrap();
    piv.import_key(Slot::Signature, &key, PinPolicy::Default, TouchPolicy::Default).unwrap();
    let apdus = log.lock().unwrap().clone();
    assert_eq!(apdus.len(), 3, "655 bytes go in three chained APDUs");
    let data = reassemble(&apdus, 0x07, 0x9C);
    let info = PrivateKeyInfoRef::from_der(&der).unwrap();
    let k = pkcs1::RsaPrivateKey::<pkcs1::UintRef<'_>>::from_der(info.private_key.as_bytes()).unwrap();
    let items = tlv::read_all(&data).unwrap();
    let tags: Vec<u16> = items.iter().map(|i| i.tag).collect();
    assert_eq!(tags, [1, 2, 3, 4, 5]);
    for (item, part) in items.iter().zip([k.prime1, k.prime2, k.exponent1, k.exponent2, k.coefficient]) {
        assert_eq!(item.value, padded(part.as_bytes(), 128).as_slice(), "tag {}", item.tag);
    }
}

#[test]
fn ec_keys_are_sent_as_the_scalar_with_policies() {
    for (curve, alg, p1, len, slot) in [
        ("P-256", KeyAlgorithm::EccP256, 0x11, 32, Slot::Authentication),
        ("P-384", KeyAlgorithm::EccP384, 0x14, 48, Slot::Retired(20)),
    ] {
        let der = ec(curve);
        let key = ImportKey::from_pkcs8(&der).unwrap();
        assert_eq!(key.algorithm(), alg);
        let (mut t, log) = card([0x90, 0x00]);
        let (mut piv, _) = Piv::select(&mut t).unwrap();
        piv.import_key(slot, &key, PinPolicy::Once, TouchPolicy::Never).unwrap();
        let apdus = log.lock().unwrap().clone();
        assert_eq!(apdus.len(), 1);
        let data = reassemble(&apdus, p1, slot.key_ref());
        let info = PrivateKeyInfoRef::from_der(&der).unwrap();
        let k = sec1::EcPrivateKey::from_der(info.private_key.as_bytes()).unwrap();
        let mut expected = vec![0x06, u8::try_from(len).unwrap()];
        expected.extend(padded(k.private_key, len));
        expected.extend_from_slice(&[0xAA, 0x01, 0x02, 0xAB, 0x01, 0x01]);
        assert_eq!(data, expected, "{curve}");
    }
}

#[test]
fn key_types_a_piv_card_cannot_hold_are_refused_before_sending() {
    assert_eq!(ImportKey::from_pkcs8(&rsa("3072")).unwrap_err(), KeyTypeError::RsaSize { bits: 3072 });
    let ed = openssl_key(&["-algorithm", "ED25519"]);
    assert_eq!(ImportKey::from_pkcs8(&ed).unwrap_err(), KeyTypeError::Algorithm { oid: "Ed25519".into() });
    let k1 = ec("secp256k1");
    assert_eq!(
        ImportKey::from_pkcs8(&k1).unwrap_err(),
        KeyTypeError::Algorithm { oid: "1.3.132.0.10".into() }
    );
    assert_eq!(ImportKey::from_pkcs8(b"\x30\x03\x02\x01\x00").unwrap_err(), KeyTypeError::Malformed);
}

#[test]
fn a_card_without_import_gets_a_typed_error() {
    let key = ImportKey::from_pkcs8(&ec("P-256")).unwrap();
    for sw in [[0x6D, 0x00], [0x6E, 0x00], [0x6A, 0x81]] {
        let (mut t, _) = card(sw);
        let (mut piv, _) = Piv::select(&mut t).unwrap();
        let err =
            piv.import_key(Slot::Authentication, &key, PinPolicy::Default, TouchPolicy::Default).unwrap_err();
        assert!(
            matches!(err, PivError::ImportNotSupported { sw: Some(s) } if s.to_u16() == u16::from_be_bytes(sw)),
            "{err:?}"
        );
    }
    let (mut t, _) = card([0x69, 0x82]);
    let (mut piv, _) = Piv::select(&mut t).unwrap();
    let err =
        piv.import_key(Slot::Authentication, &key, PinPolicy::Default, TouchPolicy::Default).unwrap_err();
    assert!(matches!(err, PivError::NotAuthenticated { ins: 0xFE }), "{err:?}");
}

#[test]
fn rsa_refused_mid_chain_stops_the_chain() {
    let key = ImportKey::from_pkcs8(&rsa("2048")).unwrap();
    // A card that refuses the first chained part: the rest is never sent.
    let log: Log = Arc::default();
    let seen = Arc::clone(&log);
    let mut t = MemoryTransport::new(move |apdu: &[u8]| -> Result<Vec<u8>, TransportError> {
        seen.lock().unwrap().push(apdu.to_vec());
        Ok(if apdu[1] == 0xA4 { vec![0x90, 0x00] } else { vec![0x6D, 0x00] })
    });
    let (mut piv, _) = Piv::select(&mut t).unwrap();
    let err = piv.import_key(Slot::Signature, &key, PinPolicy::Default, TouchPolicy::Default).unwrap_err();
    assert!(matches!(err, PivError::ImportNotSupported { .. }), "{err:?}");
    assert_eq!(log.lock().unwrap().len(), 2, "SELECT and the first part only");
}

#[test]
fn card_pulled_at_each_apdu_is_an_error_not_a_panic() {
    let key = ImportKey::from_pkcs8(&rsa("2048")).unwrap();
    for cut in 1..=4 {
        let (t, log) = card([0x90, 0x00]);
        let mut t = CutAfter::new(t, cut);
        let (mut piv, _) = Piv::select(&mut t).unwrap();
        let result = piv.import_key(Slot::Signature, &key, PinPolicy::Default, TouchPolicy::Default);
        if cut == 4 {
            result.unwrap();
        } else {
            assert!(matches!(
                result,
                Err(PivError::Apdu(crate::apdu::ApduError::Transport(TransportError::CardRemoved)))
            ));
            // The last part (without the chaining bit) never arrived: the card wrote nothing.
            assert!(log.lock().unwrap().iter().all(|a| a[0] & 0x10 != 0));
        }
    }
}
