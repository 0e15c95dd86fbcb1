//! Shared helpers for tests on the rig (`scripts/rig up`): pcscd with the virtual PIV card
//! in "Virtual PCD 00 00", vicc's ISO 7816 card in "Virtual PCD 00 01", a SoftHSM2 token.
//! A test that needs the rig and does not find it fails with a message saying how to start
//! it — it never skips.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// What `scripts/rig up` wrote into its env file.
pub struct Rig {
    pub dir: PathBuf,
    pub script: PathBuf,
    pub piv_reader: String,
    pub iso_reader: String,
    pub softhsm_module: PathBuf,
    pub softhsm_label: String,
    pub softhsm_conf: PathBuf,
    pub opensc_module: PathBuf,
    pub pcscd_log: PathBuf,
    /// slapd with the PKITS directory: `ldap://127.0.0.1:PORT`, its base DN, and the rig's
    /// admin DN and password (for tests that add entries).
    pub ldap_url: String,
    /// The same directory over `ldaps://`, and the CA its TLS certificate chains to.
    pub ldaps_url: String,
    pub ldap_tls_ca: PathBuf,
    pub ldap_base: String,
    pub ldap_admin: String,
    pub ldap_password: String,
}

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!(
            "{name} is not set: this test needs the smart-card rig. Run the whole suite with \
             `scripts/test`, or `scripts/rig up && . target/rig/env` before `cargo test`."
        )
    })
}

pub fn rig() -> Rig {
    assert_eq!(var("ECERT_RIG"), "1", "ECERT_RIG must be 1 (rig env file sourced)");
    Rig {
        dir: var("ECERT_RIG_DIR").into(),
        script: var("ECERT_RIG_SCRIPT").into(),
        piv_reader: var("ECERT_PIV_READER"),
        iso_reader: var("ECERT_ISO_READER"),
        softhsm_module: var("ECERT_SOFTHSM_MODULE").into(),
        softhsm_label: var("ECERT_SOFTHSM_LABEL"),
        softhsm_conf: var("SOFTHSM2_CONF").into(),
        opensc_module: var("ECERT_OPENSC_MODULE").into(),
        pcscd_log: var("ECERT_PCSCD_LOG").into(),
        ldap_url: var("ECERT_LDAP_URL"),
        ldaps_url: var("ECERT_LDAPS_URL"),
        ldap_tls_ca: var("ECERT_LDAP_TLS_CA").into(),
        ldap_base: var("ECERT_LDAP_BASE"),
        ldap_admin: var("ECERT_LDAP_ADMIN"),
        ldap_password: var("ECERT_LDAP_PASSWORD"),
    }
}

/// Serialises tests that talk to the same virtual card within one test binary.
pub fn card_lock() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Runs a command and returns its output, panicking with stderr if it cannot start.
pub fn run(program: &str, args: &[&str]) -> Output {
    Command::new(program).args(args).output().unwrap_or_else(|e| panic!("cannot run {program}: {e}"))
}

pub fn stdout_ok(out: &Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what} failed ({}):\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Polls `f` until it returns `Some` or `limit` passes.
pub fn wait_for<T>(limit: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if start.elapsed() > limit {
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The `ecert` binary built for this test run.
pub fn ecert() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ecert"))
}
