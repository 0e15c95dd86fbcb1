//! Path building and the entry point of verification. Candidate issuers come from the
//! trust anchors and the untrusted pool (token, bundled intermediates, fetched AIA
//! caIssuers); every candidate path that reaches an anchor is validated (RFC 5280 §6.1, in
//! `validate`), the first valid one wins, otherwise the most telling failure is reported.
//! Loops are cut (a certificate, or a subject+key pair, never appears twice in a path),
//! depth is bounded and the whole search runs on a work budget (RFC 4158 §2.5, §3).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use der::Decode;

use super::crl::Crl;
use super::model::Cert;
use super::name::PeerName;
use super::policy::PolicyInputs;
use super::report::{Reason, Report, Verdict};
use super::signature::{self, Strength};

/// A cached signature check: (child, issuer) fingerprints → outcome.
type SigResult = Result<Strength, String>;
type SigCache = HashMap<([u8; 32], [u8; 32]), SigResult>;

/// Which certificate profile is enforced on top of RFC 5280 §6.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Profile {
    /// The RFC 5280 §6.1 algorithm with the relying party's inputs (as NIST PKITS tests it).
    #[default]
    Rfc5280,
    /// Also the MUSTs RFC 5280 §4 puts on conforming CAs and the CA/Browser Forum baseline
    /// (key identifiers, critical basicConstraints, v3, serial numbers, key sizes, a SAN).
    Strict,
}

/// How revocation is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Revocation {
    /// Not checked; chain entries say "not checked".
    #[default]
    Off,
    /// With the CRLs given; a certificate no CRL covers is "could not determine".
    Crls,
    /// The CRLs given, then OCSP and CRL download for what they do not cover; missing
    /// issuers fetched from authorityInfoAccess caIssuers.
    Online,
}

/// Everything the relying party decides (RFC 5280 §6.1.1).
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Validation time, Unix seconds.
    pub time: u64,
    pub policy: PolicyInputs,
    pub profile: Profile,
    pub revocation: Revocation,
    /// Required extended key usage for the end entity (e.g. serverAuth), OID strings.
    pub required_eku: Vec<String>,
    /// Key usage bits the end entity must have (names as in RFC 5280 §4.2.1.3).
    pub required_key_usage: Vec<String>,
    pub peer: Option<PeerName>,
    /// Maximum number of intermediates between anchor and end entity.
    pub max_intermediates: Option<usize>,
    /// Hosts that may be contacted though they are loopback/private (`network`).
    pub network: super::network::Policy,
    /// Oldest acceptable OCSP answer or CRL that has no nextUpdate, seconds since its
    /// thisUpdate; `None` is [`DEFAULT_MAX_AGE_SECS`]. Without nextUpdate nothing says when
    /// such an answer stops being current (RFC 5280 §5.1.2.5, RFC 6960 §4.2.2.1), and over
    /// plain HTTP an old one can be replayed.
    pub max_age: Option<u64>,
    /// The verification's work budget; `None` is [`WORK_LIMIT`]. (Smaller values let tests
    /// show what happens when it runs out.)
    pub work_limit: Option<usize>,
}

/// Default for [`Options::max_age`]: 7 days.
pub const DEFAULT_MAX_AGE_SECS: u64 = 7 * 24 * 3600;

impl Options {
    /// [`Options::max_age`] or its default.
    pub fn max_age_secs(&self) -> u64 {
        self.max_age.unwrap_or(DEFAULT_MAX_AGE_SECS)
    }
}

/// Bound on candidate expansions, signature checks and network fetches
/// (`network::FETCH_COST` each) for one whole verification: nested CRL-issuer validations
/// and online re-checks draw on the same budget.
pub const WORK_LIMIT: usize = 4096;
/// Bound on chain length when the caller sets none.
pub const DEFAULT_MAX_INTERMEDIATES: usize = 12;

/// The material a verification works on.
pub struct Engine<'a> {
    pub anchors: &'a [Cert],
    pub pool: &'a [Cert],
    pub crls: &'a [Crl],
    pub options: &'a Options,
    /// Shared with every nested engine of the same verification.
    work: Rc<Cell<usize>>,
    /// The budget `work` may reach (from the outermost engine's options).
    limit: usize,
    sig_cache: RefCell<SigCache>,
    pub(super) crl_depth: usize,
    /// CRL-issuer certificates being validated further up (a CRL issuer may vouch for
    /// itself in the CRL it signs, RFC 5280 §6.3.3 (f)).
    pub(super) in_progress: Vec<[u8; 32]>,
}

