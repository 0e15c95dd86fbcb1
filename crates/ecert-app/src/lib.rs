//! e-Cert Manager's app floor (ARCHITECTURE.md), above `ecert-token` (cards, PKCS#11, files:
//! re-exported here as `piv`, `token`, …) and `ecert-core` (certificates, verification:
//! `cert`, `verify`, `careful_file`): the workflows with their journal and the counter's
//! audit log (`ops`), certificate directories (`directory`, RFC 4511 LDAP and HTTP), the
//! service whose worker owns the devices (`service`), `settings`, the demo card (`demo`)
//! and `i18n`, the one place errors become words. Both front ends (the `ecert-manager` GUI,
//! the `ecert` CLI) use this crate as `ecert`.
//!
//! **May not import**: iced or any GUI or command-line crate (`tests/layers.rs` checks the
//! crate graph).

#[cfg(feature = "demo")]
pub mod demo;
pub mod directory;
pub mod folders;
pub mod i18n;
pub mod ops;
pub mod service;
pub mod settings;
pub mod verify;

// The bottom floor, under the names the app has always used.
pub use ecert_core::{careful_file, cert};
// The token floor, likewise.
pub use ecert_token::{apdu, media, p12file, piv, pkcs11, reader, secret, tlv, token, transport};
