//! Verification: "is this e-Cert valid?" answered and explained. RFC 5280 §6.1 path
//! validation with path building (`path`, `validate`, `policy`, `name`), revocation by CRL
//! (RFC 5280 §5, §6.3: `crl`, `revocation`) and OCSP (RFC 6960: `ocsp`), signatures on the
//! RustCrypto crates (`signature`), the trust store (`trust`) and the structured answer
//! (`report`).

pub mod crl;
pub mod fetch;
pub mod model;
pub mod name;
pub mod network;
pub mod ocsp;
mod online;
pub mod path;
pub mod policy;
mod profile;
pub mod report;
mod revocation;
pub mod signature;
pub mod time;
pub mod trust;
mod validate;

pub use model::Cert;
pub use path::{Engine, Options, Profile, Revocation};
pub use report::{Reason, Report, Verdict};

/// Verifies `leaf` against `anchors`, with `pool` as untrusted intermediates and `crls` as
/// revocation information.
/// With `Revocation::Online`, a chain that cannot be built from what is at hand is retried
/// with the issuers named by authorityInfoAccess caIssuers.
pub fn verify(leaf: &Cert, pool: &[Cert], anchors: &[Cert], crls: &[crl::Crl], options: &Options) -> Report {
    let first = Engine::new(anchors, pool, crls, options);
    let report = first.verify(leaf);
    if options.revocation != Revocation::Online || !matches!(report.reason, Some(Reason::NoPath { .. })) {
        return report;
    }
    let fetched = online::fetch_issuers(&first, leaf);
    if fetched.is_empty() {
        return report;
    }
    let mut wider = pool.to_vec();
    wider.extend(fetched);
    let mut second = Engine::new(anchors, &wider, crls, options);
    // One budget for the whole verification, re-check included.
    second.share_budget(&first);
    second.verify(leaf)
}
