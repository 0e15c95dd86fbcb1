//! The main pane: the certificates of the selected card or token, or an empty state that
//! says what to do next (start the service, connect a reader, insert a card, choose one).

use std::time::{SystemTime, UNIX_EPOCH};

use ecert::i18n;
use ecert::reader::PcscStatus;
use ecert::token::CertObject;
use iced::widget::{button, column, row, scrollable, text, Column};
use iced::{Element, Length};

use super::{App, Certs, Message};

/// Which empty state applies, if any (tested without a window).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Empty {
    Starting,
    ServiceNotRunning,
    NoReader,
    NoCard,
    /// A card is in a reader but neither our PIV driver nor any loaded module knows it.
    NeedsSoftware,
    Choose,
}

pub fn empty_state(app: &App) -> Option<Empty> {
    let Some(snap) = &app.snapshot else { return Some(Empty::Starting) };
    if app.selected.is_some() {
        return None;
    }
    Some(if !snap.tokens.is_empty() {
        Empty::Choose
    } else if snap.pcsc != PcscStatus::Running {
        Empty::ServiceNotRunning
    } else if snap.readers.is_empty() {
        Empty::NoReader
    } else if !snap.readers.iter().any(|r| r.card_present) {
        Empty::NoCard
    } else if snap.readers.iter().any(|r| r.card_present && !r.exclusive) {
        Empty::NeedsSoftware
    } else {
        Empty::Choose
    })
}

/// Title and body text of an empty state.
pub fn empty_text(e: Empty) -> (String, String) {
    let (t, b) = match e {
        Empty::Starting => ("status-loading", "empty-choose"),
        Empty::ServiceNotRunning => ("empty-service-title", "empty-service-body"),
        Empty::NoReader => ("empty-no-reader-title", "empty-no-reader-body"),
        Empty::NoCard => ("empty-no-card-title", "empty-no-card-body"),
        Empty::NeedsSoftware => ("empty-software-title", "empty-software-body"),
        Empty::Choose => ("title-certificates", "empty-choose"),
    };
    (i18n::text(t), i18n::text(b))
}

pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Owner, issuer line and validity line of one certificate.
pub fn cert_lines(c: &CertObject, now: u64) -> (String, String, String) {
    let Some(s) = &c.summary else {
        return (key_purpose(&c.location), i18n::text("label-unreadable"), String::new());
    };
    let owner = s.subject_cn.clone().unwrap_or_else(|| s.subject.clone());
    let issuer = i18n::text_args(
        "label-issued-by",
        &[("issuer", s.issuer_cn.clone().unwrap_or_else(|| s.issuer.clone()))],
    );
    let days = s.days_left(now);
    let validity = if days < 0 {
        i18n::text("label-expired")
    } else {
        i18n::text_num("label-days-left", &[("days", days)])
    };
    (owner, issuer, format!("{validity} · {}", key_purpose(&c.location)))
}

/// A key location named by what it is for (SP 800-73-4 Part 1 §3.1: 9A PIV authentication,
/// 9C digital signature, 9D key management, 9E card authentication); any other location
/// (a token's object, a file) as "Location …".
pub fn key_purpose(location: &str) -> String {
    match location.to_ascii_lowercase().as_str() {
        "9a" => i18n::text("label-auth-key"),
        "9c" => i18n::text("label-signing-key"),
        "9d" => i18n::text("label-encryption-key"),
        "9e" => i18n::text("label-card-auth-key"),
        _ => i18n::text_args("label-key-slot", &[("slot", location.to_owned())]),
    }
}

pub fn view(app: &App) -> Element<'_, Message> {
    let size = app.text_size;
    if let Some(e) = empty_state(app) {
        let (title, body) = empty_text(e);
        let mut col = column![text(title).size(size.title()), text(body).size(size.body())].spacing(12);
        // Offered until the demo card is in the device list (the view reads state only).
        let demo_listed = app
            .snapshot
            .as_ref()
            .is_some_and(|s| s.tokens.iter().any(|t| t.reference == ecert::token::TokenRef::Demo));
        if e != Empty::Starting && !demo_listed {
            col = col.push(text(i18n::text("empty-demo-hint")).size(size.body())).push(
                button(text(i18n::text("btn-open-demo")).size(size.body()))
                    .style(button::primary)
                    .padding(10)
                    .on_press(Message::OpenDemo),
            );
        }
        return col.into();
    }
    let mut col: Column<'_, Message> =
        column![text(i18n::text("title-certificates")).size(size.title())].spacing(12);
    // A job the card's journal says was interrupted comes first: what it is and the way on.
    if let Some(banner) = app.unfinished_banner() {
        col = col.push(banner);
    }
    // PIN actions for the selected card or token, with its state.
    let token =
        app.selected.as_ref().and_then(|s| app.snapshot.as_ref()?.tokens.iter().find(|t| &t.reference == s));
    if let Some(token) = token.filter(|t| t.pin.is_some()) {
        let mut actions = row![].spacing(10);
        let locked = token.pin.is_some_and(|p| p.locked);
        if !locked {
            actions = actions.push(
                button(text(i18n::text("btn-change-pin")).size(size.body()))
                    .style(button::secondary)
                    .on_press(Message::OpenPin(super::pin_dialog::Kind::Change)),
            );
        }
        if token.kind == ecert::token::TokenKind::PivCard || locked {
            actions = actions.push(
                button(text(i18n::text("btn-unblock-pin")).size(size.body()))
                    .style(button::secondary)
                    .on_press(Message::OpenPin(super::pin_dialog::Kind::Unblock)),
            );
        }
        actions = actions.push(
            button(text(i18n::text("btn-install-start")).size(size.body()))
                .style(button::secondary)
                .on_press(Message::OpenInstall),
        );
        for (label, message) in
            [("btn-keygen-start", Message::OpenKeygen), ("btn-import-start", Message::OpenImport)]
        {
            actions = actions.push(
                button(text(i18n::text(label)).size(size.body())).style(button::secondary).on_press(message),
            );
        }
        // Wraps onto more lines at large text sizes and in narrow windows.
        col = col.push(actions.wrap().vertical_spacing(10));
    }
    match &app.certs {
        None | Some(Certs::Loading) => col = col.push(text(i18n::text("status-loading")).size(size.body())),
        Some(Certs::Failed(e)) => {
            let t = i18n::error_text(e);
            col = col.push(text(t.message).size(size.heading())).push(text(t.remedy).size(size.body()));
        }
        Some(Certs::Loaded(list)) if list.is_empty() => {
            col = col.push(text(i18n::text("empty-no-certs")).size(size.body()));
        }
        Some(Certs::Loaded(list)) => {
            let now = now();
            for (i, c) in list.iter().enumerate() {
                let (owner, issuer, validity) = cert_lines(c, now);
                col = col.push(
                    button(
                        column![
                            text(owner).size(size.heading()),
                            text(issuer).size(size.body()),
                            text(validity).size(size.small()),
                        ]
                        .spacing(4),
                    )
                    .padding(14)
                    .width(Length::Fill)
                    .style(button::secondary)
                    .on_press(Message::OpenCert(i)),
                );
            }
        }
    }
    scrollable(col).height(Length::Fill).into()
}
