//! The card pulled after every APDU of whole workflows — renew (new key in a retired slot,
//! request, issued certificate stored, old e-Cert removed) and remove (backup, delete) — on
//! the in-process virtual PIV card. Right after each cut the card holds the complete old
//! e-Cert or the complete new one, never neither and never a certificate without its key;
//! the journal then resumes (even cut points) or rolls back (odd ones) to a clean end state.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ecert::ops::card_proof::CardNow;
use ecert::ops::journal::{Status, Store};
use ecert::ops::workflow::{self, EnrollRequest};
use ecert::piv::KeyAlgorithm;
use ecert::secret::{ManagementKey, Pin};
use ecert::token::{Auth, PivToken, Token};
use ecert::transport::fault::CutAfter;
use ecert::transport::memory::MemoryTransport;
use ecert_vcard::VirtualPiv;

const OLD: &str = "9a";
const NEW: &str = "82";

fn onto(card: &Arc<Mutex<VirtualPiv>>) -> MemoryTransport {
    let card = Arc::clone(card);
    MemoryTransport::new(move |apdu| Ok(card.lock().unwrap().execute(apdu)))
}

fn auth() -> Auth {
    Auth {
        pin: Some(Pin::new("123456".into())),
        management_key: Some(ManagementKey::factory_default()),
        ..Auth::default()
    }
}

/// A fresh connection, as after re-inserting the card.
fn fresh(card: &Arc<Mutex<VirtualPiv>>) -> PivToken {
    card.lock().unwrap().reset();
    PivToken::connect(Box::new(onto(card)), "fresh")
}

fn openssl(dir: &Path, args: &[&str]) {
    let out =
        std::process::Command::new("openssl").current_dir(dir).args(args).output().expect("openssl runs");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// The CA issues a certificate for the request the workflow wrote.
fn issue(dir: &Path, csr: &Path) -> Vec<u8> {
    let out = dir.join("issued.der");
    #[rustfmt::skip]
    openssl(dir, &["x509", "-req", "-inform", "DER", "-in", csr.to_str().unwrap(), "-CA", "ca.pem", "-CAkey",
        "ca.key", "-days", "30", "-outform", "DER", "-out", out.to_str().unwrap()]);
    std::fs::read(out).unwrap()
}

/// The slot's key signs a challenge that the certificate's key verifies.
fn key_matches(token: &mut PivToken, location: &str, cert: &[u8]) -> bool {
    let spki = ecert::cert::spki_der(cert).unwrap();
    let challenge = b"is this your key?";
    let input = ecert::ops::csr::card_sign_input(KeyAlgorithm::EccP256, challenge);
    token
        .sign(location, KeyAlgorithm::EccP256, &input, &auth())
        .is_ok_and(|sig| ecert::verify::signature::verify_message(&spki, challenge, &sig).is_ok())
}

fn request<'a>(outbox: &'a Path, location: &'a str, replaces: Option<&'a str>) -> EnrollRequest<'a> {
    EnrollRequest {
        location,
        replaces,
        subject: replaces.is_none().then_some("CN=Chan Tai Man,O=Hongkong Post e-Cert (Personal),C=HK"),
        algorithm: KeyAlgorithm::EccP256,
        outbox,
    }
}

struct Rig {
    card: Arc<Mutex<VirtualPiv>>,
    dir: tempfile::TempDir,
    store: Store,
}

