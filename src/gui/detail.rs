//! One certificate, readable, in four tabs: General (owner, issuer, e-Cert type, validity with
//! days left, the renewal banner from 90 days before expiry, a trusted / not trusted / revoked
//! badge), Details (every field and extension), Chain (each certificate with its status) and
//! Revocation (source, time checked, next update). Below the tabs: save as PEM or DER, copy,
//! check now, remove, and open the folder of a saved file. File and process work runs in
//! tasks ([`export`]), never in `update`.

mod export;
mod general;
mod tabs;

pub use export::export_pem;

use ecert::cert::CertSummary;
use ecert::i18n;
use ecert::token::CertObject;
use iced::widget::{button, column, container, row, scrollable, text};
use iced::{Element, Length, Padding, Task};

use super::{App, Certs, Message, TextSize};

/// Days before notAfter from which the renewal banner shows.
pub const RENEW_BANNER_DAYS: i64 = 90;

/// The banner text, if any (tested without a window).
pub fn banner(s: &CertSummary, now: u64) -> Option<String> {
    let days = s.days_left(now);
    if days < 0 {
        Some(i18n::text("banner-expired"))
    } else if days <= RENEW_BANNER_DAYS {
        Some(i18n::text_num("banner-expiring", &[("days", days)]))
    } else {
        None
    }
}

/// Who renews this e-Cert and how, said under the banner: Hongkong Post and eSignTrust by
/// name and address, the demo CA as a demo, any other issuer by its name. `kind` is what
/// [`ecert::cert::kind::recognise_der`] made of it.
pub fn renewal_advice(kind: Option<ecert::cert::kind::Kind>, s: &CertSummary) -> String {
    if s.issuer.contains(ecert::demo::DEMO_CA_CN) {
        return i18n::text("renew-advice-demo");
    }
    if let Some(id) = kind.and_then(ecert::cert::kind::Kind::renewal_advice_id) {
        i18n::text(id)
    } else {
        let issuer = s.issuer_cn.clone().unwrap_or_else(|| s.issuer.clone());
        i18n::text_args("renew-advice-other", &[("issuer", issuer)])
    }
}

/// The validity check shown on the page: its report, or that it is running.
#[derive(Clone, Copy)]
pub struct Check<'a> {
    pub report: Option<&'a ecert::verify::Report>,
    pub running: bool,
}

/// The page's tabs, in the order shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    General,
    Details,
    Chain,
    Revocation,
}

impl Tab {
    pub const ALL: [Tab; 4] = [Tab::General, Tab::Details, Tab::Chain, Tab::Revocation];

    fn message_id(self) -> &'static str {
        match self {
            Tab::General => "tab-general",
            Tab::Details => "tab-details",
            Tab::Chain => "tab-chain",
            Tab::Revocation => "tab-revocation",
        }
    }
}

/// What the page remembers while it is open (reset when a certificate opens).
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub tab: Tab,
    /// The file last saved from this page, for "Open folder".
    pub exported: Option<std::path::PathBuf>,
}

/// Messages of the certificate page.
#[derive(Debug, Clone)]
pub enum Msg {
    /// Show one tab.
    ShowTab(Tab),
    /// Save certificate `n` as a DER file.
    ExportDer(usize),
    /// Put certificate `n` on the clipboard as PEM.
    CopyPem(usize),
    /// Open the folder of the file last saved.
    OpenFolder,
    /// The file manager was started (or not).
    FolderOpened(Result<(), String>),
}

impl App {
    /// Handles a message of the certificate page; files and processes only through tasks.
    pub(super) fn on_detail(&mut self, msg: Msg) -> Task<Message> {
        match msg {
            Msg::ShowTab(tab) => self.detail.tab = tab,
            Msg::ExportDer(i) => {
                let Some(cert) = self.cert(i) else { return Task::none() };
                let (der, file) = (cert.der.clone(), export::file_name(cert, "der"));
                return Task::perform(async move { export::export_der(&der, &file) }, Message::Exported);
            }
            Msg::CopyPem(i) => {
                let Some(cert) = self.cert(i) else { return Task::none() };
                match export::pem(&cert.der) {
                    Ok(pem) => {
                        self.status = Some(i18n::text("status-pem-copied"));
                        return iced::clipboard::write(pem);
                    }
                    Err(e) => self.status = Some(e),
                }
            }
            Msg::OpenFolder => {
                let Some(path) = self.detail.exported.clone() else { return Task::none() };
                return Task::perform(async move { export::open_folder_blocking(&path) }, |r| {
                    Message::Detail(Msg::FolderOpened(r))
                });
            }
            Msg::FolderOpened(result) => {
                if let Err(e) = result {
                    self.status = Some(i18n::text_args("status-folder-error", &[("error", e)]));
                }
            }
        }
        Task::none()
    }

