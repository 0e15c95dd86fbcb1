//! Test signature: the card signs a fixed message with the key of one e-Cert (PIN first,
//! tries left shown), and the app checks the signature against that certificate's public key
//! (`verify::signature::verify_message`: SHA-256 for RSA and P-256, SHA-384 for P-384, as
//! PIV cards sign). "It signed" is only said when the signature also checks.

use ecert::i18n;
use ecert::piv::KeyAlgorithm;
use ecert::service::{Operation, Outcome};
use ecert::token::{PinFacts, TokenError};
use iced::widget::{column, text};
use iced::Element;
use zeroize::Zeroizing;

use super::dialogs::{self, Action};
use super::{Secret, TextSize};

#[derive(Debug, Clone)]
pub enum Msg {
    Pin(Secret),
    /// Sign: one request to the card.
    Submit,
    Close,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// The card signed and the signature checks against the certificate.
    Good,
    /// The card answered, but the signature does not check (wrong key in the slot).
    Bad(String),
    Failed(String, String),
}

pub struct SignDialog {
    pub blocked: Option<String>,
    pub location: String,
    pub owner: String,
    spki: Vec<u8>,
    alg: Option<KeyAlgorithm>,
    pub facts: Option<PinFacts>,
    pin: Zeroizing<String>,
    /// The message sent to the card (kept to check the answer).
    pub message: Vec<u8>,
    pub busy: bool,
    pub status: Option<Status>,
}

/// The fixed message, with the time so no two tests sign the same bytes.
pub fn test_message(now: u64) -> Vec<u8> {
    format!("e-Cert Manager test signature {now}").into_bytes()
}

impl SignDialog {
    pub fn new(
        blocked: Option<String>,
        location: String,
        owner: String,
        cert_der: &[u8],
        facts: Option<PinFacts>,
    ) -> Self {
        let spki = ecert::cert::spki_der(cert_der).unwrap_or_default();
        let alg = KeyAlgorithm::from_spki(&spki);
        let blocked = blocked.or_else(|| alg.is_none().then(|| i18n::text("sign-unsupported-key")));
        Self {
            blocked,
            location,
            owner,
            spki,
            alg,
            facts,
            pin: Zeroizing::default(),
            message: Vec::new(),
            busy: false,
            status: None,
        }
    }

    #[cfg(test)]
    pub fn pin_cleared(&self) -> bool {
        self.pin.is_empty()
    }

    fn ready(&self) -> bool {
        self.blocked.is_none() && !self.busy && !self.pin.is_empty() && !self.facts.is_some_and(|f| f.locked)
    }

    pub fn update(&mut self, msg: Msg) -> Action<Msg> {
        match msg {
            Msg::Pin(s) => self.pin = Zeroizing::new(s.0),
            Msg::Close if !self.busy => return Action::Close,
            Msg::Submit if self.ready() => {
                let Some(alg) = self.alg else { return Action::None };
                self.busy = true;
                self.status = None;
                self.message = test_message(super::certs::now());
                let auth = dialogs::auth(&self.pin);
                self.pin = Zeroizing::default();
                return Action::Send(Operation::Sign {
                    location: self.location.clone(),
                    alg,
                    message: self.message.clone(),
                    auth,
                });
            }
            _ => {}
        }
        Action::None
    }

    /// The card answered; a signature is checked here against the certificate's key.
    pub fn finished(&mut self, result: Result<Outcome, TokenError>, facts: Option<PinFacts>) {
        self.busy = false;
        if facts.is_some() {
            self.facts = facts;
        }
        self.status = Some(match result {
            Ok(Outcome::Signature(sig)) => {
                match ecert::verify::signature::verify_message(&self.spki, &self.message, &sig) {
                    Ok(()) => Status::Good,
                    Err(e) => Status::Bad(e.to_string()),
                }
            }
            Ok(_) => Status::Failed(i18n::text("err-other"), String::new()),
            Err(e) => {
                let (m, r) = dialogs::failure(&e);
                Status::Failed(m, r)
            }
        });
    }

