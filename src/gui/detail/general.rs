//! The "General" tab: who the certificate is for, who issued it, which kind of e-Cert it is,
//! how long it is valid (with the renewal banner), and the validity check as a badge.

use ecert::cert::{kind, CertSummary};
use ecert::i18n::{self, Label};
use ecert::token::CertObject;
use ecert::verify::{Reason, Report, Verdict};
use iced::widget::{column, container, text};
use iced::{Element, Length};

use super::super::{verification, Message, TextSize};
use super::{banner, field, Check};

/// What the badge says, and its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Badge {
    Trusted,
    NotTrusted,
    Revoked,
    Unknown,
    Checking,
    NotChecked,
}

impl Badge {
    pub fn of(check: Check<'_>) -> Self {
        match check.report {
            Some(r) => Self::of_report(r),
            None if check.running => Badge::Checking,
            None => Badge::NotChecked,
        }
    }

    fn of_report(r: &Report) -> Self {
        match (r.verdict, &r.reason) {
            (Verdict::Valid, _) => Badge::Trusted,
            (_, Some(Reason::Revoked { .. })) => Badge::Revoked,
            (Verdict::Invalid, _) => Badge::NotTrusted,
            (Verdict::Undetermined, _) => Badge::Unknown,
        }
    }

    fn message_id(self) -> &'static str {
        match self {
            Badge::Trusted => "badge-trusted",
            Badge::NotTrusted => "badge-not-trusted",
            Badge::Revoked => "badge-revoked",
            Badge::Unknown => "badge-unknown",
            Badge::Checking => "status-verifying",
            Badge::NotChecked => "badge-not-checked",
        }
    }

    fn style(self) -> fn(&iced::Theme) -> container::Style {
        match self {
            Badge::Trusted => container::success,
            Badge::NotTrusted | Badge::Revoked => container::danger,
            Badge::Unknown => container::warning,
            Badge::Checking | Badge::NotChecked => container::secondary,
        }
    }
}

pub fn view<'a>(
    cert: &'a CertObject,
    s: &'a CertSummary,
    size: TextSize,
    now: u64,
    check: Check<'a>,
) -> Element<'a, Message> {
    let mut col = column![].spacing(12).width(Length::Fill);
    let recognised = kind::recognise_der(&cert.der);
    if let Some(b) = banner(s, now) {
        let advice = text(super::renewal_advice(recognised.map(|r| r.kind), s)).size(size.body());
        col = col.push(
            container(column![text(b).size(size.heading()), advice].spacing(6))
                .padding(12)
                .width(Length::Fill)
                .style(super::super::style::banner),
        );
    }
    let badge = Badge::of(check);
    // The demo CA is trusted inside the demo only, and the badge says so.
    let badge_id = if badge == Badge::Trusted && s.issuer.contains(ecert::demo::DEMO_CA_CN) {
        "badge-trusted-demo"
    } else {
        badge.message_id()
    };
    let mut status = column![container(text(i18n::text(badge_id)).size(size.heading()))
        .padding([4, 12])
        .style(badge.style())]
    .spacing(4);
    if badge_id == "badge-trusted-demo" {
        status = status.push(text(i18n::text("badge-trusted-demo-note")).size(size.small()));
    }
    if let Some(reason) = check.report.and_then(|r| r.reason.as_ref()) {
        status = status.push(text(verification::reason_text(reason)).size(size.small()));
    }
    col = col.push(column![text(i18n::text("label-status")).size(size.small()), status].spacing(2));
    let days = s.days_left(now);
    let until = if days < 0 {
        format!("{} · {}", i18n::date(s.not_after), i18n::text("label-expired"))
    } else {
        format!("{} · {}", i18n::date(s.not_after), i18n::text_num("label-days-left", &[("days", days)]))
    };
    let kind = recognised.map_or_else(|| i18n::text("label-could-not-read"), Label::label);
    // By name: the full names (DN), serial and fingerprint are on the Details tab.
    let owner = s.subject_cn.clone().unwrap_or_else(|| s.subject.clone());
    let issuer = s.issuer_cn.clone().unwrap_or_else(|| s.issuer.clone());
    col = col
        .push(field(i18n::text("label-owner"), owner, size))
        .push(field(i18n::text("label-issuer"), issuer, size))
        .push(field(i18n::text("label-ecert-type"), kind, size))
        .push(field(i18n::text("label-valid-until"), until, size))
        .push(field(i18n::text("label-valid-from"), i18n::date(s.not_before), size));
    // A certificate opened from a file has no key on a card.
    if !cert.location.is_empty() {
        let purpose = super::super::certs::key_purpose(&cert.location);
        col = col.push(field(i18n::text("label-key-purpose"), purpose, size));
    }
    col.into()
}
