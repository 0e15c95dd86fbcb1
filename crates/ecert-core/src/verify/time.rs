//! X.509 times (RFC 5280 §4.1.2.5): UTCTime (two-digit years 1950–2049) and
//! GeneralizedTime, to Unix seconds. Our own, rather than `der`'s types, because those
//! refuse dates before 1970 and certificates from 1950 are legal (PKITS 4.2.3). Fractional
//! seconds are kept conservative: a notBefore rounds up and a notAfter down.
//!
//! Every reader here works on bytes and accepts ASCII digits only (X.680 §46/§47 restrict
//! both types to a subset of VisibleString): the content comes from certificates, CRLs,
//! OCSP answers and the command line, and a string slice at a byte offset inside a
//! multi-byte character would panic.

use der::asn1::AnyRef;
use der::{Tag, Tagged};

/// A time that is not in the form RFC 5280 §4.1.2.5 (or RFC 3339 for `--at`) requires.
/// Carries the offending content, non-ASCII bytes escaped (`\xc3`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("malformed time {0:?}")]
pub struct TimeError(pub String);

impl TimeError {
    fn of(bytes: &[u8]) -> Self {
        Self(bytes.escape_ascii().to_string())
    }
}

/// Days from 1970-01-01 to a civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The value of a run of 1–4 ASCII digits; `None` for anything else (signs, spaces,
/// non-ASCII bytes), so no field can overflow.
fn digits(b: &[u8]) -> Option<i64> {
    if b.is_empty() || b.len() > 4 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0, |acc, d| acc * 10 + i64::from(d - b'0')))
}

/// `n` digits at `at` in `b`, if they are there.
fn field(b: &[u8], at: usize, n: usize) -> Option<i64> {
    digits(b.get(at..at.checked_add(n)?)?)
}

/// Unix seconds of a UTCTime/GeneralizedTime, `(floor, ceil)` of any fractional part.
pub fn parse(any: AnyRef<'_>) -> Result<(i64, i64), TimeError> {
    parse_bytes(any.tag(), any.value())
}

/// [`parse`] on the content octets of a time with tag `tag`.
pub fn parse_bytes(tag: Tag, value: &[u8]) -> Result<(i64, i64), TimeError> {
    let bad = || TimeError::of(value);
    let body = value.strip_suffix(b"Z").ok_or_else(bad)?;
    let (year, rest) = match tag {
        Tag::UtcTime => {
            if body.len() != 12 {
                return Err(bad());
            }
            let yy = field(body, 0, 2).ok_or_else(bad)?;
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, body.get(2..).ok_or_else(bad)?)
        }
        Tag::GeneralizedTime => {
            if body.len() < 14 {
                return Err(bad());
            }
            (field(body, 0, 4).ok_or_else(bad)?, body.get(4..).ok_or_else(bad)?)
        }
        _ => return Err(bad()),
    };
    let (main, frac) = match rest.iter().position(|&b| b == b'.') {
        Some(dot) => {
            let f = rest.get(dot + 1..).ok_or_else(bad)?;
            if tag == Tag::UtcTime || f.is_empty() || f.ends_with(b"0") || !f.iter().all(u8::is_ascii_digit) {
                return Err(bad());
            }
            (rest.get(..dot).ok_or_else(bad)?, true)
        }
        None => (rest, false),
    };
    if main.len() != 10 {
        return Err(bad());
    }
    let f = |at| field(main, at, 2).ok_or_else(bad);
    let (mo, d, h, mi, s) = (f(0)?, f(2)?, f(4)?, f(6)?, f(8)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 59 {
        return Err(bad());
    }
    let secs = days_from_civil(year, mo, d) * 86_400 + h * 3600 + mi * 60 + s;
    Ok((secs, if frac { secs + 1 } else { secs }))
}

/// Unix seconds of an RFC 3339 time such as `2026-06-01T00:00:00Z` or
/// `2024-01-01T00:00:00+00:00` (fractional seconds ignored). ASCII only: any other byte
/// is an error, never a panic.
#[allow(clippy::many_single_char_names)] // y, d, h, s: the date's own fields
pub fn parse_rfc3339(s: &str) -> Result<i64, TimeError> {
    let bad = || TimeError::of(s.as_bytes());
    let b = s.as_bytes();
    let at = |i: usize| b.get(i).copied();
    if b.len() < 20
        || at(4) != Some(b'-')
        || at(7) != Some(b'-')
        || !matches!(at(10), Some(b'T' | b't' | b' '))
        || at(13) != Some(b':')
        || at(16) != Some(b':')
    {
        return Err(bad());
    }
    let num = |a: usize, n: usize| field(b, a, n).ok_or_else(bad);
    let (y, mo, d, h, mi, sec) = (num(0, 4)?, num(5, 2)?, num(8, 2)?, num(11, 2)?, num(14, 2)?, num(17, 2)?);
    let mut rest = b.get(19..).ok_or_else(bad)?;
    if let Some(r) = rest.strip_prefix(b".") {
        let n = r.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return Err(bad());
        }
        rest = r.get(n..).ok_or_else(bad)?;
    }
    let offset = match rest {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let oh = digits(&[*h1, *h2]).ok_or_else(bad)?;
            let om = digits(&[*m1, *m2]).ok_or_else(bad)?;
            if oh > 23 || om > 59 {
                return Err(bad());
            }
            (if *sign == b'-' { -1 } else { 1 }) * (oh * 3600 + om * 60)
        }
        _ => return Err(bad()),
    };
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return Err(bad());
    }
    Ok(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec - offset)
}

/// Seconds since the epoch as `YYYY-MM-DDThh:mm:ssZ` (proleptic Gregorian, civil-from-days).
pub fn rfc3339(unix: u64) -> String {
    let days = i64::try_from(unix / 86_400).unwrap_or(0);
    let secs = unix % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs % 3600 / 60, secs % 60)
}

#[cfg(test)]
mod tests;
