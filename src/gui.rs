//! The desktop app (Elm architecture, iced 0.14). This file only routes: state, messages,
//! `update` as a dispatcher, `view` composed of the screen parts in `gui/`. No device is
//! touched here: the service worker ([`ecert::service`]) does that and reports through a
//! subscription ([`bridge`]).

mod actions;
mod anchors;
mod bridge;
mod certs;
mod counter_page;
mod detail;
mod diagnostics_page;
mod dialogs;
mod dropped;
mod events;
mod file_picker;
mod find;
mod guided;
mod icon;
mod import_dialog;
mod install_dialog;
mod keygen_dialog;
mod modules;
mod pin_dialog;
mod remove_dialog;
mod renew_dialog;
mod settings_page;
mod sidebar;
mod sign_dialog;
mod style;
mod top_bar;
mod unfinished;
mod verification;

use std::sync::mpsc::Sender;

use ecert::i18n::{self, Language};
use ecert::service::{Event, Request, Snapshot};
use ecert::token::{CertObject, TokenError, TokenRef};
use iced::widget::{column, container, row};
use iced::{Element, Length, Subscription, Task, Theme};

pub use style::TextSize;

/// The application id; the `.desktop` file's StartupWMClass equals it. Windows and macOS
/// windows have no such id (the installer's shortcut and the bundle id play that part).
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub const APP_ID: &str = "hk.ecert.Manager";

/// Starts the app; `file` (from the command line) is opened as if chosen in the file chooser.
pub fn run(files: Vec<std::path::PathBuf>) -> iced::Result {
    iced::application(move || App::boot(files.clone()), App::update, App::view)
        .title(App::title)
        .subscription(App::subscription)
        .theme(App::theme)
        .font(style::FONT_BYTES)
        .default_font(style::FONT)
        .window(window_settings())
        .run()
}

/// The main window: its size and, on Linux, the application id that the `.desktop`
/// file's StartupWMClass matches (Wayland app_id / X11 WM_CLASS; other platforms have none).
fn window_settings() -> iced::window::Settings {
    iced::window::Settings {
        size: iced::Size::new(1040.0, 700.0),
        min_size: Some(iced::Size::new(720.0, 480.0)),
        icon: icon::window_icon(),
        #[cfg(any(
            target_os = "linux",
            target_os = "freebsd",
            target_os = "openbsd",
            target_os = "netbsd",
            target_os = "dragonfly"
        ))]
        platform_specific: iced::window::settings::PlatformSpecific {
            application_id: APP_ID.to_owned(),
            ..Default::default()
        },
        ..Default::default()
    }
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
    /// Online CRL/OCSP checks when verifying (saved; off by default).
    pub revocation_checking: bool,
    /// The post-office counter page is offered (saved; off by default).
    pub counter_mode: bool,
    pub screen: Screen,
    /// e-Cert files the user opened this session, and the path being typed.
    pub files: Vec<std::path::PathBuf>,
    pub file_input: String,
    file_password: zeroize::Zeroizing<String>,
    /// Result of the last export, shown under the certificate.
    pub status: Option<String>,
    /// The last verification: which certificate (index into the list) and its report.
    pub verification: Option<(usize, Box<ecert::verify::Report>)>,
    /// A verification is running for this certificate (no second start).
    pub verifying: Option<usize>,
    /// Trust anchors as Settings shows them.
    pub anchors: anchors::Anchors,
    /// The "Find a certificate" page.
    pub find: find::Find,
    /// The certificate page's tab and last saved file.
    pub detail: detail::Page,
    /// The file picker, shown over the screen while open, and what the file is for.
    pub picker: Option<(file_picker::FilePicker, file_picker::PickFor)>,
    /// The folder of the last picked file (the picker opens there next).
    pub last_folder: Option<std::path::PathBuf>,
    requests: Option<Sender<Request>>,
    /// The key made by the key dialog this session (location, SubjectPublicKeyInfo).
    last_key: Option<(String, Vec<u8>)>,
    /// The selected card's unfinished job, as its journal says (read after each listing).
    pub unfinished: Option<(TokenRef, unfinished::Job)>,
    /// The workflow journal folder (`<data dir>/journal`; `None` without a data folder).
    pub journal: Option<std::path::PathBuf>,
}

