//! The post-office counter page driven like an operator would: clicks through the iced_test
//! simulator, file tasks run to completion, card work run for real on the in-process demo
//! card; counter files (operator, audit log, journal, outbox) in a temp folder.

use std::path::Path;
use std::sync::mpsc::{channel, Receiver};

use ecert::i18n::{self, Language};
use ecert::ops::audit::AuditLog;
use ecert::ops::counter::{action, Counter};
use ecert::ops::workflow::Action as WorkflowAction;
use ecert::service::{Config, Event, Operation, Outcome, Request, Service};
use ecert::token::{TokenError, TokenRef};

use super::super::counter_page::{Busy, CounterPage, Job, Msg, Shown};
use super::super::{App, Message, Screen, Secret};
use super::dialog_flows::{demo_app, demo_lock, run, run_task};
use super::{app_with_a_card, lang_lock};

fn page(app: &App) -> &CounterPage {
    match &app.screen {
        Screen::Counter(p) => p,
        _ => panic!("the counter page is not open"),
    }
}

/// Sends a page message and runs the file work it starts.
fn send(app: &mut App, msg: Msg) {
    let task = app.update(Message::Counter(msg));
    run_task(app, task);
}

/// The app in a window tall enough for the whole page (a real one scrolls).
fn tall(app: &App) -> iced_test::Simulator<'_, Message> {
    iced_test::Simulator::with_size(iced::Settings::default(), (1040.0, 1600.0), app.view())
}

/// Whether the page shows `label`.
fn shows(app: &App, label: &str) -> bool {
    tall(app).find(label).is_ok()
}

/// The simulated operator clicks `label`; tasks it starts run to the end.
fn press(app: &mut App, label: &str) {
    let messages: Vec<Message> = {
        let mut ui = tall(app);
        ui.click(label).unwrap_or_else(|e| panic!("cannot click {label:?}: {e}"));
        ui.into_messages().collect()
    };
    for m in messages {
        let task = app.update(m);
        run_task(app, task);
    }
}

/// Opens the page on counter files in `dir` and signs `operator` in (when given).
fn open_counter(app: &mut App, dir: &Path, operator: Option<&str>) {
    let task = app.open_counter_with(Some(Counter::at(dir)));
    run_task(app, task);
    if let Some(name) = operator {
        send(app, Msg::Name(name.into()));
        press(app, "Sign in");
        assert_eq!(page(app).operator.as_deref(), Some(name));
    }
}

/// Plays the service for the demo card: runs what the app sent, reports back; how many ran.
fn serve(app: &mut App, rx: &Receiver<Request>) -> usize {
    let mut ran = 0;
    while let Ok(request) = rx.try_recv() {
        if let Request::Run { token, operation } = request {
            ran += 1;
            let config = Config { pkcs11: false, ..Config::default() };
            let result = Service::run_blocking(config, TokenRef::Demo, operation).unwrap();
            let task = app.update(Message::Service(Event::Finished { token, result }));
            run_task(app, task);
        }
    }
    ran
}

/// The audit log's records as `ecert audit verify` checks them: (action, operator, result).
fn audit(dir: &Path) -> Vec<ecert::ops::audit::Record> {
    AuditLog::open(&Counter::at(dir).log_path(), "").verify().unwrap()
}

