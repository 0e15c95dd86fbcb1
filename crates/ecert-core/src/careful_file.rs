//! Files a careful tool writes (issue 13, item 6): private folders (0700) and files (0600)
//! for everything that names a card or holds a key, and replacement that a crash or a power
//! cut cannot tear — write a temporary file in the same folder (`create_new`), fsync it,
//! rename it over the target (POSIX `rename(2)` is atomic within a file system), then fsync
//! the folder so the rename itself is durable. A target that must not be overwritten (a
//! backup, an export without `--force`) is linked into place with `link(2)`, which fails
//! atomically when the name exists — no check-then-write race.
//!
//! Also the per-installation salt ([`salt`]): 32 random bytes kept 0600 in the data folder,
//! which keys every card identifier stored on disk ([`Salt::id`]) so journal and receipt
//! ids differ from one installation to the next.
//!
//! **Windows**: there is no mode to set; files and folders get the ACL inherited from the
//! user's profile folder (only the user and administrators), and folders are not fsynced
//! (a directory handle needs backup semantics; NTFS journals the rename itself).

mod salt;

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub use salt::{installation_salt_at, Salt, SALT_FILE};

/// Which operation on `path` failed, for the error and its wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileOp {
    CreateFolder,
    Create,
    Write,
    Sync,
    Rename,
    Read,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    /// The target exists and the caller did not allow overwriting it.
    #[error("{path:?} already exists; nothing was overwritten")]
    AlreadyExists { path: PathBuf },
    #[error("{path:?}: {op:?} failed: {detail}")]
    Io { path: PathBuf, op: FileOp, kind: io::ErrorKind, detail: String },
    /// No home folder, so no per-user data folder.
    #[error("no data folder for this user")]
    NoDataDir,
    /// The salt file is not exactly [`salt::SALT_LEN`] bytes. It is never regenerated
    /// silently: every stored id depends on it.
    #[error("the installation salt {path:?} is damaged ({len} bytes); it is not replaced")]
    SaltDamaged { path: PathBuf, len: usize },
}

impl FileError {
    fn io(path: &Path, op: FileOp) -> impl Fn(io::Error) -> FileError + '_ {
        move |e| FileError::Io { path: path.to_owned(), op, kind: e.kind(), detail: e.to_string() }
    }
}

/// Who may read the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// 0600: journals, backups, caches, the salt, key files.
    Private,
    /// 0644 (less the umask): exported certificates, requests meant for a CA.
    Public,
}

/// What to do when the target exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Existing {
    /// Atomically replace it.
    Replace,
    /// Refuse with [`FileError::AlreadyExists`] and leave it as it is.
    NoClobber,
}

/// How [`write_atomic`] writes: permissions and overwrite policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mode {
    pub access: Access,
    pub existing: Existing,
}

impl Mode {
    /// 0600, replacing an existing file.
    pub const PRIVATE: Mode = Mode { access: Access::Private, existing: Existing::Replace };
    /// 0644, replacing an existing file.
    pub const PUBLIC: Mode = Mode { access: Access::Public, existing: Existing::Replace };

    /// The same access, refusing to overwrite.
    #[must_use]
    pub const fn no_clobber(self) -> Mode {
        Mode { access: self.access, existing: Existing::NoClobber }
    }

    /// The same access; overwriting only when `force` (a `--force` flag, an explicit
    /// "overwrite" in the app).
    #[must_use]
    pub const fn overwrite_if(self, force: bool) -> Mode {
        Mode { access: self.access, existing: if force { Existing::Replace } else { Existing::NoClobber } }
    }

    #[cfg(unix)]
    const fn unix_mode(self) -> u32 {
        match self.access {
            Access::Private => 0o600,
            Access::Public => 0o644,
        }
    }
}

