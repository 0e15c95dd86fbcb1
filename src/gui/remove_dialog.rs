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

use super::dialogs::MgmtKeyField;
use super::{Secret, TextSize};

#[derive(Debug, Clone)]
pub enum RemoveMsg {
    Understood(bool),
    /// The card management key typed after the card refused the factory one.
    MgmtKey(Secret),
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
    /// Asked for once the card refuses the factory management key; the journaled removal
    /// then waits, and the next press resumes it with the typed key.
    pub mgmt: MgmtKeyField,
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
        Self {
            location,
            owner,
            backup,
            understood: false,
            armed: false,
            busy: false,
            outcome: None,
            mgmt: MgmtKeyField::default(),
        }
    }

    pub fn update(&mut self, msg: RemoveMsg) -> Action {
        match msg {
            RemoveMsg::Understood(v) => {
                self.understood = v;
                self.armed = self.armed && v;
                Action::None
            }
            RemoveMsg::MgmtKey(s) => {
                self.mgmt.set(s.0);
                Action::None
            }
            RemoveMsg::Close if !self.busy => Action::Close,
            RemoveMsg::Press if self.can_press() => {
                if !self.armed {
                    self.armed = true;
                    return Action::None;
                }
                let Some(journal_dir) = ecert::ops::journal::default_dir() else {
                    self.outcome = Some(Outcome::Failed(i18n::text("err-other"), String::new()));
                    return Action::None;
                };
                // Only the management key: removing needs no PIN. A typed key that is not
                // one is said inline and nothing is sent.
                let Some(Auth { management_key, .. }) = self.mgmt.auth("") else { return Action::None };
                self.busy = true;
                // The backup is written and the job journaled before the card refused the
                // key: starting again would be refused while that job is pending.
                let action = if self.mgmt.asked() {
                    WorkflowAction::Resume
                } else {
                    WorkflowAction::StartRemove {
                        location: self.location.clone(),
                        backup: self.backup.clone(),
                    }
                };
                Action::Send(Operation::Workflow {
                    action,
                    journal_dir,
                    auth: Auth { management_key, ..Auth::default() },
                })
            }
            _ => Action::None,
        }
    }

    fn can_press(&self) -> bool {
        self.understood && !self.busy && self.outcome.is_none() && self.mgmt.ready()
    }

    pub fn finished(&mut self, result: Result<(), ecert::token::TokenError>) {
        self.busy = false;
        if self.mgmt.finished(&result) {
            // The user confirmed already: the next press, with the key, goes on.
            self.outcome = None;
            return;
        }
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
                &[("owner", self.owner.clone()), ("key", super::certs::key_purpose(&self.location))]
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
        if let Some(f) = self.mgmt.view(|s| RemoveMsg::MgmtKey(Secret(s)), RemoveMsg::Press, size) {
            col = col.push(f);
        }
        let press = button(text(label).size(size.body()))
            .style(button::danger)
            .padding(10)
            .on_press_maybe(self.can_press().then_some(RemoveMsg::Press));
        let close = button(text(i18n::text("btn-close")).size(size.body()))
            .style(button::secondary)
            .padding(10)
            .on_press_maybe((!self.busy).then_some(RemoveMsg::Close));
        col = col.push(row![press, close].spacing(10));
        container(col).padding(20).width(Length::Fill).style(container::bordered_box).into()
    }
}
