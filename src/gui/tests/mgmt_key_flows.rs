//! A card whose management key is not the factory one (common on YubiKeys): the card
//! refuses the key, the dialog asks for it, and the next request carries what was typed —
//! or nothing leaves when the typed text is not a key. Requests are read off the service
//! channel as the worker would receive them.
//!
//! Most flows feed the card's refusal as the service would report it (fast, every branch);
//! the last one changes the demo card's key for real (SET MANAGEMENT KEY) and lets the card
//! refuse.

use std::sync::mpsc::{channel, Receiver};

use ecert::i18n::{self, Language};
use ecert::ops::workflow::Action as WorkflowAction;
use ecert::piv::{MgmtAlgorithm, PivError};
use ecert::secret::ManagementKey;
use ecert::service::{Event, Operation, Request};
use ecert::token::{Auth, TokenError, TokenRef};

use super::super::{import_dialog, keygen_dialog, remove_dialog, renew_dialog, App, Message, Screen, Secret};
use super::dialog_flows::{demo_app, demo_lock, serve};
use super::{app_with_a_card, click, lang_lock, shows};

const FIELD: &str = "Card management key (48 hex digits, or 32/64 for AES)";
const WHY: &str = "The card refused the factory management key: it was changed on this card (common on YubiKeys). Whoever set up the card has the new key (for a YubiKey, the one set in YubiKey Manager). No PIN try was used.";
const AES128: &str = "00112233 44556677 8899aabb ccddeeff";
const AES128_BYTES: [u8; 16] =
    [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF];

fn app() -> (App, TokenRef, Receiver<Request>) {
    i18n::set_language(Language::English);
    let (mut app, token) = app_with_a_card();
    let (tx, rx) = channel();
    app.requests = Some(tx);
    (app, token, rx)
}

fn refused(app: &mut App, token: &TokenRef) {
    let result = Err(TokenError::Piv(PivError::ManagementKeyRejected));
    let _ = app.update(Message::Service(Event::Finished { token: token.clone(), result }));
}

/// The operations sent to the card since the last call (refreshes and listings left out).
fn sent(rx: &Receiver<Request>) -> Vec<Operation> {
    rx.try_iter()
        .filter_map(|r| match r {
            Request::Run { operation, .. } => Some(operation),
            _ => None,
        })
        .collect()
}

fn key_of(auth: &Auth) -> Option<&[u8]> {
    auth.management_key.as_ref().map(ManagementKey::expose)
}

#[test]
fn keygen_asks_for_a_changed_management_key_and_retries_with_it() {
    let _lang = lang_lock();
    let (mut app, token, rx) = app();
    click(&mut app, "Generate key and request…");
    let pin = |app: &mut App| {
        let _ = app.update(Message::Keygen(keygen_dialog::Msg::Pin(Secret("123456".into()))));
    };
    // The dialog grows past the simulator's window: the button's message is sent directly.
    let generate = |app: &mut App| {
        let _ = app.update(Message::Keygen(keygen_dialog::Msg::Submit));
    };
    pin(&mut app);
    assert!(!shows(&app, FIELD), "no field before the card refuses a key");
    click(&mut app, "Generate");
    let factory = ManagementKey::factory_default();
    assert!(
        matches!(sent(&rx).as_slice(), [Operation::GenerateKey { auth, .. }] if key_of(auth) == Some(factory.expose())),
        "the factory key first"
    );
    refused(&mut app, &token);
    assert!(shows(&app, FIELD) && shows(&app, WHY), "the field and why it is asked");
    assert!(
        matches!(&app.screen, Screen::Keygen(d) if d.step == keygen_dialog::Step::Idle),
        "no generic failure beside it"
    );

    // Not a key: said inline, nothing sent, the PIN kept.
    pin(&mut app);
    let _ = app.update(Message::Keygen(keygen_dialog::Msg::MgmtKey(Secret("0102 zz".into()))));
    generate(&mut app);
    assert!(sent(&rx).is_empty(), "nothing leaves with a malformed key");
    assert!(shows(
        &app,
        "A management key is written in hex: only 0–9 and A–F (spaces and colons are allowed). Nothing was sent."
    ));
    let _ = app.update(Message::Keygen(keygen_dialog::Msg::MgmtKey(Secret("0102".into()))));
    generate(&mut app);
    assert!(sent(&rx).is_empty());
    assert!(shows(&app, "That key has 4 hex digits; it needs 48 (3DES or AES-192), 32 (AES-128) or 64 (AES-256). Nothing was sent."));

    let _ = app.update(Message::Keygen(keygen_dialog::Msg::MgmtKey(Secret(AES128.into()))));
    generate(&mut app);
    let ops = sent(&rx);
    assert!(
        matches!(ops.as_slice(), [Operation::GenerateKey { auth, .. }] if key_of(auth) == Some(&AES128_BYTES[..])),
        "the typed key goes with the retry: {ops:?}"
    );
    assert!(matches!(&app.screen, Screen::Keygen(d) if d.mgmt.cleared()), "wiped once sent");
    assert!(!format!("{ops:?}").contains("00112233") && format!("{ops:?}").contains("ManagementKey(***)"));

    // The typed key is wrong too: the same field, now with an error.
    refused(&mut app, &token);
    assert!(shows(&app, FIELD));
    assert!(shows(&app, "The card refused this management key too. Check it and type it again."));
}

