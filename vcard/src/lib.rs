//! A virtual PIV smart card for e-Cert Manager's tests.
//!
//! It stands beside the product's floors: **May not import** any e-Cert Manager crate (it
//! plays the card the product talks to; `tests/layers.rs` checks).
//!
//! The PIV application (NIST SP 800-73-4) is the `piv-authenticator` crate (Nitrokey, Apache-2.0
//! OR MIT) running on a trussed platform of our own ([`platform`], [`dispatch`]) over trussed's
//! virt storage (RAM, or files that persist between runs). In front of it, [`frontend`] does what
//! a card's transport layer does: command chaining, `61XX`/GET RESPONSE, and reset. A
//! [`VirtualPiv`] is used in-process through [`VirtualPiv::execute`], or served to pcscd through
//! vpcd ([`vpcd`], the `ecert-vcard` binary).
//!
//! ```no_run
//! let mut card = ecert_vcard::VirtualPiv::in_memory()?;
//! let r = card.execute(&[0x00, 0xA4, 0x04, 0x00, 0x05, 0xA0, 0x00, 0x00, 0x03, 0x08]);
//! assert_eq!(&r[r.len() - 2..], &[0x90, 0x00]);
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! Defaults: PIN `123456`, PUK `12345678` (3 tries each), 3DES management key
//! `010203040506070801020304050607080102030405060708`.

#![forbid(unsafe_code)]

pub mod apdu;
pub mod card;
pub mod dispatch;
pub mod frontend;
pub mod piv;
pub mod platform;
pub mod vpcd;

pub use card::{VirtualPiv, ATR};
