//! Word documents (.docx): editors draft reports in Word. A .docx is a zip archive
//! whose `word/document.xml` holds the body: paragraphs (`w:p`) and tables (`w:tbl`,
//! rows `w:tr`, cells `w:tc` with `w:gridSpan` and `w:vMerge` for merged cells). This
//! module reads that part safely and renders it with `layout` (paragraphs as lines,
//! table rows as pipe rows), mapping every piece to its place in Word's terms: a
//! paragraph (第N段) or a table cell (第N个表格 第R行第C列).
//!
//! Safety: the file size, the number of zip entries and the decompressed size of the
//! part are capped (a zip bomb is an error, not an exhausted machine); encrypted and
//! corrupt archives, and zips that are not Word documents, are errors that say so.
//! quick-xml does not process DTDs: entity declarations are never expanded, so XML
//! entity attacks (external entities, "billion laughs") do not apply; only the five
//! predefined entities and character references are resolved.

use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};

use super::layout::{self, Item, Piece, Table, TableCell};
use super::source::{Origin, SourceInfo, SourceKind};
use super::{DocxProblem, LoadError, LoadErrorKind, Loaded};

/// Largest .docx file read (reports with photos can be tens of MB).
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;
/// Most zip entries accepted (a report has about twenty).
pub const MAX_ENTRIES: usize = 10_000;
/// Largest decompressed `document.xml` (a 100-page report is a few MB).
pub const MAX_XML_BYTES: u64 = 64 * 1024 * 1024;
/// Tables nested deeper than this are read as text of the enclosing cell.
const MAX_TABLE_DEPTH: usize = 16;
const MAX_GRID_SPAN: usize = 1000;

const MAIN_PART: &str = "word/document.xml";
const MAIN_CONTENT_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";

/// Reads a Word document.
pub fn load(name: &str, bytes: &[u8]) -> Result<Loaded, LoadError> {
    let err = |p: DocxProblem| LoadError::new(name, LoadErrorKind::Docx(p));
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(err(DocxProblem::TooLarge {
            what: "文件",
            limit_mb: MAX_FILE_BYTES >> 20,
        }));
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| err(zip_problem(&e)))?;
    if zip.len() > MAX_ENTRIES {
        return Err(err(DocxProblem::TooManyEntries {
            found: zip.len(),
            limit: MAX_ENTRIES,
        }));
    }
    let part = main_part(&mut zip).ok_or_else(|| err(not_docx(&zip)))?;
    let xml = read_part(&mut zip, &part).map_err(err)?;
    let (text, map) = extract(&xml).map_err(err)?;
    if text.trim().is_empty() {
        return Err(LoadError::new(name, LoadErrorKind::NoText("Word 文档")));
    }
    Ok(Loaded {
        text,
        source: SourceInfo::extracted(SourceKind::Docx, "UTF-8", map),
    })
}

fn zip_problem(e: &zip::result::ZipError) -> DocxProblem {
    use zip::result::ZipError;
    match e {
        ZipError::UnsupportedArchive(m) if *m == ZipError::PASSWORD_REQUIRED => {
            DocxProblem::Encrypted
        }
        ZipError::InvalidPassword => DocxProblem::Encrypted,
        other => DocxProblem::Corrupt(other.to_string()),
    }
}

/// The main document part: `word/document.xml`, or the part `[Content_Types].xml`
/// names as the document (some tools use another name).
fn main_part<R: Read + std::io::Seek>(zip: &mut zip::ZipArchive<R>) -> Option<String> {
    if zip.file_names().any(|n| n == MAIN_PART) {
        return Some(MAIN_PART.to_string());
    }
    let types = read_part(zip, "[Content_Types].xml").ok()?;
    let at = types.find(MAIN_CONTENT_TYPE)?;
    let tag_start = types[..at].rfind('<')?;
    let tag = &types[tag_start..];
    let name_at = tag.find("PartName=\"")? + "PartName=\"".len();
    let name_end = tag[name_at..].find('"')? + name_at;
    let part = tag[name_at..name_end].trim_start_matches('/').to_string();
    zip.file_names().any(|n| n == part).then_some(part)
}

