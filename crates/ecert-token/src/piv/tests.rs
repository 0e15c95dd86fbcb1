use super::*;
use crate::transport::memory::MemoryTransport;
use crate::transport::TransportError;

/// A tiny PIV-like card: answers SELECT, VERIFY-status and GET DATA for 9A.
fn card(tries: u8, cert: Option<Vec<u8>>) -> MemoryTransport {
    MemoryTransport::new(move |apdu: &[u8]| -> Result<Vec<u8>, TransportError> {
        Ok(match apdu.get(1) {
            Some(0xA4) => {
                let mut r = vec![0x61, 0x0A, 0x4F, 0x02, 0x00, 0x10, 0x50, 0x04];
                r.extend_from_slice(b"Test");
                r.extend_from_slice(&[0x90, 0x00]);
                r
            }
            Some(0x20) => vec![0x63, 0xC0 | tries],
            Some(0xCB) if apdu.ends_with(&[0x5F, 0xC1, 0x05, 0x00]) => match &cert {
                Some(c) => {
                    let mut inner = vec![0x70];
                    tlv::encode_len(c.len(), &mut inner).unwrap();
                    inner.extend_from_slice(c);
                    inner.extend_from_slice(&[0x71, 0x01, 0x00]);
                    let mut r = vec![0x53];
                    tlv::encode_len(inner.len(), &mut r).unwrap();
                    r.extend(inner);
                    r.extend_from_slice(&[0x90, 0x00]);
                    r
                }
                None => vec![0x6A, 0x82],
            },
            _ => vec![0x6A, 0x82],
        })
    })
}

#[test]
fn select_reads_label() {
    let mut t = card(3, None);
    let (_, info) = Piv::select(&mut t).unwrap();
    assert_eq!(info.label.as_deref(), Some("Test"));
}

#[test]
fn pin_state_from_63cx() {
    let mut t = card(2, None);
    let (mut piv, _) = Piv::select(&mut t).unwrap();
    assert_eq!(piv.pin_state().unwrap(), PinState::TriesLeft { tries: 2 });
    let mut t = card(0, None);
    let (mut piv, _) = Piv::select(&mut t).unwrap();
    assert_eq!(piv.pin_state().unwrap(), PinState::Blocked);
}

#[test]
fn reads_certificate_and_absent_slot() {
    let der = vec![0x30, 0x82, 0x01, 0x00, 1, 2, 3];
    let mut t = card(3, Some(der.clone()));
    let (mut piv, _) = Piv::select(&mut t).unwrap();
    assert_eq!(piv.read_certificate(Slot::Authentication).unwrap(), Some(der));
    assert_eq!(piv.read_certificate(Slot::Signature).unwrap(), None);
}

#[test]
fn non_piv_card_is_named() {
    let mut t = MemoryTransport::new(|_| Ok(vec![0x6A, 0x82]));
    assert!(matches!(Piv::select(&mut t), Err(PivError::NotPiv { sw: StatusWord::NotFound })));
}

#[test]
fn garbage_select_answer_is_malformed_not_panic() {
    let mut t = MemoryTransport::new(|_| Ok(vec![0x61, 0x7F, 0x01, 0x90, 0x00]));
    assert!(matches!(Piv::select(&mut t), Err(PivError::Malformed(_))));
}

#[test]
fn slots_map_to_spec_tags() {
    assert_eq!(Slot::Authentication.object_tag(), [0x5F, 0xC1, 0x05]);
    assert_eq!(Slot::Retired(1).key_ref(), 0x82);
    assert_eq!(Slot::Retired(20).key_ref(), 0x95);
    assert_eq!(Slot::Retired(20).object_tag(), [0x5F, 0xC1, 0x20]);
    assert_eq!(Slot::all().len(), 24);
    for s in Slot::all() {
        assert_eq!(Slot::from_id(&s.id()), Some(s));
    }
    assert_eq!(Slot::from_id("9b"), None);
    assert_eq!(Slot::from_id("zz"), None);
}

#[test]
fn compressed_certificate_is_inflated() {
    use std::io::Write;
    let der = vec![0x30, 0x03, 0x02, 0x01, 0x05];
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&der).unwrap();
    let packed = gz.finish().unwrap();
    let mut t = MemoryTransport::new(move |apdu: &[u8]| -> Result<Vec<u8>, TransportError> {
        if apdu.get(1) == Some(&0xA4) {
            return Ok(vec![0x90, 0x00]);
        }
        let mut inner = vec![0x70];
        tlv::encode_len(packed.len(), &mut inner).unwrap();
        inner.extend_from_slice(&packed);
        inner.extend_from_slice(&[0x71, 0x01, 0x01]);
        let mut r = vec![0x53];
        tlv::encode_len(inner.len(), &mut r).unwrap();
        r.extend(inner);
        r.extend_from_slice(&[0x90, 0x00]);
        Ok(r)
    });
    let (mut piv, _) = Piv::select(&mut t).unwrap();
    assert_eq!(piv.read_certificate(Slot::Signature).unwrap(), Some(der));
}