#[test]
fn jobs_stay_disabled_until_an_operator_signs_in() {
    let _lang = lang_lock();
    i18n::set_language(Language::English);
    let (mut app, _) = app_with_a_card();
    let (tx, rx) = channel();
    app.requests = Some(tx);
    assert!(!shows(&app, "Counter"), "citizens never see the counter");
    app.counter_mode = true;
    assert!(shows(&app, "Counter"), "in counter mode the top bar opens the counter");
    let dir = tempfile::tempdir().unwrap();
    open_counter(&mut app, dir.path(), None);
    assert!(shows(
        &app,
        "Sign in as an operator first: every action at the counter is recorded under an operator's name."
    ));
    assert!(shows(&app, "PIN: 3 tries left"), "tries are shown before the PIN is typed");
    send(&mut app, Msg::Subject("Chan Tai Man".into()));
    send(&mut app, Msg::Pin(Secret("123456".into())));
    press(&mut app, "Make the key and the request");
    assert!(rx.try_recv().is_err() && !page(&app).busy(), "nothing is sent without an operator");
    assert!(!dir.path().join("audit.jsonl").exists());
    // Signing in with an empty name does nothing.
    press(&mut app, "Sign in");
    assert_eq!(page(&app).operator, None);
    send(&mut app, Msg::Name("op-17".into()));
    press(&mut app, "Sign in");
    assert!(shows(&app, "Signed in: op-17. Every action is recorded under this name."));
    assert!(!shows(
        &app,
        "Sign in as an operator first: every action at the counter is recorded under an operator's name."
    ));
    press(&mut app, "Make the key and the request");
    let sent: Vec<Request> = rx.try_iter().collect();
    assert!(
        matches!(sent.as_slice(), [Request::Run { operation: Operation::Workflow { action: WorkflowAction::StartEnroll { location, subject, .. }, .. }, .. }]
            if location == "9c" && subject.as_deref() == Some("CN=Chan Tai Man")),
        "{sent:?}"
    );
    assert!(page(&app).pin_cleared() && page(&app).busy == Some(Busy::Card));
    // One request at a time; the page is not left while the card works.
    press(&mut app, "Working with the card…");
    assert!(rx.try_recv().is_err());
    let iced::Event::Keyboard(escape) =
        iced_test::simulator::press_key(iced::keyboard::key::Named::Escape, None)
    else {
        panic!("not a key")
    };
    let _ = app.update(Message::Key(escape.clone()));
    assert!(matches!(app.screen, Screen::Counter(_)), "Escape waits for the card");
    // The card refuses (wrong PIN): shown localized, recorded as failed.
    let token = TokenRef::Reader { reader: "Virtual PCD 00 00".into() };
    let wrong = ecert::piv::PivError::WrongPin { which: ecert::piv::PinRef::Pin, tries_left: Some(2) };
    let task = app.update(Message::Service(Event::Finished { token, result: Err(TokenError::Piv(wrong)) }));
    run_task(&mut app, task);
    assert!(
        matches!(&page(&app).shown, Some(Shown::Failed(m, _)) if m.contains('2')),
        "{:?}",
        page(&app).shown
    );
    let records = audit(dir.path());
    let got: Vec<(&str, &str)> = records.iter().map(|r| (r.action.as_str(), r.result.as_str())).collect();
    assert_eq!(
        got,
        [(action::SIGN_IN, "ok"), (action::ENROLL_REQUEST, "intent"), (action::ENROLL_REQUEST, "failed")]
    );
    assert!(records[2].card.is_some() && records.iter().all(|r| r.operator == "op-17"));
    // The failure names its intent and the typed error's id.
    assert_eq!(records[2].detail.as_deref(), Some("intent=2 error=err-wrong-pin"));
    let line = format!("#3 {} · op-17 · enroll-request · failed", records[2].time);
    assert!(shows(&app, &line), "the session's records are shown");
    let _ = app.update(Message::Key(escape));
    assert!(matches!(app.screen, Screen::Certificates), "Escape leaves the idle page");
}

