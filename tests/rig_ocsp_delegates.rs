//! Delegated OCSP responders (RFC 6960 §4.2.2.2, issue 13 item 7) and the freshness of
//! answers without nextUpdate (item 5), against a real `openssl ocsp` responder and a
//! `python3 -m http.server` on 127.0.0.1, with responder certificates made by openssl: with
//! and without id-pkix-ocsp-nocheck, revoked by the CA's CRL, keyUsage keyEncipherment only,
//! an unknown critical extension. CRLs without nextUpdate are signed by `openssl dgst` over a
//! TBSCertList built here (`openssl ca` always writes a nextUpdate).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ports;
use ports::free_port;
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use der::{Decode, Encode};
use ecert::verify::network::Policy;
use ecert::verify::ocsp::{self, Ask, OcspError, ResponderProblem};
use ecert::verify::path::DEFAULT_MAX_AGE_SECS;

const DAY: u64 = 86_400;

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("openssl is required for these tests: {e}"));
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A child server process, killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(mut cmd: Command, dir: &Path, port: u16, what: &str, ready_line: Option<&str>) -> Server {
    let log = dir.join(format!("server-{port}.log"));
    let child = cmd
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("{what} is required for these tests: {e}"));
    let mut server = Server(child);
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
        if let Some(status) = server.0.try_wait().unwrap() {
            panic!("{what} exited ({status}): {}", std::fs::read_to_string(&log).unwrap_or_default());
        }
        assert!(Instant::now() < deadline, "{what} did not listen on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

const CNF: &str = "\
[ca]
default_ca = net
[net]
database = index.txt
crlnumber = crlnumber
certificate = ca.pem
private_key = ca.key
default_md = sha256
default_crl_days = 1
[req]
distinguished_name = dn
[dn]
";

/// The responders: name, serial, extensions (besides basicConstraints).
const RESPONDERS: [(&str, &str, &str); 5] = [
    ("nocheck", "0A01", "keyUsage=critical,digitalSignature\nextendedKeyUsage=OCSPSigning\nnoCheck=ignored\n"),
    ("checked", "0A02", "keyUsage=critical,digitalSignature\nextendedKeyUsage=OCSPSigning\n{CDP}"),
    ("revokedresp", "0A03", "keyUsage=critical,digitalSignature\nextendedKeyUsage=OCSPSigning\n{CDP}"),
    ("kenc", "0A04", "keyUsage=critical,keyEncipherment\nextendedKeyUsage=OCSPSigning\nnoCheck=ignored\n"),
    (
        "critical",
        "0A05",
        "keyUsage=critical,digitalSignature\nextendedKeyUsage=OCSPSigning\nnoCheck=ignored\n1.2.3.4=critical,ASN1:NULL\n",
    ),
];

struct Pki {
    dir: tempfile::TempDir,
    ocsp_port: u16,
    http_port: u16,
}

impl Pki {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let (ocsp_port, http_port) = (free_port(), free_port());
        std::fs::write(d.join("openssl.cnf"), CNF).unwrap();
        std::fs::create_dir(d.join("www")).unwrap();
        let ec = ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out"];
        openssl(d, &[&ec[..], &["ca.key"]].concat());
        #[rustfmt::skip]
        openssl(d, &["req", "-x509", "-new", "-key", "ca.key", "-subj", "/O=Net/CN=Net OCSP CA", "-days", "60",
            "-config", "openssl.cnf", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-addext", "subjectKeyIdentifier=hash",
            "-out", "ca.pem"]);
        let cdp = format!("crlDistributionPoints=URI:http://127.0.0.1:{http_port}/ca.crl\n");
        let leaf = format!(
            "keyUsage=critical,digitalSignature\nauthorityInfoAccess=OCSP;URI:http://127.0.0.1:{ocsp_port}/\n"
        );
        let issue = |name: &str, serial: &str, ext: &str| {
            let (key, csr, pem) = (format!("{name}.key"), format!("{name}.csr"), format!("{name}.pem"));
            openssl(d, &[&ec[..], &[key.as_str()]].concat());
            let subj = format!("/O=Net/CN={name}");
            openssl(
                d,
                &["req", "-new", "-key", &key, "-subj", &subj, "-config", "openssl.cnf", "-out", &csr],
            );
            let extfile = format!("{name}.ext");
            std::fs::write(d.join(&extfile), format!("basicConstraints=critical,CA:FALSE\n{ext}")).unwrap();
            #[rustfmt::skip]
            openssl(d, &["x509", "-req", "-in", &csr, "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial",
                &format!("0x{serial}"), "-days", "30", "-extfile", &extfile, "-out", &pem]);
        };
        issue("leaf", "1001", &leaf);
        issue("plainleaf", "1002", "keyUsage=critical,digitalSignature\n");
        for (name, serial, ext) in RESPONDERS {
            issue(name, serial, &ext.replace("{CDP}", &cdp));
        }
        let expiry = "351231235959Z";
        let index = format!(
            "V\t{expiry}\t\t1001\tunknown\t/O=Net/CN=leaf\n\
             V\t{expiry}\t\t0A02\tunknown\t/O=Net/CN=checked\n\
             R\t{expiry}\t240101000000Z,keyCompromise\t0A03\tunknown\t/O=Net/CN=revokedresp\n"
        );
        std::fs::write(d.join("index.txt"), index).unwrap();
        std::fs::write(d.join("crlnumber"), "01\n").unwrap();
        #[rustfmt::skip]
        openssl(d, &["ca", "-batch", "-config", "openssl.cnf", "-gencrl", "-out", "ca.crl.pem"]);
        openssl(d, &["crl", "-in", "ca.crl.pem", "-outform", "DER", "-out", "www/ca.crl"]);
        Self { dir, ocsp_port, http_port }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `openssl ocsp` for the CA signing with `signer`; `-nmin 5` unless `next_update` is false.
    fn responder(&self, signer: &str, next_update: bool) -> Server {
        let (key, pem, port) = (format!("{signer}.key"), format!("{signer}.pem"), self.ocsp_port.to_string());
        let mut cmd = Command::new("openssl");
        #[rustfmt::skip]
        cmd.args(["ocsp", "-index", "index.txt", "-port", &port, "-rsigner", &pem, "-rkey", &key,
            "-CA", "ca.pem", "-ignore_err"]);
        if next_update {
            cmd.args(["-nmin", "5"]);
        }
        start(cmd, self.path(), self.ocsp_port, "openssl ocsp", Some("waiting for OCSP client connections"))
    }

    /// The CA's CRL over HTTP.
    fn crl_server(&self) -> Server {
        let mut cmd = Command::new("python3");
        let port = self.http_port.to_string();
        cmd.args(["-m", "http.server", "--bind", "127.0.0.1", &port, "--directory", "www"]);
        start(cmd, self.path(), self.http_port, "python3 -m http.server", None)
    }

    fn der(&self, name: &str) -> Vec<u8> {
        let pem = std::fs::read(self.path().join(format!("{name}.pem"))).unwrap();
        let (_, der) = pem_rfc7468::decode_vec(&pem).unwrap();
        der
    }

    fn verify(&self, leaf: &str, extra: &[&str]) -> (Option<i32>, serde_json::Value) {
        let d = self.path();
        let cache = tempfile::tempdir().unwrap();
        let out: Output = Command::new(env!("CARGO_BIN_EXE_ecert"))
            .args(["verify", &format!("{leaf}.pem"), "--anchor", "ca.pem", "--json"])
            .args(extra)
            .current_dir(d)
            .env("ECERT_CACHE_DIR", cache.path())
            .env("ECERT_CONFIG_DIR", d.join("config"))
            .env("ECERT_ALLOW_HOSTS", "127.0.0.1")
            .output()
            .unwrap();
        let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!("{e}: {} {}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
        });
        (out.status.code(), json)
    }

    /// A CRL by the CA with `this_update` and no nextUpdate, revoking nothing, as DER.
    fn crl_without_next_update(&self, name: &str, this_update: u64) -> String {
        use x509_cert::crl::{CertificateList, TbsCertList};
        let d = self.path();
        let ca = x509_cert::Certificate::from_der(&self.der("ca")).unwrap();
        let alg = ca.signature_algorithm().clone();
        let time = x509_cert::time::Time::UtcTime(
            der::asn1::UtcTime::from_unix_duration(Duration::from_secs(this_update)).unwrap(),
        );
        let tbs: TbsCertList = TbsCertList {
            version: x509_cert::Version::V2,
            signature: alg.clone(),
            issuer: ca.tbs_certificate().subject().clone(),
            this_update: time,
            next_update: None,
            revoked_certificates: None,
            crl_extensions: None,
        };
        let tbs_der = tbs.to_der().unwrap();
        std::fs::write(d.join(format!("{name}.tbs")), &tbs_der).unwrap();
        let sig = format!("{name}.sig");
        openssl(d, &["dgst", "-sha256", "-sign", "ca.key", "-out", &sig, &format!("{name}.tbs")]);
        let sig = std::fs::read(d.join(sig)).unwrap();
        let crl = CertificateList {
            tbs_cert_list: tbs,
            signature_algorithm: alg,
            signature: der::asn1::BitString::from_bytes(&sig).unwrap(),
        };
        let file = format!("{name}.crl");
        std::fs::write(d.join(&file), crl.to_der().unwrap()).unwrap();
        file
    }
}

