//! The top bar: app title, language, text size, contrast, and the pages (find a
//! certificate, the post-office counter, settings, diagnostics). Its controls wrap onto a
//! second line in a narrow window at the largest text size.

use ecert::i18n::{self, Language};
use iced::widget::{button, container, row, text, Space};
use iced::{Element, Length};

use super::{App, Message, TextSize};

pub fn view(app: &App) -> Element<'_, Message> {
    let size = app.text_size;
    let mut langs = row![].spacing(6);
    for lang in Language::ALL {
        let b = button(text(lang.native_name()).size(size.small()));
        let b = if lang == app.language { b.style(button::primary) } else { b.style(button::secondary) };
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
    // Card work at the counter is recorded when it comes back: the page is not left meanwhile.
    let leave = |m: Message| (!app.counter_busy()).then_some(m);
    let contrast =
        button(text("◐").size(size.body())).on_press(Message::ToggleContrast).style(button::secondary);
    // The controls wrap onto a second line rather than run off a narrow window at the
    // largest text size.
    // The counter page only for post-office staff (Settings → counter mode).
    let counter = app.counter_mode.then(|| {
        button(text(i18n::text("btn-counter")).size(size.small()))
            .style(button::secondary)
            .on_press_maybe(leave(Message::OpenCounter))
    });
    let controls = row![
        langs,
        sizes,
        contrast,
        counter,
        button(text(i18n::text("btn-find")).size(size.small()))
            .style(button::secondary)
            .on_press_maybe(leave(Message::OpenFind)),
        button(text(i18n::text("btn-settings")).size(size.small()))
            .style(button::secondary)
            .on_press_maybe(leave(Message::OpenSettings)),
        button(text(i18n::text("btn-diagnostics")).size(size.small()))
            .style(button::secondary)
            .on_press_maybe(leave(Message::OpenDiagnostics)),
    ]
    .spacing(12)
    .align_y(iced::Alignment::Center)
    .wrap()
    .vertical_spacing(6);
    container(
        row![
            text(i18n::text("app-title")).size(size.title()),
            Space::new().width(Length::Fixed(24.0)),
            controls
        ]
        .align_y(iced::Alignment::Center),
    )
    .padding(12)
    .width(Length::Fill)
    .style(container::rounded_box)
    .into()
}
