//! Mojibake: text decoded with the wrong encoding (GBK read at the wrong byte, UTF-8 read
//! as GBK) turns into runs of characters that Chinese prose almost never uses. Not a
//! rule kind: a detector the `pattern` kind offers to packs (`detect = "mojibake"`).
//!
//! A character is *rare* when it is not among the 3,755 common characters of GB2312
//! level 1 (GBK lead byte 0xB0–0xD7): level-2 characters, GBK extensions, anything GBK
//! cannot encode. A run is mojibake when a window of `WINDOW` consecutive Han
//! characters holds at least `MIN_RARE` rare ones; `?` and ASCII punctuation inside
//! it (what a decoder leaves for bytes it cannot map) belong to the run. Traditional
//! text is looked at through its simplified copy (`Document::text` already is).

use std::ops::Range;

/// Han characters looked at together.
const WINDOW: usize = 8;
/// Rare characters a window needs to be mojibake.
const MIN_RARE: usize = 3;

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

/// Not a common (GB2312 level-1) character: a lookup in `COMMON`.
fn is_rare(c: char) -> bool {
    let Some(i) = (c as usize).checked_sub(COMMON_FIRST) else {
        return true;
    };
    COMMON.get(i / 64).is_none_or(|w| w & (1 << (i % 64)) == 0)
}

/// First code point of the bit set: GB2312 level 1 is all in the CJK Unified
/// Ideographs block (U+4E00–U+9FFF).
const COMMON_FIRST: usize = 0x4E00;

/// The GB2312 level-1 characters as a bit set over U+4E00–U+9FFF, built once per
/// process by decoding every level-1 byte pair (lead 0xB0–0xD7, trail 0xA1–0xFE):
/// `encoding_rs` finds a character's GBK bytes by a linear search of the level-1
/// table, which cost a quarter of a batch's time when done per character, and still
/// a millisecond of every run when done for the 3,760 pairs, so the definition
/// (`is_rare_by_encoding`: GBK encodes the character back to a level-1 pair) is only
/// checked by a test, for every Han character.
static COMMON: std::sync::LazyLock<Vec<u64>> = std::sync::LazyLock::new(|| {
    let mut set = vec![0u64; (0xA000 - COMMON_FIRST).div_ceil(64)];
    let mut bytes = Vec::with_capacity(40 * 94 * 2);
    for lead in 0xB0..=0xD7u8 {
        for trail in 0xA1..=0xFEu8 {
            bytes.extend_from_slice(&[lead, trail]);
        }
    }
    let (text, _) = encoding_rs::GBK.decode_without_bom_handling(&bytes);
    for c in text.chars() {
        if let Some(i) = (c as usize).checked_sub(COMMON_FIRST)
            && let Some(w) = set.get_mut(i / 64)
        {
            *w |= 1 << (i % 64);
        }
    }
    set
});

/// The definition `COMMON` follows: GBK encodes the character as two bytes with a
/// level-1 lead byte and a trail byte of the GB2312 range.
#[cfg(test)]
fn is_rare_by_encoding(c: char) -> bool {
    let mut buf = [0u8; 4];
    let s = c.encode_utf8(&mut buf);
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(s);
    if unmappable || bytes.len() != 2 {
        return true;
    }
    !(0xB0..=0xD7).contains(&bytes[0]) || bytes[1] < 0xA1
}

/// Debris a decoder leaves inside a mojibake run.
fn is_debris(c: char) -> bool {
    c == '?' || c == '\u{FFFD}' || (c.is_ascii_punctuation() && c != '(' && c != ')')
}

