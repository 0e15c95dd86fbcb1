//! The desktop app (Elm architecture, iced 0.14). This file only routes: state, messages,
//! `update` as a dispatcher, `view` composed of the screen parts in `gui/`. No device is
//! touched here: the service worker ([`ecert::service`]) does that and reports through a
//! subscription ([`bridge`]).

mod bridge;
mod certs;
mod sidebar;
mod style;

use std::sync::mpsc::Sender;

use ecert::i18n::{self, Language};
use ecert::service::{Event, Request, Snapshot};
use ecert::token::{CertObject, TokenError, TokenRef};
use iced::widget::{button, column, container, row, text, Space};
use iced::{Element, Length, Subscription, Task, Theme};

pub use style::TextSize;

/// The application id; the `.desktop` file's StartupWMClass equals it.
pub const APP_ID: &str = "hk.ecert.Manager";

/// Starts the app.
pub fn run() -> iced::Result {
    iced::application(App::boot, App::update, App::view)
        .title(App::title)
        .subscription(App::subscription)
        .theme(App::theme)
        .font(style::FONT_BYTES)
        .default_font(style::FONT)
        .window(iced::window::Settings {
            size: iced::Size::new(1040.0, 700.0),
            min_size: Some(iced::Size::new(720.0, 480.0)),
            platform_specific: iced::window::settings::PlatformSpecific {
                application_id: APP_ID.to_owned(),
                ..Default::default()
            },
            ..Default::default()
        })
        .run()
}

/// What the certificate pane shows for the selected token.
#[derive(Debug, Clone)]
pub enum Certs {
    Loading,
    Loaded(Vec<CertObject>),
    Failed(TokenError),
}

/// The whole app state.
pub struct App {
    /// Latest devices from the service; `None` until the first snapshot.
    pub snapshot: Option<Snapshot>,
    pub selected: Option<TokenRef>,
    pub certs: Option<Certs>,
    pub language: Language,
    pub text_size: TextSize,
    pub high_contrast: bool,
    requests: Option<Sender<Request>>,
}

#[derive(Debug, Clone)]
pub enum Message {
    /// The service is running; requests go to this sender.
    ServiceReady(Sender<Request>),
    /// Something happened on the devices.
    Service(Event),
    /// The user chose a card or token in the sidebar.
    SelectToken(TokenRef),
    /// The user chose a language.
    SetLanguage(Language),
    /// The user chose a text size.
    SetTextSize(TextSize),
    /// The user toggled high contrast.
    ToggleContrast,
}

impl App {
    pub fn boot() -> (Self, Task<Message>) {
        (Self::new(i18n::language()), Task::none())
    }

    pub fn new(language: Language) -> Self {
        Self {
            snapshot: None,
            selected: None,
            certs: None,
            language,
            text_size: TextSize::Medium,
            high_contrast: false,
            requests: None,
        }
    }

    #[allow(clippy::unused_self)] // iced's title hook takes the state
    fn title(&self) -> String {
        i18n::text("app-title")
    }

    fn theme(&self) -> Theme {
        if self.high_contrast {
            Theme::Dark
        } else {
            Theme::Light
        }
    }

    #[allow(clippy::unused_self)] // the service runs whatever the state
    fn subscription(&self) -> Subscription<Message> {
        Subscription::run(bridge::connect)
    }

    /// Dispatches one message; returns no task (device work is the service's).
    pub fn update(&mut self, message: Message) -> Task<Message> {
        match message {
            Message::ServiceReady(tx) => self.requests = Some(tx),
            Message::Service(event) => self.on_event(event),
            Message::SelectToken(token) => self.select(token),
            Message::SetLanguage(lang) => {
                i18n::set_language(lang);
                self.language = lang;
            }
            Message::SetTextSize(size) => self.text_size = size,
            Message::ToggleContrast => self.high_contrast = !self.high_contrast,
        }
        Task::none()
    }

    fn on_event(&mut self, event: Event) {
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
            }
            Event::Certificates { token, result } if self.selected.as_ref() == Some(&token) => {
                self.certs = Some(match result {
                    Ok(list) => Certs::Loaded(list),
                    Err(e) => Certs::Failed(e),
                });
            }
            _ => {}
        }
    }

    fn select(&mut self, token: TokenRef) {
        self.selected = Some(token.clone());
        self.certs = Some(Certs::Loading);
        if let Some(tx) = &self.requests {
            let _ = tx.send(Request::ListCertificates { token });
        }
    }

    pub fn view(&self) -> Element<'_, Message> {
        let top = self.top_bar();
        let body = row![
            container(sidebar::view(self)).width(Length::Fixed(360.0)).height(Length::Fill).padding(12),
            container(certs::view(self)).width(Length::Fill).height(Length::Fill).padding(20),
        ];
        column![top, body].into()
    }

    fn top_bar(&self) -> Element<'_, Message> {
        let size = self.text_size;
        let mut langs = row![].spacing(6);
        for lang in Language::ALL {
            let b = button(text(lang.native_name()).size(size.small()));
            let b = if lang == self.language { b.style(button::primary) } else { b.style(button::secondary) };
            langs = langs.push(b.on_press(Message::SetLanguage(lang)));
        }
        let mut sizes = row![].spacing(4);
        for s in TextSize::ALL {
            let b = button(text("A").size(s.body())).style(if s == size {
                button::primary
            } else {
                button::secondary
            });
            sizes = sizes.push(b.on_press(Message::SetTextSize(s)));
        }
        let contrast =
            button(text("◐").size(size.body())).on_press(Message::ToggleContrast).style(button::secondary);
        container(
            row![
                text(i18n::text("app-title")).size(size.title()),
                Space::new().width(Length::Fill),
                langs,
                Space::new().width(Length::Fixed(16.0)),
                sizes,
                contrast,
            ]
            .spacing(8)
            .align_y(iced::Alignment::Center),
        )
        .padding(12)
        .style(container::rounded_box)
        .into()
    }
}

#[cfg(test)]
mod tests;
