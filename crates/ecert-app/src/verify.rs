//! Verification as the app uses it: the core's [`ecert_core::verify`] (RFC 5280 §6 path
//! validation, CRLs, RFC 6960 OCSP), re-exported, with the trust store's user folder named
//! on this floor ([`trust`]).

pub use ecert_core::verify::*;

pub mod trust;
