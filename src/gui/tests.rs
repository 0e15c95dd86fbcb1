//! The app's logic driven through `update`, without a window (sniffnet's approach).

use ecert::i18n::{self, Language};
use ecert::reader::{PcscStatus, ReaderInfo};
use ecert::service::{Event, Snapshot};
use ecert::token::{PinFacts, TokenInfo, TokenKind, TokenRef};

use super::certs::{empty_state, empty_text, Empty};
use super::sidebar::{reader_lines, token_lines};
use super::{App, Certs, Message, TextSize};

/// The language is process-wide: tests that read or switch it take turns.
pub(super) fn lang_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub(super) fn reader(name: &str, card: bool) -> ReaderInfo {
    ReaderInfo {
        name: name.into(),
        card_present: card,
        exclusive: false,
        atr: card.then(|| "3B 8F 80".into()),
        card: card.then_some(ecert::reader::CardKind::Unknown),
    }
}

pub(super) fn piv_token(reader: &str, tries: u8) -> TokenInfo {
    TokenInfo {
        reference: TokenRef::Reader { reader: reader.into() },
        kind: TokenKind::PivCard,
        label: "PIV".into(),
        manufacturer: None,
        model: None,
        serial: None,
        card_serial: None,
        pin: Some(PinFacts { tries_left: Some(tries), final_try: tries == 1, ..PinFacts::default() }),
        write_protected: false,
        uninitialized: false,
    }
}

pub(super) fn snapshot(pcsc: PcscStatus, readers: Vec<ReaderInfo>, tokens: Vec<TokenInfo>) -> Message {
    Message::Service(Event::Snapshot(Snapshot { pcsc, readers, tokens, modules: Vec::new() }))
}

#[test]
fn empty_states_follow_the_devices() {
    let _lang = lang_lock();
    i18n::set_language(Language::English);
    let mut app = App::new(Language::English);
    assert_eq!(empty_state(&app), Some(Empty::Starting));
    let _ = app.update(snapshot(PcscStatus::NotRunning, vec![], vec![]));
    assert_eq!(empty_state(&app), Some(Empty::ServiceNotRunning));
    assert_eq!(empty_text(Empty::ServiceNotRunning).0, "The smart-card service is not running");
    let _ = app.update(snapshot(PcscStatus::Running, vec![], vec![]));
    assert_eq!(empty_state(&app), Some(Empty::NoReader));
    let _ = app.update(snapshot(PcscStatus::Running, vec![reader("Virtual PCD 00 00", false)], vec![]));
    assert_eq!(empty_state(&app), Some(Empty::NoCard));
    let _ = app.update(snapshot(PcscStatus::Running, vec![reader("Virtual PCD 00 00", true)], vec![]));
    assert_eq!(empty_state(&app), Some(Empty::NeedsSoftware), "a card nothing can read");
    assert!(empty_text(Empty::NeedsSoftware).1.contains("Settings → Token software"));
    let _ = app.update(snapshot(
        PcscStatus::Running,
        vec![reader("Virtual PCD 00 00", true)],
        vec![piv_token("Virtual PCD 00 00", 3)],
    ));
    assert_eq!(empty_state(&app), Some(Empty::Choose));
}

#[test]
fn sidebar_names_reader_card_and_pin_state() {
    let _lang = lang_lock();
    i18n::set_language(Language::English);
    assert_eq!(
        reader_lines(&reader("Virtual PCD 00 00", true)),
        ("Virtual PCD 00 00".to_owned(), "Card inserted".to_owned())
    );
    let (title, detail) = token_lines(&piv_token("Virtual PCD 00 00", 3));
    assert_eq!(title, "Smart card (PIV)");
    assert_eq!(detail, "Virtual PCD 00 00 · PIN: 3 tries left");
    let (_, detail) = token_lines(&piv_token("r", 1));
    assert!(detail.contains("one try left"), "{detail}");
    i18n::set_language(Language::TraditionalChineseHk);
    assert_eq!(token_lines(&piv_token("r", 2)).1, "r · 密碼：尚餘 2 次機會");
    i18n::set_language(Language::English);
}

