//! What a rendered diagnostic shows of the text: only the lines its spans touch, and a
//! long line (a whole web-page section scraped onto one line) cut to a window around
//! the spans, marked with `…`. Implemented as a codespan-reporting `Files` so that the
//! header and the gutter still give the line and column in the original text.

use std::ops::Range;

use codespan_reporting::files::{Error, Files};

use crate::text::{LineIndex, ceil_char_boundary, floor_char_boundary};

/// Lines longer than this (in characters) are cut to a window around the spans.
pub const LONG_LINE: usize = 120;
/// Characters of context kept on each side of the spans in a cut line.
const CONTEXT: usize = 30;
const ELLIPSIS: &str = "…";

/// A span over many lines shows only its first `SPAN_HEAD` and last `SPAN_TAIL` lines.
/// (codespan-reporting shows 3 lines after the start of a multi-line label and 1 before
/// its end: the elided lines then fall outside what it renders.)
const SPAN_HEAD: usize = 4;
const SPAN_TAIL: usize = 2;

/// A verbatim piece of the original in the excerpt.
#[derive(Clone, Copy, Debug)]
struct Piece {
    excerpt: usize,
    original: usize,
    len: usize,
}

/// The excerpt of one text for one diagnostic.
pub struct Excerpt<'a> {
    name: &'a str,
    original: &'a str,
    index: &'a LineIndex,
    text: String,
    /// Start of each excerpt line, and the original line (0-based) it shows.
    lines: Vec<(usize, usize)>,
    pieces: Vec<Piece>,
}

/// Byte offset `n` characters before (negative direction) or after `from`, within `limit`.
fn step_chars(text: &str, from: usize, n: usize, forward: bool, limit: usize) -> usize {
    if forward {
        text[from..limit]
            .char_indices()
            .nth(n)
            .map_or(limit, |(i, _)| from + i)
    } else {
        text[limit..from]
            .char_indices()
            .rev()
            .nth(n.saturating_sub(1))
            .map_or(limit, |(i, _)| limit + i)
    }
}

/// One original line to show: its 0-based number, its byte range, and the extents
/// (first..last byte) of the spans on it.
struct Shown {
    line: usize,
    start: usize,
    end: usize,
    marks: Vec<(usize, usize)>,
}

impl<'a> Excerpt<'a> {
    /// The excerpt of `original` (whose line index is `lines`) showing `spans`. The
    /// cost is bounded by the spans, not by the length of the lines they are on: a
    /// long line shows a window around each span, and a span over many lines its
    /// first and last lines.
    pub fn new(
        name: &'a str,
        original: &'a str,
        lines: &'a LineIndex,
        spans: &[Range<usize>],
    ) -> Self {
        let mut shown: Vec<Shown> = Vec::new();
        let mut mark = |line: usize, first: usize, last: usize| {
            let range = lines.line_range(original, line);
            match shown.iter_mut().find(|l| l.line == line) {
                Some(l) => l.marks.push((first, last)),
                None => shown.push(Shown {
                    line,
                    start: range.start,
                    end: range.end,
                    marks: vec![(first, last)],
                }),
            }
        };
        for span in spans {
            let (s, e) = (
                floor_char_boundary(original, span.start),
                ceil_char_boundary(original, span.end.max(span.start)),
            );
            let first_line = lines.line_of(s);
            // The line holding the span's last byte (an empty span: its start).
            let last_line = lines.line_of(e.saturating_sub(1).max(s));
            for line in first_line..=last_line {
                let skipped = line >= first_line + SPAN_HEAD && line + SPAN_TAIL <= last_line;
                if skipped {
                    continue;
                }
                let range = lines.line_range(original, line);
                let first = s.clamp(range.start, range.end);
                let last = e.clamp(first, range.end);
                mark(line, first, last);
            }
        }
        shown.sort_by_key(|l| l.line);
        // A single line between two shown lines is shown too (as the renderer would);
        // longer gaps are elided.
        let mut filled: Vec<Shown> = Vec::with_capacity(shown.len());
        for l in shown {
            if let Some(prev) = filled.last()
                && prev.line + 2 == l.line
            {
                let range = lines.line_range(original, prev.line + 1);
                filled.push(Shown {
                    line: prev.line + 1,
                    start: range.start,
                    end: range.end,
                    marks: vec![(range.start, range.start)],
                });
            }
            filled.push(l);
        }

        let mut ex = Excerpt {
            name,
            original,
            index: lines,
            text: String::new(),
            lines: Vec::new(),
            pieces: Vec::new(),
        };
        let mut previous: Option<usize> = None;
        for l in filled {
            // A gap between shown lines becomes two empty lines, which the renderer
            // elides with `·`.
            if previous.is_some_and(|p| p + 1 < l.line) {
                for _ in 0..2 {
                    ex.lines.push((ex.text.len(), usize::MAX));
                    ex.text.push('\n');
                }
            }
            ex.lines.push((ex.text.len(), l.line));
            let long = original[l.start..l.end].chars().nth(LONG_LINE).is_some();
            let windows = if long {
                windows(original, l.start, l.end, l.marks)
            } else {
                vec![(l.start, l.end)]
            };
            let mut at = l.start;
            for (from, to) in windows {
                if from > at {
                    ex.text.push_str(ELLIPSIS);
                }
                ex.push_verbatim(from, to);
                at = to;
            }
            if at < l.end {
                ex.text.push_str(ELLIPSIS);
            }
            ex.text.push('\n');
            previous = Some(l.line);
        }
        ex
    }

