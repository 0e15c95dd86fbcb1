//! ISO/IEC 7816-4 command and response APDUs, status words, and the exchange loop that
//! follows `61xx` (GET RESPONSE, §7.1.3) and `6Cxx` (wrong Le, re-issue) over any
//! [`Transport`](crate::transport::Transport).
//!
//! Secrets (PIN blocks inside VERIFY, CHANGE REFERENCE DATA) travel inside [`Command`]
//! data; the buffers are zeroized when a command is dropped.

mod status;

pub use status::StatusWord;

use zeroize::Zeroizing;

use crate::transport::{Transport, TransportError};

/// Most GET RESPONSE rounds we follow for one command. A PIV object is at most a few
/// kilobytes (SP 800-73-4 Part 1 Table 7); 64 × 256 bytes = 16 KiB is a generous bound that
/// still stops a card that answers `61xx` forever.
pub const MAX_GET_RESPONSE_ROUNDS: usize = 64;

/// Largest response body we accept for one command, across all chunks.
pub const MAX_RESPONSE_LEN: usize = 64 * 1024;

/// One command APDU (ISO 7816-4 §5.1). `le` of `None` means no Le field; `Some(0)` means
/// "up to 256" in a short APDU. Its `Debug` never shows the data of a command that carries a
/// secret ([`Command::carries_secret`]).
#[derive(Clone, PartialEq, Eq)]
pub struct Command {
    pub cla: u8,
    pub ins: u8,
    pub p1: u8,
    pub p2: u8,
    pub data: Zeroizing<Vec<u8>>,
    pub le: Option<u16>,
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("Command");
        d.field("cla", &format_args!("{:02X}", self.cla))
            .field("ins", &format_args!("{:02X}", self.ins))
            .field("p1", &format_args!("{:02X}", self.p1))
            .field("p2", &format_args!("{:02X}", self.p2));
        if self.carries_secret() {
            d.field("data", &format_args!("<{} bytes redacted>", self.data.len()));
        } else {
            d.field("data", &format_args!("{}", hex::encode_upper(self.data.as_slice())));
        }
        d.field("le", &self.le).finish()
    }
}

impl Command {
    /// Whether the data is a secret: VERIFY (INS 20), CHANGE REFERENCE DATA (24) and RESET
    /// RETRY COUNTER (2C) carry PINs and PUKs (SP 800-73-4 Part 2 §3.2); GENERAL AUTHENTICATE
    /// (87) with the management key (reference 9B) carries its challenge-response; Yubico's
    /// IMPORT ASYMMETRIC KEY (FE) a private key and SET MANAGEMENT KEY (FF) a new key.
    pub fn carries_secret(&self) -> bool {
        matches!(self.ins, 0x20 | 0x24 | 0x2C | 0xFE | 0xFF) || (self.ins == 0x87 && self.p2 == 0x9B)
    }

    pub fn new(cla: u8, ins: u8, p1: u8, p2: u8) -> Self {
        Self { cla, ins, p1, p2, data: Zeroizing::new(Vec::new()), le: None }
    }

    #[must_use]
    pub fn with_data(mut self, data: &[u8]) -> Self {
        self.data = Zeroizing::new(data.to_vec());
        self
    }

    #[must_use]
    pub fn with_le(mut self, le: u16) -> Self {
        self.le = Some(le);
        self
    }

    /// Encodes as a short APDU (ISO 7816-4 §5.1, cases 1–4S). Data longer than 255 bytes
    /// must be sent with chaining or extended length; see [`Command::chunks`].
    pub fn to_short_bytes(&self) -> Result<Zeroizing<Vec<u8>>, ApduError> {
        if self.data.len() > 255 {
            return Err(ApduError::DataTooLong { len: self.data.len() });
        }
        let mut out = Zeroizing::new(Vec::with_capacity(self.data.len() + 6));
        out.extend_from_slice(&[self.cla, self.ins, self.p1, self.p2]);
        if !self.data.is_empty() {
            // Checked above: fits in one byte.
            out.push(u8::try_from(self.data.len()).unwrap_or(0));
            out.extend_from_slice(&self.data);
        }
        if let Some(le) = self.le {
            out.push(if le >= 256 { 0 } else { u8::try_from(le).unwrap_or(0) });
        }
        Ok(out)
    }

