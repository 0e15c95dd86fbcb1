//! Searches in one directory and the material to verify what they find.
//!
//! - By name: `cn`/`sn`/`ou`/`mail` substring (RFC 4515 filter, value escaped).
//! - By e-mail: `mail` (RFC 4524) or `emailAddress` equality.
//! - By serial: entries holding certificates are read (paged) and each certificate's parsed
//!   serial is compared. We chose this over an RFC 4523 `certificateExactMatch` filter on
//!   `userCertificate`: that assertion needs the issuer as well as the serial, and servers
//!   (OpenLDAP without the certificate-attribute indexing) do not all support it; reading
//!   the entries works on every server, within the entry cap.
//!
//! For verification the issuer's entry is read at the DN equal to the certificate's issuer
//! name (how RFC 4523 repositories are laid out), for `cACertificate`,
//! `crossCertificatePair` and the CRL attributes, walking up to the root; CRL distribution
//! points that are directory names or `ldap://` URLs (RFC 4516), and `ldap://` caIssuers
//! URLs, are read too — but only from the configured directory: an `ldap://` URL naming
//! another host is skipped and reported ([`DirectoryError::Elsewhere`]), and one naming the
//! same host is read over the configured connection (its TLS mode, whatever the URL's
//! scheme says). The certificates that name these URLs are not verified yet, so following
//! them would let anyone who plants a certificate send us to any server, in plain LDAP.
//! Every network use goes through the session's notifier.

use std::collections::HashSet;

use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};

use crate::verify::crl::Crl;
use crate::verify::model::oid;
use crate::verify::name::NameKey;
use crate::verify::Cert;

use super::ldap::{Client, Entry};
use super::pair::CertificatePair;
use super::url::{self as ldap_url, Scope};
use super::{filter, http, Directory, DirectoryError, Kind, Limits};

/// What to look for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Query {
    Name(String),
    Email(String),
    /// Serial number bytes (big-endian, as in the certificate).
    Serial(Vec<u8>),
}

impl Query {
    /// A serial typed as hex (`0x`, colons and spaces allowed).
    pub fn serial_hex(text: &str) -> Result<Query, DirectoryError> {
        let t = text.trim();
        let t = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")).unwrap_or(t);
        let mut digits: String = t.chars().filter(|c| !matches!(c, ':' | ' ')).collect();
        if digits.is_empty() {
            return Err(DirectoryError::BadQuery { detail: "empty serial number".into() });
        }
        if digits.len() % 2 == 1 {
            digits.insert(0, '0');
        }
        hex::decode(&digits)
            .map(Query::Serial)
            .map_err(|_| DirectoryError::BadQuery { detail: format!("serial {text:?} is not hexadecimal") })
    }
}

/// Attributes that hold certificates in an entry (RFC 4523 §2.1–2.2).
const CERT_ATTRIBUTES: [&str; 2] = ["userCertificate;binary", "cACertificate;binary"];
/// What is read from a CA's entry (RFC 4523 §2.1–2.5; a CA's entry may hold the certificate
/// of its separate CRL-signing key as `userCertificate`, as PKITS's does).
const CA_ATTRIBUTES: [&str; 6] = [
    "cACertificate;binary",
    "userCertificate;binary",
    "crossCertificatePair;binary",
    "certificateRevocationList;binary",
    "authorityRevocationList;binary",
    "deltaRevocationList;binary",
];
/// Most directory entries read to gather one certificate's chain and CRLs.
const MAX_ENTRY_READS: usize = 24;

/// One certificate value found in the directory.
#[derive(Clone, Debug)]
pub struct Found {
    /// The entry's DN (HTTP: the URL).
    pub dn: String,
    /// The attribute it came from.
    pub attribute: String,
    pub der: Vec<u8>,
    /// The parsed certificate, or why the value is not one.
    pub cert: Result<Cert, DirectoryError>,
}

/// Intermediates and CRLs gathered from the directory for one certificate.
#[derive(Clone, Debug, Default)]
pub struct Material {
    pub pool: Vec<Cert>,
    pub crls: Vec<Crl>,
    /// Where each CRL came from (entry DN or URL), same order as `crls`.
    pub crl_sources: Vec<String>,
    /// Values that could not be used (not DER, …) and lookups that failed; verification
    /// goes on with the rest.
    pub problems: Vec<DirectoryError>,
}

