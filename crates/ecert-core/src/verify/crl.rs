//! Certificate revocation lists (RFC 5280 §5) and the CRL half of revocation checking
//! (RFC 5280 §6.3): scope (issuer, indirect CRLs via cRLIssuer and certificateIssuer,
//! issuing distribution point), reason masks, delta CRLs (§5.2.4), freshness, hold and
//! removeFromCRL.
//!
//! Parsing is our own, on `der`'s zero-copy reader, rather than `x509_cert::crl`: that type
//! decodes every entry into owned values, which for a national CA's CRL (a million entries,
//! 35 MB) costs several times the file's size in memory. Here the file is read once, its
//! signature checked over the TBS bytes in place, and the entry list is walked on demand.

use std::ops::Range;

use der::asn1::{AnyRef, ObjectIdentifier};
use der::{Decode, Encode, Reader, SliceReader, Tag, TagNumber, Tagged};
use x509_cert::ext::pkix::crl::dp::IssuingDistributionPoint;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::AuthorityKeyIdentifier;
use x509_cert::name::Name;
use x509_cert::time::Time;

use super::name::NameKey;

const CRL_NUMBER: &str = "2.5.29.20";
const DELTA_CRL_INDICATOR: &str = "2.5.29.27";
const ISSUING_DP: &str = "2.5.29.28";
const AUTHORITY_KEY_ID: &str = "2.5.29.35";
const ISSUER_ALT_NAME: &str = "2.5.29.18";
const FRESHEST_CRL: &str = "2.5.29.46";
const AIA: &str = "1.3.6.1.5.5.7.1.1";
const REASON_CODE: &str = "2.5.29.21";
const CERTIFICATE_ISSUER: &str = "2.5.29.29";
const INVALIDITY_DATE: &str = "2.5.29.24";
const HOLD_INSTRUCTION: &str = "2.5.29.23";

/// CRLReason (RFC 5280 §5.3.1) value for removeFromCRL.
pub const REMOVE_FROM_CRL: u8 = 8;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CrlError {
    #[error("not a valid CRL: {0}")]
    Der(String),
    #[error("CRL extension {oid} is malformed")]
    BadExtension { oid: String },
}

impl From<der::Error> for CrlError {
    fn from(e: der::Error) -> Self {
        CrlError::Der(e.to_string())
    }
}

/// One parsed CRL. Entries stay in `der` and are scanned by [`Crl::lookup`].
#[derive(Clone, Debug)]
pub struct Crl {
    pub der: Vec<u8>,
    tbs: Range<usize>,
    pub signature_algorithm: Vec<u8>,
    pub signature: Vec<u8>,
    pub issuer: NameKey,
    pub issuer_name: Name,
    pub this_update: u64,
    pub next_update: Option<u64>,
    /// CRL number (§5.2.3), big-endian magnitude.
    pub number: Option<Vec<u8>>,
    pub number_critical: bool,
    /// BaseCRLNumber when this is a delta CRL (§5.2.4).
    pub delta_base: Option<Vec<u8>>,
    pub idp: Option<IssuingDistributionPoint>,
    pub idp_der: Option<Vec<u8>>,
    pub aki_key_id: Option<Vec<u8>>,
    /// Critical CRL extensions we do not process (§5.2: the CRL cannot be used).
    pub unknown_critical: Vec<String>,
    revoked: Option<Range<usize>>,
    pub entries: usize,
}

/// What the CRL says about one serial number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub revoked_at: u64,
    /// CRLReason code; `None` when the entry has no reasonCode (unspecified).
    pub reason: Option<u8>,
    /// The entry has a critical extension we cannot process.
    pub unknown_critical: bool,
}

fn offset(base: &[u8], part: &[u8]) -> Range<usize> {
    let start = part.as_ptr() as usize - base.as_ptr() as usize;
    start..start + part.len()
}

fn context(n: u32, constructed: bool) -> Tag {
    Tag::ContextSpecific { constructed, number: TagNumber(n) }
}

fn time_of(any: AnyRef<'_>) -> Result<u64, CrlError> {
    let t = Time::from_der(&any.to_der()?)?;
    Ok(t.to_unix_duration().as_secs())
}

/// Big-endian magnitude of a non-negative INTEGER's content octets (leading zeros dropped).
fn magnitude(bytes: &[u8]) -> Vec<u8> {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    bytes[start..].to_vec()
}

/// Compares two magnitudes numerically.
pub fn cmp_number(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    let (a, b) = (magnitude(a), magnitude(b));
    a.len().cmp(&b.len()).then_with(|| a.cmp(&b))
}

