//! A certificate prepared for path validation: the RustCrypto `x509-cert` decoding (RFC 5280
//! §4.1) plus every extension that §6.1 consults, decoded once (RFC 5280 §4.2). An extension
//! that does not decode, or appears twice (§4.2), makes the certificate unusable rather than
//! being ignored.

use der::asn1::{AnyRef, ObjectIdentifier};
use der::{Decode, Encode, Reader, SliceReader, Tag, Tagged};
use sha2::{Digest, Sha256};
use x509_cert::ext::pkix::constraints::{BasicConstraints, NameConstraints, PolicyConstraints};
use x509_cert::ext::pkix::crl::dp::DistributionPoint;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, CertificatePolicies, CrlDistributionPoints,
    ExtendedKeyUsage, InhibitAnyPolicy, KeyUsage, PolicyMappings, SubjectAltName, SubjectKeyIdentifier,
};
use x509_cert::name::Name;

use super::name::NameKey;

pub mod oid {
    pub const BASIC_CONSTRAINTS: &str = "2.5.29.19";
    pub const KEY_USAGE: &str = "2.5.29.15";
    pub const EXT_KEY_USAGE: &str = "2.5.29.37";
    pub const SUBJECT_KEY_ID: &str = "2.5.29.14";
    pub const AUTHORITY_KEY_ID: &str = "2.5.29.35";
    pub const SUBJECT_ALT_NAME: &str = "2.5.29.17";
    pub const ISSUER_ALT_NAME: &str = "2.5.29.18";
    pub const NAME_CONSTRAINTS: &str = "2.5.29.30";
    pub const CERT_POLICIES: &str = "2.5.29.32";
    pub const POLICY_MAPPINGS: &str = "2.5.29.33";
    pub const POLICY_CONSTRAINTS: &str = "2.5.29.36";
    pub const INHIBIT_ANY_POLICY: &str = "2.5.29.54";
    pub const CRL_DISTRIBUTION_POINTS: &str = "2.5.29.31";
    pub const FRESHEST_CRL: &str = "2.5.29.46";
    pub const AUTHORITY_INFO_ACCESS: &str = "1.3.6.1.5.5.7.1.1";
    pub const SUBJECT_INFO_ACCESS: &str = "1.3.6.1.5.5.7.1.11";
    pub const ANY_POLICY: &str = "2.5.29.32.0";
    pub const ANY_EKU: &str = "2.5.29.37.0";
    pub const EMAIL_ADDRESS: &str = "1.2.840.113549.1.9.1";
    pub const COMMON_NAME: &str = "2.5.4.3";
    pub const CA_ISSUERS: &str = "1.3.6.1.5.5.7.48.2";
    pub const OCSP: &str = "1.3.6.1.5.5.7.48.1";
}

/// Why a certificate could not be used at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    #[error("not a valid X.509 certificate: {0}")]
    Der(String),
    #[error("extension {oid} is malformed: {detail}")]
    BadExtension { oid: String, detail: String },
    #[error("extension {oid} appears more than once")]
    DuplicateExtension { oid: String },
}

/// The extensions path validation reads, decoded. `critical` flags kept where §6.1 or the
/// profile depends on them.
#[derive(Clone, Debug, Default)]
pub struct Exts {
    pub basic_constraints: Option<(BasicConstraints, bool)>,
    pub key_usage: Option<KeyUsage>,
    pub ext_key_usage: Option<(Vec<ObjectIdentifier>, bool)>,
    pub subject_key_id: Option<(Vec<u8>, bool)>,
    pub authority_key_id: Option<(AuthorityKeyIdentifier, bool)>,
    pub subject_alt_name: Option<(Vec<GeneralName>, bool)>,
    pub name_constraints: Option<(NameConstraints, bool)>,
    /// Policy OIDs, in order.
    pub policies: Option<Vec<ObjectIdentifier>>,
    pub policy_mappings: Option<Vec<(ObjectIdentifier, ObjectIdentifier)>>,
    pub policy_constraints: Option<PolicyConstraints>,
    pub inhibit_any_policy: Option<u32>,
    pub crl_distribution_points: Option<Vec<DistributionPoint>>,
    pub freshest_crl: Option<Vec<DistributionPoint>>,
    pub authority_info_access: Option<(AuthorityInfoAccessSyntax, bool)>,
    /// Critical extensions this implementation does not process (§4.2: reject).
    pub unknown_critical: Vec<String>,
}

