//! The PIV lifecycle on the real stack (ecert → pcscd → vpcd → virtual card), checked from
//! the outside by yubico-piv-tool and openssl: certificates cross both ways byte for byte,
//! a card-made CSR and signature verify, wrong PINs cost exactly one try each and block at
//! zero, the PUK unblocks, and a card pulled mid-operation gives a clear error.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{run, stdout_ok};

/// `ecert` with no PKCS#11 modules (the tests here are about our own PIV driver) and the
/// card chosen by reader name; `stdin` holds secrets, one per line.
fn ecert(rig: &common::Rig, args: &[&str], stdin: &str) -> Output {
    let mut child = common::ecert()
        .args(args)
        .args(["--token", &rig.piv_reader])
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

fn self_signed(dir: &Path, name: &str) -> std::path::PathBuf {
    let cert = dir.join(format!("{name}.pem"));
    let key = dir.join(format!("{name}.key"));
    let subj = format!("/CN={name}/O=Hongkong Post e-Cert (Personal)/C=HK");
    let out = run(
        "openssl",
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "30",
            "-subj",
            &subj,
            "-keyout",
            key.to_str().unwrap(),
            "-out",
            cert.to_str().unwrap(),
        ],
    );
    stdout_ok(&out, "openssl req -x509");
    cert
}

/// Generates a key in `slot` with ecert, gets a CSR from the card, and has a throw-away
/// openssl CA issue the certificate.
fn issued_for_card_key(rig: &common::Rig, dir: &Path, slot: &str, cn: &str) -> std::path::PathBuf {
    let p = |name: &str| dir.join(name).to_str().unwrap().to_owned();
    let public = p(&format!("{slot}.pub.pem"));
    stdout_ok(
        &ecert(rig, &["keygen", "--slot", slot, "--alg", "p256", "--out", &public], ""),
        "ecert keygen",
    );
    let csr = p(&format!("{slot}.csr"));
    let subject = format!("CN={cn},C=HK");
    stdout_ok(
        &ecert(
            rig,
            &[
                "csr",
                "--slot",
                slot,
                "--subject",
                &subject,
                "--public-key",
                &public,
                "--out",
                &csr,
                "--pin-stdin",
            ],
            "123456\n",
        ),
        "ecert csr",
    );
    let ca = self_signed(dir, "Test CA");
    let ca_key = dir.join("Test CA.key");
    let cert = dir.join(format!("{slot}.issued.pem"));
    let out = run(
        "openssl",
        &[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            ca.to_str().unwrap(),
            "-CAkey",
            ca_key.to_str().unwrap(),
            "-days",
            "30",
            "-out",
            cert.to_str().unwrap(),
        ],
    );
    stdout_ok(&out, "openssl x509 -req");
    cert
}

fn pem_to_der(pem: &Path) -> Vec<u8> {
    let out = run("openssl", &["x509", "-in", pem.to_str().unwrap(), "-outform", "DER"]);
    assert!(out.status.success());
    out.stdout
}

fn pin_status(rig: &common::Rig) -> serde_json::Value {
    let out = ecert(rig, &["pin", "status", "--json"], "");
    serde_json::from_str(&stdout_ok(&out, "ecert pin status")).unwrap()
}