#[test]
fn import_retries_with_the_typed_key() {
    let _lang = lang_lock();
    let (mut app, token, rx) = app();
    let _ = app.update(Message::OpenImport);
    let loaded = import_dialog::Loaded {
        der: vec![0x30, 0],
        spki: vec![1],
        owner: "Chan".into(),
        issuer: "CA".into(),
        not_before: 0,
        not_after: 0,
    };
    let _ = app.update(Message::Import(import_dialog::Msg::FileRead(Ok(Box::new(loaded)))));
    let _ = app.update(Message::Import(import_dialog::Msg::Location("9d".into())));
    let submit = |app: &mut App| {
        let _ = app.update(Message::Import(import_dialog::Msg::Pin(Secret("123456".into()))));
        let _ = app.update(Message::Import(import_dialog::Msg::Submit));
    };
    submit(&mut app);
    assert!(matches!(sent(&rx).as_slice(), [Operation::ImportCertificate { .. }]));
    refused(&mut app, &token);
    assert!(shows(&app, FIELD));
    submit(&mut app);
    assert!(sent(&rx).is_empty(), "no key typed: nothing sent");
    let tdes = "01:02:03:04:05:06:07:08:11:12:13:14:15:16:17:18:21:22:23:24:25:26:27:28";
    let _ = app.update(Message::Import(import_dialog::Msg::MgmtKey(Secret(tdes.into()))));
    submit(&mut app);
    let ops = sent(&rx);
    let [Operation::ImportCertificate { location, auth, .. }] = ops.as_slice() else {
        panic!("expected ImportCertificate: {ops:?}")
    };
    assert_eq!(location, "9d");
    assert_eq!(key_of(auth).map(<[u8]>::len), Some(24));
    assert_eq!(key_of(auth).map(|k| k[8]), Some(0x11));
    assert!(auth.pin.is_some(), "the PIN goes too: the card proves the key before writing");
}

#[test]
fn remove_resumes_the_journaled_job_with_the_typed_key() {
    let _lang = lang_lock();
    let (mut app, token, rx) = app();
    let _ = app.update(Message::OpenRemove(0));
    let _ = app.update(Message::Remove(remove_dialog::RemoveMsg::Understood(true)));
    click(&mut app, "Remove…");
    click(&mut app, "Yes, remove it");
    let ops = sent(&rx);
    assert!(
        matches!(ops.as_slice(), [Operation::Workflow { action: WorkflowAction::StartRemove { .. }, .. }]),
        "{ops:?}"
    );
    refused(&mut app, &token);
    assert!(shows(&app, FIELD) && shows(&app, WHY));
    click(&mut app, "Yes, remove it");
    assert!(sent(&rx).is_empty(), "the button waits for a key");
    let _ = app.update(Message::Remove(remove_dialog::RemoveMsg::MgmtKey(Secret("nothex".into()))));
    click(&mut app, "Yes, remove it");
    assert!(sent(&rx).is_empty(), "a malformed key sends nothing");
    let aes256 = "ab".repeat(32);
    let _ = app.update(Message::Remove(remove_dialog::RemoveMsg::MgmtKey(Secret(aes256))));
    click(&mut app, "Yes, remove it");
    let ops = sent(&rx);
    let [Operation::Workflow { action: WorkflowAction::Resume, auth, .. }] = ops.as_slice() else {
        panic!("the journaled removal resumes: {ops:?}")
    };
    assert_eq!(key_of(auth), Some(&[0xAB; 32][..]));
    assert!(auth.pin.is_none(), "removing needs no PIN");
}

