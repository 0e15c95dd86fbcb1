//! `ecert-manager`: the e-Cert Manager desktop app (iced, software rendering).

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod gui;

use std::path::PathBuf;
use std::process::ExitCode;

/// `ecert-manager [FILE…]`: opens the app, and each FILE in it (how "Open with e-Cert
/// Manager" in Windows Explorer and file managers start it, `Exec=ecert-manager %F`): e-Cert
/// files (.p12/.pfx) after their password, certificates (.cer/.crt/.der/.pem) on the
/// certificate page.
/// `--version` and `--help` answer on the terminal and exit.
fn main() -> ExitCode {
    let mut files: Vec<PathBuf> = Vec::new();
    for arg in std::env::args_os().skip(1) {
        match arg.to_str() {
            Some("--version" | "-V") => {
                println!("ecert-manager {}", env!("CARGO_PKG_VERSION"));
                return ExitCode::SUCCESS;
            }
            Some("--help" | "-h") => {
                println!("Usage: ecert-manager [FILE...]\n\nOpens e-Cert Manager and each FILE in it: e-Cert files (.p12/.pfx) after their password,\ncertificates (.cer/.crt/.der/.pem) on the certificate page.\nThe command line tool is `ecert`.");
                return ExitCode::SUCCESS;
            }
            _ => files.push(PathBuf::from(arg)),
        }
    }
    match gui::run(files) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ecert-manager: {e}");
            ExitCode::FAILURE
        }
    }
}