#[test]
fn certificates_cross_between_yubico_piv_tool_and_ecert_byte_for_byte() {
    let rig = common::rig();
    let _card = common::card_lock();
    let dir = tempfile::tempdir().unwrap();
    // yubico-piv-tool writes 9c, ecert reads it.
    let theirs = self_signed(dir.path(), "Written by yubico-piv-tool");
    let out = run(
        "yubico-piv-tool",
        &["-r", &rig.piv_reader, "-a", "import-certificate", "-s", "9c", "-i", theirs.to_str().unwrap()],
    );
    stdout_ok(&out, "yubico-piv-tool import-certificate");
    let exported = dir.path().join("9c.der");
    stdout_ok(
        &ecert(&rig, &["export", "--slot", "9c", "--der", "--out", exported.to_str().unwrap()], ""),
        "ecert export",
    );
    assert_eq!(std::fs::read(&exported).unwrap(), pem_to_der(&theirs));

    // ecert writes 9d (a key made on the card, certified by a test CA from its CSR) and
    // yubico-piv-tool reads it.
    let ours = issued_for_card_key(&rig, dir.path(), "9d", "Written by ecert");
    // A certificate for some other key is refused before anything is written.
    let stranger = self_signed(dir.path(), "Not this card's key");
    let out =
        ecert(&rig, &["import-cert", "--slot", "9d", stranger.to_str().unwrap(), "--pin-stdin"], "123456\n");
    assert!(!out.status.success(), "a certificate for another key must be refused");
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not belong"), "{out:?}");
    stdout_ok(
        &ecert(&rig, &["import-cert", "--slot", "9d", ours.to_str().unwrap(), "--pin-stdin"], "123456\n"),
        "ecert import-cert",
    );
    let read_back = dir.path().join("read.der");
    let out = run(
        "yubico-piv-tool",
        &[
            "-r",
            &rig.piv_reader,
            "-a",
            "read-certificate",
            "-s",
            "9d",
            "-K",
            "DER",
            "-o",
            read_back.to_str().unwrap(),
        ],
    );
    stdout_ok(&out, "yubico-piv-tool read-certificate");
    assert_eq!(std::fs::read(&read_back).unwrap(), pem_to_der(&ours));

    // Both show up in `ecert certs --json` with parsed owners.
    let out = stdout_ok(&ecert(&rig, &["certs", "--json"], ""), "ecert certs");
    assert!(out.contains("Written by yubico-piv-tool") && out.contains("Written by ecert"), "{out}");

    // Delete with a backup: the backup is the certificate, the slot is then empty.
    let backup = dir.path().join("backup.pem");
    stdout_ok(
        &ecert(&rig, &["delete", "--slot", "9d", "--backup", backup.to_str().unwrap(), "--yes"], ""),
        "ecert delete",
    );
    assert_eq!(pem_to_der(&backup), pem_to_der(&ours));
    let out = ecert(&rig, &["show", "--slot", "9d"], "");
    assert!(!out.status.success(), "slot 9d should be empty after delete");
}

#[test]
fn card_key_signs_a_csr_and_a_message_that_openssl_verifies() {
    let rig = common::rig();
    let _card = common::card_lock();
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    for (slot, alg) in [("9a", "p256"), ("9e", "p384")] {
        let public = p(&format!("{slot}.pub.pem"));
        stdout_ok(
            &ecert(&rig, &["keygen", "--slot", slot, "--alg", alg, "--out", &public], ""),
            "ecert keygen",
        );
        let csr = p(&format!("{slot}.csr"));
        let out = ecert(
            &rig,
            &[
                "csr",
                "--slot",
                slot,
                "--subject",
                "CN=Chan Tai Man,O=Example,C=HK",
                "--email",
                "tai.man@example.hk",
                "--public-key",
                &public,
                "--out",
                &csr,
                "--pin-stdin",
            ],
            "123456\n",
        );
        stdout_ok(&out, "ecert csr");
        let out = run("openssl", &["req", "-in", &csr, "-verify", "-noout", "-subject"]);
        let text =
            format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success() && text.contains("verify OK"), "openssl req -verify: {text}");
        assert!(text.contains("Chan Tai Man"), "{text}");
        let text = stdout_ok(&run("openssl", &["req", "-in", &csr, "-noout", "-text"]), "openssl req -text");
        assert!(text.contains("email:tai.man@example.hk"), "{text}");

        let message = p("message.txt");
        std::fs::write(&message, b"e-Cert Manager test signature").unwrap();
        let sig = p(&format!("{slot}.sig"));
        stdout_ok(
            &ecert(
                &rig,
                &["sign", "--slot", slot, "--public-key", &public, &message, "--out", &sig, "--pin-stdin"],
                "123456\n",
            ),
            "ecert sign",
        );
        let digest = if alg == "p384" { "-sha384" } else { "-sha256" };
        let out = run("openssl", &["dgst", digest, "-verify", &public, "-signature", &sig, &message]);
        stdout_ok(&out, "openssl dgst -verify");
    }
}

