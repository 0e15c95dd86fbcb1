//! OCSP client (RFC 6960): builds requests, parses and checks responses (signer authority,
//! signature, CertID match, nonce, freshness) and queries a responder over plain HTTP
//! (RFC 6960 App. A.1) with answers cached until their nextUpdate.

pub mod asn1;
mod responder;

use std::time::Duration;

use der::asn1::{AnyRef, BitStringRef, Int, OctetString};
use der::{Decode, Encode, Reader, SliceReader, Tag, Tagged};
use serde::Serialize;
use spki::{AlgorithmIdentifierOwned, AlgorithmIdentifierRef};
use x509_cert::ext::Extension;
use x509_cert::Certificate;

use self::asn1::{
    BasicOcspResponse, CertId, CertStatus, OcspRequest, OcspResponse, Request, ResponseData, TbsRequest,
    Version, ID_PKIX_OCSP_BASIC, ID_PKIX_OCSP_NONCE,
};
use crate::verify::fetch::{self, Cache, FetchError};
use crate::verify::network::Policy;
use crate::verify::path::DEFAULT_MAX_AGE_SECS;
use crate::verify::signature::{verify_signed, Hash, SignatureError};

/// Clock skew tolerated on thisUpdate (RFC 6960 §4.2.2.1 leaves the margin to the client).
pub const CLOCK_SKEW_SECS: u64 = 300;
/// Largest response accepted from a responder; real ones are a few KiB.
pub const MAX_RESPONSE_BYTES: usize = 64 * 1024;
/// RFC 6960 App. A.1 media type of a POSTed request.
pub const REQUEST_CONTENT_TYPE: &str = "application/ocsp-request";

