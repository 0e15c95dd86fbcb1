//! [`Token`] for a PIV card, over any [`Transport`] (pcscd, or in-process for tests and
//! the demo card). Each call selects the application first, so another application's
//! SELECT in between does not confuse us.

use crate::piv::{Piv, Slot};
use crate::transport::Transport;

use super::{CertObject, PinFacts, Token, TokenError, TokenInfo, TokenKind, TokenRef};

/// A PIV card reached through `transport`.
pub struct PivToken {
    transport: Box<dyn Transport>,
    info: TokenInfo,
}

impl PivToken {
    /// Selects PIV on the card and reads its PIN state (two APDUs; no try spent).
    pub fn open(mut transport: Box<dyn Transport>, reader: &str) -> Result<Self, TokenError> {
        let (mut piv, app) = Piv::select(transport.as_mut())?;
        let pin = piv.pin_state()?;
        let info = TokenInfo {
            reference: TokenRef::Reader { reader: reader.to_owned() },
            kind: TokenKind::PivCard,
            label: app.label.unwrap_or_else(|| "PIV".to_owned()),
            manufacturer: None,
            model: None,
            serial: None,
            pin: Some(PinFacts::from(pin)),
            write_protected: false,
            uninitialized: false,
        };
        Ok(Self { transport, info })
    }
}

impl Token for PivToken {
    fn info(&self) -> &TokenInfo {
        &self.info
    }

    fn certificates(&mut self) -> Result<Vec<CertObject>, TokenError> {
        let (mut piv, _) = Piv::select(self.transport.as_mut())?;
        let mut out = Vec::new();
        for slot in [Slot::Authentication, Slot::Signature, Slot::KeyManagement, Slot::CardAuthentication] {
            if let Some(der) = piv.read_certificate(slot)? {
                out.push(CertObject::new(slot.id(), None, der));
            }
        }
        Ok(out)
    }
}
