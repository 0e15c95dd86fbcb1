//! The worker loop: opens PC/SC connections only here. PKCS#11 modules are owned here for
//! one-shot (CLI) services, and for the live app each module by an owner thread of its own
//! ([`pkcs11_thread`]; PKCS#11 sessions are `Send`, not `Sync`), so a slow module (OpenSC
//! probing every card) never holds up a card read or another module.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Instant;

use super::{Config, Event, Msg, Operation, Request, Snapshot};
use crate::media::{self, Probe};
use crate::pkcs11::{discover_modules, LoadedModule, ModuleSpec, ModuleStatus};
use crate::reader::{self, ReaderSnapshot};
use crate::token::{Token, TokenError, TokenInfo, TokenRef};

struct State {
    readers: ReaderSnapshot,
    /// Whether `readers` is an answer yet. Live, the monitor's first answer can come after a
    /// module's first report; until it does, no snapshot is published (the placeholder would
    /// claim "smart-card service not running" while it runs).
    readers_known: bool,
    /// The app (watching) rather than the CLI (one answer).
    live: bool,
    /// PIV probe result per (reader, ATR): probing sends two APDUs, so once per insertion.
    probes: HashMap<(String, String), Option<TokenInfo>>,
    modules: Vec<LoadedModule>,
    /// Live mode: the PKCS#11 thread's requests, and what it last reported.
    p11: Vec<(PathBuf, Sender<Request>)>,
    /// Per module, in discovery order: its tokens and state as its thread last reported.
    p11_reports: Vec<(PathBuf, Vec<TokenInfo>, Option<ModuleStatus>)>,
    /// The module threads, including those told to stop (their module is finalized and
    /// unloaded as they end): a module is never initialized again, nor the process left,
    /// while its previous thread still finalizes it.
    threads: Vec<(PathBuf, std::thread::JoinHandle<()>)>,
    last: Option<Snapshot>,
}

/// How long the worker waits for a module thread to end (a hung vendor module must not
/// keep the app from closing).
const MODULE_STOP_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// Waits, up to [`MODULE_STOP_WAIT`], for the threads `which` selects to end.
fn wait_for_threads(
    threads: &mut Vec<(PathBuf, std::thread::JoinHandle<()>)>,
    which: impl Fn(&PathBuf) -> bool,
) {
    let deadline = Instant::now() + MODULE_STOP_WAIT;
    while threads.iter().any(|(p, t)| which(p) && !t.is_finished()) && Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    threads.retain(|(p, t)| !(which(p) && t.is_finished()));
}

impl Drop for State {
    fn drop(&mut self) {
        // Dropping the senders ends every module thread; each finalizes its module.
        self.p11.clear();
        wait_for_threads(&mut self.threads, |_| true);
    }
}

fn load_modules(config: &Config) -> Vec<LoadedModule> {
    discover_modules(&config.extra_modules).into_iter().map(LoadedModule::load).collect()
}

pub(super) fn run(config: &Config, rx: &Receiver<Msg>, back: &Sender<Msg>, mut sink: impl FnMut(Event)) {
    // The CLI wants one complete answer: modules load here, now. The app wants readers on
    // screen at once: modules load on their own thread.
    let modules = if config.pkcs11 && !config.live { load_modules(config) } else { Vec::new() };
    let specs =
        if config.pkcs11 && config.live { discover_modules(&config.extra_modules) } else { Vec::new() };
    let mut st = State {
        readers: ReaderSnapshot::not_running(),
        readers_known: !config.live,
        live: config.live,
        probes: HashMap::new(),
        modules,
        p11: Vec::new(),
        p11_reports: Vec::new(),
        threads: Vec::new(),
        last: None,
    };
    for spec in specs {
        start_module(&mut st, spec, config.token_poll, back);
    }
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
                st.readers_known = true;
                publish(&mut st, &mut sink, false);
                // A card came or went: PKCS#11 slots may have changed too.
                for (_, p11) in &st.p11 {
                    let _ = p11.send(Request::Refresh);
                }
            }
            Some(Msg::Pkcs11 { module, tokens, status }) => {
                if let Some(entry) = st.p11_reports.iter_mut().find(|(p, _, _)| *p == module) {
                    entry.1 = tokens;
                    entry.2 = Some(status);
                }
                publish(&mut st, &mut sink, false);
            }
            Some(Msg::Forward(event)) => sink(event),
            Some(Msg::Request(
                request @ (Request::ListCertificates { token: TokenRef::Pkcs11 { .. } }
                | Request::Run { token: TokenRef::Pkcs11 { .. }, .. }),
            )) if !st.p11.is_empty() => {
                let module = match &request {
                    Request::ListCertificates { token: TokenRef::Pkcs11 { module, .. } }
                    | Request::Run { token: TokenRef::Pkcs11 { module, .. }, .. } => module.clone(),
                    _ => PathBuf::new(),
                };
                match st.p11.iter().find(|(p, _)| *p == module) {
                    Some((_, p11)) => {
                        let _ = p11.send(request);
                    }
                    None => {
                        if let Some(event) = not_found_event(request) {
                            sink(event);
                        }
                    }
                }
            }
            Some(Msg::Request(request @ (Request::AddModule { .. } | Request::RemoveModule { .. }))) => {
                if config.live {
                    change_modules(&mut st, request, config.token_poll, back);
                    publish(&mut st, &mut sink, false);
                }
            }
            Some(Msg::Request(Request::Refresh)) => {
                if !config.live {
                    st.readers = reader::list_blocking();
                }
                publish(&mut st, &mut sink, true);
            }
            Some(Msg::Request(Request::ListCertificates { token })) => {
                let result = list_guarded(&st, &token);
                sink(Event::Certificates { token, result });
            }
            Some(Msg::Request(Request::Run { token, operation })) => {
                let result = run_guarded(&st, &token, operation);
                // The card's PIN state may have changed: probe it again on the next snapshot.
                if let TokenRef::Reader { reader } = &token {
                    st.probes.retain(|(r, _), _| r != reader);
                }
                sink(Event::Finished { token, result });
                publish(&mut st, &mut sink, false);
            }
            None => {
                next_poll = Instant::now() + config.token_poll;
                publish(&mut st, &mut sink, false);
            }
        }
    }
}