/// What the main pane shows.
pub enum Screen {
    Certificates,
    Detail(usize),
    Pin(pin_dialog::PinDialog),
    Remove(remove_dialog::RemoveDialog),
    Install(install_dialog::InstallDialog),
    Keygen(keygen_dialog::KeygenDialog),
    Import(import_dialog::ImportDialog),
    Sign(sign_dialog::SignDialog),
    Renew(renew_dialog::RenewDialog),
    /// Continue or undo a job the card's journal says was interrupted.
    Unfinished(unfinished::UnfinishedDialog),
    /// The post-office counter.
    Counter(Box<counter_page::CounterPage>),
    Settings,
    Diagnostics,
    /// Search a certificate directory.
    Find,
    /// The selected e-Cert file needs its password before anything is shown.
    FilePassword,
}

#[derive(Debug, Clone)]
pub enum Message {
    /// A file was dropped onto the window or named on the command line.
    FileDropped(std::path::PathBuf),
    /// A certificate file was read (its DER) or not (why).
    CertificateRead(std::path::PathBuf, Result<Vec<u8>, String>),
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
    /// The user toggled online revocation checking.
    ToggleRevocation,
    /// The user toggled the counter mode (post-office staff).
    ToggleCounterMode,
    /// The user opened one certificate.
    OpenCert(usize),
    /// Back to the certificate list.
    Back,
    /// The user opened the PIN dialog.
    OpenPin(pin_dialog::Kind),
    /// A message of the PIN dialog.
    Pin(pin_dialog::PinMsg),
    /// The user asked to install an e-Cert file into the selected token.
    OpenInstall,
    /// A message of the install dialog.
    Install(install_dialog::InstallMsg),
    /// The user asked to generate a key and a certificate request.
    OpenKeygen,
    /// A message of that dialog.
    Keygen(keygen_dialog::Msg),
    /// The user asked to import an issued certificate.
    OpenImport,
    /// A message of that dialog.
    Import(import_dialog::Msg),
    /// The user asked for a test signature with certificate `n`'s key.
    OpenSign(usize),
    /// A message of that dialog.
    Sign(sign_dialog::Msg),
    /// The user asked to renew or replace certificate `n`.
    OpenRenew(usize),
    /// A message of that dialog.
    Renew(renew_dialog::Msg),
    /// The user asked to remove certificate `n`.
    OpenRemove(usize),
    /// A message of the remove dialog.
    Remove(remove_dialog::RemoveMsg),
    /// Save certificate `n` as PEM.
    ExportPem(usize),
    /// The PEM file was written (or not).
    Exported(Result<String, String>),
    /// Open the settings page.
    OpenSettings,
    /// Open the diagnostics page.
    OpenDiagnostics,
    /// Copy the diagnostics report to the clipboard.
    CopyReport(String),
    /// The settings file was written (or not).
    SettingsSaved(Result<(), String>),
    /// The path field for an e-Cert file changed.
    FilePath(String),
    /// Open the typed path as an e-Cert file.
    OpenFile,
    /// The file password field changed (never shown in `Debug` output of the app state).
    FilePassword(Secret),
    /// Decrypt the selected file with the typed password (one attempt).
    UnlockFile,
    /// Open the "Find a certificate" page.
    OpenFind,
    /// A message of that page.
    Find(find::Msg),
    /// A message of the trust-anchor list in Settings.
    Anchors(anchors::Msg),
    /// Choose a file with the picker.
    Browse(file_picker::PickFor),
    /// A message of the file picker.
    Picker(file_picker::Msg),
    /// Use one more PKCS#11 module (saved in settings, loaded by the service).
    AddModule(std::path::PathBuf),
    /// Stop using a module the user added.
    RemoveModule(std::path::PathBuf),
    /// The module list was saved (status text) or not.
    ModuleSaved(Result<String, String>),
    /// Open the in-process demo card.
    OpenDemo,
    /// The demo card is ready (or could not be made).
    DemoReady(Result<(), String>),
    /// A key no widget used (Tab, Escape).
    Key(iced::keyboard::Event),
    /// Check certificate `n` (chain, trust, revocation).
    VerifyCert(usize),
    /// The check of certificate `n` finished.
    Verified(usize, Result<Box<ecert::verify::Report>, String>),
    /// A message of the certificate page (tabs, export, copy, open folder).
    Detail(detail::Msg),
    /// Open the post-office counter page.
    OpenCounter,
    /// A message of that page.
    Counter(counter_page::Msg),
    /// An unfinished job on the selected card: found, opened, continued or undone.
    Unfinished(unfinished::Msg),
}

