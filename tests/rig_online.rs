//! `ecert verify --online` end to end against real servers on 127.0.0.1: a root → intermediate
//! → leaf PKI made with the `openssl` CLI whose authorityInfoAccess and cRLDistributionPoints
//! name ports picked before issuance, `openssl ocsp` answering for the intermediate and
//! `python3 -m http.server` serving both CRLs. No mocks; openssl and python3 are required,
//! and their absence fails these tests rather than skipping them.

mod ports;
use ports::free_port;
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;

include!("rig_online/pki.rs");

#[test]
fn ocsp_good() {
    let pki = Pki::new();
    let _ocsp = pki.ocsp_server();
    let _http = pki.http_server();
    let cache = pki.cache("cache");
    let out = pki.verify(OCSP_GOOD, &["--online"], &cache);
    assert_eq!(out.code, 0, "{}", out.pretty());
    assert_eq!(out.verdict(), "valid");
    assert!(out.report["reason"].is_null(), "{}", out.pretty());
    assert_eq!(out.status(LEAF), "good", "{}", out.pretty());
    assert_eq!(out.source(LEAF), format!("OCSP http://127.0.0.1:{}", pki.ocsp_port));
    assert!(out.source(LEAF).starts_with("OCSP "));
    assert!(out.revocation(LEAF)["next_update"].is_u64(), "-nmin 5 sets nextUpdate: {}", out.pretty());
    // The intermediate through the root's CRL at its distribution point.
    assert_eq!(out.status(INT), "good", "{}", out.pretty());
    assert_eq!(out.source(INT), format!("CRL http://127.0.0.1:{}/root.crl", pki.http_port));
    assert_eq!(out.report["chain"][LEAF]["subject"].as_str(), Some("CN=Leaf ocsp-good,O=Rig Online"));
}

#[test]
fn ocsp_revoked() {
    let pki = Pki::new();
    let _ocsp = pki.ocsp_server();
    let _http = pki.http_server();
    let cache = pki.cache("cache");
    let out = pki.verify(OCSP_REVOKED, &["--online"], &cache);
    assert_eq!(out.code, 1, "{}", out.pretty());
    assert_eq!(out.verdict(), "invalid");
    assert_eq!(out.reason_code(), Some("revoked"), "{}", out.pretty());
    assert_eq!(out.report["reason"]["index"].as_u64(), Some(2), "{}", out.pretty());
    assert_eq!(out.report["reason"]["reason"].as_u64(), Some(1), "keyCompromise: {}", out.pretty());
    let revoked_at = out.report["reason"]["revoked_at"].as_u64().unwrap();
    assert!(revoked_at.abs_diff(now()) < 600, "revoked during setup: {revoked_at}");
}

#[test]
fn crl_download_good_and_revoked() {
    let pki = Pki::new();
    let _http = pki.http_server();
    let cache = pki.cache("cache");
    let out = pki.verify(CRL_GOOD, &["--online"], &cache);
    assert_eq!(out.code, 0, "{}", out.pretty());
    assert_eq!(out.verdict(), "valid");
    assert_eq!(out.status(LEAF), "good", "{}", out.pretty());
    assert!(out.source(LEAF).starts_with("CRL "), "{}", out.pretty());
    assert_eq!(out.source(LEAF), format!("CRL http://127.0.0.1:{}/int.crl", pki.http_port));
    assert_eq!(out.source(INT), format!("CRL http://127.0.0.1:{}/root.crl", pki.http_port));

    let out = pki.verify(CRL_REVOKED, &["--online"], &pki.cache("cache2"));
    assert_eq!(out.code, 1, "{}", out.pretty());
    assert_eq!(out.verdict(), "invalid");
    assert_eq!(out.reason_code(), Some("revoked"), "{}", out.pretty());
    assert_eq!(out.report["reason"]["index"].as_u64(), Some(2), "{}", out.pretty());
}

/// OCSP named but down: the CRL at the distribution point decides.
#[test]
fn crl_when_ocsp_is_down() {
    let pki = Pki::new();
    let _http = pki.http_server();
    assert!(refused(pki.ocsp_port));
    let out = pki.verify(BOTH, &["--online"], &pki.cache("cache"));
    assert_eq!(out.code, 0, "{}", out.pretty());
    assert_eq!(out.verdict(), "valid");
    assert_eq!(out.source(LEAF), format!("CRL http://127.0.0.1:{}/int.crl", pki.http_port));
}

