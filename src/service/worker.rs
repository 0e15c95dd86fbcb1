//! The worker loop: owns loaded PKCS#11 modules and opens PC/SC connections only here.

use std::collections::HashMap;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Instant;

use super::{Config, Event, Msg, Request, Snapshot};
use crate::pkcs11::{discover_modules, LoadedModule};
use crate::reader::{self, ReaderSnapshot};
use crate::token::{PivToken, Token, TokenError, TokenInfo, TokenRef};
use crate::transport::pcsc::PcscTransport;

struct State {
    readers: ReaderSnapshot,
    /// PIV probe result per (reader, ATR): probing sends two APDUs, so once per insertion.
    probes: HashMap<(String, String), Option<TokenInfo>>,
    modules: Vec<LoadedModule>,
    last: Option<Snapshot>,
}

pub(super) fn run(config: &Config, rx: &Receiver<Msg>, mut sink: impl FnMut(Event)) {
    let modules = if config.pkcs11 {
        discover_modules(&config.extra_modules).into_iter().map(LoadedModule::load).collect()
    } else {
        Vec::new()
    };
    let mut st =
        State { readers: ReaderSnapshot::not_running(), probes: HashMap::new(), modules, last: None };
    let mut next_poll = Instant::now() + config.token_poll;
    loop {
        let msg = if config.live {
            match rx.recv_timeout(next_poll.saturating_duration_since(Instant::now())) {
                Ok(m) => Some(m),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        } else {
            match rx.recv() {
                Ok(m) => Some(m),
                Err(_) => return,
            }
        };
        match msg {
            Some(Msg::Stop) => return,
            Some(Msg::Readers(snap)) => {
                st.readers = snap;
                publish(&mut st, &mut sink, false);
            }
            Some(Msg::Request(Request::Refresh)) => {
                if !config.live {
                    st.readers = reader::list_blocking();
                }
                publish(&mut st, &mut sink, true);
            }
            Some(Msg::Request(Request::ListCertificates { token })) => {
                let result = open(&st, &token).and_then(|mut t| t.certificates());
                sink(Event::Certificates { token, result });
            }
            Some(Msg::Request(Request::Run { token, operation })) => {
                let result = open(&st, &token).and_then(|mut t| operation.run(t.as_mut()));
                sink(Event::Finished { token, result });
            }
            None => {
                next_poll = Instant::now() + config.token_poll;
                publish(&mut st, &mut sink, false);
            }
        }
    }
}

fn publish(st: &mut State, sink: &mut impl FnMut(Event), always: bool) {
    let snap = snapshot(st);
    if always || st.last.as_ref() != Some(&snap) {
        st.last = Some(snap.clone());
        sink(Event::Snapshot(snap));
    }
}

fn snapshot(st: &mut State) -> Snapshot {
    let mut tokens = Vec::new();
    let present: Vec<(String, String)> =
        st.readers.readers.iter().filter_map(|r| r.atr.clone().map(|atr| (r.name.clone(), atr))).collect();
    st.probes.retain(|k, _| present.contains(k));
    for key in present {
        let probe = st.probes.entry(key.clone()).or_insert_with(|| probe_piv(&key.0));
        if let Some(info) = probe {
            tokens.push(info.clone());
        }
    }
    for m in &st.modules {
        if let Ok(list) = m.tokens() {
            // SoftHSM and some middleware keep an empty, uninitialised slot for creating a
            // new token; it is not something a user holds.
            tokens.extend(
                list.into_iter().map(|(_, info)| info).filter(|i| !(i.uninitialized && i.label.is_empty())),
            );
        }
    }
    Snapshot {
        pcsc: st.readers.pcsc.clone(),
        readers: st.readers.readers.clone(),
        tokens,
        modules: st.modules.iter().map(LoadedModule::status).collect(),
    }
}

/// SELECT PIV + PIN state on a newly seen card. A card without PIV is not a token here
/// (it may still be one through a PKCS#11 module).
fn probe_piv(reader: &str) -> Option<TokenInfo> {
    let transport = PcscTransport::connect_new(reader).ok()?;
    PivToken::open(Box::new(transport), reader).ok().map(|t| t.info().clone())
}

/// Opens the token a reference names, for one request.
fn open(st: &State, token: &TokenRef) -> Result<Box<dyn Token>, TokenError> {
    let not_found = || TokenError::NotFound { reference: token.to_string() };
    match token {
        TokenRef::Reader { reader } => {
            let transport = PcscTransport::connect_new(reader)
                .map_err(|e| TokenError::Piv(crate::piv::PivError::Apdu(e.into())))?;
            Ok(Box::new(PivToken::connect(Box::new(transport), reader)))
        }
        TokenRef::Pkcs11 { module, .. } => {
            let m = st.modules.iter().find(|m| &m.spec().path == module).ok_or_else(not_found)?;
            Ok(Box::new(m.open(token)?.ok_or_else(not_found)?))
        }
        TokenRef::File { path } => Ok(Box::new(crate::p12file::P12File::open(path)?)),
    }
}
