//! Saving a certificate (PEM, RFC 7468; DER, X.690) into the user's Documents folder, never
//! overwriting, and showing that folder in the system's file manager. Blocking: these run in
//! tasks, never in `update`.

use std::path::{Path, PathBuf};

use ecert::token::CertObject;

/// The file name a certificate is saved under: owner's name and location, `ext` extension.
pub fn file_name(cert: &CertObject, ext: &str) -> String {
    let name =
        cert.summary.as_ref().and_then(|s| s.subject_cn.clone()).unwrap_or_else(|| "e-Cert".to_owned());
    format!("{}-{}.{ext}", name.replace(['/', '\\', ':'], "_"), cert.location)
}

/// The certificate as PEM text.
pub fn pem(der: &[u8]) -> Result<String, String> {
    pem_rfc7468::encode_string("CERTIFICATE", pem_rfc7468::LineEnding::LF, der).map_err(|e| e.to_string())
}

/// Writes a certificate as PEM into the user's Documents folder (home if none), never
/// overwriting; returns the path.
pub fn export_pem(der: &[u8], file: &str) -> Result<String, String> {
    save_in(&documents()?, file, pem(der)?.as_bytes())
}

/// The same as DER (the certificate's bytes as they are).
pub fn export_der(der: &[u8], file: &str) -> Result<String, String> {
    save_in(&documents()?, file, der)
}

fn documents() -> Result<PathBuf, String> {
    directories::UserDirs::new()
        .and_then(|u| u.document_dir().map(Path::to_path_buf).or_else(|| Some(u.home_dir().to_path_buf())))
        .ok_or_else(|| "no home folder".to_owned())
}

/// Writes `bytes` to `dir/file`, or `dir/2-file`, `dir/3-file`… if taken: an existing file
/// is never overwritten (the new name is shown), and the write is atomic and durable
/// ([`ecert::careful_file`]: a name taken between two tries is refused by the file system).
fn save_in(dir: &Path, file: &str, bytes: &[u8]) -> Result<String, String> {
    use ecert::careful_file::{write_atomic, FileError, Mode};
    for n in 1..1000 {
        let path = if n == 1 { dir.join(file) } else { dir.join(format!("{n}-{file}")) };
        match write_atomic(&path, bytes, Mode::PUBLIC.no_clobber()) {
            Ok(()) => return Ok(path.display().to_string()),
            Err(FileError::AlreadyExists { .. }) => {}
            Err(e) => return Err(ecert::i18n::file_error_text(&e).message),
        }
    }
    Err(ecert::i18n::file_error_text(&FileError::AlreadyExists { path: dir.join(file) }).message)
}

/// Opens the folder holding `file` in the file manager: `explorer` on Windows, `open` on
/// macOS, `xdg-open` elsewhere. Waits for the launcher (quick) so a failure can be shown.
pub fn open_folder_blocking(file: &Path) -> Result<(), String> {
    let dir =
        file.parent().filter(|d| !d.as_os_str().is_empty()).ok_or_else(|| file.display().to_string())?;
    let program = if cfg!(target_os = "windows") {
        "explorer"
    } else if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let status =
        std::process::Command::new(program).arg(dir).status().map_err(|e| format!("{program}: {e}"))?;
    // explorer.exe exits 1 even after opening the window.
    if status.success() || cfg!(target_os = "windows") {
        Ok(())
    } else {
        Err(format!("{program}: {status}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saving_never_overwrites_and_der_is_the_bytes_as_they_are() {
        let dir = tempfile::tempdir().unwrap();
        let first = save_in(dir.path(), "a.der", &[0x30, 0x00]).unwrap();
        let second = save_in(dir.path(), "a.der", &[0x30, 0x01]).unwrap();
        assert_ne!(first, second);
        assert!(second.ends_with("2-a.der"), "{second}");
        assert_eq!(std::fs::read(&first).unwrap(), [0x30, 0x00]);
        assert!(pem(&[0x30, 0x00]).unwrap().starts_with("-----BEGIN CERTIFICATE-----\nMAA="));
    }

    #[test]
    fn a_path_without_a_folder_is_an_error_not_a_launch() {
        assert!(open_folder_blocking(Path::new("")).is_err());
    }
}
