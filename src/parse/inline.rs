//! Tables whose cells lost their separators: a crawler's `innerText` of a web page
//! puts a whole table on one line, labels and figures glued together
//! (`规章 000行政规范性文件693665第二十条第（五）项…行政许可2293`). Nothing separates
//! the cells but the change from text to digits, so such a line is cut where the
//! table's own labels are: every row label, column label and header label of the
//! template is looked for in the line, and the digits between them are the row's
//! values.
//!
//! A line is read this way only when it carries the glue signature: at least
//! `MIN_GLUED_ROWS` row labels of the table each followed directly by digits. A
//! sentence that names 行政许可、行政处罚、行政强制 does not qualify.
//!
//! Digits keep their exact text: a run whose cells cannot be told apart (`693665` for
//! three cells) becomes one `Number`-free glued value (`RowShape::Glued`), decoded or
//! declared ambiguous later, never guessed here.

use std::ops::Range;

use aho_corasick::{AhoCorasick, MatchKind as AcMatchKind};

use super::tokens::{Layout, Token, TokenKind};
use crate::number::parse_number;
use crate::template::TableTemplate;
use crate::text::normalize_with_offsets;

/// Row labels followed by digits that make a line a glued table line (for a table
/// without row labels: header labels, one of them followed by digits).
const MIN_GLUED_ROWS: usize = 3;

/// The labels of one table, ready to be found in a glued line.
pub struct InlineLabels {
    /// Every form of every row label (normalised), leftmost-longest.
    rows: AhoCorasick,
    row_norms: Vec<String>,
    /// Header, column and 2019-format labels.
    others: Option<AhoCorasick>,
}

impl InlineLabels {
    pub fn new(tpl: &TableTemplate) -> Option<InlineLabels> {
        let row_norms: Vec<String> = tpl
            .rows
            .iter()
            .filter(|r| !r.unlabeled)
            .flat_map(|r| r.label.norms().iter().cloned())
            .filter(|n| !n.is_empty())
            .collect();
        let others: Vec<String> = tpl
            .headers
            .iter()
            .flat_map(|h| h.norms().iter().cloned())
            .chain(
                tpl.columns
                    .iter()
                    .flat_map(|c| c.label.norms().iter().cloned()),
            )
            .chain(tpl.legacy.iter().map(|l| l.norm.clone()))
            .filter(|n| !n.is_empty())
            .collect();
        let build = |pats: &[String]| {
            AhoCorasick::builder()
                .match_kind(AcMatchKind::LeftmostLongest)
                .build(pats)
                .ok()
        };
        Some(InlineLabels {
            rows: build(&row_norms)?,
            row_norms,
            others: if others.is_empty() {
                None
            } else {
                build(&others)
            },
        })
    }

    /// True when `seg` (one line of a table region, without `|`) is a glued table line.
    pub fn is_glued(&self, seg: &str) -> bool {
        if !seg.bytes().any(|b| b.is_ascii_digit()) {
            return false;
        }
        let (norm, _) = normalize_with_offsets(seg);
        let bytes = norm.as_bytes();
        let digit_after = |end: usize| bytes.get(end).is_some_and(u8::is_ascii_digit);
        if !self.row_norms.is_empty() {
            return self
                .rows
                .find_iter(&norm)
                .filter(|m| digit_after(m.end()))
                .take(MIN_GLUED_ROWS)
                .count()
                >= MIN_GLUED_ROWS;
        }
        // A table whose data rows have no labels (表四): its header labels, the last
        // of them glued to the figures.
        let Some(others) = &self.others else {
            return false;
        };
        let mut hits = 0;
        let mut glued = false;
        for m in others.find_iter(&norm) {
            hits += 1;
            glued |= digit_after(m.end());
        }
        hits >= MIN_GLUED_ROWS && glued
    }

    /// Tokens of a glued line `seg` starting at byte `base` of the document.
    pub fn tokens(&self, seg: &str, base: usize, line: usize, out: &mut Vec<Token>) {
        for run in runs(seg) {
            match run {
                Run::Text(r) => self.text_tokens(&seg[r.clone()], base + r.start, line, out),
                Run::Digits(r) => {
                    for (at, piece) in pieces(&seg[r.clone()]) {
                        let start = r.start + at;
                        out.push(Token {
                            kind: parse_number(piece)
                                .map_or(TokenKind::Placeholder, TokenKind::Number),
                            span: base + start..base + start + piece.len(),
                            line,
                            layout: Layout::Inline,
                        });
                    }
                }
            }
        }
    }

