//! Choosing a file inside the app: folders and the files of the kinds asked for, a way up,
//! Home and Documents shortcuts, and the path still typeable. Written here rather than
//! taken from a native-dialog crate (`rfd`): the portal/GTK dialog it opens runs outside
//! the window, cannot be driven by the iced_test simulator, and needs a desktop portal that
//! a bare X session (our screenshots, many kiosk counters) does not have. Folders are read
//! in a task, never in `update`.

use std::path::{Path, PathBuf};

use ecert::i18n;
use iced::widget::{button, column, row, scrollable, text, text_input, Column};
use iced::{Element, Length, Task};

use super::TextSize;

/// The extensions of e-Cert files (PKCS#12).
pub const P12_FILES: &[&str] = &["p12", "pfx"];
/// Shared libraries a PKCS#11 module can be (Linux/BSD, macOS, Windows).
pub const MODULE_FILES: &[&str] = &["so", "dylib", "dll"];
/// Certificates as CAs issue them (PEM or DER).
pub const CERT_FILES: &[&str] = &["pem", "crt", "cer", "der"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub is_dir: bool,
}

#[derive(Debug, Clone)]
pub enum Msg {
    /// The folder was read (sorted, filtered) or could not be.
    Listed(PathBuf, Result<Vec<Entry>, String>),
    Open(String),
    Up,
    Home,
    Documents,
    Typed(String),
    UseTyped,
    Cancel,
}

pub enum Action {
    None,
    Run(Task<Msg>),
    Picked(PathBuf),
    Cancel,
}

pub struct FilePicker {
    pub dir: PathBuf,
    pub entries: Vec<Entry>,
    pub error: Option<String>,
    pub typed: String,
    kinds: &'static [&'static str],
}

/// Reads a folder: sub-folders first, then files with one of `kinds` (any case); hidden
/// entries left out; names sorted.
pub fn list(dir: &Path, kinds: &[&str]) -> Result<Vec<Entry>, String> {
    let rd = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut out: Vec<Entry> = rd
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                return None;
            }
            let is_dir = e.file_type().ok()?.is_dir() || (e.path().is_dir());
            let wanted = is_dir
                || Path::new(&name)
                    .extension()
                    .is_some_and(|x| kinds.iter().any(|k| x.eq_ignore_ascii_case(k)));
            wanted.then_some(Entry { name, is_dir })
        })
        .collect();
    out.sort_by(|a, b| {
        b.is_dir.cmp(&a.is_dir).then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
    });
    Ok(out)
}

fn home() -> PathBuf {
    directories::UserDirs::new().map_or_else(std::env::temp_dir, |u| u.home_dir().to_path_buf())
}

fn documents() -> PathBuf {
    directories::UserDirs::new().and_then(|u| u.document_dir().map(Path::to_path_buf)).unwrap_or_else(home)
}

