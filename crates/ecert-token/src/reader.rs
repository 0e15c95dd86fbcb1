//! Smart-card readers seen through PC/SC: a one-shot listing and a live monitor fed by
//! `SCardGetStatusChange` with the PnP notification pseudo-reader (PC/SC part 5 §3.1.3).
//! The state "smart-card service not running" is a first-class value, not an error, so the
//! app can show it and recover when pcscd comes back.

mod atr;
mod monitor;

pub use atr::{known_card, CardKind};
pub use monitor::Monitor;

use pcsc::{Context, ReaderState, Scope, State, PNP_NOTIFICATION};
use serde::Serialize;

use crate::transport::TransportError;

/// Whether the PC/SC layer could be reached at all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "state")]
pub enum PcscStatus {
    /// pcscd answered.
    Running,
    /// `SCardEstablishContext` failed with `SCARD_E_NO_SERVICE`: pcscd is not running.
    NotRunning,
    /// PC/SC failed in another way; the text is the PC/SC error for diagnostics.
    Failed { detail: String },
}

/// One reader and what is in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReaderInfo {
    pub name: String,
    pub card_present: bool,
    /// Another application holds the card exclusively.
    pub exclusive: bool,
    /// Answer-to-reset, upper-case hex with spaces, when a card is present.
    pub atr: Option<String>,
    /// What we know about the card from its ATR (ISO 7816-3 §8).
    pub card: Option<CardKind>,
}

/// Readers at one moment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReaderSnapshot {
    pub pcsc: PcscStatus,
    pub readers: Vec<ReaderInfo>,
}

impl ReaderSnapshot {
    pub fn not_running() -> Self {
        Self { pcsc: PcscStatus::NotRunning, readers: Vec::new() }
    }
}

/// Formats bytes as `3B 8F 80 …`.
pub fn hex_spaced(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(" ")
}

/// Lists readers and card presence once (no card connection; reads the ATR pcscd already
/// has from `SCardGetStatusChange`, so no APDU reaches any card).
pub fn list_blocking() -> ReaderSnapshot {
    match Context::establish(Scope::User) {
        Ok(ctx) => snapshot_with(&ctx),
        Err(e) => status_from_error(e),
    }
}

pub(crate) fn status_from_error(e: pcsc::Error) -> ReaderSnapshot {
    match TransportError::from_pcsc("SCardEstablishContext", e) {
        TransportError::NoService => ReaderSnapshot::not_running(),
        other => {
            ReaderSnapshot { pcsc: PcscStatus::Failed { detail: other.to_string() }, readers: Vec::new() }
        }
    }
}

pub(crate) fn snapshot_with(ctx: &Context) -> ReaderSnapshot {
    match reader_states(ctx) {
        Ok(states) => ReaderSnapshot {
            pcsc: PcscStatus::Running,
            readers: states.iter().filter(|s| s.name() != PNP_NOTIFICATION()).map(info_from_state).collect(),
        },
        Err(e) => status_from_error(e),
    }
}

/// Builds reader states for every reader plus the PnP pseudo-reader, refreshed once.
pub(crate) fn reader_states(ctx: &Context) -> Result<Vec<ReaderState>, pcsc::Error> {
    let names = match ctx.list_readers_owned() {
        Ok(n) => n,
        Err(pcsc::Error::NoReadersAvailable) => Vec::new(),
        Err(e) => return Err(e),
    };
    let mut states: Vec<ReaderState> =
        names.into_iter().map(|n| ReaderState::new(n, State::UNAWARE)).collect();
    states.push(ReaderState::new(PNP_NOTIFICATION(), State::UNAWARE));
    ctx.get_status_change(Some(std::time::Duration::ZERO), &mut states).or_else(|e| {
        if e == pcsc::Error::Timeout {
            Ok(())
        } else {
            Err(e)
        }
    })?;
    Ok(states)
}

pub(crate) fn info_from_state(s: &ReaderState) -> ReaderInfo {
    let st = s.event_state();
    let card_present = st.contains(State::PRESENT) && !st.contains(State::MUTE);
    let atr = (card_present && !s.atr().is_empty()).then(|| s.atr().to_vec());
    ReaderInfo {
        name: s.name().to_string_lossy().into_owned(),
        card_present,
        exclusive: st.contains(State::EXCLUSIVE),
        atr: atr.as_deref().map(hex_spaced),
        card: atr.as_deref().map(known_card),
    }
}
