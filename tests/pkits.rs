//! NIST PKITS (all 249 entries, policy inputs included) through our path validation with
//! CRL revocation checking: each entry's expected verdict must come out. Writes the
//! per-section table to target/conformance/pkits.md (CONFORMANCE.md quotes it).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use ecert::verify::crl::Crl;
use ecert::verify::policy::PolicyInputs;
use ecert::verify::{verify, Cert, Options, Revocation, Verdict};
use serde_json::Value;

fn data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/pkits")
}

fn cert(name: &str) -> Cert {
    let path = data().join("certs").join(format!("{name}.crt"));
    match std::fs::read(&path).map(|b| Cert::parse(&b)) {
        Ok(Ok(c)) => c,
        other => panic!("{name}: {other:?}"),
    }
}

#[test]
fn pkits_all_entries() {
    let json: Value =
        serde_json::from_slice(&std::fs::read(data().join("pkits_tests.json")).unwrap()).unwrap();
    let oids = json["policy_oids"].as_object().unwrap();
    let oid = |v: &Value| oids[v.as_str().unwrap()].as_str().unwrap().to_owned();
    let mut by_section: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    let tests = json["tests"].as_array().unwrap();
    for t in tests {
        let names: Vec<&str> =
            t["certs_anchor_to_leaf"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        let anchor = cert(names[0]);
        let leaf = cert(names[names.len() - 1]);
        let pool: Vec<Cert> = names[1..names.len() - 1].iter().map(|n| cert(n)).collect();
        let crls: Vec<Crl> = t["crls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let name = c.as_str().unwrap();
                Crl::parse(std::fs::read(data().join("crls").join(format!("{name}.crl"))).unwrap())
                    .unwrap_or_else(|e| panic!("{name}: {e}"))
            })
            .collect();
        let options = Options {
            time: u64::try_from(
                ecert::verify::time::parse_rfc3339(t["validation_time"].as_str().unwrap()).unwrap(),
            )
            .unwrap(),
            policy: PolicyInputs {
                initial_policy_set: t["initial_policy_set"].as_array().unwrap().iter().map(oid).collect(),
                initial_explicit_policy: t["initial_explicit_policy"].as_bool().unwrap(),
                initial_policy_mapping_inhibit: t["initial_policy_mapping_inhibit"].as_bool().unwrap(),
                initial_inhibit_any_policy: t["initial_inhibit_any_policy"].as_bool().unwrap(),
            },
            revocation: Revocation::Crls,
            ..Options::default()
        };
        let report = verify(&leaf, &pool, &[anchor], &crls, &options);
        let expected = t["should_validate"].as_bool().unwrap();
        let mut ok = (report.verdict == Verdict::Valid) == expected;
        // Where a path is valid, the user-constrained policy set must be PKITS's too.
        if ok && expected {
            let want: Vec<String> =
                t["expected_user_constrained_policy_set"].as_array().unwrap().iter().map(oid).collect();
            let mut got = report.policies.clone();
            let mut want_sorted = want.clone();
            got.sort();
            want_sorted.sort();
            if got != want_sorted {
                ok = false;
            }
        }
        let num = t["test_number"].as_str().unwrap();
        let section = num.rsplit_once('.').unwrap().0.to_owned();
        let e = by_section.entry(section).or_default();
        e.1 += 1;
        if ok {
            e.0 += 1;
        } else {
            failures.push(format!(
                "{num} {} expected {} got {:?}: {} policies {:?}",
                t["title"].as_str().unwrap(),
                if expected { "valid" } else { "invalid" },
                report.verdict,
                report.reason_text.unwrap_or_default(),
                report.policies
            ));
        }
    }
    let passed: usize = by_section.values().map(|v| v.0).sum();
    let mut md = String::from("| PKITS section | passed | entries |\n|---|---:|---:|\n");
    for (s, (p, n)) in &by_section {
        let _ = writeln!(md, "| {s} | {p} | {n} |");
    }
    let _ = writeln!(md, "| **total** | **{passed}** | **{}** |", tests.len());
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/conformance");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("pkits.md"), &md).unwrap();
    println!("{md}");
    assert_eq!(tests.len(), 249);
    assert!(
        failures.is_empty(),
        "{} of {} PKITS entries wrong:\n{}",
        failures.len(),
        tests.len(),
        failures.join("\n")
    );
}
