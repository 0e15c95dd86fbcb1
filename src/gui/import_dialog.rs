//! Import an issued certificate (PEM or DER) onto the card or token: the file is read and
//! parsed off the UI thread, its owner, issuer and validity are shown for confirmation, and
//! the location whose key matches is chosen by comparing SubjectPublicKeyInfo (RFC 5280
//! §4.1.2.7) with the keys the app knows; otherwise the user picks. The card itself proves
//! key and certificate match before anything is written (`Token::import_certificate`).

use ecert::i18n;
use ecert::service::{Operation, Outcome};
use ecert::token::{PinFacts, TokenError};
use iced::widget::{column, row, text};
use iced::{Element, Task};
use zeroize::Zeroizing;

use super::dialogs::{self, Action};
use super::{Secret, TextSize};

/// A certificate read from a file, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    pub der: Vec<u8>,
    pub spki: Vec<u8>,
    pub owner: String,
    pub issuer: String,
    pub not_before: u64,
    pub not_after: u64,
}

#[derive(Debug, Clone)]
pub enum Msg {
    /// The path field changed.
    Path(String),
    /// Choose the file with the picker.
    Browse,
    /// Read the typed path.
    Read,
    /// The file was read and parsed (or why not).
    FileRead(Result<Box<Loaded>, String>),
    /// The user chose where the certificate goes (no known key matched).
    Location(String),
    Pin(Secret),
    /// The card management key typed after the card refused the factory one.
    MgmtKey(Secret),
    /// Import: one request to the card.
    Submit,
    Close,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Imported,
    Failed(String, String),
}

pub struct ImportDialog {
    pub blocked: Option<String>,
    /// Locations the user may choose when no known key matches.
    pub slots: Vec<String>,
    /// (location, SubjectPublicKeyInfo DER) of keys whose public half is known.
    keys: Vec<(String, Vec<u8>)>,
    pub facts: Option<PinFacts>,
    pub path: String,
    pub reading: bool,
    pub loaded: Option<Loaded>,
    /// The location was found by key, not chosen.
    pub matched: bool,
    pub location: String,
    pin: Zeroizing<String>,
    /// Asked for once the card refuses the factory management key (writing needs it).
    pub mgmt: dialogs::MgmtKeyField,
    pub sending: bool,
    pub outcome: Option<Status>,
}

/// Reads a PEM or DER certificate file and summarises its first certificate.
pub fn read_blocking(path: &std::path::Path) -> Result<Box<Loaded>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let der = ecert::verify::model::read_certs(&bytes)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .into_iter()
        .next()
        .ok_or_else(|| format!("{}: {}", path.display(), i18n::text("err-import-no-cert")))?;
    let s = ecert::cert::CertSummary::from_der(&der).map_err(|e| format!("{}: {e}", path.display()))?;
    let spki = ecert::cert::spki_der(&der).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Box::new(Loaded {
        owner: s.subject_cn.unwrap_or(s.subject),
        issuer: s.issuer_cn.unwrap_or(s.issuer),
        not_before: s.not_before,
        not_after: s.not_after,
        der,
        spki,
    }))
}

impl ImportDialog {
    pub fn new(
        blocked: Option<String>,
        slots: Vec<String>,
        keys: Vec<(String, Vec<u8>)>,
        facts: Option<PinFacts>,
    ) -> Self {
        Self {
            blocked,
            slots,
            keys,
            facts,
            path: String::new(),
            reading: false,
            loaded: None,
            matched: false,
            location: String::new(),
            pin: Zeroizing::default(),
            mgmt: dialogs::MgmtKeyField::default(),
            sending: false,
            outcome: None,
        }
    }

    pub fn busy(&self) -> bool {
        self.reading || self.sending
    }

    #[cfg(test)]
    pub fn pin_cleared(&self) -> bool {
        self.pin.is_empty()
    }

    fn ready(&self) -> bool {
        self.blocked.is_none()
            && !self.busy()
            && self.loaded.is_some()
            && !self.location.is_empty()
            && !self.pin.is_empty()
            && self.mgmt.ready()
            && self.outcome != Some(Status::Imported)
    }

