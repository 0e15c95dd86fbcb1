//! What the guided key, request, import, test-signature and renewal dialogs share: the tries
//! line, the locations a token offers, credentials, the management-key field, the Documents
//! folder, saving without overwriting, the dialog frame. The app's reactions to the dialogs
//! are in [`super::guided`]. Card work goes to the service; file work runs in a `Task`;
//! nothing blocks `update`.

use std::path::{Path, PathBuf};

use ecert::i18n;
use ecert::secret::{ManagementKey, Pin};
use ecert::service::Operation;
use ecert::token::{Auth, PinFacts, TokenError, TokenKind};
use iced::widget::{button, column, container, row, scrollable, text, text_input, Column};
use iced::{Element, Length, Task};
use zeroize::Zeroizing;

use super::TextSize;

/// What the app must do after a dialog's update.
pub enum Action<M> {
    None,
    Close,
    /// Run this on the selected token (the service's card thread).
    Send(Operation),
    /// File work off the UI thread; its result comes back as a message of the dialog.
    Task(Task<M>),
    /// Choose a file with the picker (its path comes back as the dialog's path message).
    Browse(super::file_picker::PickFor),
}

/// The PIV key slots a user key may go to (SP 800-73-4 part 1 table 4: authentication,
/// signature, key management, card authentication).
pub const PIV_SLOTS: [&str; 4] = ["9a", "9c", "9d", "9e"];

/// The line shown before any entry: tries left, a plain warning before the last, blocked.
pub fn tries_line(facts: Option<PinFacts>) -> Option<String> {
    let f = facts?;
    Some(if f.locked {
        i18n::text("label-pin-blocked")
    } else if f.final_try || f.tries_left == Some(1) {
        i18n::text("label-pin-final")
    } else if let Some(n) = f.tries_left {
        i18n::text_num("label-pin-tries", &[("tries", i64::from(n))])
    } else {
        return None;
    })
}

/// Why a token of this kind cannot do key work, if it cannot (`None`: it can).
pub fn why_not(kind: Option<TokenKind>) -> Option<String> {
    match kind {
        Some(TokenKind::PivCard | TokenKind::Pkcs11) => None,
        Some(TokenKind::File) => Some(i18n::text("keys-file-note")),
        None => Some(i18n::text("keys-no-card-note")),
    }
}

/// Free locations for a new key: PIV slots without a certificate, or the first free
/// PKCS#11 id.
pub fn free_locations(kind: Option<TokenKind>, used: &[String]) -> Vec<String> {
    match kind {
        Some(TokenKind::PivCard) => PIV_SLOTS
            .iter()
            .filter(|s| !used.iter().any(|u| u.eq_ignore_ascii_case(s)))
            .map(|s| (*s).to_owned())
            .collect(),
        _ => vec![super::install_dialog::free_location(used)],
    }
}

/// Credentials for one operation: the PIN, and the factory management key a PIV card
/// wants for writes (PKCS#11 ignores it).
pub fn auth(pin: &str) -> Auth {
    Auth {
        pin: (!pin.is_empty()).then(|| Pin::new(pin.to_owned())),
        management_key: Some(ManagementKey::factory_default()),
        ..Auth::default()
    }
}

/// Why a typed management key was refused before anything was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MgmtKeyFormat {
    /// Something other than hex digits, spaces and colons.
    NotHex,
    /// Not 48 (3DES, AES-192), 32 (AES-128) or 64 (AES-256) hex digits.
    Length { digits: usize },
}

/// Parses a management key as typed: hex, spaces and colons ignored, 16, 24 or 32 bytes
/// (SP 800-78-4 Table 5; a 24-byte key is tried as 3DES, then AES-192, by the driver).
pub fn parse_mgmt_key(text: &str) -> Result<ManagementKey, MgmtKeyFormat> {
    let digits: Zeroizing<String> =
        Zeroizing::new(text.chars().filter(|c| !c.is_whitespace() && *c != ':').collect());
    if !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(MgmtKeyFormat::NotHex);
    }
    if !matches!(digits.len(), 32 | 48 | 64) {
        return Err(MgmtKeyFormat::Length { digits: digits.len() });
    }
    ManagementKey::from_hex(&digits).ok_or(MgmtKeyFormat::NotHex)
}

