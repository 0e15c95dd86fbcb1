//! Files from outside (issue 16 item 3): dropped onto the window or named on the command
//! line, e-Cert files go to the sidebar, certificates to the certificate page, anything
//! else is refused in words.

use ecert::i18n::{self, Language};
use ecert::token::TokenRef;

use super::super::dropped::{certificate_der, FileKind};
use super::super::{App, Message, Screen};
use super::{lang_lock, shows};

const ROOT3: &[u8] = include_bytes!("../../../assets/anchors/Hongkong_Post_Root_CA_3.der");

#[test]
fn files_are_taken_by_their_extension() {
    use std::path::Path;
    for (name, kind) in [
        ("my-ecert.p12", Some(FileKind::ECertFile)),
        ("MY-ECERT.PFX", Some(FileKind::ECertFile)),
        ("a.cer", Some(FileKind::Certificate)),
        ("a.CRT", Some(FileKind::Certificate)),
        ("a.der", Some(FileKind::Certificate)),
        ("a.pem", Some(FileKind::Certificate)),
        ("notes.txt", None),
        ("no-extension", None),
    ] {
        assert_eq!(FileKind::of(Path::new(name)), kind, "{name}");
    }
}

#[test]
fn a_certificate_is_read_from_der_or_pem_and_junk_is_refused() {
    assert_eq!(certificate_der(ROOT3).as_deref(), Some(ROOT3));
    let pem = pem_rfc7468::encode_string("CERTIFICATE", pem_rfc7468::LineEnding::LF, ROOT3).unwrap();
    assert_eq!(certificate_der(pem.as_bytes()).as_deref(), Some(ROOT3));
    let key = pem_rfc7468::encode_string("PRIVATE KEY", pem_rfc7468::LineEnding::LF, ROOT3).unwrap();
    assert_eq!(certificate_der(key.as_bytes()), None, "a PEM block of another kind");
    assert_eq!(certificate_der(b"hello"), None);
    assert_eq!(certificate_der(&ROOT3[..100]), None, "a cut certificate");
}

#[test]
fn a_dropped_certificate_opens_on_the_certificate_page_without_a_card_key() {
    let _lang = lang_lock();
    i18n::set_language(Language::English);
    let mut app = App::new(Language::English);
    let path = std::path::PathBuf::from("/home/chan/Downloads/root3.cer");
    let task = app.update(Message::FileDropped(path.clone()));
    assert!(task.units() > 0, "the file is read in a task, not in update");
    let _ = app.update(Message::CertificateRead(path.clone(), Ok(ROOT3.to_vec())));
    assert!(matches!(app.screen, Screen::Detail(0)));
    assert!(shows(&app, "Hongkong Post Root CA 3"));
    assert!(!shows(&app, "Key on the card"), "a file has no key on a card");
    assert!(app.verifying.is_some(), "it is checked as it opens");
    // A file that holds no certificate: said, and the page is left.
    let _ = app.update(Message::CertificateRead(path, Err(i18n::text("status-not-a-certificate"))));
    assert!(matches!(app.screen, Screen::Certificates));
    assert!(app.status.as_deref().is_some_and(|s| s.contains("root3.cer (this file holds no certificate)")));
}

#[test]
fn a_dropped_ecert_file_asks_for_its_password_and_other_files_are_refused() {
    let _lang = lang_lock();
    i18n::set_language(Language::English);
    let mut app = App::new(Language::English);
    let p12 = std::path::PathBuf::from("/home/chan/my-ecert.p12");
    let _ = app.update(Message::FileDropped(p12.clone()));
    assert!(app.files.contains(&p12));
    assert_eq!(app.selected, Some(TokenRef::File { path: p12 }));
    let _ = app.update(Message::FileDropped("/home/chan/notes.txt".into()));
    assert!(app
        .status
        .as_deref()
        .is_some_and(|s| s.starts_with("This file cannot be opened here: /home/chan/notes.txt.")));
}

#[test]
fn the_desktop_file_opens_our_files_with_the_app() {
    let desktop = include_str!("../../../packaging/linux/hk.ecert.Manager.desktop");
    assert!(desktop.lines().any(|l| l == "Exec=ecert-manager %F"), "files from the file manager reach main");
    let mime = desktop.lines().find_map(|l| l.strip_prefix("MimeType=")).unwrap_or_default();
    for t in [
        "application/x-pkcs12",
        "application/pkix-cert",
        "application/x-x509-ca-cert",
        "application/x-pem-file",
    ] {
        assert!(mime.split(';').any(|m| m == t), "{t} in {mime}");
    }
}
