//! Issue 13, item 1: a hostile generator over real certificates and CRLs (NIST PKITS, every tenth
//! x509-limbo case, our openssl-made chains). Every time field (UTCTime 0x17,
//! GeneralizedTime 0x18) and every string field (UTF8String, PrintableString, T61String,
//! IA5String, VisibleString, UniversalString, BMPString) found by walking the DER — also
//! inside extension OCTET STRINGs — is rewritten with same-length bytes: non-ASCII UTF-8
//! (`C3 A9`, `E2 82 AC`), lone `80`/`FF`, and non-digits (`a + - .` and space), at the start,
//! middle and end of the content and across all of it. Each variant goes through the
//! verification `ecert verify` uses (the certificate as leaf with its real chain, CRLs through
//! the CRL check) and through the display-model parsers. The answer must be an error or a
//! verdict: a panic fails the test (none is caught). A sample also goes through the real
//! `ecert verify`, whose exit code must never be 101 (Rust's panic exit).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use ecert::verify::crl::Crl;
use ecert::verify::model::read_certs;
use ecert::verify::name::NameKey;
use ecert::verify::{verify, Cert, Options, Revocation};
use serde_json::Value;

const TIME_TAGS: [u8; 2] = [0x17, 0x18];
const STRING_TAGS: [u8; 7] = [0x0C, 0x13, 0x14, 0x16, 0x1A, 0x1C, 0x1E];

/// Same-length replacements: non-ASCII UTF-8, lone continuation/invalid bytes, non-digits.
const PATTERNS: [&[u8]; 10] =
    [b"\xC3\xA9", b"\xE2\x82\xAC", b"\x80", b"\xFF", b"a", b"+", b"-", b".", b" ", b"\xC3"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One element's header and content position within the whole buffer.
#[derive(Clone, Copy)]
struct Field {
    tag: u8,
    start: usize,
    len: usize,
}

/// Reads a DER header at `at`: (tag, header length, content length).
fn header(der: &[u8], at: usize) -> Option<(u8, usize, usize)> {
    let tag = *der.get(at)?;
    if tag & 0x1F == 0x1F {
        return None; // multi-byte tags do not occur in these files
    }
    let first = *der.get(at + 1)?;
    if first < 0x80 {
        return Some((tag, 2, usize::from(first)));
    }
    let n = usize::from(first & 0x7F);
    if n == 0 || n > 4 {
        return None;
    }
    let len = der.get(at + 2..at + 2 + n)?.iter().fold(0usize, |a, b| (a << 8) | usize::from(*b));
    Some((tag, 2 + n, len))
}

/// Walks `der[from..to]` as a sequence of elements; constructed ones and OCTET STRINGs that
/// hold DER (extension values) are entered. Collects time and string fields.
fn walk(der: &[u8], from: usize, to: usize, depth: usize, out: &mut Vec<Field>) -> bool {
    let mut at = from;
    let mut found = Vec::new();
    while at < to {
        let Some((tag, hl, len)) = header(der, at) else { return false };
        let start = at + hl;
        if start + len > to {
            return false;
        }
        found.push((tag, start, len));
        at = start + len;
    }
    for (tag, start, len) in found {
        if TIME_TAGS.contains(&tag) || STRING_TAGS.contains(&tag) {
            out.push(Field { tag, start, len });
        } else if depth < 24 && (tag & 0x20 != 0 || tag == 0x04) && len > 0 {
            let mut inner = Vec::new();
            if walk(der, start, start + len, depth + 1, &mut inner) {
                out.extend(inner);
            }
        }
    }
    true
}

fn fields(der: &[u8]) -> Vec<Field> {
    let mut out = Vec::new();
    walk(der, 0, der.len(), 0, &mut out);
    out
}

/// Most fields rewritten per file: every time field, and string fields spread evenly up to
/// this many (some limbo cases carry thousands of names; all of them would add nothing).
const MAX_STRING_FIELDS: usize = 10;

/// The fields of `der` to rewrite: all times, a spread of strings.
fn chosen_fields(der: &[u8]) -> Vec<Field> {
    let (times, strings): (Vec<Field>, Vec<Field>) =
        fields(der).into_iter().partition(|f| TIME_TAGS.contains(&f.tag));
    let step = strings.len().div_ceil(MAX_STRING_FIELDS).max(1);
    times.into_iter().chain(strings.into_iter().step_by(step)).collect()
}

/// Every same-length hostile variant of `der`'s chosen time and string fields, tagged with
/// the field's tag, made one at a time.
fn variants(der: &[u8]) -> impl Iterator<Item = (u8, Vec<u8>)> + '_ {
    chosen_fields(der).into_iter().flat_map(move |f| {
        PATTERNS.iter().filter(move |pat| pat.len() <= f.len).flat_map(move |pat| {
            let last = f.len - pat.len();
            let mut positions = vec![Some(0), Some(last / 2), Some(last), None];
            positions.dedup();
            positions.into_iter().map(move |p| {
                let mut v = der.to_vec();
                match p {
                    Some(p) => v[f.start + p..f.start + p + pat.len()].copy_from_slice(pat),
                    None => {
                        for (i, b) in v[f.start..f.start + f.len].iter_mut().enumerate() {
                            *b = pat[i % pat.len()];
                        }
                    }
                }
                (f.tag, v)
            })
        })
    })
}