#[test]
fn everything_down_is_undetermined_quickly() {
    let pki = Pki::new();
    assert!(refused(pki.ocsp_port) && refused(pki.http_port));
    let cache = pki.cache("cache");
    // The intermediate is covered by the root's CRL given locally, so the leaf is what fails.
    let root_crl = pki.file("www/root.crl").to_string_lossy().into_owned();
    for leaf in [BOTH, OCSP_GOOD, CRL_GOOD] {
        let out = pki.verify(leaf, &["--online", "--crl", &root_crl], &cache);
        assert_eq!(out.code, 2, "{leaf}: {}", out.pretty());
        assert_eq!(out.verdict(), "undetermined");
        assert_eq!(out.reason_code(), Some("revocation-unknown"), "{leaf}: {}", out.pretty());
        assert_eq!(out.report["reason"]["index"].as_u64(), Some(2), "{leaf}: {}", out.pretty());
        assert_eq!(out.status(INT), "good", "{leaf}: {}", out.pretty());
        assert!(out.took < VERIFY_LIMIT, "{leaf} took {:?}", out.took);
    }
    // Without the local root CRL, the intermediate is the first that cannot be decided.
    let out = pki.verify(CRL_GOOD, &["--online"], &cache);
    assert_eq!(out.code, 2, "{}", out.pretty());
    assert_eq!(out.reason_code(), Some("revocation-unknown"));
    assert_eq!(out.report["reason"]["index"].as_u64(), Some(1), "{}", out.pretty());
}

#[test]
fn offline_by_default() {
    let pki = Pki::new();
    let _ocsp = pki.ocsp_server();
    let _http = pki.http_server();
    let cache = pki.cache("cache");
    let out = pki.verify(OCSP_GOOD, &[], &cache);
    assert_eq!(out.code, 0, "{}", out.pretty());
    assert_eq!(out.verdict(), "valid");
    for i in 0..=LEAF {
        assert_eq!(out.status(i), "not-checked", "{i}: {}", out.pretty());
    }
    // A revoked leaf is not found out either: nothing was asked.
    let out = pki.verify(OCSP_REVOKED, &[], &cache);
    assert_eq!(out.code, 0, "{}", out.pretty());
    assert_eq!(out.status(LEAF), "not-checked");

    // CRLs given but none covering the path, and not online: no guessing.
    let other = pki.file("www/other.crl").to_string_lossy().into_owned();
    let out = pki.verify(OCSP_GOOD, &["--crl", &other], &cache);
    assert_eq!(out.code, 2, "{}", out.pretty());
    assert_eq!(out.verdict(), "undetermined");
    assert_eq!(out.reason_code(), Some("revocation-unknown"), "{}", out.pretty());
    // Nothing went to the network, so nothing was cached.
    assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 0);
}

#[test]
fn cache_answers_when_servers_are_gone() {
    let pki = Pki::new();
    let cache = pki.cache("cache");
    let http = pki.http_server();
    let ocsp = pki.ocsp_server();
    let first = pki.verify(CRL_GOOD, &["--online"], &cache);
    assert_eq!(first.code, 0, "{}", first.pretty());
    assert!(first.source(LEAF).starts_with("CRL "), "{}", first.pretty());
    let ocsp_first = pki.verify(OCSP_GOOD, &["--online"], &cache);
    assert_eq!(ocsp_first.code, 0, "{}", ocsp_first.pretty());
    // root.crl, int.crl and one OCSP response.
    assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 3);
    drop(http);
    drop(ocsp);
    assert!(refused(pki.http_port) && refused(pki.ocsp_port));

    let again = pki.verify(CRL_GOOD, &["--online"], &cache);
    assert_eq!(again.code, 0, "served from the cache: {}", again.pretty());
    assert_eq!(again.verdict(), "valid");
    assert_eq!(again.status(LEAF), "good");
    assert_eq!(again.source(LEAF), first.source(LEAF));
    assert_eq!(again.revocation(LEAF)["this_update"], first.revocation(LEAF)["this_update"]);
    let again = pki.verify(OCSP_GOOD, &["--online"], &cache);
    assert_eq!(again.code, 0, "served from the cache: {}", again.pretty());
    assert_eq!(again.source(LEAF), ocsp_first.source(LEAF));

    // The same with an empty cache: the network really is gone.
    let out = pki.verify(CRL_GOOD, &["--online"], &pki.cache("empty"));
    assert_eq!(out.code, 2, "{}", out.pretty());
    assert_eq!(out.reason_code(), Some("revocation-unknown"));
}