/// Byte ranges of mojibake runs in `text`.
pub fn runs(text: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    // Stretches of Han characters (and debris), split where anything else comes. Only
    // their extent and counts are kept as the scan goes: a stretch with fewer than
    // `MIN_RARE` rare characters has no window with as many (most prose), and only
    // the others are decoded again and looked at window by window.
    let mut start: Option<usize> = None;
    let (mut han, mut rare) = (0usize, 0usize);
    let common: &[u64] = &COMMON;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // The characters are told apart by their UTF-8 bytes (a `&str` is valid UTF-8):
        // Han characters and U+FFFD are three bytes long, ASCII one, and nothing of
        // another length is Han or debris.
        let b = bytes[i];
        let (width, kind) = match b {
            0x00..=0x7F => (1, Kind::of_ascii(b)),
            0xE0..=0xEF => {
                let code = (u32::from(b & 0x0F) << 12)
                    | (u32::from(bytes[i + 1] & 0x3F) << 6)
                    | u32::from(bytes[i + 2] & 0x3F);
                (3, Kind::of_three_bytes(code, common))
            }
            0xC0..=0xDF => (2, Kind::Other),
            _ => (4, Kind::Other),
        };
        match kind {
            Kind::Han(is_rare) => {
                start.get_or_insert(i);
                han += 1;
                rare += usize::from(is_rare);
            }
            Kind::Debris => {}
            Kind::Other => {
                if let Some(s) = start.take()
                    && han >= WINDOW.min(4)
                    && rare >= MIN_RARE
                {
                    windows(text, s..i, &mut out);
                }
                (han, rare) = (0, 0);
            }
        }
        i += width;
    }
    if let Some(s) = start
        && han >= WINDOW.min(4)
        && rare >= MIN_RARE
    {
        windows(text, s..text.len(), &mut out);
    }
    // A decoder's debris just before a run (`?!敝贫龋袑…`) is where it starts.
    for r in &mut out {
        let before: Vec<(usize, char)> = text[..r.start]
            .char_indices()
            .rev()
            .take_while(|&(_, c)| is_han(c) || is_debris(c))
            .take(WINDOW)
            .collect();
        if let Some(&(i, _)) = before
            .iter()
            .rev()
            .find(|(_, c)| *c == '?' || *c == '\u{FFFD}')
        {
            r.start = i;
        }
    }
    out
}

/// What a character is to the scan of `runs`.
enum Kind {
    /// Han, rare or not.
    Han(bool),
    /// Debris a decoder leaves (`is_debris`).
    Debris,
    Other,
}

impl Kind {
    fn of_ascii(b: u8) -> Kind {
        if is_debris(char::from(b)) {
            Kind::Debris
        } else {
            Kind::Other
        }
    }

    /// A three-byte character by its code point (`is_han`, `is_rare`, `is_debris`
    /// on the number).
    fn of_three_bytes(code: u32, common: &[u64]) -> Kind {
        match code {
            0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF => {
                let rare = (code as usize)
                    .checked_sub(COMMON_FIRST)
                    .is_none_or(|i| common.get(i / 64).is_none_or(|w| w & (1 << (i % 64)) == 0));
                Kind::Han(rare)
            }
            0xFFFD => Kind::Debris,
            _ => Kind::Other,
        }
    }
}

/// The windows of one stretch (`stretch`: from its first Han character to what ends
/// it) with at least `MIN_RARE` rare characters: from the first to the last rare
/// character of each, merged with the run before when they touch.
fn windows(text: &str, stretch: Range<usize>, out: &mut Vec<Range<usize>>) {
    let han: Vec<(usize, char, bool)> = text[stretch.clone()]
        .char_indices()
        .filter(|&(_, c)| is_han(c))
        .map(|(i, c)| (stretch.start + i, c, is_rare(c)))
        .collect();
    for i in 0..han.len() {
        let end = (i + WINDOW).min(han.len());
        let rare = han[i..end].iter().filter(|h| h.2).count();
        if rare >= MIN_RARE {
            let first = han[i..end].iter().find(|h| h.2).map(|h| h.0);
            let last = han[i..end]
                .iter()
                .rev()
                .find(|h| h.2)
                .map(|h| h.0 + h.1.len_utf8());
            if let (Some(a), Some(b)) = (first, last) {
                match out.last_mut() {
                    Some(r) if r.end >= a => r.end = r.end.max(b),
                    _ => out.push(a..b),
                }
            }
        }
    }
}

