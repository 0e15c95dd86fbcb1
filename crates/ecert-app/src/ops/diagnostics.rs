//! The diagnostics report users copy into a support request: smart-card service state,
//! readers and ATRs (with names for known cards), what kind of card or token was found, and
//! which PKCS#11 modules load. It never includes certificate subjects, token labels (users
//! name tokens after themselves), serial numbers or ID numbers.

use std::fmt::Write;

use crate::reader::{CardKind, PcscStatus};
use crate::service::Snapshot;
use crate::token::TokenKind;

pub fn report(snap: &Snapshot) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "e-Cert Manager {} ({} {})",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    );
    let pcsc = match &snap.pcsc {
        PcscStatus::Running => "running".to_owned(),
        PcscStatus::NotRunning => "not running".to_owned(),
        PcscStatus::Failed { detail } => format!("failed: {detail}"),
    };
    let _ = writeln!(out, "smart-card service: {pcsc}");
    for r in &snap.readers {
        let card = match (&r.atr, &r.card) {
            (None, _) => "no card".to_owned(),
            (Some(atr), Some(CardKind::HkSmartId)) => format!("Hong Kong smart ID card, ATR {atr}"),
            (Some(atr), Some(CardKind::YubiKey)) => format!("YubiKey, ATR {atr}"),
            (Some(atr), Some(CardKind::Virtual)) => format!("virtual card (vsmartcard), ATR {atr}"),
            (Some(atr), Some(CardKind::Listed(name))) => format!("{name}, ATR {atr}"),
            (Some(atr), _) => format!("card, ATR {atr}"),
        };
        let _ = writeln!(out, "reader {:?}: {card}", r.name);
    }
    for t in &snap.tokens {
        let kind = match t.kind {
            TokenKind::PivCard => "PIV card",
            TokenKind::Pkcs11 => "PKCS#11 token",
            TokenKind::File => "e-Cert file",
        };
        let maker = [t.manufacturer.as_deref(), t.model.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let pin = t.pin.map_or("", |p| if p.locked { ", PIN blocked" } else { "" });
        let _ = writeln!(out, "token: {kind} {maker}{pin}");
    }
    for m in &snap.modules {
        let state = m.error.as_deref().map_or_else(|| "loaded".to_owned(), |e| format!("error: {e}"));
        let _ = writeln!(out, "module {}: {state}", m.path.display());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::ReaderInfo;
    use crate::token::{TokenInfo, TokenRef};

    #[test]
    fn report_names_devices_but_no_person() {
        let snap = Snapshot {
            pcsc: PcscStatus::Running,
            readers: vec![ReaderInfo {
                name: "ACS ACR39U".into(),
                card_present: true,
                exclusive: false,
                atr: Some("3B F8 96 00 00 81 31 FE 44 00 73 94 01 C0 0F 90 00 DD".into()),
                card: Some(CardKind::HkSmartId),
            }],
            tokens: vec![TokenInfo {
                reference: TokenRef::Pkcs11 {
                    module: "/m.so".into(),
                    serial: "SN-99887766".into(),
                    label: "CHAN Tai Man".into(),
                },
                kind: TokenKind::Pkcs11,
                label: "CHAN Tai Man".into(),
                manufacturer: Some("SafeNet".into()),
                model: Some("eToken".into()),
                serial: Some("SN-99887766".into()),
                card_serial: None,
                pin: None,
                write_protected: false,
                uninitialized: false,
            }],
            modules: Vec::new(),
        };
        let r = report(&snap);
        assert!(r.contains("Hong Kong smart ID card"), "{r}");
        assert!(r.contains("SafeNet eToken"), "{r}");
        assert!(!r.contains("CHAN") && !r.contains("SN-99887766"), "{r}");
    }
}
