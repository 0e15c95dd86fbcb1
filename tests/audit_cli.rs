//! `ecert audit verify` on a real log: intact → exit 0 with the count; an edited, a removed
//! and a swapped record → exit 1 naming the line.

use std::path::Path;
use std::process::Command;

use ecert::ops::audit::{AuditLog, Entry};

fn run(file: &Path) -> (Option<i32>, String) {
    let out = match Command::new(env!("CARGO_BIN_EXE_ecert")).args(["audit", "verify"]).arg(file).output() {
        Ok(o) => o,
        Err(e) => panic!("ecert: {e}"),
    };
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn audit_verify_catches_edits_removals_and_reordering() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let log = AuditLog::open(&path, "installation-salt");
    for (i, action) in ["sign-in", "install", "verify", "remove", "sign-out"].iter().enumerate() {
        let entry = Entry {
            operator: "op-17".into(),
            action: (*action).into(),
            card_id: Some("card-0042".into()),
            cert_serial: Some("0A1B".into()),
            cert_issuer: Some("CN=Hongkong Post e-Cert CA 2 - 17".into()),
            result: "ok".into(),
        };
        log.append(&entry, 1_700_000_000 + i as u64).unwrap();
    }
    let (code, out) = run(&path);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("intact, 5 records"));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("card-0042"), "the card identifier is only stored hashed");
    let lines: Vec<&str> = text.lines().collect();

    let write = |lines: &[String]| std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let owned: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();

    let mut edited = owned.clone();
    edited[2] = edited[2].replace("\"ok\"", "\"failed\"");
    write(&edited);
    let (code, out) = run(&path);
    assert_eq!(code, Some(1));
    assert!(out.contains("line 3 was edited"), "{out}");

    let mut removed = owned.clone();
    removed.remove(1);
    write(&removed);
    let (code, out) = run(&path);
    assert_eq!(code, Some(1));
    assert!(out.contains("line 2 does not follow line 1"), "{out}");

    let mut swapped = owned.clone();
    swapped.swap(3, 4);
    write(&swapped);
    let (code, out) = run(&path);
    assert_eq!(code, Some(1));
    assert!(out.contains("line 4 does not follow line 3"), "{out}");

    write(&owned);
    assert_eq!(run(&path).0, Some(0));
}
