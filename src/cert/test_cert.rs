//! Test-only certificates with chosen names and extensions (the signature is a dummy: these
//! are parsed, never verified). The key is Hongkong Post Root CA 3's (RSA-4096).

#![allow(clippy::unwrap_used)]

use der::asn1::{AnyRef, BitStringRef, ObjectIdentifier, OctetString, UintRef, UtcTime};
use der::{Decode, Encode, Sequence};
use spki::AlgorithmIdentifierRef;
use x509_cert::ext::Extension;
use x509_cert::name::Name;

#[derive(Sequence)]
struct Validity {
    not_before: UtcTime,
    not_after: UtcTime,
}

#[derive(Sequence)]
struct Tbs<'a> {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    version: u8,
    serial: UintRef<'a>,
    signature: AlgorithmIdentifierRef<'a>,
    issuer: Name,
    validity: Validity,
    subject: Name,
    spki: AnyRef<'a>,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT")]
    extensions: Vec<Extension>,
}

#[derive(Sequence)]
struct Signed<'a> {
    tbs: AnyRef<'a>,
    algorithm: AlgorithmIdentifierRef<'a>,
    signature: BitStringRef<'a>,
}

/// An extension whose value is `value`'s DER.
pub fn ext(oid: &str, critical: bool, value: &impl Encode) -> Extension {
    raw_ext(oid, critical, &value.to_der().unwrap())
}

/// An extension with these exact value bytes (which need not decode).
pub fn raw_ext(oid: &str, critical: bool, value: &[u8]) -> Extension {
    Extension {
        extn_id: ObjectIdentifier::new(oid).unwrap(),
        critical,
        extn_value: OctetString::new(value).unwrap(),
    }
}

/// A certificate from `issuer` to `subject` (RFC 4514 strings), 2025-01-01 .. 2028-01-01.
pub fn make(issuer: &str, subject: &str, extensions: Vec<Extension>) -> Vec<u8> {
    let root = include_bytes!("../../assets/anchors/Hongkong_Post_Root_CA_3.der");
    let spki = super::spki_der(root).unwrap();
    let alg = AlgorithmIdentifierRef {
        oid: ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11"),
        parameters: Some(der::asn1::AnyRef::NULL),
    };
    let tbs = Tbs {
        version: 2,
        serial: UintRef::new(&[0x12, 0x34]).unwrap(),
        signature: alg,
        issuer: issuer.parse().unwrap(),
        validity: Validity {
            not_before: UtcTime::from_unix_duration(std::time::Duration::from_secs(1_735_689_600)).unwrap(),
            not_after: UtcTime::from_unix_duration(std::time::Duration::from_secs(1_830_297_600)).unwrap(),
        },
        subject: subject.parse().unwrap(),
        spki: AnyRef::from_der(&spki).unwrap(),
        extensions,
    }
    .to_der()
    .unwrap();
    Signed {
        tbs: AnyRef::from_der(&tbs).unwrap(),
        algorithm: alg,
        signature: BitStringRef::from_bytes(&[0u8; 16]).unwrap(),
    }
    .to_der()
    .unwrap()
}
