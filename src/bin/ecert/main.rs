//! `ecert`: the scriptable command line of e-Cert Manager. Presentation only: every device
//! call goes through the core's service worker. `--json` output is stable for scripts.

mod card;
mod output;
mod secrets;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use ecert::service::{Config, Service};
use ecert::token::TokenRef;

#[derive(Parser)]
#[command(
    name = "ecert",
    version,
    about = "View and check the e-Certs on smart cards, PKCS#11 tokens and .p12 files"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List smart-card readers, card presence and ATRs (no APDU is sent).
    Readers {
        #[arg(long)]
        json: bool,
    },
    /// List cards and tokens: PIV cards in readers and PKCS#11 tokens.
    Tokens {
        #[arg(long)]
        json: bool,
        /// Skip PKCS#11 modules (faster; PIV cards only).
        #[arg(long)]
        no_pkcs11: bool,
    },
    /// List the certificates on a card or token.
    Certs {
        /// Reader name, PKCS#11 token label or serial, or a full reference from `ecert tokens`.
        /// Default: the only card or token present.
        #[arg(long)]
        token: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// List the bundled trust anchors with their fingerprints.
    Anchors {
        #[arg(long)]
        json: bool,
    },
    /// Show one certificate's details.
    Show {
        #[arg(long, default_value = "9a")]
        slot: String,
        #[command(flatten)]
        target: card::Target,
    },
    /// Export a certificate (PEM by default).
    Export {
        #[arg(long, default_value = "9a")]
        slot: String,
        #[arg(long, conflicts_with = "der")]
        pem: bool,
        #[arg(long)]
        der: bool,
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        target: card::Target,
    },
    /// PIN and PUK: status, change, unblock.
    Pin {
        #[command(subcommand)]
        command: card::PinCommand,
        #[command(flatten)]
        target: card::Target,
    },
    /// Generate a key pair on the card; prints the public key (PEM).
    Keygen {
        #[arg(long)]
        slot: String,
        #[arg(long, value_enum, default_value = "p256")]
        alg: card::Alg,
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        target: card::Target,
    },
    /// Make a PKCS#10 request signed by the card key in SLOT.
    Csr {
        #[arg(long)]
        slot: String,
        /// Subject DN, RFC 4514 (e.g. "CN=Chan Tai Man,O=Example,C=HK").
        #[arg(long)]
        subject: String,
        /// E-mail address for the subjectAltName extension (repeatable).
        #[arg(long)]
        email: Vec<String>,
        /// The slot's public key (PEM or DER SubjectPublicKeyInfo, as `ecert keygen` wrote it).
        #[arg(long)]
        public_key: PathBuf,
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        target: card::Target,
    },
    /// Sign FILE with the card key in SLOT (a test signature, verifiable with openssl dgst).
    Sign {
        #[arg(long)]
        slot: String,
        /// The slot's public key (to know the key type), as `ecert keygen` wrote it.
        #[arg(long)]
        public_key: PathBuf,
        file: PathBuf,
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        target: card::Target,
    },
    /// Write a certificate (PEM or DER file) into SLOT.
    ImportCert {
        #[arg(long)]
        slot: String,
        file: PathBuf,
        #[command(flatten)]
        target: card::Target,
    },
    /// Delete the certificate in SLOT (write a --backup first).
    Delete {
        #[arg(long)]
        slot: String,
        #[arg(long)]
        backup: Option<PathBuf>,
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        target: card::Target,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("ecert: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> Result<ExitCode, String> {
    match command {
        Command::Readers { json } => {
            let snap = snapshot(false)?;
            output::readers(&snap, json)
        }
        Command::Tokens { json, no_pkcs11 } => {
            let snap = snapshot(!no_pkcs11)?;
            output::tokens(&snap, json)
        }
        Command::Certs { token, json } => {
            let snap = snapshot(true)?;
            let reference = choose_token(
                &snap.tokens.iter().map(|t| t.reference.clone()).collect::<Vec<_>>(),
                token.as_deref(),
            )?;
            let certs = card::certificates(&reference)?;
            output::certs(&reference, &certs, json)
        }
        Command::Anchors { json } => output::anchors(json),
        Command::Show { slot, target } => {
            let token = card::resolve(&target)?;
            let certs = card::certificates(&token)?;
            output::show(&certs, &slot, target.json)
        }
        Command::Export { slot, pem: _, der, out, target } => {
            card::export(&target, &slot, der, out.as_deref())
        }
        Command::Pin { command, target } => card::pin(&command, &target),
        Command::Keygen { slot, alg, out, target } => card::keygen(&target, &slot, alg, out.as_deref()),
        Command::Csr { slot, subject, email, public_key, out, target } => {
            card::csr(&target, &slot, &subject, &email, &public_key, out.as_deref())
        }
        Command::Sign { slot, public_key, file, out, target } => card::sign(&target, &slot, &public_key, &file, &out),
        Command::ImportCert { slot, file, target } => card::import_cert(&target, &slot, &file),
        Command::Delete { slot, backup, yes, target } => card::delete(&target, &slot, backup.as_deref(), yes),
    }
}

fn snapshot(pkcs11: bool) -> Result<ecert::service::Snapshot, String> {
    Service::snapshot_blocking(Config { pkcs11, ..Config::default() }).map_err(|e| e.to_string())
}

/// Picks the token the user named, or the only one present.
pub(crate) fn choose_token(tokens: &[TokenRef], wanted: Option<&str>) -> Result<TokenRef, String> {
    match wanted {
        Some(text) => {
            let hits: Vec<&TokenRef> = tokens.iter().filter(|t| t.matches(text)).collect();
            match hits.as_slice() {
                [one] => Ok((*one).clone()),
                [] => Err(format!("no card or token matches {text:?}; see `ecert tokens`")),
                _ => Err(format!(
                    "{text:?} matches {} tokens; give the full reference from `ecert tokens`",
                    hits.len()
                )),
            }
        }
        None => match tokens {
            [one] => Ok(one.clone()),
            [] => Err("no card or token found; insert one, or see `ecert readers`".into()),
            _ => Err(format!(
                "{} cards or tokens present; choose one with --token (see `ecert tokens`)",
                tokens.len()
            )),
        },
    }
}
