//! What a rendered diagnostic shows of the text: only the lines its spans touch, and a
//! long line (a whole web-page section scraped onto one line) cut to a window around
//! the spans, marked with `…`. Implemented as a codespan-reporting `Files` so that the
//! header and the gutter still give the line and column in the original text.

use std::ops::Range;

use codespan_reporting::files::{Error, Files};

use crate::parse::text::{LineIndex, ceil_char_boundary, floor_char_boundary};

/// Lines longer than this (in characters) are cut to a window around the spans.
pub const LONG_LINE: usize = 120;
/// Characters of context kept on each side of the spans in a cut line.
const CONTEXT: usize = 30;
const ELLIPSIS: &str = "…";

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

impl<'a> Excerpt<'a> {
    /// The excerpt of `original` (whose line index is `lines`) showing `spans`.
    pub fn new(
        name: &'a str,
        original: &'a str,
        lines: &LineIndex,
        spans: &[Range<usize>],
    ) -> Self {
        let line_start = |at: usize| original[..at].rfind('\n').map_or(0, |i| i + 1);
        let line_end = |at: usize| original[at..].find('\n').map_or(original.len(), |i| at + i);
        // Original lines to show, with the spans' extent on each: (start, end, first, last).
        let mut shown: Vec<(usize, usize, usize, usize)> = Vec::new();
        for span in spans {
            let (s, e) = (
                floor_char_boundary(original, span.start),
                ceil_char_boundary(original, span.end.max(span.start)),
            );
            let mut at = line_start(s);
            loop {
                let end = line_end(at);
                let first = s.max(at);
                let last = e.min(end).max(first);
                match shown.iter_mut().find(|l| l.0 == at) {
                    Some(l) => {
                        l.2 = l.2.min(first);
                        l.3 = l.3.max(last);
                    }
                    None => shown.push((at, end, first, last)),
                }
                if end >= e || end >= original.len() {
                    break;
                }
                at = end + 1;
            }
        }
        shown.sort_by_key(|l| l.0);
        // A single line between two shown lines is shown too (as the renderer would);
        // longer gaps are elided.
        let mut filled: Vec<(usize, usize, usize, usize)> = Vec::with_capacity(shown.len());
        for l in shown {
            if let Some(prev) = filled.last().copied()
                && prev.1 < l.0
            {
                let gap_start = prev.1 + 1;
                let gap_end = line_end(gap_start.min(original.len()));
                if gap_end + 1 == l.0 {
                    filled.push((gap_start, gap_end, gap_start, gap_start));
                }
            }
            filled.push(l);
        }
        let shown = filled;

        let mut ex = Excerpt {
            name,
            original,
            text: String::new(),
            lines: Vec::new(),
            pieces: Vec::new(),
        };
        let mut previous_end: Option<usize> = None;
        for (start, end, first, last) in shown {
            // A gap between shown lines becomes two empty lines, which the renderer
            // elides with `·`.
            if previous_end.is_some_and(|p| p + 1 < start) {
                for _ in 0..2 {
                    ex.lines.push((ex.text.len(), usize::MAX));
                    ex.text.push('\n');
                }
            }
            let number = lines.line_of(start);
            ex.lines.push((ex.text.len(), number));
            let line = &original[start..end];
            let (from, to) = if line.chars().count() > LONG_LINE {
                (
                    step_chars(original, first, CONTEXT, false, start),
                    step_chars(original, last, CONTEXT, true, end),
                )
            } else {
                (start, end)
            };
            if from > start {
                ex.text.push_str(ELLIPSIS);
            }
            ex.pieces.push(Piece {
                excerpt: ex.text.len(),
                original: from,
                len: to - from,
            });
            ex.text.push_str(&original[from..to]);
            if to < end {
                ex.text.push_str(ELLIPSIS);
            }
            ex.text.push('\n');
            previous_end = Some(end);
        }
        ex
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
            Some(_) => Ok(0),
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
        let start = self.original[..at].rfind('\n').map_or(0, |i| i + 1);
        Ok(self.original[start..at].chars().count() + 1)
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
        let ex = Excerpt::new(
            "t.txt",
            &text,
            &LineIndex::new(&text),
            std::slice::from_ref(&span),
        );
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
}
