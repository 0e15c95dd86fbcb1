//! The rig is real: pcscd lists both virtual readers, the PIV card answers SELECT through
//! our own PC/SC transport and PIV driver, and the PIN state read spends no try.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use ecert::piv::{PinState, Piv, PIV_AID};
use ecert::reader;
use ecert::transport::pcsc::PcscTransport;
use ecert::transport::Transport;

#[test]
fn pcsc_lists_both_virtual_readers_with_cards() {
    let rig = common::rig();
    let snap = reader::list_blocking();
    assert_eq!(snap.pcsc, reader::PcscStatus::Running);
    let names: Vec<&str> = snap.readers.iter().map(|r| r.name.as_str()).collect();
    assert!(names.contains(&rig.piv_reader.as_str()), "readers: {names:?}");
    assert!(names.contains(&rig.iso_reader.as_str()), "readers: {names:?}");
    let piv = snap.readers.iter().find(|r| r.name == rig.piv_reader).unwrap();
    assert!(piv.card_present, "no card in {}", rig.piv_reader);
    assert!(piv.atr.as_deref().is_some_and(|a| a.starts_with("3B")), "ATR {:?}", piv.atr);
}

#[test]
fn select_piv_aid_answers_9000_over_pcscd() {
    let rig = common::rig();
    let _card = common::card_lock();
    let mut t = PcscTransport::connect_new(&rig.piv_reader).unwrap();
    let mut apdu = vec![0x00, 0xA4, 0x04, 0x00, u8::try_from(PIV_AID.len()).unwrap()];
    apdu.extend_from_slice(&PIV_AID);
    apdu.push(0x00);
    let raw = t.transmit(&apdu).unwrap();
    let sw = &raw[raw.len() - 2..];
    assert!(sw == [0x90, 0x00] || sw[0] == 0x61, "SELECT answered {sw:02X?}");
    assert!(t.atr().is_some());
}

#[test]
fn iso_card_is_not_piv() {
    let rig = common::rig();
    let mut t = PcscTransport::connect_new(&rig.iso_reader).unwrap();
    assert!(matches!(Piv::select(&mut t), Err(ecert::piv::PivError::NotPiv { .. })));
}

#[test]
fn pin_state_read_twice_spends_no_try() {
    let rig = common::rig();
    let _card = common::card_lock();
    let mut t = PcscTransport::connect_new(&rig.piv_reader).unwrap();
    let (mut piv, _) = Piv::select(&mut t).unwrap();
    let first = piv.pin_state().unwrap();
    let second = piv.pin_state().unwrap();
    assert_eq!(first, second);
    assert!(matches!(first, PinState::TriesLeft { tries: 1..=3 }), "{first:?}");
}
