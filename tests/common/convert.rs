//! Writes a report given as plain text (pipe tables, as in `examples/`) in the other
//! formats nianbao reads: a Word document (.docx), a web page (.html), Markdown, GBK and
//! UTF-16 text. Used by `tests/formats.rs` (also on the real reports in `../shared`, at
//! test time, with no tools beyond this crate's dependencies) and by
//! `examples/make_format_fixtures.rs`, which writes `tests/fixtures/formats/`.
//!
//! Tables are written as the national format lays them out, with merged cells: a
//! `（三）不予公开` spanning its eight items, `三、本年度办理结果` spanning the results,
//! header cells spanning columns and rows. In the text the cells covered by a merge are
//! left out (and rows are padded with empty cells at the end); here they are merged.
#![allow(dead_code)]

use std::io::Write;

/// One cell of a table to write.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub text: String,
    pub colspan: usize,
    pub rowspan: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Para(String),
    Table(Vec<Vec<Cell>>),
}

/// The paragraphs and tables of a pipe-table text.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut table: Vec<&str> = Vec::new();
    for line in text.lines() {
        if line.contains('|') {
            table.push(line);
            continue;
        }
        if !table.is_empty() {
            out.push(Block::Table(merge(&table)));
            table.clear();
        }
        if !line.trim().is_empty() {
            out.push(Block::Para(line.trim().to_string()));
        }
    }
    if !table.is_empty() {
        out.push(Block::Table(merge(&table)));
    }
    out
}

fn split(line: &str) -> Vec<String> {
    let mut cells: Vec<String> = line.split('|').map(|c| c.trim().to_string()).collect();
    if line.trim_end().ends_with('|') {
        cells.pop();
    }
    cells
}

/// Without the empty cells at the end.
fn stripped(row: &[String]) -> Vec<String> {
    let mut r = row.to_vec();
    while r.len() > 1 && r.last().is_some_and(|c| c.is_empty()) {
        r.pop();
    }
    r
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || c == '.')
}

fn starts_with_any(s: &str, prefixes: &[&str]) -> bool {
    prefixes.iter().any(|p| s.starts_with(p))
}

const TOP: &[&str] = &["一、", "二、", "三、", "四、"];
const PART: &[&str] = &[
    "（一）",
    "（二）",
    "（三）",
    "（四）",
    "（五）",
    "（六）",
    "（七）",
    "(一)",
    "(二)",
    "(三)",
    "(四)",
    "(五)",
    "(六)",
    "(七)",
];

fn is_item(s: &str) -> bool {
    let mut c = s.chars();
    matches!((c.next(), c.next()), (Some(d), Some('.' | '、')) if d.is_ascii_digit())
}

