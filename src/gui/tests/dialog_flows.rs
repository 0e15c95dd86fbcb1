//! The key, request, import, test-signature and renewal dialogs driven like a user would:
//! clicks through the iced_test simulator, tasks run to completion, and — on the in-process
//! demo card — the operations the dialogs build run for real through the service.

use std::sync::mpsc::{channel, Receiver};

use der::{Decode, Encode};
use ecert::i18n::{self, Language};
use ecert::reader::PcscStatus;
use ecert::service::{Config, Event, Operation, Outcome, Request, Service};
use ecert::token::TokenRef;
use iced::Task;

use super::super::{import_dialog, keygen_dialog, renew_dialog, sign_dialog, App, Message, Screen, Secret};
use super::{app_with_a_card, click, lang_lock, shows, snapshot};

/// Runs a task to its end and feeds what it produced back to the app (file work).
pub(super) fn run_task(app: &mut App, task: Task<Message>) {
    use futures::StreamExt;
    let Some(stream) = iced_test::runtime::task::into_stream(task) else { return };
    for action in futures::executor::block_on(stream.collect::<Vec<_>>()) {
        if let iced_test::runtime::Action::Output(message) = action {
            let next = app.update(message);
            run_task(app, next);
        }
    }
}

/// The demo card is one per process: its tests take turns.
pub(super) fn demo_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Runs `operation` on the demo card as the service would.
pub(super) fn run(operation: Operation) -> Result<Outcome, ecert::token::TokenError> {
    let config = Config { pkcs11: false, ..Config::default() };
    Service::run_blocking(config, TokenRef::Demo, operation).unwrap()
}

/// The certificates on the demo card now.
pub(super) fn card_certs() -> Vec<ecert::token::CertObject> {
    match run(Operation::Certificates { auth: ecert::token::Auth::default() }) {
        Ok(Outcome::Certificates(list)) => list,
        other => panic!("listed: {other:?}"),
    }
}

/// The right PIN once more: restores the try a test's wrong PIN cost, for the other tests.
pub(super) fn restore_tries() {
    let pin = || ecert::secret::Pin::new(ecert::demo::DEMO_PIN.into());
    let restored = run(Operation::ChangePin { which: ecert::piv::PinRef::Pin, old: pin(), new: pin() });
    assert!(restored.is_ok(), "{restored:?}");
}

/// The app with the demo card selected and its certificates listed; requests come to `rx`.
pub(super) fn demo_app() -> (App, Receiver<Request>) {
    ecert::demo::open().unwrap();
    let mut app = App::new(Language::English);
    let (tx, rx) = channel();
    app.requests = Some(tx);
    let _ = app.update(snapshot(PcscStatus::Running, vec![], vec![ecert::demo::info().unwrap()]));
    let _ = app.update(Message::SelectToken(TokenRef::Demo));
    let Ok(Outcome::Certificates(list)) =
        run(Operation::Certificates { auth: ecert::token::Auth::default() })
    else {
        panic!("the demo card lists its certificates")
    };
    let _ = app.update(Message::Service(Event::Certificates { token: TokenRef::Demo, result: Ok(list) }));
    (app, rx)
}

/// Plays the service: runs every operation the app sent on the demo card and reports back,
/// as the worker would; returns how many ran.
pub(super) fn serve(app: &mut App, rx: &Receiver<Request>) -> usize {
    let mut ran = 0;
    while let Ok(request) = rx.try_recv() {
        if let Request::Run { token, operation } = request {
            ran += 1;
            let result = run(operation);
            let task = app.update(Message::Service(Event::Finished { token, result }));
            run_task(app, task);
        }
    }
    ran
}

fn keygen(app: &App) -> &keygen_dialog::KeygenDialog {
    match &app.screen {
        Screen::Keygen(d) => d,
        _ => panic!("the key dialog is not open"),
    }
}

