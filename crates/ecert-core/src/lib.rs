//! e-Cert Manager's bottom floor (ARCHITECTURE.md): certificates as users see them
//! (`cert`, RFC 5280 §4.1), "is this e-Cert valid?" (`verify`: RFC 5280 §6 path validation,
//! CRLs, RFC 6960 OCSP, the trust store, time) and careful files (`careful_file`:
//! private modes, atomic replacement, the installation salt).
//!
//! **May not import**: any token, card or PKCS#11 code, the app (workflows, settings, i18n)
//! or a GUI. Words for users are said on the app floor: this crate names Fluent ids (for
//! example [`cert::kind::Kind::message_id`]) and returns typed errors, never sentences in a
//! language. Folders that are the user's choice (the trust store's user anchors) are handed
//! in by the caller.
//!
//! Its enums are exhaustive on purpose (no `#[non_exhaustive]`): the app's wording layer
//! matches every variant, so a new error cannot reach a user without words.

pub mod careful_file;
pub mod cert;
pub mod verify;
