//! e-Cert files (.p12/.pfx): modern (PBES2 + AES) and legacy (3DES, RC2-40) files made by
//! `openssl pkcs12 -export` open; all 405 NIST PKITS files open with their documented
//! password; a wrong password, a truncated or a corrupted file gives a clear error; a file
//! whose key does not match its certificate is refused; a password change leaves one
//! complete file at every step.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use ecert::p12file::{change_password, P12Error, P12File};
use ecert::secret::Password;

fn openssl(args: &[&str]) {
    let out = std::process::Command::new("openssl").args(args).output().expect("openssl runs");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A key + self-signed certificate exported by openssl, modern or `-legacy`.
fn make_p12(dir: &Path, name: &str, legacy: bool, password: &str) -> PathBuf {
    let key = dir.join(format!("{name}.key"));
    let cert = dir.join(format!("{name}.pem"));
    let p12 = dir.join(format!("{name}.p12"));
    let subj = format!("/CN={name}/O=Hongkong Post e-Cert (Personal)/C=HK");
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "30",
        "-subj",
        &subj,
        "-keyout",
        key.to_str().unwrap(),
        "-out",
        cert.to_str().unwrap(),
    ]);
    let pass = format!("pass:{password}");
    let mut args = vec![
        "pkcs12",
        "-export",
        "-inkey",
        key.to_str().unwrap(),
        "-in",
        cert.to_str().unwrap(),
        "-out",
        p12.to_str().unwrap(),
        "-passout",
        &pass,
    ];
    if legacy {
        args.push("-legacy");
    }
    openssl(&args);
    p12
}

fn pw(s: &str) -> Password {
    Password::new(s.to_owned())
}

#[test]
fn modern_and_legacy_openssl_files_open() {
    let dir = tempfile::tempdir().unwrap();
    for legacy in [false, true] {
        let path =
            make_p12(dir.path(), if legacy { "Legacy Holder" } else { "Modern Holder" }, legacy, "s3cret");
        let contents = P12File::open(&path).unwrap().decrypt(&pw("s3cret")).unwrap();
        let summary = ecert::cert::CertSummary::from_der(contents.certificate()).unwrap();
        assert!(summary.subject.contains("Holder"), "{}", summary.subject);
        assert!(contents.key_matches_certificate());
    }
}

#[test]
fn every_pkits_file_opens() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/pkits/pkcs12");
    let mut opened = 0;
    let mut dsa = 0;
    let mut failed = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        match P12File::open(&path).and_then(|f| f.decrypt(&pw("password"))) {
            Ok(c) => {
                assert!(!c.chain.is_empty());
                opened += 1;
            }
            // PKITS has six DSA identities; DSA is not an e-Cert key type and is named as such.
            Err(P12Error::UnsupportedKey { .. }) if path.to_string_lossy().contains("DSA") => dsa += 1,
            Err(e) => failed.push(format!("{}: {e}", path.display())),
        }
    }
    assert!(failed.is_empty(), "{} of {} failed: {failed:?}", failed.len(), opened + failed.len());
    assert_eq!((opened, dsa), (400, 5));
}

#[test]
fn wrong_password_truncated_and_corrupt_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = make_p12(dir.path(), "Holder", false, "right");
    let file = P12File::open(&path).unwrap();
    assert!(matches!(file.decrypt(&pw("wrong")), Err(P12Error::WrongPassword { .. })));

    let bytes = std::fs::read(&path).unwrap();
    let truncated = dir.path().join("truncated.p12");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    assert!(matches!(P12File::open(&truncated), Err(P12Error::NotPkcs12 { .. })));

    // Flip bytes in the middle: either the MAC fails or decryption/parsing does; never Ok.
    for offset in [bytes.len() / 3, bytes.len() / 2, bytes.len() - 40] {
        let mut bad = bytes.clone();
        bad[offset] ^= 0x5A;
        let corrupt = dir.path().join("corrupt.p12");
        std::fs::write(&corrupt, &bad).unwrap();
        let result = P12File::open(&corrupt).and_then(|f| f.decrypt(&pw("right")));
        assert!(result.is_err(), "corruption at {offset} went unnoticed");
    }
}