fn code(report: &serde_json::Value) -> &str {
    report["reason"]["code"].as_str().unwrap_or_default()
}

#[test]
fn delegate_with_nocheck_is_relied_on() {
    let pki = Pki::new();
    let _ocsp = pki.responder("nocheck", true);
    let (exit, report) = pki.verify("leaf", &["--online"]);
    assert_eq!((exit, report["verdict"].as_str()), (Some(0), Some("valid")), "{report}");
    assert!(report["chain"][1]["revocation"]["source"].as_str().unwrap().starts_with("OCSP"), "{report}");
}

#[test]
fn delegate_without_nocheck_needs_the_cas_crl() {
    let pki = Pki::new();
    let _ocsp = pki.responder("checked", true);
    // No CRL reachable: its own status is unknown, so its answer is not used.
    let (exit, report) = pki.verify("leaf", &["--online"]);
    assert_eq!(exit, Some(2), "{report}");
    assert_eq!(code(&report), "responder-refused", "{report}");
    assert!(report["reason"]["detail"].as_str().unwrap().contains("nocheck"), "{report}");
    // The CA's CRL (at the responder's distribution point) shows it is not revoked.
    let http = pki.crl_server();
    let (exit, report) = pki.verify("leaf", &["--online"]);
    assert_eq!((exit, report["verdict"].as_str()), (Some(0), Some("valid")), "{report}");
    // Or a CRL given on the command line (no download needed).
    drop(http);
    let (exit, _) = pki.verify("leaf", &["--online", "--crl", "ca.crl.pem"]);
    assert_eq!(exit, Some(0));
}

