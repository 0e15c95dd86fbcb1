//! Trust anchors in Settings: the bundled, user-added and (if chosen) system anchors with
//! their provenance and fingerprints; add a CA certificate by path — its fingerprint is shown
//! and must be confirmed — or remove one you added. Files are read and written in tasks,
//! never in `update` or `view`.

use ecert::cert::CertSummary;
use ecert::i18n;
use ecert::verify::trust::{self, Anchor, Provenance};
use iced::widget::{button, column, container, row, text, text_input, Column};
use iced::{Element, Length, Task};

use super::TextSize;

#[derive(Default)]
pub struct Anchors {
    pub list: Vec<Anchor>,
    pub path: String,
    /// A certificate read from `path`, waiting for the user's confirmation.
    pub preview: Option<(Vec<u8>, CertSummary)>,
    pub status: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Msg {
    Load,
    Loaded(Vec<Anchor>),
    Path(String),
    Check,
    Checked(Result<(Vec<u8>, CertSummary), String>),
    Trust,
    Cancel,
    Remove(String),
    Done(Result<String, String>),
}

fn load() -> Task<Msg> {
    Task::perform(
        async {
            let system = ecert::settings::load().is_ok_and(|s| s.system_anchors);
            trust::all(system).0
        },
        Msg::Loaded,
    )
}

impl Anchors {
    pub fn update(&mut self, msg: Msg) -> Task<Msg> {
        match msg {
            Msg::Load => return load(),
            Msg::Loaded(list) => self.list = list,
            Msg::Path(p) => self.path = p,
            Msg::Check => {
                let path = self.path.trim().to_owned();
                return Task::perform(
                    async move {
                        let bytes = std::fs::read(&path).map_err(|e| format!("{path}: {e}"))?;
                        let der = ecert::verify::model::read_certs(&bytes)
                            .map_err(|e| e.to_string())?
                            .into_iter()
                            .next()
                            .ok_or_else(|| format!("{path}: no certificate"))?;
                        let summary = CertSummary::from_der(&der).map_err(|e| e.to_string())?;
                        Ok((der, summary))
                    },
                    Msg::Checked,
                );
            }
            Msg::Checked(Ok(p)) => {
                self.status = None;
                self.preview = Some(p);
            }
            Msg::Checked(Err(e)) | Msg::Done(Err(e)) => self.status = Some(e),
            Msg::Cancel => self.preview = None,
            Msg::Trust => {
                let Some((der, _)) = self.preview.take() else { return Task::none() };
                return Task::perform(
                    async move {
                        trust::add_user(&der)
                            .map(|_| i18n::text("status-anchor-added"))
                            .map_err(|e| e.to_string())
                    },
                    Msg::Done,
                );
            }
            Msg::Remove(fingerprint) => {
                return Task::perform(
                    async move {
                        trust::remove_user(&fingerprint)
                            .map(|_| i18n::text("status-anchor-removed"))
                            .map_err(|e| e.to_string())
                    },
                    Msg::Done,
                );
            }
            Msg::Done(Ok(text)) => {
                self.status = Some(text);
                self.path.clear();
                return load();
            }
        }
        Task::none()
    }

    pub fn view(&self, size: TextSize) -> Element<'_, Msg> {
        let mut col: Column<'_, Msg> = column![].spacing(8);
        for a in &self.list {
            let name = a.summary.subject_cn.clone().unwrap_or_else(|| a.summary.subject.clone());
            let origin = i18n::text(match a.provenance {
                Provenance::Bundled => "label-bundled",
                Provenance::User => "label-user-anchor",
                Provenance::System => "label-system-anchor",
            });
            let mut line = row![column![
                text(format!("{name} ({origin})")).size(size.body()),
                text(a.summary.sha256.clone()).size(size.small() * 0.8),
            ]
            .spacing(2)
            .width(Length::Fill)]
            .spacing(8);
            if a.provenance == Provenance::User {
                line = line.push(
                    button(text(i18n::text("btn-remove")).size(size.small()))
                        .style(button::secondary)
                        .on_press(Msg::Remove(a.summary.sha256.clone())),
                );
            }
            col = col.push(container(line).padding(8).width(Length::Fill).style(container::bordered_box));
        }
        col = col.push(text(i18n::text("label-anchor-path")).size(size.small())).push(
            row![
                text_input("/media/usb/ca.pem", &self.path)
                    .on_input(Msg::Path)
                    .on_submit(Msg::Check)
                    .size(size.body()),
                button(text(i18n::text("btn-check")).size(size.body()))
                    .style(button::secondary)
                    .on_press(Msg::Check),
            ]
            .spacing(8),
        );
        if let Some((_, s)) = &self.preview {
            col = col.push(
                container(
                    column![
                        text(i18n::text_args(
                            "anchor-confirm",
                            &[("subject", s.subject.clone()), ("fingerprint", s.sha256.clone())],
                        ))
                        .size(size.body()),
                        row![
                            button(text(i18n::text("btn-trust")).size(size.body()))
                                .style(button::primary)
                                .on_press(Msg::Trust),
                            button(text(i18n::text("btn-cancel")).size(size.body()))
                                .style(button::secondary)
                                .on_press(Msg::Cancel),
                        ]
                        .spacing(8),
                    ]
                    .spacing(8),
                )
                .padding(12)
                .style(container::rounded_box),
            );
        }
        if let Some(s) = &self.status {
            col = col.push(text(s.clone()).size(size.body()));
        }
        col.into()
    }
}
