//! `ecert … | head -1`: a closed output pipe stops the CLI quietly (exit 141, like a tool
//! stopped by SIGPIPE), never with a panic message and exit status 101. Found by the
//! package check (scripts/package) running `ecert verify | head -1`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Stdio};

#[test]
fn a_closed_stdout_is_a_quiet_stop_not_a_panic() {
    let chains = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/chains/ok");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ecert"))
        .args(["verify", &format!("{chains}/leaf.pem"), "--anchor", &format!("{chains}/root.pem")])
        .args(["--untrusted", &format!("{chains}/intermediate.pem"), "--at", "2026-06-01T00:00:00Z"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The reader goes away before the first line is written.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(141), "{stderr}");
}
