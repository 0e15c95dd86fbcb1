//! PC/SC transport (PC/SC Workgroup spec part 5, via the `pcsc` crate): one connected card
//! in one reader, shared mode, T=0 or T=1.
//!
//! How a connection ends (SCardDisconnect's disposition, part 5 §3.1.4): with a card reset
//! when we proved something to the card (a PIN, PUK or management key: the security status
//! must not outlive our operation, SP 800-73-4 Part 2 §3.2.1 leaves it set until reset), and
//! otherwise leaving the card as it is, so that merely reading certificates or PIN tries
//! does not end another application's session (a browser signed in with the card).

use std::ffi::CString;

use pcsc::{Card, Context, Disposition, Protocols, Scope, ShareMode, MAX_BUFFER_SIZE_EXTENDED};

use super::{Transport, TransportError};

/// A card reached through pcscd.
pub struct PcscTransport {
    /// Always `Some` until dropped (taken to disconnect with our disposition).
    card: Option<Card>,
    reader: String,
    /// Whether a command that proves a secret was sent: the card is reset when we let go.
    proved: bool,
}

/// Whether `capdu` proves a secret to the card: VERIFY, CHANGE REFERENCE DATA, RESET RETRY
/// COUNTER with data (an empty VERIFY only asks for the tries left) and GENERAL AUTHENTICATE
/// (management-key challenge–response, and signatures made under a verified PIN).
fn proves_secret(capdu: &[u8]) -> bool {
    matches!(capdu, [_, 0x20 | 0x24 | 0x2C, _, _, _, _, ..] | [_, 0x87, ..])
}

impl PcscTransport {
    /// Connects to the card in `reader` (shared mode, any protocol).
    pub fn connect(ctx: &Context, reader: &str) -> Result<Self, TransportError> {
        let name =
            CString::new(reader).map_err(|_| TransportError::ReaderNotFound { reader: reader.to_owned() })?;
        let card = ctx.connect(&name, ShareMode::Shared, Protocols::ANY).map_err(|e| match e {
            pcsc::Error::UnknownReader | pcsc::Error::ReaderUnavailable => {
                TransportError::ReaderNotFound { reader: reader.to_owned() }
            }
            other => TransportError::from_pcsc("SCardConnect", other),
        })?;
        Ok(Self { card: Some(card), reader: reader.to_owned(), proved: false })
    }

    /// Opens a fresh user-scope context and connects.
    pub fn connect_new(reader: &str) -> Result<Self, TransportError> {
        let ctx = Context::establish(Scope::User)
            .map_err(|e| TransportError::from_pcsc("SCardEstablishContext", e))?;
        Self::connect(&ctx, reader)
    }

    pub fn reader(&self) -> &str {
        &self.reader
    }

    fn card(&self) -> Result<&Card, TransportError> {
        self.card.as_ref().ok_or(TransportError::ReaderNotFound { reader: self.reader.clone() })
    }
}

fn transmit_on(card: &Card, capdu: &[u8]) -> Result<Vec<u8>, TransportError> {
    let mut buf = vec![0u8; MAX_BUFFER_SIZE_EXTENDED];
    let n = card.transmit(capdu, &mut buf).map_err(|e| TransportError::from_pcsc("SCardTransmit", e))?.len();
    buf.truncate(n);
    Ok(buf)
}

/// The card while we hold its transaction.
struct InTransaction<'a> {
    card: &'a Card,
    proved: &'a mut bool,
}

impl Transport for InTransaction<'_> {
    fn transmit(&mut self, capdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        *self.proved |= proves_secret(capdu);
        transmit_on(self.card, capdu)
    }

    fn exclusive(&mut self, f: &mut dyn FnMut(&mut dyn Transport)) -> Result<(), TransportError> {
        f(self);
        Ok(())
    }
}

impl Drop for PcscTransport {
    fn drop(&mut self) {
        if let Some(card) = self.card.take() {
            let disposition = if self.proved { Disposition::ResetCard } else { Disposition::LeaveCard };
            // On failure the card comes back and its own drop disconnects with a reset.
            let _ = card.disconnect(disposition);
        }
    }
}

impl Transport for PcscTransport {
    fn transmit(&mut self, capdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        self.proved |= proves_secret(capdu);
        transmit_on(self.card()?, capdu)
    }

    fn exclusive(&mut self, f: &mut dyn FnMut(&mut dyn Transport)) -> Result<(), TransportError> {
        // A card reset by another application (SCARD_W_RESET_CARD) is reconnected once; the
        // operation then starts from SELECT as every operation does.
        let mut reconnected = false;
        let reader = self.reader.clone();
        let gone = || TransportError::ReaderNotFound { reader: reader.clone() };
        loop {
            let card = self.card.as_mut().ok_or_else(gone)?;
            match card.transaction() {
                Ok(tx) => {
                    f(&mut InTransaction { card: &tx, proved: &mut self.proved });
                    return tx
                        .end(Disposition::LeaveCard)
                        .map_err(|(_, e)| TransportError::from_pcsc("SCardEndTransaction", e));
                }
                Err(pcsc::Error::ResetCard) if !reconnected => reconnected = true,
                Err(e) => return Err(TransportError::from_pcsc("SCardBeginTransaction", e)),
            }
            card.reconnect(ShareMode::Shared, Protocols::ANY, Disposition::LeaveCard)
                .map_err(|e| TransportError::from_pcsc("SCardReconnect", e))?;
        }
    }

    fn atr(&self) -> Option<Vec<u8>> {
        let mut names = [0u8; 2048];
        let mut atr = [0u8; 64];
        self.card.as_ref()?.status2(&mut names, &mut atr).ok().map(|s| s.atr().to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::proves_secret;

    #[test]
    fn only_commands_that_prove_a_secret_reset_the_card_at_the_end() {
        // VERIFY with a PIN block; CHANGE REFERENCE DATA; RESET RETRY COUNTER.
        assert!(proves_secret(&[
            0x00, 0x20, 0x00, 0x80, 0x08, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0xFF, 0xFF
        ]));
        assert!(proves_secret(&[0x00, 0x24, 0x00, 0x80, 0x10, 0x31]));
        assert!(proves_secret(&[0x00, 0x2C, 0x00, 0x80, 0x10, 0x31]));
        // GENERAL AUTHENTICATE (management key, signatures), chained too.
        assert!(proves_secret(&[0x00, 0x87, 0x03, 0x9B, 0x04, 0x7C, 0x02, 0x80, 0x00]));
        assert!(proves_secret(&[0x10, 0x87, 0x11, 0x9A, 0x01, 0x00]));
        // An empty VERIFY asks for the tries left; reading is reading.
        assert!(!proves_secret(&[0x00, 0x20, 0x00, 0x80]));
        assert!(!proves_secret(&[0x00, 0x20, 0x00, 0x80, 0x00]));
        assert!(!proves_secret(&[0x00, 0xCB, 0x3F, 0xFF, 0x05, 0x5C, 0x03, 0x5F, 0xC1, 0x05, 0x00]));
        assert!(!proves_secret(&[0x00, 0xA4, 0x04, 0x00, 0x05, 0xA0, 0x00, 0x00, 0x03, 0x08]));
    }
}
