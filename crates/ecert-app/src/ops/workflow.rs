//! Lifecycle workflows as resumable step machines, shared by the CLI, the counter and the
//! app. Every step is journaled (see [`journal`](super::journal)) before it runs and each
//! step is safe to run again, so after a pulled card the workflow can be resumed or rolled
//! back. The order keeps the card usable at every point:
//!
//! - **enroll / renew**: generate the new key in a free slot → write the request → (the CA
//!   issues) → check the certificate against that key and its chain *before* touching the
//!   card → store it (the card proves key and certificate match) → only then remove the
//!   e-Cert it replaces. Until the last step the old e-Cert is complete; after the store the
//!   new one is.
//! - **remove**: the certificate is backed up to a file and kept in the journal → the
//!   certificate is deleted → the key is deleted where the medium can (PKCS#11; PIV keeps it,
//!   harmless without a certificate).

use std::path::Path;

use crate::careful_file::{FileError, Mode};
use crate::ops::card_proof::{self, CardNow, Mismatch};
use crate::ops::csr;
use crate::ops::journal::{Found, Journal, JournalError, Kind, Status, Store};
use crate::piv::KeyAlgorithm;
use crate::token::{Auth, Token, TokenError};

#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum WorkflowError {
    #[error(transparent)]
    Token(#[from] TokenError),
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error("an earlier {kind:?} on this card is unfinished (job {id}): resume or roll it back first")]
    Pending { id: String, kind: Kind },
    #[error("there is no certificate at {location}")]
    NoCertificate { location: String },
    #[error("{location} already holds a certificate; choose a free slot")]
    SlotInUse { location: String },
    /// An interrupted install stopped before the card had the key: resuming needs the
    /// e-Cert file (and its password) again; rolling back needs nothing.
    #[error("the install of job {id} needs the e-Cert file again to continue")]
    NeedsFile { id: String },
    #[error("the issued certificate is not for the key generated on this card")]
    WrongKey,
    #[error("the issued certificate does not verify: {0}")]
    Chain(String),
    #[error("the new certificate is for {new}, not for the holder of the current e-Cert ({old})")]
    DifferentHolder { old: String, new: String },
    #[error("{path}: {detail}")]
    File { path: String, detail: String },
    #[error("this workflow is {status:?}; nothing to do")]
    NotActive { status: Status },
    /// The job cannot be proven to be this card's (another card in the same reader, a card
    /// changed since, or a journal of an earlier version): nothing was changed.
    #[error("the unfinished job {id} cannot be resumed safely on this card: {reason}; nothing was changed")]
    NotThisCard { id: String, reason: Mismatch },
    /// A backup or request file could not be written (the backup exists already, …).
    #[error(transparent)]
    Write(#[from] FileError),
}

impl From<WorkflowError> for TokenError {
    /// A token error stays itself (so "card removed" or "wrong PIN" keep their remedies).
    fn from(e: WorkflowError) -> Self {
        match e {
            WorkflowError::Token(t) => t,
            other => TokenError::Workflow(std::sync::Arc::new(other)),
        }
    }
}

/// The identifier the counter's audit records name the card by (salted by the log): its
/// serial (PIV: the CHUID GUID), else the reference it was reached by. Journals do not use
/// it: they prove the card itself ([`card_proof`]).
pub fn card_id(info: &crate::token::TokenInfo) -> String {
    info.serial.clone().unwrap_or_else(|| info.reference.to_string())
}

/// One workflow action, run on the token's owner thread by the service.
#[derive(Debug)]
pub enum Action {
    StartEnroll {
        location: String,
        replaces: Option<String>,
        subject: Option<String>,
        alg: KeyAlgorithm,
        outbox: std::path::PathBuf,
    },
    /// Picks the issued certificate `<job id>.pem|.crt|.cer|.der` from `inbox` (further
    /// certificates in that file are its intermediates), checks its chain to `anchors` at
    /// `time` (offline) and completes the enrollment.
    Collect {
        inbox: std::path::PathBuf,
        anchors: Vec<Vec<u8>>,
        time: u64,
    },
    StartRemove {
        location: String,
        backup: std::path::PathBuf,
    },
    /// Installs an e-Cert file into `location` ([`super::install::start_journaled`]); the
    /// slot's certificate, if any, is backed up to `backup` first.
    StartInstall {
        location: String,
        file: std::path::PathBuf,
        password: crate::secret::Password,
        backup: Option<std::path::PathBuf>,
    },
    Resume,
    RollBack,
}