/// What went wrong with an OCSP exchange.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OcspError {
    /// Our certificate or its issuer (input, not the response) did not parse.
    #[error("cannot read the {which} certificate: {detail}")]
    BadCertificate { which: &'static str, detail: String },
    /// The response is not valid DER for RFC 6960's structures.
    #[error("malformed OCSP response ({part}): {detail}")]
    Malformed { part: &'static str, detail: String },
    /// responseStatus malformedRequest (1).
    #[error("the OCSP responder says our request was malformed")]
    MalformedRequest,
    /// responseStatus internalError (2).
    #[error("the OCSP responder had an internal error")]
    InternalError,
    /// responseStatus tryLater (3).
    #[error("the OCSP responder is busy; try later")]
    TryLater,
    /// responseStatus sigRequired (5).
    #[error("the OCSP responder requires signed requests")]
    SigRequired,
    /// responseStatus unauthorized (6): the responder does not serve this CA.
    #[error("the OCSP responder is not authorised to answer for this certificate")]
    Unauthorized,
    #[error("unknown OCSP response status {code}")]
    UnknownResponseStatus { code: u32 },
    /// responseStatus successful (0) without the responseBytes it requires.
    #[error("the OCSP response says successful but carries no response")]
    NoResponseBytes,
    #[error("unsupported OCSP response type {oid}")]
    UnsupportedResponseType { oid: String },
    /// No SingleResponse names our certificate (RFC 6960 §3.2 item 1).
    #[error("the OCSP response does not cover certificate serial {serial}")]
    NoMatchingResponse { serial: String },
    /// The ResponderID names neither the issuer nor any certificate in the response.
    #[error("the OCSP responder {responder} is neither the issuer nor included in the response")]
    ResponderNotFound { responder: String },
    /// A certificate matched the ResponderID but may not sign for the issuer (§4.2.2.2).
    #[error("the OCSP responder {responder} is not authorised: {problem}")]
    UnauthorizedResponder { responder: String, problem: ResponderProblem },
    #[error("the OCSP response signature by {signer} does not verify: {source}")]
    BadSignature { signer: String, source: SignatureError },
    /// We sent a nonce (RFC 8954) and the response carries none.
    #[error("the OCSP response does not echo our nonce")]
    NonceMissing,
    #[error("the OCSP response nonce differs from ours (a replayed response?)")]
    NonceMismatch,
    /// thisUpdate is later than now plus the allowed skew (§3.2 item 5).
    #[error("the OCSP response is not yet valid (thisUpdate {this_update}, now {now})")]
    NotYetValid { this_update: u64, now: u64 },
    /// nextUpdate has passed (§3.2 item 6).
    #[error("the OCSP response is stale (nextUpdate {next_update}, now {now})")]
    Stale { next_update: u64, now: u64 },
    /// No nextUpdate and thisUpdate older than the allowed maximum age.
    #[error("the OCSP response has no nextUpdate and is older than allowed (thisUpdate {this_update}, now {now}, at most {max_age} s)")]
    TooOld { this_update: u64, now: u64, max_age: u64 },
    #[error("no randomness for the OCSP nonce: {detail}")]
    Random { detail: String },
    #[error(transparent)]
    Fetch(#[from] FetchError),
}

/// Why a delegated responder certificate may not sign (RFC 6960 §4.2.2.2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResponderProblem {
    #[error("its certificate's issuer is not the CA")]
    NotIssuedByCa,
    #[error("the CA's signature on its certificate does not verify ({0})")]
    Signature(SignatureError),
    #[error("its certificate lacks the OCSPSigning extended key usage")]
    NoOcspSigning,
    #[error("its certificate is valid only from {not_before} to {not_after}")]
    OutsideValidity { not_before: u64, not_after: u64 },
    #[error("its certificate is malformed")]
    Malformed,
    /// A keyUsage without digitalSignature (RFC 5280 §4.2.1.3).
    #[error("its certificate's key usage does not allow digital signatures")]
    KeyUsage,
    #[error("its certificate has an unknown critical extension {oid}")]
    UnknownCritical { oid: String },
}

/// The revocation status of one certificate (RFC 6960 §2.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "status")]
pub enum Status {
    Good,
    /// `reason` is the RFC 5280 §5.3.1 CRLReason code when the responder gave one.
    Revoked {
        time_unix: u64,
        reason: Option<u8>,
    },
    /// The responder does not know the certificate.
    Unknown,
}

/// A checked answer about one certificate. Times are Unix seconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OcspAnswer {
    pub status: Status,
    pub this_update: u64,
    /// Absent: the responder always has newer information (§2.4); such answers are not cached.
    pub next_update: Option<u64>,
    pub produced_at: u64,
    /// Subject DN (RFC 4514) of the certificate whose key signed the response.
    pub responder: String,
    /// A delegated responder's certificate (DER) that lacks id-pkix-ocsp-nocheck: the
    /// answer may be used only once that certificate is known not to be revoked.
    #[serde(skip)]
    pub unchecked_responder: Option<Vec<u8>>,
}

/// How a query is made: the time, a time-out, the cache, where the network may go, and the
/// oldest acceptable answer without nextUpdate (seconds).
#[derive(Clone, Copy, Debug)]
pub struct Ask<'a> {
    pub now_unix: u64,
    pub timeout: Duration,
    pub cache: Option<&'a Cache>,
    pub policy: &'a Policy,
    pub max_age: u64,
}

/// A parsed `successful` response of type `id-pkix-ocsp-basic`, with what the signature
/// check needs kept exactly as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub basic: BasicOcspResponse,
    /// DER of `tbsResponseData` as signed.
    pub tbs_der: Vec<u8>,
    /// DER of each certificate in `certs`.
    pub certs: Vec<Vec<u8>>,
}

impl Response {
    pub fn data(&self) -> &ResponseData {
        &self.basic.tbs_response_data
    }
}

