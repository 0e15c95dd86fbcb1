//! The one abstraction over the three media (DESIGN.md): a PIV card over PC/SC, a PKCS#11
//! token, an e-Cert file. Everything above (`ops`, `service`, CLI, app) speaks [`Token`];
//! each backend lives in its own file.

mod piv_card;
mod problem;
mod reference;
mod vocab;

pub use piv_card::PivToken;
pub use problem::Problem;
pub use reference::TokenRef;
pub use vocab::{KeyAlgorithm, KeyPartsError, PinRef, PinState, PublicKey};

use serde::Serialize;

use crate::p12file::P12Error;
use crate::piv::PivError;
use crate::pkcs11::Pkcs11Error;
use crate::secret::{ManagementKey, Pin};
use ecert_core::cert::{CertError, CertSummary};

/// Which medium a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TokenKind {
    /// A card with a PIV application, driven by our own APDU driver.
    PivCard,
    /// A token behind a PKCS#11 module.
    Pkcs11,
    /// A PKCS#12 (.p12/.pfx) e-Cert file.
    File,
}

/// PIN facts shown before any prompt, read without spending a try.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[allow(clippy::struct_excessive_bools)] // mirrors the PKCS#11 CKF_USER_PIN_* flags one to one
pub struct PinFacts {
    /// Exact tries left when the medium tells (PIV does, PKCS#11 does not).
    pub tries_left: Option<u8>,
    /// PKCS#11 CKF_USER_PIN_COUNT_LOW: a wrong PIN has been entered since the last success.
    pub count_low: bool,
    /// The next wrong PIN blocks it (CKF_USER_PIN_FINAL_TRY, or one PIV try left).
    pub final_try: bool,
    /// Blocked (CKF_USER_PIN_LOCKED, PIV 6983 / 63C0).
    pub locked: bool,
    /// Already verified in this session.
    pub verified: bool,
}

impl From<PinState> for PinFacts {
    fn from(s: PinState) -> Self {
        match s {
            PinState::Verified => Self { verified: true, ..Self::default() },
            PinState::Blocked => Self { tries_left: Some(0), locked: true, ..Self::default() },
            PinState::TriesLeft { tries } => {
                Self { tries_left: Some(tries), final_try: tries == 1, ..Self::default() }
            }
        }
    }
}

/// Facts about a token that listing can give without a PIN.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    pub reference: TokenRef,
    pub kind: TokenKind,
    pub label: String,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub serial: Option<String>,
    /// The card's own serial number where it offers one besides `serial` (PIV: Yubico GET
    /// SERIAL, INS F8), used with the GUID to tell cards apart.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_serial: Option<String>,
    pub pin: Option<PinFacts>,
    /// Token refuses writes (CKF_WRITE_PROTECTED; files opened read-only).
    pub write_protected: bool,
    /// Token not initialised (PKCS#11 CKF_TOKEN_INITIALIZED clear).
    pub uninitialized: bool,
}

/// One certificate object on a token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CertObject {
    /// Where it lives on the token: PIV slot id ("9a"), PKCS#11 CKA_ID hex, bag index.
    pub location: String,
    pub label: Option<String>,
    #[serde(skip)]
    pub der: Vec<u8>,
    /// `None` when the bytes are not a parsable certificate (shown as such, never hidden).
    pub summary: Option<CertSummary>,
    /// Whether a key with the same id is on the token (PKCS#11 pairs by CKA_ID); `None`
    /// where the medium cannot tell without a PIN (PIV has no key metadata).
    pub key: Option<bool>,
}

impl CertObject {
    pub fn new(location: String, label: Option<String>, der: Vec<u8>) -> Self {
        let summary = CertSummary::from_der(&der).ok();
        Self { location, label, der, summary, key: None }
    }
}

