//! A demo that teaches (issue 16 item 6): inside the demo the demo CA is trusted for the
//! demo card's e-Certs only, labelled as such; nothing else ever trusts it.

use ecert::i18n::{self, Language};
use ecert::token::TokenRef;
use ecert::verify::Verdict;

use super::super::{verification, Certs, Message};
use super::dialog_flows::{demo_app, demo_lock};
use super::{click, lang_lock, shows};

#[test]
fn the_demo_cards_ecerts_check_out_as_valid_labelled_demo() {
    let _lang = lang_lock();
    let _demo = demo_lock();
    i18n::set_language(Language::English);
    let (mut app, _rx) = demo_app();
    let anchor = app.demo_anchor();
    assert!(anchor.is_some(), "the demo card is selected: its CA is offered");
    let Some(Certs::Loaded(list)) = &app.certs else { panic!("the demo card's e-Certs") };
    let ders: Vec<Vec<u8>> = list.iter().map(|c| c.der.clone()).collect();
    for der in &ders {
        let report = verification::check(der, &ders, anchor.as_deref()).unwrap();
        assert_eq!(report.verdict, Verdict::Valid, "{:?}", report.reason);
        let outside = verification::check(der, &ders, None).unwrap();
        assert_eq!(outside.verdict, Verdict::Invalid, "without the demo the demo CA is not trusted");
    }
    click(&mut app, "CHAN Tai Man (DEMO)");
    let report = verification::check(&ders[0], &ders, anchor.as_deref()).map(Box::new);
    let _ = app.update(Message::Verified(0, report));
    assert!(shows(&app, "Valid · Demo"), "the badge says valid, and demo");
    assert!(shows(
        &app,
        "The demo certification authority is trusted for the demo card only, never for real e-Certs."
    ));
    // Another token selected: no demo CA.
    app.selected = Some(TokenRef::File { path: "/tmp/x.p12".into() });
    assert_eq!(app.demo_anchor(), None);
}