impl FilePicker {
    /// Opens at `start` (Documents if none) and starts reading it.
    pub fn new(start: Option<PathBuf>, kinds: &'static [&'static str]) -> (Self, Task<Msg>) {
        let mut picker =
            Self { dir: PathBuf::new(), entries: Vec::new(), error: None, typed: String::new(), kinds };
        let task = picker.go(start.unwrap_or_else(documents));
        (picker, task)
    }

    fn go(&mut self, dir: PathBuf) -> Task<Msg> {
        self.dir.clone_from(&dir);
        self.typed = dir.display().to_string();
        let kinds = self.kinds;
        Task::perform(async move { (dir.clone(), list(&dir, kinds)) }, |(d, r)| Msg::Listed(d, r))
    }

    pub fn update(&mut self, msg: Msg) -> Action {
        match msg {
            Msg::Listed(dir, result) if dir == self.dir => match result {
                Ok(entries) => {
                    self.entries = entries;
                    self.error = None;
                }
                Err(e) => {
                    self.entries.clear();
                    self.error = Some(e);
                }
            },
            Msg::Listed(..) => {} // an older folder's answer
            Msg::Open(name) => {
                let path = self.dir.join(&name);
                return match self.entries.iter().find(|e| e.name == name) {
                    Some(Entry { is_dir: true, .. }) => Action::Run(self.go(path)),
                    Some(_) => Action::Picked(path),
                    None => Action::None,
                };
            }
            Msg::Up => {
                if let Some(parent) = self.dir.parent().map(Path::to_path_buf) {
                    return Action::Run(self.go(parent));
                }
            }
            Msg::Home => return Action::Run(self.go(home())),
            Msg::Documents => return Action::Run(self.go(documents())),
            Msg::Typed(t) => self.typed = t,
            Msg::UseTyped => {
                let path = PathBuf::from(self.typed.trim());
                if path.is_dir() {
                    return Action::Run(self.go(path));
                }
                if !path.as_os_str().is_empty() {
                    return Action::Picked(path);
                }
            }
            Msg::Cancel => return Action::Cancel,
        }
        Action::None
    }

    pub fn view(&self, size: TextSize) -> Element<'_, Msg> {
        let nav = row![
            button(text(i18n::text("picker-up")).size(size.body()))
                .style(button::secondary)
                .on_press(Msg::Up),
            button(text(i18n::text("picker-home")).size(size.body()))
                .style(button::secondary)
                .on_press(Msg::Home),
            button(text(i18n::text("picker-documents")).size(size.body()))
                .style(button::secondary)
                .on_press(Msg::Documents),
            button(text(i18n::text("btn-cancel")).size(size.body()))
                .style(button::secondary)
                .on_press(Msg::Cancel),
        ]
        .spacing(8)
        .wrap();
        let mut list: Column<'_, Msg> = column![].spacing(4);
        for e in &self.entries {
            let label = if e.is_dir { format!("{}/", e.name) } else { e.name.clone() };
            list = list.push(
                button(text(label).size(size.body()))
                    .width(Length::Fill)
                    .style(if e.is_dir { button::text } else { button::secondary })
                    .on_press(Msg::Open(e.name.clone())),
            );
        }
        if self.entries.is_empty() && self.error.is_none() {
            list = list.push(text(i18n::text("picker-empty")).size(size.small()));
        }
        let mut col = column![
            text(i18n::text("picker-title")).size(size.title()),
            nav,
            text_input("", &self.typed)
                .on_input(Msg::Typed)
                .on_submit(Msg::UseTyped)
                .size(size.body())
                .padding(8),
        ]
        .spacing(10)
        .max_width(720);
        if let Some(e) = &self.error {
            col = col.push(text(e.clone()).size(size.body()));
        }
        col.push(scrollable(list).height(Length::Fill)).into()
    }
}

/// What the picked file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickFor {
    /// Open an e-Cert file in the sidebar.
    OpenFile,
    /// The install dialog's e-Cert file.
    Install,
    /// A PKCS#11 module for Settings.
    Module,
    /// The issued certificate for the import dialog.
    IssuedCertificate,
    /// The renewed e-Cert for the renew dialog.
    RenewedCertificate,
}

impl PickFor {
    fn kinds(self) -> &'static [&'static str] {
        match self {
            PickFor::OpenFile | PickFor::Install => P12_FILES,
            PickFor::Module => MODULE_FILES,
            PickFor::IssuedCertificate | PickFor::RenewedCertificate => CERT_FILES,
        }
    }
}

impl super::App {
    /// Opens the picker over the current screen (the screen keeps its state).
    pub(super) fn browse(&mut self, purpose: PickFor) -> Task<super::Message> {
        let (picker, task) = FilePicker::new(self.last_folder.clone(), purpose.kinds());
        self.picker = Some((picker, purpose));
        task.map(super::Message::Picker)
    }

