//! `ecert`: the scriptable command line of e-Cert Manager. Presentation only: every device
//! call goes through the core's service worker. `--json` output is stable for scripts.

mod card;
mod counter;
mod directory;
mod output;
mod secrets;
mod verify;

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
    /// Log to stderr: -v what happens, -vv details, -vvv every card command (secrets are
    /// never logged: PIN, PUK and key data show as "redacted"). RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

/// `ecert man DIR`: one page for `ecert` and one per visible command (clap_mangen).
fn man_pages(dir: &std::path::Path) -> Result<ExitCode, String> {
    use clap::CommandFactory;
    let fail = |e: std::io::Error| format!("{}: {e}", dir.display());
    std::fs::create_dir_all(dir).map_err(fail)?;
    let cmd = Cli::command().name("ecert");
    clap_mangen::generate_to(cmd, dir).map_err(fail)?;
    Ok(ExitCode::SUCCESS)
}

/// `ecert certs | head -1`: when the reader of our output goes away, stop quietly like other
/// command-line tools do, instead of a panic message and exit status 101. (Rust ignores
/// SIGPIPE, so `println!` panics on EPIPE; resetting the signal would need `unsafe`.)
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.contains("failed printing to stdout") && message.contains("Broken pipe") {
            // 128 + SIGPIPE, what a shell reports for a tool stopped by a closed pipe.
            std::process::exit(141);
        }
        default(info);
    }));
}

/// `--verbose` and `RUST_LOG` (env_logger's syntax, e.g. `RUST_LOG=ecert::apdu=trace`): the
/// `log` records of our crates and of cryptoki, ldap3 and ureq, to stderr. Quiet otherwise.
fn start_logging(verbose: u8) {
    let level = match verbose {
        0 => log::LevelFilter::Off,
        1 => log::LevelFilter::Info,
        2 => log::LevelFilter::Debug,
        _ => log::LevelFilter::Trace,
    };
    let mut builder = env_logger::Builder::new();
    builder.filter_level(level).target(env_logger::Target::Stderr);
    if let Ok(spec) = std::env::var("RUST_LOG") {
        builder.parse_filters(&spec);
    }
    // A second logger (tests calling main twice) is not an error worth stopping for.
    let _ = builder.try_init();
}