#[test]
fn renewal_resumes_the_journaled_job_with_the_typed_key() {
    let _lang = lang_lock();
    let (mut app, token, rx) = app();
    let dir = tempfile::tempdir().unwrap();
    let folders = renew_dialog::Folders {
        outbox: dir.path().join("out"),
        journal: Some(dir.path().join("journal")),
        inbox: Some(dir.path().join("inbox")),
    };
    let old = ("9a".to_owned(), "Chan".to_owned(), Vec::new());
    app.screen = Screen::Renew(renew_dialog::RenewDialog::new(None, old, vec!["9d".into()], None, folders));
    let start = |app: &mut App| {
        let _ = app.update(Message::Renew(renew_dialog::Msg::Pin(Secret("123456".into()))));
        let _ = app.update(Message::Renew(renew_dialog::Msg::Start));
    };
    start(&mut app);
    assert!(matches!(
        sent(&rx).as_slice(),
        [Operation::Workflow { action: WorkflowAction::StartEnroll { .. }, .. }]
    ));
    refused(&mut app, &token);
    assert!(shows(&app, FIELD));
    let _ = app.update(Message::Renew(renew_dialog::Msg::MgmtKey(Secret("01".repeat(24)))));
    start(&mut app);
    let ops = sent(&rx);
    let [Operation::Workflow { action: WorkflowAction::Resume, auth, .. }] = ops.as_slice() else {
        panic!("the journaled enrollment resumes: {ops:?}")
    };
    assert_eq!(key_of(auth), Some(&[0x01; 24][..]));
    assert!(matches!(&app.screen, Screen::Renew(d) if d.step == renew_dialog::Step::Requesting && !d.resume));
}

/// Changes the demo card's management key from `from` to `to` with our driver's SET
/// MANAGEMENT KEY (the card proves `from` first).
pub(super) fn change_demo_key(from: (MgmtAlgorithm, &ManagementKey), to: (MgmtAlgorithm, &ManagementKey)) {
    let card = ecert::demo::open().unwrap();
    card.lock().unwrap_or_else(std::sync::PoisonError::into_inner).reset();
    let mut transport = ecert::transport::memory::MemoryTransport::new(move |apdu| {
        Ok(card.lock().unwrap_or_else(std::sync::PoisonError::into_inner).execute(apdu))
    });
    let (mut piv, _) = ecert::piv::Piv::select(&mut transport).unwrap();
    piv.authenticate_management(from.0, from.1).unwrap();
    piv.set_management_key(to.0, to.1).unwrap();
}

/// What the demo card's key is changed to (piv-authenticator keeps 3DES or AES-256 keys).
const AES256: &str = "00112233 44556677 8899aabb ccddeeff 00112233 44556677 8899aabb ccddeeff";

pub(super) fn aes256() -> ManagementKey {
    ManagementKey::from_hex(AES256).unwrap()
}

/// Gives the demo card its factory key back, whatever happens in the test.
struct FactoryKeyAgain;

impl Drop for FactoryKeyAgain {
    fn drop(&mut self) {
        change_demo_key(
            (MgmtAlgorithm::Aes256, &aes256()),
            (MgmtAlgorithm::TripleDes, &ManagementKey::factory_default()),
        );
    }
}

/// No fed refusal here: the demo card's management key really is changed (to AES-256), the
/// card itself refuses the factory key, and the key typed in the field makes the key and
/// the request on the card.
#[test]
fn demo_card_with_a_changed_management_key_makes_the_key_once_it_is_typed() {
    let _lang = lang_lock();
    let _demo = demo_lock();
    i18n::set_language(Language::English);
    let (mut app, rx) = demo_app();
    change_demo_key(
        (MgmtAlgorithm::TripleDes, &ManagementKey::factory_default()),
        (MgmtAlgorithm::Aes256, &aes256()),
    );
    let _restore = FactoryKeyAgain;
    let dir = tempfile::tempdir().unwrap();
    click(&mut app, "Generate key and request…");
    if let Screen::Keygen(d) = &mut app.screen {
        d.folder = dir.path().to_owned();
    }
    let pin = |app: &mut App| {
        let _ = app.update(Message::Keygen(keygen_dialog::Msg::Pin(Secret(ecert::demo::DEMO_PIN.into()))));
    };
    pin(&mut app);
    let _ = app.update(Message::Keygen(keygen_dialog::Msg::Submit));
    assert_eq!(serve(&mut app, &rx), 1, "the factory key is tried once");
    assert!(shows(&app, FIELD) && shows(&app, WHY), "the card's own refusal brings the field");
    pin(&mut app);
    let _ = app.update(Message::Keygen(keygen_dialog::Msg::MgmtKey(Secret(AES256.into()))));
    let _ = app.update(Message::Keygen(keygen_dialog::Msg::Submit));
    let ran = serve(&mut app, &rx);
    let Screen::Keygen(d) = &app.screen else { panic!("closed") };
    assert!(!shows(&app, "The card refused this management key too. Check it and type it again."));
    assert_eq!(ran, 2, "the key, then the request: {:?}", d.step);
    let Screen::Keygen(d) = &app.screen else { panic!("closed") };
    let keygen_dialog::Step::Saved(path) = &d.step else { panic!("not saved: {:?}", d.step) };
    assert!(path.starts_with(dir.path()));
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.starts_with("-----BEGIN CERTIFICATE REQUEST-----"));
}
