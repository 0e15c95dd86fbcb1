//! A workflow started through the service keeps its journal under the card's own
//! identifier (the PIV CHUID GUID), not the reader it happened to be in: the same card in
//! another reader finds its unfinished job again. And two cards without a GUID met in the
//! same reader (the rig's virtual card with its state folder swapped, `scripts/rig
//! card-out` / `card-in`) never share a job: the interrupted removal of the first is refused
//! on the second — its certificates unchanged, read back by us and by `yubico-piv-tool -a
//! status` — and resumed on the first.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use ecert::ops::card_proof::Anchor;
use ecert::ops::journal::card_hash;
use ecert::ops::workflow::Action;
use ecert::piv::KeyAlgorithm;
use ecert::secret::{ManagementKey, Pin};
use ecert::service::{Config, Operation, Outcome, Service};
use ecert::token::{Auth, Token, TokenKind, TokenRef};

#[test]
fn a_journal_is_kept_under_the_card_guid() {
    let rig = common::rig();
    let _card = common::card_lock();
    std::env::set_var("ECERT_PKCS11_MODULES", "");
    let snap = Service::snapshot_blocking(Config::default()).unwrap();
    let card = snap
        .tokens
        .iter()
        .find(|t| {
            t.kind == TokenKind::PivCard && t.reference == TokenRef::Reader { reader: rig.piv_reader.clone() }
        })
        .expect("the rig's PIV card");
    let guid = card.serial.clone().expect("the rig card has a CHUID GUID");
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("outbox")).unwrap();
    let auth = || Auth {
        pin: Some(Pin::new("123456".into())),
        management_key: Some(ManagementKey::factory_default()),
        ..Auth::default()
    };
    let run = |action: Action| {
        let operation = Operation::Workflow { action, journal_dir: dir.path().join("journal"), auth: auth() };
        match Service::run_blocking(
            Config { pkcs11: false, ..Config::default() },
            card.reference.clone(),
            operation,
        )
        .unwrap()
        {
            Ok(Outcome::Journal(j)) => j,
            other => panic!("{other:?}"),
        }
    };
    let started = run(Action::StartEnroll {
        location: "9e".into(),
        replaces: None,
        subject: Some("CN=Journal id test".into()),
        alg: KeyAlgorithm::EccP256,
        outbox: dir.path().join("outbox"),
    });
    assert!(
        matches!(started.proof.as_ref().map(|p| &p.anchor), Some(Anchor::Guid(_))),
        "anchored by the GUID"
    );
    // Salted: neither the GUID nor its plain hash, nor the reader's.
    assert!(!started.card.contains(&guid) && started.card != card_hash(&guid));
    assert_ne!(started.card, card_hash(&card.reference.to_string()));
    // Leave the card as it was.
    let rolled = run(Action::RollBack);
    assert_eq!(rolled.id, started.id);
}

fn rig_cmd(rig: &common::Rig, verb: &str) {
    let out = std::process::Command::new(&rig.script).arg(verb).output().unwrap();
    common::stdout_ok(&out, &format!("rig {verb}"));
}

/// The rig's card state folders: the one in the reader is `piv-state`; the others wait
/// beside it. Dropping puts the rig's own card back, whatever happened.
struct Cards<'a> {
    rig: &'a common::Rig,
    inserted: String,
}

impl Cards<'_> {
    fn state(&self, name: &str) -> std::path::PathBuf {
        self.rig.dir.join(if name == self.inserted {
            "piv-state".to_owned()
        } else {
            format!("piv-state.{name}")
        })
    }

    /// Pulls the card in the reader and inserts `name` (a new blank card if it never was).
    fn insert(&mut self, name: &str) {
        rig_cmd(self.rig, "card-out");
        let out = self.rig.dir.join(format!("piv-state.{}", self.inserted));
        std::fs::rename(self.rig.dir.join("piv-state"), &out).unwrap();
        let next = self.rig.dir.join(format!("piv-state.{name}"));
        if next.exists() {
            std::fs::rename(&next, self.rig.dir.join("piv-state")).unwrap();
        }
        name.clone_into(&mut self.inserted);
        rig_cmd(self.rig, "card-in");
    }
}

impl Drop for Cards<'_> {
    fn drop(&mut self) {
        if self.inserted != "orig" {
            self.insert("orig");
        }
        for name in ["A", "B"] {
            let _ = std::fs::remove_dir_all(self.state(name));
        }
    }
}

fn token(rig: &common::Rig) -> ecert::token::PivToken {
    let transport = ecert::transport::pcsc::PcscTransport::connect_new(&rig.piv_reader).unwrap();
    ecert::token::PivToken::open(Box::new(transport), &rig.piv_reader).unwrap()
}

