//! CLI verbs that act on a card or token: PIN status/change/unblock, key generation, CSR,
//! certificate import, export and deletion. All go through the service worker.

use std::path::Path;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use ecert::careful_file::Mode;
use ecert::piv::{KeyAlgorithm, PinRef};
use ecert::service::{Config, Operation, Outcome, Service};
use ecert::token::{Auth, CertObject, PinFacts, TokenRef};

use crate::secrets::SecretSource;

#[derive(Subcommand)]
pub enum PinCommand {
    /// Tries left and PIN flags, read without spending a try.
    Status,
    /// Change the PIN (or the PUK with --puk).
    Change {
        /// Change the PUK instead of the PIN.
        #[arg(long)]
        puk: bool,
    },
    /// Unblock a blocked PIN with the PUK and set a new PIN.
    Unblock,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Alg {
    Rsa2048,
    Rsa3072,
    P256,
    P384,
}

impl From<Alg> for KeyAlgorithm {
    fn from(a: Alg) -> Self {
        match a {
            Alg::Rsa2048 => Self::Rsa2048,
            Alg::Rsa3072 => Self::Rsa3072,
            Alg::P256 => Self::EccP256,
            Alg::P384 => Self::EccP384,
        }
    }
}

/// Options every card verb shares.
#[derive(Args)]
pub struct Target {
    /// Reader name, token label or serial, or a reference from `ecert tokens`.
    #[arg(long, global = true)]
    pub token: Option<String>,
    /// Read file password, PIN, PUK, new PIN and management key from stdin, one per line.
    #[arg(long, global = true, visible_alias = "password-stdin")]
    pub pin_stdin: bool,
    /// Ask for the management key instead of using the factory default.
    #[arg(long, global = true)]
    pub mgmt_key: bool,
    /// Print the result as JSON on stdout — `certs`, `show` and `pin status` do; the card
    /// operations (keygen, install, delete, …) still print text.
    #[arg(long, global = true)]
    pub json: bool,
}

pub fn resolve(target: &Target) -> Result<TokenRef, String> {
    // An existing file named as the token is an e-Cert file.
    if let Some(path) = target.token.as_deref().map(Path::new).filter(|p| p.is_file()) {
        return Ok(TokenRef::File { path: path.to_owned() });
    }
    // A reader named exactly needs no probing of any card or module.
    if let Some(name) = target.token.as_deref() {
        let readers = ecert::reader::list_blocking();
        if readers.readers.iter().any(|r| r.name == name && r.card_present) {
            return Ok(TokenRef::Reader { reader: name.to_owned() });
        }
    }
    let snap = Service::snapshot_blocking(Config::default()).map_err(|e| e.to_string())?;
    let refs: Vec<TokenRef> = snap.tokens.iter().map(|t| t.reference.clone()).collect();
    crate::choose_token(&refs, target.token.as_deref())
}

pub fn run_op(token: &TokenRef, op: Operation) -> Result<Outcome, String> {
    // Operation's Debug shows PINs, PUKs and keys as `***`.
    log::info!("{op:?} on {token}");
    Service::run_blocking(Config::default(), token.clone(), op)
        .map_err(|e| e.to_string())?
        .map_err(|e| crate::output::error_text(&e))
}

/// Credentials for a write: a PIV card wants its management key (and the PIN when the
/// card must prove a key first); a PKCS#11 token wants the user PIN.
fn write_auth(
    token: &TokenRef,
    slot: &str,
    target: &Target,
    secrets: &mut SecretSource,
    piv_pin: bool,
) -> Result<Auth, String> {
    if !matches!(token, TokenRef::Reader { .. }) {
        return Ok(Auth { pin: Some(secrets.pin("PIN")?), ..Auth::default() });
    }
    let pin = if piv_pin && !slot.eq_ignore_ascii_case("9e") { Some(secrets.pin("PIN")?) } else { None };
    let management_key = if target.mgmt_key {
        secrets.management_key()?
    } else {
        ecert::secret::ManagementKey::factory_default()
    };
    Ok(Auth { pin, management_key: Some(management_key), ..Auth::default() })
}

pub fn pin(cmd: &PinCommand, target: &Target) -> Result<ExitCode, String> {
    let token = resolve(target)?;
    let mut secrets = SecretSource::new(target.pin_stdin);
    // Always show the state first: the user must know the tries left before typing.
    let Outcome::Pin(facts) = run_op(&token, Operation::PinStatus)? else {
        return Err("unexpected answer".into());
    };
    match cmd {
        PinCommand::Status => return crate::output::pin_status(facts, target.json),
        PinCommand::Change { puk } => {
            warn_tries(facts, *puk);
            let which = if *puk { PinRef::Puk } else { PinRef::Pin };
            let name = if *puk { "PUK" } else { "PIN" };
            let old = secrets.pin(&format!("current {name}"))?;
            let new = secrets.new_pin(&format!("new {name}"))?;
            run_op(&token, Operation::ChangePin { which, old, new })?;
            eprintln!("{name} changed.");
        }
        PinCommand::Unblock => {
            let puk = secrets.pin("PUK")?;
            let new_pin = secrets.new_pin("new PIN")?;
            run_op(&token, Operation::UnblockPin { puk, new_pin })?;
            eprintln!("PIN unblocked and set.");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn warn_tries(facts: PinFacts, puk: bool) {
    if puk {
        return;
    }
    if facts.locked {
        eprintln!("The PIN is blocked: use `ecert pin unblock` with the PUK.");
    } else if let Some(n) = facts.tries_left {
        eprintln!("{n} PIN tries left.{}", if n == 1 { " A wrong PIN now blocks the card." } else { "" });
    }
}

pub fn keygen(target: &Target, slot: &str, alg: Alg, out: Option<&Path>) -> Result<ExitCode, String> {
    let token = resolve(target)?;
    let mut secrets = SecretSource::new(target.pin_stdin);
    let auth = write_auth(&token, slot, target, &mut secrets, false)?;
    let Outcome::PublicKey(key) =
        run_op(&token, Operation::GenerateKey { location: slot.to_owned(), alg: alg.into(), auth })?
    else {
        return Err("unexpected answer".into());
    };
    write_pem("PUBLIC KEY", &key.spki_der, out, Mode::PUBLIC)?;
    Ok(ExitCode::SUCCESS)
}

pub fn csr(
    target: &Target,
    slot: &str,
    subject: &str,
    emails: &[String],
    public_key: &Path,
    out: Option<&Path>,
) -> Result<ExitCode, String> {
    let subject = ecert::ops::csr::parse_subject(subject).map_err(|e| e.to_string())?;
    let extensions = if emails.is_empty() {
        Vec::new()
    } else {
        vec![ecert::ops::csr::email_extension(emails).map_err(|e| e.to_string())?]
    };
    let spki_der = read_der_or_pem(public_key, "PUBLIC KEY")?;
    let alg = key_algorithm(&spki_der)?;
    let token = resolve(target)?;
    let mut secrets = SecretSource::new(target.pin_stdin);
    let pin = if slot.eq_ignore_ascii_case("9e") { None } else { Some(secrets.pin("PIN")?) };
    let auth = Auth { pin, ..Auth::default() };
    let Outcome::Csr(der) = run_op(
        &token,
        Operation::Csr { location: slot.to_owned(), alg, subject, spki_der, extensions, auth },
    )?
    else {
        return Err("unexpected answer".into());
    };
    write_pem("CERTIFICATE REQUEST", &der, out, Mode::PUBLIC)?;
    Ok(ExitCode::SUCCESS)
}

pub fn sign(
    target: &Target,
    slot: &str,
    public_key: &Path,
    file: &Path,
    out: &Path,
) -> Result<ExitCode, String> {
    let alg = key_algorithm(&read_der_or_pem(public_key, "PUBLIC KEY")?)?;
    let message = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let token = resolve(target)?;
    let mut secrets = SecretSource::new(target.pin_stdin);
    let pin = if slot.eq_ignore_ascii_case("9e") { None } else { Some(secrets.pin("PIN")?) };
    let auth = Auth { pin, ..Auth::default() };
    let Outcome::Signature(sig) =
        run_op(&token, Operation::Sign { location: slot.to_owned(), alg, message, auth })?
    else {
        return Err("unexpected answer".into());
    };
    write_new(out, &sig, Mode::PUBLIC)?;
    Ok(ExitCode::SUCCESS)
}

pub fn import_cert(target: &Target, slot: &str, file: &Path) -> Result<ExitCode, String> {
    let der = read_der_or_pem(file, "CERTIFICATE")?;
    ecert::cert::CertSummary::from_der(&der).map_err(|e| format!("{}: {e}", file.display()))?;
    let token = resolve(target)?;
    let mut secrets = SecretSource::new(target.pin_stdin);
    // The PIN lets the card prove its key matches the certificate before anything is written.
    let auth = write_auth(&token, slot, target, &mut secrets, true)?;
    run_op(&token, Operation::ImportCertificate { location: slot.to_owned(), der, auth })?;
    eprintln!("Certificate written to slot {slot}.");
    Ok(ExitCode::SUCCESS)
}

pub fn delete(target: &Target, slot: &str, backup: Option<&Path>, yes: bool) -> Result<ExitCode, String> {
    let token = resolve(target)?;
    let certs = certificate_in(&token, slot, &mut SecretSource::new(target.pin_stdin))?;
    let Some(cert) = certs.iter().find(|c| c.location.eq_ignore_ascii_case(slot)) else {
        return Err(format!("there is no certificate in slot {slot}"));
    };
    if let Some(path) = backup {
        // A backup is private and never written over another (perhaps the only copy).
        write_pem("CERTIFICATE", &cert.der, Some(path), Mode::PRIVATE.no_clobber())?;
        eprintln!("Backup written to {}.", path.display());
    }
    if !yes {
        return Err("deleting needs --yes (and a --backup FILE is recommended)".into());
    }
    let mut secrets = SecretSource::new(target.pin_stdin);
    let auth = write_auth(&token, slot, target, &mut secrets, false)?;
    run_op(&token, Operation::DeleteCertificate { location: slot.to_owned(), auth })?;
    eprintln!("Certificate in slot {slot} deleted.");
    Ok(ExitCode::SUCCESS)
}

/// The certificate in one slot: a card's slot is read directly (retired slots included),
/// other media are listed.
pub fn certificate_in(
    token: &TokenRef,
    slot: &str,
    secrets: &mut SecretSource,
) -> Result<Vec<CertObject>, String> {
    if !matches!(token, TokenRef::Reader { .. }) {
        return certificates(token, secrets);
    }
    match run_op(token, Operation::CertificateAt { location: slot.to_ascii_lowercase() })? {
        Outcome::Certificates(certs) => Ok(certs),
        _ => Err("unexpected answer".into()),
    }
}

/// Certificates of any medium; an e-Cert file asks for its password.
pub fn certificates(token: &TokenRef, secrets: &mut SecretSource) -> Result<Vec<CertObject>, String> {
    if matches!(token, TokenRef::File { .. }) {
        let auth = Auth { password: Some(secrets.password("e-Cert file password")?), ..Auth::default() };
        let Outcome::Certificates(certs) = run_op(token, Operation::Certificates { auth })? else {
            return Err("unexpected answer".into());
        };
        return Ok(certs);
    }
    Service::certificates_blocking(Config::default(), token.clone())
        .map_err(|e| e.to_string())?
        .map_err(|e| crate::output::error_text(&e))
}

/// `ecert install --p12 FILE`: the file's key and certificate into a card or token.
pub fn install(target: &Target, p12: &Path, slot: &str, backup: Option<&Path>) -> Result<ExitCode, String> {
    let token = resolve(target)?;
    if matches!(token, TokenRef::File { .. }) {
        return Err("install into a card or token, not into a file".into());
    }
    let piv = matches!(token, TokenRef::Reader { .. });
    if piv {
        // Said before anything is asked: the import replaces the slot's key for good.
        eprintln!(
            "The key now in slot {slot} (if any) will be replaced by the file's key; a card key cannot be \
             exported, so it cannot be brought back. The slot's certificate is backed up first."
        );
    }
    let mut secrets = SecretSource::new(target.pin_stdin);
    let password = secrets.password("e-Cert file password")?;
    let auth = write_auth(&token, slot, target, &mut secrets, true)?;
    if piv {
        let journal_dir = ecert::ops::journal::default_dir().ok_or("no folder for the workflow journal")?;
        let action = ecert::ops::workflow::Action::StartInstall {
            location: slot.to_owned(),
            file: p12.to_owned(),
            password,
            backup: backup.map(Path::to_path_buf),
        };
        run_op(&token, Operation::Workflow { action, journal_dir, auth })?;
    } else {
        run_op(
            &token,
            Operation::InstallP12 { file: p12.to_owned(), password, location: slot.to_owned(), auth },
        )?;
    }
    eprintln!("Key and certificate from {} installed at {slot}.", p12.display());
    Ok(ExitCode::SUCCESS)
}

/// `ecert p12 passwd FILE`.
pub fn p12_passwd(file: &Path, stdin: bool) -> Result<ExitCode, String> {
    let mut secrets = SecretSource::new(stdin);
    let old = secrets.password("current password")?;
    let new = secrets.new_password("new password")?;
    ecert::p12file::change_password(file, &old, &new).map_err(|e| e.to_string())?;
    eprintln!("Password of {} changed.", file.display());
    Ok(ExitCode::SUCCESS)
}

/// `ecert export`: an existing `--out` file is overwritten only with `--force`.
pub fn export(
    target: &Target,
    slot: &str,
    der_out: bool,
    out: Option<&Path>,
    force: bool,
) -> Result<ExitCode, String> {
    let token = resolve(target)?;
    let certs = certificate_in(&token, slot, &mut SecretSource::new(target.pin_stdin))?;
    let cert = certs
        .iter()
        .find(|c| c.location.eq_ignore_ascii_case(slot))
        .ok_or_else(|| format!("there is no certificate in slot {slot}"))?;
    let mode = Mode::PUBLIC.overwrite_if(force);
    if der_out {
        let path = out.ok_or("--der needs --out FILE")?;
        write_new(path, &cert.der, mode)?;
    } else {
        write_pem("CERTIFICATE", &cert.der, out, mode)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn key_algorithm(spki_der: &[u8]) -> Result<KeyAlgorithm, String> {
    KeyAlgorithm::from_spki(spki_der).ok_or_else(|| "unsupported or malformed public key".to_owned())
}

/// Reads DER, or PEM with `label`.
pub fn read_der_or_pem(path: &Path, label: &str) -> Result<Vec<u8>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if bytes.starts_with(b"-----BEGIN") {
        let (found, der) = pem_rfc7468::decode_vec(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        if found != label {
            return Err(format!("{}: expected PEM {label}, found {found}", path.display()));
        }
        return Ok(der);
    }
    Ok(bytes)
}

pub fn write_pem(label: &str, der: &[u8], out: Option<&Path>, mode: Mode) -> Result<(), String> {
    let pem =
        pem_rfc7468::encode_string(label, pem_rfc7468::LineEnding::LF, der).map_err(|e| e.to_string())?;
    if let Some(path) = out {
        return write_new(path, pem.as_bytes(), mode);
    }
    print!("{pem}");
    Ok(())
}

/// Writes a file atomically and durably (temp + fsync + rename + fsync of the folder) so a
/// half-written output never remains; `mode` says who may read it and whether an existing
/// file may be replaced ([`ecert::careful_file`]).
pub fn write_new(path: &Path, bytes: &[u8], mode: Mode) -> Result<(), String> {
    ecert::careful_file::write_atomic(path, bytes, mode)
        .map_err(|e| crate::output::words(&ecert::i18n::file_error_text(&e)))
}
