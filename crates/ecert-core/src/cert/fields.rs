//! Every field and extension of a certificate as readable lines, for the "Details" view:
//! RFC 5280 §4.1 fields (version, serial, algorithms by name, names one RDN a line, validity,
//! key type and size, fingerprints) and §4.2 extensions, each decoded on its own. Labels are
//! Fluent message ids (or the OID of an extension we do not know); values are data. An
//! extension that does not decode shows as [`Value::Unreadable`], never as an error for the
//! whole certificate and never as a panic.

use der::asn1::{Any, ObjectIdentifier, UintRef};
use der::{Decode, Sequence, Tag, Tagged};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use x509_cert::ext::pkix::crl::dp::DistributionPoint;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{
    AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints, CertificatePolicies,
    CrlDistributionPoints, ExtendedKeyUsage, IssuerAltName, KeyUsage, KeyUsages, SubjectAltName,
    SubjectKeyIdentifier,
};
use x509_cert::ext::Extension;
use x509_cert::name::Name;
use x509_cert::Certificate;

use super::CertError;

mod names;

use names::{algorithm_name, attribute_name, eku_name};

/// What a line is called: a message id, or (unknown extension) its OID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Label {
    Id(&'static str),
    Oid(String),
}

/// A field's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Lines(Vec<String>),
    /// The extension is there but does not decode as its type says.
    Unreadable,
}

/// One field or extension.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub label: Label,
    /// For extensions: the critical flag (RFC 5280 §4.2); `None` for the basic fields.
    pub critical: Option<bool>,
    pub value: Value,
}

impl Field {
    fn basic(id: &'static str, lines: Vec<String>) -> Self {
        Field { label: Label::Id(id), critical: None, value: Value::Lines(lines) }
    }
}

/// Every field, then every extension in certificate order.
pub fn fields(der_bytes: &[u8]) -> Result<Vec<Field>, CertError> {
    let cert = Certificate::from_der(der_bytes)?;
    let tbs = cert.tbs_certificate();
    let spki = tbs.subject_public_key_info();
    let mut out = vec![
        Field::basic("field-version", vec![version(tbs.version())]),
        Field::basic("field-serial", vec![hex_colons(tbs.serial_number().as_bytes(), usize::MAX)]),
        Field::basic("field-signature-algorithm", vec![algorithm_name(&cert.signature_algorithm().oid)]),
        Field::basic("field-issuer", name_lines(tbs.issuer())),
        Field::basic("field-not-before", vec![time(tbs.validity().not_before.to_unix_duration().as_secs())]),
        Field::basic("field-not-after", vec![time(tbs.validity().not_after.to_unix_duration().as_secs())]),
        Field::basic("field-subject", name_lines(tbs.subject())),
        Field::basic(
            "field-public-key",
            vec![key_text(
                &spki.algorithm.oid,
                spki.algorithm.parameters.as_ref(),
                spki.subject_public_key.as_bytes(),
            )],
        ),
        Field::basic("field-sha1", vec![hex_colons(&Sha1::digest(der_bytes), usize::MAX)]),
        Field::basic("field-sha256", vec![hex_colons(&Sha256::digest(der_bytes), usize::MAX)]),
    ];
    for ext in tbs.extensions().map(Vec::as_slice).unwrap_or_default() {
        out.push(extension(ext));
    }
    Ok(out)
}

/// Where this certificate's revocation status can be asked (RFC 5280 §4.2.1.13 CRL
/// distribution points, RFC 5280 §4.2.2.1 OCSP responders): `OCSP …` and `CRL …` lines.
pub fn revocation_sources(der_bytes: &[u8]) -> Vec<String> {
    let Ok(cert) = Certificate::from_der(der_bytes) else { return Vec::new() };
    let mut out = Vec::new();
    for ext in cert.tbs_certificate().extensions().map(Vec::as_slice).unwrap_or_default() {
        let bytes = ext.extn_value.as_bytes();
        match ext.extn_id.to_string().as_str() {
            "1.3.6.1.5.5.7.1.1" => {
                if let Ok(aia) = AuthorityInfoAccessSyntax::from_der(bytes) {
                    for ad in aia.0.iter().filter(|a| a.access_method.to_string() == OCSP) {
                        out.push(format!("OCSP {}", general_name(&ad.access_location)));
                    }
                }
            }
            "2.5.29.31" => {
                if let Ok(dps) = CrlDistributionPoints::from_der(bytes) {
                    out.extend(dps.0.iter().flat_map(dp_lines).map(|l| format!("CRL {l}")));
                }
            }
            _ => {}
        }
    }
    out
}