    /// Encodes as an extended-length APDU (ISO 7816-4 §5.1, cases 2E–4E): Lc as 00 + two
    /// bytes, Le as two bytes (three when there is no data); Le 65536 is encoded as 0000.
    pub fn to_extended_bytes(&self) -> Result<Zeroizing<Vec<u8>>, ApduError> {
        let lc =
            u16::try_from(self.data.len()).map_err(|_| ApduError::DataTooLong { len: self.data.len() })?;
        let mut out = Zeroizing::new(Vec::with_capacity(self.data.len() + 9));
        out.extend_from_slice(&[self.cla, self.ins, self.p1, self.p2]);
        if lc > 0 {
            out.push(0);
            out.extend_from_slice(&lc.to_be_bytes());
            out.extend_from_slice(&self.data);
        }
        if let Some(le) = self.le {
            if lc == 0 {
                out.push(0);
            }
            out.extend_from_slice(&le.to_be_bytes());
        }
        Ok(out)
    }

    /// Splits a long command into short commands using command chaining (CLA bit b5,
    /// ISO 7816-4 §5.3.3). Every chunk but the last has the chaining bit and no Le.
    pub fn chunks(&self) -> Vec<Command> {
        if self.data.len() <= 255 {
            return vec![self.clone()];
        }
        let parts: Vec<&[u8]> = self.data.chunks(255).collect();
        let last = parts.len() - 1;
        parts
            .into_iter()
            .enumerate()
            .map(|(i, part)| Command {
                cla: if i == last { self.cla } else { self.cla | 0x10 },
                ins: self.ins,
                p1: self.p1,
                p2: self.p2,
                data: Zeroizing::new(part.to_vec()),
                le: if i == last { self.le } else { None },
            })
            .collect()
    }
}

/// One response APDU: body and status word. Its `Debug` shows the status word and the
/// body's length only (a body can hold a witness, a challenge answer or a private object).
#[derive(Clone, PartialEq, Eq)]
pub struct Response {
    pub data: Zeroizing<Vec<u8>>,
    pub sw: StatusWord,
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("sw", &self.sw)
            .field("data", &format_args!("<{} bytes>", self.data.len()))
            .finish()
    }
}

impl Response {
    /// Splits raw bytes (body + SW1 SW2) as a card returns them.
    pub fn parse(raw: &[u8]) -> Result<Self, ApduError> {
        if raw.len() < 2 {
            return Err(ApduError::ResponseTooShort { len: raw.len() });
        }
        let (body, sw) = raw.split_at(raw.len() - 2);
        Ok(Self { data: Zeroizing::new(body.to_vec()), sw: StatusWord::from_bytes(sw[0], sw[1]) })
    }

    /// The body if the card reported success (`9000`), else the status word as an error.
    pub fn success(self) -> Result<Zeroizing<Vec<u8>>, ApduError> {
        if self.sw == StatusWord::Success {
            Ok(self.data)
        } else {
            Err(ApduError::Status(self.sw))
        }
    }
}

/// Errors of the APDU layer.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApduError {
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error("response of {len} bytes has no status word")]
    ResponseTooShort { len: usize },
    #[error("command data of {len} bytes does not fit a short APDU")]
    DataTooLong { len: usize },
    #[error("card kept answering 61xx after {rounds} GET RESPONSE rounds")]
    EndlessGetResponse { rounds: usize },
    #[error("card response exceeds {limit} bytes")]
    ResponseTooLarge { limit: usize },
    #[error("card answered {0}")]
    Status(StatusWord),
}

