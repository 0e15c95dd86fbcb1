//! "Is this e-Cert valid?" on the certificate page: runs `ecert::verify` off the UI thread
//! (the executor's pool, like file export) and shows the verdict, the one deciding reason in
//! the user's language, and the chain with each certificate's revocation status.

use ecert::i18n;
use ecert::verify::report::RevocationStatus;
use ecert::verify::{self, Cert, Options, Reason, Report, Verdict};
use iced::widget::{column, container, text};
use iced::{Element, Length};

use super::{Message, TextSize};

/// Verifies `der` now, with the other certificates of the same card or file as candidate
/// intermediates, the user's trust store and the user's revocation setting. Blocking: call
/// it from a task, never from `update`.
///
/// `demo_anchor` is the demo CA, given only when the certificate is on the demo card: the
/// demo's e-Certs then check out as a real one would, and nothing else ever trusts it.
pub fn check(der: &[u8], others: &[Vec<u8>], demo_anchor: Option<&[u8]>) -> Result<Report, String> {
    let leaf = Cert::parse(der).map_err(|e| e.to_string())?;
    let pool: Vec<Cert> =
        others.iter().filter(|d| d.as_slice() != der).filter_map(|d| Cert::parse(d).ok()).collect();
    let settings = ecert::settings::load().unwrap_or_default();
    let (store, _problems) = verify::trust::all(settings.system_anchors);
    let mut anchors: Vec<Cert> = store.iter().filter_map(|a| Cert::parse(&a.der).ok()).collect();
    anchors.extend(demo_anchor.and_then(|d| Cert::parse(d).ok()));
    let time = super::certs::now();
    let options = Options {
        time,
        revocation: settings.revocation_mode(),
        network: settings.network_policy(),
        max_age: settings.max_age_secs(),
        ..Options::default()
    };
    Ok(verify::verify(&leaf, &pool, &anchors, &[], &options))
}

/// The deciding reason in the user's language.
pub fn reason_text(reason: &Reason) -> String {
    match reason {
        Reason::NoPath { .. } | Reason::TooDeep { .. } => i18n::text("reason-no-path"),
        Reason::Expired { .. } => i18n::text("reason-expired"),
        Reason::NotYetValid { .. } => i18n::text("reason-not-yet-valid"),
        Reason::Revoked { .. } => i18n::text("reason-revoked"),
        Reason::RevocationUnknown { detail, .. } => {
            i18n::text_args("reason-revocation-unknown", &[("detail", detail.clone())])
        }
        Reason::BadSignature { .. } => i18n::text("reason-bad-signature"),
        Reason::RevocationTooOld { max_age, detail, .. } => i18n::text_args(
            "reason-revocation-too-old",
            &[("days", (max_age / 86_400).to_string()), ("detail", detail.clone())],
        ),
        Reason::ResponderRefused { detail, .. } => {
            i18n::text_args("reason-responder-refused", &[("detail", detail.clone())])
        }
        Reason::WorkLimit { .. } => i18n::text("reason-work-limit"),
        other => i18n::text_args("reason-other", &[("detail", format!("{other} ({})", other.section()))]),
    }
}

/// The verdict line.
pub fn verdict_text(report: &Report) -> String {
    let verdict = i18n::text(match report.verdict {
        Verdict::Valid => "verdict-valid",
        Verdict::Invalid => "verdict-invalid",
        Verdict::Undetermined => "verdict-undetermined",
    });
    match &report.reason {
        Some(r) => format!("{verdict} — {}", reason_text(r)),
        None => verdict,
    }
}

fn revocation_text(status: &RevocationStatus) -> String {
    match status {
        RevocationStatus::NotChecked => i18n::text("label-rev-not-checked"),
        RevocationStatus::Good { source, .. } => {
            i18n::text_args("label-rev-good", &[("source", source.clone())])
        }
        RevocationStatus::Revoked { .. } => i18n::text("label-rev-revoked"),
        RevocationStatus::Unknown { .. } => i18n::text("label-rev-unknown"),
    }
}

pub fn view(report: &Report, size: TextSize) -> Element<'_, Message> {
    let mut col = column![
        container(text(verdict_text(report)).size(size.heading())).padding(12).width(Length::Fill).style(
            match report.verdict {
                Verdict::Valid => container::rounded_box,
                _ => container::bordered_box,
            }
        ),
        text(i18n::text("title-chain")).size(size.heading()),
    ]
    .spacing(8);
    for entry in report.chain.iter().rev() {
        let mut notes = Vec::new();
        if entry.trust_anchor {
            notes.push(i18n::text("label-trusted-root"));
        } else {
            notes.push(revocation_text(&entry.revocation));
        }
        if entry.weak_signature {
            notes.push(i18n::text("label-weak-signature"));
        }
        col = col.push(
            column![
                text(entry.subject.clone()).size(size.body()),
                text(notes.join(" · ")).size(size.small())
            ]
            .spacing(2),
        );
    }
    col.into()
}
