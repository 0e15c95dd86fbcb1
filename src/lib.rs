//! e-Cert Manager's token and app floors (ARCHITECTURE.md), above `ecert-core` (certificates,
//! verification, trust store: re-exported here as `cert`, `verify`, `careful_file`). Layers
//! follow DESIGN.md — `transport` → `apdu` → `piv` / `pkcs11` / `p12file` → `token` → `ops`
//! → `service` (the worker owning devices), with `settings` and `i18n` (the one place errors
//! become words).
//!
//! **May not import**: iced or any GUI crate (`tests/layers.rs` checks the crate graph).

#[cfg(feature = "demo")]
pub mod demo;
pub mod directory;
pub mod i18n;
pub mod ops;
pub mod service;
pub mod settings;
pub mod verify;

// The bottom floor, under the names the app has always used.
pub use ecert_core::{careful_file, cert};
// The token floor, likewise.
pub use ecert_token::{apdu, p12file, piv, pkcs11, reader, secret, tlv, token, transport};
