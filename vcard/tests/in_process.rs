//! In-process tests of the virtual PIV card through `VirtualPiv::execute` (no socket):
//! SELECT, GET DATA, VERIFY and its retry counter, persistence across "re-insertion",
//! command chaining and GET RESPONSE.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use cipher::{BlockCipherEncrypt, KeyInit};
use ecert_vcard::VirtualPiv;
use p256::ecdsa::{signature::hazmat::PrehashVerifier, Signature, VerifyingKey};

const PIV_AID: [u8; 11] = [0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00];
const MGMT_KEY: [u8; 24] = [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8];

fn sw(r: &[u8]) -> u16 {
    assert!(r.len() >= 2, "response too short: {r:02X?}");
    u16::from_be_bytes([r[r.len() - 2], r[r.len() - 1]])
}

fn data(r: &[u8]) -> &[u8] {
    &r[..r.len() - 2]
}

/// Short APDU with data and optional Le.
fn apdu(cla: u8, ins: u8, p1: u8, p2: u8, body: &[u8], le: Option<u8>) -> Vec<u8> {
    let mut v = vec![cla, ins, p1, p2];
    if !body.is_empty() {
        v.push(u8::try_from(body.len()).unwrap());
        v.extend_from_slice(body);
    }
    v.extend(le);
    v
}

/// Sends a command and collects the whole response through GET RESPONSE.
fn transmit(card: &mut VirtualPiv, command: &[u8]) -> (Vec<u8>, u16) {
    let mut r = card.execute(command);
    let mut out = Vec::new();
    loop {
        out.extend_from_slice(data(&r));
        let status = sw(&r);
        if status >> 8 != 0x61 {
            return (out, status);
        }
        r = card.execute(&[0x00, 0xC0, 0x00, 0x00, (status & 0xFF) as u8]);
    }
}

fn select(card: &mut VirtualPiv) {
    let r = card.execute(&apdu(0, 0xA4, 4, 0, &PIV_AID, Some(0)));
    assert_eq!(sw(&r), 0x9000);
}

fn pin_block(pin: &[u8]) -> Vec<u8> {
    let mut block = pin.to_vec();
    block.resize(8, 0xFF);
    block
}

fn verify(card: &mut VirtualPiv, pin: &[u8]) -> u16 {
    sw(&card.execute(&apdu(0, 0x20, 0, 0x80, &pin_block(pin), None)))
}

fn pin_status(card: &mut VirtualPiv) -> u16 {
    sw(&card.execute(&[0x00, 0x20, 0x00, 0x80]))
}

/// Management-key authentication (single authentication, 3DES, key 9B).
fn authenticate_admin(card: &mut VirtualPiv) {
    let r = card.execute(&apdu(0, 0x87, 0x03, 0x9B, &[0x7C, 0x02, 0x81, 0x00], Some(0)));
    assert_eq!(sw(&r), 0x9000, "{r:02X?}");
    let d = data(&r);
    assert_eq!(&d[..4], &[0x7C, 0x0A, 0x81, 0x08], "{d:02X?}");
    let mut block = <[u8; 8]>::try_from(&d[4..12]).unwrap().into();
    des::TdesEde3::new_from_slice(&MGMT_KEY).unwrap().encrypt_block(&mut block);
    let mut body = vec![0x7C, 0x0A, 0x82, 0x08];
    body.extend_from_slice(&block);
    let r = card.execute(&apdu(0, 0x87, 0x03, 0x9B, &body, None));
    assert_eq!(sw(&r), 0x9000);
}

/// Generates a P-256 key in slot 9A and returns its public point (SEC1, uncompressed).
fn generate_p256(card: &mut VirtualPiv) -> Vec<u8> {
    let (d, status) = transmit(card, &apdu(0, 0x47, 0x00, 0x9A, &[0xAC, 0x03, 0x80, 0x01, 0x11], Some(0)));
    assert_eq!(status, 0x9000);
    // 7F49 LL 86 41 04..
    assert_eq!(&d[..2], &[0x7F, 0x49], "{d:02X?}");
    let pos = d.windows(2).position(|w| w == [0x86, 0x41]).expect("no 86 tag");
    d[pos + 2..pos + 2 + 65].to_vec()
}

