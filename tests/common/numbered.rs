//! Writes a report (plain text with pipe tables, as in `examples/`) as a Word document
//! whose numbering is Word's automatic numbering, as editors' templates make it: the
//! section headings `一、`…`六、` and the sub-parts `（一）`… are taken out of the text
//! and come from `word/numbering.xml`, directly (`w:numPr` in the paragraph) or through
//! heading styles (`w:pStyle` → `styles.xml`, based on another style that holds the
//! `w:numPr`); the items `1.`… of 表三's groups are numbered in their cells, each
//! group's list instance restarting at 1 (`w:startOverride`). Loaded, it must read
//! exactly as the same report written with its numbers as text (`convert::to_docx`).
#![allow(dead_code)]

use super::convert::{Block, blocks, docx_with_parts_and_rels, w_para, w_para_with, w_table_with};

/// How the numbering reaches the paragraphs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// `w:numPr` in each paragraph; parts at their usual names.
    Direct,
    /// `w:pStyle` only; the styles hold the numbering (through `w:basedOn`); parts
    /// under other names, found through the main part's relationships.
    Styled,
    /// As `Direct`, the sub-parts in Arabic numerals (`decimal`, `%2.`).
    DecimalParts,
}

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const SECTIONS: [&str; 6] = ["一、", "二、", "三、", "四、", "五、", "六、"];
const PARTS: [&str; 9] = [
    "（一）",
    "（二）",
    "（三）",
    "（四）",
    "（五）",
    "（六）",
    "（七）",
    "（八）",
    "（九）",
];

/// The level of a paragraph that is a heading (0) or a sub-part (1), and its text
/// without the numeral.
fn numbered(p: &str) -> Option<(usize, &str)> {
    let short = p.chars().count() <= 30 && !p.contains('。');
    for (level, numerals) in [(0, &SECTIONS[..]), (1, &PARTS[..])] {
        for n in numerals {
            if let Some(rest) = p.strip_prefix(n)
                && short
                && !rest.is_empty()
            {
                return Some((level, rest));
            }
        }
    }
    None
}

/// An item `1.属于国家秘密` of 表三: its number and text.
fn item(cell: &str) -> Option<(u32, &str)> {
    let dot = cell.find('.')?;
    let n: u32 = cell[..dot].parse().ok()?;
    let rest = &cell[dot + 1..];
    (!rest.is_empty() && !rest.starts_with(|c: char| c.is_ascii_digit())).then_some((n, rest))
}

fn num_pr(num: u32, ilvl: usize) -> String {
    format!("<w:numPr><w:ilvl w:val=\"{ilvl}\"/><w:numId w:val=\"{num}\"/></w:numPr>")
}

fn lvl(ilvl: usize, fmt: &str, text: &str, style: Option<&str>) -> String {
    let style = style.map_or(String::new(), |s| format!("<w:pStyle w:val=\"{s}\"/>"));
    // Word's default suffix is a tab; `nothing` for labels that end in a digit's dot.
    let suff = if text.ends_with('.') {
        "<w:suff w:val=\"nothing\"/>"
    } else {
        ""
    };
    format!(
        "<w:lvl w:ilvl=\"{ilvl}\"><w:start w:val=\"1\"/><w:numFmt w:val=\"{fmt}\"/>{style}{suff}\
         <w:lvlText w:val=\"{text}\"/><w:lvlJc w:val=\"left\"/>\
         <w:pPr><w:ind w:left=\"0\" w:firstLine=\"640\"/></w:pPr></w:lvl>"
    )
}

/// `numbering.xml`: abstract list 0 for headings and sub-parts, abstract list 5 for
/// the items; list instances 1 (headings), 2 (a second instance of list 0, which
/// continues it), 10… (items, one per group, restarting at 1).
fn numbering_xml(scheme: Scheme, groups: u32) -> String {
    let styled = scheme == Scheme::Styled;
    let (part_fmt, part_text) = match scheme {
        Scheme::DecimalParts => ("decimal", "%2."),
        _ => ("chineseCounting", "（%2）"),
    };
    let mut x = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:numbering xmlns:w=\"{W_NS}\">\
         <w:abstractNum w:abstractNumId=\"0\"><w:multiLevelType w:val=\"multilevel\"/>{}{}{}</w:abstractNum>\
         <w:abstractNum w:abstractNumId=\"5\">{}</w:abstractNum>\
         <w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num>\
         <w:num w:numId=\"2\"><w:abstractNumId w:val=\"0\"/></w:num>",
        lvl(
            0,
            "chineseCountingThousand",
            "%1、",
            styled.then_some("Heading1")
        ),
        lvl(1, part_fmt, part_text, styled.then_some("Heading2")),
        lvl(2, "decimal", "%3.", None),
        lvl(0, "decimal", "%1.", None),
    );
    for g in 0..groups {
        x.push_str(&format!(
            "<w:num w:numId=\"{}\"><w:abstractNumId w:val=\"5\"/>\
             <w:lvlOverride w:ilvl=\"0\"><w:startOverride w:val=\"1\"/></w:lvlOverride></w:num>",
            10 + g
        ));
    }
    x.push_str("</w:numbering>");
    x
}