/// One certificate, ready for path building and validation.
#[derive(Clone, Debug)]
pub struct Cert {
    pub der: Vec<u8>,
    /// The exact TBSCertificate bytes that were signed.
    pub tbs: Vec<u8>,
    /// version field: 0 = v1, 2 = v3.
    pub version: u8,
    /// serialNumber content octets (two's complement, as encoded).
    pub serial: Vec<u8>,
    /// AlgorithmIdentifier inside the TBS and outside it, DER.
    pub tbs_signature_alg: Vec<u8>,
    pub signature_alg: Vec<u8>,
    /// The signature value; `None` when the BIT STRING has unused bits.
    pub signature: Option<Vec<u8>>,
    pub subject_name: Name,
    pub issuer_name: Name,
    pub spki: Vec<u8>,
    pub subject: NameKey,
    pub issuer: NameKey,
    /// Unix seconds (negative before 1970).
    pub not_before: i64,
    pub not_after: i64,
    pub extensions: Vec<x509_cert::ext::Extension>,
    pub ext: Exts,
    pub sha256: [u8; 32],
}

impl Cert {
    pub fn parse(der_bytes: &[u8]) -> Result<Self, ModelError> {
        parse_cert(der_bytes).map_err(|e| match e {
            ParseError::Der(d) => ModelError::Der(d.to_string()),
            ParseError::Model(m) => m,
        })
    }

    /// Self-issued: subject and issuer are the same name (RFC 5280 §6.1, "self-issued").
    pub fn is_self_issued(&self) -> bool {
        self.subject == self.issuer
    }

    pub fn is_ca(&self) -> bool {
        self.ext.basic_constraints.as_ref().is_some_and(|(bc, _)| bc.ca)
    }

    pub fn version(&self) -> u8 {
        self.version
    }

    pub fn serial(&self) -> &[u8] {
        &self.serial
    }

    pub fn subject_display(&self) -> String {
        self.subject_name.to_string()
    }

    pub fn issuer_display(&self) -> String {
        self.issuer_name.to_string()
    }

    pub fn ski(&self) -> Option<&[u8]> {
        self.ext.subject_key_id.as_ref().map(|(k, _)| k.as_slice())
    }

    pub fn aki_key_id(&self) -> Option<&[u8]> {
        self.ext
            .authority_key_id
            .as_ref()
            .and_then(|(a, _)| a.key_identifier.as_ref())
            .map(der::asn1::OctetString::as_bytes)
    }

    /// The SAN entries, or an empty slice.
    pub fn sans(&self) -> &[GeneralName] {
        self.ext.subject_alt_name.as_ref().map_or(&[], |(s, _)| s.as_slice())
    }

    /// Whether the extension with this OID is marked critical.
    pub fn critical(&self, oid: &str) -> Option<bool> {
        self.extensions.iter().find(|x| x.extn_id.to_string() == oid).map(|x| x.critical)
    }
}

enum ParseError {
    Der(der::Error),
    Model(ModelError),
}

impl From<der::Error> for ParseError {
    fn from(e: der::Error) -> Self {
        ParseError::Der(e)
    }
}

fn ctx(n: u32) -> Tag {
    Tag::ContextSpecific { constructed: true, number: der::TagNumber(n) }
}