/// Lists a token's certificates (a panic is this request's error, see [`guarded`]).
fn list_guarded(st: &State, token: &TokenRef) -> Result<Vec<crate::token::CertObject>, TokenError> {
    guarded("listing", || open(st, token, false).and_then(|mut t| t.certificates()))
}

/// Runs one operation (a panic is this request's error, see [`guarded`]).
fn run_guarded(st: &State, token: &TokenRef, operation: Operation) -> Result<super::Outcome, TokenError> {
    // A workflow's journal is kept under the card's own identifier (PIV: the CHUID GUID), so
    // it is found again when the card comes back in another reader.
    let identify = matches!(operation, Operation::Workflow { .. });
    guarded("an operation", || open(st, token, identify).and_then(|mut t| operation.run(t.as_mut())))
}

/// Runs one request; a panic in it (a bug) becomes [`TokenError::Internal`] for that request
/// alone and the worker goes on serving the next. Device handles are opened per request, so
/// nothing half-used is kept after the unwind.
pub(super) fn guarded<T>(
    what: &'static str,
    f: impl FnOnce() -> Result<T, TokenError>,
) -> Result<T, TokenError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        let detail = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        Err(TokenError::Internal { what, detail })
    })
}

/// Adds a module (unless one with the same file is loaded) or removes one.
fn change_modules(st: &mut State, request: Request, poll: std::time::Duration, back: &Sender<Msg>) {
    let canon = |p: &std::path::Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    match request {
        Request::AddModule { path } if !st.p11.iter().any(|(p, _)| canon(p) == canon(&path)) => {
            // The same module removed a moment ago may still be finalizing.
            wait_for_threads(&mut st.threads, |p| canon(p) == canon(&path));
            let spec = ModuleSpec { path, source: crate::pkcs11::ModuleSource::Settings };
            start_module(st, spec, poll, back);
        }
        Request::RemoveModule { path } => {
            // Dropping the sender ends the module's thread, which unloads it.
            st.p11.retain(|(p, _)| *p != path);
            st.p11_reports.retain(|(p, _, _)| *p != path);
        }
        _ => {}
    }
}

/// Starts the thread that owns one module (live app).
fn start_module(st: &mut State, spec: ModuleSpec, poll: std::time::Duration, back: &Sender<Msg>) {
    let (tx, prx) = mpsc::channel();
    let (back, path) = (back.clone(), spec.path.clone());
    let started = std::thread::Builder::new()
        .name("ecert-pkcs11".into())
        .spawn(move || pkcs11_thread(spec, poll, &prx, &back));
    if let Ok(handle) = started {
        st.p11.push((path.clone(), tx));
        st.p11_reports.push((path.clone(), Vec::new(), None));
        st.threads.push((path, handle));
    }
}

/// An answer for a request no module can take (its module is gone).
fn not_found_event(request: Request) -> Option<Event> {
    match request {
        Request::Run { token, .. } => {
            let result = Err(TokenError::NotFound { reference: token.to_string() });
            Some(Event::Finished { token, result })
        }
        Request::ListCertificates { token } => {
            let result = Err(TokenError::NotFound { reference: token.to_string() });
            Some(Event::Certificates { token, result })
        }
        Request::Refresh | Request::AddModule { .. } | Request::RemoveModule { .. } => None,
    }
}

