//! One card, one journal (issue 13, item 2), in-process on two virtual PIV cards without a
//! CHUID GUID that answer the same (made-up) serial, met one after the other in the same
//! reader: the interrupted removal of the first is never applied to the second — its
//! certificates are read back unchanged — and is still resumed on the first. A journal of an
//! earlier version, keyed by the reader's name, is not applied at all. (On the real rig:
//! tests/rig_journal.rs.)

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::sync::{Arc, Mutex};

use ecert::ops::card_proof::{CardNow, Mismatch};
use ecert::ops::journal::{Found, Status, Store};
use ecert::ops::workflow::{self, Action, EnrollRequest, WorkflowError};
use ecert::piv::{KeyAlgorithm, MgmtAlgorithm, Piv};
use ecert::secret::{ManagementKey, Pin};
use ecert::token::{Auth, PivToken, Token};
use ecert::transport::fault::CutAfter;
use ecert::transport::memory::MemoryTransport;
use ecert_vcard::VirtualPiv;

const READER: &str = "Virtual PCD 00 00";

type Card = Arc<Mutex<VirtualPiv>>;

fn onto(card: &Card) -> MemoryTransport {
    let card = Arc::clone(card);
    MemoryTransport::new(move |apdu| Ok(card.lock().unwrap().execute(apdu)))
}

/// The card inserted in the reader: a fresh connection, nothing known about it yet.
fn insert(card: &Card) -> PivToken {
    card.lock().unwrap().reset();
    PivToken::connect(Box::new(onto(card)), READER)
}

fn auth() -> Auth {
    Auth {
        pin: Some(Pin::new("123456".into())),
        management_key: Some(ManagementKey::factory_default()),
        ..Auth::default()
    }
}

