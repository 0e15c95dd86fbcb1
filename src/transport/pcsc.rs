//! PC/SC transport (PC/SC Workgroup spec part 5, via the `pcsc` crate): one connected card
//! in one reader, shared mode, T=0 or T=1.

use std::ffi::CString;

use pcsc::{Card, Context, Disposition, Protocols, Scope, ShareMode, MAX_BUFFER_SIZE_EXTENDED};

use super::{Transport, TransportError};

/// A card reached through pcscd.
pub struct PcscTransport {
    card: Card,
    reader: String,
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
        Ok(Self { card, reader: reader.to_owned() })
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
}

impl Transport for InTransaction<'_> {
    fn transmit(&mut self, capdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        transmit_on(self.card, capdu)
    }

    fn exclusive(&mut self, f: &mut dyn FnMut(&mut dyn Transport)) -> Result<(), TransportError> {
        f(self);
        Ok(())
    }
}

impl Transport for PcscTransport {
    fn transmit(&mut self, capdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        transmit_on(&self.card, capdu)
    }

    fn exclusive(&mut self, f: &mut dyn FnMut(&mut dyn Transport)) -> Result<(), TransportError> {
        // A card reset by another application (SCARD_W_RESET_CARD) is reconnected once; the
        // operation then starts from SELECT as every operation does.
        let mut reconnected = false;
        loop {
            match self.card.transaction() {
                Ok(tx) => {
                    f(&mut InTransaction { card: &tx });
                    return tx
                        .end(Disposition::LeaveCard)
                        .map_err(|(_, e)| TransportError::from_pcsc("SCardEndTransaction", e));
                }
                Err(pcsc::Error::ResetCard) if !reconnected => reconnected = true,
                Err(e) => return Err(TransportError::from_pcsc("SCardBeginTransaction", e)),
            }
            self.card
                .reconnect(ShareMode::Shared, Protocols::ANY, Disposition::LeaveCard)
                .map_err(|e| TransportError::from_pcsc("SCardReconnect", e))?;
        }
    }

    fn atr(&self) -> Option<Vec<u8>> {
        let mut names = [0u8; 2048];
        let mut atr = [0u8; 64];
        self.card.status2(&mut names, &mut atr).ok().map(|s| s.atr().to_vec())
    }
}