    pub fn update(&mut self, msg: Msg) -> Action<Msg> {
        match msg {
            Msg::Path(p) if !self.busy() => self.path = p,
            Msg::Browse if !self.busy() => {
                return Action::Browse(super::file_picker::PickFor::IssuedCertificate);
            }
            Msg::Read if self.blocked.is_none() && !self.busy() && !self.path.trim().is_empty() => {
                self.reading = true;
                self.loaded = None;
                self.outcome = None;
                let path = std::path::PathBuf::from(self.path.trim());
                return Action::Task(Task::perform(async move { read_blocking(&path) }, Msg::FileRead));
            }
            Msg::FileRead(result) => {
                self.reading = false;
                match result {
                    Ok(loaded) => {
                        let found = self.keys.iter().find(|(_, k)| *k == loaded.spki).map(|(l, _)| l.clone());
                        self.matched = found.is_some();
                        self.location = found.unwrap_or_default();
                        self.loaded = Some(*loaded);
                    }
                    Err(e) => self.outcome = Some(Status::Failed(i18n::text("err-import-read"), e)),
                }
            }
            Msg::Location(l) if !self.busy() => {
                self.location = l;
                self.matched = false;
            }
            Msg::Pin(s) => self.pin = Zeroizing::new(s.0),
            Msg::MgmtKey(s) => self.mgmt.set(s.0),
            Msg::Close if !self.busy() => return Action::Close,
            Msg::Submit if self.ready() => {
                // A typed key that is not one: said inline, nothing sent.
                let Some(auth) = self.mgmt.auth(&self.pin) else { return Action::None };
                self.sending = true;
                self.outcome = None;
                self.pin = Zeroizing::default();
                let der = self.loaded.as_ref().map(|l| l.der.clone()).unwrap_or_default();
                return Action::Send(Operation::ImportCertificate {
                    location: self.location.clone(),
                    der,
                    auth,
                });
            }
            _ => {}
        }
        Action::None
    }

    pub fn finished(&mut self, result: Result<Outcome, TokenError>, facts: Option<PinFacts>) {
        self.sending = false;
        if facts.is_some() {
            self.facts = facts;
        }
        // A refused management key: the field and its explanation say it all.
        if self.mgmt.finished(&result) {
            self.outcome = None;
            return;
        }
        self.outcome = Some(match result {
            Ok(_) => Status::Imported,
            Err(e) => {
                let (m, r) = dialogs::failure(&e);
                Status::Failed(m, r)
            }
        });
    }

