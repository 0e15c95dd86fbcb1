//! A renewal interrupted on the demo card (a wrong PIN after the job was journaled, as a card
//! pulled half way leaves it) is found when the card's certificates are listed: the list says
//! so, and the dialog continues or undoes it for real. The journal is in a temp folder.

use std::sync::mpsc::Receiver;

use ecert::i18n::{self, Language};
use ecert::ops::workflow::Action as WorkflowAction;
use ecert::service::{Event, Operation, Outcome, Request};
use ecert::token::TokenRef;

use super::super::{unfinished, App, Message, Screen, Secret};
use super::dialog_flows::{card_certs, demo_app, demo_lock, restore_tries, run, run_task, serve};
use super::{click, lang_lock, shows};

fn workflow(
    action: WorkflowAction,
    journal: &std::path::Path,
    pin: &str,
) -> Result<Outcome, ecert::token::TokenError> {
    let auth = super::super::dialogs::auth(pin);
    run(Operation::Workflow { action, journal_dir: journal.to_owned(), auth })
}

/// The card's certificates listed again, as the service reports them; the journal is read.
fn relist(app: &mut App) {
    let list = card_certs();
    let task = app.update(Message::Service(Event::Certificates { token: TokenRef::Demo, result: Ok(list) }));
    run_task(app, task);
}

/// The demo app with a renewal of 9a journaled and stopped by a wrong PIN (one try spent).
fn interrupted(dir: &std::path::Path) -> (App, Receiver<Request>) {
    let (mut app, rx) = demo_app();
    app.journal = Some(dir.join("journal"));
    let start = WorkflowAction::StartEnroll {
        location: "9d".into(),
        replaces: Some("9a".into()),
        subject: None,
        alg: ecert::piv::KeyAlgorithm::EccP256,
        outbox: dir.to_owned(),
    };
    assert!(workflow(start, &dir.join("journal"), "999999").is_err(), "the wrong PIN stops it");
    // The service's next snapshot: the card's PIN facts after the wrong try.
    let card = ecert::demo::info().unwrap();
    let _ = app.update(super::snapshot(ecert::reader::PcscStatus::Running, vec![], vec![card]));
    (app, rx)
}

fn dialog(app: &App) -> &unfinished::UnfinishedDialog {
    match &app.screen {
        Screen::Unfinished(d) => d,
        _ => panic!("the dialog is not open"),
    }
}

#[test]
fn an_interrupted_renewal_is_said_on_the_list_and_continued_with_the_pin() {
    let _lang = lang_lock();
    let _demo = demo_lock();
    i18n::set_language(Language::English);
    let dir = tempfile::tempdir().unwrap();
    let (mut app, rx) = interrupted(dir.path());
    let said =
        "The renewal of the e-Cert in location 9a stopped half way (the card was removed or the app closed).";
    assert!(!shows(&app, said), "not before the journal is read");
    relist(&mut app);
    assert!(shows(&app, said), "the list says what is unfinished");
    assert!(super::pages::shoot(&app, "unfinished-list-en") > 20_000);
    click(&mut app, "Continue or undo…");
    assert!(shows(&app, "PIN: 2 tries left"), "the tries are shown before anything is typed");
    assert!(super::pages::shoot(&app, "unfinished-dialog-en") > 20_000);
    // Nothing goes without the PIN.
    let _ = app.update(Message::Unfinished(unfinished::Msg::Resume));
    assert!(!rx.try_iter().any(|r| matches!(r, Request::Run { .. })) && !dialog(&app).busy);
    let _ = app.update(Message::Unfinished(unfinished::Msg::Pin(Secret(ecert::demo::DEMO_PIN.into()))));
    click(&mut app, "Continue");
    assert!(dialog(&app).busy);
    assert_eq!(serve(&mut app, &rx), 1, "one request");
    assert!(
        shows(&app, "Continued: the request is out; load the renewed e-Cert when your certification authority issues it."),
        "{:?}",
        dialog(&app).error
    );
    // Listed again: the renewal now waits for its e-Cert, and the way on is step 2.
    relist(&mut app);
    let _ = app.update(Message::Back);
    assert!(shows(&app, "The renewal of the e-Cert in location 9a waits for the renewed e-Cert from your certification authority."));
    click(&mut app, "Load the renewed e-Cert");
    assert!(matches!(app.screen, Screen::Renew(_)));
    // Leave the demo card as the other tests expect it.
    assert!(workflow(WorkflowAction::RollBack, &dir.path().join("journal"), ecert::demo::DEMO_PIN).is_ok());
    restore_tries();
}

