//! The main part (`word/document.xml`) as the annotator needs it: every paragraph with
//! its place in Word's terms, numbered exactly as `load::docx` numbers them (第N段 for
//! non-empty paragraphs outside tables, 表N 第R行第C列 for cells), and every character
//! of its text with the XML byte position it came from. Comments are then inserted as
//! byte edits into the original XML, so that everything not touched stays byte for
//! byte as it was.
//!
//! The walk is the loader's own (`load::docx::walk`: same skipped subtrees, same
//! table depth limit, same places, same text); this module only records where each
//! character is. A numbering label (`一、` that Word computes) is in no run: its
//! characters are `Loc::Free`, so a comment on a heading starts at its first written
//! character. `tests/annotate.rs` checks that every place the loader names is found
//! here with the same text.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

use quick_xml::events::{BytesStart, Event};

use crate::load::Origin;
use crate::load::docx::numbering::Lists;
use crate::load::docx::walk::{self, Paragraph, Text as WalkText, Visitor};

/// Where one character of a paragraph's text is in the XML.
#[derive(Clone, Copy, Debug)]
pub enum Loc {
    /// In the text of `w:t` number `t` (of `Body::texts`), at these XML bytes.
    Text { t: usize, at: usize, end: usize },
    /// An element of run `run` (a tab, a non-breaking hyphen) at these bytes.
    Elem { run: usize, at: usize, end: usize },
    /// Somewhere a comment cannot start or end (a line break, math text).
    Free,
}

/// A `w:r` element.
#[derive(Clone, Debug)]
pub struct Run {
    pub start: usize,
    pub open_end: usize,
    /// The run properties (`w:rPr`), copied when the run is split.
    pub rpr: Range<usize>,
    pub content_start: usize,
    pub content_end: usize,
    pub end: usize,
}

/// A `w:t` inside a run.
#[derive(Clone, Debug)]
pub struct Text {
    pub run: usize,
    pub open: Range<usize>,
    pub content: Range<usize>,
    pub close_end: usize,
}

/// A paragraph.
#[derive(Clone, Debug)]
pub struct Para {
    pub start: usize,
    /// After the opening tag and the paragraph properties: where a comment on the
    /// whole paragraph starts.
    pub content_start: usize,
    /// Where `</w:p>` starts (for a self-closing `<w:p/>`, `start`).
    pub close_start: usize,
    pub end: usize,
    pub self_closing: bool,
    /// A `w:p` (not a DrawingML `a:p`): comments can be placed in it.
    pub word: bool,
    /// Its text, lines separated by `\n`, and where each character came from.
    pub text: String,
    pub locs: Vec<(usize, Loc)>,
}

/// The indexed main part.
#[derive(Debug, Default)]
pub struct Body {
    pub paras: Vec<Para>,
    pub runs: Vec<Run>,
    pub texts: Vec<Text>,
    /// Paragraphs of each place, in document order.
    pub places: BTreeMap<PlaceKey, Vec<usize>>,
}

/// `Origin::Paragraph` / `Origin::Cell` as a map key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PlaceKey {
    Paragraph(usize),
    Cell(usize, usize, usize),
}

impl PlaceKey {
    pub fn of(origin: &Origin) -> Option<PlaceKey> {
        match *origin {
            Origin::Paragraph(n) => Some(PlaceKey::Paragraph(n)),
            Origin::Cell { table, row, column } => Some(PlaceKey::Cell(table, row, column)),
            _ => None,
        }
    }
}

struct OpenPara {
    para: Para,
    /// Byte where a direct `w:pPr` child ends, if any.
    ppr_end: Option<usize>,
    depth: usize,
}

struct OpenRun {
    index: usize,
    depth: usize,
}

/// What the annotator records during the walk.
#[derive(Default)]
struct Index {
    body: Body,
    paras: Vec<OpenPara>,
    runs: Vec<OpenRun>,
    /// The open `w:t` (index in `body.texts`) or another text element (`None`).
    in_text: Option<Option<usize>>,
    /// Depth of the element being handled.
    depth: usize,
    rpr_start: Option<usize>,
}

/// Indexes `xml`, the main part, with the document's numbering definitions.
pub fn index(xml: &str, lists: Lists) -> Result<Body, String> {
    let mut w = Index::default();
    walk::walk(xml, lists, &mut w)?;
    Ok(w.body)
}

