//! The certificate page as a user meets it (iced_test simulator): the four tabs, the status
//! badge, the revocation tab for each status, copying, saving and opening the folder.

use ecert::i18n::{self, Language};
use ecert::verify::report::{ChainEntry, RevocationStatus};
use ecert::verify::{Cert, Options, Reason, Report, Verdict};

use super::super::detail::{Msg, Tab};
use super::super::{App, Message, Screen};
use super::{app_with_a_card, click, lang_lock, shows};

const ROOT3: &[u8] = include_bytes!("../../../assets/anchors/Hongkong_Post_Root_CA_3.der");

/// The card's certificate, opened.
fn opened() -> App {
    let (mut app, _) = app_with_a_card();
    click(&mut app, "Hongkong Post Root CA 3");
    assert!(matches!(app.screen, Screen::Detail(0)));
    app
}

/// What the worker would answer for the bundled root checked against itself today.
fn real_report() -> Report {
    let cert = Cert::parse(ROOT3).unwrap();
    let options = Options { time: super::super::certs::now(), ..Options::default() };
    ecert::verify::verify(&cert, &[], std::slice::from_ref(&cert), &[], &options)
}

fn entry(subject: &str, anchor: bool, revocation: RevocationStatus) -> ChainEntry {
    ChainEntry {
        subject: subject.into(),
        issuer: "CN=Hongkong Post Root CA 3".into(),
        serial: "01".into(),
        not_before: 0,
        not_after: 2_000_000_000,
        sha256: String::new(),
        trust_anchor: anchor,
        revocation,
        weak_signature: false,
    }
}

/// A root and an end entity whose revocation status is `leaf`, checked 1 June 2026 00:00 UTC.
fn report_with(leaf: RevocationStatus, verdict: Verdict, reason: Option<Reason>) -> Report {
    Report {
        verdict,
        reason,
        reason_text: None,
        section: None,
        chain: vec![
            entry("CN=Hongkong Post Root CA 3", true, RevocationStatus::NotChecked),
            entry("CN=CHAN Tai Man,O=Hongkong Post e-Cert (Personal),C=HK", false, leaf),
        ],
        checks: Vec::new(),
        policies: Vec::new(),
        validation_time: 1_780_272_000,
    }
}

#[test]
fn simulated_user_walks_through_the_four_tabs() {
    let _lang = lang_lock();
    i18n::set_language(Language::English);
    let mut app = opened();
    assert_eq!(app.detail.tab, Tab::General);
    assert!(shows(&app, "e-Cert type") && shows(&app, "Certificate authority"));
    assert!(shows(&app, "Checking the certificate…"), "the badge says the check runs");
    let report = real_report();
    assert_eq!(report.verdict, Verdict::Valid);
    let _ = app.update(Message::Verified(0, Ok(Box::new(report))));
    assert!(shows(&app, "Trusted"), "the badge shows the verdict");

    click(&mut app, "Details");
    assert_eq!(app.detail.tab, Tab::Details);
    assert!(!shows(&app, "e-Cert type"), "General is hidden");
    assert!(shows(&app, "SHA-1 fingerprint"));
    assert!(shows(&app, "Key usage · critical"));
    assert!(shows(&app, "Signing certificates (keyCertSign), Signing revocation lists (cRLSign)"));
    assert!(shows(&app, "RSA 4096 bits"));

    click(&mut app, "Chain");
    assert!(shows(&app, "Certificate chain") && shows(&app, "trusted root"));
    assert!(!shows(&app, "SHA-1 fingerprint"));

    click(&mut app, "Revocation");
    assert!(shows(&app, "A trusted root certificate is not checked for revocation."));

    click(&mut app, "General");
    assert!(shows(&app, "Certificate authority"));

    // The tabs speak the user's language.
    i18n::set_language(Language::TraditionalChineseHk);
    assert!(shows(&app, "電子證書類別") && shows(&app, "詳細資料"));
    i18n::set_language(Language::English);

    // Opening a certificate again starts on General.
    click(&mut app, "Details");
    click(&mut app, "Back");
    click(&mut app, "Hongkong Post Root CA 3");
    assert_eq!(app.detail.tab, Tab::General);
}

#[test]
fn chain_and_revocation_tabs_wait_for_the_check() {
    let _lang = lang_lock();
    i18n::set_language(Language::English);
    let mut app = opened();
    click(&mut app, "Chain");
    assert!(shows(&app, "Checking the certificate…"));
    app.verifying = None;
    assert!(shows(&app, "The chain has not been checked yet. Press \"Check validity\"."));
    click(&mut app, "Revocation");
    assert!(shows(&app, "The chain has not been checked yet. Press \"Check validity\"."));
    click(&mut app, "General");
    assert!(shows(&app, "Not checked yet"), "the badge without a report");
}

