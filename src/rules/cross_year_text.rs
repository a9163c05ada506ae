//! Rule kind `cross_year_text`: this year's text against last year's, run by `series` on
//! each consecutive pair of a batch. `check` is one of:
//!
//! - `cumulative` — a figure introduced by a cumulative word (`pattern`, with `{n}` for
//!   the figure and an optional `(?P<what>…)` naming it) must not be lower than last
//!   year's figure of the same name. A figure in a clause about one year only
//!   (`本年累计`, `2023年累计`) or approximate (`累计100余件`) is not compared, nor a name
//!   written with two values in one report;
//! - `similarity` — the text of `sections` (all of it when empty) must not be
//!   near-identical to last year's: the Jaccard similarity of their 4-character
//!   shingles, taken after the sentences a format mandates (`template` regexes) are
//!   removed and figures masked, must stay below `threshold` (a bottom-k sketch of 512
//!   hashes: exact for short texts, linear time, a few KB per report). The finding
//!   shows the sentences both years share;
//! - `stale_year` — last year's year left in a sentence that is about the report year:
//!   a sentence of this year's report with year Y−1 (and not Y), without a comparison
//!   word (`not_with`), that is last year's sentence with only its figures changed.
//!
//! ```toml
//! [[cross_year_text]]
//! id = "Y104"
//! check = "similarity"
//! sections = ["problems"]
//! threshold = 0.5
//! template = ["^本报告", "统计期限"]
//! ```

use std::collections::BTreeSet;
use std::ops::Range;

use super::{Check, parse_check, rule_def};
use crate::diagnostic::Place;
use crate::number::Num;
use crate::parse::Document;
use crate::parse::figures::{Reliability, parse_figure, reliability};
use crate::rules::series_check::{Facts as SeriesFacts, PairCx, SeriesCheck};
use crate::spill::{Reader, Writer};
use crate::template::Templates;
use crate::template::error::DefError;

