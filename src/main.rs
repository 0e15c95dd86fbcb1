//! `ecert-manager`: the e-Cert Manager desktop app (iced, software rendering).

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod gui;

use std::path::PathBuf;
use std::process::ExitCode;

/// `ecert-manager [FILE]`: opens the app, and the e-Cert file FILE in it when given (how
/// "Open with e-Cert Manager" in Windows Explorer and file managers start it).
/// `--version` and `--help` answer on the terminal and exit.
fn main() -> ExitCode {
    let mut file: Option<PathBuf> = None;
    for arg in std::env::args_os().skip(1) {
        match arg.to_str() {
            Some("--version" | "-V") => {
                println!("ecert-manager {}", env!("CARGO_PKG_VERSION"));
                return ExitCode::SUCCESS;
            }
            Some("--help" | "-h") => {
                println!("Usage: ecert-manager [FILE]\n\nOpens e-Cert Manager; FILE (an e-Cert file, .p12/.pfx) is opened in it.\nThe command line tool is `ecert`.");
                return ExitCode::SUCCESS;
            }
            _ if file.is_none() => file = Some(PathBuf::from(arg)),
            _ => {
                eprintln!("ecert-manager: one file at a time (see --help)");
                return ExitCode::from(2);
            }
        }
    }
    match gui::run(file) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ecert-manager: {e}");
            ExitCode::FAILURE
        }
    }
}
