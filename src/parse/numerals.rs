//! Finds the numerals that may start a heading: `三、` / `3.` before a section title,
//! `（三）` / `3.` before a sub-part title. A hand-written scan, because it runs over
//! the whole text of every report and the digits of its tables: the equivalent regexes
//! (kept in the tests as the reference) confirm a candidate at every digit, which cost
//! as much as the rest of heading detection.
//!
//! The matches are those of the regexes, leftmost first and not overlapping:
//!
//! * sections: `([一二三四五六七八九十]{1,2})[、，,．]|([1-9])[、．.]`
//! * sub-parts: `[（(]([一二三四五六七八九十]{1,2})[）)]|([1-9])[、．.]`

use std::ops::Range;

/// A numeral found: the whole match (numeral and its marks) and the numeral alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumeralHit {
    pub whole: Range<usize>,
    pub numeral: Range<usize>,
    /// `3.` rather than `三、` (sections) or `（三）` (sub-parts).
    pub arabic: bool,
}

/// Section numerals of `text`, in order.
pub fn sections(text: &str) -> impl Iterator<Item = NumeralHit> + '_ {
    scan(text, false)
}

/// Sub-part numerals of `text`, in order.
pub fn parts(text: &str) -> impl Iterator<Item = NumeralHit> + '_ {
    scan(text, true)
}

fn scan(text: &str, parts: bool) -> impl Iterator<Item = NumeralHit> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        let hit = next_hit(text, at, parts)?;
        at = hit.whole.end;
        Some(hit)
    })
}

/// The first match starting at or after `from`. Only the bytes are compared — with the
/// UTF-8 forms of the numerals and marks — and nothing is decoded: a match starts only
/// at a digit `1`–`9`, at a Chinese numeral (sections, lead byte `E4`/`E5`) or at `(` /
/// `（` (sub-parts, lead byte `EF`). The walk steps over whole characters, their length
/// told by the lead byte, with one table lookup per character (`STEP`: the length, or 0
/// for a byte a match may start at), so every position it tests is a boundary.
fn next_hit(text: &str, from: usize, parts: bool) -> Option<NumeralHit> {
    let bytes = text.as_bytes();
    let step = if parts { &PART_STEP } else { &SECTION_STEP };
    let mut i = from;
    while i < bytes.len() {
        let width = step[usize::from(bytes[i])];
        if width > 0 {
            i += usize::from(width);
            continue;
        }
        let rest = &bytes[i..];
        let hit = match rest[0] {
            b'1'..=b'9' => {
                let mark = arabic_mark_len(&rest[1..]);
                (mark > 0).then(|| NumeralHit {
                    whole: i..i + 1 + mark,
                    numeral: i..i + 1,
                    arabic: true,
                })
            }
            b'(' => chinese_at(bytes, i, 1, parts),
            0xEF if rest.starts_with(FULL_OPEN) => chinese_at(bytes, i, FULL_OPEN.len(), parts),
            // Most characters of Chinese text with these lead bytes are no numeral:
            // told here by their first bytes, before any other test.
            0xE4 | 0xE5 if numeral_len(rest) == 0 => {
                i += 3;
                continue;
            }
            0xE4 | 0xE5 => chinese_at(bytes, i, 0, parts),
            _ => None,
        };
        if hit.is_some() {
            return hit;
        }
        i += utf8_width(rest[0]);
    }
    None
}

/// Per byte: 0 where a match may start (`1`–`9`, and the lead bytes of the Chinese
/// numerals for sections or of the brackets for sub-parts), else the length of the
/// character it leads (`utf8_width`).
static SECTION_STEP: [u8; 256] = step_table(false);
static PART_STEP: [u8; 256] = step_table(true);

const fn step_table(parts: bool) -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = utf8_width(b as u8) as u8;
        b += 1;
    }
    let mut d = b'1';
    while d <= b'9' {
        t[d as usize] = 0;
        d += 1;
    }
    if parts {
        t[b'(' as usize] = 0;
        t[0xEF] = 0;
    } else {
        t[0xE4] = 0;
        t[0xE5] = 0;
    }
    t
}

/// Length of the character whose first byte is `lead` (`i` stays on boundaries).
const fn utf8_width(lead: u8) -> usize {
    match lead {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xFF => 4,
        // A continuation byte is never a character's first byte in a `str`.
        _ => 1,
    }
}

/// `（`, `）`, `、`, `，`, `．` in UTF-8.
const FULL_OPEN: &[u8] = "（".as_bytes();
const FULL_CLOSE: &[u8] = "）".as_bytes();
const IDEOGRAPHIC_COMMA: &[u8] = "、".as_bytes();
const FULL_COMMA: &[u8] = "，".as_bytes();
const FULL_STOP: &[u8] = "．".as_bytes();

/// Byte length of the Chinese numeral (一…十) `bytes` starts with, else 0.
#[inline]
fn numeral_len(bytes: &[u8]) -> usize {
    match bytes {
        // 一 三 七, 二 五, 九, 四, 六 八, 十
        [0xE4, 0xB8, 0x80 | 0x89 | 0x83, ..]
        | [0xE4, 0xBA, 0x8C | 0x94, ..]
        | [0xE4, 0xB9, 0x9D, ..]
        | [0xE5, 0x9B, 0x9B, ..]
        | [0xE5, 0x85, 0xAD | 0xAB, ..]
        | [0xE5, 0x8D, 0x81, ..] => 3,
        _ => 0,
    }
}

