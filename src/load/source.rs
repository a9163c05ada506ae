//! Where the checked text came from. Rules see one plain text (`Document::text`); when
//! that text was extracted from a web page or a Word document, diagnostics must still
//! point to a place the user can find. `SourceInfo` is that link: the kind of file, the
//! original text when it can be shown (HTML), and a `SourceMap` from byte ranges of the
//! extracted text to their origin (HTML source bytes, a Word paragraph or table cell).
//!
//! Plain text and Markdown need no map: the decoded text *is* the file.

use std::ops::Range;

use crate::text::{LineIndex, Position};

/// The kind of file a report was read from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SourceKind {
    /// Plain text (also PDF text from `pdftotext`).
    #[default]
    Text,
    Markdown,
    Html,
    Docx,
}

impl SourceKind {
    /// The name shown to users.
    pub fn chinese(self) -> &'static str {
        match self {
            SourceKind::Text => "纯文本",
            SourceKind::Markdown => "Markdown",
            SourceKind::Html => "网页（HTML）",
            SourceKind::Docx => "Word 文档（.docx）",
        }
    }
}

/// Where a piece of extracted text came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The piece is verbatim the original text starting at this byte offset.
    Exact(usize),
    /// The piece came from somewhere in this byte range of the original (a line, a
    /// tag): entities, collapsed whitespace or an empty cell.
    Within(Range<usize>),
    /// A Word paragraph outside tables; 1-based, counting non-empty paragraphs.
    Paragraph(usize),
    /// A Word table cell; all 1-based. `column` counts the cells of the row as Word
    /// shows them (a merged cell is one).
    Cell {
        table: usize,
        row: usize,
        column: usize,
    },
}

/// One piece of the extracted text and its origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// Byte range in the extracted text.
    pub text: Range<usize>,
    pub origin: Origin,
}

/// Extracted-text byte ranges → origins. Segments are sorted and disjoint; bytes
/// between segments (line breaks, separators) belong to the segment before them.
///
/// Memory: a web page of large tables has a segment per cell, a Word document one
/// per paragraph and cell, so segments are stored packed in 12 bytes (offsets as
/// `u32`, the kind of origin in the top bits of the length; the origins that do not
/// fit, a range or a Word cell, in side tables shared by consecutive segments: 8 and
/// 12 bytes an entry). Files are capped well under 4 GB; a map that would not fit
/// all the same switches to plain `Segment`s.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    packed: Vec<Packed>,
    /// `Within` origins of packed segments, by index.
    within: Vec<[u32; 2]>,
    /// `Cell` origins of packed segments (table, row, column), by index.
    cells: Vec<[u32; 3]>,
    /// Every segment, once one did not fit in `packed`.
    wide: Option<Vec<Segment>>,
}

#[derive(Clone, Copy, Debug)]
struct Packed {
    start: u32,
    /// The length (low `LEN_BITS` bits) and the `Kind` (the bits above).
    len_kind: u32,
    /// The offset (`Exact`), the paragraph (`Paragraph`) or the index in `within`
    /// or `cells`.
    value: u32,
}

/// Bits of `Packed::len_kind` that hold the length: pieces up to 1 GB.
const LEN_BITS: u32 = 30;
const LEN_MASK: u32 = (1 << LEN_BITS) - 1;

impl Packed {
    fn len(self) -> u32 {
        self.len_kind & LEN_MASK
    }

    fn kind(self) -> Kind {
        match self.len_kind >> LEN_BITS {
            0 => Kind::Exact,
            1 => Kind::Paragraph,
            2 => Kind::Within,
            _ => Kind::Cell,
        }
    }

