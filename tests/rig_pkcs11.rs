//! PKCS#11 on real modules: SoftHSM2 opened by token label through cryptoki; OpenSC's
//! module sees the virtual PIV card over pcscd.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use ecert::pkcs11::{LoadedModule, ModuleSource, ModuleSpec};
use ecert::token::{Token, TokenKind, TokenRef};

#[test]
fn softhsm_token_found_by_label_and_opened() {
    let rig = common::rig();
    let module = LoadedModule::load(ModuleSpec {
        path: rig.softhsm_module.clone(),
        source: ModuleSource::Environment,
    });
    assert!(module.status().error.is_none(), "{:?}", module.status());
    let tokens = module.tokens().unwrap();
    let (_, info) = tokens
        .iter()
        .find(|(_, i)| i.label == rig.softhsm_label)
        .unwrap_or_else(|| panic!("no token labelled {} in {tokens:?}", rig.softhsm_label));
    assert_eq!(info.kind, TokenKind::Pkcs11);
    assert!(!info.uninitialized);
    let TokenRef::Pkcs11 { serial, .. } = &info.reference else { panic!("{:?}", info.reference) };
    assert!(!serial.is_empty());
    let mut token = module.open(&info.reference).unwrap().expect("token opens by reference");
    // The same number of certificates as OpenSC's pkcs11-tool sees on that token.
    let ours = token.certificates().unwrap();
    let module_path = rig.softhsm_module.to_str().unwrap();
    let out = common::run(
        "pkcs11-tool",
        &["--module", module_path, "--token-label", &rig.softhsm_label, "--list-objects", "--type", "cert"],
    );
    let listed = common::stdout_ok(&out, "pkcs11-tool --list-objects");
    assert_eq!(ours.len(), listed.matches("Certificate Object").count(), "{listed}");
}

#[test]
fn opensc_module_sees_the_virtual_piv_card() {
    let rig = common::rig();
    let _card = common::card_lock();
    let module =
        LoadedModule::load(ModuleSpec { path: rig.opensc_module.clone(), source: ModuleSource::Environment });
    assert!(module.status().error.is_none(), "{:?}", module.status());
    let tokens = module.tokens().unwrap();
    assert!(
        tokens.iter().any(|(_, i)| i.model.as_deref() == Some("PKCS#15 emulated") || i.label.contains("PIV")),
        "OpenSC tokens: {tokens:?}"
    );
}

/// The whole chain: ecert → cryptoki → OpenSC → pcscd → vpcd → virtual card. A certificate
/// written into 9c by yubico-piv-tool reads the same through OpenSC's module as through our
/// own PIV driver.
#[test]
fn certificate_reads_the_same_through_opensc_and_our_piv_driver() {
    use ecert::token::PivToken;
    use ecert::transport::pcsc::PcscTransport;
    let rig = common::rig();
    let _card = common::card_lock();
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("k.pem");
    let cert = dir.path().join("c.pem");
    let out = common::run(
        "openssl",
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "30",
            "-subj",
            "/CN=Through OpenSC/C=HK",
            "-keyout",
            key.to_str().unwrap(),
            "-out",
            cert.to_str().unwrap(),
        ],
    );
    common::stdout_ok(&out, "openssl req");
    let out = common::run(
        "yubico-piv-tool",
        &["-r", &rig.piv_reader, "-a", "import-certificate", "-s", "9c", "-i", cert.to_str().unwrap()],
    );
    common::stdout_ok(&out, "yubico-piv-tool import-certificate");

    let transport = PcscTransport::connect_new(&rig.piv_reader).unwrap();
    let ours = PivToken::open(Box::new(transport), &rig.piv_reader).unwrap().certificates().unwrap();
    let ours_9c = ours.iter().find(|c| c.location == "9c").expect("9c via our driver");

    let module =
        LoadedModule::load(ModuleSpec { path: rig.opensc_module.clone(), source: ModuleSource::Environment });
    let (_, info) = module
        .tokens()
        .unwrap()
        .into_iter()
        .find(|(_, i)| i.label.contains("PIV") || i.model.as_deref() == Some("PKCS#15 emulated"))
        .expect("OpenSC token for the PIV card");
    let mut token = module.open(&info.reference).unwrap().unwrap();
    let theirs = token.certificates().unwrap();
    assert!(
        theirs.iter().any(|c| c.der == ours_9c.der),
        "OpenSC's view {:?} lacks the 9c certificate",
        theirs.iter().map(|c| (&c.location, c.summary.as_ref().map(|s| &s.subject))).collect::<Vec<_>>()
    );
}
