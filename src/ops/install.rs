//! Installing an e-Cert file's key and certificate into a card or token: key first, then
//! the certificate (whose import proves it matches the stored key); if the certificate
//! cannot be stored the key is removed again, so the token never keeps half an identity.

use crate::p12file::P12Contents;
use crate::token::{Auth, Token, TokenError};

pub fn install_p12(
    token: &mut dyn Token,
    contents: &P12Contents,
    location: &str,
    auth: &Auth,
) -> Result<(), TokenError> {
    token.import_key(location, &contents.key_pkcs8, auth)?;
    if let Err(e) = token.import_certificate(location, contents.certificate(), auth) {
        // Roll back: the key we just stored is ours alone (the location was empty).
        let _ = token.delete_key(location, auth);
        return Err(e);
    }
    Ok(())
}