    /// Copies `original[from..to]` into the excerpt, control characters made visible
    /// (each one outside the verbatim pieces, so that offsets still map).
    fn push_verbatim(&mut self, from: usize, to: usize) {
        let mut piece_start = from;
        let segment = &self.original[from..to];
        for (i, c) in segment.char_indices() {
            let Some(visible) = super::visible::replacement(c).filter(|_| c != '\t') else {
                continue;
            };
            let at = from + i;
            self.pieces.push(Piece {
                excerpt: self.text.len(),
                original: piece_start,
                len: at - piece_start,
            });
            self.text.push_str(&self.original[piece_start..at]);
            self.text.push_str(&visible);
            piece_start = at + c.len_utf8();
        }
        self.pieces.push(Piece {
            excerpt: self.text.len(),
            original: piece_start,
            len: to - piece_start,
        });
        self.text.push_str(&self.original[piece_start..to]);
    }

    /// The excerpt offset of an original offset (clamped into the shown text).
    pub fn map(&self, at: usize) -> usize {
        let i = self
            .pieces
            .partition_point(|p| p.original <= at)
            .saturating_sub(1);
        match self.pieces.get(i) {
            Some(p) => p.excerpt + at.saturating_sub(p.original).min(p.len),
            None => 0,
        }
    }

    pub fn map_span(&self, span: &Range<usize>) -> Range<usize> {
        let start = self.map(span.start);
        start..self.map(span.end).max(start)
    }

    /// The excerpt's text (control characters made visible, long lines cut with `…`).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The excerpt's lines: each one's bytes in `text()` (without its line break) and
    /// the 1-based line of the original it shows (`None` for the empty lines that stand
    /// for elided ones).
    pub fn lines(&self) -> Vec<(Range<usize>, Option<usize>)> {
        let mut out = Vec::with_capacity(self.lines.len());
        for (i, &(start, line)) in self.lines.iter().enumerate() {
            let end = self.lines.get(i + 1).map_or(self.text.len(), |&(s, _)| s);
            let end = if self.text[start..end].ends_with('\n') {
                end - 1
            } else {
                end
            };
            out.push((start..end, line.checked_add(1)));
        }
        out
    }

    /// The original offset of an excerpt offset.
    fn unmap(&self, at: usize) -> usize {
        let i = self
            .pieces
            .partition_point(|p| p.excerpt <= at)
            .saturating_sub(1);
        self.pieces
            .get(i)
            .map_or(0, |p| p.original + at.saturating_sub(p.excerpt).min(p.len))
    }
}

/// The parts of a long line to show: `CONTEXT` characters around each span (a long
/// span: around its two ends), merged where they overlap, in order.
fn windows(
    text: &str,
    start: usize,
    end: usize,
    marks: Vec<(usize, usize)>,
) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (first, last) in marks {
        let spread = text[first..last].chars().nth(2 * CONTEXT).is_some();
        if spread {
            let head = step_chars(text, first, CONTEXT, true, end);
            let tail = step_chars(text, last, CONTEXT, false, start);
            out.push((step_chars(text, first, CONTEXT, false, start), head));
            out.push((tail, step_chars(text, last, CONTEXT, true, end)));
        } else {
            out.push((
                step_chars(text, first, CONTEXT, false, start),
                step_chars(text, last, CONTEXT, true, end),
            ));
        }
    }
    out.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(out.len());
    for (from, to) in out {
        match merged.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(to),
            _ => merged.push((from, to)),
        }
    }
    merged
}

