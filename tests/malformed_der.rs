//! Hostile bytes for the verification parsers: every truncation and a spread of single-byte
//! corruptions of real certificates (PKITS), CRLs (PKITS) and OCSP responses (pyca vectors)
//! must give a parse error or a parsed value — never a panic — and a corrupted certificate
//! must never verify.

use std::path::PathBuf;

use ecert::verify::crl::Crl;
use ecert::verify::name::NameKey;
use ecert::verify::{verify, Cert, Options, Verdict};

fn files(dir: &str, take: usize) -> Vec<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(dir);
    let Ok(entries) = std::fs::read_dir(&dir) else { panic!("{} is missing", dir.display()) };
    let mut names: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    names.sort();
    names.iter().take(take).filter_map(|p| std::fs::read(p).ok()).collect()
}

fn variants(original: &[u8]) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = (0..original.len()).map(|n| original[..n].to_vec()).collect();
    for i in (0..original.len()).step_by(7) {
        let mut v = original.to_vec();
        v[i] ^= 0x5A;
        out.push(v);
        let mut w = original.to_vec();
        w[i] = 0xFF;
        out.push(w);
    }
    out
}

#[test]
fn certificates_truncated_or_corrupted() {
    let anchor_bytes = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/pkits/certs/TrustAnchorRootCertificate.crt"),
    )
    .unwrap();
    let anchor = Cert::parse(&anchor_bytes).unwrap();
    let good_ca = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/pkits/certs/GoodCACert.crt"),
    )
    .unwrap();
    let options = Options { time: 1_302_825_600, ..Options::default() };
    let (mut parsed, mut refused) = (0, 0);
    for v in variants(&good_ca) {
        match Cert::parse(&v) {
            Ok(c) => {
                parsed += 1;
                if v != good_ca {
                    let report = verify(&c, &[], std::slice::from_ref(&anchor), &[], &options);
                    // A flipped byte may land in an unsigned place only if the encoding is
                    // the same; anything else must not verify.
                    assert_ne!(report.verdict, Verdict::Valid, "a corrupted certificate verified");
                }
            }
            Err(e) => {
                refused += 1;
                assert!(!e.to_string().is_empty());
            }
        }
    }
    assert!(refused > parsed, "{refused} refused, {parsed} parsed");
    for original in files("tests/data/pkits/certs", 60) {
        for v in variants(&original) {
            let _ = Cert::parse(&v);
        }
    }
}

#[test]
fn crls_truncated_or_corrupted() {
    let mut refused = 0;
    for original in files("tests/data/pkits/crls", 40) {
        for v in variants(&original) {
            match Crl::parse(v) {
                Ok(crl) => {
                    let _ = crl.lookup(&[1], &NameKey::default());
                    let _ = crl.lookup(&[1], &crl.issuer.clone());
                }
                Err(_) => refused += 1,
            }
        }
    }
    assert!(refused > 1000);
}

#[test]
fn ocsp_responses_truncated_or_corrupted() {
    for original in files("tests/data/ocsp", 100) {
        for v in variants(&original) {
            let _ = ecert::verify::ocsp::parse_response(&v);
        }
    }
}
