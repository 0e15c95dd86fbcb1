use super::*;
use crate::ops::journal::{Kind, Status};

const CERT: &[u8] = include_bytes!("../../../../../assets/anchors/Hongkong_Post_Root_CA_3.der");

fn journal() -> Journal {
    Journal {
        id: "20261130-abcdef".into(),
        kind: Kind::Enroll,
        card: crate::ops::journal::card_hash("CARD-GUID-0001"),
        proof: None,
        status: Status::Done,
        step: 3,
        location: "9d".into(),
        replaces: None,
        old_cert: None,
        new_key: Some(vec![0x30, 0x59, 0xAB, 0xCD, 0xEF, 0x12, 0x34, 0x56, 0x78, 0x9A]),
        new_cert: Some(CERT.to_vec()),
        request: Some("/out/20261130-abcdef.csr".into()),
        subject: Some("CN=Chan Tai Man".into()),
        algorithm: Some("EccP256".into()),
    }
}

#[test]
fn operator_signs_in_and_out_and_actions_need_someone_signed_in() {
    let dir = tempfile::tempdir().unwrap();
    let c = Counter::at(dir.path());
    assert_eq!(c.operator(), Err(CounterError::NotSignedIn));
    assert!(matches!(c.sign_out(1), Err(CounterError::NotSignedIn)));
    assert!(!c.log_path().exists(), "a refused sign-out records nothing");
    assert_eq!(c.sign_in("   ", 1), Err(CounterError::NoOperatorName));
    c.sign_in(" op-17 \n", 1_764_500_000).unwrap();
    assert_eq!(c.operator().unwrap(), "op-17");
    // Another process (the CLI, the app) sees the same shift.
    assert_eq!(Counter::at(dir.path()).operator().unwrap(), "op-17");
    let (who, record) = c.sign_out(1_764_500_100).unwrap();
    assert_eq!((who.as_str(), record.action.as_str(), record.seq), ("op-17", action::SIGN_OUT, 2));
    assert_eq!(c.operator(), Err(CounterError::NotSignedIn));
}

#[test]
fn a_sign_in_over_another_shift_names_both_operators() {
    let dir = tempfile::tempdir().unwrap();
    let c = Counter::at(dir.path());
    let first = c.sign_in("op-17", 1).unwrap();
    assert_eq!(first.detail, None, "nobody was signed in");
    let again = c.sign_in("op-17", 2).unwrap();
    assert_eq!(again.detail, None, "the same operator again replaces nobody");
    let replaced = c.sign_in("op-42", 3).unwrap();
    assert_eq!((replaced.operator.as_str(), replaced.action.as_str()), ("op-42", action::SIGN_IN));
    assert_eq!(replaced.detail.as_deref(), Some("replaces:op-17"));
    assert_eq!(c.operator().unwrap(), "op-42");
    assert_eq!(c.audit_log().unwrap().verify().unwrap().len(), 3);
}

#[test]
fn intent_is_recorded_before_and_outcome_after_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let c = Counter::at(dir.path());
    let (intent, first) = c.intend("op-17", action::REMOVE, Some("CARD-GUID-0001"), 5).unwrap();
    assert_eq!((first.result.as_str(), first.seq), ("intent", 1));
    assert_eq!(intent.card_hash, first.card);
    let done = c.outcome(&intent, Some(CERT), Ok(()), 6).unwrap();
    assert_eq!((done.result.as_str(), done.detail.as_deref()), ("ok", Some("intent=1")));
    assert_eq!((done.action.as_str(), &done.card), (action::REMOVE, &first.card));
    let (intent, _) = c.intend("op-17", action::RESUME, Some("CARD-GUID-0001"), 7).unwrap();
    let failed = c.outcome(&intent, None, Err("err-wrong-pin"), 8).unwrap();
    assert_eq!(
        (failed.result.as_str(), failed.detail.as_deref()),
        ("failed", Some("intent=3 error=err-wrong-pin"))
    );
    // A log that cannot take the intent: the caller gets NotRecorded (and must not
    // touch the card).
    let log = c.log_path();
    let text = std::fs::read_to_string(&log).unwrap();
    std::fs::write(&log, text.replacen("\"ok\"", "\"failed\"", 1)).unwrap();
    let refused = c.intend("op-17", action::REMOVE, Some("CARD-GUID-0001"), 9);
    assert!(matches!(refused, Err(CounterError::NotRecorded(AuditError::Edited { line: 2 }))), "{refused:?}");
}

