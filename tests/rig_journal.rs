//! A workflow started through the service keeps its journal under the card's own
//! identifier (the PIV CHUID GUID), not the reader it happened to be in: the same card in
//! another reader finds its unfinished job again.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use ecert::ops::card_proof::Anchor;
use ecert::ops::journal::card_hash;
use ecert::ops::workflow::Action;
use ecert::piv::KeyAlgorithm;
use ecert::secret::{ManagementKey, Pin};
use ecert::service::{Config, Operation, Outcome, Service};
use ecert::token::{Auth, TokenKind, TokenRef};

#[test]
fn a_journal_is_kept_under_the_card_guid() {
    let rig = common::rig();
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
