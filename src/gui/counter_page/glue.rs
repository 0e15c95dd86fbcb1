//! The app's side of the counter page: opening it, routing its messages with the selected
//! card, handing it the finished card work, reading the card's journal when the card
//! changes, and keeping the page while another card is chosen in the sidebar.

use ecert::ops::counter::Counter;
use ecert::service::{Outcome, Request};
use ecert::token::{TokenError, TokenRef};
use iced::{Element, Task};

use super::super::dialogs::{self, Action};
use super::super::{App, Certs, Message, Screen};
use super::{work, Card, CounterPage, Msg};

impl App {
    /// The selected card as the counter page needs it.
    pub(in super::super) fn counter_card(&self) -> Option<Card> {
        let info = self.selected_token()?;
        let mut ids = vec![ecert::ops::workflow::card_id(info)];
        let reference = info.reference.to_string();
        if !ids.contains(&reference) {
            ids.push(reference);
        }
        let (used, listed) = match &self.certs {
            Some(Certs::Loaded(list)) => (list.iter().map(|c| c.location.clone()).collect(), true),
            _ => (Vec::new(), false),
        };
        let now = self.card_now().unwrap_or_default();
        Some(Card {
            reference: Some(info.reference.clone()),
            ids,
            now,
            name: super::super::sidebar::token_lines(info).0,
            facts: info.pin,
            why_not: dialogs::why_not(Some(info.kind)),
            free: dialogs::free_locations(Some(info.kind), &used),
            used,
            listed,
        })
    }

    /// Opens the page on the user's data folder.
    pub(in super::super) fn open_counter(&mut self) -> Task<Message> {
        self.open_counter_with(Counter::user().ok())
    }

    /// Opens the page on the counter files in `counter` (tests pass a temp folder).
    pub(in super::super) fn open_counter_with(&mut self, counter: Option<Counter>) -> Task<Message> {
        self.status = None;
        let card = self.counter_card();
        let mut page = CounterPage::new(counter.clone());
        let _ = page.update(Msg::Job(super::Job::Enroll), card.as_ref());
        self.screen = Screen::Counter(Box::new(page));
        let who = counter.map_or_else(Task::none, |c| {
            Task::perform(async move { work::operator_blocking(&c) }, |w| Message::Counter(Msg::Operator(w)))
        });
        Task::batch([who, self.counter_lookup()])
    }

    /// A message of the page, with the card selected now.
    pub(in super::super) fn on_counter(&mut self, msg: Msg) -> Task<Message> {
        let card = self.counter_card();
        let Screen::Counter(page) = &mut self.screen else { return Task::none() };
        let action = page.update(msg, card.as_ref());
        let task = self.counter_act(action);
        Task::batch([task, self.counter_lookup()])
    }

    /// The page's card work went to the service and came back.
    pub(in super::super) fn counter_finished(
        &mut self,
        result: Result<Outcome, TokenError>,
    ) -> Task<Message> {
        let Screen::Counter(page) = &mut self.screen else { return Task::none() };
        let action = page.finished(result);
        if let Some(tx) = &self.requests {
            let _ = tx.send(Request::Refresh);
            if let Some(token) = self.selected.clone() {
                let _ = tx.send(Request::ListCertificates { token });
            }
        }
        self.counter_act(action)
    }

    /// Whether the page waits for something (the app then stays on it).
    pub(in super::super) fn counter_busy(&self) -> bool {
        matches!(&self.screen, Screen::Counter(p) if p.busy())
    }

    /// Whether a finished operation on `token` is the page's.
    pub(in super::super) fn counter_waits_for(&self, token: &TokenRef) -> bool {
        matches!(&self.screen, Screen::Counter(p) if p.waits_for(token))
    }

    /// Reads the selected card's journal when the page has not read it yet.
    pub(in super::super) fn counter_lookup(&mut self) -> Task<Message> {
        let card = self.counter_card();
        let Screen::Counter(page) = &mut self.screen else { return Task::none() };
        let (Some(card), Some(counter)) = (card, &page.counter) else { return Task::none() };
        if page.looking || page.looked.as_deref() == Some(card.ids.as_slice()) {
            return Task::none();
        }
        page.looking = true;
        page.pending = None;
        page.looked = Some(card.ids.clone());
        let journal = counter.journal_dir();
        let (ids, now) = (card.ids, card.now);
        Task::perform(
            async move {
                let job = work::pending_blocking(&journal, &now);
                (ids, job)
            },
            |(ids, job)| Message::Counter(Msg::Pending(ids, job)),
        )
    }

    /// The sidebar's choice; on the counter page the page stays (and refuses to change card
    /// while it waits for one).
    pub(in super::super) fn select_token(&mut self, token: TokenRef) -> Task<Message> {
        if self.counter_busy() {
            return Task::none();
        }
        if matches!(token, TokenRef::File { .. }) || !matches!(self.screen, Screen::Counter(_)) {
            self.select(token);
            return Task::none();
        }
        let page = std::mem::replace(&mut self.screen, Screen::Certificates);
        self.select(token);
        self.screen = page;
        let card = self.counter_card();
        if let Screen::Counter(page) = &mut self.screen {
            let _ = page.update(Msg::Job(page.job), card.as_ref());
        }
        self.counter_lookup()
    }

    pub(in super::super) fn counter_view<'a>(&'a self, page: &'a CounterPage) -> Element<'a, Message> {
        page.view(self.text_size, self.counter_card().as_ref()).map(Message::Counter)
    }

    fn counter_act(&mut self, action: Action<Msg>) -> Task<Message> {
        match action {
            Action::None | Action::Browse(_) => Task::none(),
            Action::Close => {
                self.screen = Screen::Certificates;
                Task::none()
            }
            Action::Send(operation) => {
                // To the card the job started on, even if it was deselected since (pulled):
                // the service's answer, failure included, is what gets recorded.
                let token = match &self.screen {
                    Screen::Counter(p) => p.token(),
                    _ => None,
                };
                let sent = match (&self.requests, token.or_else(|| self.selected.clone())) {
                    (Some(tx), Some(token)) => tx.send(Request::Run { token, operation }).is_ok(),
                    _ => false,
                };
                if sent {
                    Task::none()
                } else {
                    self.counter_finished(Err(TokenError::NotFound { reference: String::new() }))
                }
            }
            Action::Task(task) => task.map(Message::Counter),
        }
    }
}
