//! The plain-text rendering of a structured document (web page, Word), in the form the
//! parser already reads: paragraphs as lines, each table row as one pipe row
//! `cell | cell | cell |`. Both `html` and `docx` build the same small model (`Item`s
//! and `Table`s) and `render` writes it, recording a `SourceMap` as it goes.
//!
//! Merged cells: a cell spanning several columns is written once (the parser finds
//! columns by their labels, not their positions). A cell spanning several rows is
//! written in its first row; in the rows below, the place it covers is left out when
//! it is at the start of the row (the label columns of 表三, so that each row starts
//! with its own label) and written as an empty cell elsewhere (so that the values
//! after it keep their positions).

use std::ops::Range;

use super::source::{Origin, SourceMap};

/// A piece of text and where it came from.
#[derive(Clone, Debug)]
pub struct Piece {
    pub text: String,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub enum Item {
    /// Text; never contains a line break.
    Text(Piece),
    /// Collapsible white space between pieces.
    Space,
    /// The end of a paragraph or a line break.
    Break,
    Table(Table),
}

#[derive(Clone, Debug, Default)]
pub struct Table {
    pub rows: Vec<Vec<TableCell>>,
}

#[derive(Clone, Debug)]
pub struct TableCell {
    pub items: Vec<Item>,
    /// Columns of the grid it spans (≥ 1).
    pub colspan: usize,
    /// Rows it spans (≥ 1); for HTML `rowspan`.
    pub rowspan: usize,
    /// A cell that continues a merge from the row above (Word `vMerge`), or a place
    /// covered by a `rowspan` above.
    pub continuation: bool,
    /// Where an empty cell (and the `|` that closes a cell) points.
    pub origin: Origin,
}

impl TableCell {
    pub fn new(origin: Origin) -> Self {
        TableCell {
            items: Vec::new(),
            colspan: 1,
            rowspan: 1,
            continuation: false,
            origin,
        }
    }
}

/// Writes `items` as text with its source map.
pub fn render(items: &[Item]) -> (String, SourceMap) {
    let mut w = Writer::default();
    w.items(items);
    w.finish()
}

/// Writes items as they come: a reader hands over each finished top-level item (a
/// paragraph's pieces, a closed table) and drops it, so only the open table is held
/// as a tree. Writing in several calls gives the same text as one `render`.
#[derive(Default)]
pub struct Writer {
    text: String,
    map: SourceMap,
    /// A space is due before the next text on this line.
    space: bool,
}

impl Writer {
    /// The text and its map, the last line ended.
    pub fn finish(mut self) -> (String, SourceMap) {
        self.end_line();
        self.text.shrink_to_fit();
        self.map.shrink_to_fit();
        (self.text, self.map)
    }

    fn line_is_empty(&self) -> bool {
        self.text.is_empty() || self.text.ends_with('\n')
    }

    fn end_line(&mut self) {
        if !self.line_is_empty() {
            self.text.push('\n');
        }
        self.space = false;
    }

    fn put(&mut self, s: &str, origin: Origin) {
        let start = self.text.len();
        self.text.push_str(s);
        self.map.push(start..self.text.len(), origin);
    }

    pub fn items(&mut self, items: &[Item]) {
        for item in items {
            match item {
                Item::Text(p) => {
                    if p.text.is_empty() {
                        continue;
                    }
                    if self.space && !self.line_is_empty() {
                        self.text.push(' ');
                    }
                    self.space = false;
                    self.put(&p.text, p.origin.clone());
                }
                Item::Space => self.space = true,
                Item::Break => self.end_line(),
                Item::Table(t) => {
                    self.end_line();
                    self.table(t);
                }
            }
        }
    }

