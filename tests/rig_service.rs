//! The live service end to end: one PIV card seen twice — by our driver and through OpenSC's
//! PKCS#11 module (which reports changes by C_WaitForSlotEvent) — disappears from the
//! snapshot when the card is pulled and comes back when it is inserted.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use ecert::service::{Config, Event, Service, Snapshot};
use ecert::token::TokenKind;

fn rig_cmd(rig: &common::Rig, args: &[&str]) {
    let out = Command::new(&rig.script).args(args).output().unwrap();
    common::stdout_ok(&out, &format!("rig {args:?}"));
}

fn kinds(s: &Snapshot) -> (bool, bool) {
    (
        s.tokens.iter().any(|t| t.kind == TokenKind::PivCard),
        s.tokens.iter().any(|t| t.kind == TokenKind::Pkcs11),
    )
}

#[test]
fn live_snapshots_follow_the_card_through_both_paths() {
    let rig = common::rig();
    // The ISO card would make OpenSC probe a second reader for seconds; not what this is about.
    rig_cmd(&rig, &["card-out", "iso"]);
    let config =
        Config { extra_modules: Vec::new(), token_poll: Duration::from_millis(500), ..Config::default() };
    // Only OpenSC's module, for this process.
    std::env::set_var("ECERT_PKCS11_MODULES", &rig.opensc_module);
    let (tx, rx) = mpsc::channel();
    let service = Service::spawn(config, move |ev| {
        if let Event::Snapshot(s) = ev {
            let _ = tx.send(s);
        }
    })
    .unwrap();
    let wait = |want: (bool, bool)| {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(s) = rx.recv_timeout(Duration::from_millis(200)) {
                if kinds(&s) == want {
                    return true;
                }
            }
        }
        false
    };
    let ok_start = wait((true, true));
    rig_cmd(&rig, &["card-out"]);
    let ok_out = wait((false, false));
    rig_cmd(&rig, &["card-in"]);
    let ok_in = wait((true, true));
    drop(service);
    rig_cmd(&rig, &["card-in", "iso"]);
    assert!(ok_start, "PIV card not seen by both paths at start");
    assert!(ok_out, "removal not reflected in both paths");
    assert!(ok_in, "insertion not reflected in both paths");
}