/// What a zip that is not a Word document is.
fn not_docx<R: Read + std::io::Seek>(zip: &zip::ZipArchive<R>) -> DocxProblem {
    let has = |prefix: &str| zip.file_names().any(|n| n.starts_with(prefix));
    let what = if has("xl/") {
        "Excel 工作簿（.xlsx）"
    } else if has("ppt/") {
        "PowerPoint 演示文稿（.pptx）"
    } else if has("mimetype") && has("content.xml") {
        "OpenDocument 文档（如 .odt、.wps 另存的开放格式）"
    } else {
        "普通压缩包"
    };
    DocxProblem::NotDocx(what)
}

/// Reads one part, capped in size; XML parts are UTF-8 (or UTF-16 with a BOM).
fn read_part<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
) -> Result<String, DocxProblem> {
    let file = zip.by_name(name).map_err(|e| match zip_problem(&e) {
        DocxProblem::Corrupt(m) => DocxProblem::Corrupt(format!("{name}：{m}")),
        p => p,
    })?;
    if file.encrypted() {
        return Err(DocxProblem::Encrypted);
    }
    if file.size() > MAX_XML_BYTES {
        return Err(DocxProblem::TooLarge {
            what: "解压后的正文",
            limit_mb: MAX_XML_BYTES >> 20,
        });
    }
    let mut bytes = Vec::new();
    // The declared size may lie: the reader is capped as well.
    file.take(MAX_XML_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| DocxProblem::Corrupt(format!("{name}：{e}")))?;
    if bytes.len() as u64 > MAX_XML_BYTES {
        return Err(DocxProblem::TooLarge {
            what: "解压后的正文",
            limit_mb: MAX_XML_BYTES >> 20,
        });
    }
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(&bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom..]);
        if had_errors {
            return Err(DocxProblem::Corrupt(format!("{name}：编码错误")));
        }
        return Ok(text.into_owned());
    }
    String::from_utf8(bytes).map_err(|_| DocxProblem::Corrupt(format!("{name}：不是 UTF-8 编码")))
}

/// A table being read, with its number and the position of the current cell.
struct OpenTable {
    table: Table,
    number: usize,
    row: usize,
    column: usize,
    cell: Option<TableCell>,
}

/// State of the walk over `document.xml`.
#[derive(Default)]
struct Walk {
    root: Vec<Item>,
    tables: Vec<OpenTable>,
    /// Tables opened beyond `MAX_TABLE_DEPTH`, read as text.
    ignored_tables: usize,
    tables_seen: usize,
    paragraphs_seen: usize,
    /// Open paragraphs (a text box inside a paragraph opens another): their lines.
    paragraphs: Vec<Vec<String>>,
    /// Inside `w:t`.
    in_text: bool,
    /// Depth inside subtrees that are skipped (`mc:Fallback`: a copy of the content).
    skip: usize,
}

/// The text of the main part and its map. Memory: each top-level item (a paragraph,
/// a closed table) is written as soon as it is complete and dropped, so only the
/// table being read is held as a tree.
pub fn extract(xml: &str) -> Result<(String, super::source::SourceMap), DocxProblem> {
    let mut out = layout::Writer::default();
    walk(xml, |items| {
        out.items(items);
        items.clear();
    })?;
    Ok(out.finish())
}

/// Walks the XML of the main part into layout items (all of them at once; `extract`
/// writes them as they come).
pub fn parse_document(xml: &str) -> Result<Vec<Item>, DocxProblem> {
    let mut all = Vec::new();
    walk(xml, |items| all.append(items))?;
    Ok(all)
}

/// Walks the XML, handing the finished top-level items to `flush` as they come.
fn walk(xml: &str, mut flush: impl FnMut(&mut Vec<Item>)) -> Result<(), DocxProblem> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = false;
    let mut w = Walk::default();
    loop {
        let event = reader.read_event().map_err(|e| {
            DocxProblem::Corrupt(format!(
                "word/document.xml 第 {} 字节：{e}",
                reader.buffer_position()
            ))
        })?;
        match event {
            Event::Start(e) => w.start(&e, false),
            Event::Empty(e) if w.skip == 0 => {
                w.start(&e, true);
                w.end(e.local_name().as_ref());
            }
            Event::End(e) => w.end(e.local_name().as_ref()),
            Event::Text(t) if w.in_text && w.skip == 0 => {
                let s = t
                    .xml10_content()
                    .map_err(|e| DocxProblem::Corrupt(e.to_string()))?;
                w.push_text(&s);
            }
            Event::CData(t) if w.in_text && w.skip == 0 => {
                w.push_text(&String::from_utf8_lossy(&t));
            }
            Event::GeneralRef(r) if w.in_text && w.skip == 0 => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    _ => r.decode().ok().and_then(|name| {
                        quick_xml::escape::resolve_xml_entity(&name).map(str::to_string)
                    }),
                };
                if let Some(s) = resolved {
                    w.push_text(&s);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        if w.tables.is_empty() && !w.root.is_empty() {
            flush(&mut w.root);
        }
    }
    flush(&mut w.finish());
    Ok(())
}

