//! LDAP URLs (RFC 4516 §2): `ldap://host[:port]/dn?attributes?scope?filter?extensions`, as
//! found in CRL distribution points (RFC 5280 §4.2.1.13) and authorityInfoAccess caIssuers
//! (§4.2.2.1), e.g. `ldap://ldap.example.hk/cn=CA%201,o=Example?certificateRevocationList;binary`.
//! `ldaps://` (LDAP over TLS from the first byte, port 636 by default) is accepted too: RFC
//! 4516 does not register it, but it is the scheme directories and their clients use.

use super::DirectoryError;

/// RFC 4516 §2 scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Base,
    One,
    Sub,
}

/// A parsed LDAP URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LdapUrl {
    /// `ldap://host:port` or `ldaps://host:port` (what the client connects to).
    pub server: String,
    /// `ldaps://`: TLS from the first byte.
    pub tls: bool,
    pub host: String,
    pub port: u16,
    /// The DN, percent-decoded (RFC 4514 string form).
    pub dn: String,
    pub attributes: Vec<String>,
    /// Defaults to `base` (RFC 4516 §2).
    pub scope: Scope,
    /// Defaults to `(objectClass=*)` (RFC 4516 §2).
    pub filter: String,
}

/// Parses an `ldap://` or `ldaps://` URL (`ldapi://` is refused); a critical extension
/// (`!name`) is refused as RFC 4516 §2 requires of a client that does not implement it.
pub fn parse(url: &str) -> Result<LdapUrl, DirectoryError> {
    let bad = |detail: &str| DirectoryError::BadUrl { url: url.to_owned(), detail: detail.to_owned() };
    let (rest, tls) = if url.get(..7).is_some_and(|s| s.eq_ignore_ascii_case("ldap://")) {
        (&url[7..], false)
    } else if url.get(..8).is_some_and(|s| s.eq_ignore_ascii_case("ldaps://")) {
        (&url[8..], true)
    } else {
        return Err(bad("not an ldap:// or ldaps:// URL"));
    };
    let default_port = if tls { 636 } else { 389 };
    let (hostport, tail) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let (host, port) = split_host_port(hostport, default_port).ok_or_else(|| bad("bad host or port"))?;
    if host.is_empty() {
        return Err(bad("no host (a client-chosen default server is not supported)"));
    }
    let tail = tail.strip_prefix('/').unwrap_or(tail);
    let mut parts = tail.splitn(5, '?');
    let dn = decode(parts.next().unwrap_or_default()).ok_or_else(|| bad("bad %-escape in the DN"))?;
    let attributes = parts
        .next()
        .unwrap_or_default()
        .split(',')
        .filter(|a| !a.is_empty())
        .map(|a| decode(a).ok_or_else(|| bad("bad %-escape in the attributes")))
        .collect::<Result<Vec<_>, _>>()?;
    let scope = match parts.next().unwrap_or_default().to_ascii_lowercase().as_str() {
        "" | "base" => Scope::Base,
        "one" => Scope::One,
        "sub" => Scope::Sub,
        _ => return Err(bad("scope must be base, one or sub")),
    };
    let filter = match parts.next().unwrap_or_default() {
        "" => "(objectClass=*)".to_owned(),
        f => decode(f).ok_or_else(|| bad("bad %-escape in the filter"))?,
    };
    if let Some(ext) = parts.next() {
        if ext.split(',').any(|e| e.starts_with('!')) {
            return Err(bad("a critical extension this client does not implement"));
        }
    }
    let scheme = if tls { "ldaps" } else { "ldap" };
    let server = if host.contains(':') {
        format!("{scheme}://[{host}]:{port}")
    } else {
        format!("{scheme}://{host}:{port}")
    };
    Ok(LdapUrl { server, tls, host, port, dn, attributes, scope, filter })
}

fn split_host_port(hostport: &str, default_port: u16) -> Option<(String, u16)> {
    if let Some(v6) = hostport.strip_prefix('[') {
        let (host, after) = v6.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().ok()?,
            None if after.is_empty() => default_port,
            None => return None,
        };
        return Some((host.to_owned(), port));
    }
    match hostport.rsplit_once(':') {
        Some((host, port)) => Some((decode(host)?, port.parse().ok()?)),
        None => Some((decode(hostport)?, default_port)),
    }
}

/// Percent-decoding (RFC 3986 §2.1) into UTF-8; `None` on a broken escape.
fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crl_distribution_point_url() {
        let u = parse("ldap://ldap.example.hk/cn=CA%201,o=Example,c=HK?certificateRevocationList;binary")
            .unwrap();
        assert_eq!(u.server, "ldap://ldap.example.hk:389");
        assert_eq!(u.dn, "cn=CA 1,o=Example,c=HK");
        assert_eq!(u.attributes, vec!["certificateRevocationList;binary"]);
        assert_eq!(u.scope, Scope::Base);
        assert_eq!(u.filter, "(objectClass=*)");
    }

    #[test]
    fn all_parts() {
        let u = parse("LDAP://127.0.0.1:3890/o=Test?cn,mail?sub?(cn=a%2a)?e-bindname").unwrap();
        assert_eq!((u.host.as_str(), u.port), ("127.0.0.1", 3890));
        assert_eq!(u.attributes, vec!["cn", "mail"]);
        assert_eq!(u.scope, Scope::Sub);
        assert_eq!(u.filter, "(cn=a*)");
        let v6 = parse("ldap://[::1]:10389/").unwrap();
        assert_eq!(v6.server, "ldap://[::1]:10389");
        assert_eq!(v6.dn, "");
        assert_eq!(parse("ldap://host").unwrap().port, 389);
        let tls = parse("LDAPS://ldap.example.hk/o=Example").unwrap();
        assert_eq!((tls.server.as_str(), tls.tls, tls.port), ("ldaps://ldap.example.hk:636", true, 636));
        assert_eq!(parse("ldaps://[::1]:6360").unwrap().server, "ldaps://[::1]:6360");
        assert!(!parse("ldap://host").unwrap().tls);
    }

    #[test]
    fn refusals() {
        for bad in [
            "ldapi://%2fvar%2frun%2fslapd/",
            "http://host/",
            "ldap:///o=x",
            "ldap://host:99999/",
            "ldap://host/o=x?a?wide",
            "ldap://host/o=%zz",
            "ldap://host/o=x????!critical-ext",
            "ldap://[::1/",
        ] {
            assert!(matches!(parse(bad), Err(DirectoryError::BadUrl { .. })), "{bad}");
        }
    }
}
