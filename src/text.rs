//! Text utilities shared by the parser and the rules: label normalisation, fuzzy
//! similarity, character diffs for messages, and byte-offset → line/column mapping.
//!
//! Labels in real reports differ from the standard in ways that do not matter
//! (full-width vs half-width, spaces inserted by PDF extraction, `1、` vs `1.`) and in
//! ways that do (a missing character). `normalize` removes the first kind so that
//! `similarity` and `char_diff` only see the second.

pub mod bounded;

use std::ops::Range;

/// Folds one character to its canonical form for label comparison.
pub fn fold_char(c: char) -> char {
    match c {
        // Full-width ASCII block: （ → (, ０ → 0, ： → :, ， → , …
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' | '\u{00A0}' => ' ',
        '“' | '”' | '„' | '‟' | '〝' | '〞' => '"',
        '‘' | '’' => '\'',
        '﹙' => '(',
        '﹚' => ')',
        _ => c,
    }
}

/// Canonical form of a label: folded characters, no whitespace, `1、` written `1.`.
///
/// Every text cell of every table goes through here, and most of a label is kept as
/// it is: such runs are copied as slices, and only what changes (a folded or dropped
/// character, `、` after a digit) is written character by character.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_digit = false;
    // Start of the run of characters kept unchanged, not yet copied.
    let mut run = 0;
    for (i, ch) in s.char_indices() {
        // Chinese characters, most of every label, are kept as they are and end a
        // number: told by one range test instead of the folding and whitespace tests.
        if ('\u{4E00}'..='\u{9FFF}').contains(&ch) {
            prev_digit = false;
            continue;
        }
        let c = fold_char(ch);
        let dropped = is_dropped(c);
        let to_dot = !dropped && prev_digit && c == '、';
        if dropped || to_dot || c != ch {
            out.push_str(&s[run..i]);
            run = i + ch.len_utf8();
            if dropped {
                continue;
            }
            // `、` after a digit becomes `.`; a `.` after a digit stays `.` and, like
            // every character that is not a digit, ends the number.
            out.push(if to_dot { '.' } else { c });
        }
        prev_digit = !to_dot && c.is_ascii_digit();
    }
    out.push_str(&s[run..]);
    out
}

/// True for a (folded) character that `normalize` drops: whitespace, zero-width space,
/// byte-order mark. No whitespace lies above U+3000, so Chinese text is told without
/// the Unicode table. The parser's byte walks that must agree with `normalize` ask it
/// too (`parse::outline`).
pub(crate) fn is_dropped(c: char) -> bool {
    match c {
        '\u{200B}' | '\u{FEFF}' => true,
        c if c > '\u{3000}' => false,
        c => c.is_whitespace(),
    }
}

/// Similarity of two normalized labels in 0.0..=1.0 (1.0 = equal), by character edit
/// distance. A label cut short (a prefix of at least four characters and 40% of the
/// other, or of ten characters) scores high, because truncation is the commonest
/// damage and PDF text wraps long labels. Scores of strings more than twice as long
/// as each other are an upper bound (at most 0.5), not computed exactly.
pub fn similarity(a: &str, b: &str) -> f64 {
    similarity_at_least(a, b, f64::NEG_INFINITY).unwrap_or(0.0)
}

/// `similarity(a, b)` when it is at least `min`, else `None` — exactly the same score,
/// found cheaper: most pairs a table's tokens make with its labels are far apart, and
/// are ruled out by their lengths and by the characters one has and the other lacks
/// (`CharKey`) before any edit distance; the distance itself stops once it exceeds
/// what `min` allows (`bounded_levenshtein`).
pub fn similarity_at_least(a: &str, b: &str, min: f64) -> Option<f64> {
    if a == b {
        return (1.0 >= min).then_some(1.0);
    }
    // Characters are counted only up to 16 times the shorter string's byte length (an
    // upper bound of its characters): beyond that, every score is below 0.72 and the
    // count saturates, so a 200 MB line costs no more than a label.
    let cap = a.len().min(b.len()).saturating_mul(16).saturating_add(1);
    let la = a.chars().take(cap).count();
    let lb = b.chars().take(cap).count();
    scored(a, b, la, lb, || (CharKey::of(a), CharKey::of(b)), min)
}

