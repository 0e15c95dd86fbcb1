//! The LDAP client (RFC 4511) on `ldap3`'s synchronous API; no async type leaves this file.
//! Anonymous; plain `ldap://`, `ldaps://`, or `ldap://` switched to TLS with StartTLS (RFC 4511
//! §4.14, RFC 4513 §3). TLS is the system's (native-tls: OpenSSL here), checking the server's
//! certificate and name against the system's trust store; a failure is [`DirectoryError::Tls`].
//! Every search is paged (RFC 2696 simple paged results), carries a sizeLimit and timeLimit
//! (RFC 4511 §4.5.1.5–6) and is bounded on our side too: a time-out per response, a deadline
//! for the whole search and a cap on entries, so a directory that is large, slow or silent
//! cannot hang the caller.
//!
//! `ldap3` never talks to the server directly: it gets a stream from `relay`, which does the
//! TLS and passes on only whole messages of bounded size and depth (`ber`).
//!
//! Entries are decoded from the protocol element ourselves (not with `SearchEntry::construct`,
//! which panics on an unexpected shape): every value is kept as bytes.

use std::time::{Duration, Instant};

use ldap3::adapters::{Adapter, EntriesOnly, PagedResults};
use ldap3::asn1::StructureTag;
use ldap3::{LdapConn, LdapConnSettings, LdapError, ResultEntry, SearchOptions, StdStream};

use super::relay::{self, Violation};
use super::url::{self as ldap_url, Scope};
use super::{DirectoryError, Limits};

/// RFC 4511 §4.1.9 result codes we act on.
const SIZE_LIMIT_EXCEEDED: u32 = 4;
const TIME_LIMIT_EXCEEDED: u32 = 3;
const NO_SUCH_OBJECT: u32 = 32;

/// One directory entry: its DN and every attribute's values as bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub dn: String,
    /// Attribute descriptions as the server returned them (e.g. `userCertificate;binary`).
    pub attributes: Vec<(String, Vec<Vec<u8>>)>,
}

impl Entry {
    /// Values of attribute `name`, matched case-insensitively and regardless of options
    /// (`userCertificate` matches `userCertificate;binary`, RFC 4522 §2).
    pub fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = (&'a str, &'a [u8])> + 'a {
        let base = name.split(';').next().unwrap_or(name);
        self.attributes
            .iter()
            .filter(move |(a, _)| a.split(';').next().is_some_and(|b| b.eq_ignore_ascii_case(base)))
            .flat_map(|(a, vs)| vs.iter().map(move |v| (a.as_str(), v.as_slice())))
    }

    /// The first value of a text attribute, if it is UTF-8.
    pub fn text(&self, name: &str) -> Option<String> {
        self.values(name).find_map(|(_, v)| std::str::from_utf8(v).ok().map(str::to_owned))
    }
}

/// An open connection to one server.
pub struct Client {
    conn: LdapConn,
    server: String,
    limits: Limits,
    violation: Violation,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("server", &self.server)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Connects to `server` (`ldap://host:port` or `ldaps://host:port`) within
    /// `limits.connect`; with `starttls`, an `ldap://` connection goes TLS first.
    pub fn connect(server: &str, limits: Limits, starttls: bool) -> Result<Self, DirectoryError> {
        let url = ldap_url::parse(server)?;
        let (stream, violation) = relay::open(&url, starttls, limits)?;
        let local = stream
            .peer_addr()
            .map_err(|e| DirectoryError::Protocol { url: server.to_owned(), detail: e.to_string() })?;
        let settings =
            LdapConnSettings::new().set_conn_timeout(limits.connect).set_std_stream(StdStream::Tcp(stream));
        let conn = LdapConn::with_settings(settings, &format!("ldap://{local}"))
            .map_err(|e| map_error(server, limits.connect, limits.max_entries, e, true))?;
        Ok(Client { conn, server: server.to_owned(), limits, violation })
    }