/// Typed text that must not appear in logs.
#[derive(Clone)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl App {
    pub fn boot(files: Vec<std::path::PathBuf>) -> (Self, Task<Message>) {
        // Saved choices win over the OS locale; a malformed file means defaults.
        let saved = ecert::settings::load().unwrap_or_default();
        if let Some(tag) = saved.language.as_deref() {
            if std::env::var_os("ECERT_LANG").is_none() {
                i18n::set_language(Language::from_tag(tag));
            }
        }
        let mut app = Self::new(i18n::language());
        app.text_size = TextSize::from_name(saved.text_size.as_deref().unwrap_or("medium"));
        app.high_contrast = saved.high_contrast;
        app.revocation_checking = saved.revocation_checking;
        app.counter_mode = saved.counter_mode;
        // ECERT_DEMO=1 opens the demo card at start (screenshots, the start-up benchmark).
        let mut tasks = Vec::new();
        if std::env::var_os("ECERT_DEMO").is_some() {
            tasks.push(Task::done(Message::OpenDemo));
        }
        // Files from the command line open as if dropped onto the window.
        tasks.extend(files.into_iter().map(|f| Task::done(Message::FileDropped(f))));
        (app, Task::batch(tasks))
    }

    /// Saves the choices made on screen, off the UI thread. A settings file that cannot be
    /// read is left as it is (the error is shown) rather than replaced by defaults.
    pub(super) fn save_settings(&self) -> Task<Message> {
        let (lang, size, contrast, online, counter) = (
            self.language.tag().to_owned(),
            self.text_size.name().to_owned(),
            self.high_contrast,
            self.revocation_checking,
            self.counter_mode,
        );
        Task::perform(
            async move {
                let mut s = ecert::settings::load().map_err(|e| e.to_string())?;
                s.language = Some(lang);
                s.text_size = Some(size);
                s.high_contrast = contrast;
                s.revocation_checking = online;
                s.counter_mode = counter;
                ecert::settings::save(&s).map_err(|e| e.to_string())
            },
            Message::SettingsSaved,
        )
    }

    pub fn new(language: Language) -> Self {
        Self {
            snapshot: None,
            selected: None,
            certs: None,
            language,
            text_size: TextSize::Medium,
            high_contrast: false,
            screen: Screen::Certificates,
            files: Vec::new(),
            file_input: String::new(),
            file_password: zeroize::Zeroizing::new(String::new()),
            status: None,
            verification: None,
            verifying: None,
            revocation_checking: false,
            counter_mode: false,
            anchors: anchors::Anchors::default(),
            find: find::Find::default(),
            detail: detail::Page::default(),
            picker: None,
            last_folder: None,
            requests: None,
            last_key: None,
            unfinished: None,
            journal: ecert::ops::journal::default_dir(),
        }
    }

    #[allow(clippy::unused_self)] // iced's title hook takes the state
    fn title(&self) -> String {
        i18n::text("app-title")
    }

    fn theme(&self) -> Theme {
        if self.high_contrast {
            style::high_contrast()
        } else {
            Theme::Light
        }
    }

    #[allow(clippy::unused_self)] // the service runs whatever the state
    fn subscription(&self) -> Subscription<Message> {
        // Keys no widget used: Tab / Shift+Tab move the focus, Escape leaves a dialog.
        // Files dropped onto the window, one event each.
        let dropped = iced::event::listen_with(|event, _, _| match event {
            iced::Event::Window(iced::window::Event::FileDropped(path)) => Some(Message::FileDropped(path)),
            _ => None,
        });
        Subscription::batch([
            Subscription::run(bridge::connect),
            iced::keyboard::listen().map(Message::Key),
            dropped,
        ])
    }

    /// Dispatches one message; returns no task (device work is the service's).
    pub fn update(&mut self, message: Message) -> Task<Message> {
        match message {
            Message::ServiceReady(tx) => self.requests = Some(tx),
            Message::FileDropped(path) => return self.open_path(path),
            Message::CertificateRead(path, read) => return self.on_certificate_read(&path, read),
            Message::Service(event) => return self.on_event(event),
            Message::SelectToken(token) => return self.select_token(token),
            Message::SetLanguage(lang) => {
                i18n::set_language(lang);
                self.language = lang;
                return self.save_settings();
            }
            Message::SetTextSize(size) => {
                self.text_size = size;
                return self.save_settings();
            }
            m @ (Message::ToggleContrast | Message::ToggleRevocation | Message::ToggleCounterMode) => {
                return self.toggle(&m);
            }
            Message::OpenSettings => {
                self.status = None;
                self.screen = Screen::Settings;
                return self.anchors.update(anchors::Msg::Load).map(Message::Anchors);
            }
            Message::Anchors(msg) => return self.anchors.update(msg).map(Message::Anchors),
            Message::OpenFind => {
                self.screen = Screen::Find;
                return self.find.update(find::Msg::Load).map(Message::Find);
            }
            Message::Find(msg) => return self.find.update(msg).map(Message::Find),
            Message::OpenDiagnostics => {
                self.status = None;
                self.screen = Screen::Diagnostics;
            }
            Message::CopyReport(report) => {
                self.status = Some(i18n::text("status-copied"));
                return iced::clipboard::write(report);
            }
            Message::FilePath(p) => self.file_input = p,
            // Leaving the counter page while it waits for the card would lose its audit record.
            Message::OpenFile if self.counter_busy() => {}
            Message::OpenFile => {
                let path = std::path::PathBuf::from(self.file_input.trim());
                if !path.as_os_str().is_empty() && !self.files.contains(&path) {
                    self.files.push(path.clone());
                }
                self.file_input.clear();
                self.select(TokenRef::File { path });
            }
            Message::FilePassword(Secret(p)) => self.file_password = zeroize::Zeroizing::new(p),
            Message::UnlockFile => self.unlock_file(),
            Message::SettingsSaved(result) => {
                if let Err(e) = result {
                    self.status = Some(i18n::text_args("status-settings-error", &[("error", e)]));
                }
            }
            Message::OpenCert(i) => {
                self.status = None;
                self.detail = detail::Page::default();
                self.screen = Screen::Detail(i);
                return self.verify_cert(i);
            }
            Message::VerifyCert(i) => return self.verify_cert(i),
            Message::Key(event) => return self.on_key(&event),
            Message::Browse(purpose) => return self.browse(purpose),
            Message::Picker(msg) => return self.on_picker(msg),
            Message::AddModule(path) => return self.add_module(path),
            Message::RemoveModule(path) => return self.remove_module(path),
            Message::ModuleSaved(result) => self.status = Some(result.unwrap_or_else(|e| e)),
            Message::OpenDemo => return actions::open_demo(),
            Message::DemoReady(result) => self.on_demo_ready(result),
            Message::Verified(i, result) => self.on_verified(i, result),
            Message::Back => self.screen = Screen::Certificates,
            Message::OpenPin(kind) => {
                let facts = self.selected_token().and_then(|t| t.pin);
                self.screen = Screen::Pin(pin_dialog::PinDialog::new(kind, facts));
            }
            Message::Pin(msg) => self.on_pin(msg),
            Message::OpenRemove(i) => self.open_remove(i),
            Message::Remove(msg) => self.on_remove(msg),
            Message::OpenInstall => self.open_install(),
            Message::Install(msg) => return self.on_install(msg),
            Message::OpenKeygen => self.open_keygen(),
            Message::Keygen(msg) => return self.on_keygen(msg),
            Message::OpenImport => self.open_import(),
            Message::Import(msg) => return self.on_import(msg),
            Message::OpenSign(i) => self.open_sign(i),
            Message::Sign(msg) => return self.on_sign(msg),
            Message::OpenRenew(i) => return self.open_renew(i),
            Message::Renew(msg) => return self.on_renew(msg),
            Message::ExportPem(i) => return self.export(i),
            Message::Detail(msg) => return self.on_detail(msg),
            Message::Exported(result) => self.on_exported(result),
            Message::OpenCounter => return self.open_counter(),
            Message::Counter(msg) => return self.on_counter(msg),
            Message::Unfinished(msg) => return self.on_unfinished(msg),
        }
        Task::none()
    }

    fn selected_token(&self) -> Option<&ecert::token::TokenInfo> {
        let sel = self.selected.as_ref()?;
        self.snapshot.as_ref()?.tokens.iter().find(|t| &t.reference == sel)
    }

    pub fn view(&self) -> Element<'_, Message> {
        let top = top_bar::view(self);
        let body = row![
            container(sidebar::view(self)).width(Length::Fixed(360.0)).height(Length::Fill).padding(12),
            container(self.main_pane()).width(Length::Fill).height(Length::Fill).padding(20),
        ];
        column![top, body].into()
    }

    fn main_pane(&self) -> Element<'_, Message> {
        if let Some((picker, _)) = &self.picker {
            return picker.view(self.text_size).map(Message::Picker);
        }
        match &self.screen {
            Screen::Pin(dialog) => dialog.view(self.text_size).map(Message::Pin),
            Screen::Remove(dialog) => dialog.view(self.text_size).map(Message::Remove),
            Screen::Install(dialog) => dialog.view(self.text_size).map(Message::Install),
            Screen::Keygen(dialog) => dialog.view(self.text_size).map(Message::Keygen),
            Screen::Import(dialog) => dialog.view(self.text_size).map(Message::Import),
            Screen::Sign(dialog) => dialog.view(self.text_size).map(Message::Sign),
            Screen::Renew(dialog) => dialog.view(self.text_size).map(Message::Renew),
            Screen::Unfinished(dialog) => dialog.view(self.text_size).map(Message::Unfinished),
            Screen::Counter(page) => self.counter_view(page),
            Screen::Detail(i) => match &self.certs {
                Some(Certs::Loaded(list)) if *i < list.len() => {
                    let report = self.verification.as_ref().filter(|(n, _)| n == i).map(|(_, r)| r.as_ref());
                    let check = detail::Check { report, running: self.verifying == Some(*i) };
                    let (size, status) = (self.text_size, self.status.as_deref());
                    detail::view(&list[*i], *i, size, certs::now(), status, check, &self.detail)
                }
                _ => certs::view(self),
            },
            Screen::Certificates => certs::view(self),
            Screen::Settings => settings_page::view(self),
            Screen::FilePassword => self.file_password_view(),
            Screen::Find => self.find.view(self.text_size).map(Message::Find),
            Screen::Diagnostics => {
                diagnostics_page::view(self.snapshot.as_ref(), self.text_size, self.status.as_deref())
            }
        }
    }
}

#[cfg(test)]
mod tests;
