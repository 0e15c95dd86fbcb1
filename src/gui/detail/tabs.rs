//! The "Details", "Chain" and "Revocation" tabs: every field of the certificate
//! ([`ecert::cert::fields`]), the checked chain, and the end entity's revocation status
//! (RFC 5280 §6.3 CRL, RFC 6960 OCSP) with where it came from and when.

use ecert::cert::fields::{self, Label, Value};
use ecert::i18n;
use ecert::token::CertObject;
use ecert::verify::report::RevocationStatus;
use iced::widget::{column, text};
use iced::{Element, Length};

use super::super::{verification, Message, TextSize};
use super::{field, Check};

/// Every field and extension, one block each; an unreadable extension says so.
pub fn details(cert: &CertObject, size: TextSize) -> Element<'_, Message> {
    let Ok(list) = fields::fields(&cert.der) else {
        return text(i18n::text("label-details-unreadable")).size(size.body()).into();
    };
    let mut col = column![].spacing(10).width(Length::Fill);
    // The technical facts the General tab leaves out: where the key is (the
    // serial and fingerprints follow among the fields).
    if !cert.location.is_empty() {
        let purpose = super::super::certs::key_purpose(&cert.location);
        let slot = i18n::text_args("label-key-slot", &[("slot", cert.location.clone())]);
        col = col.push(field(i18n::text("label-key-purpose"), format!("{purpose} · {slot}"), size));
    }
    for f in list {
        let id = match &f.label {
            Label::Id(id) => Some(*id),
            Label::Oid(_) => None,
        };
        let mut label = match f.label {
            Label::Id(id) => i18n::text(id),
            Label::Oid(oid) => oid,
        };
        if f.critical == Some(true) {
            label = format!("{label} · {}", i18n::text("label-critical"));
        }
        let value = match f.value {
            Value::Lines(lines) => {
                lines.iter().map(|l| plain_usage(id.unwrap_or_default(), l)).collect::<Vec<_>>().join("\n")
            }
            Value::Unreadable => i18n::text("label-could-not-read"),
        };
        col = col.push(field(label, value, size));
    }
    col.into()
}

/// The message id saying in plain words what a key usage (RFC 5280 §4.2.1.3) or extended
/// key usage (§4.2.1.12) allows.
fn usage_id(rfc_name: &str) -> Option<&'static str> {
    Some(match rfc_name {
        "digitalSignature" => "usage-digital-signature",
        "nonRepudiation" => "usage-non-repudiation",
        "keyEncipherment" => "usage-key-encipherment",
        "dataEncipherment" => "usage-data-encipherment",
        "keyAgreement" => "usage-key-agreement",
        "keyCertSign" => "usage-key-cert-sign",
        "cRLSign" => "usage-crl-sign",
        "serverAuth" => "usage-server-auth",
        "clientAuth" => "usage-client-auth",
        "codeSigning" => "usage-code-signing",
        "emailProtection" => "usage-email-protection",
        "timeStamping" => "usage-time-stamping",
        "OCSPSigning" => "usage-ocsp-signing",
        "smartcardLogon" => "usage-smartcard-logon",
        "documentSigning" => "usage-document-signing",
        _ => return None,
    })
}

/// A key usage or basic constraints line in the user's language with the standard name
/// kept in brackets ("Digital signature (digitalSignature), …"); other fields as they are.
pub fn plain_usage(label_id: &str, line: &str) -> String {
    match label_id {
        "ext-key-usage" => line
            .split(", ")
            .map(|n| usage_id(n).map_or_else(|| n.to_owned(), |id| format!("{} ({n})", i18n::text(id))))
            .collect::<Vec<_>>()
            .join(", "),
        "ext-ext-key-usage" => {
            let name = line.split(" (").next().unwrap_or(line);
            usage_id(name).map_or_else(|| line.to_owned(), |id| format!("{} — {line}", i18n::text(id)))
        }
        "ext-basic-constraints" => plain_constraints(line),
        _ => line.to_owned(),
    }
}

/// Basic constraints (RFC 5280 §4.2.1.9) in words, the encoded values kept in brackets.
fn plain_constraints(line: &str) -> String {
    let path_len = line.split("pathLenConstraint = ").nth(1).map(str::to_owned);
    let words = match (line.starts_with("cA = TRUE"), path_len) {
        (false, _) => i18n::text("bc-end-entity"),
        (true, None) => i18n::text("bc-ca"),
        (true, Some(n)) => i18n::text_args("bc-ca-path", &[("n", n)]),
    };
    format!("{words} ({line})")
}

