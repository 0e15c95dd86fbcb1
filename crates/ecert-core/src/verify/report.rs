//! The answer to "is this certificate valid?", explained: the verdict, the one best reason
//! for a failure (each tied to its RFC 5280 section), the chain with each certificate's
//! status, and every check that ran. Used as-is by `ecert verify --json` and the app.

use serde::Serialize;

/// The three answers a relying party can get.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Valid,
    Invalid,
    /// Could not decide (revocation status unavailable, offline, work limit).
    Undetermined,
}

/// Why a path failed; `index` is the position in the chain (0 = trust anchor).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "kebab-case")]
pub enum Reason {
    #[error("no chain to a trusted root was found ({detail})")]
    NoPath { detail: String },
    #[error("certificate {index} is malformed: {detail}")]
    Malformed { index: usize, detail: String },
    #[error("the signature on certificate {index} does not verify: {detail}")]
    BadSignature { index: usize, detail: String },
    #[error("certificate {index} expired")]
    Expired { index: usize, not_after: i64 },
    #[error("certificate {index} is not valid yet")]
    NotYetValid { index: usize, not_before: i64 },
    #[error("certificate {index} has been revoked")]
    Revoked { index: usize, revoked_at: u64, reason: Option<u8> },
    #[error("the revocation status of certificate {index} could not be determined: {detail}")]
    RevocationUnknown { index: usize, detail: String },
    #[error("certificate {index} is not a CA certificate but issued another")]
    NotCa { index: usize },
    #[error("the path is longer than certificate {index} allows")]
    PathLength { index: usize },
    #[error("certificate {index}'s key usage does not allow this: {detail}")]
    KeyUsage { index: usize, detail: String },
    #[error("certificate {index}'s extended key usage does not allow this: {detail}")]
    ExtKeyUsage { index: usize, detail: String },
    #[error("a name in certificate {index} is outside its issuers' name constraints: {name}")]
    NameConstraints { index: usize, name: String },
    #[error("certificate policies: {detail}")]
    Policy { detail: String },
    #[error("certificate {index} has an unknown critical extension {oid}")]
    UnknownCriticalExtension { index: usize, oid: String },
    #[error("the certificate is not for {expected}")]
    PeerName { expected: String },
    #[error("certificate {index} breaks the certificate profile: {detail}")]
    Profile { index: usize, detail: String },
    #[error("the chain is longer than allowed ({limit} intermediates)")]
    TooDeep { limit: usize },
    #[error("verification gave up after {work} units of work (path building, signature checks and downloads, 64 units each)")]
    WorkLimit { work: usize },
    /// The only answer (an OCSP response or a CRL without nextUpdate) is older than the
    /// allowed maximum age (`Options::max_age`): it may be a replay.
    #[error("the revocation answer for certificate {index} has no nextUpdate and is older than {max_age} seconds (thisUpdate {this_update}): {detail}")]
    RevocationTooOld { index: usize, this_update: u64, max_age: u64, detail: String },
    /// An OCSP answer came from a delegated responder that may not be relied on (RFC 6960
    /// §4.2.2.2, §4.2.2.2.1).
    #[error("the OCSP responder for certificate {index} cannot be relied on: {detail}")]
    ResponderRefused { index: usize, detail: String },
}

impl Reason {
    /// The RFC section the failure comes from.
    pub fn section(&self) -> &'static str {
        match self {
            Reason::NoPath { .. } | Reason::TooDeep { .. } | Reason::WorkLimit { .. } => "RFC 5280 §6.1",
            Reason::Malformed { .. } => "RFC 5280 §4.1",
            Reason::BadSignature { .. } => "RFC 5280 §6.1.3 (a)(1)",
            Reason::Expired { .. } | Reason::NotYetValid { .. } => "RFC 5280 §6.1.3 (a)(2)",
            Reason::Revoked { .. } | Reason::RevocationUnknown { .. } => "RFC 5280 §6.1.3 (a)(3), §6.3",
            Reason::RevocationTooOld { .. } => "RFC 5280 §5.1.2.5, RFC 6960 §4.2.2.1",
            Reason::ResponderRefused { .. } => "RFC 6960 §4.2.2.2",
            Reason::NotCa { .. } => "RFC 5280 §6.1.4 (k)",
            Reason::PathLength { .. } => "RFC 5280 §6.1.4 (l)",
            Reason::KeyUsage { .. } => "RFC 5280 §6.1.4 (n), §4.2.1.3",
            Reason::ExtKeyUsage { .. } => "RFC 5280 §4.2.1.12",
            Reason::NameConstraints { .. } => "RFC 5280 §6.1.3 (b)-(c)",
            Reason::Policy { .. } => "RFC 5280 §6.1.3 (d)-(f), §6.1.5 (g)",
            Reason::UnknownCriticalExtension { .. } => "RFC 5280 §6.1.4 (o), §6.1.5 (f)",
            Reason::PeerName { .. } => "RFC 6125 §6.4",
            Reason::Profile { .. } => "RFC 5280 §4.2",
        }
    }

    pub fn verdict(&self) -> Verdict {
        match self {
            Reason::RevocationUnknown { .. }
            | Reason::WorkLimit { .. }
            | Reason::RevocationTooOld { .. }
            | Reason::ResponderRefused { .. } => Verdict::Undetermined,
            _ => Verdict::Invalid,
        }
    }
}

/// Revocation status of one certificate of the chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum RevocationStatus {
    NotChecked,
    Good { source: String, this_update: u64, next_update: Option<u64> },
    Revoked { source: String, revoked_at: u64, reason: Option<u8> },
    Unknown { detail: String },
}

#[derive(Clone, Debug, Serialize)]
pub struct ChainEntry {
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    pub not_before: i64,
    pub not_after: i64,
    pub sha256: String,
    pub trust_anchor: bool,
    pub revocation: RevocationStatus,
    /// A weak signature algorithm (SHA-1) signed this certificate.
    pub weak_signature: bool,
}

/// One check that ran, for the "Details" view.
#[derive(Clone, Debug, Serialize)]
pub struct Check {
    pub index: usize,
    pub name: &'static str,
    pub section: &'static str,
    pub passed: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub verdict: Verdict,
    pub reason: Option<Reason>,
    /// Human-readable reason (English; the app localizes from `reason`).
    pub reason_text: Option<String>,
    pub section: Option<&'static str>,
    /// Trust anchor first, end entity last.
    pub chain: Vec<ChainEntry>,
    pub checks: Vec<Check>,
    /// The user-constrained policy set (RFC 5280 §6.1.6), OIDs.
    pub policies: Vec<String>,
    pub validation_time: u64,
}

impl Report {
    pub fn exit_code(&self) -> i32 {
        match self.verdict {
            Verdict::Valid => 0,
            Verdict::Invalid => 1,
            Verdict::Undetermined => 2,
        }
    }
}