rule_def! {
    /// `[[cross_year_text]]`
    pub struct Def {
        pub check: toml::Spanned<String>,
        #[serde(default)]
        pub pattern: Option<toml::Spanned<String>>,
        #[serde(default)]
        pub sections: Vec<toml::Spanned<String>>,
        #[serde(default)]
        pub threshold: Option<f64>,
        #[serde(default)]
        pub template: Vec<toml::Spanned<String>>,
        #[serde(default)]
        pub not_with: Option<toml::Spanned<String>>,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Cumulative,
    Similarity,
    StaleYear,
}

const CHECKS: &[(&str, Kind)] = &[
    ("cumulative", Kind::Cumulative),
    ("similarity", Kind::Similarity),
    ("stale_year", Kind::StaleYear),
];

/// Hashes kept of a text's shingles (bottom-k sketch).
const SKETCH: usize = 512;
/// Shingle hashes gathered before the sketch is cut back to `SKETCH`.
const SKETCH_BUFFER: usize = 4 * SKETCH;

/// Keeps the `SKETCH` smallest distinct values, ascending.
fn keep_smallest(v: &mut Vec<u32>) {
    v.sort_unstable();
    v.dedup();
    v.truncate(SKETCH);
}

/// Characters per shingle.
const SHINGLE: usize = 4;
/// Texts shorter than this (after cleaning) are not compared.
const MIN_CHARS: usize = 60;
/// Shared sentences shown.
const SHOWN: usize = 3;

struct TextCheck {
    kind: Kind,
    pattern: Option<super::scan::PackRegex>,
    sections: Vec<usize>,
    threshold: f64,
    template: Boilerplate,
    not_with: Option<super::scan::PackRegex>,
    summary: String,
}

pub fn compile(def: &Def, cx: &super::CompileCx<'_>) -> Result<Box<dyn Check>, DefError> {
    let kind = parse_check(&def.check, CHECKS)?;
    let pattern = def
        .pattern
        .as_ref()
        .map(|p| super::piece_regex(p, cx))
        .transpose()?;
    if kind == Kind::Cumulative {
        match &pattern {
            None => {
                return Err(DefError::new(
                    def.check.span(),
                    "cumulative 检查需要 pattern",
                    "缺少 pattern",
                )
                .help("如 pattern = \"累计(?P<what>\\\\p{Han}{0,12}?){n}\\\\s*(?:件|条)\""));
            }
            // A built-in pack's pattern is checked by `cargo test`, not compiled here.
            Some(re) if cx.check_examples && !re.capture_names().any(|n| n == Some("n")) => {
                let Some(p) = &def.pattern else {
                    unreachable!()
                };
                return Err(DefError::new(
                    p.span(),
                    "pattern 中没有数字 {n}",
                    "缺少 {n}",
                ));
            }
            _ => {}
        }
    }
    let template = def
        .template
        .iter()
        .map(|t| super::piece_regex(t, cx))
        .collect::<Result<Vec<_>, _>>()?;
    let not_with = def
        .not_with
        .as_ref()
        .map(|p| super::piece_regex(p, cx))
        .transpose()?;
    let threshold = def.threshold.unwrap_or(0.5);
    if kind == Kind::Similarity && !(0.0..=1.0).contains(&threshold) {
        return Err(DefError::new(
            def.check.span(),
            format!("threshold = {threshold} 不在 0 到 1 之间"),
            "此规则",
        )
        .help("如 threshold = 0.5（相似度 50%）"));
    }
    Ok(Box::new(TextCheck {
        kind,
        pattern,
        sections: super::resolve_sections(&def.sections, cx.templates)?,
        threshold,
        template: Boilerplate::new(template),
        not_with,
        summary: def.summary.trim().to_string(),
    }))
}

impl Check for TextCheck {
    fn check(&self, _cx: &mut super::Context<'_>) {}

    fn series(&self) -> Option<&dyn SeriesCheck> {
        Some(self)
    }

    fn explain(&self, templates: &Templates) -> Vec<String> {
        let mut lines = Vec::new();
        let scope = if self.sections.is_empty() {
            "全文".to_string()
        } else {
            self.sections
                .iter()
                .map(|&s| templates.sections[s].heading())
                .collect::<Vec<_>>()
                .join("、")
        };
        match self.kind {
            Kind::Cumulative => {
                lines.push("核对：以“累计”引出的数字不应小于上年报告中同名的累计数".into());
                if let Some(p) = &self.pattern {
                    lines.push(format!("写法：{}", p.as_str()));
                }
            }
            Kind::Similarity => {
                lines.push(format!(
                    "核对：{scope}与上年报告的相似度（去掉格式规定的套话、数字后，按 {SHINGLE} 字片段计算）不应达到 {:.0}%",
                    self.threshold * 100.0
                ));
                if !self.template.regexes.is_empty() {
                    lines.push(format!(
                        "不计入的套话：{}",
                        self.template
                            .regexes
                            .iter()
                            .map(|r| r.as_str())
                            .collect::<Vec<_>>()
                            .join("；")
                    ));
                }
            }
            Kind::StaleYear => {
                lines.push(
                    "核对：本年报告中与上年报告相同（只有数字不同）的句子里仍写着上一年度的年份"
                        .into(),
                );
            }
        }
        lines.push("批量检查中同一发布机关相邻两个年度的报告都在时核对（上一年度的报告可用 --previous 目录 提供）。".into());
        lines
    }
}

// ───────────────────────────────────────────── facts

/// A cumulative figure: its name, value and where it is.
#[derive(Debug, PartialEq, Eq)]
struct Cumulative {
    key: String,
    value: Num,
    span: Range<usize>,
    place: Place,
}

/// A text's fingerprint: its shingle sketch, the hashes of its sentences (sorted) and
/// this year's sentences with their spans (to show what is shared).
#[derive(Debug, PartialEq, Eq)]
struct Fingerprint {
    sketch: Vec<u32>,
    chars: usize,
    hashes: Vec<u64>,
    sentences: Vec<(u64, Range<usize>)>,
    anchor: Range<usize>,
    anchor_place: Place,
}

/// Sentences with a year: the year, its span, and the sentence's figure-masked hash
/// (with the sentence's place, to label it in the next year's finding).
#[derive(Debug, PartialEq, Eq)]
struct YearSentences {
    masked: Vec<(u64, Place)>,
    with_year: Vec<YearMention>,
}

#[derive(Debug, PartialEq, Eq)]
struct YearMention {
    year: i32,
    span: Range<usize>,
    masked: u64,
    other_year: Vec<i32>,
    comparison: bool,
}

#[derive(Debug, PartialEq, Eq)]
enum Facts {
    Cumulative(Vec<Cumulative>),
    Fingerprint(Fingerprint),
    Years(YearSentences),
}

impl SeriesFacts for Facts {
    fn encode(&self, w: &mut Writer) {
        match self {
            Facts::Cumulative(list) => {
                w.u64(0);
                w.list(list, |w, c| {
                    w.str(&c.key);
                    w.num(c.value);
                    w.span(&c.span);
                    w.place(&c.place);
                });
            }
            Facts::Fingerprint(f) => {
                w.u64(1);
                // Fixed width: one copy of 2 KB instead of a varint loop per hash (the
                // deltas of 512 hashes take nearly as many bytes).
                w.usize(f.sketch.len());
                w.fixed32s(&f.sketch);
                w.usize(f.chars);
                w.list(&f.hashes, |w, h| w.fixed64(*h));
                w.list(&f.sentences, |w, (h, r)| {
                    w.fixed64(*h);
                    w.span(r);
                });
                w.span(&f.anchor);
                w.place(&f.anchor_place);
            }
            Facts::Years(y) => {
                w.u64(2);
                w.list(&y.masked, |w, (h, p)| {
                    w.fixed64(*h);
                    w.place(p);
                });
                w.list(&y.with_year, |w, m| {
                    w.i64(i64::from(m.year));
                    w.span(&m.span);
                    w.fixed64(m.masked);
                    w.list(&m.other_year, |w, y| w.i64(i64::from(*y)));
                    w.bool(m.comparison);
                });
            }
        }
    }
}

fn decode_year(r: &mut Reader<'_>) -> Option<i32> {
    i32::try_from(r.i64()?).ok()
}

impl Facts {
    fn decode(r: &mut Reader<'_>) -> Option<Facts> {
        Some(match r.u64()? {
            0 => Facts::Cumulative(r.list(|r| {
                Some(Cumulative {
                    key: r.string()?,
                    value: r.num()?,
                    span: r.span()?,
                    place: r.place()?,
                })
            })?),
            1 => {
                let n = r.usize()?;
                Facts::Fingerprint(Fingerprint {
                    sketch: r.fixed32s(n)?,
                    chars: r.usize()?,
                    hashes: r.list(Reader::fixed64)?,
                    sentences: r.list(|r| Some((r.fixed64()?, r.span()?)))?,
                    anchor: r.span()?,
                    anchor_place: r.place()?,
                })
            }
            2 => Facts::Years(YearSentences {
                masked: r.list(|r| Some((r.fixed64()?, r.place()?)))?,
                with_year: r.list(|r| {
                    Some(YearMention {
                        year: decode_year(r)?,
                        span: r.span()?,
                        masked: r.fixed64()?,
                        other_year: r.list(decode_year)?,
                        comparison: r.bool()?,
                    })
                })?,
            }),
            _ => return None,
        })
    }
}

/// FNV-1a, 64 bits: stable across runs (a fingerprint may be compared with one made
/// by another process).
fn fnv(bytes: impl IntoIterator<Item = u8>) -> u64 {
    bytes.into_iter().fold(FNV_START, fnv_step)
}

/// FNV-1a's starting value and one step (`fnv` a byte at a time).
const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv_step(h: u64, b: u8) -> u64 {
    (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
}

/// The hash of one shingle (the UTF-8 bytes of its characters) kept in a sketch.
fn shingle_hash(bytes: &[u8]) -> u32 {
    (fnv(bytes.iter().copied()) >> 32) as u32
}

/// The sentences of the narrative (spans into the document's text), limited to
/// `sections` when given. An iterator: a long document has hundreds of thousands of
/// sentences, and each is used once.
fn sentences<'a>(
    doc: &'a Document,
    sections: &'a [usize],
) -> impl Iterator<Item = Range<usize>> + 'a {
    let n = &doc.narrative;
    let text = &n.text;
    let mut start = 0;
    let ends = SentenceEnds {
        bytes: text.as_bytes(),
        at: 0,
    }
    .chain(std::iter::once((text.len(), text.len())));
    ends.filter_map(move |(end, next)| {
        let sentence = start..end;
        start = next;
        (sentence.start < sentence.end).then_some(sentence)
    })
    .map(|r| n.to_original(r))
    .filter(|r| r.start < r.end && r.end <= doc.text.len())
    .filter(|r| super::in_sections(doc, sections, r.start))
}

/// Where the sentences of a text end: (start, end) of each 。！？； \n ! ? ; in order.
/// The text is walked a character at a time by its UTF-8 lead bytes (one test per
/// character, not per byte, and none decoded): the full-width ends are E3 80 82 (。)
/// and EF BC 81 / 9F / 9B, and E3 / EF are never continuation bytes.
/// `tests::sentence_ends_walk_agrees_with_chars` compares it with a walk over `chars`.
struct SentenceEnds<'a> {
    bytes: &'a [u8],
    at: usize,
}

/// For each byte starting a character: 0 when the character may end a sentence (\n ! ?
/// ; and the lead bytes E3 / EF of 。！？；, looked at closer), else its UTF-8 length. One
/// load per character instead of a chain of comparisons.
static SENTENCE_STEP: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b as u8 {
            b'\n' | b'!' | b'?' | b';' | 0xE3 | 0xEF => 0,
            0..0x80 => 1,
            // Continuation bytes never start a character; any step is never taken.
            0x80..0xE0 => 2,
            0xE0..0xF0 => 3,
            _ => 4,
        };
        b += 1;
    }
    table
};

