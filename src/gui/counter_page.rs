//! The post-office counter page: an operator signs in, then takes one citizen's card after
//! another — enroll (key on the card, request to the outbox), collect (issued certificate
//! from the inbox, checked and stored, receipt written), remove (backup first, location typed
//! again), or finish / undo the card's interrupted job. Card work goes to the service as
//! `Operation::Workflow`; the operator file, journal look-up, folders, audit records and
//! receipts ([`ecert::ops::counter`]) are file work run in a `Task`. Every card action is
//! recorded in the audit log as `ecert counter` records it: an intent before the card work is
//! sent (none written, nothing sent) and the outcome after.

mod card_work;
mod glue;
mod view;
mod work;

use std::path::PathBuf;

use ecert::i18n;
use ecert::ops::counter::{Counter, Intent};
use ecert::piv::KeyAlgorithm;
use ecert::token::{PinFacts, TokenRef};
use iced::Task;
use zeroize::Zeroizing;

use super::dialogs::Action;
use super::Secret;
pub use work::PendingJob;

/// The three jobs a card can be taken for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    Enroll,
    Collect,
    Remove,
}

/// What card work runs (it names the audit action).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    Enroll,
    Collect,
    Remove,
    Resume,
    RollBack,
}

impl Work {
    /// The audit action, as `ecert counter` writes it.
    pub fn audit_action(self) -> &'static str {
        use ecert::ops::counter::action;
        match self {
            Work::Enroll => action::ENROLL_REQUEST,
            Work::Collect => action::ENROLL_STORE,
            Work::Remove => action::REMOVE,
            Work::Resume => action::RESUME,
            Work::RollBack => action::ROLLBACK,
        }
    }
}

/// What the page waits for (one request at a time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Busy {
    /// Signing in or out.
    Operator,
    /// Folders made / the counter's CAs read before the card work.
    Preparing,
    /// The intent record is written; the card work goes only once it is.
    Intending,
    /// The card works.
    Card,
    /// The audit record (and receipt) are written.
    Recording,
}

/// The selected card as the page needs it (built from the app state at each use).
#[derive(Debug, Clone, Default)]
pub struct Card {
    pub reference: Option<TokenRef>,
    /// The ids its journal may be kept under; the first is the one the audit log hashes.
    pub ids: Vec<String>,
    /// The card as its listing shows it, to find the job proven to be its own.
    pub now: ecert::ops::card_proof::CardNow,
    pub name: String,
    pub facts: Option<PinFacts>,
    /// Why this medium cannot do counter work (an e-Cert file), if it cannot.
    pub why_not: Option<String>,
    /// Free key locations, and the locations holding a certificate.
    pub free: Vec<String>,
    pub used: Vec<String>,
    /// Its certificates have been listed (the locations above are known).
    pub listed: bool,
}

/// A finished action as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    Done(String),
    Failed(String, String),
}

/// The audit line of a finished action, and its receipt (path and text) or why it could
/// not be written.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub line: String,
    pub receipt: Option<Result<(PathBuf, String), String>>,
}

#[derive(Debug, Clone)]
pub enum Msg {
    /// The operator name field changed.
    Name(String),
    SignIn,
    SignOut,
    /// Who the operator file says is signed in.
    Operator(Option<String>),
    /// Signed in (operator, audit line) or why not.
    SignedIn(Result<(String, String), String>),
    /// Signed out (audit line) or why not.
    SignedOut(Result<String, String>),
    /// The journal of the card known by these ids was read: its unfinished job, if any.
    Pending(Vec<String>, Option<PendingJob>),
    Job(Job),
    Slot(String),
    Algorithm(KeyAlgorithm),
    Subject(String),
    Outbox(String),
    Inbox(String),
    Backup(String),
    /// The location typed again (removal's second confirmation).
    Confirm(String),
    Pin(Secret),
    /// The card management key typed after the card refused the factory one.
    MgmtKey(Secret),
    /// Run the chosen job.
    Start,
    Resume,
    RollBack,
    /// Folders made and the counter's CAs read (or why not): the intent is recorded next.
    Prepared(Result<Vec<Vec<u8>>, String>),
    /// The intent record was written (the intent and its audit line), or why not: only
    /// then does the card work go.
    Intended(Result<(Intent, String), String>),
    /// The audit record (and receipt) were written, or why not.
    Recorded(Result<Recorded, String>),
    Close,
}