impl<'a> Engine<'a> {
    pub fn new(anchors: &'a [Cert], pool: &'a [Cert], crls: &'a [Crl], options: &'a Options) -> Self {
        Self {
            anchors,
            pool,
            crls,
            options,
            work: Rc::new(Cell::new(0)),
            limit: options.work_limit.unwrap_or(WORK_LIMIT),
            sig_cache: RefCell::new(HashMap::new()),
            crl_depth: 0,
            in_progress: Vec::new(),
        }
    }

    /// Spends one unit of work; false once the budget is gone.
    pub(super) fn spend(&self) -> bool {
        self.spend_n(1)
    }

    /// Spends `n` units of work; false once the budget is gone.
    pub(super) fn spend_n(&self, n: usize) -> bool {
        let w = self.work.get().saturating_add(n);
        self.work.set(w);
        w <= self.limit
    }

    /// The verification's work budget.
    pub fn work_limit(&self) -> usize {
        self.limit
    }

    /// Work spent so far by this verification.
    pub fn work_spent(&self) -> usize {
        self.work.get()
    }

    /// Makes this engine draw on `other`'s budget (a nested check of the same verification).
    pub fn share_budget(&mut self, other: &Engine<'_>) {
        self.work = Rc::clone(&other.work);
        self.limit = other.limit;
    }

    /// Checks `child`'s signature with `issuer`'s key (cached).
    pub(super) fn signed_by(
        &self,
        child: &Cert,
        issuer: &Cert,
        inherited: Option<&[u8]>,
    ) -> Result<Strength, String> {
        let key = (child.sha256, issuer.sha256);
        if let Some(r) = self.sig_cache.borrow().get(&key) {
            return r.clone();
        }
        let r = match (&child.signature, spki::AlgorithmIdentifierRef::from_der(&child.signature_alg)) {
            (None, _) => Err("signature is not a whole number of bytes".to_owned()),
            (_, Err(e)) => Err(e.to_string()),
            (Some(sig), Ok(alg)) => signature::verify_signed(&issuer.spki, inherited, &alg, &child.tbs, sig)
                .map_err(|e| e.to_string()),
        };
        self.sig_cache.borrow_mut().insert(key, r.clone());
        r
    }

    /// Verifies `leaf`: builds candidate paths and validates them.
    pub fn verify(&self, leaf: &Cert) -> Report {
        let max = self.options.max_intermediates.unwrap_or(DEFAULT_MAX_INTERMEDIATES);
        let mut best: Option<(Reason, Option<Box<Report>>)> = None;
        let mut found_any = false;
        let mut path: Vec<&Cert> = vec![leaf];
        let mut bad_sig: Option<String> = None;
        let mut too_deep = false;
        let outcome = self.search(
            &mut path,
            max,
            &mut |engine, chain| {
                found_any = true;
                match engine.validate(chain) {
                    Ok(report) => Some(report),
                    Err((reason, partial)) => {
                        let replace = match &best {
                            None => true,
                            // Prefer a definite failure over "could not decide" from another path.
                            Some((old, _)) => {
                                old.verdict() == Verdict::Undetermined && reason.verdict() == Verdict::Invalid
                            }
                        };
                        if replace {
                            best = Some((reason, partial));
                        }
                        None
                    }
                }
            },
            &mut bad_sig,
            &mut too_deep,
        );
        match outcome {
            Search::Found(report) => report,
            Search::Exhausted | Search::OutOfWork => {
                let out_of_work = matches!(outcome, Search::OutOfWork);
                let (reason, partial) = match best {
                    Some(b) => b,
                    None if out_of_work => (Reason::WorkLimit { work: self.limit }, None),
                    None if too_deep && !found_any => (Reason::TooDeep { limit: max }, None),
                    None => match bad_sig {
                        Some(detail) => (Reason::BadSignature { index: 1, detail }, None),
                        None => (Reason::NoPath { detail: Self::no_path_detail(leaf) }, None),
                    },
                };
                let mut report = partial.map_or_else(|| self.leaf_only_report(leaf), |b| *b);
                report.verdict = reason.verdict();
                report.section = Some(reason.section());
                report.reason_text = Some(reason.to_string());
                report.reason = Some(reason);
                report
            }
        }
    }

    fn no_path_detail(leaf: &Cert) -> String {
        format!("no trusted issuer named \"{}\"", leaf.issuer_display())
    }

