//! User settings: one JSON file in the per-user config dir (`directories`; Linux:
//! `~/.config/ecert-manager/settings.json`, `ECERT_CONFIG_DIR` overrides). Hostile like any
//! input: a malformed file is reported and defaults are used; saving is atomic.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[allow(clippy::struct_excessive_bools)] // independent user switches, saved as JSON
pub struct Settings {
    /// BCP 47 tag of the chosen language; `None` follows the OS.
    pub language: Option<String>,
    /// "medium", "large" or "largest".
    pub text_size: Option<String>,
    pub high_contrast: bool,
    /// Extra PKCS#11 modules (vendor middleware in non-standard places), tried first.
    pub pkcs11_modules: Vec<PathBuf>,
    /// Check CRL/OCSP online (off: offline by default, private by default).
    pub revocation_checking: bool,
    /// Also trust the operating system's certificate bundle (off: only bundled and
    /// user-added anchors).
    pub system_anchors: bool,
    /// Copy counter audit records and the log's checkpoint to syslog/journald (`/dev/log`).
    /// Unix only: Windows has no syslog socket, so nothing is copied there and the audit log
    /// records `syslog-unavailable` at each sign-in while this is on.
    pub audit_to_syslog: bool,
    /// Certificate directories (CA repositories, LDAP or plain HTTP) the user added; none
    /// is preset. Used only when the user searches one (`ecert directory search`).
    pub directories: Vec<crate::directory::Directory>,
    /// Offline mode: no network use at all, whatever else is on. A separate switch from
    /// `revocation_checking` (which is off by default and governs only automatic CRL/OCSP
    /// fetches during verification); directory searches are user-initiated and refused
    /// only while this is on.
    pub offline: bool,
    /// Show the post-office counter page in the app (off: citizens never see it).
    pub counter_mode: bool,
    /// The CA certificates (files, PEM or DER: issuing CAs or roots) the counter accepts
    /// issued e-Certs from. Empty: the bundled e-Cert roots (Hongkong Post, eSignTrust).
    /// Anchors the user added to the trust store are not counter CAs.
    pub counter_cas: Vec<PathBuf>,
    /// Hosts a verification may contact even though they are loopback or private addresses
    /// (a responder or CRL server on the local network). Certificates naming any other such
    /// host are not followed. `ECERT_ALLOW_HOSTS` (comma-separated) adds to this list.
    pub allowed_hosts: Vec<String>,
    /// Oldest acceptable OCSP answer or CRL without nextUpdate, in days (`None`: 7).
    pub revocation_max_age_days: Option<u32>,
}

impl Settings {
    /// The network policy verification uses: [`Settings::allowed_hosts`] plus the
    /// environment's.
    pub fn network_policy(&self) -> crate::verify::network::Policy {
        crate::verify::network::Policy::with_env(&self.allowed_hosts)
    }

    /// How the app checks revocation: online only when the user turned revocation checking
    /// on and offline mode is off — `offline` wins.
    pub fn revocation_mode(&self) -> crate::verify::Revocation {
        if self.revocation_checking && !self.offline {
            crate::verify::Revocation::Online
        } else {
            crate::verify::Revocation::Off
        }
    }

    /// [`Settings::revocation_max_age_days`] in seconds, if set.
    pub fn max_age_secs(&self) -> Option<u64> {
        self.revocation_max_age_days.map(|d| u64::from(d) * 86_400)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SettingsError {
    #[error("no configuration folder for this user")]
    NoConfigDir,
    #[error("settings file {path:?} is not valid ({detail}); defaults are used")]
    Malformed { path: PathBuf, detail: String },
    #[error("cannot write {path:?}: {detail}")]
    Io { path: PathBuf, detail: String },
}

/// The config folder ([`crate::folders::config_dir`]).
pub fn config_dir() -> Option<PathBuf> {
    crate::folders::config_dir()
}

pub fn path() -> Option<PathBuf> {
    config_dir().map(|d| d.join("settings.json"))
}

/// Reads the settings; a missing file is the defaults.
pub fn load() -> Result<Settings, SettingsError> {
    load_at(&path().ok_or(SettingsError::NoConfigDir)?)
}

/// Reads the settings file at `path` (missing: defaults).
pub fn load_at(path: &std::path::Path) -> Result<Settings, SettingsError> {
    let path = path.to_path_buf();
    match std::fs::read(&path) {
        Ok(bytes) if bytes.len() > 64 * 1024 => {
            Err(SettingsError::Malformed { path, detail: "larger than 64 KiB".into() })
        }
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| SettingsError::Malformed { path, detail: e.to_string() }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
        Err(e) => Err(SettingsError::Malformed { path, detail: e.to_string() }),
    }
}

/// Writes the settings atomically and privately (see [`save_at`]).
pub fn save(settings: &Settings) -> Result<(), SettingsError> {
    save_at(&path().ok_or(SettingsError::NoConfigDir)?, settings)
}

/// Writes the settings to `path`: a private folder (0700) and file (0600), replaced
/// atomically (temp + fsync + rename + fsync of the folder), so a crash leaves the old
/// settings or the new ones, never a torn file read back as "malformed, defaults used".
pub fn save_at(path: &std::path::Path, settings: &Settings) -> Result<(), SettingsError> {
    let path = path.to_path_buf();
    let io =
        |e: crate::careful_file::FileError| SettingsError::Io { path: path.clone(), detail: e.to_string() };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::careful_file::create_private_dir_all(dir).map_err(io)?;
    }
    let text = serde_json::to_vec_pretty(settings)
        .map_err(|e| SettingsError::Io { path: path.clone(), detail: e.to_string() })?;
    crate::careful_file::write_atomic(&path, &text, crate::careful_file::Mode::PRIVATE).map_err(io)
}