/// Builds a DER OCSPRequest for one certificate with a SHA-1 CertID (RFC 6960 §4.1.1; SHA-1
/// because it is the one hash all responders accept, and here it only names, never signs)
/// and, when given, a nonce extension (RFC 8954).
pub fn build_request(
    cert_der: &[u8],
    issuer_der: &[u8],
    nonce: Option<&[u8]>,
) -> Result<(Vec<u8>, CertId), OcspError> {
    let cert = read_cert(cert_der, "certificate")?;
    let issuer = read_cert(issuer_der, "issuer")?;
    let cert_id = cert_id(&cert, &issuer, Hash::Sha1)?;
    let request_extensions = nonce
        .map(|n| -> Result<_, OcspError> {
            let value = asn1::nonce_value(n).map_err(|e| OcspError::Random { detail: e.to_string() })?;
            let extn_value =
                OctetString::new(value).map_err(|e| OcspError::Random { detail: e.to_string() })?;
            Ok(vec![Extension { extn_id: ID_PKIX_OCSP_NONCE, critical: false, extn_value }])
        })
        .transpose()?;
    let request = OcspRequest {
        tbs_request: TbsRequest {
            version: Version::V1,
            requestor_name: None,
            request_list: vec![Request { req_cert: cert_id.clone(), single_request_extensions: None }],
            request_extensions,
        },
        optional_signature: None,
    };
    let der = request
        .to_der()
        .map_err(|e| OcspError::BadCertificate { which: "certificate", detail: e.to_string() })?;
    Ok((der, cert_id))
}

/// Parses an OCSPResponse (RFC 6960 §4.2.1). Only `successful` responses of type
/// `id-pkix-ocsp-basic` are returned; every other status becomes its own error.
pub fn parse_response(der: &[u8]) -> Result<Response, OcspError> {
    let outer = OcspResponse::from_der(der).map_err(malformed("OCSPResponse"))?;
    match outer.response_status.0 {
        0 => {}
        1 => return Err(OcspError::MalformedRequest),
        2 => return Err(OcspError::InternalError),
        3 => return Err(OcspError::TryLater),
        5 => return Err(OcspError::SigRequired),
        6 => return Err(OcspError::Unauthorized),
        code => return Err(OcspError::UnknownResponseStatus { code }),
    }
    let bytes = outer.response_bytes.ok_or(OcspError::NoResponseBytes)?;
    if bytes.response_type != ID_PKIX_OCSP_BASIC {
        return Err(OcspError::UnsupportedResponseType { oid: bytes.response_type.to_string() });
    }
    let inner = bytes.response.as_bytes();
    let basic = BasicOcspResponse::from_der(inner).map_err(malformed("BasicOCSPResponse"))?;
    let (tbs_der, _, _) = signed_parts(inner).map_err(malformed("BasicOCSPResponse"))?;
    let certs = basic
        .certs
        .iter()
        .flatten()
        .map(Encode::to_der)
        .collect::<Result<Vec<_>, _>>()
        .map_err(malformed("certs"))?;
    Ok(Response { basic, tbs_der, certs })
}

/// Checks a response for `cert_der` issued by `issuer_der` at `now_unix` (RFC 6960 §3.2):
/// a SingleResponse for our CertID, a signature by the issuer or by a delegated responder
/// it authorised (§4.2.2.2), the ResponderID naming that signer, our nonce echoed when
/// `expected_nonce` is given, thisUpdate not in the future (± [`CLOCK_SKEW_SECS`]) and
/// nextUpdate, if present, not in the past; without nextUpdate, thisUpdate no older than
/// [`DEFAULT_MAX_AGE_SECS`].
pub fn check_response(
    resp_der: &[u8],
    cert_der: &[u8],
    issuer_der: &[u8],
    expected_nonce: Option<&[u8]>,
    now_unix: u64,
) -> Result<OcspAnswer, OcspError> {
    let nonce = expected_nonce.map_or(Nonce::Ignore, Nonce::Required);
    check(resp_der, cert_der, issuer_der, nonce, now_unix, DEFAULT_MAX_AGE_SECS)
}

