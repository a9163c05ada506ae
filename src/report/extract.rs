//! `nianbao extract`: the document as the checks see it — the outline, the report
//! year and every table cell. A debugging aid for editors and rule-pack authors.

use unicode_width::UnicodeWidthStr;

use crate::load::SourceKind;
use crate::pack::Templates;
use crate::parse::glued::Outcome;
use crate::parse::glued::table::GluedDecoding;
use crate::parse::tokens::Layout;
use crate::parse::{CellValue, Document, RowShape, TableStatus};

/// `s` padded with spaces to `width` display columns (Chinese characters count two).
pub fn pad(s: &str, width: usize) -> String {
    format!(
        "{s}{}",
        " ".repeat(width.saturating_sub(UnicodeWidthStr::width(s)))
    )
}

/// Where byte `offset` of the text is, as shown in the first column: the line (of the
/// HTML source for a web page), or for a Word document its paragraph or table row.
fn place(doc: &Document, offset: usize, width: usize) -> String {
    let span = offset..offset;
    match super::place::location(doc, &span) {
        Some(loc) => {
            // `第2个表格（表三）第5行第3列` → `第2个表格（表三）第5行`: the row is what this column shows.
            let loc = match loc.find("行第") {
                Some(i) => loc[..i + "行".len()].to_string(),
                None => loc,
            };
            pad_left(&loc, width)
        }
        None => format!(
            "{:>w$}",
            doc.source.position(&doc.text, &doc.lines, offset).line,
            w = width
        ),
    }
}

/// `第   12 行` for text and web pages, `第3段` for Word.
fn heading_place(doc: &Document, offset: usize) -> String {
    if doc.source.kind == SourceKind::Docx {
        place(doc, offset, 9)
    } else {
        format!("第 {} 行", place(doc, offset, 4))
    }
}

fn pad_left(s: &str, width: usize) -> String {
    format!(
        "{}{s}",
        " ".repeat(width.saturating_sub(UnicodeWidthStr::width(s)))
    )
}

pub fn render(doc: &Document, templates: &Templates) -> String {
    let mut out = format!("文件：{}\n", doc.path);
    let source = &doc.source;
    if source.kind != SourceKind::Text || source.encoding != "UTF-8" {
        out.push_str(&format!(
            "格式：{}，编码 {}\n",
            source.kind.chinese(),
            source.encoding
        ));
    }
    match &doc.year {
        Some(y) => out.push_str(&format!("{}\n", y.describe())),
        None => out.push_str("报告年度：无法推断\n"),
    }
    out.push_str("\n章节：\n");
    if doc.outline.sections.is_empty() {
        out.push_str("  （未识别到章节标题）\n");
    }
    for h in &doc.outline.sections {
        out.push_str(&format!(
            "  {}  {}、{}\n",
            heading_place(doc, h.heading.start),
            h.numeral,
            doc.text.get(h.title_span.clone()).unwrap_or("")
        ));
        for p in doc.outline.parts.iter().filter(|p| p.section == h.template) {
            out.push_str(&format!(
                "  {}      {}\n",
                heading_place(doc, p.heading.start),
                doc.text.get(p.heading.clone()).unwrap_or("")
            ));
        }
    }

    for (tpl, table) in templates.tables.iter().zip(&doc.tables) {
        let status = match &table.status {
            TableStatus::Found => "已识别".to_string(),
            TableStatus::Missing => "未找到".to_string(),
            TableStatus::Unreadable(r) => format!("无法识别：{r}"),
        };
        let layout = table.layout.chinese();
        out.push_str(&format!(
            "\n{}（{}）：{status}，{layout}\n",
            tpl.name, tpl.title
        ));
        if table.status == TableStatus::Missing {
            continue;
        }
        let label_width = tpl
            .rows
            .iter()
            .map(|r| UnicodeWidthStr::width(r.short.as_str()))
            .max()
            .unwrap_or(8)
            + 4;
        for (ri, row) in tpl.rows.iter().enumerate() {
            let reading = &table.rows[ri];
            let line = reading
                .anchor
                .as_ref()
                .map_or_else(|| "      ".to_string(), |a| place(doc, a.start, 6));
            let mut cells = Vec::new();
            for &c in &row.columns {
                let cell = &reading.cells[c];
                cells.push(match &cell.value {
                    CellValue::Number(n) if cell.reconstructed => format!("{n}*"),
                    CellValue::Number(n) => n.to_string(),
                    CellValue::Blank => "空".into(),
                    CellValue::Placeholder(_) => {
                        format!(
                            "「{}」",
                            cell.span
                                .clone()
                                .and_then(|s| doc.text.get(s))
                                .unwrap_or("")
                                .trim()
                        )
                    }
                    CellValue::Missing if cell.span.is_some() => "?".into(),
                    CellValue::Missing => "-".into(),
                });
            }
            let shape = match (&reading.glued, &reading.shape) {
                (Some(g), _) => glued_shape(g),
                (None, RowShape::Absent) => "未找到".to_string(),
                (None, RowShape::LabelOnly) => "（分组）".to_string(),
                (None, RowShape::Complete) => String::new(),
                (None, RowShape::Short { found }) => format!("只有 {found} 个数值"),
                (None, RowShape::Long { found, .. }) => format!("有 {found} 个数值"),
                (None, RowShape::Glued { digits, .. }) => format!("数字粘连：{digits}"),
            };
            let indent = if row.parent.is_some() { "  " } else { "" };
            let values = if row.group && !reading.has_values() {
                String::new()
            } else {
                cells.join(" | ")
            };
            out.push_str(&format!(
                "{line}  {}{values}  {shape}\n",
                pad(&format!("{indent}{}", row.short), label_width)
            ));
            if let Some(g) = &reading.glued {
                out.push_str(&glued_checks(g));
            }
        }
        let missing: Vec<&str> = tpl
            .columns
            .iter()
            .zip(&table.columns_found)
            .filter(|(_, f)| !**f)
            .map(|(c, _)| c.label.standard.as_str())
            .collect();
        if table.layout == Layout::Pipe && !missing.is_empty() {
            out.push_str(&format!("  表头中未找到的列：{}\n", missing.join("、")));
        }
    }
    let first_column = match source.kind {
        SourceKind::Docx => "第一列为 Word 中的段落或表格行",
        SourceKind::Html => "第一列为网页源代码的行号",
        _ => "第一列为行号",
    };
    out.push_str(&format!(
        "\n（{first_column}；“空”为空白单元格，“?”为无法确定所属列的数值，“-”为未找到，\
         “*”为按表内关系从连写数字拆分重建的数值）\n"
    ));
    out
}