impl Rig {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        #[rustfmt::skip]
        openssl(dir.path(), &["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-days", "30", "-subj", "/CN=Counter Test CA", "-keyout", "ca.key", "-out", "ca.pem"]);
        let store = Store::new(&dir.path().join("journal"));
        Self { card: Arc::new(Mutex::new(VirtualPiv::in_memory().unwrap())), dir, store }
    }

    fn outbox(&self) -> PathBuf {
        self.dir.path().to_owned()
    }

    /// Finishes phase 2 of an enrollment that awaits its certificate.
    fn complete(
        &self,
        token: &mut dyn Token,
        journal: &mut ecert::ops::journal::Journal,
    ) -> Result<(), workflow::WorkflowError> {
        let cert = issue(self.dir.path(), journal.request.as_ref().unwrap());
        workflow::complete_enroll(&self.store, token, journal, &cert, &|_| Ok(()), &auth())
    }

    fn slots(&self) -> (Option<Vec<u8>>, Option<Vec<u8>>) {
        let mut t = fresh(&self.card);
        (t.certificate_at(OLD).unwrap(), t.certificate_at(NEW).unwrap())
    }

    /// Whole-card invariant: every certificate present has its key.
    fn no_certificate_without_key(&self) -> bool {
        let (old, new) = self.slots();
        let mut t = fresh(&self.card);
        old.is_none_or(|c| key_matches(&mut t, OLD, &c)) && new.is_none_or(|c| key_matches(&mut t, NEW, &c))
    }
}

#[test]
fn renew_and_remove_survive_a_pull_at_every_apdu() {
    let rig = Rig::new();
    let outbox = rig.outbox();
    // The citizen's current e-Cert in 9A, enrolled by the same workflow without faults.
    let mut token = fresh(&rig.card);
    let mut j =
        workflow::start_enroll(&rig.store, &mut token, &request(&outbox, OLD, None), &auth()).unwrap();
    assert_eq!(j.status, Status::AwaitingCertificate);
    rig.complete(&mut token, &mut j).unwrap();
    assert_eq!(j.status, Status::Done);
    let old = rig.slots().0.expect("the first e-Cert is in 9A");

    let (mut tried, mut lost, mut resumed, mut rolled_back) = (0usize, 0usize, 0usize, 0usize);
    // Renew: new key in 82, the old e-Cert removed last.
    for k in 0.. {
        assert_eq!(rig.slots(), (Some(old.clone()), None), "cut {k} starts from the old state");
        fresh(&rig.card);
        let mut cut = PivToken::connect(Box::new(CutAfter::new(onto(&rig.card), k)), "cut");
        let result = workflow::start_enroll(&rig.store, &mut cut, &request(&outbox, NEW, Some(OLD)), &auth())
            .and_then(|mut j| rig.complete(&mut cut, &mut j));
        tried += 1;
        // Straight after the pull.
        let (a, b) = rig.slots();
        let old_complete = a.as_deref() == Some(old.as_slice());
        let new_complete = b.as_ref().is_some_and(|c| *c != old);
        if !(old_complete || new_complete) || !rig.no_certificate_without_key() {
            lost += 1;
        }
        let finished = result.is_ok();
        // Recovery on the next insert.
        let mut t = fresh(&rig.card);
        if let Some(mut j) = rig.store.pending(&CardNow::read(&mut t, &[OLD, NEW]).unwrap()).unwrap() {
            if k % 2 == 0 {
                if j.status == Status::Running {
                    workflow::resume(&rig.store, &mut t, &mut j, &auth()).unwrap();
                }
                if j.status == Status::AwaitingCertificate {
                    rig.complete(&mut t, &mut j).unwrap();
                }
                assert_eq!(j.status, Status::Done);
                resumed += 1;
            } else {
                workflow::roll_back(&rig.store, &mut t, &mut j, &auth()).unwrap();
                assert_eq!(rig.slots(), (Some(old.clone()), None), "rolled back at cut {k}");
                rolled_back += 1;
            }
        }
        assert!(rig.no_certificate_without_key(), "after recovery from cut {k}");
        // Back to the old state for the next cut point: the old key never left 9A.
        let (a, b) = rig.slots();
        let mut t = fresh(&rig.card);
        if a.is_none() {
            t.import_certificate(OLD, &old, &auth()).unwrap();
        }
        if b.is_some() {
            t.delete_certificate(NEW, &auth()).unwrap();
        }
        if finished {
            break;
        }
        assert!(k < 200, "renew never completed");
    }
    let renew_points = tried;

    // Remove: backup, then delete.
    for k in 0.. {
        // A backup is never overwritten: each attempt names its own.
        let backup = rig.dir.path().join(format!("backup-{k}.der"));
        assert_eq!(rig.slots().0.as_deref(), Some(old.as_slice()));
        fresh(&rig.card);
        let mut cut = PivToken::connect(Box::new(CutAfter::new(onto(&rig.card), k)), "cut");
        let result = workflow::start_remove(&rig.store, &mut cut, OLD, &backup, &auth());
        tried += 1;
        let (a, _) = rig.slots();
        if !(a.is_none() || a.as_deref() == Some(old.as_slice())) || !rig.no_certificate_without_key() {
            lost += 1;
        }
        if a.is_none() {
            assert_eq!(std::fs::read(&backup).unwrap(), old, "never deleted without a backup");
        }
        let finished = result.is_ok();
        let mut t = fresh(&rig.card);
        if let Some(mut j) = rig.store.pending(&CardNow::read(&mut t, &[OLD, NEW]).unwrap()).unwrap() {
            if k % 2 == 0 {
                workflow::resume(&rig.store, &mut t, &mut j, &auth()).unwrap();
                assert_eq!(rig.slots().0, None);
                resumed += 1;
            } else {
                workflow::roll_back(&rig.store, &mut t, &mut j, &auth()).unwrap();
                assert_eq!(rig.slots().0.as_deref(), Some(old.as_slice()));
                rolled_back += 1;
            }
        }
        if rig.slots().0.is_none() {
            fresh(&rig.card).import_certificate(OLD, &old, &auth()).unwrap();
        }
        if finished {
            break;
        }
        assert!(k < 100, "remove never completed");
    }
    println!(
        "workflow cut points: renew {renew_points}, remove {}; {tried} tried, {lost} states lost, \
         {resumed} resumed, {rolled_back} rolled back",
        tried - renew_points
    );
    assert_eq!(lost, 0);
    assert!(renew_points >= 10 && resumed > 0 && rolled_back > 0);
}

