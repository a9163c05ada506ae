//! Web pages (.html/.htm): reports are published as web pages, and web teams keep
//! them as HTML. The page is tokenized by html5ever (entities, raw text, broken
//! markup handled as browsers do), its text and tables are rendered by `layout` into
//! the plain text the parser reads, and every piece of that text is mapped back to
//! the bytes of the HTML source it came from, so diagnostics show the page's own
//! lines.
//!
//! Mapping: html5ever gives each token the line it ends on. A text token is a
//! verbatim run of the source (entities come as tokens of their own), so it is found
//! by searching forward from where the previous one ended, in a bounded window, at a
//! place that follows markup (`>`), an entity (`;`) or a line break. A piece that
//! cannot be found this way (an entity, odd markup) maps to its whole line. The
//! search only moves forward and each try is bounded, so time stays linear in the
//! size of the page.

use std::borrow::Cow;
use std::cell::RefCell;

use encoding_rs::Encoding;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use super::encoding;
use super::layout::{self, Item, Piece, Table, TableCell};
use super::source::{Origin, SourceInfo, SourceKind};
use super::{LoadError, LoadErrorKind, Loaded};
use crate::text::{LineIndex, floor_char_boundary};

/// How far past the previous piece a text token is looked for.
const WINDOW: usize = 256 * 1024;
/// Caps on merges, against absurd values in hostile pages.
const MAX_COLSPAN: usize = 1000;
const MAX_ROWSPAN: usize = 10_000;
/// Tables nested deeper than this are read as text of the enclosing cell (as in the
/// Word reader): the layout tree stays shallow, so nothing recurses without bound.
const MAX_TABLE_DEPTH: usize = 16;
/// A page nesting tables deeper than this is refused: no report does, and hostile
/// pages that do (`<td><table>` thousands of times) are not worth reading.
pub const MAX_NESTING: usize = 256;
/// A table with more cells than this is refused: a report's largest table has a few
/// hundred, and every cell costs a hundred bytes or more in the layout tree, so a
/// page of a million `<td>` would take far more memory than its size.
pub const MAX_TABLE_CELLS: usize = 50_000;

/// Why a page is not read.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Tables nested deeper than `MAX_NESTING`.
    TooDeep,
    /// A table with more than `MAX_TABLE_CELLS` cells.
    TooManyCells,
}

/// Reads a web page. Given owned bytes, a UTF-8 page becomes its text without a copy.
pub fn load<'a>(
    name: &str,
    bytes: impl Into<Cow<'a, [u8]>>,
    forced: Option<&'static Encoding>,
) -> Result<Loaded, LoadError> {
    let bytes = bytes.into();
    let declared = meta_charset(&bytes);
    let decoded = encoding::decode_owned(name, bytes, forced, declared)?;
    from_decoded(name, decoded)
}

/// Reads a web page already decoded as `load` decodes it.
pub(super) fn from_decoded(name: &str, decoded: encoding::Decoded) -> Result<Loaded, LoadError> {
    let mut original = decoded.text;
    normalize_lone_cr(&mut original);
    // One line index of the page, for reading it and then for showing findings on it.
    let lines = LineIndex::new(&original);
    let (text, map) = extract_indexed(&original, &lines).map_err(|r| {
        let kind = match r {
            Refusal::TooDeep => LoadErrorKind::TooDeep { limit: MAX_NESTING },
            Refusal::TooManyCells => LoadErrorKind::TooManyCells {
                limit: MAX_TABLE_CELLS,
            },
        };
        LoadError::new(name, kind)
    })?;
    if text.trim().is_empty() {
        return Err(LoadError::new(name, LoadErrorKind::NoText("网页")));
    }
    Ok(Loaded {
        text,
        source: SourceInfo::with_original_lines(
            SourceKind::Html,
            decoded.encoding.name(),
            original,
            lines,
            map,
        ),
    })
}

/// True when text looks like an HTML document rather than a report saved as text.
pub fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .trim_start_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}')
        .chars()
        .take(32)
        .collect::<String>()
        .to_ascii_lowercase();
    head.starts_with("<!doctype html") || head.starts_with("<html")
}

