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

#[cfg(unix)]
fn mode(p: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// `ecert directory add` with a file-size limit of 0 bytes: the process is killed by
/// SIGXFSZ in the middle of writing the new settings, as a power cut would stop it.
#[cfg(unix)]
fn add_directory_killed_mid_write(config_dir: &std::path::Path) -> std::process::Output {
    Command::new("bash")
        .args(["-c", "ulimit -f 0; exec \"$0\" directory add Rig ldap://127.0.0.1:3890"])
        .arg(env!("CARGO_BIN_EXE_ecert"))
        .env("ECERT_CONFIG_DIR", config_dir)
        .output()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn settings_are_saved_private_and_a_save_cut_half_way_leaves_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let old = ecert::settings::Settings { high_contrast: true, ..Default::default() };
    ecert::settings::save_at(&config.join("settings.json"), &old).unwrap();
    assert_eq!(mode(&config), 0o700);
    assert_eq!(mode(&config.join("settings.json")), 0o600);
    let before = std::fs::read(config.join("settings.json")).unwrap();
    let out = add_directory_killed_mid_write(&config);
    assert!(!out.status.success(), "the save was cut: {out:?}");
    assert_eq!(std::fs::read(config.join("settings.json")).unwrap(), before, "old settings intact");
    assert_eq!(ecert::settings::load_at(&config.join("settings.json")).unwrap(), old);
    // The next save goes through, still private.
    let out = Command::new(env!("CARGO_BIN_EXE_ecert"))
        .args(["directory", "add", "Rig", "ldap://127.0.0.1:3890"])
        .env("ECERT_CONFIG_DIR", &config)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let now = ecert::settings::load_at(&config.join("settings.json")).unwrap();
    assert!(now.high_contrast && now.directories.len() == 1);
    assert_eq!(mode(&config.join("settings.json")), 0o600);
}
