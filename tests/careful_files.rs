//! Files a careful tool writes (issue 13, item 6), from the outside: `ecert export` never
//! writes over an existing file without `--force` and writes atomically; a backup is private
//! and never written over another, by `ecert delete --backup` or by the removal workflow
//! (`ecert counter remove --backup`, the app) — then nothing on the card changes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl").current_dir(dir).args(args).output().expect("openssl runs");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// An e-Cert file (password "pw") to export from.
fn p12(dir: &Path) -> PathBuf {
    #[rustfmt::skip]
    openssl(dir, &["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "3",
        "-subj", "/CN=Export Test", "-keyout", "k.pem", "-out", "c.pem"]);
    openssl(
        dir,
        &["pkcs12", "-export", "-inkey", "k.pem", "-in", "c.pem", "-out", "e.p12", "-passout", "pass:pw"],
    );
    dir.join("e.p12")
}

fn ecert(args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ecert"))
        .args(args)
        .env("ECERT_LANG", "en")
        .env("ECERT_PKCS11_MODULES", "")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"pw\n").unwrap();
    child.wait_with_output().unwrap()
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn export_refuses_an_existing_file_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let file = p12(dir.path());
    let out = dir.path().join("out.pem");
    let der = dir.path().join("out.der");
    for target in [&out, &der] {
        std::fs::write(target, b"precious").unwrap();
    }
    let token = file.to_str().unwrap();
    let base = ["export", "--token", token, "--pin-stdin", "--slot", "key"];
    let refused = ecert(&[&base[..], &["--out", out.to_str().unwrap()]].concat());
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("already exists; nothing was overwritten") && said.contains("--force"), "{said}");
    let refused = ecert(&[&base[..], &["--der", "--out", der.to_str().unwrap()]].concat());
    assert!(!refused.status.success());
    assert_eq!(std::fs::read(&out).unwrap(), b"precious");
    assert_eq!(std::fs::read(&der).unwrap(), b"precious");
    let forced = ecert(&[&base[..], &["--out", out.to_str().unwrap(), "--force"]].concat());
    assert!(forced.status.success(), "{forced:?}");
    assert!(std::fs::read_to_string(&out).unwrap().starts_with("-----BEGIN CERTIFICATE-----"));
    let forced = ecert(&[&base[..], &["--der", "--out", der.to_str().unwrap(), "--force"]].concat());
    assert!(forced.status.success(), "{forced:?}");
    let pem = std::fs::read_to_string(dir.path().join("c.pem")).unwrap();
    assert_eq!(std::fs::read(&der).unwrap(), pem_rfc7468::decode_vec(pem.as_bytes()).unwrap().1);
    // A new export: no temporary file left, readable by others (a certificate is public).
    let fresh = dir.path().join("fresh.pem");
    assert!(ecert(&[&base[..], &["--out", fresh.to_str().unwrap()]].concat()).status.success());
    #[cfg(unix)]
    assert_eq!(mode(&fresh) & 0o700, 0o600);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with('.') && !n.contains(".part")), "{names:?}");
}

#[test]
fn delete_never_writes_its_backup_over_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = p12(dir.path());
    let backup = dir.path().join("backup.pem");
    std::fs::write(&backup, b"an older backup").unwrap();
    let before = std::fs::read(&file).unwrap();
    let out = ecert(&[
        "delete",
        "--token",
        file.to_str().unwrap(),
        "--pin-stdin",
        "--slot",
        "key",
        "--backup",
        backup.to_str().unwrap(),
        "--yes",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"), "{out:?}");
    assert_eq!(std::fs::read(&backup).unwrap(), b"an older backup");
    assert_eq!(std::fs::read(&file).unwrap(), before, "nothing deleted");
    // A new backup is private.
    let fresh = dir.path().join("fresh-backup.pem");
    let _ = ecert(&[
        "delete",
        "--token",
        file.to_str().unwrap(),
        "--pin-stdin",
        "--slot",
        "key",
        "--backup",
        fresh.to_str().unwrap(),
    ]);
    #[cfg(unix)]
    assert_eq!(mode(&fresh), 0o600);
}

/// The removal workflow (what `ecert counter remove --backup` and the app run) on the demo
/// card: an existing backup file is refused before anything is journaled or deleted.
#[test]
fn the_removal_workflow_refuses_an_existing_backup_and_changes_nothing() {
    use ecert::ops::journal::Store;
    use ecert::ops::workflow::{self, WorkflowError};
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(&dir.path().join("data").join("journal"));
    let mut token = ecert::demo::token().unwrap();
    let before = token.certificates().unwrap();
    let location = before.first().expect("the demo card has e-Certs").location.clone();
    let backup = dir.path().join("backup.der");
    std::fs::write(&backup, b"an older backup").unwrap();
    let auth = ecert::token::Auth {
        management_key: Some(ecert::secret::ManagementKey::factory_default()),
        ..ecert::token::Auth::default()
    };
    let err = workflow::start_remove(&store, token.as_mut(), &location, &backup, &auth).unwrap_err();
    assert!(
        matches!(&err, WorkflowError::Write(ecert::careful_file::FileError::AlreadyExists { path }) if *path == backup),
        "{err:?}"
    );
    assert_eq!(std::fs::read(&backup).unwrap(), b"an older backup");
    assert_eq!(ecert::demo::token().unwrap().certificates().unwrap(), before, "card unchanged");
    assert_eq!(store.unfinished().unwrap(), Vec::new(), "no job journaled");
}

/// The revocation cache (CRLs and OCSP answers fetched for the user's certificates) is
/// private: 0700 folders, 0600 files, replaced atomically.
#[cfg(unix)]
#[test]
fn the_revocation_cache_is_private() {
    use ecert::verify::fetch::Cache;
    let dir = tempfile::tempdir().unwrap();
    let cache_dir = dir.path().join("cache").join("revocation");
    let cache = Cache::new(&cache_dir);
    cache.put("http://crl.example.hk/a.crl", b"first", Some(u64::MAX / 2)).unwrap();
    cache.put("http://crl.example.hk/a.crl", b"second", Some(u64::MAX / 2)).unwrap();
    assert_eq!(cache.get("http://crl.example.hk/a.crl", 0).as_deref(), Some(&b"second"[..]));
    assert_eq!(mode(&cache_dir), 0o700);
    assert_eq!(mode(&dir.path().join("cache")), 0o700);
    let files: Vec<PathBuf> = std::fs::read_dir(&cache_dir).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(mode(&files[0]), 0o600);
}