/// The text and source map of an HTML document, unless it is refused (tables nested
/// too deep, or too large).
///
/// Memory: the page is fed to the tokenizer in chunks of `CHUNK` bytes (not copied
/// whole), and each top-level item is written to the text as soon as it is complete;
/// only the table being read is held as a tree (at most `MAX_TABLE_CELLS` cells).
pub fn extract(original: &str) -> Result<(String, super::source::SourceMap), Refusal> {
    extract_indexed(original, &LineIndex::new(original))
}

/// `extract` with the page's line index at hand.
fn extract_indexed(
    original: &str,
    lines: &LineIndex,
) -> Result<(String, super::source::SourceMap), Refusal> {
    let sink = Sink {
        b: RefCell::new(Builder::new(original, lines)),
    };
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let queue = BufferQueue::default();
    let mut rest = original;
    while !rest.is_empty() {
        let cut = chunk_end(rest);
        queue.push_back(StrTendril::from_slice(&rest[..cut]));
        rest = &rest[cut..];
        let _ = tokenizer.feed(&queue);
        if tokenizer.sink.b.borrow().refused().is_some() {
            break;
        }
    }
    tokenizer.end();
    let builder = tokenizer.sink.b.into_inner();
    if let Some(refusal) = builder.refused() {
        return Err(refusal);
    }
    Ok(builder.finish())
}

/// Bytes of the page handed to the tokenizer at a time.
const CHUNK: usize = 1 << 20;

/// Where the next chunk of `rest` ends: after the last `>` of its first `CHUNK`
/// bytes (so that text runs are rarely cut; a cut one gives the same text), else at
/// a character boundary.
fn chunk_end(rest: &str) -> usize {
    if rest.len() <= CHUNK {
        return rest.len();
    }
    // Never 0: a character is at most 4 bytes.
    let end = floor_char_boundary(rest, CHUNK);
    match rest.as_bytes()[..end].iter().rposition(|&b| b == b'>') {
        Some(i) => i + 1,
        None => end,
    }
}

/// `\r` alone ends a line for html5ever; make it `\n` (same length) so that its line
/// numbers and ours agree.
fn normalize_lone_cr(s: &mut String) {
    if !s.contains('\r') {
        return;
    }
    // In place (a page may be tens of MB).
    let mut v = std::mem::take(s).into_bytes();
    for i in 0..v.len() {
        if v[i] == b'\r' && v.get(i + 1) != Some(&b'\n') {
            v[i] = b'\n';
        }
    }
    // Replacing an ASCII byte by another keeps the text valid UTF-8.
    *s = match String::from_utf8(v) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
}

/// The encoding named by `<meta charset=…>` or `http-equiv` in the first bytes.
/// Every text file is asked (a page saved as `.txt`): only the few `=` signs of its
/// opening are looked at (found by `memchr`), and the opening is not copied.
pub(super) fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    // The first `charset=`, in any case: an `=` after the seven letters.
    let at = memchr::memchr_iter(b'=', head)
        .find(|&i| i >= 7 && head[i - 7..i].eq_ignore_ascii_case(b"charset"))?
        + 1;
    let rest = &head[at..];
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|c| !(c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b':' | b'.')))
        .unwrap_or(rest.len());
    // Labels are matched without regard to ASCII case.
    let enc = Encoding::for_label(&rest[..end])?;
    // A page that says UTF-16 in ASCII cannot be UTF-16 (the HTML standard's rule).
    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        return Some(encoding_rs::UTF_8);
    }
    Some(enc)
}

struct Sink<'a> {
    b: RefCell<Builder<'a>>,
}

impl TokenSink for Sink<'_> {
    type Handle = ();

    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
        let line = usize::try_from(line).unwrap_or(usize::MAX);
        let mut b = self.b.borrow_mut();
        if b.refused().is_some() {
            // The page is refused: nothing more is kept.
            return TokenSinkResult::Continue;
        }
        let result = match token {
            Token::TagToken(tag) => b.tag(&tag, line),
            Token::CharacterTokens(t) => {
                b.text(&t, line);
                TokenSinkResult::Continue
            }
            _ => TokenSinkResult::Continue,
        };
        b.flush();
        result
    }
}