fn openssl(dir: &Path, args: &[&str]) {
    let out =
        std::process::Command::new("openssl").current_dir(dir).args(args).output().expect("openssl runs");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A card whose CHUID was cleared (as many YubiKeys ship): no GUID.
fn guidless_card() -> Card {
    let card = Arc::new(Mutex::new(VirtualPiv::in_memory().unwrap()));
    let mut t = onto(&card);
    let (mut piv, _) = Piv::select(&mut t).unwrap();
    piv.authenticate_management(MgmtAlgorithm::TripleDes, &ManagementKey::factory_default()).unwrap();
    piv.put_data(&[0x5F, 0xC1, 0x02], &[]).unwrap();
    let info = PivToken::open(Box::new(onto(&card)), READER).unwrap().info().clone();
    assert_eq!(info.serial, None, "no GUID");
    card
}

/// Enrolls `slot` for `cn` through the workflow, openssl acting as the CA.
fn enroll(store: &Store, dir: &Path, card: &Card, slot: &str, cn: &str) -> Vec<u8> {
    let mut t = insert(card);
    let subject = format!("CN={cn},C=HK");
    let req = EnrollRequest {
        location: slot,
        replaces: None,
        subject: Some(&subject),
        algorithm: KeyAlgorithm::EccP256,
        outbox: dir,
    };
    let mut j = workflow::start_enroll(store, &mut t, &req, &auth()).unwrap();
    let out = dir.join(format!("{}.der", j.id));
    #[rustfmt::skip]
    openssl(dir, &["x509", "-req", "-inform", "DER", "-in", j.request.as_ref().unwrap().to_str().unwrap(),
        "-CA", "ca.pem", "-CAkey", "ca.key", "-days", "30", "-outform", "DER", "-out", out.to_str().unwrap()]);
    let cert = std::fs::read(out).unwrap();
    workflow::complete_enroll(store, &mut t, &mut j, &cert, &|_| Ok(()), &auth()).unwrap();
    assert_eq!(j.status, Status::Done);
    cert
}

fn certs(card: &Card) -> Vec<(String, Vec<u8>)> {
    insert(card).certificates().unwrap().into_iter().map(|c| (c.location, c.der)).collect()
}

struct Two {
    dir: tempfile::TempDir,
    store: Store,
    a: Card,
    b: Card,
    a_auth: Vec<u8>,
}

fn two_cards() -> Two {
    let dir = tempfile::tempdir().unwrap();
    #[rustfmt::skip]
    openssl(dir.path(), &["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-days", "30", "-subj", "/CN=Journal Test CA", "-keyout", "ca.key", "-out", "ca.pem"]);
    let store = Store::new(&dir.path().join("data").join("journal"));
    let (a, b) = (guidless_card(), guidless_card());
    let a_auth = enroll(&store, dir.path(), &a, "9a", "Card A holder");
    enroll(&store, dir.path(), &a, "9c", "Card A signing");
    enroll(&store, dir.path(), &b, "9a", "Card B holder");
    enroll(&store, dir.path(), &b, "9c", "Card B signing");
    let (mut ta, mut tb) = (insert(&a), insert(&b));
    let (ma, mb) = (ta.card_marks().unwrap(), tb.card_marks().unwrap());
    assert_eq!(ma, mb, "both answer the same serial and no GUID: {ma:?}");
    assert!(ma.1.is_some(), "the virtual card answers GET SERIAL");
    Two { dir, store, a, b, a_auth }
}

/// Card A's removal of 9A, interrupted before the delete (the management key was not at
/// hand) or after it (`after_delete`: the card pulled right after the delete's APDU).
fn interrupted_removal(two: &Two, after_delete: bool) {
    let backup = two.dir.path().join(format!("a-9a-{after_delete}.der"));
    if after_delete {
        for k in 0.. {
            let mut cut = PivToken::connect(Box::new(CutAfter::new(onto(&two.a), k)), READER);
            let r = workflow::start_remove(&two.store, &mut cut, "9a", &backup, &auth());
            assert!(r.is_err(), "cut {k} still interrupts");
            let _ = std::fs::remove_file(&backup);
            let pending = two.store.pending(&CardNow::read(&mut insert(&two.a), &["9a"]).unwrap()).unwrap();
            if certs(&two.a).iter().all(|(l, _)| l != "9a") {
                assert!(pending.is_some_and(|j| j.status == Status::Running && j.step <= 1));
                break;
            }
            if let Some(mut j) = pending {
                workflow::roll_back(&two.store, &mut insert(&two.a), &mut j, &auth()).unwrap();
            }
            assert!(k < 60, "the delete never ran");
        }
    } else {
        let no_key = Auth { pin: None, management_key: None, ..Auth::default() };
        let r = workflow::start_remove(&two.store, &mut insert(&two.a), "9a", &backup, &no_key);
        assert!(r.is_err());
        assert_eq!(std::fs::read(&backup).unwrap(), two.a_auth, "backed up first");
    }
}

fn refused_on_b(two: &Two) {
    let before = certs(&two.b);
    assert_eq!(before.len(), 2);
    for action in [Action::Resume, Action::RollBack] {
        let err = action.run(&two.store, &mut insert(&two.b), &auth()).unwrap_err();
        assert!(
            matches!(
                err,
                WorkflowError::NotThisCard {
                    reason: Mismatch::Certificate { .. } | Mismatch::Touched { .. },
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(certs(&two.b), before, "card B untouched");
    }
    // Listing-based lookups (the app's) do not show it as B's either.
    let b_now = CardNow::read(&mut insert(&two.b), &[]).unwrap();
    assert_eq!(two.store.pending(&b_now).unwrap(), None);
    assert!(matches!(two.store.find(&b_now).unwrap(), Some(Found::NotProven(..))));
}

#[test]
fn an_interrupted_removal_is_never_applied_to_another_guidless_card_and_resumes_on_its_own() {
    let two = two_cards();
    interrupted_removal(&two, false);
    refused_on_b(&two);
    // B's own work is not blocked by A's job, and A's job survives it.
    let b_backup = two.dir.path().join("b-9c.der");
    let j = workflow::start_remove(&two.store, &mut insert(&two.b), "9c", &b_backup, &auth()).unwrap();
    assert_eq!(j.status, Status::Done);
    assert_eq!(certs(&two.b).len(), 1);
    // Back in front of card A: resumed there.
    let a_before = certs(&two.a);
    let j = Action::Resume.run(&two.store, &mut insert(&two.a), &auth()).unwrap();
    assert_eq!(j.status, Status::Done);
    let a_after = certs(&two.a);
    assert_eq!(a_after, a_before.into_iter().filter(|(l, _)| l != "9a").collect::<Vec<_>>());
    assert_eq!(two.store.unfinished().unwrap(), Vec::new());
    // Each card keeps its last finished job only (the three enrollments before are gone).
    let journal_dir = two.dir.path().join("data").join("journal");
    assert_eq!(std::fs::read_dir(journal_dir).unwrap().count(), 2);
}

#[test]
fn after_the_delete_step_the_job_is_still_its_cards_only() {
    let two = two_cards();
    interrupted_removal(&two, true);
    refused_on_b(&two);
    // Rolled back on card A: its e-Cert is back.
    let j = Action::RollBack.run(&two.store, &mut insert(&two.a), &auth()).unwrap();
    assert_eq!(j.status, Status::RolledBack);
    assert!(certs(&two.a).iter().any(|(l, d)| l == "9a" && *d == two.a_auth));
}

#[test]
fn journals_are_private_salted_and_an_old_reader_keyed_one_is_not_applied() {
    let two = two_cards();
    interrupted_removal(&two, false);
    let journal_dir = two.dir.path().join("data").join("journal");
    let files: Vec<_> = std::fs::read_dir(&journal_dir).unwrap().map(|e| e.unwrap().path()).collect();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&journal_dir), 0o700);
        assert!(files.iter().all(|f| mode(f) == 0o600), "{files:?}");
        assert_eq!(mode(&two.dir.path().join("data").join("installation-salt")), 0o600);
    }
    let serial = insert(&two.a).card_marks().unwrap().1.unwrap();
    assert!(files.iter().all(|f| !f.to_string_lossy().contains(&serial)));
    // The same job as an earlier version wrote it: keyed by the reader's name, no proof.
    let mut old = two.store.unfinished().unwrap().remove(0);
    for f in &files {
        std::fs::remove_file(f).unwrap();
    }
    old.proof = None;
    // Earlier versions keyed a GUID-less card by its reference (`workflow::card_id`).
    old.card = ecert::ops::journal::card_hash(&insert(&two.a).info().reference.to_string());
    two.store.save(&old).unwrap();
    let before = certs(&two.a);
    let err = Action::Resume.run(&two.store, &mut insert(&two.a), &auth()).unwrap_err();
    assert!(matches!(err, WorkflowError::NotThisCard { reason: Mismatch::OldJournal, .. }), "{err:?}");
    assert_eq!(certs(&two.a), before, "nothing applied");
}
