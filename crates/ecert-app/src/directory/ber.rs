//! A bounded look at LDAP's BER framing (RFC 4511 §5.1: definite lengths only; X.690 §8.1):
//! where one LDAPMessage ends, and whether it nests deeper than we allow — before `ldap3`'s
//! decoder (`lber`) sees it. `lber` recurses once per nesting level without a limit and
//! buffers a message of any declared length, so a hostile server could exhaust the stack or
//! memory; the relay (`relay`) passes on only messages this module accepted.

/// Deepest nesting of constructed values accepted in one message. A SearchResultEntry is
/// about 5 levels deep; controls and extended responses add a few.
pub const MAX_DEPTH: usize = 32;

/// Why a message is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BerProblem {
    #[error("an LDAP message declares {declared} bytes, more than the {limit} allowed")]
    TooLarge { declared: u64, limit: usize },
    #[error("an LDAP message is nested deeper than {limit} levels")]
    TooDeep { limit: usize },
    #[error("an LDAP message is malformed BER ({detail})")]
    Malformed { detail: &'static str },
}

/// Tag and length header of one TLV at the start of `buf`: (header length, content length).
/// `Ok(None)` when more bytes are needed.
pub fn header(buf: &[u8]) -> Result<Option<(usize, u64)>, BerProblem> {
    let Some(&first) = buf.first() else { return Ok(None) };
    let mut i = 1;
    if first & 0x1f == 0x1f {
        // High tag number: base-128 octets, at most 4 (tag numbers up to 2^28).
        loop {
            let Some(&b) = buf.get(i) else { return Ok(None) };
            i += 1;
            if b & 0x80 == 0 {
                break;
            }
            if i > 5 {
                return Err(BerProblem::Malformed { detail: "tag number too long" });
            }
        }
    }
    let Some(&l) = buf.get(i) else { return Ok(None) };
    i += 1;
    if l < 0x80 {
        return Ok(Some((i, u64::from(l))));
    }
    let n = usize::from(l & 0x7f);
    if n == 0 {
        return Err(BerProblem::Malformed { detail: "indefinite length (not allowed in LDAP)" });
    }
    if n > 8 {
        return Err(BerProblem::Malformed { detail: "length of more than 8 octets" });
    }
    let Some(bytes) = buf.get(i..i + n) else { return Ok(None) };
    let len = bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    Ok(Some((i + n, len)))
}

/// The size of the complete message at the start of `buf` once it has all arrived
/// (`Ok(None)` until then), refusing one that declares more than `max_bytes` as soon as its
/// header is seen and one nested deeper than [`MAX_DEPTH`] once complete.
pub fn complete_message(buf: &[u8], max_bytes: usize) -> Result<Option<usize>, BerProblem> {
    let Some((head, len)) = header(buf)? else { return Ok(None) };
    let total = u64::try_from(head).unwrap_or(u64::MAX).saturating_add(len);
    if total > u64::try_from(max_bytes).unwrap_or(u64::MAX) {
        return Err(BerProblem::TooLarge { declared: len, limit: max_bytes });
    }
    let total =
        usize::try_from(total).map_err(|_| BerProblem::TooLarge { declared: len, limit: max_bytes })?;
    if buf.len() < total {
        return Ok(None);
    }
    check_depth(&buf[..total])?;
    Ok(Some(total))
}

/// Walks every TLV of a complete message with an explicit stack (no recursion), checking
/// that each value fits in its parent and that constructed values nest at most
/// [`MAX_DEPTH`] deep.
fn check_depth(msg: &[u8]) -> Result<(), BerProblem> {
    let malformed = |detail| BerProblem::Malformed { detail };
    // Ends of the open constructed values.
    let mut ends: Vec<usize> = vec![msg.len()];
    let mut pos = 0;
    while pos < msg.len() {
        while ends.last().is_some_and(|&e| pos >= e) {
            ends.pop();
        }
        let (head, len) = header(&msg[pos..])?.ok_or_else(|| malformed("truncated header"))?;
        let len = usize::try_from(len).map_err(|_| malformed("length too large"))?;
        let end =
            pos.checked_add(head).and_then(|p| p.checked_add(len)).ok_or_else(|| malformed("overflow"))?;
        if ends.last().is_some_and(|&e| end > e) {
            return Err(malformed("a value runs past its parent"));
        }
        if msg[pos] & 0x20 != 0 {
            ends.push(end);
            if ends.len() > MAX_DEPTH + 1 {
                return Err(BerProblem::TooDeep { limit: MAX_DEPTH });
            }
            pos += head;
        } else {
            pos = end;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// `depth` nested SEQUENCEs around an INTEGER, definite lengths.
    pub(crate) fn nested(depth: usize) -> Vec<u8> {
        let mut v = vec![0x02, 0x01, 0x05];
        for _ in 0..depth {
            let len = v.len();
            let mut h = vec![0x30, 0x84];
            h.extend(u32::try_from(len).unwrap().to_be_bytes());
            h.extend(v);
            v = h;
        }
        v
    }

    #[test]
    fn framing_waits_for_the_whole_message() {
        let m = nested(3);
        for cut in 0..m.len() {
            assert_eq!(complete_message(&m[..cut], 1 << 20), Ok(None), "{cut}");
        }
        let mut two = m.clone();
        two.extend(&m);
        assert_eq!(complete_message(&two, 1 << 20), Ok(Some(m.len())));
    }

    #[test]
    fn depth_is_bounded() {
        assert!(complete_message(&nested(MAX_DEPTH), 1 << 20).unwrap().is_some());
        assert_eq!(
            complete_message(&nested(MAX_DEPTH + 1), 1 << 20),
            Err(BerProblem::TooDeep { limit: MAX_DEPTH })
        );
        assert_eq!(
            complete_message(&nested(100_000), 1 << 30),
            Err(BerProblem::TooDeep { limit: MAX_DEPTH })
        );
    }

    #[test]
    fn huge_declared_length_is_refused_from_the_header() {
        assert_eq!(
            complete_message(&[0x30, 0x84, 0x7f, 0xff, 0xff, 0xff], 1 << 20),
            Err(BerProblem::TooLarge { declared: 0x7fff_ffff, limit: 1 << 20 })
        );
        assert!(complete_message(&[0x30, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9], 1 << 20).is_err());
        assert!(complete_message(&[0x30, 0x80, 0, 0], 1 << 20).is_err(), "indefinite");
    }

    #[test]
    fn inner_lengths_must_fit() {
        // SEQUENCE of 3 bytes holding an INTEGER claiming 5.
        assert!(matches!(
            complete_message(&[0x30, 0x03, 0x02, 0x05, 0x00], 100),
            Err(BerProblem::Malformed { .. })
        ));
    }
}
