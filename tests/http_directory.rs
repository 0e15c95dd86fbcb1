//! `ecert directory search` against a plain HTTP repository (RFC 2585: a URL serving
//! certificates and CRLs) on a real `python3 -m http.server` on 127.0.0.1: a PKCS#7 bundle
//! (GoodCA, its end entity and its CRL, from PKITS) is searched by name and the hit is
//! checked with what the repository served; a page that is no certificate and a
//! server that is gone are clear errors. python3 is required; its absence fails the test.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ports;
use ports::free_port;
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(dir: &Path, port: u16) -> Server {
    let child = Command::new("python3")
        .args(["-m", "http.server", "--bind", "127.0.0.1", &port.to_string(), "--directory"])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 (scripts/deps installs it)");
    let server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "http.server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

fn data(rel: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(rel)
}

/// Runs `ecert directory search` with its own settings folder; (exit code, stdout, stderr).
fn search(url: &str, query: &[&str]) -> (Option<i32>, String, String) {
    let config = tempfile::tempdir().unwrap();
    let anchor = data("pkits/certs/TrustAnchorRootCertificate.crt");
    let out = Command::new(env!("CARGO_BIN_EXE_ecert"))
        .env("ECERT_CONFIG_DIR", config.path())
        .args(["directory", "search", "--directory", url])
        .args(query)
        .args(["--anchor", anchor.to_str().unwrap(), "--at", "2011-04-15T00:00:00Z", "--json"])
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_pkcs7_repository_is_searched_and_its_hits_checked() {
    let www = tempfile::tempdir().unwrap();
    std::fs::copy(data("pkcs7/repository.p7c"), www.path().join("repository.p7c")).unwrap();
    std::fs::write(www.path().join("index.html"), "<html>not a certificate</html>").unwrap();
    let port = free_port();
    let server = serve(www.path(), port);
    let url = format!("http://127.0.0.1:{port}/repository.p7c");

    let (code, out, err) = search(&url, &["--name", "Valid EE Certificate Test1"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains(&format!("downloading {url}")), "network use is announced: {err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{out}");
    assert!(results[0]["subject"].as_str().unwrap().contains("Valid EE Certificate Test1"), "{out}");
    // GoodCA's certificate and CRL came from the bundle, the anchor's CRL did not: GoodCA's
    // status cannot be decided offline, and the hit is never guessed valid.
    assert_eq!(results[0]["status"], "undetermined", "{out}");
    assert_eq!(results[0]["crl_sources"], serde_json::json!([url]), "the bundle's CRL was used: {out}");
    assert_eq!(results[0]["report"]["chain"][1]["subject"], "CN=Good CA,O=Test Certificates 2011,C=US");

    let (code, out, _) = search(&url, &["--name", "Good CA"]);
    assert_eq!(code, Some(0));
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["results"].as_array().unwrap().len(), 1, "{out}");

    let (code, out, _) = search(&url, &["--name", "Nobody Here"]);
    assert_eq!(code, Some(0));
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(v["results"].as_array().unwrap().is_empty(), "{out}");

    // A page that is no certificate: a clear error, no results.
    let (code, _, err) = search(&format!("http://127.0.0.1:{port}/index.html"), &["--name", "x"]);
    assert_ne!(code, Some(0));
    assert!(err.contains("certificate or CRL"), "{err}");

    // The server gone: a clear error, quickly.
    drop(server);
    let started = Instant::now();
    let (code, _, err) = search(&url, &["--name", "x"]);
    assert_ne!(code, Some(0));
    assert!(started.elapsed() < Duration::from_secs(15), "{:?}", started.elapsed());
    assert!(!err.is_empty());
}
