//! One certificate, readable: owner, issuer, serial, validity with days left, fingerprint;
//! a banner from 90 days before expiry saying what to do; the validity check (trusted /
//! not trusted / could not check, with the chain); save as PEM.

use ecert::cert::CertSummary;
use ecert::i18n;
use ecert::token::CertObject;
use iced::widget::{button, column, container, row, text};
use iced::{Element, Length};

use super::{Message, TextSize};

/// Days before notAfter from which the renewal banner shows.
pub const RENEW_BANNER_DAYS: i64 = 90;

/// The banner text, if any (tested without a window).
pub fn banner(s: &CertSummary, now: u64) -> Option<String> {
    let days = s.days_left(now);
    if days < 0 {
        Some(i18n::text("banner-expired"))
    } else if days <= RENEW_BANNER_DAYS {
        Some(i18n::text_args("banner-expiring", &[("days", days.to_string())]))
    } else {
        None
    }
}

fn date(unix: u64) -> String {
    i18n::date(unix)
}

/// The validity check shown on the page: its report, or that it is running.
#[derive(Clone, Copy)]
pub struct Check<'a> {
    pub report: Option<&'a ecert::verify::Report>,
    pub running: bool,
}

pub fn view<'a>(
    cert: &'a CertObject,
    index: usize,
    size: TextSize,
    now: u64,
    status: Option<&'a str>,
    check: Check<'a>,
) -> Element<'a, Message> {
    let mut col = column![
        button(text(i18n::text("btn-back")).size(size.body()))
            .style(button::secondary)
            .on_press(Message::Back),
        text(i18n::text("title-certificate")).size(size.title()),
    ]
    .spacing(12);
    let Some(s) = &cert.summary else {
        return col.push(text(i18n::text("label-unreadable")).size(size.body())).into();
    };
    if let Some(b) = banner(s, now) {
        col = col.push(
            container(text(b).size(size.heading()))
                .padding(12)
                .width(Length::Fill)
                .style(container::rounded_box),
        );
    }
    let field = |label: &str, value: String| {
        column![text(i18n::text(label)).size(size.small()), text(value).size(size.body())].spacing(2)
    };
    let days = s.days_left(now);
    let until = if days < 0 {
        format!("{} · {}", date(s.not_after), i18n::text("label-expired"))
    } else {
        format!(
            "{} · {}",
            date(s.not_after),
            i18n::text_args("label-days-left", &[("days", days.to_string())])
        )
    };
    col = col
        .push(field("label-owner", s.subject.clone()))
        .push(field("label-issuer", s.issuer.clone()))
        .push(field("label-serial", s.serial.clone()))
        .push(field("label-valid-from", date(s.not_before)))
        .push(field("label-valid-until", until))
        .push(field("label-fingerprint", s.sha256.clone()));
    if let Some(report) = check.report {
        col = col.push(super::verification::view(report, size));
    } else if check.running {
        col = col.push(text(i18n::text("status-verifying")).size(size.body()));
    }
    col = col.push(
        row![
            button(text(i18n::text("btn-export-pem")).size(size.body()))
                .style(button::primary)
                .padding(10)
                .on_press(Message::ExportPem(index)),
            button(text(i18n::text("btn-verify")).size(size.body()))
                .style(button::secondary)
                .padding(10)
                .on_press_maybe((!check.running).then_some(Message::VerifyCert(index))),
            button(text(i18n::text("btn-remove-start")).size(size.body()))
                .style(button::secondary)
                .padding(10)
                .on_press(Message::OpenRemove(index)),
        ]
        .spacing(10),
    );
    if let Some(status) = status {
        col = col.push(text(status).size(size.body()));
    }
    col.into()
}

/// Writes a certificate as PEM into the user's Documents folder (home if none), never
/// overwriting; returns the path. Runs in a task.
pub fn export_pem(der: &[u8], file: &str) -> Result<String, String> {
    let dir = directories::UserDirs::new()
        .and_then(|u| {
            u.document_dir().map(std::path::Path::to_path_buf).or_else(|| Some(u.home_dir().to_path_buf()))
        })
        .ok_or_else(|| "no home folder".to_owned())?;
    let pem = pem_rfc7468::encode_string("CERTIFICATE", pem_rfc7468::LineEnding::LF, der)
        .map_err(|e| e.to_string())?;
    let mut path = dir.join(file);
    let mut n = 1;
    while path.exists() {
        n += 1;
        path = dir.join(format!("{n}-{file}"));
    }
    std::fs::write(&path, pem).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path.display().to_string())
}
