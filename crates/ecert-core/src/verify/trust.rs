//! The trust store: bundled anchors (`assets/anchors/`, provenance in its README: Hongkong
//! Post Root CA 1/2/3 and eSignTrust G02/G03, each with its SHA-256 fingerprint), the user's
//! own anchors (DER files in `<config dir>/anchors/`, added only with their fingerprint shown)
//! and, when the user opts in, the operating system's bundle (Debian:
//! `/etc/ssl/certs/ca-certificates.crt`; `ECERT_SYSTEM_ANCHORS` names another file).

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::cert::{CertError, CertSummary};
use crate::verify::model::{read_certs, Cert};

/// Where an anchor came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Provenance {
    /// Shipped with the app (from Debian's ca-certificates or the CA's published copy).
    Bundled,
    /// Added by the user.
    User,
    /// The operating system's certificate bundle.
    System,
}

#[derive(Clone, Debug, Serialize)]
pub struct Anchor {
    /// File name (bundled, user) or the bundle's path (system).
    pub file: String,
    pub provenance: Provenance,
    pub summary: CertSummary,
    #[serde(skip)]
    pub der: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TrustError {
    #[error("no configuration folder for this user")]
    NoConfigDir,
    #[error("{file}: not a certificate ({detail})")]
    Malformed { file: String, detail: String },
    #[error("{subject} is not a CA certificate; only CA certificates can be trust anchors")]
    NotCa { subject: String },
    #[error("{subject} is already a trust anchor")]
    AlreadyPresent { subject: String },
    #[error("no user-added trust anchor has a fingerprint starting {prefix}")]
    NotFound { prefix: String },
    #[error("{count} user-added trust anchors match {prefix}; give more of the fingerprint")]
    Ambiguous { prefix: String, count: usize },
    #[error("{path}: {detail}")]
    Io { path: String, detail: String },
}

const BUNDLED: &[(&str, &[u8])] = &[
    ("Hongkong_Post_Root_CA_1.der", include_bytes!("../../../../assets/anchors/Hongkong_Post_Root_CA_1.der")),
    ("Hongkong_Post_Root_CA_2.der", include_bytes!("../../../../assets/anchors/Hongkong_Post_Root_CA_2.der")),
    ("Hongkong_Post_Root_CA_3.der", include_bytes!("../../../../assets/anchors/Hongkong_Post_Root_CA_3.der")),
    ("eSignTrust_Root_CA_G02.der", include_bytes!("../../../../assets/anchors/eSignTrust_Root_CA_G02.der")),
    ("eSignTrust_Root_CA_G03.der", include_bytes!("../../../../assets/anchors/eSignTrust_Root_CA_G03.der")),
];

/// The system bundle read when the user opts in.
pub const SYSTEM_BUNDLE: &str = "/etc/ssl/certs/ca-certificates.crt";

/// The bundled anchors, parsed.
pub fn bundled() -> Result<Vec<Anchor>, CertError> {
    BUNDLED
        .iter()
        .map(|(file, der)| {
            Ok(Anchor {
                file: (*file).to_owned(),
                provenance: Provenance::Bundled,
                summary: CertSummary::from_der(der)?,
                der: der.to_vec(),
            })
        })
        .collect()
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> TrustError + '_ {
    move |e| TrustError::Io { path: path.display().to_string(), detail: e.to_string() }
}

/// Every certificate in one file, as anchors; a file that does not parse is one error.
fn from_file(path: &Path, provenance: Provenance) -> Result<Vec<Anchor>, TrustError> {
    let file = path.display().to_string();
    let bad = |detail: String| TrustError::Malformed { file: file.clone(), detail };
    let bytes = std::fs::read(path).map_err(io(path))?;
    read_certs(&bytes)
        .map_err(|e| bad(e.to_string()))?
        .into_iter()
        .map(|der| {
            let summary = CertSummary::from_der(&der).map_err(|e| bad(e.to_string()))?;
            let name = match provenance {
                Provenance::System => file.clone(),
                _ => path.file_name().map_or_else(|| file.clone(), |n| n.to_string_lossy().into_owned()),
            };
            Ok(Anchor { file: name, provenance, summary, der })
        })
        .collect()
}

/// The user's anchors in `dir` (the app names the folder: `<config dir>/anchors`; `None`
/// when there is no config folder), and the files that could not be read (reported, not
/// fatal).
pub fn user(dir: Option<&Path>) -> (Vec<Anchor>, Vec<TrustError>) {
    let Some(dir) = dir else { return (Vec::new(), Vec::new()) };
    let Ok(entries) = std::fs::read_dir(dir) else { return (Vec::new(), Vec::new()) };
    let mut paths: Vec<PathBuf> =
        entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_file()).collect();
    paths.sort();
    let (mut anchors, mut problems) = (Vec::new(), Vec::new());
    for p in paths {
        match from_file(&p, Provenance::User) {
            Ok(a) => anchors.extend(a),
            Err(e) => problems.push(e),
        }
    }
    (anchors, problems)
}

