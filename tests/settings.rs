//! The settings file: PKCS#11 modules listed there are found (source "settings"); a
//! malformed file is reported and defaults are used, never a crash.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

const SOFTHSM: &str = "/usr/lib/softhsm/libsofthsm2.so";

fn ecert_modules(config_dir: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ecert"))
        .args(["modules", "--json"])
        .env("ECERT_CONFIG_DIR", config_dir)
        .env_remove("ECERT_PKCS11_MODULES")
        .env("PCSCLITE_CSOCK_NAME", "/nonexistent/pcscd.comm")
        .output()
        .unwrap()
}

#[test]
fn modules_from_the_settings_file_are_loaded() {
    assert!(std::path::Path::new(SOFTHSM).exists(), "softhsm2 missing: run scripts/deps --test");
    let dir = tempfile::tempdir().unwrap();
    let settings = ecert::settings::Settings { pkcs11_modules: vec![SOFTHSM.into()], ..Default::default() };
    std::fs::write(dir.path().join("settings.json"), serde_json::to_vec(&settings).unwrap()).unwrap();
    let out = ecert_modules(dir.path());
    assert!(out.status.success(), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = &v.as_array().unwrap()[0];
    assert_eq!(first["path"], SOFTHSM, "{v}");
    assert_eq!(first["source"], "settings", "{v}");
    assert!(first["error"].is_null(), "{v}");
}

#[test]
fn malformed_settings_are_reported_and_ignored() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("settings.json"), b"{ \"pkcs11_modules\": 7, ").unwrap();
    let out = ecert_modules(dir.path());
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("not valid"), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.as_array().unwrap().iter().all(|m| m["source"] != "settings"), "{v}");
}
