//! Installing an e-Cert file's key and certificate into a card or token: key first, then
//! the certificate (whose import proves it matches the stored key); if the certificate
//! cannot be stored the key is removed again, so the token never keeps half an identity.
//! A file whose key is not its certificate's is refused before anything is written.

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
