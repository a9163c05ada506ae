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
    let t = line.trim().trim_matches('\u{c}');
    may_be_furniture(t) && PAGE_FURNITURE.is_match(t)
}

/// Cheap test before `PAGE_FURNITURE` (run on every line of every table region): the
/// first and last characters its alternatives allow — dashes around a number, `第…页`,
/// digits at both ends (`\d` is a Unicode decimal digit, which `is_numeric` includes).
fn may_be_furniture(t: &str) -> bool {
    let dash = |c: char| matches!(c, '-' | '—' | '–' | '－' | '~');
    let (Some(first), Some(last)) = (t.chars().next(), t.chars().next_back()) else {
        return false;
    };
    (dash(first) && dash(last))
        || (first == '第' && last == '页')
        || (first.is_numeric() && last.is_numeric())
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
    let cells = one_cell_per_line(text, (first..=last).map(segment));
    let mut scratch = Scratch::default();
    for line in first..=last {
        let seg = segment(line);
        if seg.is_empty() {
            continue;
        }
        let s = &text[seg.clone()];
        let t = s.trim();
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
        if t.is_empty() || is_page_furniture(s) {
            continue;
        }
        if cells && is_cell_line(s) {
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
            let at = seg.start + s.len() - s.trim_start().len();
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
fn is_cell_line(s: &str) -> bool {
    let t = s.trim();
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
fn one_cell_per_line(text: &str, segs: impl Iterator<Item = Range<usize>>) -> bool {
    let (mut alone, mut shared, mut blanks) = (0usize, 0usize, 0usize);
    for seg in segs {
        let s = &text[seg];
        if s.contains('|') {
            continue;
        }
        if !s.is_empty() && s.trim().is_empty() {
            blanks += 1;
            continue;
        }
        let figures = s
            .split_whitespace()
            .filter(|w| parse_number(w).is_some())
            .count();
        if figures == 0 {
            continue;
        }
        if is_cell_line(s) && figures == 1 && parse_number(s.trim()).is_some() {
            alone += 1;
        } else {
            shared += 1;
        }
    }
    alone >= 1 && alone + blanks >= MIN_CELL_FIGURES && alone >= 4 * shared
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
    if let Some(n) = may_be_number(cell).then(|| parse_number(cell)).flatten() {
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
    let start = base + (piece.len() - piece.trim_start().len());
    let end = base + piece.trim_end().len();
    start..end.max(start)
}

/// Buffers the line splitters reuse: allocated once per table region, not per line.
#[derive(Default)]
struct Scratch {
    pipes: Vec<(Range<usize>, Option<usize>)>,
    columns: Vec<Range<usize>>,
}

fn pipe_tokens(s: &str, base: usize, line: usize, out: &mut Vec<Token>, scratch: &mut Scratch) {
    // Pieces between pipes, with the byte offset of each and of its closing pipe.
    let pieces = &mut scratch.pipes;
    pieces.clear();
    let mut start = 0;
    // `|` is one byte that is never part of another character's UTF-8 form: found
    // among the bytes, nothing is decoded.
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if b == b'|' {
            pieces.push((start..i, Some(i)));
            start = i + 1;
        }
    }
    pieces.push((start..s.len(), None));
    if s[pieces[0].0.clone()].trim().is_empty() && s.trim_start().starts_with('|') {
        pieces.remove(0);
    }
    if pieces
        .last()
        .is_some_and(|(r, _)| s[r.clone()].trim().is_empty())
    {
        pieces.pop();
    }
    // A Markdown separator row: |---|:---:|
    let is_separator = !pieces.is_empty()
        && pieces.iter().all(|(r, _)| {
            let t = s[r.clone()].trim();
            t.len() >= 3 && t.trim_matches(':').chars().all(|c| c == '-')
        });
    if is_separator {
        return;
    }
    for (range, pipe) in pieces.drain(..) {
        let piece = &s[range.clone()];
        let cell = piece.trim();
        if cell.is_empty() {
            let span = match pipe {
                Some(p) => base + p..base + p + 1,
                None => base + range.start..base + range.end,
            };
            out.push(Token {
                kind: TokenKind::Blank,
                span,
                line,
                layout: Layout::Pipe,
            });
        } else {
            out.push(Token {
                kind: classify(cell),
                span: trimmed(piece, base + range.start),
                line,
                layout: Layout::Pipe,
            });
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
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
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
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
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