/// A certificate path as found: DER anchor first, leaf last, its CRLs, the validation time.
struct Case {
    chain: Vec<Vec<u8>>,
    crls: Vec<Vec<u8>>,
    time: u64,
}

fn rfc3339(t: &str) -> u64 {
    u64::try_from(ecert::verify::time::parse_rfc3339(t).unwrap()).unwrap()
}

fn pkits_cases() -> Vec<Case> {
    let dir = root().join("tests/data/pkits");
    let json: Value = serde_json::from_slice(&std::fs::read(dir.join("pkits_tests.json")).unwrap()).unwrap();
    let read = |sub: &str, name: &str, ext: &str| {
        std::fs::read(dir.join(sub).join(format!("{name}.{ext}"))).unwrap()
    };
    json["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| Case {
            chain: t["certs_anchor_to_leaf"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| read("certs", n.as_str().unwrap(), "crt"))
                .collect(),
            crls: t["crls"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| read("crls", n.as_str().unwrap(), "crl"))
                .collect(),
            time: rfc3339(t["validation_time"].as_str().unwrap()),
        })
        .collect()
}

fn pem_file(path: &Path) -> Vec<Vec<u8>> {
    std::fs::read(path).map(|b| read_certs(&b).unwrap()).unwrap_or_default()
}

fn fixture_cases() -> Vec<Case> {
    let dir = root().join("tests/data/chains");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    names.sort();
    names
        .iter()
        .map(|d| {
            let mut chain = Vec::new();
            for f in ["root.pem", "intermediate.pem", "intermediate-2.pem", "leaf.pem"] {
                chain.extend(pem_file(&d.join(f)));
            }
            let mut crls = pem_file(&d.join("crl.pem"));
            crls.extend(pem_file(&d.join("root-crl.pem")));
            Case { chain, crls, time: rfc3339("2026-06-01T00:00:00Z") }
        })
        .collect()
}

fn limbo_cases() -> Vec<Case> {
    let json: Value =
        serde_json::from_slice(&std::fs::read(root().join("tests/data/limbo/limbo.json")).unwrap()).unwrap();
    let pems = |v: &Value| -> Vec<Vec<u8>> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .flat_map(|p| read_certs(p.as_str().unwrap_or_default().as_bytes()).unwrap_or_default())
                    .collect()
            })
            .unwrap_or_default()
    };
    // Every tenth case: limbo's certificates are many and large (RSA-4096, long chains), and
    // a debug build takes minutes over all of them; a tenth keeps each kind of case in CI.
    json["testcases"]
        .as_array()
        .unwrap()
        .iter()
        .step_by(10)
        .map(|c| {
            let mut chain = pems(&c["trusted_certs"]);
            chain.extend(pems(&c["untrusted_intermediates"]));
            chain.extend(
                read_certs(c["peer_certificate"].as_str().unwrap_or_default().as_bytes()).unwrap_or_default(),
            );
            let time = c["validation_time"].as_str().map_or(rfc3339("2026-06-01T00:00:00Z"), rfc3339);
            Case { chain, crls: pems(&c["crls"]), time }
        })
        .collect()
}

