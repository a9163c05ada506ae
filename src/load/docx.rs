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
//!
//! Word's automatic numbering (`numbering.rs`): the label Word displays before a
//! numbered paragraph (`一、`, `（一）`) is not in its text; it is computed from
//! `numbering.xml` and `styles.xml` and put in front of the paragraph's text, with the
//! paragraph's own origin, so a finding on it points at that paragraph. Paragraphs
//! whose style or outline level makes them headings are listed in
//! `SourceInfo::headings` for the outline.

pub mod body;
pub mod numbering;
pub mod package;
mod stream;
pub mod walk;

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
const MAX_GRID_SPAN: usize = 1000;

const MAIN_PART: &str = "word/document.xml";
const MAIN_CONTENT_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";

/// Reads a Word document held in memory (standard input, an upload).
pub fn load(name: &str, bytes: &[u8]) -> Result<Loaded, LoadError> {
    load_from(name, Cursor::new(bytes), bytes.len() as u64)
}

/// Reads a Word document of `len` bytes from `archive`: a file is read through
/// this without being held (`load::load`), only its central directory and the parts
/// read — the zip's size goes uncounted in what reading it costs.
pub fn load_from<R: Read + std::io::Seek>(
    name: &str,
    archive: R,
    len: u64,
) -> Result<Loaded, LoadError> {
    let err = |p: DocxProblem| LoadError::new(name, LoadErrorKind::Docx(p));
    if len > MAX_FILE_BYTES {
        return Err(err(DocxProblem::TooLarge {
            what: "文件",
            limit_mb: MAX_FILE_BYTES >> 20,
        }));
    }
    // Reading the file can fail for reasons of its own (a disk error): that is not a
    // damaged document. A zip cut short reads as the end of the file: damaged.
    let mut zip = zip::ZipArchive::new(archive).map_err(|e| match e {
        zip::result::ZipError::Io(io) if io.kind() != std::io::ErrorKind::UnexpectedEof => {
            LoadError::new(name, LoadErrorKind::Io(io))
        }
        other => err(zip_problem(&other)),
    })?;
    if zip.len() > MAX_ENTRIES {
        return Err(err(DocxProblem::TooManyEntries {
            found: zip.len(),
            limit: MAX_ENTRIES,
        }));
    }
    let part = main_part(&mut zip).ok_or_else(|| err(not_docx(&zip)))?;
    let lists = read_lists(&mut zip, &part);
    let (text, map, heading_paragraphs) = extract_part(&mut zip, &part, lists).map_err(err)?;
    if text.trim().is_empty() {
        return Err(LoadError::new(name, LoadErrorKind::NoText("Word 文档")));
    }
    let mut headings: Vec<std::ops::Range<usize>> = Vec::new();
    for s in map.segments() {
        if let Origin::Paragraph(n) = s.origin
            && heading_paragraphs.binary_search(&n).is_ok()
        {
            match headings.last_mut() {
                Some(last) if last.end == s.text.start => last.end = s.text.end,
                _ => headings.push(s.text.clone()),
            }
        }
    }
    // Comments addressed to nianbao (suppressions): a pass of its own.
    let comments = super::docx_comments::read(&mut zip, &part, &text, &map);
    let mut source = SourceInfo::extracted(SourceKind::Docx, "UTF-8", map);
    source.headings = headings;
    source.comments = comments;
    Ok(Loaded { text, source })
}

/// The numbering and style definitions of the document whose main part is `main`:
/// the parts its relationships name (else the usual names beside it). A missing or
/// unreadable part means no numbering: the paragraphs keep their own text.
pub fn read_lists<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    main: &str,
) -> numbering::Lists {
    let (dir, file) = match main.rfind('/') {
        Some(i) => (&main[..=i], &main[i + 1..]),
        None => ("", main),
    };
    let rels = read_part(zip, &format!("{dir}_rels/{file}.rels")).ok();
    let part = |kind: &str, default: &str| {
        let target = rels
            .as_deref()
            .and_then(|r| relationship_target(r, kind))
            .unwrap_or_else(|| default.to_string());
        match target.strip_prefix('/') {
            Some(absolute) => absolute.to_string(),
            None => format!("{dir}{target}"),
        }
    };
    let numbering = read_part(zip, &part("/numbering", "numbering.xml")).ok();
    let styles = read_part(zip, &part("/styles", "styles.xml")).ok();
    numbering::Lists::new(numbering.as_deref(), styles.as_deref())
}

