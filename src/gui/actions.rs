//! The app's reactions that grew beyond a line in `update`: keys (Tab order, Escape), the
//! PIN and remove dialogs' actions (sent to the service, never run here), the demo card
//! becoming ready, and a finished verification.

use iced::Task;

use super::{install_dialog, pin_dialog, remove_dialog, App, Certs, Message, Request, Screen};
use ecert::token::TokenRef;

impl App {
    pub(super) fn open_install(&mut self) {
        let used: Vec<String> = match &self.certs {
            Some(Certs::Loaded(list)) => list.iter().map(|c| c.location.clone()).collect(),
            _ => Vec::new(),
        };
        let can_import = !matches!(self.selected, Some(TokenRef::File { .. }) | None);
        let piv = matches!(self.selected, Some(TokenRef::Reader { .. } | TokenRef::Demo));
        let mut dialog = install_dialog::InstallDialog::new(can_import, &used);
        if piv {
            dialog.piv = true;
            dialog.location = install_dialog::free_piv_slot(&used);
            dialog.can_import = !dialog.location.is_empty();
        }
        self.screen = Screen::Install(dialog);
    }

    pub(super) fn on_install(&mut self, msg: install_dialog::InstallMsg) -> Task<Message> {
        let Screen::Install(dialog) = &mut self.screen else { return Task::none() };
        match dialog.update(msg) {
            install_dialog::Action::None => {}
            install_dialog::Action::Close => self.screen = Screen::Certificates,
            install_dialog::Action::Browse => {
                return self.browse(super::file_picker::PickFor::Install);
            }
            install_dialog::Action::Send(operation) => {
                if let (Some(tx), Some(token)) = (&self.requests, self.selected.clone()) {
                    let _ = tx.send(Request::Run { token, operation });
                }
            }
        }
        Task::none()
    }

    /// Tab order and Escape, for every screen.
    pub(super) fn on_key(&mut self, event: &iced::keyboard::Event) -> Task<Message> {
        use iced::keyboard::key::Named;
        use iced::keyboard::{Event as KeyEvent, Key};
        let KeyEvent::KeyPressed { key, modifiers, .. } = event else { return Task::none() };
        match key {
            Key::Named(Named::Tab) if modifiers.shift() => iced::widget::operation::focus_previous(),
            Key::Named(Named::Tab) => iced::widget::operation::focus_next(),
            Key::Named(Named::Escape) if self.picker.is_some() => {
                self.picker = None;
                Task::none()
            }
            Key::Named(Named::Escape) => {
                match &self.screen {
                    Screen::Pin(_) => self.on_pin(pin_dialog::PinMsg::Close),
                    Screen::Remove(_) => self.on_remove(remove_dialog::RemoveMsg::Close),
                    Screen::Unfinished(d) if d.busy => {}
                    _ if self.guided_busy() || self.counter_busy() => {}
                    Screen::Certificates => {}
                    _ => self.screen = Screen::Certificates,
                }
                Task::none()
            }
            _ => Task::none(),
        }
    }

    pub(super) fn on_pin(&mut self, msg: pin_dialog::PinMsg) {
        let Screen::Pin(dialog) = &mut self.screen else { return };
        match dialog.update(msg) {
            pin_dialog::Action::None => {}
            pin_dialog::Action::Close => self.screen = Screen::Certificates,
            pin_dialog::Action::Send(operation) => {
                if let (Some(tx), Some(token)) = (&self.requests, self.selected.clone()) {
                    let _ = tx.send(Request::Run { token, operation });
                }
            }
        }
    }

    pub(super) fn on_verified(&mut self, i: usize, result: Result<Box<ecert::verify::Report>, String>) {
        self.verifying = None;
        match result {
            Ok(report) => self.verification = Some((i, report)),
            Err(e) => self.status = Some(e),
        }
    }

    pub(super) fn open_remove(&mut self, i: usize) {
        let Some(Certs::Loaded(list)) = &self.certs else { return };
        let Some(c) = list.get(i) else { return };
        let owner =
            c.summary.as_ref().and_then(|s| s.subject_cn.clone()).unwrap_or_else(|| c.location.clone());
        self.screen = Screen::Remove(remove_dialog::RemoveDialog::new(c.location.clone(), owner));
    }

    pub(super) fn on_remove(&mut self, msg: remove_dialog::RemoveMsg) {
        let Screen::Remove(dialog) = &mut self.screen else { return };
        match dialog.update(msg) {
            remove_dialog::Action::None => {}
            remove_dialog::Action::Close => self.screen = Screen::Certificates,
            remove_dialog::Action::Send(operation) => {
                if let (Some(tx), Some(token)) = (&self.requests, self.selected.clone()) {
                    let _ = tx.send(Request::Run { token, operation });
                }
            }
        }
    }

    pub(super) fn on_demo_ready(&mut self, result: Result<(), String>) {
        match result {
            Ok(()) => {
                if let Some(tx) = &self.requests {
                    let _ = tx.send(Request::Refresh);
                }
                self.select(TokenRef::Demo);
            }
            Err(e) => self.status = Some(e),
        }
    }
}

/// Makes the demo card (it generates keys): off the UI thread.
pub(super) fn open_demo() -> Task<Message> {
    Task::perform(async { ecert::demo::open().map(|_| ()).map_err(|e| e.to_string()) }, Message::DemoReady)
}