#[test]
fn failures_are_recorded_by_id_never_by_text() {
    use crate::ops::workflow::WorkflowError;
    use crate::token::TokenError;
    let chain = TokenError::Workflow(std::sync::Arc::new(WorkflowError::Chain("CN=Chan Tai Man".into())));
    assert_eq!(error_id(&chain), "err-other:Chain");
    let wrong = crate::piv::PivError::WrongPin { which: crate::piv::PinRef::Pin, tries_left: Some(2) };
    assert_eq!(error_id(&TokenError::Piv(wrong)), "err-wrong-pin");
}

#[test]
fn counter_cas_default_to_the_bundled_roots_only() {
    let bundled = counter_anchors_from(&[]).unwrap();
    assert_eq!(bundled.len(), crate::verify::trust::bundled().unwrap().len());
    assert!(bundled.iter().any(|a| a == CERT));
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.der");
    std::fs::write(&ca, CERT).unwrap();
    assert_eq!(counter_anchors_from(std::slice::from_ref(&ca)).unwrap(), vec![CERT.to_vec()]);
    let missing = dir.path().join("none.pem");
    assert!(matches!(counter_anchors_from(&[missing]), Err(CounterError::CounterCa { .. })));
}

#[test]
fn records_chain_verify_and_hash_the_card_with_the_installation_salt() {
    let dir = tempfile::tempdir().unwrap();
    let c = Counter::at(dir.path());
    c.sign_in("op-17", 1_764_500_000).unwrap();
    let a = c.record("op-17", action::ENROLL_STORE, Some("CARD-GUID-0001"), Some(CERT), "ok", 2).unwrap();
    let b = c.record("op-17", action::REMOVE, Some("CARD-GUID-0001"), None, "failed", 3).unwrap();
    // What `ecert audit verify` runs: the chain holds, in order.
    let records = AuditLog::open(&c.log_path(), "").verify().unwrap();
    assert_eq!(c.audit_log().unwrap().check().unwrap().checkpoint, Some(3), "checkpoint kept apart");
    assert!(c.checkpoint_path().starts_with(dir.path().join("state")));
    let actions: Vec<&str> = records.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, [action::SIGN_IN, action::ENROLL_STORE, action::REMOVE]);
    assert_eq!(records[1], a);
    assert!(a.cert_serial.is_some() && a.cert_issuer.as_deref().is_some_and(|i| i.contains("Hongkong")));
    assert_eq!(b.result, "failed");
    // Same card, same salted hash; never the identifier itself.
    assert_eq!(a.card, b.card);
    let text = std::fs::read_to_string(c.log_path()).unwrap();
    assert!(!text.contains("CARD-GUID-0001"));
    // Another installation (another salt) cannot link the card to this one.
    let other = tempfile::tempdir().unwrap();
    let o = Counter::at(other.path()).record("x", action::REMOVE, Some("CARD-GUID-0001"), None, "ok", 4);
    assert_ne!(o.unwrap().card, a.card);
    // An edited line breaks the chain.
    std::fs::write(c.log_path(), text.replace("\"failed\"", "\"ok\"")).unwrap();
    assert!(matches!(AuditLog::open(&c.log_path(), "").verify(), Err(AuditError::Edited { line: 3 })));
}