#[test]
fn selecting_then_pulling_the_card_clears_the_selection() {
    let _lang = lang_lock();
    let mut app = App::new(Language::English);
    let token = TokenRef::Reader { reader: "Virtual PCD 00 00".into() };
    let _ = app.update(snapshot(
        PcscStatus::Running,
        vec![reader("Virtual PCD 00 00", true)],
        vec![piv_token("Virtual PCD 00 00", 3)],
    ));
    let _ = app.update(Message::SelectToken(token.clone()));
    assert!(matches!(app.certs, Some(Certs::Loading)));
    let _ =
        app.update(Message::Service(Event::Certificates { token: token.clone(), result: Ok(Vec::new()) }));
    assert!(matches!(&app.certs, Some(Certs::Loaded(v)) if v.is_empty()));
    // An answer for another token is ignored.
    let other = TokenRef::Reader { reader: "other".into() };
    let _ = app.update(Message::Service(Event::Certificates {
        token: other,
        result: Err(ecert::token::TokenError::PasswordNeeded),
    }));
    assert!(matches!(&app.certs, Some(Certs::Loaded(_))));
    // Card pulled: the token disappears from the snapshot and the selection goes with it.
    let _ = app.update(snapshot(PcscStatus::Running, vec![reader("Virtual PCD 00 00", false)], vec![]));
    assert_eq!(app.selected, None);
    assert_eq!(empty_state(&app), Some(Empty::NoCard));
}

#[test]
fn language_and_text_size_switch_at_run_time() {
    let _lang = lang_lock();
    let mut app = App::new(Language::English);
    let _ = app.update(Message::SetLanguage(Language::SimplifiedChinese));
    assert_eq!(i18n::text("title-readers"), "读卡器");
    let _ = app.update(Message::SetLanguage(Language::English));
    let _ = app.update(Message::SetTextSize(TextSize::Largest));
    assert_eq!(app.text_size, TextSize::Largest);
    assert!(TextSize::Largest.body() > TextSize::Medium.body());
}

#[test]
fn pin_dialog_sends_one_attempt_and_never_shows_secrets() {
    use super::pin_dialog::{Action, Kind, Outcome, PinDialog, PinMsg};
    let _lang = lang_lock();
    i18n::set_language(Language::English);
    let facts = PinFacts { tries_left: Some(1), final_try: true, ..PinFacts::default() };
    let mut d = PinDialog::new(Kind::Change, Some(facts));
    assert!(d.tries_line().unwrap().contains("one try left"));
    assert!(matches!(d.update(PinMsg::First("123456".into())), Action::None));
    assert!(matches!(d.update(PinMsg::New("24681357".into())), Action::None));
    assert!(matches!(d.update(PinMsg::Repeat("24681358".into())), Action::None));
    // Different repeats: nothing is sent.
    assert!(matches!(d.update(PinMsg::Submit), Action::None));
    assert!(matches!(d.outcome, Some(Outcome::Mismatch)));
    let _ = d.update(PinMsg::Repeat("24681357".into()));
    let Action::Send(op) = d.update(PinMsg::Submit) else { panic!("expected one attempt") };
    assert!(matches!(op, ecert::service::Operation::ChangePin { .. }));
    // While the card works a second press sends nothing.
    assert!(d.busy);
    assert!(matches!(d.update(PinMsg::Submit), Action::None));
    assert_eq!(format!("{:?}", PinMsg::First("123456".into())), "First(***)");
    assert!(!format!("{op:?}").contains("123456"));
    d.finished(
        Err(ecert::token::TokenError::Piv(ecert::piv::PivError::WrongPin {
            which: ecert::piv::PinRef::Pin,
            tries_left: Some(0),
        })),
        None,
    );
    assert!(!d.busy);
    assert!(matches!(&d.outcome, Some(Outcome::Failed(m, _)) if m.contains("Wrong PIN")));
}