/// Asks the responder at `url` (an `http://` URL from the certificate's AIA, RFC 5280
/// §4.2.2.1) about `cert_der`, with a fresh random nonce. With a `cache`, a still-fresh
/// earlier response for the same CertID is re-checked and used instead of the network,
/// and a new response is stored until its nextUpdate.
///
/// The nonce must match when the response echoes one; responders that pre-sign their
/// answers (RFC 5019 §2.2) omit it and are accepted, freshness then resting on
/// thisUpdate/nextUpdate.
pub fn query(cert_der: &[u8], issuer_der: &[u8], url: &str, ask: &Ask<'_>) -> Result<OcspAnswer, OcspError> {
    let Ask { now_unix, timeout, cache, policy, max_age } = *ask;
    let mut nonce = [0u8; 16];
    getrandom::fill(&mut nonce).map_err(|e| OcspError::Random { detail: e.to_string() })?;
    let (request, cert_id) = build_request(cert_der, issuer_der, Some(&nonce))?;
    let key = cert_id.to_der().map(|d| format!("ocsp:{}", hex::encode(d))).ok();
    if let (Some(cache), Some(key)) = (cache, &key) {
        if let Some(cached) = cache.get(key, now_unix) {
            if let Ok(answer) = check(&cached, cert_der, issuer_der, Nonce::Ignore, now_unix, max_age) {
                return Ok(answer);
            }
        }
    }
    let body = fetch::http_post(url, REQUEST_CONTENT_TYPE, &request, timeout, MAX_RESPONSE_BYTES, policy)?;
    let answer = check(&body, cert_der, issuer_der, Nonce::IfPresent(&nonce), now_unix, max_age)?;
    if let (Some(cache), Some(key)) = (cache, &key) {
        // A cache that cannot be written costs a later round trip, not this answer.
        let _ = cache.put(key, &body, answer.next_update);
    }
    Ok(answer)
}