/// Errors from any token backend.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TokenError {
    #[error(transparent)]
    Piv(#[from] PivError),
    #[error(transparent)]
    Pkcs11(#[from] Pkcs11Error),
    #[error(transparent)]
    File(#[from] P12Error),
    #[error(transparent)]
    Cert(#[from] CertError),
    #[error(transparent)]
    Csr(#[from] crate::csr::CsrError),
    /// A lifecycle workflow stopped (pending job, wrong certificate, journal unwritable…).
    /// The workflows live on the app floor above this crate, so their typed error travels
    /// here as a source the app's wording layer downcasts (`ecert::ops::workflow::WorkflowError`).
    #[error(transparent)]
    Workflow(std::sync::Arc<dyn std::error::Error + Send + Sync>),
    /// The operation needs the file's password (PKCS#12 bags are encrypted).
    #[error("a password is needed")]
    PasswordNeeded,
    /// No token matches the reference the user gave.
    #[error("no token matches {reference}")]
    NotFound { reference: String },
    /// This medium cannot do that (a file cannot generate keys).
    #[error("this medium does not support {operation}")]
    Unsupported { operation: &'static str },
    /// The location (PIV slot id, object id) does not name a place on this token.
    #[error("{location:?} is not a slot on this token")]
    BadLocation { location: String },
    /// The certificate's public key is not the key in that slot: nothing was written.
    #[error("the certificate does not belong to the key in {location}")]
    KeyMismatch { location: String },
    /// Something is already stored there; we never overwrite a key.
    #[error("{location:?} already holds a key")]
    LocationInUse { location: String },
    /// The operation needs a credential the caller did not give (nothing was sent).
    #[error("the {what} is needed for this")]
    CredentialNeeded { what: &'static str },
    /// A bug stopped this one request (a panic caught by the service worker, which goes on
    /// serving): `detail` is the panic's message.
    #[error("internal error during {what}: {detail}")]
    Internal { what: &'static str, detail: String },
}

/// Credentials for one write operation. Each is used at most once and dropped (zeroized)
/// with the request.
#[derive(Debug, Default)]
pub struct Auth {
    pub pin: Option<Pin>,
    pub management_key: Option<ManagementKey>,
    /// The password of an e-Cert file.
    pub password: Option<crate::secret::Password>,
}

/// A card, token or file holding e-Certs.
pub trait Token: Send {
    fn info(&self) -> &TokenInfo;

    /// What the card carries that identifies it, read from it now (never a cached value: a
    /// card can be swapped between two calls): its GUID (PIV CHUID) and its serial number.
    /// By default the serial `info()` holds (a PKCS#11 token's CK_TOKEN_INFO serialNumber).
    fn card_marks(&mut self) -> Result<(Option<String>, Option<String>), TokenError> {
        Ok((None, self.info().serial.clone()))
    }

    /// Every certificate object on the token, in the medium's order.
    fn certificates(&mut self) -> Result<Vec<CertObject>, TokenError>;

    /// Certificates when the medium needs a credential to show them (an e-Cert file's
    /// password); other media ignore `auth`.
    fn certificates_with(&mut self, _auth: &Auth) -> Result<Vec<CertObject>, TokenError> {
        self.certificates()
    }

    /// The certificate at one location, read directly (PIV: one GET DATA, retired slots
    /// included).
    fn certificate_at(&mut self, location: &str) -> Result<Option<Vec<u8>>, TokenError> {
        Ok(self.certificates()?.into_iter().find(|c| c.location == location).map(|c| c.der))
    }

    /// Stores a private key (PKCS#8 DER) at `location`.
    fn import_key(&mut self, _location: &str, _pkcs8_der: &[u8], _auth: &Auth) -> Result<(), TokenError> {
        Err(TokenError::Unsupported { operation: "importing private keys" })
    }

    /// Deletes the private (and public) key at `location`.
    fn delete_key(&mut self, _location: &str, _auth: &Auth) -> Result<(), TokenError> {
        Err(TokenError::Unsupported { operation: "deleting keys" })
    }

    /// PIN facts read now, without spending a try.
    fn pin_status(&mut self) -> Result<PinFacts, TokenError> {
        Ok(self.info().pin.unwrap_or_default())
    }

    /// Changes the PIN or PUK. One attempt: a wrong old value costs exactly one try.
    fn change_pin(&mut self, _which: PinRef, _old: &Pin, _new: &Pin) -> Result<(), TokenError> {
        Err(TokenError::Unsupported { operation: "changing the PIN" })
    }

    /// Unblocks the PIN with the PUK (PKCS#11: SO PIN) and sets a new one.
    fn unblock_pin(&mut self, _puk: &Pin, _new_pin: &Pin) -> Result<(), TokenError> {
        Err(TokenError::Unsupported { operation: "unblocking the PIN" })
    }

    /// Generates a key pair at `location`.
    fn generate_key(
        &mut self,
        _location: &str,
        _alg: KeyAlgorithm,
        _auth: &Auth,
    ) -> Result<PublicKey, TokenError> {
        Err(TokenError::Unsupported { operation: "generating keys" })
    }

    /// Signs `input` (see [`crate::csr::card_sign_input`]) with the key at `location`.
    fn sign(
        &mut self,
        _location: &str,
        _alg: KeyAlgorithm,
        _input: &[u8],
        _auth: &Auth,
    ) -> Result<Vec<u8>, TokenError> {
        Err(TokenError::Unsupported { operation: "signing" })
    }

    /// Writes a certificate at `location`.
    fn import_certificate(&mut self, _location: &str, _der: &[u8], _auth: &Auth) -> Result<(), TokenError> {
        Err(TokenError::Unsupported { operation: "writing certificates" })
    }

    /// Deletes the certificate at `location`.
    fn delete_certificate(&mut self, _location: &str, _auth: &Auth) -> Result<(), TokenError> {
        Err(TokenError::Unsupported { operation: "deleting certificates" })
    }
}
