//! X.509 times (RFC 5280 §4.1.2.5): UTCTime (two-digit years 1950–2049) and
//! GeneralizedTime, to Unix seconds. Our own, rather than `der`'s types, because those
//! refuse dates before 1970 and certificates from 1950 are legal (PKITS 4.2.3). Fractional
//! seconds are kept conservative: a notBefore rounds up and a notAfter down.

use der::asn1::AnyRef;
use der::{Tag, Tagged};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("malformed time {0:?}")]
pub struct TimeError(pub String);

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

/// Unix seconds of a UTCTime/GeneralizedTime, `(floor, ceil)` of any fractional part.
pub fn parse(any: AnyRef<'_>) -> Result<(i64, i64), TimeError> {
    let text = std::str::from_utf8(any.value()).map_err(|_| TimeError("not ASCII".into()))?;
    let bad = || TimeError(text.to_owned());
    let body = text.strip_suffix('Z').ok_or_else(bad)?;
    let digits = |s: &str| -> Result<i64, TimeError> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        s.parse::<i64>().map_err(|_| bad())
    };
    let (year, rest) = match any.tag() {
        Tag::UtcTime => {
            if body.len() != 12 {
                return Err(bad());
            }
            let yy = digits(&body[..2])?;
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, &body[2..])
        }
        Tag::GeneralizedTime => {
            if body.len() < 14 {
                return Err(bad());
            }
            (digits(&body[..4])?, &body[4..])
        }
        _ => return Err(bad()),
    };
    let (main, frac) = match rest.split_once('.') {
        Some((m, f)) => {
            if any.tag() == Tag::UtcTime || f.is_empty() || f.ends_with('0') {
                return Err(bad());
            }
            digits(f)?;
            (m, true)
        }
        None => (rest, false),
    };
    if main.len() != 10 {
        return Err(bad());
    }
    let (mo, d, h, mi, s) = (
        digits(&main[0..2])?,
        digits(&main[2..4])?,
        digits(&main[4..6])?,
        digits(&main[6..8])?,
        digits(&main[8..10])?,
    );
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 59 {
        return Err(bad());
    }
    let secs = days_from_civil(year, mo, d) * 86_400 + h * 3600 + mi * 60 + s;
    Ok((secs, if frac { secs + 1 } else { secs }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::Decode;

    #[test]
    fn utc_and_generalized() {
        let utc = [0x17, 13, b'5', b'0', b'0', b'1', b'0', b'1', b'1', b'2', b'0', b'0', b'0', b'0', b'Z'];
        assert_eq!(parse(AnyRef::from_der(&utc).unwrap()).unwrap().0, -631_108_800);
        let gen = b"\x18\x0f20240101000000Z";
        assert_eq!(parse(AnyRef::from_der(gen).unwrap()).unwrap(), (1_704_067_200, 1_704_067_200));
        let frac = b"\x18\x1120240101000000.5Z";
        assert_eq!(parse(AnyRef::from_der(frac).unwrap()).unwrap(), (1_704_067_200, 1_704_067_201));
        let bad = b"\x18\x0f20241301000000Z";
        assert!(parse(AnyRef::from_der(bad).unwrap()).is_err());
    }
}

/// Unix seconds of an RFC 3339 time such as `2026-06-01T00:00:00Z` or
/// `2024-01-01T00:00:00+00:00` (fractional seconds ignored).
#[allow(clippy::many_single_char_names)] // y, d, h, s: the date's own fields
pub fn parse_rfc3339(s: &str) -> Result<i64, TimeError> {
    let bad = || TimeError(s.to_owned());
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !(b[10] == b'T' || b[10] == b't' || b[10] == b' ') {
        return Err(bad());
    }
    let num = |a: usize, z: usize| s.get(a..z).and_then(|x| x.parse::<i64>().ok()).ok_or_else(bad);
    let (y, mo, d, h, mi, sec) =
        (num(0, 4)?, num(5, 7)?, num(8, 10)?, num(11, 13)?, num(14, 16)?, num(17, 19)?);
    let mut rest = &s[19..];
    if let Some(r) = rest.strip_prefix('.') {
        rest = r.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 && (rest.starts_with('+') || rest.starts_with('-')) => {
            let sign = if rest.starts_with('-') { -1 } else { 1 };
            let oh = rest[1..3].parse::<i64>().map_err(|_| bad())?;
            let om = rest[4..6].parse::<i64>().map_err(|_| bad())?;
            sign * (oh * 3600 + om * 60)
        }
        _ => return Err(bad()),
    };
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return Err(bad());
    }
    Ok(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec - offset)
}

#[cfg(test)]
mod rfc3339_tests {
    #[test]
    fn offsets() {
        assert_eq!(super::parse_rfc3339("2024-01-01T00:00:00Z").unwrap(), 1_704_067_200);
        assert_eq!(super::parse_rfc3339("2024-01-01T08:00:00+08:00").unwrap(), 1_704_067_200);
        assert!(super::parse_rfc3339("yesterday").is_err());
    }
}