/// The card work in flight: what, on which card, for whom.
#[derive(Debug, Clone)]
struct InFlight {
    work: Work,
    token: Option<TokenRef>,
    card: String,
    operator: String,
    /// The intent record, once written.
    intent: Option<Intent>,
    /// The counter's CAs read for a collect (sent with the card work).
    anchors: Vec<Vec<u8>>,
}

pub struct CounterPage {
    /// The counter's files; `None`: no data folder, nothing can be recorded.
    pub counter: Option<Counter>,
    pub operator: Option<String>,
    pub name: String,
    pub job: Job,
    pub slot: String,
    pub algorithm: KeyAlgorithm,
    pub subject: String,
    pub outbox: String,
    pub inbox: String,
    pub backup: String,
    pub confirm: String,
    pin: Zeroizing<String>,
    /// Asked for once the card refuses the factory management key.
    pub mgmt: super::dialogs::MgmtKeyField,
    pub busy: Option<Busy>,
    in_flight: Option<InFlight>,
    /// The card ids the journal was (or is being) read for.
    pub looked: Option<Vec<String>>,
    pub looking: bool,
    pub pending: Option<PendingJob>,
    pub shown: Option<Shown>,
    /// The last receipt: where it was saved and its text.
    pub receipt: Option<(PathBuf, String)>,
    /// This session's audit records, oldest first.
    pub log: Vec<String>,
}

fn path_of(s: &str) -> PathBuf {
    PathBuf::from(s.trim())
}

/// An RFC 4514 subject; a bare name becomes `CN=<name>`.
pub fn subject_of(typed: &str) -> Option<String> {
    let t = typed.trim();
    if t.is_empty() {
        None
    } else if t.contains('=') {
        Some(t.to_owned())
    } else {
        Some(format!("CN={t}"))
    }
}

impl CounterPage {
    /// The page over the counter files in `counter` (the user's data folder, or a test's).
    pub fn new(counter: Option<Counter>) -> Self {
        let folder = |f: fn(&Counter) -> PathBuf| {
            counter.as_ref().map(|c| f(c).display().to_string()).unwrap_or_default()
        };
        Self {
            outbox: folder(Counter::outbox),
            inbox: folder(Counter::inbox),
            counter,
            operator: None,
            name: String::new(),
            job: Job::Enroll,
            slot: String::new(),
            algorithm: KeyAlgorithm::EccP256,
            subject: String::new(),
            backup: String::new(),
            confirm: String::new(),
            pin: Zeroizing::default(),
            mgmt: super::dialogs::MgmtKeyField::default(),
            busy: None,
            in_flight: None,
            looked: None,
            looking: false,
            pending: None,
            shown: None,
            receipt: None,
            log: Vec::new(),
        }
    }

    pub fn busy(&self) -> bool {
        self.busy.is_some()
    }

    #[cfg(test)]
    pub fn pin_cleared(&self) -> bool {
        self.pin.is_empty()
    }

    /// The card the work in flight was started on.
    pub fn token(&self) -> Option<TokenRef> {
        self.in_flight.as_ref().and_then(|f| f.token.clone())
    }

    /// Whether a finished operation on `token` is this page's.
    pub fn waits_for(&self, token: &TokenRef) -> bool {
        self.busy == Some(Busy::Card)
            && self.in_flight.as_ref().is_some_and(|f| f.token.as_ref() == Some(token))
    }

    /// The journal of this card has been read (and is current).
    fn card_known(&self, card: &Card) -> bool {
        !self.looking && self.looked.as_deref() == Some(card.ids.as_slice())
    }

