//! Splits the text of a table region into cells ("tokens"), whatever the layout:
//!
//! * pipe rows, `规章 | 0 | 0 | 0 |` (web tables scraped to text, Markdown);
//! * one cell per line, `规章 |` / `3 |` (the same, one cell at a time);
//! * whitespace columns, `规章            1          0        11` (`pdftotext -layout`).
//!
//! In pipe rows an empty cell is a `Blank` token, so positions are kept. In whitespace
//! columns cells are separated by two or more spaces; a single space stays inside a
//! cell (PDF extraction puts single spaces inside labels). Page furniture (`-3-`,
//! `第 2 页`) is dropped.

use std::ops::Range;

use regex::Regex;
use std::sync::LazyLock;

use crate::number::{Num, parse_number};
use crate::text::{LineIndex, normalize};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Cells separated by `|`.
    Pipe,
    /// Cells separated by runs of spaces.
    Columns,
    /// Cells glued on one line, cut at the table's labels (`parse::inline`).
    Inline,
    /// One cell per line (web tables scraped cell by cell); a line holding only
    /// spaces is an empty cell.
    Cells,
}

impl Layout {
    /// How the table's cells were written, for users.
    pub fn chinese(self) -> &'static str {
        match self {
            Layout::Pipe => "以“|”分隔",
            Layout::Columns => "以空格分列",
            Layout::Inline => "单元格连写在一行，按标签切分",
            Layout::Cells => "每行一个单元格",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum TokenKind {
    /// A label or other text; `norm` is its normalised form.
    Text {
        norm: String,
    },
    Number(Num),
    /// An empty cell between two pipes.
    Blank,
    /// A stand-in for a number: `/`, `-`, `—`, `无`.
    Placeholder,
}

#[derive(Clone, Debug)]
pub struct Token {
    pub kind: TokenKind,
    /// Byte span in the document; for a blank cell, the pipe that closes it.
    pub span: Range<usize>,
    /// 0-based line.
    pub line: usize,
    pub layout: Layout,
}

impl Token {
    pub fn is_value(&self) -> bool {
        !matches!(self.kind, TokenKind::Text { .. })
    }

    pub fn norm(&self) -> Option<&str> {
        match &self.kind {
            TokenKind::Text { norm } => Some(norm),
            _ => None,
        }
    }
}

static PAGE_FURNITURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[-—–－~]+\s*\d{1,4}\s*[-—–－~]+|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})$")
        .expect("valid regex")
});

const PLACEHOLDERS: &[&str] = &[
    "/", "／", "-", "－", "—", "——", "–", "\\", "无", "×", "*", "＊", "~",
];

/// True for page numbers and similar lines that PDF extraction leaves in tables.
pub fn is_page_furniture(line: &str) -> bool {
    is_trimmed_furniture(trim_ws(line))
}

/// `is_page_furniture` of a line already trimmed of whitespace.
fn is_trimmed_furniture(t: &str) -> bool {
    // Form feeds (page breaks) are trimmed only when the line has one at an end.
    let b = t.as_bytes();
    let t = if b.first() == Some(&0x0C) || b.last() == Some(&0x0C) {
        t.trim_matches('\u{c}')
    } else {
        t
    };
    may_be_furniture(t) && PAGE_FURNITURE.is_match(t)
}

/// True for the ASCII bytes `char::is_whitespace` accepts (tab, line feed, vertical
/// tab, form feed, carriage return, space; not `u8::is_ascii_whitespace`, which
/// leaves out the vertical tab).
#[inline]
fn is_ascii_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t'..=b'\r')
}

/// True for the lead bytes of the non-ASCII characters `char::is_whitespace` accepts:
/// `C2` (U+0085, U+00A0), `E1` (U+1680), `E2` (U+2000..=U+205F), `E3` (U+3000). A
/// character led by any other byte (Chinese text: `E4`..=`E9`) is no whitespace.
#[inline]
fn may_lead_unicode_space(lead: u8) -> bool {
    matches!(lead, 0xC2 | 0xE1 | 0xE2 | 0xE3)
}

