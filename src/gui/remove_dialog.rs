//! Removing an e-Cert from a card or token: the dialog says where the backup goes (the
//! journaled remove workflow writes it before anything is deleted), asks the user to tick
//! that they understand, and then to press twice ("Remove…", "Yes, remove it"). One request
//! at a time; the card work runs in the service, never in `update`.

use ecert::i18n;
use ecert::ops::workflow::Action as WorkflowAction;
use ecert::service::Operation;
use ecert::token::Auth;
use iced::widget::{button, checkbox, column, container, row, text};
use iced::{Element, Length};

use super::TextSize;

#[derive(Debug, Clone, Copy)]
pub enum RemoveMsg {
    Understood(bool),
    Press,
    Close,
}

pub enum Action {
    None,
    Close,
    Send(Operation),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Removed,
    Failed(String, String),
}

pub struct RemoveDialog {
    pub location: String,
    pub owner: String,
    pub backup: std::path::PathBuf,
    pub understood: bool,
    /// The first press happened; the next one removes.
    pub armed: bool,
    pub busy: bool,
    pub outcome: Option<Outcome>,
}

/// Where backups go: the user's Documents folder (home if none), never overwriting.
pub fn backup_path(owner: &str, location: &str) -> std::path::PathBuf {
    let dir = directories::UserDirs::new()
        .and_then(|u| {
            u.document_dir().map(std::path::Path::to_path_buf).or_else(|| Some(u.home_dir().to_path_buf()))
        })
        .unwrap_or_else(std::env::temp_dir);
    let stem = format!("{}-{location}-backup", owner.replace(['/', '\\', ':', ' '], "_"));
    let mut path = dir.join(format!("{stem}.der"));
    let mut n = 1;
    while path.exists() {
        n += 1;
        path = dir.join(format!("{stem}-{n}.der"));
    }
    path
}

impl RemoveDialog {
    pub fn new(location: String, owner: String) -> Self {
        let backup = backup_path(&owner, &location);
        Self { location, owner, backup, understood: false, armed: false, busy: false, outcome: None }
    }

    pub fn update(&mut self, msg: RemoveMsg) -> Action {
        match msg {
            RemoveMsg::Understood(v) => {
                self.understood = v;
                self.armed = self.armed && v;
                Action::None
            }
            RemoveMsg::Close if !self.busy => Action::Close,
            RemoveMsg::Press if self.understood && !self.busy && self.outcome.is_none() => {
                if !self.armed {
                    self.armed = true;
                    return Action::None;
                }
                self.busy = true;
                let Some(journal_dir) = ecert::ops::journal::default_dir() else {
                    self.busy = false;
                    self.outcome = Some(Outcome::Failed(i18n::text("err-other"), String::new()));
                    return Action::None;
                };
                Action::Send(Operation::Workflow {
                    action: WorkflowAction::StartRemove {
                        location: self.location.clone(),
                        backup: self.backup.clone(),
                    },
                    journal_dir,
                    auth: Auth {
                        management_key: Some(ecert::secret::ManagementKey::factory_default()),
                        ..Auth::default()
                    },
                })
            }
            _ => Action::None,
        }
    }

    pub fn finished(&mut self, result: Result<(), ecert::token::TokenError>) {
        self.busy = false;
        self.outcome = Some(match result {
            Ok(()) => Outcome::Removed,
            Err(e) => {
                let t = i18n::error_text(&e);
                Outcome::Failed(t.message, t.remedy)
            }
        });
    }

    pub fn view(&self, size: TextSize) -> Element<'_, RemoveMsg> {
        let backup = self.backup.display().to_string();
        let mut col = column![
            text(i18n::text("title-remove")).size(size.title()),
            text(i18n::text_args(
                "remove-what",
                &[("owner", self.owner.clone()), ("slot", self.location.clone())]
            ))
            .size(size.body()),
            text(i18n::text_args("remove-backup", &[("path", backup.clone())])).size(size.body()),
            checkbox(self.understood)
                .label(i18n::text("remove-understood"))
                .on_toggle_maybe((!self.busy && self.outcome.is_none()).then_some(RemoveMsg::Understood))
                .size(size.body())
                .text_size(size.body()),
        ]
        .spacing(14)
        .max_width(620);
        match &self.outcome {
            Some(Outcome::Removed) => {
                col = col
                    .push(text(i18n::text_args("status-removed", &[("path", backup)])).size(size.heading()));
            }
            Some(Outcome::Failed(m, r)) => {
                col = col.push(text(m.clone()).size(size.heading())).push(text(r.clone()).size(size.body()));
            }
            None => {}
        }
        let label = if self.busy {
            i18n::text("status-working")
        } else if self.armed {
            i18n::text("btn-remove-confirm")
        } else {
            i18n::text("btn-remove-start")
        };
        let press = button(text(label).size(size.body())).style(button::danger).padding(10).on_press_maybe(
            (self.understood && !self.busy && self.outcome.is_none()).then_some(RemoveMsg::Press),
        );
        let close = button(text(i18n::text("btn-close")).size(size.body()))
            .style(button::secondary)
            .padding(10)
            .on_press_maybe((!self.busy).then_some(RemoveMsg::Close));
        col = col.push(row![press, close].spacing(10));
        container(col).padding(20).width(Length::Fill).style(container::bordered_box).into()
    }
}
