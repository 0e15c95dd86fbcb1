//! The APDU transport seam: everything above speaks ISO 7816-4 APDUs through
//! [`Transport`]; below it is a PC/SC card ([`pcsc::PcscTransport`]) or an in-process card
//! ([`memory::MemoryTransport`]) for fast tests and fault injection.

pub mod fault;
pub mod memory;
pub mod pcsc;

use std::sync::Arc;

/// Sends one raw C-APDU and returns the raw R-APDU (body + SW1 SW2).
pub trait Transport: Send {
    fn transmit(&mut self, capdu: &[u8]) -> Result<Vec<u8>, TransportError>;

    /// The card's answer-to-reset, if the medium has one.
    fn atr(&self) -> Option<Vec<u8>> {
        None
    }

    /// Runs `f` with exclusive access to the card (PC/SC `SCardBeginTransaction` …
    /// `SCardEndTransaction`), so a multi-APDU operation is never interleaved with another
    /// application's commands (SELECT of another applet would drop our PIN state).
    fn exclusive(&mut self, f: &mut dyn FnMut(&mut dyn Transport)) -> Result<(), TransportError>;
}

/// Why an APDU could not be exchanged at all (as opposed to a card saying no).
#[derive(Debug, Clone, thiserror::Error)]
pub enum TransportError {
    /// The card left the reader (PC/SC `SCARD_W_REMOVED_CARD` / `SCARD_E_NO_SMARTCARD`).
    #[error("the card was removed")]
    CardRemoved,
    /// The card was reset by another application; reconnecting may help.
    #[error("the card was reset")]
    CardReset,
    /// The smart-card service (pcscd) is not running or went away.
    #[error("the smart-card service is not available")]
    NoService,
    /// The named reader is not (or no longer) attached.
    #[error("reader {reader:?} not found")]
    ReaderNotFound { reader: String },
    /// Another application holds the card exclusively.
    #[error("the card is in use by another application")]
    Sharing,
    /// Any other PC/SC failure, with the call that failed.
    #[error("PC/SC {call} failed: {source}")]
    Pcsc {
        call: &'static str,
        #[source]
        source: Arc<::pcsc::Error>,
    },
    /// The in-process card or a fault-injecting wrapper cut the connection.
    #[error("connection cut")]
    Disconnected,
}

impl TransportError {
    /// Maps a PC/SC error from `call` to the variants callers act on.
    pub fn from_pcsc(call: &'static str, err: ::pcsc::Error) -> Self {
        use ::pcsc::Error as E;
        match err {
            E::RemovedCard | E::NoSmartcard => Self::CardRemoved,
            E::ResetCard => Self::CardReset,
            E::NoService | E::ServiceStopped | E::CommError => Self::NoService,
            E::SharingViolation => Self::Sharing,
            other => Self::Pcsc { call, source: Arc::new(other) },
        }
    }
}
