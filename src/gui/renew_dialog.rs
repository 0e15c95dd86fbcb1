//! Renew or replace an e-Cert, as the journaled enroll workflow (`ops::workflow`) does it:
//! step 1 makes a new key in a free location and saves the request (`StartEnroll` with
//! `replaces`); step 2 loads the renewed e-Cert the CA issued — the file is copied into the
//! workflow's inbox as `<job id>.<ext>` off the UI thread, then `Collect` checks it against
//! the new key, the holder and the trust anchors before writing, and only then removes the
//! old e-Cert. Until then the old one stays and keeps working.

use std::path::{Path, PathBuf};

use ecert::i18n;
use ecert::ops::card_proof::CardNow;
use ecert::ops::journal::Status as JobStatus;
use ecert::ops::workflow::Action as WorkflowAction;
use ecert::piv::KeyAlgorithm;
use ecert::service::{Operation, Outcome};
use ecert::token::{PinFacts, TokenError};
use iced::widget::{column, text};
use iced::{Element, Task};
use zeroize::Zeroizing;

use super::dialogs::{self, Action};
use super::keygen_dialog::ALGORITHMS;
use super::{Secret, TextSize};

#[derive(Debug, Clone)]
pub enum Msg {
    Location(String),
    Algorithm(KeyAlgorithm),
    Pin(Secret),
    /// The card management key typed after the card refused the factory one.
    MgmtKey(Secret),
    /// Step 1: new key and request.
    Start,
    Path(String),
    /// Choose the renewed e-Cert with the picker.
    Browse,
    /// Step 2: load the renewed e-Cert from the typed path.
    Load,
    /// The file is in the inbox; the trust anchors to check it against (or why not).
    Staged(Result<Vec<Vec<u8>>, String>),
    /// A renewal of this e-Cert started earlier waits for its certificate: (job id, request).
    Pending(Option<(String, PathBuf)>),
    /// Whether this e-Cert's renewal stopped half way (a step started, not confirmed).
    Interrupted(bool),
    /// Undo the half-done renewal (the new key is deleted; the current e-Cert is untouched).
    Cancel,
    Close,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Idle,
    Requesting,
    /// The request is saved; the renewed e-Cert is awaited.
    Waiting,
    Staging,
    Collecting,
    Done,
}

/// Where the workflow keeps its files.
#[derive(Debug, Clone)]
pub struct Folders {
    /// Where the request is saved (the Documents folder).
    pub outbox: PathBuf,
    /// The journal folder (`<data dir>/journal`); `None` when there is no data folder.
    pub journal: Option<PathBuf>,
    /// Where issued certificates are picked up (`<data dir>/inbox`).
    pub inbox: Option<PathBuf>,
}

impl Folders {
    pub fn user() -> Self {
        let journal = ecert::ops::journal::default_dir();
        let inbox = journal.as_deref().and_then(Path::parent).map(|d| d.join("inbox"));
        Self { outbox: dialogs::documents_dir(), journal, inbox }
    }
}

pub struct RenewDialog {
    pub blocked: Option<String>,
    pub old_location: String,
    pub owner: String,
    pub locations: Vec<String>,
    pub location: String,
    pub algorithm: KeyAlgorithm,
    pub facts: Option<PinFacts>,
    pin: Zeroizing<String>,
    /// Asked for once the card refuses the factory management key.
    pub mgmt: dialogs::MgmtKeyField,
    /// The journaled job stopped at the management key: the next press resumes it (starting
    /// or collecting again would be refused while it is pending).
    pub resume: bool,
    /// Step 1 failed after the job was journaled: pressing again continues it (`resume`),
    /// or it can be cancelled (rolled back).
    pub interrupted: bool,
    pub folders: Folders,
    pub step: Step,
    /// The job id and where its request was saved.
    pub job: Option<(String, PathBuf)>,
    pub path: String,
    pub error: Option<(String, String)>,
}