impl Action {
    /// Runs the action against `token` with the journal folder `store`.
    pub fn run(self, store: &Store, token: &mut dyn Token, auth: &Auth) -> Result<Journal, WorkflowError> {
        let pending = |token: &mut dyn Token| -> Result<Journal, WorkflowError> {
            match store.find(&CardNow::read(token, &[])?)? {
                Some(Found::Mine(j)) => Ok(j),
                Some(Found::NotProven(j, reason)) => Err(WorkflowError::NotThisCard { id: j.id, reason }),
                None => Err(WorkflowError::NotActive { status: Status::Done }),
            }
        };
        match self {
            Action::StartEnroll { location, replaces, subject, alg, outbox } => {
                let req = EnrollRequest {
                    location: &location,
                    replaces: replaces.as_deref(),
                    subject: subject.as_deref(),
                    algorithm: alg,
                    outbox: &outbox,
                };
                start_enroll(store, token, &req, auth)
            }
            Action::Collect { inbox, anchors, time } => {
                let mut j = pending(token)?;
                let (cert, intermediates) = pick_up(&inbox, &j.id)?;
                let check = |der: &[u8]| chain_check(der, &intermediates, &anchors, time);
                complete_enroll(store, token, &mut j, &cert, &check, auth)?;
                Ok(j)
            }
            Action::StartRemove { location, backup } => start_remove(store, token, &location, &backup, auth),
            Action::StartInstall { location, file, password, backup } => {
                let contents = crate::p12file::P12File::open(&file)
                    .and_then(|f| f.decrypt(&password))
                    .map_err(TokenError::from)?;
                super::install::start_journaled(store, token, &contents, &location, backup.as_deref(), auth)
            }
            Action::Resume => {
                let mut j = pending(token)?;
                // A job waiting for its certificate has nothing to resume on the card.
                if j.status == Status::Running {
                    resume(store, token, &mut j, auth)?;
                }
                Ok(j)
            }
            Action::RollBack => {
                let mut j = pending(token)?;
                roll_back(store, token, &mut j, auth)?;
                Ok(j)
            }
        }
    }
}

/// The issued certificate for job `id` in `inbox`, and the other certificates of its file.
fn pick_up(inbox: &Path, id: &str) -> Result<(Vec<u8>, Vec<Vec<u8>>), WorkflowError> {
    let path = ["pem", "crt", "cer", "der"]
        .iter()
        .map(|ext| inbox.join(format!("{id}.{ext}")))
        .find(|p| p.is_file())
        .ok_or_else(|| WorkflowError::File {
            path: inbox.join(format!("{id}.pem")).display().to_string(),
            detail: "the issued certificate is not in the inbox yet".into(),
        })?;
    let bytes = std::fs::read(&path).map_err(file_err(&path))?;
    let mut certs = crate::verify::model::read_certs(&bytes)
        .map_err(|e| WorkflowError::File { path: path.display().to_string(), detail: e.to_string() })?;
    if certs.is_empty() {
        return Err(WorkflowError::File {
            path: path.display().to_string(),
            detail: "no certificate".into(),
        });
    }
    let first = certs.remove(0);
    Ok((first, certs))
}

