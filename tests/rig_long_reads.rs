//! Extended-length reads through real pcscd and the vpcd reader (issue 19 item 2): four
//! certificates written to the rig's virtual card are read back with one GET DATA each, the
//! same bytes as with short APDUs, and the same as yubico-piv-tool reads from the outside.
//! The four slots' objects are put back as they were afterwards.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use ecert::piv::{LongReads, MgmtAlgorithm, Piv, Slot};
use ecert::secret::ManagementKey;
use ecert::transport::pcsc::PcscTransport;
use ecert::transport::{Transport, TransportError};

const SLOTS: [Slot; 4] =
    [Slot::Authentication, Slot::Signature, Slot::KeyManagement, Slot::CardAuthentication];

/// Counts the APDUs that reach pcscd.
struct Counting {
    inner: PcscTransport,
    sent: usize,
}

impl Transport for Counting {
    fn transmit(&mut self, capdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        self.sent += 1;
        self.inner.transmit(capdu)
    }

    fn atr(&self) -> Option<Vec<u8>> {
        self.inner.atr()
    }

    fn exclusive(&mut self, f: &mut dyn FnMut(&mut dyn Transport)) -> Result<(), TransportError> {
        f(self);
        Ok(())
    }
}

fn pkits(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/data/pkits/certs/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn connect(reader: &str) -> Counting {
    Counting { inner: PcscTransport::connect_new(reader).expect("the rig's PIV reader"), sent: 0 }
}

/// The DER yubico-piv-tool reads from `slot`.
fn peer_reads(reader: &str, slot: Slot) -> Vec<u8> {
    let out = common::run(
        "yubico-piv-tool",
        &["-r", reader, "-a", "read-certificate", "-s", &slot.id(), "-K", "DER", "-o", "-"],
    );
    assert!(out.status.success(), "yubico-piv-tool: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

#[test]
fn four_certificates_in_one_get_data_each_through_pcscd() {
    let rig = common::rig();
    let _card = common::card_lock();
    let certs: Vec<Vec<u8>> = [
        "TrustAnchorRootCertificate.crt",
        "GoodCACert.crt",
        "GoodsubCACert.crt",
        "ValidCertificatePathTest1EE.crt",
    ]
    .map(pkits)
    .to_vec();
    // Keep what the slots hold, write the four certificates.
    let mut t = connect(&rig.piv_reader);
    let (mut piv, _) = Piv::select(&mut t).unwrap();
    let before: Vec<Option<Vec<u8>>> = SLOTS.iter().map(|s| piv.get_data(&s.object_tag()).unwrap()).collect();
    piv.authenticate_management(MgmtAlgorithm::TripleDes, &ManagementKey::factory_default())
        .expect("the rig card has the factory management key");
    for (slot, der) in SLOTS.iter().zip(&certs) {
        piv.put_certificate(*slot, der).unwrap();
    }
    drop(t);

    // Extended lengths: SELECT and one GET DATA per certificate.
    let mut t = connect(&rig.piv_reader);
    let (mut piv, _) = Piv::select(&mut t).unwrap();
    let read: Vec<Vec<u8>> = SLOTS.iter().map(|s| piv.read_certificate(*s).unwrap().unwrap()).collect();
    assert_eq!(piv.long_reads(), LongReads::Yes);
    assert_eq!(read, certs);
    assert_eq!(t.sent, 5);
    // Short APDUs only: the same bytes, GET RESPONSE rounds between.
    let mut t = connect(&rig.piv_reader);
    let (mut piv, _) = Piv::select(&mut t).unwrap();
    piv.short_reads_only();
    let short: Vec<Vec<u8>> = SLOTS.iter().map(|s| piv.read_certificate(*s).unwrap().unwrap()).collect();
    assert_eq!(short, certs);
    assert_eq!(t.sent, 17);
    drop(t);
    // From the outside: yubico-piv-tool reads the same certificates.
    for (slot, der) in SLOTS.iter().zip(&certs) {
        assert_eq!(&peer_reads(&rig.piv_reader, *slot), der, "slot {}", slot.id());
    }

    // Put the slots back as they were.
    let mut t = connect(&rig.piv_reader);
    let (mut piv, _) = Piv::select(&mut t).unwrap();
    piv.authenticate_management(MgmtAlgorithm::TripleDes, &ManagementKey::factory_default()).unwrap();
    for (slot, object) in SLOTS.iter().zip(before) {
        match object {
            Some(content) => piv.put_data(&slot.object_tag(), &content).unwrap(),
            None => piv.delete_certificate(*slot).unwrap(),
        }
    }
}