#[test]
fn a_certificate_for_another_key_or_holder_changes_nothing() {
    let rig = Rig::new();
    let outbox = rig.outbox();
    let mut token = fresh(&rig.card);
    let mut j =
        workflow::start_enroll(&rig.store, &mut token, &request(&outbox, OLD, None), &auth()).unwrap();
    rig.complete(&mut token, &mut j).unwrap();
    let before = rig.slots();
    // Renewal request out; the "issued" certificate is the old one (wrong key).
    let mut j =
        workflow::start_enroll(&rig.store, &mut token, &request(&outbox, NEW, Some(OLD)), &auth()).unwrap();
    let wrong = before.0.clone().unwrap();
    let err =
        workflow::complete_enroll(&rig.store, &mut token, &mut j, &wrong, &|_| Ok(()), &auth()).unwrap_err();
    assert!(matches!(err, workflow::WorkflowError::WrongKey), "{err}");
    // A chain that does not verify is refused before the card is touched.
    let cert = issue(rig.dir.path(), j.request.as_ref().unwrap());
    let err =
        workflow::complete_enroll(&rig.store, &mut token, &mut j, &cert, &|_| Err("revoked".into()), &auth())
            .unwrap_err();
    assert!(err.to_string().contains("revoked"));
    assert_eq!(rig.slots(), before);
    // A second workflow on the same card waits for this one.
    let again =
        workflow::start_remove(&rig.store, &mut token, OLD, &outbox.join("b.der"), &auth()).unwrap_err();
    assert!(matches!(again, workflow::WorkflowError::Pending { .. }));
    workflow::roll_back(&rig.store, &mut token, &mut j, &auth()).unwrap();
    assert_eq!(rig.slots(), before);
}