/// Certificate (RFC 5280 §4.1) read field by field on `der`'s zero-copy reader.
fn parse_cert(der_bytes: &[u8]) -> Result<Cert, ParseError> {
    let outer = AnyRef::from_der(der_bytes)?;
    if outer.tag() != Tag::Sequence {
        return Err(der::Error::from(der::ErrorKind::TagUnexpected {
            expected: Some(Tag::Sequence),
            actual: outer.tag(),
        })
        .into());
    }
    let mut r = SliceReader::new(outer.value())?;
    let tbs_any: AnyRef<'_> = r.decode()?;
    let outer_alg: AnyRef<'_> = r.decode()?;
    let sig: der::asn1::BitStringRef<'_> = r.decode()?;
    r.finish()?;
    let mut t = SliceReader::new(tbs_any.value())?;
    let mut item: AnyRef<'_> = t.decode()?;
    let mut version = 0u8;
    if item.tag() == ctx(0) {
        let v = der::asn1::Int::from_der(item.value())?;
        version = match v.as_bytes() {
            [0] => 0,
            [1] => 1,
            [2] => 2,
            _ => return Err(ParseError::Model(ModelError::Der("unknown certificate version".into()))),
        };
        item = t.decode()?;
    }
    if item.tag() != Tag::Integer || item.value().is_empty() {
        return Err(ParseError::Model(ModelError::Der("serialNumber is not an INTEGER".into())));
    }
    let serial = item.value().to_vec();
    let tbs_alg: AnyRef<'_> = t.decode()?;
    let issuer_name: Name = t.decode()?;
    let validity: AnyRef<'_> = t.decode()?;
    let mut v = SliceReader::new(validity.value())?;
    let bad_time = |e: super::time::TimeError| ParseError::Model(ModelError::Der(e.to_string()));
    let not_before = super::time::parse(v.decode()?).map_err(bad_time)?.1;
    let not_after = super::time::parse(v.decode()?).map_err(bad_time)?.0;
    v.finish()?;
    let subject_name: Name = t.decode()?;
    let spki_any: AnyRef<'_> = t.decode()?;
    spki::SubjectPublicKeyInfoRef::from_der(&spki_any.to_der()?)?;
    let mut extensions = Vec::new();
    while !t.is_finished() {
        let opt: AnyRef<'_> = t.decode()?;
        let tag = opt.tag();
        if matches!(tag, Tag::ContextSpecific { number, .. } if number.value() == 1 || number.value() == 2) {
            if version == 0 {
                return Err(ParseError::Model(ModelError::Der(
                    "unique identifiers in a v1 certificate".into(),
                )));
            }
        } else if tag == ctx(3) {
            if version != 2 {
                return Err(ParseError::Model(ModelError::Der(
                    "extensions in a certificate that is not v3".into(),
                )));
            }
            extensions = x509_cert::ext::Extensions::from_der(opt.value())?;
            if extensions.is_empty() {
                return Err(ParseError::Model(ModelError::Der("empty extensions".into())));
            }
        } else {
            return Err(ParseError::Model(ModelError::Der("unexpected field in TBSCertificate".into())));
        }
    }
    let ext = decode_extensions(&extensions).map_err(ParseError::Model)?;
    Ok(Cert {
        der: der_bytes.to_vec(),
        tbs: tbs_any.to_der()?,
        version,
        serial,
        tbs_signature_alg: tbs_alg.to_der()?,
        signature_alg: outer_alg.to_der()?,
        signature: sig.as_bytes().map(<[u8]>::to_vec),
        subject: NameKey::new(&subject_name),
        issuer: NameKey::new(&issuer_name),
        subject_name,
        issuer_name,
        spki: spki_any.to_der()?,
        not_before,
        not_after,
        extensions,
        ext,
        sha256: Sha256::digest(der_bytes).into(),
    })
}