/// Rows of cells with the national format's merges.
fn merge(lines: &[&str]) -> Vec<Vec<Cell>> {
    let raw: Vec<Vec<String>> = lines.iter().map(|l| split(l)).collect();
    let rows: Vec<Vec<String>> = raw.iter().map(|r| stripped(r)).collect();
    let width = rows.iter().map(Vec::len).max().unwrap_or(1);
    let cell = |t: &str| Cell {
        text: t.to_string(),
        colspan: 1,
        rowspan: 1,
    };
    let mut out: Vec<Vec<Cell>> = Vec::new();
    let mut has_rowspans = false;
    for (i, row) in rows.iter().enumerate() {
        let mut cells: Vec<Cell> = row.iter().map(|t| cell(t)).collect();
        let first = row.first().map_or("", String::as_str);
        let second = row.get(1).map_or("", String::as_str);
        // 表三 header.
        if first.contains("勾稽关系") {
            cells[0].rowspan = 3;
            cells[0].colspan = 3;
            if let Some(c) = cells.get_mut(1) {
                c.colspan = 7;
            }
            has_rowspans = true;
        } else if first == "自然人" {
            cells[0].rowspan = 2;
            for c in cells.iter_mut().skip(1) {
                if c.text.starts_with("法人") {
                    c.colspan = 5;
                } else if c.text == "总计" {
                    c.rowspan = 2;
                }
            }
        // 表四 header.
        } else if first == "行政复议" && second == "行政诉讼" {
            cells[0].colspan = 5;
            cells[1].colspan = 10;
        } else if row.iter().any(|c| c == "未经复议直接起诉") {
            for c in cells.iter_mut() {
                if c.text == "未经复议直接起诉" || c.text == "复议后起诉" {
                    c.colspan = 5;
                } else {
                    c.rowspan = 2;
                }
            }
            has_rowspans = true;
        // 表三 rows.
        } else if starts_with_any(first, TOP) && !second.is_empty() && !is_number(second) {
            let span = rows[i + 1..]
                .iter()
                .take_while(|r| !r.first().is_some_and(|f| starts_with_any(f, TOP)))
                .count();
            cells[0].rowspan = 1 + span;
            has_rowspans = true;
            if starts_with_any(second, PART) && row.get(2).is_some_and(|t| is_number(t)) {
                cells[1].colspan = 2;
            }
        } else if starts_with_any(first, TOP) && is_number(second) && width >= 9 {
            cells[0].colspan = 3;
        } else if starts_with_any(first, PART) && is_item(second) {
            let span = rows[i + 1..]
                .iter()
                .take_while(|r| r.first().is_some_and(|f| is_item(f)))
                .count();
            cells[0].rowspan = 1 + span;
            has_rowspans = true;
        } else if starts_with_any(first, PART) && is_number(second) {
            cells[0].colspan = 2;
        }
        out.push(cells);
    }
    // Empty cells at the end of a row are either padding for merged cells or real
    // empty cells: keep as many as fit in the table's grid.
    let widths = grid_widths(&out);
    let grid = widths.iter().copied().max().unwrap_or(1);
    for (i, row) in out.iter_mut().enumerate() {
        // A figure alone is a row of values with blank cells (表四 with one case).
        let title_only = row.len() == 1 && raw[i].len() > 1 && !is_number(&row[0].text);
        let room = grid.saturating_sub(widths[i]);
        if title_only {
            // `第二十条第（一）项`: a title across the table.
            row[0].colspan += room;
            continue;
        }
        let blanks = (raw[i].len() - rows[i].len()).min(room);
        row.extend((0..blanks).map(|_| cell("")));
        let room = room - blanks;
        if !has_rowspans
            && room > 0
            && let Some(last) = row.last_mut()
        {
            // 表二: `行政许可 | 156`, the value spans the rest.
            last.colspan += room;
        }
    }
    out
}

