//! PKCS#10 certification requests (RFC 2986) signed by a key that never leaves the card:
//! the request info is DER-encoded here, hashed, and only the hash (ECDSA) or the padded
//! PKCS#1 v1.5 block (RSA, RFC 8017 §9.2) is sent to the card to sign.

use std::str::FromStr;

use der::asn1::{BitString, ObjectIdentifier, SetOfVec};
use der::{Decode, Encode};
use sha2::{Digest, Sha256, Sha384};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::attr::Attribute;
use x509_cert::ext::Extension;
use x509_cert::name::Name;
use x509_cert::request::{CertReq, CertReqInfo, ExtensionReq, Version};

use crate::token::KeyAlgorithm;

const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const ECDSA_WITH_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");

/// DigestInfo prefix for SHA-256 (RFC 8017 §9.2 note 1).
const SHA256_DIGEST_INFO: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00,
    0x04, 0x20,
];

#[derive(Debug, Clone, thiserror::Error)]
pub enum CsrError {
    #[error("subject {subject:?} is not a valid distinguished name (RFC 4514): {detail}")]
    Subject { subject: String, detail: String },
    #[error("cannot encode the request: {0}")]
    Der(#[from] der::Error),
    #[error("the card did not sign: {0}")]
    Sign(String),
}

/// Parses an RFC 4514 subject such as `CN=Chan Tai Man,O=Hongkong Post e-Cert (Personal),C=HK`.
pub fn parse_subject(text: &str) -> Result<Name, CsrError> {
    Name::from_str(text).map_err(|e| CsrError::Subject { subject: text.to_owned(), detail: e.to_string() })
}

/// A subjectAltName extension with e-mail addresses (RFC 5280 §4.2.1.6, rfc822Name), as
/// personal e-Certs carry the holder's e-mail.
pub fn email_extension(emails: &[String]) -> Result<Extension, CsrError> {
    use der::asn1::{Ia5String, OctetString};
    use x509_cert::ext::pkix::name::GeneralName;
    use x509_cert::ext::pkix::SubjectAltName;
    let names = emails
        .iter()
        .map(|e| {
            if !e.contains('@') {
                return Err(CsrError::Subject { subject: e.clone(), detail: "not an e-mail address".into() });
            }
            Ia5String::new(e).map(GeneralName::Rfc822Name).map_err(CsrError::Der)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Extension {
        extn_id: ObjectIdentifier::new_unwrap("2.5.29.17"),
        critical: false,
        extn_value: OctetString::new(SubjectAltName(names).to_der()?)?,
    })
}

/// The bytes the card must sign for `tbs`, by key type.
pub fn card_sign_input(alg: KeyAlgorithm, tbs: &[u8]) -> Vec<u8> {
    match alg {
        KeyAlgorithm::EccP256 => Sha256::digest(tbs).to_vec(),
        KeyAlgorithm::EccP384 => Sha384::digest(tbs).to_vec(),
        KeyAlgorithm::Rsa2048 | KeyAlgorithm::Rsa3072 => {
            let block_len = alg.rsa_block_len().unwrap_or(256);
            let digest = Sha256::digest(tbs);
            let t_len = SHA256_DIGEST_INFO.len() + digest.len();
            let mut em = vec![0xFF; block_len];
            em[0] = 0x00;
            em[1] = 0x01;
            em[block_len - t_len - 1] = 0x00;
            em[block_len - t_len..block_len - digest.len()].copy_from_slice(&SHA256_DIGEST_INFO);
            em[block_len - digest.len()..].copy_from_slice(&digest);
            em
        }
    }
}

fn signature_algorithm(alg: KeyAlgorithm) -> AlgorithmIdentifierOwned {
    match alg {
        KeyAlgorithm::Rsa2048 | KeyAlgorithm::Rsa3072 => {
            AlgorithmIdentifierOwned { oid: SHA256_WITH_RSA, parameters: Some(der::Any::null()) }
        }
        KeyAlgorithm::EccP256 => AlgorithmIdentifierOwned { oid: ECDSA_WITH_SHA256, parameters: None },
        KeyAlgorithm::EccP384 => AlgorithmIdentifierOwned { oid: ECDSA_WITH_SHA384, parameters: None },
    }
}

/// Builds and signs a CSR. `sign` gets [`card_sign_input`] and returns the signature
/// (DER ECDSA-Sig-Value for EC, the raw RSA signature for RSA), as a PIV card does.
pub fn build_csr<E: std::fmt::Display>(
    subject: Name,
    spki_der: &[u8],
    alg: KeyAlgorithm,
    extensions: Vec<Extension>,
    sign: impl FnOnce(&[u8]) -> Result<Vec<u8>, E>,
) -> Result<Vec<u8>, CsrError> {
    let mut attributes = SetOfVec::new();
    if !extensions.is_empty() {
        let attr = Attribute::try_from(ExtensionReq(extensions))?;
        attributes.insert(attr)?;
    }
    let info = CertReqInfo {
        version: Version::V1,
        subject,
        public_key: SubjectPublicKeyInfoOwned::from_der(spki_der)?,
        attributes,
    };
    let tbs = info.to_der()?;
    let signature = sign(&card_sign_input(alg, &tbs)).map_err(|e| CsrError::Sign(e.to_string()))?;
    let req =
        CertReq { info, algorithm: signature_algorithm(alg), signature: BitString::from_bytes(&signature)? };
    Ok(req.to_der()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rsa_block_is_pkcs1_v15() {
        let em = card_sign_input(KeyAlgorithm::Rsa2048, b"abc");
        assert_eq!(em.len(), 256);
        assert_eq!(&em[..2], &[0x00, 0x01]);
        assert_eq!(em[256 - 52], 0x00);
        assert!(em[2..256 - 52].iter().all(|b| *b == 0xFF));
        assert_eq!(&em[256 - 32..], Sha256::digest(b"abc").as_slice());
    }

    #[test]
    fn subject_parses_or_explains() {
        let n = parse_subject("CN=Chan Tai Man,O=Hongkong Post e-Cert (Personal),C=HK").unwrap();
        assert!(n.to_string().contains("CN=Chan Tai Man"));
        assert!(matches!(parse_subject("not a dn"), Err(CsrError::Subject { .. })));
    }
}