/// A table being read.
#[derive(Default)]
struct OpenTable {
    table: Table,
    cell: Option<TableCell>,
    /// Text inside the table but outside its cells (a caption): shown before it.
    before: Vec<Item>,
    /// Cells opened so far.
    cells: usize,
}

struct Builder<'a> {
    src: &'a str,
    lines: &'a LineIndex,
    /// Where in `src` the next text token is looked for.
    cursor: usize,
    /// Inside `<script>`, `<style>`, `<title>`, `<textarea>`: text is not shown.
    skip: bool,
    /// Inside `<pre>`: line breaks are kept.
    pre: usize,
    /// Top-level items not yet written.
    root: Vec<Item>,
    /// The text so far: top-level items are written as soon as no table is open.
    out: layout::Writer,
    tables: Vec<OpenTable>,
    /// Tables open beyond `MAX_TABLE_DEPTH`, read as text.
    ignored_tables: usize,
    /// The deepest nesting of tables seen.
    deepest: usize,
    /// A table went over `MAX_TABLE_CELLS`.
    too_many_cells: bool,
}

const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "center",
    "dd",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "ul",
    "caption",
];

impl<'a> Builder<'a> {
    fn new(src: &'a str, lines: &'a LineIndex) -> Self {
        Builder {
            src,
            lines,
            cursor: 0,
            skip: false,
            pre: 0,
            root: Vec::new(),
            out: layout::Writer::default(),
            tables: Vec::new(),
            ignored_tables: 0,
            deepest: 0,
            too_many_cells: false,
        }
    }

    fn target(&mut self) -> &mut Vec<Item> {
        match self.tables.last_mut() {
            Some(t) => match &mut t.cell {
                Some(cell) => &mut cell.items,
                None => &mut t.before,
            },
            None => &mut self.root,
        }
    }

    /// The trimmed byte range of 0-based line `line` of the source.
    fn line_range(&self, line: usize) -> std::ops::Range<usize> {
        let r = self.lines.line_range(self.src, line);
        let s = &self.src[r.clone()];
        let start = r.start + (s.len() - s.trim_start().len());
        let end = r.start + s.trim_end().len();
        start..end.max(start)
    }