/// A string prepared for comparing with many others: its characters counted and its
/// `CharKey` computed once (a table's labels and tokens are compared pair by pair).
#[derive(Clone, Copy)]
pub struct Probe<'a> {
    pub text: &'a str,
    chars: usize,
    key: CharKey,
}

impl<'a> Probe<'a> {
    pub fn new(text: &'a str) -> Probe<'a> {
        let (chars, key) = text
            .chars()
            .fold((0, CharKey::default()), |(n, k), c| (n + 1, k.with(c)));
        Probe { text, chars, key }
    }

    /// A probe whose count and key the caller already has (a prefix of a string
    /// whose keys were built character by character): `chars` and `key` must be
    /// those of `text`.
    pub(crate) fn from_parts(text: &'a str, chars: usize, key: CharKey) -> Probe<'a> {
        debug_assert_eq!(text.chars().count(), chars);
        Probe { text, chars, key }
    }

    pub fn chars(&self) -> usize {
        self.chars
    }

    /// The characters' hash (`CharKey`), for building the probe again with `from_parts`.
    pub(crate) fn key(&self) -> CharKey {
        self.key
    }
}

/// `similarity_at_least` of two probes: the same score, without counting characters
/// or hashing them again for every pair.
pub fn probe_similarity_at_least(a: &Probe, b: &Probe, min: f64) -> Option<f64> {
    if a.text == b.text {
        return (1.0 >= min).then_some(1.0);
    }
    // As `similarity_at_least` counts them: `chars().take(cap).count()`.
    let cap = a
        .text
        .len()
        .min(b.text.len())
        .saturating_mul(16)
        .saturating_add(1);
    let (la, lb) = (a.chars.min(cap), b.chars.min(cap));
    scored(a.text, b.text, la, lb, || (a.key, b.key), min)
}

/// The score of two different strings with `la`, `lb` characters (counted up to the
/// cap), when at least `min`; `keys` gives their `CharKey`s when a distance is needed.
fn scored(
    a: &str,
    b: &str,
    la: usize,
    lb: usize,
    keys: impl FnOnce() -> (CharKey, CharKey),
    min: f64,
) -> Option<f64> {
    if la == 0 || lb == 0 {
        return (0.0 >= min).then_some(0.0);
    }
    let (short, long, ls, ll) = if la <= lb {
        (a, b, la, lb)
    } else {
        (b, a, lb, la)
    };
    let prefix = (ls >= 4 && long.starts_with(short) && (ls * 10 >= ll * 4 || ls >= 10))
        .then(|| 0.7 + 0.3 * ls as f64 / ll as f64)
        // A label missing its first characters (`规范性文件` for `行政规范性文件`): less
        // common, and a short tail says less than a head, so it needs seven tenths.
        .or_else(|| {
            (ls >= 4 && long.ends_with(short) && ls * 10 >= ll * 7)
                .then(|| 0.6 + 0.3 * ls as f64 / ll as f64)
        });
    // The edit distance is at least the difference in length, so the edit score is at
    // most ls/ll. Beyond a twofold difference that bound (≤ 0.5, below every threshold
    // that uses this score) is returned without computing the distance: a long line
    // compared with every label would otherwise cost its length times theirs.
    if ls * 2 < ll {
        let bound = ls as f64 / ll as f64;
        let score = prefix.map_or(bound, |p| p.max(bound));
        return (score >= min).then_some(score);
    }
    // The edit score matters only when it reaches `min` and beats the prefix score
    // (an equal one changes nothing): the most edits that allows.
    let floor = prefix.map_or(min, |p| p.max(min));
    let Some(limit) = max_edits(ll, floor) else {
        return prefix.filter(|&p| p >= min);
    };
    // The distance is at least the difference in length, and at least the characters
    // one has and the other lacks.
    let ruled_out = ll - ls > limit || {
        let (ka, kb) = keys();
        ka.lower_bound(&kb) > limit
    };
    let edits = if ruled_out {
        None
    } else {
        bounded_levenshtein(a, b, limit)
    };
    let score = match edits {
        Some(d) => {
            let edit = 1.0 - d as f64 / ll as f64;
            prefix.map_or(edit, |p| p.max(edit))
        }
        // More edits than `limit`: the edit score is below `floor`.
        None => prefix.unwrap_or(f64::NEG_INFINITY),
    };
    (score >= min).then_some(score)
}

/// The most edits `d` for which the edit score `1 - d / len` is at least `floor`
/// (computed as `similarity` computes the score, so the comparison is the same); `None`
/// when no number of edits reaches it.
fn max_edits(len: usize, floor: f64) -> Option<usize> {
    let score = |d: usize| 1.0 - d as f64 / len as f64;
    // `floor` above 1.0 (no score reaches it); never NaN.
    if score(0) < floor {
        return None;
    }
    if floor == f64::NEG_INFINITY {
        return Some(len);
    }
    let mut d = ((1.0 - floor) * len as f64).clamp(0.0, len as f64) as usize;
    while d < len && score(d + 1) >= floor {
        d += 1;
    }
    while d > 0 && score(d) < floor {
        d -= 1;
    }
    Some(d)
}

/// Which characters a string has, hashed into 64 bits: a character of one string
/// whose bit the other lacks must be substituted or deleted, so the distinct bits one
/// has and the other lacks bound the edit distance from below.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct CharKey(u64);

impl CharKey {
    pub(crate) fn of(s: &str) -> CharKey {
        CharKey(s.chars().fold(0, |k, c| k | CharKey::bit(c)))
    }

    /// The bit of one character.
    pub(crate) fn bit(c: char) -> u64 {
        1 << ((c as u32).wrapping_mul(0x9E37_79B1) >> 26)
    }

    pub(crate) fn with(self, c: char) -> CharKey {
        CharKey(self.0 | CharKey::bit(c))
    }

    /// False when `c` is certainly not among the characters.
    pub(crate) fn may_contain(&self, c: char) -> bool {
        self.0 & CharKey::bit(c) != 0
    }

    fn lower_bound(&self, other: &CharKey) -> usize {
        let only_self = (self.0 & !other.0).count_ones();
        let only_other = (other.0 & !self.0).count_ones();
        only_self.max(only_other) as usize
    }
}

/// Character edit distance of `a` and `b` (as `strsim::levenshtein`), or `None` once
/// it is certain to exceed `limit`: the smallest value of a row of the table never
/// decreases from one row to the next. Labels fit on the stack; longer strings use
/// `strsim`'s exact distance.
fn bounded_levenshtein(a: &str, b: &str, limit: usize) -> Option<usize> {
    const MAX: usize = 64;
    let mut ac = ['\0'; MAX];
    let mut bc = ['\0'; MAX];
    let (mut na, mut nb) = (0, 0);
    for c in a.chars() {
        if na == MAX {
            let d = strsim::levenshtein(a, b);
            return (d <= limit).then_some(d);
        }
        ac[na] = c;
        na += 1;
    }
    for c in b.chars() {
        if nb == MAX {
            let d = strsim::levenshtein(a, b);
            return (d <= limit).then_some(d);
        }
        bc[nb] = c;
        nb += 1;
    }
    let (ac, bc) = (&ac[..na], &bc[..nb]);
    // row[j]: distance of the first i characters of `a` and the first j of `b`.
    let mut row = [0usize; MAX + 1];
    for (j, r) in row.iter_mut().enumerate().take(nb + 1) {
        *r = j;
    }
    for (i, &ca) in ac.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        let mut smallest = row[0];
        for (j, &cb) in bc.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            let value = substitute.min(row[j] + 1).min(diagonal + 1);
            row[j + 1] = value;
            smallest = smallest.min(value);
        }
        if smallest > limit {
            return None;
        }
    }
    let d = row[nb];
    (d <= limit).then_some(d)
}

