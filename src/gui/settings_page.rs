//! The settings page: language, text size, contrast (saved in the settings file), the
//! trust anchors (see `anchors`), and the PKCS#11 modules found.

use ecert::i18n::{self, Language};
use ecert::pkcs11::{ModuleSource, ModuleStatus};
use iced::widget::{button, column, row, scrollable, text, Column};
use iced::{Element, Length};

use super::{Message, TextSize};

pub fn view<'a>(
    language: Language,
    size: TextSize,
    high_contrast: bool,
    revocation_checking: bool,
    modules: &'a [ModuleStatus],
    anchors: &'a super::anchors::Anchors,
    status: Option<&'a str>,
) -> Element<'a, Message> {
    let mut col: Column<'a, Message> = column![
        button(text(i18n::text("btn-back")).size(size.body()))
            .style(button::secondary)
            .on_press(Message::Back),
        text(i18n::text("title-settings")).size(size.title()),
        text(i18n::text("title-language")).size(size.heading()),
    ]
    .spacing(12);
    let mut langs = row![].spacing(8);
    for lang in Language::ALL {
        let b = button(text(lang.native_name()).size(size.body()))
            .style(if lang == language { button::primary } else { button::secondary })
            .on_press(Message::SetLanguage(lang));
        langs = langs.push(b);
    }
    col = col.push(langs).push(text(i18n::text("title-text-size")).size(size.heading()));
    let mut sizes = row![].spacing(8);
    for s in TextSize::ALL {
        sizes = sizes.push(
            button(text("A").size(s.body()))
                .style(if s == size { button::primary } else { button::secondary })
                .on_press(Message::SetTextSize(s)),
        );
    }
    col = col.push(sizes).push(
        row![
            text(i18n::text("label-high-contrast")).size(size.body()),
            button(text(i18n::text(if high_contrast { "label-on" } else { "label-off" })).size(size.body()))
                .style(if high_contrast { button::primary } else { button::secondary })
                .on_press(Message::ToggleContrast),
        ]
        .spacing(12)
        .align_y(iced::Alignment::Center),
    );
    col = col.push(
        row![
            text(i18n::text("label-revocation")).size(size.body()),
            button(
                text(i18n::text(if revocation_checking { "label-on" } else { "label-off" }))
                    .size(size.body())
            )
            .style(if revocation_checking { button::primary } else { button::secondary })
            .on_press(Message::ToggleRevocation),
        ]
        .spacing(12)
        .align_y(iced::Alignment::Center)
        .wrap(),
    );
    col = col
        .push(text(i18n::text("title-trust-anchors")).size(size.heading()))
        .push(anchors.view(size).map(Message::Anchors));
    col = col.push(text(i18n::text("title-modules")).size(size.heading()));
    for m in modules {
        let state = m.error.as_ref().map_or_else(
            || m.library.clone().unwrap_or_default(),
            |e| i18n::text_args("label-module-error", &[("error", e.clone())]),
        );
        let source = i18n::text(match m.source {
            ModuleSource::Settings => "module-source-user",
            ModuleSource::Environment => "module-source-env",
            ModuleSource::P11Kit { .. } => "module-source-p11kit",
            ModuleSource::WellKnown => "module-source-known",
        });
        let mut lines =
            column![text(m.path.display().to_string()).size(size.body()), text(source).size(size.small())];
        if !state.is_empty() {
            lines = lines.push(text(state).size(size.small()));
        }
        let mut entry = row![lines.width(Length::Fill)].spacing(8).align_y(iced::Alignment::Center);
        if m.source == ModuleSource::Settings {
            entry = entry.push(
                button(text(i18n::text("btn-remove-module")).size(size.small()))
                    .style(button::secondary)
                    .on_press(Message::RemoveModule(m.path.clone())),
            );
        }
        col = col.push(entry);
    }
    col = col.push(
        button(text(i18n::text("btn-add-module")).size(size.body()))
            .style(button::secondary)
            .padding(8)
            .on_press(Message::Browse(super::file_picker::PickFor::Module)),
    );
    if let Some(status) = status {
        col = col.push(text(status).size(size.body()));
    }
    scrollable(col).height(Length::Fill).into()
}