/// Copies the issued file into `inbox` as `<job>.<ext>` (the name `Collect` looks for) and
/// reads the trust anchors (bundled, the user's, the system's if chosen in Settings).
pub fn stage_blocking(inbox: &Path, job: &str, file: &Path) -> Result<Vec<Vec<u8>>, String> {
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .filter(|e| ["pem", "crt", "cer", "der"].contains(&e.as_str()))
        .unwrap_or_else(|| "pem".to_owned());
    std::fs::create_dir_all(inbox).map_err(|e| format!("{}: {e}", inbox.display()))?;
    for old in ["pem", "crt", "cer", "der"] {
        let _ = std::fs::remove_file(inbox.join(format!("{job}.{old}")));
    }
    let target = inbox.join(format!("{job}.{ext}"));
    std::fs::copy(file, &target).map_err(|e| format!("{}: {e}", file.display()))?;
    let system = ecert::settings::load().is_ok_and(|s| s.system_anchors);
    Ok(ecert::verify::trust::all(system).0.into_iter().map(|a| a.der).collect())
}

/// The renewal of the e-Cert at `old_location` this card's journal says is waiting for its
/// certificate, if any (job id and where its request was saved). `cards`: the card as its
/// listing shows it; only a job proven to be this card's counts ([`CardNow`]).
pub fn pending_blocking(journal: &Path, cards: &CardNow, old_location: &str) -> Option<(String, PathBuf)> {
    renewal_of(journal, cards, old_location)
        .filter(|j| j.status == JobStatus::AwaitingCertificate)
        .map(|j| (j.id, j.request.unwrap_or_default()))
}

/// This card's unfinished job, if it is a renewal of the e-Cert at `old_location`.
fn renewal_of(journal: &Path, cards: &CardNow, old_location: &str) -> Option<ecert::ops::journal::Journal> {
    let store = ecert::ops::journal::Store::new(journal);
    store.pending(cards).ok().flatten().filter(|j| {
        j.kind == ecert::ops::journal::Kind::Enroll && j.replaces.as_deref() == Some(old_location)
    })
}

/// Whether this card's journal holds a renewal of the e-Cert at `old_location` that stopped
/// half way (status Running).
pub fn interrupted_blocking(journal: &Path, cards: &CardNow, old_location: &str) -> bool {
    renewal_of(journal, cards, old_location).is_some_and(|j| j.status == JobStatus::Running)
}

impl RenewDialog {
    /// After a failed step 1: looks whether the job had been journaled (then it must be
    /// continued or cancelled; starting again would be refused).
    pub fn look_for_interrupted(&self, cards: CardNow) -> Action<Msg> {
        let Some(journal) = self.folders.journal.clone() else { return Action::None };
        let old = self.old_location.clone();
        Action::Task(Task::perform(
            async move { interrupted_blocking(&journal, &cards, &old) },
            Msg::Interrupted,
        ))
    }

    /// Whether a failed step 1 should be checked against the journal.
    pub fn wants_journal_check(&self) -> bool {
        self.step == Step::Idle && self.error.is_some() && !self.resume
    }

    /// Looks in the journal for this e-Cert's renewal started earlier (the app may have been
    /// closed while the CA worked): it then continues at step 2.
    pub fn look_for_pending(&self, cards: CardNow) -> Action<Msg> {
        let Some(journal) = self.folders.journal.clone() else { return Action::None };
        let old = self.old_location.clone();
        Action::Task(Task::perform(async move { pending_blocking(&journal, &cards, &old) }, Msg::Pending))
    }

    /// `old`: the location, owner and DER of the e-Cert to renew.
    pub fn new(
        blocked: Option<String>,
        old: (String, String, Vec<u8>),
        locations: Vec<String>,
        facts: Option<PinFacts>,
        folders: Folders,
    ) -> Self {
        let (old_location, owner, der) = old;
        let locations: Vec<String> = locations.into_iter().filter(|l| *l != old_location).collect();
        let blocked = blocked
            .or_else(|| locations.is_empty().then(|| i18n::text("keys-no-free-slot")))
            .or_else(|| folders.journal.is_none().then(|| i18n::text("err-other")));
        let algorithm = ecert::cert::spki_der(&der)
            .ok()
            .and_then(|s| KeyAlgorithm::from_spki(&s))
            .filter(|a| ALGORITHMS.iter().any(|(x, _)| x == a))
            .unwrap_or(KeyAlgorithm::EccP256);
        Self {
            blocked,
            old_location,
            owner,
            location: locations.first().cloned().unwrap_or_default(),
            locations,
            algorithm,
            facts,
            pin: Zeroizing::default(),
            mgmt: dialogs::MgmtKeyField::default(),
            resume: false,
            interrupted: false,
            folders,
            step: Step::Idle,
            job: None,
            path: String::new(),
            error: None,
        }
    }

