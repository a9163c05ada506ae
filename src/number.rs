//! Numbers as written in reports: `98`, `３１`, `3,119`, `14900.48`, `-1`.
//!
//! Values are kept in fixed point (four decimals) so that sums of amounts in 万元 are
//! exact and a table cell compares equal to the same figure written in the text.

use std::fmt;

/// A decimal number with four fractional digits, stored as an integer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Num(i64);

/// Six decimals: fees in 万元 are written to the 分 (`24252.311082`).
const SCALE: i64 = 1_000_000;
const MAX_FRAC_DIGITS: usize = 6;
const MAX_INT_DIGITS: usize = 12;

impl Num {
    pub const ZERO: Num = Num(0);

    pub fn from_int(v: i64) -> Num {
        Num(v.saturating_mul(SCALE))
    }

    pub fn is_integer(self) -> bool {
        self.0 % SCALE == 0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn checked_add(self, other: Num) -> Option<Num> {
        self.0.checked_add(other.0).map(Num)
    }

    pub fn checked_sub(self, other: Num) -> Option<Num> {
        self.0.checked_sub(other.0).map(Num)
    }

    pub fn checked_mul_int(self, k: i64) -> Option<Num> {
        self.0.checked_mul(k).map(Num)
    }

    /// The stored integer (millionths), for a compact binary encoding (`spill`).
    pub fn to_raw(self) -> i64 {
        self.0
    }

    /// The number whose stored integer is `raw` (the inverse of `to_raw`).
    pub fn from_raw(raw: i64) -> Num {
        Num(raw)
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let int = abs / SCALE as u64;
        let frac = abs % SCALE as u64;
        if frac == 0 {
            write!(f, "{sign}{int}")
        } else {
            let digits = format!("{frac:06}");
            write!(f, "{sign}{int}.{}", digits.trim_end_matches('0'))
        }
    }
}

/// Parses a cell or figure that is only a number. Accepts ASCII and full-width
/// digits, thousands separators (`,` `，` between groups of three), one decimal point
/// and a leading minus sign. Anything else (including an empty string) is `None`.
pub fn parse_number(s: &str) -> Option<Num> {
    // Most cells are a few ASCII digits (`0`, `24`): read from the bytes, without
    // trimming or folding (the general path gives the same value).
    let b = s.as_bytes();
    if !b.is_empty() && b.len() <= MAX_INT_DIGITS && b.iter().all(u8::is_ascii_digit) {
        let int = b.iter().fold(0i64, |v, &d| v * 10 + i64::from(d - b'0'));
        return Some(Num(int * SCALE));
    }
    parse_general(s)
}

/// `parse_number` for every form (see there).
fn parse_general(s: &str) -> Option<Num> {
    let s = s.trim();
    let mut chars = s.chars().map(crate::text::fold_char).peekable();
    let negative = match chars.peek() {
        Some('-') | Some('−') => {
            chars.next();
            true
        }
        _ => false,
    };
    // Digits are counted and accumulated as they come (no string per cell: every
    // token of every table goes through here). Past the limits the value is not used.
    let (mut int, mut int_len) = (0i64, 0usize);
    let (mut frac, mut frac_len) = (0i64, 0usize);
    let mut seen_point = false;
    let mut group_len: Option<usize> = None; // digits since the last thousands separator
    for c in chars {
        match c {
            '0'..='9' => {
                let digit = i64::from(c as u8 - b'0');
                if seen_point {
                    frac_len += 1;
                    if frac_len <= MAX_FRAC_DIGITS {
                        frac = frac * 10 + digit;
                    }
                } else {
                    int_len += 1;
                    if int_len <= MAX_INT_DIGITS {
                        int = int * 10 + digit;
                    }
                    if let Some(n) = group_len.as_mut() {
                        *n += 1;
                    }
                }
            }
            ',' if !seen_point && int_len > 0 => {
                if let Some(n) = group_len
                    && n != 3
                {
                    return None;
                }
                if group_len.is_none() && int_len > 3 {
                    return None;
                }
                group_len = Some(0);
            }
            '.' if !seen_point && int_len > 0 => seen_point = true,
            _ => return None,
        }
    }
    if int_len == 0 || group_len.is_some_and(|n| n != 3) {
        return None;
    }
    if seen_point && frac_len == 0 {
        return None;
    }
    if int_len > MAX_INT_DIGITS || frac_len > MAX_FRAC_DIGITS {
        return None;
    }
    let frac = frac * 10_i64.pow((MAX_FRAC_DIGITS - frac_len) as u32);
    let value = int.checked_mul(SCALE)?.checked_add(frac)?;
    Some(Num(if negative { -value } else { value }))
}

/// Regex for one figure (named capture `n`): Arabic digits (ASCII or full-width, with
/// thousands separators and decimals) or Chinese numerals.
pub const NUMBER_PATTERN: &str = r"(?P<n>[0-9０-９](?:[0-9０-９]|[,，][0-9０-９]{3})*(?:[.．][0-9０-９]+)?|[零〇一二两三四五六七八九十百千万]+)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_report_numbers() {
        assert_eq!(parse_number("98"), Some(Num::from_int(98)));
        assert_eq!(parse_number("３１"), Some(Num::from_int(31)));
        assert_eq!(parse_number("3,119"), Some(Num::from_int(3119)));
        assert_eq!(parse_number("-1"), Some(Num::from_int(-1)));
        assert_eq!(
            parse_number("14900.48").map(|n| n.to_string()),
            Some("14900.48".into())
        );
        assert_eq!(
            parse_number("96171.6").map(|n| n.to_string()),
            Some("96171.6".into())
        );
        assert_eq!(
            parse_number("24252.311082").map(|n| n.to_string()),
            Some("24252.311082".into())
        );
        assert_eq!(parse_number("1.2345678"), None);
        // At most twelve integer digits, leading zeros included.
        assert_eq!(parse_number("000000000001"), Some(Num::from_int(1)));
        assert_eq!(
            parse_number("999999999999"),
            Some(Num::from_int(999_999_999_999))
        );
        assert_eq!(parse_number("0000000000001"), None);
        assert_eq!(parse_number(&"9".repeat(40)), None);
        assert_eq!(parse_number("１,２３４.５"), parse_number("1234.5"));
    }

    #[test]
    fn rejects_non_numbers() {
        for s in [
            "", "-", "/", "1.", "1,23", "12,3456", "2024年", "1.属于", "?08", "1.2.3",
        ] {
            assert_eq!(parse_number(s), None, "{s}");
        }
    }

    #[test]
    fn the_digit_fast_path_is_the_general_reading() {
        let pieces = [
            "0", "1", "7", "9", "00", "123456", "0", "42", ",", ".", " ", "-", "０", "a",
        ];
        let mut next = crate::test_rng::below(0x51A7_E3C1_0B2D_4F69);
        let mut read = 0;
        for _ in 0..20_000 {
            let len = 1 + next(5);
            let s: String = (0..len).map(|_| pieces[next(pieces.len())]).collect();
            assert_eq!(parse_number(&s), parse_general(&s), "{s:?}");
            read += usize::from(parse_general(&s).is_some());
        }
        assert!(read > 3_000 && read < 19_000, "{read}");
        assert_eq!(parse_number("999999999999"), parse_general("999999999999"));
        assert_eq!(parse_number("0000000000001"), None);
    }

    #[test]
    fn decimal_arithmetic_is_exact() {
        let a = parse_number("0.1").unwrap_or_default();
        let b = parse_number("0.2").unwrap_or_default();
        assert_eq!(a.checked_add(b), parse_number("0.3"));
        assert!(!a.is_integer());
    }
}