const OCSP: &str = "1.3.6.1.5.5.7.48.1";

fn extension(ext: &Extension) -> Field {
    let oid = ext.extn_id.to_string();
    let bytes = ext.extn_value.as_bytes();
    let known: Option<(&'static str, der::Result<Vec<String>>)> = match oid.as_str() {
        "2.5.29.19" => Some(("ext-basic-constraints", basic_constraints(bytes))),
        "2.5.29.15" => Some(("ext-key-usage", KeyUsage::from_der(bytes).map(|k| vec![key_usage(k)]))),
        "2.5.29.37" => Some((
            "ext-ext-key-usage",
            ExtendedKeyUsage::from_der(bytes).map(|e| e.0.iter().map(eku_name).collect()),
        )),
        "2.5.29.17" => Some((
            "ext-subject-alt-name",
            SubjectAltName::from_der(bytes).map(|n| n.0.iter().map(general_name).collect()),
        )),
        "2.5.29.18" => Some((
            "ext-issuer-alt-name",
            IssuerAltName::from_der(bytes).map(|n| n.0.iter().map(general_name).collect()),
        )),
        "2.5.29.35" => Some(("ext-authority-key-id", authority_key_id(bytes))),
        "2.5.29.14" => Some((
            "ext-subject-key-id",
            SubjectKeyIdentifier::from_der(bytes).map(|k| vec![hex_colons(k.0.as_bytes(), usize::MAX)]),
        )),
        "2.5.29.31" => Some((
            "ext-crl-distribution-points",
            CrlDistributionPoints::from_der(bytes).map(|d| d.0.iter().flat_map(dp_lines).collect()),
        )),
        "1.3.6.1.5.5.7.1.1" => Some(("ext-authority-info-access", authority_info_access(bytes))),
        "2.5.29.32" => Some(("ext-certificate-policies", policies(bytes))),
        _ => None,
    };
    match known {
        Some((id, Ok(lines))) => {
            Field { label: Label::Id(id), critical: Some(ext.critical), value: Value::Lines(lines) }
        }
        Some((id, Err(_))) => {
            Field { label: Label::Id(id), critical: Some(ext.critical), value: Value::Unreadable }
        }
        None => Field {
            label: Label::Oid(oid),
            critical: Some(ext.critical),
            value: Value::Lines(vec![hex_colons(bytes, 128)]),
        },
    }
}

fn basic_constraints(bytes: &[u8]) -> der::Result<Vec<String>> {
    let b = BasicConstraints::from_der(bytes)?;
    let ca = format!("cA = {}", if b.ca { "TRUE" } else { "FALSE" });
    Ok(vec![match b.path_len_constraint {
        Some(n) => format!("{ca}, pathLenConstraint = {n}"),
        None => ca,
    }])
}

/// The key usage bits by their RFC 5280 §4.2.1.3 names.
fn key_usage(k: KeyUsage) -> String {
    let names = [
        (KeyUsages::DigitalSignature, "digitalSignature"),
        (KeyUsages::NonRepudiation, "nonRepudiation"),
        (KeyUsages::KeyEncipherment, "keyEncipherment"),
        (KeyUsages::DataEncipherment, "dataEncipherment"),
        (KeyUsages::KeyAgreement, "keyAgreement"),
        (KeyUsages::KeyCertSign, "keyCertSign"),
        (KeyUsages::CRLSign, "cRLSign"),
        (KeyUsages::EncipherOnly, "encipherOnly"),
        (KeyUsages::DecipherOnly, "decipherOnly"),
    ];
    names.iter().filter(|(bit, _)| k.0.contains(*bit)).map(|(_, n)| *n).collect::<Vec<_>>().join(", ")
}