/// What a tab shows before there is a report.
fn no_report(check: Check<'_>, size: TextSize) -> Element<'_, Message> {
    let id = if check.running { "status-verifying" } else { "chain-not-checked" };
    text(i18n::text(id)).size(size.body()).into()
}

/// The verdict and the chain, each certificate with its status.
pub fn chain(check: Check<'_>, size: TextSize) -> Element<'_, Message> {
    match check.report {
        Some(report) => verification::view(report, size),
        None => no_report(check, size),
    }
}

/// Date and time (UTC) of a Unix time.
fn when(unix: u64) -> String {
    let stamp = ecert::ops::audit::rfc3339(unix);
    format!("{} {} UTC", i18n::date(unix), stamp.get(11..16).unwrap_or_default())
}

/// The end entity's revocation status: source, time checked, this and next update.
pub fn revocation<'a>(cert: &'a CertObject, check: Check<'a>, size: TextSize) -> Element<'a, Message> {
    let Some(report) = check.report else { return no_report(check, size) };
    let mut col = column![].spacing(10).width(Length::Fill);
    match report.chain.last() {
        None => col = col.push(text(i18n::text("rev-no-chain")).size(size.body())),
        Some(entry) if entry.trust_anchor => {
            col = col.push(text(i18n::text("rev-anchor")).size(size.body()));
        }
        Some(entry) => {
            col = col.push(text(entry.subject.clone()).size(size.heading()));
            let checked = || field(i18n::text("rev-checked-at"), when(report.validation_time), size);
            col = match &entry.revocation {
                RevocationStatus::NotChecked => col.push(text(i18n::text("rev-off")).size(size.body())),
                RevocationStatus::Good { source, this_update, next_update } => col
                    .push(text(i18n::text("rev-status-good")).size(size.heading()))
                    .push(field(i18n::text("rev-source"), source.clone(), size))
                    .push(checked())
                    .push(field(i18n::text("rev-this-update"), when(*this_update), size))
                    .push(field(
                        i18n::text("rev-next-update"),
                        next_update.map_or_else(|| i18n::text("rev-next-none"), when),
                        size,
                    )),
                RevocationStatus::Revoked { source, revoked_at, .. } => col
                    .push(
                        text(i18n::text_args("rev-status-revoked", &[("date", when(*revoked_at))]))
                            .size(size.heading()),
                    )
                    .push(field(i18n::text("rev-source"), source.clone(), size))
                    .push(checked()),
                RevocationStatus::Unknown { detail } => col
                    .push(
                        text(i18n::text_args("rev-status-unknown", &[("detail", detail.clone())]))
                            .size(size.body()),
                    )
                    .push(checked()),
            };
        }
    }
    let sources = fields::revocation_sources(&cert.der);
    if !sources.is_empty() {
        col = col.push(field(i18n::text("rev-where"), sources.join("\n"), size));
    }
    col.into()
}

#[cfg(test)]
mod tests {
    use super::plain_usage;
    use ecert::i18n::{self, Language};

    #[test]
    fn usages_are_said_in_plain_words_with_the_standard_name_kept() {
        let _lang = crate::gui::tests::lang_lock();
        i18n::set_language(Language::English);
        assert_eq!(
            plain_usage("ext-key-usage", "digitalSignature, nonRepudiation"),
            "Digital signature (digitalSignature), Non-repudiation (legally binding signature) (nonRepudiation)"
        );
        assert_eq!(
            plain_usage("ext-ext-key-usage", "emailProtection (1.3.6.1.5.5.7.3.4)"),
            "Signing and encrypting e-mail — emailProtection (1.3.6.1.5.5.7.3.4)"
        );
        assert_eq!(plain_usage("ext-ext-key-usage", "1.2.3.4"), "1.2.3.4", "unknown ones stay as they are");
        assert_eq!(plain_usage("ext-subject-key-id", "AB:CD"), "AB:CD");
        i18n::set_language(Language::TraditionalChineseHk);
        assert_eq!(
            plain_usage("ext-key-usage", "keyCertSign, cRLSign"),
            "簽發證書 (keyCertSign), 簽署撤銷清單 (cRLSign)"
        );
        assert_eq!(
            plain_usage("ext-basic-constraints", "cA = TRUE, pathLenConstraint = 0"),
            "核證機關，其下最多再有 0 層 (cA = TRUE, pathLenConstraint = 0)"
        );
        i18n::set_language(Language::English);
        assert_eq!(
            plain_usage("ext-basic-constraints", "cA = FALSE"),
            "Not a certification authority (cA = FALSE)"
        );
        assert_eq!(
            plain_usage("ext-basic-constraints", "cA = TRUE"),
            "A certification authority (cA = TRUE)"
        );
    }
}