impl Visitor for Index {
    fn start(&mut self, e: &BytesStart<'_>, at: Range<usize>, empty: bool, depth: usize) {
        self.depth = depth;
        let local = e.local_name();
        let name = local.as_ref();
        let qname = e.name();
        let word = qname.as_ref().starts_with(b"w:");
        match name {
            b"p" => {
                self.paras.push(OpenPara {
                    para: Para {
                        start: at.start,
                        content_start: at.end,
                        close_start: at.start,
                        end: at.end,
                        self_closing: empty,
                        word: word && qname.as_ref() == b"w:p",
                        text: String::new(),
                        locs: Vec::new(),
                    },
                    ppr_end: None,
                    depth,
                });
            }
            b"r" if qname.as_ref() == b"w:r" && !empty => {
                self.body.runs.push(Run {
                    start: at.start,
                    open_end: at.end,
                    rpr: at.end..at.end,
                    content_start: at.end,
                    content_end: at.end,
                    end: at.end,
                });
                self.runs.push(OpenRun {
                    index: self.body.runs.len() - 1,
                    depth,
                });
            }
            b"rPr" if self.direct_run_child() => {
                self.rpr_start = Some(at.start);
                if empty && let Some(run) = self.open_run_mut() {
                    run.rpr = at.clone();
                    run.content_start = at.end;
                }
            }
            b"t" => {
                let in_w_t = qname.as_ref() == b"w:t" && self.direct_run_child();
                let t = if in_w_t && !empty {
                    let run = self.runs.last().map(|r| r.index).unwrap_or(0);
                    self.body.texts.push(Text {
                        run,
                        open: at.clone(),
                        content: at.end..at.end,
                        close_end: at.end,
                    });
                    Some(self.body.texts.len() - 1)
                } else {
                    None
                };
                self.in_text = Some(t);
            }
            _ => {}
        }
    }

    fn end(&mut self, name: &[u8], qname: &[u8], at: Range<usize>, depth: usize) {
        self.depth = depth;
        match name {
            b"t" => {
                if let Some(Some(t)) = self.in_text {
                    let text = &mut self.body.texts[t];
                    if at.start >= text.open.end {
                        text.content = text.open.end..at.start;
                        text.close_end = at.end;
                    }
                }
                self.in_text = None;
            }
            b"pPr" => {
                if let Some(p) = self.paras.last_mut()
                    && p.depth + 1 == self.depth
                {
                    p.ppr_end = Some(at.end);
                }
            }
            b"rPr" if self.direct_run_child() => {
                if let (Some(start), Some(run)) = (self.rpr_start.take(), self.open_run_mut()) {
                    run.rpr = start..at.end;
                    run.content_start = at.end;
                }
            }
            b"r" if qname == b"w:r" => {
                if let Some(open) = self.runs.last()
                    && open.depth == self.depth
                {
                    let index = open.index;
                    self.runs.pop();
                    let run = &mut self.body.runs[index];
                    run.content_end = at.start;
                    run.end = at.end;
                }
            }
            b"p" => {
                if let Some(open) = self.paras.last_mut()
                    && !open.para.self_closing
                {
                    open.para.close_start = at.start;
                    open.para.end = at.end;
                    open.para.content_start = open.ppr_end.unwrap_or(open.para.content_start);
                }
            }
            _ => {}
        }
    }