impl<'a> Files<'a> for Excerpt<'a> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, _: ()) -> Result<&'a str, Error> {
        Ok(self.name)
    }

    fn source(&'a self, _: ()) -> Result<&'a str, Error> {
        Ok(&self.text)
    }

    fn line_index(&'a self, _: (), byte_index: usize) -> Result<usize, Error> {
        Ok(self
            .lines
            .partition_point(|(start, _)| *start <= byte_index)
            .saturating_sub(1))
    }

    fn line_number(&'a self, _: (), line_index: usize) -> Result<usize, Error> {
        match self.lines.get(line_index) {
            Some((_, n)) if *n != usize::MAX => Ok(n + 1),
            // An elided line: the number after the line shown before it (never 0, which
            // the renderer cannot measure).
            Some(_) => Ok(self.lines[..line_index]
                .iter()
                .rev()
                .find(|(_, n)| *n != usize::MAX)
                .map_or(1, |(_, n)| n + 2)),
            None => Err(Error::LineTooLarge {
                given: line_index,
                max: self.lines.len(),
            }),
        }
    }

    fn column_number(
        &'a self,
        _: (),
        _line_index: usize,
        byte_index: usize,
    ) -> Result<usize, Error> {
        let at = self.unmap(byte_index);
        Ok(self.index.position(self.original, at).column)
    }

    fn line_range(&'a self, _: (), line_index: usize) -> Result<Range<usize>, Error> {
        let start = self
            .lines
            .get(line_index)
            .map(|(s, _)| *s)
            .ok_or(Error::LineTooLarge {
                given: line_index,
                max: self.lines.len(),
            })?;
        let end = self
            .lines
            .get(line_index + 1)
            .map_or(self.text.len(), |(s, _)| *s);
        Ok(start..end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_cut_around_the_span_and_positions_stay_original() {
        let long = format!("{}目标数字98件{}", "前文".repeat(100), "后文".repeat(100));
        let text = format!("第一行\n{long}\n第三行");
        let at = text.find("98").unwrap_or(0);
        let span = std::ops::Range {
            start: at,
            end: at + 2,
        };
        let index = LineIndex::new(&text);
        let ex = Excerpt::new("t.txt", &text, &index, std::slice::from_ref(&span));
        assert!(
            ex.text.starts_with('…') && ex.text.trim_end().ends_with('…'),
            "{}",
            ex.text
        );
        assert!(ex.text.chars().count() < 100);
        let mapped = ex.map_span(&(at..at + 2));
        assert_eq!(&ex.text[mapped.clone()], "98");
        assert_eq!(
            ex.line_number((), ex.line_index((), mapped.start).unwrap_or(9))
                .ok(),
            Some(2)
        );
        assert_eq!(ex.column_number((), 0, mapped.start).ok(), Some(205));
    }
    #[test]
    fn labels_far_apart_on_a_long_line_get_a_window_each() {
        let text = format!(
            "开头12件{}中间{}结尾34件",
            "甲".repeat(5000),
            "乙".repeat(5000)
        );
        let a = text.find("12").unwrap_or(0);
        let b = text.find("34").unwrap_or(0);
        let index = LineIndex::new(&text);
        let spans = [a..a + 2, b..b + 2];
        let ex = Excerpt::new("t.txt", &text, &index, &spans);
        assert!(ex.text.chars().count() < 200, "{}", ex.text);
        assert_eq!(&ex.text[ex.map_span(&spans[0])], "12");
        assert_eq!(&ex.text[ex.map_span(&spans[1])], "34");
        assert!(
            !ex.text.contains("中间"),
            "nothing between the windows: {}",
            ex.text
        );
        let col = ex.column_number((), 0, ex.map_span(&spans[1]).start).ok();
        assert_eq!(col, Some(text[..b].chars().count() + 1));
    }

    #[test]
    fn control_characters_are_shown_and_spans_still_map() {
        let text = "共\u{1b}[2K收到98件";
        let at = text.find("98").unwrap_or(0);
        let index = LineIndex::new(text);
        let span = at..at + 2;
        let ex = Excerpt::new("t.txt", text, &index, std::slice::from_ref(&span));
        assert_eq!(ex.text, "共␛[2K收到98件\n");
        assert_eq!(&ex.text[ex.map_span(&(at..at + 2))], "98");
    }

    #[test]
    fn a_span_over_many_lines_shows_its_ends() {
        let text = (0..1000)
            .map(|i| format!("第{i}行"))
            .collect::<Vec<_>>()
            .join("\n");
        let index = LineIndex::new(&text);
        let span = 0..text.len();
        let ex = Excerpt::new("t.txt", &text, &index, std::slice::from_ref(&span));
        assert!(
            ex.text.contains("第3行") && !ex.text.contains("第4行"),
            "{}",
            ex.text
        );
        assert!(ex.text.contains("第998行") && ex.text.contains("第999行"));
        for i in 0..ex.lines.len() {
            assert!(ex.line_number((), i).is_ok_and(|n| n > 0));
        }
        let mut out = codespan_reporting::term::termcolor::Buffer::no_color();
        let d = codespan_reporting::diagnostic::Diagnostic::error().with_labels(vec![
            codespan_reporting::diagnostic::Label::primary((), ex.map_span(&span)),
        ]);
        let config = codespan_reporting::term::Config::default();
        assert!(codespan_reporting::term::emit_to_write_style(&mut out, &config, &ex, &d).is_ok());
    }
}