/// `styles.xml`: `Heading1`/`Heading2` (named as Word's Chinese UI names them) based
/// on `ReportHeading`/`ReportPart`, which carry the numbering.
fn styles_xml() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles xmlns:w=\"{W_NS}\">\
         <w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/></w:style>\
         <w:style w:type=\"paragraph\" w:styleId=\"ReportHeading\"><w:name w:val=\"报告标题\"/><w:basedOn w:val=\"Normal\"/>\
         <w:pPr><w:numPr><w:numId w:val=\"1\"/></w:numPr></w:pPr></w:style>\
         <w:style w:type=\"paragraph\" w:styleId=\"ReportPart\"><w:name w:val=\"报告小标题\"/><w:basedOn w:val=\"Normal\"/>\
         <w:pPr><w:numPr><w:ilvl w:val=\"1\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr></w:style>\
         <w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"标题 1\"/><w:basedOn w:val=\"ReportHeading\"/>\
         <w:pPr><w:outlineLvl w:val=\"0\"/></w:pPr></w:style>\
         <w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:name w:val=\"heading 2\"/><w:basedOn w:val=\"ReportPart\"/></w:style>\
         </w:styles>"
    )
}

/// The report as a .docx with automatic numbering.
pub fn numbered_docx(text: &str, scheme: Scheme) -> Vec<u8> {
    let mut body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"{W_NS}\"><w:body>"
    );
    let mut sections_seen = 0;
    let groups = std::cell::Cell::new(0u32);
    for block in blocks(text) {
        match block {
            Block::Para(p) => match numbered(&p) {
                Some((level, rest)) => {
                    if level == 0 {
                        sections_seen += 1;
                    }
                    // Headings after the third use the second instance of the list.
                    let num = if sections_seen > 3 { 2 } else { 1 };
                    let props = match scheme {
                        Scheme::Styled if num == 1 => {
                            let style = if level == 0 { "Heading1" } else { "Heading2" };
                            format!("<w:pStyle w:val=\"{style}\"/>")
                        }
                        Scheme::Styled => format!(
                            "<w:pStyle w:val=\"{}\"/>{}",
                            if level == 0 { "Heading1" } else { "Heading2" },
                            num_pr(num, level)
                        ),
                        _ => num_pr(num, level),
                    };
                    body.push_str(&w_para_with(rest, &props));
                    body.push_str("<w:p/>");
                }
                None => {
                    body.push_str(&w_para(&p));
                    body.push_str("<w:p/>");
                }
            },
            Block::Table(rows) => {
                let para = |cell: &str| match item(cell) {
                    Some((n, rest)) => {
                        // A new group starts at its item 1: a new list instance.
                        if n == 1 {
                            groups.set(groups.get() + 1);
                        }
                        let num = 9 + groups.get().max(1);
                        w_para_with(rest, &num_pr(num, 0))
                    }
                    None => w_para(cell),
                };
                body.push_str(&w_table_with(&rows, &para));
            }
        }
    }
    body.push_str("<w:sectPr/></w:body></w:document>");
    let numbering = numbering_xml(scheme, groups.get().max(1));
    let styles = styles_xml();
    match scheme {
        Scheme::Styled => docx_with_parts_and_rels(
            &[
                ("word/document.xml", body.as_bytes()),
                ("word/lists/num.xml", numbering.as_bytes()),
                ("word/lists/styles.xml", styles.as_bytes()),
            ],
            "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"lists/styles.xml\"/>\
             <Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering\" Target=\"lists/num.xml\"/>",
        ),
        _ => docx_with_parts_and_rels(
            &[
                ("word/document.xml", body.as_bytes()),
                ("word/numbering.xml", numbering.as_bytes()),
                ("word/styles.xml", styles.as_bytes()),
            ],
            "",
        ),
    }
}