impl Crl {
    pub fn parse(der_bytes: Vec<u8>) -> Result<Self, CrlError> {
        let outer = AnyRef::from_der(&der_bytes)?;
        if outer.tag() != Tag::Sequence {
            return Err(CrlError::Der("not a SEQUENCE".into()));
        }
        let mut r = SliceReader::new(outer.value())?;
        let tbs_any: AnyRef<'_> = r.decode()?;
        let alg: AnyRef<'_> = r.decode()?;
        let sig: der::asn1::BitStringRef<'_> = r.decode()?;
        r.finish()?;
        // The TBS element starts where the outer SEQUENCE's contents start; taking its range
        // (rather than re-encoding it) keeps a 35 MB CRL at one copy in memory.
        let tbs = offset(&der_bytes, outer.value()).start..offset(&der_bytes, tbs_any.value()).end;

        let mut t = SliceReader::new(tbs_any.value())?;
        let mut next: AnyRef<'_> = t.decode()?;
        if next.tag() == Tag::Integer {
            let v = next.value();
            if v != [1] {
                return Err(CrlError::Der("unsupported CRL version".into()));
            }
            next = t.decode()?;
        }
        let inner_alg = next.to_der()?;
        if inner_alg != alg.to_der()? {
            return Err(CrlError::Der(
                "signature algorithm differs inside and outside the signed part".into(),
            ));
        }
        let issuer_any: AnyRef<'_> = t.decode()?;
        let issuer_name = Name::from_der(&issuer_any.to_der()?)?;
        let this_update = time_of(t.decode()?)?;
        let mut next_update = None;
        let mut revoked = None;
        let mut extensions: Option<AnyRef<'_>> = None;
        let mut entries = 0usize;
        while !t.is_finished() {
            let item: AnyRef<'_> = t.decode()?;
            match item.tag() {
                Tag::UtcTime | Tag::GeneralizedTime if next_update.is_none() && revoked.is_none() => {
                    next_update = Some(time_of(item)?);
                }
                Tag::Sequence if revoked.is_none() && extensions.is_none() => {
                    entries = count_entries(item.value())?;
                    revoked = Some(offset(&der_bytes, item.value()));
                }
                tag if tag == context(0, true) && extensions.is_none() => extensions = Some(item),
                _ => return Err(CrlError::Der("unexpected field in TBSCertList".into())),
            }
        }
        let mut crl = Self {
            tbs,
            signature_algorithm: alg.to_der()?,
            signature: sig.raw_bytes().to_vec(),
            issuer: NameKey::new(&issuer_name),
            issuer_name,
            this_update,
            next_update,
            number: None,
            number_critical: false,
            delta_base: None,
            idp: None,
            idp_der: None,
            aki_key_id: None,
            unknown_critical: Vec::new(),
            revoked,
            entries,
            der: Vec::new(),
        };
        if let Some(ext) = extensions {
            crl.read_extensions(ext)?;
        }
        crl.der = der_bytes;
        Ok(crl)
    }

    fn read_extensions(&mut self, wrapper: AnyRef<'_>) -> Result<(), CrlError> {
        let list = x509_cert::ext::Extensions::from_der(wrapper.value())?;
        let mut seen: Vec<ObjectIdentifier> = Vec::new();
        for x in list {
            if seen.contains(&x.extn_id) {
                return Err(CrlError::BadExtension { oid: x.extn_id.to_string() });
            }
            seen.push(x.extn_id);
            let id = x.extn_id.to_string();
            let v = x.extn_value.as_bytes();
            let bad = |_| CrlError::BadExtension { oid: id.clone() };
            match id.as_str() {
                CRL_NUMBER => {
                    let n = der::asn1::UintRef::from_der(v).map_err(bad)?;
                    self.number = Some(magnitude(n.as_bytes()));
                    self.number_critical = x.critical;
                }
                DELTA_CRL_INDICATOR => {
                    let n = der::asn1::UintRef::from_der(v).map_err(bad)?;
                    self.delta_base = Some(magnitude(n.as_bytes()));
                }
                ISSUING_DP => {
                    self.idp = Some(IssuingDistributionPoint::from_der(v).map_err(bad)?);
                    self.idp_der = Some(v.to_vec());
                }
                AUTHORITY_KEY_ID => {
                    let a = AuthorityKeyIdentifier::from_der(v).map_err(bad)?;
                    self.aki_key_id = a.key_identifier.map(|k| k.as_bytes().to_vec());
                }
                ISSUER_ALT_NAME | FRESHEST_CRL | AIA => {}
                _ => {
                    if x.critical {
                        self.unknown_critical.push(id);
                    }
                }
            }
        }
        Ok(())
    }

    /// The exact signed TBSCertList bytes.
    pub fn tbs(&self) -> &[u8] {
        &self.der[self.tbs.clone()]
    }