/// Runs one hostile certificate through everything that reads certificates; returns whether
/// it got as far as a verdict.
fn certificate_through_all(der: &[u8], chain_above: &[Vec<u8>], crls: &[Crl], time: u64) -> bool {
    // Display model (what the app and `ecert show` build).
    let _ = ecert::cert::CertSummary::from_der(der);
    let _ = ecert::cert::fields::fields(der);
    let _ = ecert::cert::fields::revocation_sources(der);
    let _ = ecert::cert::kind::recognise_der(der);
    let _ = ecert::cert::spki_der(der);
    // Verification as `ecert verify` does it: the file's certificates through read_certs,
    // each through Cert::parse, then verify with the real chain.
    let Ok(ders) = read_certs(der) else { return false };
    let Some(Ok(leaf)) = ders.first().map(|d| Cert::parse(d)) else { return false };
    let _ = leaf.subject_display();
    let _ = leaf.issuer_display();
    let above: Vec<Cert> = chain_above.iter().filter_map(|d| Cert::parse(d).ok()).collect();
    let (anchors, pool) = match above.split_first() {
        Some((anchor, pool)) => (vec![anchor.clone()], pool.to_vec()),
        None => (vec![leaf.clone()], Vec::new()),
    };
    let options = Options {
        time,
        revocation: if crls.is_empty() { Revocation::Off } else { Revocation::Crls },
        ..Options::default()
    };
    let _ = verify(&leaf, &pool, &anchors, crls, &options);
    true
}

struct Tally {
    inputs: usize,
    verdicts: usize,
    time_variants: usize,
}

#[test]
fn hostile_time_and_string_fields_never_panic() {
    let started = std::time::Instant::now();
    let mut seen = HashSet::new();
    let mut tally = Tally { inputs: 0, verdicts: 0, time_variants: 0 };
    for (source, cases) in [("fixtures", fixture_cases()), ("PKITS", pkits_cases()), ("limbo", limbo_cases())]
    {
        let before = tally.inputs;
        for case in &cases {
            let crls: Vec<Crl> = case.crls.iter().filter_map(|c| Crl::parse(c.clone()).ok()).collect();
            for (i, der) in case.chain.iter().enumerate() {
                if !seen.insert(der.clone()) {
                    continue;
                }
                for (tag, v) in variants(der) {
                    tally.inputs += 1;
                    tally.time_variants += usize::from(TIME_TAGS.contains(&tag));
                    tally.verdicts +=
                        usize::from(certificate_through_all(&v, &case.chain[..i], &crls, case.time));
                }
            }
            // CRLs through the CRL check path: parse, look up, and a verification that uses them.
            let leaf = case.chain.last().and_then(|d| Cert::parse(d).ok());
            let above: Vec<Cert> = case.chain[..case.chain.len().saturating_sub(1)]
                .iter()
                .filter_map(|d| Cert::parse(d).ok())
                .collect();
            for (j, crl_der) in case.crls.iter().enumerate() {
                if !seen.insert(crl_der.clone()) {
                    continue;
                }
                for (tag, v) in variants(crl_der) {
                    tally.inputs += 1;
                    tally.time_variants += usize::from(TIME_TAGS.contains(&tag));
                    let _ = read_certs(&v);
                    let Ok(crl) = Crl::parse(v) else { continue };
                    let _ = crl.lookup(&[1], &NameKey::default());
                    let _ = crl.lookup(&[1], &crl.issuer.clone());
                    let _ = crl.serials();
                    let (Some(leaf), Some((anchor, pool))) = (&leaf, above.split_first()) else { continue };
                    let mut with = crls.clone();
                    if j < with.len() {
                        with[j] = crl;
                    } else {
                        with.push(crl);
                    }
                    let options =
                        Options { time: case.time, revocation: Revocation::Crls, ..Options::default() };
                    let _ = verify(leaf, pool, std::slice::from_ref(anchor), &with, &options);
                    tally.verdicts += 1;
                }
            }
        }
        println!("{source}: {} inputs, {:.1} s", tally.inputs - before, started.elapsed().as_secs_f64());
    }
    println!(
        "hostile fields: {} inputs ({} in time fields) from {} certificates and CRLs; {} reached a verdict; {:.1} s",
        tally.inputs,
        tally.time_variants,
        seen.len(),
        tally.verdicts,
        started.elapsed().as_secs_f64()
    );
    assert!(tally.inputs >= 5_000, "only {} inputs", tally.inputs);
    assert!(tally.time_variants >= 1_000, "only {} time-field inputs", tally.time_variants);
}