/// Signs a SHA-256-sized digest with slot 9A (PIN must be verified) and returns the DER signature.
fn sign_9a(card: &mut VirtualPiv, digest: &[u8; 32]) -> Result<Vec<u8>, u16> {
    let mut body = vec![0x7C, 0x24, 0x82, 0x00, 0x81, 0x20];
    body.extend_from_slice(digest);
    let (d, status) = transmit(card, &apdu(0, 0x87, 0x11, 0x9A, &body, Some(0)));
    if status != 0x9000 {
        return Err(status);
    }
    assert_eq!(&d[..1], &[0x7C]);
    let pos = d.iter().position(|&b| b == 0x82).unwrap();
    let len = usize::from(d[pos + 1]);
    Ok(d[pos + 2..pos + 2 + len].to_vec())
}

#[test]
fn select_full_aid_and_prefixes() {
    let mut card = VirtualPiv::in_memory().unwrap();
    let r = card.execute(&apdu(0, 0xA4, 4, 0, &PIV_AID, Some(0)));
    assert_eq!(sw(&r), 0x9000);
    // Application property template (SP 800-73-4 Part 2 §3.1.1), with the PIX of the AID.
    assert_eq!(r[0], 0x61);
    assert_eq!(&r[2..10], &[0x4F, 0x06, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00]);
    for len in [5, 9] {
        let r = card.execute(&apdu(0, 0xA4, 4, 0, &PIV_AID[..len], None));
        assert_eq!(sw(&r), 0x9000, "AID prefix of {len} bytes");
        assert_eq!(r[0], 0x61);
    }
    // Other applications are not there.
    let r = card.execute(&apdu(0, 0xA4, 4, 0, &[0xD2, 0x76, 0x00, 0x01, 0x24, 0x01], Some(0)));
    assert_eq!(sw(&r), 0x6A82);
    let r = card.execute(&apdu(0, 0xA4, 4, 0, &PIV_AID[..4], None));
    assert_eq!(sw(&r), 0x6A82);
}

#[test]
fn get_data_discovery_and_chuid() {
    let mut card = VirtualPiv::in_memory().unwrap();
    select(&mut card);
    let (d, status) = transmit(&mut card, &apdu(0, 0xCB, 0x3F, 0xFF, &[0x5C, 0x01, 0x7E], Some(0)));
    assert_eq!(status, 0x9000);
    assert_eq!(d[0], 0x7E, "{d:02X?}");
    assert!(d.windows(PIV_AID.len()).any(|w| w == PIV_AID));

    let (d, status) =
        transmit(&mut card, &apdu(0, 0xCB, 0x3F, 0xFF, &[0x5C, 0x03, 0x5F, 0xC1, 0x02], Some(0)));
    assert_eq!(status, 0x9000);
    assert_eq!(d[0], 0x53, "{d:02X?}");
    // The CHUID carries a 16-byte GUID (tag 34), random per card.
    let guid_at = d.windows(2).position(|w| w == [0x34, 0x10]).expect("no GUID");
    let guid = d[guid_at + 2..guid_at + 18].to_vec();
    assert_ne!(guid, [0u8; 16]);

    let mut other = VirtualPiv::in_memory().unwrap();
    let (d2, _) = transmit(&mut other, &apdu(0, 0xCB, 0x3F, 0xFF, &[0x5C, 0x03, 0x5F, 0xC1, 0x02], Some(0)));
    let at = d2.windows(2).position(|w| w == [0x34, 0x10]).unwrap();
    assert_ne!(d2[at + 2..at + 18], guid[..], "two cards share a GUID");

    // An empty certificate slot is not found.
    let r = card.execute(&apdu(0, 0xCB, 0x3F, 0xFF, &[0x5C, 0x03, 0x5F, 0xC1, 0x05], Some(0)));
    assert_eq!(sw(&r), 0x6A82);
}