impl Walk {
    fn start(&mut self, e: &BytesStart<'_>, empty: bool) {
        let local = e.local_name();
        let name = local.as_ref();
        if self.skip > 0 {
            if !empty {
                self.skip += 1;
            }
            return;
        }
        match name {
            // A copy of the content for old readers; tab stop definitions.
            // Text moved away (tracked as printed: not there any more).
            b"Fallback" | b"tabs" | b"moveFrom" if !empty => self.skip = 1,
            b"p" => self.paragraphs.push(vec![String::new()]),
            b"t" => self.in_text = true,
            b"tab" if !self.paragraphs.is_empty() => self.push_text("\t"),
            b"br" | b"cr" => {
                if let Some(p) = self.paragraphs.last_mut() {
                    p.push(String::new());
                }
            }
            b"noBreakHyphen" => self.push_text("-"),
            b"tbl" => {
                if self.tables.len() >= MAX_TABLE_DEPTH {
                    self.ignored_tables += 1;
                } else {
                    self.tables_seen += 1;
                    self.tables.push(OpenTable {
                        table: Table::default(),
                        number: self.tables_seen,
                        row: 0,
                        column: 0,
                        cell: None,
                    });
                }
            }
            b"tr" if self.ignored_tables == 0 => {
                if let Some(t) = self.tables.last_mut() {
                    t.row += 1;
                    t.column = 0;
                    t.table.rows.push(Vec::new());
                }
            }
            b"tc" if self.ignored_tables == 0 => {
                if let Some(t) = self.tables.last_mut() {
                    t.column += 1;
                    if t.table.rows.is_empty() {
                        t.row += 1;
                        t.table.rows.push(Vec::new());
                    }
                    t.cell = Some(TableCell::new(Origin::Cell {
                        table: t.number,
                        row: t.row,
                        column: t.column,
                    }));
                }
            }
            b"gridSpan" => {
                let span = val(e)
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, MAX_GRID_SPAN);
                if let Some(cell) = self.current_cell() {
                    cell.colspan = span;
                }
            }
            b"vMerge" => {
                // `restart` begins a merge; no value (or `continue`) continues it.
                let continues = val(e).is_none_or(|v| v == "continue");
                if let Some(cell) = self.current_cell() {
                    cell.continuation = continues;
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, name: &[u8]) {
        if self.skip > 0 {
            self.skip -= 1;
            return;
        }
        match name {
            b"t" => self.in_text = false,
            b"p" => {
                if let Some(lines) = self.paragraphs.pop() {
                    self.end_paragraph(lines);
                }
            }
            b"tc" if self.ignored_tables == 0 => {
                if let Some(t) = self.tables.last_mut()
                    && let Some(cell) = t.cell.take()
                    && let Some(row) = t.table.rows.last_mut()
                {
                    row.push(cell);
                }
            }
            b"tbl" => {
                if self.ignored_tables > 0 {
                    self.ignored_tables -= 1;
                } else if let Some(t) = self.tables.pop() {
                    let target = self.target();
                    target.push(Item::Break);
                    target.push(Item::Table(t.table));
                    target.push(Item::Break);
                }
            }
            _ => {}
        }
    }

    fn current_cell(&mut self) -> Option<&mut TableCell> {
        self.tables.last_mut().and_then(|t| t.cell.as_mut())
    }

    fn push_text(&mut self, s: &str) {
        if let Some(line) = self.paragraphs.last_mut().and_then(|p| p.last_mut()) {
            line.push_str(s);
        }
    }

    fn target(&mut self) -> &mut Vec<Item> {
        match self.tables.last_mut() {
            Some(OpenTable {
                cell: Some(cell), ..
            }) => &mut cell.items,
            // Text between cells (invalid, but tolerated): before the table.
            _ => &mut self.root,
        }
    }

    fn end_paragraph(&mut self, lines: Vec<String>) {
        let in_cell = self.current_cell().is_some();
        if lines.iter().all(|l| l.trim().is_empty()) {
            return;
        }
        let origin = if in_cell {
            self.current_cell().map(|c| c.origin.clone())
        } else {
            self.paragraphs_seen += 1;
            Some(Origin::Paragraph(self.paragraphs_seen))
        };
        let Some(origin) = origin else { return };
        let target = self.target();
        for line in lines {
            if in_cell {
                target.push(Item::Space);
            }
            if !line.trim().is_empty() {
                target.push(Item::Text(Piece {
                    text: line,
                    origin: origin.clone(),
                }));
            }
            target.push(if in_cell { Item::Space } else { Item::Break });
        }
    }

    fn finish(mut self) -> Vec<Item> {
        while let Some(lines) = self.paragraphs.pop() {
            self.end_paragraph(lines);
        }
        while let Some(t) = self.tables.pop() {
            let mut t = t;
            if let (Some(cell), Some(row)) = (t.cell.take(), t.table.rows.last_mut()) {
                row.push(cell);
            }
            let target = self.target();
            target.push(Item::Break);
            target.push(Item::Table(t.table));
        }
        self.root
    }
}

/// The `w:val` attribute.
fn val(e: &BytesStart<'_>) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == b"val")
            .then(|| String::from_utf8_lossy(&a.value).into_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";

    fn render(body: &str) -> (String, super::super::source::SourceMap) {
        let xml = format!("<w:document {W}><w:body>{body}</w:body></w:document>");
        let items = parse_document(&xml).expect("parses");
        let rendered = layout::render(&items);
        // Written as they come, the same text and map.
        let streamed = extract(&xml).expect("parses");
        assert_eq!(streamed.0, rendered.0);
        assert_eq!(streamed.1.segments(), rendered.1.segments());
        rendered
    }

    fn p(s: &str) -> String {
        format!("<w:p><w:r><w:t xml:space=\"preserve\">{s}</w:t></w:r></w:p>")
    }

    fn tc(s: &str, props: &str) -> String {
        format!("<w:tc><w:tcPr>{props}</w:tcPr>{}</w:tc>", p(s))
    }

    #[test]
    fn paragraphs_tables_and_merges() {
        let body = format!(
            "{}<w:p/>{}<w:tbl><w:tr>{}{}{}</w:tr><w:tr>{}{}{}</w:tr></w:tbl>",
            p("一、总体情况"),
            p("A &amp; B&#x4E00;"),
            tc("三、本年度办理结果", "<w:vMerge w:val=\"restart\"/>"),
            tc("（一）予以公开", "<w:gridSpan w:val=\"2\"/>"),
            tc("1", ""),
            tc("", "<w:vMerge/>"),
            tc("（二）部分公开", "<w:gridSpan w:val=\"2\"/>"),
            tc("2", ""),
        );
        let (text, map) = render(&body);
        assert_eq!(
            text,
            "一、总体情况\nA & B一\n三、本年度办理结果 | （一）予以公开 | 1 |\n（二）部分公开 | 2 |\n"
        );
        let info = SourceInfo::extracted(SourceKind::Docx, "UTF-8", map);
        let at = |s: &str| text.find(s).expect("present");
        assert_eq!(
            info.location(&(at("A")..at("A") + 1)).as_deref(),
            Some("第2段")
        );
        assert_eq!(
            info.location(&(at("2 |")..at("2 |") + 1)).as_deref(),
            Some("第1个表格 第2行第3列")
        );
    }

    #[test]
    fn deleted_text_and_fallbacks_are_skipped() {
        let body = "<w:p><w:r><w:t>留下</w:t></w:r><w:del><w:r><w:delText>删除</w:delText></w:r></w:del>\
            <mc:AlternateContent><mc:Choice><w:t>甲</w:t></mc:Choice><mc:Fallback><w:t>乙</w:t></mc:Fallback></mc:AlternateContent></w:p>";
        assert_eq!(render(body).0, "留下甲\n");
    }

    #[test]
    fn broken_xml_is_an_error() {
        assert!(
            parse_document("<w:document><w:body><w:p><w:t>a</w:t></w:p></w:body></w:document>")
                .is_ok()
        );
        for bad in [
            "<w:document><w:body><w:p a=\"1></w:body>",
            "<w:body><w:p></w:p><!-- x",
            "<w:document><w:body><w:p><w:t>a</w:t",
        ] {
            assert!(parse_document(bad).is_err(), "{bad}");
        }
    }
}
