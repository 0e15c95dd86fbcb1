//! The app's reactions to the service (device snapshots, finished operations, certificate
//! lists), selecting a card or file, and the tasks that check or save a certificate off the
//! UI thread. Split from `gui.rs`, which only routes.

use ecert::i18n;
use ecert::service::{Event, Request};
use ecert::token::TokenRef;
use iced::widget::{button, column, text};
use iced::{Element, Task};

use super::{detail, verification, App, Certs, Message, Screen, Secret};

impl App {
    /// The demo CA, when the selected token is the demo card: trusted for its e-Certs only.
    pub(super) fn demo_anchor(&self) -> Option<Vec<u8>> {
        (self.selected == Some(ecert::token::TokenRef::Demo)).then(ecert::demo::ca_certificate).flatten()
    }

    /// Starts checking certificate `i` on the executor's thread pool (network possible).
    pub(super) fn verify_cert(&mut self, i: usize) -> Task<Message> {
        let Some(Certs::Loaded(list)) = &self.certs else { return Task::none() };
        let Some(cert) = list.get(i) else { return Task::none() };
        if self.verifying.is_some() {
            return Task::none();
        }
        self.verifying = Some(i);
        self.verification = None;
        let der = cert.der.clone();
        let others: Vec<Vec<u8>> = list.iter().map(|c| c.der.clone()).collect();
        let demo_anchor = self.demo_anchor();
        Task::perform(
            async move { verification::check(&der, &others, demo_anchor.as_deref()).map(Box::new) },
            move |r| Message::Verified(i, r),
        )
    }

    /// Writes the PEM on the executor's thread pool, never in `update`.
    pub(super) fn export(&self, i: usize) -> Task<Message> {
        let Some(Certs::Loaded(list)) = &self.certs else { return Task::none() };
        let Some(cert) = list.get(i) else { return Task::none() };
        let der = cert.der.clone();
        let name =
            cert.summary.as_ref().and_then(|s| s.subject_cn.clone()).unwrap_or_else(|| "e-Cert".to_owned());
        let file = format!("{}-{}.pem", name.replace(['/', '\\', ':'], "_"), cert.location);
        Task::perform(async move { detail::export_pem(&der, &file) }, Message::Exported)
    }

    pub(super) fn on_event(&mut self, event: Event) -> Task<Message> {
        match event {
            Event::Snapshot(snap) => {
                // A selected token that went away (card pulled) is deselected.
                if let Some(sel) = &self.selected {
                    if !snap.tokens.iter().any(|t| &t.reference == sel) {
                        self.selected = None;
                        self.certs = None;
                    }
                }
                self.snapshot = Some(snap);
                // The dialog always shows the card's latest tries left.
                let facts = self.selected_token().and_then(|t| t.pin);
                if let (Screen::Pin(dialog), Some(facts)) = (&mut self.screen, facts) {
                    dialog.facts = Some(facts);
                }
                self.guided_facts();
                return self.counter_lookup();
            }
            Event::Finished { token: token @ TokenRef::File { .. }, result }
                if self.selected.as_ref() == Some(&token) =>
            {
                self.certs = Some(match result {
                    Ok(ecert::service::Outcome::Certificates(list)) => Certs::Loaded(list),
                    Ok(_) => Certs::Loaded(Vec::new()),
                    Err(e) => Certs::Failed(e),
                });
            }
            Event::Finished { token, result } if self.counter_waits_for(&token) => {
                return self.counter_finished(result);
            }
            Event::Finished { token, result }
                if self.selected.as_ref() == Some(&token) && self.in_guided_dialog() =>
            {
                // The key, request, import, signature and renewal dialogs need the outcome itself.
                if let Some(tx) = &self.requests {
                    let _ = tx.send(Request::Refresh);
                }
                return self.guided_finished(result);
            }
            Event::Finished { token, result } if self.selected.as_ref() == Some(&token) => {
                let facts = self.selected_token().and_then(|t| t.pin);
                // Installing, removing and finishing a job change what the card holds: it is
                // listed again (which also reads its journal again, so a finished job's
                // banner goes).
                let changed = match &mut self.screen {
                    Screen::Pin(dialog) => {
                        dialog.finished(result.map(|_| ()), facts);
                        false
                    }
                    Screen::Install(dialog) => {
                        dialog.finished(result.map(|_| ()));
                        true
                    }
                    Screen::Remove(dialog) => {
                        dialog.finished(result.map(|_| ()));
                        true
                    }
                    Screen::Unfinished(dialog) => {
                        dialog.finished(result);
                        true
                    }
                    _ => false,
                };
                if let (true, Some(tx), Some(token)) = (changed, &self.requests, self.selected.clone()) {
                    let _ = tx.send(Request::ListCertificates { token });
                }
                // The PIN state changed on the card: ask for fresh facts.
                if let Some(tx) = &self.requests {
                    let _ = tx.send(Request::Refresh);
                }
            }
            Event::Certificates { token, result } if self.selected.as_ref() == Some(&token) => {
                let listed = result.is_ok();
                self.certs = Some(match result {
                    Ok(list) => Certs::Loaded(list),
                    Err(e) => Certs::Failed(e),
                });
                if listed {
                    return self.look_for_unfinished(token);
                }
            }
            _ => {}
        }
        Task::none()
    }

    /// Decrypts the selected e-Cert file with the typed password: one attempt, sent to the
    /// service; the password leaves the app state as it goes.
    pub(super) fn unlock_file(&mut self) {
        let password = ecert::secret::Password::new(std::mem::take(&mut *self.file_password));
        if let (Some(tx), Some(token)) = (&self.requests, self.selected.clone()) {
            let auth = ecert::token::Auth { password: Some(password), ..ecert::token::Auth::default() };
            self.certs = Some(Certs::Loading);
            self.screen = Screen::Certificates;
            let operation = ecert::service::Operation::Certificates { auth };
            let _ = tx.send(Request::Run { token, operation });
        }
    }

    pub(super) fn select(&mut self, token: TokenRef) {
        self.screen = Screen::Certificates;
        if matches!(token, TokenRef::File { .. }) {
            // A file shows nothing before its password; nothing is sent until then.
            self.selected = Some(token);
            self.certs = None;
            self.screen = Screen::FilePassword;
            return;
        }
        self.selected = Some(token.clone());
        self.certs = Some(Certs::Loading);
        if let Some(tx) = &self.requests {
            let _ = tx.send(Request::ListCertificates { token });
        }
    }

    pub(super) fn file_password_view(&self) -> Element<'_, Message> {
        let size = self.text_size;
        let name = match &self.selected {
            Some(TokenRef::File { path }) => path.display().to_string(),
            _ => String::new(),
        };
        column![
            text(i18n::text("label-e-cert-file")).size(size.title()),
            text(name).size(size.body()),
            text(i18n::text("label-file-password")).size(size.body()),
            iced::widget::text_input("", &self.file_password)
                .secure(true)
                .on_input(|s| Message::FilePassword(Secret(s)))
                .on_submit(Message::UnlockFile)
                .size(size.body())
                .padding(8),
            button(text(i18n::text("btn-unlock")).size(size.body()))
                .style(button::primary)
                .padding(10)
                .on_press(Message::UnlockFile),
        ]
        .spacing(12)
        .max_width(560)
        .into()
    }
}