    /// Why the jobs cannot start now, if they cannot (shown above the buttons).
    pub fn why_blocked(&self, card: Option<&Card>) -> Option<String> {
        if self.counter.is_none() {
            return Some(i18n::text("counter-no-data"));
        }
        if self.operator.is_none() {
            return Some(i18n::text("counter-sign-in-first"));
        }
        let Some(card) = card.filter(|c| c.reference.is_some()) else {
            return Some(i18n::text("counter-no-card"));
        };
        if let Some(why) = &card.why_not {
            return Some(why.clone());
        }
        if !card.listed || !self.card_known(card) {
            return Some(i18n::text("counter-checking-card"));
        }
        None
    }

    /// Whether the chosen job can start with what is typed.
    pub fn can_start(&self, card: Option<&Card>) -> bool {
        let Some(c) = card else { return false };
        if self.busy() || self.why_blocked(card).is_some() || self.pin.is_empty() || !self.mgmt.ready() {
            return false;
        }
        match self.job {
            Job::Enroll => {
                self.pending.is_none()
                    && c.free.contains(&self.slot)
                    && subject_of(&self.subject).is_some()
                    && !self.outbox.trim().is_empty()
            }
            Job::Collect => {
                self.pending.as_ref().is_some_and(PendingJob::awaits_certificate)
                    && !self.inbox.trim().is_empty()
            }
            Job::Remove => {
                self.pending.is_none()
                    && c.used.contains(&self.slot)
                    && self.confirm.trim() == self.slot
                    && !self.backup.trim().is_empty()
            }
        }
    }

    /// Resume / roll back: a job is pending, a PIN typed, nothing running.
    pub fn can_finish_pending(&self, card: Option<&Card>) -> bool {
        !self.busy()
            && self.why_blocked(card).is_none()
            && self.pending.is_some()
            && !self.pin.is_empty()
            && self.mgmt.ready()
    }

    /// The default location for the chosen job on this card.
    fn default_slot(&self, card: Option<&Card>) -> String {
        let list = card.map(|c| if self.job == Job::Remove { &c.used } else { &c.free });
        list.and_then(|l| l.first().cloned()).unwrap_or_default()
    }

    /// A backup file name for `slot` that says when it was made.
    fn default_backup(&self, slot: &str) -> String {
        let Some(c) = &self.counter else { return String::new() };
        let stamp = ecert::ops::audit::rfc3339(super::certs::now()).replace([':', '-'], "");
        c.backups().join(format!("{slot}-{stamp}.der")).display().to_string()
    }

    fn choose_slot(&mut self, slot: String) {
        if self.job == Job::Remove {
            self.backup = self.default_backup(&slot);
            self.confirm.clear();
        }
        self.slot = slot;
    }

    /// Sign-in and sign-out (the operator file and their audit records: file work).
    fn on_operator(&mut self, msg: Msg) -> Action<Msg> {
        let idle = !self.busy();
        match msg {
            Msg::Name(n) if idle => self.name = n,
            Msg::SignIn if idle && self.operator.is_none() && !self.name.trim().is_empty() => {
                let Some(counter) = self.counter.clone() else { return Action::None };
                self.busy = Some(Busy::Operator);
                self.shown = None;
                let name = self.name.trim().to_owned();
                return Action::Task(Task::perform(
                    async move { work::sign_in_blocking(&counter, &name) },
                    Msg::SignedIn,
                ));
            }
            Msg::SignOut if idle && self.operator.is_some() => {
                let Some(counter) = self.counter.clone() else { return Action::None };
                self.busy = Some(Busy::Operator);
                self.shown = None;
                self.pin = Zeroizing::default();
                return Action::Task(Task::perform(
                    async move { work::sign_out_blocking(&counter) },
                    Msg::SignedOut,
                ));
            }
            Msg::Operator(who) if idle => self.operator = who,
            Msg::SignedIn(result) => {
                self.busy = None;
                match result {
                    Ok((who, line)) => {
                        self.operator = Some(who);
                        self.log.push(line);
                    }
                    Err(e) => self.shown = Some(Shown::Failed(i18n::text("counter-err-file"), e)),
                }
            }
            Msg::SignedOut(result) => {
                self.busy = None;
                match result {
                    Ok(line) => {
                        self.operator = None;
                        self.log.push(line);
                    }
                    Err(e) => self.shown = Some(Shown::Failed(i18n::text("counter-err-file"), e)),
                }
            }
            _ => {}
        }
        Action::None
    }

