//! Localized text (Fluent). Placeholder until the i18n module lands.
