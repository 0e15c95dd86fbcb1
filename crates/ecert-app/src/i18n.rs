//! Localized text (Project Fluent, `i18n/<lang>/ecert.ftl`) for GUI and CLI: English,
//! Traditional Chinese (Hong Kong) and Simplified Chinese, chosen from the OS locale or
//! `ECERT_LANG`, switchable at run time. Errors become text only here ([`error_text`]).

mod directory_text;
mod error_text;
mod file_text;
mod kind_text;
mod network_text;

pub use directory_text::{directory_error_ids, directory_error_text};
pub use error_text::{error_ids, error_text, ErrorText};
pub use file_text::{file_error_ids, file_error_text};
pub use kind_text::Label;
pub use network_text::{network_error_ids, network_error_text};

use std::collections::HashMap;
use std::sync::LazyLock;

use i18n_embed::fluent::FluentLanguageLoader;
use i18n_embed::LanguageLoader;
use rust_embed::RustEmbed;
use unic_langid::LanguageIdentifier;

#[derive(RustEmbed)]
#[folder = "../../i18n/"]
struct Localizations;

/// The languages we ship, in the order the language switcher shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Language {
    English,
    TraditionalChineseHk,
    SimplifiedChinese,
}

impl Language {
    pub const ALL: [Language; 3] = [Self::English, Self::TraditionalChineseHk, Self::SimplifiedChinese];

    pub fn tag(self) -> &'static str {
        match self {
            Self::English => "en",
            Self::TraditionalChineseHk => "zh-HK",
            Self::SimplifiedChinese => "zh-CN",
        }
    }

    /// The language's own name, as the switcher shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Self::English => "English",
            Self::TraditionalChineseHk => "繁體中文 (香港)",
            Self::SimplifiedChinese => "简体中文",
        }
    }

    /// Maps a BCP 47 tag to one of ours: zh-TW/zh-HK/zh-MO/zh-Hant → Traditional, other zh →
    /// Simplified, anything else → English.
    pub fn from_tag(tag: &str) -> Self {
        let t = tag.to_ascii_lowercase().replace('_', "-");
        if !t.starts_with("zh") {
            return Self::English;
        }
        if ["hant", "-hk", "-tw", "-mo"].iter().any(|m| t.contains(m)) {
            Self::TraditionalChineseHk
        } else {
            Self::SimplifiedChinese
        }
    }

    /// `ECERT_LANG`, else the OS locale, else English.
    pub fn from_environment() -> Self {
        if let Ok(tag) = std::env::var("ECERT_LANG") {
            return Self::from_tag(&tag);
        }
        i18n_embed::DesktopLanguageRequester::requested_languages()
            .first()
            .map_or(Self::English, |id| Self::from_tag(&id.to_string()))
    }
}

static LOADER: LazyLock<FluentLanguageLoader> = LazyLock::new(|| {
    let fallback: LanguageIdentifier = "en".parse().unwrap_or_default();
    let loader = FluentLanguageLoader::new("ecert", fallback);
    let _ = loader
        .load_languages(&Localizations, &[id_of(Language::from_environment()), id_of(Language::English)]);
    // Isolation marks (U+2068/9) would break exact-text matching in tests and terminals.
    loader.set_use_isolating(false);
    loader
});

fn id_of(lang: Language) -> LanguageIdentifier {
    lang.tag().parse().unwrap_or_default()
}

/// Switches every later lookup to `lang` (English stays the fallback for missing messages).
pub fn set_language(lang: Language) {
    let _ = LOADER.load_languages(&Localizations, &[id_of(lang), id_of(Language::English)]);
    // New bundles start with isolation on again.
    LOADER.set_use_isolating(false);
}

/// The current language.
pub fn language() -> Language {
    LOADER.current_languages().first().map_or(Language::English, |id| Language::from_tag(&id.to_string()))
}

/// The message `id` in the current language.
pub fn text(id: &str) -> String {
    text_args(id, &[])
}

/// The message `id` with Fluent arguments. Every message also gets `$os` (`windows`, `macos`,
/// `linux`, …: Rust's `std::env::consts::OS`), so that a message can name the platform's own
/// service or menu — e.g. the Windows "Smart Card" service (SCardSvr) instead of pcscd.
pub fn text_args(id: &str, args: &[(&str, String)]) -> String {
    let mut map: HashMap<&str, String> = args.iter().cloned().collect();
    map.entry("os").or_insert_with(|| std::env::consts::OS.to_owned());
    LOADER.get_args(id, map)
}

/// The message `id` with numeric Fluent arguments, so that plural selectors
/// (`{ $days -> [one] … *[other] … }`) and `NUMBER()` see numbers, not strings: "1 day left".
pub fn text_num(id: &str, args: &[(&str, i64)]) -> String {
    let map: HashMap<&str, i64> = args.iter().copied().collect();
    LOADER.get_args(id, map)
}

/// A calendar date (UTC) the way the current language writes it: `30/11/2026` in English
/// (Hong Kong usage, day first), `2026年11月30日` in Chinese. Digits are passed as text so
/// Fluent never groups them ("2,026").
pub fn date(unix: u64) -> String {
    let ymd = crate::ops::audit::rfc3339(unix);
    let (year, month, day) =
        (&ymd[0..4], ymd[5..7].trim_start_matches('0'), ymd[8..10].trim_start_matches('0'));
    text_args("date", &[("year", year.to_owned()), ("month", month.to_owned()), ("day", day.to_owned())])
}

/// Every message id of one language's file, for the parity test.
pub fn message_ids(lang: Language) -> Vec<String> {
    let path = format!("{}/ecert.ftl", lang.tag());
    let Some(file) = Localizations::get(&path) else { return Vec::new() };
    let mut ids: Vec<String> = String::from_utf8_lossy(&file.data)
        .lines()
        .filter_map(|l| {
            let id = l.split('=').next()?.trim();
            (!l.starts_with([' ', '#']) && l.contains('=') && !id.is_empty()).then(|| id.to_owned())
        })
        .collect();
    ids.sort();
    ids
}
