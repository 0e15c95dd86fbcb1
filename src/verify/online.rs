//! Online revocation for a certificate no local CRL covers: OCSP at the responders its
//! authorityInfoAccess names (RFC 6960; RFC 5280 §4.2.2.1), then the CRLs at its http
//! distribution points (RFC 5280 §4.2.1.13), fetched through the on-disk cache and checked
//! by the same §6.3 code as local CRLs. Used only with `Revocation::Online`; offline the
//! answer stays "could not determine".

use std::time::Duration;

use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};

use super::crl::Crl;
use super::fetch::{self, Cache};
use super::model::{oid, Cert};
use super::ocsp::{self, Status};
use super::path::{Engine, Options, Revocation};
use super::report::{Reason, RevocationStatus};

/// Per-request network time-out.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Largest CRL we download (a national CA's full CRL is tens of megabytes).
const MAX_CRL_BYTES: usize = 256 << 20;

fn http_uri(n: &GeneralName) -> Option<String> {
    match n {
        GeneralName::UniformResourceIdentifier(u) if u.as_str().starts_with("http://") => {
            Some(u.as_str().to_owned())
        }
        _ => None,
    }
}

/// OCSP responder URLs from authorityInfoAccess.
pub fn ocsp_urls(cert: &Cert) -> Vec<String> {
    cert.ext.authority_info_access.as_ref().map_or_else(Vec::new, |(aia, _)| {
        aia.0
            .iter()
            .filter(|d| d.access_method.to_string() == oid::OCSP)
            .filter_map(|d| http_uri(&d.access_location))
            .collect()
    })
}

/// http CRL URLs from cRLDistributionPoints.
pub fn crl_urls(cert: &Cert) -> Vec<String> {
    let Some(dps) = &cert.ext.crl_distribution_points else { return Vec::new() };
    dps.iter()
        .filter_map(|dp| match &dp.distribution_point {
            Some(DistributionPointName::FullName(names)) => {
                Some(names.iter().filter_map(http_uri).collect::<Vec<_>>())
            }
            _ => None,
        })
        .flatten()
        .collect()
}

fn fetch_crl(url: &str, cache: Option<&Cache>, now: u64) -> Result<Crl, String> {
    let key = format!("crl:{url}");
    if let Some(bytes) = cache.and_then(|c| c.get(&key, now)) {
        if let Ok(crl) = Crl::parse(bytes) {
            return Ok(crl);
        }
    }
    let bytes = fetch::http_get(url, TIMEOUT, MAX_CRL_BYTES).map_err(|e| e.to_string())?;
    let crl = Crl::parse(bytes).map_err(|e| format!("{url}: {e}"))?;
    if let Some(c) = cache {
        // A cache that cannot be written only costs a download next time.
        let _ = c.put(&key, &crl.der, crl.next_update);
    }
    Ok(crl)
}

impl Engine<'_> {
    /// Asks the network about `chain[i]`; `offline` is the answer when nothing is reachable.
    pub(super) fn online_status(
        &self,
        chain: &[&Cert],
        i: usize,
        offline: Reason,
    ) -> Result<RevocationStatus, Reason> {
        let (cert, issuer) = (chain[i], chain[i - 1]);
        let now = self.options.time;
        let cache = Cache::user();
        let mut problems: Vec<String> = Vec::new();
        for url in ocsp_urls(cert) {
            match ocsp::query(&cert.der, &issuer.der, &url, now, TIMEOUT, cache.as_ref()) {
                Ok(answer) => match answer.status {
                    Status::Good => {
                        return Ok(RevocationStatus::Good {
                            source: format!("OCSP {url}"),
                            this_update: answer.this_update,
                            next_update: answer.next_update,
                        })
                    }
                    Status::Revoked { time_unix, reason } => {
                        return Err(Reason::Revoked { index: i, revoked_at: time_unix, reason })
                    }
                    Status::Unknown => {
                        problems.push(format!("{url}: the responder does not know the certificate"));
                    }
                },
                Err(e) => problems.push(format!("{url}: {e}")),
            }
        }
        let mut fetched = Vec::new();
        let mut sources = Vec::new();
        for url in crl_urls(cert) {
            match fetch_crl(&url, cache.as_ref(), now) {
                Ok(crl) => {
                    fetched.push(crl);
                    sources.push(url);
                }
                Err(e) => problems.push(e),
            }
        }
        if !fetched.is_empty() {
            let mut all: Vec<Crl> = self.crls.to_vec();
            all.extend(fetched);
            let opts = Options { revocation: Revocation::Crls, ..self.options.clone() };
            let mut engine = Engine::new(self.anchors, self.pool, &all, &opts);
            engine.crl_depth = self.crl_depth;
            engine.in_progress.clone_from(&self.in_progress);
            match engine.revocation_status(chain, i) {
                Ok(RevocationStatus::Good { this_update, next_update, .. }) => {
                    return Ok(RevocationStatus::Good {
                        source: format!("CRL {}", sources.join(", ")),
                        this_update,
                        next_update,
                    })
                }
                Ok(other) => return Ok(other),
                Err(Reason::RevocationUnknown { detail, .. }) => problems.push(detail),
                Err(other) => return Err(other),
            }
        }
        if problems.is_empty() {
            Err(offline)
        } else {
            Err(Reason::RevocationUnknown { index: i, detail: problems.join("; ") })
        }
    }
}