#[test]
fn remove_needs_the_location_typed_again_and_is_audited() {
    let _lang = lang_lock();
    i18n::set_language(Language::English);
    let (mut app, token) = app_with_a_card();
    let (tx, rx) = channel();
    app.requests = Some(tx);
    let dir = tempfile::tempdir().unwrap();
    open_counter(&mut app, dir.path(), Some("op-17"));
    press(&mut app, "Remove");
    assert_eq!(
        (page(&app).job, page(&app).slot.as_str()),
        (Job::Remove, "9a"),
        "a location holding an e-Cert"
    );
    let backup = page(&app).backup.clone();
    assert!(backup.starts_with(&dir.path().join("counter/backup/9a-").display().to_string()), "{backup}");
    assert!(shows(&app, &backup), "the backup path is shown");
    send(&mut app, Msg::Pin(Secret("123456".into())));
    press(&mut app, "Remove the e-Cert");
    assert!(rx.try_recv().is_err(), "not without the location typed again");
    send(&mut app, Msg::Confirm("9c".into()));
    assert!(shows(&app, "The location typed again does not match."));
    press(&mut app, "Remove the e-Cert");
    assert!(rx.try_recv().is_err() && !page(&app).busy());
    send(&mut app, Msg::Confirm("9a".into()));
    press(&mut app, "Remove the e-Cert");
    let sent: Vec<Request> = rx.try_iter().collect();
    let [Request::Run { operation: Operation::Workflow { action, journal_dir, auth }, .. }] = sent.as_slice()
    else {
        panic!("one removal: {sent:?}")
    };
    assert!(
        matches!(action, WorkflowAction::StartRemove { location, backup: b } if location == "9a" && b.display().to_string() == backup)
    );
    assert_eq!(journal_dir, &dir.path().join("journal"));
    assert!(auth.pin.is_some() && dir.path().join("counter/backup").is_dir(), "its folder is made first");
    let mut j = super::sample_journal();
    j.old_cert = Some(include_bytes!("../../../assets/anchors/Hongkong_Post_Root_CA_3.der").to_vec());
    let task =
        app.update(Message::Service(Event::Finished { token, result: Ok(Outcome::Journal(Box::new(j))) }));
    run_task(&mut app, task);
    assert!(shows(&app, &format!("Removed the e-Cert in 9a; the backup is in {backup}.")));
    let records = audit(dir.path());
    let last = records.last().unwrap();
    assert_eq!((last.action.as_str(), last.result.as_str()), (action::REMOVE, "ok"));
    assert!(
        last.cert_serial.is_some()
            && last.cert_issuer.as_deref().is_some_and(|i| i.contains("Hongkong Post"))
    );
    // Signing out ends the shift for the CLI too, and is recorded.
    press(&mut app, "Sign out");
    assert_eq!(Counter::at(dir.path()).operator().ok(), None);
    assert_eq!(audit(dir.path()).last().unwrap().action, action::SIGN_OUT);
}

