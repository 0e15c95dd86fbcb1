//! Where verification may go on the network, and how much it may do there.
//!
//! URLs taken from certificates (authorityInfoAccess OCSP and caIssuers, RFC 5280 §4.2.2.1;
//! cRLDistributionPoints, §4.2.1.13) are chosen by whoever made the certificate, before it is
//! verified. So: only hosts whose every address is public are contacted (no loopback, private,
//! link-local or unspecified targets, RFC 1918, RFC 4193, RFC 4291 §2.5), unless the user named
//! the host ([`Policy::allowed_hosts`], settings `allowed_hosts` or `ECERT_ALLOW_HOSTS`); the
//! connection goes to the address that was checked, never to a second lookup (no DNS
//! rebinding); redirects are not followed (`fetch`); at most [`MAX_URLS_PER_CHECK`] URLs are
//! tried for one certificate; and the whole verification shares one work budget
//! (`path::WORK_LIMIT`, each fetch costing [`FETCH_COST`]), modelled on rustls-webpki's
//! path-building budget.

use std::net::{IpAddr, SocketAddr, ToSocketAddrs};

/// Environment variable adding hosts to [`Policy::allowed_hosts`] (comma-separated), e.g.
/// `127.0.0.1` for a responder on the same machine.
pub const ALLOW_HOSTS_ENV: &str = "ECERT_ALLOW_HOSTS";

/// Most URLs of one kind (OCSP responders, CRL distribution points, caIssuers) fetched for one
/// certificate. Real CAs name one or two; a certificate naming a hundred would otherwise make
/// us contact a hundred hosts it chose. The ones left out are counted in the explanation.
pub const MAX_URLS_PER_CHECK: usize = 8;

/// Work units one network fetch costs from the verification's shared budget
/// (`path::WORK_LIMIT` = 4096 units: at most 64 fetches for one verification, whatever the
/// nesting of CRL issuers and online re-checks).
pub const FETCH_COST: usize = 64;

/// The user's network choices for one verification.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    /// Hosts (as written in URLs, compared case-insensitively) that may be contacted even
    /// though they resolve to loopback or private addresses: the user named them.
    pub allowed_hosts: Vec<String>,
}

impl Policy {
    /// `hosts` plus those in `$ECERT_ALLOW_HOSTS`.
    pub fn with_env(hosts: &[String]) -> Self {
        let mut allowed_hosts: Vec<String> = hosts.to_vec();
        if let Ok(v) = std::env::var(ALLOW_HOSTS_ENV) {
            allowed_hosts.extend(v.split(',').map(str::trim).filter(|h| !h.is_empty()).map(str::to_owned));
        }
        Policy { allowed_hosts }
    }

    fn allows(&self, host: &str) -> bool {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        self.allowed_hosts
            .iter()
            .any(|h| h.trim_start_matches('[').trim_end_matches(']').eq_ignore_ascii_case(host))
    }

    /// Resolves `host:port` and returns the addresses to connect to: all of them when the
    /// host is allowed, otherwise only if every one is public (a host with one private
    /// address among public ones is refused: the resolver could hand out either).
    pub fn resolve(&self, host: &str, port: u16) -> Result<Vec<SocketAddr>, Refusal> {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let addrs: Vec<SocketAddr> = match bare.parse::<IpAddr>() {
            Ok(ip) => vec![SocketAddr::new(ip, port)],
            Err(_) => (bare, port)
                .to_socket_addrs()
                .map_err(|e| Refusal::Unresolved { host: host.to_owned(), detail: e.to_string() })?
                .collect(),
        };
        if addrs.is_empty() {
            return Err(Refusal::Unresolved { host: host.to_owned(), detail: "no address".into() });
        }
        if !self.allows(host) {
            if let Some(bad) = addrs.iter().find(|a| !is_public(a.ip())) {
                return Err(Refusal::NotPublic { host: host.to_owned(), addr: bad.ip() });
            }
        }
        Ok(addrs)
    }
}

/// The host of an `http://` URL, as written (IPv6 in brackets).
pub fn host_of(url: &str) -> Option<String> {
    let uri: ureq::http::Uri = url.parse().ok()?;
    uri.host().filter(|h| !h.is_empty()).map(str::to_owned)
}

/// Why an online check was not even started.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OnlineRefused {
    /// The `offline` setting is on: it wins over a request to go online.
    #[error("the offline setting in {settings:?} forbids network use; turn it off to check online")]
    OfflineSetting { settings: std::path::PathBuf },
}

/// Why a host from a certificate is not contacted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("{host} resolves to {addr}, a loopback, private or link-local address; add the host to allowed_hosts to permit it")]
    NotPublic { host: String, addr: IpAddr },
    #[error("cannot resolve {host}: {detail}")]
    Unresolved { host: String, detail: String },
}

/// Whether `ip` is an address a certificate may send us to: not unspecified, loopback
/// (127/8, ::1), private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16,
/// fe80::/10), broadcast or multicast. IPv4-mapped IPv6 addresses are judged as IPv4.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            !(v4.is_unspecified()
                || v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.octets()[0] == 0)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_unspecified()
                || v6.is_loopback()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80)
        }
    }
}

/// The first [`MAX_URLS_PER_CHECK`] of `urls`, and how many were left out.
pub fn capped(mut urls: Vec<String>) -> (Vec<String>, usize) {
    let left_out = urls.len().saturating_sub(MAX_URLS_PER_CHECK);
    urls.truncate(MAX_URLS_PER_CHECK);
    (urls, left_out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn private_ranges_are_not_public() {
        for a in [
            "127.0.0.1",
            "127.0.0.2",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "::1",
            "fc00::1",
            "fd12::1",
            "fe80::1",
            "::",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "255.255.255.255",
            "224.0.0.1",
        ] {
            assert!(!is_public(a.parse().unwrap()), "{a}");
        }
        for a in ["8.8.8.8", "172.32.0.1", "203.0.113.9", "2001:db8::1", "::ffff:8.8.8.8"] {
            assert!(is_public(a.parse().unwrap()), "{a}");
        }
    }

    #[test]
    fn loopback_refused_unless_allowed() {
        let p = Policy::default();
        let e = p.resolve("127.0.0.2", 80).unwrap_err();
        assert!(matches!(e, Refusal::NotPublic { .. }), "{e:?}");
        assert!(matches!(p.resolve("[::1]", 80), Err(Refusal::NotPublic { .. })));
        assert!(matches!(p.resolve("localhost", 80), Err(Refusal::NotPublic { .. })));
        let p = Policy { allowed_hosts: vec!["127.0.0.1".into()] };
        assert_eq!(p.resolve("127.0.0.1", 8080).unwrap(), vec!["127.0.0.1:8080".parse().unwrap()]);
        assert!(p.resolve("127.0.0.2", 80).is_err(), "only the named host");
        let p = Policy { allowed_hosts: vec!["LocalHost".into()] };
        assert!(p.resolve("localhost", 80).unwrap().iter().all(|a| a.ip().is_loopback()));
    }

    #[test]
    fn urls_are_capped() {
        let urls: Vec<String> = (0..100).map(|i| format!("http://x/{i}")).collect();
        let (kept, left) = capped(urls);
        assert_eq!((kept.len(), left), (MAX_URLS_PER_CHECK, 92));
        assert_eq!(capped(vec!["a".into()]), (vec!["a".to_owned()], 0));
    }
}
