//! OCSP and HTTP fetches against real servers on 127.0.0.1: a tiny PKI made with the
//! `openssl` CLI, `openssl ocsp` as the responder (delegated or CA-signed) and
//! `python3 -m http.server` serving a CRL. No mocks; both tools are required, and their
//! absence fails these tests rather than skipping them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ports;
use ports::free_port;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ecert::verify::fetch::{self, Cache, FetchError};
use ecert::verify::network::Policy;
use ecert::verify::ocsp::{self, Ask, OcspError, ResponderProblem, Status};

/// 2024-01-01T00:00:00Z, the revocation time written into index.txt.
const REVOKED_AT: u64 = 1_704_067_200;

/// The rig's servers run on 127.0.0.1, which certificates may not send us to unless the
/// user allowed it (settings `allowed_hosts` / ECERT_ALLOW_HOSTS): these tests allow it.
fn local() -> Policy {
    Policy { allowed_hosts: vec!["127.0.0.1".into()] }
}

static LOCAL: std::sync::LazyLock<Policy> = std::sync::LazyLock::new(local);

fn ask(now_unix: u64, timeout: Duration, cache: Option<&Cache>) -> Ask<'_> {
    Ask { now_unix, timeout, cache, policy: &LOCAL, max_age: ecert::verify::path::DEFAULT_MAX_AGE_SECS }
}
const TIMEOUT: Duration = Duration::from_secs(10);

const OPENSSL_CNF: &str = "\
[req]
distinguished_name = dn
[dn]
[v3ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign, digitalSignature
subjectKeyIdentifier = hash
[responder]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = OCSPSigning
[plain]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
authorityInfoAccess = OCSP;URI:http://127.0.0.1/
[rig]
database = index.txt
crlnumber = crlnumber
certificate = ca.pem
private_key = ca.key
default_md = sha256
default_crl_days = 1
";

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// Runs `openssl` in `dir`; a missing binary or a failure panics with its stderr.
fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("openssl is required for these tests: {e}"));
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A CA, responders and leaves, as PEM files in a temporary directory plus DER in memory.
struct Pki {
    dir: tempfile::TempDir,
    ca: Vec<u8>,
    good: Vec<u8>,
    revoked: Vec<u8>,
}