#[test]
fn renewal_banner_starts_ninety_days_out() {
    use super::detail::banner;
    let _lang = lang_lock();
    i18n::set_language(Language::English);
    let der = include_bytes!("../../assets/anchors/Hongkong_Post_Root_CA_3.der");
    let s = ecert::cert::CertSummary::from_der(der).unwrap();
    assert_eq!(banner(&s, s.not_after - 200 * 86_400), None);
    assert!(banner(&s, s.not_after - 30 * 86_400).unwrap().contains("expires in 30 days"));
    assert!(banner(&s, s.not_after + 86_400).unwrap().contains("has expired"));
}

#[test]
fn renewal_advice_names_who_renews() {
    use super::detail::renewal_advice;
    let _lang = lang_lock();
    let _demo = dialog_flows::demo_lock();
    i18n::set_language(Language::English);
    let der = include_bytes!("../../assets/anchors/Hongkong_Post_Root_CA_3.der");
    let s = ecert::cert::CertSummary::from_der(der).unwrap();
    let kind = ecert::cert::kind::of_der(der);
    assert!(
        renewal_advice(kind, &s).starts_with("Ask the authority that issued it (Hongkong Post Root CA 3)")
    );
    let (app, _rx) = dialog_flows::demo_app();
    let Some(Certs::Loaded(list)) = &app.certs else { panic!("listed") };
    let demo = &list[0];
    let summary = demo.summary.clone().unwrap();
    assert!(renewal_advice(ecert::cert::kind::of_der(&demo.der), &summary)
        .starts_with("This is a demo e-Cert: no authority renews it."));
    i18n::set_language(Language::TraditionalChineseHk);
    assert!(renewal_advice(kind, &s).starts_with("請向簽發機關（Hongkong Post Root CA 3）"));
    i18n::set_language(Language::English);
}

#[test]
fn opening_a_file_asks_for_its_password_before_anything_is_read() {
    let _lang = lang_lock();
    let mut app = App::new(Language::English);
    let _ = app.update(Message::FilePath("/media/usb/chan.p12".into()));
    let _ = app.update(Message::OpenFile);
    assert_eq!(app.files, vec![std::path::PathBuf::from("/media/usb/chan.p12")]);
    assert!(matches!(app.screen, super::Screen::FilePassword));
    assert!(app.certs.is_none());
    assert_eq!(format!("{:?}", Message::FilePassword(super::Secret("s3cret".into()))), "FilePassword(***)");
    // The file's answer lands in the certificate list.
    let token = TokenRef::File { path: "/media/usb/chan.p12".into() };
    let _ = app.update(Message::Service(Event::Finished {
        token,
        result: Err(ecert::token::TokenError::File(ecert::p12file::P12Error::WrongPassword {
            path: "chan.p12".into(),
        })),
    }));
    assert!(matches!(&app.certs, Some(Certs::Failed(_))));
}

#[test]
fn opening_a_certificate_checks_it_once_and_shows_the_verdict() {
    use ecert::verify::{Cert, Options, Verdict};
    let _lang = lang_lock();
    i18n::set_language(Language::English);
    let der = include_bytes!("../../assets/anchors/Hongkong_Post_Root_CA_3.der").to_vec();
    let mut app = App::new(Language::English);
    app.certs = Some(Certs::Loaded(vec![ecert::token::CertObject {
        location: "9a".into(),
        label: None,
        summary: ecert::cert::CertSummary::from_der(&der).ok(),
        der: der.clone(),
        key: None,
    }]));
    let _ = app.update(Message::OpenCert(0));
    assert_eq!(app.verifying, Some(0), "the check starts when the page opens");
    // A second press while it runs starts nothing new.
    let _ = app.update(Message::VerifyCert(0));
    assert_eq!(app.verifying, Some(0));
    // The worker's answer (computed here the same way, without the user's trust store):
    // an expired copy of the root, checked after its notAfter.
    let cert = Cert::parse(&der).unwrap();
    let options = Options { time: u64::try_from(cert.not_after).unwrap() + 86_400, ..Options::default() };
    let report = ecert::verify::verify(&cert, &[], std::slice::from_ref(&cert), &[], &options);
    assert_eq!(report.verdict, Verdict::Invalid);
    let _ = app.update(Message::Verified(0, Ok(Box::new(report))));
    assert_eq!(app.verifying, None);
    let (n, shown) = app.verification.as_ref().unwrap();
    assert_eq!(*n, 0);
    assert_eq!(
        super::verification::verdict_text(shown),
        "Not trusted — A certificate in the chain has expired."
    );
    i18n::set_language(Language::TraditionalChineseHk);
    assert!(super::verification::verdict_text(shown).starts_with("不可信"));
    i18n::set_language(Language::English);
}