#[test]
fn revoked_delegate_is_refused() {
    let pki = Pki::new();
    let _ocsp = pki.responder("revokedresp", true);
    let _http = pki.crl_server();
    let (exit, report) = pki.verify("leaf", &["--online"]);
    assert_eq!(exit, Some(2), "{report}");
    assert_eq!(code(&report), "responder-refused");
    assert!(report["reason"]["detail"].as_str().unwrap().contains("revoked"), "{report}");
}

#[test]
fn delegate_key_usage_and_critical_extensions_are_checked() {
    let pki = Pki::new();
    let policy = Policy { allowed_hosts: vec!["127.0.0.1".into()] };
    let url = format!("http://127.0.0.1:{}/", pki.ocsp_port);
    let ask = Ask {
        now_unix: now(),
        timeout: Duration::from_secs(10),
        cache: None,
        policy: &policy,
        max_age: DEFAULT_MAX_AGE_SECS,
    };
    for (signer, problem) in [
        ("kenc", ResponderProblem::KeyUsage),
        ("critical", ResponderProblem::UnknownCritical { oid: "1.2.3.4".into() }),
    ] {
        let server = pki.responder(signer, true);
        let e = ocsp::query(&pki.der("leaf"), &pki.der("ca"), &url, &ask).unwrap_err();
        assert_eq!(
            e,
            OcspError::UnauthorizedResponder { responder: format!("CN={signer},O=Net"), problem },
            "{signer}"
        );
        let (exit, report) = pki.verify("leaf", &["--online"]);
        assert_eq!((exit, code(&report)), (Some(2), "responder-refused"), "{signer}: {report}");
        drop(server);
    }
}

