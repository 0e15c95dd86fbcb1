//! Online revocation for a certificate no local CRL covers: OCSP at the responders its
//! authorityInfoAccess names (RFC 6960; RFC 5280 §4.2.2.1), then the CRLs at its http
//! distribution points (RFC 5280 §4.2.1.13), fetched through the on-disk cache and checked
//! by the same §6.3 code as local CRLs; and missing issuers from authorityInfoAccess
//! caIssuers (RFC 5280 §4.2.2.1, RFC 4158 §3.3). Used only with `Revocation::Online`;
//! offline the answer stays "could not determine" and the chain is built from what is at hand.
//! Every fetch obeys `network` (public hosts only unless allowed, at most
//! [`MAX_URLS_PER_CHECK`] URLs of a kind per certificate) and costs [`FETCH_COST`] from the
//! verification's one work budget; an exhausted budget is "could not decide" (work limit).
//! An OCSP answer by a delegated responder without id-pkix-ocsp-nocheck is used only after
//! that responder's certificate was found not revoked by the CA's CRL (RFC 6960 §4.2.2.2.1).

use std::time::Duration;

use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};

use super::crl::Crl;
use super::fetch::{self, Cache};
use super::model::{oid, Cert};
use super::network::{capped, FETCH_COST, MAX_URLS_PER_CHECK};
use super::ocsp::{self, OcspError, Status};
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