impl Iterator for SentenceEnds<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        let bytes = self.bytes;
        let mut i = self.at;
        while let Some(&b) = bytes.get(i) {
            let step = SENTENCE_STEP[usize::from(b)];
            if step != 0 {
                i += usize::from(step);
                continue;
            }
            let width = match b {
                b'\n' | b'!' | b'?' | b';' => {
                    self.at = i + 1;
                    return Some((i, i + 1));
                }
                0..0x80 => 1,
                0xE3 if bytes.get(i + 1..i + 3) == Some(&[0x80, 0x82]) => {
                    self.at = i + 3;
                    return Some((i, i + 3));
                }
                0xEF if bytes.get(i + 1) == Some(&0xBC)
                    && matches!(bytes.get(i + 2), Some(0x81 | 0x9F | 0x9B)) =>
                {
                    self.at = i + 3;
                    return Some((i, i + 3));
                }
                0x80..0xE0 => 2,
                0xE0..0xF0 => 3,
                _ => 4,
            };
            i += width;
        }
        self.at = i;
        None
    }
}

/// Han characters and letters of a sentence; figures masked as `#` when `mask`, else
/// dropped.
fn clean(s: &str, mask: bool) -> String {
    let mut out = String::with_capacity(s.len());
    clean_into(s, mask, &mut out);
    out
}

/// `clean` into a buffer the caller reuses from one sentence to the next.
fn clean_into(s: &str, mask: bool, out: &mut String) {
    out.clear();
    let mut in_digits = false;
    for c in s.chars() {
        if c.is_ascii_digit() || ('０'..='９').contains(&c) {
            if mask && !in_digits {
                out.push('#');
            }
            in_digits = true;
            continue;
        }
        in_digits = false;
        if is_letter(c) {
            out.push(c);
        }
    }
}

/// `clean_into(s, true, out)`, noting where each character of `out` starts: the
/// straightforward `clean_sentence`.
#[cfg(test)]
fn clean_with_bounds(s: &str, out: &mut String, bounds: &mut Vec<usize>) {
    out.clear();
    let mut in_digits = false;
    for c in s.chars() {
        if c.is_ascii_digit() || ('０'..='９').contains(&c) {
            if !in_digits {
                bounds.push(out.len());
                out.push('#');
            }
            in_digits = true;
            continue;
        }
        in_digits = false;
        if is_letter(c) {
            bounds.push(out.len());
            out.push(c);
        }
    }
}

/// `clean_with_bounds` into bytes, returning `fnv` of the cleaned sentence, in one walk
/// over the sentence's bytes: ASCII, the ideographs U+4E00–U+9FFF (all letters) and
/// the full-width digits (EF BC 90–99) are classified from their
/// bytes; any other character is decoded and asked `is_letter`.
/// `tests::byte_cleaning_agrees_with_chars` compares it with `clean_with_bounds`.
fn clean_sentence(s: &str, out: &mut Vec<u8>, bounds: &mut Vec<usize>) -> u64 {
    out.clear();
    // A cleaned sentence is never longer than the sentence.
    out.reserve(s.len());
    let bytes = s.as_bytes();
    let mut h = FNV_START;
    let mut in_digits = false;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        // Most characters: an ideograph of U+4E00–U+9FFF (lead E5–E9, or E4 then B8–BF).
        let ideograph = match b {
            0xE5..=0xE9 => true,
            0xE4 => matches!(bytes.get(i + 1), Some(0xB8..=0xBF)),
            _ => false,
        };
        if ideograph && let Some(&[x, y, z]) = bytes.get(i..i + 3) {
            in_digits = false;
            bounds.push(out.len());
            out.extend_from_slice(&[x, y, z]);
            h = fnv_step(fnv_step(fnv_step(h, x), y), z);
            i += 3;
            continue;
        }
        let (width, digit, letter) = match b {
            b'0'..=b'9' => (1, true, false),
            0..0x80 => (1, false, b.is_ascii_alphabetic()),
            0xEF if bytes.get(i + 1) == Some(&0xBC)
                && matches!(bytes.get(i + 2), Some(0x90..=0x99)) =>
            {
                (3, true, false)
            }
            _ => match s.get(i..).and_then(|rest| rest.chars().next()) {
                Some(c) => (c.len_utf8(), false, is_letter(c)),
                None => (1, false, false),
            },
        };
        if digit {
            if !in_digits {
                bounds.push(out.len());
                out.push(b'#');
                h = fnv_step(h, b'#');
            }
            in_digits = true;
        } else {
            in_digits = false;
            if letter {
                bounds.push(out.len());
                for &x in &bytes[i..i + width] {
                    out.push(x);
                    h = fnv_step(h, x);
                }
            }
        }
        i += width;
    }
    h
}

/// The hash of a 4-character shingle: `shingle_hash`, with the length of four
/// ideographs (12 bytes) known to the compiler.
fn shingle_hash_fast(bytes: &[u8]) -> u32 {
    match <&[u8; 12]>::try_from(bytes) {
        Ok(twelve) => shingle_hash_12(twelve),
        Err(_) => shingle_hash(bytes),
    }
}

/// Twelve steps in a straight line. Not inlined: inlined, the compiler folds it back
/// into the loop of `shingle_hash` (the same computation), losing the unrolling.
#[inline(never)]
fn shingle_hash_12(b: &[u8; 12]) -> u32 {
    let mut h = FNV_START;
    for &x in b {
        h = fnv_step(h, x);
    }
    (h >> 32) as u32
}

/// `char::is_alphabetic`, with the characters of Chinese prose answered without
/// Unicode's tables (their lookup was a fifth of this kind's time in a batch): ASCII,
/// the CJK Unified Ideographs (all letters) and the CJK, general and full-width
/// punctuation (none). `tests::letter_fast_path_agrees_with_unicode` compares it with
/// `char::is_alphabetic` for every character.
fn is_letter(c: char) -> bool {
    match c {
        '\0'..='\u{7F}' => c.is_ascii_alphabetic(),
        '\u{4E00}'..='\u{9FFF}' => true,
        '\u{2000}'..='\u{206F}'
        | '\u{3000}'..='\u{3004}'
        | '\u{3008}'..='\u{3020}'
        | '\u{FF01}'..='\u{FF20}'
        | '\u{FF3B}'..='\u{FF40}'
        | '\u{FF5B}'..='\u{FF65}' => false,
        _ => c.is_alphabetic(),
    }
}

/// Cleaned characters a sentence needs to count in a fingerprint…
const MIN_SENTENCE_CHARS: usize = 6;
/// …and to be compared for a stale year.
const MIN_YEAR_SENTENCE_CHARS: usize = 8;

/// The narrative's sentences, cleaned (figures masked) and hashed once per document
/// for every `cross_year_text` rule, through `Document::memo`: Y104, Y105 and Y106
/// used to split and clean the whole text each.
struct Cleaned {
    sentences: Vec<CleanSentence>,
    /// The shingle hashes of every sentence of at least `MIN_SENTENCE_CHARS`
    /// characters (the others are in no fingerprint), one sentence after the other.
    shingles: Vec<u32>,
}

struct CleanSentence {
    /// Span in the document's text.
    range: Range<usize>,
    /// The section it starts in (`Document::section_at`).
    section: Option<usize>,
    /// Characters of the cleaned sentence.
    chars: usize,
    /// `fnv` of the cleaned sentence.
    hash: u64,
    /// Its shingle hashes in `Cleaned::shingles`.
    shingles: Range<usize>,
}

