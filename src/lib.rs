//! e-Cert Manager core: everything but the presentation. Layers follow DESIGN.md —
//! `transport` → `apdu` → `piv` / `pkcs11` / `p12file` → `token` → `ops` / `verify` →
//! `service` (the worker owning devices) — and none of them knows about iced.

pub mod apdu;
pub mod careful_file;
pub mod cert;
#[cfg(feature = "demo")]
pub mod demo;
pub mod directory;
pub mod i18n;
pub mod ops;
pub mod p12file;
pub mod piv;
pub mod pkcs11;
pub mod reader;
pub mod secret;
pub mod service;
pub mod settings;
pub mod tlv;
pub mod token;
pub mod transport;
pub mod verify;
