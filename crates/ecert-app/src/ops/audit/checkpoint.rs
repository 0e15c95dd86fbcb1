//! The checkpoint: the last sequence number and tag the log reached, kept apart from the
//! log (the config folder, not the data folder) and copied to syslog when the syslog copy is
//! on. A log cut short or deleted still verifies as a chain from its first record; only a
//! record of its length kept elsewhere shows that records are missing at the end.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The checkpoint's file name (in the config folder).
pub const CHECKPOINT_FILE: &str = "audit-checkpoint.json";

/// Where the log had got to after the last append.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The log this checkpoint is for.
    pub log: PathBuf,
    /// The last record's sequence number.
    pub seq: u64,
    /// The last record's tag.
    pub mac: String,
    /// When it was written (RFC 3339).
    pub time: String,
}

impl Checkpoint {
    /// Reads the checkpoint at `path`; `Ok(None)` when there is none.
    pub fn load(path: &Path) -> std::io::Result<Option<Self>> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Writes it atomically, private (0600, folder 0700).
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            super::file::private_dir(dir)?;
        }
        let text = serde_json::to_vec(self).map_err(std::io::Error::other)?;
        super::file::replace_private(path, &text)
    }

    /// The line sent to syslog.
    pub fn syslog_line(&self) -> String {
        format!("<37>1 {} - ecert-manager - audit-checkpoint - seq={} mac={}", self.time, self.seq, self.mac)
    }
}