#[test]
fn simulated_user_makes_a_key_and_a_request_in_two_steps_and_gets_the_file() {
    let _lang = lang_lock();
    i18n::set_language(Language::English);
    let (mut app, token) = app_with_a_card();
    let (tx, rx) = channel();
    app.requests = Some(tx);
    click(&mut app, "Generate key and request…");
    assert!(shows(&app, "PIN: 3 tries left"), "tries are shown before anything is typed");
    assert_eq!(keygen(&app).name, "Hongkong Post Root CA 3", "named after the certificate");
    assert_eq!(keygen(&app).locations, ["9c", "9d", "9e"], "only free PIV slots");
    let dir = tempfile::tempdir().unwrap();
    if let Screen::Keygen(d) = &mut app.screen {
        d.folder = dir.path().to_owned();
    }
    click(&mut app, "ECC P-384");
    let _ = app.update(Message::Keygen(keygen_dialog::Msg::Pin(Secret("123456".into()))));
    click(&mut app, "Generate");
    assert!(shows(&app, "Making the key…"));
    click(&mut app, "Working…");
    let sent: Vec<Request> = rx.try_iter().collect();
    assert!(
        matches!(sent.as_slice(), [Request::Run { operation: Operation::GenerateKey { location, .. }, .. }] if location == "9c"),
        "one request, however often the button is pressed: {sent:?}"
    );
    let key = ecert::piv::PublicKey { algorithm: ecert::piv::KeyAlgorithm::EccP384, spki_der: vec![0x30, 0] };
    let finished = |result| Message::Service(Event::Finished { token: token.clone(), result });
    let _ = app.update(finished(Ok(Outcome::PublicKey(key))));
    assert!(shows(&app, "Signing the request…"));
    assert!(rx.try_iter().any(|r| matches!(r, Request::Run { operation: Operation::Csr { .. }, .. })));
    assert!(keygen(&app).pin_cleared());
    let task = app.update(finished(Ok(Outcome::Csr(vec![0x30, 0x00]))));
    run_task(&mut app, task);
    let path = dir.path().join("Hongkong Post Root CA 3-9c-request.csr".replace(' ', "_"));
    assert!(shows(&app, &format!("The request is saved in {}", path.display())));
    assert!(shows(&app, "Next: send this file to your certification authority. When they issue your e-Cert, use \"Import issued certificate…\"."));
    assert!(std::fs::read_to_string(&path).unwrap().starts_with("-----BEGIN CERTIFICATE REQUEST-----"));
    let _ = app.update(Message::Keygen(keygen_dialog::Msg::Close));
    assert!(matches!(app.screen, Screen::Certificates));
}

#[test]
fn an_ecert_file_explains_why_it_cannot_make_keys() {
    let _lang = lang_lock();
    i18n::set_language(Language::English);
    let mut app = App::new(Language::English);
    let mut info = super::piv_token("unused", 3);
    info.reference = TokenRef::File { path: "/tmp/chan.p12".into() };
    info.kind = ecert::token::TokenKind::File;
    let _ = app.update(snapshot(PcscStatus::Running, vec![], vec![info.clone()]));
    app.selected = Some(info.reference);
    let _ = app.update(Message::OpenKeygen);
    assert!(shows(
        &app,
        "An e-Cert file cannot make keys, take certificates or sign here. Choose a card or a PKCS#11 token."
    ));
    let _ = app.update(Message::Keygen(keygen_dialog::Msg::Submit));
    assert_eq!(keygen(&app).step, keygen_dialog::Step::Idle);
}

