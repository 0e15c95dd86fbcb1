//! The bounded relay between `ldap3` and the directory server. `ldap3` 0.12 has no knob for
//! the size or depth of what it decodes (its `lber` recurses once per nesting level and
//! buffers any declared length), but it accepts a ready connected stream
//! (`LdapConnSettings::set_std_stream`). So we hand it one end of a loopback TCP pair we
//! made ourselves, and a thread passes bytes on: ours to the server unchanged, the server's
//! to `ldap3` only as whole LDAPMessages that `ber` accepted (at most `Limits::max_bytes`,
//! at most `ber::MAX_DEPTH` deep). A message refused closes the pair; the reason is kept for
//! the error the caller reports.
//!
//! TLS is done here, not by `ldap3`: `ldaps://` from the first byte, or StartTLS (RFC 4511
//! §4.14) sent by us before `ldap3` speaks; both with the system's trust store and host-name
//! check (native-tls, as `ldap3` used), so `ldap3` always speaks plain LDAP to the relay.
//! We chose this over writing our own LDAP client: paging, filters and result handling stay
//! in the well-used library, and only the framing needs to be trusted here.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::ber::{self, BerProblem};
use super::url::LdapUrl;
use super::{DirectoryError, Limits};

/// The refusal seen by the relay thread, if any.
pub type Violation = Arc<Mutex<Option<BerProblem>>>;

/// How long one read of the TLS server side waits before the relay looks for requests from
/// `ldap3` again (a plain server side is written to directly, without waiting).
const POLL: Duration = Duration::from_millis(1);

/// RFC 4511 §4.14.1 StartTLS ExtendedRequest, message id 1 (before `ldap3` sends anything).
const STARTTLS_REQUEST: &[u8] = b"\x30\x1d\x02\x01\x01\x77\x18\x80\x161.3.6.1.4.1.1466.20037";

enum Upstream {
    Plain(TcpStream),
    Tls(Box<native_tls::TlsStream<TcpStream>>),
}

impl Upstream {
    fn tcp(&self) -> &TcpStream {
        match self {
            Upstream::Plain(s) => s,
            Upstream::Tls(s) => s.get_ref(),
        }
    }
}

impl Read for Upstream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Upstream::Plain(s) => s.read(buf),
            Upstream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Upstream {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Upstream::Plain(s) => s.write(buf),
            Upstream::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Upstream::Plain(s) => s.flush(),
            Upstream::Tls(s) => s.flush(),
        }
    }
}

/// Connects to `url`'s server (TLS for `ldaps://`, or after StartTLS when `starttls`) and
/// returns the stream `ldap3` is to use, plus where a refusal will be recorded.
pub fn open(url: &LdapUrl, starttls: bool, limits: Limits) -> Result<(TcpStream, Violation), DirectoryError> {
    let server = url.server.clone();
    let unreachable = |detail: String| DirectoryError::Unreachable { url: server.clone(), detail };
    let host = url.host.trim_start_matches('[').trim_end_matches(']').to_owned();
    let addrs: Vec<_> =
        (host.as_str(), url.port).to_socket_addrs().map_err(|e| unreachable(e.to_string()))?.collect();
    let mut last = String::from("no address");
    let mut tcp = None;
    for a in addrs {
        match TcpStream::connect_timeout(&a, limits.connect) {
            Ok(s) => {
                tcp = Some(s);
                break;
            }
            Err(e) if e.kind() == ErrorKind::TimedOut => {
                return Err(DirectoryError::Timeout { url: server.clone(), after: limits.connect })
            }
            Err(e) => last = e.to_string(),
        }
    }
    let tcp = tcp.ok_or_else(|| unreachable(last))?;
    let io = |e: std::io::Error| DirectoryError::Protocol { url: server.clone(), detail: e.to_string() };
    tcp.set_read_timeout(Some(limits.operation)).map_err(io)?;
    tcp.set_nodelay(true).map_err(io)?;
    tcp.set_write_timeout(Some(limits.operation)).map_err(io)?;
    let mut tcp = tcp;
    if starttls && !url.tls {
        start_tls(&mut tcp, &server, limits)?;
    }
    let upstream = if url.tls || starttls {
        Upstream::Tls(Box::new(tls(tcp, &host, &server, limits)?))
    } else {
        Upstream::Plain(tcp)
    };
    upstream.tcp().set_read_timeout(Some(POLL)).map_err(io)?;
    upstream.tcp().set_write_timeout(Some(limits.operation)).map_err(io)?;
    let (ours, theirs) = pair().map_err(io)?;
    let violation: Violation = Arc::new(Mutex::new(None));
    let seen = Arc::clone(&violation);
    let max = limits.max_bytes;
    std::thread::Builder::new()
        .name("ldap-relay".into())
        .spawn(move || pump(theirs, upstream, &seen, max))
        .map_err(io)?;
    Ok((ours, violation))
}