    fn text(&mut self, t: WalkText<'_>) {
        match t {
            WalkText::Chars { s, at: Some(base) } => {
                for (i, c) in s.char_indices() {
                    self.push_char(c, base + i, base + i + c.len_utf8());
                }
            }
            // Line ends normalised, CDATA: the characters cannot be placed one by one.
            WalkText::Chars { s, at: None } => s.chars().for_each(|c| self.push_free(c)),
            WalkText::Reference { s, at } => {
                let mut chars = s.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => self.push_char(c, at.start, at.end),
                    _ => s.chars().for_each(|c| self.push_free(c)),
                }
            }
            WalkText::Element { c, at } => self.push_elem(c, at),
            WalkText::Break => self.push_free('\n'),
        }
    }

    fn paragraph(&mut self, p: Paragraph) {
        let Some(mut open) = self.paras.pop() else {
            return;
        };
        // The label Word shows, in front of the text, in no run.
        let label = p.text.get(..p.label_len).unwrap_or_default();
        if !label.is_empty() {
            let para = &mut open.para;
            for (off, _) in &mut para.locs {
                *off += label.len();
            }
            let mut locs: Vec<(usize, Loc)> =
                label.char_indices().map(|(i, _)| (i, Loc::Free)).collect();
            locs.append(&mut para.locs);
            para.locs = locs;
            para.text.insert_str(0, label);
        }
        let index = self.body.paras.len();
        self.body.paras.push(open.para);
        if let Some(key) = p.place.as_ref().and_then(PlaceKey::of) {
            self.body.places.entry(key).or_default().push(index);
        }
    }
}

impl Index {
    fn direct_run_child(&self) -> bool {
        self.runs.last().is_some_and(|r| r.depth + 1 == self.depth)
    }

    fn open_run_mut(&mut self) -> Option<&mut Run> {
        let i = self.runs.last()?.index;
        self.body.runs.get_mut(i)
    }

    fn push(&mut self, c: char, loc: Loc) {
        if let Some(p) = self.paras.last_mut() {
            p.para.locs.push((p.para.text.len(), loc));
            p.para.text.push(c);
        }
    }

    fn push_char(&mut self, c: char, at: usize, end: usize) {
        let loc = match self.in_text {
            Some(Some(t)) => Loc::Text { t, at, end },
            _ => Loc::Free,
        };
        self.push(c, loc);
    }

    fn push_free(&mut self, c: char) {
        self.push(c, Loc::Free);
    }

    fn push_elem(&mut self, c: char, at: Range<usize>) {
        let loc = match self.runs.last() {
            Some(r) if r.depth + 1 == self.depth => Loc::Elem {
                run: r.index,
                at: at.start,
                end: at.end,
            },
            _ => Loc::Free,
        };
        self.push(c, loc);
    }
}

/// Where a comment starts or ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cut {
    /// Between elements, at this byte (before or after a run, inside a paragraph).
    At(usize),
    /// Inside the text of `w:t` number `t`, at this byte: the run is split there.
    InText { at: usize, t: usize },
    /// Between two children of run `run`, at this byte: the run is split there.
    InRun { at: usize, run: usize },
    /// In the empty paragraph `para` (`<w:p/>`), which is opened for it.
    EmptyPara { at: usize, para: usize },
}

impl Cut {
    pub fn byte(&self) -> usize {
        match *self {
            Cut::At(at)
            | Cut::InText { at, .. }
            | Cut::InRun { at, .. }
            | Cut::EmptyPara { at, .. } => at,
        }
    }
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

impl Body {
    /// The text of a place: its paragraphs' texts, one per line; with the paragraph
    /// and character index of each byte (for finding the needle).
    fn place_text(&self, paras: &[usize]) -> (String, Vec<(usize, usize, usize)>) {
        let mut text = String::new();
        let mut at = Vec::new();
        for &p in paras {
            let para = &self.paras[p];
            let base = text.len();
            text.push_str(&para.text);
            for (i, (off, _)) in para.locs.iter().enumerate() {
                at.push((base + off, p, i));
            }
            text.push('\n');
        }
        (text, at)
    }

    /// The cut before the character `i` of paragraph `p`.
    fn cut_before(&self, xml: &str, p: usize, i: usize) -> Option<Cut> {
        match self.paras[p].locs.get(i)?.1 {
            Loc::Text { t, at, .. } => {
                let text = &self.texts[t];
                let run = &self.runs[text.run];
                if at == text.content.start && blank(xml.get(run.content_start..text.open.start)?) {
                    Some(Cut::At(run.start))
                } else {
                    Some(Cut::InText { at, t })
                }
            }
            Loc::Elem { run: r, at, .. } => {
                let run = &self.runs[r];
                if blank(xml.get(run.content_start..at)?) {
                    Some(Cut::At(run.start))
                } else {
                    Some(Cut::InRun { at, run: r })
                }
            }
            Loc::Free => None,
        }
    }

