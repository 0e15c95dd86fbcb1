//! Text sizes (three steps, like "A A A"), the bundled font, colours.

use iced::Font;

/// Noto Sans CJK HK subset (assets/fonts/README.md): Chinese never shows as boxes.
pub const FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/ecert-ui.otf");
pub const FONT: Font = Font::with_name("Noto Sans CJK HK");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextSize {
    Medium,
    Large,
    Largest,
}

impl TextSize {
    pub const ALL: [TextSize; 3] = [Self::Medium, Self::Large, Self::Largest];

    pub fn name(self) -> &'static str {
        match self {
            Self::Medium => "medium",
            Self::Large => "large",
            Self::Largest => "largest",
        }
    }

    pub fn from_name(name: &str) -> Self {
        match name {
            "large" => Self::Large,
            "largest" => Self::Largest,
            _ => Self::Medium,
        }
    }

    fn scale(self) -> f32 {
        match self {
            Self::Medium => 1.0,
            Self::Large => 1.25,
            Self::Largest => 1.5,
        }
    }

    pub fn body(self) -> f32 {
        17.0 * self.scale()
    }

    pub fn small(self) -> f32 {
        15.0 * self.scale()
    }

    pub fn heading(self) -> f32 {
        21.0 * self.scale()
    }

    pub fn title(self) -> f32 {
        24.0 * self.scale()
    }
}

/// The high-contrast theme: white text on black, a yellow accent with black text on it,
/// and signal colours bright enough on black (WCAG 2.2 §1.4.6 asks 7:1 for text; white on
/// black is 21:1, black on this yellow about 17:1).
pub fn high_contrast() -> iced::Theme {
    use iced::theme::palette::{Extended, Pair, Secondary};
    static THEME: std::sync::OnceLock<iced::Theme> = std::sync::OnceLock::new();
    THEME
        .get_or_init(|| {
            let palette = iced::theme::Palette {
                background: iced::Color::BLACK,
                text: iced::Color::WHITE,
                primary: iced::Color::from_rgb8(0xFF, 0xE6, 0x00),
                success: iced::Color::from_rgb8(0x3D, 0xFF, 0x6E),
                warning: iced::Color::from_rgb8(0xFF, 0xB0, 0x00),
                danger: iced::Color::from_rgb8(0xFF, 0x6B, 0x6B),
            };
            iced::Theme::custom_with_fn("High contrast", palette, |p| {
                let mut ext = Extended::generate(p);
                // Secondary buttons: white on dark grey (about 12:1) instead of the generated
                // mid grey, which gives black text only about 6:1.
                let pair = |v: u8| Pair::new(iced::Color::from_rgb8(v, v, v), iced::Color::WHITE);
                ext.secondary = Secondary { base: pair(0x38), weak: pair(0x24), strong: pair(0x50) };
                ext
            })
        })
        .clone()
}

/// A notice that asks for action (the renewal banner, an interrupted job): the page's soft
/// background framed in the theme's accent colour, so that it also stands out in high
/// contrast (yellow on black) where a soft background alone barely does.
pub fn banner(theme: &iced::Theme) -> iced::widget::container::Style {
    let palette = theme.extended_palette();
    iced::widget::container::Style {
        background: Some(palette.background.weak.color.into()),
        text_color: Some(palette.background.weak.text),
        border: iced::Border { color: palette.primary.strong.color, width: 2.0, radius: 6.0.into() },
        ..iced::widget::container::Style::default()
    }
}
