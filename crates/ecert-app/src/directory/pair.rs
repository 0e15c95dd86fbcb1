//! Cross-certificate pairs (`crossCertificatePair;binary`, RFC 4523 §2.3; X.509 §11.2.3):
//!
//! ```text
//! CertificatePair ::= SEQUENCE {
//!     issuedToThisCA [0] Certificate OPTIONAL,   -- "forward"
//!     issuedByThisCA [1] Certificate OPTIONAL }  -- "reverse"
//!     ( WITH COMPONENTS { ..., issuedToThisCA PRESENT } |
//!       WITH COMPONENTS { ..., issuedByThisCA PRESENT } )
//! ```
//! The tags are explicit (the module has no IMPLICIT TAGS default), so each element wraps a
//! whole Certificate.

use der::asn1::AnyRef;
use der::{Decode, Encode, Reader, SliceReader, Tag, TagNumber, Tagged};

/// A decoded pair: the DER of each certificate present.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CertificatePair {
    /// `[0]`: issued to the CA whose entry holds the pair (by another CA).
    pub forward: Option<Vec<u8>>,
    /// `[1]`: issued by the CA whose entry holds the pair (to another CA).
    pub reverse: Option<Vec<u8>>,
}

impl CertificatePair {
    /// Decodes a pair; errors name what is wrong (the caller adds the entry and attribute).
    pub fn parse(der_bytes: &[u8]) -> Result<Self, String> {
        let outer = AnyRef::from_der(der_bytes).map_err(|e| e.to_string())?;
        if outer.tag() != Tag::Sequence {
            return Err(format!("expected a SEQUENCE, found {}", outer.tag()));
        }
        let mut r = SliceReader::new(outer.value()).map_err(|e| e.to_string())?;
        let mut pair = CertificatePair::default();
        let mut last: Option<TagNumber> = None;
        while !r.is_finished() {
            let item: AnyRef<'_> = r.decode().map_err(|e: der::Error| e.to_string())?;
            let Tag::ContextSpecific { constructed: true, number } = item.tag() else {
                return Err(format!("unexpected element {}", item.tag()));
            };
            if last.is_some_and(|l| l >= number) {
                return Err("elements out of order or repeated".into());
            }
            last = Some(number);
            let cert = AnyRef::from_der(item.value()).map_err(|e| format!("[{number}]: {e}"))?;
            if cert.tag() != Tag::Sequence {
                return Err(format!("[{number}] does not hold a certificate"));
            }
            let der = cert.to_der().map_err(|e| e.to_string())?;
            match number.value() {
                0 => pair.forward = Some(der),
                1 => pair.reverse = Some(der),
                n => return Err(format!("unexpected element [{n}]")),
            }
        }
        if pair.forward.is_none() && pair.reverse.is_none() {
            return Err("neither issuedToThisCA nor issuedByThisCA is present".into());
        }
        Ok(pair)
    }

    /// The certificates present, forward first.
    pub fn certificates(&self) -> impl Iterator<Item = &[u8]> {
        self.forward.iter().chain(self.reverse.iter()).map(Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::verify::Cert;

    fn data(name: &str) -> Vec<u8> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/pkits");
        std::fs::read(root.join(name)).unwrap()
    }

    #[test]
    fn pkits_forward_and_reverse() {
        let good_ca = data("certs/GoodCACert.crt");
        let fwd =
            CertificatePair::parse(&data("ldap/certpairs/GoodCACertforwardcrossCertificatePair.cp")).unwrap();
        assert_eq!(fwd.forward.as_deref(), Some(good_ca.as_slice()));
        assert!(fwd.reverse.is_none());
        let rev =
            CertificatePair::parse(&data("ldap/certpairs/GoodCACertreversecrossCertificatePair.cp")).unwrap();
        assert_eq!(rev.reverse.as_deref(), Some(good_ca.as_slice()));
        assert_eq!(rev.certificates().count(), 1);
        Cert::parse(rev.reverse.as_ref().unwrap()).unwrap();
    }

    #[test]
    fn both_halves() {
        let cert = data("certs/GoodCACert.crt");
        let mut body = Vec::new();
        for tag in [0xa0u8, 0xa1] {
            body.push(tag);
            body.extend(der_len(cert.len()));
            body.extend(&cert);
        }
        let mut der = vec![0x30];
        der.extend(der_len(body.len()));
        der.extend(body);
        let p = CertificatePair::parse(&der).unwrap();
        assert_eq!(p.certificates().count(), 2);
    }

    fn der_len(n: usize) -> Vec<u8> {
        let b = u16::try_from(n).unwrap().to_be_bytes();
        vec![0x82, b[0], b[1]]
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for bad in [
            &b""[..],
            b"garbage",
            &[0x30, 0x00],
            &[0x30, 0x03, 0x02, 0x01, 0x00],
            &[0x30, 0x04, 0xa0, 0x02, 0x05, 0x00],
            &[0x30, 0x04, 0xa2, 0x02, 0x30, 0x00],
            &[0x30, 0x80, 0xa0],
        ] {
            assert!(CertificatePair::parse(bad).is_err(), "{bad:?}");
        }
    }
}