/// RFC 5280 path validation of an issued certificate (offline: the CA just issued it).
fn chain_check(der: &[u8], intermediates: &[Vec<u8>], anchors: &[Vec<u8>], time: u64) -> Result<(), String> {
    use crate::verify::{Cert, Options, Verdict};
    let leaf = Cert::parse(der).map_err(|e| e.to_string())?;
    let pool: Vec<Cert> = intermediates.iter().filter_map(|d| Cert::parse(d).ok()).collect();
    let roots: Vec<Cert> = anchors.iter().filter_map(|d| Cert::parse(d).ok()).collect();
    let report = crate::verify::verify(&leaf, &pool, &roots, &[], &Options { time, ..Options::default() });
    if report.verdict == Verdict::Valid {
        Ok(())
    } else {
        Err(report.reason_text.unwrap_or_else(|| "not valid".into()))
    }
}

fn file_err(path: &Path) -> impl Fn(std::io::Error) -> WorkflowError + '_ {
    move |e| WorkflowError::File { path: path.display().to_string(), detail: e.to_string() }
}

/// Writes `bytes` to `path` durably and atomically (temp + fsync + rename + fsync of the
/// folder), in `mode` ([`crate::careful_file::write_atomic`]).
pub fn write_file(path: &Path, bytes: &[u8], mode: Mode) -> Result<(), WorkflowError> {
    Ok(crate::careful_file::write_atomic(path, bytes, mode)?)
}

/// Checks that `token` is the card job `j` started on, read now (see [`card_proof`]).
pub(crate) fn ensure_card(store: &Store, token: &mut dyn Token, j: &Journal) -> Result<(), WorkflowError> {
    let now = CardNow::read(token, &card_proof::touched(j))?;
    card_proof::check(&store.salt()?, j, &now)
        .map_err(|reason| WorkflowError::NotThisCard { id: j.id.clone(), reason })
}

pub(crate) fn new_id() -> String {
    let mut b = [0u8; 8];
    let _ = getrandom::fill(&mut b);
    hex::encode(b)
}

fn subject_of(der: &[u8]) -> String {
    crate::cert::CertSummary::from_der(der).map(|s| s.subject).unwrap_or_default()
}

pub(crate) fn refuse_pending(store: &Store, now: &CardNow) -> Result<(), WorkflowError> {
    match store.pending(now)? {
        Some(j) => Err(WorkflowError::Pending { id: j.id, kind: j.kind }),
        None => Ok(()),
    }
}

/// What an enrollment needs from the caller.
pub struct EnrollRequest<'a> {
    /// Free slot for the new key and certificate.
    pub location: &'a str,
    /// The e-Cert being renewed, removed once the new one is in.
    pub replaces: Option<&'a str>,
    /// Subject for the request (RFC 4514); by default the replaced certificate's.
    pub subject: Option<&'a str>,
    pub algorithm: KeyAlgorithm,
    /// Folder the request (`<job id>.csr`, DER) is written to.
    pub outbox: &'a Path,
}

/// Enroll phase 1: key generated on the card, request written to the outbox. Ends
/// "awaiting certificate".
pub fn start_enroll(
    store: &Store,
    token: &mut dyn Token,
    req: &EnrollRequest<'_>,
    auth: &Auth,
) -> Result<Journal, WorkflowError> {
    let touched: Vec<&str> = std::iter::once(req.location).chain(req.replaces).collect();
    let now = CardNow::read(token, &touched)?;
    refuse_pending(store, &now)?;
    let old_cert = match req.replaces {
        Some(old) => Some(
            token
                .certificate_at(old)?
                .ok_or_else(|| WorkflowError::NoCertificate { location: old.to_owned() })?,
        ),
        None => None,
    };
    if token.certificate_at(req.location)?.is_some() {
        return Err(WorkflowError::SlotInUse { location: req.location.to_owned() });
    }
    let subject = match (req.subject, &old_cert) {
        (Some(s), _) => s.to_owned(),
        (None, Some(der)) => subject_of(der),
        (None, None) => return Err(WorkflowError::Chain("a subject is needed".into())),
    };
    let mut j = Journal {
        id: new_id(),
        kind: Kind::Enroll,
        card: String::new(),
        proof: None,
        status: Status::Running,
        step: 0,
        location: req.location.to_owned(),
        replaces: req.replaces.map(str::to_owned),
        old_cert,
        new_key: None,
        new_cert: None,
        request: None,
        subject: Some(subject),
        algorithm: Some(format!("{:?}", req.algorithm)),
    };
    j.request = Some(req.outbox.join(format!("{}.csr", j.id)));
    store.stamp(&mut j, &now)?;
    store.save(&j)?;
    run(store, token, &mut j, auth)?;
    Ok(j)
}

