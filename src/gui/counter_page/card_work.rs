//! The counter page's card work: file preparation, the workflow request to the service,
//! and the answer — shown, then recorded in the audit log off the UI thread.

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
    /// File work before the card work: the outbox made, the trust anchors read, the backup
    /// folder made (and an existing backup file refused).
    pub(super) fn prepare(&mut self, card: Option<&Card>) -> Action<Msg> {
        self.busy = Some(Busy::Preparing);
        self.shown = None;
        self.receipt = None;
        self.in_flight = Some(InFlight {
            work: Work::Enroll,
            token: card.and_then(|c| c.reference.clone()),
            card: card.and_then(|c| c.ids.first().cloned()).unwrap_or_default(),
            operator: self.operator.clone().unwrap_or_default(),
        });
        let (job, outbox, backup) = (self.job, path_of(&self.outbox), path_of(&self.backup));
        Action::Task(Task::perform(
            async move {
                match job {
                    Job::Enroll => work::make_dir_blocking(&outbox).map(|()| Vec::new()),
                    Job::Collect => Ok(ecert::ops::counter::default_anchors()),
                    Job::Remove => work::backup_free_blocking(&backup).map(|()| Vec::new()),
                }
            },
            Msg::Prepared,
        ))
    }

    /// Sends the card work; the PIN leaves the page with it.
    pub(super) fn send(&mut self, work: Work, card: Option<&Card>, anchors: Vec<Vec<u8>>) -> Action<Msg> {
        let Some(counter) = &self.counter else { return Action::None };
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
        // A typed key that is not one: said inline, nothing sent.
        let Some(auth) = self.mgmt.auth(&self.pin) else {
            self.busy = None;
            self.in_flight = None;
            return Action::None;
        };
        let flight = self.in_flight.get_or_insert_with(|| InFlight {
            work,
            token: card.and_then(|c| c.reference.clone()),
            card: card.and_then(|c| c.ids.first().cloned()).unwrap_or_default(),
            operator: self.operator.clone().unwrap_or_default(),
        });
        flight.work = work;
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
        let journal: Option<Journal> = match result {
            Ok(Outcome::Journal(j)) => {
                self.shown = Some(Shown::Done(view::done_text(flight.work, &j, &self.backup)));
                Some(*j)
            }
            Err(e) => {
                let (m, r) = dialogs::failure(&e);
                self.shown = Some(Shown::Failed(m, r));
                None
            }
            Ok(_) => {
                let other = i18n::text_args("err-other", &[("detail", String::new())]);
                self.shown = Some(Shown::Failed(other, String::new()));
                None
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
    work::Record { work: f.work, operator: f.operator.clone(), card: f.card.clone() }
}
