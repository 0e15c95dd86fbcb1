//! PKCS#11 errors that keep the CKR code and the function that returned it
//! (like rust-cryptoki's own `Error::Pkcs11(RvError, Function)`), `Clone` for the app.

use std::path::PathBuf;

use cryptoki::context::Function;
use cryptoki::error::RvError;

#[derive(Debug, Clone, thiserror::Error)]
pub enum Pkcs11Error {
    /// The module file could not be loaded (missing, wrong architecture, missing symbols).
    #[error("cannot load PKCS#11 module {path:?}: {detail}")]
    Load { path: PathBuf, detail: String },
    /// A PKCS#11 function returned a CKR_* error.
    #[error("{function:?} returned {rv}")]
    Call { function: Function, rv: RvError },
    /// Any other failure inside the binding (bad UTF-8 in a label, …).
    #[error("PKCS#11: {detail}")]
    Other { detail: String },
}

impl Pkcs11Error {
    pub fn from_cryptoki(err: cryptoki::error::Error) -> Self {
        match err {
            cryptoki::error::Error::Pkcs11(rv, function) => Self::Call { function, rv },
            other => Self::Other { detail: other.to_string() },
        }
    }

    /// The CKR code, when the module returned one.
    pub fn rv(&self) -> Option<RvError> {
        match self {
            Self::Call { rv, .. } => Some(*rv),
            _ => None,
        }
    }
}
