//! Stable references to tokens, never slot indexes (PKCS#11 slot ids change between runs;
//! SoftHSM's are random): a reader name, a module + token serial/label, or a file path.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case", tag = "type")]
pub enum TokenRef {
    /// A PIV card in a PC/SC reader.
    Reader { reader: String },
    /// A PKCS#11 token: module path plus the token's serial and label.
    Pkcs11 { module: PathBuf, serial: String, label: String },
    /// An e-Cert file.
    File { path: PathBuf },
    /// The in-process demo card (sample e-Certs from a demo CA).
    Demo,
}

impl fmt::Display for TokenRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Reader { reader } => write!(f, "pcsc:{reader}"),
            Self::Pkcs11 { module, serial, label } => {
                write!(f, "pkcs11:{}?serial={serial}&label={label}", module.display())
            }
            Self::File { path } => write!(f, "file:{}", path.display()),
            Self::Demo => f.write_str("demo:"),
        }
    }
}

impl TokenRef {
    /// Does the user's text name this token? Accepts the full form, a reader name, a
    /// PKCS#11 token label or serial, or a file path.
    pub fn matches(&self, text: &str) -> bool {
        if self.to_string() == text {
            return true;
        }
        match self {
            Self::Reader { reader } => reader == text || text.strip_prefix("pcsc:") == Some(reader),
            Self::Pkcs11 { serial, label, .. } => serial == text || label == text,
            Self::File { path } => path.as_os_str() == text,
            Self::Demo => text == "demo",
        }
    }
}