impl CleanSentence {
    fn in_sections(&self, sections: &[usize]) -> bool {
        sections.is_empty() || self.section.is_some_and(|s| sections.contains(&s))
    }
}

/// The memo key of `Cleaned`.
const CLEANED: &str = "cross_year_text\u{1f}cleaned sentences";

impl Cleaned {
    fn of(doc: &Document) -> std::sync::Arc<Cleaned> {
        doc.memo.get_or_insert(CLEANED, || Cleaned::build(doc))
    }

    fn build(doc: &Document) -> Cleaned {
        // Sized from the narrative's length (a shingle per character of 3 bytes, a
        // sentence per line or so): a few growths of each saved.
        let len = doc.narrative.text.len();
        let mut list = Vec::with_capacity(len / 128 + 1);
        let mut shingles = Vec::with_capacity(len / 3);
        let mut cleaned: Vec<u8> = Vec::new();
        // The byte offset of each cleaned character, then the end: a shingle's
        // characters are consecutive, so its bytes are a slice of the cleaned text.
        let mut bounds: Vec<usize> = Vec::new();
        for r in sentences(doc, &[]) {
            bounds.clear();
            let hash = clean_sentence(&doc.text[r.clone()], &mut cleaned, &mut bounds);
            let chars = bounds.len();
            bounds.push(cleaned.len());
            let first = shingles.len();
            if chars >= MIN_SENTENCE_CHARS {
                shingles.extend(
                    bounds
                        .windows(SHINGLE + 1)
                        .map(|w| shingle_hash_fast(&cleaned[w[0]..w[SHINGLE]])),
                );
            }
            list.push(CleanSentence {
                section: doc.section_at(r.start),
                range: r,
                chars,
                hash,
                shingles: first..shingles.len(),
            });
        }
        Cleaned {
            sentences: list,
            shingles,
        }
    }
}

/// The bottom-`SKETCH` distinct values of a stream of shingle hashes: gathered in a
/// buffer of a few sketches' size, cut back to the smallest `SKETCH` whenever it fills
/// (bounded memory, and a sort of small integers rather than a tree insert per
/// shingle). Once a cut has kept `SKETCH` values, a value not below the largest of
/// them cannot be among the smallest (or is one of them already): it is not gathered.
struct Sketch {
    values: Vec<u32>,
    /// Values from here up are dropped (after the first full cut).
    bound: Option<u32>,
}

impl Sketch {
    fn new() -> Sketch {
        Sketch {
            values: Vec::with_capacity(SKETCH_BUFFER),
            bound: None,
        }
    }

    fn push(&mut self, v: u32) {
        if self.bound.is_some_and(|b| v >= b) {
            return;
        }
        if self.values.len() == SKETCH_BUFFER {
            keep_smallest(&mut self.values);
            if self.values.len() == SKETCH {
                self.bound = self.values.last().copied();
            }
        }
        self.values.push(v);
    }

    /// `push` of each value, with the common case — no bound yet and room in the buffer
    /// for all of them — one copy.
    fn extend(&mut self, values: &[u32]) {
        if self.bound.is_none() && self.values.len() + values.len() <= SKETCH_BUFFER {
            self.values.extend_from_slice(values);
            return;
        }
        for &v in values {
            self.push(v);
        }
    }

    fn finish(mut self) -> Vec<u32> {
        keep_smallest(&mut self.values);
        self.values
    }
}

/// The sentences a format mandates (a rule's `template` regexes), with a prefilter
/// that spares most sentences the regexes: every match of a regex contains one of its
/// required literals (`scan::required_literals`), so one search of the document for
/// all of them tells which sentences each regex could match, and only those are
/// searched. The answers are those of asking every regex about every sentence (a
/// test compares the two on generated reports).
struct Boilerplate {
    regexes: Vec<super::scan::PackRegex>,
    /// Built at the first document (the literals are extracted then, not when the
    /// pack loads).
    prefilter: std::sync::OnceLock<Prefilter>,
}

struct Prefilter {
    /// The required literals of the regexes that have them…
    literals: Vec<Vec<u8>>,
    /// …searched for together (leftmost-first).
    automaton: Option<aho_corasick::AhoCorasick>,
    /// For each literal, the regexes (indexes) one of its occurrences makes possible.
    owners: Vec<Vec<usize>>,
    /// The regexes without a useful literal set: asked about every sentence.
    always: Vec<usize>,
}

impl Prefilter {
    fn new(regexes: &[super::scan::PackRegex]) -> Prefilter {
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        let mut always = Vec::new();
        for (i, re) in regexes.iter().enumerate() {
            // An empty set: the regex never matches, and no literal brings it in.
            let Some(set) = super::scan::required_literals(re.as_str()) else {
                always.push(i);
                continue;
            };
            for lit in set {
                match literals.iter().position(|l| *l == lit) {
                    Some(at) => owners[at].push(i),
                    None => {
                        literals.push(lit);
                        owners.push(vec![i]);
                    }
                }
            }
        }
        if literals.is_empty() {
            return Prefilter {
                literals,
                automaton: None,
                owners,
                always,
            };
        }
        match aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(&literals)
        {
            Ok(ac) => Prefilter {
                literals,
                automaton: Some(ac),
                owners,
                always,
            },
            // Without the automaton every regex is asked about every sentence.
            Err(_) => Prefilter {
                literals: Vec::new(),
                automaton: None,
                owners: Vec::new(),
                always: (0..regexes.len()).collect(),
            },
        }
    }
}

impl Boilerplate {
    fn new(regexes: Vec<super::scan::PackRegex>) -> Boilerplate {
        Boilerplate {
            regexes,
            prefilter: std::sync::OnceLock::new(),
        }
    }

    /// The matcher for the sentences of one document's text that lie in `scope`.
    fn in_text(&self, text: &str, scope: Range<usize>) -> Mandated<'_> {
        if self.regexes.is_empty() {
            return Mandated {
                regexes: &[],
                always: &[],
                owners: &[],
                hits: Vec::new(),
                tried: Vec::new(),
            };
        }
        let pre = self.prefilter.get_or_init(|| Prefilter::new(&self.regexes));
        let mut hits: Vec<(usize, usize, usize)> = Vec::new();
        if let Some(ac) = &pre.automaton {
            // Every occurrence of every literal, in order: a leftmost search (the
            // automaton's fast prefilter) finds the next place where one starts, the
            // literals starting there are compared, and the search goes on from the
            // next byte (an overlapping search of the whole text cost more than the
            // regexes it spared).
            let bytes = &text.as_bytes()[..scope.end.min(text.len())];
            let mut at = scope.start;
            while at < bytes.len() {
                let Some(m) = ac.find(aho_corasick::Input::new(bytes).range(at..)) else {
                    break;
                };
                let start = m.start();
                for (lit, l) in pre.literals.iter().enumerate() {
                    if bytes[start..].starts_with(l) {
                        hits.push((start, start + l.len(), lit));
                    }
                }
                at = start + 1;
            }
        }
        Mandated {
            regexes: &self.regexes,
            always: &pre.always,
            owners: &pre.owners,
            hits,
            tried: vec![false; self.regexes.len()],
        }
    }
}