/// A character diff of `found` against `standard` for messages:
/// `其他法律[+和]行政法规禁止公开` — `[-x]` is in the standard but missing here,
/// `[+x]` is here but not in the standard.
pub fn char_diff(standard: &str, found: &str) -> String {
    use similar::{ChangeTag, TextDiff};
    let diff = TextDiff::from_chars(standard, found);
    let mut out = String::new();
    let mut current: Option<ChangeTag> = None;
    for change in diff.iter_all_changes() {
        let tag = change.tag();
        if current != Some(tag) {
            if matches!(current, Some(ChangeTag::Delete) | Some(ChangeTag::Insert)) {
                out.push(']');
            }
            match tag {
                ChangeTag::Delete => out.push_str("[-"),
                ChangeTag::Insert => out.push_str("[+"),
                ChangeTag::Equal => {}
            }
            current = Some(tag);
        }
        out.push_str(change.value());
    }
    if matches!(current, Some(ChangeTag::Delete) | Some(ChangeTag::Insert)) {
        out.push(']');
    }
    out
}

/// True when `found` differs from `standard` only by missing characters at the end,
/// which is how labels wrapped over several lines of PDF text look.
pub fn is_truncation(standard: &str, found: &str) -> bool {
    standard.starts_with(found)
}

/// Byte offsets of line starts, for mapping spans to 1-based lines and columns. A line
/// ends at `\n`, `\r\n` or a lone `\r` (old Mac files). Character counts at every
/// `CHUNK` bytes make a column cost at most `CHUNK` bytes of counting, even on a
/// report scraped onto one line of megabytes.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
    /// `chars[k]`: characters in the text before `floor_char_boundary(k * CHUNK)`.
    chars: Vec<usize>,
}

