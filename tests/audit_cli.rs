//! `ecert audit verify` and `ecert counter sign-in/out` on real logs, as separate processes:
//! intact → exit 0 with the count; an edited, a removed and a swapped record, a rewrite with
//! recomputed hashes, a tail cut off and a deleted log → exit 1 naming what is wrong; a legacy
//! (unkeyed) log reads as such; the CLI and the library appending at once make one chain; a
//! sign-in over another operator's shift names both.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ecert::ops::audit::{AuditLog, Entry, Record, CHECKPOINT_FILE, GENESIS};
use ecert::ops::counter::Counter;

fn ecert(data: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_ecert"))
        .args(args)
        .env("ECERT_DATA_DIR", data)
        .env("ECERT_CONFIG_DIR", config_dir(data))
        .env("ECERT_LANG", "en")
        .output();
    match out {
        Ok(o) => o,
        Err(e) => panic!("ecert: {e}"),
    }
}

/// The config folder of a test's data folder: a sibling, as the real ones are apart.
fn config_dir(data: &Path) -> PathBuf {
    data.with_file_name("config")
}

fn verify(data: &Path, file: &Path) -> (Option<i32>, String) {
    let out = ecert(data, &["audit", "verify", file.to_str().unwrap()]);
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The counter files the CLI uses with `ECERT_DATA_DIR=data`, as the library opens them.
fn library(data: &Path) -> Counter {
    Counter::at(data).with_checkpoint(&config_dir(data).join(CHECKPOINT_FILE))
}

fn folders() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    (dir, data)
}

fn entry(action: &str) -> Entry {
    Entry {
        operator: "op-17".into(),
        action: action.into(),
        card_id: Some("card-0042".into()),
        cert_serial: Some("0A1B".into()),
        cert_issuer: Some("CN=Hongkong Post e-Cert CA 2 - 17".into()),
        result: "ok".into(),
        detail: None,
    }
}

#[test]
fn audit_verify_catches_edits_removals_and_reordering() {
    let (_d, data) = folders();
    let path = data.join("audit.jsonl");
    let log = AuditLog::open(&path, "installation-salt");
    for (i, action) in ["sign-in", "install", "verify", "remove", "sign-out"].iter().enumerate() {
        log.append(&entry(action), 1_700_000_000 + i as u64).unwrap();
    }
    let (code, out) = verify(&data, &path);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("intact, 5 records (keyed)"), "{out}");
    assert!(out.contains("no checkpoint for this log"), "{out}");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("card-0042"), "the card identifier is only stored hashed");
    let lines: Vec<&str> = text.lines().collect();

    let write = |lines: &[String]| std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let owned: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();

    let mut edited = owned.clone();
    edited[2] = edited[2].replace("\"ok\"", "\"failed\"");
    write(&edited);
    let (code, out) = verify(&data, &path);
    assert_eq!(code, Some(1));
    assert!(out.contains("line 3 was edited"), "{out}");

    let mut removed = owned.clone();
    removed.remove(1);
    write(&removed);
    let (code, out) = verify(&data, &path);
    assert_eq!(code, Some(1));
    assert!(out.contains("line 2 does not follow line 1"), "{out}");

    let mut swapped = owned.clone();
    swapped.swap(3, 4);
    write(&swapped);
    let (code, out) = verify(&data, &path);
    assert_eq!(code, Some(1));
    assert!(out.contains("line 4 does not follow line 3"), "{out}");

    write(&owned);
    assert_eq!(verify(&data, &path).0, Some(0));
}

