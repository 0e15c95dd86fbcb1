//! The sidebar: readers with what is in them, and the cards and tokens found, live.

use ecert::i18n;
use ecert::reader::{CardKind, PcscStatus, ReaderInfo};
use ecert::token::{TokenInfo, TokenKind};
use iced::widget::{button, column, container, row, scrollable, text, text_input, Column};
use iced::{Element, Length};

use super::{App, Message};

/// What the sidebar lists, computed from the snapshot (tested without a window).
pub fn reader_lines(r: &ReaderInfo) -> (String, String) {
    let state = if !r.card_present {
        i18n::text("label-no-card")
    } else if r.exclusive {
        i18n::text("label-card-in-use")
    } else {
        card_name(r.card.as_ref()).unwrap_or_else(|| i18n::text("label-card-present"))
    };
    (r.name.clone(), state)
}

/// The localized name of a card recognised from its ATR, if it was.
pub fn card_name(kind: Option<&CardKind>) -> Option<String> {
    match kind? {
        CardKind::HkSmartId => Some(i18n::text("label-hk-smart-id")),
        CardKind::YubiKey => Some("YubiKey".to_owned()),
        CardKind::Virtual => Some(i18n::text("label-virtual-card")),
        CardKind::Listed(name) => Some(name.clone()),
        CardKind::Unknown => None,
    }
}

/// The kind of a card or token, in the user's language.
pub fn kind_name(t: &TokenInfo) -> String {
    match t.kind {
        TokenKind::PivCard => i18n::text("label-piv-card"),
        TokenKind::Pkcs11 => i18n::text("label-pkcs11-token"),
        TokenKind::File => i18n::text("label-e-cert-file"),
    }
}

/// The PIN state (tries left, blocked) as read without spending a try.
pub fn pin_state(t: &TokenInfo) -> Option<String> {
    t.pin.map(|p| {
        if p.locked {
            i18n::text("label-pin-blocked")
        } else if p.final_try || p.tries_left == Some(1) {
            i18n::text("label-pin-final")
        } else if let Some(n) = p.tries_left {
            i18n::text_num("label-pin-tries", &[("tries", i64::from(n))])
        } else {
            i18n::text("label-pin-ok")
        }
    })
}

pub fn token_lines(t: &TokenInfo) -> (String, String) {
    let kind = kind_name(t);
    let pin = pin_state(t);
    let where_ = match &t.reference {
        ecert::token::TokenRef::Reader { reader } => reader.clone(),
        _ => t.manufacturer.clone().unwrap_or_default(),
    };
    if t.reference == ecert::token::TokenRef::Demo {
        let pin = i18n::text_args("label-demo-pin", &[("pin", ecert::demo::DEMO_PIN.to_owned())]);
        return (i18n::text("label-demo-card"), pin);
    }
    let title = if t.kind == TokenKind::PivCard { kind.clone() } else { t.label.clone() };
    let detail = [Some(if t.kind == TokenKind::PivCard { where_ } else { kind }), pin]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    (title, detail)
}

pub fn view(app: &App) -> Element<'_, Message> {
    let size = app.text_size;
    let mut col: Column<'_, Message> =
        column![text(i18n::text("title-readers")).size(size.heading())].spacing(8);
    let Some(snap) = &app.snapshot else { return col.into() };
    if snap.pcsc != PcscStatus::Running {
        col = col.push(text(i18n::text("empty-service-title")).size(size.small()));
    }
    for r in &snap.readers {
        let (name, state) = reader_lines(r);
        let mut lines = column![text(name).size(size.body()), text(state).size(size.small())];
        if let (true, Some(atr), Some(CardKind::Unknown)) = (r.card_present, &r.atr, &r.card) {
            if !snap.tokens.iter().any(
                |t| matches!(&t.reference, ecert::token::TokenRef::Reader { reader } if reader == &r.name),
            ) {
                lines = lines.push(text(i18n::text("label-unknown-card")).size(size.small()));
                lines = lines.push(
                    text(i18n::text_args("label-atr", &[("atr", atr.clone())])).size(size.small() * 0.8),
                );
            }
        }
        col = col
            .push(container(lines.spacing(2)).padding(8).width(Length::Fill).style(container::bordered_box));
    }
    col = col.push(text(i18n::text("title-tokens")).size(size.heading()));
    for t in &snap.tokens {
        let (title, detail) = token_lines(t);
        let selected = app.selected.as_ref() == Some(&t.reference);
        let b = button(column![text(title).size(size.body()), text(detail).size(size.small())].spacing(2))
            .width(Length::Fill)
            .padding(10)
            .style(if selected { button::primary } else { button::secondary })
            .on_press(Message::SelectToken(t.reference.clone()));
        col = col.push(b);
    }
    col = col.push(text(i18n::text("title-files")).size(size.heading()));
    for path in &app.files {
        let token = ecert::token::TokenRef::File { path: path.clone() };
        let selected = app.selected.as_ref() == Some(&token);
        let name =
            path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        col = col.push(
            button(column![
                text(name).size(size.body()),
                text(i18n::text("label-e-cert-file")).size(size.small())
            ])
            .width(Length::Fill)
            .padding(10)
            .style(if selected { button::primary } else { button::secondary })
            .on_press(Message::SelectToken(token)),
        );
    }
    col = col.push(
        column![
            text(i18n::text("label-file-path")).size(size.small()),
            row![
                text_input("/media/usb/my-ecert.p12", &app.file_input)
                    .on_input(Message::FilePath)
                    .on_submit(Message::OpenFile)
                    .size(size.small())
                    .padding(6),
                button(text(i18n::text("btn-open-file")).size(size.small()))
                    .style(button::secondary)
                    .on_press(Message::OpenFile),
            ]
            .spacing(6),
            button(text(i18n::text("btn-browse-ecert")).size(size.small()))
                .style(button::secondary)
                .on_press(Message::Browse(super::file_picker::PickFor::OpenFile)),
        ]
        .spacing(4),
    );
    scrollable(col).height(Length::Fill).into()
}