/// The narrative figures the rules compared, one per line.
pub fn render_figures(doc: &Document, pack: &crate::pack::Pack) -> String {
    let mut rows: Vec<(usize, String)> = Vec::new();
    for rule in pack.enabled_rules() {
        for f in rule.check.figures(doc, &pack.templates) {
            let pos = doc.position(f.span.start);
            let text = doc.text.get(f.span.clone()).unwrap_or("").replace('\n', "");
            let mark = if f.agrees { "一致" } else { "不一致" };
            rows.push((
                f.span.start,
                format!(
                    "  第 {:>4} 行  {}  「{text}」= {}  ↔ {}（{mark}）\n",
                    pos.line, rule.meta.id, f.value, f.compared_with
                ),
            ));
        }
    }
    rows.sort();
    let mut out = String::from("\n正文中与表格核对的数字：\n");
    if rows.is_empty() {
        out.push_str("  （无）\n");
    }
    for (_, r) in rows {
        out.push_str(&r);
    }
    out
}

/// The shape column of a glued row: what decoding found.
fn glued_shape(g: &GluedDecoding) -> String {
    match &g.outcome {
        Outcome::Unique(_) => format!("由连写数字「{}」拆分重建", g.digits),
        Outcome::Ambiguous { readings, more } => {
            let shown: Vec<String> = readings
                .iter()
                .take(4)
                .map(|r| crate::parse::glued::reading_text(r))
                .collect();
            let count = if *more {
                format!("{} 种以上", readings.len())
            } else {
                format!("{} 种", readings.len())
            };
            format!(
                "数字粘连「{}」，有 {count}拆法：{}{}",
                g.digits,
                shown.join("、"),
                if readings.len() > shown.len() {
                    "……"
                } else {
                    ""
                }
            )
        }
        Outcome::Impossible(_) => {
            format!("数字粘连「{}」，无论如何拆分都不满足表内关系", g.digits)
        }
    }
}

/// Which relations were used to decode a glued row and which still check it.
fn glued_checks(g: &GluedDecoding) -> String {
    let list = |v: &[String]| {
        if v.is_empty() {
            "无".to_string()
        } else {
            v.join("、")
        }
    };
    match g.outcome {
        Outcome::Unique(_) if g.used.is_empty() => format!(
            "          按位数只有一种拆法；照常核对：{}\n",
            list(&g.left)
        ),
        Outcome::Unique(_) => format!(
            "          用于拆分（不再据此核对）：{}；照常核对：{}\n",
            list(&g.used),
            list(&g.left)
        ),
        _ => String::new(),
    }
}
