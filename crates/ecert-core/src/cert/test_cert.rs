//! Test-only certificates with chosen names and extensions (the signature is a dummy: these
//! are parsed, never verified). The key is Hongkong Post Root CA 3's (RSA-4096).

#![allow(clippy::unwrap_used)]

use der::asn1::ObjectIdentifier;
use der::Encode;
use spki::AlgorithmIdentifierRef;
use x509_cert::ext::Extension;

use super::build::{self, Unsigned};

/// An extension whose value is `value`'s DER.
pub fn ext(oid: &str, critical: bool, value: &impl Encode) -> Extension {
    build::ext(oid, critical, value).unwrap()
}

/// An extension with these exact value bytes (which need not decode).
pub fn raw_ext(oid: &str, critical: bool, value: &[u8]) -> Extension {
    build::raw_ext(oid, critical, value).unwrap()
}

/// A certificate from `issuer` to `subject` (RFC 4514 strings), 2025-01-01 .. 2028-01-01.
pub fn make(issuer: &str, subject: &str, extensions: Vec<Extension>) -> Vec<u8> {
    let root = include_bytes!("../../../../assets/anchors/Hongkong_Post_Root_CA_3.der");
    let spki = super::spki_der(root).unwrap();
    let alg = AlgorithmIdentifierRef {
        oid: ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11"),
        parameters: Some(der::asn1::AnyRef::NULL),
    };
    let tbs = Unsigned {
        serial: &[0x12, 0x34],
        algorithm: alg,
        issuer: issuer.parse().unwrap(),
        subject: subject.parse().unwrap(),
        not_before: std::time::Duration::from_secs(1_735_689_600),
        not_after: std::time::Duration::from_secs(1_830_297_600),
        spki: &spki,
        extensions,
    }
    .tbs_der()
    .unwrap();
    build::certificate_der(&tbs, alg, &[0u8; 16]).unwrap()
}