/// Each row's width in grid columns: its cells' spans and the places covered by
/// cells spanning rows from above.
fn grid_widths(rows: &[Vec<Cell>]) -> Vec<usize> {
    let mut covered: Vec<usize> = Vec::new();
    let mut out = Vec::new();
    for row in rows {
        let mut col = 0;
        let mut width = 0;
        let mut cells = row.iter();
        loop {
            if covered.get(col).is_some_and(|&n| n > 0) {
                covered[col] -= 1;
                col += 1;
                width += 1;
                continue;
            }
            let Some(c) = cells.next() else { break };
            if covered.len() < col + c.colspan {
                covered.resize(col + c.colspan, 0);
            }
            covered[col..col + c.colspan].fill(c.rowspan - 1);
            col += c.colspan;
            width += c.colspan;
        }
        // Covered places after the last cell.
        while col < covered.len() {
            if covered[col] > 0 {
                covered[col] -= 1;
                width += 1;
            }
            col += 1;
        }
        out.push(width);
    }
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A web page as content management systems publish them: one tag per line, cells
/// with attributes, a style sheet and a script, `&nbsp;` indentation.
pub fn to_html(text: &str) -> String {
    let mut h = String::from(
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>年度报告</title>\n\
         <style>td { border: 1px solid #000; width: 10%; }</style>\n\
         <script>var page = '<p>一、总体情况</p>';</script>\n</head>\n<body>\n<div class=\"content\">\n",
    );
    for block in blocks(text) {
        match block {
            Block::Para(p) => {
                h.push_str(&format!(
                    "<p style=\"text-indent:2em\">&nbsp;&nbsp;{}</p>\n",
                    escape(&p)
                ));
            }
            Block::Table(rows) => {
                h.push_str("<table border=\"1\" cellspacing=\"0\" width=\"100%\">\n<tbody>\n");
                for row in rows {
                    h.push_str("<tr>\n");
                    for c in row {
                        let mut attrs = String::from(" width=\"10\"");
                        if c.colspan > 1 {
                            attrs.push_str(&format!(" colspan=\"{}\"", c.colspan));
                        }
                        if c.rowspan > 1 {
                            attrs.push_str(&format!(" rowspan=\"{}\"", c.rowspan));
                        }
                        h.push_str(&format!("<td{attrs}><p>{}</p></td>\n", escape(&c.text)));
                    }
                    h.push_str("</tr>\n");
                }
                h.push_str("</tbody>\n</table>\n");
            }
        }
    }
    h.push_str("</div>\n</body>\n</html>\n");
    h
}

/// Markdown: section headings as `##`, sub-parts in bold, tables with a separator row.
pub fn to_markdown(text: &str) -> String {
    let mut m = String::new();
    let mut in_table = false;
    for line in text.lines() {
        if line.contains('|') {
            let row = format!("| {}", line.trim());
            m.push_str(&row);
            m.push('\n');
            if !in_table {
                let n = line.matches('|').count().max(1);
                m.push_str(&format!("|{}\n", "---|".repeat(n)));
            }
            in_table = true;
            continue;
        }
        if in_table {
            m.push('\n');
        }
        in_table = false;
        let t = line.trim();
        if starts_with_any(t, &["一、", "二、", "三、", "四、", "五、", "六、"])
            && t.chars().count() < 30
        {
            m.push_str(&format!("## {t}\n\n"));
        } else if starts_with_any(t, PART) && t.chars().count() < 20 {
            m.push_str(&format!("**{t}**\n\n"));
        } else if !t.is_empty() {
            m.push_str(&format!("{t}\n\n"));
        }
    }
    m
}

/// The text in GBK (as old Windows tools save it). Panics on characters GBK lacks.
pub fn to_gbk(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable, "text has characters outside GBK");
    bytes.into_owned()
}

/// The text in UTF-16LE with a BOM (Notepad's “Unicode”).
pub fn to_utf16le(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    out
}

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

pub fn w_para(text: &str) -> String {
    w_para_with(text, "")
}

/// A paragraph with extra paragraph properties (`w:pStyle`, `w:numPr`) in its `w:pPr`.
pub fn w_para_with(text: &str, props: &str) -> String {
    // Split into two runs, as Word does when formatting changes mid-paragraph.
    let cut = text.char_indices().nth(2).map_or(text.len(), |(i, _)| i);
    let (a, b) = text.split_at(cut);
    let mut p = format!(
        "<w:p><w:pPr>{props}<w:tabs><w:tab w:val=\"left\" w:pos=\"420\"/></w:tabs></w:pPr>"
    );
    for run in [a, b] {
        if !run.is_empty() {
            p.push_str(&format!(
                "<w:r><w:rPr><w:rFonts w:hint=\"eastAsia\"/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r>",
                escape(run)
            ));
        }
    }
    p.push_str("</w:p>");
    p
}

/// `document.xml` of a report: paragraphs, and tables with `w:gridSpan` and `w:vMerge`.
pub fn document_xml(text: &str) -> String {
    let mut x = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <w:document xmlns:w=\"{W_NS}\" xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\"><w:body>"
    );
    for block in blocks(text) {
        match block {
            Block::Para(p) => {
                x.push_str(&w_para(&p));
                x.push_str("<w:p/>");
            }
            Block::Table(rows) => x.push_str(&w_table(&rows)),
        }
    }
    x.push_str("<w:sectPr/></w:body></w:document>");
    x
}

fn w_table(rows: &[Vec<Cell>]) -> String {
    w_table_with(rows, &w_para)
}

