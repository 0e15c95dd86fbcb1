//! The transport-level behaviour of a contact card, in front of an application.
//!
//! Implements, for any [`Applet`]:
//! - command chaining (ISO/IEC 7816-4 §5.3, CLA bit b5 = `0x10`): the data of chained
//!   commands is accumulated until the last command of the chain, which the applet then sees as
//!   one command with CLA b5 cleared;
//! - response chaining with `61XX` and GET RESPONSE (ISO/IEC 7816-4 §5.3, INS `C0`):
//!   a response longer than Ne (or than 256 bytes when Le is absent) is cut into Ne-sized parts,
//!   each but the last answered with `61XX` (XX = bytes still available, `00` for 256 or more);
//! - reset/power-off: everything volatile is forgotten and the applet is reset.
//!
//! T=1 is assumed (vpcd never sends GET RESPONSE by itself), so the card never answers `6CXX`.

use crate::apdu::{self, sw, Apdu, CLA_CHAINING};

/// Upper bound on the data of one (possibly chained) command. PIV's largest container is
/// under 8 kB; this leaves room while keeping a misbehaving host from growing memory.
pub const MAX_COMMAND_DATA: usize = 16 * 1024;

/// Ne used when a command carries no Le: answer inline up to this many bytes.
pub const DEFAULT_NE: usize = 256;

/// INS of GET RESPONSE.
const INS_GET_RESPONSE: u8 = 0xC0;

/// An application behind the [`Frontend`].
pub trait Applet {
    /// Processes one complete command (never chained: CLA b5 is clear). Appends the response
    /// data to `response` and returns the status word. Response data is discarded when the
    /// status word reports an error.
    fn process(&mut self, command: &Apdu<'_>, response: &mut Vec<u8>) -> u16;

    /// Card reset or power-off: forget the security status and anything else volatile.
    fn reset(&mut self);
}

#[derive(Debug)]
struct Chain {
    header: [u8; 4],
    data: Vec<u8>,
}

/// Adds command chaining and GET RESPONSE handling in front of an [`Applet`].
#[derive(Debug)]
pub struct Frontend<A> {
    applet: A,
    chain: Option<Chain>,
    /// Response bytes not yet fetched with GET RESPONSE, and the final status word.
    pending: Vec<u8>,
    pending_sw: u16,
}

impl<A: Applet> Frontend<A> {
    /// Puts `applet` behind the transport logic.
    pub fn new(applet: A) -> Self {
        Self { applet, chain: None, pending: Vec::new(), pending_sw: sw::OK }
    }

    /// The applet.
    pub fn applet(&mut self) -> &mut A {
        &mut self.applet
    }

    /// Card reset or power-off.
    pub fn reset(&mut self) {
        self.chain = None;
        self.pending.clear();
        self.applet.reset();
    }

    /// Processes one raw C-APDU and returns the R-APDU (data followed by SW1 SW2).
    pub fn execute(&mut self, raw: &[u8]) -> Vec<u8> {
        let command = match Apdu::parse(raw) {
            Ok(command) => command,
            Err(status) => {
                self.chain = None;
                self.pending.clear();
                return status.to_be_bytes().to_vec();
            }
        };
        if command.cla == 0xFF {
            // Reserved for PPS / reader pseudo-APDUs: never valid towards a card.
            return self.fail(sw::CLA_NOT_SUPPORTED);
        }
        if command.ins == INS_GET_RESPONSE && command.cla & CLA_CHAINING == 0 {
            return self.get_response(&command);
        }
        // Any other command ends an unfinished GET RESPONSE sequence.
        self.pending.clear();

        let header = [command.cla & !CLA_CHAINING, command.ins, command.p1, command.p2];
        if command.cla & CLA_CHAINING != 0 {
            return self.chain_part(header, command.data);
        }

        let chained = match self.chain.take() {
            Some(chain) if chain.header == header => {
                let mut data = chain.data;
                if data.len() + command.data.len() > MAX_COMMAND_DATA {
                    return self.fail(sw::WRONG_LENGTH);
                }
                data.extend_from_slice(command.data);
                Some(data)
            }
            // A different command while a chain is open: the chain is abandoned and the new
            // command is processed on its own.
            _ => None,
        };
        let whole = Apdu { data: chained.as_deref().unwrap_or(command.data), ..command };

        let mut response = Vec::new();
        let status = self.applet.process(&whole, &mut response);
        if !apdu::sw::is_completed(status) {
            response.clear();
        }
        self.deliver(response, status, command.ne.unwrap_or(DEFAULT_NE))
    }

    fn chain_part(&mut self, header: [u8; 4], data: &[u8]) -> Vec<u8> {
        let chain = match self.chain.take() {
            Some(chain) if chain.header == header => chain,
            Some(_) => return self.fail(sw::LAST_COMMAND_EXPECTED),
            None => Chain { header, data: Vec::new() },
        };
        if chain.data.len() + data.len() > MAX_COMMAND_DATA {
            return self.fail(sw::WRONG_LENGTH);
        }
        let mut chain = chain;
        chain.data.extend_from_slice(data);
        self.chain = Some(chain);
        sw::OK.to_be_bytes().to_vec()
    }

    fn get_response(&mut self, command: &Apdu<'_>) -> Vec<u8> {
        self.chain = None;
        if command.p1 != 0 || command.p2 != 0 {
            return self.fail(sw::WRONG_P1_P2);
        }
        if self.pending.is_empty() {
            return self.fail(sw::CONDITIONS_NOT_SATISFIED);
        }
        let rest = std::mem::take(&mut self.pending);
        let status = self.pending_sw;
        self.deliver(rest, status, command.ne.unwrap_or(DEFAULT_NE))
    }

