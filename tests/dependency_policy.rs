//! What we ship is ours to answer for (issue 17 item 4), checked like `cargo deny` would,
//! offline, from `cargo metadata` of the graph built on this machine:
//! - **licences**: every crate's SPDX expression must allow use under one of the licences in
//!   [`ALLOWED`] (an `OR` needs one acceptable side, an `AND` both);
//! - **duplicate majors**: a crate in two incompatible versions is allowed only when the
//!   older copy comes in through one of the [`EXPLAINED`] entry points, each with its reason.
//!   A new duplicate anywhere else fails here, so it is noticed and either removed or
//!   explained.
//!
//! Not checked here: security advisories (the RustSec database is not available offline on
//! this machine); Windows-only crates (the graph is this host's).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod graph;
use graph::metadata;
use std::collections::{BTreeMap, BTreeSet};

/// Licences we can ship under (all permissive; MPL-2.0 is file-level copyleft: we ship the
/// crate's files unmodified, which it allows).
const ALLOWED: &[&str] = &[
    "MIT",
    "Apache-2.0",
    "Apache-2.0 WITH LLVM-exception",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "ISC",
    "Zlib",
    "Unicode-3.0",
    "Unlicense",
    "0BSD",
    "MPL-2.0",
];

/// Where an older major version of a crate may come from, and why we accept it.
const EXPLAINED: &[(&str, &str)] = &[
    (
        "ecert-vcard",
        "the demo card and the test card: piv-authenticator on trussed, built on the previous \
         RustCrypto generations (der 0.4/0.7, p256 0.9, rsa 0.9, signature 1/2); shipped in the \
         GUI for the demo (ARCHITECTURE.md)",
    ),
    (
        "p12-keystore",
        "reads and writes .p12 e-Cert files; on the RustCrypto 0.10 generation (cbc, des 0.8, \
         hmac 0.12, pkcs8 0.10)",
    ),
    ("iced", "the GUI toolkit: its font stack (skrifa, read-fonts) and Wayland client in two versions"),
    ("ldap3", "certificate directories: nom 7 and an older rustix through its tokio stack"),
    ("i18n-embed", "the translations (Fluent): thiserror 1"),
    (
        "getrandom",
        "we call getrandom 0.3 (salt, challenges) like iced; 0.4 arrives with rand 0.10 in the demo card",
    ),
    ("iced_test", "tests only: the headless GUI simulator (sha2 0.10 for its snapshots)"),
];

/// Crates that run only at compile time (derive macros and their parser): two of them make
/// the build longer, not the program larger.
const BUILD_ONLY: &[&str] = &["syn", "synstructure", "thiserror-impl", "der_derive", "proc-macro2", "quote"];

/// Whether an SPDX expression (with the old `/` for OR) lets us ship the crate.
fn acceptable(expr: &str) -> bool {
    let expr = expr.replace('/', " OR ");
    let expr = expr.trim();
    if let Some(inner) = expr.strip_prefix('(').and_then(|e| e.strip_suffix(')')) {
        if balanced(inner) {
            return acceptable(inner);
        }
    }
    if let Some(parts) = split_top(expr, " OR ") {
        return parts.iter().any(|p| acceptable(p));
    }
    if let Some(parts) = split_top(expr, " AND ") {
        return parts.iter().all(|p| acceptable(p));
    }
    ALLOWED.contains(&expr)
}

fn balanced(s: &str) -> bool {
    let mut depth = 0i32;
    for c in s.chars() {
        depth += match c {
            '(' => 1,
            ')' => -1,
            _ => 0,
        };
        if depth < 0 {
            return false;
        }
    }
    depth == 0
}

