//! A job this card's journal says was not finished: the card was pulled, or the app closed,
//! during a renewal, a removal or a counter enrollment. DESIGN.md ("Never lose a certificate
//! or key"): an interrupted workflow is found on next insert and is resumed or rolled back.
//!
//! The journal is read in a task whenever the selected card's certificates are listed (never
//! in `update`); the certificate list then says what is unfinished, and this dialog continues
//! the job (`Resume`) or undoes it (`RollBack`, the card as it was before), one request per
//! press. A renewal that only waits for the renewed e-Cert goes to the renewal dialog instead.

use std::path::{Path, PathBuf};

use ecert::i18n;
use ecert::ops::card_proof::CardNow;
use ecert::ops::journal::{Journal, Kind, Status, Store};
use ecert::ops::workflow::Action as WorkflowAction;
use ecert::service::{Operation, Outcome};
use ecert::token::{PinFacts, TokenError, TokenRef};
use iced::widget::{button, column, row, text, Column};
use iced::{Element, Task};
use zeroize::Zeroizing;

use super::dialogs::{self, Action, MgmtKeyField};
use super::{App, Message, Screen, Secret, TextSize};

/// What the list says about an unfinished job (no certificate, no key, nothing secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: String,
    pub kind: Kind,
    pub status: Status,
    pub location: String,
    pub replaces: Option<String>,
}

impl Job {
    fn of(j: &Journal) -> Self {
        Self {
            id: j.id.clone(),
            kind: j.kind,
            status: j.status,
            location: j.location.clone(),
            replaces: j.replaces.clone(),
        }
    }

    /// A renewal whose request is out: step 2 of the renewal dialog takes it on.
    pub fn awaits_renewed_ecert(&self) -> Option<&str> {
        self.replaces.as_deref().filter(|_| self.status == Status::AwaitingCertificate)
    }

    /// The sentence the certificate list and the dialog show.
    pub fn text(&self) -> String {
        let slot = |s: &str| [("slot", s.to_owned())];
        match (self.kind, self.status, self.replaces.as_deref()) {
            (Kind::Remove, _, _) => i18n::text_args("unfinished-remove", &slot(&self.location)),
            (Kind::Install, _, _) => i18n::text_args("unfinished-install", &slot(&self.location)),
            (Kind::Enroll, Status::AwaitingCertificate, Some(old)) => {
                i18n::text_args("unfinished-renew-waiting", &slot(old))
            }
            (Kind::Enroll, _, Some(old)) => i18n::text_args("unfinished-renew", &slot(old)),
            (Kind::Enroll, Status::AwaitingCertificate, None) => {
                i18n::text_args("unfinished-enroll-waiting", &slot(&self.location))
            }
            (Kind::Enroll, _, None) => i18n::text_args("unfinished-enroll", &slot(&self.location)),
        }
    }
}

/// This card's unfinished job in `journal`: one proven to be this card's by its listing
/// ([`CardNow`]; a job of another card in the same reader is not shown). A journal that
/// cannot be read is no job.
pub fn find_blocking(journal: &Path, card: &CardNow) -> Option<Job> {
    Store::new(journal).pending(card).ok().flatten().map(|j| Job::of(&j))
}

/// The list's messages about unfinished jobs, and the dialog's.
#[derive(Debug, Clone)]
pub enum Msg {
    /// The journal was read for this token.
    Found(TokenRef, Option<Job>),
    /// "Continue or undo…" on the certificate list.
    Open,
    Pin(Secret),
    MgmtKey(Secret),
    Resume,
    RollBack,
    Close,
}

pub struct UnfinishedDialog {
    pub job: Job,
    pub facts: Option<PinFacts>,
    pin: Zeroizing<String>,
    pub mgmt: MgmtKeyField,
    journal: Option<PathBuf>,
    pub busy: bool,
    /// What happened, once the card answered.
    pub done: Option<String>,
    pub error: Option<(String, String)>,
}

impl UnfinishedDialog {
    pub fn new(job: Job, facts: Option<PinFacts>, journal: Option<PathBuf>) -> Self {
        Self {
            job,
            facts,
            pin: Zeroizing::default(),
            mgmt: MgmtKeyField::default(),
            journal,
            busy: false,
            done: None,
            error: None,
        }
    }

    /// A removal needs only the management key; an enrollment may need the PIN (to sign
    /// its request again or check its key).
    fn needs_pin(&self) -> bool {
        self.job.kind == Kind::Enroll
    }

    fn can_press(&self) -> bool {
        !self.busy && self.done.is_none() && self.mgmt.ready() && (!self.needs_pin() || !self.pin.is_empty())
    }

    pub fn update(&mut self, msg: Msg) -> Action<Msg> {
        match msg {
            Msg::Pin(s) if !self.busy => self.pin = Zeroizing::new(s.0),
            Msg::MgmtKey(s) if !self.busy => self.mgmt.set(s.0),
            Msg::Close if !self.busy => return Action::Close,
            Msg::Resume if self.can_press() && self.job.status == Status::Running => {
                return self.send(WorkflowAction::Resume);
            }
            Msg::RollBack if self.can_press() => return self.send(WorkflowAction::RollBack),
            _ => {}
        }
        Action::None
    }

    fn send(&mut self, action: WorkflowAction) -> Action<Msg> {
        let Some(journal_dir) = self.journal.clone() else {
            self.error = Some((i18n::text("err-other"), String::new()));
            return Action::None;
        };
        // A typed key that is not a key is said inline; nothing is sent.
        let Some(auth) = self.mgmt.auth(&self.pin) else { return Action::None };
        self.pin = Zeroizing::default();
        self.busy = true;
        self.error = None;
        Action::Send(Operation::Workflow { action, journal_dir, auth })
    }

