//! Directory errors (`crate::directory::DirectoryError`) in words: like [`super::error_text`],
//! a Fluent message id with the error's data as arguments and a remedy id. Technical details
//! (a TLS library's reason, an LDAP result text) stay as the library gave them, in brackets.

use super::ErrorText;
use crate::directory::DirectoryError;

fn ids(err: &DirectoryError) -> (&'static str, &'static str, Vec<(&'static str, String)>) {
    let url = |u: &str| ("url", u.to_owned());
    let detail = |d: &str| ("detail", d.to_owned());
    match err {
        DirectoryError::BadUrl { url: u, detail: d } => {
            ("err-dir-bad-url", "rec-dir-bad-url", vec![url(u), detail(d)])
        }
        DirectoryError::Unreachable { url: u, detail: d } => {
            ("err-dir-unreachable", "rec-dir-unreachable", vec![url(u), detail(d)])
        }
        DirectoryError::Timeout { url: u, .. } => ("err-dir-timeout", "rec-dir-timeout", vec![url(u)]),
        DirectoryError::SizeLimit { url: u, limit } => {
            ("err-dir-too-many", "rec-dir-too-many", vec![url(u), ("limit", limit.to_string())])
        }
        DirectoryError::Ldap { url: u, code, text } => {
            ("err-dir-refused", "rec-dir-refused", vec![url(u), detail(&format!("{code}, {text}"))])
        }
        DirectoryError::Malformed { dn, expected, .. } => (
            "err-dir-malformed",
            "rec-dir-malformed",
            vec![("dn", dn.clone()), ("expected", (*expected).to_owned())],
        ),
        DirectoryError::Tls { url: u, detail: d } => ("err-dir-tls", "rec-dir-tls", vec![url(u), detail(d)]),
        DirectoryError::Protocol { url: u, detail: d } => {
            ("err-dir-protocol", "rec-dir-protocol", vec![url(u), detail(d)])
        }
        DirectoryError::Offline => ("err-dir-offline", "rec-dir-offline", vec![]),
        DirectoryError::Elsewhere { url: u, directory } => {
            ("err-dir-elsewhere", "rec-dir-elsewhere", vec![url(u), ("directory", directory.clone())])
        }
        DirectoryError::BadQuery { detail: d } => ("err-dir-bad-query", "rec-dir-bad-query", vec![detail(d)]),
    }
}

/// The localized message and remedy for a directory error.
pub fn directory_error_text(err: &DirectoryError) -> ErrorText {
    super::error_text::render(ids(err))
}

/// The ids used, for the test that every directory error has text in every language.
pub fn directory_error_ids(err: &DirectoryError) -> (&'static str, &'static str) {
    let (m, r, _) = ids(err);
    (m, r)
}
