//! `ecert directory`: search a CA's public repository (LDAP or plain HTTP) for e-Certs and
//! show each one with its verdict; add, remove and list the configured directories (settings
//! `directories`). Every network use is announced on stderr; nothing is contacted while the
//! `offline` setting is on.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use ecert::directory::lookup::{Query, Session};
use ecert::directory::{check_found, kind_of, Checked, Directory, Limits, Status};
use ecert::settings::{self, Settings};
use ecert::verify::model::read_certs;
use ecert::verify::{self, Cert, Options, Revocation};
use serde_json::{json, Value};

#[derive(Subcommand)]
pub enum DirectoryCommand {
    /// Find certificates by name, e-mail or serial, each verified with the chain and CRLs read
    /// from the same directory. Exit 0 when the search ran (even with no match).
    Search {
        /// Part of the holder's name (cn, sn or mail).
        #[arg(long, group = "query", required = true)]
        name: Option<String>,
        /// The holder's e-mail address.
        #[arg(long, group = "query")]
        email: Option<String>,
        /// Certificate serial number in hex.
        #[arg(long, group = "query")]
        serial: Option<String>,
        /// A configured directory's name, or an ldap:// / ldaps:// / http:// URL (default:
        /// the only configured one).
        #[arg(long)]
        directory: Option<String>,
        /// Switch an ldap:// connection to TLS with StartTLS first (and give up if it cannot).
        #[arg(long)]
        starttls: bool,
        /// Search base DN (RFC 4514), overriding the directory's.
        #[arg(long)]
        base: Option<String>,
        /// Validation time, RFC 3339 (default: now).
        #[arg(long)]
        at: Option<String>,
        /// Trust anchor file(s); the trust store by default.
        #[arg(long = "anchor")]
        anchors: Vec<PathBuf>,
        /// Per-operation time-out in seconds.
        #[arg(long, default_value_t = 10)]
        timeout: u64,
        /// Most entries one search may return.
        #[arg(long, default_value_t = 500)]
        max_entries: usize,
        /// Save each certificate found (DER, named by its SHA-256) into this folder.
        #[arg(long)]
        save: Option<PathBuf>,
        /// Print the result as JSON on stdout (errors stay on stderr as text).
        #[arg(long)]
        json: bool,
    },
    /// Add a directory: NAME and an ldap://host[:port][/base], ldaps://… or http:// URL.
    Add {
        /// A short name for the directory.
        name: String,
        /// The directory's address: ldap://host/base-DN or http(s)://…
        url: String,
        /// Search base DN, if the URL has none.
        #[arg(long)]
        base: Option<String>,
        /// For ldap://: always switch to TLS with StartTLS first.
        #[arg(long)]
        starttls: bool,
    },
    /// Remove the directory called NAME.
    Remove {
        /// The directory's short name, as `ecert directory list` shows it.
        name: String,
    },
    /// List the configured directories.
    List {
        /// Print the result as JSON on stdout (errors stay on stderr as text).
        #[arg(long)]
        json: bool,
    },
}

pub fn run(command: DirectoryCommand) -> Result<ExitCode, String> {
    match command {
        DirectoryCommand::Add { name, url, base, starttls } => add(Directory { name, url, base, starttls }),
        DirectoryCommand::Remove { name } => remove(&name),
        DirectoryCommand::List { json } => list(json),
        DirectoryCommand::Search {
            name,
            email,
            serial,
            directory,
            starttls,
            base,
            at,
            anchors,
            timeout,
            max_entries,
            save,
            json,
        } => {
            let query = match (name, email, serial) {
                (Some(n), _, _) => Query::Name(n),
                (_, Some(e), _) => Query::Email(e),
                (_, _, Some(s)) => Query::serial_hex(&s).map_err(|e| words(&e))?,
                _ => return Err("give --name, --email or --serial".into()),
            };
            let limits = Limits {
                operation: std::time::Duration::from_secs(timeout.max(1)),
                max_entries: max_entries.max(1),
                ..Limits::default()
            };
            search(&SearchArgs { query, directory, starttls, base, at, anchors, limits, save, json })
        }
    }
}

/// A directory error in the user's language: what happened, then what to do.
fn words(e: &ecert::directory::DirectoryError) -> String {
    crate::output::words(&ecert::i18n::directory_error_text(e))
}

fn load() -> Result<Settings, String> {
    settings::load().map_err(|e| e.to_string())
}