/// Enroll phase 2: the issued certificate is checked (key, holder, chain via `check_chain`)
/// before anything is written, stored, and the replaced e-Cert removed.
pub fn complete_enroll(
    store: &Store,
    token: &mut dyn Token,
    journal: &mut Journal,
    cert_der: &[u8],
    check_chain: &dyn Fn(&[u8]) -> Result<(), String>,
    auth: &Auth,
) -> Result<(), WorkflowError> {
    if journal.status != Status::AwaitingCertificate {
        return Err(WorkflowError::NotActive { status: journal.status });
    }
    let spki = crate::cert::spki_der(cert_der).map_err(TokenError::from)?;
    if journal.new_key.as_deref() != Some(spki.as_slice()) {
        return Err(WorkflowError::WrongKey);
    }
    if let Some(old) = &journal.old_cert {
        let (old_subject, new_subject) = (subject_of(old), subject_of(cert_der));
        if old_subject != new_subject {
            return Err(WorkflowError::DifferentHolder { old: old_subject, new: new_subject });
        }
    }
    check_chain(cert_der).map_err(WorkflowError::Chain)?;
    ensure_card(store, token, journal)?;
    journal.new_cert = Some(cert_der.to_vec());
    journal.status = Status::Running;
    journal.step = 2;
    store.save(journal)?;
    run(store, token, journal, auth)
}

/// Remove: back up to `backup` (private, never over an existing file), then delete
/// certificate and (where possible) key.
pub fn start_remove(
    store: &Store,
    token: &mut dyn Token,
    location: &str,
    backup: &Path,
    auth: &Auth,
) -> Result<Journal, WorkflowError> {
    let now = CardNow::read(token, &[location])?;
    refuse_pending(store, &now)?;
    let der = token
        .certificate_at(location)?
        .ok_or_else(|| WorkflowError::NoCertificate { location: location.to_owned() })?;
    write_file(backup, &der, Mode::PRIVATE.no_clobber())?;
    let mut j = Journal {
        id: new_id(),
        kind: Kind::Remove,
        card: String::new(),
        proof: None,
        status: Status::Running,
        step: 0,
        location: location.to_owned(),
        replaces: None,
        old_cert: Some(der),
        new_key: None,
        new_cert: None,
        request: None,
        subject: None,
        algorithm: None,
    };
    store.stamp(&mut j, &now)?;
    store.save(&j)?;
    run(store, token, &mut j, auth)?;
    Ok(j)
}

/// Continues an interrupted workflow from its journaled step.
pub fn resume(
    store: &Store,
    token: &mut dyn Token,
    journal: &mut Journal,
    auth: &Auth,
) -> Result<(), WorkflowError> {
    if journal.status != Status::Running {
        return Err(WorkflowError::NotActive { status: journal.status });
    }
    run(store, token, journal, auth)
}

fn algorithm(j: &Journal) -> KeyAlgorithm {
    match j.algorithm.as_deref() {
        Some("Rsa2048") => KeyAlgorithm::Rsa2048,
        Some("Rsa3072") => KeyAlgorithm::Rsa3072,
        Some("EccP384") => KeyAlgorithm::EccP384,
        _ => KeyAlgorithm::EccP256,
    }
}

