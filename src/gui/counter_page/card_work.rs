//! The counter page's card work: file preparation, the intent record (the card work goes
//! only once it is written), the workflow request to the service, and the answer — shown,
//! then recorded in the audit log as the intent's outcome, off the UI thread.

use ecert::i18n;
use ecert::ops::journal::Journal;
use ecert::ops::workflow::Action as WorkflowAction;
use ecert::service::{Operation, Outcome};
use ecert::token::TokenError;
use iced::Task;
use zeroize::Zeroizing;

use super::super::dialogs::{self, Action};
use super::{path_of, subject_of, view, work, Busy, Card, CounterPage, InFlight, Job, Msg, Shown, Work};

impl CounterPage {
    /// File work before the card work: the outbox made, the counter's CAs read, the backup
    /// folder made (and an existing backup file refused).
    pub(super) fn prepare(&mut self, card: Option<&Card>) -> Action<Msg> {
        self.busy = Some(Busy::Preparing);
        self.shown = None;
        self.receipt = None;
        self.in_flight = Some(self.flight(Work::Enroll, card));
        let (job, outbox, backup) = (self.job, path_of(&self.outbox), path_of(&self.backup));
        Action::Task(Task::perform(
            async move {
                match job {
                    Job::Enroll => work::make_dir_blocking(&outbox).map(|()| Vec::new()),
                    Job::Collect => ecert::ops::counter::counter_anchors().map_err(|e| e.to_string()),
                    Job::Remove => work::backup_free_blocking(&backup).map(|()| Vec::new()),
                }
            },
            Msg::Prepared,
        ))
    }

    fn flight(&self, work: Work, card: Option<&Card>) -> InFlight {
        InFlight {
            work,
            token: card.and_then(|c| c.reference.clone()),
            card: card.and_then(|c| c.ids.first().cloned()).unwrap_or_default(),
            operator: self.operator.clone().unwrap_or_default(),
            intent: None,
            anchors: Vec::new(),
        }
    }

    /// Writes the intent record (off the UI thread); the card work goes when it is written.
    pub(super) fn intend(&mut self, work: Work, card: Option<&Card>, anchors: Vec<Vec<u8>>) -> Action<Msg> {
        let Some(counter) = self.counter.clone() else { return Action::None };
        let fresh = self.flight(work, card);
        let flight = self.in_flight.get_or_insert(fresh);
        flight.work = work;
        flight.anchors = anchors;
        self.busy = Some(Busy::Intending);
        self.shown = None;
        let (operator, card) = (flight.operator.clone(), flight.card.clone());
        Action::Task(Task::perform(
            async move { work::intend_blocking(&counter, &operator, work.audit_action(), &card) },
            Msg::Intended,
        ))
    }

    /// Sends the card work (its intent is recorded); the PIN leaves the page with it.
    pub(super) fn send(&mut self, work: Work, card: Option<&Card>) -> Action<Msg> {
        let Some(counter) = &self.counter else { return Action::None };
        let anchors = self.in_flight.as_mut().map(|f| std::mem::take(&mut f.anchors)).unwrap_or_default();
        let action = match work {
            Work::Enroll => WorkflowAction::StartEnroll {
                location: self.slot.clone(),
                replaces: None,
                subject: subject_of(&self.subject),
                alg: self.algorithm,
                outbox: path_of(&self.outbox),
            },
            Work::Collect => WorkflowAction::Collect {
                inbox: path_of(&self.inbox),
                anchors,
                time: super::super::certs::now(),
            },
            Work::Remove => {
                WorkflowAction::StartRemove { location: self.slot.clone(), backup: path_of(&self.backup) }
            }
            Work::Resume => WorkflowAction::Resume,
            Work::RollBack => WorkflowAction::RollBack,
        };
        // A typed key that is not one (checked before the intent, so this is a last guard):
        // said inline, nothing sent, and the intent's outcome recorded as not sent.
        let Some(auth) = self.mgmt.auth(&self.pin) else {
            self.busy = Some(Busy::Card);
            return self.finished(Err(TokenError::NotFound { reference: String::new() }));
        };
        let fresh = self.flight(work, card);
        self.in_flight.get_or_insert(fresh).work = work;
        self.busy = Some(Busy::Card);
        self.shown = None;
        self.pin = Zeroizing::default();
        Action::Send(Operation::Workflow { action, journal_dir: counter.journal_dir(), auth })
    }

    /// The card answered: the outcome is shown, and the action recorded in the audit log
    /// (with the receipt after a collect) off the UI thread.
    pub fn finished(&mut self, result: Result<Outcome, TokenError>) -> Action<Msg> {
        let (Some(flight), Some(counter)) = (self.in_flight.clone(), self.counter.clone()) else {
            return Action::None;
        };
        if self.busy != Some(Busy::Card) {
            return Action::None;
        }
        // The journaled job waits; the operator resumes it with the key typed.
        self.mgmt.finished(&result);
        let journal: Result<Journal, String> = match result {
            Ok(Outcome::Journal(j)) => {
                self.shown = Some(Shown::Done(view::done_text(flight.work, &j, &self.backup)));
                Ok(*j)
            }
            Err(e) => {
                let (m, r) = dialogs::failure(&e);
                self.shown = Some(Shown::Failed(m, r));
                Err(ecert::ops::counter::error_id(&e))
            }
            Ok(_) => {
                let other = i18n::text_args("err-other", &[("detail", String::new())]);
                self.shown = Some(Shown::Failed(other, String::new()));
                Err("err-other".to_owned())
            }
        };
        self.busy = Some(Busy::Recording);
        let receipts = path_of(&self.inbox);
        Action::Task(Task::perform(
            async move { work::record_blocking(&counter, &flight_record(&flight), journal.as_ref(), &receipts) },
            Msg::Recorded,
        ))
    }
}

fn flight_record(f: &InFlight) -> work::Record {
    work::Record {
        work: f.work,
        operator: f.operator.clone(),
        card: f.card.clone(),
        intent: f.intent.clone(),
    }
}
