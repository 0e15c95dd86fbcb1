//! Operations the worker runs on one token for GUI and CLI. Each carries its own
//! credentials, used once and zeroized when the operation is dropped.

use x509_cert::name::Name;

use crate::piv::{KeyAlgorithm, PinRef, PublicKey};
use crate::secret::Pin;
use crate::token::{Auth, PinFacts, Token, TokenError};

/// What to do on a token.
#[derive(Debug)]
#[non_exhaustive]
pub enum Operation {
    /// Read PIN tries/flags without spending a try.
    PinStatus,
    /// The certificate at one location, read directly (PIV retired slots included).
    CertificateAt {
        location: String,
    },
    /// List certificates with a credential (an e-Cert file's password).
    Certificates {
        auth: Auth,
    },
    /// Install the key and certificate of an e-Cert file at `location`.
    InstallP12 {
        file: std::path::PathBuf,
        password: crate::secret::Password,
        location: String,
        auth: Auth,
    },
    ChangePin {
        which: PinRef,
        old: Pin,
        new: Pin,
    },
    UnblockPin {
        puk: Pin,
        new_pin: Pin,
    },
    GenerateKey {
        location: String,
        alg: KeyAlgorithm,
        auth: Auth,
    },
    /// Sign a PKCS#10 request for `subject` with the key at `location` whose public key is
    /// `spki_der`.
    Csr {
        location: String,
        alg: KeyAlgorithm,
        subject: Name,
        spki_der: Vec<u8>,
        extensions: Vec<x509_cert::ext::Extension>,
        auth: Auth,
    },
    /// A test signature: SHA-256 (P-256, RSA) or SHA-384 (P-384) of `message`, signed by
    /// the key at `location`; the result verifies with `openssl dgst -verify`.
    Sign {
        location: String,
        alg: KeyAlgorithm,
        message: Vec<u8>,
        auth: Auth,
    },
    ImportCertificate {
        location: String,
        der: Vec<u8>,
        auth: Auth,
    },
    DeleteCertificate {
        location: String,
        auth: Auth,
    },
    /// A step of a journaled lifecycle workflow (journal in `journal_dir`).
    Workflow {
        action: crate::ops::workflow::Action,
        journal_dir: std::path::PathBuf,
        auth: Auth,
    },
}

/// What an operation produced.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Outcome {
    Pin(PinFacts),
    Certificates(Vec<crate::token::CertObject>),
    PublicKey(PublicKey),
    Csr(Vec<u8>),
    Signature(Vec<u8>),
    /// Where a workflow stands after the action.
    Journal(Box<crate::ops::journal::Journal>),
    Done,
}

impl Operation {
    pub(super) fn run(self, token: &mut dyn Token) -> Result<Outcome, TokenError> {
        match self {
            Self::PinStatus => token.pin_status().map(Outcome::Pin),
            Self::Certificates { auth } => token.certificates_with(&auth).map(Outcome::Certificates),
            Self::CertificateAt { location } => token.certificate_at(&location).map(|der| {
                Outcome::Certificates(
                    der.map(|d| crate::token::CertObject::new(location, None, d)).into_iter().collect(),
                )
            }),
            Self::InstallP12 { file, password, location, auth } => {
                let contents = crate::p12file::P12File::open(&file)?.decrypt(&password)?;
                crate::ops::install::install_p12(token, &contents, &location, &auth).map(|()| Outcome::Done)
            }
            Self::ChangePin { which, old, new } => {
                token.change_pin(which, &old, &new).map(|()| Outcome::Done)
            }
            Self::UnblockPin { puk, new_pin } => token.unblock_pin(&puk, &new_pin).map(|()| Outcome::Done),
            Self::GenerateKey { location, alg, auth } => {
                token.generate_key(&location, alg, &auth).map(Outcome::PublicKey)
            }
            Self::Csr { location, alg, subject, spki_der, extensions, auth } => {
                // Keep the token's own error (wrong PIN, card removed) rather than text.
                let mut sign_error = None;
                let csr = crate::ops::csr::build_csr(subject, &spki_der, alg, extensions, |input| {
                    token.sign(&location, alg, input, &auth).map_err(|e| {
                        let text = e.to_string();
                        sign_error = Some(e);
                        text
                    })
                });
                match (csr, sign_error) {
                    (Ok(der), _) => Ok(Outcome::Csr(der)),
                    (Err(_), Some(e)) => Err(e),
                    (Err(e), None) => Err(TokenError::Csr(e)),
                }
            }
            Self::Sign { location, alg, message, auth } => {
                let input = crate::ops::csr::card_sign_input(alg, &message);
                token.sign(&location, alg, &input, &auth).map(Outcome::Signature)
            }
            Self::ImportCertificate { location, der, auth } => {
                token.import_certificate(&location, &der, &auth).map(|()| Outcome::Done)
            }
            Self::DeleteCertificate { location, auth } => {
                token.delete_certificate(&location, &auth).map(|()| Outcome::Done)
            }
            Self::Workflow { action, journal_dir, auth } => {
                let store = crate::ops::journal::Store::new(&journal_dir);
                Ok(Outcome::Journal(Box::new(action.run(&store, token, &auth)?)))
            }
        }
    }
}