/// `expr` split at `op` outside parentheses; `None` when `op` does not occur there.
fn split_top<'a>(expr: &'a str, op: &str) -> Option<Vec<&'a str>> {
    let (mut parts, mut depth, mut start, mut i) = (Vec::new(), 0i32, 0, 0);
    let bytes = expr.as_bytes();
    while i < bytes.len() {
        match bytes[i] {
            b'(' => depth += 1,
            b')' => depth -= 1,
            _ if depth == 0 && expr[i..].starts_with(op) => {
                parts.push(&expr[start..i]);
                i += op.len();
                start = i;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    (!parts.is_empty()).then(|| {
        parts.push(&expr[start..]);
        parts
    })
}

#[test]
fn the_licence_reader_reads_spdx_as_cargo_deny_would() {
    assert!(acceptable("MIT OR Apache-2.0"));
    assert!(acceptable("Apache-2.0 OR GPL-2.0-only"));
    assert!(acceptable("(MIT OR Apache-2.0) AND Unicode-3.0"));
    assert!(acceptable("MIT/Apache-2.0"));
    assert!(!acceptable("GPL-3.0-only"));
    assert!(!acceptable("MIT AND GPL-2.0-only"));
    assert!(!acceptable("(GPL-2.0-only OR LGPL-2.1-only) AND MIT"));
}

#[test]
fn every_crate_we_build_has_a_licence_we_can_ship_under() {
    let meta = metadata();
    let used: BTreeSet<&str> =
        meta["resolve"]["nodes"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap()).collect();
    let members: BTreeSet<&str> =
        meta["workspace_members"].as_array().unwrap().iter().map(|m| m.as_str().unwrap()).collect();
    let mut refused = Vec::new();
    for p in meta["packages"].as_array().unwrap() {
        let id = p["id"].as_str().unwrap();
        if !used.contains(id) || members.contains(id) {
            continue;
        }
        let licence = p["license"].as_str().unwrap_or("");
        if !acceptable(licence) {
            refused.push(format!("{} {}: {licence:?}", p["name"].as_str().unwrap(), p["version"]));
        }
    }
    assert!(refused.is_empty(), "licences we cannot ship under:\n{}", refused.join("\n"));
}

/// `0.9.1` → `0.9`, `2.1.0` → `2`: the versions Cargo treats as incompatible.
fn major(version: &str) -> String {
    let mut parts = version.split('.');
    let first = parts.next().unwrap_or("0");
    if first == "0" {
        format!("0.{}", parts.next().unwrap_or("0"))
    } else {
        first.to_owned()
    }
}

#[test]
fn every_duplicate_major_comes_in_through_an_explained_crate() {
    let meta = metadata();
    let packages: BTreeMap<&str, (&str, &str)> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), (p["name"].as_str().unwrap(), p["version"].as_str().unwrap())))
        .collect();
    let deps: BTreeMap<&str, Vec<&str>> = meta["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["id"].as_str().unwrap(),
                n["deps"].as_array().unwrap().iter().map(|d| d["pkg"].as_str().unwrap()).collect(),
            )
        })
        .collect();
    // For each crate version: which direct dependencies of our crates reach it.
    let members: Vec<&str> =
        meta["workspace_members"].as_array().unwrap().iter().map(|m| m.as_str().unwrap()).collect();
    let member_names: BTreeSet<&str> = members.iter().map(|m| packages[m].0).collect();
    let mut reached_via: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for m in &members {
        for entry in &deps[m] {
            // Everything the virtual card brings in is the virtual card's.
            let entry_name = if packages[m].0 == "ecert-vcard" { "ecert-vcard" } else { packages[entry].0 };
            if member_names.contains(packages[entry].0) {
                continue;
            }
            let (mut seen, mut todo) = (BTreeSet::new(), vec![*entry]);
            while let Some(id) = todo.pop() {
                if seen.insert(id) {
                    reached_via.entry(id).or_default().insert(entry_name);
                    todo.extend(deps.get(id).into_iter().flatten().copied());
                }
            }
        }
    }
    let mut by_name: BTreeMap<&str, BTreeMap<String, Vec<&str>>> = BTreeMap::new();
    for id in reached_via.keys() {
        let (name, version) = packages[id];
        by_name.entry(name).or_default().entry(major(version)).or_default().push(id);
    }
    let explained: BTreeSet<&str> = EXPLAINED.iter().map(|(e, _)| *e).collect();
    let mut unexplained = Vec::new();
    let mut used_explanations = BTreeSet::new();
    let mut duplicates = 0;
    for (name, majors) in &by_name {
        if majors.len() < 2 || BUILD_ONLY.contains(name) {
            continue;
        }
        duplicates += 1;
        // The newest major is the one we chose; every older one must come in only through
        // explained entry points (or through a crate itself explained as their source).
        let newest = majors.keys().max_by_key(|m| version_key(m)).unwrap().clone();
        for (m, ids) in majors {
            if *m == newest {
                continue;
            }
            for id in ids {
                let via = &reached_via[id];
                if via.iter().all(|e| explained.contains(e)) {
                    used_explanations.extend(via.iter().copied());
                } else {
                    unexplained.push(format!("{name} {m} (via {via:?})"));
                }
            }
        }
    }
    assert!(
        unexplained.is_empty(),
        "duplicate majors not explained in EXPLAINED:\n{}",
        unexplained.join("\n")
    );
    assert!(duplicates > 0, "the graph was read (there are known, explained duplicates)");
    let stale: Vec<&&str> = explained.iter().filter(|e| !used_explanations.contains(**e)).collect();
    assert!(stale.is_empty(), "explanations that explain nothing any more (remove them): {stale:?}");
    println!("{duplicates} crates in two or more majors, all explained");
}

fn version_key(major: &str) -> (u64, u64) {
    let mut p = major.split('.').map(|x| x.parse::<u64>().unwrap_or(0));
    (p.next().unwrap_or(0), p.next().unwrap_or(0))
}