/// Called with a line for every network use ("querying ldap://…").
pub type Notify = Box<dyn Fn(&str) + Send>;

enum Backend {
    /// `host` is the configured directory's host (lowercase, brackets kept for IPv6).
    Ldap {
        client: Box<Client>,
        base: String,
        host: String,
    },
    Http {
        url: String,
        served: http::Served,
    },
}

/// An open directory.
pub struct Session {
    backend: Backend,
    limits: Limits,
    notify: Notify,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("limits", &self.limits).finish_non_exhaustive()
    }
}

impl Session {
    /// Connects to an LDAP directory, or downloads an HTTP repository.
    pub fn open(directory: &Directory, limits: Limits, notify: Notify) -> Result<Session, DirectoryError> {
        let backend = match directory.kind()? {
            Kind::Ldap => {
                let url = ldap_url::parse(&directory.url)?;
                notify(&format!("querying {}", url.server));
                let client = Client::connect(&url.server, limits, directory.starttls && !url.tls)?;
                let base = directory.base.clone().unwrap_or(url.dn);
                Backend::Ldap { client: Box::new(client), base, host: url.host.to_ascii_lowercase() }
            }
            Kind::Http => {
                notify(&format!("downloading {}", directory.url));
                let served = http::fetch(&directory.url, limits)?;
                Backend::Http { url: directory.url.clone(), served }
            }
        };
        Ok(Session { backend, limits, notify })
    }

    /// Finds the certificates matching `query`. Values that are not certificates are
    /// returned with their error (one bad entry does not hide the good ones).
    pub fn find(&mut self, query: &Query) -> Result<Vec<Found>, DirectoryError> {
        match &mut self.backend {
            Backend::Ldap { client, base, .. } => {
                let f = match query {
                    Query::Name(n) if n.trim().is_empty() => {
                        return Err(DirectoryError::BadQuery { detail: "empty name".into() })
                    }
                    Query::Email(e) if e.trim().is_empty() => {
                        return Err(DirectoryError::BadQuery { detail: "empty e-mail address".into() })
                    }
                    Query::Name(n) => filter::by_name(n),
                    Query::Email(e) => filter::by_email(e),
                    Query::Serial(_) => filter::certificate_holders(),
                };
                let entries = client.search(base, Scope::Sub, &f, &CERT_ATTRIBUTES)?;
                let mut found: Vec<Found> = entries.iter().flat_map(certificates_in).collect();
                if let Query::Serial(serial) = query {
                    found.retain(|f| f.cert.as_ref().is_ok_and(|c| same_number(c.serial(), serial)));
                }
                Ok(found)
            }
            Backend::Http { url, served } => Ok(served
                .certificates
                .iter()
                .filter(|c| matches_offline(c, query))
                .map(|c| Found {
                    dn: url.clone(),
                    attribute: "HTTP body".into(),
                    der: c.der.clone(),
                    cert: Ok(c.clone()),
                })
                .collect()),
        }
    }

    /// Reads the intermediates and CRLs the directory has for `cert`'s chain.
    pub fn material(&mut self, cert: &Cert) -> Material {
        let mut m = Material::default();
        if let Backend::Http { url, served } = &self.backend {
            m.pool.clone_from(&served.certificates);
            m.crls.clone_from(&served.crls);
            m.crl_sources = vec![url.clone(); served.crls.len()];
            return m;
        }
        let mut read: HashSet<String> = HashSet::new();
        let mut todo: Vec<Target> = targets_of(cert);
        let mut walk =
            Walk { seen: HashSet::from([cert.sha256]), wanted: HashSet::from([cert.issuer.clone()]) };
        while let Some(target) = todo.pop() {
            if read.len() >= MAX_ENTRY_READS {
                break;
            }
            if !read.insert(target.key()) {
                continue;
            }
            let entries = match self.read_target(&target) {
                Ok(e) => e,
                Err(e) => {
                    m.problems.push(e);
                    continue;
                }
            };
            for entry in &entries {
                let certs = entry.values("cACertificate").chain(entry.values("userCertificate"));
                for (attribute, value) in certs {
                    walk.push(&mut m, &mut todo, &entry.dn, attribute, value);
                }
                for (attribute, value) in entry.values("crossCertificatePair") {
                    match CertificatePair::parse(value) {
                        Ok(pair) => {
                            for c in pair.certificates() {
                                walk.push(&mut m, &mut todo, &entry.dn, attribute, c);
                            }
                        }
                        Err(detail) => {
                            m.problems.push(malformed(&entry.dn, attribute, "certificate pair", detail));
                        }
                    }
                }
                for name in ["certificateRevocationList", "authorityRevocationList", "deltaRevocationList"] {
                    for (attribute, value) in entry.values(name) {
                        match Crl::parse(value.to_vec()) {
                            Ok(crl) => {
                                if !m.crls.iter().any(|c| c.der == crl.der) {
                                    m.crls.push(crl);
                                    m.crl_sources.push(entry.dn.clone());
                                }
                            }
                            Err(e) => m.problems.push(malformed(&entry.dn, attribute, "CRL", e.to_string())),
                        }
                    }
                }
            }
        }
        m
    }

