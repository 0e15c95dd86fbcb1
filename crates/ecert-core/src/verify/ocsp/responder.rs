//! Who may sign an OCSP response (RFC 6960 §4.2.2.2): the certificate's issuer itself, or
//! a delegated responder whose certificate the issuer signed and marked with
//! `id-kp-OCSPSigning`. Finds the signer named by the ResponderID and checks its authority:
//! for a delegate also digitalSignature when a keyUsage is present (RFC 5280 §4.2.1.3), no
//! critical extension we do not understand (§4.2), and whether it carries
//! `id-pkix-ocsp-nocheck` (RFC 6960 §4.2.2.2.1) — without it the caller must check the
//! delegate's own revocation before trusting the answer.

use der::asn1::ObjectIdentifier;
use der::{Decode, Encode};
use sha1::{Digest, Sha1};
use x509_cert::ext::pkix::{ExtendedKeyUsage, KeyUsage};
use x509_cert::Certificate;

use super::asn1::{ResponderId, ID_KP_OCSP_SIGNING};
use super::{signed_parts, OcspError, ResponderProblem};
use crate::verify::signature::verify_signed;

/// id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1).
pub const ID_PKIX_OCSP_NOCHECK: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.5");

/// Extensions a delegate may mark critical that we understand (RFC 5280 §4.2.1).
const KNOWN_CRITICAL: [&str; 10] = [
    "2.5.29.14",            // subjectKeyIdentifier
    "2.5.29.15",            // keyUsage
    "2.5.29.17",            // subjectAltName
    "2.5.29.19",            // basicConstraints
    "2.5.29.31",            // cRLDistributionPoints
    "2.5.29.32",            // certificatePolicies
    "2.5.29.35",            // authorityKeyIdentifier
    "2.5.29.37",            // extendedKeyUsage
    "1.3.6.1.5.5.7.1.1",    // authorityInfoAccess
    "1.3.6.1.5.5.7.48.1.5", // id-pkix-ocsp-nocheck
];

/// The key that must have signed the response, and the name shown for it.
pub(super) struct Signer {
    pub spki_der: Vec<u8>,
    pub name: String,
    /// A delegate without id-pkix-ocsp-nocheck: its DER, for the caller's revocation check.
    pub unchecked_delegate: Option<Vec<u8>>,
}

/// Picks the signer named by `rid`: the issuer when it matches, otherwise one of the
/// response's `certs` matching `rid` that passes the delegation checks.
pub(super) fn find_signer(
    rid: &ResponderId,
    issuer: &Certificate,
    certs: &[Vec<u8>],
    now_unix: u64,
) -> Result<Signer, OcspError> {
    if names(rid, issuer) {
        return signer_of(issuer, None);
    }
    let mut problem = None;
    for der in certs {
        let Ok(cand) = Certificate::from_der(der) else { continue };
        if !names(rid, &cand) {
            continue;
        }
        match delegation_problem(der, &cand, issuer, now_unix) {
            None => {
                let nocheck = cand
                    .tbs_certificate()
                    .extensions()
                    .is_some_and(|exts| exts.iter().any(|e| e.extn_id == ID_PKIX_OCSP_NOCHECK));
                return signer_of(&cand, (!nocheck).then(|| der.clone()));
            }
            Some(p) => problem = Some((cand.tbs_certificate().subject().to_string(), p)),
        }
    }
    Err(match problem {
        Some((responder, problem)) => OcspError::UnauthorizedResponder { responder, problem },
        None => OcspError::ResponderNotFound { responder: describe(rid) },
    })
}

/// The ResponderID as a person reads it: a DN, or `key:` and the SHA-1 key hash.
pub(super) fn describe(rid: &ResponderId) -> String {
    match rid {
        ResponderId::ByName(n) => n.to_string(),
        ResponderId::ByKey(h) => format!("key:{}", hex::encode_upper(h.as_bytes())),
    }
}

/// SHA-1 over the subjectPublicKey BIT STRING contents (RFC 6960 §4.2.1 KeyHash; the
/// same value as CertID's issuerKeyHash when SHA-1 is used).
pub(super) fn key_hash(cert: &Certificate) -> [u8; 20] {
    Sha1::digest(cert.tbs_certificate().subject_public_key_info().subject_public_key.raw_bytes()).into()
}

fn names(rid: &ResponderId, cert: &Certificate) -> bool {
    match rid {
        ResponderId::ByName(n) => same_der(n, cert.tbs_certificate().subject()),
        ResponderId::ByKey(h) => h.as_bytes() == key_hash(cert).as_slice(),
    }
}

fn same_der<T: Encode>(a: &T, b: &T) -> bool {
    matches!((a.to_der(), b.to_der()), (Ok(x), Ok(y)) if x == y)
}

fn signer_of(cert: &Certificate, unchecked_delegate: Option<Vec<u8>>) -> Result<Signer, OcspError> {
    let spki_der = cert
        .tbs_certificate()
        .subject_public_key_info()
        .to_der()
        .map_err(|e| OcspError::BadCertificate { which: "responder", detail: e.to_string() })?;
    Ok(Signer { spki_der, name: cert.tbs_certificate().subject().to_string(), unchecked_delegate })
}

/// RFC 6960 §4.2.2.2: the delegate is issued by the CA (name chaining and signature), bears
/// id-kp-OCSPSigning in its extended key usage, allows digitalSignature if it has a key
/// usage, has no critical extension we do not know, and is within its validity at `now`.
fn delegation_problem(
    cand_der: &[u8],
    cand: &Certificate,
    issuer: &Certificate,
    now_unix: u64,
) -> Option<ResponderProblem> {
    let tbs = cand.tbs_certificate();
    if !same_der(tbs.issuer(), issuer.tbs_certificate().subject()) {
        return Some(ResponderProblem::NotIssuedByCa);
    }
    let checked = (|| {
        let (tbs_der, alg, sig) = signed_parts(cand_der).map_err(|_| ResponderProblem::Malformed)?;
        let issuer_spki = issuer
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .map_err(|_| ResponderProblem::Malformed)?;
        verify_signed(&issuer_spki, None, &alg, &tbs_der, sig).map_err(ResponderProblem::Signature)
    })();
    if let Err(p) = checked {
        return Some(p);
    }
    match tbs.get_extension::<ExtendedKeyUsage>() {
        Ok(Some((_, eku))) if eku.0.contains(&ID_KP_OCSP_SIGNING) => {}
        Ok(_) => return Some(ResponderProblem::NoOcspSigning),
        Err(_) => return Some(ResponderProblem::Malformed),
    }
    match tbs.get_extension::<KeyUsage>() {
        Ok(Some((_, ku))) if !ku.digital_signature() => return Some(ResponderProblem::KeyUsage),
        Ok(_) => {}
        Err(_) => return Some(ResponderProblem::Malformed),
    }
    let unknown = tbs
        .extensions()
        .into_iter()
        .flatten()
        .find(|e| e.critical && !KNOWN_CRITICAL.contains(&e.extn_id.to_string().as_str()));
    if let Some(e) = unknown {
        return Some(ResponderProblem::UnknownCritical { oid: e.extn_id.to_string() });
    }
    let not_before = tbs.validity().not_before.to_unix_duration().as_secs();
    let not_after = tbs.validity().not_after.to_unix_duration().as_secs();
    if now_unix < not_before || now_unix > not_after {
        return Some(ResponderProblem::OutsideValidity { not_before, not_after });
    }
    None
}
