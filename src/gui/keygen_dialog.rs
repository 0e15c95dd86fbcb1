//! Generate a key and a certificate request (PKCS#10, RFC 2986): a free location, the key
//! type, the name for the request and the PIN (tries left shown first). Two requests to the
//! card, one after the other — the key is made on the card (`GenerateKey`), then the card
//! signs the request (`Csr`) — and the request is saved as PEM in the Documents folder,
//! never over a file. The PIN is wiped as the second request leaves (or on failure).

use std::path::PathBuf;

use ecert::i18n;
use ecert::piv::KeyAlgorithm;
use ecert::service::{Operation, Outcome};
use ecert::token::{PinFacts, TokenError};
use iced::widget::{column, text};
use iced::{Element, Task};
use x509_cert::name::Name;
use zeroize::Zeroizing;

use super::dialogs::{self, Action};
use super::{Secret, TextSize};

/// Messages of the dialog. `Debug` of the PIN shows `***`.
#[derive(Debug, Clone)]
pub enum Msg {
    /// The user chose where the key goes.
    Location(String),
    /// The user chose the key type.
    Algorithm(KeyAlgorithm),
    /// The name for the request changed.
    Name(String),
    Pin(Secret),
    /// The card management key typed after the card refused the factory one.
    MgmtKey(Secret),
    /// Generate: the first of the two requests.
    Submit,
    /// The request file was written (its path) or not.
    Saved(Result<PathBuf, String>),
    Close,
}

/// Where the dialog stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Idle,
    MakingKey,
    SigningRequest,
    Saving,
    Saved(PathBuf),
    Failed(String, String),
}

pub struct KeygenDialog {
    /// Why this token cannot make keys (a file, no card), if it cannot.
    pub blocked: Option<String>,
    pub locations: Vec<String>,
    pub location: String,
    pub algorithm: KeyAlgorithm,
    pub name: String,
    pin: Zeroizing<String>,
    /// Asked for once the card refuses the factory management key (generating needs it).
    pub mgmt: dialogs::MgmtKeyField,
    pub facts: Option<PinFacts>,
    /// Where the request is saved (the Documents folder; tests choose their own).
    pub folder: PathBuf,
    pub step: Step,
    subject: Option<Name>,
}

/// The subject for `name`: a distinguished name as typed (`CN=…,O=…`), or a common name.
pub fn subject(name: &str) -> Result<Name, ecert::ops::csr::CsrError> {
    let name = name.trim();
    if name.contains('=') {
        return ecert::ops::csr::parse_subject(name);
    }
    // RFC 4514 §2.4: these characters are escaped inside a value.
    let mut value = String::new();
    for (i, c) in name.chars().enumerate() {
        if matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';') || (i == 0 && c == '#') {
            value.push('\\');
        }
        value.push(c);
    }
    ecert::ops::csr::parse_subject(&format!("CN={value}"))
}

/// The key types offered (all PIV cards and PKCS#11 tokens have them).
pub const ALGORITHMS: [(KeyAlgorithm, &str); 3] = [
    (KeyAlgorithm::Rsa2048, "RSA 2048"),
    (KeyAlgorithm::EccP256, "ECC P-256"),
    (KeyAlgorithm::EccP384, "ECC P-384"),
];

impl KeygenDialog {
    pub fn new(
        blocked: Option<String>,
        locations: Vec<String>,
        name: String,
        facts: Option<PinFacts>,
        folder: PathBuf,
    ) -> Self {
        let blocked = blocked.or_else(|| locations.is_empty().then(|| i18n::text("keys-no-free-slot")));
        Self {
            blocked,
            location: locations.first().cloned().unwrap_or_default(),
            locations,
            algorithm: KeyAlgorithm::EccP256,
            name,
            pin: Zeroizing::default(),
            mgmt: dialogs::MgmtKeyField::default(),
            facts,
            folder,
            step: Step::Idle,
            subject: None,
        }
    }

    /// A request is with the card or the file is being written.
    pub fn busy(&self) -> bool {
        matches!(self.step, Step::MakingKey | Step::SigningRequest | Step::Saving)
    }

    #[cfg(test)]
    pub fn pin_cleared(&self) -> bool {
        self.pin.is_empty()
    }

    fn ready(&self) -> bool {
        self.blocked.is_none()
            && !self.busy()
            && !self.location.is_empty()
            && !self.name.trim().is_empty()
            && !self.pin.is_empty()
            && self.mgmt.ready()
            && !self.facts.is_some_and(|f| f.locked)
    }