#[derive(Subcommand)]
enum Command {
    /// Check a certificate: chain to a trusted root (RFC 5280 §6), revocation with the
    /// given CRLs. Exit status 0 valid, 1 invalid, 2 could not decide.
    Verify {
        /// The certificate (PEM or DER; further certificates in the file are intermediates).
        cert: PathBuf,
        /// Trust anchor file(s); the bundled Hongkong Post / eSignTrust roots by default.
        #[arg(long = "anchor")]
        anchors: Vec<PathBuf>,
        /// Untrusted intermediate certificate file(s).
        #[arg(long)]
        untrusted: Vec<PathBuf>,
        /// CRL file(s) (PEM or DER); given ⇒ every certificate in the path is checked.
        #[arg(long = "crl")]
        crls: Vec<PathBuf>,
        /// Validation time, RFC 3339 (default: now).
        #[arg(long)]
        at: Option<String>,
        /// Required purpose: server, client, email, codeSigning, …
        #[arg(long)]
        purpose: Option<String>,
        /// Expected peer name: a DNS name, IP address or e-mail address.
        #[arg(long)]
        peer: Option<String>,
        /// Also enforce RFC 5280 §4's rules for CAs and the CA/B baseline key rules.
        #[arg(long)]
        strict: bool,
        /// Check revocation over the network too: OCSP (authorityInfoAccess) and CRL download
        /// (cRLDistributionPoints, http only), cached until nextUpdate. Off by default.
        /// Refused while the `offline` setting is on. Hosts that resolve to loopback or
        /// private addresses are contacted only if listed in the `allowed_hosts` setting or
        /// in ECERT_ALLOW_HOSTS.
        #[arg(long)]
        online: bool,
        /// Oldest acceptable OCSP answer or CRL without nextUpdate, in days (default: the
        /// `revocation_max_age_days` setting, else 7).
        #[arg(long, value_name = "DAYS")]
        max_age: Option<u32>,
        /// Print the result as JSON on stdout (errors stay on stderr as text).
        #[arg(long)]
        json: bool,
    },
    /// Print a completion script for your shell: `ecert completions bash > /etc/bash_completion.d/ecert`.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Write the manual pages (ecert.1 and ecert-COMMAND.1 for each command) into DIR.
    Man {
        /// The folder to write the pages into (created if missing).
        dir: PathBuf,
    },
    /// x509-limbo harness: reads a limbo test-case file on stdin, writes results on stdout.
    /// A test tool (tests/limbo.rs), not listed in `ecert --help`.
    #[command(hide = true)]
    LimboHarness,
    /// The post-office counter: operator sign-in, enroll / collect / remove jobs with a
    /// journal, audit records and receipts.
    Counter {
        #[command(subcommand)]
        command: counter::CounterCommand,
        #[command(flatten)]
        target: card::Target,
    },
    /// Certificate directories (CA repositories over LDAP or HTTP): search, add, remove, list.
    Directory {
        #[command(subcommand)]
        command: directory::DirectoryCommand,
    },
    /// The counter's audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// List smart-card readers, card presence and ATRs (no APDU is sent).
    Readers {
        /// Print the result as JSON on stdout (errors stay on stderr as text).
        #[arg(long)]
        json: bool,
    },
    /// List cards and tokens: PIV cards in readers and PKCS#11 tokens.
    Tokens {
        /// Print the result as JSON on stdout (errors stay on stderr as text).
        #[arg(long)]
        json: bool,
        /// Skip PKCS#11 modules (faster; PIV cards only).
        #[arg(long)]
        no_pkcs11: bool,
    },
    /// List the certificates on a card, token or e-Cert file (`--token FILE.p12`).
    Certs {
        #[command(flatten)]
        target: card::Target,
    },
    /// List PKCS#11 modules: where each was found, whether it loads.
    Modules {
        /// Print the result as JSON on stdout (errors stay on stderr as text).
        #[arg(long)]
        json: bool,
    },
    /// List the trust anchors (bundled, user-added, optionally the system's) with their
    /// fingerprints; add or remove your own.
    Anchors {
        #[command(subcommand)]
        action: Option<AnchorsCommand>,
        /// Include the operating system's certificate bundle.
        #[arg(long)]
        system: bool,
        /// Print the result as JSON on stdout (errors stay on stderr as text).
        #[arg(long)]
        json: bool,
    },
    /// Show one certificate's details.
    Show {
        /// The key location on the card: 9a (authentication), 9c (signing), 9d (encryption), 9e (card login), 82–95 (retired).
        #[arg(long, default_value = "9a")]
        slot: String,
        #[command(flatten)]
        target: card::Target,
    },
    /// Export a certificate (PEM by default).
    Export {
        /// The key location on the card: 9a (authentication), 9c (signing), 9d (encryption), 9e (card login), 82–95 (retired).
        #[arg(long, default_value = "9a")]
        slot: String,
        /// Write PEM (text; the default).
        #[arg(long, conflicts_with = "der")]
        pem: bool,
        /// Write DER (binary).
        #[arg(long)]
        der: bool,
        /// Write to this file instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Overwrite an existing --out file (otherwise refused, and nothing is written).
        #[arg(long)]
        force: bool,
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
        /// The key location on the card: 9a (authentication), 9c (signing), 9d (encryption), 9e (card login), 82–95 (retired).
        #[arg(long)]
        slot: String,
        /// Key type: rsa2048 (Hongkong Post e-Certs), rsa3072, p256 or p384.
        #[arg(long, value_enum, default_value = "p256")]
        alg: card::Alg,
        /// Write to this file instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        target: card::Target,
    },
    /// Make a PKCS#10 request signed by the card key in SLOT.
    Csr {
        /// The key location on the card: 9a (authentication), 9c (signing), 9d (encryption), 9e (card login), 82–95 (retired).
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
        /// Write to this file instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        target: card::Target,
    },
    /// Sign FILE with the card key in SLOT (a test signature, verifiable with openssl dgst).
    Sign {
        /// The key location on the card: 9a (authentication), 9c (signing), 9d (encryption), 9e (card login), 82–95 (retired).
        #[arg(long)]
        slot: String,
        /// The slot's public key (to know the key type), as `ecert keygen` wrote it.
        #[arg(long)]
        public_key: PathBuf,
        /// The file to read.
        file: PathBuf,
        /// Write to this file instead of stdout.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        target: card::Target,
    },
    /// Write a certificate (PEM or DER file) into SLOT.
    ImportCert {
        /// The key location on the card: 9a (authentication), 9c (signing), 9d (encryption), 9e (card login), 82–95 (retired).
        #[arg(long)]
        slot: String,
        /// The file to read.
        file: PathBuf,
        #[command(flatten)]
        target: card::Target,
    },
    /// Install the key and certificate of an e-Cert file (.p12/.pfx) into a card or token.
    Install {
        /// The e-Cert file (.p12 / .pfx) to install.
        #[arg(long)]
        p12: PathBuf,
        /// PIV slot (9a, 9c, …) or PKCS#11 object id (hex).
        #[arg(long)]
        slot: String,
        /// PIV: where the certificate the slot holds now is backed up (needed if it holds one;
        /// never overwrites a file).
        #[arg(long)]
        backup: Option<PathBuf>,
        #[command(flatten)]
        target: card::Target,
    },
    /// e-Cert files: change the password (the old file stays until the new one opens).
    P12 {
        #[command(subcommand)]
        command: P12Command,
    },
    /// Delete the certificate in SLOT (write a --backup first).
    Delete {
        /// The key location on the card: 9a (authentication), 9c (signing), 9d (encryption), 9e (card login), 82–95 (retired).
        #[arg(long)]
        slot: String,
        /// Write a copy of what is removed to this file first (never overwrites an existing file).
        #[arg(long)]
        backup: Option<PathBuf>,
        /// Confirm an operation that removes or replaces something (no question is asked).
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        target: card::Target,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the keyed chain and the checkpoint: exit 0 intact, 1 with the first edited,
    /// removed or moved line, or a log cut short or deleted.
    Verify {
        /// The log file (default: audit.jsonl in the data folder; ECERT_DATA_DIR overrides).
        file: Option<PathBuf>,
        /// The audit key (default: audit.key next to the log).
        #[arg(long)]
        key: Option<PathBuf>,
        /// The checkpoint (default: audit-checkpoint.json in the config folder;
        /// ECERT_CONFIG_DIR overrides). It is used only if it names this log.
        #[arg(long)]
        checkpoint: Option<PathBuf>,
        /// Print the records as JSON when intact.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum AnchorsCommand {
    /// Trust a CA certificate (PEM or DER): shows its fingerprint and asks to confirm.
    Add {
        /// The file to read.
        file: PathBuf,
        /// Confirm without asking (scripts).
        #[arg(long)]
        yes: bool,
    },
    /// Stop trusting a user-added anchor, named by the start of its SHA-256 fingerprint.
    Remove {
        /// The anchor's SHA-256 fingerprint, or at least its first 8 hex digits.
        fingerprint: String,
    },
}

#[derive(Subcommand)]
enum P12Command {
    /// Change the password of FILE.
    Passwd {
        /// The file to read.
        file: PathBuf,
        /// Read the old and new password from stdin, one per line.
        #[arg(long)]
        password_stdin: bool,
    },
}

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let cli = Cli::parse();
    start_logging(cli.verbose);
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
        Command::Certs { target } => {
            let reference = card::resolve(&target)?;
            let certs = card::certificates(&reference, &mut secrets::SecretSource::new(target.pin_stdin))?;
            output::certs(&reference, &certs, target.json)
        }
        Command::Anchors { action: None, system, json } => output::anchors(system, json),
        Command::Anchors { action: Some(AnchorsCommand::Add { file, yes }), .. } => {
            output::anchor_add(&file, yes)
        }
        Command::Anchors { action: Some(AnchorsCommand::Remove { fingerprint }), .. } => {
            output::anchor_remove(&fingerprint)
        }
        Command::Verify {
            cert,
            anchors,
            untrusted,
            crls,
            at,
            purpose,
            peer,
            strict,
            online,
            max_age,
            json,
        } => verify::verify(&verify::VerifyArgs {
            leaf: cert,
            anchors,
            untrusted,
            crls,
            at,
            purpose,
            peer,
            strict,
            online,
            max_age,
            json,
        }),
        Command::LimboHarness => verify::limbo_harness(),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            clap_complete::generate(shell, &mut Cli::command(), "ecert", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Man { dir } => man_pages(&dir),
        Command::Counter { command, target } => counter::run(command, &target),
        Command::Directory { command } => directory::run(command),
        Command::Audit { command: AuditCommand::Verify { file, key, checkpoint, json } } => {
            output::audit_verify(file, key.as_deref(), checkpoint, json)
        }
        Command::Modules { json } => {
            if let Err(e) = ecert::settings::load() {
                eprintln!("ecert: {e}");
            }
            let snap = snapshot(true)?;
            output::modules(&snap.modules, json)
        }
        Command::Show { slot, target } => {
            let token = card::resolve(&target)?;
            let certs =
                card::certificate_in(&token, &slot, &mut secrets::SecretSource::new(target.pin_stdin))?;
            output::show(&certs, &slot, target.json)
        }
        Command::Export { slot, pem: _, der, out, force, target } => {
            card::export(&target, &slot, der, out.as_deref(), force)
        }
        Command::Pin { command, target } => card::pin(&command, &target),
        Command::Keygen { slot, alg, out, target } => card::keygen(&target, &slot, alg, out.as_deref()),
        Command::Csr { slot, subject, email, public_key, out, target } => {
            card::csr(&target, &slot, &subject, &email, &public_key, out.as_deref())
        }
        Command::Sign { slot, public_key, file, out, target } => {
            card::sign(&target, &slot, &public_key, &file, &out)
        }
        Command::ImportCert { slot, file, target } => card::import_cert(&target, &slot, &file),
        Command::Install { p12, slot, backup, target } => {
            card::install(&target, &p12, &slot, backup.as_deref())
        }
        Command::P12 { command: P12Command::Passwd { file, password_stdin } } => {
            card::p12_passwd(&file, password_stdin)
        }
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

#[cfg(test)]
mod tests;
