//! Installing an e-Cert file's key and certificate into a card or token: key first, then
//! the certificate (whose import proves it matches the stored key); if the certificate
//! cannot be stored the key is removed again, so the token never keeps half an identity.
//! A file whose key is not its certificate's is refused before anything is written.

use std::path::Path;

use crate::careful_file::Mode;
use crate::ops::card_proof::CardNow;
use crate::ops::journal::{Journal, Kind, Status, Store};
use crate::ops::workflow::{self, WorkflowError};
use crate::p12file::P12Contents;
use crate::token::{Auth, Token, TokenError};

pub fn install_p12(
    token: &mut dyn Token,
    contents: &P12Contents,
    location: &str,
    auth: &Auth,
) -> Result<(), TokenError> {
    // A key type no card or token here can hold is said so (not "does not match"), and the
    // file's key must be its certificate's, before anything is written.
    if crate::ops::soft_key::kind(&contents.key_pkcs8).is_none() {
        let err = crate::piv::ImportKey::from_pkcs8(&contents.key_pkcs8)
            .err()
            .unwrap_or(crate::piv::KeyTypeError::Malformed);
        return Err(TokenError::Piv(crate::piv::PivError::KeyType(err)));
    }
    if !contents.key_matches_certificate() {
        return Err(TokenError::KeyMismatch { location: location.to_owned() });
    }
    token.import_key(location, &contents.key_pkcs8, auth)?;
    if let Err(e) = token.import_certificate(location, contents.certificate(), auth) {
        // Roll back: the key we just stored is ours alone (the location was empty).
        let _ = token.delete_key(location, auth);
        return Err(e);
    }
    Ok(())
}

/// Journaled install into a card slot (used for PIV cards, whose old key cannot be exported
/// and is replaced by the import — callers say so before asking). Steps, each journaled
/// before it runs ([`super::workflow`]): 0 delete the slot's certificate (already backed up
/// to `backup` and kept in the journal), 1 import the key, 2 write the certificate once the
/// card proves the pair with a signature, done. A pulled card is resumed (from step 1 only
/// with the file again: the journal holds no secret) or rolled back.
pub fn start_journaled(
    store: &Store,
    token: &mut dyn Token,
    contents: &P12Contents,
    location: &str,
    backup: Option<&Path>,
    auth: &Auth,
) -> Result<Journal, WorkflowError> {
    check_file(contents, location)?;
    let now = CardNow::read(token, &[location])?;
    workflow::refuse_pending(store, &now)?;
    let old_cert = token.certificate_at(location)?;
    if let Some(old) = &old_cert {
        let Some(path) = backup else {
            return Err(WorkflowError::SlotInUse { location: location.to_owned() });
        };
        workflow::write_file(path, old, Mode::PRIVATE.no_clobber())?;
    }
    let cert = contents.certificate().to_vec();
    let mut j = Journal {
        id: workflow::new_id(),
        kind: Kind::Install,
        card: String::new(),
        proof: None,
        status: Status::Running,
        step: 0,
        location: location.to_owned(),
        replaces: old_cert.as_ref().map(|_| location.to_owned()),
        old_cert,
        new_key: Some(crate::cert::spki_der(&cert).map_err(TokenError::from)?),
        new_cert: Some(cert),
        request: None,
        subject: None,
        algorithm: None,
    };
    store.stamp(&mut j, &now)?;
    store.save(&j)?;
    if let Err(e) = run_journaled(store, token, &mut j, Some(contents), auth) {
        // The card refused (management key, key import): put it back as it was now, so no
        // unfinished job is left for a refusal. A pulled card keeps its journal instead.
        if !card_gone(&e) {
            let _ = roll_back(store, token, &mut j, auth);
        }
        return Err(e);
    }
    Ok(j)
}

fn card_gone(e: &WorkflowError) -> bool {
    use crate::apdu::ApduError;
    use crate::piv::PivError;
    matches!(e, WorkflowError::Token(TokenError::Piv(PivError::Apdu(ApduError::Transport(_)))))
}

