//! `ecert-vcard`: serves a virtual PIV card to pcscd through vpcd.
//!
//! `ecert-vcard [--vpcd HOST:PORT] [--state DIR] [--wait SECS] [--verbose]`
//!
//! Connects to vpcd (default `127.0.0.1:35963`, reader "Virtual PCD 00 00"), which inserts the
//! card, and serves it until vpcd closes the connection or SIGTERM/SIGINT arrives (exit 0).
//! Exit 1 if vpcd cannot be reached within `--wait` seconds (default 5) or the connection
//! fails, 2 on bad arguments. With `--state DIR` the card persists in DIR, else it lives in
//! RAM. `--verbose` logs each APDU to stderr (never the data of PIN-bearing commands).

#![forbid(unsafe_code)]

use std::{
    net::{Shutdown, TcpStream},
    path::PathBuf,
    process::ExitCode,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex, PoisonError,
    },
    time::Duration,
};

use ecert_vcard::{vpcd, VirtualPiv};
use signal_hook::{
    consts::{SIGINT, SIGTERM},
    iterator::Signals,
};

const USAGE: &str = "usage: ecert-vcard [--vpcd HOST:PORT] [--state DIR] [--wait SECS] [--verbose]

Serves a virtual PIV card (PIN 123456, PUK 12345678, default 3DES management key) to pcscd
through vpcd until vpcd closes the connection or SIGTERM/SIGINT arrives.

  --vpcd HOST:PORT  vpcd address (default 127.0.0.1:35963, reader \"Virtual PCD 00 00\")
  --state DIR       keep the card's storage in DIR (default: RAM, a fresh card each run)
  --wait SECS       keep retrying to reach vpcd for SECS seconds (default 5)
  --verbose         log APDU headers and status words to stderr";

struct Args {
    vpcd: String,
    state: Option<PathBuf>,
    wait: Duration,
    verbose: bool,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut args =
        Args { vpcd: "127.0.0.1:35963".into(), state: None, wait: Duration::from_secs(5), verbose: false };
    let mut it = std::env::args_os().skip(1);
    while let Some(arg) = it.next() {
        let arg = arg.to_str().ok_or("arguments must be UTF-8")?.to_owned();
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--vpcd" => args.vpcd = value("--vpcd")?.to_str().ok_or("--vpcd must be UTF-8")?.to_owned(),
            "--state" => args.state = Some(value("--state")?.into()),
            "--wait" => {
                let secs: f64 = value("--wait")?
                    .to_str()
                    .and_then(|s| s.parse().ok())
                    .filter(|s: &f64| s.is_finite() && *s >= 0.0)
                    .ok_or("--wait needs a number of seconds")?;
                args.wait = Duration::from_secs_f64(secs);
            }
            "--verbose" | "-v" => args.verbose = true,
            "--help" | "-h" => return Ok(None),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Some(args))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("ecert-vcard: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };

    // SIGTERM/SIGINT: remember it and shut the connection down, which ends `serve`.
    let stopping = Arc::new(AtomicBool::new(false));
    let connection: Arc<Mutex<Option<TcpStream>>> = Arc::default();
    match Signals::new([SIGTERM, SIGINT]) {
        Ok(mut signals) => {
            let (stopping, connection) = (Arc::clone(&stopping), Arc::clone(&connection));
            std::thread::spawn(move || {
                if signals.forever().next().is_some() {
                    stopping.store(true, Ordering::SeqCst);
                    if let Some(stream) = &*connection.lock().unwrap_or_else(PoisonError::into_inner) {
                        let _ = stream.shutdown(Shutdown::Both);
                    }
                }
            });
        }
        Err(e) => {
            eprintln!("ecert-vcard: cannot install signal handlers: {e}");
            return ExitCode::FAILURE;
        }
    }

    let mut card = match VirtualPiv::start(args.state.as_deref()) {
        Ok(card) => card,
        Err(e) => {
            eprintln!("ecert-vcard: {e}");
            return ExitCode::FAILURE;
        }
    };
    let stream = match vpcd::connect(&args.vpcd, args.wait) {
        Ok(stream) => stream,
        Err(e) => {
            eprintln!("ecert-vcard: cannot reach vpcd at {}: {e}", args.vpcd);
            return ExitCode::FAILURE;
        }
    };
    match stream.try_clone() {
        Ok(clone) => *connection.lock().unwrap_or_else(PoisonError::into_inner) = Some(clone),
        Err(e) => {
            eprintln!("ecert-vcard: {e}");
            return ExitCode::FAILURE;
        }
    }
    if stopping.load(Ordering::SeqCst) {
        return ExitCode::SUCCESS;
    }
    if args.verbose {
        eprintln!("ecert-vcard: connected to vpcd at {}", args.vpcd);
    }
    let result = vpcd::serve(&mut card, stream, args.verbose);
    drop(card);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) if stopping.load(Ordering::SeqCst) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ecert-vcard: vpcd connection failed: {e}");
            ExitCode::FAILURE
        }
    }
}