#[test]
fn an_interrupted_renewal_can_be_undone_and_the_card_is_as_before() {
    let _lang = lang_lock();
    let _demo = demo_lock();
    i18n::set_language(Language::English);
    let dir = tempfile::tempdir().unwrap();
    let (mut app, rx) = interrupted(dir.path());
    let before = card_certs();
    relist(&mut app);
    click(&mut app, "Continue or undo…");
    let _ = app.update(Message::Unfinished(unfinished::Msg::Pin(Secret(ecert::demo::DEMO_PIN.into()))));
    click(&mut app, "Undo");
    assert_eq!(serve(&mut app, &rx), 1);
    assert!(shows(&app, "Undone: the card is as it was before the job started."));
    let journal = ecert::ops::journal::Store::new(&dir.path().join("journal"));
    let info = ecert::demo::info().unwrap();
    let card = ecert::ops::card_proof::CardNow::from_listing(&info, &card_certs());
    assert_eq!(journal.pending(&card).unwrap(), None, "nothing pending");
    assert_eq!(journal.unfinished().unwrap(), Vec::new(), "nor for any other card");
    let after = card_certs();
    assert_eq!(
        after.iter().map(|c| &c.der).collect::<Vec<_>>(),
        before.iter().map(|c| &c.der).collect::<Vec<_>>(),
        "the e-Certs on the card are exactly those before"
    );
    // Listed again, the banner is gone.
    relist(&mut app);
    let _ = app.update(Message::Unfinished(unfinished::Msg::Close));
    assert!(app.unfinished.is_none());
    assert!(!shows(&app, "Continue or undo…"));
    restore_tries();
}

/// A removal the card refused half way (its management key had been changed; here the
/// backup is written and the job journaled, then the card says no) is continued from the
/// list once the key is right again: no PIN asked, the certificate goes, its backup stays.
#[test]
fn an_interrupted_removal_is_continued_without_a_pin_and_its_backup_stays() {
    use ecert::piv::MgmtAlgorithm;
    use ecert::secret::ManagementKey;
    let _lang = lang_lock();
    let _demo = demo_lock();
    i18n::set_language(Language::English);
    let dir = tempfile::tempdir().unwrap();
    let (mut app, rx) = demo_app();
    app.journal = Some(dir.path().join("journal"));
    let before = card_certs();
    let nine_c = before.iter().find(|c| c.location == "9c").expect("the demo card's 9c").clone();
    let factory = ManagementKey::factory_default;
    let changed = super::mgmt_key_flows::aes256;
    super::mgmt_key_flows::change_demo_key(
        (MgmtAlgorithm::TripleDes, &factory()),
        (MgmtAlgorithm::Aes256, &changed()),
    );
    let backup = dir.path().join("9c-backup.der");
    let start = WorkflowAction::StartRemove { location: "9c".into(), backup: backup.clone() };
    assert!(workflow(start, &dir.path().join("journal"), "").is_err(), "the card refuses the factory key");
    super::mgmt_key_flows::change_demo_key(
        (MgmtAlgorithm::Aes256, &changed()),
        (MgmtAlgorithm::TripleDes, &factory()),
    );
    assert_eq!(std::fs::read(&backup).unwrap(), nine_c.der, "the backup was written first");
    relist(&mut app);
    assert!(shows(
        &app,
        "Removing the e-Cert in location 9c stopped half way (the card was removed or the app closed)."
    ));
    click(&mut app, "Continue or undo…");
    assert!(!shows(&app, "PIN"), "a removal asks for no PIN");
    click(&mut app, "Continue");
    assert_eq!(serve(&mut app, &rx), 1);
    assert!(shows(&app, "Done: the job is finished."), "{:?}", dialog(&app).error);
    let after = card_certs();
    assert!(!after.iter().any(|c| c.location == "9c"), "removed");
    assert_eq!(std::fs::read(&backup).unwrap(), nine_c.der, "the backup stays");
    // Put the demo card back (importing checks the key with the PIN).
    let auth = super::super::dialogs::auth(ecert::demo::DEMO_PIN);
    let import = Operation::ImportCertificate { location: "9c".into(), der: nine_c.der, auth };
    let restored = run(import);
    assert!(restored.is_ok(), "{restored:?}");
}
