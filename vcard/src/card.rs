//! [`VirtualPiv`]: an owned handle to one virtual PIV card.
//!
//! trussed's storage (littlefs mounted by `trussed::virt::StoreConfig::with_store`) is only
//! alive inside a closure, so the card runs on its own thread inside that closure and the
//! handle talks to it over channels. With a state directory, internal and external storage are
//! the files `internal.bin` and `external.bin` there (`StorageConfig::filesystem`), so PIN
//! state, keys and certificates survive the process; volatile storage is always RAM. A lock on
//! `lock` in that directory keeps two cards from using the same state at once.

use std::{
    fs::{self, File, OpenOptions},
    io,
    path::Path,
    sync::mpsc::{self, Receiver, Sender},
    thread::{self, JoinHandle},
};

use trussed::{
    pipe::{ServiceEndpoint, TrussedChannel},
    types::{CoreContext, PathBuf},
    virt::{StorageConfig, StoreConfig},
    Service,
};

use crate::{
    apdu::sw,
    dispatch::{Dispatcher, BACKENDS},
    frontend::Frontend,
    piv::PivApplet,
    platform::{DirectSyscall, VirtClient, VirtPlatform},
};

/// The ATR the card announces: T=1, the same bytes as vpicc's default ATR.
pub const ATR: &[u8] = &[0x3B, 0x95, 0x13, 0x81, 0x01, 0x80, 0x73, 0xFF, 0x01, 0x00, 0x0B];

/// Size of one trussed virt storage file (trussed's `STORAGE_SIZE`: 128 blocks of 512 bytes).
const STORAGE_FILE_LEN: u64 = 512 * 128;

/// The storage files in a state directory: internal, then external storage.
const STORAGE_FILES: [&str; 2] = ["internal.bin", "external.bin"];

/// The trussed client id of the PIV application (its storage namespace).
const CLIENT_ID: &str = "piv";

enum Op {
    Apdu(Vec<u8>),
    Reset,
}

/// A running virtual PIV card.
///
/// Defaults (NIST SP 800-73-4 / YubiKey conventions): PIN `123456`, PUK `12345678`, 3 tries
/// each, 3DES management key `010203040506070801020304050607080102030405060708`.
pub struct VirtualPiv {
    to_card: Option<Sender<Op>>,
    from_card: Receiver<Vec<u8>>,
    thread: Option<JoinHandle<()>>,
    /// Held until the card thread has stopped.
    _lock: Option<File>,
}

impl VirtualPiv {
    /// A card whose storage lives in RAM only: every instance is a fresh card.
    pub fn in_memory() -> io::Result<Self> {
        Self::start(None)
    }

    /// A card whose storage persists in `state_dir` (created if missing). Opening the same
    /// directory again later is re-inserting the same card.
    pub fn open(state_dir: &Path) -> io::Result<Self> {
        Self::start(Some(state_dir))
    }

    /// [`Self::open`] with a state directory, [`Self::in_memory`] without one.
    pub fn start(state_dir: Option<&Path>) -> io::Result<Self> {
        let lock = state_dir.map(lock_and_check).transpose()?;
        let state_dir = state_dir.map(Path::to_path_buf);
        let (to_card, card_rx) = mpsc::channel();
        let (card_tx, from_card) = mpsc::channel();
        let (ready_tx, ready_rx) = mpsc::channel();
        let thread = thread::Builder::new()
            .name("virtual-piv".into())
            .stack_size(16 * 1024 * 1024)
            .spawn(move || run_card(state_dir.as_deref(), &ready_tx, &card_rx, &card_tx))?;
        if ready_rx.recv().is_err() {
            let _ = thread.join();
            return Err(io::Error::other("the virtual card failed to start (storage could not be mounted)"));
        }
        Ok(Self { to_card: Some(to_card), from_card, thread: Some(thread), _lock: lock })
    }

    /// The card's ATR.
    pub fn atr(&self) -> &'static [u8] {
        ATR
    }

    /// Processes one raw C-APDU (short or extended, possibly part of a chain) and returns the
    /// R-APDU: response data followed by SW1 SW2. Never panics; `6F00` if the card has died.
    pub fn execute(&mut self, capdu: &[u8]) -> Vec<u8> {
        let sent = self.to_card.as_ref().is_some_and(|tx| tx.send(Op::Apdu(capdu.to_vec())).is_ok());
        match sent.then(|| self.from_card.recv().ok()).flatten() {
            Some(rapdu) => rapdu,
            None => sw::NO_PRECISE_DIAGNOSIS.to_be_bytes().to_vec(),
        }
    }

    /// Card reset or power-off/on: ends the PIN and management-key sessions, drops any
    /// unfinished command chain or pending response.
    pub fn reset(&mut self) {
        if let Some(tx) = &self.to_card {
            let _ = tx.send(Op::Reset);
        }
    }
}

impl Drop for VirtualPiv {
    fn drop(&mut self) {
        // Closing the channel stops the card thread, which unmounts its storage.
        self.to_card = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl std::fmt::Debug for VirtualPiv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VirtualPiv").field("persistent", &self._lock.is_some()).finish_non_exhaustive()
    }
}

/// Creates `dir`, locks it for this process and checks its storage files (if any) look right.
fn lock_and_check(dir: &Path) -> io::Result<File> {
    fs::create_dir_all(dir)?;
    let lock = OpenOptions::new().create(true).truncate(false).write(true).open(dir.join("lock"))?;
    lock.try_lock().map_err(|e| match e {
        fs::TryLockError::WouldBlock => io::Error::new(
            io::ErrorKind::WouldBlock,
            format!("{} is in use by another virtual card", dir.display()),
        ),
        fs::TryLockError::Error(e) => e,
    })?;
    for name in STORAGE_FILES {
        let path = dir.join(name);
        match fs::metadata(&path) {
            Ok(meta) if meta.len() != STORAGE_FILE_LEN => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{} is not a virtual card storage file", path.display()),
                ))
            }
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(lock)
}

fn store_config(state_dir: Option<&Path>) -> StoreConfig<'static> {
    match state_dir {
        None => StoreConfig::ram(),
        Some(dir) => StoreConfig {
            internal: StorageConfig::filesystem(dir.join(STORAGE_FILES[0])),
            external: StorageConfig::filesystem(dir.join(STORAGE_FILES[1])),
            volatile: StorageConfig::ram(),
        },
    }
}

/// The card thread: mounts the storage, builds the trussed service and the PIV application,
/// then serves requests until the handle is dropped.
fn run_card(
    state_dir: Option<&Path>,
    ready: &Sender<()>,
    requests: &Receiver<Op>,
    responses: &Sender<Vec<u8>>,
) {
    store_config(state_dir).with_store(|store| {
        let service = Service::with_dispatch(VirtPlatform::new(store), Dispatcher::new());
        let channel = TrussedChannel::new();
        let Some((requester, responder)) = channel.split() else {
            return;
        };
        let Ok(client_id) = PathBuf::try_from(CLIENT_ID) else {
            return;
        };
        let endpoint = ServiceEndpoint::new(responder, CoreContext::new(client_id), BACKENDS);
        let client: VirtClient<'_> =
            trussed::ClientImplementation::new(requester, DirectSyscall::new(service, endpoint), None);
        let mut card = Frontend::new(PivApplet::new(client));
        if ready.send(()).is_err() {
            return;
        }
        while let Ok(op) = requests.recv() {
            match op {
                Op::Apdu(capdu) => {
                    if responses.send(card.execute(&capdu)).is_err() {
                        break;
                    }
                }
                Op::Reset => card.reset(),
            }
        }
    });
}