    /// A run of text between figures: row labels peeled off its end (a row's label is
    /// right before its figures; a group label before that), header labels found in
    /// what is left before them.
    fn text_tokens(&self, run: &str, base: usize, line: usize, out: &mut Vec<Token>) {
        let (norm, offsets) = normalize_with_offsets(run);
        if norm.is_empty() {
            return;
        }
        // Byte ranges in `norm` of the row labels at the end, last first.
        let mut end = norm.len();
        let mut tail: Vec<Range<usize>> = Vec::new();
        while let Some(len) = self
            .row_norms
            .iter()
            .filter(|n| norm[..end].ends_with(n.as_str()))
            .map(String::len)
            .max()
        {
            tail.push(end - len..end);
            end -= len;
        }
        let mut pieces: Vec<Range<usize>> = Vec::new();
        let head = &norm[..end];
        if !head.is_empty() {
            match &self.others {
                // A numbered piece (`2.其他法律行政法规禁止公开`) is a row label written
                // differently, kept whole: its words may contain column labels (其他).
                Some(others) if !starts_numbered(head) => {
                    let mut at = 0;
                    for m in others.find_iter(head) {
                        if m.start() > at {
                            pieces.push(at..m.start());
                        }
                        pieces.push(m.start()..m.end());
                        at = m.end();
                    }
                    if at < head.len() {
                        pieces.push(at..head.len());
                    }
                }
                _ => pieces.push(0..head.len()),
            }
        }
        pieces.extend(tail.into_iter().rev());
        for p in pieces {
            let Some(span) = raw_span(&norm, &offsets, p.clone()) else {
                continue;
            };
            out.push(Token {
                kind: TokenKind::Text {
                    norm: norm[p].to_string(),
                },
                span: base + span.start..base + span.end,
                line,
                layout: Layout::Inline,
            });
        }
    }
}

/// The byte range in the original run of the normalised bytes `p`.
fn raw_span(norm: &str, offsets: &[Range<usize>], p: Range<usize>) -> Option<Range<usize>> {
    let first = norm[..p.start].chars().count();
    let count = norm[p].chars().count();
    let start = offsets.get(first)?.start;
    let end = offsets.get(first + count.checked_sub(1)?)?.end;
    Some(start..end)
}

fn starts_numbered(norm: &str) -> bool {
    let mut chars = norm.chars();
    match chars.next() {
        Some(c) if c.is_ascii_digit() => chars.next() == Some('.'),
        Some('(') => true,
        Some(c) if "一二三四五六七八九十".contains(c) => chars.next() == Some('、'),
        _ => false,
    }
}

/// The pieces of a figure run between gaps, with their byte offsets.
fn pieces(run: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in run.char_indices() {
        match (is_gap(c), start) {
            (true, Some(s)) => {
                out.push((s, &run[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &run[s..]));
    }
    out
}

fn is_gap(c: char) -> bool {
    c == ' ' || c == '\u{3000}' || c == '\u{a0}' || c == '\t'
}

enum Run {
    Text(Range<usize>),
    Digits(Range<usize>),
}

/// Splits a line into runs of text and runs of figures (digits, a decimal point
/// between digits, spaces between figures). The numeral of a numbered label glued
/// to the figures before it (`00000002.其他…`) belongs to the label.
fn runs(seg: &str) -> Vec<Run> {
    let bytes = seg.as_bytes();
    let mut out = Vec::new();
    let mut text_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        // A figure run from i.
        let start = i;
        let mut end = i;
        let mut j = i;
        while j < bytes.len() {
            let b = bytes[j];
            if b.is_ascii_digit() {
                j += 1;
                end = j;
            } else if (b == b'.' && bytes.get(j + 1).is_some_and(u8::is_ascii_digit) && j > start)
                || b == b' '
                || b == b'\t'
            {
                // A decimal point between digits, or a space between figures.
                j += 1;
            } else if seg[j..].starts_with('\u{3000}') || seg[j..].starts_with('\u{a0}') {
                j += seg[j..].chars().next().map_or(1, char::len_utf8);
            } else {
                break;
            }
        }
        let mut run_end = end;
        // `2.其他` / `2、其他`: the last digit numbers the next label.
        let rest = &seg[end..];
        if (rest.starts_with('.') || rest.starts_with('、') || rest.starts_with('．'))
            && rest
                .chars()
                .nth(1)
                .is_some_and(|c| !c.is_ascii_digit() && !c.is_whitespace())
        {
            run_end = end - 1;
        }
        // Digits inside a word (`第2项`, `2021年`) are text: a figure run follows
        // text only when it is a cell, i.e. it is not followed by a letter directly.
        if run_end > start {
            if text_start < start {
                out.push(Run::Text(text_start..start));
            }
            out.push(Run::Digits(start..run_end));
            text_start = run_end;
        }
        i = end.max(start + 1);
    }
    if text_start < seg.len() {
        out.push(Run::Text(text_start..seg.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(seg: &str) -> Vec<String> {
        runs(seg)
            .into_iter()
            .map(|r| match r {
                Run::Text(r) => format!("T:{}", &seg[r]),
                Run::Digits(r) => format!("D:{}", &seg[r]),
            })
            .collect()
    }

    #[test]
    fn runs_split_text_and_figures_and_keep_label_numerals() {
        assert_eq!(
            shape("信息00000002.其他法律"),
            ["T:信息", "D:0000000", "T:2.其他法律"]
        );
        assert_eq!(
            shape("收费24252.311082三、收到"),
            ["T:收费", "D:24252.311082", "T:三、收到"]
        );
        assert_eq!(shape("规章 000行政"), ["T:规章 ", "D:000", "T:行政"]);
        assert_eq!(shape("总计 0 1 1 0 2"), ["T:总计 ", "D:0 1 1 0 2"]);
    }
}
