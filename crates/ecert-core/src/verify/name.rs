//! Names: distinguished-name comparison (RFC 5280 §7.1 with the RFC 4518 string preparation
//! reduced to case folding and whitespace folding), name constraints (RFC 5280 §4.2.1.10,
//! §6.1.3 (b)–(c), §6.1.4 (g)) and peer-name matching (RFC 6125 §6.4: DNS names with a
//! left-most wildcard; IP addresses; RFC 822 mailboxes for personal e-Certs).

use std::net::IpAddr;

use der::asn1::AnyRef;
use der::{Encode, Tag, Tagged};
use x509_cert::ext::pkix::constraints::name::GeneralSubtree;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::name::Name;

use super::model::oid;

/// A distinguished name in comparable form: RDNs in order, each a sorted set of
/// (attribute type, prepared value).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct NameKey(pub Vec<Vec<(String, String)>>);

impl NameKey {
    pub fn new(name: &Name) -> Self {
        let rdns = name
            .iter_rdn()
            .map(|rdn| {
                let mut set: Vec<(String, String)> = rdn
                    .iter()
                    .map(|atv| (atv.oid.to_string(), prepare(&atv.value.to_der().unwrap_or_default())))
                    .collect();
                set.sort();
                set
            })
            .collect();
        Self(rdns)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `self` lies within the subtree rooted at `base` (base is an RDN prefix).
    pub fn within(&self, base: &NameKey) -> bool {
        base.0.len() <= self.0.len() && self.0[..base.0.len()] == base.0[..]
    }

    /// Values of an attribute type anywhere in the name (e.g. emailAddress, CN).
    pub fn values(&self, attr: &str) -> Vec<String> {
        self.0.iter().flatten().filter(|(t, _)| t == attr).map(|(_, v)| v.clone()).collect()
    }
}

/// String preparation for comparison: directory strings are decoded, case-folded and their
/// whitespace trimmed and collapsed; other types compare by their encoding.
fn prepare(value_der: &[u8]) -> String {
    let Ok(any) = AnyRef::try_from(value_der) else { return hex::encode(value_der) };
    let bytes = any.value();
    let text: Option<String> = match any.tag() {
        Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::VisibleString => {
            std::str::from_utf8(bytes).ok().map(str::to_owned)
        }
        Tag::TeletexString => Some(bytes.iter().map(|&b| char::from(b)).collect()),
        Tag::BmpString => {
            let units: Vec<u16> = bytes.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            String::from_utf16(&units).ok()
        }
        // UniversalString (UCS-4), which `der` has no tag constant for.
        _ if value_der.first() == Some(&0x1C) => bytes
            .chunks_exact(4)
            .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
            .collect::<Option<String>>(),
        _ => None,
    };
    match text {
        Some(t) => format!("s:{}", t.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()),
        None => format!("x:{}", hex::encode(value_der)),
    }
}

/// The text of an attribute value when it is a string type (used for CN and emailAddress).
pub fn attr_text(prepared: &str) -> Option<&str> {
    prepared.strip_prefix("s:")
}

// ---------------------------------------------------------------------------------------
// Syntax checks for names that name constraints and peer matching rely on.

/// A preferred-name-syntax DNS name (RFC 1034 §3.5, RFC 5280 §4.2.1.6), optionally with a
/// single left-most `*` label when `wildcard_ok`.
pub fn valid_dns(name: &str, wildcard_ok: bool) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name);
    if name.is_empty() || name.len() > 253 {
        return false;
    }
    let labels: Vec<&str> = name.split('.').collect();
    labels.iter().enumerate().all(|(i, l)| {
        if i == 0 && wildcard_ok && *l == "*" {
            return labels.len() > 2; // "*.com" and bare "*" are never acceptable
        }
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    })
}

/// A mailbox `local@domain` (RFC 5280 §4.2.1.6 / RFC 5321 §4.1.2, ASCII only).
pub fn valid_mailbox(m: &str) -> bool {
    match m.rsplit_once('@') {
        Some((local, host)) => {
            !local.is_empty()
                && !local.contains('@')
                && local.bytes().all(|b| b.is_ascii_graphic())
                && valid_dns(host, false)
        }
        None => false,
    }
}

/// Checks a SAN entry's syntax; a malformed name never satisfies a constraint.
pub fn valid_general_name(n: &GeneralName) -> bool {
    match n {
        GeneralName::DnsName(d) => valid_dns(d.as_str(), true),
        GeneralName::Rfc822Name(m) => valid_mailbox(m.as_str()),
        GeneralName::IpAddress(ip) => matches!(ip.as_bytes().len(), 4 | 16),
        _ => true,
    }
}

