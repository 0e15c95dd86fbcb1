//! The floors of ARCHITECTURE.md, kept by the crate graph: each workspace crate may depend
//! only on the crates below it, and the bottom floors on no device, app or GUI crate. The
//! compiler refuses a wrong-way `use` once the crates are apart; this test refuses the
//! `Cargo.toml` line that would bring the floors back together. Reads `cargo metadata`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod graph;
use graph::metadata;
use std::collections::{BTreeMap, BTreeSet};

/// For each workspace crate: the workspace crates it may use, and outside crates it must
/// not (directly or through anything it depends on).
fn rules() -> BTreeMap<&'static str, (&'static [&'static str], &'static [&'static str])> {
    BTreeMap::from([
        // core: certificates and verification; no cards, no app, no GUI, no languages.
        ("ecert-core", (&[][..], &["pcsc", "cryptoki", "iced", "i18n-embed", "ldap3", "p12-keystore"][..])),
        // token: cards, PKCS#11 and files under the Token trait; no app, no languages, no GUI.
        ("ecert-token", (&["ecert-core"][..], &["iced", "i18n-embed", "rust-embed", "ldap3"][..])),
        // app: workflows, service, settings, i18n, directories; no GUI.
        (
            "ecert-app",
            (
                &["ecert-core", "ecert-token", "ecert-vcard"][..],
                &["iced", "iced_test", "clap", "rpassword"][..],
            ),
        ),
        // the virtual card for tests and the demo stands beside the product.
        ("ecert-vcard", (&[][..], &["iced", "ecert-core", "ecert-manager"][..])),
        // the front ends: the `ecert-manager` GUI and the `ecert` CLI.
        ("ecert-manager", (&["ecert-app"][..], &[][..])),
    ])
}

#[test]
fn every_crate_depends_only_on_the_floors_below_it() {
    let meta = metadata();
    let packages = meta["packages"].as_array().unwrap();
    let name_of = |id: &str| -> String {
        packages.iter().find(|p| p["id"] == id).map(|p| p["name"].as_str().unwrap().to_owned()).unwrap()
    };
    let members: BTreeSet<String> = meta["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| name_of(id.as_str().unwrap()))
        .collect();
    let rules = rules();
    assert_eq!(members, rules.keys().map(|k| (*k).to_owned()).collect(), "every crate has a floor");
    // The resolved graph: normal (non-dev) dependencies only, as shipped.
    let nodes = meta["resolve"]["nodes"].as_array().unwrap();
    let deps_of = |id: &str| -> Vec<String> {
        let node = nodes.iter().find(|n| n["id"] == id).unwrap();
        node["deps"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["dep_kinds"].as_array().unwrap().iter().any(|k| k["kind"].is_null()))
            .map(|d| d["pkg"].as_str().unwrap().to_owned())
            .collect()
    };
    for id in meta["workspace_members"].as_array().unwrap() {
        let id = id.as_str().unwrap();
        let name = name_of(id);
        let (allowed, forbidden) = rules[name.as_str()];
        let direct: Vec<String> = deps_of(id).iter().map(|d| name_of(d)).collect();
        for dep in direct.iter().filter(|d| members.contains(*d)) {
            assert!(
                allowed.contains(&dep.as_str()),
                "{name} may not depend on {dep} (a floor above or beside it)"
            );
        }
        // Everything it pulls in, transitively.
        let (mut seen, mut todo) = (BTreeSet::new(), deps_of(id));
        while let Some(d) = todo.pop() {
            if seen.insert(d.clone()) {
                todo.extend(deps_of(&d));
            }
        }
        let names: BTreeSet<String> = seen.iter().map(|d| name_of(d)).collect();
        for bad in forbidden {
            assert!(!names.contains(*bad), "{name} pulls in {bad}, which its floor may not use");
        }
    }
}

#[test]
fn every_crate_says_its_floor_and_what_it_may_not_import() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for lib in [
        "crates/ecert-core/src/lib.rs",
        "crates/ecert-token/src/lib.rs",
        "crates/ecert-app/src/lib.rs",
        "vcard/src/lib.rs",
    ] {
        let text = std::fs::read_to_string(root.join(lib)).unwrap();
        assert!(text.starts_with("//!"), "{lib} opens with its module doc");
        assert!(text.contains("May not import"), "{lib} says what it may not import");
    }
}