#[test]
fn decompression_bomb_is_refused() {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&vec![0u8; 1 << 20]).unwrap();
    let packed = gz.finish().unwrap();
    assert!(packed.len() < 4000);
    assert!(matches!(inflate(&packed), Err(PivError::Malformed(_))));
    assert!(matches!(inflate(b"not gzip"), Err(PivError::Malformed(_))));
}

#[test]
fn management_key_ciphers_match_published_vectors() {
    use super::admin::MgmtAlgorithm;
    // FIPS 197 Appendix C.1 (AES-128).
    let key = hex::decode("000102030405060708090a0b0c0d0e0f").unwrap();
    let mut block = hex::decode("00112233445566778899aabbccddeeff").unwrap();
    MgmtAlgorithm::Aes128.crypt_for_test(&key, &mut block, true).unwrap();
    assert_eq!(hex::encode(&block), "69c4e0d86a7b0430d8cdb78070b4c55a");
    MgmtAlgorithm::Aes128.crypt_for_test(&key, &mut block, false).unwrap();
    assert_eq!(hex::encode(&block), "00112233445566778899aabbccddeeff");
    // FIPS 197 C.3 (AES-256).
    let key = hex::decode("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f").unwrap();
    let mut block = hex::decode("00112233445566778899aabbccddeeff").unwrap();
    MgmtAlgorithm::Aes256.crypt_for_test(&key, &mut block, true).unwrap();
    assert_eq!(hex::encode(&block), "8ea2b7ca516745bfeafc49904b496089");
    // 3DES with three equal keys degenerates to single DES: FIPS 81 / classic vector
    // K=133457799BBCDFF1, P=0123456789ABCDEF -> 85E813540F0AB405.
    let k = hex::decode("133457799BBCDFF1133457799BBCDFF1133457799BBCDFF1").unwrap();
    let mut block = hex::decode("0123456789ABCDEF").unwrap();
    MgmtAlgorithm::TripleDes.crypt_for_test(&k, &mut block, true).unwrap();
    assert_eq!(hex::encode_upper(&block), "85E813540F0AB405");
    // A wrong-size block is an error, not a panic.
    assert!(MgmtAlgorithm::Aes128.crypt_for_test(&key[..16], &mut [0u8; 8], true).is_err());
}

/// SET MANAGEMENT KEY on the virtual PIV card (piv-authenticator): refused before the
/// management key is proven, then the new AES-256 key is the only one the card accepts
/// (piv-authenticator keeps 3DES and AES-256 management keys).
#[test]
fn management_key_is_changed_only_after_authentication() {
    use super::admin::MgmtAlgorithm;
    use crate::secret::ManagementKey;
    let card = std::sync::Arc::new(std::sync::Mutex::new(ecert_vcard::VirtualPiv::in_memory().unwrap()));
    let connect = || {
        let card = std::sync::Arc::clone(&card);
        card.lock().unwrap().reset();
        MemoryTransport::new(move |apdu| Ok(card.lock().unwrap().execute(apdu)))
    };
    let aes = || ManagementKey::from_hex(&"00112233445566778899aabbccddeeff".repeat(2)).unwrap();
    let factory = ManagementKey::factory_default;
    let mut t = connect();
    let (mut piv, _) = Piv::select(&mut t).unwrap();
    assert!(matches!(
        piv.set_management_key(MgmtAlgorithm::Aes256, &aes()),
        Err(PivError::NotAuthenticated { ins: 0xFF })
    ));
    assert!(matches!(
        piv.set_management_key(MgmtAlgorithm::Aes128, &aes()),
        Err(PivError::ManagementKeyRejected)
    ));
    piv.authenticate_management(MgmtAlgorithm::TripleDes, &factory()).unwrap();
    piv.set_management_key(MgmtAlgorithm::Aes256, &aes()).unwrap();
    let mut t = connect();
    let (mut piv, _) = Piv::select(&mut t).unwrap();
    assert!(matches!(
        piv.authenticate_management(MgmtAlgorithm::TripleDes, &factory()),
        Err(PivError::ManagementKeyRejected)
    ));
    piv.authenticate_management(MgmtAlgorithm::Aes256, &aes()).unwrap();
    piv.set_management_key(MgmtAlgorithm::TripleDes, &factory()).unwrap();
    let mut t = connect();
    let (mut piv, _) = Piv::select(&mut t).unwrap();
    piv.authenticate_management(MgmtAlgorithm::TripleDes, &factory()).unwrap();
}