/// `str::trim_start`, looking at ASCII bytes directly: table lines are mostly ASCII
/// spaces around text, and `trim_start` decodes every character it looks at. When the
/// first byte left leads a character that may be a Unicode space (U+3000 and others),
/// the rest goes to `trim_start` itself.
#[inline]
fn trim_start_ws(s: &str) -> &str {
    let b = s.as_bytes();
    let mut n = 0;
    while n < b.len() && is_ascii_ws(b[n]) {
        n += 1;
    }
    // Cut after ASCII bytes only: a character boundary.
    let t = &s[n..];
    if t.as_bytes()
        .first()
        .is_some_and(|&c| may_lead_unicode_space(c))
    {
        t.trim_start()
    } else {
        t
    }
}

/// `str::trim_end`, the same way as `trim_start_ws` (the last character's lead byte is
/// found among the last four bytes).
#[inline]
fn trim_end_ws(s: &str) -> &str {
    let b = s.as_bytes();
    let mut n = b.len();
    while n > 0 && is_ascii_ws(b[n - 1]) {
        n -= 1;
    }
    let t = &s[..n];
    let tb = t.as_bytes();
    if tb.last().is_some_and(|&c| c >= 0x80)
        && tb
            .iter()
            .rev()
            .take(4)
            .find(|&&c| !(0x80..=0xBF).contains(&c))
            .is_none_or(|&lead| may_lead_unicode_space(lead))
    {
        t.trim_end()
    } else {
        t
    }
}

/// `str::trim` (see `trim_start_ws`).
#[inline]
fn trim_ws(s: &str) -> &str {
    trim_end_ws(trim_start_ws(s))
}

/// Cheap test before `PAGE_FURNITURE` (run on every line of every table region): the
/// first and last characters its alternatives allow — dashes around a number, `第…页`,
/// digits at both ends (`\d` is a Unicode decimal digit, which `is_numeric` includes)
/// with a `/` between them (the only alternative that starts with a digit: a line of
/// figures in a table is no page number).
fn may_be_furniture(t: &str) -> bool {
    let dash = |c: char| matches!(c, '-' | '—' | '–' | '－' | '~');
    let (Some(first), Some(last)) = (t.chars().next(), t.chars().next_back()) else {
        return false;
    };
    (dash(first) && dash(last))
        || (first == '第' && last == '页')
        || (first.is_numeric() && last.is_numeric() && t.contains('/'))
}

/// Tokens of `region` in reading order. `tpl` is the table looked for: a line where
/// its labels are glued to figures is cut at those labels (`parse::inline`).
pub fn tokenize(
    text: &str,
    lines: &LineIndex,
    region: Range<usize>,
    tpl: &crate::template::TableTemplate,
) -> Vec<Token> {
    // Built the first time a line looks glued (most reports have none).
    let mut inline: Option<Option<super::inline::InlineLabels>> = None;
    let mut out = Vec::new();
    if region.is_empty() {
        return out;
    }
    let first = lines.line_of(region.start);
    let last = lines.line_of(region.end.saturating_sub(1));
    let segment = |line: usize| {
        let lr = lines.line_range(text, line);
        lr.start.max(region.start)..lr.end.min(region.end)
    };
    let cells = one_cell_per_line(text, last - first + 1, (first..=last).map(segment));
    let mut scratch = Scratch::default();
    for line in first..=last {
        let seg = segment(line);
        if seg.is_empty() {
            continue;
        }
        let s = &text[seg.clone()];
        let t = trim_ws(s);
        if cells && t.is_empty() {
            // A line of spaces between cell lines is an empty cell.
            let at = seg.start;
            out.push(Token {
                kind: TokenKind::Blank,
                span: at..at + s.len().min(1),
                line,
                layout: Layout::Cells,
            });
            continue;
        }
        if t.is_empty() || is_trimmed_furniture(t) {
            continue;
        }
        if cells && is_trimmed_cell_line(t) {
            out.push(Token {
                kind: classify(t),
                span: trimmed(s, seg.start),
                line,
                layout: Layout::Cells,
            });
            continue;
        }
        if t == "|" && s.starts_with(char::is_whitespace) {
            // ` |`: an empty cell of a table written one cell per line, each ending in
            // ` |` (a bare `|` between cell lines is only a separator).
            let at = seg.start + s.len() - trim_start_ws(s).len();
            out.push(Token {
                kind: TokenKind::Blank,
                span: at..at + 1,
                line,
                layout: Layout::Pipe,
            });
            continue;
        }
        if s.contains('|') {
            pipe_tokens(s, seg.start, line, &mut out, &mut scratch);
        } else if may_be_glued(s)
            && let Some(labels) = inline
                .get_or_insert_with(|| super::inline::InlineLabels::new(tpl))
                .as_ref()
            && labels.is_glued(s)
        {
            labels.tokens(s, seg.start, line, &mut out);
        } else {
            column_tokens(s, seg.start, line, &mut out, &mut scratch);
        }
    }
    out
}