fn openssl(dir: &std::path::Path, args: &[&str]) {
    let out = std::process::Command::new("openssl").current_dir(dir).args(args).output().unwrap();
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// Clears the CHUID (no GUID, as many YubiKeys ship) and enrolls 9A and 9C for `who`.
fn make_guidless_card(
    rig: &common::Rig,
    store: &ecert::ops::journal::Store,
    dir: &std::path::Path,
    who: &str,
) {
    {
        let mut t = ecert::transport::pcsc::PcscTransport::connect_new(&rig.piv_reader).unwrap();
        let (mut piv, _) = ecert::piv::Piv::select(&mut t).unwrap();
        piv.authenticate_management(ecert::piv::MgmtAlgorithm::TripleDes, &ManagementKey::factory_default())
            .unwrap();
        piv.put_data(&[0x5F, 0xC1, 0x02], &[]).unwrap();
    }
    assert_eq!(token(rig).info().serial, None, "no GUID");
    for (slot, role) in [("9a", "holder"), ("9c", "signing")] {
        let subject = format!("CN=Card {who} {role},C=HK");
        let req = ecert::ops::workflow::EnrollRequest {
            location: slot,
            replaces: None,
            subject: Some(&subject),
            algorithm: KeyAlgorithm::EccP256,
            outbox: dir,
        };
        let mut t = token(rig);
        let mut j = ecert::ops::workflow::start_enroll(store, &mut t, &req, &auth()).unwrap();
        let out = dir.join(format!("{}.der", j.id));
        #[rustfmt::skip]
        openssl(dir, &["x509", "-req", "-inform", "DER", "-in", j.request.as_ref().unwrap().to_str().unwrap(),
            "-CA", "ca.pem", "-CAkey", "ca.key", "-days", "30", "-outform", "DER", "-out", out.to_str().unwrap()]);
        let cert = std::fs::read(out).unwrap();
        ecert::ops::workflow::complete_enroll(store, &mut t, &mut j, &cert, &|_| Ok(()), &auth()).unwrap();
    }
    let _ = token(rig).certificates().unwrap();
}

fn auth() -> Auth {
    Auth {
        pin: Some(Pin::new("123456".into())),
        management_key: Some(ManagementKey::factory_default()),
        ..Auth::default()
    }
}

fn status(rig: &common::Rig) -> String {
    common::stdout_ok(
        &common::run("yubico-piv-tool", &["-r", &rig.piv_reader, "-a", "status"]),
        "yubico-piv-tool -a status",
    )
}

fn certs(rig: &common::Rig) -> Vec<(String, Vec<u8>)> {
    token(rig).certificates().unwrap().into_iter().map(|c| (c.location, c.der)).collect()
}

#[test]
fn two_guidless_cards_in_one_reader_never_share_a_job() {
    use ecert::ops::card_proof::Mismatch;
    use ecert::ops::journal::{Status, Store};
    use ecert::ops::workflow::WorkflowError;
    let rig = common::rig();
    let _card = common::card_lock();
    std::env::set_var("ECERT_PKCS11_MODULES", "");
    let dir = tempfile::tempdir().unwrap();
    #[rustfmt::skip]
    openssl(dir.path(), &["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-days", "30", "-subj", "/CN=Rig Journal CA", "-keyout", "ca.key", "-out", "ca.pem"]);
    let journal_dir = dir.path().join("data").join("journal");
    let store = Store::new(&journal_dir);
    let mut cards = Cards { rig: &rig, inserted: "orig".into() };
    cards.insert("A");
    make_guidless_card(&rig, &store, dir.path(), "A");
    cards.insert("B");
    make_guidless_card(&rig, &store, dir.path(), "B");
    let b_before = (certs(&rig), status(&rig));
    assert!(b_before.1.contains("Card B holder") && b_before.1.contains("Card B signing"), "{}", b_before.1);

    // Card A: removal of 9A interrupted (the management key was not at hand): backed up and
    // journaled, the card refused the delete.
    cards.insert("A");
    let a_9a = certs(&rig).into_iter().find(|(l, _)| l == "9a").unwrap().1;
    let no_key = Auth { pin: None, management_key: None, ..Auth::default() };
    let backup = dir.path().join("a-9a.der");
    assert!(ecert::ops::workflow::start_remove(&store, &mut token(&rig), "9a", &backup, &no_key).is_err());
    assert_eq!(std::fs::read(&backup).unwrap(), a_9a);

    // Card B in the same reader: the job is refused, through the service as the app and CLI
    // run it; nothing on B changes.
    cards.insert("B");
    let run = |action: Action| {
        let operation = Operation::Workflow { action, journal_dir: journal_dir.clone(), auth: auth() };
        Service::run_blocking(
            Config { pkcs11: false, ..Config::default() },
            TokenRef::Reader { reader: rig.piv_reader.clone() },
            operation,
        )
        .unwrap()
    };
    for action in [Action::Resume, Action::RollBack] {
        match run(action) {
            Err(ecert::token::TokenError::Workflow(w)) => assert!(
                matches!(
                    w.downcast_ref::<WorkflowError>(),
                    Some(WorkflowError::NotThisCard {
                        reason: Mismatch::Certificate { .. } | Mismatch::Touched { .. },
                        ..
                    })
                ),
                "{w:?}"
            ),
            other => panic!("not refused: {other:?}"),
        }
    }
    assert_eq!((certs(&rig), status(&rig)), b_before, "card B untouched, as yubico-piv-tool sees it too");

    // Card A again: resumed there; its 9A goes, its 9C stays.
    cards.insert("A");
    match run(Action::Resume) {
        Ok(Outcome::Journal(j)) => assert_eq!(j.status, Status::Done),
        other => panic!("{other:?}"),
    }
    let a_after = certs(&rig);
    assert_eq!(a_after.iter().map(|(l, _)| l.as_str()).collect::<Vec<_>>(), ["9c"]);
    let a_status = status(&rig);
    assert!(!a_status.contains("Card A holder") && a_status.contains("Card A signing"), "{a_status}");
    assert_eq!(store.unfinished().unwrap(), Vec::new());
    drop(cards);
    assert!(token(&rig).info().serial.is_some(), "the rig's own card is back");
}