fn format_error(e: MgmtKeyFormat) -> String {
    match e {
        MgmtKeyFormat::NotHex => i18n::text("mgmt-key-not-hex"),
        MgmtKeyFormat::Length { digits } => {
            i18n::text_args("mgmt-key-length", &[("digits", digits.to_string())])
        }
    }
}

/// The card management key field a dialog shows once the card refused the factory key
/// (`PivError::ManagementKeyRejected`; many YubiKeys have their key changed). Until then
/// requests carry the factory key. The typed text is wiped as the request leaves.
#[derive(Default)]
pub struct MgmtKeyField {
    asked: bool,
    text: Zeroizing<String>,
    /// Why the last key typed was not used or not accepted (localized).
    error: Option<String>,
}

impl MgmtKeyField {
    /// The card refused a key: the field is shown.
    pub fn asked(&self) -> bool {
        self.asked
    }

    /// The user typed in the field.
    pub fn set(&mut self, text: String) {
        self.text = Zeroizing::new(text);
        self.error = None;
    }

    /// Nothing is missing for the next request (a key is typed once the field is shown).
    pub fn ready(&self) -> bool {
        !self.asked || !self.text.trim().is_empty()
    }

    #[cfg(test)]
    pub fn cleared(&self) -> bool {
        self.text.is_empty()
    }

    /// Whether the typed key (if one is asked for) is a key; if not, the error is shown.
    pub fn check(&mut self) -> bool {
        if !self.asked {
            return true;
        }
        match parse_mgmt_key(&self.text) {
            Ok(_) => true,
            Err(e) => {
                self.error = Some(format_error(e));
                false
            }
        }
    }

    /// Looks at a finished operation: a refused management key shows the field (with an
    /// error when the refused key was typed). Returns whether it was refused.
    pub fn finished<T>(&mut self, result: &Result<T, TokenError>) -> bool {
        let refused = matches!(result, Err(e) if e.problem() == ecert::token::Problem::ManagementKeyRejected);
        if refused {
            self.error = self.asked.then(|| i18n::text("mgmt-key-refused"));
            self.asked = true;
        }
        refused
    }

    /// Credentials for the next request: the PIN, and the typed management key once the
    /// card refused the factory one. `None` (with the error shown, nothing to send) when
    /// the typed key is not a key. The typed text is wiped either way.
    pub fn auth(&mut self, pin: &str) -> Option<Auth> {
        let mut auth = auth(pin);
        if self.asked {
            let typed = std::mem::take(&mut self.text);
            match parse_mgmt_key(&typed) {
                Ok(key) => auth.management_key = Some(key),
                Err(e) => {
                    self.error = Some(format_error(e));
                    return None;
                }
            }
        }
        Some(auth)
    }

    /// The field, its explanation and its error; nothing until the card refused a key.
    pub fn view<'a, M: Clone + 'a>(
        &'a self,
        on: impl Fn(String) -> M + 'a,
        submit: M,
        size: TextSize,
    ) -> Option<Element<'a, M>> {
        if !self.asked {
            return None;
        }
        let mut col = column![text(i18n::text("mgmt-key-why")).size(size.body())].spacing(6);
        col = col.push(field(i18n::text("label-mgmt-key"), &self.text, true, on, submit, size));
        if let Some(e) = &self.error {
            col = col.push(text(e.clone()).size(size.body()));
        }
        Some(col.into())
    }
}

/// Message and remedy for an error, localized.
pub fn failure(e: &TokenError) -> (String, String) {
    let t = i18n::error_text(e);
    (t.message, t.remedy)
}

