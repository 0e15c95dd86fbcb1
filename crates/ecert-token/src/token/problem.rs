//! What went wrong, in the words every medium shares (issue 15 item 2). A PIV card says a
//! wrong PIN with status 63Cx (SP 800-73-4 Part 2 §3.2.1), a PKCS#11 module with
//! CKR_PIN_INCORRECT (PKCS#11 v2.40 §5.1), PC/SC with SCARD_W_REMOVED_CARD; callers above
//! the token floor (the wording layer, the workflows, the GUI's dialogs) ask
//! [`TokenError::problem`] instead of drilling through each backend's error. The backend
//! error stays inside the [`TokenError`] as its source, for diagnostics.

use cryptoki::error::RvError as Rv;

use super::{PinRef, TokenError};
use crate::apdu::ApduError;
use crate::p12file::P12Error;
use crate::piv::PivError;
use crate::pkcs11::Pkcs11Error;
use crate::transport::TransportError;

/// A backend-neutral reading of a [`TokenError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// A wrong PIN or PUK: one try spent; `tries_left` when the medium says.
    WrongPin { which: PinRef, tries_left: Option<u8> },
    /// The PIN or PUK is blocked.
    Blocked { which: PinRef },
    /// The PIN typed is not one the medium accepts (length, characters); nothing was sent.
    PinFormat,
    /// The card's management key was not accepted.
    ManagementKeyRejected,
    /// The card or token went away (pulled, reset, reader unplugged).
    CardRemoved,
    /// Another program holds the card exclusively.
    CardBusy,
    /// The smart-card service (pcscd, SCardSvr) is not running.
    ServiceDown,
    /// A wrong password for an e-Cert file.
    WrongPassword,
    /// Anything else: the error itself says what.
    Other,
}

impl TokenError {
    /// What went wrong, whatever the medium.
    pub fn problem(&self) -> Problem {
        match self {
            TokenError::Piv(e) => piv(e),
            TokenError::Pkcs11(e) => pkcs11(e),
            TokenError::File(P12Error::WrongPassword { .. }) => Problem::WrongPassword,
            _ => Problem::Other,
        }
    }
}

fn piv(e: &PivError) -> Problem {
    match e {
        PivError::Apdu(ApduError::Transport(t)) => match t {
            TransportError::CardRemoved | TransportError::CardReset | TransportError::Disconnected => {
                Problem::CardRemoved
            }
            TransportError::NoService => Problem::ServiceDown,
            TransportError::Sharing => Problem::CardBusy,
            _ => Problem::Other,
        },
        // (A 63C0 answer is already PivError::Blocked: piv::pin maps it.)
        PivError::WrongPin { which, tries_left } => {
            Problem::WrongPin { which: *which, tries_left: *tries_left }
        }
        PivError::Blocked { which } => Problem::Blocked { which: *which },
        PivError::PinFormat { .. } => Problem::PinFormat,
        PivError::ManagementKeyRejected => Problem::ManagementKeyRejected,
        _ => Problem::Other,
    }
}

fn pkcs11(e: &Pkcs11Error) -> Problem {
    match e.rv() {
        // CKU_USER is the only user this app logs in as.
        Some(Rv::PinIncorrect) => Problem::WrongPin { which: PinRef::Pin, tries_left: None },
        Some(Rv::PinLocked) => Problem::Blocked { which: PinRef::Pin },
        Some(Rv::PinLenRange | Rv::PinInvalid) => Problem::PinFormat,
        Some(Rv::TokenNotPresent | Rv::DeviceRemoved) => Problem::CardRemoved,
        _ => Problem::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cryptoki::context::Function;

    #[test]
    fn every_medium_says_a_wrong_pin_and_a_pulled_card_the_same_way() {
        let piv_wrong = TokenError::Piv(PivError::WrongPin { which: PinRef::Pin, tries_left: Some(2) });
        assert_eq!(piv_wrong.problem(), Problem::WrongPin { which: PinRef::Pin, tries_left: Some(2) });
        let p11_wrong =
            TokenError::Pkcs11(Pkcs11Error::Call { function: Function::Login, rv: Rv::PinIncorrect });
        assert_eq!(p11_wrong.problem(), Problem::WrongPin { which: PinRef::Pin, tries_left: None });
        let pulled = TokenError::Piv(PivError::Apdu(ApduError::Transport(TransportError::CardRemoved)));
        assert_eq!(pulled.problem(), Problem::CardRemoved);
        let p11_pulled =
            TokenError::Pkcs11(Pkcs11Error::Call { function: Function::Sign, rv: Rv::DeviceRemoved });
        assert_eq!(p11_pulled.problem(), Problem::CardRemoved);
        let no_service = TokenError::Piv(PivError::Apdu(ApduError::Transport(TransportError::NoService)));
        assert_eq!(no_service.problem(), Problem::ServiceDown);
    }

    #[test]
    fn blocked_secrets_and_other_errors() {
        let puk = TokenError::Piv(PivError::Blocked { which: PinRef::Puk });
        assert_eq!(puk.problem(), Problem::Blocked { which: PinRef::Puk });
        let locked = TokenError::Pkcs11(Pkcs11Error::Call { function: Function::Login, rv: Rv::PinLocked });
        assert_eq!(locked.problem(), Problem::Blocked { which: PinRef::Pin });
        assert_eq!(
            TokenError::Piv(PivError::ManagementKeyRejected).problem(),
            Problem::ManagementKeyRejected
        );
        assert_eq!(TokenError::PasswordNeeded.problem(), Problem::Other);
        assert_eq!(TokenError::Piv(PivError::CardFull).problem(), Problem::Other);
    }
}
