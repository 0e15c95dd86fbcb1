//! Verification (RFC 5280 §6 path validation, CRL, OCSP) and the trust store. For now the
//! bundled trust anchors; path validation arrives with its own issue.

pub mod signature;
pub mod trust;