/// Longest line (in characters) taken as one cell of a one-cell-per-line table.
const MAX_CELL_CHARS: usize = 60;
/// Figures standing alone on their lines that make a region one cell per line.
const MIN_CELL_FIGURES: usize = 6;

/// A line that holds one cell: no `|`, no gap of several spaces, not long.
///
/// Takes the line trimmed of whitespace.
fn is_trimmed_cell_line(t: &str) -> bool {
    !t.is_empty()
        && !t.contains('|')
        && !t.contains("  ")
        && !t.contains('\t')
        && t.chars().count() <= MAX_CELL_CHARS
}

/// True when the table's figures stand alone on their lines (with blank cells at least
/// `MIN_CELL_FIGURES`, and four in five of all figure lines): a web table scraped one
/// cell per line. Rows are then read as the cells between one label and the next,
/// whatever the line breaks, and a line of spaces is an empty cell.
///
/// Lines holding only spaces are the blank cells of such a table (`<td> </td>`): they
/// count towards the minimum, so that a row of one figure and fourteen blank cells
/// (表四 of a report with one case) reads as cells too. At least one figure must
/// stand alone; an empty line is no evidence (every layout has them).
///
/// `lines` is the number of segments: once even every line left standing alone could
/// not make four in five of the figure lines (whitespace columns: after a fifth of the
/// table), the answer is no and the rest is not read.
fn one_cell_per_line(text: &str, lines: usize, segs: impl Iterator<Item = Range<usize>>) -> bool {
    let (mut alone, mut shared, mut blanks) = (0usize, 0usize, 0usize);
    for (read, seg) in segs.enumerate() {
        if alone + (lines - read.min(lines)) < 4 * shared {
            return false;
        }
        let s = &text[seg];
        if s.contains('|') {
            continue;
        }
        let t = trim_ws(s);
        if !s.is_empty() && t.is_empty() {
            blanks += 1;
            continue;
        }
        // A figure needs a digit: most label lines are passed over without splitting.
        if !has_digit(t) {
            continue;
        }
        let figures = t
            .split_whitespace()
            .filter(|w| may_be_number(w) && parse_number(w).is_some())
            .count();
        if figures == 0 {
            continue;
        }
        if is_trimmed_cell_line(t) && figures == 1 && parse_number(t).is_some() {
            alone += 1;
        } else {
            shared += 1;
        }
    }
    alone >= 1 && alone + blanks >= MIN_CELL_FIGURES && alone >= 4 * shared
}

/// True when `s` holds a character `parse_number` reads as a digit: an ASCII digit or a
/// full-width one (U+FF10..=U+FF19, UTF-8 `EF BC 90..=99`), found among the bytes.
fn has_digit(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().any(|(i, &c)| {
        c.is_ascii_digit()
            || (c == 0xEF
                && b.get(i + 1) == Some(&0xBC)
                && b.get(i + 2).is_some_and(|d| (0x90..=0x99).contains(d)))
    })
}

