//! Certificate policy processing: the valid_policy_tree of RFC 5280 §6.1.2 (a), §6.1.3
//! (d)–(f), §6.1.4 (a)–(b), (i)–(j) and §6.1.5 (g), with the explicit_policy,
//! policy_mapping and inhibit_anyPolicy counters. The tree is bounded (a crafted chain can
//! make it grow exponentially): past [`MAX_NODES`] the path is refused.

use std::collections::BTreeSet;

use super::model::oid::ANY_POLICY;
use super::model::Cert;

pub const MAX_NODES: usize = 20_000;

#[derive(Clone, Debug)]
struct Node {
    depth: usize,
    policy: String,
    expected: BTreeSet<String>,
    parent: Option<usize>,
    alive: bool,
}

/// The relying party's policy inputs (RFC 5280 §6.1.1 (c), (e)–(g)).
#[derive(Clone, Debug)]
pub struct PolicyInputs {
    pub initial_policy_set: Vec<String>,
    pub initial_explicit_policy: bool,
    pub initial_policy_mapping_inhibit: bool,
    pub initial_inhibit_any_policy: bool,
}

impl Default for PolicyInputs {
    fn default() -> Self {
        Self {
            initial_policy_set: vec![ANY_POLICY.to_owned()],
            initial_explicit_policy: false,
            initial_policy_mapping_inhibit: false,
            initial_inhibit_any_policy: false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("no acceptable certificate policy at certificate {index} (RFC 5280 §6.1.3 (f))")]
    NoValidPolicy { index: usize },
    #[error("policy mapping to or from anyPolicy at certificate {index} (RFC 5280 §6.1.4 (a))")]
    AnyPolicyMapping { index: usize },
    #[error("the path does not meet the required policies (RFC 5280 §6.1.5 (g))")]
    NotAcceptable,
    #[error("policy tree too large")]
    TooLarge,
}

/// Policy state across a path of `n` certificates.
pub struct PolicyState {
    nodes: Vec<Node>,
    null: bool,
    n: usize,
    pub explicit_policy: usize,
    pub policy_mapping: usize,
    pub inhibit_any_policy: usize,
    inputs: PolicyInputs,
}

impl PolicyState {
    pub fn new(n: usize, inputs: &PolicyInputs) -> Self {
        let any: BTreeSet<String> = [ANY_POLICY.to_owned()].into();
        Self {
            nodes: vec![Node {
                depth: 0,
                policy: ANY_POLICY.into(),
                expected: any,
                parent: None,
                alive: true,
            }],
            null: false,
            n,
            explicit_policy: if inputs.initial_explicit_policy { 0 } else { n + 1 },
            policy_mapping: if inputs.initial_policy_mapping_inhibit { 0 } else { n + 1 },
            inhibit_any_policy: if inputs.initial_inhibit_any_policy { 0 } else { n + 1 },
            inputs: inputs.clone(),
        }
    }

    fn live(&self, depth: usize) -> Vec<usize> {
        (0..self.nodes.len()).filter(|&i| self.nodes[i].alive && self.nodes[i].depth == depth).collect()
    }

    fn add(
        &mut self,
        depth: usize,
        policy: &str,
        expected: BTreeSet<String>,
        parent: usize,
    ) -> Result<(), PolicyError> {
        if self.nodes.len() >= MAX_NODES {
            return Err(PolicyError::TooLarge);
        }
        self.nodes.push(Node {
            depth,
            policy: policy.to_owned(),
            expected,
            parent: Some(parent),
            alive: true,
        });
        Ok(())
    }

    fn has_child(&self, idx: usize) -> bool {
        self.nodes.iter().any(|c| c.alive && c.parent == Some(idx))
    }

    /// Deletes childless nodes above `depth`, bottom-up.
    fn prune_above(&mut self, depth: usize) {
        for d in (0..depth).rev() {
            for i in self.live(d) {
                if !self.has_child(i) {
                    self.nodes[i].alive = false;
                }
            }
        }
        if self.live(0).is_empty() {
            self.null = true;
        }
    }

    fn kill_subtree(&mut self, idx: usize) {
        self.nodes[idx].alive = false;
        let kids: Vec<usize> = (0..self.nodes.len()).filter(|&c| self.nodes[c].parent == Some(idx)).collect();
        for k in kids {
            self.kill_subtree(k);
        }
    }

    fn domain_policy(&self, mut x: usize) -> String {
        while let Some(p) = self.nodes[x].parent {
            if self.nodes[p].policy == ANY_POLICY {
                return self.nodes[x].policy.clone();
            }
            x = p;
        }
        self.nodes[x].policy.clone()
    }

    /// §6.1.3 (d)–(f) for certificate `i` (1-based) of the path.
    pub fn process(&mut self, i: usize, cert: &Cert) -> Result<(), PolicyError> {
        match &cert.ext.policies {
            Some(policies) if !self.null => {
                let ids: Vec<String> = policies.iter().map(ToString::to_string).collect();
                let parents = self.live(i - 1);
                for p in ids.iter().filter(|p| *p != ANY_POLICY) {
                    let matching: Vec<usize> =
                        parents.iter().copied().filter(|&q| self.nodes[q].expected.contains(p)).collect();
                    let targets = if matching.is_empty() {
                        parents.iter().copied().filter(|&q| self.nodes[q].policy == ANY_POLICY).collect()
                    } else {
                        matching
                    };
                    for q in targets {
                        self.add(i, p, [p.clone()].into(), q)?;
                    }
                }
                let any_allowed = self.inhibit_any_policy > 0 || (i < self.n && cert.is_self_issued());
                if ids.iter().any(|p| p == ANY_POLICY) && any_allowed {
                    for q in parents {
                        let expected: Vec<String> = self.nodes[q].expected.iter().cloned().collect();
                        for e in expected {
                            let exists = self
                                .nodes
                                .iter()
                                .any(|c| c.alive && c.parent == Some(q) && c.depth == i && c.policy == e);
                            if !exists {
                                self.add(i, &e, [e.clone()].into(), q)?;
                            }
                        }
                    }
                }
                self.prune_above(i);
            }
            _ => self.null = true,
        }
        if self.explicit_policy == 0 && self.null {
            return Err(PolicyError::NoValidPolicy { index: i });
        }
        Ok(())
    }