fn add(directory: Directory) -> Result<ExitCode, String> {
    let url = directory.url.clone();
    if kind_of(&url).map_err(|e| words(&e))? == ecert::directory::Kind::Ldap {
        let parsed = ecert::directory::url::parse(&url).map_err(|e| words(&e))?;
        if parsed.tls && directory.starttls {
            return Err("an ldaps:// directory is TLS already; --starttls is for ldap://".into());
        }
    } else if directory.starttls {
        return Err("--starttls is for ldap:// directories".into());
    }
    let name = directory.name.clone();
    if name.trim().is_empty() {
        return Err("the directory needs a name".into());
    }
    let mut s = load()?;
    if s.directories.iter().any(|d| d.name == name) {
        return Err(format!("a directory called {name:?} exists; remove it first"));
    }
    let line = format!("added {name} ({url})");
    s.directories.push(directory);
    settings::save(&s).map_err(|e| e.to_string())?;
    println!("{line}");
    Ok(ExitCode::SUCCESS)
}

fn remove(name: &str) -> Result<ExitCode, String> {
    let mut s = load()?;
    let before = s.directories.len();
    s.directories.retain(|d| d.name != name);
    if s.directories.len() == before {
        return Err(format!("no directory called {name:?}; see `ecert directory list`"));
    }
    settings::save(&s).map_err(|e| e.to_string())?;
    println!("removed {name}");
    Ok(ExitCode::SUCCESS)
}

fn list(json: bool) -> Result<ExitCode, String> {
    let s = load()?;
    if json {
        println!("{}", serde_json::to_string_pretty(&s.directories).map_err(|e| e.to_string())?);
    } else if s.directories.is_empty() {
        println!("no directories configured; add one with `ecert directory add NAME URL`");
    } else {
        for d in &s.directories {
            let base = d.base.as_deref().map(|b| format!("  base {b}")).unwrap_or_default();
            let tls = if d.starttls { "  StartTLS" } else { "" };
            println!("{}  {}{base}{tls}", d.name, d.url);
        }
    }
    Ok(ExitCode::SUCCESS)
}

struct SearchArgs {
    query: Query,
    directory: Option<String>,
    starttls: bool,
    base: Option<String>,
    at: Option<String>,
    anchors: Vec<PathBuf>,
    limits: Limits,
    save: Option<PathBuf>,
    /// Print the result as JSON on stdout (errors stay on stderr as text).
    json: bool,
}

fn choose(settings: &Settings, wanted: Option<&str>) -> Result<Directory, String> {
    match wanted {
        Some(w) => {
            if let Some(d) = settings.directories.iter().find(|d| d.name == w) {
                return Ok(d.clone());
            }
            kind_of(w).map_err(|_| {
                format!("no directory called {w:?} and not a URL; see `ecert directory list`")
            })?;
            Ok(Directory { name: w.to_owned(), url: w.to_owned(), base: None, starttls: false })
        }
        None => match settings.directories.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(
                "no directory configured; add one (`ecert directory add NAME URL`) or give --directory URL"
                    .into(),
            ),
            _ => Err("several directories configured; choose one with --directory".into()),
        },
    }
}

fn anchors_from(files: &[PathBuf], settings: &Settings) -> Result<Vec<Cert>, String> {
    if files.is_empty() {
        let (store, problems) = verify::trust::all(settings.system_anchors);
        for p in problems {
            eprintln!("ecert: {p}");
        }
        return Ok(store.iter().filter_map(|a| Cert::parse(&a.der).ok()).collect());
    }
    let mut out = Vec::new();
    for f in files {
        let bytes = std::fs::read(f).map_err(|e| format!("{}: {e}", f.display()))?;
        for der in read_certs(&bytes).map_err(|e| format!("{}: {e}", f.display()))? {
            out.push(Cert::parse(&der).map_err(|e| format!("{}: {e}", f.display()))?);
        }
    }
    Ok(out)
}

