//! What people see, screen by screen: the app's real view rendered headless by iced_test's
//! tiny-skia renderer with the bundled font, written as PNGs under target/screens/pages/ for
//! README and review (the Xvfb test in tests/gui.rs covers the real window).

use std::path::PathBuf;

use ecert::i18n::{self, Language};

use super::super::{detail, verification, App, Message};
use super::dialog_flows::{demo_app, demo_lock};
use super::lang_lock;

fn pages_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screens/pages");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Renders the app as it stands into `<name>-tiny-skia.png`, fresh each run; returns the
/// file's size.
pub(super) fn shoot(app: &App, name: &str) -> u64 {
    shoot_at(app, name, (1040.0, 700.0))
}

fn shoot_at(app: &App, name: &str, window: (f32, f32)) -> u64 {
    let settings = iced::Settings {
        fonts: vec![super::super::style::FONT_BYTES.into()],
        default_font: super::super::style::FONT,
        ..iced::Settings::default()
    };
    let dir = pages_dir();
    let file = dir.join(format!("{name}-tiny-skia.png"));
    let _ = std::fs::remove_file(&file);
    let mut ui = iced_test::Simulator::with_size(settings, window, app.view());
    let snap = ui.snapshot(&app.theme()).unwrap();
    assert!(snap.matches_image(dir.join(format!("{name}.png"))).unwrap());
    std::fs::metadata(&file).unwrap().len()
}

#[test]
fn every_main_screen_renders_in_each_language() {
    let _lang = lang_lock();
    let _demo = demo_lock();
    let (mut app, _rx) = demo_app();
    let others: Vec<Vec<u8>> = match &app.certs {
        Some(super::super::Certs::Loaded(list)) => list.iter().map(|c| c.der.clone()).collect(),
        _ => panic!("the demo card's certificates are listed"),
    };
    let report =
        verification::check(&others[0], &others, ecert::demo::ca_certificate().as_deref()).map(Box::new);
    let mut sizes = Vec::new();
    for lang in [Language::English, Language::TraditionalChineseHk, Language::SimplifiedChinese] {
        i18n::set_language(lang);
        app.language = lang;
        let tag = lang.tag();
        app.screen = super::super::Screen::Certificates;
        sizes.push((format!("list-{tag}"), shoot(&app, &format!("list-{tag}"))));
        let _ = app.update(Message::OpenCert(0));
        let _ = app.update(Message::Verified(0, report.clone()));
        sizes.push((format!("certificate-{tag}"), shoot(&app, &format!("certificate-{tag}"))));
        let _ = app.update(Message::Detail(detail::Msg::ShowTab(detail::Tab::Details)));
        sizes.push((format!("details-{tag}"), shoot(&app, &format!("details-{tag}"))));
    }
    i18n::set_language(Language::TraditionalChineseHk);
    app.language = Language::TraditionalChineseHk;
    let _ = app.update(Message::Back);
    let _ = app.update(Message::OpenPin(super::super::pin_dialog::Kind::Change));
    sizes.push(("pin-zh-HK".to_owned(), shoot(&app, "pin-zh-HK")));
    // The sample e-Cert that expires soon: the banner and who renews it.
    let _ = app.update(Message::Back);
    let _ = app.update(Message::OpenCert(1));
    let _ = app.update(Message::Verified(
        1,
        verification::check(&others[1], &others, ecert::demo::ca_certificate().as_deref()).map(Box::new),
    ));
    sizes.push(("expiring-zh-HK".to_owned(), shoot(&app, "expiring-zh-HK")));
    i18n::set_language(Language::English);
    app.language = Language::English;
    // A machine without the smart-card service: the empty state says what to do.
    let mut bare = App::new(Language::English);
    let _ = bare.update(super::snapshot(ecert::reader::PcscStatus::NotRunning, vec![], vec![]));
    sizes.push(("no-service-en".to_owned(), shoot(&bare, "no-service-en")));
    for (name, msg) in [
        ("keygen-en", Message::OpenKeygen),
        ("renew-en", Message::OpenRenew(0)),
        ("settings-en", Message::OpenSettings),
        ("diagnostics-en", Message::OpenDiagnostics),
    ] {
        let _ = app.update(Message::Back);
        let _ = app.update(msg);
        sizes.push((name.to_owned(), shoot(&app, name)));
    }
    // The counter page, on counter files in a temporary folder, with an operator signed in.
    let counter_dir = std::env::temp_dir().join(format!("ecert-pages-counter-{}", std::process::id()));
    let counter = ecert::ops::counter::Counter::at(&counter_dir);
    counter.sign_in("Counter 3 (CHAN)", 0).unwrap();
    let _ = app.update(Message::Back);
    app.counter_mode = true;
    let task = app.open_counter_with(Some(counter));
    super::dialog_flows::run_task(&mut app, task);
    sizes.push(("counter-en".to_owned(), shoot(&app, "counter-en")));
    app.counter_mode = false;
    let _ = std::fs::remove_dir_all(&counter_dir);
    // High contrast, on the e-Cert that expires soon (its banner too).
    app.high_contrast = true;
    let _ = app.update(Message::Back);
    let _ = app.update(Message::OpenCert(1));
    let _ = app.update(Message::Verified(
        1,
        verification::check(&others[1], &others, ecert::demo::ca_certificate().as_deref()).map(Box::new),
    ));
    sizes.push(("contrast-en".to_owned(), shoot(&app, "contrast-en")));
    app.high_contrast = false;
    // The largest text in an 800×600 window.
    app.text_size = super::super::TextSize::Largest;
    for (name, msg) in [
        ("largest-list-en", Message::Back),
        ("largest-certificate-en", Message::OpenCert(0)),
        ("largest-keygen-en", Message::OpenKeygen),
    ] {
        let _ = app.update(Message::Back);
        let _ = app.update(msg);
        sizes.push((name.to_owned(), shoot_at(&app, name, (800.0, 600.0))));
    }
    // A rendered page of text is tens of kilobytes; a blank or failed frame is far smaller.
    for (name, size) in sizes {
        assert!(size > 20_000, "{name}: {size} bytes");
    }
}