#[test]
fn a_ca_is_trusted_only_after_its_fingerprint_was_shown() {
    use super::anchors::{Anchors, Msg};
    let der = include_bytes!("../../assets/anchors/Hongkong_Post_Root_CA_3.der").to_vec();
    let summary = ecert::cert::CertSummary::from_der(&der).unwrap();
    let mut a = Anchors::default();
    let _ = a.update(Msg::Path("/media/usb/ca.pem".into()));
    // Nothing to confirm before the file was read.
    let _ = a.update(Msg::Trust);
    assert!(a.preview.is_none());
    let _ = a.update(Msg::Checked(Ok((der, summary.clone()))));
    assert_eq!(a.preview.as_ref().map(|(_, s)| s.sha256.clone()), Some(summary.sha256));
    let _ = a.update(Msg::Cancel);
    assert!(a.preview.is_none(), "cancel forgets the certificate");
    let _ = a.update(Msg::Checked(Err("ca.pem: not a certificate".into())));
    assert_eq!(a.status.as_deref(), Some("ca.pem: not a certificate"));
    let _ = a.update(Msg::Done(Ok("added".into())));
    assert!(a.path.is_empty());
}

#[test]
fn find_page_never_searches_offline_or_without_a_query() {
    use super::find::{By, Find, Msg};
    let mut f = Find::default();
    let _ = f.update(Msg::Loaded(Vec::new(), false));
    let _ = f.update(Msg::Search(By::Name));
    assert!(!f.busy, "no directory: nothing to search");
    let dir = ecert::directory::Directory {
        name: "pkits".into(),
        url: "ldap://127.0.0.1:9/".into(),
        base: None,
        starttls: false,
    };
    let _ = f.update(Msg::Loaded(vec![dir], true));
    let _ = f.update(Msg::Query("Valid".into()));
    let _ = f.update(Msg::Search(By::Name));
    assert!(!f.busy, "offline: nothing is searched");
    let _ = f.update(Msg::Loaded(f.directories.clone(), false));
    let _ = f.update(Msg::Query("zz-not-hex".into()));
    let _ = f.update(Msg::Search(By::Serial));
    assert!(!f.busy && f.error.as_deref().is_some_and(|e| e.contains("hexadecimal")));
    let _ = f.update(Msg::Query("Valid".into()));
    let _ = f.update(Msg::Search(By::Name));
    assert!(f.busy, "a search starts");
    let _ = f.update(Msg::Search(By::Name));
    let _ = f.update(Msg::Found(Err("cannot reach the directory".into())));
    assert!(!f.busy && f.error.as_deref() == Some("cannot reach the directory"));
}

/// The page's search on the rig's slapd (PKITS directory): a PKITS person is found and
/// judged against the trust store — without the PKITS root trusted, "not from a trusted
/// authority".
#[test]
fn find_page_searches_the_rig_directory() {
    let url = std::env::var("ECERT_LDAP_URL").unwrap_or_else(|_| {
        panic!("ECERT_LDAP_URL is not set: this test needs the rig (`scripts/test`, or `scripts/rig up && . target/rig/env`)")
    });
    let base = std::env::var("ECERT_LDAP_BASE").ok();
    let dir = ecert::directory::Directory { name: "pkits".into(), url, base, starttls: false };
    let hits = super::find::search(&dir, &ecert::directory::Query::Name("Valid EE Certificate Test1".into()))
        .unwrap();
    assert!(!hits.is_empty(), "PKITS's first end entity is in the directory");
    let hit = &hits[0];
    assert!(hit.subject.contains("Valid EE Certificate Test1"), "{}", hit.subject);
    assert_eq!(hit.status, ecert::directory::Status::Untrusted);
}