fn authority_key_id(bytes: &[u8]) -> der::Result<Vec<String>> {
    let aki = AuthorityKeyIdentifier::from_der(bytes)?;
    let mut lines = Vec::new();
    if let Some(id) = &aki.key_identifier {
        lines.push(format!("keyid {}", hex_colons(id.as_bytes(), usize::MAX)));
    }
    for n in aki.authority_cert_issuer.iter().flatten() {
        lines.push(general_name(n));
    }
    if let Some(serial) = &aki.authority_cert_serial_number {
        lines.push(format!("serial {}", hex_colons(serial.as_bytes(), usize::MAX)));
    }
    Ok(lines)
}

fn dp_lines(dp: &DistributionPoint) -> Vec<String> {
    let mut lines: Vec<String> = match &dp.distribution_point {
        Some(DistributionPointName::FullName(names)) => names.iter().map(general_name).collect(),
        Some(DistributionPointName::NameRelativeToCRLIssuer(rdn)) => vec![rdn.to_string()],
        None => Vec::new(),
    };
    for n in dp.crl_issuer.iter().flatten() {
        lines.push(format!("cRLIssuer {}", general_name(n)));
    }
    lines
}

fn authority_info_access(bytes: &[u8]) -> der::Result<Vec<String>> {
    let aia = AuthorityInfoAccessSyntax::from_der(bytes)?;
    Ok(aia
        .0
        .iter()
        .map(|ad| {
            let method = ad.access_method.to_string();
            let what = match method.as_str() {
                OCSP => "OCSP".to_owned(),
                "1.3.6.1.5.5.7.48.2" => "CA issuers".to_owned(),
                _ => method,
            };
            format!("{what}: {}", general_name(&ad.access_location))
        })
        .collect())
}

fn policies(bytes: &[u8]) -> der::Result<Vec<String>> {
    let p = CertificatePolicies::from_der(bytes)?;
    let mut lines = Vec::new();
    for info in &p.0 {
        let oid = info.policy_identifier.to_string();
        lines.push(match oid.as_str() {
            "2.5.29.32.0" => format!("{oid} (anyPolicy)"),
            o if o.starts_with(super::kind::HONGKONG_POST_ARC) => format!("{oid} (Hongkong Post)"),
            o if o.starts_with(super::kind::MUTUAL_RECOGNITION_ARC) => {
                format!("{oid} (Hong Kong–Guangdong mutual recognition)")
            }
            _ => oid,
        });
        for q in info.policy_qualifiers.iter().flatten() {
            let text = q.qualifier.as_ref().and_then(qualifier_text).unwrap_or_default();
            lines.push(match q.policy_qualifier_id.to_string().as_str() {
                "1.3.6.1.5.5.7.2.1" => format!("  CPS: {text}"),
                "1.3.6.1.5.5.7.2.2" => format!("  User notice: {text}"),
                other => format!("  {other}: {text}"),
            });
        }
    }
    Ok(lines)
}

/// A CPS URI, or the explicit text of a user notice (RFC 5280 §4.2.1.4), decoded loosely.
fn qualifier_text(q: &Any) -> Option<String> {
    if let Some(s) = attribute_text(q) {
        return Some(s);
    }
    if q.tag() != Tag::Sequence {
        return None;
    }
    // UserNotice ::= SEQUENCE { noticeRef NoticeReference OPTIONAL, explicitText DisplayText OPTIONAL }
    let mut rest = q.value();
    while !rest.is_empty() {
        let (item, tail) = Any::from_der_partial(rest).ok()?;
        if let Some(s) = attribute_text(&item) {
            return Some(s);
        }
        rest = tail;
    }
    None
}

/// A GeneralName (RFC 5280 §4.2.1.6) as `kind: value`.
pub fn general_name(n: &GeneralName) -> String {
    match n {
        GeneralName::Rfc822Name(s) => format!("email: {}", s.as_str()),
        GeneralName::DnsName(s) => format!("DNS: {}", s.as_str()),
        GeneralName::UniformResourceIdentifier(s) => format!("URI: {}", s.as_str()),
        GeneralName::DirectoryName(name) => format!("DirName: {}", name_lines(name).join(", ")),
        GeneralName::IpAddress(ip) => format!("IP: {}", ip_text(ip.as_bytes())),
        GeneralName::RegisteredId(oid) => format!("RID: {oid}"),
        GeneralName::OtherName(o) => format!("otherName: {}", o.type_id),
        GeneralName::EdiPartyName(_) => "ediPartyName".to_owned(),
    }
}

