//! The one walk over `word/document.xml` that both the loader (`load::docx`) and the
//! annotator (`annotate::body`) use, so that they cannot disagree on what a paragraph
//! is, what its text is and which place it has (第N段, 第N个表格 第R行第C列): the skipped
//! subtrees (`mc:Fallback`, tab stops, moved-away text, former paragraph properties),
//! the text of `t` elements (entities and character references resolved), tabs,
//! non-breaking hyphens and line breaks, tables nested at most `MAX_TABLE_DEPTH` deep
//! (deeper ones are text of the enclosing cell), the numbering label Word shows before
//! a paragraph (`numbering::Lists`) and whether its style makes it a heading.
//!
//! What each consumer builds from it is its own business (`Visitor`): the loader
//! layout items, the annotator the XML position of every character.

use std::io::BufRead;
use std::ops::Range;

use quick_xml::events::{BytesStart, Event};

use super::numbering::{Lists, ParaProps};
use crate::load::Origin;

/// Tables nested deeper than this are read as text of the enclosing cell.
pub const MAX_TABLE_DEPTH: usize = 16;

/// Subtrees skipped: a copy of the content for old readers (`mc:Fallback`), tab stop
/// definitions, text moved away (tracked as printed: not there any more), and the
/// former paragraph properties of a tracked change.
fn skipped_subtree(local_name: &[u8]) -> bool {
    matches!(
        local_name,
        b"Fallback" | b"tabs" | b"moveFrom" | b"pPrChange"
    )
}