    fn tag(&mut self, tag: &Tag, line: usize) -> TokenSinkResult<()> {
        let name: &str = &tag.name;
        let start = tag.kind == TagKind::StartTag;
        match name {
            "script" | "style" | "title" | "textarea" | "xmp" | "iframe" | "noembed"
            | "noframes" => {
                if start && !tag.self_closing {
                    self.skip = true;
                    return TokenSinkResult::RawData(match name {
                        "script" => RawKind::ScriptData,
                        "title" | "textarea" => RawKind::Rcdata,
                        _ => RawKind::Rawtext,
                    });
                }
                self.skip = false;
            }
            "table" => {
                if start && self.tables.len() >= MAX_TABLE_DEPTH {
                    self.ignored_tables += 1;
                    self.deepest = self.deepest.max(self.tables.len() + self.ignored_tables);
                    self.target().push(Item::Break);
                } else if start {
                    self.tables.push(OpenTable::default());
                    self.deepest = self.deepest.max(self.tables.len());
                } else if self.ignored_tables > 0 {
                    self.ignored_tables -= 1;
                    self.target().push(Item::Break);
                } else {
                    self.close_table();
                }
            }
            // Rows and cells of tables read as text: a space between cells.
            "tr" | "td" | "th" if self.ignored_tables > 0 => self.target().push(Item::Space),
            "tr" => {
                if let Some(t) = self.tables.last_mut() {
                    close_cell(t);
                    if start {
                        t.table.rows.push(Vec::new());
                    }
                }
            }
            "td" | "th" => {
                let origin = Origin::Within(self.line_range(line.saturating_sub(1)));
                if let Some(t) = self.tables.last_mut() {
                    close_cell(t);
                    if start {
                        t.cells += 1;
                        if t.cells > MAX_TABLE_CELLS {
                            self.too_many_cells = true;
                            return TokenSinkResult::Continue;
                        }
                        if t.table.rows.is_empty() {
                            t.table.rows.push(Vec::new());
                        }
                        let mut cell = TableCell::new(origin);
                        cell.colspan = span_attr(tag, "colspan", MAX_COLSPAN);
                        cell.rowspan = span_attr(tag, "rowspan", MAX_ROWSPAN);
                        t.cell = Some(cell);
                    }
                }
            }
            "br" => self.target().push(Item::Break),
            _ if BLOCKS.contains(&name) => {
                if name == "pre" {
                    self.pre = if start {
                        self.pre + 1
                    } else {
                        self.pre.saturating_sub(1)
                    };
                }
                self.target().push(Item::Break);
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }

    fn close_table(&mut self) {
        let Some(mut t) = self.tables.pop() else {
            return;
        };
        close_cell(&mut t);
        let target = self.target();
        target.push(Item::Break);
        target.append(&mut t.before);
        target.push(Item::Table(t.table));
    }

    fn text(&mut self, t: &str, line: usize) {
        let has_text = t.chars().any(|c| !is_space(c));
        let at = if has_text { self.locate(t, line) } else { None };
        if self.skip || !has_text && self.pre == 0 {
            if !self.skip {
                self.target().push(Item::Space);
            }
            return;
        }
        let newlines = t.bytes().filter(|&b| b == b'\n').count();
        let mut line0 = line.saturating_sub(1 + newlines);
        let pre = self.pre > 0;
        let mut items = Vec::new();
        let mut word_start: Option<usize> = None;
        let flush = |items: &mut Vec<Item>, from: usize, to: usize, line0: usize| {
            let origin = match at {
                Some(p) => Origin::Exact(p + from),
                None => Origin::Within(self.line_range(line0)),
            };
            items.push(Item::Text(Piece {
                text: t[from..to].to_string(),
                origin,
            }));
        };
        for (i, c) in t.char_indices() {
            if is_space(c) {
                if let Some(s) = word_start.take() {
                    flush(&mut items, s, i, line0);
                }
                if c == '\n' {
                    line0 += 1;
                    if pre {
                        items.push(Item::Break);
                        continue;
                    }
                }
                if !matches!(items.last(), Some(Item::Space)) {
                    items.push(Item::Space);
                }
            } else if word_start.is_none() {
                word_start = Some(i);
            }
        }
        if let Some(s) = word_start {
            flush(&mut items, s, t.len(), line0);
        }
        self.target().append(&mut items);
    }

    /// Finds text token `t`, which ends on 1-based line `line`, in the source: its
    /// byte offset when found verbatim after the previous one.
    fn locate(&mut self, t: &str, line: usize) -> Option<usize> {
        let src = self.src;
        let newlines = t.bytes().filter(|&b| b == b'\n').count();
        let first_line = line.saturating_sub(1 + newlines);
        let first_start = self.lines.line_range(src, first_line).start;
        if first_start > self.cursor {
            // Markup we do not follow (comments, attributes) lies in between.
            self.cursor = first_start;
        }
        let line_end = self.lines.line_range(src, line.saturating_sub(1)).end;
        // The window is past the token's own length: a token longer than the window
        // (a text run of megabytes) is still found after the markup before it.
        let limit = line_end
            .min(self.cursor.saturating_add(WINDOW).saturating_add(t.len()))
            .max(self.cursor + t.len())
            .min(src.len());
        let limit = floor_char_boundary(src, limit);
        let hay = src.get(self.cursor..limit)?;
        let step = t.chars().next().map_or(1, char::len_utf8);
        let mut from = 0;
        while let Some(i) = hay.get(from..).and_then(|h| h.find(t)) {
            let p = self.cursor + from + i;
            let after_markup = p == self.cursor
                || matches!(src.as_bytes().get(p - 1), Some(b'>' | b';' | b'\n' | b'\r'));
            if after_markup {
                self.cursor = p + t.len();
                return Some(p);
            }
            from += i + step;
        }
        None
    }

    /// Why the page is refused, once it is.
    fn refused(&self) -> Option<Refusal> {
        if self.deepest > MAX_NESTING {
            Some(Refusal::TooDeep)
        } else if self.too_many_cells {
            Some(Refusal::TooManyCells)
        } else {
            None
        }
    }

    /// Writes the finished top-level items.
    fn flush(&mut self) {
        if self.tables.is_empty() && !self.root.is_empty() {
            self.out.items(&self.root);
            self.root.clear();
        }
    }

    fn finish(mut self) -> (String, super::source::SourceMap) {
        while !self.tables.is_empty() {
            self.close_table();
        }
        self.flush();
        self.out.finish()
    }
}

fn close_cell(t: &mut OpenTable) {
    if let Some(mut cell) = t.cell.take() {
        // Held until the table closes: no spare room per cell.
        cell.items.shrink_to_fit();
        if t.table.rows.is_empty() {
            t.table.rows.push(Vec::new());
        }
        if let Some(row) = t.table.rows.last_mut() {
            row.push(cell);
        }
    }
}

/// White space that HTML collapses (and the no-break space, which pages use for
/// indentation and inside labels).
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}' | '\u{a0}')
}

