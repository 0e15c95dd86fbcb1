//! The one place that names the user's folders (XDG Base Directory on Linux, Known Folders on
//! Windows, `~/Library` on macOS, through the `directories` crate). Each can be overridden by
//! an environment variable (tests, kiosks, portable installs). The floors below take folders
//! as arguments and never look them up themselves — except the revocation cache, which
//! `ecert-core` still finds on its own (`verify::fetch::Cache::user`, same names).

use std::path::PathBuf;

/// The project's folder names: `~/.config/ecert-manager`, `~/.local/share/ecert-manager`.
fn project() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("hk", "ecert", "ecert-manager")
}

fn overridden(var: &str) -> Option<PathBuf> {
    std::env::var_os(var).filter(|d| !d.is_empty()).map(PathBuf::from)
}

/// Settings, the user's trust anchors, the audit checkpoint (`ECERT_CONFIG_DIR` overrides).
pub fn config_dir() -> Option<PathBuf> {
    overridden("ECERT_CONFIG_DIR").or_else(|| project().map(|d| d.config_dir().to_owned()))
}

/// The journal, the audit log, the installation salt (`ECERT_DATA_DIR` overrides).
pub fn data_dir() -> Option<PathBuf> {
    overridden("ECERT_DATA_DIR").or_else(|| project().map(|d| d.data_dir().to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_named_once_and_overrides_win() {
        // Without overrides: the platform's folders, named after the project.
        let (config, data) =
            (project().map(|d| d.config_dir().to_owned()), project().map(|d| d.data_dir().to_owned()));
        if std::env::var_os("ECERT_CONFIG_DIR").is_none() {
            assert_eq!(config_dir(), config);
        }
        if std::env::var_os("ECERT_DATA_DIR").is_none() {
            assert_eq!(data_dir(), data);
        }
        assert!(config.is_none_or(|c| c.to_string_lossy().contains("ecert-manager")));
        assert_eq!(overridden("ECERT_TEST_NEVER_SET_FOLDER"), None);
    }
}
