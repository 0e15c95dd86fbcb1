use super::*;

fn entry(action: &str) -> Entry {
    Entry {
        operator: "op-17".into(),
        action: action.into(),
        card_id: Some("GUID-1234".into()),
        cert_serial: Some("0A1B".into()),
        cert_issuer: Some("CN=Hongkong Post e-Cert CA 2 - 17".into()),
        result: "ok".into(),
        detail: None,
    }
}

fn log_with(n: u64) -> (tempfile::TempDir, AuditLog) {
    let dir = tempfile::tempdir().unwrap();
    let log = AuditLog::open(&dir.path().join("data/audit.jsonl"), "salt")
        .with_checkpoint(&dir.path().join("config").join(CHECKPOINT_FILE));
    for i in 0..n {
        log.append(&entry(&format!("install-{i}")), 1_790_000_000 + i).unwrap();
    }
    (dir, log)
}

fn lines(log: &AuditLog) -> Vec<String> {
    std::fs::read_to_string(&log.path).unwrap().lines().map(str::to_owned).collect()
}

fn write(log: &AuditLog, lines: &[String]) {
    std::fs::write(&log.path, lines.join("\n") + "\n").unwrap();
}

/// The same log without its checkpoint (for the chain-only checks).
fn unchecked(log: &AuditLog) -> AuditLog {
    AuditLog::open(&log.path, "salt")
}

#[test]
fn chain_verifies_is_keyed_and_holds_no_card_identifier() {
    let (_d, log) = log_with(3);
    let report = log.check().unwrap();
    assert_eq!((report.records.len(), report.legacy, report.checkpoint), (3, 0, Some(3)));
    let text = std::fs::read_to_string(&log.path).unwrap();
    assert!(!text.contains("GUID-1234"));
    assert!(!text.contains("\"hash\""), "keyed records carry a mac, not a plain hash");
    assert_eq!(report.records[0].time, "2026-09-21T14:13:20Z");
    assert_eq!(report.records.iter().map(|r| r.seq).collect::<Vec<_>>(), [1, 2, 3]);
}

#[cfg(unix)]
#[test]
fn key_log_and_checkpoint_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let (d, log) = log_with(1);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(log.key_path()), 0o600);
    assert_eq!(mode(&log.path), 0o600);
    assert_eq!(mode(&d.path().join("data")), 0o700);
    assert_eq!(mode(&d.path().join("config").join(CHECKPOINT_FILE)), 0o600);
    assert_eq!(mode(&d.path().join("config")), 0o700);
    assert_eq!(std::fs::read_to_string(log.key_path()).unwrap().trim().len(), 64, "256-bit key, hex");
}

#[test]
fn edit_removal_and_reorder_are_named() {
    let (_d, log) = log_with(4);
    let log = unchecked(&log);
    let orig = lines(&log);
    let mut edited = orig.clone();
    edited[1] = edited[1].replace("\"ok\"", "\"failed\"");
    write(&log, &edited);
    assert_eq!(log.verify().unwrap_err(), AuditError::Edited { line: 2 });
    let mut removed = orig.clone();
    removed.remove(2);
    write(&log, &removed);
    assert_eq!(log.verify().unwrap_err(), AuditError::Broken { line: 3 });
    let mut swapped = orig.clone();
    swapped.swap(0, 1);
    write(&log, &swapped);
    assert_eq!(log.verify().unwrap_err(), AuditError::Broken { line: 1 });
    let mut truncated_head = orig;
    truncated_head.remove(0);
    write(&log, &truncated_head);
    assert_eq!(log.verify().unwrap_err(), AuditError::Broken { line: 1 });
}

/// Someone who can write the log but has not the key rewrites it from record 2 on with
/// recomputed tags: as plain hashes (the old format), or as MACs under a key of their own.
type Tags<'a> = &'a dyn Fn(&Record) -> (Option<String>, Option<String>);

