//! The diagnostics page: what the app sees, in the user's language — smart-card service,
//! readers with their card's name (from the ATR, ISO/IEC 7816-3 §8) and ATR, cards and
//! tokens, PKCS#11 modules with their load errors, the app version — and a button that
//! copies the plain-text report of `ecert::ops::diagnostics` (no names, no ID numbers).

use ecert::i18n;
use ecert::reader::PcscStatus;
use ecert::service::Snapshot;
use iced::widget::{button, column, container, scrollable, text, Column};
use iced::{Element, Length};

use super::sidebar::{card_name, kind_name, pin_state};
use super::{Message, TextSize};

/// The page's lines, section by section (tested without a window).
pub fn sections(snapshot: Option<&Snapshot>) -> Vec<(String, Vec<String>)> {
    let version = i18n::text_args(
        "diag-version",
        &[
            ("version", env!("CARGO_PKG_VERSION").to_owned()),
            ("os", format!("{} {}", std::env::consts::OS, std::env::consts::ARCH)),
        ],
    );
    let Some(snap) = snapshot else {
        return vec![(i18n::text("diag-service"), vec![i18n::text("diag-starting")]), (version, vec![])];
    };
    let service = match &snap.pcsc {
        PcscStatus::Running => i18n::text("diag-service-running"),
        PcscStatus::NotRunning => {
            format!("{} — {}", i18n::text("empty-service-title"), i18n::text("empty-service-body"))
        }
        PcscStatus::Failed { detail } => i18n::text_args("diag-service-failed", &[("error", detail.clone())]),
    };
    let readers = snap
        .readers
        .iter()
        .map(|r| {
            let card = match &r.atr {
                None => i18n::text("label-no-card"),
                Some(atr) => {
                    let name = card_name(r.card.as_ref()).unwrap_or_else(|| i18n::text("label-unknown-card"));
                    format!("{name} · {}", i18n::text_args("label-atr", &[("atr", atr.clone())]))
                }
            };
            format!("{}: {card}", r.name)
        })
        .collect();
    let tokens = snap
        .tokens
        .iter()
        .map(|t| {
            let maker =
                [t.manufacturer.as_deref(), t.model.as_deref()].into_iter().flatten().collect::<Vec<_>>();
            let mut line = kind_name(t);
            if !maker.is_empty() {
                line = format!("{line} ({})", maker.join(" "));
            }
            match pin_state(t) {
                Some(pin) => format!("{line} · {pin}"),
                None => line,
            }
        })
        .collect();
    let modules = snap
        .modules
        .iter()
        .map(|m| {
            let state = m.error.as_ref().map_or_else(
                || m.library.clone().unwrap_or_else(|| i18n::text("diag-module-loaded")),
                |e| i18n::text_args("label-module-error", &[("error", e.clone())]),
            );
            format!("{}: {state}", m.path.display())
        })
        .collect();
    vec![
        (i18n::text("diag-service"), vec![service]),
        (i18n::text("title-readers"), non_empty(readers)),
        (i18n::text("title-tokens"), non_empty(tokens)),
        (i18n::text("title-modules"), non_empty(modules)),
        (version, vec![]),
    ]
}

fn non_empty(lines: Vec<String>) -> Vec<String> {
    if lines.is_empty() {
        vec![i18n::text("diag-none")]
    } else {
        lines
    }
}

pub fn view<'a>(
    snapshot: Option<&'a Snapshot>,
    size: TextSize,
    status: Option<&'a str>,
) -> Element<'a, Message> {
    let report = snapshot.map(ecert::ops::diagnostics::report).unwrap_or_default();
    let mut col: Column<'a, Message> = column![
        button(text(i18n::text("btn-back")).size(size.body()))
            .style(button::secondary)
            .on_press(Message::Back),
        text(i18n::text("title-diagnostics")).size(size.title()),
    ]
    .spacing(12);
    for (title, lines) in sections(snapshot) {
        let mut block = column![text(title).size(size.heading())].spacing(4);
        for line in lines {
            block = block.push(text(line).size(size.body()));
        }
        col = col.push(container(block).padding(10).width(Length::Fill).style(container::bordered_box));
    }
    col = col.push(text(i18n::text("diag-report-note")).size(size.small())).push(
        button(text(i18n::text("btn-copy-report")).size(size.body()))
            .style(button::primary)
            .padding(10)
            .on_press(Message::CopyReport(report)),
    );
    if let Some(status) = status {
        col = col.push(text(status).size(size.body()));
    }
    scrollable(col).height(Length::Fill).into()
}

#[cfg(test)]
mod tests {
    use super::sections;
    use ecert::i18n::{self, Language};
    use ecert::reader::{CardKind, PcscStatus, ReaderInfo};
    use ecert::service::Snapshot;

    fn reader(name: &str, atr: Option<&str>, card: Option<CardKind>) -> ReaderInfo {
        ReaderInfo {
            name: name.into(),
            card_present: atr.is_some(),
            exclusive: false,
            atr: atr.map(Into::into),
            card,
        }
    }

    #[test]
    fn names_cards_by_atr_and_shows_no_person() {
        let _lang = super::super::tests::lang_lock();
        i18n::set_language(Language::English);
        let mut token = super::super::tests::piv_token("Reader B", 1);
        token.label = "CHAN Tai Man".into();
        let snap = Snapshot {
            pcsc: PcscStatus::Running,
            readers: vec![
                reader(
                    "Reader A",
                    Some("3B F8 96 00 00 81 31 FE 44 00 73 94 01 C0 0F 90 00 DD"),
                    Some(CardKind::HkSmartId),
                ),
                reader("Reader B", Some("3B 95 13 81 01 80 73 FF 01 00 0B"), Some(CardKind::Virtual)),
                reader("Reader C", None, None),
            ],
            tokens: vec![token],
            modules: vec![ecert::pkcs11::ModuleStatus {
                path: "/usr/lib/broken.so".into(),
                source: ecert::pkcs11::ModuleSource::Settings,
                library: None,
                error: Some("file not found".into()),
            }],
        };
        let all: Vec<String> =
            sections(Some(&snap)).into_iter().flat_map(|(t, l)| std::iter::once(t).chain(l)).collect();
        let text = all.join("\n");
        assert!(text.contains("Reader A: Hong Kong smart ID card · ATR 3B F8 96"), "{text}");
        assert!(text.contains("Reader B: Virtual smart card (vsmartcard)"), "{text}");
        assert!(text.contains("Reader C: No card"), "{text}");
        assert!(text.contains("Smart card (PIV) · PIN: one try left"), "{text}");
        assert!(text.contains("/usr/lib/broken.so: cannot be used: file not found"), "{text}");
        assert!(text.contains(env!("CARGO_PKG_VERSION")), "{text}");
        assert!(!text.contains("CHAN"), "the token's label (often the holder's name) is not shown: {text}");
        let report = ecert::ops::diagnostics::report(&snap);
        assert!(!report.contains("CHAN"), "{report}");
    }
}