/// `Boilerplate` for one document: where its literals occur.
struct Mandated<'a> {
    regexes: &'a [super::scan::PackRegex],
    always: &'a [usize],
    owners: &'a [Vec<usize>],
    /// (start, end, literal) of every occurrence, by start.
    hits: Vec<(usize, usize, usize)>,
    /// Regexes already asked about the current sentence.
    tried: Vec<bool>,
}

impl Mandated<'_> {
    /// Whether one of the regexes matches the sentence at `range` of the text.
    fn matches(&mut self, text: &str, range: &Range<usize>) -> bool {
        let s = &text[range.clone()];
        if self.always.iter().any(|&i| self.regexes[i].is_match(s)) {
            return true;
        }
        let from = self.hits.partition_point(|h| h.0 < range.start);
        let inside = self.hits[from..]
            .iter()
            .take_while(|h| h.0 < range.end)
            .filter(|h| h.1 <= range.end);
        self.tried.fill(false);
        for &(_, _, lit) in inside {
            for &i in &self.owners[lit] {
                if !std::mem::replace(&mut self.tried[i], true) && self.regexes[i].is_match(s) {
                    return true;
                }
            }
        }
        false
    }
}

/// The years (2000–2100) a sentence starting at byte `offset` of the text writes as
/// four ASCII digits followed by 年 (whitespace between allowed), with their spans in
/// the text. Found from each 年 backwards (most sentences have few), not by trying
/// every byte: the digits of a year end where the whitespace before a 年 starts.
/// `tests::years_from_nian_agree_with_a_forward_scan` compares it with the scan.
fn years_in(s: &str, offset: usize) -> Vec<(i32, Range<usize>)> {
    let mut years: Vec<(i32, Range<usize>)> = Vec::new();
    let bytes = s.as_bytes();
    for (at, _) in s.match_indices('年') {
        let end = s[..at].trim_end().len();
        let Some(start) = end.checked_sub(4) else {
            continue;
        };
        if bytes[start..end].iter().all(u8::is_ascii_digit)
            && (start == 0 || !bytes[start - 1].is_ascii_digit())
            && let Ok(y) = s[start..end].parse::<i32>()
            && (2000..=2100).contains(&y)
        {
            years.push((y, offset + start..offset + end));
        }
    }
    years
}

impl TextCheck {
    fn cumulative(&self, doc: &Document) -> Vec<Cumulative> {
        let Some(re) = &self.pattern else {
            return Vec::new();
        };
        let text = &doc.text;
        let year = doc.year.as_ref().map(|y| y.year);
        let mut out: Vec<Cumulative> = Vec::new();
        let mut conflicting: BTreeSet<String> = BTreeSet::new();
        for c in re.captures_iter(text) {
            let (Some(all), Some(n)) = (c.get(0), c.name("n")) else {
                continue;
            };
            if reliability(text, n.range(), all.end()) != Reliability::Exact {
                continue;
            }
            // The clause before the match: a figure of one year is not cumulative.
            let clause_start = text[..all.start()]
                .char_indices()
                .rev()
                .find(|(_, c)| matches!(c, '，' | '。' | '；' | '\n' | ','))
                .map_or(0, |(i, c)| i + c.len_utf8());
            let clause = text.get(clause_start..all.start()).unwrap_or("");
            let one_year = ["本年", "今年", "全年", "年内", "当年", "年度内"]
                .iter()
                .any(|w| clause.contains(w) || all.as_str().contains(w))
                || clause.contains("年累计")
                || year.is_some_and(|y| clause.contains(&format!("{y}年")));
            if one_year {
                continue;
            }
            let Some(value) = parse_figure(n.as_str()) else {
                continue;
            };
            let what = c.name("what").map_or("", |m| m.as_str());
            let unit = text[n.end()..all.end()].trim();
            let key = format!("{}{}", clean(what, false), clean(unit, false));
            if key.is_empty() {
                continue;
            }
            if let Some(existing) = out.iter().find(|x| x.key == key) {
                if existing.value != value {
                    conflicting.insert(key);
                }
                continue;
            }
            out.push(Cumulative {
                key,
                value,
                span: n.range(),
                place: crate::diagnostic::place::resolve_place(doc, &n.range()),
            });
        }
        out.retain(|c| !conflicting.contains(&c.key));
        out
    }

    fn fingerprint(&self, doc: &Document) -> Option<Fingerprint> {
        let cleaned = Cleaned::of(doc);
        let candidates: Vec<&CleanSentence> = cleaned
            .sentences
            .iter()
            .filter(|s| s.in_sections(&self.sections) && s.chars >= MIN_SENTENCE_CHARS)
            .collect();
        // The mandated sentences are looked for where the candidates are (a section).
        let scope = candidates.iter().map(|s| s.range.start).min().unwrap_or(0)
            ..candidates.iter().map(|s| s.range.end).max().unwrap_or(0);
        let mut mandated = self.template.in_text(&doc.text, scope);
        let mut sketch = Sketch::new();
        let mut hashes = Vec::with_capacity(candidates.len());
        let mut kept = Vec::with_capacity(candidates.len());
        let mut chars = 0;
        for s in candidates {
            if mandated.matches(&doc.text, &s.range) {
                continue;
            }
            chars += s.chars;
            hashes.push(s.hash);
            kept.push((s.hash, s.range.clone()));
            sketch.extend(&cleaned.shingles[s.shingles.clone()]);
        }
        if chars < MIN_CHARS {
            return None;
        }
        hashes.sort_unstable();
        hashes.dedup();
        let anchor = match self.sections.first().and_then(|&s| doc.outline.first(s)) {
            Some(hit) => hit.heading.clone(),
            None => kept.first().map(|(_, r)| r.clone())?,
        };
        Some(Fingerprint {
            sketch: sketch.finish(),
            chars,
            hashes,
            anchor_place: crate::diagnostic::place::resolve_place(doc, &anchor),
            anchor,
            sentences: kept,
        })
    }

    fn years(&self, doc: &Document) -> YearSentences {
        let mut masked = Vec::new();
        let mut with_year = Vec::new();
        let own = doc.year.as_ref().map(|y| y.year);
        for sentence in &Cleaned::of(doc).sentences {
            let r = &sentence.range;
            let s = &doc.text[r.clone()];
            // The length first: it is known, the years are searched for.
            if sentence.chars < MIN_YEAR_SENTENCE_CHARS {
                continue;
            }
            let years = years_in(s, r.start);
            if years.is_empty() {
                continue;
            }
            let h = sentence.hash;
            // Last year's sentences about its own year, to be found again.
            if own.is_some_and(|y| years.iter().any(|(x, _)| *x == y)) {
                masked.push((h, crate::diagnostic::place::resolve_place(doc, r)));
            }
            let comparison = self.not_with.as_ref().is_some_and(|re| re.is_match(s));
            let all: Vec<i32> = years.iter().map(|(y, _)| *y).collect();
            for (y, span) in years {
                with_year.push(YearMention {
                    year: y,
                    span,
                    masked: h,
                    other_year: all.iter().copied().filter(|x| *x != y).collect(),
                    comparison,
                });
            }
        }
        masked.sort_by_key(|(h, _)| *h);
        YearSentences { masked, with_year }
    }
}