#[test]
fn revocation_tab_shows_source_times_and_each_status() {
    let _lang = lang_lock();
    i18n::set_language(Language::English);
    let mut app = opened();
    let good = RevocationStatus::Good {
        source: "OCSP http://ocsp1.hongkongpost.gov.hk".into(),
        this_update: 1_780_185_600,
        next_update: Some(1_780_358_400),
    };
    let _ = app.update(Message::Verified(0, Ok(Box::new(report_with(good, Verdict::Valid, None)))));
    click(&mut app, "Revocation");
    assert!(shows(&app, "Not revoked"));
    assert!(shows(&app, "OCSP http://ocsp1.hongkongpost.gov.hk"));
    assert!(shows(&app, "1/6/2026 00:00 UTC"), "time checked");
    assert!(shows(&app, "31/5/2026 00:00 UTC"), "this update");
    assert!(shows(&app, "2/6/2026 00:00 UTC"), "next update");

    let no_next =
        RevocationStatus::Good { source: "CRL".into(), this_update: 1_780_185_600, next_update: None };
    let _ = app.update(Message::Verified(0, Ok(Box::new(report_with(no_next, Verdict::Valid, None)))));
    assert!(shows(&app, "not given"));

    let _ = app.update(Message::Verified(
        0,
        Ok(Box::new(report_with(RevocationStatus::NotChecked, Verdict::Valid, None))),
    ));
    assert!(shows(&app, "Not checked — revocation checking is off in Settings."));

    let revoked =
        RevocationStatus::Revoked { source: "CRL".into(), revoked_at: 1_780_185_600, reason: Some(1) };
    let reason = Reason::Revoked { index: 1, revoked_at: 1_780_185_600, reason: Some(1) };
    let _ =
        app.update(Message::Verified(0, Ok(Box::new(report_with(revoked, Verdict::Invalid, Some(reason))))));
    assert!(shows(&app, "Revoked on 31/5/2026 00:00 UTC"));
    click(&mut app, "General");
    assert!(shows(&app, "Revoked"), "the badge says revoked, not just not trusted");
    assert!(!shows(&app, "Not trusted"));
}

#[test]
fn copy_puts_the_pem_on_the_clipboard_and_says_so() {
    let _lang = lang_lock();
    i18n::set_language(Language::English);
    let mut app = opened();
    assert!(app.status.is_none());
    let task = app.update(Message::Detail(Msg::CopyPem(0)));
    assert!(task.units() > 0, "a clipboard write is asked for");
    assert_eq!(app.status.as_deref(), Some("Copied: the certificate (PEM) is on the clipboard."));
    assert!(shows(&app, "Copied: the certificate (PEM) is on the clipboard."));
    // The button does the same.
    app.status = None;
    click(&mut app, "Details");
    click(&mut app, "Copy PEM");
    assert!(shows(&app, "Copied: the certificate (PEM) is on the clipboard."));
}

#[test]
fn open_folder_follows_a_save_and_a_failure_becomes_text() {
    let _lang = lang_lock();
    i18n::set_language(Language::English);
    let mut app = opened();
    assert!(shows(&app, "Save a copy…") && !shows(&app, "Save as DER file"), "formats under Details");
    click(&mut app, "Details");
    assert!(shows(&app, "Save as DER file"));
    assert!(!shows(&app, "Open folder"), "nothing saved yet");
    let task = app.update(Message::Detail(Msg::ExportDer(0)));
    assert!(task.units() > 0, "the file is written by a task, not in update");
    assert!(app.detail.exported.is_none());
    let _ = app.update(Message::Exported(Ok("/home/chan/Documents/Hongkong Post Root CA 3-9a.der".into())));
    assert!(shows(&app, "Saved to /home/chan/Documents/Hongkong Post Root CA 3-9a.der"));
    assert!(shows(&app, "Open folder"));
    let task = app.update(Message::Detail(Msg::OpenFolder));
    assert!(task.units() > 0, "the file manager starts in a task");
    let _ = app.update(Message::Detail(Msg::FolderOpened(Err("xdg-open: not found".into()))));
    assert!(shows(&app, "The folder could not be opened: xdg-open: not found"));
    // A failed save leaves nothing to open.
    let _ = app.update(Message::Exported(Err("disk full".into())));
    assert!(!shows(&app, "Open folder"));
}
