//! LDAP servers that misbehave on purpose (issue 13 item 4), as raw `TcpListener`s on
//! 127.0.0.1: one answers a search with a message nested 100,000 levels deep, one declares
//! a 2 GiB message, one declares 1 GiB and then trickles. `ldap3`'s decoder would recurse or
//! buffer without bound; the relay refuses each with a clear error, quickly, without a crash.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use ecert::directory::ber::MAX_DEPTH;
use ecert::directory::lookup::{Query, Session};
use ecert::directory::{Directory, DirectoryError, Limits};

/// `depth` nested SEQUENCEs around an INTEGER.
fn nested(depth: usize) -> Vec<u8> {
    let mut v = vec![0x02, 0x01, 0x05];
    for _ in 0..depth {
        let mut h = vec![0x30, 0x84];
        h.extend(u32::try_from(v.len()).unwrap().to_be_bytes());
        h.extend(v);
        v = h;
    }
    v
}

/// A server that waits for the client's first request and answers with `reply`, then
/// keeps the connection open for a while.
fn server(reply: Vec<u8>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        if let Ok((mut s, _)) = listener.accept() {
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let _ = s.write_all(&reply);
            std::thread::sleep(Duration::from_secs(5));
        }
    });
    port
}

fn search(port: u16) -> (DirectoryError, Duration) {
    let dir = Directory {
        name: "hostile".into(),
        url: format!("ldap://127.0.0.1:{port}/o=x"),
        base: None,
        starttls: false,
    };
    let limits = Limits { operation: Duration::from_secs(3), max_bytes: 1 << 20, ..Limits::default() };
    let started = Instant::now();
    let mut session = Session::open(&dir, limits, Box::new(|_| {})).unwrap();
    let e = session.find(&Query::Name("x".into())).unwrap_err();
    (e, started.elapsed())
}

#[test]
fn deeply_nested_answer_is_refused() {
    let (e, took) = search(server(nested(100_000)));
    assert!(
        matches!(&e, DirectoryError::Protocol { detail, .. } if detail.contains(&format!("deeper than {MAX_DEPTH}"))),
        "{e:?}"
    );
    assert!(took < Duration::from_secs(3), "{took:?}");
}

#[test]
fn huge_declared_length_is_refused_before_it_is_read() {
    let mut reply = vec![0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x02, 0x01, 0x01];
    reply.extend(vec![0x04; 1000]);
    let (e, took) = search(server(reply));
    assert!(
        matches!(&e, DirectoryError::Protocol { detail, .. } if detail.contains("more than the 1048576 allowed")),
        "{e:?}"
    );
    assert!(took < Duration::from_secs(3), "refused from the header, not after reading: {took:?}");
}

#[test]
fn nesting_within_the_limit_is_passed_on() {
    // A well-framed but meaningless answer within the limits reaches ldap3, which rejects
    // it as a protocol error of its own (not ours): the relay does not refuse good framing.
    let (e, _) = search(server(nested(MAX_DEPTH)));
    match &e {
        DirectoryError::Protocol { detail, .. } => {
            assert!(!detail.contains("deeper than") && !detail.contains("allowed"), "{detail}");
        }
        other => assert!(
            matches!(other, DirectoryError::Timeout { .. } | DirectoryError::Ldap { .. }),
            "{other:?}"
        ),
    }
}
