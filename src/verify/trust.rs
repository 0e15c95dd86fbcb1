//! Bundled trust anchors (`assets/anchors/`, provenance in its README): Hongkong Post Root
//! CA 1/2/3 and eSignTrust G02/G03, each with its SHA-256 fingerprint.

use serde::Serialize;

use crate::cert::{CertError, CertSummary};

/// Where an anchor came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Provenance {
    /// Shipped with the app (from Debian's ca-certificates or the CA's published copy).
    Bundled,
    /// Added by the user.
    User,
}

#[derive(Clone, Debug, Serialize)]
pub struct Anchor {
    pub file: &'static str,
    pub provenance: Provenance,
    pub summary: CertSummary,
    #[serde(skip)]
    pub der: &'static [u8],
}

const BUNDLED: &[(&str, &[u8])] = &[
    ("Hongkong_Post_Root_CA_1.der", include_bytes!("../../assets/anchors/Hongkong_Post_Root_CA_1.der")),
    ("Hongkong_Post_Root_CA_2.der", include_bytes!("../../assets/anchors/Hongkong_Post_Root_CA_2.der")),
    ("Hongkong_Post_Root_CA_3.der", include_bytes!("../../assets/anchors/Hongkong_Post_Root_CA_3.der")),
    ("eSignTrust_Root_CA_G02.der", include_bytes!("../../assets/anchors/eSignTrust_Root_CA_G02.der")),
    ("eSignTrust_Root_CA_G03.der", include_bytes!("../../assets/anchors/eSignTrust_Root_CA_G03.der")),
];

/// The bundled anchors, parsed.
pub fn bundled() -> Result<Vec<Anchor>, CertError> {
    BUNDLED
        .iter()
        .map(|(file, der)| {
            Ok(Anchor { file, provenance: Provenance::Bundled, summary: CertSummary::from_der(der)?, der })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_anchors_parse_with_published_fingerprints() {
        let anchors = bundled().unwrap();
        let fp = |name: &str| anchors.iter().find(|a| a.file == name).unwrap().summary.sha256.clone();
        assert!(fp("Hongkong_Post_Root_CA_1.der").starts_with("F9:E6:7D:33"));
        assert!(fp("Hongkong_Post_Root_CA_2.der").starts_with("39:45:E0:8A:8D:4A:05:54"));
        assert!(fp("Hongkong_Post_Root_CA_3.der").starts_with("5A:2F:C0:3F"));
        assert!(fp("eSignTrust_Root_CA_G02.der").starts_with("6E:A1:DB:67"));
        assert!(fp("eSignTrust_Root_CA_G03.der").starts_with("0E:30:D0:4A:94:DC:C4:23"));
        assert!(anchors.iter().all(|a| a.summary.subject == a.summary.issuer));
    }
}
