//! Installing an e-Cert file (.p12/.pfx) into a PKCS#11 token: the file's path, its
//! password and the token's PIN, then one request to the service (key first, then the
//! certificate, which the token proves matches; on failure the key is taken out again —
//! `ops::install`). The typed secrets are wiped as the request leaves. On a PIV card the
//! install is the journaled workflow (`ops::install::start_journaled`: key imported with
//! Yubico IMPORT ASYMMETRIC KEY, certificate written once the card proves the pair) into a
//! free slot; the dialog says first that a card key cannot be exported.

use ecert::i18n;
use ecert::secret::{Password, Pin};
use ecert::service::Operation;
use ecert::token::Auth;
use iced::widget::{button, column, container, row, text, text_input};
use iced::{Element, Length};
use zeroize::Zeroizing;

use super::{Secret, TextSize};

#[derive(Debug, Clone)]
pub enum InstallMsg {
    Path(String),
    /// Choose the file with the picker.
    Browse,
    Password(Secret),
    Pin(Secret),
    Submit,
    Close,
}

pub enum Action {
    None,
    Close,
    Browse,
    Send(Operation),
}

pub struct InstallDialog {
    /// False when no card or token is selected (or a file is).
    pub can_import: bool,
    /// A PIV card: journaled install into a free slot, with the management key.
    pub piv: bool,
    /// Where the key and certificate go (a PKCS#11 CKA_ID not used on the token).
    pub location: String,
    pub path: String,
    password: Zeroizing<String>,
    pin: Zeroizing<String>,
    pub busy: bool,
    pub outcome: Option<Result<(), (String, String)>>,
}

/// The first PIV slot (9a, 9c, 9d, 9e, then the retired ones) without a certificate.
pub fn free_piv_slot(used: &[String]) -> String {
    ecert::piv::Slot::all()
        .into_iter()
        .map(ecert::piv::Slot::id)
        .find(|id| !used.iter().any(|u| u.eq_ignore_ascii_case(id)))
        .unwrap_or_default()
}

/// The first one-byte id (hex) not used by the token's certificates.
pub fn free_location(used: &[String]) -> String {
    (1u8..=255)
        .map(|b| format!("{b:02x}"))
        .find(|id| !used.iter().any(|u| u.eq_ignore_ascii_case(id)))
        .unwrap_or_default()
}

impl InstallDialog {
    pub fn new(can_import: bool, used: &[String]) -> Self {
        Self {
            can_import,
            piv: false,
            location: free_location(used),
            path: String::new(),
            password: Zeroizing::default(),
            pin: Zeroizing::default(),
            busy: false,
            outcome: None,
        }
    }

    /// Whether both secrets are empty (after a request left, or before typing).
    #[cfg(test)]
    pub fn secrets_cleared(&self) -> bool {
        self.password.is_empty() && self.pin.is_empty()
    }

    pub fn update(&mut self, msg: InstallMsg) -> Action {
        match msg {
            InstallMsg::Path(p) => self.path = p,
            InstallMsg::Browse if !self.busy => return Action::Browse,
            InstallMsg::Password(s) => self.password = Zeroizing::new(s.0),
            InstallMsg::Pin(s) => self.pin = Zeroizing::new(s.0),
            InstallMsg::Close if !self.busy => return Action::Close,
            InstallMsg::Submit if self.can_import && !self.busy && !self.path.trim().is_empty() => {
                self.busy = true;
                self.outcome = None;
                let password = Password::new(std::mem::take(&mut *self.password));
                let pin = Pin::new(std::mem::take(&mut *self.pin));
                if self.piv {
                    let Some(journal_dir) = ecert::ops::journal::default_dir() else {
                        self.busy = false;
                        return Action::None;
                    };
                    let action = ecert::ops::workflow::Action::StartInstall {
                        location: self.location.clone(),
                        file: self.path.trim().into(),
                        password,
                        backup: None,
                    };
                    let auth = Auth {
                        pin: Some(pin),
                        management_key: Some(ecert::secret::ManagementKey::factory_default()),
                        ..Auth::default()
                    };
                    return Action::Send(Operation::Workflow { action, journal_dir, auth });
                }
                return Action::Send(Operation::InstallP12 {
                    file: self.path.trim().into(),
                    password,
                    location: self.location.clone(),
                    auth: Auth { pin: Some(pin), ..Auth::default() },
                });
            }
            _ => {}
        }
        Action::None
    }

    pub fn finished(&mut self, result: Result<(), ecert::token::TokenError>) {
        self.busy = false;
        self.outcome = Some(result.map_err(|e| {
            let t = i18n::error_text(&e);
            (t.message, t.remedy)
        }));
    }

    pub fn view(&self, size: TextSize) -> Element<'_, InstallMsg> {
        let mut col =
            column![text(i18n::text("title-install")).size(size.title())].spacing(14).max_width(620);
        if self.piv {
            let args = [("key", super::certs::key_purpose(&self.location).to_lowercase())];
            col = col.push(text(i18n::text_args("install-piv-note", &args)).size(size.body()));
        }
        let input = |label: &str, value: &str, secure: bool, on: fn(String) -> InstallMsg| {
            column![
                text(i18n::text(label)).size(size.body()),
                text_input("", value)
                    .secure(secure)
                    .on_input(on)
                    .on_submit(InstallMsg::Submit)
                    .size(size.body())
                    .padding(8),
            ]
            .spacing(4)
        };
        col = col
            .push(input("label-file-path", &self.path, false, InstallMsg::Path))
            .push(
                button(text(i18n::text("btn-browse")).size(size.body()))
                    .style(button::secondary)
                    .on_press_maybe((!self.busy).then_some(InstallMsg::Browse)),
            )
            .push(input("label-file-password", &self.password, true, |s| InstallMsg::Password(Secret(s))))
            .push(input("label-token-pin", &self.pin, true, |s| InstallMsg::Pin(Secret(s))));
        match &self.outcome {
            Some(Ok(())) => col = col.push(text(i18n::text("status-installed")).size(size.heading())),
            Some(Err((m, r))) => {
                col = col.push(text(m.clone()).size(size.heading())).push(text(r.clone()).size(size.body()));
            }
            None => {}
        }
        let ready = self.can_import && !self.busy && !self.path.trim().is_empty();
        let label = if self.busy { i18n::text("status-working") } else { i18n::text("btn-install") };
        col = col.push(
            row![
                button(text(label).size(size.body()))
                    .style(button::primary)
                    .padding(10)
                    .on_press_maybe(ready.then_some(InstallMsg::Submit)),
                button(text(i18n::text("btn-close")).size(size.body()))
                    .style(button::secondary)
                    .padding(10)
                    .on_press_maybe((!self.busy).then_some(InstallMsg::Close)),
            ]
            .spacing(10),
        );
        container(col).padding(20).width(Length::Fill).style(container::bordered_box).into()
    }
}
