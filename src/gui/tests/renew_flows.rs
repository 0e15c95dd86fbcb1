//! A renewal that stops half way (a wrong PIN after the new key was made) is neither lost
//! nor stuck: the dialog finds it in the journal, then continues it with the right PIN or
//! cancels it — on the in-process demo card, for real.

use ecert::i18n::{self, Language};
use ecert::ops::journal::Status;

use super::super::{renew_dialog, App, Message, Screen, Secret};
use super::dialog_flows::{card_certs, demo_app, demo_lock, restore_tries, run, serve};
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
    let auth = super::super::dialogs::auth(ecert::demo::DEMO_PIN);
    let _ = run(ecert::service::Operation::Workflow {
        action: ecert::ops::workflow::Action::RollBack,
        journal_dir: dir.path().join("journal"),
        auth,
    });
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
    let after: Vec<Vec<u8>> = card_certs().into_iter().map(|c| c.der).collect();
    assert_eq!(after, before, "the e-Certs on the card are exactly those before");
    // The wrong PIN above cost a try: the right one restores the count for the other tests.
    restore_tries();
}

fn openssl(dir: &std::path::Path, args: &[&str]) {
    let out = std::process::Command::new("openssl").current_dir(dir).args(args).output().unwrap();
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A certification authority made with openssl in `dir` (`ca.pem`, `ca.key`) issues
/// `issued.pem` from the request the app saved; returns the CA certificate's DER.
pub(super) fn ca_issues(dir: &std::path::Path, request: &std::path::Path) -> Vec<u8> {
    #[rustfmt::skip]
    openssl(dir, &["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-days", "30", "-subj", "/CN=Renewal Test CA/O=e-Cert Manager tests", "-keyout", "ca.key",
        "-out", "ca.pem", "-outform", "PEM",
        "-addext", "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
    std::fs::write(
        dir.join("ext.cnf"),
        "[e]\nkeyUsage = critical, digitalSignature\nextendedKeyUsage = clientAuth\n",
    )
    .unwrap();
    #[rustfmt::skip]
    openssl(dir, &["x509", "-req", "-inform", "DER", "-in", request.to_str().unwrap(), "-CA", "ca.pem",
        "-CAkey", "ca.key", "-days", "20", "-out", "issued.pem", "-extfile", "ext.cnf", "-extensions", "e"]);
    openssl(dir, &["x509", "-in", "ca.pem", "-outform", "DER", "-out", "ca.der"]);
    std::fs::read(dir.join("ca.der")).unwrap()
}

#[test]
fn a_renewal_completes_once_the_renewed_ecert_checks_out_and_replaces_the_old_one() {
    let _lang = lang_lock();
    let _demo = demo_lock();
    i18n::set_language(Language::English);
    let (mut app, rx) = demo_app();
    let before = card_certs();
    let old = before[0].clone();
    let dir = tempfile::tempdir().unwrap();
    open(&mut app, dir.path());
    start(&mut app, &rx, ecert::demo::DEMO_PIN);
    let (job, request) = renew(&app).job.clone().unwrap_or_else(|| panic!("{:?}", renew(&app).error));
    let new_location = renew(&app).location.clone();
    let ca = ca_issues(dir.path(), &request);
    let issued = dir.path().join("issued.pem");
    // Step 2: the file is staged into the inbox as the dialog's task does; the anchors it
    // reads are the bundled ones plus, here, the test CA (as if the user had added it).
    let _ = app.update(Message::Renew(renew_dialog::Msg::Path(issued.display().to_string())));
    let _ = app.update(Message::Renew(renew_dialog::Msg::Pin(Secret(ecert::demo::DEMO_PIN.into()))));
    let _staging = app.update(Message::Renew(renew_dialog::Msg::Load));
    assert_eq!(renew(&app).step, renew_dialog::Step::Staging);
    let mut anchors = renew_dialog::stage_blocking(&dir.path().join("inbox"), &job, &issued).unwrap();
    // First without the test CA: the chain does not reach a trust anchor, nothing changes.
    let _ = app.update(Message::Renew(renew_dialog::Msg::Staged(Ok(anchors.clone()))));
    assert!(shows(&app, "Checking and storing the renewed e-Cert…"));
    assert_eq!(serve(&mut app, &rx), 1);
    assert_eq!(renew(&app).step, renew_dialog::Step::Waiting, "an untrusted issuer is refused");
    assert!(renew(&app).error.is_some());
    assert_eq!(
        card_certs().iter().map(|c| c.der.clone()).collect::<Vec<_>>(),
        before.iter().map(|c| c.der.clone()).collect::<Vec<_>>()
    );
    assert_eq!(journal_status(dir.path()), vec![Status::AwaitingCertificate]);
    // With the CA trusted: stored, the old e-Cert removed, the journal done.
    anchors.push(ca);
    let _ = app.update(Message::Renew(renew_dialog::Msg::Pin(Secret(ecert::demo::DEMO_PIN.into()))));
    let _staging = app.update(Message::Renew(renew_dialog::Msg::Load));
    let _ = app.update(Message::Renew(renew_dialog::Msg::Staged(Ok(anchors))));
    assert_eq!(serve(&mut app, &rx), 1);
    assert!(renew(&app).error.is_none(), "{:?}", renew(&app).error);
    assert!(shows(&app, "Done: the renewed e-Cert is on the card, and the old one has been removed."));
    assert_eq!(journal_status(dir.path()), vec![Status::Done]);
    let after = card_certs();
    openssl(dir.path(), &["x509", "-in", "issued.pem", "-outform", "DER", "-out", "issued.der"]);
    let renewed = std::fs::read(dir.path().join("issued.der")).unwrap();
    assert!(
        after.iter().any(|c| c.location == new_location && c.der == renewed),
        "the renewed e-Cert is stored"
    );
    assert!(!after.iter().any(|c| c.location == old.location), "the old e-Cert is gone");
    // Put the demo card back as the other tests expect it.
    let auth = || super::super::dialogs::auth(ecert::demo::DEMO_PIN);
    for operation in [
        ecert::service::Operation::DeleteCertificate { location: new_location, auth: auth() },
        ecert::service::Operation::ImportCertificate { location: old.location, der: old.der, auth: auth() },
    ] {
        let done = run(operation);
        assert!(done.is_ok(), "{done:?}");
    }
    assert_eq!(
        card_certs().iter().map(|c| c.der.clone()).collect::<Vec<_>>(),
        before.iter().map(|c| c.der.clone()).collect::<Vec<_>>()
    );
}