    /// `None` for a piece of 1 GB or more.
    fn new(start: u32, len: usize, kind: Kind, value: u32) -> Option<Packed> {
        let len = u32::try_from(len).ok().filter(|l| *l <= LEN_MASK)?;
        Some(Packed {
            start,
            len_kind: len | (kind as u32) << LEN_BITS,
            value,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Exact = 0,
    Paragraph = 1,
    Within = 2,
    Cell = 3,
}

impl SourceMap {
    /// The segments, in order.
    pub fn segments(&self) -> impl ExactSizeIterator<Item = Segment> + DoubleEndedIterator + '_ {
        self.segments_from(0)
    }

    /// The segments from the `first`th on.
    pub fn segments_from(
        &self,
        first: usize,
    ) -> impl ExactSizeIterator<Item = Segment> + DoubleEndedIterator + '_ {
        (first.min(self.len())..self.len()).map(|i| {
            self.get(i).unwrap_or(Segment {
                text: 0..0,
                origin: Origin::Exact(0),
            })
        })
    }

    /// How many segments there are.
    pub fn len(&self) -> usize {
        match &self.wide {
            Some(w) => w.len(),
            None => self.packed.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `i`th segment.
    pub fn get(&self, i: usize) -> Option<Segment> {
        match &self.wide {
            Some(w) => w.get(i).cloned(),
            None => self.packed.get(i).map(|p| self.unpack(p)),
        }
    }

    fn unpack(&self, p: &Packed) -> Segment {
        let start = p.start as usize;
        let at = p.value as usize;
        let origin = match p.kind() {
            Kind::Exact => Origin::Exact(at),
            Kind::Paragraph => Origin::Paragraph(at),
            Kind::Within => self.within.get(at).map_or(Origin::Exact(0), |&[a, b]| {
                Origin::Within(a as usize..b as usize)
            }),
            Kind::Cell => self
                .cells
                .get(at)
                .map_or(Origin::Exact(0), |&[t, r, c]| Origin::Cell {
                    table: t as usize,
                    row: r as usize,
                    column: c as usize,
                }),
        };
        Segment {
            text: start..start + p.len() as usize,
            origin,
        }
    }

    /// The number of segments for which `pred` holds, when it holds for a first
    /// part of them and not after (as `slice::partition_point`).
    pub fn partition_point(&self, pred: impl Fn(&Segment) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.get(mid) {
                Some(s) if pred(&s) => lo = mid + 1,
                _ => hi = mid,
            }
        }
        lo
    }

    /// Adds a segment after the last one. Pieces verbatim and contiguous both in the
    /// extracted text and in the original are merged, so the map stays small.
    pub fn push(&mut self, text: Range<usize>, origin: Origin) {
        if text.is_empty() {
            return;
        }
        if let Some(last) = self.get(self.len().wrapping_sub(1)) {
            debug_assert!(last.text.end <= text.start, "segments are pushed in order");
            let follows = last.text.end == text.start;
            let merge = match (&last.origin, &origin) {
                (Origin::Exact(a), Origin::Exact(b)) => follows && a + last.text.len() == *b,
                _ => follows && last.origin == origin && !is_exact(&origin),
            };
            if merge {
                self.extend_last(last.text.start, text.end);
                return;
            }
        }
        if self.wide.is_none()
            && let Some(p) = self.pack(&text, &origin)
        {
            self.packed.push(p);
            return;
        }
        self.widen();
        if let Some(w) = &mut self.wide {
            w.push(Segment { text, origin });
        }
    }

    /// Gives back what the vectors grew by beyond their length (a map is complete
    /// once its text is written; it is then held as long as the document).
    pub fn shrink_to_fit(&mut self) {
        self.packed.shrink_to_fit();
        self.within.shrink_to_fit();
        self.cells.shrink_to_fit();
        if let Some(w) = &mut self.wide {
            w.shrink_to_fit();
        }
    }

    /// Makes the last segment (starting at `start`) end at `end`.
    fn extend_last(&mut self, start: usize, end: usize) {
        if self.wide.is_none()
            && let Some(last) = self.packed.last_mut()
            && let Some(longer) = Packed::new(last.start, end - start, last.kind(), last.value)
        {
            *last = longer;
            return;
        }
        self.widen();
        if let Some(last) = self.wide.as_mut().and_then(|w| w.last_mut()) {
            last.text.end = end;
        }
    }

    fn pack(&mut self, text: &Range<usize>, origin: &Origin) -> Option<Packed> {
        let start = u32::try_from(text.start).ok()?;
        let n = |v: usize| u32::try_from(v).ok();
        let (kind, value) = match origin {
            Origin::Exact(at) => (Kind::Exact, n(*at)?),
            Origin::Paragraph(p) => (Kind::Paragraph, n(*p)?),
            Origin::Within(r) => {
                let side = [n(r.start)?, n(r.end)?];
                if self.within.last() != Some(&side) {
                    self.within.push(side);
                }
                (Kind::Within, n(self.within.len() - 1)?)
            }
            Origin::Cell { table, row, column } => {
                let side = [n(*table)?, n(*row)?, n(*column)?];
                if self.cells.last() != Some(&side) {
                    self.cells.push(side);
                }
                (Kind::Cell, n(self.cells.len() - 1)?)
            }
        };
        Packed::new(start, text.len(), kind, value)
    }

    /// Switches to plain segments.
    fn widen(&mut self) {
        if self.wide.is_none() {
            let all: Vec<Segment> = self.packed.iter().map(|p| self.unpack(p)).collect();
            self.wide = Some(all);
            self.packed = Vec::new();
            self.within = Vec::new();
            self.cells = Vec::new();
        }
    }

    /// The segment that holds byte `offset`, or the nearest one before it.
    pub fn segment_at(&self, offset: usize) -> Option<Segment> {
        let i = self.partition_point(|s| s.text.start <= offset);
        self.get(i.saturating_sub(1))
    }
}

fn is_exact(o: &Origin) -> bool {
    matches!(o, Origin::Exact(_))
}

/// Describes where `Document::text` came from; see the module comment.
#[derive(Clone, Debug)]
pub struct SourceInfo {
    pub kind: SourceKind,
    /// The encoding the file was decoded from (`UTF-8`, `GBK`, `UTF-16LE`…).
    pub encoding: &'static str,
    /// The original text, when diagnostics are shown on it (HTML).
    pub original: Option<String>,
    original_lines: LineIndex,
    /// Empty for plain text and Markdown.
    pub map: SourceMap,
    /// The original is in traditional Chinese; `Document::text` is its simplified
    /// copy, character for character (see `load::hanzi`).
    pub traditional: bool,
    /// Byte ranges of the text that the document marks as headings (a Word paragraph
    /// with a heading style or outline level), sorted; empty for other formats.
    pub headings: Vec<Range<usize>>,
    /// Word comments addressed to nianbao (suppressions), with the text they mark.
    pub comments: Vec<super::docx_comments::WordComment>,
}

impl Default for SourceInfo {
    /// A UTF-8 text: what `Document::parse` assumes until told otherwise.
    fn default() -> Self {
        SourceInfo {
            kind: SourceKind::Text,
            encoding: "UTF-8",
            original: None,
            original_lines: LineIndex::default(),
            map: SourceMap::default(),
            traditional: false,
            headings: Vec::new(),
            comments: Vec::new(),
        }
    }
}

impl SourceInfo {
    /// A text file: positions are the text's own.
    pub fn plain(kind: SourceKind, encoding: &'static str) -> Self {
        SourceInfo {
            kind,
            encoding,
            ..SourceInfo::default()
        }
    }

    /// Text extracted from `original` (HTML source), with its map.
    pub fn with_original(
        kind: SourceKind,
        encoding: &'static str,
        original: String,
        map: SourceMap,
    ) -> Self {
        SourceInfo {
            kind,
            encoding,
            original_lines: LineIndex::new(&original),
            original: Some(original),
            map,
            traditional: false,
            headings: Vec::new(),
            comments: Vec::new(),
        }
    }

    /// `with_original`, with the original's line index already made.
    pub fn with_original_lines(
        kind: SourceKind,
        encoding: &'static str,
        original: String,
        original_lines: LineIndex,
        map: SourceMap,
    ) -> Self {
        SourceInfo {
            kind,
            encoding,
            original_lines,
            original: Some(original),
            map,
            traditional: false,
            headings: Vec::new(),
            comments: Vec::new(),
        }
    }

    /// Marks the text as a simplified copy of a traditional original (same byte
    /// offsets). A text file then shows its findings on the original.
    pub fn simplified_from(mut self, original: &str) -> Self {
        self.traditional = true;
        if self.original.is_none() {
            let mut map = SourceMap::default();
            map.push(0..original.len(), Origin::Exact(0));
            self.original_lines = LineIndex::new(original);
            self.original = Some(original.to_string());
            self.map = map;
        }
        self
    }

    /// Text extracted from a document that is not shown (Word), with its map.
    pub fn extracted(kind: SourceKind, encoding: &'static str, map: SourceMap) -> Self {
        SourceInfo {
            kind,
            encoding,
            map,
            ..SourceInfo::default()
        }
    }

    /// True when diagnostics are shown on the original text rather than the
    /// extracted one.
    pub fn shows_original(&self) -> bool {
        self.original.is_some()
    }

    /// The byte range of the original text that a span of the extracted text came
    /// from: exact when the text is verbatim there, else the whole place (the line or
    /// tag). `None` when there is no original text.
    pub fn original_span(&self, span: &Range<usize>) -> Option<Range<usize>> {
        let original = self.original.as_deref()?;
        let seg = self.map.segment_at(span.start)?;
        let range = match &seg.origin {
            Origin::Exact(at) if span.start < seg.text.end => {
                let start = at + (span.start - seg.text.start);
                let end = if span.end <= seg.text.end {
                    at + (span.end.max(span.start) - seg.text.start)
                } else {
                    // The span runs on into later pieces: end where its last byte maps.
                    let last = span.end.saturating_sub(1).max(span.start);
                    match self.map.segment_at(last) {
                        Some(Segment {
                            text,
                            origin: Origin::Exact(b),
                        }) if last < text.end => b + (last - text.start) + 1,
                        _ => at + seg.text.len(),
                    }
                };
                start..end.max(start)
            }
            Origin::Exact(at) => {
                // A separator after a verbatim piece: point just after it.
                let end = at + seg.text.len();
                end..end
            }
            Origin::Within(r) => r.clone(),
            Origin::Paragraph(_) | Origin::Cell { .. } => return None,
        };
        let end = crate::text::floor_char_boundary(original, range.end);
        let start = crate::text::floor_char_boundary(original, range.start.min(end));
        Some(start..end)
    }

    /// 1-based line and character column in the original text of a byte offset of it.
    pub fn original_position(&self, offset: usize) -> Option<Position> {
        let original = self.original.as_deref()?;
        Some(self.original_lines.position(original, offset))
    }

    /// The place of a span in the user's terms, for documents whose text is not shown
    /// as such: `第3段`, `第2个表格 第5行第3列` (`diagnostic::place::location` adds the
    /// national name of the table). `None` for text files and web pages, whose
    /// line and column say it all.
    pub fn location(&self, span: &Range<usize>) -> Option<String> {
        if self.kind != SourceKind::Docx {
            return None;
        }
        match &self.map.segment_at(span.start)?.origin {
            Origin::Paragraph(n) => Some(format!("第{n}段")),
            Origin::Cell { table, row, column } => {
                Some(format!("第{table}个表格 第{row}行第{column}列"))
            }
            _ => None,
        }
    }

    /// The position shown for a byte offset of the extracted text: in the original
    /// when there is one, else in the text itself.
    pub fn position(&self, text: &str, lines: &LineIndex, offset: usize) -> Position {
        if let Some(pos) = self
            .original_span(&(offset..offset))
            .and_then(|r| self.original_position(r.start))
        {
            return pos;
        }
        lines.position(text, offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contiguous_exact_pieces_merge() {
        let mut m = SourceMap::default();
        m.push(0..2, Origin::Exact(10));
        m.push(2..5, Origin::Exact(12));
        m.push(5..6, Origin::Exact(20));
        m.push(6..8, Origin::Within(30..40));
        m.push(8..9, Origin::Within(30..40));
        assert_eq!(m.segments().len(), 3);
        assert_eq!(m.len(), 3);
        assert_eq!(m.segment_at(4).map(|s| s.text.clone()), Some(0..5));
        assert_eq!(m.segment_at(8).map(|s| s.text.clone()), Some(6..9));
        assert_eq!(m.segment_at(100).map(|s| s.text.clone()), Some(6..9));
    }

    #[test]
    fn side_origins_come_back_whole_and_past_4_gb_widen() {
        let cell = |table, row, column| Origin::Cell { table, row, column };
        let pushed = [
            (0..2, cell(1, 2, 3)),
            (2..4, cell(1, 2, 4)),
            (4..6, Origin::Within(7..9)),
            (6..8, Origin::Paragraph(5)),
            (8..9, cell(2, 1, 1)),
        ];
        let mut m = SourceMap::default();
        for (t, o) in pushed.iter().cloned() {
            m.push(t, o);
        }
        assert!(m.wide.is_none());
        let got: Vec<Segment> = m.segments().collect();
        let want: Vec<Segment> = pushed
            .iter()
            .cloned()
            .map(|(text, origin)| Segment { text, origin })
            .collect();
        assert_eq!(got, want);
        // An origin past 4 GB switches to plain segments, keeping every one.
        let far = Origin::Within(1 << 33..(1 << 33) + 5);
        m.push(9..10, far.clone());
        assert!(m.wide.is_some());
        assert_eq!(m.get(5).map(|s| s.origin), Some(far));
        assert_eq!(m.get(0).map(|s| s.origin), Some(cell(1, 2, 3)));
        m.shrink_to_fit();
        assert_eq!(m.len(), 6);
    }

    #[test]
    fn segments_are_packed_in_12_bytes_and_pieces_of_1_gb_widen() {
        assert_eq!(std::mem::size_of::<Packed>(), 12);
        let mut m = SourceMap::default();
        m.push(0..2, Origin::Exact(0));
        m.push(3..5, Origin::Paragraph(7));
        // The longest piece a packed segment holds, then one byte more (merged).
        let last = 5 + LEN_MASK as usize;
        m.push(5..last, Origin::Exact(5));
        assert!(m.wide.is_none());
        assert_eq!(m.get(2).map(|s| s.text), Some(5..last));
        m.push(last..last + 1, Origin::Exact(last));
        assert!(m.wide.is_some());
        let got: Vec<Segment> = m.segments().collect();
        let want = [
            (0..2, Origin::Exact(0)),
            (3..5, Origin::Paragraph(7)),
            (5..last + 1, Origin::Exact(5)),
        ]
        .map(|(text, origin)| Segment { text, origin });
        assert_eq!(got, want);
        // A piece of 1 GB pushed at once, after a cell.
        let mut m = SourceMap::default();
        let cell = Origin::Cell {
            table: 1,
            row: 2,
            column: 3,
        };
        m.push(0..1, cell.clone());
        m.push(1..2 + LEN_MASK as usize, Origin::Paragraph(1));
        assert!(m.wide.is_some());
        assert_eq!(m.get(0).map(|s| s.origin), Some(cell));
        assert_eq!(m.get(1).map(|s| s.text), Some(1..2 + LEN_MASK as usize));
    }

    #[test]
    fn spans_map_into_the_original() {
        let original = "<p>ab</p>\n<td>12</td>".to_string();
        let mut m = SourceMap::default();
        m.push(0..2, Origin::Exact(3));
        m.push(3..5, Origin::Exact(14));
        m.push(5..7, Origin::Within(10..21));
        let s = SourceInfo::with_original(SourceKind::Html, "UTF-8", original, m);
        assert_eq!(s.original_span(&(3..5)), Some(14..16));
        assert_eq!(s.original_span(&(4..5)), Some(15..16));
        assert_eq!(s.original_span(&(6..7)), Some(10..21));
        assert_eq!(
            s.original_position(15),
            Some(Position { line: 2, column: 6 })
        );
    }

    #[test]
    fn word_places_are_named() {
        let mut m = SourceMap::default();
        m.push(0..4, Origin::Paragraph(3));
        m.push(
            5..9,
            Origin::Cell {
                table: 2,
                row: 5,
                column: 3,
            },
        );
        let s = SourceInfo::extracted(SourceKind::Docx, "UTF-8", m);
        assert_eq!(s.location(&(1..2)).as_deref(), Some("第3段"));
        assert_eq!(s.location(&(6..7)).as_deref(), Some("第2个表格 第5行第3列"));
    }
}