/// The byte string of issue 13 (`31 C3 A9` + nine `30` + `5A`) in each time field of a
/// fixture leaf, and a spread of other variants, through the real binary: never exit 101.
#[test]
fn hostile_fields_through_ecert_verify_never_exit_101() {
    let dir = tempfile::tempdir().unwrap();
    let chain_dir = root().join("tests/data/chains/ok-with-crl");
    let leaf = pem_file(&chain_dir.join("leaf.pem")).remove(0);
    let crl = pem_file(&chain_dir.join("crl.pem")).remove(0);
    let mut issue = b"1\xC3\xA9".to_vec();
    issue.extend_from_slice(&[b'0'; 9]);
    issue.push(b'Z');
    let mut samples: Vec<(&str, Vec<u8>)> = Vec::new();
    for f in fields(&leaf).iter().filter(|f| f.tag == 0x17 && f.len == 13) {
        let mut v = leaf.clone();
        v[f.start..f.start + 13].copy_from_slice(&issue);
        samples.push(("leaf", v));
    }
    assert!(samples.len() >= 2, "the fixture leaf has two UTCTimes");
    let leaf_variants: Vec<_> = variants(&leaf).collect();
    let crl_variants: Vec<_> = variants(&crl).collect();
    let step = |n: usize| (n / 15).max(1);
    samples.extend(leaf_variants.iter().step_by(step(leaf_variants.len())).map(|(_, v)| ("leaf", v.clone())));
    samples.extend(crl_variants.iter().step_by(step(crl_variants.len())).map(|(_, v)| ("crl", v.clone())));
    assert!(samples.len() >= 20);
    let good_leaf = dir.path().join("good-leaf.der");
    std::fs::write(&good_leaf, &leaf).unwrap();
    for (n, (what, bytes)) in samples.iter().enumerate() {
        let file = dir.path().join(format!("{n}.der"));
        std::fs::write(&file, bytes).unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ecert"));
        cmd.env("HOME", dir.path()).env("XDG_CONFIG_HOME", dir.path()).env("XDG_DATA_HOME", dir.path());
        cmd.arg("verify");
        cmd.arg(if *what == "leaf" { &file } else { &good_leaf });
        cmd.arg("--anchor").arg(chain_dir.join("root.pem"));
        cmd.arg("--untrusted").arg(chain_dir.join("intermediate.pem"));
        cmd.arg("--crl").arg(if *what == "crl" { file.clone() } else { chain_dir.join("crl.pem") });
        cmd.arg("--at").arg("2026-06-01T00:00:00Z");
        let out = cmd.output().unwrap();
        assert_ne!(
            out.status.code(),
            Some(101),
            "sample {n} ({what}) made `ecert verify` panic: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.code().is_some(), "sample {n} killed by a signal");
    }
    println!("ecert verify: {} hostile samples, none exited 101", samples.len());
}