/// A piece of a paragraph's text and where it is in the XML.
#[derive(Clone, Debug)]
pub enum Text<'a> {
    /// Characters of a text element; `at` is the XML byte of the first when every
    /// character is written as itself (else `None`: line ends were normalised, or
    /// CDATA).
    Chars { s: &'a str, at: Option<usize> },
    /// What an entity or character reference at these bytes stands for.
    Reference { s: &'a str, at: Range<usize> },
    /// A character an element stands for (a tab, a non-breaking hyphen).
    Element { c: char, at: Range<usize> },
    /// A line break (`w:br`, `w:cr`).
    Break,
}

/// A paragraph, when it ends.
#[derive(Clone, Debug)]
pub struct Paragraph {
    /// Its text as Word shows it: the numbering label, then the text, lines separated
    /// by `\n`.
    pub text: String,
    /// Bytes of `text` that are the numbering label (in no run).
    pub label_len: usize,
    /// Its place: the cell it is in, else `Origin::Paragraph` when it has text;
    /// `None` for an empty paragraph outside tables (it has no number).
    pub place: Option<Origin>,
    /// Outline level when its style or properties make it a heading.
    pub heading: Option<u8>,
}

/// What a consumer of the walk does at each step. Every method has a default that
/// does nothing. `depth` is the element depth (1 for the root element).
pub trait Visitor {
    /// A start tag (or an empty element: `empty`) outside skipped subtrees, before
    /// the walk handles it.
    fn start(&mut self, _e: &BytesStart<'_>, _at: Range<usize>, _empty: bool, _depth: usize) {}
    /// An end tag (and the end of an empty element) outside skipped subtrees, before
    /// the walk handles it.
    fn end(&mut self, _local: &[u8], _qname: &[u8], _at: Range<usize>, _depth: usize) {}
    /// Text of the innermost open paragraph.
    fn text(&mut self, _t: Text<'_>) {}
    /// A table opens (within the depth limit).
    fn open_table(&mut self) {}
    fn open_row(&mut self) {}
    /// A cell opens, with its place.
    fn open_cell(&mut self, _place: Origin) {}
    fn close_cell(&mut self) {}
    fn close_table(&mut self) {}
    /// A paragraph ends (or is still open at the end of the part).
    fn paragraph(&mut self, _p: Paragraph) {}
}

struct OpenTable {
    number: usize,
    row: usize,
    column: usize,
    cell: Option<Origin>,
}

struct OpenPara {
    text: String,
    props: ParaProps,
}

/// The walk's state.
struct Walk<'v, V: Visitor> {
    v: &'v mut V,
    lists: Lists,
    tables: Vec<OpenTable>,
    ignored_tables: usize,
    tables_seen: usize,
    paragraphs_seen: usize,
    paras: Vec<OpenPara>,
    in_text: bool,
    skip: usize,
    depth: usize,
}

/// Walks `xml` (the main part), calling `v`. An XML error ends the walk with a
/// message that says where.
pub fn walk<V: Visitor>(xml: &str, lists: Lists, v: &mut V) -> Result<(), String> {
    walk_reader(xml.as_bytes(), lists, v)
}

/// `walk` over XML read as it comes (the zip entry as it is inflated): the loader
/// holds no copy of the part, only the open elements and the event being read.
/// Byte positions count from the start of `source`.
pub fn walk_reader<R: BufRead, V: Visitor>(
    source: R,
    lists: Lists,
    v: &mut V,
) -> Result<(), String> {
    let mut reader = quick_xml::Reader::from_reader(source);
    reader.config_mut().check_end_names = false;
    let mut buf = Vec::new();
    let mut w = Walk {
        v,
        lists,
        tables: Vec::new(),
        ignored_tables: 0,
        tables_seen: 0,
        paragraphs_seen: 0,
        paras: Vec::new(),
        in_text: false,
        skip: 0,
        depth: 0,
    };
    loop {
        buf.clear();
        let before = reader.buffer_position() as usize;
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("word/document.xml 第 {before} 字节：{e}"))?;
        let after = reader.buffer_position() as usize;
        let in_text = w.in_text && w.skip == 0;
        match event {
            Event::Start(e) => {
                w.depth += 1;
                w.start(&e, before..after, false);
            }
            Event::Empty(e) if w.skip == 0 => {
                w.depth += 1;
                w.start(&e, before..after, true);
                w.end(e.local_name().as_ref(), e.name().as_ref(), before..after);
                w.depth -= 1;
            }
            Event::End(e) => {
                w.end(e.local_name().as_ref(), e.name().as_ref(), before..after);
                w.depth = w.depth.saturating_sub(1);
            }
            Event::Text(t) if in_text => {
                let raw = std::str::from_utf8(&t).map_err(|e| e.to_string())?;
                let text = t.xml10_content().map_err(|e| e.to_string())?;
                let at = (text.len() == raw.len()).then_some(before);
                w.text(Text::Chars { s: &text, at });
            }
            Event::CData(t) if in_text => {
                let s = String::from_utf8_lossy(&t);
                w.text(Text::Chars { s: &s, at: None });
            }
            Event::GeneralRef(r) if in_text => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    _ => r.decode().ok().and_then(|name| {
                        quick_xml::escape::resolve_xml_entity(&name).map(str::to_string)
                    }),
                };
                if let Some(s) = resolved {
                    w.text(Text::Reference {
                        s: &s,
                        at: before..after,
                    });
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    while let Some(open) = w.paras.pop() {
        w.end_paragraph(open);
    }
    Ok(())
}

impl<V: Visitor> Walk<'_, V> {
    fn start(&mut self, e: &BytesStart<'_>, at: Range<usize>, empty: bool) {
        if self.skip > 0 {
            if !empty {
                self.skip += 1;
            }
            return;
        }
        let local = e.local_name();
        let name = local.as_ref();
        self.v.start(e, at.clone(), empty, self.depth);
        match name {
            _ if skipped_subtree(name) && !empty => self.skip = 1,
            b"p" => self.paras.push(OpenPara {
                text: String::new(),
                props: ParaProps::default(),
            }),
            b"pStyle" | b"numId" | b"ilvl" | b"outlineLvl" => {
                if let Some(p) = self.paras.last_mut() {
                    p.props.record(name, e);
                }
            }
            b"t" => self.in_text = true,
            b"tab" if !self.paras.is_empty() => self.text(Text::Element { c: '\t', at }),
            b"br" | b"cr" => self.text(Text::Break),
            b"noBreakHyphen" => self.text(Text::Element { c: '-', at }),
            b"tbl" => {
                if self.tables.len() >= MAX_TABLE_DEPTH {
                    self.ignored_tables += 1;
                } else {
                    self.tables_seen += 1;
                    self.tables.push(OpenTable {
                        number: self.tables_seen,
                        row: 0,
                        column: 0,
                        cell: None,
                    });
                    self.v.open_table();
                }
            }
            b"tr" if self.ignored_tables == 0 => {
                if let Some(t) = self.tables.last_mut() {
                    t.row += 1;
                    t.column = 0;
                    self.v.open_row();
                }
            }
            b"tc" if self.ignored_tables == 0 => {
                if let Some(t) = self.tables.last_mut() {
                    t.column += 1;
                    if t.row == 0 {
                        // A cell outside any row (invalid, tolerated): row 1.
                        t.row = 1;
                        self.v.open_row();
                    }
                    let place = Origin::Cell {
                        table: t.number,
                        row: t.row,
                        column: t.column,
                    };
                    t.cell = Some(place.clone());
                    self.v.open_cell(place);
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, name: &[u8], qname: &[u8], at: Range<usize>) {
        if self.skip > 0 {
            self.skip -= 1;
            return;
        }
        self.v.end(name, qname, at, self.depth);
        match name {
            b"t" => self.in_text = false,
            b"p" => {
                if let Some(open) = self.paras.pop() {
                    self.end_paragraph(open);
                }
            }
            b"tc" if self.ignored_tables == 0 => {
                if let Some(t) = self.tables.last_mut()
                    && t.cell.take().is_some()
                {
                    self.v.close_cell();
                }
            }
            b"tbl" => {
                if self.ignored_tables > 0 {
                    self.ignored_tables -= 1;
                } else if self.tables.pop().is_some() {
                    self.v.close_table();
                }
            }
            _ => {}
        }
    }

    fn text(&mut self, t: Text<'_>) {
        let Some(p) = self.paras.last_mut() else {
            return;
        };
        match &t {
            Text::Chars { s, .. } | Text::Reference { s, .. } => p.text.push_str(s),
            Text::Element { c, .. } => p.text.push(*c),
            Text::Break => p.text.push('\n'),
        }
        self.v.text(t);
    }

    fn end_paragraph(&mut self, open: OpenPara) {
        // Every paragraph advances the counters of its list, empty ones too (Word
        // shows their number).
        let numbered = self.lists.paragraph(&open.props);
        let label = numbered.label.unwrap_or_default();
        let mut text = label.clone();
        text.push_str(&open.text);
        // A paragraph in a cell belongs to the cell open when it ends.
        let place = match self.tables.last().and_then(|t| t.cell.clone()) {
            Some(cell) => Some(cell),
            None if text.trim().is_empty() => None,
            None => {
                self.paragraphs_seen += 1;
                Some(Origin::Paragraph(self.paragraphs_seen))
            }
        };
        self.v.paragraph(Paragraph {
            text,
            label_len: label.len(),
            place,
            heading: numbered.heading,
        });
    }
}