    fn table(&mut self, t: &Table) {
        let grid = expand(t);
        let layout = t
            .rows
            .iter()
            .flatten()
            .any(|c| c.items.iter().any(|i| matches!(i, Item::Table(_))))
            || grid
                .iter()
                .all(|row| row.iter().filter(|c| matches!(c, Slot::Cell(_))).count() <= 1);
        if layout {
            // A table used for page layout (it holds other tables) or a one-column
            // box: its cells are ordinary paragraphs.
            for row in &t.rows {
                for cell in row.iter().filter(|c| !c.continuation) {
                    self.end_line();
                    self.items(&cell.items);
                    self.end_line();
                }
            }
            return;
        }
        for row in &grid {
            self.row(row);
        }
    }

    fn row(&mut self, row: &[Slot<'_>]) {
        let cells: Vec<(Option<CellText>, &Origin)> = row
            .iter()
            .map(|slot| match slot {
                Slot::Cell(c) => (Some(cell_text(&c.items)), &c.origin),
                Slot::Covered(origin) => (None, *origin),
            })
            .collect();
        if cells
            .iter()
            .all(|(t, _)| t.as_ref().is_none_or(|t| t.text.is_empty()))
        {
            return;
        }
        self.end_line();
        let mut first = true;
        for (content, origin) in cells {
            if content.is_none() && first {
                continue;
            }
            if !first {
                self.text.push(' ');
            }
            first = false;
            match content {
                Some(c) if !c.text.is_empty() => {
                    let base = self.text.len();
                    self.text.push_str(&c.text);
                    let verbatim = matches!(c.segments.last(), Some((_, Origin::Exact(_))));
                    for (r, o) in c.segments {
                        self.map.push(base + r.start..base + r.end, o);
                    }
                    if verbatim {
                        // The separator belongs to the verbatim piece before it (it
                        // maps to just after it): one segment per cell, not two, in
                        // pages of large tables.
                        self.text.push_str(" |");
                    } else {
                        self.put(" |", origin.clone());
                    }
                }
                _ => self.put("|", origin.clone()),
            }
        }
        self.end_line();
    }
}

/// A cell's content on one line.
struct CellText {
    text: String,
    segments: Vec<(Range<usize>, Origin)>,
}

fn cell_text(items: &[Item]) -> CellText {
    let mut out = CellText {
        text: String::new(),
        segments: Vec::new(),
    };
    let mut space = false;
    flatten(items, &mut out, &mut space);
    out
}

fn flatten(items: &[Item], out: &mut CellText, space: &mut bool) {
    for item in items {
        match item {
            Item::Text(p) => {
                if p.text.is_empty() {
                    continue;
                }
                if *space && !out.text.is_empty() {
                    out.text.push(' ');
                }
                *space = false;
                // A `|` inside a cell would split it: write the full-width bar.
                let (text, origin) = if p.text.contains('|') {
                    let origin = match &p.origin {
                        Origin::Exact(at) => Origin::Within(*at..at + p.text.len()),
                        o => o.clone(),
                    };
                    (p.text.replace('|', "｜"), origin)
                } else {
                    (p.text.clone(), p.origin.clone())
                };
                let start = out.text.len();
                out.text.push_str(&text);
                out.segments.push((start..out.text.len(), origin));
            }
            Item::Space | Item::Break => *space = true,
            Item::Table(t) => {
                *space = true;
                for cell in t.rows.iter().flatten() {
                    flatten(&cell.items, out, space);
                    *space = true;
                }
            }
        }
    }
}

/// One place of a row in the grid.
enum Slot<'a> {
    Cell(&'a TableCell),
    /// Covered by a cell of a row above (its origin).
    Covered(&'a Origin),
}

/// Grid columns tracked for row spans; wider tables (only malicious input has them)
/// keep their cells but lose the merges beyond this column.
const MAX_GRID: usize = 4096;

/// The rows of `t` with the places covered by merges from above made explicit, one
/// slot per covering cell (however many columns it spans).
fn expand(t: &Table) -> Vec<Vec<Slot<'_>>> {
    let mut cover = Cover::default();
    let mut out = Vec::with_capacity(t.rows.len());
    for (r, row) in t.rows.iter().enumerate() {
        let mut slots = Vec::with_capacity(row.len());
        let mut col = 0;
        let mut last = None;
        for cell in row {
            if cell.continuation {
                // Word writes the continuation as a cell of its own.
                slots.push(Slot::Covered(&cell.origin));
                col += cell.colspan.max(1);
                continue;
            }
            cover.take(r, &mut col, &mut last, &mut slots);
            slots.push(Slot::Cell(cell));
            let span = cell.colspan.max(1);
            cover.place(r, col, span, cell);
            col += span;
        }
        cover.take(r, &mut col, &mut last, &mut slots);
        out.push(slots);
    }
    out
}

/// Which grid columns are covered by a cell spanning rows from above.
#[derive(Default)]
struct Cover<'a> {
    /// Per grid column: the first row no longer covered, and the covering cell.
    cols: Vec<(usize, usize, Option<&'a Origin>)>,
    next_id: usize,
}

impl<'a> Cover<'a> {
    /// Emits the covered places of row `row` at `col` onwards, one slot per covering
    /// cell.
    fn take(
        &self,
        row: usize,
        col: &mut usize,
        last: &mut Option<usize>,
        slots: &mut Vec<Slot<'a>>,
    ) {
        while let Some(&(until, id, origin)) = self.cols.get(*col) {
            if until <= row {
                break;
            }
            if *last != Some(id)
                && let Some(o) = origin
            {
                slots.push(Slot::Covered(o));
            }
            *last = Some(id);
            *col += 1;
        }
    }

