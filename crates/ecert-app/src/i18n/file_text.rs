//! File errors ([`crate::careful_file::FileError`]) in words: a Fluent message id with the
//! error's data as arguments and a remedy id, like [`super::error_text`].

use super::ErrorText;
use crate::careful_file::FileError;

pub(super) fn ids(err: &FileError) -> (&'static str, &'static str, Vec<(&'static str, String)>) {
    let path = |p: &std::path::Path| ("path", p.display().to_string());
    match err {
        FileError::AlreadyExists { path: p } => ("err-file-exists", "rec-file-exists", vec![path(p)]),
        FileError::Io { path: p, detail, .. } => {
            ("err-file-io", "rec-file-io", vec![path(p), ("detail", detail.clone())])
        }
        FileError::NoDataDir => ("err-file-no-data-dir", "rec-file-no-data-dir", vec![]),
        FileError::SaltDamaged { path: p, .. } => ("err-salt-damaged", "rec-salt-damaged", vec![path(p)]),
    }
}

/// The localized message and remedy for a file error.
pub fn file_error_text(err: &FileError) -> ErrorText {
    super::error_text::render(ids(err))
}

/// The ids used, for the test that every file error has text in every language.
pub fn file_error_ids(err: &FileError) -> (&'static str, &'static str) {
    let (m, r, _) = ids(err);
    (m, r)
}