/// True when `hit` is inside a run, or next to one with only Han characters and
/// debris between them (a `?` the decoder left beside the run is part of it).
pub fn near(text: &str, runs: &[Range<usize>], hit: &Range<usize>) -> bool {
    runs.iter().any(|r| {
        let gap = if hit.end <= r.start {
            text.get(hit.end..r.start)
        } else if r.end <= hit.start {
            text.get(r.end..hit.start)
        } else {
            return true;
        };
        gap.is_some_and(|g| {
            g.chars().count() <= WINDOW && g.chars().all(|c| is_han(c) || is_debris(c))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_agrees_with_the_encoding_for_every_han_character() {
        let ranges = [0x3400..=0x4DBF, 0x4E00..=0x9FFF, 0xF900..=0xFAFF];
        let mut common = 0;
        for c in ranges.into_iter().flatten().filter_map(char::from_u32) {
            assert_eq!(is_rare(c), is_rare_by_encoding(c), "{c} U+{:04X}", c as u32);
            common += usize::from(!is_rare(c));
        }
        // GB2312 level 1 has 3,755 characters.
        assert_eq!(common, 3755);
    }

    #[test]
    fn misread_gbk_is_found_and_prose_is_not() {
        let bad = "严格落实政务信息“三审三?!敝贫龋袑嵶龊眯畔l布前审核工作";
        let r = runs(bad);
        assert_eq!(r.len(), 1, "{r:?}");
        assert!(
            bad[r[0].clone()].starts_with("?!敝"),
            "{}",
            &bad[r[0].clone()]
        );
        let q = bad.find('?').unwrap_or(0);
        assert!(near(bad, &r, &(q..q + 1)));
        for good in [
            "义乌市廿三里街道办事处2023年政府信息公开工作年度报告",
            "严格执行依申请公开的受理、处理、答复等环节，确保按规定及时作出有效答复。",
            "鼓楼区、邗江区、盱眙县、泗洪县",
        ] {
            assert!(runs(good).is_empty(), "{good}: {:?}", runs(good));
        }
    }
    /// `runs` as it was, every window of every stretch looked at: what `runs` must equal.
    fn runs_plain(text: &str) -> Vec<Range<usize>> {
        // Han characters with their offsets, split where anything but Han or debris comes.
        let mut out: Vec<Range<usize>> = Vec::new();
        let mut han: Vec<(usize, char, bool)> = Vec::new();
        let flush = |han: &mut Vec<(usize, char, bool)>, out: &mut Vec<Range<usize>>| {
            if han.len() >= WINDOW.min(4) {
                let mut i = 0;
                while i < han.len() {
                    let end = (i + WINDOW).min(han.len());
                    let rare = han[i..end].iter().filter(|h| h.2).count();
                    if rare >= MIN_RARE {
                        // From the first to the last rare character of the window.
                        let first = han[i..end].iter().find(|h| h.2).map(|h| h.0);
                        let last = han[i..end]
                            .iter()
                            .rev()
                            .find(|h| h.2)
                            .map(|h| h.0 + h.1.len_utf8());
                        if let (Some(a), Some(b)) = (first, last) {
                            match out.last_mut() {
                                Some(r) if r.end >= a => r.end = r.end.max(b),
                                _ => out.push(a..b),
                            }
                        }
                    }
                    i += 1;
                }
            }
            han.clear();
        };
        for (i, c) in text.char_indices() {
            if is_han(c) {
                han.push((i, c, is_rare(c)));
            } else if !is_debris(c) {
                flush(&mut han, &mut out);
            }
        }
        flush(&mut han, &mut out);
        // A decoder's debris just before a run (`?!敝贫龋袑…`) is where it starts.
        for r in &mut out {
            let before: Vec<(usize, char)> = text[..r.start]
                .char_indices()
                .rev()
                .take_while(|&(_, c)| is_han(c) || is_debris(c))
                .take(WINDOW)
                .collect();
            if let Some(&(i, _)) = before
                .iter()
                .rev()
                .find(|(_, c)| *c == '?' || *c == '\u{FFFD}')
            {
                r.start = i;
            }
        }
        out
    }

    /// Generated texts of common and rare Han characters, debris, punctuation and
    /// characters of every UTF-8 length, with stretches of every number of rare
    /// characters: the same runs as the plain scan (by characters, every window).
    #[test]
    fn scanning_stretches_by_their_counts_changes_nothing() {
        // Common Han, rare Han of each block (GB2312 level 2, CJK extension A,
        // compatibility ideographs), debris, and characters of every UTF-8 length.
        let common: Vec<char> = "的是在公开信息敝贫龋眯".chars().collect();
        let rare: Vec<char> = "袑嵶\u{F900}\u{3400}".chars().collect();
        let other: Vec<char> = "l?!，。\u{FFFD}é𠀀 (\n".chars().collect();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            ((seed >> 33) as usize) % n
        };
        let mut found = 0;
        for text in [
            "袑嵶\u{F900}嵶",
            "\u{3400}\u{3400}袑嵶",
            "袑嵶é袑嵶",
            "袑?嵶\u{FFFD}袑嵶",
            "的袑嵶\u{F900}的",
            "袑嵶𠀀袑嵶",
        ] {
            assert_eq!(runs(text), runs_plain(text), "{text}");
            found += runs(text).len();
        }
        for round in 0..400 {
            let len = next(80);
            // Few rare characters in some rounds, many in others.
            let one_in = 2 + round % 8;
            let text: String = (0..len)
                .map(|_| match next(10) {
                    0 => other[next(other.len())],
                    _ if next(one_in) == 0 => rare[next(rare.len())],
                    _ => common[next(common.len())],
                })
                .collect();
            let got = runs(&text);
            assert_eq!(got, runs_plain(&text), "{text}");
            found += got.len();
        }
        assert!(found > 20, "{found}");
    }
}