#[test]
fn verify_status_and_retry_counter() {
    let mut card = VirtualPiv::in_memory().unwrap();
    select(&mut card);
    // Empty VERIFY reports the tries left and spends none.
    assert_eq!(pin_status(&mut card), 0x63C3);
    assert_eq!(pin_status(&mut card), 0x63C3);
    assert_eq!(verify(&mut card, b"654321"), 0x63C2);
    assert_eq!(pin_status(&mut card), 0x63C2);
    assert_eq!(verify(&mut card, b"123456"), 0x9000);
    // Verified now; a correct PIN restores the counter.
    assert_eq!(pin_status(&mut card), 0x9000);
    // A reset ends the PIN session.
    card.reset();
    select(&mut card);
    assert_eq!(pin_status(&mut card), 0x63C3);
    // Three wrong PINs block it; the PUK unblocks it.
    assert_eq!(verify(&mut card, b"000000"), 0x63C2);
    assert_eq!(verify(&mut card, b"000000"), 0x63C1);
    // piv-authenticator answers the blocking try with 6983 (a YubiKey says 63C0).
    assert_eq!(verify(&mut card, b"000000"), 0x6983);
    assert_eq!(pin_status(&mut card), 0x63C0);
    assert_eq!(verify(&mut card, b"123456"), 0x6983);
    let mut body = b"12345678".to_vec();
    body.extend_from_slice(&pin_block(b"111111"));
    assert_eq!(sw(&card.execute(&apdu(0, 0x2C, 0x00, 0x80, &body, None))), 0x9000);
    assert_eq!(verify(&mut card, b"111111"), 0x9000);
}

#[test]
fn malformed_apdus_get_error_status() {
    let mut card = VirtualPiv::in_memory().unwrap();
    for raw in [
        &[][..],
        &[0x00],
        &[0x00, 0xA4, 0x04],
        &[0x00, 0xA4, 0x04, 0x00, 0x05, 0xA0],
        &[0x00, 0xCB, 0x3F, 0xFF, 0x00, 0x00],
        &[0xFF, 0xCA, 0x00, 0x00, 0x00],
    ] {
        let r = card.execute(raw);
        assert_eq!(r.len(), 2, "{raw:02X?} -> {r:02X?}");
        assert!(matches!(r[0], 0x67 | 0x6D | 0x6E | 0x6A | 0x6B), "{raw:02X?} -> {r:02X?}");
    }
    // Unknown instruction, wrong class bits, secure messaging.
    for raw in [&[0x00, 0x99, 0x00, 0x00][..], &[0x0C, 0xCB, 0x3F, 0xFF], &[0x80, 0x50, 0x00, 0x00, 0x00]] {
        let r = card.execute(raw);
        assert_eq!(r.len(), 2, "{raw:02X?} -> {r:02X?}");
        assert_ne!(sw(&r), 0x9000);
    }
    // Still alive.
    select(&mut card);
}

#[test]
fn state_persists_across_reinsertion() {
    let dir = tempfile::tempdir().unwrap();
    let digest = [0x5Au8; 32];
    let public = {
        let mut card = VirtualPiv::open(dir.path()).unwrap();
        select(&mut card);
        assert_eq!(pin_status(&mut card), 0x63C3);
        assert_eq!(verify(&mut card, b"999999"), 0x63C2);
        authenticate_admin(&mut card);
        generate_p256(&mut card)
    };
    // Only one card may use a state directory at a time.
    {
        let _card = VirtualPiv::open(dir.path()).unwrap();
        assert!(VirtualPiv::open(dir.path()).is_err());
    }
    let mut card = VirtualPiv::open(dir.path()).unwrap();
    select(&mut card);
    // The wrong try is still counted.
    assert_eq!(pin_status(&mut card), 0x63C2);
    // The key generated before is still in 9A.
    assert_eq!(verify(&mut card, b"123456"), 0x9000);
    let der = sign_9a(&mut card, &digest).unwrap();
    let key = VerifyingKey::from_sec1_bytes(&public).unwrap();
    key.verify_prehash(&digest, &Signature::from_der(&der).unwrap()).unwrap();

    // A fresh card has no key in 9A.
    let mut fresh = VirtualPiv::in_memory().unwrap();
    select(&mut fresh);
    assert_eq!(verify(&mut fresh, b"123456"), 0x9000);
    assert!(sign_9a(&mut fresh, &digest).is_err());
}

