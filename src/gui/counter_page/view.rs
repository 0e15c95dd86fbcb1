//! The counter page's layout: operator, the card and its unfinished job, the three jobs,
//! PIN with tries left, the outcome and receipt, and this session's audit records.

use ecert::i18n;
use ecert::ops::journal::{Journal, Kind, Status};
use iced::widget::{button, column, container, row, scrollable, text, Column};
use iced::{Element, Length};

use super::super::dialogs;
use super::super::keygen_dialog::ALGORITHMS;
use super::super::{Secret, TextSize};
use super::{Busy, Card, CounterPage, Job, Msg, Shown, Work};

/// How many of this session's audit records the page shows.
const LOG_LINES: usize = 6;

/// What a finished card action did, in words.
pub fn done_text(work: Work, j: &Journal, backup: &str) -> String {
    let job = ("job", j.id.clone());
    match work {
        Work::Enroll => i18n::text_args(
            "counter-enrolled",
            &[job, ("path", j.request.as_ref().map(|p| p.display().to_string()).unwrap_or_default())],
        ),
        Work::Collect => i18n::text_args("counter-collected", &[job]),
        Work::Remove => i18n::text_args(
            "counter-removed",
            &[("slot", j.location.clone()), ("path", backup.trim().to_owned())],
        ),
        Work::Resume | Work::RollBack => {
            let id = match j.status {
                Status::Done => "counter-job-done",
                Status::RolledBack => "counter-job-rolled-back",
                Status::AwaitingCertificate => "counter-job-waiting",
                Status::Running => "counter-job-running",
            };
            i18n::text_args(id, &[job])
        }
    }
}

fn pending_text(p: &super::PendingJob) -> String {
    let kind = i18n::text(if p.kind == Kind::Enroll { "counter-kind-enroll" } else { "counter-kind-remove" });
    let status = i18n::text(if p.status == Status::AwaitingCertificate {
        "counter-status-awaiting"
    } else {
        "counter-status-running"
    });
    i18n::text_args(
        "counter-pending",
        &[("job", p.id.clone()), ("kind", kind), ("slot", p.location.clone()), ("status", status)],
    )
}

fn big_button<'a>(label: String, press: Option<Msg>, danger: bool, size: TextSize) -> Element<'a, Msg> {
    button(text(label).size(size.body()))
        .style(if danger { button::danger } else { button::primary })
        .padding(10)
        .on_press_maybe(press)
        .into()
}