/// A connected loopback pair; the accepted end must be the one we connected (no other local
/// process slipping in).
fn pair() -> std::io::Result<(TcpStream, TcpStream)> {
    let listener = TcpListener::bind(("127.0.0.1", 0))?;
    let ours = TcpStream::connect(listener.local_addr()?)?;
    let (theirs, peer) = listener.accept()?;
    if peer != ours.local_addr()? {
        return Err(std::io::Error::other("unexpected local connection"));
    }
    // Whole messages are written at once; Nagle's delay would only add latency per request.
    ours.set_nodelay(true)?;
    theirs.set_nodelay(true)?;
    Ok((ours, theirs))
}

fn start_tls(tcp: &mut TcpStream, server: &str, limits: Limits) -> Result<(), DirectoryError> {
    let tls_err = |detail: String| DirectoryError::Tls { url: server.to_owned(), detail };
    tcp.write_all(STARTTLS_REQUEST).map_err(|e| tls_err(format!("StartTLS: {e}")))?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    let len = loop {
        match ber::complete_message(&buf, limits.max_bytes.min(64 * 1024)) {
            Ok(Some(n)) => break n,
            Ok(None) => {}
            Err(p) => return Err(tls_err(format!("StartTLS: {p}"))),
        }
        match tcp.read(&mut chunk) {
            Ok(0) => return Err(tls_err("StartTLS: the server closed the connection".into())),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Err(DirectoryError::Timeout { url: server.to_owned(), after: limits.operation })
            }
            Err(e) => return Err(tls_err(format!("StartTLS: {e}"))),
        }
    };
    match result_code(&buf[..len]) {
        Some(0) => Ok(()),
        Some(rc) => Err(tls_err(format!("StartTLS refused (result code {rc})"))),
        None => Err(tls_err("StartTLS: malformed answer".into())),
    }
}

/// resultCode of an LDAPResult-shaped response: `SEQUENCE { messageID, [APPLICATION n] {
/// ENUMERATED resultCode, … } }`.
fn result_code(msg: &[u8]) -> Option<u32> {
    let (h, _) = ber::header(msg).ok()??;
    let rest = msg.get(h..)?;
    let (h_id, len_id) = ber::header(rest).ok()??;
    let rest = rest.get(h_id + usize::try_from(len_id).ok()?..)?;
    let (h_op, _) = ber::header(rest).ok()??;
    let rest = rest.get(h_op..)?;
    if rest.first() != Some(&0x0a) {
        return None;
    }
    let (h_rc, len_rc) = ber::header(rest).ok()??;
    let bytes = rest.get(h_rc..h_rc + usize::try_from(len_rc).ok()?)?;
    if bytes.is_empty() || bytes.len() > 4 {
        return None;
    }
    Some(bytes.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)))
}