/// The `Target` of the first relationship whose `Type` ends with `kind`.
fn relationship_target(rels: &str, kind: &str) -> Option<String> {
    let mut reader = quick_xml::Reader::from_str(rels);
    while let Ok(event) = reader.read_event() {
        match event {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"Relationship" => {
                let get = |key: &[u8]| {
                    e.attributes().flatten().find_map(|a| {
                        (a.key.local_name().as_ref() == key)
                            .then(|| String::from_utf8_lossy(&a.value).into_owned())
                    })
                };
                if get(b"Type").is_some_and(|t| t.ends_with(kind)) {
                    return get(b"Target");
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    None
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

/// An entry of the archive, opened for reading when it is not encrypted and does
/// not say it is larger than `MAX_XML_BYTES`.
fn open_part<'z, R: Read + std::io::Seek>(
    zip: &'z mut zip::ZipArchive<R>,
    name: &str,
) -> Result<zip::read::ZipFile<'z, R>, DocxProblem> {
    let file = zip.by_name(name).map_err(|e| match zip_problem(&e) {
        DocxProblem::Corrupt(m) => DocxProblem::Corrupt(format!("{name}：{m}")),
        p => p,
    })?;
    if file.encrypted() {
        return Err(DocxProblem::Encrypted);
    }
    if file.size() > MAX_XML_BYTES {
        return Err(too_large());
    }
    Ok(file)
}

fn too_large() -> DocxProblem {
    DocxProblem::TooLarge {
        what: "解压后的正文",
        limit_mb: MAX_XML_BYTES >> 20,
    }
}

/// Reads one part, capped in size; XML parts are UTF-8 (or UTF-16 with a BOM).
pub(super) fn read_part<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
) -> Result<String, DocxProblem> {
    let file = open_part(zip, name)?;
    let mut bytes = Vec::new();
    // The declared size may lie: the reader is capped as well.
    file.take(MAX_XML_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| DocxProblem::Corrupt(format!("{name}：{e}")))?;
    if bytes.len() as u64 > MAX_XML_BYTES {
        return Err(too_large());
    }
    decode_part(name, bytes)
}

/// The text of a part's bytes: UTF-8, or UTF-16 with a BOM.
fn decode_part(name: &str, bytes: Vec<u8>) -> Result<String, DocxProblem> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(&bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom..]);
        if had_errors {
            return Err(DocxProblem::Corrupt(format!("{name}：编码错误")));
        }
        return Ok(text.into_owned());
    }
    String::from_utf8(bytes).map_err(|_| DocxProblem::Corrupt(format!("{name}：不是 UTF-8 编码")))
}

/// A table being read and its open cell.
struct OpenTable {
    table: Table,
    cell: Option<TableCell>,
}

/// What the loader builds from the walk (`walk::walk`): layout items, written to
/// the text as soon as each top-level item (a paragraph, a closed table) is complete
/// when streaming, so that only the table being read is held as a tree.
#[derive(Default)]
struct Items {
    root: Vec<Item>,
    tables: Vec<OpenTable>,
    /// Paragraphs (`Origin::Paragraph` numbers) whose style makes them headings.
    headings: Vec<usize>,
    /// Where finished top-level items go (`None`: kept in `root`).
    out: Option<layout::Writer>,
}

/// Walks the XML of the main part into layout items (no numbering definitions).
pub fn parse_document(xml: &str) -> Result<Vec<Item>, DocxProblem> {
    let mut items = Items::default();
    walk::walk(xml, numbering::Lists::default(), &mut items).map_err(DocxProblem::Corrupt)?;
    Ok(items.finish())
}

/// The text of the main part, its map and the paragraph numbers of headings (sorted),
/// with the labels of numbered paragraphs: `stream::extract`, or for a part in UTF-16
/// (rare) the same walk over the decoded part.
fn extract_part<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
    lists: numbering::Lists,
) -> Result<(String, super::source::SourceMap, Vec<usize>), DocxProblem> {
    let file = open_part(zip, name)?;
    let mut items = Items::streaming();
    match stream::extract(name, file, lists, &mut items)? {
        stream::Walked::Done => {}
        stream::Walked::Utf16(bytes, lists) => {
            let xml = decode_part(name, bytes)?;
            walk::walk(&xml, *lists, &mut items).map_err(DocxProblem::Corrupt)?;
        }
    }
    let headings = std::mem::take(&mut items.headings);
    let (text, map) = items.finish_writing();
    Ok((text, map, headings))
}