/// The app with a PIV card in the reader, selected, holding one certificate.
pub(super) fn app_with_a_card() -> (App, TokenRef) {
    let der = include_bytes!("../../assets/anchors/Hongkong_Post_Root_CA_3.der").to_vec();
    let mut app = App::new(Language::English);
    let token = TokenRef::Reader { reader: "Virtual PCD 00 00".into() };
    let _ = app.update(snapshot(
        PcscStatus::Running,
        vec![reader("Virtual PCD 00 00", true)],
        vec![piv_token("Virtual PCD 00 00", 3)],
    ));
    let _ = app.update(Message::SelectToken(token.clone()));
    let cert = ecert::token::CertObject::new("9a".into(), None, der);
    let _ =
        app.update(Message::Service(Event::Certificates { token: token.clone(), result: Ok(vec![cert]) }));
    (app, token)
}

/// The simulated user clicks the widget showing `label`; what that produced goes to `update`.
pub(super) fn click(app: &mut App, label: &str) {
    let messages: Vec<Message> = {
        let mut ui = iced_test::simulator(app.view());
        ui.click(label).unwrap_or_else(|e| panic!("cannot click {label:?}: {e}"));
        ui.into_messages().collect()
    };
    for m in messages {
        let _ = app.update(m);
    }
}

/// Whether the screen shows `label`.
pub(super) fn shows(app: &App, label: &str) -> bool {
    iced_test::simulator(app.view()).find(label).is_ok()
}

#[test]
fn simulated_user_opens_a_certificate() {
    let _lang = lang_lock();
    i18n::set_language(Language::English);
    let (mut app, _) = app_with_a_card();
    click(&mut app, "Hongkong Post Root CA 3");
    assert!(matches!(app.screen, super::Screen::Detail(0)));
    assert!(shows(&app, "Authentication key"), "the key named by what it is for");
    assert!(shows(&app, "Checking the certificate…"), "the check runs as the page opens");
    click(&mut app, "Back");
    assert!(matches!(app.screen, super::Screen::Certificates));
}

#[test]
fn simulated_user_enters_a_wrong_then_the_right_pin() {
    let _lang = lang_lock();
    i18n::set_language(Language::English);
    let (mut app, token) = app_with_a_card();
    click(&mut app, "Change PIN");
    assert!(shows(&app, "PIN: 3 tries left"), "tries are shown before anything is typed");
    let attempt = |app: &mut App, first: &str| {
        for m in [
            super::pin_dialog::PinMsg::First(first.into()),
            super::pin_dialog::PinMsg::New("24681357".into()),
            super::pin_dialog::PinMsg::Repeat("24681357".into()),
        ] {
            let _ = app.update(Message::Pin(m));
        }
        click(app, "Apply");
    };
    attempt(&mut app, "999999");
    assert!(shows(&app, "Working…") || !shows(&app, "Apply"), "one attempt at a time");
    let wrong_pin = ecert::token::TokenError::Piv(ecert::piv::PivError::WrongPin {
        which: ecert::piv::PinRef::Pin,
        tries_left: Some(2),
    });
    let _ = app.update(Message::Service(Event::Finished { token: token.clone(), result: Err(wrong_pin) }));
    assert!(shows(&app, "Wrong PIN. 2 tries left."));
    attempt(&mut app, "123456");
    let _ =
        app.update(Message::Service(Event::Finished { token, result: Ok(ecert::service::Outcome::Done) }));
    assert!(shows(&app, "Done. Use the new PIN from now on."));
}