// ---------------------------------------------------------------------------------------
// Name constraints.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    Rfc822,
    Dns,
    Dir,
    Uri,
    Ip,
    Other,
}

pub fn form(n: &GeneralName) -> Form {
    match n {
        GeneralName::Rfc822Name(_) => Form::Rfc822,
        GeneralName::DnsName(_) => Form::Dns,
        GeneralName::DirectoryName(_) => Form::Dir,
        GeneralName::UniformResourceIdentifier(_) => Form::Uri,
        GeneralName::IpAddress(_) => Form::Ip,
        _ => Form::Other,
    }
}

/// A constraint base that cannot be interpreted (RFC 5280 §4.2.1.10 syntax): the path is
/// rejected rather than the constraint ignored.
pub fn valid_constraint(s: &GeneralSubtree) -> bool {
    if s.minimum != 0 || s.maximum.is_some() {
        return false;
    }
    match &s.base {
        GeneralName::DnsName(d) => {
            let d = d.as_str();
            d.is_empty() || valid_dns(d, false)
        }
        GeneralName::IpAddress(ip) => {
            let b = ip.as_bytes();
            (b.len() == 8 || b.len() == 32) && contiguous_mask(&b[b.len() / 2..])
        }
        GeneralName::Rfc822Name(m) => {
            let m = m.as_str();
            if m.contains('@') {
                valid_mailbox(m)
            } else {
                let host = m.strip_prefix('.').unwrap_or(m);
                valid_dns(host, false)
            }
        }
        _ => true,
    }
}

fn contiguous_mask(mask: &[u8]) -> bool {
    let bits: Vec<bool> = mask.iter().flat_map(|b| (0..8).rev().map(move |i| b >> i & 1 == 1)).collect();
    let ones = bits.iter().take_while(|b| **b).count();
    bits[ones..].iter().all(|b| !b)
}

/// Whether `name` lies within the subtree `base`. Returns `None` when the forms differ.
pub fn name_in_subtree(name: &GeneralName, base: &GeneralName) -> Option<bool> {
    Some(match (name, base) {
        (GeneralName::DnsName(n), GeneralName::DnsName(b)) => dns_within(n.as_str(), b.as_str()),
        (GeneralName::Rfc822Name(n), GeneralName::Rfc822Name(b)) => mailbox_within(n.as_str(), b.as_str()),
        (GeneralName::DirectoryName(n), GeneralName::DirectoryName(b)) => {
            NameKey::new(n).within(&NameKey::new(b))
        }
        (GeneralName::IpAddress(n), GeneralName::IpAddress(b)) => ip_within(n.as_bytes(), b.as_bytes()),
        (GeneralName::UniformResourceIdentifier(n), GeneralName::UniformResourceIdentifier(b)) => {
            uri_host(n.as_str()).is_some_and(|h| host_within_uri_constraint(&h, b.as_str()))
        }
        (GeneralName::OtherName(n), GeneralName::OtherName(b)) => n == b,
        (GeneralName::RegisteredId(n), GeneralName::RegisteredId(b)) => n == b,
        (GeneralName::EdiPartyName(n), GeneralName::EdiPartyName(b)) => n == b,
        _ => return None,
    })
}

/// §4.2.1.10: "host" matches the host and every subdomain; the empty constraint matches all.
pub fn dns_within(name: &str, base: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let base = base.trim_end_matches('.').to_ascii_lowercase();
    if base.is_empty() {
        return true;
    }
    // A wildcard SAN is within the constraint when the name it stands for is.
    let name = name.strip_prefix("*.").map_or(name.clone(), |s| format!("x.{s}"));
    name == base || name.ends_with(&format!(".{base}"))
}

/// §4.2.1.10 rfc822Name: a mailbox ("a@b") matches exactly; a host ("b") matches mailboxes
/// at that host; a domain (".b") matches mailboxes at any host under it. Local parts compare
/// case-sensitively and literally (a `*` is just a character); hosts case-insensitively.
pub fn mailbox_within(name: &str, base: &str) -> bool {
    let Some((local, host)) = name.rsplit_once('@') else { return false };
    let host = host.to_ascii_lowercase();
    if let Some((blocal, bhost)) = base.rsplit_once('@') {
        return local == blocal && host == bhost.to_ascii_lowercase();
    }
    let base = base.to_ascii_lowercase();
    if let Some(domain) = base.strip_prefix('.') {
        host.ends_with(&format!(".{domain}"))
    } else {
        host == base
    }
}

