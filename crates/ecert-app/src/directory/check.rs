//! What was found, verified: each certificate goes through `crate::verify` (RFC 5280 §6)
//! with the intermediates and CRLs read from the same directory, and gets one status a
//! person understands (valid / revoked / expired / untrusted / …) plus the full report.

use serde::Serialize;

use crate::verify::report::Reason;
use crate::verify::{verify, Cert, Options, Report, Revocation, Verdict};

use super::lookup::{Found, Material};

/// The one-word answer for a found certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Valid,
    /// On a CRL of its issuer (RFC 5280 §6.1.3 (a)(3)).
    Revoked,
    /// Past notAfter at the validation time.
    Expired,
    NotYetValid,
    /// No chain to a trust anchor.
    Untrusted,
    /// A chain exists but breaks a rule (signature, constraints, policies, …).
    Invalid,
    /// Could not decide (e.g. no CRL in the directory covers it).
    Undetermined,
    /// The directory's value is not a certificate.
    Malformed,
}

impl Status {
    /// From a verification report.
    pub fn of(report: &Report) -> Status {
        match (&report.verdict, &report.reason) {
            (Verdict::Valid, _) => Status::Valid,
            (Verdict::Undetermined, _) => Status::Undetermined,
            (_, Some(Reason::Revoked { .. })) => Status::Revoked,
            (_, Some(Reason::Expired { .. })) => Status::Expired,
            (_, Some(Reason::NotYetValid { .. })) => Status::NotYetValid,
            (_, Some(Reason::NoPath { .. })) => Status::Untrusted,
            _ => Status::Invalid,
        }
    }
}

/// A found certificate with its verdict.
#[derive(Clone, Debug)]
pub struct Checked {
    pub found: Found,
    pub status: Status,
    /// `None` for a malformed value.
    pub report: Option<Report>,
    /// Where the CRLs used came from.
    pub crl_sources: Vec<String>,
}

/// Verifies `found` against `anchors` with the directory's `material`. Revocation is
/// checked with the directory's CRLs (`Revocation::Crls`) unless `options` asks otherwise.
pub fn check_found(found: Found, material: &Material, anchors: &[Cert], options: &Options) -> Checked {
    let Ok(cert) = &found.cert else {
        return Checked { found, status: Status::Malformed, report: None, crl_sources: Vec::new() };
    };
    let mut options = options.clone();
    if options.revocation == Revocation::Off {
        options.revocation = Revocation::Crls;
    }
    let report = verify(cert, &material.pool, anchors, &material.crls, &options);
    Checked {
        status: Status::of(&report),
        report: Some(report),
        crl_sources: material.crl_sources.clone(),
        found,
    }
}
