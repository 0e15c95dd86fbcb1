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
    // A fresh token holds no certificate; the call itself must work (session, C_FindObjects).
    assert!(token.certificates().unwrap().is_empty());
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
