//! Reading PINs, PUKs and management keys for the CLI: from the terminal with echo off, or
//! line by line from stdin with `--pin-stdin` (for scripts; file passwords come first). Never from an argument, where
//! `ps` and shell history would see them.

use std::io::BufRead;

use ecert::secret::{ManagementKey, Password, Pin};

pub struct SecretSource {
    stdin: bool,
    lines: Vec<zeroize::Zeroizing<String>>,
}

impl SecretSource {
    pub fn new(stdin: bool) -> Self {
        Self { stdin, lines: Vec::new() }
    }

    fn next_line(&mut self, prompt: &str) -> Result<zeroize::Zeroizing<String>, String> {
        if self.stdin {
            if self.lines.is_empty() {
                let mut all: Vec<zeroize::Zeroizing<String>> = std::io::stdin()
                    .lock()
                    .lines()
                    .map(|l| l.map(zeroize::Zeroizing::new))
                    .collect::<Result<_, _>>()
                    .map_err(|e| format!("cannot read stdin: {e}"))?;
                all.reverse();
                self.lines = all;
            }
            return self.lines.pop().ok_or_else(|| format!("stdin ended before the {prompt}"));
        }
        rpassword::prompt_password(format!("{prompt}: "))
            .map(zeroize::Zeroizing::new)
            .map_err(|e| format!("cannot read the {prompt} from the terminal ({e}); use --pin-stdin"))
    }

    pub fn pin(&mut self, prompt: &str) -> Result<Pin, String> {
        let line = self.next_line(prompt)?;
        Ok(Pin::new(line.trim_end_matches(['\r', '\n']).to_owned()))
    }

    /// A new PIN, asked twice on a terminal so a typo does not lock the user out.
    pub fn new_pin(&mut self, prompt: &str) -> Result<Pin, String> {
        let first = self.pin(prompt)?;
        if !self.stdin {
            let again = self.pin(&format!("{prompt} (again)"))?;
            if again.expose() != first.expose() {
                return Err("the two entries differ; nothing was changed".into());
            }
        }
        Ok(first)
    }

    pub fn password(&mut self, prompt: &str) -> Result<Password, String> {
        let line = self.next_line(prompt)?;
        Ok(Password::new(line.trim_end_matches(['\r', '\n']).to_owned()))
    }

    pub fn new_password(&mut self, prompt: &str) -> Result<Password, String> {
        let first = self.password(prompt)?;
        if !self.stdin {
            let again = self.password(&format!("{prompt} (again)"))?;
            if again.expose() != first.expose() {
                return Err("the two entries differ; nothing was changed".into());
            }
        }
        Ok(first)
    }

    pub fn management_key(&mut self) -> Result<ManagementKey, String> {
        let line = self.next_line("management key (hex)")?;
        ManagementKey::from_hex(&line)
            .ok_or_else(|| "the management key must be 16, 24 or 32 bytes of hex".into())
    }
}