/// Sends `cmd` (chained if long) and collects the whole answer, following `61xx` with
/// GET RESPONSE and re-issuing once on `6Cxx` (ISO 7816-4 §5.1.3). Loops are bounded by
/// [`MAX_GET_RESPONSE_ROUNDS`] and [`MAX_RESPONSE_LEN`].
pub fn exchange(transport: &mut dyn Transport, cmd: &Command) -> Result<Response, ApduError> {
    let chunks = cmd.chunks();
    let last = chunks.len() - 1;
    let mut resp = None;
    for (i, chunk) in chunks.iter().enumerate() {
        let r = transmit_one(transport, chunk)?;
        if i < last && r.sw != StatusWord::Success {
            return Ok(r);
        }
        resp = Some(r);
    }
    let Some(first) = resp else {
        return Err(ApduError::ResponseTooShort { len: 0 });
    };
    collect_get_response(transport, cmd.cla & !0x10, first)
}

/// Sends `cmd` once as an extended-length APDU (ISO 7816-4 §5.1, Le of two bytes: up to
/// 65,536 bytes in one response) and collects any `61xx` remainder with GET RESPONSE. No
/// chaining and no `6Cxx` re-issue: a card that does not take extended lengths answers with
/// an error the caller falls back on (see `piv::get_data`).
pub fn exchange_extended(transport: &mut dyn Transport, cmd: &Command) -> Result<Response, ApduError> {
    log::trace!(target: "ecert::apdu", "> (extended) {cmd:?}");
    let raw = transport.transmit(&cmd.to_extended_bytes()?)?;
    if raw.len() > MAX_RESPONSE_LEN + 2 {
        return Err(ApduError::ResponseTooLarge { limit: MAX_RESPONSE_LEN });
    }
    let first = Response::parse(&raw)?;
    collect_get_response(transport, cmd.cla, first)
}

fn transmit_one(transport: &mut dyn Transport, cmd: &Command) -> Result<Response, ApduError> {
    // Command's Debug redacts the data of every command that carries a secret; Response's
    // shows the status word and length only.
    log::trace!(target: "ecert::apdu", "> {cmd:?}");
    let raw = transport.transmit(&cmd.to_short_bytes()?)?;
    let resp = Response::parse(&raw)?;
    log::trace!(target: "ecert::apdu", "< {resp:?}");
    if let StatusWord::WrongLength { exact } = resp.sw {
        // A PIN, PUK or key is never sent twice on the card's word: a 6Cxx to VERIFY is an
        // answer, not a request to repeat (one user attempt = at most one try).
        if cmd.carries_secret() {
            return Ok(resp);
        }
        // 6Cxx: same command again with Le = xx (§5.1.3), once.
        let retry = Command { le: Some(if exact == 0 { 256 } else { u16::from(exact) }), ..cmd.clone() };
        let raw = transport.transmit(&retry.to_short_bytes()?)?;
        return Response::parse(&raw);
    }
    Ok(resp)
}

fn collect_get_response(
    transport: &mut dyn Transport,
    cla: u8,
    first: Response,
) -> Result<Response, ApduError> {
    let mut data = first.data;
    let mut sw = first.sw;
    let mut rounds = 0;
    while let StatusWord::MoreData { available } = sw {
        rounds += 1;
        if rounds > MAX_GET_RESPONSE_ROUNDS {
            return Err(ApduError::EndlessGetResponse { rounds: MAX_GET_RESPONSE_ROUNDS });
        }
        let le = if available == 0 { 256 } else { u16::from(available) };
        let get = Command::new(cla, 0xC0, 0, 0).with_le(le);
        let raw = transport.transmit(&get.to_short_bytes()?)?;
        let next = Response::parse(&raw)?;
        log::trace!(target: "ecert::apdu", "< GET RESPONSE {next:?}");
        if data.len() + next.data.len() > MAX_RESPONSE_LEN {
            return Err(ApduError::ResponseTooLarge { limit: MAX_RESPONSE_LEN });
        }
        data.extend_from_slice(&next.data);
        sw = next.sw;
    }
    Ok(Response { data, sw })
}

#[cfg(test)]
mod tests;
