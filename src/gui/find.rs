//! "Find a certificate": search a certificate directory the user configured (Settings or
//! `ecert directory add`) by name, e-mail or serial number, and see each certificate found
//! with its verdict — valid, revoked, expired, untrusted — checked against the trust store
//! with the chain and CRLs read from the same directory. The search runs in a task (network,
//! bounded by the directory limits); nothing is searched while offline mode is on.

use ecert::directory::lookup::Session;
use ecert::directory::{check_found, Directory, Limits, Query, Status};
use ecert::i18n;
use ecert::verify::{Cert, Options};
use iced::widget::{button, column, container, row, text, text_input, Column};
use iced::{Element, Length, Task};

use super::TextSize;

/// One certificate found, as the page shows it.
#[derive(Clone, Debug)]
pub struct Hit {
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    pub status: Status,
    pub reason: Option<String>,
}

#[derive(Default)]
pub struct Find {
    pub directories: Vec<Directory>,
    pub offline: bool,
    pub chosen: usize,
    pub query: String,
    pub busy: bool,
    pub hits: Option<Vec<Hit>>,
    pub error: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum By {
    Name,
    Email,
    Serial,
}

#[derive(Debug, Clone)]
pub enum Msg {
    Load,
    Loaded(Vec<Directory>, bool),
    Choose(usize),
    Query(String),
    Search(By),
    Found(Result<Vec<Hit>, String>),
}

/// The search itself (blocking: network). Each certificate found is verified with what the
/// same directory holds.
/// A directory error in the user's language: what happened, then what to do.
fn words(e: &ecert::directory::DirectoryError) -> String {
    let t = i18n::directory_error_text(e);
    format!("{}\n{}", t.message, t.remedy)
}

pub fn search(directory: &Directory, query: &Query) -> Result<Vec<Hit>, String> {
    let mut session = Session::open(directory, Limits::default(), Box::new(|_| {})).map_err(|e| words(&e))?;
    let found = session.find(query).map_err(|e| words(&e))?;
    let settings = ecert::settings::load().unwrap_or_default();
    let anchors: Vec<Cert> = ecert::verify::trust::all(settings.system_anchors)
        .0
        .iter()
        .filter_map(|a| Cert::parse(&a.der).ok())
        .collect();
    let options = Options { time: super::certs::now(), ..Options::default() };
    Ok(found
        .into_iter()
        .map(|f| {
            let material = match &f.cert {
                Ok(cert) => session.material(cert),
                Err(_) => ecert::directory::lookup::Material::default(),
            };
            let checked = check_found(f, &material, &anchors, &options);
            let (subject, issuer, serial) = match &checked.found.cert {
                Ok(c) => (c.subject_display(), c.issuer_display(), hex::encode_upper(c.serial())),
                Err(e) => (checked.found.dn.clone(), e.to_string(), String::new()),
            };
            Hit {
                subject,
                issuer,
                serial,
                status: checked.status,
                reason: checked.report.and_then(|r| r.reason.as_ref().map(super::verification::reason_text)),
            }
        })
        .collect())
}

fn status_text(s: Status) -> String {
    i18n::text(match s {
        Status::Valid => "dir-valid",
        Status::Revoked => "dir-revoked",
        Status::Expired => "dir-expired",
        Status::NotYetValid => "dir-not-yet-valid",
        Status::Untrusted => "dir-untrusted",
        Status::Invalid => "dir-invalid",
        Status::Undetermined => "dir-undetermined",
        Status::Malformed => "dir-malformed",
    })
}

impl Find {
    pub fn update(&mut self, msg: Msg) -> Task<Msg> {
        match msg {
            Msg::Load => {
                return Task::perform(
                    async {
                        let s = ecert::settings::load().unwrap_or_default();
                        (s.directories, s.offline)
                    },
                    |(d, o)| Msg::Loaded(d, o),
                )
            }
            Msg::Loaded(directories, offline) => {
                self.directories = directories;
                self.offline = offline;
                self.chosen = self.chosen.min(self.directories.len().saturating_sub(1));
            }
            Msg::Choose(i) => self.chosen = i,
            Msg::Query(q) => self.query = q,
            Msg::Search(by) => {
                let Some(directory) = self.directories.get(self.chosen).cloned() else { return Task::none() };
                if self.busy || self.offline || self.query.trim().is_empty() {
                    return Task::none();
                }
                let text = self.query.trim().to_owned();
                let query = match by {
                    By::Name => Query::Name(text),
                    By::Email => Query::Email(text),
                    By::Serial => match Query::serial_hex(&text) {
                        Ok(q) => q,
                        Err(e) => {
                            self.error = Some(words(&e));
                            return Task::none();
                        }
                    },
                };
                self.busy = true;
                self.error = None;
                self.hits = None;
                return Task::perform(async move { search(&directory, &query) }, Msg::Found);
            }
            Msg::Found(result) => {
                self.busy = false;
                match result {
                    Ok(hits) => self.hits = Some(hits),
                    Err(e) => self.error = Some(e),
                }
            }
        }
        Task::none()
    }

    pub fn view(&self, size: TextSize) -> Element<'_, Msg> {
        let mut col: Column<'_, Msg> = column![text(i18n::text("title-find")).size(size.title())].spacing(12);
        if self.directories.is_empty() {
            return col.push(text(i18n::text("find-no-directory")).size(size.body())).into();
        }
        if self.offline {
            col = col.push(text(i18n::text("find-offline")).size(size.body()));
        }
        let mut dirs = row![].spacing(8);
        for (i, d) in self.directories.iter().enumerate() {
            dirs = dirs.push(
                button(text(d.name.clone()).size(size.small()))
                    .style(if i == self.chosen { button::primary } else { button::secondary })
                    .on_press(Msg::Choose(i)),
            );
        }
        let search = |label: &str, by: By| {
            button(text(i18n::text(label)).size(size.body()))
                .style(button::secondary)
                .on_press_maybe((!self.busy && !self.offline).then_some(Msg::Search(by)))
        };
        col = col
            .push(dirs.wrap())
            .push(text(i18n::text("label-find-query")).size(size.small()))
            .push(
                text_input("", &self.query)
                    .on_input(Msg::Query)
                    .on_submit(Msg::Search(By::Name))
                    .size(size.body()),
            )
            .push(
                row![
                    search("btn-find-name", By::Name),
                    search("btn-find-email", By::Email),
                    search("btn-find-serial", By::Serial)
                ]
                .spacing(8)
                .wrap(),
            );
        if self.busy {
            col = col.push(text(i18n::text("status-searching")).size(size.body()));
        }
        if let Some(e) = &self.error {
            col = col.push(text(e.clone()).size(size.body()));
        }
        if let Some(hits) = &self.hits {
            if hits.is_empty() {
                col = col.push(text(i18n::text("find-none")).size(size.body()));
            }
            for h in hits {
                let mut lines = column![
                    text(h.subject.clone()).size(size.body()),
                    text(format!("{} · {}", h.issuer, h.serial)).size(size.small()),
                    text(status_text(h.status)).size(size.heading()),
                ]
                .spacing(2);
                if let Some(r) = &h.reason {
                    lines = lines.push(text(r.clone()).size(size.small()));
                }
                col =
                    col.push(container(lines).padding(8).width(Length::Fill).style(container::bordered_box));
            }
        }
        col.into()
    }
}