/// What an attacker who can write the log file but not read the key can do: rewrite from
/// record 3 on and recompute every later record's plain SHA-256 the way the old log did.
#[test]
fn audit_verify_catches_a_rewrite_with_recomputed_hashes() {
    use sha2::{Digest, Sha256};
    let (_d, data) = folders();
    let c = library(&data);
    for i in 0..5 {
        c.record("op-17", "remove", Some("card-0042"), None, "ok", 1_700_000_000 + i).unwrap();
    }
    let path = c.log_path();
    let mut records: Vec<Record> =
        std::fs::read_to_string(&path).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let plain = |r: &Record| {
        let mut h = Sha256::new();
        for f in [
            r.seq.to_string().as_str(),
            &r.time,
            &r.operator,
            &r.action,
            r.card.as_deref().unwrap_or(""),
            r.cert_serial.as_deref().unwrap_or(""),
            r.cert_issuer.as_deref().unwrap_or(""),
            &r.result,
            &r.prev,
        ] {
            h.update((f.len() as u64).to_be_bytes());
            h.update(f.as_bytes());
        }
        hex::encode(h.finalize())
    };
    records[2].result = "failed".into();
    for i in 2..records.len() {
        records[i].prev = records[i - 1].tag().to_owned();
        records[i].mac = None;
        records[i].hash = Some(plain(&records[i]));
    }
    let text: String = records.iter().map(|r| serde_json::to_string(r).unwrap() + "\n").collect();
    std::fs::write(&path, text).unwrap();
    let (code, out) = verify(&data, &path);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("line 3 is unkeyed after keyed records"), "{out}");
    // The whole log recomputed as plain hashes from the first record: it reads as legacy,
    // and the checkpoint (record 5's MAC) shows it is not the log that was written.
    records[0].prev = GENESIS.into();
    for i in 0..records.len() {
        if i > 0 {
            records[i].prev = records[i - 1].tag().to_owned();
        }
        records[i].mac = None;
        records[i].hash = Some(plain(&records[i]));
    }
    let text: String = records.iter().map(|r| serde_json::to_string(r).unwrap() + "\n").collect();
    std::fs::write(&path, text).unwrap();
    let (code, out) = verify(&data, &path);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("record 5 is not the one the checkpoint saw"), "{out}");
}

#[test]
fn audit_verify_catches_a_cut_off_tail_and_a_deleted_log() {
    let (_d, data) = folders();
    for who in ["op-1", "op-2"] {
        assert!(ecert(&data, &["counter", "sign-in", who]).status.success());
        assert!(ecert(&data, &["counter", "sign-out"]).status.success());
    }
    let path = data.join("audit.jsonl");
    let (code, out) = verify(&data, &path);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("intact, 4 records") && out.contains("checkpoint: record 4"), "{out}");
    // The checkpoint is not in the log's folder.
    assert!(config_dir(&data).join(CHECKPOINT_FILE).is_file());
    assert!(!data.join(CHECKPOINT_FILE).exists());
    let text = std::fs::read_to_string(&path).unwrap();
    let kept = text.lines().take(2).collect::<Vec<_>>().join("\n") + "\n";
    std::fs::write(&path, kept).unwrap();
    let (code, out) = verify(&data, &path);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("the log ends at record 2 but its checkpoint says 4"), "{out}");
    // The counter does not carry on over a cut-off log either.
    let refused = ecert(&data, &["counter", "sign-in", "op-3"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("checkpoint says 4"));
    std::fs::remove_file(&path).unwrap();
    let (code, out) = verify(&data, &path);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("the log is missing but its checkpoint says it had 4 records"), "{out}");
    std::fs::write(&path, text).unwrap();
    assert_eq!(verify(&data, &path).0, Some(0));
}