/// Runs steps from `journal.step`, saving the journal before each.
fn run(store: &Store, token: &mut dyn Token, j: &mut Journal, auth: &Auth) -> Result<(), WorkflowError> {
    if j.kind == Kind::Install {
        return super::install::run_journaled(store, token, j, None, auth);
    }
    loop {
        ensure_card(store, token, j)?;
        match (&j.kind, j.step) {
            // Enroll 0: generate. Re-running is safe: the slot holds no certificate, so a key
            // left by an interrupted run is simply replaced.
            (Kind::Enroll, 0) => {
                let key = token.generate_key(&j.location, algorithm(j), auth)?;
                j.new_key = Some(key.spki_der);
                j.step = 1;
                store.save(j)?;
            }
            // Enroll 1: the card signs the request; written to the outbox.
            (Kind::Enroll, 1) => {
                let key = j.new_key.clone().unwrap_or_default();
                let subject =
                    csr::parse_subject(j.subject.as_deref().unwrap_or_default()).map_err(TokenError::from)?;
                let alg = algorithm(j);
                let location = j.location.clone();
                let der = csr::build_csr(subject, &key, alg, Vec::new(), |input| {
                    token.sign(&location, alg, input, auth)
                })
                .map_err(TokenError::from)?;
                if let Some(path) = &j.request {
                    // A request is meant for the CA: readable, replaced if this step runs again.
                    write_file(path, &der, Mode::PUBLIC)?;
                }
                j.status = Status::AwaitingCertificate;
                store.save(j)?;
                return Ok(());
            }
            // Enroll 2: store the checked certificate (skipped if already there).
            (Kind::Enroll, 2) => {
                let cert = j.new_cert.clone().unwrap_or_default();
                if token.certificate_at(&j.location)?.as_deref() != Some(cert.as_slice()) {
                    token.import_certificate(&j.location, &cert, auth)?;
                }
                j.step = 3;
                store.save(j)?;
            }
            // Enroll 3: the new e-Cert is in; remove the one it replaces.
            (Kind::Enroll, 3) => {
                if let Some(old) = j.replaces.clone() {
                    if token.certificate_at(&old)?.is_some() {
                        token.delete_certificate(&old, auth)?;
                    }
                }
                return finish(store, j);
            }
            // Remove 0: delete the certificate.
            (Kind::Remove, 0) => {
                if token.certificate_at(&j.location)?.is_some() {
                    token.delete_certificate(&j.location, auth)?;
                }
                j.step = 1;
                store.save(j)?;
            }
            // Remove 1: delete the key where the medium can.
            (Kind::Remove, 1) => {
                match token.delete_key(&j.location, auth) {
                    Ok(()) | Err(TokenError::Unsupported { .. }) => {}
                    Err(e) => return Err(e.into()),
                }
                return finish(store, j);
            }
            _ => return finish(store, j),
        }
    }
}

pub(crate) fn finish(store: &Store, j: &mut Journal) -> Result<(), WorkflowError> {
    j.status = Status::Done;
    store.save(j)?;
    Ok(())
}

/// Puts the card back as it was before the workflow: the replaced (or removed) certificate
/// is restored — its key never left the card — and a new certificate is taken out.
pub fn roll_back(
    store: &Store,
    token: &mut dyn Token,
    j: &mut Journal,
    auth: &Auth,
) -> Result<(), WorkflowError> {
    if matches!(j.status, Status::Done | Status::RolledBack) {
        return Err(WorkflowError::NotActive { status: j.status });
    }
    if j.kind == Kind::Install {
        return super::install::roll_back(store, token, j, auth);
    }
    ensure_card(store, token, j)?;
    j.status = Status::Running;
    store.save(j)?;
    let old_location = match j.kind {
        Kind::Enroll => j.replaces.clone(),
        Kind::Remove | Kind::Install => Some(j.location.clone()),
    };
    if let (Some(loc), Some(old)) = (old_location, j.old_cert.clone()) {
        ensure_card(store, token, j)?;
        if token.certificate_at(&loc)?.is_none() {
            token.import_certificate(&loc, &old, auth)?;
        }
    }
    if j.kind == Kind::Enroll {
        ensure_card(store, token, j)?;
        if let Some(new) = &j.new_cert {
            if token.certificate_at(&j.location)?.as_deref() == Some(new.as_slice()) {
                token.delete_certificate(&j.location, auth)?;
            }
        }
    }
    j.status = Status::RolledBack;
    store.save(j)?;
    Ok(())
}