/// Jaccard similarity of two bottom-k sketches.
fn jaccard(a: &[u32], b: &[u32]) -> f64 {
    let (mut i, mut j, mut both, mut taken) = (0, 0, 0usize, 0usize);
    while taken < SKETCH && (i < a.len() || j < b.len()) {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x == y => {
                both += 1;
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x < y => i += 1,
            (Some(_), Some(_)) => j += 1,
            (Some(_), None) => i += 1,
            (None, Some(_)) => j += 1,
            (None, None) => break,
        }
        taken += 1;
    }
    if taken == 0 {
        0.0
    } else {
        both as f64 / taken as f64
    }
}

impl SeriesCheck for TextCheck {
    fn decode_facts(&self, input: &mut Reader<'_>) -> Option<Box<dyn SeriesFacts>> {
        Some(Box::new(Facts::decode(input)?))
    }

    fn facts(&self, doc: &Document, _templates: &Templates) -> Option<Box<dyn SeriesFacts>> {
        let f = match self.kind {
            Kind::Cumulative => Facts::Cumulative(self.cumulative(doc)),
            Kind::Similarity => Facts::Fingerprint(self.fingerprint(doc)?),
            Kind::StaleYear => Facts::Years(self.years(doc)),
        };
        Some(Box::new(f))
    }

    fn check_pair(&self, cx: &mut PairCx<'_>) {
        let (Some(mine), Some(theirs)) = (cx.mine::<Facts>(), cx.theirs::<Facts>()) else {
            return;
        };
        let mut found = Vec::new();
        match (mine, theirs) {
            (Facts::Cumulative(a), Facts::Cumulative(b)) => {
                for c in a {
                    let Some(p) = b.iter().find(|p| p.key == c.key) else {
                        continue;
                    };
                    if c.value >= p.value {
                        continue;
                    }
                    let d = cx
                        .diagnostic(
                            c.span.clone(),
                            format!(
                                "累计数比上年（{}）报告的还小：「{}」本年 {}，上年 {}",
                                cx.prev_year, c.key, c.value, p.value
                            ),
                        )
                        .primary_label(format!("累计 {}", c.value))
                        .elsewhere(
                            &cx.prev.path,
                            p.place.clone(),
                            format!("上年报告：累计 {}", p.value),
                        )
                        .note("累计数只增不减；若统计口径变化，请在报告中说明")
                        .help(format!("核对此数（应不小于 {}）或说明口径变化", p.value));
                    found.push(d);
                }
            }
            (Facts::Fingerprint(a), Facts::Fingerprint(b)) => {
                let sim = jaccard(&a.sketch, &b.sketch);
                if sim < self.threshold {
                    return;
                }
                let shared: Vec<&(u64, Range<usize>)> = a
                    .sentences
                    .iter()
                    .filter(|(h, _)| b.hashes.binary_search(h).is_ok())
                    .collect();
                let mut longest = shared.clone();
                longest.sort_by_key(|(_, r)| std::cmp::Reverse(r.len()));
                let mut d = cx
                    .diagnostic(
                        a.anchor.clone(),
                        format!(
                            "{}：与上年（{}）报告的相似度为 {:.0}%（达到 {:.0}%）",
                            self.summary,
                            cx.prev_year,
                            sim * 100.0,
                            self.threshold * 100.0
                        ),
                    )
                    .primary_label(format!("相似度 {:.0}%", sim * 100.0))
                    .elsewhere(&cx.prev.path, b.anchor_place.clone(), "上年报告的相应部分")
                    .note(format!(
                        "去掉格式规定的套话和数字后比较（本年 {} 字，上年 {} 字）；{} 句与上年完全相同",
                        a.chars,
                        b.chars,
                        shared.len()
                    ));
                for (_, r) in longest.iter().take(SHOWN) {
                    d = d.label(r.clone(), "与上年报告相同");
                }
                d = d.help("结合本年度的实际情况重写，不要照搬上年报告");
                found.push(d);
            }
            (Facts::Years(a), Facts::Years(b)) => {
                let stale = cx.prev_year;
                for m in &a.with_year {
                    if m.year != stale || m.comparison || m.other_year.contains(&cx.year) {
                        continue;
                    }
                    let Ok(i) = b.masked.binary_search_by_key(&m.masked, |(h, _)| *h) else {
                        continue;
                    };
                    let d = cx
                        .diagnostic(
                            m.span.clone(),
                            format!("{}年度报告中仍写着上一年度「{stale}年」", cx.year),
                        )
                        .primary_label(format!("应为 {}年？", cx.year))
                        .elsewhere(&cx.prev.path, b.masked[i].1.clone(), "上年报告中的同一句")
                        .note("这句话与上年报告中的一句相同（只有数字可能不同），其中的年份没有改")
                        .help(format!("改为「{}年」", cx.year));
                    found.push(d);
                }
            }
            _ => {}
        }
        for d in found {
            cx.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The buffered sketch is the bottom-`SKETCH` set of distinct values, whatever the
    /// order and repetition of the input, and however many times the buffer fills (and
    /// the values it drops unseen once it has a bound).
    #[test]
    fn sketch_keeps_the_smallest_distinct_values() {
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for n in [
            0,
            10,
            SKETCH - 1,
            SKETCH,
            SKETCH + 1,
            SKETCH_BUFFER,
            10 * SKETCH_BUFFER + 7,
        ] {
            let mut sketch = Sketch::new();
            // The same values given in runs of 0 to 99 (`extend`).
            let mut runs = Sketch::new();
            let mut run = Vec::new();
            let mut tree = std::collections::BTreeSet::new();
            for _ in 0..n {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                // Few distinct values for some sizes: repetition must not crowd the sketch.
                let v = (seed >> 33) as u32 % if n % 2 == 0 { 3_000 } else { u32::MAX };
                sketch.push(v);
                tree.insert(v);
                run.push(v);
                if seed % 100 < run.len() as u64 {
                    runs.extend(&run);
                    run.clear();
                }
            }
            runs.extend(&run);
            let want: Vec<u32> = tree.into_iter().take(SKETCH).collect();
            assert_eq!(runs.finish(), want, "{n} values in runs");
            assert_eq!(sketch.finish(), want, "{n} values");
        }
    }

    #[test]
    fn jaccard_of_sketches() {
        let a: Vec<u32> = (0..100).collect();
        let b: Vec<u32> = (50..150).collect();
        assert!((jaccard(&a, &a) - 1.0).abs() < 1e-9);
        assert!((jaccard(&a, &b) - 50.0 / 150.0).abs() < 1e-9);
        assert_eq!(jaccard(&a, &(200..300).collect::<Vec<u32>>()), 0.0);
        assert_eq!(jaccard(&[], &[]), 0.0);
    }

    #[test]
    fn figures_are_masked_and_punctuation_dropped() {
        assert_eq!(clean("2023年，收到申请12件。", true), "#年收到申请#件");
        assert_eq!(clean("2023年，收到申请12件。", false), "年收到申请件");
        let (mut out, mut bounds) = (String::new(), Vec::new());
        clean_with_bounds("2023年，收到ab申请１２件。", &mut out, &mut bounds);
        assert_eq!(out, clean("2023年，收到ab申请１２件。", true));
        let starts: Vec<usize> = out.char_indices().map(|(i, _)| i).collect();
        assert_eq!(bounds, starts);
    }
    /// The straightforward facts, as they were computed before the sentences were
    /// shared and the templates prefiltered: every rule splits and cleans the text,
    /// asks every template regex about every sentence and encodes each shingle again.
    impl TextCheck {
        fn fingerprint_plain(&self, doc: &Document) -> Option<Fingerprint> {
            // The SKETCH smallest distinct shingle hashes: gathered in a buffer of a few
            // sketches' size, cut back to the smallest SKETCH whenever it fills (bounded
            // memory, and a sort of small integers rather than a tree insert per shingle).
            let mut sketch: Vec<u32> = Vec::with_capacity(SKETCH_BUFFER);
            let mut hashes = Vec::new();
            let mut kept = Vec::new();
            let mut chars = 0;
            // One buffer of each for the whole document, not one per sentence.
            let mut cleaned = String::new();
            let mut cs: Vec<char> = Vec::new();
            for r in sentences_plain(doc, &self.sections) {
                let s = &doc.text[r.clone()];
                if self.template.regexes.iter().any(|t| t.is_match(s)) {
                    continue;
                }
                clean_into(s, true, &mut cleaned);
                cs.clear();
                cs.extend(cleaned.chars());
                if cs.len() < 6 {
                    continue;
                }
                chars += cs.len();
                let h = fnv(cleaned.bytes());
                hashes.push(h);
                kept.push((h, r));
                for w in cs.windows(SHINGLE) {
                    let mut buf = [0u8; 16];
                    let mut len = 0;
                    for c in w {
                        len += c.encode_utf8(&mut buf[len..]).len();
                    }
                    let hv = (fnv(buf[..len].iter().copied()) >> 32) as u32;
                    if sketch.len() == SKETCH_BUFFER {
                        keep_smallest(&mut sketch);
                    }
                    sketch.push(hv);
                }
            }
            if chars < MIN_CHARS {
                return None;
            }
            hashes.sort_unstable();
            hashes.dedup();
            let anchor = match self.sections.first().and_then(|&s| doc.outline.first(s)) {
                Some(hit) => hit.heading.clone(),
                None => kept.first().map(|(_, r)| r.clone())?,
            };
            keep_smallest(&mut sketch);
            Some(Fingerprint {
                sketch,
                chars,
                hashes,
                anchor_place: crate::diagnostic::place::resolve_place(doc, &anchor),
                anchor,
                sentences: kept,
            })
        }

        fn years_plain(&self, doc: &Document) -> YearSentences {
            let mut masked = Vec::new();
            let mut with_year = Vec::new();
            let own = doc.year.as_ref().map(|y| y.year);
            let mut cleaned = String::new();
            for r in sentences_plain(doc, &[]) {
                let s = &doc.text[r.clone()];
                let years = years_forward(s, r.start);
                if years.is_empty() {
                    continue;
                }
                clean_into(s, true, &mut cleaned);
                if cleaned.chars().count() < 8 {
                    continue;
                }
                let h = fnv(cleaned.bytes());
                // Last year's sentences about its own year, to be found again.
                if own.is_some_and(|y| years.iter().any(|(x, _)| *x == y)) {
                    masked.push((h, crate::diagnostic::place::resolve_place(doc, &r)));
                }
                let comparison = self.not_with.as_ref().is_some_and(|re| re.is_match(s));
                let all: Vec<i32> = years.iter().map(|(y, _)| *y).collect();
                for (y, span) in years {
                    with_year.push(YearMention {
                        year: y,
                        span,
                        masked: h,
                        other_year: all.iter().copied().filter(|x| *x != y).collect(),
                        comparison,
                    });
                }
            }
            masked.sort_by_key(|(h, _)| *h);
            YearSentences { masked, with_year }
        }
    }

    /// The sentences as they were split (by characters), for the plain facts.
    fn sentences_plain<'a>(
        doc: &'a Document,
        sections: &'a [usize],
    ) -> impl Iterator<Item = Range<usize>> + 'a {
        let n = &doc.narrative;
        let text = &n.text;
        let mut start = 0;
        let ends = text
            .char_indices()
            .filter(|&(_, c)| matches!(c, '。' | '！' | '？' | '；' | '\n' | '!' | '?' | ';'))
            .map(|(i, c)| (i, i + c.len_utf8()))
            .chain(std::iter::once((text.len(), text.len())));
        ends.filter_map(move |(end, next)| {
            let sentence = start..end;
            start = next;
            (sentence.start < sentence.end).then_some(sentence)
        })
        .map(|r| n.to_original(r))
        .filter(|r| r.start < r.end && r.end <= doc.text.len())
        .filter(|r| super::super::in_sections(doc, sections, r.start))
    }