/// Byte length of the mark after an Arabic numeral (`、．.`) `bytes` starts with, else 0.
fn arabic_mark_len(bytes: &[u8]) -> usize {
    if bytes.first() == Some(&b'.') {
        1
    } else if bytes.starts_with(IDEOGRAPHIC_COMMA) || bytes.starts_with(FULL_STOP) {
        3
    } else {
        0
    }
}

/// Byte length of the mark after a section's Chinese numeral (`、，,．`), else 0.
fn section_mark_len(bytes: &[u8]) -> usize {
    if bytes.first() == Some(&b',') {
        1
    } else if bytes.starts_with(IDEOGRAPHIC_COMMA)
        || bytes.starts_with(FULL_COMMA)
        || bytes.starts_with(FULL_STOP)
    {
        3
    } else {
        0
    }
}

/// Byte length of the bracket closing a sub-part's numeral (`）)`), else 0.
fn close_len(bytes: &[u8]) -> usize {
    if bytes.first() == Some(&b')') {
        1
    } else if bytes.starts_with(FULL_CLOSE) {
        3
    } else {
        0
    }
}

/// A Chinese numeral match starting at `start`, its numeral `open` bytes later (after
/// the opening bracket of a sub-part): one or two numerals, then the closing mark. A
/// first numeral followed by another must take both (the second is no mark).
fn chinese_at(bytes: &[u8], start: usize, open: usize, parts: bool) -> Option<NumeralHit> {
    let from = start + open;
    let first = numeral_len(bytes.get(from..)?);
    if first == 0 {
        return None;
    }
    let mut end = from + first;
    end += numeral_len(&bytes[end..]);
    let mark = if parts {
        close_len(&bytes[end..])
    } else {
        section_mark_len(&bytes[end..])
    };
    (mark > 0).then(|| NumeralHit {
        whole: start..end + mark,
        numeral: from..end,
        arabic: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    /// The patterns the scan replaces (see the module comment).
    fn reference(parts: bool) -> Regex {
        let pattern = if parts {
            r"[（(]([一二三四五六七八九十]{1,2})[）)]|([1-9])[、．.]"
        } else {
            r"([一二三四五六七八九十]{1,2})[、，,．]|([1-9])[、．.]"
        };
        Regex::new(pattern).expect("valid regex")
    }

    fn expected(re: &Regex, text: &str) -> Vec<NumeralHit> {
        re.captures_iter(text)
            .filter_map(|m| {
                let whole = m.get(0)?.range();
                let (numeral, arabic) = match (m.get(1), m.get(2)) {
                    (Some(n), _) => (n.range(), false),
                    (None, Some(n)) => (n.range(), true),
                    _ => return None,
                };
                Some(NumeralHit {
                    whole,
                    numeral,
                    arabic,
                })
            })
            .collect()
    }

    #[test]
    fn the_scan_finds_what_the_patterns_find() {
        let pieces = [
            "一",
            "十",
            "二",
            "三十",
            "、",
            "，",
            ",",
            "．",
            ".",
            "（",
            "(",
            "）",
            ")",
            "1",
            "0",
            "9",
            "12",
            "总体",
            "情况",
            " ",
            "\n",
            "|",
            "a",
            "。",
            "é",
            "\u{1F600}",
            "\u{FF10}",
        ];
        let (sections_re, parts_re) = (reference(false), reference(true));
        let mut next = crate::test_rng::below(0x2545_F491_4F6C_DD1D);
        let (mut found_sections, mut found_parts) = (0, 0);
        for _ in 0..3000 {
            let len = next(16);
            let text: String = (0..len).map(|_| pieces[next(pieces.len())]).collect();
            let want = expected(&sections_re, &text);
            assert_eq!(sections(&text).collect::<Vec<_>>(), want, "{text:?}");
            found_sections += want.len();
            let want = expected(&parts_re, &text);
            assert_eq!(parts(&text).collect::<Vec<_>>(), want, "{text:?}");
            found_parts += want.len();
        }
        assert!(
            found_sections > 200 && found_parts > 200,
            "{found_sections} {found_parts}"
        );
    }

    #[test]
    fn numerals_and_marks_by_their_bytes() {
        let numerals = "一二三四五六七八九十";
        for c in ('\u{3000}'..='\u{9FFF}').chain(['（', '）', '，', '．']) {
            let s = format!("{c}x");
            let b = s.as_bytes();
            assert_eq!(numeral_len(b) > 0, numerals.contains(c), "{c}");
            assert_eq!(arabic_mark_len(b) > 0, "、．".contains(c), "{c}");
            assert_eq!(section_mark_len(b) > 0, "、，．".contains(c), "{c}");
            assert_eq!(close_len(b) > 0, c == '）', "{c}");
        }
    }

    #[test]
    fn headings_and_their_numerals() {
        let text = "一、总体情况\n十一，其他\n（三）不予公开\n3.其他 12.5";
        let got: Vec<&str> = sections(text).map(|h| &text[h.numeral]).collect();
        assert_eq!(got, ["一", "十一", "3", "2"]);
        let got: Vec<(&str, bool)> = parts(text).map(|h| (&text[h.numeral], h.arabic)).collect();
        assert_eq!(got, [("三", false), ("3", true), ("2", true)]);
    }
}