#[test]
fn a_legacy_unkeyed_log_reads_as_legacy() {
    let (_d, data) = folders();
    let path = data.join("audit.jsonl");
    // Two records as the log wrote them before it had a key (plain SHA-256 chain).
    let mut text = String::new();
    let mut prev = GENESIS.to_owned();
    for (seq, action) in [(1, "sign-in"), (2, "sign-out")] {
        let mut r: Record = serde_json::from_value(serde_json::json!({
            "seq": seq, "time": "2026-11-30T10:00:00Z", "operator": "op-17", "action": action,
            "card": null, "cert_serial": null, "cert_issuer": null, "result": "ok", "prev": prev,
        }))
        .unwrap();
        r.hash = Some(legacy(&r));
        prev = r.tag().to_owned();
        text.push_str(&(serde_json::to_string(&r).unwrap() + "\n"));
    }
    std::fs::write(&path, &text).unwrap();
    let (code, out) = verify(&data, &path);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("legacy, unkeyed, 2 records"), "{out}");
    // An edit in a legacy log is still caught.
    std::fs::write(&path, text.replace("sign-out", "sign-in")).unwrap();
    let (code, out) = verify(&data, &path);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("line 2 was edited"), "{out}");
}

fn legacy(r: &Record) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for f in [
        r.seq.to_string().as_str(),
        &r.time,
        &r.operator,
        &r.action,
        r.card.as_deref().unwrap_or(""),
        r.cert_serial.as_deref().unwrap_or(""),
        r.cert_issuer.as_deref().unwrap_or(""),
        &r.result,
        &r.prev,
    ] {
        h.update((f.len() as u64).to_be_bytes());
        h.update(f.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The `ecert` binary (several processes) and the library (several threads) append to one
/// log at once: one unbroken chain holding every record.
#[test]
fn cli_processes_and_library_threads_appending_at_once_make_one_chain() {
    let (_d, data) = folders();
    let processes: Vec<_> = (0..3)
        .map(|p| {
            let data = data.clone();
            std::thread::spawn(move || {
                for i in 0..8 {
                    let out = ecert(&data, &["counter", "sign-in", &format!("cli-{p}-{i}")]);
                    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
                }
            })
        })
        .collect();
    let threads: Vec<_> = (0..3)
        .map(|t| {
            let c = library(&data);
            std::thread::spawn(move || {
                for i in 0..20 {
                    c.record(&format!("lib-{t}"), &format!("lib-{t}-{i}"), None, None, "ok", 1).unwrap();
                }
            })
        })
        .collect();
    for h in processes.into_iter().chain(threads) {
        h.join().unwrap();
    }
    let path = data.join("audit.jsonl");
    let (code, out) = verify(&data, &path);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("intact, 84 records") && out.contains("checkpoint: record 84"), "{out}");
    let records = library(&data).audit_log().unwrap().verify().unwrap();
    for p in 0..3 {
        for i in 0..8 {
            let who = format!("cli-{p}-{i}");
            assert_eq!(records.iter().filter(|r| r.operator == who).count(), 1, "{who}");
        }
    }
    for t in 0..3 {
        for i in 0..20 {
            assert_eq!(records.iter().filter(|r| r.action == format!("lib-{t}-{i}")).count(), 1);
        }
    }
}

#[test]
fn a_sign_in_over_another_shift_is_recorded_with_both_names() {
    let (_d, data) = folders();
    assert!(ecert(&data, &["counter", "sign-in", "op-17"]).status.success());
    let out = ecert(&data, &["counter", "sign-in", "op-42"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let records = library(&data).audit_log().unwrap().verify().unwrap();
    let last = records.last().unwrap();
    assert_eq!((last.operator.as_str(), last.action.as_str()), ("op-42", "sign-in"));
    assert_eq!(last.detail.as_deref(), Some("replaces:op-17"));
    assert_eq!(library(&data).operator().unwrap(), "op-42");
}

#[cfg(unix)]
#[test]
fn the_counter_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let (_d, data) = folders();
    assert!(ecert(&data, &["counter", "sign-in", "op-17"]).status.success());
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    for f in ["audit.jsonl", "audit.key", "installation-salt", "counter-operator"] {
        assert_eq!(mode(&data.join(f)), 0o600, "{f}");
    }
    assert_eq!(mode(&config_dir(&data).join(CHECKPOINT_FILE)), 0o600);
}