/// The user's Documents folder (home if none, else the temp folder).
pub fn documents_dir() -> PathBuf {
    directories::UserDirs::new()
        .and_then(|u| u.document_dir().map(Path::to_path_buf).or_else(|| Some(u.home_dir().to_path_buf())))
        .unwrap_or_else(std::env::temp_dir)
}

/// Writes `bytes` as `<stem>.<ext>` in `dir`, or `<stem>-2.<ext>`…: never over a file.
pub fn save_new_blocking(dir: &Path, stem: &str, ext: &str, bytes: &[u8]) -> Result<PathBuf, String> {
    use std::io::Write;
    let stem = stem.replace(['/', '\\', ':', ' '], "_");
    for n in 1..1000 {
        let name = if n == 1 { format!("{stem}.{ext}") } else { format!("{stem}-{n}.{ext}") };
        let path = dir.join(name);
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut f) => {
                f.write_all(bytes)
                    .and_then(|()| f.sync_all())
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(format!("{}: {e}", path.display())),
        }
    }
    Err(format!("{}: {}", dir.display(), i18n::text("err-other")))
}

/// A labelled input; secure fields never echo.
pub fn field<'a, M: Clone + 'a>(
    label: String,
    value: &'a str,
    secure: bool,
    on: impl Fn(String) -> M + 'a,
    submit: M,
    size: TextSize,
) -> Column<'a, M> {
    column![
        text(label).size(size.body()),
        text_input("", value).secure(secure).on_input(on).on_submit(submit).size(size.body()).padding(8),
    ]
    .spacing(4)
}

/// The PIN field (hidden text), sending `submit` on Enter.
pub fn pin_field<'a, M: Clone + 'a>(
    value: &'a str,
    on: impl Fn(String) -> M + 'a,
    submit: M,
    size: TextSize,
) -> Column<'a, M> {
    field(i18n::text("label-pin"), value, true, on, submit, size)
}

/// `col` with the tries-left line ([`tries_line`]) under it, when the card says.
pub fn with_tries<'a, M: 'a>(col: Column<'a, M>, facts: Option<PinFacts>, size: TextSize) -> Column<'a, M> {
    match tries_line(facts) {
        Some(line) => col.push(text(line).size(size.heading())),
        None => col,
    }
}

/// A dialog that cannot run on this card or token: its heading, why, and its action
/// button disabled next to Close.
pub fn blocked<'a, M: Clone + 'a>(
    col: Column<'a, M>,
    why: &str,
    action: String,
    close: M,
    size: TextSize,
) -> Element<'a, M> {
    frame(col.push(text(why.to_owned()).size(size.body())).push(buttons(action, None, close, false, size)))
}

/// A row of choice buttons (locations, key types); the chosen one is primary.
pub fn choices<'a, M: Clone + 'a>(
    options: impl IntoIterator<Item = (String, M, bool)>,
    enabled: bool,
    size: TextSize,
) -> Element<'a, M> {
    let mut r = row![].spacing(8);
    for (label, msg, chosen) in options {
        r = r.push(
            button(text(label).size(size.body()))
                .style(if chosen { button::primary } else { button::secondary })
                .padding(8)
                .on_press_maybe(enabled.then_some(msg)),
        );
    }
    r.into()
}

/// The action and Close buttons: both disabled while the card works.
pub fn buttons<'a, M: Clone + 'a>(
    label: String,
    press: Option<M>,
    close: M,
    busy: bool,
    size: TextSize,
) -> Element<'a, M> {
    let label = if busy { i18n::text("status-working") } else { label };
    row![
        button(text(label).size(size.body())).style(button::primary).padding(10).on_press_maybe(press),
        button(text(i18n::text("btn-close")).size(size.body()))
            .style(button::secondary)
            .padding(10)
            .on_press_maybe((!busy).then_some(close)),
    ]
    .spacing(10)
    .into()
}