#[test]
fn rewrite_with_recomputed_hashes_is_detected() {
    let (_d, log) = log_with(4);
    let log = unchecked(&log);
    let mut records = log.verify().unwrap();
    let forge = |records: &mut [Record], tag: Tags| {
        for i in 1..records.len() {
            if i == 1 {
                records[i].result = "failed".into();
            }
            records[i].prev = records[i - 1].tag().to_owned();
            let (hash, mac) = tag(&records[i]);
            records[i].hash = hash;
            records[i].mac = mac;
        }
        records.iter().map(|r| serde_json::to_string(r).unwrap()).collect::<Vec<_>>()
    };
    let plain = forge(&mut records.clone(), &|r| (Some(chain::legacy_hash(r)), None));
    write(&log, &plain);
    assert_eq!(log.verify().unwrap_err(), AuditError::Downgrade { line: 2 });
    let other = tempfile::tempdir().unwrap();
    let their_key = Key::create(&other.path().join("k")).unwrap();
    let theirs = forge(&mut records, &|r| (None, Some(their_key.tag(r))));
    write(&log, &theirs);
    assert_eq!(log.verify().unwrap_err(), AuditError::Edited { line: 2 });
    // Appends refuse a rewritten log too (nothing is chained to a forgery).
    assert_eq!(log.append(&entry("remove"), 1).unwrap_err(), AuditError::Edited { line: 2 });
}

/// A log written before the key existed (plain SHA-256 chain) reads as legacy, and new
/// records continue it keyed.
#[test]
fn legacy_unkeyed_log_is_read_and_continued() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let mut prev = GENESIS.to_owned();
    let mut text = String::new();
    for seq in 1..=3 {
        let mut r = Record {
            seq,
            time: rfc3339(1_700_000_000 + seq),
            operator: "op-1".into(),
            action: "sign-in".into(),
            card: None,
            cert_serial: None,
            cert_issuer: None,
            result: "ok".into(),
            detail: None,
            prev: prev.clone(),
            hash: None,
            mac: None,
        };
        r.hash = Some(chain::legacy_hash(&r));
        prev = r.tag().to_owned();
        let line = serde_json::json!({
            "seq": r.seq, "time": r.time, "operator": "op-1", "action": "sign-in", "card": null,
            "cert_serial": null, "cert_issuer": null, "result": "ok", "prev": r.prev, "hash": prev,
        });
        text.push_str(&(line.to_string() + "\n"));
    }
    std::fs::write(&path, text).unwrap();
    let log = AuditLog::open(&path, "salt");
    let report = log.check().unwrap();
    assert_eq!((report.records.len(), report.legacy), (3, 3), "legacy, unkeyed — not a crash");
    assert!(!log.key_path().exists(), "checking makes no key");
    let r = log.append(&entry("remove"), 1_700_000_100).unwrap();
    assert_eq!((r.seq, r.prev.as_str()), (4, prev.as_str()));
    let report = log.check().unwrap();
    assert_eq!((report.records.len(), report.legacy), (4, 3));
    // Without the key the keyed part cannot be checked.
    std::fs::remove_file(log.key_path()).unwrap();
    assert!(matches!(log.verify(), Err(AuditError::KeyMissing { .. })));
    assert!(
        matches!(log.append(&entry("x"), 1), Err(AuditError::KeyMissing { .. })),
        "no new key over keyed records"
    );
}

#[test]
fn torn_last_line_is_moved_aside_and_recorded() {
    let (d, log) = log_with(3);
    let whole = std::fs::read(&log.path).unwrap();
    // A crash mid-append: half a record, no newline.
    let torn = b"{\"seq\":4,\"time\":\"2026-09-21T14:1";
    let mut bytes = whole.clone();
    bytes.extend_from_slice(torn);
    std::fs::write(&log.path, &bytes).unwrap();
    assert_eq!(log.verify().unwrap_err(), AuditError::Malformed { line: 4 });
    let written = log.append_with(1_790_000_010, |_| Ok(vec![entry("remove")])).unwrap();
    assert_eq!(written.len(), 2);
    assert_eq!((written[0].action.as_str(), written[0].result.as_str()), (action::REPAIRED, result::NOTE));
    let detail = written[0].detail.clone().unwrap();
    assert!(detail.contains(&format!("dropped {} bytes", torn.len())), "{detail}");
    assert_eq!(written[0].seq, 4);
    assert_eq!(written[1].action, "remove");
    let aside = d.path().join("data/audit.jsonl.torn-1");
    assert_eq!(std::fs::read(&aside).unwrap(), torn, "the torn bytes are kept");
    assert_eq!(log.check().unwrap().records.len(), 5);
    // A power cut that left zeros as the last line is repaired the same way.
    let mut zeros = std::fs::read(&log.path).unwrap();
    zeros.extend_from_slice(&[0u8; 40]);
    zeros.push(b'\n');
    std::fs::write(&log.path, &zeros).unwrap();
    let r = log.append_with(1_790_000_020, |_| Ok(vec![entry("sign-out")])).unwrap();
    assert!(r[0].detail.as_deref().unwrap().contains("dropped 41 bytes"));
    assert!(d.path().join("data/audit.jsonl.torn-2").exists());
    assert_eq!(log.check().unwrap().records.len(), 7);
}