    fn read_target(&mut self, target: &Target) -> Result<Vec<Entry>, DirectoryError> {
        let Backend::Ldap { client, base, host } = &mut self.backend else { return Ok(Vec::new()) };
        match target {
            Target::Dn(dn) => {
                if let Some(e) = client.read(dn, &CA_ATTRIBUTES)? {
                    return Ok(vec![e]);
                }
                // Not at the DN equal to the name (a directory laid out differently): look
                // for a CA entry by the name's CN under the base.
                let Some(cn) = first_cn(dn) else { return Ok(Vec::new()) };
                let f = format!("(&(objectClass=pkiCA)(cn={}))", filter::escape(&cn));
                let base = base.clone();
                client.search(&base, Scope::Sub, &f, &CA_ATTRIBUTES)
            }
            Target::Url(u) => {
                let url = ldap_url::parse(u)?;
                let attrs: Vec<&str> = if url.attributes.is_empty() {
                    CA_ATTRIBUTES.to_vec()
                } else {
                    url.attributes.iter().map(String::as_str).collect()
                };
                if !url.host.eq_ignore_ascii_case(host) {
                    (self.notify)(&format!(
                        "not contacting {} (named in a certificate found; not the directory searched)",
                        url.server
                    ));
                    return Err(DirectoryError::Elsewhere {
                        url: u.clone(),
                        directory: client.server().to_owned(),
                    });
                }
                client.search(&url.dn, url.scope, &url.filter, &attrs)
            }
        }
    }
}

/// Where more material for a certificate is: an entry DN or an LDAP URL.
enum Target {
    Dn(String),
    Url(String),
}

impl Target {
    fn key(&self) -> String {
        match self {
            Target::Dn(d) => format!("dn:{}", d.to_ascii_lowercase()),
            Target::Url(u) => format!("url:{u}"),
        }
    }
}

/// The issuer's entry, directory-name and `ldap://` CRL distribution points, `ldap://`
/// caIssuers.
fn targets_of(cert: &Cert) -> Vec<Target> {
    let mut t = Vec::new();
    let ldap_uri = |n: &GeneralName| match n {
        GeneralName::UniformResourceIdentifier(u)
            if u.as_str().get(..7).is_some_and(|s| s.eq_ignore_ascii_case("ldap://")) =>
        {
            Some(Target::Url(u.as_str().to_owned()))
        }
        GeneralName::DirectoryName(name) => Some(Target::Dn(name.to_string())),
        _ => None,
    };
    for dps in [&cert.ext.crl_distribution_points, &cert.ext.freshest_crl].into_iter().flatten() {
        for dp in dps {
            match &dp.distribution_point {
                Some(DistributionPointName::FullName(names)) => t.extend(names.iter().filter_map(ldap_uri)),
                Some(DistributionPointName::NameRelativeToCRLIssuer(rdn)) => {
                    let issuer = dp
                        .crl_issuer
                        .as_ref()
                        .and_then(|n| {
                            n.iter().find_map(|g| match g {
                                GeneralName::DirectoryName(d) => Some(d.to_string()),
                                _ => None,
                            })
                        })
                        .unwrap_or_else(|| cert.issuer_display());
                    t.push(Target::Dn(format!("{rdn},{issuer}")));
                }
                None => {}
            }
            for issuer in dp.crl_issuer.iter().flatten() {
                if let GeneralName::DirectoryName(d) = issuer {
                    t.push(Target::Dn(d.to_string()));
                }
            }
        }
    }
    if let Some((aia, _)) = &cert.ext.authority_info_access {
        for d in aia.0.iter().filter(|d| d.access_method.to_string() == oid::CA_ISSUERS) {
            if let Some(Target::Url(u)) = ldap_uri(&d.access_location) {
                t.push(Target::Url(u));
            }
        }
    }
    if !cert.is_self_issued() || t.is_empty() {
        // Read last pushed first: the issuer's entry comes first.
        t.push(Target::Dn(cert.issuer_display()));
    }
    t
}

