//! Network refusals ([`crate::verify::network::OnlineRefused`]) in words: a Fluent message id
//! with the error's data as arguments and a remedy id, like [`super::error_text`].

use super::ErrorText;
use crate::verify::network::OnlineRefused;

fn ids(err: &OnlineRefused) -> (&'static str, &'static str, Vec<(&'static str, String)>) {
    match err {
        OnlineRefused::OfflineSetting { settings } => (
            "err-offline-forbids-online",
            "rec-offline-forbids-online",
            vec![("path", settings.display().to_string())],
        ),
    }
}

/// The localized message and remedy for a network refusal.
pub fn network_error_text(err: &OnlineRefused) -> ErrorText {
    super::error_text::render(ids(err))
}

/// The ids used, for the test that every network refusal has text in every language.
pub fn network_error_ids(err: &OnlineRefused) -> (&'static str, &'static str) {
    let (m, r, _) = ids(err);
    (m, r)
}