#[test]
fn simulated_user_switches_the_language() {
    let _lang = lang_lock();
    i18n::set_language(Language::English);
    let (mut app, _) = app_with_a_card();
    click(&mut app, "繁體中文 (香港)");
    assert!(shows(&app, "電子證書管理員") && shows(&app, "讀卡器"));
    click(&mut app, "English");
    assert!(shows(&app, "Card readers"));
}

#[test]
fn simulated_user_removes_only_after_understanding_and_two_presses() {
    use super::remove_dialog::Outcome;
    let _lang = lang_lock();
    i18n::set_language(Language::English);
    let (mut app, token) = app_with_a_card();
    click(&mut app, "Hongkong Post Root CA 3");
    click(&mut app, "Remove…");
    let armed = |app: &App| match &app.screen {
        super::Screen::Remove(d) => (d.understood, d.armed, d.busy),
        _ => panic!("the remove dialog is not open"),
    };
    assert_eq!(armed(&app), (false, false, false));
    // Pressing before ticking does nothing.
    click(&mut app, "Remove…");
    assert_eq!(armed(&app), (false, false, false));
    click(&mut app, "I understand, and I have what I need to get a new e-Cert if I want one");
    click(&mut app, "Remove…");
    assert_eq!(armed(&app), (true, true, false), "first press only arms");
    assert!(shows(&app, "Yes, remove it"));
    click(&mut app, "Yes, remove it");
    assert_eq!(armed(&app), (true, true, true), "second press sends the one request");
    let _ = app.update(Message::Service(Event::Finished {
        token,
        result: Ok(ecert::service::Outcome::Journal(Box::new(sample_journal()))),
    }));
    match &app.screen {
        super::Screen::Remove(d) => {
            assert_eq!(d.outcome, Some(Outcome::Removed));
            assert!(d.backup.to_string_lossy().contains("Hongkong_Post_Root_CA_3-9a-backup"));
        }
        _ => panic!("dialog closed"),
    }
}

pub(super) fn sample_journal() -> ecert::ops::journal::Journal {
    ecert::ops::journal::Journal {
        id: "0".into(),
        kind: ecert::ops::journal::Kind::Remove,
        card: String::new(),
        proof: None,
        status: ecert::ops::journal::Status::Done,
        step: 2,
        location: "9a".into(),
        replaces: None,
        old_cert: None,
        new_key: None,
        new_cert: None,
        request: None,
        subject: None,
        algorithm: None,
    }
}

#[test]
fn escape_leaves_pages_and_idle_dialogs_and_tab_moves_focus() {
    use iced::keyboard::key::Named;
    let _lang = lang_lock();
    let (mut app, _) = app_with_a_card();
    let escape = iced_test::simulator::press_key(Named::Escape, None);
    let _ = app.update(Message::OpenCert(0));
    let _ = app.update(Message::Key(escape_event(&escape)));
    assert!(matches!(app.screen, super::Screen::Certificates));
    let _ = app.update(Message::OpenRemove(0));
    let _ = app.update(Message::Key(escape_event(&escape)));
    assert!(matches!(app.screen, super::Screen::Certificates), "an idle dialog closes");
    // A dialog at work stays until the card answers.
    let _ = app.update(Message::OpenRemove(0));
    let _ = app.update(Message::Remove(super::remove_dialog::RemoveMsg::Understood(true)));
    let _ = app.update(Message::Remove(super::remove_dialog::RemoveMsg::Press));
    let _ = app.update(Message::Remove(super::remove_dialog::RemoveMsg::Press));
    let _ = app.update(Message::Key(escape_event(&escape)));
    assert!(matches!(app.screen, super::Screen::Remove(_)));
    let tab = iced_test::simulator::press_key(Named::Tab, None);
    assert!(app.update(Message::Key(escape_event(&tab))).units() > 0, "Tab asks for the next focus");
}

fn escape_event(e: &iced::Event) -> iced::keyboard::Event {
    match e {
        iced::Event::Keyboard(k) => k.clone(),
        _ => panic!("not a key"),
    }
}