    /// The cut after the character `i` of paragraph `p`.
    fn cut_after(&self, xml: &str, p: usize, i: usize) -> Option<Cut> {
        match self.paras[p].locs.get(i)?.1 {
            Loc::Text { t, end, .. } => {
                let text = &self.texts[t];
                let run = &self.runs[text.run];
                if end == text.content.end && blank(xml.get(text.close_end..run.content_end)?) {
                    Some(Cut::At(run.end))
                } else {
                    Some(Cut::InText { at: end, t })
                }
            }
            Loc::Elem { run: r, end, .. } => {
                let run = &self.runs[r];
                if blank(xml.get(end..run.content_end)?) {
                    Some(Cut::At(run.end))
                } else {
                    Some(Cut::InRun { at: end, run: r })
                }
            }
            Loc::Free => None,
        }
    }

    /// Start and end cuts around the `nth` occurrence of `needle` in the place (the
    /// first if there are fewer), or around the whole place when the needle is not
    /// there or cannot be cut around.
    pub fn cuts(&self, xml: &str, key: PlaceKey, needle: &str, nth: usize) -> Option<(Cut, Cut)> {
        let paras = self.places.get(&key)?;
        if !needle.is_empty() {
            let (text, at) = self.place_text(paras);
            let mut found = text.match_indices(needle);
            let hit = found
                .clone()
                .nth(nth)
                .or_else(|| found.next())
                .map(|(i, _)| i);
            if let Some(start) = hit {
                let end = start + needle.len();
                // Characters in no run (a numbering label) cannot carry a comment:
                // the comment covers the written characters of the match.
                let placed = |&&(_, p, i): &&(usize, usize, usize)| {
                    !matches!(self.paras[p].locs.get(i), Some((_, Loc::Free)))
                };
                let first = at
                    .iter()
                    .filter(|(b, _, _)| *b >= start && *b < end)
                    .find(placed);
                let last = at
                    .iter()
                    .rev()
                    .filter(|(b, _, _)| *b < end && *b >= start)
                    .find(placed);
                if let (Some(&(_, p0, i0)), Some(&(_, p1, i1))) = (first, last)
                    && let (Some(a), Some(b)) =
                        (self.cut_before(xml, p0, i0), self.cut_after(xml, p1, i1))
                {
                    return Some((a, b));
                }
            }
        }
        self.whole(paras)
    }

    /// Cuts around whole paragraphs: from the first to the last of `paras`.
    pub fn whole(&self, paras: &[usize]) -> Option<(Cut, Cut)> {
        let word: Vec<usize> = paras
            .iter()
            .copied()
            .filter(|&p| self.paras[p].word)
            .collect();
        let (&first, &last) = (word.first()?, word.last()?);
        let cut = |p: usize, start: bool| {
            let para = &self.paras[p];
            if para.self_closing {
                Cut::EmptyPara {
                    at: para.start,
                    para: p,
                }
            } else if start {
                Cut::At(para.content_start)
            } else {
                Cut::At(para.close_start)
            }
        };
        Some((cut(first, true), cut(last, false)))
    }