fn certificate_object(len: usize) -> Vec<u8> {
    // 53 82 LLLL { 70 82 LLLL cert, 71 01 00, FE 00 }
    let cert: Vec<u8> = (0..len).map(|i| (i * 7 % 256) as u8).collect();
    let mut inner = vec![0x70, 0x82];
    inner.extend_from_slice(&u16::try_from(len).unwrap().to_be_bytes());
    inner.extend_from_slice(&cert);
    inner.extend_from_slice(&[0x71, 0x01, 0x00, 0xFE, 0x00]);
    let mut object = vec![0x53, 0x82];
    object.extend_from_slice(&u16::try_from(inner.len()).unwrap().to_be_bytes());
    object.extend_from_slice(&inner);
    object
}

#[test]
fn chained_put_data_and_get_response() {
    let dir = tempfile::tempdir().unwrap();
    let object = certificate_object(3000);
    {
        let mut card = VirtualPiv::open(dir.path()).unwrap();
        select(&mut card);
        // PUT DATA needs the management key.
        let mut body = vec![0x5C, 0x03, 0x5F, 0xC1, 0x05];
        body.extend_from_slice(&object);
        let denied = card.execute(
            &[&[0x00, 0xDB, 0x3F, 0xFF, 0x00], &u16::try_from(body.len()).unwrap().to_be_bytes()[..], &body]
                .concat(),
        );
        assert_eq!(sw(&denied), 0x6982);

        authenticate_admin(&mut card);
        let chunks: Vec<&[u8]> = body.chunks(255).collect();
        assert!(chunks.len() > 10);
        for (i, chunk) in chunks.iter().enumerate() {
            let cla = if i + 1 < chunks.len() { 0x10 } else { 0x00 };
            let r = card.execute(&apdu(cla, 0xDB, 0x3F, 0xFF, chunk, None));
            assert_eq!(sw(&r), 0x9000, "chunk {i}");
            assert_eq!(r.len(), 2);
        }
    }

    // Re-inserted: the certificate is there. GET DATA with Le=00 answers 256 bytes and 61XX.
    let mut card = VirtualPiv::open(dir.path()).unwrap();
    select(&mut card);
    let get = apdu(0, 0xCB, 0x3F, 0xFF, &[0x5C, 0x03, 0x5F, 0xC1, 0x05], Some(0));
    let first = card.execute(&get);
    assert_eq!(first.len(), 258);
    assert_eq!(first[256], 0x61);
    let (whole, status) = transmit(&mut card, &get);
    assert_eq!(status, 0x9000);
    assert_eq!(whole, object);

    // Without Le: also 256 bytes inline, then 61XX.
    let r = card.execute(&apdu(0, 0xCB, 0x3F, 0xFF, &[0x5C, 0x03, 0x5F, 0xC1, 0x05], None));
    assert_eq!(r.len(), 258);
    assert_eq!(&r[..256], &object[..256]);
    assert_eq!(r[256], 0x61);
    // GET RESPONSE with a short Le takes just that much.
    let r = card.execute(&[0x00, 0xC0, 0x00, 0x00, 0x10]);
    assert_eq!(&r[..16], &object[256..272]);
    assert_eq!(r[16], 0x61);
    // Another command abandons the rest.
    select(&mut card);
    assert_eq!(sw(&card.execute(&[0x00, 0xC0, 0x00, 0x00, 0x00])), 0x6985);

    // Extended Le: everything at once.
    let mut ext = vec![0x00, 0xCB, 0x3F, 0xFF, 0x00, 0x00, 0x05, 0x5C, 0x03, 0x5F, 0xC1, 0x05, 0x00, 0x00];
    let r = card.execute(&ext);
    assert_eq!(sw(&r), 0x9000);
    assert_eq!(data(&r), &object[..]);
    // Extended Le smaller than the object: Ne bytes, then 61XX.
    let n = ext.len();
    ext[n - 2..].copy_from_slice(&1000u16.to_be_bytes());
    let r = card.execute(&ext);
    assert_eq!(r.len(), 1002);
    assert_eq!(r[1000], 0x61);
}

#[test]
fn foreign_state_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("internal.bin"), b"not a card").unwrap();
    let err = VirtualPiv::open(dir.path()).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
}
