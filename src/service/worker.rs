//! The worker loop: opens PC/SC connections only here. PKCS#11 modules are owned here for
//! one-shot (CLI) services and by a thread of their own for the live app ([`pkcs11_thread`]),
//! so a slow module (OpenSC probing every card) never holds up a card read.

use std::collections::HashMap;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Instant;

use super::{Config, Event, Msg, Request, Snapshot};
use crate::pkcs11::{discover_modules, LoadedModule, ModuleStatus};
use crate::reader::{self, ReaderSnapshot};
use crate::token::{PivToken, Token, TokenError, TokenInfo, TokenRef};
use crate::transport::pcsc::PcscTransport;

struct State {
    readers: ReaderSnapshot,
    /// PIV probe result per (reader, ATR): probing sends two APDUs, so once per insertion.
    probes: HashMap<(String, String), Option<TokenInfo>>,
    modules: Vec<LoadedModule>,
    /// Live mode: the PKCS#11 thread's requests, and what it last reported.
    p11: Option<Sender<Request>>,
    p11_tokens: Vec<TokenInfo>,
    p11_modules: Vec<ModuleStatus>,
    last: Option<Snapshot>,
}

fn load_modules(config: &Config) -> Vec<LoadedModule> {
    discover_modules(&config.extra_modules).into_iter().map(LoadedModule::load).collect()
}

pub(super) fn run(config: &Config, rx: &Receiver<Msg>, back: &Sender<Msg>, mut sink: impl FnMut(Event)) {
    // The CLI wants one complete answer: modules load here, now. The app wants readers on
    // screen at once: modules load on their own thread.
    let modules = if config.pkcs11 && !config.live { load_modules(config) } else { Vec::new() };
    let p11 = (config.pkcs11 && config.live).then(|| {
        let (tx, prx) = mpsc::channel();
        let (cfg, back) = (config.clone(), back.clone());
        let _ = std::thread::Builder::new()
            .name("ecert-pkcs11".into())
            .spawn(move || pkcs11_thread(&cfg, &prx, &back));
        tx
    });
    let mut st = State {
        readers: ReaderSnapshot::not_running(),
        probes: HashMap::new(),
        modules,
        p11,
        p11_tokens: Vec::new(),
        p11_modules: Vec::new(),
        last: None,
    };
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
                // A card came or went: PKCS#11 slots may have changed too.
                if let Some(p11) = &st.p11 {
                    let _ = p11.send(Request::Refresh);
                }
            }
            Some(Msg::Pkcs11 { tokens, modules }) => {
                st.p11_tokens = tokens;
                st.p11_modules = modules;
                publish(&mut st, &mut sink, false);
            }
            Some(Msg::Forward(event)) => sink(event),
            Some(Msg::Request(
                request @ (Request::ListCertificates { token: TokenRef::Pkcs11 { .. } }
                | Request::Run { token: TokenRef::Pkcs11 { .. }, .. }),
            )) if st.p11.is_some() => {
                if let Some(p11) = &st.p11 {
                    let _ = p11.send(request);
                }
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

/// Owns the PKCS#11 modules for the live app: lists tokens at start, on every reader change
/// and every `token_poll` (modules without slot events), and serves requests for its tokens.
fn pkcs11_thread(config: &Config, rx: &Receiver<Request>, back: &Sender<Msg>) {
    let modules = load_modules(config);
    let mut last: Option<Vec<TokenInfo>> = None;
    let mut report = |modules: &[LoadedModule], force: bool| -> bool {
        let tokens = module_tokens(modules);
        if force || last.as_ref() != Some(&tokens) {
            last = Some(tokens.clone());
            let statuses = modules.iter().map(LoadedModule::status).collect();
            return back.send(Msg::Pkcs11 { tokens, modules: statuses }).is_ok();
        }
        true
    };
    if !report(&modules, true) {
        return;
    }
    loop {
        let request = match rx.recv_timeout(config.token_poll) {
            Ok(r) => Some(r),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        let sent = match request {
            None | Some(Request::Refresh) => report(&modules, false),
            Some(Request::ListCertificates { token }) => {
                let result = open_pkcs11(&modules, &token).and_then(|mut t| t.certificates());
                back.send(Msg::Forward(Event::Certificates { token, result })).is_ok()
            }
            Some(Request::Run { token, operation }) => {
                let result = open_pkcs11(&modules, &token).and_then(|mut t| operation.run(t.as_mut()));
                back.send(Msg::Forward(Event::Finished { token, result })).is_ok()
            }
        };
        if !sent {
            return;
        }
    }
}

fn module_tokens(modules: &[LoadedModule]) -> Vec<TokenInfo> {
    let mut tokens = Vec::new();
    for m in modules {
        if let Ok(list) = m.tokens() {
            // SoftHSM and some middleware keep an empty, uninitialised slot for creating a
            // new token; it is not something a user holds.
            tokens.extend(
                list.into_iter().map(|(_, info)| info).filter(|i| !(i.uninitialized && i.label.is_empty())),
            );
        }
    }
    tokens
}

fn open_pkcs11(modules: &[LoadedModule], token: &TokenRef) -> Result<Box<dyn Token>, TokenError> {
    let not_found = || TokenError::NotFound { reference: token.to_string() };
    let TokenRef::Pkcs11 { module, .. } = token else { return Err(not_found()) };
    let m = modules.iter().find(|m| &m.spec().path == module).ok_or_else(not_found)?;
    Ok(Box::new(m.open(token)?.ok_or_else(not_found)?))
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
    tokens.extend(module_tokens(&st.modules));
    tokens.extend(st.p11_tokens.iter().cloned());
    Snapshot {
        pcsc: st.readers.pcsc.clone(),
        readers: st.readers.readers.clone(),
        tokens,
        modules: st.modules.iter().map(LoadedModule::status).chain(st.p11_modules.iter().cloned()).collect(),
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
    match token {
        TokenRef::Reader { reader } => {
            let transport = PcscTransport::connect_new(reader)
                .map_err(|e| TokenError::Piv(crate::piv::PivError::Apdu(e.into())))?;
            Ok(Box::new(PivToken::connect(Box::new(transport), reader)))
        }
        TokenRef::Pkcs11 { .. } => open_pkcs11(&st.modules, token),
        TokenRef::File { path } => Ok(Box::new(crate::p12file::P12File::open(path)?)),
    }
}
