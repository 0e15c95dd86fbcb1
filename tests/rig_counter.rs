//! The counter end to end on the rig (pcscd + the virtual PIV card): sign in, enroll (key on
//! card, request to the outbox), the CA issues, collect (verified, stored, receipt), renew
//! into another slot with the old e-Cert removed last, remove with two confirmations and a
//! backup — checked from the outside by yubico-piv-tool — and `ecert audit verify` on the
//! resulting log (every card action an intent, then its outcome). Collection accepts only the
//! counter's CAs (Settings `counter_cas`): a certificate from a CA that is merely a trusted
//! anchor is refused and the card is left as it was. Uses retired slots 83–87 so the other
//! rig tests' slots stay as they are.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};

use common::{run, stdout_ok};

struct Counter<'a> {
    rig: &'a common::Rig,
    data: &'a Path,
}

impl Counter<'_> {
    fn ecert(&self, args: &[&str], stdin: &str) -> Output {
        let card_args: &[&str] = if args.first() == Some(&"counter") {
            &["--token", &self.rig.piv_reader, "--pin-stdin"]
        } else {
            &[]
        };
        let mut child = common::ecert()
            .args(args)
            .args(card_args)
            .env("ECERT_PKCS11_MODULES", "")
            .env("ECERT_LANG", "en")
            .env("ECERT_DATA_DIR", self.data)
            .env("ECERT_CONFIG_DIR", self.data.join("config"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    }

    /// Puts the old e-Cert back in 85 (its key never left) and empties 86.
    fn restore(&self, d: &Path, old_pem: &Path, n: usize) {
        let (rig, pin) = (self.rig, "123456\n");
        if peer_reads(rig, "85").is_none() {
            #[rustfmt::skip]
            stdout_ok(&self.ecert(&["import-cert", "--slot", "85", old_pem.to_str().unwrap(), "--token",
                &rig.piv_reader, "--pin-stdin"], pin), "restore 85");
        }
        if peer_reads(rig, "86").is_some() {
            let backup = d.join(format!("86-{n}.der"));
            #[rustfmt::skip]
            stdout_ok(&self.ecert(&["delete", "--slot", "86", "--backup", backup.to_str().unwrap(), "--yes",
                "--token", &rig.piv_reader, "--pin-stdin"], pin), "clear 86");
        }
    }
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("openssl").current_dir(dir).args(args).output().unwrap();
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// What yubico-piv-tool reads from a slot (PEM), or `None` when the slot is empty.
fn peer_reads(rig: &common::Rig, slot: &str) -> Option<String> {
    let out = run("yubico-piv-tool", &["-r", &rig.piv_reader, "-a", "read-certificate", "-s", slot]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.success() && text.contains("BEGIN CERTIFICATE")).then_some(text)
}

fn job_id(enroll_output: &str) -> String {
    enroll_output.split_whitespace().nth(1).unwrap().trim_end_matches(':').to_owned()
}

/// The test CA issues `<job>.pem` into the inbox from `<job>.csr` in the outbox.
fn issue(dir: &Path, job: &str) {
    #[rustfmt::skip]
    openssl(dir, &["x509", "-req", "-inform", "DER", "-in", &format!("outbox/{job}.csr"), "-CA", "ca.pem",
        "-CAkey", "ca.key", "-days", "365", "-out", &format!("inbox/{job}.pem"),
        "-extfile", "ext.cnf", "-extensions", "ecert"]);
}

/// Settings naming `cas` as the counter's CAs (in the config folder the tests give `ecert`).
fn counter_cas(d: &Path, cas: &[&Path]) {
    let config = d.join("data").join("config");
    std::fs::create_dir_all(&config).unwrap();
    let settings = serde_json::json!({ "counter_cas": cas });
    std::fs::write(config.join("settings.json"), settings.to_string()).unwrap();
}

/// Outbox, inbox, data folder and a test CA in `d`, set as the counter's CA.
fn counter_folders(d: &Path) {
    for sub in ["outbox", "inbox", "data"] {
        std::fs::create_dir_all(d.join(sub)).unwrap();
    }
    std::fs::write(
        d.join("ext.cnf"),
        "[ecert]\nkeyUsage = critical, digitalSignature\nextendedKeyUsage = clientAuth, emailProtection\n",
    )
    .unwrap();
    #[rustfmt::skip]
    openssl(d, &["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "365", "-subj",
        "/CN=Counter Test e-Cert CA/O=Rig", "-keyout", "ca.key", "-out", "ca.pem",
        "-addext", "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
    counter_cas(d, &[&d.join("ca.pem")]);
}

#[test]
fn counter_enroll_renew_remove_with_receipts_and_audit() {
    let rig = common::rig();
    let _card = common::card_lock();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    counter_folders(d);
    let counter = Counter { rig: &rig, data: &d.join("data") };
    let outbox = d.join("outbox");
    let inbox = d.join("inbox");
    let (outbox, inbox) = (outbox.to_str().unwrap(), inbox.to_str().unwrap());
    let pin = "123456\n";

    // Nothing happens before an operator signs in.
    let out = counter.ecert(&["counter", "enroll", "--slot", "83", "--outbox", outbox], pin);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("sign-in"));
    stdout_ok(&counter.ecert(&["counter", "sign-in", "op-17"], ""), "sign-in");

    // Enroll into 83.
    let subject = "CN=Chan Tai Man,O=Hongkong Post e-Cert (Personal),C=HK";
    #[rustfmt::skip]
    let out = stdout_ok(&counter.ecert(&["counter", "enroll", "--slot", "83", "--subject", subject,
        "--outbox", outbox], pin), "enroll");
    let first = job_id(&out);
    // Collecting before the CA answered says so and changes nothing.
    let early = counter.ecert(&["counter", "collect", "--inbox", inbox], pin);
    assert!(!early.status.success());
    assert!(String::from_utf8_lossy(&early.stderr).contains("not in the inbox yet"));
    issue(d, &first);
    let receipt = stdout_ok(&counter.ecert(&["counter", "collect", "--inbox", inbox], pin), "collect");
    assert!(receipt.contains("stored and verified"), "{receipt}");
    assert!(receipt.contains("op-17") && receipt.contains("Chan Tai Man"));
    assert!(!receipt.contains("123456"), "no PIN on a receipt");
    assert!(d.join("inbox").join(format!("{first}-receipt.txt")).is_file());
    let in_83 = peer_reads(&rig, "83").expect("yubico-piv-tool reads the new e-Cert in 83");
    assert!(in_83.contains("BEGIN CERTIFICATE"));

    // Renew into 84; the e-Cert in 83 is removed only at the end.
    #[rustfmt::skip]
    let out = stdout_ok(&counter.ecert(&["counter", "enroll", "--slot", "84", "--replaces", "83",
        "--outbox", outbox], pin), "renew request");
    let second = job_id(&out);
    assert!(peer_reads(&rig, "83").is_some(), "the old e-Cert stays while the renewal is pending");
    issue(d, &second);
    let receipt = stdout_ok(&counter.ecert(&["counter", "collect", "--inbox", inbox], pin), "collect");
    assert!(receipt.contains("previous e-Cert in 83 removed"), "{receipt}");
    assert!(peer_reads(&rig, "84").is_some());
    assert!(peer_reads(&rig, "83").is_none());

    // Remove needs the slot confirmed twice, and backs up first.
    let backup = d.join("backup-84.der");
    let backup_arg = backup.to_str().unwrap();
    let once = counter.ecert(&["counter", "remove", "--slot", "84", "--backup", backup_arg, "--yes"], pin);
    assert!(!once.status.success());
    assert!(String::from_utf8_lossy(&once.stderr).contains("two confirmations"));
    assert!(peer_reads(&rig, "84").is_some(), "nothing removed on one confirmation");
    // An existing backup file is never written over: refused, nothing removed.
    std::fs::write(&backup, b"an earlier backup").unwrap();
    #[rustfmt::skip]
    let taken = counter.ecert(&["counter", "remove", "--slot", "84", "--backup", backup_arg, "--yes",
        "--confirm", "84"], pin);
    assert!(!taken.status.success());
    assert!(String::from_utf8_lossy(&taken.stderr).contains("a file is already there"), "{taken:?}");
    assert_eq!(std::fs::read(&backup).unwrap(), b"an earlier backup");
    assert!(peer_reads(&rig, "84").is_some(), "nothing removed");
    std::fs::remove_file(&backup).unwrap();
    #[rustfmt::skip]
    stdout_ok(&counter.ecert(&["counter", "remove", "--slot", "84", "--backup", backup_arg, "--yes",
        "--confirm", "84"], pin), "remove");
    assert!(peer_reads(&rig, "84").is_none());
    let issued_second = std::fs::read_to_string(d.join("inbox").join(format!("{second}.pem"))).unwrap();
    let backed_up = std::fs::read(&backup).unwrap();
    assert_eq!(
        pem_rfc7468::encode_string("CERTIFICATE", pem_rfc7468::LineEnding::LF, &backed_up).unwrap().trim(),
        issued_second.trim()
    );
    stdout_ok(&counter.ecert(&["counter", "sign-out"], ""), "sign-out");

    // The audit log: intact, every step there, no PIN, no card identifier.
    let log = d.join("data").join("audit.jsonl");
    let verified = stdout_ok(&counter.ecert(&["audit", "verify", log.to_str().unwrap()], ""), "audit verify");
    // sign-in, (enroll-request, collect ×2 early + good, enroll-request, collect, remove) as
    // intent + outcome, sign-out.
    assert!(verified.contains("intact, 14 records (keyed)"), "{verified}");
    assert!(verified.contains("checkpoint: record 14"), "{verified}");
    let text = std::fs::read_to_string(&log).unwrap();
    let records: Vec<ecert::ops::audit::Record> =
        text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let got: Vec<(&str, &str)> = records.iter().map(|r| (r.action.as_str(), r.result.as_str())).collect();
    #[rustfmt::skip]
    assert_eq!(got, [("sign-in", "ok"),
        ("enroll-request", "intent"), ("enroll-request", "ok"),
        ("enroll-store", "intent"), ("enroll-store", "failed"),
        ("enroll-store", "intent"), ("enroll-store", "ok"),
        ("enroll-request", "intent"), ("enroll-request", "ok"),
        ("enroll-store", "intent"), ("enroll-store", "ok"),
        ("remove", "intent"), ("remove", "ok"),
        ("sign-out", "ok")][..]);
    assert!(!text.contains("123456"));
    let tokens: serde_json::Value =
        serde_json::from_slice(&counter.ecert(&["tokens", "--json", "--no-pkcs11"], "").stdout).unwrap();
    if let Some(serial) = tokens.as_array().and_then(|t| t.first()).and_then(|t| t["serial"].as_str()) {
        assert!(!text.contains(serial), "the card identifier is stored only hashed");
    }
}

fn rig_cmd(rig: &common::Rig, verb: &str) {
    let out = std::process::Command::new(&rig.script).arg(verb).output().unwrap();
    stdout_ok(&out, &format!("rig {verb}"));
}

/// The virtual card's process is killed while `ecert counter collect` stores a renewed
/// e-Cert (import into 86, then removal of the old one in 85), at a spread of moments. After
/// each kill the card holds the old e-Cert or the new one; `resume` or `rollback` on the next
/// insert ends cleanly.
#[test]
fn card_killed_during_collect_loses_nothing() {
    let rig = common::rig();
    let _card = common::card_lock();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    counter_folders(d);
    let counter = Counter { rig: &rig, data: &d.join("data") };
    let (outbox, inbox) = (d.join("outbox"), d.join("inbox"));
    let (outbox, inbox) = (outbox.to_str().unwrap(), inbox.to_str().unwrap());
    let pin = "123456\n";
    stdout_ok(&counter.ecert(&["counter", "sign-in", "op-kill"], ""), "sign-in");
    // Slots left over by an earlier, interrupted run of this test are cleared first.
    for slot in ["85", "86"] {
        if peer_reads(&rig, slot).is_some() {
            let backup = d.join(format!("left-{slot}.der"));
            #[rustfmt::skip]
            stdout_ok(&counter.ecert(&["delete", "--slot", slot, "--backup", backup.to_str().unwrap(), "--yes",
                "--token", &rig.piv_reader, "--pin-stdin"], pin), "clear");
        }
    }
    let subject = "CN=Lee Siu Ming,O=Hongkong Post e-Cert (Personal),C=HK";
    #[rustfmt::skip]
    let job = job_id(&stdout_ok(&counter.ecert(&["counter", "enroll", "--slot", "85", "--subject", subject,
        "--outbox", outbox], pin), "enroll"));
    issue(d, &job);
    stdout_ok(&counter.ecert(&["counter", "collect", "--inbox", inbox], pin), "collect");
    let old = peer_reads(&rig, "85").expect("old e-Cert in 85");
    let old_pem = d.join("old.pem");
    std::fs::write(&old_pem, &old).unwrap();

    let (mut tried, mut lost, mut interrupted) = (0, 0, 0);
    for (n, delay_ms) in [0u64, 30, 60, 90, 120, 160, 200, 260, 330, 420].into_iter().enumerate() {
        #[rustfmt::skip]
        let job = job_id(&stdout_ok(&counter.ecert(&["counter", "enroll", "--slot", "86", "--replaces", "85",
            "--outbox", outbox], pin), "renew request"));
        issue(d, &job);
        let mut child = common::ecert()
            .args(["counter", "collect", "--inbox", inbox, "--token", &rig.piv_reader, "--pin-stdin"])
            .env("ECERT_PKCS11_MODULES", "")
            .env("ECERT_DATA_DIR", counter.data)
            .env("ECERT_CONFIG_DIR", counter.data.join("config"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(pin.as_bytes()).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        rig_cmd(&rig, "card-out");
        let finished = child.wait_with_output().unwrap().status.success();
        rig_cmd(&rig, "card-in");
        tried += 1;
        interrupted += usize::from(!finished);
        let (a, b) = (peer_reads(&rig, "85"), peer_reads(&rig, "86"));
        if a.as_deref() != Some(old.as_str()) && b.is_none() {
            lost += 1;
        }
        // Next insert: finish (even) or undo (odd) whatever was interrupted.
        let verb = if n % 2 == 0 { "resume" } else { "rollback" };
        let out = counter.ecert(&["counter", verb], pin);
        let said = String::from_utf8_lossy(&out.stdout).into_owned();
        if said.contains("waiting for the issued certificate") {
            stdout_ok(&counter.ecert(&["counter", "collect", "--inbox", inbox], pin), "collect");
        }
        assert!(
            out.status.success()
                || (finished && String::from_utf8_lossy(&out.stderr).contains("nothing to do")),
            "{verb} after a cut at {delay_ms} ms: {said} {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // Back to the old state: the old key never left 85.
        counter.restore(d, &old_pem, n);
    }
    println!(
        "card killed during collect at {tried} moments ({interrupted} interrupted it), {lost} states lost"
    );
    assert_eq!(lost, 0);
    assert!(interrupted >= 3, "only {interrupted} kills landed during the operation");
    // Leave the retired slots empty for other tests.
    let backup = d.join("85.der");
    #[rustfmt::skip]
    stdout_ok(&counter.ecert(&["counter", "remove", "--slot", "85", "--backup", backup.to_str().unwrap(), "--yes",
        "--confirm", "85"], pin), "remove");
    let log = d.join("data").join("audit.jsonl");
    stdout_ok(&counter.ecert(&["audit", "verify", log.to_str().unwrap()], ""), "audit verify");
}

/// The test CA is a trusted anchor (added by the user) but not one of the counter's CAs:
/// the issued certificate is refused and slot 87 stays empty; with the counter's CAs set to
/// another CA it is refused too; named as a counter CA, the same certificate is stored.
#[test]
fn collect_accepts_only_the_counter_cas_not_any_trusted_anchor() {
    let rig = common::rig();
    let _card = common::card_lock();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    counter_folders(d);
    let counter = Counter { rig: &rig, data: &d.join("data") };
    let (outbox, inbox) = (d.join("outbox"), d.join("inbox"));
    let (outbox, inbox) = (outbox.to_str().unwrap(), inbox.to_str().unwrap());
    let pin = "123456\n";
    if peer_reads(&rig, "87").is_some() {
        let backup = d.join("left-87.der");
        #[rustfmt::skip]
        stdout_ok(&counter.ecert(&["delete", "--slot", "87", "--backup", backup.to_str().unwrap(), "--yes",
            "--token", &rig.piv_reader, "--pin-stdin"], pin), "clear 87");
    }
    stdout_ok(&counter.ecert(&["counter", "sign-in", "op-ca"], ""), "sign-in");
    #[rustfmt::skip]
    let job = job_id(&stdout_ok(&counter.ecert(&["counter", "enroll", "--slot", "87", "--subject",
        "CN=Wong Siu Wai,O=Hongkong Post e-Cert (Personal),C=HK", "--outbox", outbox], pin), "enroll"));
    issue(d, &job);
    // The user trusts the test CA as an anchor; the counter's CAs are the defaults.
    stdout_ok(&counter.ecert(&["anchors", "add", d.join("ca.pem").to_str().unwrap(), "--yes"], ""), "anchor");
    counter_cas(d, &[]);
    let refused = counter.ecert(&["counter", "collect", "--inbox", inbox], pin);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("does not verify"), "{refused:?}");
    assert!(peer_reads(&rig, "87").is_none(), "nothing stored from a CA that is not the counter's");
    // Another CA named as the counter's: refused as well.
    #[rustfmt::skip]
    openssl(d, &["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "365", "-subj", "/CN=Other CA",
        "-keyout", "other.key", "-out", "other.pem", "-addext", "basicConstraints=critical,CA:true"]);
    counter_cas(d, &[&d.join("other.pem")]);
    assert!(!counter.ecert(&["counter", "collect", "--inbox", inbox], pin).status.success());
    assert!(peer_reads(&rig, "87").is_none());
    // Named as a counter CA, the same certificate is stored.
    counter_cas(d, &[&d.join("ca.pem")]);
    stdout_ok(&counter.ecert(&["counter", "collect", "--inbox", inbox], pin), "collect");
    let stored = peer_reads(&rig, "87").expect("stored in 87");
    let issued = std::fs::read_to_string(d.join("inbox").join(format!("{job}.pem"))).unwrap();
    assert_eq!(stored.trim(), issued.trim());
    // Each refusal is an intent and a failed outcome with the error's id.
    let log = d.join("data").join("audit.jsonl");
    let records: Vec<ecert::ops::audit::Record> =
        std::fs::read_to_string(&log).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let failed: Vec<_> =
        records.iter().filter(|r| r.action == "enroll-store" && r.result == "failed").collect();
    assert_eq!(failed.len(), 2);
    assert!(
        failed.iter().all(|r| r.detail.as_deref().is_some_and(|d| d.contains("error=err-"))),
        "{failed:?}"
    );
    let backup = d.join("87.der");
    #[rustfmt::skip]
    stdout_ok(&counter.ecert(&["counter", "remove", "--slot", "87", "--backup", backup.to_str().unwrap(), "--yes",
        "--confirm", "87"], pin), "remove");
}

/// `ecert counter install --p12`: the journaled install, audited like enrollment (intent then
/// outcome; a wrong file password is a failed outcome and changes nothing), checked from the
/// outside by yubico-piv-tool's signature test.
#[test]
fn counter_installs_an_ecert_file_audited() {
    let rig = common::rig();
    let _card = common::card_lock();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    counter_folders(d);
    let counter = Counter { rig: &rig, data: &d.join("data") };
    #[rustfmt::skip]
    openssl(d, &["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days",
        "30", "-subj", "/CN=Chan Tai Man/O=e-Cert file", "-keyout", "file.key", "-out", "file.crt"]);
    openssl(
        d,
        &[
            "pkcs12", "-export", "-inkey", "file.key", "-in", "file.crt", "-passout", "pass:pw", "-out",
            "file.p12",
        ],
    );
    let p12 = d.join("file.p12");
    let p12 = p12.to_str().unwrap();
    let _ = run("yubico-piv-tool", &["-r", &rig.piv_reader, "-a", "delete-certificate", "-s", "87"]);
    stdout_ok(&counter.ecert(&["counter", "sign-in", "op-18"], ""), "sign-in");
    let wrong = counter.ecert(&["counter", "install", "--p12", p12, "--slot", "87"], "nope\n123456\n");
    assert!(!wrong.status.success());
    assert_eq!(peer_reads(&rig, "87"), None, "a wrong password writes nothing");
    let out = counter.ecert(&["counter", "install", "--p12", p12, "--slot", "87"], "pw\n123456\n");
    assert!(out.status.success(), "counter install: {}", String::from_utf8_lossy(&out.stderr));
    let crt = d.join("file.crt");
    let signed = run(
        "yubico-piv-tool",
        &[
            "-r",
            &rig.piv_reader,
            "-a",
            "verify-pin",
            "-P",
            "123456",
            "-a",
            "test-signature",
            "-s",
            "87",
            "-i",
            crt.to_str().unwrap(),
        ],
    );
    assert!(signed.status.success(), "{}", String::from_utf8_lossy(&signed.stderr));
    stdout_ok(&counter.ecert(&["counter", "sign-out"], ""), "sign-out");
    let log = d.join("data").join("audit.jsonl");
    stdout_ok(&counter.ecert(&["audit", "verify", log.to_str().unwrap()], ""), "audit verify");
    let text = std::fs::read_to_string(&log).unwrap();
    let records: Vec<ecert::ops::audit::Record> =
        text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let got: Vec<(&str, &str)> = records.iter().map(|r| (r.action.as_str(), r.result.as_str())).collect();
    #[rustfmt::skip]
    assert_eq!(got, [("sign-in", "ok"), ("install", "intent"), ("install", "failed"),
        ("install", "intent"), ("install", "ok"), ("sign-out", "ok")][..]);
    assert!(!text.contains("123456") && !text.contains("\"pw\""));
    let _ = run("yubico-piv-tool", &["-r", &rig.piv_reader, "-a", "delete-certificate", "-s", "87"]);
}