#[test]
fn receipt_names_the_job_and_certificate_but_holds_no_pin_key_or_card_id() {
    let dir = tempfile::tempdir().unwrap();
    let j = journal();
    let card = Counter::at(dir.path()).receipt_id("CARD-GUID-0001").unwrap();
    // Per installation: another data folder, another salt, another receipt id.
    let other = tempfile::tempdir().unwrap();
    assert_ne!(Counter::at(other.path()).receipt_id("CARD-GUID-0001").unwrap(), card);
    assert_eq!(Counter::at(dir.path()).receipt_id("CARD-GUID-0001").unwrap(), card, "stable");
    let text = receipt(&j, "op-17", &card, CERT, 1_764_500_000);
    let summary = crate::cert::CertSummary::from_der(CERT).unwrap();
    for want in ["Job:          20261130-abcdef", "Operator:     op-17", "Slot:         9d"] {
        assert!(text.contains(want), "{want} in {text}");
    }
    assert!(text.contains(&summary.serial) && text.contains("2025-11-30T"), "{text}");
    // The card by its salted receipt id, not by an unsalted hash that would be the same at
    // every installation.
    assert!(text.contains(&format!("Card:         {}…", &card[..16])));
    let key = j.new_key.as_deref().unwrap();
    for secret in [hex::encode(key), hex::encode_upper(key), "CARD-GUID-0001".into(), j.card[..16].into()] {
        assert!(!text.contains(&secret), "{secret} leaked");
    }
    assert!(!text.to_ascii_lowercase().contains("pin"), "{text}");
    let path = write_receipt(dir.path(), &j, &text).unwrap();
    assert_eq!(path, dir.path().join("20261130-abcdef-receipt.txt"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    // Never overwritten.
    assert_eq!(
        write_receipt(dir.path(), &j, "other"),
        Err(CounterError::ReceiptExists { path: path.clone() })
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
}

/// A symlink planted at the receipt's path (to a file elsewhere, or to nowhere) is not
/// followed: the receipt is refused with a clear error and the target is untouched.
#[cfg(unix)]
#[test]
fn a_symlink_at_the_receipt_path_is_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let j = journal();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    let at = dir.path().join("20261130-abcdef-receipt.txt");
    std::os::unix::fs::symlink(&victim, &at).unwrap();
    let e = write_receipt(dir.path(), &j, "receipt").unwrap_err();
    assert_eq!(e, CounterError::ReceiptExists { path: at.clone() });
    assert!(e.to_string().contains("the receipt was not written"), "{e}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    std::fs::remove_file(&at).unwrap();
    let nowhere = dir.path().join("nowhere");
    std::os::unix::fs::symlink(&nowhere, &at).unwrap();
    assert!(matches!(write_receipt(dir.path(), &j, "receipt"), Err(CounterError::ReceiptExists { .. })));
    assert!(!nowhere.exists(), "nothing created through the link");
}

/// Where there is no syslog (Windows) but the copy is on, each sign-in says so in the log.
#[test]
fn a_platform_without_syslog_is_recorded_at_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let c = Counter::at(dir.path());
    let signed = c.sign_in_where("op-17", 1, true).unwrap();
    assert_eq!(signed.action, action::SIGN_IN, "the sign-in record is what the caller gets");
    let records = c.audit_log().unwrap().verify().unwrap();
    let got: Vec<(&str, &str)> = records.iter().map(|r| (r.action.as_str(), r.result.as_str())).collect();
    assert_eq!(got, [(action::SIGN_IN, "ok"), (audit::action::SYSLOG_UNAVAILABLE, "note")]);
    assert!(records[1].detail.as_deref().is_some_and(|d| d.contains("no syslog")));
    // Where there is syslog (or the copy is off), no such record.
    c.sign_in("op-17", 2).unwrap();
    assert_eq!(c.audit_log().unwrap().verify().unwrap().len(), 3);
    assert_eq!(audit::SYSLOG_AVAILABLE, cfg!(unix));
}
