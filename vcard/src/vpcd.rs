//! Serving a [`VirtualPiv`] to pcscd through vpcd (vsmartcard's virtual reader driver).
//!
//! vpcd protocol (see shared/RIG.md "vpcd wire protocol"): the card is a TCP client of vpcd;
//! every message is a 2-byte big-endian length then the payload; a 1-byte payload is a control
//! byte (00 power off, 01 power on, 02 reset, 04 get ATR), a longer one a C-APDU answered with
//! the R-APDU. Framing is done by the `vpicc` crate; this module adds the socket options and
//! logging.
//!
//! Latency: vpcd writes the length and the APDU in two writes, so with Nagle on its side and
//! delayed ACKs on ours every APDU waits ~40 ms for an ACK. We set TCP_NODELAY, and on Linux
//! re-arm TCP_QUICKACK before every read (the kernel leaves quick-ACK mode by itself).

use std::{
    io,
    net::TcpStream,
    time::{Duration, Instant},
};

use crate::{apdu, card::VirtualPiv};

/// The card as vpicc sees it, with optional logging to stderr.
struct LoggedCard<'c> {
    card: &'c mut VirtualPiv,
    verbose: bool,
}

impl LoggedCard<'_> {
    fn log(&self, message: &str) {
        if self.verbose {
            eprintln!("ecert-vcard: {message}");
        }
    }
}

impl vpicc::VSmartCard for LoggedCard<'_> {
    fn atr(&self) -> &[u8] {
        self.card.atr()
    }

    fn power_on(&mut self) {
        self.log("power on");
    }

    fn power_off(&mut self) {
        self.log("power off");
        self.card.reset();
    }

    fn reset(&mut self) {
        self.log("reset");
        self.card.reset();
    }

    fn execute(&mut self, capdu: &[u8]) -> Vec<u8> {
        let started = Instant::now();
        let rapdu = self.card.execute(capdu);
        if self.verbose {
            let status: Vec<String> = rapdu.iter().rev().take(2).rev().map(|b| format!("{b:02X}")).collect();
            self.log(&format!(
                "C: {}  R: {} bytes SW {} ({} ms)",
                apdu::describe(capdu),
                rapdu.len().saturating_sub(2),
                status.concat(),
                started.elapsed().as_millis()
            ));
        }
        rapdu
    }
}

/// Connects to vpcd at `addr`, retrying for up to `wait` while nobody listens yet.
pub fn connect(addr: &str, wait: Duration) -> io::Result<TcpStream> {
    let deadline = Instant::now() + wait;
    loop {
        match TcpStream::connect(addr) {
            Ok(stream) => return Ok(stream),
            Err(e) if e.kind() == io::ErrorKind::ConnectionRefused && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(e) => return Err(e),
        }
    }
}

/// Serves `card` on an established vpcd connection until it closes (or fails).
///
/// Returns `Ok(())` when vpcd closes the connection or it is shut down from another thread
/// (e.g. on SIGTERM), `Err` for any other I/O error.
pub fn serve(card: &mut VirtualPiv, stream: TcpStream, verbose: bool) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let options = stream.try_clone()?;
    let mut connection = vpicc::Connection::from(stream);
    let mut card = LoggedCard { card, verbose };
    loop {
        quick_ack(&options);
        match connection.poll(&mut card) {
            Ok(()) => {}
            Err(e) if is_closed(&e) => {
                card.log("connection closed");
                return Ok(());
            }
            Err(e) => return Err(e),
        }
    }
}

fn is_closed(e: &io::Error) -> bool {
    use io::ErrorKind::*;
    matches!(e.kind(), UnexpectedEof | ConnectionReset | ConnectionAborted | BrokenPipe | NotConnected)
}

#[cfg(target_os = "linux")]
fn quick_ack(stream: &TcpStream) {
    let _ = rustix::net::sockopt::set_tcp_quickack(stream, true);
}

#[cfg(not(target_os = "linux"))]
fn quick_ack(_stream: &TcpStream) {}
