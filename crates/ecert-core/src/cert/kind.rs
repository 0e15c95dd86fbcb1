//! Which kind of e-Cert a certificate is, recognised from what it says about itself: the
//! issuing CA's name, the subject's organisation (Hongkong Post writes the e-Cert type there,
//! e.g. O = "Hongkong Post e-Cert (Personal)"), the certificate policies and the key usages
//! (RFC 5280 §4.2.1.3, §4.2.1.9, §4.2.1.12). No GUI here; the label is a Fluent message id.
//!
//! Only facts found in public data are used: Hongkong Post's issuing CAs are named
//! "Hongkong Post e-Cert CA …" and its policy OIDs sit under 1.3.6.1.4.1.16030; eSignTrust
//! (Macao) names its issuing CAs after the certificate class ("… eSignTrust … Qualified
//! Certificate CA"). Anything else falls back to what the key may be used for.

use der::Decode;
use x509_cert::ext::pkix::{BasicConstraints, CertificatePolicies, ExtendedKeyUsage, KeyUsage};
use x509_cert::Certificate;

/// Hongkong Post's private enterprise arc (IANA PEN 16030): its certificate policies.
pub const HONGKONG_POST_ARC: &str = "1.3.6.1.4.1.16030.";
/// The Hong Kong–Guangdong mutual recognition certificate policy (the government's trust
/// list: relying parties match this arc, without its last three "year-version-release" nodes).
pub const MUTUAL_RECOGNITION_ARC: &str = "2.16.344.8.2.2008.810.2";
/// id-kp-serverAuth (RFC 5280 §4.2.1.12).
const SERVER_AUTH: &str = "1.3.6.1.5.5.7.3.1";

/// The kinds of e-Cert the app names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Hongkong Post e-Cert (Personal): one person's signing certificate.
    HkPersonal,
    /// Hongkong Post e-Cert (Organisational): a member of an organisation.
    HkOrganisational,
    /// Hongkong Post e-Cert (Organisational Role).
    HkOrganisationalRole,
    /// Hongkong Post e-Cert (Encipherment): for receiving encrypted messages.
    HkEncipherment,
    /// Hongkong Post e-Cert (Server): a TLS server.
    HkServer,
    /// From a Hongkong Post e-Cert CA, type not named in the certificate.
    HkOther,
    /// eSignTrust Qualified Certificate (qualified electronic signatures, Macao EDS Law).
    MoQualified,
    /// eSignTrust Normalised Certificate (advanced electronic signatures).
    MoNormalised,
    /// eSignTrust Encipherment Certificate.
    MoEncipherment,
    /// eSignTrust server certificate.
    MoServer,
    /// From an eSignTrust CA, class not recognised.
    MoOther,
    /// A certification authority (basicConstraints cA, RFC 5280 §4.2.1.9).
    CertificateAuthority,
    /// A TLS server certificate (EKU serverAuth).
    Server,
    /// A key for encryption only (keyEncipherment / dataEncipherment / keyAgreement).
    Encipherment,
    /// Anything else: a person's signing or log-in certificate.
    PersonalSigning,
}

impl Kind {
    /// Every kind, for walks over them (labels in every language, tests).
    pub const ALL: [Kind; 15] = [
        Kind::HkPersonal,
        Kind::HkOrganisational,
        Kind::HkOrganisationalRole,
        Kind::HkEncipherment,
        Kind::HkServer,
        Kind::HkOther,
        Kind::MoQualified,
        Kind::MoNormalised,
        Kind::MoEncipherment,
        Kind::MoServer,
        Kind::MoOther,
        Kind::CertificateAuthority,
        Kind::Server,
        Kind::Encipherment,
        Kind::PersonalSigning,
    ];