/// The operating system's anchors (a PEM bundle).
pub fn system() -> Result<Vec<Anchor>, TrustError> {
    let path =
        std::env::var_os("ECERT_SYSTEM_ANCHORS").map_or_else(|| PathBuf::from(SYSTEM_BUNDLE), PathBuf::from);
    from_file(&path, Provenance::System)
}

/// Bundled + user (from `user_dir`, see [`user`]) (+ system) anchors, with the problems met
/// while reading them.
pub fn all(user_dir: Option<&Path>, include_system: bool) -> (Vec<Anchor>, Vec<TrustError>) {
    let (mut anchors, mut problems) = user(user_dir);
    match bundled() {
        Ok(b) => anchors.splice(0..0, b).for_each(drop),
        Err(e) => problems.push(TrustError::Malformed { file: "bundled".into(), detail: e.to_string() }),
    }
    if include_system {
        match system() {
            Ok(s) => anchors.extend(s),
            Err(e) => problems.push(e),
        }
    }
    (anchors, problems)
}

fn compact(fingerprint: &str) -> String {
    fingerprint.chars().filter(char::is_ascii_hexdigit).collect::<String>().to_ascii_uppercase()
}

/// Adds a CA certificate to the user's anchors in `user_dir` (the caller has shown its
/// fingerprint and had it confirmed). Writes `<SHA-256>.der` atomically; nothing is written
/// on error.
pub fn add_user(user_dir: Option<&Path>, der: &[u8]) -> Result<Anchor, TrustError> {
    let parsed = Cert::parse(der)
        .map_err(|e| TrustError::Malformed { file: "input".into(), detail: e.to_string() })?;
    let summary = CertSummary::from_der(der)
        .map_err(|e| TrustError::Malformed { file: "input".into(), detail: e.to_string() })?;
    // RFC 5280 §6.1.1 (d): an anchor vouches for other certificates; an end-entity cannot.
    let legacy_root = parsed.version() == 0 && parsed.is_self_issued();
    if !(parsed.is_ca() || legacy_root) {
        return Err(TrustError::NotCa { subject: summary.subject });
    }
    let (present, _) = all(user_dir, false);
    if present.iter().any(|a| a.summary.sha256 == summary.sha256) {
        return Err(TrustError::AlreadyPresent { subject: summary.subject });
    }
    let dir = user_dir.ok_or(TrustError::NoConfigDir)?;
    let file = format!("{}.der", compact(&summary.sha256));
    let path = dir.join(&file);
    // What the user trusts is theirs alone: 0700 folder, 0600 file, written atomically.
    let careful = |e: crate::careful_file::FileError| TrustError::Io {
        path: path.display().to_string(),
        detail: e.to_string(),
    };
    crate::careful_file::create_private_dir_all(dir).map_err(careful)?;
    crate::careful_file::write_atomic(&path, der, crate::careful_file::Mode::PRIVATE).map_err(careful)?;
    Ok(Anchor { file, provenance: Provenance::User, summary, der: der.to_vec() })
}

/// Removes the user-added anchor whose SHA-256 fingerprint starts with `prefix` (hex, colons
/// optional, at least 8 digits). Bundled and system anchors cannot be removed here.
pub fn remove_user(user_dir: Option<&Path>, prefix: &str) -> Result<Anchor, TrustError> {
    let want = compact(prefix);
    let not_found = || TrustError::NotFound { prefix: prefix.to_owned() };
    if want.len() < 8 {
        return Err(not_found());
    }
    let (anchors, _) = user(user_dir);
    let hits: Vec<Anchor> =
        anchors.into_iter().filter(|a| compact(&a.summary.sha256).starts_with(&want)).collect();
    match hits.as_slice() {
        [] => Err(not_found()),
        [one] => {
            let path = user_dir.ok_or(TrustError::NoConfigDir)?.join(&one.file);
            std::fs::remove_file(&path).map_err(io(&path))?;
            Ok(one.clone())
        }
        many => Err(TrustError::Ambiguous { prefix: prefix.to_owned(), count: many.len() }),
    }
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