/// The intermediate's status from the root's CRL, downloaded: revoked ends the path there.
#[test]
fn revoked_intermediate_from_downloaded_crl() {
    let pki = Pki::new();
    let _http = pki.http_server();
    let cache = pki.cache("cache");
    let extra = ["--online", "--untrusted", "int2.pem"];
    let out = pki.verify(UNDER_REVOKED_INT, &extra, &cache);
    assert_eq!(out.code, 1, "{}", out.pretty());
    assert_eq!(out.verdict(), "invalid");
    assert_eq!(out.reason_code(), Some("revoked"), "{}", out.pretty());
    assert_eq!(out.report["reason"]["index"].as_u64(), Some(1), "the intermediate: {}", out.pretty());
    assert_eq!(out.report["reason"]["reason"].as_u64(), Some(2), "cACompromise: {}", out.pretty());
    assert_eq!(
        out.report["chain"][INT]["subject"].as_str(),
        Some("CN=Rig Online Revoked Intermediate,O=Rig Online")
    );
    // Its sibling is still good, from the same (now cached) root CRL.
    let out = pki.verify(CRL_GOOD, &extra, &cache);
    assert_eq!(out.code, 0, "{}", out.pretty());
    assert_eq!(out.source(INT), format!("CRL http://127.0.0.1:{}/root.crl", pki.http_port));
}

/// A CRL that fails its checks (here another CA's, served at the intermediate's distribution
/// point) must not be cached: once the server serves the right CRL, the answer is found.
#[test]
fn unverified_crl_is_not_cached() {
    let pki = Pki::new();
    let www = pki.file("www");
    std::fs::rename(www.join("int.crl"), www.join("int.crl.real")).unwrap();
    std::fs::copy(www.join("other.crl"), www.join("int.crl")).unwrap();
    let _http = pki.http_server();
    let cache = pki.cache("cache");
    let out = pki.verify(CRL_GOOD, &["--online"], &cache);
    assert_eq!(out.code, 2, "the wrong CRL decides nothing: {}", out.pretty());
    assert_eq!(out.reason_code(), Some("revocation-unknown"));

    std::fs::rename(www.join("int.crl.real"), www.join("int.crl")).unwrap();
    let out = pki.verify(CRL_GOOD, &["--online"], &cache);
    assert_eq!(out.code, 0, "the right CRL is fetched now: {}", out.pretty());
    assert!(out.source(LEAF).starts_with("CRL "), "{}", out.pretty());
}

#[test]
fn missing_issuer_fetched_from_ca_issuers_as_der_or_pkcs7() {
    let pki = Pki::new();
    let _http = pki.http_server();
    for leaf in [AIA_DER, AIA_P7C] {
        // Offline, only the root given: the intermediate is missing.
        let out = pki.verify_alone(leaf, &[], &pki.cache(&format!("off-{leaf}")));
        assert_ne!(out.verdict(), "valid", "{leaf}: {}", out.pretty());
        // Online: fetched from the caIssuers URL, then checked like any other.
        let out = pki.verify_alone(leaf, &["--online"], &pki.cache(&format!("on-{leaf}")));
        assert_eq!(out.code, 0, "{leaf}: {}", out.pretty());
        assert_eq!(out.verdict(), "valid", "{leaf}");
        assert_eq!(
            out.report["chain"][INT]["subject"].as_str(),
            Some("CN=Rig Online Intermediate,O=Rig Online"),
            "{leaf}: {}",
            out.pretty()
        );
        assert_eq!(out.status(LEAF), "good", "{leaf}: {}", out.pretty());
    }
}

#[test]
fn utc_time_formats() {
    assert_eq!(utc_time(0), "700101000000Z");
    assert_eq!(utc_time(1_704_067_200), "240101000000Z");
    assert_eq!(utc_time(1_709_210_096), "240229123456Z");
}