const CHUNK: usize = 4096;

/// A 1-based position; `column` counts characters, not bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts;
        if bytes.contains(&b'\r') {
            starts = vec![0];
            starts.extend(
                memchr_breaks(bytes)
                    .filter(|&i| bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n'))
                    .map(|i| i + 1),
            );
        } else {
            // No `\r` (the parser turns lone ones into `\n` first): the line ends are
            // the `\n`s, found by `memchr` (a vector search; `str::match_indices`
            // costs a call per line), counted first so that the starts are allocated
            // once, at their size.
            starts = Vec::with_capacity(memchr::memchr_iter(b'\n', bytes).count() + 1);
            starts.push(0);
            starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
        }
        let mut chars = Vec::with_capacity(text.len() / CHUNK + 1);
        let mut count = 0;
        let mut at = 0;
        chars.push(0);
        for k in 1..=text.len() / CHUNK {
            let next = floor_char_boundary(text, k * CHUNK);
            count += text[at..next].chars().count();
            chars.push(count);
            at = next;
        }
        LineIndex {
            starts,
            len: text.len(),
            chars,
        }
    }

    /// Characters in `text[..offset]` (`offset` on a char boundary).
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let k = (offset / CHUNK).min(self.chars.len().saturating_sub(1));
        let from = floor_char_boundary(text, k * CHUNK).min(offset);
        self.chars.get(k).copied().unwrap_or(0)
            + text.get(from..offset).map_or(0, |s| s.chars().count())
    }

    /// Number of lines (a trailing newline does not start a counted line of its own
    /// unless text follows it).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// 0-based line index containing byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset.min(self.len)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Byte range of 0-based line `line`, without its line terminator.
    pub fn line_range(&self, text: &str, line: usize) -> Range<usize> {
        let start = self.starts.get(line).copied().unwrap_or(self.len);
        let mut end = self.starts.get(line + 1).copied().unwrap_or(self.len);
        let bytes = text.as_bytes();
        while end > start && matches!(bytes.get(end - 1), Some(b'\n') | Some(b'\r')) {
            end -= 1;
        }
        start..end
    }

    /// 1-based line and character column of byte `offset`.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.starts.get(line).copied().unwrap_or(0).min(offset);
        // A line of a report is short: its characters are counted from its start. On a
        // long line (a page saved as one line), the checkpoints, which belong to the
        // text the index was built from, spare counting from the start of it.
        let column = if text.len() == self.len && offset - start > CHUNK {
            self.chars_before(text, offset) - self.chars_before(text, start)
        } else {
            text.get(start..offset).map_or(0, |s| s.chars().count())
        } + 1;
        Position {
            line: line + 1,
            column,
        }
    }
}

