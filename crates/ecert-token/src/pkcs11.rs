//! PKCS#11 tokens (OASIS PKCS#11 v2.40/3.x) through the `cryptoki` crate: finding modules
//! (p11-kit registry, well-known paths, settings), loading each once, listing tokens with
//! their PIN flags, and the [`Token`](crate::token::Token) backend.

mod discover;
mod error;
mod module;
mod token;
mod well_known;

pub use discover::{discover_modules, ModuleSource, ModuleSpec};
pub use error::Pkcs11Error;
pub use module::{LoadedModule, ModuleStatus, Pkcs11Token};
