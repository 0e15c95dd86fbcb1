use std::io::Write;

use super::*;

#[cfg(unix)]
fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Files in `dir` other than `keep` (stray temporary files).
fn others(dir: &Path, keep: &[&str]) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !keep.contains(&n.as_str()))
        .collect()
}

#[cfg(unix)]
#[test]
fn private_folders_are_0700_and_a_loose_one_of_ours_is_tightened() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let deep = dir.path().join("a/b/c");
    create_private_dir_all(&deep).unwrap();
    assert_eq!(mode_of(&dir.path().join("a")), 0o700);
    assert_eq!(mode_of(&deep), 0o700);
    std::fs::set_permissions(&deep, std::fs::Permissions::from_mode(0o755)).unwrap();
    create_private_dir_all(&deep).unwrap();
    assert_eq!(mode_of(&deep), 0o700);
}

#[cfg(unix)]
#[test]
fn private_files_are_0600_public_ones_0644_and_replacing_keeps_the_mode_asked_for() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let private = dir.path().join("key.p12");
    // A file left 0644 by an older version becomes 0600 when rewritten privately.
    std::fs::write(&private, b"old").unwrap();
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o644)).unwrap();
    write_atomic(&private, b"new", Mode::PRIVATE).unwrap();
    assert_eq!(mode_of(&private), 0o600);
    assert_eq!(std::fs::read(&private).unwrap(), b"new");
    let public = dir.path().join("cert.pem");
    write_atomic(&public, b"pem", Mode::PUBLIC).unwrap();
    assert_eq!(mode_of(&public) & !0o022, 0o644 & !0o022, "0644 less the umask");
    assert_eq!(mode_of(&public) & 0o077 & !0o044, 0, "never group/other writable");
    assert_eq!(others(dir.path(), &["key.p12", "cert.pem"]), Vec::<String>::new(), "no temp file left");
}

#[test]
fn no_clobber_refuses_an_existing_file_and_leaves_it_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("backup.der");
    write_atomic(&path, b"first", Mode::PRIVATE.no_clobber()).unwrap();
    let err = write_atomic(&path, b"second", Mode::PRIVATE.no_clobber()).unwrap_err();
    assert_eq!(err, FileError::AlreadyExists { path: path.clone() });
    assert_eq!(std::fs::read(&path).unwrap(), b"first");
    assert_eq!(others(dir.path(), &["backup.der"]), Vec::<String>::new(), "no temp file left");
    // --force
    write_atomic(&path, b"second", Mode::PRIVATE.overwrite_if(true)).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"second");
    assert!(matches!(
        write_atomic(&path, b"third", Mode::PUBLIC.overwrite_if(false)),
        Err(FileError::AlreadyExists { .. })
    ));
}

#[cfg(unix)]
#[test]
fn no_clobber_refuses_a_symlink_even_a_dangling_one() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("export.pem");
    std::os::unix::fs::symlink(dir.path().join("elsewhere"), &link).unwrap();
    assert!(matches!(
        write_atomic(&link, b"x", Mode::PUBLIC.no_clobber()),
        Err(FileError::AlreadyExists { .. })
    ));
    assert!(!dir.path().join("elsewhere").exists(), "the link was not followed");
}

/// A writer that fails after `limit` bytes, as a full disk or a pulled USB stick does.
struct FailingWriter<'a> {
    inner: &'a mut dyn Write,
    limit: usize,
}

impl Write for FailingWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.limit == 0 {
            return Err(std::io::Error::other("injected: disk full"));
        }
        let n = buf.len().min(self.limit);
        self.limit -= n;
        self.inner.write(&buf[..n])
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[test]
fn a_write_failing_half_way_leaves_the_old_file_whole_and_no_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("only-copy.p12");
    let old = vec![0x5a; 4096];
    write_atomic(&path, &old, Mode::PRIVATE).unwrap();
    let new = vec![0xa5; 4096];
    let err =
        write_atomic_with(&path, Mode::PRIVATE, |w| FailingWriter { inner: w, limit: 1000 }.write_all(&new))
            .unwrap_err();
    assert!(matches!(err, FileError::Io { op: FileOp::Write, .. }), "{err:?}");
    assert_eq!(std::fs::read(&path).unwrap(), old, "old file intact and readable");
    assert_eq!(others(dir.path(), &["only-copy.p12"]), Vec::<String>::new());
}

