//! The audit log's file work: private folders (0700) and files (0600) on Unix, new files
//! created with `create_new` and without following a symlink (`O_NOFOLLOW`), atomic small
//! files (temp + fsync + rename + fsync of the folder; both through [`crate::careful_file`]),
//! and the syslog copy (RFC 5424 over
//! the Unix datagram socket `/dev/log`; there is no such socket on Windows, so no copy there).

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

fn io_error(e: &crate::careful_file::FileError) -> std::io::Error {
    let kind = match e {
        crate::careful_file::FileError::Io { kind, .. } => *kind,
        crate::careful_file::FileError::AlreadyExists { .. } => std::io::ErrorKind::AlreadyExists,
        _ => std::io::ErrorKind::Other,
    };
    std::io::Error::new(kind, e.to_string())
}

/// Makes `dir` (and its parents); the folder itself is made private (0700 on Unix), as
/// [`crate::careful_file::create_private_dir_all`].
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    crate::careful_file::create_private_dir_all(dir).map_err(|e| io_error(&e))
}

/// Options for a private file: 0600 when created, and a symlink at the path is an error
/// (`ELOOP`) rather than followed.
pub fn private_options() -> OpenOptions {
    #[allow(unused_mut)] // only Unix adds flags
    let mut o = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600).custom_flags(NOFOLLOW);
    }
    o
}

/// `O_NOFOLLOW` (Linux and the BSDs/macOS differ; `libc` is not a dependency).
#[cfg(all(unix, any(target_os = "linux", target_os = "android")))]
const NOFOLLOW: i32 = 0o400_000;
#[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
const NOFOLLOW: i32 = 0x0100;

/// Creates `path` new (never overwrites, never follows a symlink), private, with `bytes`,
/// fsynced.
pub fn create_new_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = private_options().write(true).create_new(true).open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Replaces `path` atomically with `bytes`: a private temp file, fsync, rename, fsync of the
/// folder ([`crate::careful_file::write_atomic`]). A crash leaves the old file or the new
/// one, never a torn one.
pub fn replace_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    crate::careful_file::write_atomic(path, bytes, crate::careful_file::Mode::PRIVATE)
        .map_err(|e| io_error(&e))
}

/// fsyncs the folder holding `path` (a rename is durable only then; Unix only).
pub fn sync_dir(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// Whether records can be copied to a syslog socket on this platform.
pub const SYSLOG_AVAILABLE: bool = cfg!(unix);

/// Sends one datagram to the syslog socket at `socket`; a missing or full socket is ignored
/// (the file stays the record of truth).
#[cfg(unix)]
pub fn send_syslog(socket: &Path, message: &str) {
    use std::os::unix::net::UnixDatagram;
    if let Ok(sock) = UnixDatagram::unbound() {
        let _ = sock.send_to(message.as_bytes(), socket);
    }
}

/// No syslog socket on this platform: nothing is sent (the log says so in a record).
#[cfg(not(unix))]
pub fn send_syslog(_socket: &Path, _message: &str) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn private_files_and_folders_and_no_symlink_followed() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("a/b");
        private_dir(&dir).unwrap();
        assert_eq!(std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777, 0o700);
        let f = dir.join("f");
        create_new_private(&f, b"one").unwrap();
        assert_eq!(std::fs::metadata(&f).unwrap().permissions().mode() & 0o777, 0o600);
        // Never overwritten.
        let e = create_new_private(&f, b"two").unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&f).unwrap(), b"one");
        replace_private(&f, b"three").unwrap();
        assert_eq!(std::fs::read(&f).unwrap(), b"three");
        assert_eq!(std::fs::metadata(&f).unwrap().permissions().mode() & 0o777, 0o600);
        // A symlink planted at the path is not followed, even to a missing target.
        let target = d.path().join("elsewhere");
        let link = dir.join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(create_new_private(&link, b"x").is_err());
        assert!(!target.exists(), "nothing written through the link");
        let existing = d.path().join("existing");
        std::fs::write(&existing, b"keep").unwrap();
        let link2 = dir.join("link2");
        std::os::unix::fs::symlink(&existing, &link2).unwrap();
        assert!(private_options().append(true).open(&link2).is_err(), "open for append refuses too");
        assert_eq!(std::fs::read(&existing).unwrap(), b"keep");
    }
}