    pub fn view(&self, size: TextSize) -> Element<'_, Msg> {
        let mut col = column![
            text(i18n::text("title-sign")).size(size.title()),
            text(i18n::text_args(
                "sign-what",
                &[("owner", self.owner.clone()), ("key", super::certs::key_purpose(&self.location))]
            ))
            .size(size.body()),
        ];
        if let Some(why) = &self.blocked {
            return dialogs::blocked(col, why, i18n::text("btn-sign"), Msg::Close, size);
        }
        col = dialogs::with_tries(col, self.facts, size);
        col = col.push(dialogs::pin_field(&self.pin, |s| Msg::Pin(Secret(s)), Msg::Submit, size));
        if self.busy {
            col = col.push(text(i18n::text("status-signing")).size(size.heading()));
        }
        match &self.status {
            Some(Status::Good) => {
                col = col.push(text(i18n::text("status-signature-good")).size(size.heading()));
            }
            Some(Status::Bad(detail)) => {
                col = col
                    .push(text(i18n::text("err-signature-bad")).size(size.heading()))
                    .push(text(detail.clone()).size(size.small()));
            }
            Some(Status::Failed(m, r)) => {
                col = col.push(text(m.clone()).size(size.heading())).push(text(r.clone()).size(size.body()));
            }
            None => {}
        }
        let press = self.ready().then_some(Msg::Submit);
        dialogs::frame(col.push(dialogs::buttons(i18n::text("btn-sign"), press, Msg::Close, self.busy, size)))
    }
}

/// A real certificate (Hongkong Post Root CA 3) with its SubjectPublicKeyInfo replaced by
/// `spki`: enough for tests that match keys or check a signature with the certificate's key
/// (its own signature no longer verifies).
#[cfg(test)]
pub fn cert_with_key(spki: &[u8]) -> der::Result<Vec<u8>> {
    use der::asn1::{AnyRef, BitStringRef};
    use der::{Decode, Encode, Sequence};
    #[derive(Sequence)]
    struct Tbs<'a> {
        #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
        version: Option<AnyRef<'a>>,
        serial: AnyRef<'a>,
        signature: AnyRef<'a>,
        issuer: AnyRef<'a>,
        validity: AnyRef<'a>,
        subject: AnyRef<'a>,
        spki: AnyRef<'a>,
        #[asn1(context_specific = "3", tag_mode = "EXPLICIT", optional = "true")]
        extensions: Option<AnyRef<'a>>,
    }
    #[derive(Sequence)]
    struct Cert<'a> {
        tbs: Tbs<'a>,
        algorithm: AnyRef<'a>,
        signature: BitStringRef<'a>,
    }
    let der = include_bytes!("../../assets/anchors/Hongkong_Post_Root_CA_3.der");
    let mut cert = Cert::from_der(der)?;
    cert.tbs.spki = AnyRef::from_der(spki)?;
    cert.to_der()
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::signature::Signer;

    fn key_and_cert() -> (p256::ecdsa::SigningKey, Vec<u8>) {
        use p256::pkcs8::EncodePublicKey;
        let key = p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap();
        let spki = key.verifying_key().to_public_key_der().unwrap();
        (key, cert_with_key(spki.as_bytes()).unwrap())
    }

    #[test]
    fn one_signature_is_asked_and_checked_against_the_certificate() {
        let _lang = super::super::tests::lang_lock();
        i18n::set_language(i18n::Language::English);
        let (key, cert) = key_and_cert();
        let mut d = SignDialog::new(None, "9a".into(), "Chan".into(), &cert, None);
        assert!(d.blocked.is_none());
        let _ = d.update(Msg::Pin(Secret("123456".into())));
        let Action::Send(Operation::Sign { location, alg, message, auth }) = d.update(Msg::Submit) else {
            panic!("expected Sign")
        };
        assert_eq!((location.as_str(), alg), ("9a", KeyAlgorithm::EccP256));
        assert!(String::from_utf8_lossy(&message).starts_with("e-Cert Manager test signature "));
        assert!(auth.pin.is_some() && d.pin_cleared());
        assert!(matches!(d.update(Msg::Submit), Action::None), "no second start");
        let sig: p256::ecdsa::DerSignature = key.sign(&message);
        d.finished(Ok(Outcome::Signature(sig.as_bytes().to_vec())), None);
        assert_eq!(d.status, Some(Status::Good));
        // Another key's signature does not pass.
        let _ = d.update(Msg::Pin(Secret("123456".into())));
        let _ = d.update(Msg::Submit);
        let other = p256::ecdsa::SigningKey::from_slice(&[9u8; 32]).unwrap();
        let sig: p256::ecdsa::DerSignature = other.sign(&d.message);
        d.finished(Ok(Outcome::Signature(sig.as_bytes().to_vec())), None);
        assert!(matches!(d.status, Some(Status::Bad(_))));
    }
}