/// Offsets of `\n` and `\r` bytes.
fn memchr_breaks(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr2_iter(b'\n', b'\r', bytes)
}

/// Replaces every lone `\r` (a line ending of old Mac files) with `\n`, keeping every
/// byte offset; `\r\n` is left alone.
pub fn lone_cr_to_lf(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    let mut bytes = text.into_bytes();
    for i in 0..bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            bytes[i] = b'\n';
        }
    }
    // Only ASCII bytes were replaced by ASCII bytes.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The largest char boundary not after `i`.
pub fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The smallest char boundary not before `i`.
pub fn ceil_char_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// `normalize` that also returns, for each character of the result, the byte range in
/// `s` it came from, so that a match in normalised text maps back to the original.
pub fn normalize_with_offsets(s: &str) -> (String, Vec<Range<usize>>) {
    let mut out = String::with_capacity(s.len());
    // One range per character kept: a third of the bytes for Chinese text, grown
    // beyond that for ASCII (no sixteenfold reservation for a long line).
    let mut offsets = Vec::with_capacity(s.len() / 3 + 4);
    let mut prev_digit = false;
    for (i, ch) in s.char_indices() {
        let c = fold_char(ch);
        if is_dropped(c) {
            continue;
        }
        let range = i..i + ch.len_utf8();
        if prev_digit && (c == '、' || c == '.') {
            out.push('.');
            offsets.push(range);
            prev_digit = false;
            continue;
        }
        prev_digit = c.is_ascii_digit();
        out.push(c);
        offsets.push(range);
    }
    (out, offsets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_folds_widths_spaces_and_numbering() {
        assert_eq!(normalize("（一）予以公开"), "(一)予以公开");
        assert_eq!(normalize("1、 属于国家秘密"), "1.属于国家秘密");
        assert_eq!(normalize("商业 企业"), "商业企业");
        assert_eq!(normalize("一、总体情况"), "一、总体情况");
        assert_eq!(normalize("３．其他"), "3.其他");
    }

    /// `normalize` as written before the run copying: character by character.
    fn reference_normalize(s: &str) -> String {
        let mut out = String::new();
        let mut prev_digit = false;
        for ch in s.chars() {
            let c = fold_char(ch);
            if c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}' {
                continue;
            }
            if prev_digit && (c == '、' || c == '.') {
                out.push('.');
                prev_digit = false;
                continue;
            }
            prev_digit = c.is_ascii_digit();
            out.push(c);
        }
        out
    }

    #[test]
    fn normalize_is_the_character_by_character_form() {
        let alphabet: Vec<char> =
            "1０9.．、,，（）() \t\u{3000}\u{a0}\u{200B}\u{FEFF}\u{2028}\u{3001}\u{3002}“”’规章a\u{4E00}\u{9FFF}\u{4DFF}\u{A000}"
                .chars()
                .collect();
        let mut next = crate::test_rng::below(0x2545_F491_4F6C_DD1D);
        for _ in 0..5000 {
            let len = next(12);
            let s: String = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
            assert_eq!(normalize(&s), reference_normalize(&s), "{s:?}");
            let (norm, offsets) = normalize_with_offsets(&s);
            assert_eq!(norm, reference_normalize(&s), "{s:?}");
            assert_eq!(offsets.len(), norm.chars().count(), "{s:?}");
        }
        for c in (0..=0x3100u32).filter_map(char::from_u32) {
            let dropped = c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}';
            assert_eq!(is_dropped(c), dropped, "{c:?}");
        }
    }

    #[test]
    fn similarity_ranks_truncation_and_typos() {
        assert_eq!(similarity("a", "a"), 1.0);
        assert!(similarity(&normalize("行政规范性文"), &normalize("行政规范性文件")) > 0.85);
        assert!(similarity(&normalize("(三)不公开"), &normalize("（三）不予公开")) > 0.8);
        assert!(similarity("其他", "3.其他") < 0.7);
        assert!(similarity("2.重复申请", "3.要求提供公开出版物") < 0.5);
        assert!(similarity("规范性文件", "行政规范性文件") > 0.72);
        assert!(similarity("文件", "行政规范性文件") < 0.72);
    }

    #[test]
    fn pruned_similarity_is_the_same_score() {
        let labels = [
            "1.属于国家秘密",
            "(三)不予公开",
            "行政规范性文件",
            "规范性文件",
            "其他法律行政法规禁止公开",
            "其他法律和行政法规禁止公开",
            "3.其他",
            "其他",
            "本年新收政府信息公开申请数量",
            "本年新收政府信息公开申请",
            "上年结转政府信息公开申请数量",
            "abcdefghij",
            "abcdefghijk",
            "xbcdefghij",
            "",
            "a",
            &"长".repeat(70),
            &"长".repeat(71),
            &format!("{}短", "长".repeat(69)),
        ];
        for a in labels {
            for b in labels {
                let exact = reference_similarity(a, b);
                assert_eq!(similarity(a, b), exact, "{a} / {b}");
                for min in [0.0, 0.5, 0.6, 0.72, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0] {
                    let pruned = similarity_at_least(a, b, min);
                    let expected = (exact >= min).then_some(exact);
                    assert_eq!(pruned, expected, "{a} / {b} at {min}");
                    let probed = probe_similarity_at_least(&Probe::new(a), &Probe::new(b), min);
                    assert_eq!(probed, expected, "probes {a} / {b} at {min}");
                }
            }
        }
    }

    #[test]
    fn pruned_similarity_agrees_on_generated_strings() {
        // Strings over a small alphabet, so that pairs share prefixes, suffixes and
        // characters in every proportion.
        let alphabet: Vec<char> = "政府信息公开申请1.()其他".chars().collect();
        let mut next = crate::test_rng::below(0x2545_F491_4F6C_DD1D);
        let strings: Vec<String> = (0..300)
            .map(|_| {
                let len = next(24);
                (0..len).map(|_| alphabet[next(alphabet.len())]).collect()
            })
            .collect();
        for (i, a) in strings.iter().enumerate() {
            for b in strings.iter().skip(i).take(40) {
                let exact = reference_similarity(a, b);
                assert_eq!(similarity(a, b), exact, "{a} / {b}");
                for min in [0.6, 0.72, 0.75, 0.85] {
                    let expected = (exact >= min).then_some(exact);
                    assert_eq!(
                        similarity_at_least(a, b, min),
                        expected,
                        "{a} / {b} at {min}"
                    );
                    assert_eq!(
                        probe_similarity_at_least(&Probe::new(a), &Probe::new(b), min),
                        expected,
                        "probes {a} / {b} at {min}"
                    );
                }
            }
        }
    }

    #[test]
    fn probes_of_prefixes_built_char_by_char_are_probes() {
        // `Probe::from_parts` as `outline::best_title` feeds it: keys grown one
        // character at a time are the keys of the prefix.
        let s = "一、总体情况 2024年 abc";
        let mut key = CharKey::default();
        for (n, (i, c)) in s.char_indices().enumerate() {
            let prefix = &s[..i];
            let built = Probe::from_parts(prefix, n, key);
            let fresh = Probe::new(prefix);
            assert_eq!((built.chars, built.key.0), (fresh.chars, fresh.key.0));
            key = key.with(c);
        }
    }

    /// The score as it was computed before pruning, with `strsim` throughout.
    fn reference_similarity(a: &str, b: &str) -> f64 {
        if a == b {
            return 1.0;
        }
        let cap = a.len().min(b.len()).saturating_mul(16).saturating_add(1);
        let la = a.chars().take(cap).count();
        let lb = b.chars().take(cap).count();
        if la == 0 || lb == 0 {
            return 0.0;
        }
        let (short, long, ls, ll) = if la <= lb {
            (a, b, la, lb)
        } else {
            (b, a, lb, la)
        };
        let prefix = (ls >= 4 && long.starts_with(short) && (ls * 10 >= ll * 4 || ls >= 10))
            .then(|| 0.7 + 0.3 * ls as f64 / ll as f64)
            .or_else(|| {
                (ls >= 4 && long.ends_with(short) && ls * 10 >= ll * 7)
                    .then(|| 0.6 + 0.3 * ls as f64 / ll as f64)
            });
        if ls * 2 < ll {
            let bound = ls as f64 / ll as f64;
            return prefix.map_or(bound, |p| p.max(bound));
        }
        let edit = 1.0 - strsim::levenshtein(a, b) as f64 / ll as f64;
        prefix.map_or(edit, |p| p.max(edit))
    }

    #[test]
    fn char_diff_marks_insertions_and_deletions() {
        assert_eq!(
            char_diff("其他法律行政法规禁止公开", "其他法律和行政法规禁止公开"),
            "其他法律[+和]行政法规禁止公开"
        );
        assert_eq!(
            char_diff("行政规范性文件", "行政规范性文"),
            "行政规范性文[-件]"
        );
    }

    #[test]
    fn positions_count_characters() {
        let text = "一、总体\n情况 98件";
        let idx = LineIndex::new(text);
        let at = text.find("98").unwrap_or(0);
        assert_eq!(idx.position(text, at), Position { line: 2, column: 4 });
        assert_eq!(idx.position(text, 0), Position { line: 1, column: 1 });
    }

    #[test]
    fn columns_on_a_long_line_use_the_checkpoints() {
        let text = "一二三ab".repeat(5000);
        let idx = LineIndex::new(&text);
        for offset in [0, 11, 4095, 4096, 4097, 20_000, text.len()] {
            let offset = floor_char_boundary(&text, offset);
            let want = text[..offset].chars().count() + 1;
            assert_eq!(idx.position(&text, offset).column, want, "at {offset}");
        }
    }

    #[test]
    fn line_starts_are_those_of_every_break() {
        let pieces = ["a", "规章", "\n", "\r", "\r\n", "\n\n", " "];
        let mut next = crate::test_rng::below(0x2545_F491_4F6C_DD1D);
        for _ in 0..2000 {
            let len = next(10);
            let text: String = (0..len).map(|_| pieces[next(pieces.len())]).collect();
            let bytes = text.as_bytes();
            let mut want = vec![0];
            for (i, &b) in bytes.iter().enumerate() {
                if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                    want.push(i + 1);
                }
            }
            assert_eq!(LineIndex::new(&text).starts, want, "{text:?}");
        }
    }

    #[test]
    fn lone_carriage_returns_end_lines() {
        let text = "a\rb\r\nc\nd";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 4);
        assert_eq!(idx.line_range(text, 1), 2..3);
        assert_eq!(lone_cr_to_lf(text.to_string()), "a\nb\r\nc\nd");
    }
}
