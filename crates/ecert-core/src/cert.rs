//! Certificates as users see them: parsed from DER (RFC 5280 §4.1) with the RustCrypto
//! `x509-cert` crate into a display model (names, validity, serial, fingerprints). Parsing
//! is the only thing done here; trust decisions live in `verify`.

#[cfg(any(test, feature = "build"))]
pub mod build;
pub mod fields;
pub mod kind;
#[cfg(test)]
mod test_cert;

use der::Decode;
use serde::Serialize;
use sha2::{Digest, Sha256};
use x509_cert::Certificate;

/// What the app and CLI show about one certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CertSummary {
    /// Subject DN in RFC 4514 form.
    pub subject: String,
    /// Subject common name, when there is one (the owner's name on an e-Cert).
    pub subject_cn: Option<String>,
    pub issuer: String,
    pub issuer_cn: Option<String>,
    /// Serial number, upper-case hex.
    pub serial: String,
    /// notBefore / notAfter as seconds since the Unix epoch (RFC 5280 §4.1.2.5).
    pub not_before: u64,
    pub not_after: u64,
    /// SHA-256 over the DER, upper-case hex with colons.
    pub sha256: String,
}

#[derive(Clone, Debug, thiserror::Error)]
pub enum CertError {
    #[error("not a valid X.509 certificate: {0}")]
    Der(#[from] der::Error),
}

impl CertSummary {
    pub fn from_der(der_bytes: &[u8]) -> Result<Self, CertError> {
        let cert = Certificate::from_der(der_bytes)?;
        let tbs = cert.tbs_certificate();
        let cn = |name: &x509_cert::name::Name| -> Option<String> {
            name.common_name().ok().flatten().map(|s| s.value().into_owned())
        };
        Ok(Self {
            subject: tbs.subject().to_string(),
            subject_cn: cn(tbs.subject()),
            issuer: tbs.issuer().to_string(),
            issuer_cn: cn(tbs.issuer()),
            serial: hex::encode_upper(tbs.serial_number().as_bytes()),
            not_before: tbs.validity().not_before.to_unix_duration().as_secs(),
            not_after: tbs.validity().not_after.to_unix_duration().as_secs(),
            sha256: fingerprint(der_bytes),
        })
    }

    /// Whole days from `now` (Unix seconds) to notAfter; negative once expired.
    pub fn days_left(&self, now: u64) -> i64 {
        let secs = i128::from(self.not_after) - i128::from(now);
        i64::try_from(secs.div_euclid(86_400)).unwrap_or(i64::MIN)
    }
}

/// The certificate's SubjectPublicKeyInfo, DER (RFC 5280 §4.1.2.7). Walks the TBS
/// structure element by element rather than decoding every field, so a certificate whose
/// validity predates 1970 (which `der`'s time types cannot hold) still yields its key.
pub fn spki_der(cert_der: &[u8]) -> Result<Vec<u8>, CertError> {
    use der::asn1::AnyRef;
    use der::{Encode, Reader, SliceReader, Tag, TagNumber, Tagged};
    let cert = AnyRef::from_der(cert_der)?;
    let mut outer = SliceReader::new(cert.value())?;
    let tbs: AnyRef<'_> = outer.decode()?;
    let mut fields = SliceReader::new(tbs.value())?;
    let mut first: AnyRef<'_> = fields.decode()?;
    if first.tag() == (Tag::ContextSpecific { constructed: true, number: TagNumber(0) }) {
        first = fields.decode()?; // serialNumber after the explicit [0] version
    }
    let _ = first;
    for _ in 0..4 {
        let _: AnyRef<'_> = fields.decode()?; // signature, issuer, validity, subject
    }
    let spki: AnyRef<'_> = fields.decode()?;
    Ok(spki.to_der()?)
}

/// SHA-256 fingerprint as `AB:CD:…`.
pub fn fingerprint(der_bytes: &[u8]) -> String {
    Sha256::digest(der_bytes).iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":")
}

#[cfg(test)]
mod tests {
    use super::*;

    const HKPOST_ROOT3: &[u8] = include_bytes!("../../../assets/anchors/Hongkong_Post_Root_CA_3.der");

    #[test]
    fn parses_hongkong_post_root_ca_3() {
        let s = CertSummary::from_der(HKPOST_ROOT3).unwrap();
        assert_eq!(s.subject_cn.as_deref(), Some("Hongkong Post Root CA 3"));
        assert_eq!(s.subject, s.issuer);
        assert!(s.sha256.starts_with("5A:2F:C0:3F"), "{}", s.sha256);
        // 2017-06-03 .. 2042-06-03
        assert!(s.not_before < s.not_after);
        assert!(s.days_left(s.not_after + 1) < 0);
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(CertSummary::from_der(&[0x30, 0x03, 0x02, 0x01]).is_err());
        assert!(CertSummary::from_der(&[]).is_err());
    }
}