    /// The first paragraph of the document that can hold a comment: for findings
    /// about the document as a whole.
    pub fn first_paragraph(&self) -> Option<(Cut, Cut)> {
        let first = self
            .places
            .values()
            .flat_map(|ps| ps.iter().copied())
            .filter(|&p| self.paras[p].word)
            .min()?;
        self.whole(&[first])
    }
}

/// Comment markers to write at one cut.
#[derive(Clone, Debug, Default)]
pub struct Marks {
    /// (sort key, XML): ends of comments started earlier, starts, ends of comments
    /// started at the same cut.
    pub items: Vec<((u8, usize), String)>,
}

/// Writes `xml` with the markers inserted at their cuts.
pub fn apply(xml: &str, body: &Body, cuts: BTreeMap<Cut, Marks>) -> String {
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut preserved: HashSet<usize> = HashSet::new();
    for (cut, mut marks) in cuts {
        marks.items.sort();
        let m: String = marks.items.into_iter().map(|(_, s)| s).collect();
        match cut {
            Cut::At(at) => edits.push((at..at, m)),
            Cut::InText { at, t } => {
                let text = &body.texts[t];
                let run = &body.runs[text.run];
                let reopen = format!("{}{}", &xml[run.start..run.open_end], &xml[run.rpr.clone()]);
                edits.push((
                    at..at,
                    format!("</w:t></w:r>{m}{reopen}<w:t xml:space=\"preserve\">"),
                ));
                let open = &xml[text.open.clone()];
                if !open.contains("xml:space") && preserved.insert(t) {
                    edits.push((text.open.clone(), "<w:t xml:space=\"preserve\">".into()));
                }
            }
            Cut::InRun { at, run } => {
                let run = &body.runs[run];
                let reopen = format!("{}{}", &xml[run.start..run.open_end], &xml[run.rpr.clone()]);
                edits.push((at..at, format!("</w:r>{m}{reopen}")));
            }
            Cut::EmptyPara { para, .. } => {
                let p = &body.paras[para];
                let tag = xml[p.start..p.end].trim_end_matches('>');
                let tag = tag.trim_end_matches('/').trim_end();
                edits.push((p.start..p.end, format!("{tag}>{m}</w:p>")));
            }
        }
    }
    splice(xml, edits)
}

/// Applies non-overlapping edits (ranges of `xml` and their replacements).
pub fn splice(xml: &str, mut edits: Vec<(Range<usize>, String)>) -> String {
    edits.sort_by_key(|(r, _)| (r.start, r.end));
    let mut out = String::with_capacity(xml.len() + edits.iter().map(|e| e.1.len()).sum::<usize>());
    let mut at = 0;
    for (r, s) in edits {
        if r.start < at {
            continue;
        }
        out.push_str(&xml[at..r.start]);
        out.push_str(&s);
        at = r.end;
    }
    out.push_str(&xml[at..]);
    out
}

/// Removes from the main part the comment markers and reference runs of the comments
/// with these ids (nianbao's own, from an earlier run).
pub fn remove_comments(xml: &str, ids: &HashSet<String>) -> Result<String, String> {
    if ids.is_empty() {
        return Ok(xml.to_string());
    }
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = false;
    let mut edits = Vec::new();
    // Open runs: start byte, depth, references found, other children seen.
    struct R {
        start: usize,
        refs: Vec<Range<usize>>,
        other: bool,
    }
    let mut runs: Vec<R> = Vec::new();
    let mut depth = 0usize;
    let mut in_rpr = 0usize;
    loop {
        let before = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| e.to_string())?;
        let after = reader.buffer_position() as usize;
        match event {
            Event::Start(e) => {
                depth += 1;
                let name = e.name();
                if name.as_ref() == b"w:r" {
                    runs.push(R {
                        start: before,
                        refs: Vec::new(),
                        other: false,
                    });
                } else if name.as_ref() == b"w:rPr" {
                    in_rpr += 1;
                } else if in_rpr == 0
                    && let Some(r) = runs.last_mut()
                {
                    r.other = true;
                }
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                let name = e.name();
                if name.as_ref() == b"w:r" {
                    if let Some(r) = runs.pop() {
                        if !r.refs.is_empty() && !r.other {
                            edits.push((r.start..after, String::new()));
                        } else {
                            edits.extend(r.refs.into_iter().map(|x| (x, String::new())));
                        }
                    }
                } else if name.as_ref() == b"w:rPr" {
                    in_rpr = in_rpr.saturating_sub(1);
                }
            }
            Event::Empty(e) => {
                let name = e.name();
                let ours = || {
                    e.attributes().flatten().any(|a| {
                        a.key.as_ref() == b"w:id"
                            && ids.contains(String::from_utf8_lossy(&a.value).as_ref())
                    })
                };
                match name.as_ref() {
                    b"w:commentRangeStart" | b"w:commentRangeEnd" if ours() => {
                        edits.push((before..after, String::new()));
                    }
                    b"w:commentReference" if ours() => match runs.last_mut() {
                        Some(r) => r.refs.push(before..after),
                        None => edits.push((before..after, String::new())),
                    },
                    _ if in_rpr == 0 => {
                        if let Some(r) = runs.last_mut() {
                            r.other = true;
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if !t.iter().all(u8::is_ascii_whitespace) => {
                if let Some(r) = runs.last_mut() {
                    r.other = true;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let _ = depth;
    Ok(splice(xml, edits))
}