impl Pki {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("openssl.cnf"), OPENSSL_CNF).unwrap();
        let cnf = "openssl.cnf";
        openssl(d, &["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "ca.key"]);
        #[rustfmt::skip]
        openssl(d, &["req", "-x509", "-new", "-key", "ca.key", "-subj", "/O=Rig/CN=Rig OCSP CA", "-days", "30",
            "-sha256", "-config", cnf, "-extensions", "v3ca", "-out", "ca.pem"]);
        // Delegated responder on P-256 (ECDSA path), others RSA via the CA's signature.
        issue(d, "responder", "/O=Rig/CN=Rig OCSP Responder", "responder", "0A01", "ca");
        issue(d, "noeku", "/O=Rig/CN=Rig Responder Without EKU", "plain", "0A02", "ca");
        issue(d, "good", "/O=Rig/CN=Good Leaf", "leaf", "1001", "ca");
        issue(d, "revoked", "/O=Rig/CN=Revoked Leaf", "leaf", "1002", "ca");
        // A rogue CA under the very same name: its delegate chains by name but not by signature.
        openssl(
            d,
            &["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "rogue.key"],
        );
        #[rustfmt::skip]
        openssl(d, &["req", "-x509", "-new", "-key", "rogue.key", "-subj", "/O=Rig/CN=Rig OCSP CA", "-days", "30",
            "-config", cnf, "-extensions", "v3ca", "-out", "rogue.pem"]);
        issue(d, "rogue-responder", "/O=Rig/CN=Rig OCSP Responder", "responder", "0A03", "rogue");
        let expiry = "301231235959Z";
        let index = format!(
            "V\t{expiry}\t\t1001\tunknown\t/O=Rig/CN=Good Leaf\n\
             R\t{expiry}\t240101000000Z,keyCompromise\t1002\tunknown\t/O=Rig/CN=Revoked Leaf\n"
        );
        std::fs::write(d.join("index.txt"), index).unwrap();
        std::fs::write(d.join("crlnumber"), "01\n").unwrap();
        let ca = der(d, "ca");
        let good = der(d, "good");
        let revoked = der(d, "revoked");
        Self { dir, ca, good, revoked }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `openssl ocsp` answering for the CA, signing with `signer`.pem/.key.
    fn responder(&self, signer: &str) -> Server {
        let port = free_port();
        let (key, pem) = (format!("{signer}.key"), format!("{signer}.pem"));
        let mut cmd = Command::new("openssl");
        #[rustfmt::skip]
        cmd.args(["ocsp", "-index", "index.txt", "-port", &port.to_string(), "-rsigner", &pem, "-rkey", &key,
            "-CA", "ca.pem", "-nmin", "5", "-ignore_err"]);
        Server::start(cmd, self.path(), port, "openssl ocsp", Some("waiting for OCSP client connections"))
    }
}

/// Key and certificate `name` for `subj`, signed by `ca`.pem/.key with the `ext` section.
fn issue(d: &Path, name: &str, subj: &str, ext: &str, serial: &str, ca: &str) {
    let (key, csr, pem) = (format!("{name}.key"), format!("{name}.csr"), format!("{name}.pem"));
    openssl(d, &["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", &key]);
    openssl(d, &["req", "-new", "-key", &key, "-subj", subj, "-config", "openssl.cnf", "-out", &csr]);
    let (ca_pem, ca_key, serial) = (format!("{ca}.pem"), format!("{ca}.key"), format!("0x{serial}"));
    #[rustfmt::skip]
    openssl(d, &["x509", "-req", "-in", &csr, "-CA", &ca_pem, "-CAkey", &ca_key, "-set_serial", &serial,
        "-days", "10", "-sha256", "-extfile", "openssl.cnf", "-extensions", ext, "-out", &pem]);
}

fn der(d: &Path, name: &str) -> Vec<u8> {
    let out = format!("{name}.der");
    openssl(d, &["x509", "-in", &format!("{name}.pem"), "-outform", "DER", "-out", &out]);
    std::fs::read(d.join(out)).unwrap()
}

/// A child server process, killed when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    /// Spawns `cmd` in `dir` and waits until it is ready: `ready_line` in its stderr when
    /// given (`openssl ocsp` serves one connection at a time and hangs on a bare connect
    /// probe), otherwise a TCP connect to `port`.
    fn start(mut cmd: Command, dir: &Path, port: u16, what: &str, ready_line: Option<&str>) -> Self {
        let log = dir.join(format!("server-{port}.log"));
        let child = cmd
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap_or_else(|e| panic!("{what} is required for these tests: {e}"));
        let mut server = Self { child, port };
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = match ready_line {
                Some(line) => std::fs::read_to_string(&log).is_ok_and(|l| l.contains(line)),
                None => TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok(),
            };
            if ready {
                return server;
            }
            if let Some(status) = server.child.try_wait().unwrap() {
                panic!("{what} exited ({status}): {}", std::fs::read_to_string(&log).unwrap_or_default());
            }
            assert!(Instant::now() < deadline, "{what} did not listen on {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn delegated_responder_good_and_revoked() {
    let pki = Pki::new();
    let server = pki.responder("responder");
    let t = now();
    let good = ocsp::query(&pki.good, &pki.ca, &server.url(), &ask(t, TIMEOUT, None)).unwrap();
    assert_eq!(good.status, Status::Good);
    assert_eq!(good.responder, "CN=Rig OCSP Responder,O=Rig");
    let next = good.next_update.expect("-nmin 5 sets nextUpdate");
    assert!((t + 240..=t + 400).contains(&next), "nextUpdate {next}, now {t}");
    assert!(good.this_update.abs_diff(t) < 120 && good.produced_at.abs_diff(t) < 120);

    let revoked = ocsp::query(&pki.revoked, &pki.ca, &server.url(), &ask(t, TIMEOUT, None)).unwrap();
    assert_eq!(revoked.status, Status::Revoked { time_unix: REVOKED_AT, reason: Some(1) });

    // The same through the pieces: our request, the raw response, a nonce check.
    let nonce = [0x5a; 16];
    let (req, _) = ocsp::build_request(&pki.good, &pki.ca, Some(&nonce)).unwrap();
    let resp =
        fetch::http_post(&server.url(), "application/ocsp-request", &req, TIMEOUT, 65536, &local()).unwrap();
    let answer = ocsp::check_response(&resp, &pki.good, &pki.ca, Some(&nonce), t).unwrap();
    assert_eq!(answer.status, Status::Good);
    assert_eq!(
        ocsp::check_response(&resp, &pki.good, &pki.ca, Some(&[1; 16]), t),
        Err(OcspError::NonceMismatch)
    );
    // The answer is about `good`, not `revoked`.
    assert!(matches!(
        ocsp::check_response(&resp, &pki.revoked, &pki.ca, None, t),
        Err(OcspError::NoMatchingResponse { .. })
    ));
    // Freshness after nextUpdate. (An hour early the delegate's certificate is not yet
    // valid, which is checked first; `ca_signed_responder` covers thisUpdate in the future.)
    assert!(matches!(
        ocsp::check_response(&resp, &pki.good, &pki.ca, None, t - 3600),
        Err(OcspError::UnauthorizedResponder { problem: ResponderProblem::OutsideValidity { .. }, .. })
    ));
    assert!(matches!(
        ocsp::check_response(&resp, &pki.good, &pki.ca, None, t + 3600),
        Err(OcspError::Stale { .. })
    ));
    // Outside the responder certificate's validity (10 days) the delegation no longer holds.
    assert!(matches!(
        ocsp::check_response(&resp, &pki.good, &pki.ca, None, t + 20 * 86_400),
        Err(OcspError::UnauthorizedResponder { problem: ResponderProblem::OutsideValidity { .. }, .. })
    ));
}

#[test]
fn ca_signed_responder() {
    let pki = Pki::new();
    let server = pki.responder("ca");
    let good = ocsp::query(&pki.good, &pki.ca, &server.url(), &ask(now(), TIMEOUT, None)).unwrap();
    assert_eq!(good.status, Status::Good);
    assert_eq!(good.responder, "CN=Rig OCSP CA,O=Rig");
    let revoked = ocsp::query(&pki.revoked, &pki.ca, &server.url(), &ask(now(), TIMEOUT, None)).unwrap();
    assert!(matches!(revoked.status, Status::Revoked { time_unix: REVOKED_AT, .. }));

    let (req, _) = ocsp::build_request(&pki.good, &pki.ca, None).unwrap();
    let resp =
        fetch::http_post(&server.url(), "application/ocsp-request", &req, TIMEOUT, 65536, &local()).unwrap();
    let t = now();
    assert!(ocsp::check_response(&resp, &pki.good, &pki.ca, None, t - 200).is_ok(), "within the skew");
    assert!(matches!(
        ocsp::check_response(&resp, &pki.good, &pki.ca, None, t - 3600),
        Err(OcspError::NotYetValid { .. })
    ));
    // Without a nonce asked for, none is required; asking for one makes it required.
    assert_eq!(
        ocsp::check_response(&resp, &pki.good, &pki.ca, Some(&[2; 16]), t),
        Err(OcspError::NonceMissing)
    );
}

#[test]
fn unauthorised_delegates_are_refused() {
    let pki = Pki::new();
    let server = pki.responder("noeku");
    let e = ocsp::query(&pki.good, &pki.ca, &server.url(), &ask(now(), TIMEOUT, None)).unwrap_err();
    assert!(
        matches!(&e, OcspError::UnauthorizedResponder { problem: ResponderProblem::NoOcspSigning, .. }),
        "{e:?}"
    );
    drop(server);
    let server = pki.responder("rogue-responder");
    let e = ocsp::query(&pki.good, &pki.ca, &server.url(), &ask(now(), TIMEOUT, None)).unwrap_err();
    assert!(
        matches!(&e, OcspError::UnauthorizedResponder { problem: ResponderProblem::Signature(_), .. }),
        "{e:?}"
    );
}

#[test]
fn tampered_response_fails_signature() {
    let pki = Pki::new();
    let server = pki.responder("responder");
    let nonce = [0xa7; 16];
    let (req, _) = ocsp::build_request(&pki.revoked, &pki.ca, Some(&nonce)).unwrap();
    let resp =
        fetch::http_post(&server.url(), "application/ocsp-request", &req, TIMEOUT, 65536, &local()).unwrap();
    let t = now();
    ocsp::check_response(&resp, &pki.revoked, &pki.ca, Some(&nonce), t).unwrap();

    // A byte of the signed data (inside the echoed nonce).
    let at = resp.windows(nonce.len()).position(|w| w == nonce).expect("nonce echoed");
    let mut tampered = resp.clone();
    tampered[at + 3] ^= 1;
    let e = ocsp::check_response(&tampered, &pki.revoked, &pki.ca, None, t).unwrap_err();
    assert!(matches!(&e, OcspError::BadSignature { signer, .. } if signer.contains("Responder")), "{e:?}");

    // A byte of the signature itself.
    let parsed = ocsp::parse_response(&resp).unwrap();
    let sig = parsed.basic.signature.as_bytes().unwrap();
    let at = resp.windows(sig.len()).position(|w| w == sig).unwrap();
    let mut tampered = resp.clone();
    tampered[at + sig.len() / 2] ^= 0x80;
    let e = ocsp::check_response(&tampered, &pki.revoked, &pki.ca, None, t).unwrap_err();
    assert!(matches!(e, OcspError::BadSignature { .. }), "{e:?}");
}

#[test]
fn server_down_is_unreachable_quickly() {
    let pki = Pki::new();
    let url = format!("http://127.0.0.1:{}/", free_port());
    let started = Instant::now();
    let e = ocsp::query(&pki.good, &pki.ca, &url, &ask(now(), TIMEOUT, None)).unwrap_err();
    assert!(matches!(&e, OcspError::Fetch(FetchError::Unreachable { url: u, .. }) if *u == url), "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(3), "took {:?}", started.elapsed());
}

#[test]
fn silent_server_times_out() {
    let pki = Pki::new();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    // Accepts every connection and never answers; lives until the test process ends.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            held.push(stream);
        }
    });
    let started = Instant::now();
    let e = ocsp::query(&pki.good, &pki.ca, &url, &ask(now(), Duration::from_secs(2), None)).unwrap_err();
    let took = started.elapsed();
    assert!(matches!(&e, OcspError::Fetch(FetchError::Timeout { .. })), "{e:?}");
    assert!(took >= Duration::from_millis(1900) && took < Duration::from_secs(5), "took {took:?}");
    let started = Instant::now();
    let e = fetch::http_get(&url, Duration::from_secs(1), 100, &local()).unwrap_err();
    assert!(matches!(e, FetchError::Timeout { .. }), "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(4));
}

#[test]
fn cache_answers_without_the_server() {
    let pki = Pki::new();
    let cache_dir = pki.path().join("cache");
    let cache = Cache::new(&cache_dir);
    let server = pki.responder("responder");
    let url = server.url();
    let t = now();
    let first = ocsp::query(&pki.good, &pki.ca, &url, &ask(t, TIMEOUT, Some(&cache))).unwrap();
    assert_eq!(first.status, Status::Good);
    assert_eq!(std::fs::read_dir(&cache_dir).unwrap().count(), 1);
    drop(server);
    let e = ocsp::query(&pki.good, &pki.ca, &url, &ask(t, TIMEOUT, None)).unwrap_err();
    assert!(matches!(e, OcspError::Fetch(FetchError::Unreachable { .. })), "server is gone: {e:?}");

    let again = ocsp::query(&pki.good, &pki.ca, &url, &ask(t + 60, TIMEOUT, Some(&cache))).unwrap();
    assert_eq!(again, first, "served from the cache");
    // The revoked leaf has its own CertID: not in the cache.
    assert!(ocsp::query(&pki.revoked, &pki.ca, &url, &ask(t, TIMEOUT, Some(&cache))).is_err());
    // After nextUpdate the entry is gone and the network is needed again.
    let later = first.next_update.unwrap() + 1;
    assert!(ocsp::query(&pki.good, &pki.ca, &url, &ask(later, TIMEOUT, Some(&cache))).is_err());
}

/// Our request next to openssl's own for the same certificate: byte for byte, and
/// `openssl ocsp -req_text` reads ours.
#[test]
fn openssl_reads_our_request() {
    let pki = Pki::new();
    let d = pki.path();
    let (ours, _) = ocsp::build_request(&pki.good, &pki.ca, None).unwrap();
    openssl(d, &["ocsp", "-issuer", "ca.pem", "-cert", "good.pem", "-no_nonce", "-reqout", "theirs.der"]);
    assert_eq!(ours, std::fs::read(d.join("theirs.der")).unwrap());

    let (with_nonce, _) = ocsp::build_request(&pki.good, &pki.ca, Some(&[0xcd; 16])).unwrap();
    std::fs::write(d.join("ours.der"), &with_nonce).unwrap();
    let out = Command::new("openssl")
        .args(["ocsp", "-reqin", "ours.der", "-req_text"])
        .current_dir(d)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Hash Algorithm: sha1"), "{text}");
    assert!(text.contains("Serial Number: 1001"), "{text}");
    assert!(text.contains("OCSP Nonce"), "{text}");
    assert!(text.contains(&"CD".repeat(16)), "{text}");
}

fn http_server(dir: &Path) -> Server {
    let port = free_port();
    let mut cmd = Command::new("python3");
    let dir_arg = dir.to_string_lossy().into_owned();
    cmd.args(["-m", "http.server", "--bind", "127.0.0.1", &port.to_string(), "--directory", &dir_arg]);
    Server::start(cmd, dir, port, "python3 -m http.server", None)
}

#[test]
fn http_get_downloads_a_crl() {
    let pki = Pki::new();
    let d = pki.path();
    #[rustfmt::skip]
    openssl(d, &["ca", "-config", "openssl.cnf", "-name", "rig", "-gencrl", "-crldays", "1", "-out", "rig.crl.pem"]);
    openssl(d, &["crl", "-in", "rig.crl.pem", "-outform", "DER", "-out", "rig.crl"]);
    let want = std::fs::read(d.join("rig.crl")).unwrap();
    let server = http_server(d);

    let got = fetch::http_get(&format!("{}rig.crl", server.url()), TIMEOUT, 1 << 20, &local()).unwrap();
    assert_eq!(got, want);
    let crl = <x509_cert::crl::CertificateList as der::Decode>::from_der(&got).unwrap();
    let revoked = crl.tbs_cert_list.revoked_certificates.unwrap();
    assert_eq!(revoked.len(), 1);
    assert_eq!(revoked[0].serial_number.as_bytes(), [0x10, 0x02]);

    let missing = format!("{}missing.crl", server.url());
    let e = fetch::http_get(&missing, TIMEOUT, 1 << 20, &local()).unwrap_err();
    assert_eq!(e, FetchError::HttpStatus { url: missing, status: 404 });

    let url = format!("{}rig.crl", server.url());
    let e = fetch::http_get(&url, TIMEOUT, 16, &local()).unwrap_err();
    assert_eq!(e, FetchError::TooLarge { url, limit: 16 });
}

/// The cache directory from the environment, as the app and CLI find it.
#[test]
fn user_cache_honours_env() {
    let dir = tempfile::tempdir().unwrap();
    // Only this test touches the variable in this process's test binary.
    std::env::set_var(fetch::CACHE_DIR_ENV, dir.path());
    let cache = Cache::user().unwrap();
    std::env::remove_var(fetch::CACHE_DIR_ENV);
    assert_eq!(cache.dir(), dir.path());
    let default = Cache::user().unwrap();
    assert!(default.dir().ends_with(PathBuf::from("revocation")), "{:?}", default.dir());
}