    /// Depth-first search over issuers. `path` runs leaf → upwards.
    fn search<'p, F>(
        &self,
        path: &mut Vec<&'p Cert>,
        max: usize,
        on_path: &mut F,
        bad_sig: &mut Option<String>,
        too_deep: &mut bool,
    ) -> Search
    where
        F: FnMut(&Engine<'a>, &[&Cert]) -> Option<Report>,
        'a: 'p,
    {
        let Some(&top) = path.last() else { return Search::Exhausted };
        // Anchors first: a path ending at an anchor is complete.
        for anchor in self.anchors {
            if !self.spend() {
                return Search::OutOfWork;
            }
            if anchor.subject != top.issuer || path.iter().any(|c| c.sha256 == anchor.sha256) {
                // The leaf itself may be an anchor (directly trusted certificate).
                if path.len() == 1 && anchor.sha256 == top.sha256 {
                    let chain = vec![anchor];
                    if let Some(r) = on_path(self, &chain) {
                        return Search::Found(r);
                    }
                }
                continue;
            }
            match self.signed_by(top, anchor, None) {
                Ok(_) => {
                    let mut chain: Vec<&Cert> = vec![anchor];
                    chain.extend(path.iter().rev());
                    if let Some(r) = on_path(self, &chain) {
                        return Search::Found(r);
                    }
                }
                Err(e) => {
                    bad_sig.get_or_insert(e);
                }
            }
        }
        // Self-issued intermediates do not count toward the depth limit (RFC 5280 §6.1.4
        // (l)); the hard cap keeps a chain of them finite.
        let depth = path[1..].iter().filter(|c| !c.is_self_issued()).count();
        if path.len() > max + 8 || path.len() > 40 {
            *too_deep = true;
            return Search::Exhausted;
        }
        let mut candidates: Vec<&'p Cert> = self
            .pool
            .iter()
            .filter(|c| c.subject == top.issuer)
            .filter(|c| {
                !path.iter().any(|p| p.sha256 == c.sha256 || (p.subject == c.subject && p.spki == c.spki))
            })
            .collect();
        // Prefer the issuer whose key identifier matches (RFC 5280 §4.2.1.1), then the newest.
        let aki = top.aki_key_id().map(<[u8]>::to_vec);
        candidates.sort_by_key(|c| {
            (aki.is_some() && c.ski().map(<[u8]>::to_vec) != aki, std::cmp::Reverse(c.not_before))
        });
        for cand in candidates {
            if !self.spend() {
                return Search::OutOfWork;
            }
            if depth + usize::from(!cand.is_self_issued()) > max {
                *too_deep = true;
                continue;
            }
            // DSA parameters may be inherited from further up; defer that check to validation.
            if !signature::is_dsa_without_params(&cand.spki) {
                if let Err(e) = self.signed_by(top, cand, None) {
                    bad_sig.get_or_insert(e);
                    continue;
                }
            }
            path.push(cand);
            let r = self.search(path, max, on_path, bad_sig, too_deep);
            path.pop();
            match r {
                Search::Exhausted => {}
                other => return other,
            }
        }
        Search::Exhausted
    }

    fn leaf_only_report(&self, leaf: &Cert) -> Report {
        Report {
            verdict: Verdict::Invalid,
            reason: None,
            reason_text: None,
            section: None,
            chain: vec![super::validate::chain_entry(leaf, false)],
            checks: Vec::new(),
            policies: Vec::new(),
            validation_time: self.options.time,
        }
    }
}

enum Search {
    Found(Report),
    Exhausted,
    OutOfWork,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nested engines (CRL issuers, downloaded-CRL re-checks, the caIssuers retry) draw on
    /// the budget of the verification they belong to, not on a fresh one each.
    #[test]
    fn nested_engines_share_one_budget() {
        let opts = Options::default();
        let outer = Engine::new(&[], &[], &[], &opts);
        let mut nested = Engine::new(&[], &[], &[], &opts);
        nested.share_budget(&outer);
        assert!(nested.spend_n(WORK_LIMIT - 1));
        assert_eq!(outer.work_spent(), WORK_LIMIT - 1);
        assert!(outer.spend(), "the last unit");
        assert!(!nested.spend(), "spent by the outer engine");
        let fresh = Engine::new(&[], &[], &[], &opts);
        assert!(fresh.spend(), "another verification has its own budget");
    }
}
