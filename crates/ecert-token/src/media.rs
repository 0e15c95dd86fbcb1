//! The registry of media (issue 15 item 2): which drivers answer for a card in a PC/SC
//! reader, and how such a card is opened. The service asks here and names no backend.
//! Adding a card type is a module implementing [`Token`] and one line in [`CARD_DRIVERS`].
//! PKCS#11 tokens are opened through their loaded module (`pkcs11::LoadedModule`, which the
//! service keeps loaded across requests) and e-Cert files through `p12file`.

use crate::token::{PivToken, Token, TokenError, TokenInfo};
use crate::transport::pcsc::PcscTransport;
use crate::transport::Transport;

/// A driver's way in: a connection to the card and the reader's name.
pub type OpenFn = fn(Box<dyn Transport>, &str) -> Result<Box<dyn Token>, TokenError>;

/// A driver for cards met in a PC/SC reader.
pub struct CardDriver {
    pub name: &'static str,
    /// Selects the card's application and reads what identifies it (no PIN try spent).
    pub open: OpenFn,
    /// A handle for one request on a card already known to be this driver's (nothing sent).
    pub connect: fn(Box<dyn Transport>, &str) -> Box<dyn Token>,
    /// Whether an error from `open` means the card could not be reached (as opposed to "not
    /// a card of this kind").
    pub unreachable: fn(&TokenError) -> bool,
}

/// Every card driver, tried in order.
pub const CARD_DRIVERS: &[CardDriver] = &[CardDriver {
    name: "PIV (NIST SP 800-73-4)",
    open: |transport, reader| Ok(Box::new(PivToken::open(transport, reader)?)),
    connect: |transport, reader| Box::new(PivToken::connect(transport, reader)),
    unreachable: |e| matches!(e, TokenError::Piv(crate::piv::PivError::Apdu(_))),
}];

/// What probing a newly seen card found.
pub enum Probe {
    /// A driver recognised the card: what it shows without a PIN.
    Token(Box<TokenInfo>),
    /// The card answered, and no driver knows it (it may still be a PKCS#11 module's).
    Unknown,
    /// The card could not be reached this time (held by another program, pcscd busy).
    Unreachable,
}

/// Probes the card in `reader` with every driver; an unreachable card is tried `attempts`
/// times, 150 ms apart.
pub fn probe(reader: &str, attempts: u32) -> Probe {
    for attempt in 0..attempts {
        if attempt > 0 {
            std::thread::sleep(std::time::Duration::from_millis(150));
        }
        let connect = || PcscTransport::connect_new(reader).ok().map(|t| Box::new(t) as Box<dyn Transport>);
        match probe_with(CARD_DRIVERS, reader, connect) {
            Probe::Unreachable => {}
            found => return found,
        }
    }
    Probe::Unreachable
}

/// One probe round over `drivers`, each given a fresh connection from `connect`.
pub fn probe_with(
    drivers: &[CardDriver],
    reader: &str,
    mut connect: impl FnMut() -> Option<Box<dyn Transport>>,
) -> Probe {
    let mut answered = false;
    for driver in drivers {
        let Some(transport) = connect() else { return Probe::Unreachable };
        match (driver.open)(transport, reader) {
            Ok(token) => return Probe::Token(Box::new(token.info().clone())),
            Err(e) if (driver.unreachable)(&e) => {}
            Err(_) => answered = true,
        }
    }
    if answered {
        Probe::Unknown
    } else {
        Probe::Unreachable
    }
}

/// Opens the card in `reader` for one request. `identify` also reads what identifies it
/// (SELECT and reads, no PIN try) through the first driver that knows the card; otherwise
/// the first driver's handle is returned without a command sent.
pub fn open_card(reader: &str, identify: bool) -> Result<Box<dyn Token>, TokenError> {
    let connect = || -> Result<Box<dyn Transport>, TokenError> {
        PcscTransport::connect_new(reader)
            .map(|t| Box::new(t) as Box<dyn Transport>)
            .map_err(|e| TokenError::Piv(crate::piv::PivError::Apdu(e.into())))
    };
    open_with(CARD_DRIVERS, reader, identify, connect)
}

/// [`open_card`] over `drivers` and `connect`.
pub fn open_with(
    drivers: &[CardDriver],
    reader: &str,
    identify: bool,
    mut connect: impl FnMut() -> Result<Box<dyn Transport>, TokenError>,
) -> Result<Box<dyn Token>, TokenError> {
    let mut last = TokenError::NotFound { reference: reader.to_owned() };
    for driver in drivers {
        if !identify {
            return Ok((driver.connect)(connect()?, reader));
        }
        match (driver.open)(connect()?, reader) {
            Ok(token) => return Ok(token),
            Err(e) => last = e,
        }
    }
    Err(last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::memory::MemoryTransport;
    use crate::transport::TransportError;
    use std::sync::{Arc, Mutex};

    fn virtual_card() -> impl FnMut() -> Option<Box<dyn Transport>> {
        let card = Arc::new(Mutex::new(ecert_vcard::VirtualPiv::in_memory().unwrap()));
        move || {
            let card = Arc::clone(&card);
            card.lock().unwrap().reset();
            Some(Box::new(MemoryTransport::new(move |apdu| Ok(card.lock().unwrap().execute(apdu))))
                as Box<dyn Transport>)
        }
    }

    #[test]
    fn a_piv_card_is_found_by_the_registry() {
        match probe_with(CARD_DRIVERS, "Virtual 00", virtual_card()) {
            Probe::Token(info) => assert_eq!(info.kind, crate::token::TokenKind::PivCard),
            _ => panic!("the virtual PIV card was not recognised"),
        }
    }

    #[test]
    fn a_card_without_piv_is_unknown_and_a_silent_one_unreachable() {
        // SELECT answered 6A82 (file not found): a card, but not one any driver knows.
        let other = || Some(Box::new(MemoryTransport::new(|_| Ok(vec![0x6A, 0x82]))) as Box<dyn Transport>);
        assert!(matches!(probe_with(CARD_DRIVERS, "r", other), Probe::Unknown));
        let gone = || {
            Some(Box::new(MemoryTransport::new(|_| Err(TransportError::CardRemoved))) as Box<dyn Transport>)
        };
        assert!(matches!(probe_with(CARD_DRIVERS, "r", gone), Probe::Unreachable));
        assert!(matches!(probe_with(CARD_DRIVERS, "r", || None), Probe::Unreachable));
    }

    #[test]
    fn opening_says_why_a_card_is_not_one_of_ours() {
        let other = || Ok(Box::new(MemoryTransport::new(|_| Ok(vec![0x6A, 0x82]))) as Box<dyn Transport>);
        let err = open_with(CARD_DRIVERS, "r", true, other).err().unwrap();
        assert!(matches!(err, TokenError::Piv(crate::piv::PivError::NotPiv { .. })), "{err:?}");
        // Without identifying, nothing is sent: a handle comes back even from a silent card.
        let silent =
            || Ok(Box::new(MemoryTransport::new(|_| Err(TransportError::CardRemoved))) as Box<dyn Transport>);
        assert!(open_with(CARD_DRIVERS, "r", false, silent).is_ok());
        assert!(matches!(open_with(&[], "r", true, silent), Err(TokenError::NotFound { .. })));
    }
}