    pub fn busy(&self) -> bool {
        matches!(self.step, Step::Requesting | Step::Staging | Step::Collecting)
    }

    #[cfg(test)]
    pub fn pin_cleared(&self) -> bool {
        self.pin.is_empty()
    }

    fn can_start(&self) -> bool {
        self.blocked.is_none()
            && self.step == Step::Idle
            && !self.location.is_empty()
            && !self.pin.is_empty()
            && self.mgmt.ready()
    }

    fn can_load(&self) -> bool {
        self.step == Step::Waiting
            && (self.resume || !self.path.trim().is_empty())
            && !self.pin.is_empty()
            && self.mgmt.ready()
    }

    /// Sends `action` (or `Resume` for a job stopped at the management key) and goes to
    /// `step`; a typed key that is not one is said inline and nothing is sent.
    fn workflow(&mut self, action: WorkflowAction, step: Step) -> Action<Msg> {
        let Some(auth) = self.mgmt.auth(&self.pin) else { return Action::None };
        self.step = step;
        self.error = None;
        self.pin = Zeroizing::default();
        let action = if std::mem::take(&mut self.resume) { WorkflowAction::Resume } else { action };
        let journal_dir = self.folders.journal.clone().unwrap_or_default();
        Action::Send(Operation::Workflow { action, journal_dir, auth })
    }

    pub fn update(&mut self, msg: Msg) -> Action<Msg> {
        match msg {
            Msg::Location(l) if self.step == Step::Idle && !self.resume => self.location = l,
            Msg::Algorithm(a) if self.step == Step::Idle && !self.resume => self.algorithm = a,
            Msg::Pin(s) => self.pin = Zeroizing::new(s.0),
            Msg::MgmtKey(s) => self.mgmt.set(s.0),
            Msg::Path(p) if !self.busy() => self.path = p,
            Msg::Browse if !self.busy() => {
                return Action::Browse(super::file_picker::PickFor::RenewedCertificate);
            }
            Msg::Close if !self.busy() => return Action::Close,
            Msg::Start if self.can_start() => {
                let action = WorkflowAction::StartEnroll {
                    location: self.location.clone(),
                    replaces: Some(self.old_location.clone()),
                    subject: None,
                    alg: self.algorithm,
                    outbox: self.folders.outbox.clone(),
                };
                return self.workflow(action, Step::Requesting);
            }
            // The certificate is staged already; the stopped job goes on.
            Msg::Load if self.can_load() && self.resume => {
                return self.workflow(WorkflowAction::Resume, Step::Collecting);
            }
            Msg::Load if self.can_load() => {
                // The key typed must be one before the file is staged.
                if !self.mgmt.check() {
                    return Action::None;
                }
                let (Some((job, _)), Some(inbox)) = (&self.job, self.folders.inbox.clone()) else {
                    return Action::None;
                };
                self.step = Step::Staging;
                self.error = None;
                let (job, file) = (job.clone(), PathBuf::from(self.path.trim()));
                return Action::Task(Task::perform(
                    async move { stage_blocking(&inbox, &job, &file) },
                    Msg::Staged,
                ));
            }
            Msg::Staged(Ok(anchors)) if self.step == Step::Staging => {
                self.step = Step::Waiting;
                let inbox = self.folders.inbox.clone().unwrap_or_default();
                let action = WorkflowAction::Collect { inbox, anchors, time: super::certs::now() };
                return self.workflow(action, Step::Collecting);
            }
            Msg::Interrupted(true) if self.step == Step::Idle => {
                self.interrupted = true;
                self.resume = true;
            }
            Msg::Cancel if self.interrupted && !self.busy() => {
                let Some(auth) = self.mgmt.auth(&self.pin) else { return Action::None };
                self.pin = Zeroizing::default();
                self.step = Step::Requesting;
                self.error = None;
                let journal_dir = self.folders.journal.clone().unwrap_or_default();
                return Action::Send(Operation::Workflow {
                    action: WorkflowAction::RollBack,
                    journal_dir,
                    auth,
                });
            }
            Msg::Pending(Some(job)) if self.step == Step::Idle => {
                self.job = Some(job);
                self.step = Step::Waiting;
            }
            Msg::Staged(Err(e)) if self.step == Step::Staging => {
                self.step = Step::Waiting;
                self.pin = Zeroizing::default();
                self.error = Some((i18n::text("err-import-read"), e));
            }
            _ => {}
        }
        Action::None
    }

