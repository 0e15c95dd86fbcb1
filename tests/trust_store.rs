//! The trust store through `ecert anchors` and `ecert verify`: a user-added anchor makes a
//! PKITS chain verify without `--anchor`, removing it makes it untrusted again; end-entity
//! certificates and garbage are refused with nothing written; the system bundle is read
//! only when asked for.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn pkits(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/pkits/certs").join(format!("{name}.crt"))
}

fn ecert(config: &Path, args: &[&str]) -> Output {
    match Command::new(env!("CARGO_BIN_EXE_ecert")).args(args).env("ECERT_CONFIG_DIR", config).output() {
        Ok(o) => o,
        Err(e) => panic!("ecert: {e}"),
    }
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

const AT: &str = "2011-04-15T00:00:00Z";

#[test]
fn user_anchor_added_used_and_removed() {
    let config = tempfile::tempdir().unwrap();
    let c = config.path();
    let leaf = pkits("ValidCertificatePathTest1EE");
    let ca = pkits("GoodCACert");
    let verify_args = ["verify", leaf.to_str().unwrap(), "--untrusted", ca.to_str().unwrap(), "--at", AT];

    // Not trusted yet: the bundled Hongkong Post / eSignTrust roots don't cover PKITS.
    assert_eq!(ecert(c, &verify_args).status.code(), Some(1));

    let root = pkits("TrustAnchorRootCertificate");
    let added = ecert(c, &["anchors", "add", root.to_str().unwrap(), "--yes"]);
    assert!(added.status.success(), "{}", text(&added));
    assert!(text(&added).contains("SHA-256"), "the fingerprint is shown: {}", text(&added));
    #[cfg(unix)]
    {
        // What the user trusts is theirs alone: 0700 folder, 0600 file (careful_file).
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&c.join("anchors")), 0o700);
        let files: Vec<PathBuf> =
            std::fs::read_dir(c.join("anchors")).unwrap().map(|e| e.unwrap().path()).collect();
        assert!(files.len() == 1 && mode(&files[0]) == 0o600, "{files:?}");
    }

    let list = ecert(c, &["anchors", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let user: Vec<&serde_json::Value> =
        json.as_array().unwrap().iter().filter(|a| a["provenance"] == "user").collect();
    assert_eq!(user.len(), 1);
    assert_eq!(json.as_array().unwrap().iter().filter(|a| a["provenance"] == "bundled").count(), 5);
    let fingerprint = user[0]["summary"]["sha256"].as_str().unwrap().to_owned();

    let ok = ecert(c, &verify_args);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));

    // Adding it twice is refused.
    let again = ecert(c, &["anchors", "add", root.to_str().unwrap(), "--yes"]);
    assert!(!again.status.success());
    assert!(text(&again).contains("already"));

    let removed = ecert(c, &["anchors", "remove", &fingerprint[..23]]);
    assert!(removed.status.success(), "{}", text(&removed));
    assert_eq!(ecert(c, &verify_args).status.code(), Some(1));
    assert!(!ecert(c, &["anchors", "remove", &fingerprint[..23]]).status.success());
}

#[test]
fn end_entities_and_garbage_are_refused_and_nothing_is_written() {
    let config = tempfile::tempdir().unwrap();
    let c = config.path();
    let leaf = pkits("ValidCertificatePathTest1EE");
    let refused = ecert(c, &["anchors", "add", leaf.to_str().unwrap(), "--yes"]);
    assert!(!refused.status.success());
    assert!(text(&refused).contains("not a CA certificate"), "{}", text(&refused));
    let junk = c.join("junk.pem");
    std::fs::write(&junk, b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").unwrap();
    assert!(!ecert(c, &["anchors", "add", junk.to_str().unwrap(), "--yes"]).status.success());
    // Without --yes and no confirmation on stdin, nothing is added either.
    let root = pkits("TrustAnchorRootCertificate");
    assert!(!ecert(c, &["anchors", "add", root.to_str().unwrap()]).status.success());
    assert!(!c.join("anchors").exists() || std::fs::read_dir(c.join("anchors")).unwrap().next().is_none());
}

#[test]
fn system_bundle_only_when_asked() {
    let config = tempfile::tempdir().unwrap();
    let c = config.path();
    let bundle = c.join("bundle.pem");
    let der = std::fs::read(pkits("TrustAnchorRootCertificate")).unwrap();
    std::fs::write(
        &bundle,
        pem_rfc7468::encode_string("CERTIFICATE", pem_rfc7468::LineEnding::LF, &der).unwrap(),
    )
    .unwrap();
    let run = |args: &[&str]| match Command::new(env!("CARGO_BIN_EXE_ecert"))
        .args(args)
        .env("ECERT_CONFIG_DIR", c)
        .env("ECERT_SYSTEM_ANCHORS", &bundle)
        .output()
    {
        Ok(o) => o,
        Err(e) => panic!("{e}"),
    };
    let without: serde_json::Value = serde_json::from_slice(&run(&["anchors", "--json"]).stdout).unwrap();
    assert!(without.as_array().unwrap().iter().all(|a| a["provenance"] != "system"));
    let with: serde_json::Value =
        serde_json::from_slice(&run(&["anchors", "--system", "--json"]).stdout).unwrap();
    assert_eq!(with.as_array().unwrap().iter().filter(|a| a["provenance"] == "system").count(), 1);
}