/// Cheap test before looking for glued labels: a long line with a digit right after
/// a letter (or after a letter and one space).
fn may_be_glued(s: &str) -> bool {
    s.len() >= 30 && {
        let (mut letter, mut letter_space) = (false, false);
        s.chars().any(|c| {
            let hit = (letter || letter_space) && c.is_ascii_digit();
            letter_space = letter && c == ' ';
            // Common Chinese characters are letters: told without the Unicode table.
            letter = !c.is_ascii() && (('\u{4E00}'..='\u{9FA5}').contains(&c) || c.is_alphabetic());
            hit
        })
    }
}

fn classify(cell: &str) -> TokenKind {
    // A cell starting with an ASCII digit may be a number (`may_be_number` says so
    // without being asked: most value cells are plain digits).
    let digit_first = cell.as_bytes().first().is_some_and(u8::is_ascii_digit);
    if let Some(n) = (digit_first || may_be_number(cell))
        .then(|| parse_number(cell))
        .flatten()
    {
        TokenKind::Number(n)
    } else if PLACEHOLDERS.contains(&cell) {
        TokenKind::Placeholder
    } else {
        TokenKind::Text {
            norm: normalize(strip_markdown(cell)),
        }
    }
}

/// A cell without Markdown heading and emphasis marks (`### 一、本年新收…`,
/// `**规章**`): they are never part of a label.
fn strip_markdown(cell: &str) -> &str {
    // Most cells start and end with neither mark: then only spaces are trimmed.
    let b = cell.as_bytes();
    if b.first().is_none_or(|&c| c != b'#' && c != b'*') && b.last().is_none_or(|&c| c != b'*') {
        return trim_ws(cell);
    }
    let t = cell.trim_start_matches('#');
    let t = if t.len() < cell.len() {
        t.trim_start()
    } else {
        cell
    };
    t.trim_matches('*').trim()
}

/// Cheap test before `parse_number` (every cell is classified, most text cells are
/// labels): a number starts, after spaces, with a digit (full-width too) or a minus sign.
fn may_be_number(cell: &str) -> bool {
    cell.chars()
        .find(|c| !c.is_whitespace())
        .map(crate::text::fold_char)
        .is_some_and(|c| c.is_ascii_digit() || c == '-' || c == '−')
}

/// Byte range of `piece` trimmed, offset by `base`.
fn trimmed(piece: &str, base: usize) -> Range<usize> {
    let start = base + (piece.len() - trim_start_ws(piece).len());
    let end = base + trim_end_ws(piece).len();
    start..end.max(start)
}

/// Buffers the line splitters reuse: allocated once per table region, not per line.
#[derive(Default)]
struct Scratch {
    pipes: Vec<PipePiece>,
    columns: Vec<Range<usize>>,
}

fn pipe_tokens(s: &str, base: usize, line: usize, out: &mut Vec<Token>, scratch: &mut Scratch) {
    // Pieces between pipes: the byte range of each, of its text trimmed (each piece is
    // trimmed once, here), and the offset of its closing pipe.
    let pieces = &mut scratch.pipes;
    pieces.clear();
    let mut start = 0;
    // `|` is one byte that is never part of another character's UTF-8 form: found
    // among the bytes, nothing is decoded.
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if b == b'|' {
            pieces.push(PipePiece::new(s, start..i, Some(i)));
            start = i + 1;
        }
    }
    pieces.push(PipePiece::new(s, start..s.len(), None));
    // A leading piece of spaces before the first pipe is no cell.
    if pieces[0].cell.is_empty() && pieces[0].pipe.is_some() {
        pieces.remove(0);
    }
    if pieces.last().is_some_and(|p| p.cell.is_empty()) {
        pieces.pop();
    }
    // A Markdown separator row: |---|:---:|
    let is_separator =
        !pieces.is_empty() && pieces.iter().all(|p| is_delimiter_cell(&s[p.cell.clone()]));
    if is_separator {
        return;
    }
    for p in pieces.drain(..) {
        if p.cell.is_empty() {
            let span = match p.pipe {
                Some(at) => base + at..base + at + 1,
                None => base + p.range.start..base + p.range.end,
            };
            out.push(Token {
                kind: TokenKind::Blank,
                span,
                line,
                layout: Layout::Pipe,
            });
        } else {
            out.push(Token {
                kind: classify(&s[p.cell.clone()]),
                span: base + p.cell.start..base + p.cell.end,
                line,
                layout: Layout::Pipe,
            });
        }
    }
}