/// Owns one PKCS#11 module for the live app: loads it, lists its tokens at start, on every
/// reader change and every `poll` (modules without slot events), and serves its requests.
fn pkcs11_thread(spec: ModuleSpec, poll: std::time::Duration, rx: &Receiver<Request>, back: &Sender<Msg>) {
    let path = spec.path.clone();
    let modules = vec![LoadedModule::load(spec)];
    let mut last: Option<Vec<TokenInfo>> = None;
    let mut report = |modules: &[LoadedModule], force: bool| -> bool {
        let tokens = module_tokens(modules);
        if force || last.as_ref() != Some(&tokens) {
            last = Some(tokens.clone());
            let status = modules[0].status();
            return back.send(Msg::Pkcs11 { module: path.clone(), tokens, status }).is_ok();
        }
        true
    };
    if !report(&modules, true) {
        return;
    }
    loop {
        let request = match rx.recv_timeout(poll) {
            Ok(r) => Some(r),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        let sent = match request {
            // Modules with slot events are listed only when one happened (listing can make
            // OpenSC probe every card); the others are polled.
            None if modules[0].slot_event() == Some(false) => true,
            None | Some(Request::Refresh) => report(&modules, false),
            Some(Request::ListCertificates { token }) => {
                let result = open_pkcs11(&modules, &token).and_then(|mut t| t.certificates());
                back.send(Msg::Forward(Event::Certificates { token, result })).is_ok()
            }
            Some(Request::Run { token, operation }) => {
                let result = open_pkcs11(&modules, &token).and_then(|mut t| operation.run(t.as_mut()));
                back.send(Msg::Forward(Event::Finished { token, result })).is_ok()
            }
            Some(Request::AddModule { .. } | Request::RemoveModule { .. }) => true,
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
    if !st.readers_known {
        return;
    }
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
        if !st.probes.contains_key(&key) {
            // Only a definite answer is kept for this insertion: a card that could not be
            // reached (held exclusively by another application a moment, pcscd busy) is
            // probed again at the next snapshot instead of staying hidden until reinserted.
            match media::probe(&key.0, if st.live { 1 } else { 3 }) {
                Probe::Token(info) => {
                    st.probes.insert(key.clone(), Some(*info));
                }
                Probe::Unknown => {
                    st.probes.insert(key.clone(), None);
                }
                Probe::Unreachable => continue,
            }
        }
        if let Some(Some(info)) = st.probes.get(&key) {
            tokens.push(info.clone());
        }
    }
    tokens.extend(module_tokens(&st.modules));
    #[cfg(feature = "demo")]
    if crate::demo::is_open() {
        tokens.extend(crate::demo::info());
    }
    tokens.extend(st.p11_reports.iter().flat_map(|(_, t, _)| t.iter().cloned()));
    Snapshot {
        pcsc: st.readers.pcsc.clone(),
        readers: st.readers.readers.clone(),
        tokens,
        modules: st
            .modules
            .iter()
            .map(LoadedModule::status)
            .chain(st.p11_reports.iter().filter_map(|(_, _, s)| s.clone()))
            .collect(),
    }
}

/// Opens the token a reference names, for one request; `identify` also reads a PIV card's
/// identifier and PIN state (SELECT + two reads, no PIN try spent).
fn open(st: &State, token: &TokenRef, identify: bool) -> Result<Box<dyn Token>, TokenError> {
    match token {
        TokenRef::Reader { reader } => media::open_card(reader, identify),
        TokenRef::Pkcs11 { .. } => open_pkcs11(&st.modules, token),
        TokenRef::File { path } => Ok(Box::new(crate::p12file::P12File::open(path)?)),
        #[cfg(feature = "demo")]
        TokenRef::Demo => crate::demo::token(),
        #[cfg(not(feature = "demo"))]
        TokenRef::Demo => Err(TokenError::NotFound { reference: token.to_string() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 13: a panic while serving one request is that request's error; the next one is
    /// served as usual.
    #[test]
    fn a_panicking_request_is_an_error_and_the_next_is_served() {
        let first: Result<u8, TokenError> = guarded("listing", || panic!("index out of range"));
        match first {
            Err(TokenError::Internal { what: "listing", detail }) => {
                assert!(detail.contains("index out of range"));
            }
            other => panic!("{other:?}"),
        }
        let owned: Result<u8, TokenError> = guarded("x", || panic!("{}", String::from("owned message")));
        assert!(matches!(owned, Err(TokenError::Internal { detail, .. }) if detail == "owned message"));
        assert_eq!(guarded("listing", || Ok(7)).ok(), Some(7));
        let text = crate::i18n::error_text(&TokenError::Internal { what: "listing", detail: "boom".into() });
        assert!(text.message.contains("boom"), "{}", text.message);
    }
}
