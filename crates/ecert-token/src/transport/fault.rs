//! A fault-injecting transport: passes APDUs through to an inner transport and cuts the
//! connection before APDU number `cut_at` (0-based), as a card pulled from the reader would.
//! Used to prove that every operation leaves the card in its old or its new state.

use super::{Transport, TransportError};

pub struct CutAfter<T> {
    inner: T,
    sent: usize,
    cut_at: usize,
}

impl<T: Transport> CutAfter<T> {
    /// Lets `cut_at` APDUs through, then fails every further one with `CardRemoved`.
    pub fn new(inner: T, cut_at: usize) -> Self {
        Self { inner, sent: 0, cut_at }
    }

    /// How many APDUs reached the card.
    pub fn sent(&self) -> usize {
        self.sent
    }

    pub fn into_inner(self) -> T {
        self.inner
    }
}

impl<T: Transport> Transport for CutAfter<T> {
    fn transmit(&mut self, capdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        if self.sent >= self.cut_at {
            return Err(TransportError::CardRemoved);
        }
        self.sent += 1;
        self.inner.transmit(capdu)
    }

    fn atr(&self) -> Option<Vec<u8>> {
        self.inner.atr()
    }

    fn exclusive(&mut self, f: &mut dyn FnMut(&mut dyn Transport)) -> Result<(), TransportError> {
        f(self);
        Ok(())
    }
}
