//! BER-TLV as smart cards use it (ISO/IEC 7816-4 §5.2, SP 800-73-4 Part 2 §3.3): one- and
//! two-byte tags, definite lengths up to three length bytes. Card data is hostile: every
//! length is checked against what is left, nothing is allocated before it is checked.
//!
//! Hand-written because the RustCrypto `der` crate parses DER (universal tags, minimal
//! lengths), not the application-class BER-TLV of card responses.

/// One TLV: tag (as read, 1–2 bytes packed big-endian) and value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tlv<'a> {
    pub tag: u16,
    pub value: &'a [u8],
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TlvError {
    #[error("TLV truncated at offset {offset}")]
    Truncated { offset: usize },
    #[error("TLV length form {byte:#04x} not supported at offset {offset}")]
    BadLength { offset: usize, byte: u8 },
    #[error("TLV tag {tag:#06x} not found")]
    Missing { tag: u16 },
    /// A value of 65,536 bytes or more: BER-TLV as PIV uses it (SP 800-73-4 Part 2 §3.3)
    /// writes at most two length bytes, and no card object is that large.
    #[error("TLV value of {len} bytes is too long to encode")]
    TooLong { len: usize },
}

/// Reads the TLV at the start of `input`; returns it and the rest.
pub fn read(input: &[u8], base: usize) -> Result<(Tlv<'_>, &[u8]), TlvError> {
    let trunc = |at: usize| TlvError::Truncated { offset: base + at };
    let first = *input.first().ok_or(trunc(0))?;
    let (tag, mut pos) = if first & 0x1F == 0x1F {
        let second = *input.get(1).ok_or(trunc(1))?;
        if second & 0x80 != 0 {
            // Three-byte tags do not occur in PIV or ISO 7816 card responses we read.
            return Err(TlvError::BadLength { offset: base + 1, byte: second });
        }
        (u16::from_be_bytes([first, second]), 2)
    } else {
        (u16::from(first), 1)
    };
    let len_byte = *input.get(pos).ok_or(trunc(pos))?;
    pos += 1;
    let len = match len_byte {
        0x00..=0x7F => usize::from(len_byte),
        0x81..=0x83 => {
            let n = usize::from(len_byte & 0x7F);
            let bytes = input.get(pos..pos + n).ok_or(trunc(pos))?;
            pos += n;
            bytes.iter().fold(0usize, |acc, b| (acc << 8) | usize::from(*b))
        }
        other => return Err(TlvError::BadLength { offset: base + pos - 1, byte: other }),
    };
    let value = input.get(pos..pos + len).ok_or(trunc(pos))?;
    Ok((Tlv { tag, value }, &input[pos + len..]))
}

/// Reads all TLVs at one level.
pub fn read_all(mut input: &[u8]) -> Result<Vec<Tlv<'_>>, TlvError> {
    let total = input.len();
    let mut out = Vec::new();
    while !input.is_empty() {
        let (tlv, rest) = read(input, total - input.len())?;
        out.push(tlv);
        input = rest;
    }
    Ok(out)
}

/// Finds the first TLV with `tag` at one level.
pub fn find(input: &[u8], tag: u16) -> Result<&[u8], TlvError> {
    read_all(input)?.into_iter().find(|t| t.tag == tag).map(|t| t.value).ok_or(TlvError::Missing { tag })
}

/// Encodes a length in BER definite form (up to 65535, the PIV maximum).
#[allow(clippy::cast_possible_truncation)] // each arm bounds the value it casts
pub fn encode_len(len: usize, out: &mut Vec<u8>) -> Result<(), TlvError> {
    match len {
        0..=0x7F => out.push(len as u8),
        0x80..=0xFF => out.extend_from_slice(&[0x81, len as u8]),
        0x100..=0xFFFF => out.extend_from_slice(&[0x82, (len >> 8) as u8, len as u8]),
        // Was silently cut to its low 16 bits: a corrupt object written to the card.
        _ => return Err(TlvError::TooLong { len }),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_of_64_kib_and_more_are_refused() {
        let mut out = Vec::new();
        encode_len(0xFFFF, &mut out).unwrap();
        assert_eq!(out, [0x82, 0xFF, 0xFF]);
        let mut out = Vec::new();
        assert_eq!(encode_len(0x1_0000, &mut out), Err(TlvError::TooLong { len: 0x1_0000 }));
        assert!(out.is_empty(), "nothing written for a refused length");
    }

    #[test]
    fn reads_nested_and_long_lengths() {
        let mut data = vec![0x53, 0x82, 0x01, 0x04, 0x70, 0x81, 0xFC];
        data.extend(std::iter::repeat_n(0xAB, 0xFC));
        data.extend_from_slice(&[0x71, 0x01, 0x00, 0xFE, 0x00]);
        let outer = find(&data, 0x53).unwrap();
        assert_eq!(find(outer, 0x70).unwrap().len(), 0xFC);
        assert_eq!(find(outer, 0x71).unwrap(), &[0]);
        assert_eq!(find(outer, 0xFE).unwrap(), &[] as &[u8]);
    }

    #[test]
    fn two_byte_tags() {
        let data = [0x5F, 0x2F, 0x02, 0x40, 0x10];
        assert_eq!(read_all(&data).unwrap()[0].tag, 0x5F2F);
    }

    #[test]
    fn hostile_lengths_are_errors() {
        assert!(matches!(read_all(&[0x53, 0x82, 0xFF, 0xFF, 0x00]), Err(TlvError::Truncated { .. })));
        assert!(matches!(read_all(&[0x53, 0x84, 1, 1, 1, 1]), Err(TlvError::BadLength { .. })));
        assert!(matches!(read_all(&[0x53]), Err(TlvError::Truncated { .. })));
        assert!(matches!(read_all(&[0x5F]), Err(TlvError::Truncated { .. })));
        assert!(matches!(find(&[0x01, 0x00], 0x02), Err(TlvError::Missing { tag: 2 })));
    }
}