    /// The Fluent message id of the kind's name.
    pub fn message_id(self) -> &'static str {
        match self {
            Kind::HkPersonal => "kind-hk-personal",
            Kind::HkOrganisational => "kind-hk-organisational",
            Kind::HkOrganisationalRole => "kind-hk-organisational-role",
            Kind::HkEncipherment => "kind-hk-encipherment",
            Kind::HkServer => "kind-hk-server",
            Kind::HkOther => "kind-hk-other",
            Kind::MoQualified => "kind-mo-qualified",
            Kind::MoNormalised => "kind-mo-normalised",
            Kind::MoEncipherment => "kind-mo-encipherment",
            Kind::MoServer => "kind-mo-server",
            Kind::MoOther => "kind-mo-other",
            Kind::CertificateAuthority => "kind-ca",
            Kind::Server => "kind-server",
            Kind::Encipherment => "kind-encipherment",
            Kind::PersonalSigning => "kind-personal-signing",
        }
    }

    /// The Fluent id of who renews this kind of e-Cert and how, for the authorities the app
    /// knows; `None` for the others (the issuer's name is said instead).
    pub fn renewal_advice_id(self) -> Option<&'static str> {
        match self {
            Kind::HkPersonal
            | Kind::HkOrganisational
            | Kind::HkOrganisationalRole
            | Kind::HkEncipherment
            | Kind::HkServer
            | Kind::HkOther => Some("renew-advice-hkpost"),
            Kind::MoQualified
            | Kind::MoNormalised
            | Kind::MoEncipherment
            | Kind::MoServer
            | Kind::MoOther => Some("renew-advice-esigntrust"),
            Kind::CertificateAuthority | Kind::Server | Kind::Encipherment | Kind::PersonalSigning => None,
        }
    }
}

/// A recognised kind, and whether the certificate carries the mutual recognition policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recognised {
    pub kind: Kind,
    pub mutual_recognition: bool,
}

/// What recognition looks at, taken out of a certificate (so it can be tested alone).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// Issuer CN and O values.
    pub issuer: Vec<String>,
    /// Subject O and OU values.
    pub subject_org: Vec<String>,
    /// certificatePolicies OIDs, dotted.
    pub policies: Vec<String>,
    pub ca: bool,
    /// digitalSignature or nonRepudiation is allowed (true when keyUsage is absent).
    pub signs: bool,
    /// keyEncipherment, dataEncipherment or keyAgreement is allowed.
    pub enciphers: bool,
    /// extKeyUsage OIDs, dotted.
    pub eku: Vec<String>,
}

impl Facts {
    /// Reads the facts; an extension that does not decode counts as absent.
    pub fn of(cert: &Certificate) -> Self {
        let tbs = cert.tbs_certificate();
        let values = |name: &x509_cert::name::Name, oids: &[&str]| -> Vec<String> {
            name.iter()
                .filter(|atv| oids.contains(&atv.oid.to_string().as_str()))
                .filter_map(|atv| super::fields::attribute_text(&atv.value))
                .collect()
        };
        let mut facts = Facts {
            issuer: values(tbs.issuer(), &["2.5.4.3", "2.5.4.10"]),
            subject_org: values(tbs.subject(), &["2.5.4.10", "2.5.4.11"]),
            signs: true,
            ..Facts::default()
        };
        for ext in tbs.extensions().map(Vec::as_slice).unwrap_or_default() {
            let bytes = ext.extn_value.as_bytes();
            match ext.extn_id.to_string().as_str() {
                "2.5.29.19" => facts.ca = BasicConstraints::from_der(bytes).is_ok_and(|b| b.ca),
                "2.5.29.15" => {
                    if let Ok(ku) = KeyUsage::from_der(bytes) {
                        facts.signs = ku.digital_signature() || ku.non_repudiation();
                        facts.enciphers =
                            ku.key_encipherment() || ku.data_encipherment() || ku.key_agreement();
                    }
                }
                "2.5.29.37" => {
                    if let Ok(eku) = ExtendedKeyUsage::from_der(bytes) {
                        facts.eku = eku.0.iter().map(ToString::to_string).collect();
                    }
                }
                "2.5.29.32" => {
                    if let Ok(p) = CertificatePolicies::from_der(bytes) {
                        facts.policies = p.0.iter().map(|i| i.policy_identifier.to_string()).collect();
                    }
                }
                _ => {}
            }
        }
        facts
    }
}