fn ip_text(b: &[u8]) -> String {
    match b.len() {
        4 => b.iter().map(u8::to_string).collect::<Vec<_>>().join("."),
        16 => b.chunks(2).map(hex::encode).collect::<Vec<_>>().join(":"),
        _ => hex_colons(b, usize::MAX),
    }
}

/// One line per attribute, `CN = Hongkong Post Root CA 3`, in certificate order.
pub fn name_lines(name: &Name) -> Vec<String> {
    name.iter_rdn()
        .flat_map(x509_cert::name::RelativeDistinguishedName::iter)
        .map(|atv| {
            let oid = atv.oid.to_string();
            let key = attribute_name(&oid).map_or(oid, str::to_owned);
            let value = attribute_text(&atv.value).unwrap_or_else(|| hex_colons(atv.value.value(), 64));
            format!("{key} = {value}")
        })
        .collect()
}

/// A directory string as text: UTF8, Printable, IA5, Visible, Teletex (read as Latin-1),
/// BMP (UTF-16BE) and Universal (UTF-32BE) strings; `None` for anything else.
pub fn attribute_text(value: &Any) -> Option<String> {
    let bytes = value.value();
    match value.tag() {
        Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::VisibleString | Tag::NumericString => {
            String::from_utf8(bytes.to_vec()).ok()
        }
        Tag::TeletexString => Some(bytes.iter().map(|&b| char::from(b)).collect()),
        Tag::BmpString => {
            let units = bytes.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]]));
            bytes
                .len()
                .is_multiple_of(2)
                .then(|| char::decode_utf16(units).collect::<Result<String, _>>().ok())?
        }
        // UniversalString is tag 28, which `der` has no variant for.
        _ if value.tag().number().value() == 28 && bytes.len().is_multiple_of(4) => bytes
            .chunks_exact(4)
            .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
            .collect(),
        _ => None,
    }
}

#[derive(Sequence)]
struct RsaKey<'a> {
    n: UintRef<'a>,
    e: UintRef<'a>,
}

/// "RSA 4096 bits", "EC P-256", or the algorithm OID.
fn key_text(alg: &ObjectIdentifier, params: Option<&Any>, key: Option<&[u8]>) -> String {
    match alg.to_string().as_str() {
        "1.2.840.113549.1.1.1" => match key.and_then(|k| RsaKey::from_der(k).ok()) {
            Some(rsa) => {
                let n = rsa.n.as_bytes();
                let bits = n.first().map_or(0, |b| n.len() * 8 - b.leading_zeros() as usize);
                let _ = rsa.e;
                format!("RSA {bits} bits")
            }
            None => "RSA".to_owned(),
        },
        "1.2.840.10045.2.1" => {
            let curve = params.and_then(|p| p.decode_as::<ObjectIdentifier>().ok()).map(|c| c.to_string());
            let name = match curve.as_deref() {
                Some("1.2.840.10045.3.1.7") => "P-256".to_owned(),
                Some("1.3.132.0.34") => "P-384".to_owned(),
                Some("1.3.132.0.35") => "P-521".to_owned(),
                Some("1.3.132.0.10") => "secp256k1".to_owned(),
                Some(other) => other.to_owned(),
                None => "?".to_owned(),
            };
            format!("EC {name}")
        }
        "1.3.101.112" => "Ed25519".to_owned(),
        "1.3.101.113" => "Ed448".to_owned(),
        "1.2.840.10040.4.1" => "DSA".to_owned(),
        other => other.to_owned(),
    }
}

fn version(v: x509_cert::certificate::Version) -> String {
    use x509_cert::certificate::Version;
    match v {
        Version::V1 => "1",
        Version::V2 => "2",
        Version::V3 => "3",
    }
    .to_owned()
}

/// `2026-11-30 15:04:05 UTC`.
fn time(unix: u64) -> String {
    crate::verify::time::rfc3339(unix).replace('T', " ").replace('Z', " UTC")
}

