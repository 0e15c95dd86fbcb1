use super::*;
use crate::ops::journal::Status;

fn salt() -> Salt {
    Salt::from_bytes([9; 32])
}

fn card(guid: Option<&str>, serial: Option<&str>, certs: &[(&str, &[u8])]) -> CardNow {
    CardNow {
        guid: guid.map(str::to_owned),
        serial: serial.map(str::to_owned),
        reference: Some("Virtual PCD 00 00".into()),
        certificates: certs.iter().map(|(l, d)| ((*l).to_owned(), d.to_vec())).collect(),
    }
}

fn removal(start: &CardNow, location: &str) -> Journal {
    Journal {
        id: "job1".into(),
        kind: Kind::Remove,
        card: start.key(&salt()),
        proof: Some(start.proof(&salt())),
        status: Status::Running,
        step: 0,
        location: location.into(),
        replaces: None,
        old_cert: start.certificates.get(location).cloned(),
        new_key: None,
        new_cert: None,
        request: None,
        subject: None,
        algorithm: None,
    }
}

#[test]
fn a_removal_is_its_cards_before_and_after_its_delete_step_and_no_other_cards() {
    // Two GUID-less cards answering the same (made-up) serial, as two virtual cards do.
    let a = card(None, Some("5437251"), &[("9a", b"cert A"), ("9c", b"sign A")]);
    let j = removal(&a, "9a");
    assert_eq!(check(&salt(), &j, &a), Ok(()));
    let a_after_delete = card(None, Some("5437251"), &[("9c", b"sign A")]);
    assert_eq!(check(&salt(), &j, &a_after_delete), Ok(()));
    let b = card(None, Some("5437251"), &[("9a", b"cert B"), ("9c", b"sign B")]);
    assert_eq!(check(&salt(), &j, &b), Err(Mismatch::Certificate { location: "9c".into() }));
    let b_same_others = card(None, Some("5437251"), &[("9a", b"cert B"), ("9c", b"sign A")]);
    assert_eq!(check(&salt(), &j, &b_same_others), Err(Mismatch::Touched { location: "9a".into() }));
    let b_empty = card(None, Some("5437251"), &[]);
    assert_eq!(check(&salt(), &j, &b_empty), Err(Mismatch::Certificate { location: "9c".into() }));
    let other_serial = card(None, Some("1"), &[("9c", b"sign A")]);
    assert_eq!(check(&salt(), &j, &other_serial), Err(Mismatch::Anchor));
    // A certificate added elsewhere since: not the card as the job knew it.
    let grown = card(None, Some("5437251"), &[("9c", b"sign A"), ("9d", b"new")]);
    assert_eq!(check(&salt(), &j, &grown), Err(Mismatch::Certificate { location: "9d".into() }));
}

#[test]
fn an_enrollment_accepts_its_new_certificate_and_the_old_one_gone() {
    let start = card(Some("GUID-1"), None, &[("9a", b"old")]);
    let mut j = removal(&start, "82");
    j.kind = Kind::Enroll;
    j.replaces = Some("9a".into());
    j.old_cert = Some(b"old".to_vec());
    j.new_cert = Some(b"new".to_vec());
    for now in [
        card(Some("GUID-1"), None, &[("9a", b"old")]),
        card(Some("GUID-1"), None, &[("9a", b"old"), ("82", b"new")]),
        card(Some("GUID-1"), None, &[("82", b"new")]),
    ] {
        assert_eq!(check(&salt(), &j, &now), Ok(()), "{now:?}");
    }
    // The new certificate in the old slot is not a state the job makes.
    let odd = card(Some("GUID-1"), None, &[("9a", b"new")]);
    assert_eq!(check(&salt(), &j, &odd), Err(Mismatch::Touched { location: "9a".into() }));
    let other = card(Some("GUID-2"), None, &[("9a", b"old")]);
    assert_eq!(check(&salt(), &j, &other), Err(Mismatch::Anchor));
    // A card without a GUID is not the card that had one.
    let none = card(None, None, &[("9a", b"old")]);
    assert_eq!(check(&salt(), &j, &none), Err(Mismatch::Anchor));
}

#[test]
fn an_anchorless_card_with_nothing_to_show_is_not_proven() {
    let start = card(None, None, &[("9a", b"only")]);
    let j = removal(&start, "9a");
    assert_eq!(check(&salt(), &j, &start), Ok(()), "its own certificate still in the slot");
    assert_eq!(check(&salt(), &j, &card(None, None, &[])), Err(Mismatch::NoEvidence));
}

#[test]
fn old_journals_count_only_where_the_guid_proves_the_card() {
    let now = card(Some("GUID-1"), None, &[("9a", b"old")]);
    let mut j = removal(&now, "9a");
    j.proof = None;
    j.card = crate::ops::journal::card_hash("GUID-1");
    assert_eq!(check(&salt(), &j, &now), Ok(()));
    j.card = crate::ops::journal::card_hash("Virtual PCD 00 00");
    assert_eq!(check(&salt(), &j, &now), Err(Mismatch::OldJournal));
    let guidless = card(None, None, &[("9a", b"old")]);
    assert_eq!(check(&salt(), &j, &guidless), Err(Mismatch::OldJournal));
}

#[test]
fn keys_are_salted_and_differ_by_installation() {
    let c = card(Some("GUID-1"), None, &[]);
    assert_ne!(c.key(&salt()), c.key(&Salt::from_bytes([8; 32])));
    assert!(!c.key(&salt()).contains("GUID"));
    assert_ne!(c.key(&salt()), crate::ops::journal::card_hash("GUID-1"));
}
