//! Certificate directories: the public repositories where CAs publish every certificate they
//! issue (revoked and expired ones too), their CA certificates and their CRLs.
//!
//! Two kinds: LDAP directories (RFC 4511 protocol, RFC 4516 URLs, RFC 4515 filters, RFC 4523
//! certificate attributes, RFC 2696 paged results) reached through `ldap3`'s synchronous API,
//! and plain HTTP repositories (a URL serving DER or PEM). Everything here is bounded: connect
//! and per-operation time-outs, a whole-search deadline, a cap on entries and bytes. What comes
//! back is hostile until parsed: a value that is not DER is reported as [`DirectoryError::Malformed`].
//!
//! `filter` builds filters, `url` parses LDAP URLs, `pair` decodes cross-certificate pairs,
//! `ldap` is the client, `http` the HTTP kind, `lookup` the searches, `check` runs what was
//! found through `crate::verify` with the chain and CRLs read from the same directory.

pub mod ber;
pub mod check;
pub mod filter;
pub mod http;
pub mod ldap;
pub mod lookup;
pub mod pair;
mod relay;
pub mod url;

use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use check::{check_found, Checked, Status};
pub use lookup::{Found, Query};

/// A directory the user configured (settings `directories`). None is preset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Directory {
    /// The user's name for it (unique among the configured directories).
    pub name: String,
    /// `ldap://host[:port][/base]` (RFC 4516), `ldaps://…` (TLS from the first byte) or
    /// `http://…` (a file served as DER or PEM).
    pub url: String,
    /// Search base DN (RFC 4514); `None` takes the URL's DN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// For `ldap://`: switch to TLS with StartTLS (RFC 4511 §4.14) before anything else, and
    /// give up if the server cannot.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub starttls: bool,
}

/// The two kinds of repository.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Ldap,
    Http,
}

impl Directory {
    /// The kind, from the URL's scheme (`ldap://` or `http://`).
    pub fn kind(&self) -> Result<Kind, DirectoryError> {
        kind_of(&self.url)
    }
}

/// `ldap://` and `ldaps://` → LDAP, `http://` → HTTP; anything else is refused.
pub fn kind_of(url: &str) -> Result<Kind, DirectoryError> {
    let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase()).unwrap_or_default();
    match scheme.as_str() {
        "ldap" | "ldaps" => Ok(Kind::Ldap),
        "http" => Ok(Kind::Http),
        _ => Err(DirectoryError::BadUrl {
            url: url.to_owned(),
            detail: "only ldap://, ldaps:// and http:// are supported".into(),
        }),
    }
}

/// Bounds on one directory exchange, so a large or slow directory cannot hang the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// TCP connect time-out.
    pub connect: Duration,
    /// Time-out for each LDAP operation step (one response message).
    pub operation: Duration,
    /// Deadline for a whole search, all pages included.
    pub total: Duration,
    /// Most entries one search may return (also sent as the RFC 4511 §4.5.1.5 sizeLimit).
    pub max_entries: usize,
    /// RFC 2696 page size.
    pub page_size: u16,
    /// Most bytes an HTTP repository may send, and the largest single LDAP message accepted
    /// (`ber`, checked by the relay before `ldap3` decodes it).
    pub max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            connect: Duration::from_secs(5),
            operation: Duration::from_secs(10),
            total: Duration::from_secs(30),
            max_entries: 500,
            page_size: 100,
            max_bytes: 16 * 1024 * 1024,
        }
    }
}

/// Why a directory lookup failed. Each variant keeps the URL (or DN) it concerns.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DirectoryError {
    #[error("not a usable directory URL {url}: {detail}")]
    BadUrl { url: String, detail: String },
    /// Nothing answers at that address (connection refused, no route, unknown host).
    #[error("cannot reach the directory {url}: {detail}")]
    Unreachable { url: String, detail: String },
    /// The server accepted the connection but did not answer in time.
    #[error("the directory {url} did not answer within {after:?}")]
    Timeout { url: String, after: Duration },
    /// More entries matched than the limit allows (client limit or the server's, RFC 4511
    /// result code 4): narrow the search.
    #[error("more than {limit} entries match at {url}; narrow the search")]
    SizeLimit { url: String, limit: usize },
    /// The server answered with an LDAP error (RFC 4511 §4.1.9 result code).
    #[error("the directory {url} answered result code {code} ({text})")]
    Ldap { url: String, code: u32, text: String },
    /// A value that should be DER (a certificate, CRL or certificate pair) is not.
    #[error("{dn}: the value of {attribute} is not a valid {expected}: {detail}")]
    Malformed { dn: String, attribute: String, expected: &'static str, detail: String },
    /// TLS could not be set up: the server's certificate is not trusted (or not for this
    /// host), or the server does not speak TLS / StartTLS.
    #[error("no secure connection to the directory {url}: {detail}")]
    Tls { url: String, detail: String },
    /// The connection broke or the server spoke broken LDAP/HTTP.
    #[error("protocol error talking to {url}: {detail}")]
    Protocol { url: String, detail: String },
    /// A certificate found names material on another server (`url`); only the configured
    /// directory is contacted, so it was not read.
    #[error("{url} is not on the directory being searched ({directory}); not read")]
    Elsewhere { url: String, directory: String },
    /// Offline mode is on: no directory is contacted.
    #[error("offline mode is on; no directory is contacted")]
    Offline,
    /// The search text cannot be used (empty, or a serial that is not hex).
    #[error("invalid search: {detail}")]
    BadQuery { detail: String },
}