#[test]
fn demo_card_enrolls_for_real_and_the_audit_log_verifies() {
    let _lang = lang_lock();
    let _demo = demo_lock();
    i18n::set_language(Language::English);
    let (mut app, rx) = demo_app();
    let dir = tempfile::tempdir().unwrap();
    open_counter(&mut app, dir.path(), Some("op-17"));
    assert_eq!(page(&app).slot, "9d", "the demo card's first free slot");
    assert_eq!(page(&app).outbox, dir.path().join("counter/outbox").display().to_string());
    press(&mut app, "ECC P-384");
    send(&mut app, Msg::Subject("CN=CHAN Tai Man".into()));
    send(&mut app, Msg::Pin(Secret(ecert::demo::DEMO_PIN.into())));
    press(&mut app, "Make the key and the request");
    assert_eq!(serve(&mut app, &rx), 1, "StartEnroll");
    let Some(Shown::Done(done)) = page(&app).shown.clone() else { panic!("{:?}", page(&app).shown) };
    // The request is in the outbox, signed by the key the card made.
    let csrs: Vec<_> =
        std::fs::read_dir(dir.path().join("counter/outbox")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(csrs.len(), 1, "{csrs:?}");
    assert!(done.contains(&csrs[0].display().to_string()), "{done}");
    let der = std::fs::read(&csrs[0]).unwrap();
    let req = <x509_cert::request::CertReq as der::Decode>::from_der(&der).unwrap();
    assert_eq!(req.info.subject.to_string(), "CN=CHAN Tai Man");
    // The card's job now waits for its certificate: collect is offered, enroll refused.
    let job = csrs[0].file_stem().unwrap().to_string_lossy().into_owned();
    let pending = page(&app).pending.clone().expect("the journal is read again");
    assert!(pending.awaits_certificate() && pending.id == job);
    assert_eq!(page(&app).job, Job::Collect);
    assert!(shows(
        &app,
        &format!("Put the issued certificate in the inbox as {job}.pem, then press Collect.")
    ));
    // Roll it back, leaving the demo card as it was.
    send(&mut app, Msg::Pin(Secret(ecert::demo::DEMO_PIN.into())));
    press(&mut app, "Roll back");
    assert_eq!(serve(&mut app, &rx), 1, "RollBack");
    assert!(shows(&app, &format!("Job {job}: rolled back — the card is as it was.")));
    assert_eq!(page(&app).pending, None);
    let records = audit(dir.path());
    let got: Vec<(&str, &str, &str)> =
        records.iter().map(|r| (r.operator.as_str(), r.action.as_str(), r.result.as_str())).collect();
    assert_eq!(
        got,
        [
            ("op-17", action::SIGN_IN, "ok"),
            ("op-17", action::ENROLL_REQUEST, "intent"),
            ("op-17", action::ENROLL_REQUEST, "ok"),
            ("op-17", action::ROLLBACK, "intent"),
            ("op-17", action::ROLLBACK, "ok")
        ]
    );
    // Every card record names the same card, by its salted hash only.
    assert!(records[1].card.is_some() && records[1..].iter().all(|r| r.card == records[1].card));
    let info = ecert::demo::info().unwrap();
    let log = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap();
    assert!(!log.contains(&ecert::ops::workflow::card_id(&info)));
    assert!(!log.contains(ecert::demo::DEMO_PIN));
}

#[test]
fn collect_picks_up_the_waiting_job_and_writes_the_receipt() {
    use ecert::ops::journal::{Kind, Status, Store};
    let _lang = lang_lock();
    i18n::set_language(Language::English);
    let (mut app, token) = app_with_a_card();
    let (tx, rx) = channel();
    app.requests = Some(tx);
    let dir = tempfile::tempdir().unwrap();
    // A job started earlier (by the CLI, or before the app was closed) waits for its e-Cert.
    let mut j = super::sample_journal();
    (j.id, j.kind, j.status, j.location) =
        ("job1".into(), Kind::Enroll, Status::AwaitingCertificate, "9c".into());
    // The card as the app lists it: no GUID, its one certificate in 9A.
    let der = include_bytes!("../../../assets/anchors/Hongkong_Post_Root_CA_3.der").to_vec();
    let card = ecert::ops::card_proof::CardNow::from_listing(
        &super::piv_token("Virtual PCD 00 00", 3),
        &[ecert::token::CertObject::new("9a".into(), None, der)],
    );
    let store = Store::new(&dir.path().join("journal"));
    store.stamp(&mut j, &card).unwrap();
    store.save(&j).unwrap();
    open_counter(&mut app, dir.path(), Some("op-17"));
    assert!(shows(&app, "This card has an unfinished job job1 (new e-Cert, location 9c): the request is out; collect the issued certificate."));
    assert_eq!(page(&app).job, Job::Collect, "collect is offered");
    assert!(shows(&app, "Put the issued certificate in the inbox as job1.pem, then press Collect."));
    // No second job on a card with one waiting.
    send(&mut app, Msg::Pin(Secret("123456".into())));
    press(&mut app, "Enroll");
    send(&mut app, Msg::Subject("CN=X".into()));
    press(&mut app, "Make the key and the request");
    assert!(rx.try_recv().is_err() && !page(&app).busy());
    press(&mut app, "Collect");
    press(&mut app, "Check and store the issued e-Cert");
    let sent: Vec<Request> = rx.try_iter().collect();
    let [Request::Run {
        operation: Operation::Workflow { action: WorkflowAction::Collect { inbox, anchors, .. }, .. },
        ..
    }] = sent.as_slice()
    else {
        panic!("one collect: {sent:?}")
    };
    assert_eq!(inbox, &dir.path().join("counter/inbox"));
    assert!(!anchors.is_empty(), "checked against the trust store");
    j.status = Status::Done;
    j.new_cert = Some(include_bytes!("../../../assets/anchors/Hongkong_Post_Root_CA_3.der").to_vec());
    let task =
        app.update(Message::Service(Event::Finished { token, result: Ok(Outcome::Journal(Box::new(j))) }));
    run_task(&mut app, task);
    let receipt = dir.path().join("counter/inbox/job1-receipt.txt");
    assert!(shows(&app, &format!("The receipt is saved in {}:", receipt.display())));
    let text = std::fs::read_to_string(&receipt).unwrap();
    assert!(text.contains("Operator:     op-17") && text.contains("Slot:         9c"), "{text}");
    assert!(!text.contains("123456"), "no PIN on the receipt");
    assert_eq!(page(&app).receipt.as_ref().map(|(_, t)| t.as_str()), Some(text.as_str()));
    let last = audit(dir.path()).pop().unwrap();
    assert_eq!((last.action.as_str(), last.result.as_str()), (action::ENROLL_STORE, "ok"));
    assert!(last.cert_serial.is_some());
}

#[test]
fn a_refused_management_key_is_asked_for_and_goes_with_the_next_request() {
    use ecert::piv::PivError;
    let _lang = lang_lock();
    i18n::set_language(Language::English);
    let (mut app, token) = app_with_a_card();
    let (tx, rx) = channel();
    app.requests = Some(tx);
    let dir = tempfile::tempdir().unwrap();
    open_counter(&mut app, dir.path(), Some("op-17"));
    press(&mut app, "Remove");
    send(&mut app, Msg::Confirm("9a".into()));
    let remove = |app: &mut App| {
        send(app, Msg::Pin(Secret("123456".into())));
        press(app, "Remove the e-Cert");
    };
    remove(&mut app);
    assert_eq!(rx.try_iter().filter(|r| matches!(r, Request::Run { .. })).count(), 1);
    let refused = Err(TokenError::Piv(PivError::ManagementKeyRejected));
    let task = app.update(Message::Service(Event::Finished { token, result: refused }));
    run_task(&mut app, task);
    let field = "Card management key (48 hex digits, or 32/64 for AES)";
    assert!(shows(&app, field), "the field appears");
    send(&mut app, Msg::Confirm("9a".into()));
    send(&mut app, Msg::MgmtKey(Secret("12 34".into())));
    remove(&mut app);
    assert!(rx.try_iter().all(|r| !matches!(r, Request::Run { .. })), "a malformed key sends nothing");
    assert!(!page(&app).busy(), "nor starts the file work");
    assert!(shows(&app, "That key has 4 hex digits; it needs 48 (3DES or AES-192), 32 (AES-128) or 64 (AES-256). Nothing was sent."));
    send(&mut app, Msg::MgmtKey(Secret("cd".repeat(24))));
    remove(&mut app);
    let sent: Vec<Request> = rx.try_iter().filter(|r| matches!(r, Request::Run { .. })).collect();
    let [Request::Run { operation: Operation::Workflow { auth, .. }, .. }] = sent.as_slice() else {
        panic!("one request: {sent:?}")
    };
    assert_eq!(auth.management_key.as_ref().map(ecert::secret::ManagementKey::expose), Some(&[0xCD; 24][..]));
}

/// Enroll, the CA (openssl) issues, Collect stores it: the whole counter job on the demo card,
/// with the receipt and the audit log checked.
#[test]
fn demo_card_collect_stores_the_issued_ecert_and_writes_the_receipt() {
    let _lang = lang_lock();
    let _demo = demo_lock();
    i18n::set_language(Language::English);
    let (mut app, rx) = demo_app();
    let dir = tempfile::tempdir().unwrap();
    open_counter(&mut app, dir.path(), Some("op-17"));
    let slot = page(&app).slot.clone();
    send(&mut app, Msg::Subject("CN=CHAN Tai Man".into()));
    send(&mut app, Msg::Pin(Secret(ecert::demo::DEMO_PIN.into())));
    press(&mut app, "Make the key and the request");
    assert_eq!(serve(&mut app, &rx), 1, "StartEnroll");
    let job = page(&app).pending.clone().expect("waits for its certificate").id;
    let request = dir.path().join(format!("counter/outbox/{job}.csr"));
    let ca = super::renew_flows::ca_issues(dir.path(), &request);
    let inbox = std::path::PathBuf::from(&page(&app).inbox);
    std::fs::create_dir_all(&inbox).unwrap();
    std::fs::copy(dir.path().join("issued.pem"), inbox.join(format!("{job}.pem"))).unwrap();
    // The file work reads the counter's CAs; the test CA is added to what it read.
    let mut anchors = ecert::ops::counter::counter_anchors_from(&[]).unwrap();
    anchors.push(ca);
    send(&mut app, Msg::Pin(Secret(ecert::demo::DEMO_PIN.into())));
    let _reading_anchors = app.update(Message::Counter(Msg::Start));
    assert_eq!(page(&app).busy, Some(Busy::Preparing));
    // The intent is recorded before the card work goes.
    let intending = app.update(Message::Counter(Msg::Prepared(Ok(anchors))));
    assert_eq!(page(&app).busy, Some(Busy::Intending));
    assert_eq!(rx.try_iter().count(), 0, "nothing sent to the card before the intent is written");
    run_task(&mut app, intending);
    let intent = audit(dir.path()).pop().unwrap();
    assert_eq!((intent.action.as_str(), intent.result.as_str()), (action::ENROLL_STORE, "intent"));
    assert_eq!(serve(&mut app, &rx), 1, "Collect");
    assert_eq!(page(&app).pending, None, "{:?}", page(&app).shown);
    let receipt = inbox.join(format!("{job}-receipt.txt"));
    assert!(shows(&app, &format!("The receipt is saved in {}:", receipt.display())));
    let text = std::fs::read_to_string(&receipt).unwrap();
    assert!(
        text.contains("Operator:     op-17") && text.contains(&format!("Slot:         {slot}")),
        "{text}"
    );
    let last = audit(dir.path()).pop().unwrap();
    assert_eq!((last.action.as_str(), last.result.as_str()), (action::ENROLL_STORE, "ok"));
    assert_eq!(last.detail, Some(format!("intent={}", intent.seq)), "the outcome names its intent");
    // The card by its receipt id, salted per installation.
    let card = ecert::ops::workflow::card_id(&ecert::demo::info().unwrap());
    let receipt_id = Counter::at(dir.path()).receipt_id(&card).unwrap();
    assert!(text.contains(&format!("Card:         {}…", &receipt_id[..16])), "{text}");
    assert!(!text.contains(&card), "{text}");
    // The card holds exactly what the CA issued; then the demo card is put back.
    let Ok(Outcome::Certificates(stored)) = run(Operation::CertificateAt { location: slot.clone() }) else {
        panic!("read back")
    };
    let stored = stored.into_iter().next().expect("a certificate in the slot").der;
    let issued = std::process::Command::new("openssl")
        .args(["x509", "-in", "issued.pem", "-outform", "DER"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(stored, issued.stdout, "byte for byte");
    let auth = super::super::dialogs::auth(ecert::demo::DEMO_PIN);
    let delete = Operation::DeleteCertificate { location: slot, auth };
    assert!(run(delete).is_ok());
}

/// The audit log cannot take the intent (here: it was edited, so nothing is chained to it):
/// the card work is not sent, and the operator is told so in words.
#[test]
fn no_intent_recorded_means_the_card_is_not_touched() {
    let _lang = lang_lock();
    i18n::set_language(Language::English);
    let (mut app, _) = app_with_a_card();
    let (tx, rx) = channel();
    app.requests = Some(tx);
    app.counter_mode = true;
    let dir = tempfile::tempdir().unwrap();
    open_counter(&mut app, dir.path(), Some("op-17"));
    let log = dir.path().join("audit.jsonl");
    let text = std::fs::read_to_string(&log).unwrap();
    std::fs::write(&log, text.replace("\"op-17\"", "\"op-99\"")).unwrap();
    send(&mut app, Msg::Subject("Chan Tai Man".into()));
    send(&mut app, Msg::Pin(Secret("123456".into())));
    press(&mut app, "Make the key and the request");
    assert!(rx.try_iter().next().is_none(), "no card work without its intent on record");
    assert!(!page(&app).busy() && page(&app).pin_cleared());
    assert!(shows(
        &app,
        "The action could not be recorded in the audit log, so the card was not touched. Stop and call your supervisor."
    ));
    // The log is as it was left: one (edited) record, nothing appended.
    assert_eq!(std::fs::read_to_string(&log).unwrap().lines().count(), 1);
}
