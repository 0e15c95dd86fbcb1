//! The PIV card application (NIST SP 800-73-4) as an [`Applet`].
//!
//! Wraps `piv_authenticator::Authenticator`: re-encodes each complete command as an
//! `iso7816::command::CommandView`, maps its `Status` errors to status words, and accepts in
//! SELECT the PIV AID truncated down to its 5-byte RID `A0 00 00 03 08` (SP 800-73-4 Part 1
//! §2.2 gives the AID `A0 00 00 03 08 00 00 10 00 01 00`; several clients select a prefix)
//! by rewriting it to the full AID. A reset drops the application instance (PIN and
//! management-key security status, pending challenges) and clears volatile storage, as
//! removing power from a real card does.

use std::panic::{catch_unwind, AssertUnwindSafe};

use piv_authenticator::{Authenticator, Options};
use trussed_core::{
    try_syscall,
    types::{Location, PathBuf},
    CryptoClient as _, FilesystemClient as _,
};

use crate::{
    apdu::{sw, Apdu},
    frontend::Applet,
    platform::{SharedClient, VirtClient},
};

/// The full PIV AID (NIST SP 800-73-4 Part 1 §2.2).
pub const PIV_AID: [u8; 11] = [0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00];

/// The shortest AID prefix accepted in SELECT: the NIST RID.
pub const PIV_RID: [u8; 5] = [0xA0, 0x00, 0x00, 0x03, 0x08];

/// Capacity of one response (the largest PIV container is under 8 kB).
const REPLY_CAPACITY: usize = 16 * 1024;

const INS_SELECT: u8 = 0xA4;

/// The application label returned in SELECT's application property template.
const LABEL: &[u8] = b"e-Cert Manager virtual PIV";

type Client<'a> = SharedClient<VirtClient<'a>>;

/// The PIV application on a trussed client.
pub struct PivApplet<'a> {
    client: Client<'a>,
    piv: Authenticator<Client<'a>>,
    reply: Box<heapless::Vec<u8, REPLY_CAPACITY>>,
}

fn options() -> Options {
    Options::default().label(LABEL)
}

impl<'a> PivApplet<'a> {
    /// The PIV application over `client`. The card is initialised (default PIN, PUK and
    /// management key, CHUID, card authentication key) on first use if its storage is empty.
    pub fn new(client: VirtClient<'a>) -> Self {
        let client = SharedClient::new(client);
        Self {
            piv: Authenticator::new(client.clone(), options()),
            client,
            reply: Box::new(heapless::Vec::new()),
        }
    }

    fn respond(&mut self, raw: &[u8], response: &mut Vec<u8>) -> u16 {
        let Ok(view) = iso7816::command::CommandView::try_from(raw) else {
            return sw::WRONG_LENGTH;
        };
        self.reply.clear();
        let piv = &mut self.piv;
        let reply = &mut self.reply;
        match catch_unwind(AssertUnwindSafe(|| piv.respond(view, reply.as_mut_view()))) {
            Ok(Ok(())) => {
                response.extend_from_slice(reply);
                sw::OK
            }
            Ok(Err(status)) => u16::from(status),
            // piv-authenticator asserts in a few places; a card bug must not kill the card.
            Err(_) => sw::NO_PRECISE_DIAGNOSIS,
        }
    }
}

impl Applet for PivApplet<'_> {
    fn process(&mut self, command: &Apdu<'_>, response: &mut Vec<u8>) -> u16 {
        let mut command = *command;
        if command.ins == INS_SELECT
            && command.p1 == 0x04
            && command.data.len() >= PIV_RID.len()
            && command.data.len() < PIV_AID.len()
            && PIV_AID.starts_with(command.data)
        {
            command.data = &PIV_AID;
        }
        let Some(raw) = command.encode() else {
            return sw::WRONG_LENGTH;
        };
        self.respond(&raw, response)
    }

    fn reset(&mut self) {
        self.piv = Authenticator::new(self.client.clone(), options());
        // Power loss clears RAM: the PIN-derived key and other session keys live there.
        let client = &mut self.client;
        let _ = catch_unwind(AssertUnwindSafe(|| {
            try_syscall!(client.delete_all(Location::Volatile)).ok();
            try_syscall!(client.remove_dir_all(Location::Volatile, PathBuf::new())).ok();
        }));
    }
}