/// A table whose cell paragraphs are written by `para`.
pub fn w_table_with(rows: &[Vec<Cell>], para: &dyn Fn(&str) -> String) -> String {
    // Grid: where each cell goes, and which places rowspans above cover.
    let mut covered: Vec<usize> = Vec::new(); // per grid column: rows still covered
    let mut cover_span: Vec<usize> = Vec::new(); // colspan of the covering cell
    let mut x = String::from("<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr>");
    for row in rows {
        x.push_str("<w:tr>");
        let mut col = 0;
        let mut cells = row.iter();
        let mut next = cells.next();
        loop {
            if covered.get(col).is_some_and(|&n| n > 0) {
                let span = cover_span[col];
                x.push_str(&format!(
                    "<w:tc><w:tcPr>{}<w:vMerge/></w:tcPr><w:p/></w:tc>",
                    grid_span(span)
                ));
                for n in &mut covered[col..col + span] {
                    *n -= 1;
                }
                col += span;
                continue;
            }
            let Some(c) = next else { break };
            let merge = if c.rowspan > 1 {
                "<w:vMerge w:val=\"restart\"/>"
            } else {
                ""
            };
            x.push_str(&format!(
                "<w:tc><w:tcPr><w:tcW w:w=\"800\" w:type=\"dxa\"/>{}{merge}</w:tcPr>{}</w:tc>",
                grid_span(c.colspan),
                para(&c.text)
            ));
            if covered.len() < col + c.colspan {
                covered.resize(col + c.colspan, 0);
                cover_span.resize(col + c.colspan, 1);
            }
            if c.rowspan > 1 {
                covered[col..col + c.colspan].fill(c.rowspan - 1);
                cover_span[col..col + c.colspan].fill(c.colspan);
            }
            col += c.colspan;
            next = cells.next();
        }
        x.push_str("</w:tr>");
    }
    x.push_str("</w:tbl>");
    x
}

fn grid_span(n: usize) -> String {
    if n > 1 {
        format!("<w:gridSpan w:val=\"{n}\"/>")
    } else {
        String::new()
    }
}

/// A minimal, valid .docx (Word and WPS open it) holding `document_xml`.
pub fn to_docx(text: &str) -> Vec<u8> {
    docx_with_parts(&[("word/document.xml", document_xml(text).as_bytes())])
}

/// A .docx with the given parts besides the content types and relationships.
pub fn docx_with_parts(parts: &[(&str, &[u8])]) -> Vec<u8> {
    docx_with_parts_and_rels(parts, "")
}

/// A .docx with the given parts and extra relationships of the main part
/// (`word/_rels/document.xml.rels` entries).
pub fn docx_with_parts_and_rels(parts: &[(&str, &[u8])], doc_rels: &str) -> Vec<u8> {
    let types = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
        <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
        <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
        <Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";
    let rels = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
        <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";
    let doc_rels = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">{doc_rels}</Relationships>"
    );
    let mut all: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", types.as_bytes()),
        ("_rels/.rels", rels.as_bytes()),
    ];
    if doc_rels.contains("<Relationship ") {
        all.push(("word/_rels/document.xml.rels", doc_rels.as_bytes()));
    }
    all.extend_from_slice(parts);
    zip_parts(&all)
}

/// A zip archive of the given entries (deflated, fixed timestamps: reproducible).
pub fn zip_parts(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, bytes) in parts {
        zip.start_file(*name, options).expect("zip entry");
        zip.write_all(bytes).expect("zip write");
    }
    zip.finish().expect("zip finish").into_inner()
}

/// A report scraped one cell per line (`label |`, `3 |`) rewritten with one table row
/// per line, grouped the way nianbao reads its tables: a row's label and its values
/// form one row; every other cell (headers, group labels) is a row of its own. This is
/// what a web page or Word table of that report would contain.
pub fn regroup_cells(text: &str, doc: &nianbao::Document) -> String {
    let line_of = |at: usize| doc.position(at).line - 1;
    // The row each line belongs to, for lines that are part of a table row.
    let mut group: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    let mut next_group = 0;
    for table in &doc.tables {
        for row in &table.rows {
            let mut lines: Vec<usize> = row
                .cells
                .iter()
                .filter_map(|c| c.span.as_ref())
                .map(|s| line_of(s.start))
                .collect();
            if let Some(label) = &row.label {
                lines.push(line_of(label.span.start));
            }
            if lines.len() < 2 {
                continue;
            }
            for l in lines {
                group.insert(l, next_group);
            }
            next_group += 1;
        }
    }
    let mut out: Vec<String> = Vec::new();
    let mut current: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        let g = group.get(&i).copied();
        if g.is_some() && g == current {
            let cell = line.trim().trim_end_matches('|').trim();
            if let Some(last) = out.last_mut() {
                last.push_str(&format!(" {cell} |"));
            }
            continue;
        }
        current = g;
        out.push(line.to_string());
    }
    out.join("\n")
}
