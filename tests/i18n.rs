//! Every message exists in English, Traditional Chinese (Hong Kong) and Simplified Chinese;
//! every error the app can show has a message and a remedy in each; language choice follows
//! the locale tag.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use ecert::i18n::{self, Language};
use ecert::piv::{PinRef, PivError};
use ecert::token::TokenError;
use ecert::transport::TransportError;

fn sample_errors() -> Vec<TokenError> {
    vec![
        TokenError::Piv(PivError::Apdu(TransportError::CardRemoved.into())),
        TokenError::Piv(PivError::Apdu(TransportError::NoService.into())),
        TokenError::Piv(PivError::Apdu(TransportError::Sharing.into())),
        TokenError::Piv(PivError::NotPiv { sw: ecert::apdu::StatusWord::NotFound }),
        TokenError::Piv(PivError::WrongPin { which: PinRef::Pin, tries_left: Some(2) }),
        TokenError::Piv(PivError::Blocked { which: PinRef::Pin }),
        TokenError::KeyMismatch { location: "9a".into() },
        TokenError::LocationInUse { location: "9a".into() },
        TokenError::Piv(PivError::ImportNotSupported { sw: Some(ecert::apdu::StatusWord::InsNotSupported) }),
        TokenError::Piv(PivError::KeyType(ecert::piv::KeyTypeError::Algorithm { oid: "Ed25519".into() })),
        TokenError::Workflow(std::sync::Arc::new(ecert::ops::workflow::WorkflowError::NeedsFile {
            id: "j1".into(),
        })),
        TokenError::Workflow(std::sync::Arc::new(ecert::ops::workflow::WorkflowError::SlotInUse {
            location: "9a".into(),
        })),
        TokenError::File(ecert::p12file::P12Error::WrongPassword { path: "a.p12".into() }),
        TokenError::File(ecert::p12file::P12Error::NotPkcs12 { path: "a.p12".into() }),
        TokenError::Pkcs11(ecert::pkcs11::Pkcs11Error::Other { detail: "x".into() }),
        TokenError::PasswordNeeded,
    ]
}

#[test]
fn all_languages_have_the_same_message_ids() {
    let en = i18n::message_ids(Language::English);
    assert!(en.len() > 40, "{en:?}");
    for lang in [Language::TraditionalChineseHk, Language::SimplifiedChinese] {
        assert_eq!(i18n::message_ids(lang), en, "{lang:?}");
    }
}

/// The language is process-wide: tests that switch it take turns.
fn lang_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[test]
fn every_error_has_text_and_remedy_in_every_language() {
    let _lang = lang_lock();
    let en_ids = i18n::message_ids(Language::English);
    for lang in Language::ALL {
        i18n::set_language(lang);
        for err in sample_errors() {
            let (m, r) = i18n::error_ids(&err);
            assert!(en_ids.iter().any(|i| i == m) && en_ids.iter().any(|i| i == r), "{m} {r}");
            let text = i18n::error_text(&err);
            assert!(!text.message.is_empty() && text.message != m, "{lang:?} {m}: {text:?}");
            assert!(!text.remedy.is_empty() && text.remedy != r, "{lang:?} {r}: {text:?}");
        }
    }
    // Directory errors, each variant.
    let url = || "ldaps://ldap.example.hk:636".to_owned();
    let dir_errors = [
        ecert::directory::DirectoryError::BadUrl { url: url(), detail: "x".into() },
        ecert::directory::DirectoryError::Unreachable { url: url(), detail: "x".into() },
        ecert::directory::DirectoryError::Timeout { url: url(), after: std::time::Duration::from_secs(10) },
        ecert::directory::DirectoryError::SizeLimit { url: url(), limit: 500 },
        ecert::directory::DirectoryError::Ldap { url: url(), code: 32, text: "noSuchObject".into() },
        ecert::directory::DirectoryError::Malformed {
            dn: "cn=x".into(),
            attribute: "userCertificate".into(),
            expected: "certificate",
            detail: "x".into(),
        },
        ecert::directory::DirectoryError::Tls { url: url(), detail: "certificate verify failed".into() },
        ecert::directory::DirectoryError::Protocol { url: url(), detail: "x".into() },
        ecert::directory::DirectoryError::Offline,
        ecert::directory::DirectoryError::BadQuery { detail: "x".into() },
        ecert::directory::DirectoryError::Elsewhere {
            url: "ldap://other.example/cn=x".into(),
            directory: url(),
        },
    ];
    for lang in Language::ALL {
        i18n::set_language(lang);
        for err in &dir_errors {
            let (m, r) = i18n::directory_error_ids(err);
            assert!(m.starts_with("err-dir-") && r.starts_with("rec-dir-"), "{err:?} has its own text");
            let text = i18n::directory_error_text(err);
            assert!(
                !text.message.is_empty() && text.message != m && !text.remedy.is_empty() && text.remedy != r
            );
        }
    }
    i18n::set_language(Language::TraditionalChineseHk);
    let t = i18n::directory_error_text(&dir_errors[6]);
    assert_eq!(
        t.message,
        "無法與目錄 ldaps://ldap.example.hk:636 建立安全連線（certificate verify failed）。"
    );
    let t =
        i18n::error_text(&TokenError::Piv(PivError::WrongPin { which: PinRef::Pin, tries_left: Some(2) }));
    assert_eq!(t.message, "密碼錯誤，尚餘 2 次機會。");
    i18n::set_language(Language::SimplifiedChinese);
    assert_eq!(i18n::text("title-readers"), "读卡器");
    i18n::set_language(Language::English);
    assert_eq!(i18n::text("title-readers"), "Card readers");
}

