//! Network only when asked, only where expected (issue 13 item 4), against misbehaving
//! servers on 127.0.0.1/127.0.0.2 written here as raw `TcpListener`s: a redirect to another
//! host, a host from a certificate on a loopback address, a certificate naming a hundred
//! URLs, and `--online` while the `offline` setting is on. Certificates are made with openssl.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ecert::verify::fetch::{self, FetchError};
use ecert::verify::network::{Policy, Refusal, MAX_URLS_PER_CHECK};

/// A server that answers every request with `reply` and counts the connections it got.
struct Counting {
    port: u16,
    hits: Arc<AtomicUsize>,
}

fn serve(ip: &str, reply: String) -> Counting {
    let listener = TcpListener::bind((ip, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&hits);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            counter.fetch_add(1, Ordering::SeqCst);
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let _ = s.write_all(reply.as_bytes());
        }
    });
    Counting { port, hits }
}

fn not_found() -> String {
    "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into()
}

fn local() -> Policy {
    Policy { allowed_hosts: vec!["127.0.0.1".into()] }
}

#[test]
fn redirect_to_another_host_is_not_followed() {
    let target = serve("127.0.0.2", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi".into());
    for location in [format!("http://127.0.0.2:{}/x.crl", target.port), "http://127.0.0.1:1/same-host".into()]
    {
        let redirecting = serve(
            "127.0.0.1",
            format!("HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
        );
        let url = format!("http://127.0.0.1:{}/a.crl", redirecting.port);
        let e = fetch::http_get(&url, Duration::from_secs(5), 1024, &local()).unwrap_err();
        assert_eq!(e, FetchError::Redirect { url, location }, "a 3xx is an error naming where it pointed");
        assert_eq!(redirecting.hits.load(Ordering::SeqCst), 1);
    }
    assert_eq!(target.hits.load(Ordering::SeqCst), 0, "the redirect target was never contacted");
}

#[test]
fn loopback_from_a_certificate_is_refused_unless_allowed() {
    let server =
        serve("127.0.0.2", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".into());
    let url = format!("http://127.0.0.2:{}/x", server.port);
    for policy in [Policy::default(), local()] {
        let e = fetch::http_get(&url, Duration::from_secs(5), 1024, &policy).unwrap_err();
        assert!(
            matches!(&e, FetchError::Refused { refusal: Refusal::NotPublic { .. }, .. }),
            "127.0.0.2 is not allowed by {policy:?}: {e:?}"
        );
        let e = fetch::http_post(&url, "a/b", b"x", Duration::from_secs(5), 1024, &policy).unwrap_err();
        assert!(matches!(e, FetchError::Refused { .. }), "{e:?}");
    }
    assert_eq!(server.hits.load(Ordering::SeqCst), 0, "nothing connected to 127.0.0.2");
    let allowed = Policy { allowed_hosts: vec!["127.0.0.2".into()] };
    assert_eq!(fetch::http_get(&url, Duration::from_secs(5), 1024, &allowed).unwrap(), b"ok");
    assert_eq!(server.hits.load(Ordering::SeqCst), 1);
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("openssl is required for these tests: {e}"));
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A P-256 CA and a leaf with `extensions` (an openssl extension file body).
fn ca_and_leaf(d: &Path, extensions: &str) {
    openssl(d, &["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ca.key"]);
    #[rustfmt::skip]
    openssl(d, &["req", "-x509", "-new", "-key", "ca.key", "-subj", "/O=Net/CN=Net CA", "-days", "30",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        "-out", "ca.pem"]);
    openssl(d, &["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "leaf.key"]);
    openssl(d, &["req", "-new", "-key", "leaf.key", "-subj", "/O=Net/CN=Net Leaf", "-out", "leaf.csr"]);
    std::fs::write(d.join("leaf.ext"), extensions).unwrap();
    #[rustfmt::skip]
    openssl(d, &["x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", "4097",
        "-days", "20", "-extfile", "leaf.ext", "-out", "leaf.pem"]);
}

fn ecert_verify(d: &Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ecert"));
    cmd.args(["verify", "leaf.pem", "--anchor", "ca.pem", "--json"])
        .args(args)
        .current_dir(d)
        .env("ECERT_CACHE_DIR", d.join("cache"))
        .env("ECERT_CONFIG_DIR", d.join("config"))
        .env_remove("ECERT_ALLOW_HOSTS");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {} / {}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    })
}

#[test]
fn a_hundred_urls_in_a_certificate_are_capped_and_counted() {
    let server = serve("127.0.0.1", not_found());
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let url = |kind: &str, i: usize| format!("URI:http://127.0.0.1:{}/{kind}{i}", server.port);
    let ocsp: Vec<String> = (0..100).map(|i| format!("OCSP;{}", url("ocsp", i))).collect();
    let crl: Vec<String> = (0..100).map(|i| url("crl", i)).collect();
    let ext = format!(
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n\
         authorityInfoAccess={}\ncrlDistributionPoints={}\n",
        ocsp.join(","),
        crl.join(",")
    );
    ca_and_leaf(d, &ext);
    let out = ecert_verify(d, &["--online"], &[("ECERT_ALLOW_HOSTS", "127.0.0.1")]);
    assert_eq!(out.status.code(), Some(2), "could not decide: {}", String::from_utf8_lossy(&out.stderr));
    let report = json(&out);
    let detail = report["reason"]["detail"].as_str().unwrap_or_default().to_owned();
    assert!(detail.contains("92 more OCSP URLs"), "{detail}");
    assert!(detail.contains("92 more CRL URLs"), "{detail}");
    assert_eq!(
        server.hits.load(Ordering::SeqCst),
        2 * MAX_URLS_PER_CHECK,
        "at most {MAX_URLS_PER_CHECK} OCSP and {MAX_URLS_PER_CHECK} CRL fetches"
    );
}

#[test]
fn certificate_naming_127_0_0_2_is_not_followed_without_allowed_hosts() {
    let server = serve("127.0.0.2", not_found());
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ca_and_leaf(
        d,
        &format!(
            "basicConstraints=critical,CA:FALSE\nauthorityInfoAccess=OCSP;URI:http://127.0.0.2:{}/\n",
            server.port
        ),
    );
    let out = ecert_verify(d, &["--online"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let detail = json(&out)["reason"]["detail"].as_str().unwrap_or_default().to_owned();
    assert!(detail.contains("not contacted") && detail.contains("127.0.0.2"), "{detail}");
    assert_eq!(server.hits.load(Ordering::SeqCst), 0);
    // The user allows the host (settings allowed_hosts, or the environment): it is asked.
    std::fs::create_dir_all(d.join("config")).unwrap();
    std::fs::write(d.join("config/settings.json"), r#"{"allowed_hosts": ["127.0.0.2"]}"#).unwrap();
    let out = ecert_verify(d, &["--online"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(server.hits.load(Ordering::SeqCst), 1, "allowed in the settings");
    std::fs::remove_file(d.join("config/settings.json")).unwrap();
    let _ = ecert_verify(d, &["--online"], &[("ECERT_ALLOW_HOSTS", "127.0.0.2")]);
    assert_eq!(server.hits.load(Ordering::SeqCst), 2, "allowed in the environment");
}

#[test]
fn offline_setting_wins_over_online() {
    let server = serve("127.0.0.1", not_found());
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ca_and_leaf(
        d,
        &format!(
            "basicConstraints=critical,CA:FALSE\nauthorityInfoAccess=OCSP;URI:http://127.0.0.1:{}/\n",
            server.port
        ),
    );
    std::fs::create_dir_all(d.join("config")).unwrap();
    std::fs::write(d.join("config/settings.json"), r#"{"offline": true}"#).unwrap();
    let out = ecert_verify(d, &["--online"], &[("ECERT_ALLOW_HOSTS", "127.0.0.1")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "refused");
    assert!(out.stdout.is_empty(), "no verdict printed");
    assert!(stderr.contains("Offline mode is on") && stderr.contains("settings.json"), "{stderr}");
    assert!(stderr.contains("without --online"), "says how to proceed: {stderr}");
    assert_eq!(server.hits.load(Ordering::SeqCst), 0, "nothing contacted");
    // Without --online the same command works offline.
    let out = ecert_verify(d, &[], &[]);
    assert_eq!(json(&out)["verdict"], "valid");
}

#[test]
fn app_revocation_is_off_while_offline() {
    use ecert::settings::Settings;
    use ecert::verify::Revocation;
    let on = Settings { revocation_checking: true, ..Settings::default() };
    assert_eq!(on.revocation_mode(), Revocation::Online);
    let offline = Settings { revocation_checking: true, offline: true, ..Settings::default() };
    assert_eq!(offline.revocation_mode(), Revocation::Off);
}

/// One budget for the whole verification, downloads included: with a small budget the
/// hundred-URL certificate is given up as "could not decide" (work limit) after a few
/// fetches, not after 16.
#[test]
fn work_budget_covers_downloads_and_runs_out_as_could_not_decide() {
    use ecert::verify::network::FETCH_COST;
    use ecert::verify::{Cert, Options, Reason, Revocation, Verdict};
    let server = serve("127.0.0.1", not_found());
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let url = |kind: &str, i: usize| format!("URI:http://127.0.0.1:{}/{kind}{i}", server.port);
    let ocsp: Vec<String> = (0..100).map(|i| format!("OCSP;{}", url("ocsp", i))).collect();
    let crl: Vec<String> = (0..100).map(|i| url("crl", i)).collect();
    let ext = format!(
        "basicConstraints=critical,CA:FALSE\nauthorityInfoAccess={}\ncrlDistributionPoints={}\n",
        ocsp.join(","),
        crl.join(",")
    );
    ca_and_leaf(d, &ext);
    let read = |name: &str| {
        let pem = std::fs::read(d.join(name)).unwrap();
        Cert::parse(&pem_rfc7468::decode_vec(&pem).unwrap().1).unwrap()
    };
    let (leaf, ca) = (read("leaf.pem"), read("ca.pem"));
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let limit = 3 * FETCH_COST + 10;
    let options = Options {
        time: now,
        revocation: Revocation::Online,
        network: local(),
        work_limit: Some(limit),
        ..Options::default()
    };
    std::env::set_var("ECERT_CACHE_DIR", d.join("cache"));
    let report = ecert::verify::verify(&leaf, &[], &[ca], &[], &options);
    assert_eq!(report.verdict, Verdict::Undetermined);
    assert_eq!(report.reason, Some(Reason::WorkLimit { work: limit }), "{:?}", report.reason_text);
    let hits = server.hits.load(Ordering::SeqCst);
    assert!((1..=3).contains(&hits), "{hits} fetches within a budget of three");
}
