//! The diagnostics page: the report of `ecert::ops::diagnostics` (no names, no ID numbers)
//! and a button that copies it.

use ecert::i18n;
use ecert::service::Snapshot;
use iced::widget::{button, column, container, scrollable, text};
use iced::{Element, Length};

use super::{Message, TextSize};

pub fn view<'a>(
    snapshot: Option<&'a Snapshot>,
    size: TextSize,
    status: Option<&'a str>,
) -> Element<'a, Message> {
    let report = snapshot.map(ecert::ops::diagnostics::report).unwrap_or_default();
    let mut col = column![
        button(text(i18n::text("btn-back")).size(size.body()))
            .style(button::secondary)
            .on_press(Message::Back),
        text(i18n::text("title-diagnostics")).size(size.title()),
        container(text(report.clone()).size(size.small()))
            .padding(12)
            .width(Length::Fill)
            .style(container::bordered_box),
        button(text(i18n::text("btn-copy-report")).size(size.body()))
            .style(button::primary)
            .padding(10)
            .on_press(Message::CopyReport(report)),
    ]
    .spacing(12);
    if let Some(status) = status {
        col = col.push(text(status).size(size.body()));
    }
    scrollable(col).height(Length::Fill).into()
}