fn search(args: &SearchArgs) -> Result<ExitCode, String> {
    let settings = load()?;
    if settings.offline {
        return Err(words(&ecert::directory::DirectoryError::Offline));
    }
    let mut directory = choose(&settings, args.directory.as_deref())?;
    if args.base.is_some() {
        directory.base.clone_from(&args.base);
    }
    directory.starttls |= args.starttls;
    let anchors = anchors_from(&args.anchors, &settings)?;
    let time = match &args.at {
        Some(t) => u64::try_from(verify::time::parse_rfc3339(t).map_err(|e| e.to_string())?)
            .map_err(|_| "times before 1970 are not supported for --at".to_owned())?,
        None => std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs()),
    };
    let options = Options { time, revocation: Revocation::Crls, ..Options::default() };
    let notify = Box::new(|line: &str| eprintln!("ecert: {line}"));
    let mut session = Session::open(&directory, args.limits, notify).map_err(|e| words(&e))?;
    let found = session.find(&args.query).map_err(|e| words(&e))?;
    let mut results = Vec::new();
    let mut problems = Vec::new();
    for f in found {
        let material = match &f.cert {
            Ok(cert) => session.material(cert),
            Err(_) => ecert::directory::lookup::Material::default(),
        };
        problems.extend(material.problems.iter().map(ToString::to_string));
        results.push(check_found(f, &material, &anchors, &options));
    }
    problems.sort();
    problems.dedup();
    if let Some(dir) = &args.save {
        save(dir, &results)?;
    }
    if args.json {
        let out = json!({
            "directory": directory.url,
            "validation_time": ecert::ops::audit::rfc3339(time),
            "results": results.iter().map(result_json).collect::<Vec<_>>(),
            "problems": problems,
        });
        println!("{}", serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?);
    } else {
        print_text(&results, &problems);
    }
    Ok(ExitCode::SUCCESS)
}

fn save(dir: &std::path::Path, results: &[Checked]) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for r in results {
        if let Ok(c) = &r.found.cert {
            // Named by its fingerprint: a file already there holds the same certificate.
            let path = dir.join(format!("{}.der", hex::encode(&c.sha256[..8])));
            crate::card::write_new(&path, &c.der, ecert::careful_file::Mode::PUBLIC)?;
            eprintln!("ecert: saved {}", path.display());
        }
    }
    Ok(())
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Valid => "valid",
        Status::Revoked => "REVOKED",
        Status::Expired => "EXPIRED",
        Status::NotYetValid => "NOT YET VALID",
        Status::Untrusted => "UNTRUSTED",
        Status::Invalid => "INVALID",
        Status::Undetermined => "could not decide",
        Status::Malformed => "MALFORMED",
    }
}

fn result_json(r: &Checked) -> Value {
    let mut v = json!({
        "dn": r.found.dn,
        "attribute": r.found.attribute,
        "status": r.status,
        "crl_sources": r.crl_sources,
    });
    match &r.found.cert {
        Ok(c) => {
            v["subject"] = json!(c.subject_display());
            v["issuer"] = json!(c.issuer_display());
            v["serial"] = json!(hex::encode(c.serial()));
            v["not_after"] = json!(u64::try_from(c.not_after).map(ecert::ops::audit::rfc3339).ok());
            v["sha256"] = json!(hex::encode(c.sha256));
        }
        Err(e) => v["error"] = json!(e.to_string()),
    }
    if let Some(report) = &r.report {
        v["reason"] = json!(report.reason_text);
        v["report"] = serde_json::to_value(report).unwrap_or(Value::Null);
    }
    v
}

fn print_text(results: &[Checked], problems: &[String]) {
    if results.is_empty() {
        println!("no certificate found");
    }
    for r in results {
        println!("{}  [{}]", r.found.dn, r.found.attribute);
        match &r.found.cert {
            Ok(c) => {
                println!("  subject: {}", c.subject_display());
                println!("  issuer:  {}", c.issuer_display());
                println!("  serial:  {}", hex::encode(c.serial()));
                if let Ok(t) = u64::try_from(c.not_after) {
                    println!("  expires: {}", ecert::ops::audit::rfc3339(t));
                }
            }
            Err(e) => println!("  {e}"),
        }
        println!("  status:  {}", status_word(r.status));
        if let Some(report) = &r.report {
            if let (Some(text), Some(section)) = (&report.reason_text, report.section) {
                println!("  reason:  {text} ({section})");
            }
            for (i, c) in report.chain.iter().enumerate() {
                println!("  [{i}] {}{}", c.subject, if c.trust_anchor { "  [trust anchor]" } else { "" });
            }
        }
        for s in &r.crl_sources {
            println!("  CRL from {s}");
        }
    }
    for p in problems {
        eprintln!("ecert: warning: {p}");
    }
}
