//! The trust store with the user's folder filled in: `<config dir>/anchors`
//! ([`crate::settings::config_dir`]). The core's [`ecert_core::verify::trust`] takes the
//! folder as an argument; the app's callers (GUI and CLI) use these.

use std::path::PathBuf;

pub use ecert_core::verify::trust::*;

/// `<config dir>/anchors`; `None` without a config folder.
pub fn user_dir() -> Option<PathBuf> {
    crate::settings::config_dir().map(|d| d.join("anchors"))
}

/// The user's anchors, and the files that could not be read.
pub fn user() -> (Vec<Anchor>, Vec<TrustError>) {
    ecert_core::verify::trust::user(user_dir().as_deref())
}

/// Bundled + the user's (+ the system's) anchors, with the problems met reading them.
pub fn all(include_system: bool) -> (Vec<Anchor>, Vec<TrustError>) {
    ecert_core::verify::trust::all(user_dir().as_deref(), include_system)
}

/// Adds a CA certificate to the user's anchors (written 0600, atomically).
pub fn add_user(der: &[u8]) -> Result<Anchor, TrustError> {
    ecert_core::verify::trust::add_user(user_dir().as_deref(), der)
}

/// Removes the user-added anchor whose SHA-256 starts with `prefix`.
pub fn remove_user(prefix: &str) -> Result<Anchor, TrustError> {
    ecert_core::verify::trust::remove_user(user_dir().as_deref(), prefix)
}