#[test]
fn wrong_pins_cost_one_try_each_block_at_zero_and_puk_unblocks() {
    let rig = common::rig();
    let _card = common::card_lock();
    let start = pin_status(&rig);
    assert_eq!(start["tries_left"], 3, "{start}");
    for expected_left in [2, 1, 0] {
        // A wrong old PIN in `pin change` is one VERIFY-equivalent attempt.
        let out = ecert(&rig, &["pin", "change", "--pin-stdin"], "999999\n11223344\n");
        assert!(!out.status.success());
        // The message says what happened and how many tries remain (or that it is blocked).
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        let want =
            if expected_left == 0 { "blocked".to_owned() } else { format!("{expected_left} tries left") };
        assert!(err.contains(&want), "{err}");
        let after = pin_status(&rig);
        assert_eq!(after["tries_left"], expected_left, "{after}");
    }
    let blocked = pin_status(&rig);
    assert_eq!(blocked["locked"], true, "{blocked}");
    let text = stdout_ok(&ecert(&rig, &["pin", "status"], ""), "ecert pin status");
    assert!(text.contains("blocked"), "{text}");
    // Even the right PIN is refused now, and costs nothing.
    assert!(!ecert(&rig, &["pin", "change", "--pin-stdin"], "123456\n654321\n").status.success());
    // The PUK unblocks and sets the PIN back to the default.
    stdout_ok(&ecert(&rig, &["pin", "unblock", "--pin-stdin"], "12345678\n123456\n"), "ecert pin unblock");
    assert_eq!(pin_status(&rig)["tries_left"], 3);
    // The peer agrees.
    let out = stdout_ok(
        &run("yubico-piv-tool", &["-r", &rig.piv_reader, "-a", "status"]),
        "yubico-piv-tool status",
    );
    assert!(out.contains("PIN tries left:\t3") || out.contains("PIN tries left: 3"), "{out}");
}

#[test]
fn pin_change_round_trip_and_malformed_pin_costs_nothing() {
    let rig = common::rig();
    let _card = common::card_lock();
    stdout_ok(&ecert(&rig, &["pin", "change", "--pin-stdin"], "123456\n24681357\n"), "pin change");
    // Malformed (too short): refused before any APDU, so the counter stays at 3.
    assert!(!ecert(&rig, &["pin", "change", "--pin-stdin"], "123\n111111\n").status.success());
    assert_eq!(pin_status(&rig)["tries_left"], 3);
    stdout_ok(&ecert(&rig, &["pin", "change", "--pin-stdin"], "24681357\n123456\n"), "pin change back");
    assert_eq!(pin_status(&rig)["tries_left"], 3);
}

#[test]
fn card_pulled_mid_operation_is_a_clear_error_not_a_hang() {
    use ecert::token::{PivToken, Token};
    use ecert::transport::pcsc::PcscTransport;
    let rig = common::rig();
    let _card = common::card_lock();
    let transport = PcscTransport::connect_new(&rig.piv_reader).unwrap();
    let mut token = PivToken::open(Box::new(transport), &rig.piv_reader).unwrap();
    let out = Command::new(&rig.script).arg("card-out").output().unwrap();
    stdout_ok(&out, "rig card-out");
    let started = std::time::Instant::now();
    let err = token.certificates().unwrap_err();
    let text = err.to_string();
    stdout_ok(&Command::new(&rig.script).arg("card-in").output().unwrap(), "rig card-in");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert!(text.contains("removed") || text.contains("not available"), "{text}");
}

