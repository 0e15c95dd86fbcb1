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