#[test]
fn revocation_checking_is_off_by_default_and_switches() {
    let _lang = lang_lock();
    let mut app = App::new(Language::English);
    assert!(!app.revocation_checking, "offline by default");
    let _ = app.update(Message::ToggleRevocation);
    assert!(app.revocation_checking);
    let _ = app.update(Message::ToggleRevocation);
    assert!(!app.revocation_checking);
}

#[test]
fn simulated_user_installs_a_file_into_a_token_and_secrets_are_wiped() {
    use super::install_dialog::InstallMsg;
    let _lang = lang_lock();
    i18n::set_language(Language::English);
    let token = TokenRef::Pkcs11 {
        module: "/usr/lib/softhsm/libsofthsm2.so".into(),
        serial: "1".into(),
        label: "e-Cert token".into(),
    };
    let mut info = piv_token("unused", 3);
    info.reference = token.clone();
    info.kind = ecert::token::TokenKind::Pkcs11;
    let mut app = App::new(Language::English);
    let _ = app.update(snapshot(PcscStatus::Running, vec![], vec![info]));
    let _ = app.update(Message::SelectToken(token.clone()));
    let _ =
        app.update(Message::Service(Event::Certificates { token: token.clone(), result: Ok(Vec::new()) }));
    click(&mut app, "Install from a file…");
    let state = |app: &App| match &app.screen {
        super::Screen::Install(d) => (d.can_import, d.busy, d.secrets_cleared(), d.location.clone()),
        _ => panic!("install dialog not open"),
    };
    assert_eq!(state(&app), (true, false, true, "01".to_owned()));
    for m in [
        InstallMsg::Path("/media/usb/chan.p12".into()),
        InstallMsg::Password(super::Secret("file-password".into())),
        InstallMsg::Pin(super::Secret("123456".into())),
    ] {
        let _ = app.update(Message::Install(m));
    }
    assert!(!state(&app).2);
    click(&mut app, "Install");
    assert_eq!(state(&app), (true, true, true, "01".to_owned()), "one request; the typed secrets are gone");
    let _ =
        app.update(Message::Service(Event::Finished { token, result: Ok(ecert::service::Outcome::Done) }));
    assert!(shows(&app, "Installed: the key and the certificate are on the token."));
}

#[test]
fn a_piv_card_takes_a_file_into_a_free_slot_after_saying_the_key_cannot_come_out() {
    let _lang = lang_lock();
    i18n::set_language(Language::English);
    let (mut app, _) = app_with_a_card();
    click(&mut app, "Install from a file…");
    let slot = match &app.screen {
        super::Screen::Install(d) => {
            assert!(d.piv && d.can_import);
            d.location.clone()
        }
        _ => panic!("install dialog not open"),
    };
    assert!(ecert::piv::Slot::from_id(&slot).is_some(), "a PIV slot: {slot}");
    let _ =
        app.update(Message::Install(super::install_dialog::InstallMsg::Path("/media/usb/chan.p12".into())));
    let key = super::certs::key_purpose(&slot).to_lowercase();
    assert!(shows(&app, &format!("The file's key goes into the card, as its {key}. A key in a card can never be read out again, so keep the file safe. Cards that do not offer key import say so, and nothing is written then.")));
    click(&mut app, "Install");
    assert!(
        matches!(&app.screen, super::Screen::Install(d) if d.busy && d.secrets_cleared()),
        "one request sent"
    );
}

/// Post-office counter page flows.
mod counter_flows;
/// The demo CA trusted inside the demo only.
mod demo_trust;
/// Certificate page flows (tabs, copy, export).
mod detail_flows;
/// Key, request, import and test-signature dialog flows.
mod dialog_flows;
/// Files dropped onto the window or named on the command line.
mod file_flows;
/// A card whose management key was changed: the dialogs ask for it and retry with it.
mod mgmt_key_flows;
/// Headless renders of the main screens (target/screens/pages/).
mod pages;
/// Plain words on the citizen paths: no technical terms outside Details.
mod plain_words;
/// Renewals that stop half way.
mod renew_flows;
/// Interrupted jobs found on the card's journal, continued or undone.
mod unfinished_flows;