#[test]
fn a_pin_verified_for_an_operation_is_not_left_verified_on_the_card() {
    let rig = common::rig();
    let _card = common::card_lock();
    let dir = tempfile::tempdir().unwrap();
    let public = dir.path().join("9a.pub.pem");
    let public = public.to_str().unwrap();
    stdout_ok(
        &ecert(&rig, &["keygen", "--slot", "9a", "--alg", "p256", "--out", public], ""),
        "ecert keygen",
    );
    let message = dir.path().join("message.txt");
    std::fs::write(&message, b"left verified?").unwrap();
    let sig = dir.path().join("9a.sig");
    stdout_ok(
        &ecert(
            &rig,
            &[
                "sign",
                "--slot",
                "9a",
                "--public-key",
                public,
                message.to_str().unwrap(),
                "--out",
                sig.to_str().unwrap(),
                "--pin-stdin",
            ],
            "123456\n",
        ),
        "ecert sign",
    );
    // The card answers an empty VERIFY with its tries left, not "already verified": another
    // application cannot sign with the PIN we used (a connection that sent a PIN ends with a
    // card reset; one that only read leaves the card alone, see the test below).
    let after = pin_status(&rig);
    assert_eq!(after["verified"], false, "{after}");
    assert_eq!(after["tries_left"], 3, "{after}");
}

/// Another application's connection to the card, with the PIV application selected.
fn other_application(rig: &common::Rig) -> pcsc::Card {
    let ctx = pcsc::Context::establish(pcsc::Scope::User).unwrap();
    let reader = std::ffi::CString::new(rig.piv_reader.as_str()).unwrap();
    let card = ctx.connect(&reader, pcsc::ShareMode::Shared, pcsc::Protocols::ANY).unwrap();
    let mut buf = [0u8; 258];
    let select = [0x00, 0xA4, 0x04, 0x00, 0x05, 0xA0, 0x00, 0x00, 0x03, 0x08, 0x00];
    let r = card.transmit(&select, &mut buf).unwrap();
    assert_eq!(&r[r.len() - 2..], [0x90, 0x00]);
    card
}

#[test]
fn reading_the_card_leaves_another_applications_session_alone() {
    let rig = common::rig();
    let _card = common::card_lock();
    // The other application signs in with the PIN, as a browser does for a client certificate.
    let other = other_application(&rig);
    let mut buf = [0u8; 258];
    let verify = [0x00, 0x20, 0x00, 0x80, 0x08, b'1', b'2', b'3', b'4', b'5', b'6', 0xFF, 0xFF];
    assert_eq!(other.transmit(&verify, &mut buf).unwrap(), [0x90, 0x00]);
    // We list the certificates and read the PIN state: nothing proved, nothing reset.
    stdout_ok(&ecert(&rig, &["certs"], ""), "ecert certs");
    let state = pin_status(&rig);
    assert_eq!(state["verified"], true, "we see the other application's sign-in: {state}");
    // Its session goes on: no SCARD_W_RESET_CARD, and the PIN is still verified.
    let status = other.transmit(&[0x00, 0x20, 0x00, 0x80], &mut buf);
    assert_eq!(status.map(<[u8]>::to_vec), Ok(vec![0x90, 0x00]), "the other application's session survived");
    // When we prove something ourselves (a wrong PIN here, a try we restore), we reset:
    // the other application must sign in again.
    let _ = ecert(&rig, &["pin", "change", "--pin-stdin"], "654321\n123456\n");
    let after = other.transmit(&[0x00, 0x20, 0x00, 0x80], &mut buf);
    assert_eq!(after.map(<[u8]>::to_vec), Err(pcsc::Error::ResetCard), "a PIN we sent is not left verified");
    let _ = other.disconnect(pcsc::Disposition::ResetCard);
    // The wrong PIN cost a try: the right one restores the count.
    stdout_ok(&ecert(&rig, &["pin", "change", "--pin-stdin"], "123456\n123456\n"), "restore tries");
    assert_eq!(pin_status(&rig)["tries_left"], 3);
}
