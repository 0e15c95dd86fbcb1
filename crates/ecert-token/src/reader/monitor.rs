//! The reader monitor: one thread blocked in `SCardGetStatusChange` on every reader plus the
//! PnP pseudo-reader, publishing a fresh [`ReaderSnapshot`] on every change. When pcscd is
//! missing or restarts it publishes `NotRunning` and keeps trying to re-establish, so the
//! user never has to restart the app.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use pcsc::{Context, ReaderState, Scope, PNP_NOTIFICATION};

use super::{info_from_state, reader_states, status_from_error, PcscStatus, ReaderSnapshot};

/// How long one wait lasts before the thread checks whether it should stop.
const WAIT: Duration = Duration::from_millis(400);
/// How often to retry when pcscd is not running.
const RETRY: Duration = Duration::from_secs(1);

/// A running reader monitor; dropping it stops the thread and waits for it.
pub struct Monitor {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Monitor {
    /// Starts the monitor. `sink` receives the first snapshot at once and one per change.
    pub fn spawn(sink: impl FnMut(ReaderSnapshot) + Send + 'static) -> std::io::Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("ecert-reader-monitor".into())
            .spawn(move || run(&flag, sink))?;
        Ok(Self { stop, thread: Some(thread) })
    }
}

impl Drop for Monitor {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run(stop: &AtomicBool, mut sink: impl FnMut(ReaderSnapshot)) {
    let mut last: Option<ReaderSnapshot> = None;
    let mut publish = |snap: ReaderSnapshot| {
        if last.as_ref() != Some(&snap) {
            last = Some(snap.clone());
            sink(snap);
        }
    };
    while !stop.load(Ordering::SeqCst) {
        match Context::establish(Scope::User) {
            Ok(ctx) => watch(&ctx, stop, &mut publish),
            Err(e) => publish(status_from_error(e)),
        }
        sleep_unless_stopped(stop, RETRY);
    }
}

/// Watches until pcscd goes away or we are asked to stop.
fn watch(ctx: &Context, stop: &AtomicBool, publish: &mut impl FnMut(ReaderSnapshot)) {
    let mut states = match reader_states(ctx) {
        Ok(s) => s,
        Err(e) => return publish(status_from_error(e)),
    };
    loop {
        publish(snapshot_of(&states));
        for s in &mut states {
            s.sync_current_state();
        }
        loop {
            if stop.load(Ordering::SeqCst) {
                return;
            }
            match ctx.get_status_change(Some(WAIT), &mut states) {
                Ok(()) => break,
                Err(pcsc::Error::Timeout) => {}
                Err(e) => return publish(status_from_error(e)),
            }
        }
        if reader_set_changed(&states) {
            states = match reader_states(ctx) {
                Ok(s) => s,
                Err(e) => return publish(status_from_error(e)),
            };
        }
    }
}

fn reader_set_changed(states: &[ReaderState]) -> bool {
    states.iter().any(|s| {
        let ev = s.event_state();
        (s.name() == PNP_NOTIFICATION() && ev.contains(pcsc::State::CHANGED))
            || ev.intersects(pcsc::State::UNKNOWN | pcsc::State::IGNORE)
    })
}

fn snapshot_of(states: &[ReaderState]) -> ReaderSnapshot {
    ReaderSnapshot {
        pcsc: PcscStatus::Running,
        readers: states.iter().filter(|s| s.name() != PNP_NOTIFICATION()).map(info_from_state).collect(),
    }
}

fn sleep_unless_stopped(stop: &AtomicBool, total: Duration) {
    let tick = Duration::from_millis(50);
    let mut waited = Duration::ZERO;
    while waited < total && !stop.load(Ordering::SeqCst) {
        std::thread::sleep(tick);
        waited += tick;
    }
}