    /// The card answered step 1 (the job awaits its certificate) or step 2 (done).
    pub fn finished(&mut self, result: Result<Outcome, TokenError>, facts: Option<PinFacts>) {
        if facts.is_some() {
            self.facts = facts;
        }
        let back = if self.step == Step::Collecting { Step::Waiting } else { Step::Idle };
        if self.mgmt.finished(&result) {
            self.resume = true;
        }
        match result {
            Ok(Outcome::Journal(j)) if j.status == JobStatus::AwaitingCertificate => {
                self.interrupted = false;
                self.job = Some((j.id.clone(), j.request.clone().unwrap_or_default()));
                self.step = Step::Waiting;
            }
            Ok(Outcome::Journal(j)) if j.status == JobStatus::Done => self.step = Step::Done,
            Ok(Outcome::Journal(j)) if j.status == JobStatus::RolledBack => {
                self.step = Step::Idle;
                (self.interrupted, self.resume) = (false, false);
                self.error = Some((i18n::text("renew-cancelled"), String::new()));
            }
            Ok(_) => {
                self.step = back;
                self.error = Some((i18n::text("err-other"), String::new()));
            }
            Err(e) => {
                self.step = back;
                // A refused management key: the field and its explanation say it all.
                self.error = (!self.resume).then(|| dialogs::failure(&e));
            }
        }
    }

