//! A renewal that stops half way (a wrong PIN after the new key was made) is neither lost
//! nor stuck: the dialog finds it in the journal, then continues it with the right PIN or
//! cancels it — on the in-process demo card, for real.

use ecert::i18n::{self, Language};
use ecert::ops::journal::Status;

use super::super::{renew_dialog, App, Message, Screen, Secret};
use super::dialog_flows::{demo_app, demo_lock, serve};
use super::{lang_lock, shows};

fn open(app: &mut App, dir: &std::path::Path) {
    let _ = app.update(Message::OpenRenew(0));
    if let Screen::Renew(d) = &mut app.screen {
        d.folders = renew_dialog::Folders {
            outbox: dir.to_owned(),
            journal: Some(dir.join("journal")),
            inbox: Some(dir.join("inbox")),
        };
    }
}

fn renew(app: &App) -> &renew_dialog::RenewDialog {
    match &app.screen {
        Screen::Renew(d) => d,
        _ => panic!("the renew dialog is not open"),
    }
}

fn start(app: &mut App, rx: &std::sync::mpsc::Receiver<ecert::service::Request>, pin: &str) {
    let _ = app.update(Message::Renew(renew_dialog::Msg::Pin(Secret(pin.into()))));
    let _ = app.update(Message::Renew(renew_dialog::Msg::Start));
    assert_eq!(serve(app, rx), 1, "one request per press");
}

fn journal_status(dir: &std::path::Path) -> Vec<Status> {
    std::fs::read_dir(dir.join("journal"))
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|e| std::fs::read(e.path()).ok())
                .filter_map(|b| serde_json::from_slice::<ecert::ops::journal::Journal>(&b).ok())
                .map(|j| j.status)
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_renewal_stopped_by_a_wrong_pin_continues_with_the_right_one() {
    let _lang = lang_lock();
    let _demo = demo_lock();
    i18n::set_language(Language::English);
    let (mut app, rx) = demo_app();
    let dir = tempfile::tempdir().unwrap();
    open(&mut app, dir.path());
    start(&mut app, &rx, "999999");
    assert!(renew(&app).interrupted, "the half-done job was found: {:?}", renew(&app).error);
    assert!(shows(&app, "Cancel this renewal"));
    assert_eq!(journal_status(dir.path()), vec![Status::Running]);
    // The same button, the right PIN: the job goes on (a fresh start would be refused).
    start(&mut app, &rx, ecert::demo::DEMO_PIN);
    let d = renew(&app);
    assert_eq!(d.step, renew_dialog::Step::Waiting, "{:?}", d.error);
    assert!(!d.interrupted);
    assert_eq!(journal_status(dir.path()), vec![Status::AwaitingCertificate]);
    // Leave the demo card as it was for the other tests.
    let _ = app.update(Message::Renew(renew_dialog::Msg::Close));
    let config = ecert::service::Config { pkcs11: false, ..ecert::service::Config::default() };
    let auth = super::super::dialogs::auth(ecert::demo::DEMO_PIN);
    let operation = ecert::service::Operation::Workflow {
        action: ecert::ops::workflow::Action::RollBack,
        journal_dir: dir.path().join("journal"),
        auth,
    };
    let _ = ecert::service::Service::run_blocking(config, ecert::token::TokenRef::Demo, operation).unwrap();
}

#[test]
fn a_renewal_stopped_half_way_can_be_cancelled_and_the_ecert_stays() {
    let _lang = lang_lock();
    let _demo = demo_lock();
    i18n::set_language(Language::English);
    let (mut app, rx) = demo_app();
    let before = match &app.certs {
        Some(super::super::Certs::Loaded(list)) => list.iter().map(|c| c.der.clone()).collect::<Vec<_>>(),
        _ => panic!("listed"),
    };
    let dir = tempfile::tempdir().unwrap();
    open(&mut app, dir.path());
    start(&mut app, &rx, "999999");
    assert!(renew(&app).interrupted);
    let _ = app.update(Message::Renew(renew_dialog::Msg::Cancel));
    assert_eq!(serve(&mut app, &rx), 1);
    let d = renew(&app);
    assert!(!d.interrupted && d.step == renew_dialog::Step::Idle);
    assert!(shows(&app, "The renewal was cancelled. Your current e-Cert is unchanged."));
    assert_eq!(journal_status(dir.path()), vec![Status::RolledBack]);
    let config = ecert::service::Config { pkcs11: false, ..ecert::service::Config::default() };
    let Ok(ecert::service::Outcome::Certificates(after)) = ecert::service::Service::run_blocking(
        config,
        ecert::token::TokenRef::Demo,
        ecert::service::Operation::Certificates { auth: ecert::token::Auth::default() },
    )
    .unwrap() else {
        panic!("listed")
    };
    let after: Vec<Vec<u8>> = after.into_iter().map(|c| c.der).collect();
    assert_eq!(after, before, "the e-Certs on the card are exactly those before");
    // The wrong PIN above cost a try: the right one restores the count for the other tests.
    let pin = || ecert::secret::Pin::new(ecert::demo::DEMO_PIN.into());
    let restore =
        ecert::service::Operation::ChangePin { which: ecert::piv::PinRef::Pin, old: pin(), new: pin() };
    let config = ecert::service::Config { pkcs11: false, ..ecert::service::Config::default() };
    let restored =
        ecert::service::Service::run_blocking(config, ecert::token::TokenRef::Demo, restore).unwrap();
    assert!(restored.is_ok(), "{restored:?}");
}