/// An e-Cert file (P-256 key, self-signed certificate) as a .p12, opened.
fn p12(dir: &Path, name: &str) -> ecert::p12file::P12Contents {
    let (key, crt, file) = (format!("{name}.key"), format!("{name}.crt"), format!("{name}.p12"));
    #[rustfmt::skip]
    openssl(dir, &["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days",
        "30", "-subj", &format!("/CN={name}"), "-keyout", &key, "-out", &crt]);
    openssl(dir, &["pkcs12", "-export", "-inkey", &key, "-in", &crt, "-passout", "pass:pw", "-out", &file]);
    let bytes = std::fs::read(dir.join(file)).unwrap();
    ecert::p12file::P12Contents::from_bytes(&bytes, &ecert::secret::Password::new("pw".into())).unwrap()
}

#[test]
fn install_from_a_file_survives_a_pull_at_every_apdu() {
    use ecert::ops::install;
    let dir = tempfile::tempdir().unwrap();
    let (old_file, new_file) = (p12(dir.path(), "old"), p12(dir.path(), "new"));
    let (old, new) = (old_file.certificate().to_vec(), new_file.certificate().to_vec());
    let (mut tried, mut lost, mut empty_after_cut) = (0usize, 0, 0);
    let (mut resumed, mut rolled_back, mut completed_instead) = (0usize, 0, 0);
    for k in 0.. {
        // A card holding the citizen's current e-Cert in 9A (installed from its file).
        let card = Arc::new(Mutex::new(VirtualPiv::in_memory().unwrap()));
        let store = Store::new(&dir.path().join(format!("journal-{k}")));
        let backup = dir.path().join(format!("backup-{k}.der"));
        let mut t = fresh(&card);
        let j = install::start_journaled(&store, &mut t, &old_file, OLD, None, &auth()).unwrap();
        assert_eq!(j.status, Status::Done);
        fresh(&card);
        let mut cut = PivToken::connect(Box::new(CutAfter::new(onto(&card), k)), "cut");
        let result = install::start_journaled(&store, &mut cut, &new_file, OLD, Some(&backup), &auth());
        tried += 1;
        let slot = |card: &Arc<Mutex<VirtualPiv>>| fresh(card).certificate_at(OLD).unwrap();
        if slot(&card).is_none() {
            empty_after_cut += 1;
        }
        let finished = result.is_ok();
        let mut t = fresh(&card);
        if let Some(mut j) = store.pending(&CardNow::read(&mut t, &[OLD]).unwrap()).unwrap() {
            if k % 2 == 0 {
                install::resume_with_file(&store, &mut t, &mut j, &new_file, &auth()).unwrap();
                assert_eq!(j.status, Status::Done);
                resumed += 1;
            } else {
                workflow::roll_back(&store, &mut t, &mut j, &auth()).unwrap();
                // Once the card took the new key the old e-Cert cannot come back: the roll
                // back completes the install instead.
                if j.status == Status::RolledBack {
                    rolled_back += 1;
                } else {
                    assert_eq!(j.status, Status::Done);
                    completed_instead += 1;
                }
            }
        }
        // After recovery: the old e-Cert with its key, or the new one with its key.
        let now = slot(&card);
        let mut t = fresh(&card);
        let complete = match &now {
            Some(c) if *c == old || *c == new => key_matches(&mut t, OLD, c),
            _ => false,
        };
        if !complete {
            lost += 1;
        }
        if finished {
            assert_eq!(now.as_deref(), Some(new.as_slice()));
            break;
        }
        assert!(k < 200, "install never completed");
    }
    eprintln!(
        "install: {tried} cut points, {empty_after_cut} left the slot without a certificate until \
         recovery, {resumed} resumed, {rolled_back} rolled back, {completed_instead} completed by the roll back (old key \
         already replaced), {lost} states lost"
    );
    assert!(tried > 10, "the sweep covered the whole install ({tried} cut points)");
    assert_eq!(lost, 0);
}