fn span_attr(tag: &Tag, name: &str, max: usize) -> usize {
    tag.attrs
        .iter()
        .find(|a| &*a.name.local == name)
        .and_then(|a| a.value.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(html: &str) -> String {
        extract(html).map(|(t, _)| t).unwrap_or_default()
    }

    #[test]
    fn paragraphs_tables_and_entities() {
        let html = "<html><head><title>t</title><style>p{x:1}</style></head><body>\n\
            <p>一、总体情况</p><p>本年&nbsp;共 12&amp;件</p>\n\
            <table><tr><td rowspan=2>三、本年度办理结果</td><td colspan=2>（一）予以公开</td><td>1</td></tr>\n\
            <tr><td>（二）部分公开</td><td></td><td>2</td></tr></table>\n\
            <script>var a = '<p>x</p>';</script><p>五、存在的主要问题</p></body></html>";
        assert_eq!(
            text(html),
            "一、总体情况\n本年 共 12&件\n\
             三、本年度办理结果 | （一）予以公开 | 1 |\n\
             （二）部分公开 | | 2 |\n\
             五、存在的主要问题\n"
        );
    }

    #[test]
    fn layout_tables_are_paragraphs() {
        let html = "<table><tr><td><p>一、总体情况</p><table><tr><td>规章</td><td>0</td></tr></table></td></tr></table>";
        assert_eq!(text(html), "一、总体情况\n规章 | 0 |\n");
    }

    #[test]
    fn pieces_map_to_their_source_bytes() {
        let html =
            "<p>一、总体情况</p>\n<table>\n<tr><td width=\"10\">0</td>\n<td>10</td></tr></table>";
        let (t, map) = extract(html).unwrap_or_default();
        let info = SourceInfo::with_original(SourceKind::Html, "UTF-8", html.into(), map);
        for needle in ["一、总体情况", "0 |", "10"] {
            let at = t.find(needle).expect("in text");
            let word = needle.trim_end_matches(" |");
            let span = at..at + word.len();
            let src = info.original_span(&span).expect("mapped");
            assert_eq!(&html[src.clone()], word, "{needle}");
            // Not inside the attribute.
            assert!(html[..src.start].ends_with('>'), "{needle} at {src:?}");
        }
    }

    #[test]
    fn nesting_is_capped_and_refused_beyond_the_limit() {
        let nest = |n: usize| {
            format!(
                "{}<p>一、总体情况</p>{}",
                "<table><tr><td>".repeat(n),
                "</td></tr></table>".repeat(n)
            )
        };
        let t = text(&nest(MAX_TABLE_DEPTH + 5));
        assert!(t.contains("一、总体情况"), "{t}");
        assert_eq!(
            extract(&nest(MAX_NESTING + 1)).err(),
            Some(Refusal::TooDeep)
        );
        let wide = format!(
            "<table><tr>{}</tr></table>",
            "<td>1</td>".repeat(MAX_TABLE_CELLS + 1)
        );
        assert_eq!(extract(&wide).err(), Some(Refusal::TooManyCells));
    }

    #[test]
    fn pages_larger_than_a_chunk_read_as_one() {
        // A text run longer than a chunk, cut inside it: one line, one exact piece.
        let run = "一".repeat(CHUNK / 2);
        let page = format!(
            "<p>{run}</p>{}<p>末</p>",
            "<p>二 三</p>\n".repeat(CHUNK / 10)
        );
        let (t, map) = extract(&page).unwrap_or_default();
        assert!(t.starts_with(&format!("{run}\n二 三\n")), "{}", &t[..40]);
        assert!(t.ends_with("二 三\n末\n"));
        assert_eq!(t.lines().count(), CHUNK / 10 + 2);
        let first = map.segments().next().expect("a segment");
        assert_eq!(
            (first.text.clone(), &first.origin),
            (0..run.len(), &Origin::Exact(3))
        );
    }

    /// `meta_charset` as it was: the opening lowercased into a copy, searched with
    /// windows.
    fn reference_meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
        let head = &bytes[..bytes.len().min(4096)];
        let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
        let at = lower.windows(8).position(|w| w == b"charset=")? + 8;
        let rest = &lower[at..];
        let rest = rest
            .strip_prefix(b"\"")
            .or_else(|| rest.strip_prefix(b"'"))
            .unwrap_or(rest);
        let end = rest
            .iter()
            .position(|c| !(c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b':' | b'.')))
            .unwrap_or(rest.len());
        let enc = Encoding::for_label(&rest[..end])?;
        if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
            return Some(encoding_rs::UTF_8);
        }
        Some(enc)
    }

    #[test]
    fn meta_charset_finds_what_the_lowercased_copy_found() {
        let pieces: [&[u8]; 16] = [
            b"charset=",
            b"CharSet=",
            b"CHARSET",
            b"=",
            b"charse",
            b"t=",
            b"\"",
            b"'",
            b"gbk",
            b"GB2312",
            b"utf-16",
            b"UTF-8",
            b"x-nonsense",
            b" ",
            "\u{4e00}收到".as_bytes(),
            b"<meta http-equiv=\"Content-Type\" content=\"text/html; ",
        ];
        let mut rng = crate::test_rng::below(0x9E37_79B9);
        for _ in 0..20_000 {
            let mut bytes = Vec::new();
            for _ in 0..rng(12) {
                bytes.extend_from_slice(pieces[rng(pieces.len())]);
            }
            assert_eq!(
                meta_charset(&bytes).map(Encoding::name),
                reference_meta_charset(&bytes).map(Encoding::name),
                "{}",
                String::from_utf8_lossy(&bytes)
            );
        }
        // Past the opening's 4 KB, and across its edge.
        let mut long = vec![b'a'; 4090];
        long.extend_from_slice(b"charset=gbk");
        assert_eq!(meta_charset(&long), None);
        assert_eq!(reference_meta_charset(&long), None);
        let mut long = vec![b'a'; 4080];
        long.extend_from_slice(b"charset=gbk");
        assert_eq!(meta_charset(&long), reference_meta_charset(&long));
        assert_eq!(meta_charset(&long), Some(encoding_rs::GBK));
    }

    #[test]
    fn meta_charset_is_honoured() {
        let mut bytes = b"<html><head><meta charset=\"gbk\"></head><body><p>".to_vec();
        let (gbk, _, _) = encoding_rs::GBK.encode("一、总体情况");
        bytes.extend_from_slice(&gbk);
        bytes.extend_from_slice(b"</p></body></html>");
        let loaded = load("t.html", &bytes, None).expect("loads");
        assert_eq!(loaded.text, "一、总体情况\n");
        assert_eq!(loaded.source.encoding, "GBK");
    }
}