fn ip_within(addr: &[u8], base: &[u8]) -> bool {
    let n = addr.len();
    if base.len() != 2 * n {
        return false;
    }
    let (net, mask) = base.split_at(n);
    addr.iter().zip(net).zip(mask).all(|((a, b), m)| a & m == b & m)
}

fn uri_host(uri: &str) -> Option<String> {
    let rest = uri.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host_port.starts_with('[') {
        host_port.split(']').next()?.trim_start_matches('[')
    } else {
        host_port.split(':').next()?
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

fn host_within_uri_constraint(host: &str, base: &str) -> bool {
    let base = base.to_ascii_lowercase();
    match base.strip_prefix('.') {
        Some(domain) => host.ends_with(&format!(".{domain}")),
        None => host == base,
    }
}

/// The names of a certificate subject to name constraints (§6.1.3 (b)–(c)): its subject DN
/// (when not empty), e-mail addresses in the DN, and the SAN entries.
pub fn constrained_names(subject: &Name, sans: &[GeneralName]) -> Vec<GeneralName> {
    let mut out: Vec<GeneralName> = Vec::new();
    if !subject.is_empty() {
        out.push(GeneralName::DirectoryName(subject.clone()));
    }
    for atv in subject.iter() {
        if atv.oid.to_string() == oid::EMAIL_ADDRESS {
            if let Ok(s) = atv.value.decode_as::<der::asn1::Ia5String>() {
                out.push(GeneralName::Rfc822Name(s));
            }
        }
    }
    out.extend(sans.iter().cloned());
    out
}

// ---------------------------------------------------------------------------------------
// Peer names.

/// The name a relying party expects the end-entity certificate to carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PeerName {
    Dns(String),
    Ip(IpAddr),
    Email(String),
}

/// Matches the peer name against the SAN entries only (RFC 6125 §6.4.4: no CN fallback).
pub fn peer_matches(peer: &PeerName, sans: &[GeneralName]) -> bool {
    sans.iter().any(|n| match (peer, n) {
        (PeerName::Dns(want), GeneralName::DnsName(have)) => dns_matches(want, have.as_str()),
        (PeerName::Ip(want), GeneralName::IpAddress(have)) => match want {
            IpAddr::V4(a) => have.as_bytes() == a.octets(),
            IpAddr::V6(a) => have.as_bytes() == a.octets(),
        },
        (PeerName::Email(want), GeneralName::Rfc822Name(have)) => {
            match (want.rsplit_once('@'), have.as_str().rsplit_once('@')) {
                (Some((wl, wh)), Some((hl, hh))) => wl == hl && wh.eq_ignore_ascii_case(hh),
                _ => false,
            }
        }
        _ => false,
    })
}

/// RFC 6125 §6.4.3: case-insensitive; a `*` is allowed only as the whole left-most label and
/// stands for exactly one label.
pub fn dns_matches(want: &str, pattern: &str) -> bool {
    let want = want.trim_end_matches('.').to_ascii_lowercase();
    let pattern = pattern.trim_end_matches('.').to_ascii_lowercase();
    if !valid_dns(&pattern, true) || !valid_dns(&want, false) {
        return false;
    }
    match pattern.strip_prefix("*.") {
        Some(rest) => want.split_once('.').is_some_and(|(first, tail)| !first.is_empty() && tail == rest),
        None => want == pattern,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_constraints_and_wildcards() {
        assert!(dns_within("a.example.com", "example.com"));
        assert!(dns_within("example.com", "example.com"));
        assert!(!dns_within("badexample.com", "example.com"));
        assert!(dns_matches("www.example.com", "*.example.com"));
        assert!(!dns_matches("a.b.example.com", "*.example.com"));
        assert!(!dns_matches("example.com", "*.example.com"));
        assert!(!dns_matches("www.example.com", "w*.example.com"));
        assert!(!valid_dns("a_b.example.com", false));
    }

    #[test]
    fn mailbox_constraints() {
        assert!(mailbox_within("a@example.com", "example.com"));
        assert!(!mailbox_within("a@x.example.com", "example.com"));
        assert!(mailbox_within("a@x.example.com", ".example.com"));
        assert!(mailbox_within("*@example.com", "*@example.com"));
        assert!(!mailbox_within("bob@example.com", "*@example.com"));
    }

    #[test]
    fn ip_masks() {
        assert!(ip_within(&[10, 1, 2, 3], &[10, 0, 0, 0, 255, 0, 0, 0]));
        assert!(!ip_within(&[11, 1, 2, 3], &[10, 0, 0, 0, 255, 0, 0, 0]));
        assert!(contiguous_mask(&[255, 255, 0, 0]));
        assert!(!contiguous_mask(&[255, 0, 255, 0]));
    }
}