/// Continues an interrupted install with the e-Cert file at hand.
pub fn resume_with_file(
    store: &Store,
    token: &mut dyn Token,
    j: &mut Journal,
    contents: &P12Contents,
    auth: &Auth,
) -> Result<(), WorkflowError> {
    if j.status != Status::Running || j.kind != Kind::Install {
        return Err(WorkflowError::NotActive { status: j.status });
    }
    if j.new_cert.as_deref() != Some(contents.certificate()) {
        return Err(WorkflowError::WrongKey);
    }
    run_journaled(store, token, j, Some(contents), auth)
}

/// The file's key type fits a card and its key is its certificate's.
fn check_file(contents: &P12Contents, location: &str) -> Result<(), TokenError> {
    crate::piv::ImportKey::from_pkcs8(&contents.key_pkcs8).map_err(crate::piv::PivError::from)?;
    if !contents.key_matches_certificate() {
        return Err(TokenError::KeyMismatch { location: location.to_owned() });
    }
    Ok(())
}

/// Writes the journal's certificate; the token proves first that the slot's key is its key.
fn write_new(token: &mut dyn Token, j: &Journal, auth: &Auth) -> Result<(), TokenError> {
    let cert = j.new_cert.clone().unwrap_or_default();
    if token.certificate_at(&j.location)?.as_deref() != Some(cert.as_slice()) {
        token.import_certificate(&j.location, &cert, auth)?;
    }
    Ok(())
}

/// Runs the install's steps from `j.step`. Without the file, step 1 can only go on if the
/// card already took the key (the cut came after the import).
pub(crate) fn run_journaled(
    store: &Store,
    token: &mut dyn Token,
    j: &mut Journal,
    contents: Option<&P12Contents>,
    auth: &Auth,
) -> Result<(), WorkflowError> {
    loop {
        workflow::ensure_card(store, token, j)?;
        match j.step {
            0 => {
                if j.old_cert.is_some() && token.certificate_at(&j.location)?.is_some() {
                    token.delete_certificate(&j.location, auth)?;
                }
                j.step = 1;
                store.save(j)?;
            }
            1 => {
                match contents {
                    Some(c) => token.import_key(&j.location, &c.key_pkcs8, auth)?,
                    // The import may have reached the card before it was pulled: the proof
                    // in step 2 tells.
                    None => match write_new(token, j, auth) {
                        Ok(()) => {}
                        Err(TokenError::KeyMismatch { .. }) => {
                            return Err(WorkflowError::NeedsFile { id: j.id.clone() })
                        }
                        Err(e) => return Err(e.into()),
                    },
                }
                j.step = 2;
                store.save(j)?;
            }
            _ => {
                write_new(token, j, auth)?;
                return workflow::finish(store, j);
            }
        }
    }
}

/// Rolls an install back: the new certificate is taken out and the old one put back — only
/// where the card proves the old key is still there (the import had not happened). If the
/// old key is gone, the old e-Cert cannot come back; the install is completed instead
/// (status Done), which is the only complete state left.
pub(crate) fn roll_back(
    store: &Store,
    token: &mut dyn Token,
    j: &mut Journal,
    auth: &Auth,
) -> Result<(), WorkflowError> {
    workflow::ensure_card(store, token, j)?;
    j.status = Status::Running;
    store.save(j)?;
    let Some(old) = j.old_cert.clone() else {
        // Nothing was there: take the new certificate out (its key stays, harmless).
        if token.certificate_at(&j.location)?.is_some() {
            token.delete_certificate(&j.location, auth)?;
        }
        j.status = Status::RolledBack;
        store.save(j)?;
        return Ok(());
    };
    let now = token.certificate_at(&j.location)?;
    if now.as_deref() == Some(old.as_slice()) {
        j.status = Status::RolledBack;
        store.save(j)?;
        return Ok(());
    }
    if now.is_some() {
        // The new certificate is in, with its key: the install is complete.
        return workflow::finish(store, j);
    }
    match token.import_certificate(&j.location, &old, auth) {
        Ok(()) => {
            j.status = Status::RolledBack;
            store.save(j)?;
            Ok(())
        }
        Err(TokenError::KeyMismatch { .. }) => {
            write_new(token, j, auth)?;
            workflow::finish(store, j)
        }
        Err(e) => Err(e.into()),
    }
}