/// The walk up the chain: certificates already taken, and the names whose certificates
/// are still needed. Only a certificate for a needed name is followed further up, so a root's
/// entry holding pairs for every CA it certified does not send the walk sideways.
struct Walk {
    seen: HashSet<[u8; 32]>,
    wanted: HashSet<NameKey>,
}

impl Walk {
    fn push(&mut self, m: &mut Material, todo: &mut Vec<Target>, dn: &str, attribute: &str, der: &[u8]) {
        match Cert::parse(der) {
            Ok(c) => {
                if self.seen.insert(c.sha256) {
                    if self.wanted.contains(&c.subject)
                        && !c.is_self_issued()
                        && self.wanted.insert(c.issuer.clone())
                    {
                        todo.extend(targets_of(&c));
                    }
                    m.pool.push(c);
                }
            }
            Err(e) => m.problems.push(malformed(dn, attribute, "certificate", e.to_string())),
        }
    }
}

fn malformed(dn: &str, attribute: &str, expected: &'static str, detail: String) -> DirectoryError {
    DirectoryError::Malformed { dn: dn.to_owned(), attribute: attribute.to_owned(), expected, detail }
}

/// Every certificate value of an entry, parsed.
fn certificates_in(entry: &Entry) -> Vec<Found> {
    CERT_ATTRIBUTES
        .iter()
        .flat_map(|name| entry.values(name))
        .map(|(attribute, value)| Found {
            dn: entry.dn.clone(),
            attribute: attribute.to_owned(),
            der: value.to_vec(),
            cert: Cert::parse(value)
                .map_err(|e| malformed(&entry.dn, attribute, "certificate", e.to_string())),
        })
        .collect()
}

/// Integers compared by value (leading zero octets ignored).
fn same_number(a: &[u8], b: &[u8]) -> bool {
    crate::verify::crl::cmp_number(a, b).is_eq()
}

/// The HTTP kind's filter, on the parsed certificate.
fn matches_offline(cert: &Cert, query: &Query) -> bool {
    match query {
        Query::Name(n) => cert.subject_display().to_lowercase().contains(&n.trim().to_lowercase()),
        Query::Email(e) => {
            let e = e.trim().to_lowercase();
            cert.sans()
                .iter()
                .any(|g| matches!(g, GeneralName::Rfc822Name(m) if m.as_str().to_lowercase() == e))
                || cert.subject_display().to_lowercase().contains(&e)
        }
        Query::Serial(s) => same_number(cert.serial(), s),
    }
}

/// The value of the first `CN=` in an RFC 4514 string (escapes left as they are).
fn first_cn(dn: &str) -> Option<String> {
    dn.split(',').find_map(|rdn| {
        let (k, v) = rdn.trim().split_once('=')?;
        k.eq_ignore_ascii_case("cn").then(|| v.replace('\\', ""))
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn serial_text() {
        assert_eq!(Query::serial_hex("0x0102").unwrap(), Query::Serial(vec![1, 2]));
        assert_eq!(Query::serial_hex("1:02").unwrap(), Query::Serial(vec![1, 2]));
        assert_eq!(Query::serial_hex("f").unwrap(), Query::Serial(vec![15]));
        assert!(Query::serial_hex("xyz").is_err());
        assert!(Query::serial_hex(" ").is_err());
        assert!(same_number(&[0, 1], &[1]));
    }

    #[test]
    fn cn_of_dn() {
        assert_eq!(first_cn("CN=Good CA,O=Test Certificates 2011,C=US").as_deref(), Some("Good CA"));
        assert_eq!(first_cn("O=x,C=US"), None);
    }
}