    pub fn view(&self, size: TextSize) -> Element<'_, Msg> {
        let mut col = column![
            text(i18n::text("title-renew")).size(size.title()),
            text(i18n::text_args(
                "renew-what",
                &[("owner", self.owner.clone()), ("key", super::certs::key_purpose(&self.old_location))]
            ))
            .size(size.body()),
        ];
        if let Some(why) = &self.blocked {
            return dialogs::blocked(col, why, i18n::text("btn-renew-start"), Msg::Close, size);
        }
        col = col.push(text(i18n::text("renew-old-stays")).size(size.body()));
        col = dialogs::with_tries(col, self.facts, size);
        let idle = self.step == Step::Idle;
        if matches!(self.step, Step::Idle | Step::Requesting) {
            col = col
                .push(text(i18n::text("label-key-location")).size(size.body()))
                .push(dialogs::choices(
                    self.locations.iter().map(|l| (l.clone(), Msg::Location(l.clone()), *l == self.location)),
                    idle,
                    size,
                ))
                .push(text(i18n::text("label-key-type")).size(size.body()))
                .push(dialogs::choices(
                    ALGORITHMS
                        .iter()
                        .map(|(a, l)| ((*l).to_owned(), Msg::Algorithm(*a), *a == self.algorithm)),
                    idle,
                    size,
                ));
        }
        if let Some((_, request)) = &self.job {
            col = col.push(
                text(i18n::text_args("renew-request-saved", &[("path", request.display().to_string())]))
                    .size(size.heading()),
            );
        }
        if matches!(self.step, Step::Waiting | Step::Staging | Step::Collecting) {
            col = col.push(dialogs::field(
                i18n::text("label-renewed-file"),
                &self.path,
                false,
                Msg::Path,
                Msg::Load,
                size,
            ));
            col = col.push(dialogs::choices(
                [(i18n::text("btn-browse"), Msg::Browse, false)],
                !self.busy(),
                size,
            ));
        }
        if self.step != Step::Done {
            let submit = if idle { Msg::Start } else { Msg::Load };
            col = col.push(dialogs::pin_field(&self.pin, |s| Msg::Pin(Secret(s)), submit.clone(), size));
            if let Some(f) = self.mgmt.view(|s| Msg::MgmtKey(Secret(s)), submit, size) {
                col = col.push(f);
            }
        }
        match self.step {
            Step::Requesting => col = col.push(text(i18n::text("status-making-key")).size(size.heading())),
            Step::Staging | Step::Collecting => {
                col = col.push(text(i18n::text("status-checking-renewed")).size(size.heading()));
            }
            Step::Done => col = col.push(text(i18n::text("status-renewed")).size(size.heading())),
            Step::Idle | Step::Waiting => {}
        }
        if let Some((m, r)) = &self.error {
            col = col.push(text(m.clone()).size(size.heading())).push(text(r.clone()).size(size.body()));
        }
        if self.interrupted && self.step == Step::Idle {
            col = col.push(text(i18n::text("renew-interrupted")).size(size.body())).push(dialogs::choices(
                [(i18n::text("btn-renew-cancel"), Msg::Cancel, false)],
                !self.busy(),
                size,
            ));
        }
        let (label, press) = match self.step {
            Step::Idle | Step::Requesting => {
                (i18n::text("btn-renew-start"), self.can_start().then_some(Msg::Start))
            }
            _ => (i18n::text("btn-renew-load"), self.can_load().then_some(Msg::Load)),
        };
        dialogs::frame(col.push(dialogs::buttons(label, press, Msg::Close, self.busy(), size)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dialog(dir: &Path) -> RenewDialog {
        let folders = Folders {
            outbox: dir.join("out"),
            journal: Some(dir.join("journal")),
            inbox: Some(dir.join("inbox")),
        };
        let old = ("9a".to_owned(), "Chan".to_owned(), Vec::new());
        RenewDialog::new(None, old, vec!["9a".into(), "9d".into(), "9e".into()], None, folders)
    }

    fn journal(status: JobStatus) -> Outcome {
        let mut j = super::super::tests::sample_journal();
        j.id = "job1".into();
        j.status = status;
        j.request = Some("/docs/job1.csr".into());
        Outcome::Journal(Box::new(j))
    }

    #[test]
    fn step_one_starts_a_journaled_renewal_that_keeps_the_old_ecert() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = dialog(dir.path());
        assert_eq!(d.locations, ["9d", "9e"], "never the old e-Cert's own slot");
        assert!(matches!(d.update(Msg::Start), Action::None), "nothing without a PIN");
        let _ = d.update(Msg::Pin(Secret("123456".into())));
        let Action::Send(Operation::Workflow { action, journal_dir, auth }) = d.update(Msg::Start) else {
            panic!("expected the workflow")
        };
        let WorkflowAction::StartEnroll { location, replaces, outbox, .. } = action else {
            panic!("StartEnroll")
        };
        assert_eq!((location.as_str(), replaces.as_deref()), ("9d", Some("9a")));
        assert_eq!((outbox, journal_dir), (dir.path().join("out"), dir.path().join("journal")));
        assert!(auth.pin.is_some() && auth.management_key.is_some() && d.pin_cleared());
        assert!(matches!(d.update(Msg::Start), Action::None) && d.busy(), "no second start");
        d.finished(Ok(journal(JobStatus::AwaitingCertificate)), None);
        assert_eq!(d.step, Step::Waiting);
        assert_eq!(d.job, Some(("job1".into(), "/docs/job1.csr".into())));
    }

    #[test]
    fn step_two_puts_the_file_where_the_workflow_looks_and_collects() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = dialog(dir.path());
        let _ = d.update(Msg::Pin(Secret("123456".into())));
        let _ = d.update(Msg::Start);
        d.finished(Ok(journal(JobStatus::AwaitingCertificate)), None);
        let issued = dir.path().join("issued.cer");
        std::fs::write(&issued, b"x").unwrap();
        let _ = d.update(Msg::Path(issued.display().to_string()));
        let _ = d.update(Msg::Pin(Secret("123456".into())));
        assert!(matches!(d.update(Msg::Load), Action::Task(_)));
        let anchors = stage_blocking(&dir.path().join("inbox"), "job1", &issued).unwrap();
        assert!(dir.path().join("inbox/job1.cer").is_file() && !anchors.is_empty());
        let Action::Send(Operation::Workflow { action: WorkflowAction::Collect { inbox, .. }, .. }) =
            d.update(Msg::Staged(Ok(anchors)))
        else {
            panic!("expected Collect")
        };
        assert_eq!(inbox, dir.path().join("inbox"));
        // A refused certificate leaves the job waiting, to load another file.
        d.finished(Err(TokenError::KeyMismatch { location: "9d".into() }), None);
        assert_eq!(d.step, Step::Waiting);
        assert!(d.error.is_some());
    }
}
