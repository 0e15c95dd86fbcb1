//! Putting X.509 certificates together (RFC 5280 §4.1): the to-be-signed part and the signed
//! certificate around it. Used by the demo card's sample e-Certs and by tests; whoever calls
//! it signs the TBS bytes with its own key.

use std::time::Duration;

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

/// What a v3 certificate says, before it is signed.
pub struct Unsigned<'a> {
    pub serial: &'a [u8],
    pub algorithm: AlgorithmIdentifierRef<'a>,
    pub issuer: Name,
    pub subject: Name,
    /// Unix times.
    pub not_before: Duration,
    pub not_after: Duration,
    /// SubjectPublicKeyInfo DER.
    pub spki: &'a [u8],
    pub extensions: Vec<Extension>,
}

impl Unsigned<'_> {
    /// The TBSCertificate DER, the bytes to sign.
    pub fn tbs_der(self) -> der::Result<Vec<u8>> {
        Tbs {
            version: 2,
            serial: UintRef::new(self.serial)?,
            signature: self.algorithm,
            issuer: self.issuer,
            validity: Validity {
                not_before: UtcTime::from_unix_duration(self.not_before)?,
                not_after: UtcTime::from_unix_duration(self.not_after)?,
            },
            subject: self.subject,
            spki: AnyRef::from_der(self.spki)?,
            extensions: self.extensions,
        }
        .to_der()
    }
}

/// The certificate: `tbs` (from [`Unsigned::tbs_der`]), its algorithm and signature.
pub fn certificate_der(
    tbs: &[u8],
    algorithm: AlgorithmIdentifierRef<'_>,
    signature: &[u8],
) -> der::Result<Vec<u8>> {
    Signed { tbs: AnyRef::from_der(tbs)?, algorithm, signature: BitStringRef::from_bytes(signature)? }
        .to_der()
}

/// An extension whose value is `value`'s DER.
pub fn ext(oid: &str, critical: bool, value: &impl Encode) -> der::Result<Extension> {
    raw_ext(oid, critical, &value.to_der()?)
}

/// An extension with these exact value bytes (which need not decode).
pub fn raw_ext(oid: &str, critical: bool, value: &[u8]) -> der::Result<Extension> {
    Ok(Extension {
        extn_id: ObjectIdentifier::new(oid).map_err(|_| der::Tag::ObjectIdentifier.value_error())?,
        critical,
        extn_value: OctetString::new(value)?,
    })
}
