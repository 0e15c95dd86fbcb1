//! Online revocation for a certificate no local CRL covers: OCSP at the responders its
//! authorityInfoAccess names (RFC 6960; RFC 5280 §4.2.2.1), then the CRLs at its http
//! distribution points (RFC 5280 §4.2.1.13), fetched through the on-disk cache and checked
//! by the same §6.3 code as local CRLs; and missing issuers from authorityInfoAccess
//! caIssuers (RFC 5280 §4.2.2.1, RFC 4158 §3.3). Used only with `Revocation::Online`;
//! offline the answer stays "could not determine" and the chain is built from what is at hand.

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

/// caIssuers URLs from authorityInfoAccess.
pub fn ca_issuer_urls(cert: &Cert) -> Vec<String> {
    cert.ext.authority_info_access.as_ref().map_or_else(Vec::new, |(aia, _)| {
        aia.0
            .iter()
            .filter(|d| d.access_method.to_string() == oid::CA_ISSUERS)
            .filter_map(|d| http_uri(&d.access_location))
            .collect()
    })
}

/// Largest issuer certificate file we download.
const MAX_CERT_BYTES: usize = 1 << 20;
/// At most this many issuers are fetched for one verification.
const MAX_FETCHED_ISSUERS: usize = 4;

/// Walks up from `leaf` through `pool`, downloading (DER, PEM or a PKCS#7 certs-only `.p7c`)
/// the issuer of the first certificate whose issuer is neither in the pool nor an anchor;
/// returns what it fetched.
pub fn fetch_issuers(leaf: &Cert, pool: &[Cert], anchors: &[Cert]) -> Vec<Cert> {
    let mut fetched: Vec<Cert> = Vec::new();
    let mut current = leaf.clone();
    for _ in 0..MAX_FETCHED_ISSUERS + pool.len() {
        if anchors.iter().any(|a| a.subject == current.issuer) || current.is_self_issued() {
            break;
        }
        if let Some(next) = pool
            .iter()
            .chain(fetched.iter())
            .find(|c| c.subject == current.issuer && c.sha256 != current.sha256)
        {
            current = next.clone();
            continue;
        }
        if fetched.len() >= MAX_FETCHED_ISSUERS {
            break;
        }
        let found = ca_issuer_urls(&current).iter().find_map(|url| {
            let bytes = fetch::http_get(url, TIMEOUT, MAX_CERT_BYTES).ok()?;
            super::model::read_certs(&bytes)
                .ok()?
                .iter()
                .filter_map(|d| Cert::parse(d).ok())
                .find(|c| c.subject == current.issuer)
        });
        match found {
            Some(c) => {
                fetched.push(c.clone());
                current = c;
            }
            None => break,
        }
    }
    fetched
}

fn crl_key(url: &str) -> String {
    format!("crl:{url}")
}

/// A CRL from the cache (when `use_cache`) or the network; `true` when it was downloaded.
/// Nothing is cached here: a CRL is cached only once it has decided a status (scope and
/// signature checked), so a bogus download cannot block checking until its nextUpdate.
fn fetch_crl(url: &str, cache: Option<&Cache>, use_cache: bool, now: u64) -> Result<(Crl, bool), String> {
    if let Some(bytes) = cache.filter(|_| use_cache).and_then(|c| c.get(&crl_key(url), now)) {
        if let Ok(crl) = Crl::parse(bytes) {
            return Ok((crl, false));
        }
    }
    let bytes = fetch::http_get(url, TIMEOUT, MAX_CRL_BYTES).map_err(|e| e.to_string())?;
    Crl::parse(bytes).map(|crl| (crl, true)).map_err(|e| format!("{url}: {e}"))
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
        // First with the cache; if cached CRLs cannot decide, once more from the network.
        let (decided, cached) = self.downloaded_crls(chain, i, cache.as_ref(), true, &mut problems);
        if let Some(decided) = decided {
            return decided;
        }
        if cached {
            if let (Some(decided), _) = self.downloaded_crls(chain, i, cache.as_ref(), false, &mut problems) {
                return decided;
            }
        }
        if problems.is_empty() {
            Err(offline)
        } else {
            Err(Reason::RevocationUnknown { index: i, detail: problems.join("; ") })
        }
    }

    /// Checks `chain[i]` with the CRLs at its distribution points; `None` when they cannot
    /// decide, and whether any came from the cache. Downloaded CRLs that decided are cached
    /// until their nextUpdate.
    fn downloaded_crls(
        &self,
        chain: &[&Cert],
        i: usize,
        cache: Option<&Cache>,
        use_cache: bool,
        problems: &mut Vec<String>,
    ) -> (Option<Result<RevocationStatus, Reason>>, bool) {
        let now = self.options.time;
        let (mut fetched, mut sources, mut fresh) = (Vec::new(), Vec::new(), Vec::new());
        for url in crl_urls(chain[i]) {
            match fetch_crl(&url, cache, use_cache, now) {
                Ok((crl, downloaded)) => {
                    if downloaded {
                        fresh.push((url.clone(), fetched.len()));
                    }
                    fetched.push(crl);
                    sources.push(url);
                }
                Err(e) => problems.push(e),
            }
        }
        let cached = fresh.len() < fetched.len();
        if fetched.is_empty() {
            return (None, cached);
        }
        let base = self.crls.len();
        let mut all: Vec<Crl> = self.crls.to_vec();
        all.extend(fetched);
        let opts = Options { revocation: Revocation::Crls, ..self.options.clone() };
        let mut engine = Engine::new(self.anchors, self.pool, &all, &opts);
        engine.crl_depth = self.crl_depth;
        engine.in_progress.clone_from(&self.in_progress);
        let decided = match engine.revocation_status(chain, i) {
            Ok(RevocationStatus::Good { this_update, next_update, .. }) => Ok(RevocationStatus::Good {
                source: format!("CRL {}", sources.join(", ")),
                this_update,
                next_update,
            }),
            Ok(other) => Ok(other),
            Err(Reason::RevocationUnknown { detail, .. }) => {
                problems.push(detail);
                return (None, cached);
            }
            Err(other) => Err(other),
        };
        if let Some(c) = cache {
            for (url, n) in fresh {
                let crl = &all[base + n];
                // A cache that cannot be written only costs a download next time.
                let _ = c.put(&crl_key(&url), &crl.der, crl.next_update);
            }
        }
        (Some(decided), cached)
    }
}