    pub fn view(&self, size: TextSize) -> Element<'_, Msg> {
        let mut col = column![text(i18n::text("title-import")).size(size.title())];
        if let Some(why) = &self.blocked {
            return dialogs::blocked(col, why, i18n::text("btn-import"), Msg::Close, size);
        }
        col = dialogs::with_tries(col, self.facts, size);
        col = col.push(dialogs::field(
            i18n::text("label-cert-file"),
            &self.path,
            false,
            Msg::Path,
            Msg::Read,
            size,
        ));
        let can_read = !self.busy() && !self.path.trim().is_empty();
        col = col.push(
            row![
                dialogs::choices([(i18n::text("btn-browse"), Msg::Browse, false)], !self.busy(), size),
                dialogs::choices([(i18n::text("btn-read-file"), Msg::Read, false)], can_read, size),
            ]
            .spacing(8),
        );
        if self.reading {
            col = col.push(text(i18n::text("status-reading")).size(size.body()));
        }
        if let Some(l) = &self.loaded {
            let valid = i18n::text_args(
                "import-validity",
                &[("from", i18n::date(l.not_before)), ("to", i18n::date(l.not_after))],
            );
            col = col
                .push(
                    text(i18n::text_args("import-owner", &[("owner", l.owner.clone())])).size(size.heading()),
                )
                .push(
                    text(i18n::text_args("label-issued-by", &[("issuer", l.issuer.clone())]))
                        .size(size.body()),
                )
                .push(text(valid).size(size.body()));
            if self.matched {
                col = col.push(
                    text(i18n::text_args("import-key-found", &[("slot", self.location.clone())]))
                        .size(size.body()),
                );
            } else {
                col = col.push(text(i18n::text("import-choose-slot")).size(size.body())).push(
                    dialogs::choices(
                        self.slots.iter().map(|s| (s.clone(), Msg::Location(s.clone()), *s == self.location)),
                        !self.busy(),
                        size,
                    ),
                );
            }
            col = col.push(dialogs::pin_field(&self.pin, |s| Msg::Pin(Secret(s)), Msg::Submit, size));
            if let Some(f) = self.mgmt.view(|s| Msg::MgmtKey(Secret(s)), Msg::Submit, size) {
                col = col.push(f);
            }
        }
        match &self.outcome {
            Some(Status::Imported) => {
                col = col.push(text(i18n::text("status-imported")).size(size.heading()));
            }
            Some(Status::Failed(m, r)) => {
                col = col.push(text(m.clone()).size(size.heading())).push(text(r.clone()).size(size.body()));
            }
            None => {}
        }
        let press = self.ready().then_some(Msg::Submit);
        dialogs::frame(col.push(dialogs::buttons(
            i18n::text("btn-import"),
            press,
            Msg::Close,
            self.busy(),
            size,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded(spki: &[u8]) -> Loaded {
        Loaded {
            der: vec![0x30, 0],
            spki: spki.to_vec(),
            owner: "Chan".into(),
            issuer: "CA".into(),
            not_before: 0,
            not_after: 86_400 * 365,
        }
    }

    #[test]
    fn the_matching_key_picks_the_location_and_one_request_leaves_without_the_pin() {
        let mut d =
            ImportDialog::new(None, vec!["9a".into(), "9d".into()], vec![("9d".into(), vec![7])], None);
        let _ = d.update(Msg::Path("/tmp/issued.pem".into()));
        assert!(matches!(d.update(Msg::Read), Action::Task(_)));
        assert!(d.busy() && matches!(d.update(Msg::Read), Action::None), "one read at a time");
        let _ = d.update(Msg::FileRead(Ok(Box::new(loaded(&[7])))));
        assert_eq!((d.location.as_str(), d.matched), ("9d", true));
        let _ = d.update(Msg::Pin(Secret("123456".into())));
        let Action::Send(Operation::ImportCertificate { location, der, auth }) = d.update(Msg::Submit) else {
            panic!("expected ImportCertificate")
        };
        assert_eq!((location.as_str(), der, auth.pin.is_some()), ("9d", vec![0x30, 0], true));
        assert!(d.pin_cleared());
        assert!(matches!(d.update(Msg::Submit), Action::None), "no second start");
        d.finished(Ok(Outcome::Done), None);
        assert_eq!(d.outcome, Some(Status::Imported));
    }

    #[test]
    fn an_unknown_key_lets_the_user_choose_and_a_mismatch_is_explained() {
        let _lang = super::super::tests::lang_lock();
        i18n::set_language(i18n::Language::English);
        let mut d =
            ImportDialog::new(None, vec!["9a".into(), "9d".into()], vec![("9a".into(), vec![1])], None);
        let _ = d.update(Msg::FileRead(Ok(Box::new(loaded(&[2])))));
        assert!(!d.matched && d.location.is_empty());
        let _ = d.update(Msg::Pin(Secret("123456".into())));
        assert!(matches!(d.update(Msg::Submit), Action::None), "no location, nothing sent");
        let _ = d.update(Msg::Location("9d".into()));
        assert!(matches!(d.update(Msg::Submit), Action::Send(_)));
        d.finished(Err(TokenError::KeyMismatch { location: "9d".into() }), None);
        assert_eq!(
            d.outcome,
            Some(Status::Failed(
                "This certificate does not belong to the key on the card.".into(),
                "Nothing was written. Use the certificate issued for this card.".into()
            ))
        );
    }
}
