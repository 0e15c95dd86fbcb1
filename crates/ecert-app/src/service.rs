//! The service: one worker thread that owns every device handle (PC/SC connections, loaded
//! PKCS#11 modules). GUI and CLI send [`Request`]s and receive [`Event`]s through a sink;
//! neither ever touches a device. A reader monitor thread feeds it reader changes.

mod operation;
mod worker;

pub use operation::{Operation, Outcome};

use std::path::PathBuf;
use std::sync::mpsc::{self, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use serde::Serialize;

use crate::pkcs11::ModuleStatus;
use crate::reader::{Monitor, PcscStatus, ReaderInfo, ReaderSnapshot};
use crate::token::{CertObject, TokenError, TokenInfo, TokenRef};

/// What the service should do.
#[derive(Debug)]
#[non_exhaustive]
pub enum Request {
    /// Re-read readers and tokens now.
    Refresh,
    /// Read the certificates on a token.
    ListCertificates { token: TokenRef },
    /// Run an operation on a token; answered by [`Event::Finished`].
    Run { token: TokenRef, operation: Operation },
    /// Load one more PKCS#11 module (the user added it in Settings); its status and tokens
    /// appear in the next snapshots. A module already loaded is not loaded twice.
    AddModule { path: PathBuf },
    /// Unload a module the user removed (live app only).
    RemoveModule { path: PathBuf },
}

/// What the service reports.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Event {
    /// The devices changed (or a refresh was asked for).
    Snapshot(Snapshot),
    /// Answer to [`Request::ListCertificates`].
    Certificates { token: TokenRef, result: Result<Vec<CertObject>, TokenError> },
    /// Answer to [`Request::Run`].
    Finished { token: TokenRef, result: Result<Outcome, TokenError> },
}

/// Everything the app's sidebar and `ecert readers|tokens` show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Snapshot {
    pub pcsc: PcscStatus,
    pub readers: Vec<ReaderInfo>,
    pub tokens: Vec<TokenInfo>,
    pub modules: Vec<ModuleStatus>,
}

/// How the service is set up.
#[derive(Clone, Debug)]
pub struct Config {
    /// Watch readers continuously (app) rather than on request (CLI).
    pub live: bool,
    /// Load PKCS#11 modules and list their tokens.
    pub pkcs11: bool,
    /// Module paths from the user's settings, tried before the discovered ones.
    pub extra_modules: Vec<PathBuf>,
    /// How often to re-list PKCS#11 tokens when live (modules without slot events).
    pub token_poll: Duration,
}

impl Default for Config {
    fn default() -> Self {
        // A malformed settings file must not stop the app: its modules are then just absent
        // (the settings page and `ecert modules` say why).
        let extra_modules = crate::settings::load().map(|s| s.pkcs11_modules).unwrap_or_default();
        Self { live: true, pkcs11: true, extra_modules, token_poll: Duration::from_secs(3) }
    }
}

enum Msg {
    Request(Request),
    Readers(ReaderSnapshot),
    /// From a module's owner thread: its tokens or state changed.
    Pkcs11 {
        module: PathBuf,
        tokens: Vec<TokenInfo>,
        status: ModuleStatus,
    },
    /// From the PKCS#11 thread: an answer to pass on.
    Forward(Event),
    Stop,
}

/// A running service. Dropping it stops the monitor and the worker and waits for both.
pub struct Service {
    tx: Sender<Msg>,
    monitor: Option<Monitor>,
    worker: Option<JoinHandle<()>>,
}

impl Service {
    /// Starts the worker (and, when `config.live`, the reader monitor). `sink` is called on
    /// the worker thread for every event; it must not block for long.
    pub fn spawn(config: Config, sink: impl FnMut(Event) + Send + 'static) -> std::io::Result<Self> {
        let (tx, rx) = mpsc::channel();
        let live = config.live;
        let back = tx.clone();
        let worker = std::thread::Builder::new()
            .name("ecert-service".into())
            .spawn(move || worker::run(&config, &rx, &back, sink))?;
        let monitor = if live {
            let mtx = tx.clone();
            Some(Monitor::spawn(move |snap| {
                let _ = mtx.send(Msg::Readers(snap));
            })?)
        } else {
            None
        };
        Ok(Self { tx, monitor, worker: Some(worker) })
    }

    pub fn request(&self, request: Request) {
        let _ = self.tx.send(Msg::Request(request));
    }

    /// One-shot: starts a non-live service, takes its first snapshot, stops it.
    pub fn snapshot_blocking(config: Config) -> std::io::Result<Snapshot> {
        let (tx, rx) = mpsc::channel();
        let service = Self::spawn(Config { live: false, ..config }, move |ev| {
            if let Event::Snapshot(s) = ev {
                let _ = tx.send(s);
            }
        })?;
        service.request(Request::Refresh);
        let snap = rx.recv().map_err(|_| std::io::Error::other("service stopped before answering"))?;
        drop(service);
        Ok(snap)
    }

    /// One-shot certificate listing for the CLI.
    pub fn certificates_blocking(
        config: Config,
        token: TokenRef,
    ) -> std::io::Result<Result<Vec<CertObject>, TokenError>> {
        let (tx, rx) = mpsc::channel();
        let service = Self::spawn(Config { live: false, ..config }, move |ev| {
            if let Event::Certificates { result, .. } = ev {
                let _ = tx.send(result);
            }
        })?;
        service.request(Request::ListCertificates { token });
        let result = rx.recv().map_err(|_| std::io::Error::other("service stopped before answering"))?;
        drop(service);
        Ok(result)
    }
}

impl Service {
    /// One-shot operation for the CLI.
    pub fn run_blocking(
        config: Config,
        token: TokenRef,
        operation: Operation,
    ) -> std::io::Result<Result<Outcome, TokenError>> {
        let (tx, rx) = mpsc::channel();
        let service = Self::spawn(Config { live: false, ..config }, move |ev| {
            if let Event::Finished { result, .. } = ev {
                let _ = tx.send(result);
            }
        })?;
        service.request(Request::Run { token, operation });
        let result = rx.recv().map_err(|_| std::io::Error::other("service stopped before answering"))?;
        drop(service);
        Ok(result)
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.monitor.take();
        let _ = self.tx.send(Msg::Stop);
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}
