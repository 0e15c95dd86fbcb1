//! Plain HTTP repositories: a URL serving certificates and CRLs as DER or PEM (RFC 2585 §3,
//! `application/pkix-cert` / `application/pkix-crl`; PEM per RFC 7468). One GET, bounded in
//! time and size by `verify::fetch::http_get`.

use crate::verify::crl::Crl;
use crate::verify::fetch::{http_get, FetchError};
use crate::verify::model::read_certs;
use crate::verify::network::{host_of, Policy};
use crate::verify::Cert;

use super::{DirectoryError, Limits};

/// What one HTTP repository served, sorted by kind.
#[derive(Clone, Debug, Default)]
pub struct Served {
    pub certificates: Vec<Cert>,
    pub crls: Vec<Crl>,
}

/// GETs `url` and decodes every object in it; a body that holds neither a certificate nor a
/// CRL is [`DirectoryError::Malformed`].
pub fn fetch(url: &str, limits: Limits) -> Result<Served, DirectoryError> {
    // The user configured this URL, so its host may be a private one; a redirect elsewhere
    // is not followed.
    let policy = Policy { allowed_hosts: host_of(url).into_iter().collect() };
    let body = http_get(url, limits.operation, limits.max_bytes, &policy).map_err(|e| map_error(url, e))?;
    decode(url, &body)
}

/// Decodes a served body (DER, or PEM with CERTIFICATE / X509 CRL blocks).
pub fn decode(url: &str, body: &[u8]) -> Result<Served, DirectoryError> {
    let malformed = |detail: String| DirectoryError::Malformed {
        dn: url.to_owned(),
        attribute: "HTTP body".into(),
        expected: "certificate or CRL (DER or PEM)",
        detail,
    };
    let blobs = read_certs(body).map_err(|e| malformed(e.to_string()))?;
    let mut served = Served::default();
    for der in blobs {
        match Cert::parse(&der) {
            Ok(cert) => served.certificates.push(cert),
            Err(cert_error) => match Crl::parse(der) {
                Ok(crl) => served.crls.push(crl),
                Err(_) => return Err(malformed(cert_error.to_string())),
            },
        }
    }
    if served.certificates.is_empty() && served.crls.is_empty() {
        return Err(malformed("no certificate or CRL in it".into()));
    }
    Ok(served)
}

fn map_error(url: &str, e: FetchError) -> DirectoryError {
    let url = url.to_owned();
    match e {
        FetchError::Unreachable { io, .. } => DirectoryError::Unreachable { url, detail: io },
        FetchError::Timeout { after, .. } => DirectoryError::Timeout { url, after },
        FetchError::TooLarge { limit, .. } => DirectoryError::SizeLimit { url, limit },
        FetchError::UnsupportedScheme { .. } | FetchError::BadUrl { .. } => {
            DirectoryError::BadUrl { url, detail: e.to_string() }
        }
        other => DirectoryError::Protocol { url, detail: other.to_string() },
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn der_pem_and_garbage() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/pkits");
        let cert = std::fs::read(root.join("certs/GoodCACert.crt")).unwrap();
        let crl = std::fs::read(root.join("crls/GoodCACRL.crl")).unwrap();
        assert_eq!(decode("u", &cert).unwrap().certificates.len(), 1);
        assert_eq!(decode("u", &crl).unwrap().crls.len(), 1);
        let pem = pem_rfc7468::encode_string("CERTIFICATE", pem_rfc7468::LineEnding::LF, &cert).unwrap();
        assert_eq!(decode("u", pem.as_bytes()).unwrap().certificates.len(), 1);
        let err = decode("http://x/y.crt", b"<html>not found</html>").unwrap_err();
        assert!(matches!(err, DirectoryError::Malformed { .. }), "{err}");
    }
}