#[test]
fn truncation_and_deletion_are_caught_by_the_checkpoint() {
    let (_d, log) = log_with(4);
    let orig = lines(&log);
    // Tail cut off: the chain alone still holds, the checkpoint does not.
    write(&log, &orig[..2]);
    assert_eq!(unchecked(&log).verify().unwrap().len(), 2);
    assert_eq!(log.check().unwrap_err(), AuditError::Truncated { expected: 4, found: 2 });
    assert_eq!(log.append(&entry("x"), 1).unwrap_err(), AuditError::Truncated { expected: 4, found: 2 });
    // Deleted.
    std::fs::remove_file(&log.path).unwrap();
    assert_eq!(log.check().unwrap_err(), AuditError::Deleted { expected: 4 });
    // Emptied.
    std::fs::write(&log.path, "").unwrap();
    assert_eq!(log.check().unwrap_err(), AuditError::Truncated { expected: 4, found: 0 });
    // Replaced by another log of the same length under the same key.
    std::fs::remove_file(&log.path).unwrap();
    let other = unchecked(&log);
    for i in 0..4 {
        other.append(&entry(&format!("other-{i}")), 1_800_000_000 + i).unwrap();
    }
    assert_eq!(log.check().unwrap_err(), AuditError::Rewritten { seq: 4 });
    write(&log, &orig);
    assert_eq!(log.check().unwrap().checkpoint, Some(4));
}

#[test]
fn concurrent_appends_from_threads_make_one_chain() {
    let (_d, log) = log_with(0);
    let (path, cp) = (log.path.clone(), log.checkpoint.clone().unwrap());
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let (path, cp) = (path.clone(), cp.clone());
            std::thread::spawn(move || {
                let log = AuditLog::open(&path, "salt").with_checkpoint(&cp);
                for i in 0..25 {
                    log.append(&entry(&format!("t{t}-{i}")), 1_790_000_000).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let records = log.check().unwrap().records;
    assert_eq!(records.len(), 200);
    for t in 0..8 {
        for i in 0..25 {
            assert_eq!(records.iter().filter(|r| r.action == format!("t{t}-{i}")).count(), 1);
        }
    }
}

#[cfg(unix)]
#[test]
fn records_and_checkpoint_are_forwarded_to_a_syslog_socket() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("log.sock");
    let listener = std::os::unix::net::UnixDatagram::bind(&socket).unwrap();
    listener.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
    let log = AuditLog::open(&dir.path().join("audit.jsonl"), "salt").forwarding_to(&socket);
    let record = log.append(&entry("install"), 1_700_000_000).unwrap();
    let mut buf = [0u8; 4096];
    let n = listener.recv(&mut buf).unwrap();
    let got = std::str::from_utf8(&buf[..n]).unwrap();
    assert!(got.starts_with("<37>1 2023-11-14T22:13:20Z - ecert-manager - audit - {"), "{got}");
    assert!(got.contains(record.tag()));
    let n = listener.recv(&mut buf).unwrap();
    let got = std::str::from_utf8(&buf[..n]).unwrap();
    assert_eq!(
        got,
        format!("<37>1 2023-11-14T22:13:20Z - ecert-manager - audit-checkpoint - seq=1 mac={}", record.tag())
    );
    // A missing socket does not stop the log.
    let gone =
        AuditLog::open(&dir.path().join("audit.jsonl"), "salt").forwarding_to(&dir.path().join("none"));
    assert_eq!(gone.append(&entry("remove"), 1_700_000_001).unwrap().seq, 2);
}

#[test]
fn dates() {
    assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    assert_eq!(rfc3339(4_102_444_799), "2099-12-31T23:59:59Z");
}