#[derive(Clone, Copy)]
enum Nonce<'a> {
    Ignore,
    Required(&'a [u8]),
    IfPresent(&'a [u8]),
}

fn check(
    resp_der: &[u8],
    cert_der: &[u8],
    issuer_der: &[u8],
    nonce: Nonce<'_>,
    now_unix: u64,
    max_age: u64,
) -> Result<OcspAnswer, OcspError> {
    let resp = parse_response(resp_der)?;
    let cert = read_cert(cert_der, "certificate")?;
    let issuer = read_cert(issuer_der, "issuer")?;
    let data = resp.data();

    let signer = responder::find_signer(&data.responder_id, &issuer, &resp.certs, now_unix)?;
    let alg_der = resp.basic.signature_algorithm.to_der().map_err(malformed("signatureAlgorithm"))?;
    let alg = AlgorithmIdentifierRef::from_der(&alg_der).map_err(malformed("signatureAlgorithm"))?;
    let sig = resp
        .basic
        .signature
        .as_bytes()
        .ok_or(OcspError::Malformed { part: "signature", detail: "BIT STRING with unused bits".into() })?;
    verify_signed(&signer.spki_der, None, &alg, &resp.tbs_der, sig)
        .map_err(|source| OcspError::BadSignature { signer: signer.name.clone(), source })?;

    check_nonce(data, nonce)?;

    let single = data
        .responses
        .iter()
        .find(|s| matches_cert(&s.cert_id, &cert, &issuer))
        .ok_or_else(|| OcspError::NoMatchingResponse { serial: serial_hex(&cert) })?;

    let this_update = single.this_update.to_unix_duration().as_secs();
    let next_update = single.next_update.map(|t| t.to_unix_duration().as_secs());
    if this_update > now_unix.saturating_add(CLOCK_SKEW_SECS) {
        return Err(OcspError::NotYetValid { this_update, now: now_unix });
    }
    match next_update {
        Some(next_update) if next_update < now_unix => {
            return Err(OcspError::Stale { next_update, now: now_unix });
        }
        None if now_unix.saturating_sub(this_update) > max_age => {
            return Err(OcspError::TooOld { this_update, now: now_unix, max_age });
        }
        _ => {}
    }
    let status = match &single.cert_status {
        CertStatus::Good(_) => Status::Good,
        CertStatus::Unknown(_) => Status::Unknown,
        CertStatus::Revoked(info) => Status::Revoked {
            time_unix: info.revocation_time.to_unix_duration().as_secs(),
            reason: info.revocation_reason.and_then(|r| u8::try_from(r.0).ok()),
        },
    };
    Ok(OcspAnswer {
        status,
        this_update,
        next_update,
        produced_at: data.produced_at.to_unix_duration().as_secs(),
        responder: signer.name,
        unchecked_responder: signer.unchecked_delegate,
    })
}

/// RFC 8954 §2.1: the echoed extnValue is the DER OCTET STRING holding our nonce; a bare
/// nonce (pre-RFC 8954 responders) is accepted too.
fn check_nonce(data: &ResponseData, nonce: Nonce<'_>) -> Result<(), OcspError> {
    let (expected, required) = match nonce {
        Nonce::Ignore => return Ok(()),
        Nonce::Required(n) => (n, true),
        Nonce::IfPresent(n) => (n, false),
    };
    let found = data.response_extensions.iter().flatten().find(|e| e.extn_id == ID_PKIX_OCSP_NONCE);
    match found {
        None if required => Err(OcspError::NonceMissing),
        None => Ok(()),
        Some(ext) => {
            let got = ext.extn_value.as_bytes();
            let wrapped = asn1::nonce_value(expected).map_err(malformed("nonce"))?;
            if got == wrapped.as_slice() || got == expected {
                Ok(())
            } else {
                Err(OcspError::NonceMismatch)
            }
        }
    }
}

/// CertID (RFC 6960 §4.1.1): issuerNameHash over the issuer's subject DN DER,
/// issuerKeyHash over its subjectPublicKey BIT STRING contents, and the serial.
fn cert_id(cert: &Certificate, issuer: &Certificate, hash: Hash) -> Result<CertId, OcspError> {
    let bad = |e: der::Error| OcspError::BadCertificate { which: "issuer", detail: e.to_string() };
    let itbs = issuer.tbs_certificate();
    let name = itbs.subject().to_der().map_err(bad)?;
    let key = itbs.subject_public_key_info().subject_public_key.raw_bytes();
    let oid = hash.oid();
    Ok(CertId {
        hash_algorithm: AlgorithmIdentifierOwned { oid, parameters: Some(der::asn1::Null.into()) },
        issuer_name_hash: OctetString::new(hash.digest(&name)).map_err(bad)?,
        issuer_key_hash: OctetString::new(hash.digest(key)).map_err(bad)?,
        serial_number: Int::new(cert.tbs_certificate().serial_number().as_bytes()).map_err(bad)?,
    })
}

/// Whether `id` names `cert`, recomputing the hashes with the algorithm the responder used
/// (parameters NULL or absent alike, RFC 5754 §2).
fn matches_cert(id: &CertId, cert: &Certificate, issuer: &Certificate) -> bool {
    let Some(hash) = Hash::from_oid(&id.hash_algorithm.oid.to_string()) else { return false };
    let Ok(ours) = cert_id(cert, issuer, hash) else { return false };
    id.issuer_name_hash == ours.issuer_name_hash
        && id.issuer_key_hash == ours.issuer_key_hash
        && id.serial_number == ours.serial_number
}

fn serial_hex(cert: &Certificate) -> String {
    hex::encode_upper(cert.tbs_certificate().serial_number().as_bytes())
}

fn read_cert(der: &[u8], which: &'static str) -> Result<Certificate, OcspError> {
    Certificate::from_der(der).map_err(|e| OcspError::BadCertificate { which, detail: e.to_string() })
}

fn malformed(part: &'static str) -> impl Fn(der::Error) -> OcspError {
    move |e| OcspError::Malformed { part, detail: e.to_string() }
}

/// Splits a SIGNED{} structure (`SEQUENCE { tbs, AlgorithmIdentifier, BIT STRING }`, as in
/// RFC 5280 §4.1 and RFC 6960 §4.2.1) into the exact DER of its signed part, the algorithm
/// and the signature bytes.
pub(crate) fn signed_parts(der: &[u8]) -> der::Result<(Vec<u8>, AlgorithmIdentifierRef<'_>, &[u8])> {
    let outer = AnyRef::from_der(der)?;
    if outer.tag() != Tag::Sequence {
        return Err(der::Error::from(der::ErrorKind::TagUnexpected {
            expected: Some(Tag::Sequence),
            actual: outer.tag(),
        }));
    }
    let mut reader = SliceReader::new(outer.value())?;
    let tbs = reader.tlv_bytes()?.to_vec();
    let alg: AlgorithmIdentifierRef<'_> = reader.decode()?;
    let sig: BitStringRef<'_> = reader.decode()?;
    let sig = sig
        .as_bytes()
        .ok_or_else(|| der::Error::from(der::ErrorKind::Noncanonical { tag: Tag::BitString }))?;
    Ok((tbs, alg, sig))
}

#[cfg(test)]
mod tests;
