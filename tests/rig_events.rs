//! Card removal and insertion reach the live reader monitor (SCardGetStatusChange), using
//! the rig's `card-out` / `card-in` (stop / restart the virtual PIV card process; its state
//! folder keeps the contents).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use ecert::reader::{Monitor, ReaderSnapshot};

fn present(snap: &ReaderSnapshot, reader: &str) -> Option<bool> {
    snap.readers.iter().find(|r| r.name == reader).map(|r| r.card_present)
}

fn rig_cmd(rig: &common::Rig, verb: &str) {
    let out = Command::new(&rig.script).arg(verb).output().unwrap();
    common::stdout_ok(&out, &format!("rig {verb}"));
}

#[test]
fn monitor_sees_removal_and_insertion() {
    let rig = common::rig();
    let _card = common::card_lock();
    let (tx, rx) = mpsc::channel();
    let _monitor = Monitor::spawn(move |s| {
        let _ = tx.send(s);
    })
    .unwrap();
    let wait_state = |want: bool| {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while std::time::Instant::now() < deadline {
            if let Ok(s) = rx.recv_timeout(Duration::from_millis(200)) {
                if present(&s, &rig.piv_reader) == Some(want) {
                    return true;
                }
            }
        }
        false
    };
    assert!(wait_state(true), "card not present at start");
    rig_cmd(&rig, "card-out");
    assert!(wait_state(false), "removal not reported");
    rig_cmd(&rig, "card-in");
    assert!(wait_state(true), "insertion not reported");
}

#[test]
fn pcscd_restart_is_seen_and_recovered_from_without_a_new_monitor() {
    use ecert::reader::PcscStatus;
    let rig = common::rig();
    let _card = common::card_lock();
    let (tx, rx) = mpsc::channel();
    let _monitor = Monitor::spawn(move |s| {
        let _ = tx.send(s);
    })
    .unwrap();
    let wait = |want: &dyn Fn(&ReaderSnapshot) -> bool| {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while std::time::Instant::now() < deadline {
            if let Ok(s) = rx.recv_timeout(Duration::from_millis(200)) {
                if want(&s) {
                    return true;
                }
            }
        }
        false
    };
    assert!(wait(&|s| present(s, &rig.piv_reader) == Some(true)), "card not present at start");
    let restart = std::thread::spawn({
        let script = rig.script.clone();
        move || Command::new(script).arg("pcscd-restart").output().unwrap()
    });
    assert!(
        wait(&|s| s.pcsc == PcscStatus::NotRunning || s.readers.is_empty()),
        "pcscd going away not reported"
    );
    let out = restart.join().unwrap();
    common::stdout_ok(&out, "rig pcscd-restart");
    assert!(
        wait(&|s| s.pcsc == PcscStatus::Running && present(s, &rig.piv_reader) == Some(true)),
        "the same monitor did not recover after pcscd came back"
    );
}
