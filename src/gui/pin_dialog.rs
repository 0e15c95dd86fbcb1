//! The PIN dialog (change PIN, or unblock with the PUK): shows the tries left before any
//! entry, warns plainly before the last try, sends exactly one attempt per press, and cannot
//! be started twice while the card works. Typed secrets live in zeroizing strings and are
//! wiped as soon as they are sent.

use ecert::i18n;
use ecert::piv::PinRef;
use ecert::secret::Pin;
use ecert::service::Operation;
use ecert::token::{PinFacts, TokenError};
use iced::widget::{button, column, container, row, text, text_input};
use iced::{Element, Length};
use zeroize::Zeroizing;

use super::TextSize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Change,
    Unblock,
}

/// Messages of the dialog. `Debug` never shows what was typed.
#[derive(Clone)]
pub enum PinMsg {
    /// The first field changed (current PIN, or PUK when unblocking).
    First(String),
    /// The new PIN changed.
    New(String),
    /// The repeated new PIN changed.
    Repeat(String),
    /// The user pressed the action button.
    Submit,
    /// The user closed the dialog.
    Close,
}

impl std::fmt::Debug for PinMsg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::First(_) => "First(***)",
            Self::New(_) => "New(***)",
            Self::Repeat(_) => "Repeat(***)",
            Self::Submit => "Submit",
            Self::Close => "Close",
        })
    }
}

/// What the app must do after an update.
pub enum Action {
    None,
    Send(Operation),
    Close,
}

pub enum Outcome {
    Done,
    Failed(String, String),
    Mismatch,
}

pub struct PinDialog {
    pub kind: Kind,
    pub facts: Option<PinFacts>,
    first: Zeroizing<String>,
    new: Zeroizing<String>,
    repeat: Zeroizing<String>,
    pub busy: bool,
    pub outcome: Option<Outcome>,
}

impl PinDialog {
    pub fn new(kind: Kind, facts: Option<PinFacts>) -> Self {
        Self {
            kind,
            facts,
            first: Zeroizing::new(String::new()),
            new: Zeroizing::new(String::new()),
            repeat: Zeroizing::new(String::new()),
            busy: false,
            outcome: None,
        }
    }

    pub fn update(&mut self, msg: PinMsg) -> Action {
        match msg {
            PinMsg::First(s) => self.first = Zeroizing::new(s),
            PinMsg::New(s) => self.new = Zeroizing::new(s),
            PinMsg::Repeat(s) => self.repeat = Zeroizing::new(s),
            PinMsg::Close => return Action::Close,
            PinMsg::Submit => return self.submit(),
        }
        Action::None
    }

    fn submit(&mut self) -> Action {
        if self.busy || self.first.is_empty() || self.new.is_empty() {
            return Action::None;
        }
        if *self.new != *self.repeat {
            self.outcome = Some(Outcome::Mismatch);
            return Action::None;
        }
        self.busy = true;
        self.outcome = None;
        let first = Pin::new(std::mem::take(&mut *self.first));
        let new = Pin::new(std::mem::take(&mut *self.new));
        self.repeat = Zeroizing::new(String::new());
        Action::Send(match self.kind {
            Kind::Change => Operation::ChangePin { which: PinRef::Pin, old: first, new },
            Kind::Unblock => Operation::UnblockPin { puk: first, new_pin: new },
        })
    }

    /// The card answered.
    pub fn finished(&mut self, result: Result<(), TokenError>, facts: Option<PinFacts>) {
        self.busy = false;
        if facts.is_some() {
            self.facts = facts;
        }
        self.outcome = Some(match result {
            Ok(()) => Outcome::Done,
            Err(e) => {
                let t = i18n::error_text(&e);
                Outcome::Failed(t.message, t.remedy)
            }
        });
    }

    /// The line shown before any entry.
    pub fn tries_line(&self) -> Option<String> {
        let f = self.facts?;
        Some(if f.locked {
            i18n::text("label-pin-blocked")
        } else if f.final_try || f.tries_left == Some(1) {
            i18n::text("label-pin-final")
        } else if let Some(n) = f.tries_left {
            i18n::text_num("label-pin-tries", &[("tries", i64::from(n))])
        } else {
            return None;
        })
    }

    pub fn view(&self, size: TextSize) -> Element<'_, PinMsg> {
        let (title, first_label) = match self.kind {
            Kind::Change => (i18n::text("title-change-pin"), i18n::text("label-current-pin")),
            Kind::Unblock => (i18n::text("title-unblock-pin"), i18n::text("label-puk")),
        };
        let field = |label: String, value: &str, on: fn(String) -> PinMsg| {
            column![
                text(label).size(size.body()),
                text_input("", value)
                    .secure(true)
                    .on_input(on)
                    .on_submit(PinMsg::Submit)
                    .size(size.body())
                    .padding(8),
            ]
            .spacing(4)
        };
        let mut col = column![text(title).size(size.title())].spacing(14).max_width(520);
        if let Some(line) = self.tries_line() {
            col = col.push(text(line).size(size.heading()));
        }
        col = col
            .push(field(first_label, &self.first, PinMsg::First))
            .push(field(i18n::text("label-new-pin"), &self.new, PinMsg::New))
            .push(field(i18n::text("label-repeat-pin"), &self.repeat, PinMsg::Repeat));
        match &self.outcome {
            Some(Outcome::Done) => {
                col = col.push(text(i18n::text("status-pin-changed")).size(size.heading()));
            }
            Some(Outcome::Mismatch) => {
                col = col.push(text(i18n::text("err-pin-mismatch")).size(size.body()));
            }
            Some(Outcome::Failed(m, r)) => {
                col = col.push(text(m.clone()).size(size.heading())).push(text(r.clone()).size(size.body()));
            }
            None => {}
        }
        let action = button(
            text(if self.busy { i18n::text("status-working") } else { i18n::text("btn-apply") })
                .size(size.body()),
        )
        .style(button::primary)
        .padding(10)
        .on_press_maybe((!self.busy).then_some(PinMsg::Submit));
        let close = button(text(i18n::text("btn-close")).size(size.body()))
            .style(button::secondary)
            .padding(10)
            .on_press_maybe((!self.busy).then_some(PinMsg::Close));
        col = col.push(row![action, close].spacing(10));
        container(col).padding(20).width(Length::Fill).style(container::bordered_box).into()
    }
}