impl walk::Visitor for Items {
    fn start(&mut self, e: &BytesStart<'_>, _at: std::ops::Range<usize>, _empty: bool, _: usize) {
        match e.local_name().as_ref() {
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

    fn open_table(&mut self) {
        self.tables.push(OpenTable {
            table: Table::default(),
            cell: None,
        });
    }

    fn open_row(&mut self) {
        if let Some(t) = self.tables.last_mut() {
            t.table.rows.push(Vec::new());
        }
    }

    fn open_cell(&mut self, place: Origin) {
        if let Some(t) = self.tables.last_mut() {
            t.cell = Some(TableCell::new(place));
        }
    }

    fn close_cell(&mut self) {
        if let Some(t) = self.tables.last_mut()
            && let Some(mut cell) = t.cell.take()
            && let Some(row) = t.table.rows.last_mut()
        {
            // Held until the table closes: no spare room per cell.
            cell.items.shrink_to_fit();
            row.push(cell);
        }
    }

    fn close_table(&mut self) {
        if let Some(t) = self.tables.pop() {
            let target = self.target();
            target.push(Item::Break);
            target.push(Item::Table(t.table));
            target.push(Item::Break);
        }
        self.flush();
    }

    fn paragraph(&mut self, p: walk::Paragraph) {
        if p.text.trim().is_empty() {
            return;
        }
        let Some(origin) = p.place else { return };
        let in_cell = matches!(origin, Origin::Cell { .. });
        if let (Origin::Paragraph(n), Some(_)) = (&origin, p.heading) {
            self.headings.push(*n);
        }
        let target = self.target();
        for line in p.text.split('\n') {
            if in_cell {
                target.push(Item::Space);
            }
            if !line.trim().is_empty() {
                target.push(Item::Text(Piece {
                    text: line.to_string(),
                    origin: origin.clone(),
                }));
            }
            target.push(if in_cell { Item::Space } else { Item::Break });
        }
        self.flush();
    }
}

impl Items {
    fn streaming() -> Items {
        Items {
            out: Some(layout::Writer::default()),
            ..Items::default()
        }
    }

    /// Writes the finished top-level items, when streaming and no table is open.
    fn flush(&mut self) {
        if let Some(out) = &mut self.out
            && self.tables.is_empty()
            && !self.root.is_empty()
        {
            out.items(&self.root);
            self.root.clear();
        }
    }

    /// The text and map of everything walked (streaming).
    fn finish_writing(mut self) -> (String, super::source::SourceMap) {
        let mut out = self.out.take().unwrap_or_default();
        out.items(&self.finish());
        out.finish()
    }

    fn current_cell(&mut self) -> Option<&mut TableCell> {
        self.tables.last_mut().and_then(|t| t.cell.as_mut())
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

    fn finish(mut self) -> Vec<Item> {
        while let Some(mut t) = self.tables.pop() {
            if let (Some(cell), Some(row)) = (t.cell.take(), t.table.rows.last_mut()) {
                row.push(cell);
            }
            let target = self.target();
            target.push(Item::Break);
            target.push(Item::Table(t.table));
        }
        std::mem::take(&mut self.root)
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
        // Read as a zip entry is, a few bytes at a time, and written as it comes:
        // the same text and map.
        let mut streamed = Items::streaming();
        let walked = stream::extract(
            MAIN_PART,
            Trickle(xml.as_bytes()),
            numbering::Lists::default(),
            &mut streamed,
        );
        assert!(matches!(walked, Ok(stream::Walked::Done)));
        let (text, map) = streamed.finish_writing();
        assert_eq!(text, rendered.0);
        assert!(map.segments().eq(rendered.1.segments()));
        rendered
    }

    /// A reader that returns at most 7 bytes at a time.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(7).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn p(s: &str) -> String {
        format!("<w:p><w:r><w:t xml:space=\"preserve\">{s}</w:t></w:r></w:p>")
    }

    /// A file whose reads fail as a disk can (seeks succeed).
    struct Failing;

    impl Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("input/output error"))
        }
    }

    impl std::io::Seek for Failing {
        fn seek(&mut self, _: std::io::SeekFrom) -> std::io::Result<u64> {
            Ok(100)
        }
    }

    #[test]
    fn a_file_that_cannot_be_read_is_not_called_damaged() {
        let e = load_from("年报.docx", Failing, 100).expect_err("unreadable");
        assert!(matches!(e.kind, LoadErrorKind::Io(_)), "{e}");
        // A zip cut short is damaged.
        let cut = std::io::Cursor::new(b"PK\x03\x04 short".to_vec());
        let e = load_from("年报.docx", cut, 14).expect_err("damaged");
        assert!(
            matches!(e.kind, LoadErrorKind::Docx(DocxProblem::Corrupt(_))),
            "{e}"
        );
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