    /// Sends up to `limit` bytes of `data`; keeps the rest for GET RESPONSE.
    fn deliver(&mut self, mut data: Vec<u8>, status: u16, limit: usize) -> Vec<u8> {
        if data.len() <= limit {
            data.extend_from_slice(&status.to_be_bytes());
            return data;
        }
        self.pending = data.split_off(limit);
        self.pending_sw = status;
        let available = u8::try_from(self.pending.len()).unwrap_or(0);
        data.extend_from_slice(&[0x61, available]);
        data
    }

    fn fail(&mut self, status: u16) -> Vec<u8> {
        self.chain = None;
        self.pending.clear();
        status.to_be_bytes().to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Echoes the command data, or answers `len` bytes for INS 0xCA with data = 2-byte length.
    #[derive(Default)]
    struct Echo {
        seen: Vec<(u8, usize)>,
        resets: usize,
    }

    impl Applet for Echo {
        fn process(&mut self, c: &Apdu<'_>, out: &mut Vec<u8>) -> u16 {
            self.seen.push((c.cla, c.data.len()));
            match c.ins {
                0xCA => {
                    let n = usize::from(u16::from_be_bytes([c.data[0], c.data[1]]));
                    out.extend((0..n).map(|i| (i % 251) as u8));
                    sw::OK
                }
                0xEE => {
                    out.push(1);
                    0x6A82
                }
                _ => {
                    out.extend_from_slice(c.data);
                    sw::OK
                }
            }
        }
        fn reset(&mut self) {
            self.resets += 1;
        }
    }

    fn sw_of(r: &[u8]) -> u16 {
        u16::from_be_bytes([r[r.len() - 2], r[r.len() - 1]])
    }

    #[test]
    fn chaining_accumulates() {
        let mut f = Frontend::new(Echo::default());
        assert_eq!(f.execute(&[0x10, 0xDB, 0x3F, 0xFF, 2, 1, 2]), [0x90, 0]);
        assert_eq!(f.execute(&[0x10, 0xDB, 0x3F, 0xFF, 1, 3]), [0x90, 0]);
        assert_eq!(f.execute(&[0x00, 0xDB, 0x3F, 0xFF, 1, 4]), [1, 2, 3, 4, 0x90, 0]);
        assert_eq!(f.applet().seen, [(0, 4)]);
    }

    #[test]
    fn chain_with_other_header_fails() {
        let mut f = Frontend::new(Echo::default());
        f.execute(&[0x10, 0xDB, 0x3F, 0xFF, 1, 1]);
        assert_eq!(f.execute(&[0x10, 0xDA, 0x3F, 0xFF, 1, 1]), [0x68, 0x83]);
        // A plain command after an abandoned chain is processed alone.
        f.execute(&[0x10, 0xDB, 0x3F, 0xFF, 1, 1]);
        assert_eq!(f.execute(&[0x00, 0xDA, 0, 0, 1, 9]), [9, 0x90, 0]);
    }

    #[test]
    fn get_response_flow() {
        let mut f = Frontend::new(Echo::default());
        // 600 bytes, no Le: 256 inline, then 61 00, 256 more, then 61 58 (88 bytes).
        let r = f.execute(&[0, 0xCA, 0, 0, 2, 0x02, 0x58]);
        assert_eq!(r.len(), 258);
        assert_eq!(&r[256..], [0x61, 0x00]);
        let r2 = f.execute(&[0, 0xC0, 0, 0, 0]);
        assert_eq!(r2.len(), 258);
        assert_eq!(&r2[256..], [0x61, 88]);
        let r3 = f.execute(&[0, 0xC0, 0, 0, 88]);
        assert_eq!(r3.len(), 90);
        assert_eq!(sw_of(&r3), 0x9000);
        let all: Vec<u8> = [&r[..256], &r2[..256], &r3[..88]].concat();
        assert_eq!(all, (0..600).map(|i| (i % 251) as u8).collect::<Vec<_>>());
        // Nothing left.
        assert_eq!(f.execute(&[0, 0xC0, 0, 0, 0]), [0x69, 0x85]);
    }

    #[test]
    fn short_le_and_extended_le() {
        let mut f = Frontend::new(Echo::default());
        let r = f.execute(&[0, 0xCA, 0, 0, 2, 0x01, 0x00, 0x08]);
        assert_eq!(r.len(), 10);
        assert_eq!(&r[8..], [0x61, 248]);
        let r = f.execute(&[0, 0xCA, 0, 0, 0, 0, 2, 0x10, 0x00, 0, 0]);
        assert_eq!(r.len(), 4096 + 2);
        assert_eq!(sw_of(&r), 0x9000);
    }

    #[test]
    fn errors_drop_data_and_reset_clears() {
        let mut f = Frontend::new(Echo::default());
        assert_eq!(f.execute(&[0, 0xEE, 0, 0]), [0x6A, 0x82]);
        assert_eq!(f.execute(&[0, 0xA4]), [0x67, 0]);
        assert_eq!(f.execute(&[0xFF, 0xA4, 0, 0]), [0x6E, 0]);
        f.execute(&[0, 0xCA, 0, 0, 2, 0x02, 0x58]);
        f.reset();
        assert_eq!(f.execute(&[0, 0xC0, 0, 0, 0]), [0x69, 0x85]);
        assert_eq!(f.applet().resets, 1);
    }
}