#[test]
fn key_not_matching_certificate_is_refused() {
    use p12_keystore::{Certificate, KeyStore, KeyStoreEntry, PrivateKey, PrivateKeyChain};
    let dir = tempfile::tempdir().unwrap();
    make_p12(dir.path(), "Owner A", false, "x");
    make_p12(dir.path(), "Owner B", false, "x");
    let key_a = std::fs::read(dir.path().join("Owner A.key")).unwrap();
    let (_, key_a_der) = pem_rfc7468::decode_vec(&key_a).unwrap();
    let cert_b = std::fs::read(dir.path().join("Owner B.pem")).unwrap();
    let (_, cert_b_der) = pem_rfc7468::decode_vec(&cert_b).unwrap();
    let mut store = KeyStore::new();
    let chain = PrivateKeyChain::new(
        vec![1u8, 2, 3],
        PrivateKey::from_der(&key_a_der).unwrap(),
        vec![Certificate::from_der(&cert_b_der).unwrap()],
    );
    store.add_entry("mixed", KeyStoreEntry::PrivateKeyChain(chain));
    let mixed = dir.path().join("mixed.p12");
    std::fs::write(&mixed, store.writer("x").write().unwrap()).unwrap();
    let err = P12File::open(&mixed).unwrap().decrypt(&pw("x")).unwrap_err();
    assert!(matches!(err, P12Error::KeyMismatch { .. }), "{err:?}");
}

#[test]
fn password_change_is_atomic_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let path = make_p12(dir.path(), "Holder", true, "old");
    let before = std::fs::read(&path).unwrap();
    // Wrong old password: nothing changes, no stray file.
    assert!(matches!(change_password(&path, &pw("nope"), &pw("new")), Err(P12Error::WrongPassword { .. })));
    assert_eq!(std::fs::read(&path).unwrap(), before);
    change_password(&path, &pw("old"), &pw("new")).unwrap();
    let file = P12File::open(&path).unwrap();
    assert!(matches!(file.decrypt(&pw("old")), Err(P12Error::WrongPassword { .. })));
    let contents = file.decrypt(&pw("new")).unwrap();
    assert!(contents.key_matches_certificate());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty());
    // openssl opens the rewritten file with the new password.
    openssl(&["pkcs12", "-in", path.to_str().unwrap(), "-passin", "pass:new", "-noout"]);
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// `ecert p12 passwd FILE --password-stdin`, optionally under a file-size limit of 1 KiB
/// (`ulimit -f 1`): the process is then killed by SIGXFSZ half way through writing the new
/// file, as a power cut would stop it.
#[cfg(unix)]
fn passwd_cli(file: &Path, old: &str, new: &str, cut: bool) -> std::process::Output {
    use std::io::Write;
    let limit = if cut { "ulimit -f 1; " } else { "" };
    let mut child = std::process::Command::new("bash")
        .args(["-c", &format!("{limit}exec \"$0\" p12 passwd \"$1\" --password-stdin")])
        .arg(env!("CARGO_BIN_EXE_ecert"))
        .arg(file)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(format!("{old}\n{new}\n").as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[cfg(unix)]
#[test]
fn password_change_writes_0600_and_a_write_cut_half_way_leaves_the_only_key_intact() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = make_p12(dir.path(), "Only Copy", false, "old");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let before = std::fs::read(&path).unwrap();
    assert!(before.len() > 2048, "larger than the 1 KiB limit: {}", before.len());
    let out = passwd_cli(&path, "old", "new", true);
    assert!(!out.status.success(), "the write was cut: {out:?}");
    assert_eq!(std::fs::read(&path).unwrap(), before, "the old file is whole");
    assert!(P12File::open(&path).unwrap().decrypt(&pw("old")).unwrap().key_matches_certificate());
    // Uncut: the key file is rewritten private, whatever mode it had.
    let out = passwd_cli(&path, "old", "new", false);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(mode(&path), 0o600);
    assert!(P12File::open(&path).unwrap().decrypt(&pw("new")).unwrap().key_matches_certificate());
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    // What the cut left is a hidden temporary file, never the key file's name.
    assert!(
        names.iter().filter(|n| n.starts_with('.')).all(|n| n.starts_with(".Only Copy.p12.")),
        "{names:?}"
    );
}