#[test]
fn file_and_card_errors_have_text_in_every_language() {
    use ecert::ops::card_proof::Mismatch;
    use ecert::ops::workflow::WorkflowError;
    let _lang = lang_lock();
    let en_ids = i18n::message_ids(Language::English);
    // File errors (careful_file), each variant.
    let file_errors = [
        ecert::careful_file::FileError::AlreadyExists { path: "/tmp/a.pem".into() },
        ecert::careful_file::FileError::Io {
            path: "/tmp/a.pem".into(),
            op: ecert::careful_file::FileOp::Write,
            kind: std::io::ErrorKind::StorageFull,
            detail: "No space left on device".into(),
        },
        ecert::careful_file::FileError::NoDataDir,
        ecert::careful_file::FileError::SaltDamaged { path: "/tmp/installation-salt".into(), len: 3 },
    ];
    for lang in Language::ALL {
        i18n::set_language(lang);
        for err in &file_errors {
            let (m, r) = i18n::file_error_ids(err);
            assert!(en_ids.iter().any(|i| i == m) && en_ids.iter().any(|i| i == r), "{m} {r}");
            let text = i18n::file_error_text(err);
            assert!(
                !text.message.is_empty() && text.message != m && !text.remedy.is_empty() && text.remedy != r
            );
        }
    }
    i18n::set_language(Language::SimplifiedChinese);
    assert_eq!(i18n::file_error_text(&file_errors[0]).message, "/tmp/a.pem 已存在，没有覆盖。");
    // A job that is not this card's, each reason, in every language.
    let reasons = [
        Mismatch::Anchor,
        Mismatch::Certificate { location: "9c".into() },
        Mismatch::Touched { location: "9a".into() },
        Mismatch::NoEvidence,
        Mismatch::OldJournal,
    ];
    for lang in Language::ALL {
        i18n::set_language(lang);
        let mut seen = Vec::new();
        for reason in &reasons {
            let err = TokenError::Workflow(std::sync::Arc::new(WorkflowError::NotThisCard {
                id: "job7".into(),
                reason: reason.clone(),
            }));
            assert_eq!(i18n::error_ids(&err), ("err-not-this-card", "rec-not-this-card"));
            let text = i18n::error_text(&err);
            assert!(text.message.contains("job7") && !text.remedy.is_empty(), "{lang:?}: {text:?}");
            assert!(!seen.contains(&text.message), "each reason has its own words: {}", text.message);
            seen.push(text.message);
        }
    }
    i18n::set_language(Language::English);
    let err = TokenError::Workflow(std::sync::Arc::new(WorkflowError::NotThisCard {
        id: "job7".into(),
        reason: Mismatch::Certificate { location: "9c".into() },
    }));
    assert_eq!(
        i18n::error_text(&err).message,
        "The unfinished job job7 cannot be continued or undone safely on this card: the certificate in 9c is not the one the job's card had. Nothing was changed."
    );
    i18n::set_language(Language::English);
}

#[test]
fn locale_tags_pick_the_right_script() {
    assert_eq!(Language::from_tag("zh_HK.UTF-8"), Language::TraditionalChineseHk);
    assert_eq!(Language::from_tag("zh-Hant-TW"), Language::TraditionalChineseHk);
    assert_eq!(Language::from_tag("zh-MO"), Language::TraditionalChineseHk);
    assert_eq!(Language::from_tag("zh-CN"), Language::SimplifiedChinese);
    assert_eq!(Language::from_tag("zh-Hans-SG"), Language::SimplifiedChinese);
    assert_eq!(Language::from_tag("en-GB"), Language::English);
    assert_eq!(Language::from_tag("pt-PT"), Language::English);
}