    fn place(&mut self, row: usize, col: usize, span: usize, cell: &'a TableCell) {
        if cell.rowspan <= 1 || col + span > MAX_GRID {
            return;
        }
        if self.cols.len() < col + span {
            self.cols.resize(col + span, (0, 0, None));
        }
        for c in &mut self.cols[col..col + span] {
            *c = (row + cell.rowspan, self.next_id, Some(&cell.origin));
        }
        self.next_id += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Item {
        Item::Text(Piece {
            text: s.into(),
            origin: Origin::Paragraph(1),
        })
    }

    fn cell(s: &str, colspan: usize, rowspan: usize) -> TableCell {
        let mut c = TableCell::new(Origin::Paragraph(9));
        if !s.is_empty() {
            c.items.push(text(s));
        }
        c.colspan = colspan;
        c.rowspan = rowspan;
        c
    }

    #[test]
    fn paragraphs_and_spaces() {
        let (t, _) = render(&[
            text("一、"),
            Item::Space,
            text("总体情况"),
            Item::Break,
            Item::Break,
            text("正文"),
        ]);
        assert_eq!(t, "一、 总体情况\n正文\n");
    }

    #[test]
    fn rowspans_are_left_out_at_row_start_and_blank_elsewhere() {
        let table = Table {
            rows: vec![
                vec![
                    cell("三、本年度办理结果", 1, 3),
                    cell("（一）予以公开", 2, 1),
                    cell("1", 1, 1),
                    cell("合计", 1, 2),
                ],
                vec![cell("（二）部分公开", 2, 1), cell("2", 1, 1)],
                vec![
                    cell("（三）不予公开", 1, 1),
                    cell("x", 1, 1),
                    cell("", 1, 1),
                    cell("3", 1, 1),
                ],
            ],
        };
        let (t, _) = render(&[Item::Table(table)]);
        assert_eq!(
            t,
            "三、本年度办理结果 | （一）予以公开 | 1 | 合计 |\n\
             （二）部分公开 | 2 | |\n\
             （三）不予公开 | x | | 3 |\n"
        );
    }

    #[test]
    fn pipes_in_cells_are_escaped_and_empty_rows_dropped() {
        let table = Table {
            rows: vec![
                vec![cell("a|b", 1, 1), cell("1", 1, 1)],
                vec![cell("", 1, 1), cell("", 1, 1)],
            ],
        };
        let (t, _) = render(&[Item::Table(table)]);
        assert_eq!(t, "a｜b | 1 |\n");
    }
}
