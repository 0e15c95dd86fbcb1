//! Adding and removing PKCS#11 modules while the app runs (Settings → token software): a
//! real module (SoftHSM2 from the rig) loads and shows its token, a file that is no PKCS#11
//! module shows why it cannot be used, the same module is never loaded twice, and a removed
//! module disappears with its tokens.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::mpsc;
use std::time::{Duration, Instant};

use ecert::service::{Config, Event, Request, Service, Snapshot};

/// The tests here load SoftHSM in services of their own: one at a time (a PKCS#11 module is
/// initialized once per process; the app has one service).
fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[test]
fn modules_come_and_go_while_the_service_runs() {
    let rig = common::rig();
    let _one = one_at_a_time();
    // No module found by discovery for this process: only what the test adds.
    std::env::set_var("ECERT_PKCS11_MODULES", "");
    std::env::set_var("SOFTHSM2_CONF", &rig.softhsm_conf);
    let config =
        Config { extra_modules: Vec::new(), token_poll: Duration::from_millis(300), ..Config::default() };
    let (tx, rx) = mpsc::channel();
    let service = Service::spawn(config, move |ev| {
        if let Event::Snapshot(s) = ev {
            let _ = tx.send(s);
        }
    })
    .unwrap();
    let wait = |what: &str, ok: &dyn Fn(&Snapshot) -> bool| -> Snapshot {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut last = None;
        while Instant::now() < deadline {
            if let Ok(s) = rx.recv_timeout(Duration::from_millis(200)) {
                if ok(&s) {
                    return s;
                }
                last = Some(s);
            }
        }
        panic!("{what}: last snapshot {last:#?}");
    };
    let soft = rig.softhsm_module.clone();
    let not_a_module = std::env::temp_dir().join(format!("ecert-not-a-module-{}.so", std::process::id()));
    std::fs::write(&not_a_module, b"this is not a shared library").unwrap();

    service.request(Request::AddModule { path: soft.clone() });
    let s = wait("SoftHSM loads and its token appears", &|s| {
        s.modules.iter().any(|m| m.path == soft && m.error.is_none() && m.library.is_some())
            && s.tokens.iter().any(|t| t.label == rig.softhsm_label)
    });
    assert_eq!(s.modules.len(), 1);

    service.request(Request::AddModule { path: soft.clone() });
    service.request(Request::AddModule { path: not_a_module.clone() });
    let s = wait("the bogus file is reported with its error", &|s| {
        s.modules.iter().any(|m| m.path == not_a_module && m.error.is_some())
    });
    assert_eq!(s.modules.iter().filter(|m| m.path == soft).count(), 1, "added twice, loaded once");

    service.request(Request::RemoveModule { path: soft.clone() });
    let s = wait("SoftHSM and its token are gone", &|s| {
        !s.modules.iter().any(|m| m.path == soft) && !s.tokens.iter().any(|t| t.label == rig.softhsm_label)
    });
    assert!(s.modules.iter().any(|m| m.path == not_a_module), "the other module stays");
    drop(service);
    let _ = std::fs::remove_file(&not_a_module);
}

#[test]
fn the_first_snapshot_never_says_the_running_service_is_down() {
    let rig = common::rig();
    let _one = one_at_a_time();
    std::env::set_var("SOFTHSM2_CONF", &rig.softhsm_conf);
    // A module whose first report can come before the reader monitor's first answer.
    std::env::set_var("ECERT_PKCS11_MODULES", &rig.softhsm_module);
    let config =
        Config { extra_modules: Vec::new(), token_poll: Duration::from_millis(300), ..Config::default() };
    for round in 0..5 {
        let (tx, rx) = mpsc::channel();
        let service = Service::spawn(config.clone(), move |ev| {
            if let Event::Snapshot(s) = ev {
                let _ = tx.send(s);
            }
        })
        .unwrap();
        let t0 = Instant::now();
        let first = rx.recv_timeout(Duration::from_secs(10)).expect("a first snapshot");
        eprintln!("round {round}: first snapshot after {:?}: {:?}", t0.elapsed(), first.pcsc);
        drop(service);
        assert_eq!(
            first.pcsc,
            ecert::reader::PcscStatus::Running,
            "round {round}: pcscd runs, yet the first snapshot said {:?}",
            first.pcsc
        );
    }
}
