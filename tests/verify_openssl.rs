//! Path validation, differential: for every fixture under tests/data/chains/ (made by
//! scripts/make-verify-fixtures), `openssl verify` and `ecert verify` are run on the same files
//! at the same validation time (2026-06-01T00:00:00Z) and both verdicts must equal the case's
//! expected.txt; a verdict other than valid from ecert must carry a reason code. `undetermined`
//! (RFC 5280 §6.3.3: revocation status unknown, e.g. the only CRL is out of date) is ecert's third
//! verdict (exit 2); openssl has none and must then say invalid. CRL cases are checked
//! for every certificate of the path (`openssl verify -crl_check_all`, `ecert verify --crl`).
//! openssl is required: without it these tests fail, they are never skipped.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The validation time of every fixture.
const AT_RFC3339: &str = "2026-06-01T00:00:00Z";
const AT_EPOCH: &str = "1780272000";

fn chains() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/chains")
}

/// The files of one case folder.
struct Case {
    name: String,
    dir: PathBuf,
    /// `valid`, `invalid` or `undetermined` (ecert's verdict).
    expected: String,
    reason: String,
    /// intermediate.pem, intermediate-2.pem, ...: all untrusted.
    intermediates: Vec<PathBuf>,
    /// crl.pem and root-crl.pem, if the case checks revocation.
    crls: Vec<PathBuf>,
}

impl Case {
    fn load(name: &str) -> Case {
        let dir = chains().join(name);
        assert!(dir.is_dir(), "{}: no such fixture folder; run scripts/make-verify-fixtures", dir.display());
        let text = std::fs::read_to_string(dir.join("expected.txt")).expect("expected.txt");
        let (expected, reason) = text.trim().split_once(' ').unwrap_or((text.trim(), ""));
        assert!(
            matches!(expected, "valid" | "invalid" | "undetermined"),
            "{name}/expected.txt must start with `valid`, `invalid` or `undetermined`, not {expected:?}"
        );
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .expect("read fixture folder")
            .map(|e| e.expect("dir entry").file_name().into_string().expect("UTF-8 file name"))
            .collect();
        files.sort();
        let pick = |pred: &dyn Fn(&str) -> bool| -> Vec<PathBuf> {
            files.iter().filter(|f| pred(f)).map(|f| dir.join(f)).collect()
        };
        let intermediates =
            pick(&|f| f.starts_with("intermediate") && Path::new(f).extension().is_some_and(|e| e == "pem"));
        // The leaf's issuer's CRL first, then the root's.
        let mut crls = pick(&|f| f == "crl.pem");
        crls.extend(pick(&|f| f.ends_with("crl.pem") && f != "crl.pem"));
        Case {
            name: name.to_owned(),
            expected: expected.to_owned(),
            reason: reason.to_owned(),
            intermediates,
            crls,
            dir,
        }
    }

    fn root(&self) -> PathBuf {
        self.dir.join("root.pem")
    }

    fn leaf(&self) -> PathBuf {
        self.dir.join("leaf.pem")
    }
}

/// What one tool said: `valid`/`invalid`/`undetermined` and its own words for why.
struct Verdict {
    verdict: String,
    detail: String,
}

fn run(cmd: &mut Command, what: &str) -> std::process::Output {
    match cmd.output() {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            panic!("{what} not found ({e}): these tests need it; install it (apt-get install openssl)")
        }
        Err(e) => panic!("{what} did not run: {e}"),
    }
}

fn openssl_verify(case: &Case) -> Verdict {
    let mut cmd = Command::new("openssl");
    cmd.args(["verify", "-attime", AT_EPOCH, "-CAfile"]).arg(case.root());
    for int in &case.intermediates {
        cmd.arg("-untrusted").arg(int);
    }
    if !case.crls.is_empty() {
        cmd.arg("-crl_check_all");
        for crl in &case.crls {
            cmd.arg("-CRLfile").arg(crl);
        }
    }
    cmd.arg(case.leaf());
    let out = run(&mut cmd, "openssl");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let ok = out.status.success() && stdout.trim_end().ends_with(": OK");
    // "error 10 at 0 depth lookup: certificate has expired": openssl's first complaint.
    let detail = stdout
        .lines()
        .chain(stderr.lines())
        .find(|l| l.starts_with("error ") && l.contains(" depth lookup: "))
        .map_or_else(|| if ok { "OK".to_owned() } else { stderr.trim().to_owned() }, str::to_owned);
    Verdict { verdict: if ok { "valid" } else { "invalid" }.to_owned(), detail }
}

