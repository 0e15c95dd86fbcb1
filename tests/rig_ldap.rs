//! Certificate directories against the rig's slapd loaded with NIST's PKITS directory: find
//! people by name, e-mail and serial; verify what was found with the chain and CRLs read from
//! the directory and compare with PKITS's expected verdicts; a directory that is down, silent
//! or serves garbage gives a clear error quickly and never hangs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashMap;
use std::io::Write;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ecert::directory::lookup::{Found, Query, Session};
use ecert::directory::{check_found, Directory, DirectoryError, Limits, Status};
use ecert::verify::{Cert, Options, Revocation, Verdict};
use serde_json::Value;

fn data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/pkits")
}

fn anchor() -> Cert {
    Cert::parse(&std::fs::read(data().join("certs/TrustAnchorRootCertificate.crt")).unwrap()).unwrap()
}

fn options() -> Options {
    let time = ecert::verify::time::parse_rfc3339("2011-04-15T00:00:00Z").unwrap();
    Options { time: u64::try_from(time).unwrap(), revocation: Revocation::Crls, ..Options::default() }
}

fn pkits_dir(rig: &common::Rig) -> Directory {
    Directory {
        name: "pkits".into(),
        url: rig.ldap_url.clone(),
        base: Some(rig.ldap_base.clone()),
        starttls: false,
    }
}

fn open(dir: &Directory, limits: Limits) -> Result<Session, DirectoryError> {
    Session::open(dir, limits, Box::new(|line| eprintln!("{line}")))
}

fn wide() -> Limits {
    Limits { max_entries: 1000, page_size: 50, ..Limits::default() }
}

/// sha256 of every PKITS certificate file → its stem.
fn stems() -> HashMap<[u8; 32], String> {
    let mut m = HashMap::new();
    for e in std::fs::read_dir(data().join("certs")).unwrap() {
        let p = e.unwrap().path();
        let c = Cert::parse(&std::fs::read(&p).unwrap()).unwrap();
        m.insert(c.sha256, p.file_stem().unwrap().to_string_lossy().into_owned());
    }
    m
}

/// PKITS's expected verdict for each end entity tested with the default relying-party inputs
/// (initial policy set {anyPolicy}, no explicit policy, mapping and anyPolicy allowed).
fn expected() -> HashMap<String, bool> {
    let json: Value =
        serde_json::from_slice(&std::fs::read(data().join("pkits_tests.json")).unwrap()).unwrap();
    json["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| {
            t["initial_policy_set"] == serde_json::json!(["anyPolicy"])
                && t["initial_explicit_policy"] == false
                && t["initial_policy_mapping_inhibit"] == false
                && t["initial_inhibit_any_policy"] == false
        })
        .map(|t| (t["end_entity"].as_str().unwrap().to_owned(), t["should_validate"].as_bool().unwrap()))
        .collect()
}

#[test]
fn people_found_by_name_verified_against_pkits() {
    let rig = common::rig();
    let started = Instant::now();
    let mut session = open(&pkits_dir(&rig), wide()).unwrap();
    // The 216 pkiUser entries: 210 end entities whose cn contains "Test" ("Valid EE
    // Certificate Test1", …) and 6 CA entries holding a CRL-signing certificate ("… CA").
    let mut people: Vec<_> = Vec::new();
    for name in ["Test", "CA"] {
        for f in session.find(&Query::Name(name.into())).unwrap() {
            if f.attribute.starts_with("userCertificate")
                && !people.iter().any(|p: &Found| p.dn == f.dn && p.der == f.der)
            {
                people.push(f);
            }
        }
    }
    let stems = stems();
    let expected = expected();
    let (anchors, options) = (vec![anchor()], options());
    let (mut verified, mut comparable, mut agree) = (0, 0, 0);
    let mut disagreements = Vec::new();
    let mut by_status: HashMap<Status, usize> = HashMap::new();
    for f in people.iter().cloned() {
        let cert = f.cert.as_ref().unwrap().clone();
        let material = session.material(&cert);
        let checked = check_found(f, &material, &anchors, &options);
        *by_status.entry(checked.status).or_default() += 1;
        let report = checked.report.as_ref().unwrap();
        if report.verdict != Verdict::Undetermined {
            verified += 1;
        }
        let stem = &stems[&cert.sha256];
        if let Some(&should) = expected.get(stem) {
            comparable += 1;
            if (report.verdict == Verdict::Valid) == should {
                agree += 1;
            } else {
                disagreements.push(format!(
                    "{stem}: PKITS {} , directory {:?}: {}",
                    if should { "valid" } else { "invalid" },
                    checked.status,
                    report.reason_text.clone().unwrap_or_default()
                ));
            }
        }
    }
    println!(
        "PKITS directory: {} people found by name, {verified} verified (valid/invalid decided), \
         {agree} of {comparable} agreeing with PKITS's expected verdict; by status {by_status:?}; {:?}",
        people.len(),
        started.elapsed()
    );
    for d in &disagreements {
        println!("  differs: {d}");
    }
    assert_eq!(people.len(), 216, "every pkiUser entry is found");
    assert!(comparable >= 200, "{comparable} comparable");
    // What the directory cannot give: PKITS hands some tests CRLs or certificates that are not
    // in the issuer's entry. Keep the measured agreement from slipping.
    assert!(agree * 100 >= comparable * 95, "{agree}/{comparable} agree:\n{}", disagreements.join("\n"));
}