/// Recognises the kind of a DER certificate; `None` when it does not parse.
pub fn of_der(der_bytes: &[u8]) -> Option<Kind> {
    recognise_der(der_bytes).map(|r| r.kind)
}

/// The kind and the mutual recognition status of a DER certificate.
pub fn recognise_der(der_bytes: &[u8]) -> Option<Recognised> {
    let facts = Facts::of(&Certificate::from_der(der_bytes).ok()?);
    let mutual_recognition = facts.policies.iter().any(|p| {
        p.strip_prefix(MUTUAL_RECOGNITION_ARC).is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
    });
    Some(Recognised { kind: recognise(&facts), mutual_recognition })
}

/// The kind, from the facts: CA first, then the issuing authority's own types, then the
/// generic uses.
pub fn recognise(f: &Facts) -> Kind {
    if f.ca {
        return Kind::CertificateAuthority;
    }
    let server = f.eku.iter().any(|o| o == SERVER_AUTH);
    let encipher_only = f.enciphers && !f.signs;
    let issuer_has = |word: &str| f.issuer.iter().any(|v| v.to_lowercase().contains(word));
    let hongkong_post =
        issuer_has("hongkong post") || f.policies.iter().any(|p| p.starts_with(HONGKONG_POST_ARC));
    if hongkong_post {
        // Hongkong Post writes the type into the subject: O = "Hongkong Post e-Cert (Personal)".
        let org = |word: &str| {
            f.subject_org.iter().any(|v| {
                let v = v.to_lowercase();
                v.contains("e-cert") && v.contains(word)
            })
        };
        return if org("(personal)") {
            Kind::HkPersonal
        } else if org("(organisational role)") {
            Kind::HkOrganisationalRole
        } else if org("(organisational)") {
            Kind::HkOrganisational
        } else if org("(encipherment)") || encipher_only {
            Kind::HkEncipherment
        } else if org("(server)") || server {
            Kind::HkServer
        } else {
            Kind::HkOther
        };
    }
    if issuer_has("esigntrust") {
        return if issuer_has("qualified") {
            Kind::MoQualified
        } else if issuer_has("normalised") || issuer_has("normalized") {
            Kind::MoNormalised
        } else if issuer_has("encipherment") || encipher_only {
            Kind::MoEncipherment
        } else if server || issuer_has("ssl") || issuer_has("server") {
            Kind::MoServer
        } else {
            Kind::MoOther
        };
    }
    if server {
        Kind::Server
    } else if encipher_only {
        Kind::Encipherment
    } else {
        Kind::PersonalSigning
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_cert::{ext, make};
    use super::*;
    use x509_cert::ext::pkix::KeyUsages;

    fn facts(issuer: &str, org: &str) -> Facts {
        Facts { issuer: vec![issuer.into()], subject_org: vec![org.into()], signs: true, ..Facts::default() }
    }

    #[test]
    fn hongkong_post_types_come_from_the_subject_organisation() {
        let ca = "Hongkong Post e-Cert CA 2 - 17";
        assert_eq!(recognise(&facts(ca, "Hongkong Post e-Cert (Personal)")), Kind::HkPersonal);
        assert_eq!(recognise(&facts(ca, "Hongkong Post e-Cert (Organisational)")), Kind::HkOrganisational);
        assert_eq!(
            recognise(&facts(ca, "Hongkong Post e-Cert (Organisational Role)")),
            Kind::HkOrganisationalRole
        );
        assert_eq!(recognise(&facts(ca, "Hongkong Post e-Cert (Encipherment)")), Kind::HkEncipherment);
        assert_eq!(recognise(&facts(ca, "Example Ltd")), Kind::HkOther);
        let mut server = facts("Hongkong Post e-Cert CA 1 - 17", "Example Ltd");
        server.eku = vec![SERVER_AUTH.into()];
        assert_eq!(recognise(&server), Kind::HkServer);
        // Recognised by policy alone, issuer name aside.
        let mut by_policy = facts("Some CA", "Example Ltd");
        by_policy.policies = vec!["1.3.6.1.4.1.16030.1.1.1".into()];
        by_policy.signs = false;
        by_policy.enciphers = true;
        assert_eq!(recognise(&by_policy), Kind::HkEncipherment);
    }

    #[test]
    fn esigntrust_classes_come_from_the_issuing_ca() {
        let q = facts("Macao Post eSignTrust Government Qualified Certificate CA (G02)", "Gov");
        assert_eq!(recognise(&q), Kind::MoQualified);
        let n = facts("eSignTrust Personal Normalised Certificate CA (G03)", "x");
        assert_eq!(recognise(&n), Kind::MoNormalised);
        assert_eq!(recognise(&facts("eSignTrust Encipherment CA", "x")), Kind::MoEncipherment);
        assert_eq!(recognise(&facts("eSignTrust Something", "x")), Kind::MoOther);
    }

    #[test]
    fn renewal_advice_names_the_authority_that_renews() {
        let hk = recognise(&facts("Hongkong Post e-Cert CA 2 - 17", "Hongkong Post e-Cert (Personal)"));
        assert_eq!(hk.renewal_advice_id(), Some("renew-advice-hkpost"));
        let mo = recognise(&facts("eSignTrust Personal Normalised Certificate CA (G03)", "x"));
        assert_eq!(mo.renewal_advice_id(), Some("renew-advice-esigntrust"));
        assert_eq!(recognise(&facts("Other CA", "Org")).renewal_advice_id(), None);
    }

    #[test]
    fn generic_kinds_follow_key_usage() {
        let mut f = facts("Other CA", "Org");
        assert_eq!(recognise(&f), Kind::PersonalSigning);
        f.signs = false;
        f.enciphers = true;
        assert_eq!(recognise(&f), Kind::Encipherment);
        f.eku = vec![SERVER_AUTH.into()];
        assert_eq!(recognise(&f), Kind::Server);
        f.ca = true;
        assert_eq!(recognise(&f), Kind::CertificateAuthority);
    }

    #[test]
    fn real_certificates_are_recognised() {
        let root = include_bytes!("../../../../assets/anchors/Hongkong_Post_Root_CA_3.der");
        assert_eq!(of_der(root), Some(Kind::CertificateAuthority));
        assert_eq!(of_der(&[0x30, 0x00]), None);
        let ku = KeyUsage(KeyUsages::NonRepudiation.into());
        let personal = make(
            "CN=Hongkong Post e-Cert CA 2 - 17,O=Hongkong Post,C=HK",
            "CN=CHAN Tai Man,O=Hongkong Post e-Cert (Personal),C=HK",
            vec![ext("2.5.29.15", true, &ku)],
        );
        assert_eq!(of_der(&personal), Some(Kind::HkPersonal));
        let enc = make(
            "CN=Other CA,C=HK",
            "CN=Inbox,O=Example,C=HK",
            vec![ext("2.5.29.15", true, &KeyUsage(KeyUsages::KeyEncipherment.into()))],
        );
        assert_eq!(of_der(&enc), Some(Kind::Encipherment));
        assert!(!recognise_der(&personal).unwrap().mutual_recognition);
    }

    #[test]
    fn the_mutual_recognition_policy_is_noticed_by_its_arc() {
        use x509_cert::ext::pkix::certpolicy::PolicyInformation;
        let with = |oid: &str| {
            let policy = PolicyInformation {
                policy_identifier: der::asn1::ObjectIdentifier::new(oid).unwrap(),
                policy_qualifiers: None,
            };
            make(
                "CN=Hongkong Post e-Cert CA 2 - 17,O=Hongkong Post,C=HK",
                "CN=CHAN Tai Man,O=Hongkong Post e-Cert (Personal),C=HK",
                vec![ext("2.5.29.32", false, &CertificatePolicies(vec![policy]))],
            )
        };
        let mr = recognise_der(&with("2.16.344.8.2.2008.810.2.2015.1.0")).unwrap();
        assert_eq!(mr, Recognised { kind: Kind::HkPersonal, mutual_recognition: true });
        // A longer last node is another arc, not this one.
        assert!(!recognise_der(&with("2.16.344.8.2.2008.810.21")).unwrap().mutual_recognition);
    }
}