    fn regex(source: &str) -> crate::rules::scan::PackRegex {
        crate::rules::scan::Registry::default().regex(crate::rules::scan::Spec {
            source: source.to_string(),
            limited: true,
            compiled: None,
            scanned: false,
        })
    }

    fn text_check(kind: Kind, sections: Vec<usize>, template: &[&str]) -> TextCheck {
        TextCheck {
            kind,
            pattern: None,
            sections,
            threshold: 0.5,
            template: Boilerplate::new(template.iter().map(|t| regex(t)).collect()),
            not_with: Some(regex("同比|较上年|以来")),
            summary: String::new(),
        }
    }

    /// Reports made from the repository's examples by inserting mandated wordings,
    /// years, figures and breaks at random places, with several kinds of regexes
    /// (literal prefixes, an anchored one, one without any literal, one that never
    /// matches): the shared, prefiltered facts equal the straightforward ones.
    #[test]
    fn shared_sentences_and_prefilter_give_the_plain_facts() {
        let pack = crate::Pack::national().expect("national pack");
        let templates = &pack.templates;
        let problems = templates
            .section_index("problems")
            .into_iter()
            .collect::<Vec<_>>();
        let root = env!("CARGO_MANIFEST_DIR");
        let bases: Vec<String> = [
            "examples/report-2024.txt",
            "examples/report-with-defects.txt",
            "tests/fixtures/layout-columns.txt",
            "tests/fixtures/layout-one-cell-per-line.txt",
        ]
        .iter()
        .filter_map(|p| std::fs::read_to_string(format!("{root}/{p}")).ok())
        .collect();
        assert_eq!(bases.len(), 4);
        let national = [
            "^\\s*[（(]?[一二三四五六七八九十\\d]+[）)、.]?\\s*存在的主要问题",
            "本报告.{0,40}(?:编制|编写|根据)",
            "统计(?:期限|时限|时间)",
            "如对本报告有(?:任何)?疑问",
            "(?:地址|邮编|电话|电子邮箱|联系)[:：]",
        ];
        let checks = [
            text_check(Kind::Similarity, problems.clone(), &national[..1]),
            text_check(Kind::Similarity, Vec::new(), &national[1..]),
            text_check(Kind::Similarity, Vec::new(), &national),
            // No literal (always asked), literal-less with one that has, never matching.
            text_check(Kind::Similarity, Vec::new(), &["^.{0,3}[A-Za-z]", "公开"]),
            text_check(Kind::Similarity, problems, &["[a&&b]", "^\\s*（"]),
            // Literals starting at the same place, the first one's regex not matching.
            text_check(
                Kind::Similarity,
                Vec::new(),
                &["统计期限为\\d{4}年2月", "统计期.{0,12}至"],
            ),
            text_check(Kind::Similarity, Vec::new(), &[]),
            text_check(Kind::StaleYear, Vec::new(), &[]),
        ];
        let inserts = [
            "本报告根据《条例》编制。",
            "统计期限为2024年1月1日至12月31日。",
            "如对本报告有任何疑问，请联系。",
            "联系电话：0591-1234567\n",
            "（一）存在的主要问题\n",
            "2023年，我局认真贯彻落实《条例》",
            "2024年共收到申请12件；",
            "与2023年同比增长5%。",
            "ABC公开 ",
            "\n",
            "。",
            "成效显著！",
            "是否公开？",
            "一是；二是",
            "a;b!c?",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            ((seed >> 33) as usize) % n
        };
        let mut compared = 0;
        for round in 0..48 {
            let mut text = bases[round % bases.len()].clone();
            for _ in 0..next(40) {
                let mut at = next(text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                text.insert_str(at, inserts[next(inserts.len())]);
            }
            let doc = Document::parse("g.txt", text, templates);
            for check in &checks {
                match check.kind {
                    Kind::Similarity => {
                        assert_eq!(
                            check.fingerprint(&doc),
                            check.fingerprint_plain(&doc),
                            "round {round}"
                        );
                    }
                    _ => assert_eq!(check.years(&doc), check.years_plain(&doc), "round {round}"),
                }
                compared += 1;
            }
        }
        assert_eq!(compared, 48 * checks.len());
    }

    /// Characters the byte paths treat apart: ASCII digits, letters and ends, the
    /// full-width digits and their neighbours, ideographs of every lead byte (U+4DC0
    /// hexagrams are not letters), CJK and full-width punctuation (。！？； and the bytes
    /// next to them), other scripts, 4-byte characters, whitespace.
    const TRICKY: &[char] = &[
        '0',
        '9',
        '5',
        'a',
        'Z',
        '#',
        ' ',
        '\n',
        '!',
        '?',
        ';',
        '.',
        ',',
        '０',
        '９',
        '／',
        '：',
        'Ａ',
        'ｚ',
        '。',
        '、',
        '〃',
        '！',
        '？',
        '；',
        '，',
        '＂',
        '\u{FF5E}',
        '一',
        '龥',
        '\u{9FFF}',
        '中',
        '\u{4FFF}',
        '\u{4E00}',
        '\u{4DFF}',
        '\u{4DC0}',
        '\u{4DFF}',
        '\u{4DB5}',
        '\u{4000}',
        '\u{3400}',
        '\u{5000}',
        '年',
        '件',
        'é',
        'ß',
        'Ω',
        'я',
        'ا',
        '\u{3000}',
        '\u{00A0}',
        '\u{2028}',
        '“',
        '”',
        '\u{20000}',
        '\u{1F600}',
        '\u{E000}',
        '\u{FFFD}',
        'ｶ',
        '\u{F900}',
        '\u{3041}',
    ];

    fn generated(next: &mut impl FnMut(usize) -> usize) -> String {
        (0..next(40)).map(|_| TRICKY[next(TRICKY.len())]).collect()
    }

    #[test]
    fn byte_cleaning_agrees_with_chars() {
        let mut next = crate::test_rng::below(0x5DEE_CE66_D1CE_4E5B);
        let (mut want, mut want_bounds) = (String::new(), Vec::new());
        let (mut got, mut got_bounds) = (Vec::new(), Vec::new());
        for _ in 0..20_000 {
            let s = generated(&mut next);
            want_bounds.clear();
            clean_with_bounds(&s, &mut want, &mut want_bounds);
            got_bounds.clear();
            let h = clean_sentence(&s, &mut got, &mut got_bounds);
            assert_eq!(got, want.as_bytes(), "{s:?}");
            assert_eq!(got_bounds, want_bounds, "{s:?}");
            assert_eq!(h, fnv(want.bytes()), "{s:?}");
        }
    }

    #[test]
    fn sentence_ends_walk_agrees_with_chars() {
        let mut next = crate::test_rng::below(0x2545_F491_4F6C_DD1D);
        for _ in 0..20_000 {
            let s = generated(&mut next);
            let want: Vec<(usize, usize)> = s
                .char_indices()
                .filter(|&(_, c)| matches!(c, '。' | '！' | '？' | '；' | '\n' | '!' | '?' | ';'))
                .map(|(i, c)| (i, i + c.len_utf8()))
                .collect();
            let got: Vec<(usize, usize)> = SentenceEnds {
                bytes: s.as_bytes(),
                at: 0,
            }
            .collect();
            assert_eq!(got, want, "{s:?}");
        }
    }

    #[test]
    fn twelve_byte_shingles_hash_as_any_other() {
        for s in ["申请公开", "申请公#", "ab申请", "", "一二三四五"] {
            assert_eq!(shingle_hash_fast(s.as_bytes()), shingle_hash(s.as_bytes()));
        }
    }

    /// The forward scan `years_in` was: every byte tried as the start of a year.
    fn years_forward(s: &str, offset: usize) -> Vec<(i32, Range<usize>)> {
        let mut years: Vec<(i32, Range<usize>)> = Vec::new();
        let bytes = s.as_bytes();
        let mut i = 0;
        while i + 4 <= bytes.len() {
            if bytes[i..i + 4].iter().all(u8::is_ascii_digit)
                && (i == 0 || !bytes[i - 1].is_ascii_digit())
                && bytes.get(i + 4).is_none_or(|b| !b.is_ascii_digit())
                && s[i + 4..].trim_start().starts_with('年')
                && let Ok(y) = s[i..i + 4].parse::<i32>()
                && (2000..=2100).contains(&y)
            {
                years.push((y, offset + i..offset + i + 4));
                i += 4;
            } else {
                i += 1;
            }
        }
        years
    }

    #[test]
    fn years_from_nian_agree_with_a_forward_scan() {
        let pieces = [
            "2023",
            "2024",
            "1999",
            "2100",
            "2101",
            "0",
            "1",
            "20",
            "12023",
            "年",
            "年",
            "年度",
            " ",
            "\u{3000}",
            "\n",
            "\u{00A0}",
            "全",
            "月",
            "，",
            "a",
            "２０２３",
            "。",
        ];
        let mut next = crate::test_rng::below(0x9E37_79B9_7F4A_7C15);
        let mut hits = 0;
        for _ in 0..20_000 {
            let s: String = (0..next(12)).map(|_| pieces[next(pieces.len())]).collect();
            let offset = next(100);
            let want = years_forward(&s, offset);
            hits += want.len();
            assert_eq!(years_in(&s, offset), want, "{s:?}");
        }
        assert!(hits > 1_000, "{hits} years in the generated sentences");
    }

    #[test]
    fn letter_fast_path_agrees_with_unicode() {
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            assert_eq!(is_letter(c), c.is_alphabetic(), "U+{:04X}", c as u32);
        }
    }
}
