//! Which card a journaled job belongs to (issue 13, item 2: one card, one journal). A job is
//! resumed or rolled back only on the card it started on, identified by what the card
//! itself carries, never by the reader it sits in:
//!
//! 1. the CHUID GUID (SP 800-73-4 Part 1 Table 9, tag 34), else
//! 2. the card's serial where it offers one (Yubico GET SERIAL, INS F8; a PKCS#11 token's
//!    CK_TOKEN_INFO serialNumber), else
//! 3. nothing: the certificates alone must tell.
//!
//! On top of that anchor the job records a fingerprint of every certificate the card showed
//! when it started (salted hashes, by location). Before each step the card must show the same
//! certificates in every location the job does not touch, and in the locations it does touch
//! only what the job found there or may have written or removed (a removal's slot is empty
//! after its delete step; an enrollment's slot holds the new certificate after its store
//! step). A serial is not trusted alone (the virtual card answers the same made-up serial on
//! every card), and an anchorless card with no certificate to show cannot be proven at all:
//! then nothing is done.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::careful_file::Salt;
use crate::token::{Token, TokenError, TokenInfo};

use super::journal::{Journal, Kind};

/// What anchors a job to its card (salted, never the identifier itself).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "id")]
pub enum Anchor {
    /// HMAC of the CHUID GUID under the installation salt.
    Guid(String),
    /// HMAC of the card's serial number.
    Serial(String),
    /// The card carries no identifier; its certificates must tell.
    Certificates,
}

/// What a job recorded about its card when it started.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardProof {
    pub anchor: Anchor,
    /// Salted hash of each certificate the card showed, by location.
    pub certificates: BTreeMap<String, String>,
}

/// Why a job is not run on the card in front of us.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Mismatch {
    /// The card's GUID or serial (or its having none) is not the job's card's.
    #[error("the card's identifier is not that of the card the job started on")]
    Anchor,
    /// A certificate the job does not touch is not what the card showed at the start.
    #[error("the certificate in {location} is not the one the job's card had")]
    Certificate { location: String },
    /// The slot the job works on holds a certificate the job neither found nor wrote.
    #[error("{location} holds a certificate the job neither found there nor wrote")]
    Touched { location: String },
    /// The card carries no identifier and no certificate that could prove it is the card.
    #[error("the card carries no identifier and no certificate that proves which card it is")]
    NoEvidence,
    /// A journal written by an earlier version, keyed by the reader name.
    #[error("the job was recorded by an earlier version under the reader's name, not the card's")]
    OldJournal,
}

/// The card as it is now: its identifiers and certificates, read from it (or from a listing
/// made just now). A location absent from `certificates` holds no certificate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CardNow {
    pub guid: Option<String>,
    pub serial: Option<String>,
    /// The reference it was reached by (only to recognise journals of earlier versions).
    pub reference: Option<String>,
    pub certificates: BTreeMap<String, Vec<u8>>,
}

impl CardNow {
    /// From a listing the caller already holds (the app's certificate list).
    pub fn from_listing(info: &TokenInfo, certificates: &[crate::token::CertObject]) -> Self {
        let (guid, serial) = marks_of(info);
        Self {
            guid,
            serial,
            reference: Some(info.reference.to_string()),
            certificates: certificates.iter().map(|c| (c.location.clone(), c.der.clone())).collect(),
        }
    }

    /// Read from the card now: its identifiers, its certificates, and the certificates at
    /// `also` (locations a listing does not cover, e.g. PIV retired slots).
    pub fn read(token: &mut dyn Token, also: &[&str]) -> Result<Self, TokenError> {
        let (guid, serial) = token.card_marks()?;
        let mut certificates: BTreeMap<String, Vec<u8>> =
            token.certificates()?.into_iter().map(|c| (c.location, c.der)).collect();
        for location in also {
            if !certificates.contains_key(*location) {
                if let Some(der) = token.certificate_at(location)? {
                    certificates.insert((*location).to_owned(), der);
                }
            }
        }
        Ok(Self { guid, serial, reference: Some(token.info().reference.to_string()), certificates })
    }

    /// The anchor this card gives.
    pub fn anchor(&self, salt: &Salt) -> Anchor {
        match (&self.guid, &self.serial) {
            (Some(g), _) => Anchor::Guid(salt.id("card-guid", g)),
            (None, Some(s)) => Anchor::Serial(salt.id("card-serial", s)),
            (None, None) => Anchor::Certificates,
        }
    }