    pub fn update(&mut self, msg: Msg) -> Action<Msg> {
        match msg {
            Msg::Location(l) if !self.busy() => self.location = l,
            Msg::Algorithm(a) if !self.busy() => self.algorithm = a,
            Msg::Name(n) => self.name = n,
            Msg::Pin(s) => self.pin = Zeroizing::new(s.0),
            Msg::MgmtKey(s) => self.mgmt.set(s.0),
            Msg::Close if !self.busy() => return Action::Close,
            Msg::Submit if self.ready() => match subject(&self.name) {
                Ok(name) => {
                    // A typed key that is not one: said inline, nothing sent.
                    let Some(auth) = self.mgmt.auth(&self.pin) else { return Action::None };
                    self.subject = Some(name);
                    self.step = Step::MakingKey;
                    return Action::Send(Operation::GenerateKey {
                        location: self.location.clone(),
                        alg: self.algorithm,
                        auth,
                    });
                }
                Err(_) => {
                    self.step = Step::Failed(i18n::text("err-request-name"), i18n::text("rec-request-name"));
                }
            },
            Msg::Saved(Ok(path)) => self.step = Step::Saved(path),
            Msg::Saved(Err(e)) => self.step = Step::Failed(i18n::text("err-request-save"), e),
            _ => {}
        }
        Action::None
    }

    /// The card answered: after the key, the request is signed; after the request, saved.
    pub fn finished(&mut self, result: Result<Outcome, TokenError>, facts: Option<PinFacts>) -> Action<Msg> {
        if facts.is_some() {
            self.facts = facts;
        }
        // A refused management key: the field and its explanation say it all.
        let refused = self.mgmt.finished(&result);
        match (&self.step, result) {
            (Step::MakingKey, Ok(Outcome::PublicKey(key))) => {
                self.step = Step::SigningRequest;
                let auth = dialogs::auth(&self.pin);
                self.pin = Zeroizing::default();
                Action::Send(Operation::Csr {
                    location: self.location.clone(),
                    alg: key.algorithm,
                    subject: self.subject.take().unwrap_or_default(),
                    spki_der: key.spki_der,
                    extensions: Vec::new(),
                    auth,
                })
            }
            (Step::SigningRequest, Ok(Outcome::Csr(der))) => {
                self.step = Step::Saving;
                let (folder, stem) =
                    (self.folder.clone(), format!("{}-{}-request", self.name.trim(), self.location));
                Action::Task(Task::perform(
                    async move { save_request_blocking(&folder, &stem, &der) },
                    Msg::Saved,
                ))
            }
            (_, Err(e)) => {
                self.pin = Zeroizing::default();
                let (m, r) = dialogs::failure(&e);
                self.step = if refused { Step::Idle } else { Step::Failed(m, r) };
                Action::None
            }
            _ => {
                self.pin = Zeroizing::default();
                self.step = Step::Failed(i18n::text("err-other"), String::new());
                Action::None
            }
        }
    }

    pub fn view(&self, size: TextSize) -> Element<'_, Msg> {
        let mut col = column![text(i18n::text("title-keygen")).size(size.title())];
        if let Some(why) = &self.blocked {
            return dialogs::blocked(col, why, i18n::text("btn-keygen"), Msg::Close, size);
        }
        col = col.push(text(i18n::text("keygen-what")).size(size.body()));
        col = dialogs::with_tries(col, self.facts, size);
        let idle = !self.busy();
        col = col
            .push(text(i18n::text("label-key-location")).size(size.body()))
            .push(dialogs::choices(
                self.locations.iter().map(|l| (l.clone(), Msg::Location(l.clone()), *l == self.location)),
                idle,
                size,
            ))
            .push(text(i18n::text("label-key-type")).size(size.body()))
            .push(dialogs::choices(
                ALGORITHMS.iter().map(|(a, l)| ((*l).to_owned(), Msg::Algorithm(*a), *a == self.algorithm)),
                idle,
                size,
            ))
            .push(dialogs::field(
                i18n::text("label-request-name"),
                &self.name,
                false,
                Msg::Name,
                Msg::Submit,
                size,
            ))
            .push(dialogs::pin_field(&self.pin, |s| Msg::Pin(Secret(s)), Msg::Submit, size));
        if let Some(f) = self.mgmt.view(|s| Msg::MgmtKey(Secret(s)), Msg::Submit, size) {
            col = col.push(f);
        }
        match &self.step {
            Step::Idle => {}
            Step::MakingKey => col = col.push(text(i18n::text("status-making-key")).size(size.heading())),
            Step::SigningRequest => {
                col = col.push(text(i18n::text("status-signing-request")).size(size.heading()));
            }
            Step::Saving => col = col.push(text(i18n::text("status-saving-request")).size(size.heading())),
            Step::Saved(path) => {
                col = col
                    .push(
                        text(i18n::text_args(
                            "status-request-saved",
                            &[("path", path.display().to_string())],
                        ))
                        .size(size.heading()),
                    )
                    .push(text(i18n::text("keygen-next")).size(size.body()));
            }
            Step::Failed(m, r) => {
                col = col.push(text(m.clone()).size(size.heading())).push(text(r.clone()).size(size.body()));
            }
        }
        let press = (self.ready() && !matches!(self.step, Step::Saved(_))).then_some(Msg::Submit);
        dialogs::frame(col.push(dialogs::buttons(
            i18n::text("btn-keygen"),
            press,
            Msg::Close,
            self.busy(),
            size,
        )))
    }
}