fn tls(
    tcp: TcpStream,
    host: &str,
    server: &str,
    limits: Limits,
) -> Result<native_tls::TlsStream<TcpStream>, DirectoryError> {
    let tls_err = |detail: String| DirectoryError::Tls { url: server.to_owned(), detail };
    let connector = native_tls::TlsConnector::new().map_err(|e| tls_err(e.to_string()))?;
    connector.connect(host, tcp).map_err(|e| match e {
        native_tls::HandshakeError::Failure(e) => tls_err(e.to_string()),
        native_tls::HandshakeError::WouldBlock(_) => {
            DirectoryError::Timeout { url: server.to_owned(), after: limits.operation }
        }
    })
}

/// Passes bytes both ways until either side closes or the server sends a message `ber`
/// refuses. What `ldap3` writes is read by a second thread (blocking) and written straight
/// to a plain server, or handed over by a channel for TLS, since a TLS stream cannot be read
/// and written from two threads.
fn pump(mut local: TcpStream, mut upstream: Upstream, violation: &Violation, max_bytes: usize) {
    let Ok(mut from_ldap3) = local.try_clone() else { return };
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    let mut direct = match &upstream {
        Upstream::Plain(s) => match s.try_clone() {
            Ok(s) => Some(s),
            Err(_) => return,
        },
        Upstream::Tls(_) => None,
    };
    if direct.is_some() && upstream.tcp().set_read_timeout(None).is_err() {
        return;
    }
    let reader = std::thread::Builder::new().name("ldap-relay-out".into()).spawn(move || {
        let mut chunk = vec![0u8; 16 * 1024];
        while let Ok(n) = from_ldap3.read(&mut chunk) {
            let sent = match &mut direct {
                _ if n == 0 => false,
                Some(server) => server.write_all(&chunk[..n]).is_ok(),
                None => tx.send(chunk[..n].to_vec()).is_ok(),
            };
            if !sent {
                break;
            }
        }
        if let Some(server) = direct {
            let _ = server.shutdown(Shutdown::Both);
        }
    });
    if reader.is_err() {
        return;
    }
    let mut pending: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 16 * 1024];
    'relay: loop {
        loop {
            match rx.try_recv() {
                Ok(bytes) => {
                    if upstream.write_all(&bytes).and_then(|()| upstream.flush()).is_err() {
                        break 'relay;
                    }
                }
                Err(std::sync::mpsc::TryRecvError::Empty) => break,
                Err(std::sync::mpsc::TryRecvError::Disconnected) => break 'relay,
            }
        }
        match upstream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => {
                pending.extend_from_slice(&chunk[..n]);
                loop {
                    match ber::complete_message(&pending, max_bytes) {
                        Ok(Some(len)) => {
                            if local.write_all(&pending[..len]).is_err() {
                                break 'relay;
                            }
                            pending.drain(..len);
                        }
                        Ok(None) => break,
                        Err(p) => {
                            if let Ok(mut v) = violation.lock() {
                                *v = Some(p);
                            }
                            break 'relay;
                        }
                    }
                }
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => break,
        }
    }
    let _ = local.shutdown(Shutdown::Both);
    let _ = upstream.tcp().shutdown(Shutdown::Both);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_result_codes() {
        // ExtendedResponse success / protocolError.
        assert_eq!(result_code(b"\x30\x0c\x02\x01\x01\x78\x07\x0a\x01\x00\x04\x00\x04\x00"), Some(0));
        assert_eq!(result_code(b"\x30\x0c\x02\x01\x01\x78\x07\x0a\x01\x02\x04\x00\x04\x00"), Some(2));
        assert_eq!(result_code(b"\x30\x03\x02\x01\x01"), None);
        assert_eq!(result_code(b""), None);
    }

    #[test]
    fn starttls_request_is_well_formed() {
        assert_eq!(ber::complete_message(STARTTLS_REQUEST, 100), Ok(Some(STARTTLS_REQUEST.len())));
    }
}