#[test]
fn demo_card_makes_a_key_and_a_request_that_verifies() {
    let _lang = lang_lock();
    let _demo = demo_lock();
    i18n::set_language(Language::English);
    let (mut app, rx) = demo_app();
    let _ = app.update(Message::OpenKeygen);
    let dir = tempfile::tempdir().unwrap();
    if let Screen::Keygen(d) = &mut app.screen {
        d.folder = dir.path().to_owned();
    }
    assert_eq!(keygen(&app).location, "9d", "the demo card's first free slot");
    let _ = app.update(Message::Keygen(keygen_dialog::Msg::Name("Chan Tai Man".into())));
    let _ = app.update(Message::Keygen(keygen_dialog::Msg::Pin(Secret(ecert::demo::DEMO_PIN.into()))));
    click(&mut app, "Generate");
    assert_eq!(serve(&mut app, &rx), 2, "GenerateKey, then Csr");
    let keygen_dialog::Step::Saved(path) = keygen(&app).step.clone() else {
        panic!("not saved: {:?}", keygen(&app).step)
    };
    let pem = std::fs::read(&path).unwrap();
    let (label, der) = pem_rfc7468::decode_vec(&pem).unwrap();
    assert_eq!(label, "CERTIFICATE REQUEST");
    // The request is signed by the key the card made (RFC 2986 §4.2).
    let req = x509_cert::request::CertReq::from_der(&der).unwrap();
    let spki = req.info.public_key.to_der().unwrap();
    ecert::verify::signature::verify_message(&spki, &req.info.to_der().unwrap(), req.signature.raw_bytes())
        .unwrap();
    assert_eq!(req.info.subject.to_string(), "CN=Chan Tai Man");
    assert_eq!(app.last_key.as_ref().map(|(l, k)| (l.as_str(), k == &spki)), Some(("9d", true)));
}

#[test]
fn demo_card_signs_and_the_app_checks_the_signature() {
    let _lang = lang_lock();
    let _demo = demo_lock();
    i18n::set_language(Language::English);
    let (mut app, rx) = demo_app();
    let _ = app.update(Message::OpenSign(0));
    // The card's PIN state as the sidebar has it (none to show once verified this session).
    if let Some(tries) = super::super::dialogs::tries_line(ecert::demo::info().and_then(|t| t.pin)) {
        assert!(shows(&app, &tries), "tries are shown before the PIN is typed");
    }
    let _ = app.update(Message::Sign(sign_dialog::Msg::Pin(Secret(ecert::demo::DEMO_PIN.into()))));
    click(&mut app, "Sign");
    assert!(shows(&app, "Signing…"));
    assert_eq!(serve(&mut app, &rx), 1);
    assert!(shows(&app, "Your card signed, and the signature checks against your e-Cert."));
    // The other slot's key does not check against this e-Cert.
    if let Screen::Sign(d) = &mut app.screen {
        d.location = "9c".into();
    }
    let _ = app.update(Message::Sign(sign_dialog::Msg::Pin(Secret(ecert::demo::DEMO_PIN.into()))));
    click(&mut app, "Sign");
    assert_eq!(serve(&mut app, &rx), 1);
    assert!(matches!(&app.screen, Screen::Sign(d) if matches!(d.status, Some(sign_dialog::Status::Bad(_)))));
}

#[test]
fn demo_card_takes_its_own_certificate_and_refuses_it_for_another_key() {
    let _lang = lang_lock();
    let _demo = demo_lock();
    i18n::set_language(Language::English);
    let (mut app, rx) = demo_app();
    let super::super::Certs::Loaded(list) = app.certs.clone().unwrap() else { panic!("listed") };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("issued.pem");
    let pem = pem_rfc7468::encode_string("CERTIFICATE", pem_rfc7468::LineEnding::LF, &list[0].der).unwrap();
    std::fs::write(&file, pem).unwrap();
    click(&mut app, "Import issued certificate…");
    let _ = app.update(Message::Import(import_dialog::Msg::Path(file.display().to_string())));
    let task = app.update(Message::Import(import_dialog::Msg::Read));
    assert!(shows(&app, "Reading the file…"));
    run_task(&mut app, task);
    assert!(shows(&app, "For: CHAN Tai Man (DEMO)"));
    assert!(shows(&app, "Its key is on the card, in location 9a."), "found by its public key");
    // Another slot: the card proves the key does not match, and writes nothing.
    let _ = app.update(Message::Import(import_dialog::Msg::Location("9c".into())));
    let _ = app.update(Message::Import(import_dialog::Msg::Pin(Secret(ecert::demo::DEMO_PIN.into()))));
    click(&mut app, "Import");
    assert_eq!(serve(&mut app, &rx), 1);
    assert!(shows(&app, "This certificate does not belong to the key on the card."));
    let _ = app.update(Message::Import(import_dialog::Msg::Location("9a".into())));
    let _ = app.update(Message::Import(import_dialog::Msg::Pin(Secret(ecert::demo::DEMO_PIN.into()))));
    click(&mut app, "Import");
    assert_eq!(serve(&mut app, &rx), 1);
    assert!(shows(&app, "Imported: the certificate is on the card, next to its key."));
    let Ok(Outcome::Certificates(after)) =
        run(Operation::Certificates { auth: ecert::token::Auth::default() })
    else {
        panic!("listed")
    };
    assert_eq!(
        after.iter().map(|c| c.der.clone()).collect::<Vec<_>>()[..2],
        [list[0].der.clone(), list[1].der.clone()]
    );
}

