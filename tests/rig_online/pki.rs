// The test PKI, its servers and the `ecert verify --online` runner for tests/rig_online.rs
// (textually included there: one test binary, no visibility plumbing).

/// Longest a `verify` run may take, even with every server down.
const VERIFY_LIMIT: Duration = Duration::from_secs(30);

fn now() -> u64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs(),
        Err(e) => panic!("clock before 1970: {e}"),
    }
}

/// `YYMMDDHHMMSSZ` (UTCTime, as `openssl ca -startdate` takes it) for a Unix time.
fn utc_time(unix: u64) -> String {
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm, unsigned form).
    let (days, secs) = (unix / 86_400, unix % 86_400);
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!("{:02}{month:02}{day:02}{:02}{:02}{:02}Z", year % 100, secs / 3600, secs % 3600 / 60, secs % 60)
}

/// Runs `openssl` in `dir`; a missing binary or a failure panics with its stderr.
fn openssl(dir: &Path, args: &[&str]) {
    let out = match Command::new("openssl").args(args).current_dir(dir).output() {
        Ok(out) => out,
        Err(e) => panic!("openssl is required for these tests: {e}"),
    };
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn write(path: &Path, text: &str) {
    if let Err(e) = std::fs::write(path, text) {
        panic!("{}: {e}", path.display());
    }
}

/// The configuration: one `openssl ca` section per CA and the extension sections, with the
/// OCSP and HTTP ports written into the URLs.
fn config(ocsp_port: u16, http_port: u16) -> String {
    let ca = |name: &str| {
        format!(
            "[{name}_ca]\n\
             database = {name}-index.txt\nserial = {name}-serial\ncrlnumber = {name}-crlnumber\n\
             new_certs_dir = newcerts\ncertificate = {name}.pem\nprivate_key = {name}.key\n\
             default_md = sha256\ndefault_crl_days = 1\npolicy = any\nunique_subject = no\n\
             email_in_dn = no\n"
        )
    };
    let aia = format!("authorityInfoAccess = OCSP;URI:http://127.0.0.1:{ocsp_port}");
    let dp = |file: &str| format!("crlDistributionPoints = URI:http://127.0.0.1:{http_port}/{file}");
    let ca_issuers = |file: &str| format!("authorityInfoAccess = caIssuers;URI:http://127.0.0.1:{http_port}/{file}");
    let leaf = "basicConstraints = critical, CA:FALSE\n\
                keyUsage = critical, digitalSignature, nonRepudiation\n\
                authorityKeyIdentifier = keyid:always";
    format!(
        "[req]\ndistinguished_name = dn\n[dn]\n[any]\ncommonName = supplied\norganizationName = optional\n\
         {}{}{}\
         [root_ext]\nbasicConstraints = critical, CA:TRUE\n\
         keyUsage = critical, keyCertSign, cRLSign\nsubjectKeyIdentifier = hash\n\
         [int_ext]\nbasicConstraints = critical, CA:TRUE, pathlen:0\n\
         keyUsage = critical, keyCertSign, cRLSign, digitalSignature\nsubjectKeyIdentifier = hash\n\
         authorityKeyIdentifier = keyid:always\n{}\n\
         [leaf_ocsp]\n{leaf}\n{aia}\n\
         [leaf_crl]\n{leaf}\n{}\n\
         [leaf_both]\n{leaf}\n{aia}\n{}\n\
         [leaf_aia_der]\n{leaf}\n{}\n{}\n\
         [leaf_aia_p7c]\n{leaf}\n{}\n{}\n",
        ca("root"),
        ca("int"),
        ca("other"),
        dp("root.crl"),
        dp("int.crl"),
        dp("int.crl"),
        ca_issuers("int.cer"),
        dp("int.crl"),
        ca_issuers("int.p7c"),
        dp("int.crl"),
    )
}

/// Root (RSA-2048) → intermediate (P-256) → leaves (P-256), valid from a day ago for 30
/// days, plus an unrelated CA; CRLs in `www/`, the intermediate's index for `openssl ocsp`.
struct Pki {
    dir: tempfile::TempDir,
    ocsp_port: u16,
    http_port: u16,
}

/// Leaves of the intermediate, by file stem.
const OCSP_GOOD: &str = "ocsp-good";
const OCSP_REVOKED: &str = "ocsp-revoked";
const CRL_GOOD: &str = "crl-good";
const CRL_REVOKED: &str = "crl-revoked";
/// OCSP and CRL both named.
const BOTH: &str = "both";
/// Leaves whose issuer must be fetched from authorityInfoAccess caIssuers: a DER
/// certificate, and a PKCS#7 certs-only bundle (RFC 5280 §4.2.2.1).
const AIA_DER: &str = "aia-der";
const AIA_P7C: &str = "aia-p7c";
/// A leaf of `int2`, which the root has revoked.
const UNDER_REVOKED_INT: &str = "under-revoked-int";

impl Pki {
    fn new() -> Self {
        // Ports first: the certificates carry them.
        let (ocsp_port, http_port) = (free_port(), free_port());
        let dir = match tempfile::tempdir() {
            Ok(d) => d,
            Err(e) => panic!("temp dir: {e}"),
        };
        let d = dir.path();
        write(&d.join("openssl.cnf"), &config(ocsp_port, http_port));
        for sub in ["newcerts", "www"] {
            if let Err(e) = std::fs::create_dir(d.join(sub)) {
                panic!("{sub}: {e}");
            }
        }
        for (name, serial) in [("root", "01"), ("int", "1001"), ("other", "01")] {
            write(&d.join(format!("{name}-index.txt")), "");
            write(&d.join(format!("{name}-serial")), &format!("{serial}\n"));
            write(&d.join(format!("{name}-crlnumber")), "01\n");
        }
        let (start, end) = (utc_time(now() - 86_400), utc_time(now() + 30 * 86_400));
        let pki = Self { dir, ocsp_port, http_port };
        let d = pki.path();
        pki.key("root", true);
        pki.csr("root", "/O=Rig Online/CN=Rig Online Root");
        pki.sign("root", "root", "root_ext", &start, &end);
        pki.key("int", false);
        pki.csr("int", "/O=Rig Online/CN=Rig Online Intermediate");
        pki.sign("root", "int", "int_ext", &start, &end);
        for (stem, ext) in [
            (OCSP_GOOD, "leaf_ocsp"),
            (OCSP_REVOKED, "leaf_ocsp"),
            (CRL_GOOD, "leaf_crl"),
            (CRL_REVOKED, "leaf_crl"),
            (BOTH, "leaf_both"),
            (AIA_DER, "leaf_aia_der"),
            (AIA_P7C, "leaf_aia_p7c"),
        ] {
            pki.key(stem, false);
            pki.csr(stem, &format!("/O=Rig Online/CN=Leaf {stem}"));
            pki.sign("int", stem, ext, &start, &end);
        }
        // The intermediate as its caIssuers URLs serve it.
        openssl(d, &["x509", "-in", "int.pem", "-outform", "DER", "-out", "www/int.cer"]);
        openssl(d, &["crl2pkcs7", "-nocrl", "-certfile", "int.pem", "-outform", "DER", "-out", "www/int.p7c"]);
        // A second intermediate, revoked by the root, with a leaf of its own.
        pki.key("int2", false);
        pki.csr("int2", "/O=Rig Online/CN=Rig Online Revoked Intermediate");
        pki.sign("root", "int2", "int_ext", &start, &end);
        #[rustfmt::skip]
        openssl(d, &["ca", "-batch", "-config", "openssl.cnf", "-name", "root_ca", "-revoke", "int2.pem",
            "-crl_reason", "cACompromise"]);
        pki.key(UNDER_REVOKED_INT, false);
        pki.csr(UNDER_REVOKED_INT, "/O=Rig Online/CN=Leaf under a revoked intermediate");
        let under = format!("{UNDER_REVOKED_INT}.pem");
        #[rustfmt::skip]
        openssl(d, &["x509", "-req", "-in", &format!("{UNDER_REVOKED_INT}.csr"), "-CA", "int2.pem",
            "-CAkey", "int2.key", "-set_serial", "0x77", "-days", "30", "-extfile", "openssl.cnf",
            "-extensions", "leaf_crl", "-out", &under]);
        for stem in [OCSP_REVOKED, CRL_REVOKED] {
            #[rustfmt::skip]
            openssl(d, &["ca", "-batch", "-config", "openssl.cnf", "-name", "int_ca", "-revoke",
                &format!("{stem}.pem"), "-crl_reason", "keyCompromise"]);
        }
        // A CA that has nothing to do with this chain, with a CRL of its own.
        pki.key("other", true);
        #[rustfmt::skip]
        openssl(d, &["req", "-x509", "-new", "-key", "other.key", "-subj", "/O=Elsewhere/CN=Unrelated CA",
            "-days", "30", "-config", "openssl.cnf", "-extensions", "root_ext", "-out", "other.pem"]);
        for name in ["root", "int", "other"] {
            let pem = format!("{name}.crl.pem");
            #[rustfmt::skip]
            openssl(d, &["ca", "-batch", "-config", "openssl.cnf", "-name", &format!("{name}_ca"), "-gencrl",
                "-out", &pem]);
            let der = format!("www/{name}.crl");
            openssl(d, &["crl", "-in", &pem, "-outform", "DER", "-out", &der]);
        }
        pki
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn file(&self, name: &str) -> PathBuf {
        self.path().join(name)
    }

    fn key(&self, name: &str, rsa: bool) {
        let out = format!("{name}.key");
        let alg: &[&str] = if rsa {
            &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]
        } else {
            &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]
        };
        let mut args = vec!["genpkey"];
        args.extend_from_slice(alg);
        args.extend_from_slice(&["-out", &out]);
        openssl(self.path(), &args);
    }

    fn csr(&self, name: &str, subj: &str) {
        let (key, csr) = (format!("{name}.key"), format!("{name}.csr"));
        #[rustfmt::skip]
        openssl(self.path(), &["req", "-new", "-key", &key, "-subj", subj, "-config", "openssl.cnf",
            "-out", &csr]);
    }

    /// `openssl ca` issues `name`.pem from its CSR (self-signed when `ca` is `name`), so the
    /// CA's index records it for `openssl ocsp` and `-revoke`.
    fn sign(&self, ca: &str, name: &str, ext: &str, start: &str, end: &str) {
        let (csr, pem, section) = (format!("{name}.csr"), format!("{name}.pem"), format!("{ca}_ca"));
        #[rustfmt::skip]
        let mut args = vec!["ca", "-batch", "-notext", "-preserveDN", "-config", "openssl.cnf", "-name", &section,
            "-extensions", ext, "-startdate", start, "-enddate", end, "-in", &csr, "-out", &pem];
        let key = format!("{ca}.key");
        if ca == name {
            args.extend_from_slice(&["-selfsign", "-keyfile", &key]);
        }
        openssl(self.path(), &args);
    }

    /// `openssl ocsp` answering for the intermediate, signing with its key, on the port
    /// the leaves name.
    fn ocsp_server(&self) -> Server {
        let port = self.ocsp_port.to_string();
        let mut cmd = Command::new("openssl");
        #[rustfmt::skip]
        cmd.args(["ocsp", "-index", "int-index.txt", "-port", &port, "-rsigner", "int.pem", "-rkey", "int.key",
            "-CA", "int.pem", "-nmin", "5", "-ignore_err"]);
        Server::start(
            cmd,
            self.path(),
            self.ocsp_port,
            "openssl ocsp",
            Some("waiting for OCSP client connections"),
        )
    }

    /// `python3 -m http.server` serving `www/` (root.crl, int.crl) on the port the
    /// distribution points name.
    fn http_server(&self) -> Server {
        let www = self.file("www").to_string_lossy().into_owned();
        let port = self.http_port.to_string();
        let mut cmd = Command::new("python3");
        cmd.args(["-m", "http.server", "--bind", "127.0.0.1", &port, "--directory", &www]);
        Server::start(cmd, self.path(), self.http_port, "python3 -m http.server", None)
    }

    /// A fresh, empty revocation cache directory inside the PKI's temp dir.
    fn cache(&self, name: &str) -> PathBuf {
        let dir = self.file(name);
        if let Err(e) = std::fs::create_dir(&dir) {
            panic!("{}: {e}", dir.display());
        }
        dir
    }

    /// `ecert verify <leaf>.pem --anchor root.pem --untrusted int.pem --json` plus `extra`,
    /// with ECERT_CACHE_DIR = `cache`. Panics if it runs past [`VERIFY_LIMIT`].
    fn verify(&self, leaf: &str, extra: &[&str], cache: &Path) -> Outcome {
        self.verify_given(leaf, &["--untrusted", "int.pem"], extra, cache)
    }

    /// As [`Pki::verify`] with only the root given: the intermediate must be found.
    fn verify_alone(&self, leaf: &str, extra: &[&str], cache: &Path) -> Outcome {
        self.verify_given(leaf, &[], extra, cache)
    }

    fn verify_given(&self, leaf: &str, given: &[&str], extra: &[&str], cache: &Path) -> Outcome {
        let d = self.path();
        let out_path = d.join(format!("verify-{}.json", now_nanos()));
        let out_file = match std::fs::File::create(&out_path) {
            Ok(f) => f,
            Err(e) => panic!("{}: {e}", out_path.display()),
        };
        let leaf = format!("{leaf}.pem");
        let mut child = match Command::new(env!("CARGO_BIN_EXE_ecert"))
            .args(["verify", &leaf, "--anchor", "root.pem", "--json"])
            .args(given)
            .args(extra)
            .env("ECERT_CACHE_DIR", cache)
            // The servers are on 127.0.0.1, which certificates may name only if the user
            // allowed it; and no user settings (offline mode) may leak in.
            .env("ECERT_ALLOW_HOSTS", "127.0.0.1")
            .env("ECERT_CONFIG_DIR", d.join("config"))
            .current_dir(d)
            .stdin(Stdio::null())
            .stdout(out_file)
            .stderr(Stdio::piped())
            .spawn()
        {
            Ok(c) => c,
            Err(e) => panic!("ecert: {e}"),
        };
        let started = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if started.elapsed() > VERIFY_LIMIT => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!("ecert verify {leaf} {extra:?} still running after {VERIFY_LIMIT:?}");
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(20)),
                Err(e) => panic!("waiting for ecert: {e}"),
            }
        };
        let took = started.elapsed();
        let mut stderr = String::new();
        if let Some(mut s) = child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut s, &mut stderr);
        }
        let stdout = std::fs::read_to_string(&out_path).unwrap_or_default();
        let report: Value = match serde_json::from_str(&stdout) {
            Ok(v) => v,
            Err(e) => panic!("ecert verify {leaf} {extra:?} ({status}): not JSON ({e}): {stdout}\n{stderr}"),
        };
        let Some(code) = status.code() else { panic!("ecert verify killed: {status}") };
        Outcome { code, report, took }
    }
}

