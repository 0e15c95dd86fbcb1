//! x509-limbo through `ecert limbo-harness` (the harness protocol: cases on stdin, results
//! on stdout). No case expected to fail may pass; at least 195 of the 208 must give the
//! expected answer; every SKIPPED case carries its reason. Writes the table to
//! target/conformance/limbo.md (CONFORMANCE.md quotes it).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

#[test]
fn limbo_no_false_accept_and_at_least_195_pass() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let input = std::fs::read(root.join("tests/data/limbo/limbo.json")).unwrap();
    let cases: Value = serde_json::from_slice(&input).unwrap();
    // ECERT_TEST_BIN runs the same cases through another build of ecert (scripts/windows:
    // ecert.exe under Wine); the table then goes to limbo$ECERT_CONFORMANCE_SUFFIX.md.
    let bin = std::env::var_os("ECERT_TEST_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_ecert").into());
    let mut child =
        Command::new(bin).arg("limbo-harness").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let results: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(results["version"], 1);
    let expected: BTreeMap<&str, &str> = cases["testcases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_str().unwrap(), c["expected_result"].as_str().unwrap()))
        .collect();
    let mut by_ns: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    let (mut false_accepts, mut false_rejects, mut skips) = (Vec::new(), Vec::new(), Vec::new());
    let list = results["results"].as_array().unwrap();
    assert_eq!(list.len(), expected.len());
    for r in list {
        let id = r["id"].as_str().unwrap();
        let actual = r["actual_result"].as_str().unwrap();
        let context = r["context"].as_str().unwrap_or_default();
        let ns = id.split("::").next().unwrap().to_owned();
        let slot = by_ns.entry(ns).or_default();
        match actual {
            "SKIPPED" => {
                assert!(!context.is_empty(), "{id} skipped without a reason");
                skips.push(format!("{id}: {context}"));
                slot[2] += 1;
            }
            a if a == expected[id] => slot[0] += 1,
            "SUCCESS" => {
                false_accepts.push(id.to_owned());
                slot[1] += 1;
            }
            _ => {
                false_rejects.push(format!("{id}: {context}"));
                slot[1] += 1;
            }
        }
    }
    let total: [usize; 3] = by_ns.values().fold([0; 3], |a, v| [a[0] + v[0], a[1] + v[1], a[2] + v[2]]);
    let mut md = String::from("| limbo namespace | pass | fail | skip |\n|---|---:|---:|---:|\n");
    for (ns, v) in &by_ns {
        let _ = writeln!(md, "| {ns} | {} | {} | {} |", v[0], v[1], v[2]);
    }
    let _ = writeln!(md, "| **total** | **{}** | **{}** | **{}** |", total[0], total[1], total[2]);
    md.push_str("\nFailures (all are rejections of a case expected to pass):\n\n");
    for f in &false_rejects {
        let _ = writeln!(md, "- {f}");
    }
    md.push_str("\nSkipped:\n\n");
    for s in &skips {
        let _ = writeln!(md, "- {s}");
    }
    let dir = root.join("target/conformance");
    std::fs::create_dir_all(&dir).unwrap();
    let suffix = std::env::var("ECERT_CONFORMANCE_SUFFIX").unwrap_or_default();
    std::fs::write(dir.join(format!("limbo{suffix}.md")), &md).unwrap();
    println!("{md}");
    assert!(false_accepts.is_empty(), "accepted chains limbo expects rejected: {false_accepts:?}");
    assert!(total[0] >= 195, "only {} of {} limbo cases pass", total[0], list.len());
}
