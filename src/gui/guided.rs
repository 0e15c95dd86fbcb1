//! The app's side of the guided dialogs (key and request, import, test signature, renewal,
//! install, remove): opening them on the selected token, routing their messages, sending
//! their card work to the service and handing them the finished operation. The shared
//! pieces the dialogs are built from are in [`super::dialogs`].

use ecert::service::{Outcome, Request};
use ecert::token::{PinFacts, TokenError, TokenKind};
use iced::Task;

use super::dialogs::{documents_dir, free_locations, why_not, Action, PIV_SLOTS};
use super::{import_dialog, keygen_dialog, renew_dialog, sign_dialog, App, Certs, Message, Screen};

impl App {
    fn pin_facts(&self) -> Option<PinFacts> {
        self.selected_token().and_then(|t| t.pin)
    }

    fn kind(&self) -> Option<TokenKind> {
        self.selected_token().map(|t| t.kind)
    }

    pub(super) fn loaded(&self) -> &[ecert::token::CertObject] {
        match &self.certs {
            Some(Certs::Loaded(list)) => list,
            _ => &[],
        }
    }

    fn used(&self) -> Vec<String> {
        self.loaded().iter().map(|c| c.location.clone()).collect()
    }

    /// Hands the dialog's action to the service, the executor or the screen.
    pub(super) fn act<M: Send + 'static>(
        &mut self,
        action: Action<M>,
        wrap: fn(M) -> Message,
    ) -> Task<Message> {
        match action {
            Action::None => Task::none(),
            Action::Close => {
                self.screen = Screen::Certificates;
                Task::none()
            }
            Action::Send(operation) => {
                if let (Some(tx), Some(token)) = (&self.requests, self.selected.clone()) {
                    let _ = tx.send(Request::Run { token, operation });
                }
                Task::none()
            }
            Action::Task(task) => task.map(wrap),
            Action::Browse(purpose) => self.browse(purpose),
        }
    }

    pub(super) fn open_keygen(&mut self) {
        // The name of the certificate on screen, else of the first one.
        let n = if let Screen::Detail(i) = self.screen { i } else { 0 };
        let name =
            self.loaded().get(n).and_then(|c| c.summary.as_ref()?.subject_cn.clone()).unwrap_or_default();
        let dialog = keygen_dialog::KeygenDialog::new(
            why_not(self.kind()),
            free_locations(self.kind(), &self.used()),
            name,
            self.pin_facts(),
            documents_dir(),
        );
        self.screen = Screen::Keygen(dialog);
    }

    pub(super) fn on_keygen(&mut self, msg: keygen_dialog::Msg) -> Task<Message> {
        let Screen::Keygen(dialog) = &mut self.screen else { return Task::none() };
        let action = dialog.update(msg);
        self.act(action, Message::Keygen)
    }

    pub(super) fn open_import(&mut self) {
        let slots = if self.kind() == Some(TokenKind::PivCard) {
            PIV_SLOTS.iter().map(|s| (*s).to_owned()).collect()
        } else {
            let mut v = self.used();
            v.push(super::install_dialog::free_location(&self.used()));
            v
        };
        // Keys whose public half the app knows: certificates on the token, the key made here.
        let mut keys: Vec<(String, Vec<u8>)> = self
            .loaded()
            .iter()
            .filter_map(|c| Some((c.location.clone(), ecert::cert::spki_der(&c.der).ok()?)))
            .collect();
        keys.extend(self.last_key.clone());
        let dialog = import_dialog::ImportDialog::new(why_not(self.kind()), slots, keys, self.pin_facts());
        self.screen = Screen::Import(dialog);
    }

    pub(super) fn on_import(&mut self, msg: import_dialog::Msg) -> Task<Message> {
        let Screen::Import(dialog) = &mut self.screen else { return Task::none() };
        let action = dialog.update(msg);
        self.act(action, Message::Import)
    }

    pub(super) fn open_sign(&mut self, i: usize) {
        let Some(c) = self.loaded().get(i) else { return };
        let owner =
            c.summary.as_ref().and_then(|s| s.subject_cn.clone()).unwrap_or_else(|| c.location.clone());
        let dialog = sign_dialog::SignDialog::new(
            why_not(self.kind()),
            c.location.clone(),
            owner,
            &c.der,
            self.pin_facts(),
        );
        self.screen = Screen::Sign(dialog);
    }

    pub(super) fn on_sign(&mut self, msg: sign_dialog::Msg) -> Task<Message> {
        let Screen::Sign(dialog) = &mut self.screen else { return Task::none() };
        let action = dialog.update(msg);
        self.act(action, Message::Sign)
    }

    pub(super) fn open_renew(&mut self, i: usize) -> Task<Message> {
        let Some(c) = self.loaded().get(i) else { return Task::none() };
        let owner =
            c.summary.as_ref().and_then(|s| s.subject_cn.clone()).unwrap_or_else(|| c.location.clone());
        let old = (c.location.clone(), owner, c.der.clone());
        let free = free_locations(self.kind(), &self.used());
        let dialog = renew_dialog::RenewDialog::new(
            why_not(self.kind()),
            old,
            free,
            self.pin_facts(),
            renew_dialog::Folders::user(),
        );
        let cards = self.card_now();
        let look = cards.map(|cards| dialog.look_for_pending(cards));
        self.screen = Screen::Renew(dialog);
        look.map_or_else(Task::none, |action| self.act(action, Message::Renew))
    }

    pub(super) fn on_renew(&mut self, msg: renew_dialog::Msg) -> Task<Message> {
        let Screen::Renew(dialog) = &mut self.screen else { return Task::none() };
        let action = dialog.update(msg);
        self.act(action, Message::Renew)
    }

    /// The card's latest PIN facts reach an open dialog (tries left stay current).
    pub(super) fn guided_facts(&mut self) {
        let Some(facts) = self.pin_facts() else { return };
        match &mut self.screen {
            Screen::Keygen(d) => d.facts = Some(facts),
            Screen::Import(d) => d.facts = Some(facts),
            Screen::Sign(d) => d.facts = Some(facts),
            Screen::Renew(d) => d.facts = Some(facts),
            _ => {}
        }
    }

    /// Whether one of these dialogs is open.
    pub(super) fn in_guided_dialog(&self) -> bool {
        matches!(self.screen, Screen::Keygen(_) | Screen::Import(_) | Screen::Sign(_) | Screen::Renew(_))
    }

    /// Whether one of these dialogs waits for the card or a file (Escape does not close it).
    pub(super) fn guided_busy(&self) -> bool {
        match &self.screen {
            Screen::Keygen(d) => d.busy(),
            Screen::Import(d) => d.busy(),
            Screen::Sign(d) => d.busy,
            Screen::Renew(d) => d.busy(),
            _ => false,
        }
    }

    /// The card answered one of these dialogs; a follow-up (the request after the key, the
    /// save after the request) leaves from here.
    pub(super) fn guided_finished(&mut self, result: Result<Outcome, TokenError>) -> Task<Message> {
        let facts = self.pin_facts();
        if let Screen::Keygen(d) = &mut self.screen {
            if let Ok(Outcome::PublicKey(k)) = &result {
                self.last_key = Some((d.location.clone(), k.spki_der.clone()));
            }
            let action = d.finished(result, facts);
            return self.act(action, Message::Keygen);
        }
        self.written(result, facts)
    }

    /// Sign, import and renewal answers (no follow-up request but the journal check after a
    /// failed renewal step).
    fn written(&mut self, result: Result<Outcome, TokenError>, facts: Option<PinFacts>) -> Task<Message> {
        let cards = self.card_now();
        let mut check = Task::none();
        match &mut self.screen {
            Screen::Sign(d) => {
                d.finished(result, facts);
                return Task::none();
            }
            Screen::Import(d) => d.finished(result, facts),
            Screen::Renew(d) => {
                d.finished(result, facts);
                if let (true, Some(cards)) = (d.wants_journal_check(), cards) {
                    if let Action::Task(task) = d.look_for_interrupted(cards) {
                        check = task.map(Message::Renew);
                    }
                }
            }
            _ => return Task::none(),
        }
        // A certificate may have been written: the list is read again.
        if let (Some(tx), Some(token)) = (&self.requests, self.selected.clone()) {
            let _ = tx.send(Request::ListCertificates { token });
        }
        check
    }
}