    pub fn server(&self) -> &str {
        &self.server
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Searches with paging; fails with `SizeLimit` when more than `limits.max_entries`
    /// entries match and with `Timeout` when the server stays silent for `limits.operation`
    /// or the whole search takes longer than `limits.total`.
    pub fn search(
        &mut self,
        base: &str,
        scope: Scope,
        filter: &str,
        attributes: &[&str],
    ) -> Result<Vec<Entry>, DirectoryError> {
        let started = Instant::now();
        let limits = self.limits;
        let server = self.server.clone();
        let violation = self.violation.clone();
        let err = |e: LdapError| match violation.lock().ok().and_then(|v| v.clone()) {
            // The relay refused what the server sent; ldap3 only saw the connection close.
            Some(problem) => DirectoryError::Protocol { url: server.clone(), detail: problem.to_string() },
            None => map_error(&server, limits.operation, limits.max_entries, e, false),
        };
        let scope = match scope {
            Scope::Base => ldap3::Scope::Base,
            Scope::One => ldap3::Scope::OneLevel,
            Scope::Sub => ldap3::Scope::Subtree,
        };
        let size = i32::try_from(limits.max_entries.saturating_add(1)).unwrap_or(i32::MAX);
        let time = i32::try_from(limits.total.as_secs().max(1)).unwrap_or(i32::MAX);
        let attrs: Vec<String> = attributes.iter().map(|a| (*a).to_owned()).collect();
        let adapters: Vec<Box<dyn Adapter<'_, String, Vec<String>>>> =
            vec![Box::new(EntriesOnly::new()), Box::new(PagedResults::new(i32::from(limits.page_size)))];
        let mut stream = self
            .conn
            .with_search_options(SearchOptions::new().sizelimit(size).timelimit(time))
            .with_timeout(limits.operation)
            .streaming_search_with(adapters, base, scope, filter, attrs)
            .map_err(err)?;
        let mut entries = Vec::new();
        loop {
            if started.elapsed() > limits.total {
                return Err(DirectoryError::Timeout { url: server.clone(), after: limits.total });
            }
            let Some(raw) = stream.next().map_err(err)? else { break };
            if entries.len() >= limits.max_entries {
                return Err(DirectoryError::SizeLimit { url: server.clone(), limit: limits.max_entries });
            }
            entries.push(decode_entry(raw).map_err(|detail| DirectoryError::Protocol {
                url: server.clone(),
                detail: format!("malformed SearchResultEntry: {detail}"),
            })?);
        }
        let result = stream.result();
        match result.rc {
            0 => Ok(entries),
            NO_SUCH_OBJECT => Ok(Vec::new()),
            _ => Err(err(LdapError::LdapResult { result })),
        }
    }

    /// Reads the entry at `dn` (a base-object search); `None` when there is no such entry.
    pub fn read(&mut self, dn: &str, attributes: &[&str]) -> Result<Option<Entry>, DirectoryError> {
        Ok(self.search(dn, Scope::Base, "(objectClass=*)", attributes)?.into_iter().next())
    }
}

/// Decodes a SearchResultEntry (RFC 4511 §4.5.2: `[APPLICATION 4] SEQUENCE { objectName
/// LDAPDN, attributes PartialAttributeList }`) without panicking on a hostile shape.
fn decode_entry(raw: ResultEntry) -> Result<Entry, String> {
    let parts = raw.0.match_id(4).and_then(StructureTag::expect_constructed).ok_or("not an entry")?;
    let mut parts = parts.into_iter();
    let dn = parts.next().and_then(StructureTag::expect_primitive).ok_or("no objectName")?;
    let dn = String::from_utf8(dn).map_err(|_| "objectName is not UTF-8")?;
    let list = parts.next().and_then(StructureTag::expect_constructed).ok_or("no attribute list")?;
    let mut attributes = Vec::with_capacity(list.len());
    for attribute in list {
        let mut a = attribute.expect_constructed().ok_or("attribute is not a SEQUENCE")?.into_iter();
        let name = a.next().and_then(StructureTag::expect_primitive).ok_or("no attribute type")?;
        let name = String::from_utf8(name).map_err(|_| "attribute type is not UTF-8")?;
        let values = a.next().and_then(StructureTag::expect_constructed).ok_or("no value set")?;
        let values = values
            .into_iter()
            .map(|v| v.expect_primitive().ok_or("a value is not an OCTET STRING"))
            .collect::<Result<Vec<_>, _>>()?;
        attributes.push((name, values));
    }
    Ok(Entry { dn, attributes })
}

fn map_error(url: &str, after: Duration, limit: usize, e: LdapError, connecting: bool) -> DirectoryError {
    let url = url.to_owned();
    match e {
        LdapError::Timeout { .. } => DirectoryError::Timeout { url, after },
        LdapError::Io { source } if connecting => {
            DirectoryError::Unreachable { url, detail: source.to_string() }
        }
        LdapError::UrlParsing { .. } | LdapError::UnknownScheme(_) | LdapError::InvalidScopeString(_) => {
            DirectoryError::BadUrl { url, detail: e.to_string() }
        }
        LdapError::NativeTLS { source } => DirectoryError::Tls { url, detail: source.to_string() },
        LdapError::LdapResult { result } => match result.rc {
            SIZE_LIMIT_EXCEEDED => DirectoryError::SizeLimit { url, limit },
            TIME_LIMIT_EXCEEDED => DirectoryError::Timeout { url, after },
            code => DirectoryError::Ldap {
                url,
                code,
                text: if result.text.is_empty() { code_name(code).to_owned() } else { result.text },
            },
        },
        other => DirectoryError::Protocol { url, detail: other.to_string() },
    }
}

/// Names of the RFC 4511 Appendix A result codes a search can meet.
fn code_name(code: u32) -> &'static str {
    match code {
        1 => "operationsError",
        2 => "protocolError",
        10 => "referral",
        11 => "adminLimitExceeded",
        12 => "unavailableCriticalExtension",
        34 => "invalidDNSyntax",
        48 => "inappropriateAuthentication",
        49 => "invalidCredentials",
        50 => "insufficientAccessRights",
        51 => "busy",
        52 => "unavailable",
        53 => "unwillingToPerform",
        _ => "error",
    }
}