/// Creates `path` and any missing parents as private folders (0700 on Unix). The last
/// folder is ours, so an existing one with looser permissions is tightened to 0700; parents
/// that already exist are left as they are.
pub fn create_private_dir_all(path: &Path) -> Result<(), FileError> {
    let err = FileError::io(path, FileOp::CreateFolder);
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        builder.mode(0o700);
        builder.create(path).map_err(&err)?;
        let meta = std::fs::metadata(path).map_err(&err)?;
        if meta.permissions().mode() & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700)).map_err(&err)?;
        }
    }
    // Windows: the folder inherits the profile's ACL (only the user and administrators).
    #[cfg(not(unix))]
    builder.create(path).map_err(&err)?;
    Ok(())
}

/// Writes `bytes` to `path` so that a reader sees either the old file whole or the new one
/// whole, never a torn or empty one (temp + fsync + rename + fsync(dir)). The folder must
/// exist.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: Mode) -> Result<(), FileError> {
    write_atomic_with(path, mode, |w| w.write_all(bytes))
}

/// [`write_atomic`] with the content produced by `fill`, which may fail half way: then the
/// temporary file is removed and the target is untouched.
pub fn write_atomic_with(
    path: &Path,
    mode: Mode,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), FileError> {
    if mode.existing == Existing::NoClobber && path.symlink_metadata().is_ok() {
        return Err(FileError::AlreadyExists { path: path.to_owned() });
    }
    let (tmp, mut out) = create_temp(path, mode)?;
    let written = fill(&mut out)
        .map_err(FileError::io(&tmp, FileOp::Write))
        .and_then(|()| out.sync_all().map_err(FileError::io(&tmp, FileOp::Sync)));
    drop(out);
    let placed = written.and_then(|()| place(&tmp, path, mode.existing));
    if placed.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    placed?;
    sync_dir(path)
}

/// A new temporary file beside `path`: `.<name>.<random>.tmp`, created exclusively.
fn create_temp(path: &Path, mode: Mode) -> Result<(PathBuf, File), FileError> {
    let dir = parent(path);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut last = None;
    for _ in 0..8 {
        let mut r = [0u8; 6];
        getrandom::fill(&mut r).map_err(|e| FileError::Io {
            path: path.to_owned(),
            op: FileOp::Create,
            kind: io::ErrorKind::Other,
            detail: e.to_string(),
        })?;
        let tmp = dir.join(format!(".{name}.{}.tmp", hex::encode(r)));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(mode.unix_mode());
        }
        // Windows: the file inherits the folder's ACL.
        #[cfg(not(unix))]
        let _ = mode;
        match options.open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(FileError::io(&tmp, FileOp::Create)(e)),
        }
    }
    Err(FileError::io(path, FileOp::Create)(
        last.unwrap_or_else(|| io::Error::from(io::ErrorKind::AlreadyExists)),
    ))
}

/// Moves the finished temporary file to `path`.
fn place(tmp: &Path, path: &Path, existing: Existing) -> Result<(), FileError> {
    match existing {
        Existing::Replace => std::fs::rename(tmp, path).map_err(FileError::io(path, FileOp::Rename)),
        // link(2) refuses an existing name atomically; the temporary name is then dropped.
        Existing::NoClobber => match std::fs::hard_link(tmp, path) {
            Ok(()) => {
                let _ = std::fs::remove_file(tmp);
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                Err(FileError::AlreadyExists { path: path.to_owned() })
            }
            // A file system without hard links (FAT, some network shares): check, then rename.
            Err(_) if path.symlink_metadata().is_ok() => {
                Err(FileError::AlreadyExists { path: path.to_owned() })
            }
            Err(_) => std::fs::rename(tmp, path).map_err(FileError::io(path, FileOp::Rename)),
        },
    }
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Makes the rename durable: fsync the folder that holds `path` (POSIX: the directory
/// entry lives in the folder, not in the file).
fn sync_dir(path: &Path) -> Result<(), FileError> {
    #[cfg(unix)]
    {
        let dir = parent(path);
        File::open(dir).and_then(|d| d.sync_all()).map_err(FileError::io(dir, FileOp::Sync))?;
    }
    // Windows: opening a folder needs FILE_FLAG_BACKUP_SEMANTICS; NTFS logs the rename.
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests;