#[test]
fn a_rewrite_cut_before_the_rename_leaves_the_old_file_and_the_next_write_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    write_atomic(&path, b"{\"old\":1}", Mode::PRIVATE).unwrap();
    // What a power cut after the temp file's write and before the rename leaves behind.
    let (tmp, mut f) = create_temp(&path, Mode::PRIVATE).unwrap();
    f.write_all(b"{\"new\":").unwrap();
    drop(f);
    assert_eq!(std::fs::read(&path).unwrap(), b"{\"old\":1}");
    write_atomic(&path, b"{\"new\":2}", Mode::PRIVATE).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"{\"new\":2}");
    assert!(tmp.exists(), "a stray temp file never takes the target's name");
}

#[test]
fn a_missing_folder_is_an_error_naming_the_temp_file_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let err = write_atomic(&dir.path().join("no/such/file"), b"x", Mode::PRIVATE).unwrap_err();
    assert!(matches!(err, FileError::Io { op: FileOp::Create, .. }), "{err:?}");
}

#[test]
fn the_salt_is_created_once_0600_and_read_back_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let a = installation_salt_at(&data).unwrap();
    let b = installation_salt_at(&data).unwrap();
    assert_eq!(a.id("journal", "GUID"), b.id("journal", "GUID"));
    assert_eq!(std::fs::read(data.join(SALT_FILE)).unwrap().len(), 32);
    #[cfg(unix)]
    {
        assert_eq!(mode_of(&data.join(SALT_FILE)), 0o600);
        assert_eq!(mode_of(&data), 0o700);
    }
    // Another installation: another salt, other ids for the same card.
    let other = installation_salt_at(&dir.path().join("other")).unwrap();
    assert_ne!(a.id("journal", "GUID"), other.id("journal", "GUID"));
    assert_eq!(format!("{a:?}"), "Salt(..)");
}

#[test]
fn a_short_or_long_salt_file_is_a_typed_error_and_is_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    for bad in [&b""[..], &[7u8; 31][..], &[7u8; 33][..]] {
        std::fs::write(dir.path().join(SALT_FILE), bad).unwrap();
        let err = installation_salt_at(dir.path()).unwrap_err();
        assert_eq!(err, FileError::SaltDamaged { path: dir.path().join(SALT_FILE), len: bad.len() });
        assert_eq!(std::fs::read(dir.path().join(SALT_FILE)).unwrap(), bad, "left as found");
    }
}

#[test]
fn concurrent_first_uses_agree_on_one_salt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_owned();
    let ids: Vec<String> = (0..8)
        .map(|_| {
            let p = path.clone();
            std::thread::spawn(move || installation_salt_at(&p).map(|s| s.id("k", "v")))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().unwrap().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] == w[1]), "{ids:?}");
    assert_eq!(others(&path, &[SALT_FILE]), Vec::<String>::new());
}

#[test]
fn salted_ids_separate_kinds_and_values_and_match_hmac_sha256() {
    let salt = Salt::from_bytes([1; 32]);
    let id = salt.id("journal", "abc");
    assert_eq!(id.len(), 64);
    assert_ne!(id, salt.id("receipt", "abc"));
    assert_ne!(id, salt.id("journal", "abd"));
    // The boundary between kind and value cannot shift.
    assert_ne!(salt.id("ab", "c"), salt.id("a", "bc"));
    // Cross-check with an independent HMAC computation over the same framing.
    let mut msg = Vec::new();
    msg.extend_from_slice(&7u64.to_be_bytes());
    msg.extend_from_slice(b"journal");
    msg.extend_from_slice(&3u64.to_be_bytes());
    msg.extend_from_slice(b"abc");
    assert_eq!(id, hmac_sha256(&[1; 32], &msg));
}

/// RFC 2104 written out with SHA-256, independent of the hmac crate.
fn hmac_sha256(key: &[u8; 32], msg: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let mut k = [0u8; 64];
    k[..32].copy_from_slice(key);
    let inner: Vec<u8> = k.iter().map(|b| b ^ 0x36).chain(msg.iter().copied()).collect();
    let ih = Sha256::digest(&inner);
    let outer: Vec<u8> = k.iter().map(|b| b ^ 0x5c).chain(ih.iter().copied()).collect();
    hex::encode(Sha256::digest(&outer))
}