    pub fn update(&mut self, msg: Msg, card: Option<&Card>) -> Action<Msg> {
        let idle = !self.busy();
        match msg {
            Msg::Name(_)
            | Msg::SignIn
            | Msg::SignOut
            | Msg::Operator(_)
            | Msg::SignedIn(_)
            | Msg::SignedOut(_) => return self.on_operator(msg),
            Msg::Pending(ids, job) => {
                self.looking = false;
                // An answer for a card no longer in front of the operator is dropped.
                if self.looked.as_ref() == Some(&ids) {
                    if job.as_ref().is_some_and(PendingJob::awaits_certificate) && idle {
                        self.job = Job::Collect;
                    }
                    self.pending = job;
                }
            }
            Msg::Job(job) if idle => {
                self.job = job;
                self.confirm.clear();
                let slot = self.default_slot(card);
                self.choose_slot(slot);
            }
            Msg::Slot(s) if idle => self.choose_slot(s),
            Msg::Algorithm(a) if idle => self.algorithm = a,
            Msg::Subject(s) if idle => self.subject = s,
            Msg::Outbox(s) if idle => self.outbox = s,
            Msg::Inbox(s) if idle => self.inbox = s,
            Msg::Backup(s) if idle => self.backup = s,
            Msg::Confirm(s) if idle => self.confirm = s,
            Msg::Pin(s) if idle => self.pin = Zeroizing::new(s.0),
            Msg::MgmtKey(s) if idle => self.mgmt.set(s.0),
            // A typed key that is not one is said before any file work.
            Msg::Start if self.can_start(card) && self.mgmt.check() => return self.prepare(card),
            Msg::Resume if self.can_finish_pending(card) && self.mgmt.check() => {
                return self.intend(Work::Resume, card, Vec::new());
            }
            Msg::RollBack if self.can_finish_pending(card) && self.mgmt.check() => {
                return self.intend(Work::RollBack, card, Vec::new());
            }
            Msg::Prepared(Ok(anchors)) if self.busy == Some(Busy::Preparing) => {
                let work = match self.job {
                    Job::Enroll => Work::Enroll,
                    Job::Collect => Work::Collect,
                    Job::Remove => Work::Remove,
                };
                return self.intend(work, card, anchors);
            }
            Msg::Prepared(Err(e)) if self.busy == Some(Busy::Preparing) => {
                self.busy = None;
                self.in_flight = None;
                self.pin = Zeroizing::default();
                self.shown = Some(Shown::Failed(i18n::text("counter-err-file"), e));
            }
            Msg::Intended(Ok((intent, line))) if self.busy == Some(Busy::Intending) => {
                self.log.push(line);
                let Some(flight) = self.in_flight.as_mut() else { return Action::None };
                flight.intent = Some(intent);
                let work = flight.work;
                return self.send(work, card);
            }
            Msg::Intended(Err(e)) if self.busy == Some(Busy::Intending) => {
                self.busy = None;
                self.in_flight = None;
                self.pin = Zeroizing::default();
                self.shown = Some(Shown::Failed(i18n::text("counter-err-intent"), e));
            }
            Msg::Recorded(result) if self.busy == Some(Busy::Recording) => {
                self.busy = None;
                self.in_flight = None;
                // The card changed: its journal is read again.
                self.looked = None;
                match result {
                    Ok(r) => {
                        self.log.push(r.line);
                        match r.receipt {
                            Some(Ok(receipt)) => self.receipt = Some(receipt),
                            Some(Err(e)) => {
                                self.shown = Some(Shown::Failed(i18n::text("counter-err-file"), e));
                            }
                            None => {}
                        }
                    }
                    Err(e) => self.shown = Some(Shown::Failed(i18n::text("counter-err-audit"), e)),
                }
            }
            Msg::Close if idle => return Action::Close,
            _ => {}
        }
        Action::None
    }
}
