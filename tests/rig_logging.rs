//! `ecert --verbose` / `RUST_LOG` (issue 17 item 3): a full PIN and management-key flow on
//! the rig's card, logged at trace level, shows every card command — and never a secret: not
//! the PINs as typed, not their PIV PIN blocks (hex), not the management key.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::process::{Output, Stdio};

const OLD: &str = "123456";
const NEW: &str = "24681357";
const MGMT: &str = "010203040506070801020304050607080102030405060708";

fn ecert(rig: &common::Rig, args: &[&str], stdin: &str) -> Output {
    let mut child = common::ecert()
        .args(args)
        .args(["--token", &rig.piv_reader, "-vvv"])
        .env("RUST_LOG", "trace")
        .env("ECERT_PKCS11_MODULES", "")
        .env("ECERT_LANG", "en")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

/// The secrets as text, as PIV PIN blocks (ASCII padded with FF to 8 bytes) and as bytes.
fn forbidden() -> Vec<String> {
    let block = |pin: &str| {
        let mut b = pin.as_bytes().to_vec();
        b.resize(8, 0xFF);
        b
    };
    let mut out = vec![OLD.to_owned(), NEW.to_owned(), MGMT.to_owned(), MGMT.to_uppercase()];
    for pin in [OLD, NEW] {
        out.push(hex_of(&block(pin)));
        out.push(hex_of(&block(pin)).to_uppercase());
        out.push(format!("{:?}", block(pin)));
    }
    out
}

fn hex_of(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

#[test]
fn a_full_pin_and_management_key_flow_logs_commands_and_no_secret() {
    let rig = common::rig();
    let _card = common::card_lock();
    let dir = tempfile::tempdir().unwrap();
    let public = dir.path().join("9e.pem");
    let runs = [
        ecert(&rig, &["pin", "change", "--pin-stdin"], &format!("{OLD}\n{NEW}\n")),
        ecert(&rig, &["pin", "change", "--pin-stdin"], &format!("{NEW}\n{OLD}\n")),
        ecert(
            &rig,
            &[
                "keygen",
                "--slot",
                "9e",
                "--alg",
                "p256",
                "--out",
                public.to_str().unwrap(),
                "--mgmt-key",
                "--pin-stdin",
            ],
            &format!("{MGMT}\n"),
        ),
    ];
    let mut log = String::new();
    for (i, out) in runs.iter().enumerate() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "run {i}: {}\n{stderr}", out.status);
        log.push_str(&stderr);
    }
    // The log is really there: card commands, the secret-bearing ones redacted.
    assert!(log.contains("ecert::apdu"), "no APDU trace in:\n{log}");
    assert!(log.contains("redacted"), "no redacted command in the trace");
    assert!(log.contains("ChangePin"), "the operation is logged");
    for secret in forbidden() {
        assert!(!log.contains(&secret), "the log shows a secret ({secret})");
    }
    // Quiet without --verbose or RUST_LOG.
    let quiet = common::ecert()
        .args(["pin", "status", "--token", &rig.piv_reader])
        .env_remove("RUST_LOG")
        .env("ECERT_PKCS11_MODULES", "")
        .output()
        .unwrap();
    assert!(quiet.status.success());
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains("ecert::apdu"));
}