#[test]
fn dates_follow_the_language() {
    use ecert::i18n::{date, set_language};
    let _lang = lang_lock();
    // 2026-11-30T00:00:00Z
    set_language(Language::English);
    assert_eq!(date(1_795_996_800), "30/11/2026");
    set_language(Language::TraditionalChineseHk);
    assert_eq!(date(1_795_996_800), "2026年11月30日");
    set_language(Language::SimplifiedChinese);
    assert_eq!(date(1_795_996_800), "2026年11月30日");
    set_language(Language::English);
}

#[test]
fn network_refusals_and_undecided_reasons_have_text_in_every_language() {
    let _guard = lang_lock();
    let en_ids = i18n::message_ids(Language::English);
    let refused = ecert::verify::network::OnlineRefused::OfflineSetting {
        settings: "/home/u/.config/settings.json".into(),
    };
    for lang in Language::ALL {
        i18n::set_language(lang);
        let (m, r) = i18n::network_error_ids(&refused);
        assert!(en_ids.iter().any(|i| i == m) && en_ids.iter().any(|i| i == r), "{m} {r}");
        let text = i18n::network_error_text(&refused);
        assert!(text.message.contains("/home/u/.config/settings.json"), "{lang:?}: {}", text.message);
        assert!(text.remedy.contains("offline"), "{lang:?}: the remedy names the setting: {}", text.remedy);
        for id in ["reason-revocation-too-old", "reason-responder-refused", "reason-work-limit"] {
            assert!(en_ids.iter().any(|i| i == id), "{id}");
            let t = i18n::text_args(id, &[("days", "7".into()), ("detail", "X".into())]);
            assert!(!t.is_empty() && t != id, "{lang:?} {id}");
        }
    }
    i18n::set_language(Language::TraditionalChineseHk);
    assert!(i18n::text_args("reason-revocation-too-old", &[("days", "7".into()), ("detail", "X".into())])
        .contains("7 日"));
    i18n::set_language(Language::English);
}

/// The smart-card service is named as each platform names it: on Windows the "Smart Card"
/// service (SCardSvr), elsewhere pcscd — in every language, in the remedy, the empty state and
/// diagnostics. This build's own platform is what the app passes by itself.
#[test]
fn the_smart_card_service_has_its_platform_name() {
    let _lang = lang_lock();
    for lang in Language::ALL {
        i18n::set_language(lang);
        for id in ["rec-service", "empty-service-body", "diag-service"] {
            let windows = i18n::text_args(id, &[("os", "windows".to_owned())]);
            let linux = i18n::text_args(id, &[("os", "linux".to_owned())]);
            assert!(windows.contains("SCardSvr") && !windows.contains("pcscd"), "{lang:?} {id}: {windows}");
            assert!(linux.contains("pcscd") && !linux.contains("SCardSvr"), "{lang:?} {id}: {linux}");
            let native = i18n::text(id);
            assert_eq!(native.contains("SCardSvr"), cfg!(windows), "{lang:?} {id}: {native}");
        }
    }
    i18n::set_language(Language::English);
}

/// Every message id the code asks for by a literal (`text("…")`, `text_args("…"`,
/// `text_num("…"`) exists in all three languages.
#[test]
fn every_message_id_used_in_code_exists_in_every_language() {
    fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                rust_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for d in ["src", "crates/ecert-app/src"] {
        rust_files(&root.join(d), &mut files);
    }
    let mut used = std::collections::BTreeSet::new();
    for f in &files {
        let src = std::fs::read_to_string(f).unwrap();
        for call in ["text(\"", "text_args(\"", "text_num(\""] {
            for (at, _) in src.match_indices(call) {
                let rest = &src[at + call.len()..];
                let id: String =
                    rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
                if rest[id.len()..].starts_with('"') && id.contains('-') {
                    used.insert(id);
                }
            }
        }
    }
    assert!(used.len() > 100, "ids found in code: {}", used.len());
    for lang in Language::ALL {
        let ids = i18n::message_ids(lang);
        let twice: Vec<_> = ids.windows(2).filter(|w| w[0] == w[1]).map(|w| &w[0]).collect();
        assert!(twice.is_empty(), "{lang:?} defines twice (Fluent keeps the first): {twice:?}");
        let missing: Vec<_> = used.iter().filter(|u| !ids.contains(u)).collect();
        assert!(missing.is_empty(), "{lang:?} lacks {missing:?}");
    }
}