/// Upper-case hex with colons, at most `max` bytes (then "…").
pub fn hex_colons(bytes: &[u8], max: usize) -> String {
    let mut s = bytes.iter().take(max).map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":");
    if bytes.len() > max {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::super::test_cert::{ext, make, raw_ext};
    use super::*;
    use der::asn1::{Ia5String, OctetString};
    use x509_cert::ext::pkix::AccessDescription;

    const ROOT3: &[u8] = include_bytes!("../../../../assets/anchors/Hongkong_Post_Root_CA_3.der");

    fn find<'a>(fields: &'a [Field], id: &str) -> &'a Field {
        fields
            .iter()
            .find(|f| matches!(f.label, Label::Id(i) if i == id))
            .unwrap_or_else(|| panic!("no {id}"))
    }

    fn lines(f: &Field) -> Vec<String> {
        match &f.value {
            Value::Lines(l) => l.clone(),
            Value::Unreadable => panic!("unreadable {:?}", f.label),
        }
    }

    #[test]
    fn the_hongkong_post_root_reads_like_openssl_prints_it() {
        let f = fields(ROOT3).unwrap();
        assert_eq!(lines(find(&f, "field-version")), ["3"]);
        assert_eq!(
            lines(find(&f, "field-signature-algorithm")),
            ["sha256WithRSAEncryption (1.2.840.113549.1.1.11)"]
        );
        assert_eq!(lines(find(&f, "field-public-key")), ["RSA 4096 bits"]);
        let subject = lines(find(&f, "field-subject"));
        assert_eq!(subject.first().map(String::as_str), Some("C = HK"));
        assert!(subject.contains(&"CN = Hongkong Post Root CA 3".to_owned()), "{subject:?}");
        assert!(lines(find(&f, "field-sha256"))[0].starts_with("5A:2F:C0:3F"));
        assert_eq!(lines(find(&f, "field-sha1"))[0].len(), 59);
        assert!(lines(find(&f, "field-not-before"))[0].starts_with("2017-06-03"));
        let bc = find(&f, "ext-basic-constraints");
        assert_eq!((bc.critical, lines(bc)), (Some(true), vec!["cA = TRUE".to_owned()]));
        assert_eq!(lines(find(&f, "ext-key-usage")), ["keyCertSign, cRLSign"]);
        assert!(find(&f, "ext-subject-key-id").critical == Some(false));
    }

    #[test]
    fn an_ecert_shows_every_extension() {
        let ocsp = AccessDescription {
            access_method: ObjectIdentifier::new_unwrap(OCSP),
            access_location: GeneralName::UniformResourceIdentifier(
                Ia5String::new("http://ocsp1.hongkongpost.gov.hk").unwrap(),
            ),
        };
        let crl = DistributionPoint {
            distribution_point: Some(DistributionPointName::FullName(vec![
                GeneralName::UniformResourceIdentifier(
                    Ia5String::new("http://crl1.hongkongpost.gov.hk/x.crl").unwrap(),
                ),
            ])),
            reasons: None,
            crl_issuer: None,
        };
        let der = make(
            "CN=Hongkong Post e-Cert CA 2 - 17,O=Hongkong Post,C=HK",
            "CN=CHAN Tai Man,O=Hongkong Post e-Cert (Personal),C=HK",
            vec![
                ext("2.5.29.15", true, &KeyUsage(KeyUsages::DigitalSignature | KeyUsages::NonRepudiation)),
                ext(
                    "2.5.29.37",
                    false,
                    &ExtendedKeyUsage(vec![ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.4")]),
                ),
                ext(
                    "2.5.29.17",
                    false,
                    &SubjectAltName(vec![GeneralName::Rfc822Name(
                        Ia5String::new("chan@example.hk").unwrap(),
                    )]),
                ),
                ext("1.3.6.1.5.5.7.1.1", false, &AuthorityInfoAccessSyntax(vec![ocsp])),
                ext("2.5.29.31", false, &CrlDistributionPoints(vec![crl])),
                ext("2.5.29.14", false, &SubjectKeyIdentifier(OctetString::new(vec![0xAB, 0xCD]).unwrap())),
                raw_ext("1.2.3.4.5", true, &[0x05, 0x00]),
            ],
        );
        let f = fields(&der).unwrap();
        assert_eq!(lines(find(&f, "ext-key-usage")), ["digitalSignature, nonRepudiation"]);
        assert_eq!(lines(find(&f, "ext-ext-key-usage")), ["emailProtection (1.3.6.1.5.5.7.3.4)"]);
        assert_eq!(lines(find(&f, "ext-subject-alt-name")), ["email: chan@example.hk"]);
        assert_eq!(
            lines(find(&f, "ext-authority-info-access")),
            ["OCSP: URI: http://ocsp1.hongkongpost.gov.hk"]
        );
        assert_eq!(
            lines(find(&f, "ext-crl-distribution-points")),
            ["URI: http://crl1.hongkongpost.gov.hk/x.crl"]
        );
        assert_eq!(lines(find(&f, "ext-subject-key-id")), ["AB:CD"]);
        let unknown = f.iter().find(|x| x.label == Label::Oid("1.2.3.4.5".into())).unwrap();
        assert_eq!((unknown.critical, lines(unknown)), (Some(true), vec!["05:00".to_owned()]));
        assert_eq!(
            revocation_sources(&der),
            ["OCSP URI: http://ocsp1.hongkongpost.gov.hk", "CRL URI: http://crl1.hongkongpost.gov.hk/x.crl"]
        );
    }

    #[test]
    fn a_corrupted_extension_is_could_not_read_and_the_rest_still_shows() {
        let der = make(
            "CN=Some CA,C=HK",
            "CN=Someone,C=HK",
            vec![
                // A BIT STRING whose length runs past the end.
                raw_ext("2.5.29.15", true, &[0x03, 0x05, 0x01]),
                // An AIA whose access description is cut short.
                raw_ext("1.3.6.1.5.5.7.1.1", false, &[0x30, 0x03, 0x30, 0x01, 0x06]),
                raw_ext("2.5.29.32", false, &[]),
                ext("2.5.29.19", true, &BasicConstraints { ca: false, path_len_constraint: None }),
            ],
        );
        let f = fields(&der).unwrap();
        assert_eq!(find(&f, "ext-key-usage").value, Value::Unreadable);
        assert_eq!(find(&f, "ext-authority-info-access").value, Value::Unreadable);
        assert_eq!(find(&f, "ext-certificate-policies").value, Value::Unreadable);
        assert_eq!(lines(find(&f, "ext-basic-constraints")), ["cA = FALSE"]);
        assert!(revocation_sources(&der).is_empty());
        assert_eq!(super::super::kind::of_der(&der), Some(super::super::kind::Kind::PersonalSigning));
    }

    #[test]
    fn no_bit_flip_in_an_extension_makes_it_panic() {
        let good = KeyUsage(KeyUsages::DigitalSignature.into());
        let value = der::Encode::to_der(&good).unwrap();
        for i in 0..value.len() {
            for bit in 0..8 {
                let mut v = value.clone();
                v[i] ^= 1 << bit;
                for oid in
                    ["2.5.29.15", "2.5.29.17", "2.5.29.32", "2.5.29.31", "2.5.29.35", "1.3.6.1.5.5.7.1.1"]
                {
                    let der = make("CN=A", "CN=B", vec![raw_ext(oid, false, &v)]);
                    let f = fields(&der).unwrap();
                    assert_eq!(f.len(), 11);
                    let _ = super::super::kind::of_der(&der);
                }
            }
        }
    }

    #[test]
    fn bmp_and_teletex_names_are_text() {
        let bmp = Any::new(Tag::BmpString, vec![0x96, 0xFB, 0x5B, 0x50]).unwrap();
        assert_eq!(attribute_text(&bmp).as_deref(), Some("電子"));
        let odd = Any::new(Tag::BmpString, vec![0x96]).unwrap();
        assert_eq!(attribute_text(&odd), None);
        let t61 = Any::new(Tag::TeletexString, b"Macau".to_vec()).unwrap();
        assert_eq!(attribute_text(&t61).as_deref(), Some("Macau"));
        assert!(fields(&[0x30, 0x00]).is_err());
    }
}