/// Walks up from `leaf` through the engine's pool, downloading (DER, PEM or a PKCS#7
/// certs-only `.p7c`) the issuer of the first certificate whose issuer is neither in the pool
/// nor an anchor; returns what it fetched. Fetches draw on `engine`'s budget.
pub fn fetch_issuers(engine: &Engine<'_>, leaf: &Cert) -> Vec<Cert> {
    let (pool, anchors) = (engine.pool, engine.anchors);
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
        let (urls, _) = capped(ca_issuer_urls(&current));
        let found = urls.iter().find_map(|url| {
            if !engine.spend_n(FETCH_COST) {
                return None;
            }
            let bytes = fetch::http_get(url, TIMEOUT, MAX_CERT_BYTES, &engine.options.network).ok()?;
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

/// What the online checks of one certificate found out, for the explanation.
#[derive(Default)]
struct Notes {
    problems: Vec<String>,
    /// A typed reason that beats "could not determine" when nothing decides.
    typed: Option<Reason>,
    out_of_work: bool,
}

impl Notes {
    fn left_out(&mut self, what: &str, n: usize) {
        if n > 0 {
            self.problems.push(format!(
                "{n} more {what} URLs in the certificate were not tried (at most {MAX_URLS_PER_CHECK} are)"
            ));
        }
    }
}

impl Engine<'_> {
    /// A CRL from the cache (when `use_cache`) or the network; `true` when it was downloaded.
    /// Nothing is cached here: a CRL is cached only once it has decided a status (scope and
    /// signature checked), so a bogus download cannot block checking until its nextUpdate.
    fn fetch_crl(
        &self,
        url: &str,
        cache: Option<&Cache>,
        use_cache: bool,
        notes: &mut Notes,
    ) -> Result<(Crl, bool), String> {
        let now = self.options.time;
        if let Some(bytes) = cache.filter(|_| use_cache).and_then(|c| c.get(&crl_key(url), now)) {
            if let Ok(crl) = Crl::parse(bytes) {
                return Ok((crl, false));
            }
        }
        if !self.spend_n(FETCH_COST) {
            notes.out_of_work = true;
            return Err(format!("{url}: not fetched, the verification's work budget is spent"));
        }
        let bytes =
            fetch::http_get(url, TIMEOUT, MAX_CRL_BYTES, &self.options.network).map_err(|e| e.to_string())?;
        Crl::parse(bytes).map(|crl| (crl, true)).map_err(|e| format!("{url}: {e}"))
    }

    /// Asks the network about `chain[i]`; `offline` is the answer when nothing is reachable.
    pub(super) fn online_status(
        &self,
        chain: &[&Cert],
        i: usize,
        offline: Reason,
    ) -> Result<RevocationStatus, Reason> {
        let (cert, issuer) = (chain[i], chain[i - 1]);
        let cache = Cache::user();
        let mut notes = Notes::default();
        let ask = ocsp::Ask {
            now_unix: self.options.time,
            timeout: TIMEOUT,
            cache: cache.as_ref(),
            policy: &self.options.network,
            max_age: self.options.max_age_secs(),
        };
        let (urls, left_out) = capped(ocsp_urls(cert));
        notes.left_out("OCSP", left_out);
        for url in urls {
            if !self.spend_n(FETCH_COST) {
                notes.out_of_work = true;
                break;
            }
            match ocsp::query(&cert.der, &issuer.der, &url, &ask) {
                Ok(answer) => {
                    if let Some(delegate) = &answer.unchecked_responder {
                        if let Err(detail) = self.responder_not_revoked(chain, i, delegate, cache.as_ref()) {
                            let detail = format!("{url}: delegated responder {}: {detail}", answer.responder);
                            notes.problems.push(detail.clone());
                            notes.typed.get_or_insert(Reason::ResponderRefused { index: i, detail });
                            continue;
                        }
                    }
                    match answer.status {
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
                            notes
                                .problems
                                .push(format!("{url}: the responder does not know the certificate"));
                        }
                    }
                }
                Err(e) => {
                    let detail = format!("{url}: {e}");
                    match e {
                        OcspError::TooOld { this_update, max_age, .. } => {
                            notes.typed.get_or_insert(Reason::RevocationTooOld {
                                index: i,
                                this_update,
                                max_age,
                                detail: detail.clone(),
                            });
                        }
                        OcspError::UnauthorizedResponder { .. } => {
                            notes
                                .typed
                                .get_or_insert(Reason::ResponderRefused { index: i, detail: detail.clone() });
                        }
                        _ => {}
                    }
                    notes.problems.push(detail);
                }
            }
        }
        // First with the cache; if cached CRLs cannot decide, once more from the network.
        let (decided, cached) = self.downloaded_crls(chain, i, cache.as_ref(), true, &mut notes);
        if let Some(decided) = decided {
            return decided;
        }
        if cached {
            if let (Some(decided), _) = self.downloaded_crls(chain, i, cache.as_ref(), false, &mut notes) {
                return decided;
            }
        }
        if notes.out_of_work {
            return Err(Reason::WorkLimit { work: self.work_limit() });
        }
        let detail = notes.problems.join("; ");
        match notes.typed {
            Some(Reason::RevocationTooOld { index, this_update, max_age, .. }) => {
                Err(Reason::RevocationTooOld { index, this_update, max_age, detail })
            }
            Some(Reason::ResponderRefused { index, .. }) => Err(Reason::ResponderRefused { index, detail }),
            _ if notes.problems.is_empty() => Err(offline),
            _ => Err(Reason::RevocationUnknown { index: i, detail }),
        }
    }

    /// RFC 6960 §4.2.2.2.1: a delegated responder without id-pkix-ocsp-nocheck is itself
    /// checked for revocation, by CRL only (asking it about itself would prove nothing):
    /// the CRLs at hand, then those at its distribution points. `Err` says why it is not
    /// known to be good.
    fn responder_not_revoked(
        &self,
        chain: &[&Cert],
        i: usize,
        delegate_der: &[u8],
        cache: Option<&Cache>,
    ) -> Result<(), String> {
        let delegate = Cert::parse(delegate_der).map_err(|e| e.to_string())?;
        let mut with_delegate: Vec<&Cert> = chain[..i].to_vec();
        with_delegate.push(&delegate);
        let opts = Options { revocation: Revocation::Crls, ..self.options.clone() };
        let mut local = Engine::new(self.anchors, self.pool, self.crls, &opts);
        local.share_budget(self);
        local.crl_depth = self.crl_depth;
        local.in_progress.clone_from(&self.in_progress);
        match local.revocation_status(&with_delegate, i) {
            Ok(_) => return Ok(()),
            Err(Reason::Revoked { .. }) => return Err("its certificate is revoked".into()),
            Err(_) => {}
        }
        let mut notes = Notes::default();
        match self.downloaded_crls(&with_delegate, i, cache, true, &mut notes) {
            (Some(Ok(_)), _) => Ok(()),
            (Some(Err(Reason::Revoked { .. })), _) => Err("its certificate is revoked".into()),
            (Some(Err(r)), _) => Err(r.to_string()),
            (None, _) if notes.problems.is_empty() => {
                Err("it lacks id-pkix-ocsp-nocheck and no CRL of the CA covers its certificate".into())
            }
            (None, _) => Err(format!(
                "it lacks id-pkix-ocsp-nocheck and its revocation status is unknown: {}",
                notes.problems.join("; ")
            )),
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
        notes: &mut Notes,
    ) -> (Option<Result<RevocationStatus, Reason>>, bool) {
        let (mut fetched, mut sources, mut fresh) = (Vec::new(), Vec::new(), Vec::new());
        let (urls, left_out) = capped(crl_urls(chain[i]));
        if use_cache {
            notes.left_out("CRL", left_out);
        }
        for url in urls {
            match self.fetch_crl(&url, cache, use_cache, notes) {
                Ok((crl, downloaded)) => {
                    if downloaded {
                        fresh.push((url.clone(), fetched.len()));
                    }
                    fetched.push(crl);
                    sources.push(url);
                }
                Err(e) => notes.problems.push(e),
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
        engine.share_budget(self);
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
                notes.problems.push(detail);
                return (None, cached);
            }
            Err(r @ Reason::RevocationTooOld { .. }) => {
                if let Reason::RevocationTooOld { detail, .. } = &r {
                    notes.problems.push(detail.clone());
                }
                notes.typed.get_or_insert(r);
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