#[test]
fn found_by_serial_and_email() {
    let rig = common::rig();
    let leaf =
        Cert::parse(&std::fs::read(data().join("certs/InvalidRevokedEETest3EE.crt")).unwrap()).unwrap();
    let mut session = open(&pkits_dir(&rig), wide()).unwrap();
    let found = session.find(&Query::Serial(leaf.serial().to_vec())).unwrap();
    assert!(found.iter().all(|f| f.cert.as_ref().unwrap().serial() == leaf.serial()));
    let hit = found.into_iter().find(|f| f.der == leaf.der).expect("the revoked EE is among the matches");
    let material = session.material(hit.cert.as_ref().unwrap());
    let checked = check_found(hit, &material, &[anchor()], &options());
    assert_eq!(checked.status, Status::Revoked, "{:?}", checked.report);
    assert!(
        checked.crl_sources.iter().any(|s| s.to_lowercase().starts_with("cn=good ca")),
        "{:?}",
        checked.crl_sources
    );

    let found = session.find(&Query::Email("Test29EE@invalidcertificates.gov".into())).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].dn.to_lowercase().contains("test29"));
}

#[test]
fn cli_search_json_and_settings() {
    let rig = common::rig();
    let config = tempfile::tempdir().unwrap();
    let ecert = |args: &[&str]| {
        let out = common::ecert().env("ECERT_CONFIG_DIR", config.path()).args(args).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, _, err) = ecert(&["directory", "add", "pkits", &rig.ldap_url, "--base", &rig.ldap_base]);
    assert_eq!(code, Some(0), "{err}");
    let (_, list, _) = ecert(&["directory", "list"]);
    assert!(list.contains("pkits") && list.contains(&rig.ldap_url), "{list}");
    let anchor = data().join("certs/TrustAnchorRootCertificate.crt");
    let (code, out, err) = ecert(&[
        "directory",
        "search",
        "--name",
        "Invalid Revoked EE",
        "--anchor",
        anchor.to_str().unwrap(),
        "--at",
        "2011-04-15T00:00:00Z",
        "--json",
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("querying ldap://127.0.0.1"), "network use is announced: {err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{out}");
    assert_eq!(results[0]["status"], "revoked");
    assert_eq!(results[0]["serial"], "0f");

    // Offline mode: refused before any network use.
    let settings_path = config.path().join("settings.json");
    let mut s: Value = serde_json::from_slice(&std::fs::read(&settings_path).unwrap()).unwrap();
    s["offline"] = Value::Bool(true);
    std::fs::write(&settings_path, serde_json::to_vec(&s).unwrap()).unwrap();
    let (code, _, err) = ecert(&["directory", "search", "--name", "x"]);
    assert_ne!(code, Some(0));
    assert!(err.contains("offline") && !err.contains("querying"), "{err}");

    let (code, _, _) = ecert(&["directory", "remove", "pkits"]);
    assert_eq!(code, Some(0));
    let (_, list, _) = ecert(&["directory", "list"]);
    assert!(list.contains("no directories configured"), "{list}");
}

#[test]
fn down_directory_is_a_quick_clear_error() {
    let _rig = common::rig();
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let dir = Directory {
        name: "down".into(),
        url: format!("ldap://127.0.0.1:{port}"),
        base: Some("o=x".into()),
        starttls: false,
    };
    let t = Instant::now();
    let err = open(&dir, Limits::default()).and_then(|mut s| s.find(&Query::Name("a".into()))).unwrap_err();
    println!("closed port: {err} after {:?}", t.elapsed());
    assert!(matches!(err, DirectoryError::Unreachable { .. }), "{err:?}");
    assert!(t.elapsed() < Duration::from_secs(2));
    assert!(err.to_string().contains("cannot reach"));
}

#[test]
fn silent_directory_times_out_within_the_limit() {
    let _rig = common::rig();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accepts and never answers; the accepted socket is held until the test ends.
    let holder = std::thread::spawn(move || {
        let conn = listener.accept().ok();
        std::thread::sleep(Duration::from_secs(4));
        drop(conn);
    });
    let dir = Directory {
        name: "slow".into(),
        url: format!("ldap://127.0.0.1:{port}"),
        base: Some("o=x".into()),
        starttls: false,
    };
    let limits = Limits { operation: Duration::from_secs(1), ..Limits::default() };
    let t = Instant::now();
    let err = open(&dir, limits).and_then(|mut s| s.find(&Query::Name("a".into()))).unwrap_err();
    let took = t.elapsed();
    println!("silent server: {err} after {took:?}");
    assert!(matches!(err, DirectoryError::Timeout { .. }), "{err:?}");
    assert!(took >= Duration::from_millis(900) && took < Duration::from_secs(3), "{took:?}");
    holder.join().unwrap();
}

#[test]
fn size_limit_is_an_error_not_a_truncated_list() {
    let rig = common::rig();
    let limits = Limits { max_entries: 10, page_size: 4, ..Limits::default() };
    let err = open(&pkits_dir(&rig), limits).unwrap().find(&Query::Name("Test".into())).unwrap_err();
    assert!(matches!(err, DirectoryError::SizeLimit { limit: 10, .. }), "{err:?}");
}

/// Adds (or replaces) an entry through the rig's admin account.
fn ldap_add(rig: &common::Rig, dn: &str, ldif: &str) {
    let _ = Command::new("ldapdelete")
        .args(["-x", "-H", &rig.ldap_url, "-D", &rig.ldap_admin, "-w", &rig.ldap_password, dn])
        .output();
    let mut child = Command::new("ldapadd")
        .args(["-x", "-H", &rig.ldap_url, "-D", &rig.ldap_admin, "-w", &rig.ldap_password])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(ldif.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "ldapadd: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn malformed_values_are_clear_errors() {
    let rig = common::rig();
    // slapd checks the certificate syntax of userCertificate, so the value must look like a
    // certificate to it: a real one whose keyUsage extension value is garbage.
    let mut der = std::fs::read(data().join("certs/ValidCertificatePathTest1EE.crt")).unwrap();
    let ku = der.windows(5).position(|w| w == [0x06, 0x03, 0x55, 0x1d, 0x0f]).unwrap();
    let value = ku + 5 + der[ku + 5..].iter().position(|&b| b == 0x04).unwrap() + 2;
    der[value..value + 4].copy_from_slice(&[0xff; 4]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.der");
    std::fs::write(&file, &der).unwrap();
    let person = format!("cn=Garbage Person Zq,{}", rig.ldap_base);
    ldap_add(
        &rig,
        &person,
        &format!(
            "dn: {person}\nobjectClass: organizationalRole\nobjectClass: pkiUser\ncn: Garbage Person Zq\n\
             userCertificate;binary:< file://{}\n",
            file.display()
        ),
    );
    let mut session = open(&pkits_dir(&rig), wide()).unwrap();
    let found = session.find(&Query::Name("Garbage Person Zq".into())).unwrap();
    assert_eq!(found.len(), 1);
    let f = found.into_iter().next().unwrap();
    let err = f.cert.as_ref().unwrap_err().clone();
    println!("malformed value: {err}");
    assert!(matches!(err, DirectoryError::Malformed { .. }), "{err:?}");
    assert!(err.to_string().contains("userCertificate") && err.to_string().contains("not a valid"), "{err}");
    let checked = check_found(f, &ecert::directory::lookup::Material::default(), &[anchor()], &options());
    assert_eq!(checked.status, Status::Malformed);

    // The CLI shows it as such, next to nothing else, and does not fail the search.
    let out = common::ecert()
        .env("ECERT_CONFIG_DIR", dir.path())
        .args(["directory", "search", "--directory", &rig.ldap_url, "--base", &rig.ldap_base])
        .args(["--name", "Garbage Person Zq"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("MALFORMED") && text.contains("not a valid certificate"),
        "{text}"
    );
}

/// The PKITS directory over TLS: `ldaps://` and StartTLS give the same answer as plain LDAP
/// once the server's certificate chains to a trusted CA (here the rig's, through OpenSSL's
/// SSL_CERT_FILE); with only the system's CAs the connection is refused with a clear error
/// and nothing is searched. ldapsearch checks the same server from the outside.
#[test]
fn ldaps_and_starttls_check_the_servers_certificate() {
    let rig = common::rig();
    let config = tempfile::tempdir().unwrap();
    let ca = rig.ldap_tls_ca.to_str().unwrap().to_owned();
    let peer = Command::new("ldapsearch")
        .env("LDAPTLS_CACERT", &ca)
        .args(["-x", "-H", &rig.ldaps_url, "-b", &rig.ldap_base, "-s", "base", "-LLL", "dn"])
        .output()
        .unwrap();
    assert!(peer.status.success(), "ldapsearch over ldaps: {}", String::from_utf8_lossy(&peer.stderr));
    let anchor = data().join("certs/TrustAnchorRootCertificate.crt");
    let search = |url: &str, starttls: bool, trusted: &str| {
        let mut args = vec!["directory", "search", "--directory", url, "--base", &rig.ldap_base];
        args.extend(["--name", "Invalid Revoked EE", "--anchor", anchor.to_str().unwrap()]);
        args.extend(["--at", "2011-04-15T00:00:00Z", "--json"]);
        if starttls {
            args.push("--starttls");
        }
        let out = common::ecert()
            .env("ECERT_CONFIG_DIR", config.path())
            .env("SSL_CERT_FILE", trusted)
            .env_remove("SSL_CERT_DIR")
            .args(&args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let serials = |out: &str| -> Vec<String> {
        let v: Value = serde_json::from_str(out).unwrap();
        v["results"].as_array().unwrap().iter().map(|r| format!("{} {}", r["serial"], r["status"])).collect()
    };
    let (code, plain, err) = search(&rig.ldap_url, false, &ca);
    assert_eq!(code, Some(0), "{err}");
    for (url, starttls) in [(rig.ldaps_url.as_str(), false), (rig.ldap_url.as_str(), true)] {
        let (code, out, err) = search(url, starttls, &ca);
        assert_eq!(code, Some(0), "{url} starttls={starttls}: {err}");
        assert_eq!(serials(&out), serials(&plain), "{url} starttls={starttls}");
        assert_eq!(serials(&out), ["\"0f\" \"revoked\""]);
    }
    // The system's CAs only: the rig's certificate is not trusted, so nothing is searched.
    let system = "/etc/ssl/certs/ca-certificates.crt";
    for (url, starttls) in [(rig.ldaps_url.as_str(), false), (rig.ldap_url.as_str(), true)] {
        let (code, out, err) = search(url, starttls, system);
        assert_ne!(code, Some(0), "{url} starttls={starttls}: {out}");
        assert!(err.contains(&format!("No secure connection to the directory {url}")), "{err}");
        assert!(err.contains("certificate verify failed"), "{err}");
        assert!(out.is_empty());
    }
}

/// A certificate found in a directory names its CRLs on other servers: those are not
/// contacted (the certificate is not verified yet) and the skip is reported; a URL on the
/// configured directory's host is read over the configured connection.
#[test]
fn follow_up_urls_go_only_to_the_configured_directory() {
    let rig = common::rig();
    let elsewhere = TcpListener::bind("127.0.0.2:0").unwrap();
    elsewhere.set_nonblocking(true).unwrap();
    let other_port = elsewhere.local_addr().unwrap().port();
    let host_port = rig.ldap_url.trim_start_matches("ldap://").to_owned();
    let ta = "CN%3DTrust%20Anchor%2CO%3DTest%20Certificates%202011%2CC%3DUS";
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let run = |args: &[&str]| {
        let out = Command::new("openssl").args(args).current_dir(d).output().unwrap();
        assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    run(&["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "k.pem"]);
    let cdp = format!(
        "crlDistributionPoints=URI:ldap://127.0.0.2:{other_port}/cn=Evil?certificateRevocationList;binary,\
         URI:ldap://{host_port}/{ta}?certificateRevocationList;binary"
    );
    #[rustfmt::skip]
    run(&["req", "-x509", "-new", "-key", "k.pem", "-subj", "/O=Net/CN=Found Person", "-days", "5",
        "-addext", &cdp, "-outform", "DER", "-out", "found.der"]);
    let cert = Cert::parse(&std::fs::read(d.join("found.der")).unwrap()).unwrap();
    let mut session = open(&pkits_dir(&rig), wide()).unwrap();
    let material = session.material(&cert);
    let skipped: Vec<_> =
        material.problems.iter().filter(|p| matches!(p, DirectoryError::Elsewhere { .. })).collect();
    assert_eq!(skipped.len(), 1, "{:?}", material.problems);
    assert!(skipped[0].to_string().contains(&format!("127.0.0.2:{other_port}")), "{}", skipped[0]);
    assert!(elsewhere.accept().is_err(), "nothing connected to 127.0.0.2");
    let ta_crl = std::fs::read(data().join("crls/TrustAnchorRootCRL.crl")).unwrap();
    assert!(
        material.crls.iter().any(|c| c.der == ta_crl),
        "the same-host URL was read: {:?}",
        material.crl_sources
    );
}
