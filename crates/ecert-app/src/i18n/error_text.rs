//! The one place errors become words: each error maps to a Fluent message id (`err-*`)
//! with its data as arguments, plus a remedy id (`rec-*`) saying what to do next.

use crate::apdu::ApduError;
use crate::ops::card_proof::Mismatch;
use crate::ops::workflow::WorkflowError;
use crate::p12file::P12Error;
use crate::piv::PivError;
use crate::token::{Problem, TokenError};

/// A localized error: what happened and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorText {
    pub message: String,
    pub remedy: String,
}

fn ids(err: &TokenError) -> (&'static str, &'static str, Vec<(&'static str, String)>) {
    // What every medium shares is read once, by the token floor (TokenError::problem).
    match err.problem() {
        Problem::CardRemoved => return ("err-card-removed", "rec-card-removed", vec![]),
        Problem::ServiceDown => return ("err-service", "rec-service", vec![]),
        Problem::CardBusy => return ("err-card-busy", "rec-card-busy", vec![]),
        Problem::WrongPin { tries_left: Some(tries), .. } => {
            return ("err-wrong-pin", "rec-wrong-pin", vec![("tries", tries.to_string())])
        }
        Problem::WrongPin { tries_left: None, .. } => return ("err-wrong-secret", "rec-wrong-pin", vec![]),
        Problem::Blocked { .. } => return ("err-pin-blocked", "rec-pin-blocked", vec![]),
        Problem::PinFormat => return ("err-pin-format", "rec-pin-format", vec![]),
        Problem::WrongPassword => return ("err-wrong-password", "rec-wrong-password", vec![]),
        Problem::ManagementKeyRejected | Problem::Other => {}
    }
    match err {
        TokenError::Piv(PivError::Apdu(ApduError::Transport(t))) => {
            ("err-other", "rec-other", vec![("detail", t.to_string())])
        }
        TokenError::Piv(PivError::NotPiv { .. }) => ("err-not-piv", "rec-not-piv", vec![]),
        TokenError::Piv(PivError::ImportNotSupported { .. }) => {
            ("err-key-import-unsupported", "rec-key-import-unsupported", vec![])
        }
        TokenError::Piv(PivError::KeyType(e)) => {
            ("err-key-type-unsupported", "rec-key-type-unsupported", vec![("detail", e.to_string())])
        }
        TokenError::Pkcs11(e) => (
            "err-pkcs11",
            "rec-pkcs11",
            vec![("code", e.rv().map_or_else(|| e.to_string(), |rv| format!("{rv:?}")))],
        ),
        TokenError::KeyMismatch { .. } => ("err-key-mismatch", "rec-key-mismatch", vec![]),
        TokenError::LocationInUse { .. } => ("err-location-in-use", "rec-location-in-use", vec![]),
        TokenError::File(P12Error::NotPkcs12 { .. } | P12Error::Corrupt { .. }) => {
            ("err-not-p12", "rec-not-p12", vec![])
        }
        // Workflows live on this floor; the token floor carries their error as a source.
        TokenError::Workflow(w) => match w.downcast_ref::<WorkflowError>() {
            Some(w) => workflow_ids(w),
            None => ("err-other", "rec-other", vec![("detail", w.to_string())]),
        },
        TokenError::Internal { detail, .. } => {
            ("err-internal", "rec-internal", vec![("detail", detail.clone())])
        }
        other => ("err-other", "rec-other", vec![("detail", other.to_string())]),
    }
}

/// Workflow refusals that need their own words: a job that is not this card's, a file the
/// workflow would not overwrite.
fn workflow_ids(err: &WorkflowError) -> (&'static str, &'static str, Vec<(&'static str, String)>) {
    match err {
        WorkflowError::NotThisCard { id, reason } => {
            let why = match reason {
                Mismatch::Anchor => "card-mismatch-anchor",
                Mismatch::Certificate { .. } => "card-mismatch-certificate",
                Mismatch::Touched { .. } => "card-mismatch-touched",
                Mismatch::NoEvidence => "card-mismatch-no-evidence",
                _ => "card-mismatch-old-journal",
            };
            let location = match reason {
                Mismatch::Certificate { location } | Mismatch::Touched { location } => location.clone(),
                _ => String::new(),
            };
            let reason = super::text_args(why, &[("location", location)]);
            ("err-not-this-card", "rec-not-this-card", vec![("id", id.clone()), ("reason", reason)])
        }
        WorkflowError::Write(file) => super::file_text::ids(file),
        WorkflowError::Token(t) => ids(t),
        WorkflowError::NeedsFile { .. } => ("err-install-needs-file", "rec-install-needs-file", vec![]),
        WorkflowError::SlotInUse { location } => {
            ("err-install-slot-in-use", "rec-install-slot-in-use", vec![("location", location.clone())])
        }
        other => ("err-other", "rec-other", vec![("detail", other.to_string())]),
    }
}

/// The localized message and remedy for `err`.
pub fn error_text(err: &TokenError) -> ErrorText {
    render(ids(err))
}

/// A message id with its arguments and a remedy id, in the current language.
pub(super) fn render((message, remedy, args): (&str, &str, Vec<(&str, String)>)) -> ErrorText {
    ErrorText { message: super::text_args(message, &args), remedy: super::text(remedy) }
}

/// The ids used, for the test that every error has text in every language.
pub fn error_ids(err: &TokenError) -> (&'static str, &'static str) {
    let (m, r, _) = ids(err);
    (m, r)
}
