//! Extended-length reads against the virtual PIV card in-process (piv-authenticator behind
//! our card front end), with the card honest and with it lying about extended lengths: the
//! certificates read are always the ones written, and an honest card needs one GET DATA per
//! certificate (issue 19 item 2). The same through real pcscd: tests/rig_long_reads.rs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};

use ecert_token::piv::{LongReads, MgmtAlgorithm, Piv, Slot};
use ecert_token::secret::ManagementKey;
use ecert_token::transport::memory::MemoryTransport;
use ecert_token::transport::TransportError;
use ecert_vcard::VirtualPiv;

const SLOTS: [Slot; 4] =
    [Slot::Authentication, Slot::Signature, Slot::KeyManagement, Slot::CardAuthentication];

fn pkits(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../../tests/data/pkits/certs/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn certificates() -> Vec<Vec<u8>> {
    [
        "TrustAnchorRootCertificate.crt",
        "GoodCACert.crt",
        "GoodsubCACert.crt",
        "ValidCertificatePathTest1EE.crt",
    ]
    .map(pkits)
    .to_vec()
}

/// A virtual card holding the four certificates.
fn card() -> Arc<Mutex<VirtualPiv>> {
    let card = Arc::new(Mutex::new(VirtualPiv::in_memory().unwrap()));
    let mut t = transport(&card, Lie::None);
    let (mut piv, _) = Piv::select(&mut t).unwrap();
    piv.authenticate_management(MgmtAlgorithm::TripleDes, &ManagementKey::factory_default()).unwrap();
    for (slot, der) in SLOTS.iter().zip(certificates()) {
        piv.put_certificate(*slot, &der).unwrap();
    }
    card
}

/// How the card answers an extended-length command.
#[derive(Clone, Copy, Debug)]
enum Lie {
    None,
    /// 6700: "wrong length" (a card without extended lengths).
    WrongLength,
    /// The body cut in half, with 9000.
    Truncated,
    /// The body, then bytes that are not part of it, with 9000.
    Trailing,
    /// 6A82: "not found", though the object is there.
    Absent,
    /// The reader refuses the command (a CCID reader of the short-APDU level).
    Reader,
}

/// An extended-length command: Lc is 00 followed by two bytes.
fn extended(capdu: &[u8]) -> bool {
    capdu.len() > 7 && capdu[4] == 0
}

fn transport(card: &Arc<Mutex<VirtualPiv>>, lie: Lie) -> MemoryTransport {
    card.lock().unwrap().reset();
    let card = Arc::clone(card);
    MemoryTransport::new(move |capdu| {
        let answer = card.lock().unwrap().execute(capdu);
        if !extended(capdu) {
            return Ok(answer);
        }
        let (body, sw) = answer.split_at(answer.len() - 2);
        Ok(match lie {
            Lie::None => answer,
            Lie::WrongLength => vec![0x67, 0x00],
            Lie::Truncated => [&body[..body.len() / 2], sw].concat(),
            Lie::Trailing => [body, &[0x53, 0x01, 0x00], sw].concat(),
            Lie::Absent => vec![0x6A, 0x82],
            Lie::Reader => {
                return Err(TransportError::Pcsc {
                    call: "SCardTransmit",
                    source: Arc::new(pcsc::Error::InvalidParameter),
                })
            }
        })
    })
    .logging()
}

/// Reads the four slots: the certificates, the APDUs sent (SELECT included) and the state.
fn read_all(t: &mut MemoryTransport, short_only: bool) -> (Vec<Vec<u8>>, usize, LongReads) {
    let (mut piv, _) = Piv::select(t).unwrap();
    if short_only {
        piv.short_reads_only();
    }
    let certs = SLOTS.iter().map(|s| piv.read_certificate(*s).unwrap().expect("a certificate")).collect();
    let state = piv.long_reads();
    (certs, t.sent().len(), state)
}

#[test]
fn four_certificates_in_five_apdus_with_extended_lengths() {
    let card = card();
    let (certs, apdus, state) = read_all(&mut transport(&card, Lie::None), false);
    assert_eq!(certs, certificates());
    assert_eq!(state, LongReads::Yes);
    assert_eq!(apdus, 5, "SELECT and one GET DATA per certificate");
    let (short_certs, short_apdus, state) = read_all(&mut transport(&card, Lie::None), true);
    assert_eq!(short_certs, certificates());
    assert_eq!(state, LongReads::No);
    // Each certificate (843 to 910 bytes) takes GET DATA and three GET RESPONSE rounds.
    assert_eq!(short_apdus, 17);
}

#[test]
fn a_card_that_lies_about_extended_lengths_is_read_right_with_short_apdus() {
    let card = card();
    for lie in [Lie::WrongLength, Lie::Truncated, Lie::Trailing, Lie::Reader] {
        let (certs, apdus, state) = read_all(&mut transport(&card, lie), false);
        assert_eq!(certs, certificates(), "{lie:?}: the certificates written, never another answer");
        assert_eq!(state, LongReads::No, "{lie:?}");
        assert_eq!(apdus, 17 + 1, "{lie:?}: one refused extended read, then short APDUs");
    }
}

#[test]
fn an_absence_is_believed_only_after_an_extended_read_worked() {
    let card = card();
    // A card answering "not found" to an extended read of an object that is there: the
    // short read finds it, and short APDUs are used from then on.
    let (certs, apdus, state) = read_all(&mut transport(&card, Lie::Absent), false);
    assert_eq!(certs, certificates());
    assert_eq!(state, LongReads::No);
    assert_eq!(apdus, 17 + 1);
    // An honest card with an empty slot: after one extended read worked, 6A82 is believed.
    let mut t = transport(&card, Lie::None);
    let (mut piv, _) = Piv::select(&mut t).unwrap();
    piv.authenticate_management(MgmtAlgorithm::TripleDes, &ManagementKey::factory_default()).unwrap();
    piv.delete_certificate(Slot::Signature).unwrap();
    let before = t.sent().len();
    let (mut piv, _) = Piv::select(&mut t).unwrap();
    assert!(piv.read_certificate(Slot::Authentication).unwrap().is_some());
    assert_eq!(piv.read_certificate(Slot::Signature).unwrap(), None);
    assert_eq!(t.sent().len() - before, 3, "SELECT, then one GET DATA each");
}