fn decode_extensions(list: &[x509_cert::ext::Extension]) -> Result<Exts, ModelError> {
    let mut e = Exts::default();
    let mut seen: Vec<String> = Vec::new();
    for x in list {
        let id = x.extn_id.to_string();
        if seen.contains(&id) {
            return Err(ModelError::DuplicateExtension { oid: id });
        }
        seen.push(id.clone());
        let v = x.extn_value.as_bytes();
        let bad = |err: der::Error| ModelError::BadExtension { oid: id.clone(), detail: err.to_string() };
        let c = x.critical;
        match id.as_str() {
            oid::BASIC_CONSTRAINTS => {
                e.basic_constraints = Some((BasicConstraints::from_der(v).map_err(bad)?, c));
            }
            oid::KEY_USAGE => e.key_usage = Some(KeyUsage::from_der(v).map_err(bad)?),
            oid::EXT_KEY_USAGE => e.ext_key_usage = Some((ExtendedKeyUsage::from_der(v).map_err(bad)?.0, c)),
            oid::SUBJECT_KEY_ID => {
                e.subject_key_id =
                    Some((SubjectKeyIdentifier::from_der(v).map_err(bad)?.0.as_bytes().to_vec(), c));
            }
            oid::AUTHORITY_KEY_ID => {
                e.authority_key_id = Some((AuthorityKeyIdentifier::from_der(v).map_err(bad)?, c));
            }
            oid::SUBJECT_ALT_NAME => {
                e.subject_alt_name = Some((SubjectAltName::from_der(v).map_err(bad)?.0, c));
            }
            oid::ISSUER_ALT_NAME => {}
            oid::NAME_CONSTRAINTS => {
                e.name_constraints = Some((NameConstraints::from_der(v).map_err(bad)?, c));
            }
            oid::CERT_POLICIES => {
                let p = CertificatePolicies::from_der(v).map_err(bad)?;
                let mut ids: Vec<ObjectIdentifier> = Vec::new();
                for info in p.0 {
                    // §4.2.1.4: a policy OID MUST NOT appear more than once.
                    if ids.contains(&info.policy_identifier) {
                        return Err(ModelError::BadExtension { oid: id, detail: "repeated policy".into() });
                    }
                    ids.push(info.policy_identifier);
                }
                e.policies = Some(ids);
            }
            oid::POLICY_MAPPINGS => {
                let m = PolicyMappings::from_der(v).map_err(bad)?;
                e.policy_mappings = Some(
                    m.0.into_iter().map(|m| (m.issuer_domain_policy, m.subject_domain_policy)).collect(),
                );
            }
            oid::POLICY_CONSTRAINTS => {
                e.policy_constraints = Some(PolicyConstraints::from_der(v).map_err(bad)?);
            }
            oid::INHIBIT_ANY_POLICY => {
                e.inhibit_any_policy = Some(InhibitAnyPolicy::from_der(v).map_err(bad)?.0);
            }
            oid::CRL_DISTRIBUTION_POINTS => {
                e.crl_distribution_points = Some(CrlDistributionPoints::from_der(v).map_err(bad)?.0);
            }
            oid::FRESHEST_CRL => e.freshest_crl = Some(CrlDistributionPoints::from_der(v).map_err(bad)?.0),
            oid::AUTHORITY_INFO_ACCESS => {
                e.authority_info_access = Some((AuthorityInfoAccessSyntax::from_der(v).map_err(bad)?, c));
            }
            _ => {
                if c {
                    e.unknown_critical.push(id);
                }
            }
        }
    }
    Ok(e)
}

/// Reads a file's certificates: DER, or PEM with one or more CERTIFICATE blocks.
pub fn read_certs(bytes: &[u8]) -> Result<Vec<Vec<u8>>, ModelError> {
    if bytes.starts_with(b"-----") || bytes.windows(11).any(|w| w == b"-----BEGIN ") {
        let text = std::str::from_utf8(bytes).map_err(|e| ModelError::Der(e.to_string()))?;
        let mut out = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("-----BEGIN ") {
            let block = &rest[start..];
            let Some(end_at) = block.find("-----END ") else { break };
            let tail = &block[end_at + 9..];
            let end = end_at + 9 + tail.find("-----").map_or(tail.len(), |i| i + 5);
            let (label, der_bytes) = pem_rfc7468::decode_vec(&block.as_bytes()[..end])
                .map_err(|e| ModelError::Der(e.to_string()))?;
            if label == "CERTIFICATE" || label == "X509 CRL" || label == "TRUSTED CERTIFICATE" {
                out.push(der_bytes);
            } else if label == "PKCS7" || label == "CMS" {
                out.extend(pkcs7_objects(&der_bytes).unwrap_or_default());
            }
            rest = &block[end..];
        }
        if out.is_empty() {
            return Err(ModelError::Der("no PEM block found".into()));
        }
        Ok(out)
    } else if let Some(certs) = pkcs7_objects(bytes) {
        Ok(certs)
    } else {
        Ok(vec![bytes.to_vec()])
    }
}

