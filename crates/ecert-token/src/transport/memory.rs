//! An in-process transport: a closure plays the card. Used for unit tests, for hostile-card
//! tests (the closure answers garbage) and, with a software card behind it, for the demo card.

use super::{Transport, TransportError};

type CardFn = dyn FnMut(&[u8]) -> Result<Vec<u8>, TransportError> + Send;

/// A transport whose "card" is a function from C-APDU to R-APDU.
pub struct MemoryTransport {
    card: Box<CardFn>,
    atr: Option<Vec<u8>>,
    /// Every C-APDU sent, for tests that count or inspect commands. Secrets never reach
    /// here in production because production does not use this transport for real cards.
    log: Vec<Vec<u8>>,
    keep_log: bool,
}

impl MemoryTransport {
    pub fn new(card: impl FnMut(&[u8]) -> Result<Vec<u8>, TransportError> + Send + 'static) -> Self {
        Self { card: Box::new(card), atr: None, log: Vec::new(), keep_log: false }
    }

    #[must_use]
    pub fn with_atr(mut self, atr: &[u8]) -> Self {
        self.atr = Some(atr.to_vec());
        self
    }

    /// Keeps a copy of each command for inspection (tests only).
    #[must_use]
    pub fn logging(mut self) -> Self {
        self.keep_log = true;
        self
    }

    pub fn sent(&self) -> &[Vec<u8>] {
        &self.log
    }
}

impl Transport for MemoryTransport {
    fn transmit(&mut self, capdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        if self.keep_log {
            self.log.push(capdu.to_vec());
        }
        (self.card)(capdu)
    }

    fn atr(&self) -> Option<Vec<u8>> {
        self.atr.clone()
    }

    fn exclusive(&mut self, f: &mut dyn FnMut(&mut dyn Transport)) -> Result<(), TransportError> {
        f(self);
        Ok(())
    }
}