fn now_nanos() -> u128 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_nanos(),
        Err(e) => panic!("clock before 1970: {e}"),
    }
}

/// Exit code and JSON report of one `ecert verify` run.
struct Outcome {
    code: i32,
    report: Value,
    took: Duration,
}

impl Outcome {
    fn verdict(&self) -> &str {
        self.report["verdict"].as_str().unwrap_or("?")
    }

    fn reason_code(&self) -> Option<&str> {
        self.report["reason"]["code"].as_str()
    }

    /// `chain[i].revocation`; the chain runs trust anchor first, leaf last.
    fn revocation(&self, i: usize) -> &Value {
        &self.report["chain"][i]["revocation"]
    }

    fn status(&self, i: usize) -> &str {
        self.revocation(i)["status"].as_str().unwrap_or("?")
    }

    fn source(&self, i: usize) -> &str {
        self.revocation(i)["source"].as_str().unwrap_or("")
    }

    fn pretty(&self) -> String {
        serde_json::to_string_pretty(&self.report).unwrap_or_default()
    }
}

/// Index of the leaf in the report's chain (root, intermediate, leaf).
const LEAF: usize = 2;
const INT: usize = 1;

/// A child server process, killed when dropped.
struct Server {
    child: Child,
}

impl Server {
    /// Spawns `cmd` in `dir` and waits until it is ready: `ready_line` in its stderr when
    /// given (`openssl ocsp` serves one connection at a time and hangs on a bare connect
    /// probe), otherwise a TCP connect to `port`.
    fn start(mut cmd: Command, dir: &Path, port: u16, what: &str, ready_line: Option<&str>) -> Self {
        let log = dir.join(format!("server-{port}-{}.log", now_nanos()));
        let log_file = match std::fs::File::create(&log) {
            Ok(f) => f,
            Err(e) => panic!("{}: {e}", log.display()),
        };
        let child =
            match cmd.current_dir(dir).stdin(Stdio::null()).stdout(Stdio::null()).stderr(log_file).spawn() {
                Ok(c) => c,
                Err(e) => panic!("{what} is required for these tests: {e}"),
            };
        let mut server = Self { child };
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
            match server.child.try_wait() {
                Ok(Some(status)) => {
                    panic!("{what} exited ({status}): {}", std::fs::read_to_string(&log).unwrap_or_default())
                }
                Ok(None) => {}
                Err(e) => panic!("{what}: {e}"),
            }
            assert!(Instant::now() < deadline, "{what} did not listen on {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn refused(port: u16) -> bool {
    TcpStream::connect_timeout(&SocketAddr::from(([127, 0, 0, 1], port)), Duration::from_secs(1)).is_err()
}