#[test]
fn ocsp_answer_without_next_update_has_a_maximum_age() {
    let pki = Pki::new();
    let _ocsp = pki.responder("nocheck", false);
    let t = now();
    let policy = Policy { allowed_hosts: vec!["127.0.0.1".into()] };
    let url = format!("http://127.0.0.1:{}/", pki.ocsp_port);
    let ask = Ask {
        now_unix: t,
        timeout: Duration::from_secs(10),
        cache: None,
        policy: &policy,
        max_age: DEFAULT_MAX_AGE_SECS,
    };
    let fresh = ocsp::query(&pki.der("leaf"), &pki.der("ca"), &url, &ask).unwrap();
    assert_eq!(fresh.next_update, None, "openssl ocsp without -nmin/-ndays sets no nextUpdate");
    // The same answer replayed 8 days later is too old; 6 days later it is not.
    let (req, _) = ocsp::build_request(&pki.der("leaf"), &pki.der("ca"), None).unwrap();
    let resp = ecert::verify::fetch::http_post(
        &url,
        "application/ocsp-request",
        &req,
        Duration::from_secs(10),
        65536,
        &policy,
    )
    .unwrap();
    let later = t + 8 * DAY;
    assert!(matches!(
        ocsp::check_response(&resp, &pki.der("leaf"), &pki.der("ca"), None, later),
        Err(OcspError::TooOld { max_age: DEFAULT_MAX_AGE_SECS, .. })
    ));
    assert!(ocsp::check_response(&resp, &pki.der("leaf"), &pki.der("ca"), None, t + 6 * DAY).is_ok());
    // Through the CLI: a validation time 8 days on makes today's answer 8 days old.
    let at = ecert_time(later);
    let (exit, report) = pki.verify("leaf", &["--online", "--at", &at]);
    assert_eq!((exit, code(&report)), (Some(2), "revocation-too-old"), "{report}");
    let (exit, report) = pki.verify("leaf", &["--online", "--at", &at, "--max-age", "10"]);
    assert_eq!(exit, Some(0), "{report}");
}

#[test]
fn crl_without_next_update_has_a_maximum_age() {
    let pki = Pki::new();
    let t = now();
    let old = pki.crl_without_next_update("old", t - 10 * DAY);
    let fresh = pki.crl_without_next_update("fresh", t - DAY);
    let (exit, report) = pki.verify("plainleaf", &["--crl", &old]);
    assert_eq!((exit, code(&report)), (Some(2), "revocation-too-old"), "{report}");
    assert!(report["reason"]["detail"].as_str().unwrap().contains("no nextUpdate"), "{report}");
    let (exit, report) = pki.verify("plainleaf", &["--crl", &fresh]);
    assert_eq!(exit, Some(0), "{report}");
    let (exit, report) = pki.verify("plainleaf", &["--crl", &old, "--max-age", "30"]);
    assert_eq!(exit, Some(0), "{report}");
    let (exit, report) = pki.verify("plainleaf", &["--crl", &fresh, "--max-age", "0"]);
    assert_eq!((exit, code(&report)), (Some(2), "revocation-too-old"), "{report}");
}

/// Unix seconds as RFC 3339 (UTC) for `--at`.
fn ecert_time(t: u64) -> String {
    let dt = der::DateTime::from_unix_duration(Duration::from_secs(t)).unwrap();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minutes(),
        dt.seconds()
    )
}