/// Saves the request as PEM ("CERTIFICATE REQUEST", RFC 7468 §7) in `folder`, never over
/// a file; returns where.
pub fn save_request_blocking(folder: &std::path::Path, stem: &str, der: &[u8]) -> Result<PathBuf, String> {
    let pem = pem_rfc7468::encode_string("CERTIFICATE REQUEST", pem_rfc7468::LineEnding::LF, der)
        .map_err(|e| e.to_string())?;
    dialogs::save_new_blocking(folder, stem, "csr", pem.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ecert::piv::PublicKey;

    fn dialog(tries: u8) -> KeygenDialog {
        let facts = PinFacts { tries_left: Some(tries), final_try: tries == 1, ..PinFacts::default() };
        KeygenDialog::new(
            None,
            vec!["9d".into(), "9e".into()],
            "Chan Tai Man".into(),
            Some(facts),
            "/nowhere".into(),
        )
    }

    #[test]
    fn two_requests_one_at_a_time_and_the_pin_goes_with_the_second() {
        let mut d = dialog(3);
        assert!(matches!(d.update(Msg::Submit), Action::None), "nothing without a PIN");
        let _ = d.update(Msg::Pin(Secret("123456".into())));
        let _ = d.update(Msg::Algorithm(KeyAlgorithm::EccP384));
        let Action::Send(Operation::GenerateKey { location, alg, auth }) = d.update(Msg::Submit) else {
            panic!("expected GenerateKey")
        };
        assert_eq!((location.as_str(), alg), ("9d", KeyAlgorithm::EccP384));
        assert_eq!(auth.pin.map(|p| p.expose().to_owned()).as_deref(), Some("123456"));
        assert!(matches!(d.update(Msg::Submit), Action::None), "no second start");
        assert!(matches!(d.update(Msg::Close), Action::None), "no close while the card works");
        assert!(!d.pin_cleared(), "the PIN is still needed for the request");
        let key = PublicKey { algorithm: KeyAlgorithm::EccP384, spki_der: vec![1, 2, 3] };
        let Action::Send(Operation::Csr { location, alg, subject, spki_der, auth, .. }) =
            d.finished(Ok(Outcome::PublicKey(key)), None)
        else {
            panic!("expected Csr")
        };
        assert_eq!((location.as_str(), alg, spki_der), ("9d", KeyAlgorithm::EccP384, vec![1, 2, 3]));
        assert_eq!(subject.to_string(), "CN=Chan Tai Man");
        assert!(auth.pin.is_some());
        assert!(d.pin_cleared(), "the PIN is wiped once the last request left");
        assert_eq!(d.step, Step::SigningRequest);
        assert!(matches!(d.finished(Ok(Outcome::Csr(vec![0x30, 0])), None), Action::Task(_)));
        assert_eq!(d.step, Step::Saving);
        assert!(d.busy());
    }

    #[test]
    fn a_wrong_pin_shows_the_tries_left_and_wipes_the_pin() {
        let _lang = crate::gui::tests::lang_lock();
        i18n::set_language(i18n::Language::English);
        let mut d = dialog(2);
        let _ = d.update(Msg::Pin(Secret("000000".into())));
        let _ = d.update(Msg::Submit);
        let wrong = TokenError::Piv(ecert::piv::PivError::WrongPin {
            which: ecert::piv::PinRef::Pin,
            tries_left: Some(1),
        });
        let after = PinFacts { tries_left: Some(1), final_try: true, ..PinFacts::default() };
        assert!(matches!(d.finished(Err(wrong), Some(after)), Action::None));
        assert!(matches!(&d.step, Step::Failed(m, _) if m.contains('1')), "{:?}", d.step);
        assert!(d.pin_cleared() && !d.busy());
        assert!(dialogs::tries_line(d.facts).is_some_and(|l| l.contains("one try left")));
    }

    #[test]
    fn names_become_subjects_and_files_are_never_overwritten() {
        assert_eq!(
            subject("Chan, Tai Man").map(|n| n.to_string()).ok().as_deref(),
            Some("CN=Chan\\, Tai Man")
        );
        assert!(subject("CN=A,O=B,C=HK").is_ok());
        let dir = tempfile::tempdir().unwrap();
        let a = save_request_blocking(dir.path(), "Chan-9d-request", &[0x30, 0]).unwrap();
        let b = save_request_blocking(dir.path(), "Chan-9d-request", &[0x30, 0]).unwrap();
        assert_ne!(a, b);
        assert!(std::fs::read_to_string(&a).unwrap().starts_with("-----BEGIN CERTIFICATE REQUEST-----"));
    }

    #[test]
    fn a_file_explains_instead_of_asking() {
        let mut d = KeygenDialog::new(Some("no".into()), vec!["01".into()], "x".into(), None, "/".into());
        let _ = d.update(Msg::Pin(Secret("1".into())));
        assert!(matches!(d.update(Msg::Submit), Action::None));
        assert_eq!(d.step, Step::Idle);
    }
}
