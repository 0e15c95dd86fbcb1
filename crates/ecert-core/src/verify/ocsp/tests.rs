//! Parse-level checks on pyca's OCSP vectors (tests/data/ocsp) and the request builder.

use super::asn1::{CertStatus, OcspRequest, ResponderId, ID_SHA1};
use super::*;

fn vector(name: &str) -> Vec<u8> {
    let path = format!("{}/../../tests/data/ocsp/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn statuses(name: &str) -> Vec<CertStatus> {
    let r = parse_response(&vector(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    r.data().responses.iter().map(|s| s.cert_status.clone()).collect()
}

#[test]
fn revoked_responses() {
    for name in ["resp-revoked.der", "resp-responder-key-hash.der", "resp-revoked-no-next-update.der"] {
        let s = statuses(name);
        assert_eq!(s.len(), 1, "{name}");
        assert!(matches!(&s[0], CertStatus::Revoked(i) if i.revocation_reason.is_none()), "{name}: {s:?}");
    }
    let r = parse_response(&vector("resp-revoked.der")).unwrap();
    let CertStatus::Revoked(info) = &r.data().responses[0].cert_status else { panic!() };
    assert_eq!(info.revocation_time.to_unix_duration().as_secs(), 1_472_851_728); // 2016-09-02 21:28:48Z
    assert!(matches!(r.data().responder_id, ResponderId::ByKey(_)));
    assert_eq!(
        r.data().responses[0].next_update.map(|t| t.to_unix_duration().as_secs()),
        Some(1_536_339_859)
    );
    let r = parse_response(&vector("resp-revoked-no-next-update.der")).unwrap();
    assert_eq!(r.data().responses[0].next_update, None);
}

#[test]
fn revoked_with_reason() {
    for name in ["resp-revoked-reason.der", "resp-unknown-extension.der"] {
        let s = statuses(name);
        let CertStatus::Revoked(info) = &s[0] else { panic!("{name}: {s:?}") };
        assert_eq!(info.revocation_reason.map(|r| r.0), Some(4), "{name}: superseded");
        let r = parse_response(&vector(name)).unwrap();
        assert!(matches!(r.data().responder_id, ResponderId::ByName(_)));
        assert_eq!(r.certs.len(), 1, "{name}: delegated responder cert included");
    }
}

#[test]
fn good_and_unknown_responses() {
    for name in [
        "resp-sha256.der",
        "resp-invalid-signature-oid.der",
        "resp-sct-extension.der",
        "resp-single-extension-reason.der",
    ] {
        assert!(matches!(statuses(name).as_slice(), [CertStatus::Good(_)]), "{name}");
    }
    assert!(matches!(statuses("resp-delegate-unknown-cert.der").as_slice(), [CertStatus::Unknown(_)]));
    // A CertID hash we cannot compute still parses; it just never matches.
    assert!(matches!(statuses("resp-unknown-hash-alg.der").as_slice(), [CertStatus::Revoked(_)]));
    let army = statuses("ocsp-army.deps.mil-resp.der");
    assert_eq!(army.len(), 20);
    assert_eq!(army.iter().filter(|s| matches!(s, CertStatus::Revoked(_))).count(), 4);
    assert_eq!(army.iter().filter(|s| matches!(s, CertStatus::Good(_))).count(), 16);
}

#[test]
fn unsuccessful_statuses_are_typed_errors() {
    assert_eq!(parse_response(&vector("resp-unauthorized.der")), Err(OcspError::Unauthorized));
    assert_eq!(
        parse_response(&vector("resp-unknown-response-status.der")),
        Err(OcspError::UnknownResponseStatus { code: 7 })
    );
    assert_eq!(
        parse_response(&vector("resp-successful-no-response-bytes.der")),
        Err(OcspError::NoResponseBytes)
    );
    assert_eq!(
        parse_response(&vector("resp-response-type-unknown-oid.der")),
        Err(OcspError::UnsupportedResponseType { oid: "1.3.6.1.5.5.7.48.1.50000".into() })
    );
    for (code, want) in [
        (1u8, OcspError::MalformedRequest),
        (2, OcspError::InternalError),
        (3, OcspError::TryLater),
        (5, OcspError::SigRequired),
        (6, OcspError::Unauthorized),
        (4, OcspError::UnknownResponseStatus { code: 4 }),
    ] {
        assert_eq!(parse_response(&[0x30, 0x03, 0x0a, 0x01, code]), Err(want));
    }
}

#[test]
fn garbage_is_malformed() {
    for bad in [&b""[..], b"\x30", b"\x30\x00", b"\x04\x03abc", b"hello world", &[0xff; 64]] {
        assert!(matches!(parse_response(bad), Err(OcspError::Malformed { .. })), "{bad:?}");
    }
    let mut trailing = vector("resp-revoked.der");
    trailing.push(0);
    assert!(matches!(parse_response(&trailing), Err(OcspError::Malformed { .. })));
}

/// Every prefix and every single-byte corruption of every response: an error or a parse,
/// never a panic.
#[test]
fn no_panic_on_truncation_or_corruption() {
    for entry in std::fs::read_dir(format!("{}/../../tests/data/ocsp", env!("CARGO_MANIFEST_DIR"))).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.contains("resp") || path.extension().is_none_or(|e| e != "der") {
            continue;
        }
        let der = std::fs::read(&path).unwrap();
        for len in 0..der.len() {
            assert!(parse_response(&der[..len]).is_err(), "{name} cut at {len} parsed");
        }
        for i in 0..der.len() {
            let mut d = der.clone();
            d[i] ^= 0x55;
            let _ = parse_response(&d);
        }
    }
}

#[test]
fn request_vectors_parse() {
    for name in ["req-sha1.der", "req-ext-nonce.der", "req-multi-sha1.der", "ocsp-army.valid-req.der"] {
        let req = OcspRequest::from_der(&vector(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!req.tbs_request.request_list.is_empty(), "{name}");
        // Our types re-encode what they parse byte for byte.
        assert_eq!(req.to_der().unwrap(), vector(name), "{name}");
    }
    let req = OcspRequest::from_der(&vector("req-multi-sha1.der")).unwrap();
    assert_eq!(req.tbs_request.request_list.len(), 2);
    let req = OcspRequest::from_der(&vector("req-ext-nonce.der")).unwrap();
    let ext = req.tbs_request.request_extensions.unwrap();
    assert_eq!(ext[0].extn_id, ID_PKIX_OCSP_NONCE);
}

const ROOT3: &[u8] = include_bytes!("../../../../../assets/anchors/Hongkong_Post_Root_CA_3.der");

#[test]
fn build_request_shape() {
    let nonce = [7u8; 16];
    let (der, id) = build_request(ROOT3, ROOT3, Some(&nonce)).unwrap();
    let req = OcspRequest::from_der(&der).unwrap();
    let tbs = &req.tbs_request;
    assert_eq!(tbs.request_list.len(), 1);
    assert_eq!(tbs.request_list[0].req_cert, id);
    assert_eq!(id.hash_algorithm.oid, ID_SHA1);
    assert_eq!(id.issuer_name_hash.as_bytes().len(), 20);
    let cert = Certificate::from_der(ROOT3).unwrap();
    assert_eq!(id.issuer_key_hash.as_bytes(), responder::key_hash(&cert).as_slice());
    assert_eq!(id.serial_number.as_bytes(), cert.tbs_certificate().serial_number().as_bytes());
    let ext = tbs.request_extensions.as_ref().unwrap();
    assert_eq!(ext.len(), 1);
    assert_eq!(ext[0].extn_value.as_bytes(), [&[0x04, 16][..], &nonce].concat());
    // Version v1 is the DEFAULT and so absent in DER (X.690 §11.5).
    assert_eq!(&der[4..6], &[0x30, der[5]][..]);
    let (plain, _) = build_request(ROOT3, ROOT3, None).unwrap();
    assert!(OcspRequest::from_der(&plain).unwrap().tbs_request.request_extensions.is_none());
    assert!(matches!(
        build_request(b"junk", ROOT3, None),
        Err(OcspError::BadCertificate { which: "certificate", .. })
    ));
}

#[test]
fn check_against_vectors_fails_cleanly() {
    // These responses are for other CAs: each check ends in a typed error, not a panic.
    for name in ["resp-revoked.der", "resp-revoked-reason.der", "resp-sha256.der", "resp-unauthorized.der"] {
        let e = check_response(&vector(name), ROOT3, ROOT3, None, 1_600_000_000).unwrap_err();
        assert!(
            matches!(
                e,
                OcspError::ResponderNotFound { .. }
                    | OcspError::UnauthorizedResponder { .. }
                    | OcspError::Unauthorized
            ),
            "{name}: {e:?}"
        );
    }
}
