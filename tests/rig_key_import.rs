//! e-Cert files (.p12) installed into the rig's PIV card by `ecert install`, checked by
//! yubico-piv-tool; keys imported by yubico-piv-tool used by `ecert sign` and checked by
//! openssl; and refusals (wrong password, key types a PIV card cannot hold, a refused
//! management key) that leave the card exactly as it was, as yubico-piv-tool reads it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use common::{run, stdout_ok};

const PASSWORD: &str = "file-secret";

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

fn openssl(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("openssl").current_dir(dir).args(args).output().unwrap();
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn piv_tool(rig: &common::Rig, args: &[&str]) -> Output {
    let mut all = vec!["-r", rig.piv_reader.as_str()];
    all.extend_from_slice(args);
    run("yubico-piv-tool", &all)
}

/// A key (openssl genpkey arguments), a self-signed certificate for it and the .p12 of both.
/// Returns (key PEM, certificate PEM, .p12).
fn identity(dir: &Path, name: &str, genpkey: &[&str]) -> (PathBuf, PathBuf, PathBuf) {
    let key = format!("{name}.key.pem");
    let crt = format!("{name}.crt.pem");
    let p12 = format!("{name}.p12");
    let mut args = vec!["genpkey"];
    args.extend_from_slice(genpkey);
    args.extend_from_slice(&["-out", &key]);
    openssl(dir, &args);
    let subject = format!("/CN={name}/O=e-Cert test");
    openssl(dir, &["req", "-x509", "-new", "-key", &key, "-subj", &subject, "-days", "30", "-out", &crt]);
    let pass = format!("pass:{PASSWORD}");
    openssl(dir, &["pkcs12", "-export", "-inkey", &key, "-in", &crt, "-passout", &pass, "-out", &p12]);
    (dir.join(key), dir.join(crt), dir.join(p12))
}

/// The digest each key type signs with (P-384 with SHA-384: the card takes a 48-byte hash).
fn digest(alg: &str) -> &'static str {
    if alg == "p384" {
        "SHA384"
    } else {
        "SHA256"
    }
}

const ALGS: [(&str, &[&str]); 3] = [
    ("rsa2048", &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]),
    ("p256", &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]),
    ("p384", &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"]),
];

fn clear_slot(rig: &common::Rig, slot: &str) {
    // Ignore "no certificate" (an empty slot); the next steps check what matters.
    let _ = piv_tool(rig, &["-a", "delete-certificate", "-s", slot]);
}

/// What yubico-piv-tool reads from the card: status (CHUID, slots, PIN tries) and the
/// certificates of 9a, 9c, 9d.
fn snapshot(rig: &common::Rig) -> String {
    let mut out = stdout_ok(&piv_tool(rig, &["-a", "status"]), "yubico-piv-tool -a status");
    for slot in ["9a", "9c", "9d"] {
        let r = piv_tool(rig, &["-a", "read-certificate", "-s", slot]);
        write!(out, "\n{slot} {:?} {}", r.status.code(), String::from_utf8_lossy(&r.stdout)).unwrap();
    }
    out
}

fn install(rig: &common::Rig, p12: &Path, slot: &str, stdin: &str, extra: &[&str]) -> Output {
    let mut args = vec!["install", "--p12", p12.to_str().unwrap(), "--slot", slot, "--pin-stdin"];
    args.extend_from_slice(extra);
    ecert(rig, &args, stdin)
}

