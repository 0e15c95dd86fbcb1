//! Peer tools see what we see: yubico-piv-tool and OpenSC's pkcs11-tool on the same
//! virtual card, and `ecert readers|tokens --json` agree with them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{ecert, run, stdout_ok};

#[test]
fn yubico_piv_tool_status_sees_the_card() {
    let rig = common::rig();
    let _card = common::card_lock();
    let out = stdout_ok(
        &run("yubico-piv-tool", &["-r", &rig.piv_reader, "-a", "status"]),
        "yubico-piv-tool -a status",
    );
    assert!(out.contains("PIN tries left"), "{out}");
}

#[test]
fn pkcs11_tool_lists_the_card_slot() {
    let rig = common::rig();
    let _card = common::card_lock();
    let module = rig.opensc_module.to_string_lossy().into_owned();
    let out = stdout_ok(&run("pkcs11-tool", &["--module", &module, "-L"]), "pkcs11-tool -L");
    assert!(out.contains(&rig.piv_reader), "{out}");
    assert!(out.contains("token label"), "{out}");
}

#[test]
fn ecert_readers_json_lists_both_readers_with_atr() {
    let rig = common::rig();
    let out = stdout_ok(&ecert().args(["readers", "--json"]).output().unwrap(), "ecert readers --json");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["pcsc"]["state"], "running");
    let readers = v["readers"].as_array().unwrap();
    for name in [&rig.piv_reader, &rig.iso_reader] {
        let r = readers
            .iter()
            .find(|r| r["name"] == name.as_str())
            .unwrap_or_else(|| panic!("{name} missing: {out}"));
        assert_eq!(r["card_present"], true, "{out}");
        assert!(r["atr"].as_str().is_some_and(|a| a.starts_with("3B")), "{out}");
    }
}

#[test]
fn ecert_tokens_json_shows_piv_card_and_softhsm_token() {
    let rig = common::rig();
    let _card = common::card_lock();
    let out =
        ecert().args(["tokens", "--json"]).env("ECERT_PKCS11_MODULES", &rig.softhsm_module).output().unwrap();
    let out = stdout_ok(&out, "ecert tokens --json");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let tokens = v["tokens"].as_array().unwrap();
    let piv = tokens
        .iter()
        .find(|t| t["kind"] == "piv-card" && t["reference"]["reader"] == rig.piv_reader.as_str())
        .unwrap_or_else(|| panic!("no PIV card token: {out}"));
    assert!(piv["pin"]["tries_left"].as_u64().is_some_and(|n| (1..=3).contains(&n)), "{out}");
    assert!(
        tokens.iter().any(|t| t["kind"] == "pkcs11" && t["label"] == rig.softhsm_label.as_str()),
        "{out}"
    );
    // The ISO 7816 card has no PIV application and is not listed as a PIV token.
    assert!(!tokens.iter().any(|t| t["reference"]["reader"] == rig.iso_reader.as_str()), "{out}");
}

#[test]
fn ecert_readers_without_pcscd_is_a_clear_state() {
    // Pointing PC/SC at a socket that does not exist is how a machine without pcscd looks.
    let out = ecert()
        .args(["readers", "--json"])
        .env("PCSCLITE_CSOCK_NAME", "/nonexistent/pcscd.comm")
        .output()
        .unwrap();
    let text = stdout_ok(&out, "ecert readers --json (no pcscd)");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["pcsc"]["state"], "not-running", "{text}");
}
