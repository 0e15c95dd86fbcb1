//! e-Cert Manager's token floor (ARCHITECTURE.md): everything that talks to where e-Certs
//! are kept. From the bottom: `transport` (PC/SC, ISO/IEC 7816-3 exchanges) and `reader`,
//! `apdu` and `tlv` (ISO/IEC 7816-4 commands, BER-TLV), the media — `piv` (NIST SP 800-73-4
//! cards), `pkcs11` (PKCS#11 v2.40 / v3.0 tokens), `p12file` (RFC 7292 files) — and `token`,
//! the `Token` trait and vocabulary over all three. `csr` (RFC 2986 requests a key on a
//! token signs) and `soft_key` (keys in PKCS#8, RFC 5958) serve them; `secret` holds PINs,
//! PUKs, management keys and passwords (zeroized, never printed).
//!
//! **May not import**: the app (workflows, journal, service, settings, i18n) or a GUI. It
//! uses `ecert-core` for certificates. Its errors are typed and exhaustive; words for users
//! are said on the app floor.

pub mod apdu;
pub mod csr;
pub mod media;
pub mod p12file;
pub mod piv;
pub mod pkcs11;
pub mod reader;
pub mod secret;
pub mod soft_key;
pub mod tlv;
pub mod token;
pub mod transport;