/// The certificates, then the CRLs, of a PKCS#7 / CMS SignedData (RFC 5652 §5.1) — the
/// "certs-only" bundle CAs serve at caIssuers URLs (`.p7c`, RFC 5280 §4.2.2.1) and in
/// repositories — re-encoded one by one (DER in, the same DER out); `None` when `der` is not
/// a SignedData. Nothing in it is trusted for being there: each object is checked like any
/// other found one.
pub fn pkcs7_objects(der: &[u8]) -> Option<Vec<Vec<u8>>> {
    use cms::cert::CertificateChoices;
    use der::{Decode, Encode};
    const SIGNED_DATA: der::asn1::ObjectIdentifier =
        der::asn1::ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
    let info = cms::content_info::ContentInfo::from_der(der).ok()?;
    if info.content_type != SIGNED_DATA {
        return None;
    }
    let signed: cms::signed_data::SignedData = info.content.decode_as().ok()?;
    let mut out: Vec<Vec<u8>> = signed
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .filter_map(|c| match c {
            CertificateChoices::Certificate(cert) => cert.to_der().ok(),
            CertificateChoices::Other(_) => None,
        })
        .collect();
    out.extend(signed.crls.iter().flat_map(|set| set.0.iter()).filter_map(|r| match r {
        cms::revocation::RevocationInfoChoice::Crl(crl) => crl.to_der().ok(),
        cms::revocation::RevocationInfoChoice::Other(_) => None,
    }));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::{pkcs7_objects, read_certs};

    const TWO: &[u8] = include_bytes!("../../../../tests/data/pkcs7/two-certs.p7c");
    const PEM: &[u8] = include_bytes!("../../../../tests/data/pkcs7/good-ca.p7b");
    const ANCHOR: &[u8] = include_bytes!("../../../../tests/data/pkits/certs/TrustAnchorRootCertificate.crt");
    const GOOD: &[u8] = include_bytes!("../../../../tests/data/pkits/certs/GoodCACert.crt");

    #[test]
    fn certs_only_bundles_give_their_certificates_byte_for_byte() {
        let certs = read_certs(TWO).expect("a DER .p7c");
        assert_eq!(certs.len(), 2);
        assert!(certs.iter().any(|c| c == ANCHOR) && certs.iter().any(|c| c == GOOD));
        assert_eq!(read_certs(PEM).expect("a PEM .p7b"), vec![GOOD.to_vec()]);
        // A plain certificate is not a bundle and stays itself.
        assert_eq!(pkcs7_objects(GOOD), None);
        assert_eq!(read_certs(GOOD).unwrap(), vec![GOOD.to_vec()]);
    }

    #[test]
    fn a_repository_bundle_gives_certificates_then_crls_unchanged() {
        let objects = read_certs(include_bytes!("../../../../tests/data/pkcs7/repository.p7c")).unwrap();
        let crl = include_bytes!("../../../../tests/data/pkits/crls/GoodCACRL.crl");
        let ee = include_bytes!("../../../../tests/data/pkits/certs/ValidCertificatePathTest1EE.crt");
        assert_eq!(objects.len(), 3);
        assert!(objects[..2].iter().any(|c| c == GOOD) && objects[..2].iter().any(|c| c == ee));
        assert_eq!(objects[2], crl.to_vec(), "the CRL comes out byte for byte (its signature holds)");
    }

    #[test]
    fn a_damaged_bundle_is_refused_without_panicking() {
        for cut in 0..TWO.len() {
            let _ = pkcs7_objects(&TWO[..cut]);
        }
        let mut flipped = TWO.to_vec();
        for i in (0..flipped.len()).step_by(7) {
            flipped[i] ^= 0x5A;
            let found = pkcs7_objects(&flipped).unwrap_or_default();
            assert!(found.len() <= 2);
            flipped[i] ^= 0x5A;
        }
    }
}