    /// §6.1.4 (a)–(b), (h)–(j): preparation for certificate i+1.
    pub fn prepare_next(&mut self, i: usize, cert: &Cert) -> Result<(), PolicyError> {
        if let Some(maps) = &cert.ext.policy_mappings {
            let maps: Vec<(String, String)> =
                maps.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
            if maps.iter().any(|(a, b)| a == ANY_POLICY || b == ANY_POLICY) {
                return Err(PolicyError::AnyPolicyMapping { index: i });
            }
            if !self.null {
                let issuer_policies: BTreeSet<String> = maps.iter().map(|(a, _)| a.clone()).collect();
                for idp in issuer_policies {
                    let subjects: BTreeSet<String> =
                        maps.iter().filter(|(a, _)| *a == idp).map(|(_, b)| b.clone()).collect();
                    let at_i = self.live(i);
                    let holders: Vec<usize> =
                        at_i.iter().copied().filter(|&x| self.nodes[x].policy == idp).collect();
                    if self.policy_mapping > 0 {
                        if holders.is_empty() {
                            let any_node = at_i.iter().copied().find(|&x| self.nodes[x].policy == ANY_POLICY);
                            if let Some(parent) = any_node.and_then(|a| self.nodes[a].parent) {
                                self.add(i, &idp, subjects, parent)?;
                            }
                        } else {
                            for h in holders {
                                self.nodes[h].expected.clone_from(&subjects);
                            }
                        }
                    } else {
                        for h in holders {
                            self.kill_subtree(h);
                        }
                        self.prune_above(i);
                    }
                }
            }
        }
        if !cert.is_self_issued() {
            self.explicit_policy = self.explicit_policy.saturating_sub(1);
            self.policy_mapping = self.policy_mapping.saturating_sub(1);
            self.inhibit_any_policy = self.inhibit_any_policy.saturating_sub(1);
        }
        if let Some(pc) = &cert.ext.policy_constraints {
            if let Some(r) = pc.require_explicit_policy {
                self.explicit_policy = self.explicit_policy.min(r as usize);
            }
            if let Some(m) = pc.inhibit_policy_mapping {
                self.policy_mapping = self.policy_mapping.min(m as usize);
            }
        }
        if let Some(v) = cert.ext.inhibit_any_policy {
            self.inhibit_any_policy = self.inhibit_any_policy.min(v as usize);
        }
        Ok(())
    }

    /// §6.1.5 (a), (b), (g) for the end-entity certificate; returns the
    /// user-constrained policy set (empty when the tree is null).
    pub fn finish(&mut self, cert: &Cert) -> Result<BTreeSet<String>, PolicyError> {
        self.explicit_policy = self.explicit_policy.saturating_sub(1);
        if cert.ext.policy_constraints.as_ref().and_then(|p| p.require_explicit_policy) == Some(0) {
            self.explicit_policy = 0;
        }
        let n = self.n;
        let initial: BTreeSet<String> = self.inputs.initial_policy_set.iter().cloned().collect();
        if !self.null && !initial.contains(ANY_POLICY) {
            // (g)(iii)(1)-(2): nodes whose parent is anyPolicy and are not acceptable go.
            let set: Vec<usize> = (0..self.nodes.len())
                .filter(|&x| {
                    self.nodes[x].alive
                        && self.nodes[x].parent.is_some_and(|p| self.nodes[p].policy == ANY_POLICY)
                })
                .collect();
            for x in &set {
                let p = &self.nodes[*x].policy;
                if p != ANY_POLICY && !initial.contains(p) && self.nodes[*x].alive {
                    self.kill_subtree(*x);
                }
            }
            // (3): an anyPolicy leaf stands for every acceptable policy.
            if let Some(leaf) = self.live(n).into_iter().find(|&x| self.nodes[x].policy == ANY_POLICY) {
                let parent = self.nodes[leaf].parent;
                let present: BTreeSet<String> = set
                    .iter()
                    .filter(|&&x| self.nodes[x].alive)
                    .map(|&x| self.nodes[x].policy.clone())
                    .collect();
                if let Some(parent) = parent {
                    for p in initial.iter().filter(|p| *p != ANY_POLICY && !present.contains(*p)) {
                        self.add(n, p, [p.clone()].into(), parent)?;
                    }
                }
                self.nodes[leaf].alive = false;
            }
            self.prune_above(n);
        }
        // The user-constrained policy set is expressed in the trust anchor's policy domain:
        // for each leaf, the first policy below anyPolicy on its branch (§6.1.5 (g)(iii)(1)).
        let leaves: BTreeSet<String> = if self.null {
            BTreeSet::new()
        } else {
            self.live(n).into_iter().map(|x| self.domain_policy(x)).collect()
        };
        if self.explicit_policy > 0 || !leaves.is_empty() {
            Ok(leaves)
        } else {
            Err(PolicyError::NotAcceptable)
        }
    }
}