#[test]
fn demo_card_renewal_saves_the_request_and_keeps_the_old_ecert() {
    let _lang = lang_lock();
    let _demo = demo_lock();
    i18n::set_language(Language::English);
    let (mut app, rx) = demo_app();
    let dir = tempfile::tempdir().unwrap();
    let _ = app.update(Message::OpenRenew(0));
    if let Screen::Renew(d) = &mut app.screen {
        d.folders = renew_dialog::Folders {
            outbox: dir.path().to_owned(),
            journal: Some(dir.path().join("journal")),
            inbox: Some(dir.path().join("inbox")),
        };
    }
    assert!(shows(&app, "Your current e-Cert stays on the card and keeps working until the renewed one has been checked and stored."));
    let _ = app.update(Message::Renew(renew_dialog::Msg::Pin(Secret(ecert::demo::DEMO_PIN.into()))));
    click(&mut app, "Make the key and the request");
    assert!(shows(&app, "Making the key…"));
    assert_eq!(serve(&mut app, &rx), 1);
    let Screen::Renew(d) = &app.screen else { panic!("closed") };
    let (job, request) = d.job.clone().unwrap_or_else(|| panic!("{:?}", d.error));
    assert_eq!(request, dir.path().join(format!("{job}.csr")));
    assert!(request.is_file());
    assert!(shows(&app, &format!("Step 1 is done: the request is saved in {}. Send it to your certification authority, then load the renewed e-Cert they issue.", request.display())));
    // Step 2 with a certificate that is not for the new key: refused, the old e-Cert stays.
    let wrong = dir.path().join("wrong.der");
    std::fs::write(&wrong, include_bytes!("../../../assets/anchors/Hongkong_Post_Root_CA_3.der")).unwrap();
    let _ = app.update(Message::Renew(renew_dialog::Msg::Path(wrong.display().to_string())));
    let _ = app.update(Message::Renew(renew_dialog::Msg::Pin(Secret(ecert::demo::DEMO_PIN.into()))));
    let task = app.update(Message::Renew(renew_dialog::Msg::Load));
    run_task(&mut app, task);
    assert!(dir.path().join(format!("inbox/{job}.der")).is_file(), "put where the workflow looks");
    assert_eq!(serve(&mut app, &rx), 1);
    let Screen::Renew(d) = &app.screen else { panic!("closed") };
    assert_eq!(d.step, renew_dialog::Step::Waiting, "the job still waits for the right file");
    assert!(d.error.is_some());
    let Ok(Outcome::Certificates(after)) =
        run(Operation::Certificates { auth: ecert::token::Auth::default() })
    else {
        panic!("listed")
    };
    assert!(after.iter().any(|c| c.location == "9a"), "the old e-Cert is still there");
    // Closed and opened again (days later): the renewal continues at step 2.
    let _ = app.update(Message::Renew(renew_dialog::Msg::Close));
    let _ = app.update(Message::OpenRenew(0));
    let Screen::Renew(d) = &mut app.screen else { panic!("not open") };
    d.folders.journal = Some(dir.path().join("journal"));
    let info = ecert::demo::info().unwrap();
    let cards = ecert::ops::card_proof::CardNow::from_listing(&info, &card_certs());
    let super::super::dialogs::Action::Task(look) = d.look_for_pending(cards) else { panic!("no look") };
    run_task(&mut app, look.map(Message::Renew));
    let Screen::Renew(d) = &app.screen else { panic!("closed") };
    assert_eq!((d.step, d.job.clone()), (renew_dialog::Step::Waiting, Some((job, request))));
}