fn ecert_verify(case: &Case) -> Verdict {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ecert"));
    cmd.arg("verify").arg(case.leaf()).arg("--anchor").arg(case.root());
    for int in &case.intermediates {
        cmd.arg("--untrusted").arg(int);
    }
    for crl in &case.crls {
        cmd.arg("--crl").arg(crl);
    }
    cmd.args(["--at", AT_RFC3339, "--json"]);
    let out = run(&mut cmd, "ecert");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "{}: `ecert verify --json` did not print a JSON report ({e}); exit {:?}\nstdout: {stdout}\nstderr: {stderr}",
            case.name,
            out.status.code()
        )
    });
    let verdict =
        report["verdict"].as_str().unwrap_or_else(|| panic!("{}: no verdict in {report}", case.name));
    let code = match verdict {
        "valid" => 0,
        "invalid" => 1,
        "undetermined" => 2,
        other => panic!("{}: unknown verdict {other:?} in {report}", case.name),
    };
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}: exit code does not match verdict {verdict:?}; stderr: {stderr}",
        case.name
    );
    let reason = &report["reason"];
    if verdict == "valid" {
        assert!(reason.is_null(), "{}: a valid verdict with a reason: {report}", case.name);
    } else {
        let code = reason["code"].as_str().unwrap_or("");
        assert!(!code.is_empty(), "{}: verdict {verdict} without reason.code: {report}", case.name);
    }
    let detail = if reason.is_null() { "-".to_owned() } else { reason.to_string() };
    Verdict { verdict: verdict.to_owned(), detail }
}

fn check(name: &str) {
    let case = Case::load(name);
    let ossl = openssl_verify(&case);
    let ours = ecert_verify(&case);
    let mut table = String::new();
    writeln!(table, "case {name}: expected {} ({})", case.expected, case.reason).unwrap();
    writeln!(table, "  openssl: {:<12} {}", ossl.verdict, ossl.detail).unwrap();
    writeln!(table, "  ecert:   {:<12} {}", ours.verdict, ours.detail).unwrap();
    eprint!("{table}");
    // openssl has two verdicts: what ecert cannot decide, openssl refuses.
    let ossl_expected = if case.expected == "undetermined" { "invalid" } else { case.expected.as_str() };
    assert!(ossl.verdict == ossl_expected && ours.verdict == case.expected, "verdict mismatch\n{table}");
}

macro_rules! cases {
    ($($test:ident => $dir:literal,)*) => {
        $(
            #[test]
            fn $test() {
                check($dir);
            }
        )*

        /// Every fixture folder has a test above, and every test its folder.
        #[test]
        fn every_fixture_folder_is_tested() {
            let mut listed = vec![$($dir),*];
            listed.sort_unstable();
            let mut found: Vec<String> = std::fs::read_dir(chains())
                .expect("tests/data/chains; run scripts/make-verify-fixtures")
                .map(|e| e.expect("dir entry"))
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().into_string().expect("UTF-8 folder name"))
                .collect();
            found.sort();
            assert_eq!(found, listed, "tests/data/chains/ and the cases! list differ");
        }
    };
}

cases! {
    ok => "ok",
    ok_p256 => "ok-p256",
    expired_leaf => "expired-leaf",
    not_yet_valid_leaf => "not-yet-valid-leaf",
    expired_intermediate => "expired-intermediate",
    wrong_issuer => "wrong-issuer",
    bad_signature => "bad-signature",
    ca_false_intermediate => "ca-false-intermediate",
    pathlen_exceeded => "pathlen-exceeded",
    wrong_key_usage => "wrong-key-usage",
    revoked_in_crl => "revoked-in-crl",
    crl_expired => "crl-expired",
    ok_with_crl => "ok-with-crl",
}

/// The CRL cases are not vacuous: without the root's CRL, openssl's `-crl_check_all` cannot
/// decide the intermediate and refuses the otherwise valid path.
#[test]
fn openssl_needs_every_crl_of_the_path() {
    let mut case = Case::load("ok-with-crl");
    assert_eq!(openssl_verify(&case).verdict, "valid");
    case.crls.retain(|c| c.file_name().is_some_and(|n| n == "crl.pem"));
    let v = openssl_verify(&case);
    assert_eq!(v.verdict, "invalid", "{}", v.detail);
    assert!(v.detail.contains("unable to get certificate CRL"), "{}", v.detail);
}

/// The same without the root's CRL: the intermediate's revocation status is unknown, so ecert
/// can decide neither way (exit 2) where openssl, which has no third verdict, says invalid.
#[test]
fn ecert_undetermined_without_the_roots_crl() {
    let mut case = Case::load("ok-with-crl");
    case.crls.retain(|c| c.file_name().is_some_and(|n| n == "crl.pem"));
    let ours = ecert_verify(&case);
    assert_eq!(ours.verdict, "undetermined", "{}", ours.detail);
}