    /// A file was saved (or not): say where, and remember it for "Open folder".
    pub(super) fn on_exported(&mut self, result: Result<String, String>) {
        self.detail.exported = result.as_ref().ok().map(std::path::PathBuf::from);
        self.status = Some(match result {
            Ok(path) => i18n::text_args("status-exported", &[("path", path)]),
            Err(e) => e,
        });
    }

    fn cert(&self, i: usize) -> Option<&CertObject> {
        match &self.certs {
            Some(Certs::Loaded(list)) => list.get(i),
            _ => None,
        }
    }
}

/// The page: back, title, tab buttons, the selected tab (scrolling), actions, status.
pub fn view<'a>(
    cert: &'a CertObject,
    index: usize,
    size: TextSize,
    now: u64,
    status: Option<&'a str>,
    check: Check<'a>,
    page: &Page,
) -> Element<'a, Message> {
    let mut col = column![
        button(text(i18n::text("btn-back")).size(size.body()))
            .style(button::secondary)
            .on_press(Message::Back),
        text(i18n::text("title-certificate")).size(size.title()),
    ]
    .spacing(12);
    let Some(s) = &cert.summary else {
        return col.push(text(i18n::text("label-unreadable")).size(size.body())).into();
    };
    let tab_buttons: Vec<Element<'a, Message>> = Tab::ALL
        .iter()
        .map(|&t| {
            button(text(i18n::text(t.message_id())).size(size.body()))
                .padding([6, 16])
                .style(if t == page.tab { button::primary } else { button::secondary })
                .on_press(Message::Detail(Msg::ShowTab(t)))
                .into()
        })
        .collect();
    col = col.push(row(tab_buttons).spacing(6).wrap());
    let body = match page.tab {
        Tab::General => general::view(cert, s, size, now, check),
        Tab::Details => tabs::details(cert, size),
        Tab::Chain => tabs::chain(check, size),
        Tab::Revocation => tabs::revocation(cert, check, size),
    };
    let actions = actions(index, size, check, page.exported.is_some(), page.tab, Some(s.days_left(now)));
    let status = status.map(|s| text(s).size(size.body()));
    // Room on the right so the scroll bar never covers text.
    let scrolled = |content: Element<'a, Message>| {
        scrollable(container(content).padding(Padding::ZERO.right(16)))
            .height(Length::Fill)
            .width(Length::Fill)
    };
    if size == TextSize::Largest {
        // The actions take several lines at this size: they scroll with the tab so a small
        // window (800×600) still shows some of the tab and reaches every button.
        let mut inner = column![body, actions].spacing(16);
        if let Some(status) = status {
            inner = inner.push(status);
        }
        return col.push(scrolled(inner.into())).into();
    }
    col = col.push(scrolled(body)).push(actions);
    if let Some(status) = status {
        col = col.push(status);
    }
    col.into()
}

/// The actions under the tabs: one list, so more buttons slot in (it wraps when narrow).
fn actions<'a>(
    index: usize,
    size: TextSize,
    check: Check<'a>,
    exported: bool,
    tab: Tab,
    days_left: Option<i64>,
) -> Element<'a, Message> {
    let action = |id: &str, primary: bool, msg: Option<Message>| -> Element<'a, Message> {
        button(text(i18n::text(id)).size(size.body()))
            .style(if primary { button::primary } else { button::secondary })
            .padding(10)
            .on_press_maybe(msg)
            .into()
    };
    // Renew leads once the renewal banner shows; otherwise "Save a copy…". The technical
    // formats (DER, PEM on the clipboard) are offered on the Details tab only.
    let renew_first = days_left.is_some_and(|d| d <= RENEW_BANNER_DAYS);
    let mut items = vec![action("btn-save-copy", !renew_first, Some(Message::ExportPem(index)))];
    if tab == Tab::Details {
        items.push(action("btn-export-der", false, Some(Message::Detail(Msg::ExportDer(index)))));
        items.push(action("btn-copy-pem", false, Some(Message::Detail(Msg::CopyPem(index)))));
    }
    if exported {
        items.push(action("btn-open-folder", false, Some(Message::Detail(Msg::OpenFolder))));
    }
    items.extend([
        action("btn-verify", false, (!check.running).then_some(Message::VerifyCert(index))),
        action("btn-renew-open", renew_first, Some(Message::OpenRenew(index))),
        action("btn-sign-start", false, Some(Message::OpenSign(index))),
        action("btn-remove-start", false, Some(Message::OpenRemove(index))),
    ]);
    row(items).spacing(10).wrap().vertical_spacing(10).into()
}

/// A label over its value (small then body text).
fn field<'a>(label: String, value: String, size: TextSize) -> Element<'a, Message> {
    column![text(label).size(size.small()), text(value).size(size.body())].spacing(2).into()
}