impl CounterPage {
    fn operator_part(&self, size: TextSize) -> Element<'_, Msg> {
        let idle = !self.busy() && self.counter.is_some();
        if let Some(who) = &self.operator {
            return row![
                text(i18n::text_args("counter-signed-in", &[("operator", who.clone())])).size(size.heading()),
                button(text(i18n::text("btn-counter-sign-out")).size(size.body()))
                    .style(button::secondary)
                    .padding(8)
                    .on_press_maybe(idle.then_some(Msg::SignOut)),
            ]
            .spacing(12)
            .align_y(iced::Alignment::Center)
            .wrap()
            .into();
        }
        let can = idle && !self.name.trim().is_empty();
        row![
            dialogs::field(
                i18n::text("counter-label-operator"),
                &self.name,
                false,
                Msg::Name,
                Msg::SignIn,
                size
            )
            .width(Length::Fixed(320.0)),
            button(text(i18n::text("btn-counter-sign-in")).size(size.body()))
                .style(button::primary)
                .padding(8)
                .on_press_maybe(can.then_some(Msg::SignIn)),
        ]
        .spacing(12)
        .align_y(iced::Alignment::End)
        .into()
    }

    fn job_part<'a>(&'a self, card: &Card, size: TextSize) -> Column<'a, Msg> {
        let idle = !self.busy();
        let tabs = [
            (Job::Enroll, "btn-counter-enroll"),
            (Job::Collect, "btn-counter-collect"),
            (Job::Remove, "btn-counter-remove"),
        ]
        .into_iter()
        .map(|(j, id)| (i18n::text(id), Msg::Job(j), j == self.job));
        let mut col = column![dialogs::choices(tabs, idle, size)].spacing(10);
        let locations = |list: &[String]| {
            dialogs::choices(
                list.iter().map(|l| (l.clone(), Msg::Slot(l.clone()), *l == self.slot)),
                idle,
                size,
            )
        };
        match self.job {
            Job::Enroll => {
                col = col.push(text(i18n::text("label-key-location")).size(size.body()));
                if card.free.is_empty() {
                    col = col.push(text(i18n::text("keys-no-free-slot")).size(size.body()));
                }
                col = col
                    .push(locations(&card.free))
                    .push(text(i18n::text("label-key-type")).size(size.body()))
                    .push(dialogs::choices(
                        ALGORITHMS
                            .iter()
                            .map(|(a, l)| ((*l).to_owned(), Msg::Algorithm(*a), *a == self.algorithm)),
                        idle,
                        size,
                    ))
                    .push(dialogs::field(
                        i18n::text("counter-label-subject"),
                        &self.subject,
                        false,
                        Msg::Subject,
                        Msg::Start,
                        size,
                    ))
                    .push(dialogs::field(
                        i18n::text("counter-label-outbox"),
                        &self.outbox,
                        false,
                        Msg::Outbox,
                        Msg::Start,
                        size,
                    ));
            }
            Job::Collect => {
                let hint = match &self.pending {
                    Some(p) if p.awaits_certificate() => {
                        i18n::text_args("counter-collect-expects", &[("file", format!("{}.pem", p.id))])
                    }
                    _ => i18n::text("counter-collect-none"),
                };
                col = col.push(text(hint).size(size.body())).push(dialogs::field(
                    i18n::text("counter-label-inbox"),
                    &self.inbox,
                    false,
                    Msg::Inbox,
                    Msg::Start,
                    size,
                ));
            }
            Job::Remove => {
                col = col.push(text(i18n::text("counter-label-remove-slot")).size(size.body()));
                if card.used.is_empty() {
                    col = col.push(text(i18n::text("counter-no-certs")).size(size.body()));
                }
                col = col.push(locations(&card.used)).push(dialogs::field(
                    i18n::text("counter-label-backup"),
                    &self.backup,
                    false,
                    Msg::Backup,
                    Msg::Start,
                    size,
                ));
                if !self.slot.is_empty() {
                    col = col.push(dialogs::field(
                        i18n::text_args("counter-label-confirm", &[("slot", self.slot.clone())]),
                        &self.confirm,
                        false,
                        Msg::Confirm,
                        Msg::Start,
                        size,
                    ));
                    if !self.confirm.trim().is_empty() && self.confirm.trim() != self.slot {
                        col = col.push(text(i18n::text("counter-confirm-mismatch")).size(size.body()));
                    }
                }
            }
        }
        col
    }

    pub fn view(&self, size: TextSize, card: Option<&Card>) -> Element<'_, Msg> {
        let mut col = column![
            button(text(i18n::text("btn-back")).size(size.body()))
                .style(button::secondary)
                .on_press_maybe((!self.busy()).then_some(Msg::Close)),
            text(i18n::text("title-counter")).size(size.title()),
            self.operator_part(size),
        ]
        .spacing(14)
        .max_width(760);
        if let Some(c) = card.filter(|c| c.reference.is_some()) {
            col = col.push(
                text(i18n::text_args("counter-card", &[("card", c.name.clone())])).size(size.heading()),
            );
        }
        let blocked = self.why_blocked(card);
        if let Some(why) = &blocked {
            col = col.push(text(why.clone()).size(size.body()));
        }
        // The jobs stay in view, disabled, until an operator is signed in and the card's
        // journal has been read.
        let usable = card.filter(|c| c.reference.is_some() && c.why_not.is_none() && self.counter.is_some());
        if let Some(c) = usable {
            if let Some(p) = &self.pending {
                let can = self.can_finish_pending(card);
                col = col.push(text(pending_text(p)).size(size.heading())).push(
                    row![
                        big_button(i18n::text("btn-counter-resume"), can.then_some(Msg::Resume), false, size),
                        big_button(
                            i18n::text("btn-counter-rollback"),
                            can.then_some(Msg::RollBack),
                            true,
                            size
                        ),
                    ]
                    .spacing(10),
                );
            }
            col = col.push(self.job_part(c, size));
            col = dialogs::with_tries(col, c.facts, size);
            col = col.push(dialogs::pin_field(&self.pin, |s| Msg::Pin(Secret(s)), Msg::Start, size));
            if let Some(f) = self.mgmt.view(|s| Msg::MgmtKey(Secret(s)), Msg::Start, size) {
                col = col.push(f);
            }
            let label = match (self.busy, self.job) {
                (Some(Busy::Card), _) => i18n::text("counter-busy-card"),
                (Some(_), _) => i18n::text("status-working"),
                (None, Job::Enroll) => i18n::text("btn-counter-enroll-now"),
                (None, Job::Collect) => i18n::text("btn-counter-collect-now"),
                (None, Job::Remove) => i18n::text("btn-counter-remove-now"),
            };
            let press = self.can_start(card).then_some(Msg::Start);
            col = col.push(big_button(label, press, self.job == Job::Remove, size));
        }
        match &self.shown {
            Some(Shown::Done(t)) => col = col.push(text(t.clone()).size(size.heading())),
            Some(Shown::Failed(m, r)) => {
                col = col.push(text(m.clone()).size(size.heading())).push(text(r.clone()).size(size.body()));
            }
            None => {}
        }
        if let Some((path, receipt)) = &self.receipt {
            col = col
                .push(
                    text(i18n::text_args("counter-receipt-saved", &[("path", path.display().to_string())]))
                        .size(size.body()),
                )
                .push(
                    container(text(receipt.clone()).size(size.small()))
                        .padding(10)
                        .style(container::bordered_box),
                );
        }
        col = col.push(text(i18n::text("title-counter-log")).size(size.heading()));
        if self.log.is_empty() {
            col = col.push(text(i18n::text("counter-no-log")).size(size.small()));
        }
        for l in self.log.iter().rev().take(LOG_LINES).rev() {
            col = col.push(text(l.clone()).size(size.small()));
        }
        scrollable(container(col).padding(iced::Padding::new(4.0).right(20.0)).width(Length::Fill))
            .height(Length::Fill)
            .into()
    }
}