    pub(super) fn on_picker(&mut self, msg: Msg) -> Task<super::Message> {
        let Some((picker, purpose)) = &mut self.picker else { return Task::none() };
        let purpose = *purpose;
        match picker.update(msg) {
            Action::None => Task::none(),
            Action::Run(task) => task.map(super::Message::Picker),
            Action::Cancel => {
                self.picker = None;
                Task::none()
            }
            Action::Picked(path) => {
                self.last_folder = path.parent().map(Path::to_path_buf);
                self.picker = None;
                let chosen = path.display().to_string();
                match purpose {
                    PickFor::OpenFile => {
                        self.file_input = chosen;
                        self.update(super::Message::OpenFile)
                    }
                    PickFor::Install => {
                        self.update(super::Message::Install(super::install_dialog::InstallMsg::Path(chosen)))
                    }
                    PickFor::Module => self.update(super::Message::AddModule(path)),
                    PickFor::IssuedCertificate => {
                        self.update(super::Message::Import(super::import_dialog::Msg::Path(chosen)))
                    }
                    PickFor::RenewedCertificate => {
                        self.update(super::Message::Renew(super::renew_dialog::Msg::Path(chosen)))
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder of sample files, one per test (tests run in parallel).
    fn scratch(test: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ecert-picker-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("Sub folder")).unwrap();
        for f in ["b.P12", "a.pfx", "notes.txt", ".hidden.p12", "cert.pem"] {
            std::fs::write(dir.join(f), b"x").unwrap();
        }
        dir
    }

    #[test]
    fn lists_folders_first_then_only_the_wanted_files() {
        let dir = scratch("list");
        let names: Vec<(String, bool)> =
            list(&dir, P12_FILES).unwrap().into_iter().map(|e| (e.name, e.is_dir)).collect();
        assert_eq!(
            names,
            vec![("Sub folder".into(), true), ("a.pfx".into(), false), ("b.P12".into(), false)]
        );
        assert!(list(&dir.join("missing"), P12_FILES).is_err());
    }

    #[test]
    fn walks_into_folders_and_picks_a_file() {
        let dir = scratch("walk");
        let (mut p, _) = FilePicker::new(Some(dir.clone()), P12_FILES);
        let listed = list(&dir, P12_FILES);
        p.update(Msg::Listed(dir.clone(), listed));
        assert_eq!(p.entries.len(), 3);
        // An answer for a folder the user already left is ignored.
        p.update(Msg::Listed(PathBuf::from("/elsewhere"), Ok(vec![])));
        assert_eq!(p.entries.len(), 3);
        assert!(matches!(p.update(Msg::Open("Sub folder".into())), Action::Run(_)));
        assert_eq!(p.dir, dir.join("Sub folder"));
        assert!(matches!(p.update(Msg::Up), Action::Run(_)));
        assert_eq!(p.dir, dir);
        p.update(Msg::Listed(dir.clone(), list(&dir, P12_FILES)));
        match p.update(Msg::Open("a.pfx".into())) {
            Action::Picked(path) => assert_eq!(path, dir.join("a.pfx")),
            _ => panic!("a file is picked"),
        }
        p.update(Msg::Typed(dir.join("b.P12").display().to_string()));
        assert!(matches!(p.update(Msg::UseTyped), Action::Picked(path) if path == dir.join("b.P12")));
        assert!(matches!(p.update(Msg::Cancel), Action::Cancel));
    }

    #[test]
    fn simulated_user_opens_an_e_cert_file_through_the_picker() {
        use crate::gui::tests::{app_with_a_card, click, lang_lock, shows};
        use crate::gui::{Message, Screen};
        let _lang = lang_lock();
        i18n::set_language(i18n::Language::English);
        let dir = scratch("app");
        let (mut app, _) = app_with_a_card();
        app.last_folder = Some(dir.clone());
        click(&mut app, "Choose an e-Cert file…");
        assert!(shows(&app, "Choose a file") && shows(&app, "Up one folder"));
        let _ = app.update(Message::Picker(Msg::Listed(dir.clone(), list(&dir, P12_FILES))));
        assert!(shows(&app, "a.pfx") && !shows(&app, "notes.txt"), "only e-Cert files are offered");
        click(&mut app, "a.pfx");
        assert!(app.picker.is_none(), "the picker closes on a choice");
        assert_eq!(app.files, vec![dir.join("a.pfx")]);
        assert!(matches!(app.screen, Screen::FilePassword), "the file's password is asked next");
    }

    #[test]
    fn simulated_user_picks_the_issued_certificate_for_the_import_dialog() {
        use crate::gui::tests::{app_with_a_card, click, lang_lock, shows};
        use crate::gui::{Message, Screen};
        let _lang = lang_lock();
        i18n::set_language(i18n::Language::English);
        let dir = scratch("import");
        let (mut app, _) = app_with_a_card();
        app.last_folder = Some(dir.clone());
        click(&mut app, "Import issued certificate…");
        click(&mut app, "Choose a file…");
        let _ = app.update(Message::Picker(Msg::Listed(dir.clone(), list(&dir, CERT_FILES))));
        assert!(shows(&app, "cert.pem") && !shows(&app, "a.pfx"), "only certificate files are offered");
        click(&mut app, "cert.pem");
        match &app.screen {
            Screen::Import(d) => assert_eq!(d.path, dir.join("cert.pem").display().to_string()),
            _ => panic!("the import dialog is gone"),
        }
    }
}