    pub fn finished(&mut self, result: Result<Outcome, TokenError>) {
        self.busy = false;
        if self.mgmt.finished(&result) {
            return;
        }
        match result {
            Ok(Outcome::Journal(j)) if j.status == Status::RolledBack => {
                self.done = Some(i18n::text("unfinished-undone"));
            }
            Ok(Outcome::Journal(j)) if j.status == Status::AwaitingCertificate => {
                self.done = Some(i18n::text("unfinished-continued-waiting"));
            }
            Ok(_) => self.done = Some(i18n::text("unfinished-done")),
            Err(e) => self.error = Some(dialogs::failure(&e)),
        }
    }

    pub fn view(&self, size: TextSize) -> Element<'_, Msg> {
        let mut col: Column<'_, Msg> = column![
            text(i18n::text("title-unfinished")).size(size.title()),
            text(self.job.text()).size(size.heading()),
            text(i18n::text("unfinished-safe")).size(size.body()),
        ];
        if self.done.is_none() {
            if self.needs_pin() {
                col = dialogs::with_tries(col, self.facts, size);
                col = col.push(dialogs::pin_field(&self.pin, |s| Msg::Pin(Secret(s)), Msg::Resume, size));
            }
            if let Some(f) = self.mgmt.view(|s| Msg::MgmtKey(Secret(s)), Msg::Resume, size) {
                col = col.push(f);
            }
        }
        if let Some(done) = &self.done {
            col = col.push(text(done.clone()).size(size.heading()));
        }
        if let Some((message, remedy)) = &self.error {
            col = col
                .push(text(message.clone()).size(size.heading()))
                .push(text(remedy.clone()).size(size.body()));
        }
        let press = |label: &str, msg: Msg, style: fn(&iced::Theme, button::Status) -> button::Style| {
            button(text(i18n::text(label)).size(size.body())).style(style).padding(10).on_press_maybe(
                (self.can_press() && (self.job.status == Status::Running || !matches!(msg, Msg::Resume)))
                    .then_some(msg),
            )
        };
        let mut buttons = row![].spacing(10);
        if self.busy {
            buttons = buttons.push(button(text(i18n::text("status-working")).size(size.body())).padding(10));
        } else if self.done.is_none() {
            if self.job.status == Status::Running {
                buttons = buttons.push(press("btn-unfinished-continue", Msg::Resume, button::primary));
            }
            buttons = buttons.push(press("btn-unfinished-undo", Msg::RollBack, button::danger));
        }
        buttons = buttons.push(
            button(text(i18n::text("btn-close")).size(size.body()))
                .style(button::secondary)
                .padding(10)
                .on_press_maybe((!self.busy).then_some(Msg::Close)),
        );
        dialogs::frame(col.push(buttons))
    }
}

impl App {
    /// The selected card as its listing shows it: identifiers and the certificates listed.
    pub(super) fn card_now(&self) -> Option<CardNow> {
        let info = self.selected_token()?;
        let certs = match &self.certs {
            Some(super::Certs::Loaded(list)) => list.as_slice(),
            _ => &[],
        };
        Some(CardNow::from_listing(info, certs))
    }

    /// Reads the journal for the selected card after its certificates were listed.
    pub(super) fn look_for_unfinished(&self, token: TokenRef) -> Task<Message> {
        let Some(journal) = self.journal.clone() else { return Task::none() };
        if self.selected_token().is_none_or(|t| t.reference != token) {
            return Task::none();
        }
        let Some(cards) = self.card_now() else { return Task::none() };
        Task::perform(async move { find_blocking(&journal, &cards) }, move |job| {
            Message::Unfinished(Msg::Found(token.clone(), job))
        })
    }

    pub(super) fn on_unfinished(&mut self, msg: Msg) -> Task<Message> {
        match msg {
            Msg::Found(token, job) => {
                if self.selected.as_ref() == Some(&token) {
                    self.unfinished = job.map(|j| (token, j));
                }
                Task::none()
            }
            Msg::Open => {
                let Some((_, job)) = self.unfinished.clone() else { return Task::none() };
                let facts = self.selected_token().and_then(|t| t.pin);
                self.screen = Screen::Unfinished(UnfinishedDialog::new(job, facts, self.journal.clone()));
                Task::none()
            }
            msg => {
                let Screen::Unfinished(dialog) = &mut self.screen else { return Task::none() };
                let action = dialog.update(msg);
                self.act(action, Message::Unfinished)
            }
        }
    }

    /// The banner on the certificate list: what is unfinished on this card, and the way on.
    pub(super) fn unfinished_banner(&self) -> Option<Element<'_, Message>> {
        let (token, job) = self.unfinished.as_ref()?;
        if self.selected.as_ref() != Some(token) {
            return None;
        }
        let size = self.text_size;
        // A renewal waiting for its e-Cert continues in the renewal dialog (step 2).
        // (Should its old e-Cert be gone, the dialog can still undo it.)
        let renewal =
            job.awaits_renewed_ecert().and_then(|old| self.loaded().iter().position(|c| c.location == old));
        let (label, msg) = match renewal {
            Some(i) => ("btn-renew-load", Message::OpenRenew(i)),
            None => ("btn-unfinished-open", Message::Unfinished(Msg::Open)),
        };
        let content = column![
            text(job.text()).size(size.heading()),
            button(text(i18n::text(label)).size(size.body()))
                .style(button::primary)
                .padding(10)
                .on_press(msg),
        ]
        .spacing(8);
        Some(
            iced::widget::container(content)
                .padding(12)
                .width(iced::Length::Fill)
                .style(super::style::banner)
                .into(),
        )
    }
}