    /// What a job starting now records.
    pub fn proof(&self, salt: &Salt) -> CardProof {
        CardProof {
            anchor: self.anchor(salt),
            certificates: self.certificates.iter().map(|(l, d)| (l.clone(), cert_id(salt, d))).collect(),
        }
    }

    /// The journal `card` key this card is filed under: its salted anchor, or for a card
    /// without one, the salted fingerprint of its certificates at the start.
    pub fn key(&self, salt: &Salt) -> String {
        match self.anchor(salt) {
            Anchor::Guid(id) | Anchor::Serial(id) => id,
            Anchor::Certificates => {
                let all: Vec<u8> = self
                    .certificates
                    .iter()
                    .flat_map(|(l, d)| {
                        [l.as_bytes(), b"\0", salt.id("card-cert", d).as_bytes(), b"\0"].concat()
                    })
                    .collect();
                salt.id("card-certificates", all)
            }
        }
    }
}

/// GUID and serial as a listing shows them: PIV keeps the GUID in `serial` and a Yubico
/// serial in `card_serial`; PKCS#11 its token serial in `serial`.
fn marks_of(info: &TokenInfo) -> (Option<String>, Option<String>) {
    match info.kind {
        crate::token::TokenKind::PivCard => (info.serial.clone(), info.card_serial.clone()),
        _ => (None, info.serial.clone().or_else(|| info.card_serial.clone())),
    }
}

fn cert_id(salt: &Salt, der: &[u8]) -> String {
    salt.id("card-cert", der)
}

/// The locations a job changes.
pub fn touched(j: &Journal) -> Vec<&str> {
    let mut out = vec![j.location.as_str()];
    if j.kind == Kind::Enroll {
        if let Some(r) = j.replaces.as_deref() {
            out.push(r);
        }
    }
    out
}

/// Whether `now` is the card job `j` started on (see the module doc). A journal of an
/// earlier version (no proof) counts only when its key is the hash of this card's GUID.
pub fn check(salt: &Salt, j: &Journal, now: &CardNow) -> Result<(), Mismatch> {
    let Some(proof) = &j.proof else {
        return match &now.guid {
            Some(g) if super::journal::card_hash(g) == j.card => {
                check_touched(salt, j, None, now).map(|_| ())
            }
            _ => Err(Mismatch::OldJournal),
        };
    };
    if proof.anchor != now.anchor(salt) {
        return Err(Mismatch::Anchor);
    }
    let touched = touched(j);
    let locations: std::collections::BTreeSet<&String> =
        proof.certificates.keys().chain(now.certificates.keys()).collect();
    let mut evidence = false;
    for location in locations {
        if touched.contains(&location.as_str()) {
            continue;
        }
        let was = proof.certificates.get(location);
        let is = now.certificates.get(location).map(|d| cert_id(salt, d));
        if was != is.as_ref() {
            return Err(Mismatch::Certificate { location: location.clone() });
        }
        evidence |= was.is_some();
    }
    evidence |= check_touched(salt, j, Some(proof), now)?;
    if proof.anchor == Anchor::Certificates && !evidence {
        return Err(Mismatch::NoEvidence);
    }
    Ok(())
}

/// Each touched location holds what the job found there, wrote there, or nothing. Returns
/// whether one of them holds a certificate of the job's (evidence for an anchorless card).
fn check_touched(
    salt: &Salt,
    j: &Journal,
    proof: Option<&CardProof>,
    now: &CardNow,
) -> Result<bool, Mismatch> {
    let mut evidence = false;
    for location in touched(j) {
        let Some(der) = now.certificates.get(location) else { continue };
        let id = cert_id(salt, der);
        let found = proof.and_then(|p| p.certificates.get(location)) == Some(&id);
        let old_here = j.old_cert.as_deref() == Some(der.as_slice())
            && (j.kind == Kind::Remove || j.replaces.as_deref() == Some(location));
        let new_here = j.new_cert.as_deref() == Some(der.as_slice()) && location == j.location;
        if !(found || old_here || new_here) {
            return Err(Mismatch::Touched { location: location.to_owned() });
        }
        evidence = true;
    }
    Ok(evidence)
}

#[cfg(test)]
mod tests;