#[test]
fn ecert_installs_each_algorithm_into_9a_and_9c_and_yubico_piv_tool_signs() {
    let rig = common::rig();
    let _card = common::card_lock();
    let dir = tempfile::tempdir().unwrap();
    for (alg, genpkey) in ALGS {
        for slot in ["9a", "9c"] {
            let (_, crt, p12) = identity(dir.path(), &format!("{alg}-{slot}"), genpkey);
            clear_slot(&rig, slot);
            let out = install(&rig, &p12, slot, &format!("{PASSWORD}\n123456\n"), &[]);
            assert!(
                out.status.success(),
                "ecert install {alg} {slot}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            // The certificate yubico-piv-tool reads is the file's.
            let read =
                stdout_ok(&piv_tool(&rig, &["-a", "read-certificate", "-s", slot]), "read-certificate");
            assert_eq!(read.trim(), std::fs::read_to_string(&crt).unwrap().trim(), "{alg} {slot}");
            // The card signs with the imported key; yubico-piv-tool verifies with the certificate.
            let crt = crt.to_str().unwrap();
            let out = piv_tool(
                &rig,
                &[
                    "-a",
                    "verify-pin",
                    "-P",
                    "123456",
                    "-a",
                    "test-signature",
                    "-s",
                    slot,
                    "-H",
                    digest(alg),
                    "-i",
                    crt,
                ],
            );
            assert!(
                out.status.success(),
                "test-signature {alg} {slot}: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            clear_slot(&rig, slot);
        }
    }
}

#[test]
fn a_key_imported_by_yubico_piv_tool_signs_through_ecert_and_openssl_verifies() {
    let rig = common::rig();
    let _card = common::card_lock();
    let dir = tempfile::tempdir().unwrap();
    clear_slot(&rig, "9d");
    for (alg, genpkey) in ALGS {
        let (key, _, _) = identity(dir.path(), &format!("peer-{alg}"), genpkey);
        let key = key.to_str().unwrap();
        stdout_ok(
            &piv_tool(&rig, &["-a", "import-key", "-s", "9d", "-i", key]),
            "yubico-piv-tool -a import-key",
        );
        let public = format!("peer-{alg}.pub.pem");
        openssl(dir.path(), &["pkey", "-in", key, "-pubout", "-out", &public]);
        let message = dir.path().join("message.txt");
        std::fs::write(&message, format!("signed with {alg} imported by a peer")).unwrap();
        let sig = format!("peer-{alg}.sig");
        let public_path = dir.path().join(&public);
        let sig_path = dir.path().join(&sig);
        let args = [
            "sign",
            "--slot",
            "9d",
            "--public-key",
            public_path.to_str().unwrap(),
            message.to_str().unwrap(),
            "--out",
            sig_path.to_str().unwrap(),
            "--pin-stdin",
        ];
        stdout_ok(&ecert(&rig, &args, "123456\n"), "ecert sign");
        let dgst = format!("-{}", digest(alg).to_lowercase());
        openssl(dir.path(), &["dgst", &dgst, "-verify", &public, "-signature", &sig, "message.txt"]);
    }
}

/// What is tried, the file, the slot, stdin, extra arguments, what the error says.
type Case<'a> = (&'a str, &'a Path, &'a str, String, &'a [&'a str], &'a str);

#[test]
fn refused_installs_leave_the_card_exactly_as_it_was() {
    let rig = common::rig();
    let _card = common::card_lock();
    let dir = tempfile::tempdir().unwrap();
    // 9a holds an installed e-Cert (it must survive), 9c is empty.
    clear_slot(&rig, "9a");
    clear_slot(&rig, "9c");
    let (_, _, good) = identity(dir.path(), "kept", ALGS[1].1);
    let out = install(&rig, &good, "9a", &format!("{PASSWORD}\n123456\n"), &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (_, _, rsa4096) =
        identity(dir.path(), "rsa4096", &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:4096"]);
    let (_, _, ed25519) = identity(dir.path(), "ed25519", &["-algorithm", "ED25519"]);
    let (_, _, other) = identity(dir.path(), "other", ALGS[2].1);
    let before = snapshot(&rig);
    let cases: [Case<'_>; 5] = [
        ("wrong password", &other, "9c", "not-the-password\n123456\n".into(), &[], "password"),
        ("RSA-4096", &rsa4096, "9c", format!("{PASSWORD}\n123456\n"), &[], "RSA"),
        ("Ed25519", &ed25519, "9c", format!("{PASSWORD}\n123456\n"), &[], "Ed25519"),
        ("slot holds an e-Cert", &other, "9a", format!("{PASSWORD}\n123456\n"), &[], "already holds"),
        (
            "management key refused",
            &other,
            "9c",
            format!("{PASSWORD}\n123456\n070707070707070707070707070707070707070707070707\n"),
            &["--mgmt-key"],
            "management key",
        ),
    ];
    for (what, p12, slot, stdin, extra, says) in cases {
        let out = install(&rig, p12, slot, &stdin, extra);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{what}: install should fail");
        assert!(stderr.to_lowercase().contains(&says.to_lowercase()), "{what}: {stderr}");
        assert_eq!(snapshot(&rig), before, "{what} changed the card");
    }
    // With a backup, the e-Cert in 9a is replaced: the backup is the old certificate.
    let kept = piv_tool(&rig, &["-a", "read-certificate", "-s", "9a", "-K", "DER"]);
    assert!(kept.status.success() && !kept.stdout.is_empty(), "read 9a as DER");
    let backup = dir.path().join("9a-backup.der");
    let out = install(
        &rig,
        &other,
        "9a",
        &format!("{PASSWORD}\n123456\n"),
        &["--backup", backup.to_str().unwrap()],
    );
    assert!(out.status.success(), "install over 9a with a backup: {}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be exported"));
    assert_eq!(std::fs::read(&backup).unwrap(), kept.stdout, "backup is the old certificate");
    let now = stdout_ok(&piv_tool(&rig, &["-a", "read-certificate", "-s", "9a"]), "read 9a");
    let other_crt = std::fs::read_to_string(dir.path().join("other.crt.pem")).unwrap();
    assert_eq!(now.trim(), other_crt.trim());
    clear_slot(&rig, "9a");
}