/// A cell of a Markdown delimiter row: `---`, `:---:`.
fn is_delimiter_cell(t: &str) -> bool {
    // A cell starting with neither mark is no delimiter (most cells, labels): told
    // before trimming.
    t.len() >= 3
        && matches!(t.as_bytes()[0], b'-' | b':')
        && t.trim_matches(':').chars().all(|c| c == '-')
}

/// One piece of a pipe row (byte offsets in the line).
struct PipePiece {
    range: Range<usize>,
    /// `range` without its leading and trailing whitespace (empty for a blank cell).
    cell: Range<usize>,
    /// The pipe closing the piece; `None` for the text after the last pipe.
    pipe: Option<usize>,
}

impl PipePiece {
    fn new(s: &str, range: Range<usize>, pipe: Option<usize>) -> PipePiece {
        let piece = &s[range.clone()];
        let start = range.start + (piece.len() - trim_start_ws(piece).len());
        let end = start + trim_end_ws(&s[start..range.end]).len();
        PipePiece {
            range,
            cell: start..end,
            pipe,
        }
    }
}

/// True for a character that separates columns on its own (tab, ideographic space).
fn is_hard_gap(c: char) -> bool {
    c == '\t' || c == '\u{3000}'
}

fn column_tokens(s: &str, base: usize, line: usize, out: &mut Vec<Token>, scratch: &mut Scratch) {
    // Split at runs of two or more spaces, or at any hard gap.
    let pieces = &mut scratch.columns;
    pieces.clear();
    let mut start: Option<usize> = None;
    let mut gap_start: Option<usize> = None;
    let mut gap_spaces = 0;
    let mut gap_hard = false;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() {
            if gap_start.is_none() {
                gap_start = Some(i);
                gap_spaces = 0;
                gap_hard = false;
            }
            gap_spaces += 1;
            gap_hard |= is_hard_gap(c);
            continue;
        }
        if let (Some(g), Some(st)) = (gap_start, start)
            && (gap_spaces >= 2 || gap_hard)
        {
            pieces.push(st..g);
            start = None;
        }
        gap_start = None;
        if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(st) = start {
        let end = gap_start.unwrap_or(s.len());
        pieces.push(st..end);
    }
    for range in pieces.drain(..) {
        let piece = &s[range.clone()];
        // "0 0 0": numbers separated by single spaces are separate cells.
        let words = || piece.split(' ').filter(|w| !w.is_empty());
        let (mut count, mut numbers) = (0, true);
        for w in words() {
            count += 1;
            if parse_number(w).is_none() {
                numbers = false;
                break;
            }
        }
        if count > 1 && numbers {
            let mut offset = range.start;
            for w in words() {
                let at = s[offset..].find(w).map_or(offset, |i| offset + i);
                let kind = classify(w);
                out.push(Token {
                    kind,
                    span: base + at..base + at + w.len(),
                    line,
                    layout: Layout::Columns,
                });
                offset = at + w.len();
            }
            continue;
        }
        out.push(Token {
            kind: classify(piece),
            span: base + range.start..base + range.end,
            line,
            layout: Layout::Columns,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t2() -> crate::template::TableTemplate {
        let pack = crate::pack::Pack::national().expect("national pack");
        pack.templates.tables[0].clone()
    }

    fn kinds(text: &str) -> Vec<String> {
        let lines = LineIndex::new(text);
        tokenize(text, &lines, 0..text.len(), &t2())
            .into_iter()
            .map(|t| match t.kind {
                TokenKind::Text { norm } => norm,
                TokenKind::Number(n) => format!("#{n}"),
                TokenKind::Blank => "_".into(),
                TokenKind::Placeholder => "/".into(),
            })
            .collect()
    }

    #[test]
    fn pipe_rows_keep_blank_positions() {
        assert_eq!(kinds("规章 | 0 | ||\n"), ["规章", "#0", "_", "_"]);
        assert_eq!(kinds("| a | 1 |\n|---|---|\n"), ["a", "#1"]);
        assert_eq!(kinds("行政许可 | / |"), ["行政许可", "/"]);
    }

    #[test]
    fn one_cell_per_line_with_pipes_keeps_empty_cells() {
        assert_eq!(kinds("规章 |\n0 |\n |\n3 |\n"), ["规章", "#0", "_", "#3"]);
        // A bare `|` between cell lines only separates.
        assert_eq!(kinds("规章\n|\n0\n|\n"), ["规章", "#0"]);
    }

    #[test]
    fn markdown_marks_are_not_part_of_labels() {
        assert_eq!(
            kinds("### 一、本年新收政府信息公开申请数量"),
            ["一、本年新收政府信息公开申请数量"]
        );
        assert_eq!(kinds("| **规章** | 0 |"), ["规章", "#0"]);
    }

    #[test]
    fn columns_split_on_wide_gaps_only() {
        assert_eq!(
            kinds("4.无正当理由大量反复 申请        0    0   0"),
            ["4.无正当理由大量反复申请", "#0", "#0", "#0"]
        );
        assert_eq!(kinds("  1 0 0 2"), ["#1", "#0", "#0", "#2"]);
        assert_eq!(
            kinds("                                          -4-\n"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn glued_lines_are_cut_at_the_labels() {
        assert_eq!(
            kinds(
                "信息内容本年制发件数本年废止件数现行有效件数规章 000行政规范性文件693665第二十条第（五）项信息内容本年处理决定数量行政许可2293 行政处罚1282行政强制42"
            ),
            [
                "信息内容",
                "本年制发件数",
                "本年废止件数",
                "现行有效件数",
                "规章",
                "#0",
                "行政规范性文件",
                "#693665",
                "第二十条第(五)项",
                "信息内容",
                "本年处理决定数量",
                "行政许可",
                "#2293",
                "行政处罚",
                "#1282",
                "行政强制",
                "#42"
            ]
        );
        // A sentence naming the rows is not a table line.
        assert_eq!(
            kinds("本年度公开行政许可、行政处罚、行政强制等信息共计2645条，较上年增加12条。"),
            ["本年度公开行政许可、行政处罚、行政强制等信息共计2645条,较上年增加12条。"]
        );
    }

    #[test]
    fn the_furniture_prefilter_keeps_every_match() {
        // Every line the pattern matches passes the cheap test (it only skips the
        // pattern for lines that cannot match).
        let pieces = [
            "-", "—", "–", "－", "~", "第", "页", "共", "/", "，", ",", " ", "\u{c}", "1", "23",
            "０", "٣", "规章", "|", "a",
        ];
        let mut next = crate::test_rng::below(0x2545_F491_4F6C_DD1D);
        let mut matched = 0;
        for _ in 0..20_000 {
            let len = 1 + next(7);
            let line: String = (0..len).map(|_| pieces[next(pieces.len())]).collect();
            let t = line.trim().trim_matches('\u{c}');
            let by_pattern = !t.is_empty() && PAGE_FURNITURE.is_match(t);
            assert_eq!(is_page_furniture(&line), by_pattern, "{line:?}");
            matched += usize::from(by_pattern);
        }
        assert!(matched > 100, "{matched}");
        assert!(is_page_furniture("  -3-  ") && is_page_furniture("第 2 页，共 9 页"));
        assert!(is_page_furniture("٣/٤") && !is_page_furniture("规章 3"));
    }

    #[test]
    fn the_number_prefilter_keeps_every_number() {
        let pieces = [
            "1", "０", "9", "-", "−", ",", "，", ".", "．", " ", "\u{3000}", "规章", "/", "a", "+",
        ];
        let mut next = crate::test_rng::below(0x9E37_79B9_7F4A_7C15);
        let mut numbers = 0;
        for _ in 0..20_000 {
            let len = 1 + next(6);
            let cell: String = (0..len).map(|_| pieces[next(pieces.len())]).collect();
            if parse_number(&cell).is_some() {
                numbers += 1;
                assert!(may_be_number(&cell), "{cell:?}");
            }
        }
        assert!(numbers > 500, "{numbers}");
    }

    /// Pieces of generated lines: ASCII and Unicode spaces (vertical tab, U+3000,
    /// no-break space, U+2003, U+0085), a non-space control byte, digits ASCII and
    /// full-width (and neighbours of the full-width digits), pipes and labels.
    const LINE_PIECES: &[&str] = &[
        " ",
        "\t",
        "\n",
        "\r",
        "\u{b}",
        "\u{c}",
        "\u{1c}",
        "\u{3000}",
        "\u{a0}",
        "\u{2003}",
        "\u{85}",
        "0",
        "7",
        "０",
        "９",
        "\u{ff0f}",
        "\u{ff1a}",
        "\u{fc90}",
        "|",
        "规章",
        "a",
        "-",
        "\u{205f}",
        "\u{1680}",
        "é",
        "\u{1F600}",
        "、",
    ];

    fn generated_lines(seed: u64, count: usize) -> Vec<String> {
        let mut next = crate::test_rng::below(seed);
        (0..count)
            .map(|_| {
                let len = next(8);
                (0..len)
                    .map(|_| LINE_PIECES[next(LINE_PIECES.len())])
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_markdown_fast_path_is_the_full_strip() {
        fn full(cell: &str) -> &str {
            let t = cell.trim_start_matches('#');
            let t = if t.len() < cell.len() {
                t.trim_start()
            } else {
                cell
            };
            t.trim_matches('*').trim()
        }
        let pieces = ["#", "*", " ", "\u{3000}", "规章", "a", "1", "\t"];
        let mut next = crate::test_rng::below(0x7F4A_7C15_9E37_79B9);
        for _ in 0..20_000 {
            let len = next(7);
            let cell: String = (0..len).map(|_| pieces[next(pieces.len())]).collect();
            assert_eq!(strip_markdown(&cell), full(&cell), "{cell:?}");
        }
    }

    #[test]
    fn the_byte_trims_are_the_str_trims() {
        for line in generated_lines(0x1234_5678_9ABC_DEF1, 30_000) {
            assert_eq!(trim_ws(&line), line.trim(), "{line:?}");
            assert_eq!(trim_start_ws(&line), line.trim_start(), "{line:?}");
            assert_eq!(trim_end_ws(&line), line.trim_end(), "{line:?}");
        }
        for b in 0..=127u8 {
            assert_eq!(is_ascii_ws(b), char::from(b).is_whitespace(), "{b}");
        }
        // Every non-ASCII space is led by a byte `may_lead_unicode_space` accepts.
        for c in ('\u{80}'..=char::MAX).filter(|c| c.is_whitespace()) {
            let mut buf = [0; 4];
            let lead = c.encode_utf8(&mut buf).as_bytes()[0];
            assert!(may_lead_unicode_space(lead), "{c:?}");
        }
    }

    #[test]
    fn the_digit_prefilter_is_the_folded_digit_test() {
        let mut with = 0;
        for line in generated_lines(0x0F1E_2D3C_4B5A_6978, 30_000) {
            let slow = line
                .chars()
                .any(|c| crate::text::fold_char(c).is_ascii_digit());
            assert_eq!(has_digit(&line), slow, "{line:?}");
            with += usize::from(slow);
            // A line without a digit holds no figure.
            if !slow {
                assert!(line.split_whitespace().all(|w| parse_number(w).is_none()));
            }
        }
        assert!(with > 1000, "{with}");
    }

    #[test]
    fn the_delimiter_prefilter_is_the_full_test() {
        let pieces = ["-", ":", "-", "|", " ", "a", "规", "—"];
        let mut next = crate::test_rng::below(0x6A09_E667_F3BC_C909);
        let mut delimiters = 0;
        for _ in 0..20_000 {
            let len = next(7);
            let t: String = (0..len).map(|_| pieces[next(pieces.len())]).collect();
            let full = t.len() >= 3 && t.trim_matches(':').chars().all(|c| c == '-');
            assert_eq!(is_delimiter_cell(&t), full, "{t:?}");
            delimiters += usize::from(full);
        }
        assert!(delimiters > 100, "{delimiters}");
    }

    /// `one_cell_per_line` as written before its early answer: every line read.
    fn reference_one_cell_per_line(text: &str, segs: &[Range<usize>]) -> bool {
        let (mut alone, mut shared, mut blanks) = (0usize, 0usize, 0usize);
        for seg in segs {
            let s = &text[seg.clone()];
            if s.contains('|') {
                continue;
            }
            let t = s.trim();
            if !s.is_empty() && t.is_empty() {
                blanks += 1;
                continue;
            }
            let figures = t
                .split_whitespace()
                .filter(|w| parse_number(w).is_some())
                .count();
            if figures == 0 {
                continue;
            }
            if is_trimmed_cell_line(t) && figures == 1 && parse_number(t).is_some() {
                alone += 1;
            } else {
                shared += 1;
            }
        }
        alone >= 1 && alone + blanks >= MIN_CELL_FIGURES && alone >= 4 * shared
    }

    #[test]
    fn the_early_answer_on_cells_is_the_full_count() {
        let kinds = [
            "3",
            "12",
            " ",
            "",
            "规章",
            "规章        1          0",
            "1 0 0 2",
            "| 4 |",
            "a 1",
            "3 |",
            "第 2 页",
            "0",
        ];
        let mut next = crate::test_rng::below(0xBB67_AE85_84CA_A73B);
        let (mut cells, mut early) = (0, 0);
        for _ in 0..5_000 {
            // Regions mostly of one kind of line, with others mixed in.
            let main = next(kinds.len());
            let n = next(40);
            let lines: Vec<&str> = (0..n)
                .map(|_| {
                    if next(4) == 0 {
                        kinds[next(kinds.len())]
                    } else {
                        kinds[main]
                    }
                })
                .collect();
            let text = lines.join("\n");
            let mut segs = Vec::new();
            let mut at = 0;
            for l in &lines {
                segs.push(at..at + l.len());
                at += l.len() + 1;
            }
            let want = reference_one_cell_per_line(&text, &segs);
            assert_eq!(
                one_cell_per_line(&text, segs.len(), segs.iter().cloned()),
                want,
                "{lines:?}"
            );
            cells += usize::from(want);
            // How many regions the early answer ends before their last line.
            let (mut alone, mut shared) = (0, 0);
            for (i, l) in lines.iter().enumerate() {
                if alone + (lines.len() - i) < 4 * shared {
                    early += 1;
                    break;
                }
                match *l {
                    "3" | "12" | "0" | "3 |" => alone += usize::from(*l != "3 |"),
                    "规章        1          0" | "1 0 0 2" | "a 1" | "第 2 页" => shared += 1,
                    _ => {}
                }
            }
        }
        assert!(cells > 500 && early > 500, "cells {cells}, early {early}");
    }

    #[test]
    fn the_chinese_letter_fast_path_is_the_unicode_answer() {
        assert!(('\u{4E00}'..='\u{9FA5}').all(char::is_alphabetic));
    }

    #[test]
    fn tokens_point_at_the_cell() {
        let text = "规章            1          0        11";
        let lines = LineIndex::new(text);
        let toks = tokenize(text, &lines, 0..text.len(), &t2());
        assert_eq!(&text[toks[3].span.clone()], "11");
    }
}