    pub fn is_delta(&self) -> bool {
        self.delta_base.is_some()
    }

    pub fn is_indirect(&self) -> bool {
        self.idp.as_ref().is_some_and(|i| i.indirect_crl)
    }

    /// Finds the entry for `serial` (INTEGER content octets) issued by `cert_issuer`.
    /// Entries of an indirect CRL name their issuer with certificateIssuer (§5.3.3), which
    /// carries over to the entries that follow.
    pub fn lookup(&self, serial: &[u8], cert_issuer: &NameKey) -> Result<Option<Entry>, CrlError> {
        let Some(range) = self.revoked.clone() else { return Ok(None) };
        let mut r = SliceReader::new(&self.der[range])?;
        let mut current_issuer_is_ours = self.issuer == *cert_issuer;
        while !r.is_finished() {
            let entry: AnyRef<'_> = r.decode()?;
            let mut e = SliceReader::new(entry.value())?;
            let sn: AnyRef<'_> = e.decode()?;
            if sn.tag() != Tag::Integer {
                return Err(CrlError::Der("entry serial is not an INTEGER".into()));
            }
            let date: AnyRef<'_> = e.decode()?;
            let exts: Option<AnyRef<'_>> = if e.is_finished() { None } else { Some(e.decode()?) };
            let serial_hit = sn.value() == serial;
            // Only entries that change the issuer, or that match, need their extensions read.
            let needs_ext = self.is_indirect() || serial_hit;
            let mut reason = None;
            let mut unknown_critical = false;
            if let (true, Some(exts)) = (needs_ext, exts) {
                for x in x509_cert::ext::Extensions::from_der(&exts.to_der()?)? {
                    let id = x.extn_id.to_string();
                    let v = x.extn_value.as_bytes();
                    match id.as_str() {
                        REASON_CODE => {
                            let any = AnyRef::from_der(v)?;
                            if any.tag() != Tag::Enumerated || any.value().len() != 1 {
                                return Err(CrlError::BadExtension { oid: id });
                            }
                            reason = Some(any.value()[0]);
                        }
                        CERTIFICATE_ISSUER => {
                            let names = x509_cert::ext::pkix::name::GeneralNames::from_der(v)
                                .map_err(|_| CrlError::BadExtension { oid: id.clone() })?;
                            current_issuer_is_ours = names.iter().any(|n| match n {
                                GeneralName::DirectoryName(d) => NameKey::new(d) == *cert_issuer,
                                _ => false,
                            });
                        }
                        INVALIDITY_DATE | HOLD_INSTRUCTION => {}
                        _ => unknown_critical |= x.critical,
                    }
                }
            }
            if serial_hit && current_issuer_is_ours {
                return Ok(Some(Entry { revoked_at: time_of(date)?, reason, unknown_critical }));
            }
        }
        Ok(None)
    }

    /// Every entry's serial, for display and tests (allocates; not for huge CRLs).
    pub fn serials(&self) -> Result<Vec<Vec<u8>>, CrlError> {
        let Some(range) = self.revoked.clone() else { return Ok(Vec::new()) };
        let mut r = SliceReader::new(&self.der[range])?;
        let mut out = Vec::new();
        while !r.is_finished() {
            let entry: AnyRef<'_> = r.decode()?;
            let mut e = SliceReader::new(entry.value())?;
            let sn: AnyRef<'_> = e.decode()?;
            out.push(sn.value().to_vec());
        }
        Ok(out)
    }
}

/// Counts the entries and checks each is a well-formed SEQUENCE { INTEGER, Time, [exts] },
/// so that a malformed list is refused at parse time rather than mid-lookup.
fn count_entries(list: &[u8]) -> Result<usize, CrlError> {
    let mut r = SliceReader::new(list)?;
    let mut n = 0usize;
    while !r.is_finished() {
        let entry: AnyRef<'_> = r.decode()?;
        if entry.tag() != Tag::Sequence {
            return Err(CrlError::Der("revoked entry is not a SEQUENCE".into()));
        }
        let mut e = SliceReader::new(entry.value())?;
        let sn: AnyRef<'_> = e.decode()?;
        let date: AnyRef<'_> = e.decode()?;
        if sn.tag() != Tag::Integer || !matches!(date.tag(), Tag::UtcTime | Tag::GeneralizedTime) {
            return Err(CrlError::Der("malformed revoked entry".into()));
        }
        if !e.is_finished() {
            let ext: AnyRef<'_> = e.decode()?;
            if ext.tag() != Tag::Sequence || !e.is_finished() {
                return Err(CrlError::Der("malformed revoked entry".into()));
            }
        }
        n += 1;
    }
    Ok(n)
}
