//! Ports for the local servers tests start (openssl ocsp, HTTP, slapd helpers). The kernel
//! picks a free one; this process never hands the same port out twice, so tests running in
//! parallel in one binary cannot be given one port for two servers (a port is chosen before
//! the server binds it, so two quick `bind(0)`s could otherwise return the same number).

use std::collections::HashSet;
use std::net::TcpListener;
use std::sync::Mutex;

static GIVEN: Mutex<Option<HashSet<u16>>> = Mutex::new(None);

/// A port on 127.0.0.1 free now and not given to another test of this process.
pub fn free_port() -> u16 {
    let mut given = GIVEN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let given = given.get_or_insert_with(HashSet::new);
    // Hold every candidate until one is new, so the kernel offers a different one each time.
    let mut held = Vec::new();
    loop {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("no free port: {e}"));
        let port = listener.local_addr().unwrap_or_else(|e| panic!("no local address: {e}")).port();
        if given.insert(port) {
            return port;
        }
        held.push(listener);
    }
}
