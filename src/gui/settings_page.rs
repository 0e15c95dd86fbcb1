//! The settings page: language, text size, contrast (saved in the settings file), the
//! trust anchors (see `anchors`), and the PKCS#11 modules found.

use ecert::i18n::{self, Language};
use ecert::pkcs11::{ModuleSource, ModuleStatus};
use iced::widget::{button, column, row, scrollable, text, Column};
use iced::{Element, Length};

use super::{Message, TextSize};

pub fn view(app: &super::App) -> Element<'_, Message> {
    let (language, size, high_contrast, revocation_checking) =
        (app.language, app.text_size, app.high_contrast, app.revocation_checking);
    let modules: &[ModuleStatus] = app.snapshot.as_ref().map_or(&[], |s| s.modules.as_slice());
    let (anchors, status) = (&app.anchors, app.status.as_deref());
    let mut col: Column<'_, Message> = column![
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
    col = col
        .push(sizes)
        .push(switch("label-high-contrast", high_contrast, Message::ToggleContrast, size))
        .push(switch("label-revocation", revocation_checking, Message::ToggleRevocation, size))
        .push(switch("label-counter-mode", app.counter_mode, Message::ToggleCounterMode, size));
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

/// A labelled on/off switch (a button showing the state; pressing flips it).
fn switch<'a>(label: &str, on: bool, msg: Message, size: TextSize) -> Element<'a, Message> {
    row![
        text(i18n::text(label)).size(size.body()),
        button(text(i18n::text(if on { "label-on" } else { "label-off" })).size(size.body()))
            .style(if on { button::primary } else { button::secondary })
            .on_press(msg),
    ]
    .spacing(12)
    .align_y(iced::Alignment::Center)
    .wrap()
    .into()
}

impl super::App {
    /// Flips one of the on/off settings and saves.
    pub(super) fn toggle(&mut self, which: &Message) -> iced::Task<Message> {
        match which {
            Message::ToggleContrast => self.high_contrast = !self.high_contrast,
            Message::ToggleRevocation => self.revocation_checking = !self.revocation_checking,
            Message::ToggleCounterMode => self.counter_mode = !self.counter_mode,
            _ => return iced::Task::none(),
        }
        self.save_settings()
    }
}

#[cfg(test)]
mod tests {
    use crate::gui::tests::{app_with_a_card, lang_lock, shows};
    use crate::gui::Message;
    use ecert::i18n::{self, Language};

    #[test]
    fn counter_mode_is_off_until_switched_on_in_settings() {
        let _lang = lang_lock();
        i18n::set_language(Language::English);
        let (mut app, _) = app_with_a_card();
        assert!(!app.counter_mode && !shows(&app, "Counter"));
        let _ = app.update(Message::OpenSettings);
        assert!(shows(&app, "Post-office counter mode (for counter staff)"));
        let _ = app.update(Message::ToggleCounterMode);
        assert!(app.counter_mode && shows(&app, "Counter"), "the top bar now offers the counter");
        let _ = app.update(Message::ToggleCounterMode);
        assert!(!app.counter_mode && !shows(&app, "Counter"));
    }
}
