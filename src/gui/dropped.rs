//! Files that arrive from outside: dropped onto the window (winit's `FileDropped`, one event
//! per file) or given on the command line (`Exec=ecert-manager %F`). An e-Cert file
//! (.p12/.pfx, PKCS #12, RFC 7292) opens in the sidebar and asks for its password; a
//! certificate (.cer/.crt/.der/.pem: DER, X.690, or PEM, RFC 7468) opens on the certificate
//! page. The file is read in a task, never in `update`.

use std::path::{Path, PathBuf};

use ecert::i18n;
use ecert::token::CertObject;
use iced::Task;

use super::{App, Certs, Message, Screen};

/// What a file is taken for, by its extension (case-insensitive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A PKCS #12 e-Cert file with its private key.
    ECertFile,
    /// One certificate, DER or PEM.
    Certificate,
}

impl FileKind {
    pub fn of(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "p12" | "pfx" => Some(Self::ECertFile),
            "cer" | "crt" | "der" | "pem" => Some(Self::Certificate),
            _ => None,
        }
    }
}

/// The certificate in a file's bytes: PEM (the first CERTIFICATE block) or DER as it is.
pub fn certificate_der(bytes: &[u8]) -> Option<Vec<u8>> {
    let der = if bytes.starts_with(b"-----BEGIN") {
        let (label, der) = pem_rfc7468::decode_vec(bytes).ok()?;
        (label == "CERTIFICATE").then_some(der)?
    } else {
        bytes.to_vec()
    };
    ecert::cert::CertSummary::from_der(&der).ok().map(|_| der)
}

fn read_certificate(path: &Path) -> Result<Vec<u8>, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    certificate_der(&bytes).ok_or_else(|| i18n::text("status-not-a-certificate"))
}

impl App {
    /// A file dropped or named on the command line.
    pub(super) fn open_path(&mut self, path: PathBuf) -> Task<Message> {
        match FileKind::of(&path) {
            Some(FileKind::ECertFile) => {
                self.file_input = path.display().to_string();
                self.update(Message::OpenFile)
            }
            Some(FileKind::Certificate) => Task::perform(
                {
                    let path = path.clone();
                    async move { read_certificate(&path) }
                },
                move |r| Message::CertificateRead(path.clone(), r),
            ),
            None => {
                self.status =
                    Some(i18n::text_args("status-file-not-opened", &[("path", path.display().to_string())]));
                Task::none()
            }
        }
    }

    /// A certificate file was read: show it on the certificate page, and check it.
    pub(super) fn on_certificate_read(
        &mut self,
        path: &Path,
        read: Result<Vec<u8>, String>,
    ) -> Task<Message> {
        match read {
            Ok(der) => {
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
                self.selected = None;
                // No location: a loose certificate has no key on a card.
                self.certs = Some(Certs::Loaded(vec![CertObject::new(String::new(), name, der)]));
                self.update(Message::OpenCert(0))
            }
            Err(e) => {
                self.status = Some(i18n::text_args(
                    "status-file-not-opened",
                    &[("path", format!("{} ({e})", path.display()))],
                ));
                self.screen = Screen::Certificates;
                Task::none()
            }
        }
    }
}