/// The bordered frame every dialog sits in.
pub fn frame<'a, M: 'a>(col: Column<'a, M>) -> Element<'a, M> {
    // Large text makes a dialog taller than the window: it scrolls.
    let boxed = container(col.spacing(12).max_width(640)).padding(20).width(Length::Fill);
    scrollable(boxed.style(container::bordered_box)).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ecert::piv::PivError;

    const TDES: &str = "0102030405060708 0102030405060708 0102030405060708";

    #[test]
    fn management_keys_parse_by_length() {
        let k = parse_mgmt_key(TDES).unwrap();
        assert_eq!(k.expose(), ManagementKey::factory_default().expose(), "3DES, 24 bytes");
        let aes128 = parse_mgmt_key(&"ab".repeat(16)).unwrap();
        assert_eq!(aes128.expose(), [0xAB; 16]);
        let aes256 = parse_mgmt_key(&"0F".repeat(32)).unwrap();
        assert_eq!(aes256.expose(), [0x0F; 32]);
        let colons =
            parse_mgmt_key("01:02:03:04:05:06:07:08:01:02:03:04:05:06:07:08:01:02:03:04:05:06:07:08")
                .unwrap();
        assert_eq!(colons.expose(), ManagementKey::factory_default().expose());
        let wrapped = parse_mgmt_key("  010203040506070801020304\n050607080102030405060708\t").unwrap();
        assert_eq!(wrapped.expose().len(), 24);
    }

    #[test]
    fn typos_in_management_keys_are_caught_before_sending() {
        assert_eq!(parse_mgmt_key(&"zz".repeat(24)).unwrap_err(), MgmtKeyFormat::NotHex);
        assert_eq!(parse_mgmt_key("0x0102").unwrap_err(), MgmtKeyFormat::NotHex);
        assert_eq!(parse_mgmt_key(&"01".repeat(23)).unwrap_err(), MgmtKeyFormat::Length { digits: 46 });
        assert_eq!(parse_mgmt_key(&"01".repeat(20)).unwrap_err(), MgmtKeyFormat::Length { digits: 40 });
        assert_eq!(parse_mgmt_key("").unwrap_err(), MgmtKeyFormat::Length { digits: 0 });
        assert_eq!(parse_mgmt_key(&"1".repeat(47)).unwrap_err(), MgmtKeyFormat::Length { digits: 47 });
    }

    #[test]
    fn the_field_appears_on_a_refused_key_and_its_key_leaves_once() {
        let _lang = super::super::tests::lang_lock();
        i18n::set_language(i18n::Language::English);
        let mut f = MgmtKeyField::default();
        assert!(!f.asked() && f.ready());
        let factory = f.auth("123456").unwrap();
        assert_eq!(
            factory.management_key.unwrap().expose(),
            ManagementKey::factory_default().expose(),
            "the factory key until the card refuses it"
        );
        assert!(!f.finished::<()>(&Err(TokenError::Piv(PivError::WrongPin {
            which: ecert::piv::PinRef::Pin,
            tries_left: Some(2)
        }))));
        assert!(!f.asked(), "another error does not ask for the key");
        assert!(f.finished::<()>(&Err(TokenError::Piv(PivError::ManagementKeyRejected))));
        assert!(f.asked() && !f.ready(), "a key must be typed");
        assert!(f.error.is_none(), "the first refusal only explains");
        f.set("not a key".into());
        assert!(f.auth("123456").is_none(), "nothing is sent");
        assert!(f.error.as_deref().is_some_and(|e| e.contains("hex")), "{:?}", f.error);
        assert!(f.cleared());
        f.set("ab".repeat(16));
        assert!(f.error.is_none());
        let auth = f.auth("123456").unwrap();
        assert_eq!(auth.management_key.unwrap().expose(), [0xAB; 16]);
        assert_eq!(auth.pin.map(|p| p.expose().to_owned()).as_deref(), Some("123456"));
        assert!(f.cleared(), "wiped as the request leaves");
        assert!(f.finished::<()>(&Err(TokenError::Piv(PivError::ManagementKeyRejected))));
        assert!(f.error.is_some(), "a typed key refused says so");
        assert!(!f.finished::<()>(&Ok(())));
        assert!(f.asked());
    }
}
