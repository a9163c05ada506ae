//! Rule kind `table_check`: does each table conform to its template?
//!
//! Checks (the `check` field), each over the tables listed in `tables` (default: all):
//! * `missing_table` — nothing of the table in its section.
//! * `unreadable_table` — something is there but cannot be read with confidence.
//! * `missing_row`, `missing_column` — a standard row or column label is absent.
//! * `row_shape` — a row has more or fewer values than columns, or glued digits.
//! * `blank_cell`, `non_numeric`, `negative`, `non_integer` — cell contents.
//! * `label` — a row or header label differs from the standard (shows a diff; fixed
//!   to the standard by `--fix` when that is certain, see `label_fix`).
//! * `collapsed_group` — a group such as （六）其他处理 filled as one row.
//! * `legacy_format` — labels of the 2019 trial format in a 2021+ report.
//! * `glued_ambiguous`, `glued_impossible` — a row whose digits are glued together and
//!   that the table's relations split in several ways, or in none (`parse::glued`).
//!
//! Only a table that was read with confidence (`TableStatus::Found`) gets the checks
//! after `unreadable_table`; an unreadable table is reported once, not cell by cell —
//! except a table left blank (`blank_cell`, once for the table, instead of T002) and
//! the 2019 format (`legacy_format`), which are said whatever else could be read.
//!
//! ```toml
//! [[table_check]]
//! id = "T104"
//! check = "blank_cell"
//! severity = "warning"
//! summary = "统计表单元格为空"
//! description = "…"
//! ```

use std::ops::Range;

use super::{Check, Context, parse_check, resolve_ids, rule_def};
use crate::parse::glued::reading_text;
use crate::parse::glued::table::summarize;
use crate::parse::glued::{Impossible, Outcome};
use crate::parse::tables::{
    CellValue, HeaderTarget, RowShape, TableReading, TableStatus, ancestors,
};
use crate::parse::tokens::Layout;
use crate::template::error::DefError;
use crate::template::{TableTemplate, Templates};
use crate::text::{char_diff, is_truncation};

rule_def! {
    /// `[[table_check]]`
    pub struct Def {
        pub check: toml::Spanned<String>,
        #[serde(default)]
        pub tables: Vec<toml::Spanned<String>>,
    }
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    MissingTable,
    UnreadableTable,
    MissingRow,
    MissingColumn,
    RowShape,
    BlankCell,
    NonNumeric,
    Negative,
    NonInteger,
    Label,
    CollapsedGroup,
    LegacyFormat,
    GluedAmbiguous,
    GluedImpossible,
}

const CHECKS: &[(&str, Kind)] = &[
    ("missing_table", Kind::MissingTable),
    ("unreadable_table", Kind::UnreadableTable),
    ("missing_row", Kind::MissingRow),
    ("missing_column", Kind::MissingColumn),
    ("row_shape", Kind::RowShape),
    ("blank_cell", Kind::BlankCell),
    ("non_numeric", Kind::NonNumeric),
    ("negative", Kind::Negative),
    ("non_integer", Kind::NonInteger),
    ("label", Kind::Label),
    ("collapsed_group", Kind::CollapsedGroup),
    ("legacy_format", Kind::LegacyFormat),
    ("glued_ambiguous", Kind::GluedAmbiguous),
    ("glued_impossible", Kind::GluedImpossible),
];

/// First report year in which the 2019 labels are a defect.
const FORMAT_2021_FROM: i32 = 2021;
/// Above this many secondary labels, only some are shown.
const MAX_LABELS: usize = 8;
/// Above this many blank cells in a row, they are not labelled one by one.
const MAX_BLANK_LABELS: usize = 3;

struct TableCheck {
    kind: Kind,
    tables: Vec<usize>,
}

pub fn compile(def: &Def, cx: &super::CompileCx<'_>) -> Result<Box<dyn Check>, DefError> {
    let templates = cx.templates;
    let kind = parse_check(&def.check, CHECKS)?;
    let tables = resolve_ids(
        &def.tables,
        templates.tables.len(),
        |id| templates.table_index(id),
        || templates.tables.iter().map(|t| t.id.as_str()).collect(),
        "表格",
    )?;
    Ok(Box::new(TableCheck { kind, tables }))
}

impl Check for TableCheck {
    fn check(&self, cx: &mut Context<'_>) {
        for &ti in &self.tables {
            let (Some(tpl), Some(table)) = (cx.templates.tables.get(ti), cx.doc.tables.get(ti))
            else {
                continue;
            };
            match self.kind {
                Kind::MissingTable => missing_table(cx, tpl, table),
                Kind::UnreadableTable => unreadable(cx, tpl, table),
                // A table left blank and one in the 2019 format are said so whether or
                // not the rest of it could be read.
                Kind::BlankCell if table.blank => blank_table(cx, tpl, table),
                Kind::LegacyFormat => legacy(cx, tpl, table),
                _ if !table.is_readable() => {}
                Kind::MissingRow => missing_rows(cx, tpl, table),
                Kind::MissingColumn => missing_columns(cx, tpl, table),
                Kind::RowShape => row_shapes(cx, tpl, table),
                Kind::BlankCell => blank_cells(cx, tpl, table),
                Kind::NonNumeric | Kind::Negative | Kind::NonInteger => {
                    self.cell_values(cx, tpl, table)
                }
                Kind::Label => labels(cx, tpl, table),
                Kind::CollapsedGroup => collapsed_groups(cx, tpl, table),
                Kind::GluedAmbiguous => glued_ambiguous(cx, tpl, table),
                Kind::GluedImpossible => glued_impossible(cx, tpl, table),
            }
        }
    }

    fn fix(&self) -> Option<String> {
        matches!(self.kind, Kind::Label).then(|| {
            "把标签改为标准写法（只限“|”分隔或每行一格的表格中完整的标签，且明显最接近这一个标准标签；含数字的差别不改）"
                .to_string()
        })
    }

    fn explain(&self, templates: &Templates) -> Vec<String> {
        self.tables
            .iter()
            .filter_map(|&t| templates.tables.get(t))
            .map(|t| {
                format!(
                    "{}（{}）：{} 行 × {} 列",
                    t.name,
                    t.title,
                    t.rows.iter().filter(|r| !r.group).count(),
                    t.columns.len()
                )
            })
            .collect()
    }
}

/// Where a table should be: its section heading, or the start of its region.
fn table_place(cx: &Context<'_>, tpl: &TableTemplate, table: &TableReading) -> Range<usize> {
    if let Some(hit) = tpl.section.and_then(|s| cx.doc.outline.first(s)) {
        return hit.heading.clone();
    }
    if let Some(extent) = &table.extent {
        return extent.start..extent.start + first_char_len(&cx.doc.text, extent.start);
    }
    let at = table.region.start.min(cx.doc.text.len());
    at..at + first_char_len(&cx.doc.text, at)
}

fn first_char_len(text: &str, at: usize) -> usize {
    text.get(at..)
        .and_then(|s| s.chars().next())
        .map_or(0, char::len_utf8)
}

fn missing_table(cx: &mut Context<'_>, tpl: &TableTemplate, table: &TableReading) {
    if table.status != TableStatus::Missing {
        return;
    }
    // The table's section lies outside a partial text (S106 says so once).
    if tpl.section.is_some_and(|s| cx.doc.outline.outside_text(s)) {
        return;
    }
    let span = table_place(cx, tpl, table);
    let d = cx
        .diagnostic(span, format!("缺少{}（{}统计表）", tpl.name, tpl.title))
        .primary_label(format!("本部分应有{}", tpl.name))
        .help(format!("按格式填写{}，没有数据的单元格填 0", tpl.name));
    cx.push(d);
}

fn unreadable(cx: &mut Context<'_>, tpl: &TableTemplate, table: &TableReading) {
    let TableStatus::Unreadable(reason) = &table.status else {
        return;
    };
    // The text stops before the table's rows (S106 reports the cut); a table left
    // blank is reported as such (`blank_cell`).
    if table.truncated && !table.rows.iter().any(|r| r.is_found()) || table.blank {
        return;
    }
    // A 2019-format table in a report of 2021 or later: `legacy_format` says why it
    // cannot be read (one defect, one finding).
    let current_year = cx
        .doc
        .year
        .as_ref()
        .is_none_or(|y| y.year >= FORMAT_2021_FROM);
    if !table.legacy.is_empty() && current_year {
        return;
    }
    let span = table_place(cx, tpl, table);
    let d = cx
        .diagnostic(span, format!("{}无法识别：{reason}", tpl.name))
        .primary_label(format!("{}从此处开始", tpl.name))
        .note("只核对每列一个数值、完整读出的行所涉及的合计与正文数字；其余不核对，以免在猜测的数字上报错")
        .help("请人工核对该表；若表格完整，可用 `nianbao extract` 查看 nianbao 读到的内容");
    cx.push(d);
}

fn missing_rows(cx: &mut Context<'_>, tpl: &TableTemplate, table: &TableReading) {
    // In a table cut by the end of the text, rows after the last one found are
    // outside the text (S106 reports the cut).
    let last_found = table.rows.iter().rposition(|r| r.is_found());
    for (ri, row) in tpl.rows.iter().enumerate() {
        if table.truncated && last_found.is_none_or(|l| ri > l) {
            continue;
        }
        if row.group || table.rows[ri].is_found() {
            continue;
        }
        // Children of a group filled as one row are reported by collapsed_group.
        if ancestors(tpl, ri).any(|a| table.rows[a].has_values()) {
            continue;
        }
        let next = (ri + 1..tpl.rows.len())
            .find_map(|r| table.rows[r].label.as_ref().map(|l| l.span.clone()));
        let prev = (0..ri).rev().find_map(|r| table.rows[r].anchor.clone());
        let (span, label) = match (next, prev) {
            (Some(s), _) => (s, "应在此行之前"),
            (None, Some(s)) => (s, "应在此行之后"),
            (None, None) => (table_place(cx, tpl, table), "表中没有此行"),
        };
        let what = if row.unlabeled {
            format!("{}缺少数据行", tpl.name)
        } else {
            format!("{}缺少标准行「{}」", tpl.name, row.label.standard)
        };
        let d = cx
            .diagnostic(span, what)
            .primary_label(label)
            .help(format!("补上「{}」行，没有数据的填 0", row.short));
        cx.push(d);
    }
}

fn missing_columns(cx: &mut Context<'_>, tpl: &TableTemplate, table: &TableReading) {
    // Columns of a table cut by the end of a partial text may be beyond the cut.
    if table.layout != Layout::Pipe || table.truncated {
        return;
    }
    // The header's text: from the table's region to its first row. A label whose words
    // are all there was split by the layout (OCR writes a header cell's lines across
    // the columns: `社会法律` / `公益服务其他`), not left out.
    let first_row = table
        .rows
        .iter()
        .filter_map(|r| r.anchor.as_ref().map(|a| a.start))
        .min()
        .unwrap_or(table.region.end);
    let header = cx
        .doc
        .text
        .get(table.region.start..first_row.max(table.region.start))
        .unwrap_or("");
    let mut missing: Vec<&str> = Vec::new();
    for (c, col) in tpl.columns.iter().enumerate() {
        let label = col.label.standard.as_str();
        if !table.columns_found[c] && !missing.contains(&label) && !words_in(header, label) {
            missing.push(label);
        }
    }
    if missing.is_empty() {
        return;
    }
    let span = table
        .headers
        .first()
        .map(|h| h.span.clone())
        .unwrap_or_else(|| table_place(cx, tpl, table));
    let d = cx
        .diagnostic(
            span,
            format!(
                "{}表头缺少 {} 个标准列：{}",
                tpl.name,
                missing.len(),
                missing.join("、")
            ),
        )
        .primary_label("表头从此处开始")
        .help(format!("在表头补上列标题「{}」", missing.join("」「")));
    cx.push(d);
}

/// True when every two-character word of `label` (`商业` `企业`) is in `text`.
fn words_in(text: &str, label: &str) -> bool {
    let chars: Vec<char> = label.chars().collect();
    if chars.len() < 2 {
        return false;
    }
    let mut starts: Vec<usize> = (0..chars.len() - 1).step_by(2).collect();
    if chars.len() % 2 == 1 {
        starts.push(chars.len() - 2);
    }
    starts.iter().all(|&i| {
        let word: String = chars[i..i + 2].iter().collect();
        text.contains(&word)
    })
}

fn row_shapes(cx: &mut Context<'_>, tpl: &TableTemplate, table: &TableReading) {
    for (ri, row) in tpl.rows.iter().enumerate() {
        let reading = &table.rows[ri];
        let n = row.columns.len();
        // Named only for a finding (most rows have none).
        let name = || row_name(tpl, ri);
        let Some(anchor) = reading.anchor.clone() else {
            continue;
        };
        let d = match &reading.shape {
            RowShape::Short { found } if !row.group || *found > 0 => {
                let values_span = value_extent(reading).unwrap_or(anchor);
                let label = if *found == 0 {
                    "此行没有数值".to_string()
                } else {
                    format!("只有 {found} 个数值")
                };
                // In pipe rows the cells present keep their columns (left to right)
                // and are checked; say so rather than "not checked".
                let attributed = row
                    .columns
                    .iter()
                    .any(|&c| matches!(reading.cells[c].value, CellValue::Number(_)));
                let note = if attributed {
                    format!(
                        "以“|”分隔的单元格按从左到右的位置归入各列：这 {found} 个数值照常核对，缺少的列所涉及的合计不核对"
                    )
                } else {
                    "数值个数与列数不符时无法确定每个数值属于哪一列，此行不参与合计核对".to_string()
                };
                cx.diagnostic(
                    values_span,
                    format!("{}只有 {found} 个数值，应为 {n} 个", name()),
                )
                .primary_label(label)
                .note(note)
                .help("每一列都应填写数值，没有数据的填 0")
            }
            RowShape::Long { found, extra } => cx
                .diagnostic(
                    extra.clone(),
                    format!("{}有 {found} 个数值，多于 {n} 列", name()),
                )
                .primary_label("多出的数值")
                .note("数值个数与列数不符时无法确定每个数值属于哪一列，此行不参与合计核对")
                .help("检查是否有单元格拆分错误或多余的数字"),
            // Decoded glued rows are reported by glued_ambiguous / glued_impossible.
            RowShape::Glued { .. } if reading.glued.is_some() => continue,
            RowShape::Glued { digits, span } => cx
                .diagnostic(
                    span.clone(),
                    format!("{}的数字粘连在一起（{digits}），无法判断各列的数值", name()),
                )
                .primary_label(format!("{n} 列的数值连写在一起"))
                .note("nianbao 不猜测粘连数字的拆分方式，此行不参与合计核对")
                .help("在各单元格之间加上分隔（如“|”或空格）"),
            _ => continue,
        };
        cx.push(d);
    }
}

fn row_name(tpl: &TableTemplate, ri: usize) -> String {
    let row = &tpl.rows[ri];
    if row.unlabeled {
        format!("{}数据行", tpl.name)
    } else {
        format!("{}「{}」行", tpl.name, row.short)
    }
}

/// Readings shown in a finding on an ambiguous glued row.
const MAX_READINGS_SHOWN: usize = 6;

fn glued_ambiguous(cx: &mut Context<'_>, tpl: &TableTemplate, table: &TableReading) {
    for (ri, reading) in table.rows.iter().enumerate() {
        let Some(g) = &reading.glued else { continue };
        let Outcome::Ambiguous { readings, more } = &g.outcome else {
            continue;
        };
        let name = row_name(tpl, ri);
        let n = tpl.rows[ri].columns.len();
        let shown: Vec<String> = readings
            .iter()
            .take(MAX_READINGS_SHOWN)
            .map(|r| reading_text(r))
            .collect();
        let message = if readings.is_empty() || (*more && readings.len() < 2) {
            format!(
                "{name}的数字粘连在一起（「{}」），可能的拆法太多，无法确定 {n} 列的数值",
                g.digits
            )
        } else {
            format!(
                "{name}的数字粘连在一起（「{}」），有{} {} 种拆法，无法确定 {n} 列的数值",
                g.digits,
                if *more { "至少" } else { "" },
                readings.len()
            )
        };
        let mut d = cx
            .diagnostic(g.span.clone(), message)
            .primary_label(format!("{n} 列的数值连写在一起"));
        if !shown.is_empty() {
            d = d.note(format!(
                "符合表内关系的拆法：{}{}",
                shown.join("、"),
                if readings.len() > shown.len() || *more {
                    "……"
                } else {
                    ""
                }
            ));
        }
        let relations = if g.used.is_empty() {
            "此行没有可用于拆分的表内关系".to_string()
        } else {
            format!("已用表内关系（{}）排除其他拆法", summarize(&g.used))
        };
        d = d
            .note(format!(
                "{relations}；nianbao 不在多种拆法中猜测，此行不参与合计核对"
            ))
            .help("在各单元格之间加上分隔（如“|”或空格），或人工核对此行");
        cx.push(d);
    }
}

fn glued_impossible(cx: &mut Context<'_>, tpl: &TableTemplate, table: &TableReading) {
    for (ri, reading) in table.rows.iter().enumerate() {
        let Some(g) = &reading.glued else { continue };
        let Outcome::Impossible(why) = &g.outcome else {
            continue;
        };
        // Rows that cannot be split together are reported once, on the first.
        if g.with_rows.first().is_some_and(|&first| first != ri) {
            continue;
        }
        let name = row_name(tpl, ri);
        let n = tpl.rows[ri].columns.len();
        let (message, likely) = match why {
            Impossible::NoSplit => (
                format!(
                    "{name}的数字粘连在一起（「{}」，{} 位），无法拆成 {n} 个数值",
                    g.digits,
                    g.digits.len()
                ),
                "位数与列数对不上（或 0 开头的多位数无法成立），多半是网页或表格损坏、丢失了数字或分隔，\
                 而不是报表本身的计算错误"
                    .to_string(),
            ),
            Impossible::Row => (
                format!(
                    "{name}的数字粘连在一起（「{}」），无论如何拆分都不满足 {}",
                    g.digits,
                    summarize(&g.used)
                ),
                "这些数字能拆成 {n} 个数值，但任何拆法都对不上合计，多半是报表本身的数字有误（若网页丢失了数字也会如此）"
                    .replace("{n}", &n.to_string()),
            ),
            Impossible::Rows(rows) => {
                let names: Vec<String> = rows.iter().map(|&r| row_name(tpl, r)).collect();
                (
                    format!(
                        "{}的数字粘连在一起，无论如何拆分都不满足 {}",
                        names.join("、"),
                        summarize(&g.used)
                    ),
                    "每一行单独都能拆开，但行与行之间的合计关系无法同时成立，多半是报表本身的数字有误"
                        .to_string(),
                )
            }
        };
        let mut d = cx
            .diagnostic(g.span.clone(), message)
            .primary_label(format!("原文「{}」", g.digits));
        for &r in g.with_rows.iter().skip(1) {
            if let Some(other) = &table.rows[r].glued {
                d = d.label(other.span.clone(), format!("原文「{}」", other.digits));
            }
        }
        d = d
            .note(likely)
            .note("nianbao 不猜测拆分方式，此行不参与合计核对")
            .help("核对原表：补上丢失的数字或分隔，或更正不一致的数值");
        // A damaged run is not a certain defect of the report: never an error.
        if *why == Impossible::NoSplit && d.severity == crate::diagnostic::Severity::Error {
            d.severity = crate::diagnostic::Severity::Warning;
        }
        cx.push(d);
    }
}

/// From the first to the last cell span of a row.
fn value_extent(reading: &crate::parse::RowReading) -> Option<Range<usize>> {
    let mut spans = reading.cells.iter().filter_map(|c| c.span.clone());
    let first = spans.next()?;
    Some(spans.fold(first, |a, s| a.start.min(s.start)..a.end.max(s.end)))
}

/// Rows with blanks in the same columns that make one finding for the table (whole
/// columns left empty) instead of one per row.
const MIN_BLANK_COLUMN_ROWS: usize = 3;

/// The blank cells of a row: (column, span).
type Blanks = Vec<(usize, Range<usize>)>;

/// Every cell of the table empty (its row labels there): one finding for the table.
fn blank_table(cx: &mut Context<'_>, tpl: &TableTemplate, table: &TableReading) {
    let found: Vec<&str> = tpl
        .rows
        .iter()
        .zip(&table.rows)
        .filter(|(t, r)| !t.group && r.label.is_some())
        .map(|(t, _)| t.short.as_str())
        .collect();
    let span = table
        .rows
        .iter()
        .find_map(|r| r.label.as_ref().map(|l| l.span.clone()))
        .unwrap_or_else(|| table_place(cx, tpl, table));
    let d = cx
        .diagnostic(
            span,
            format!(
                "{}的单元格全部为空白：{} 个标准行（{}等）都没有填写数值",
                tpl.name,
                found.len(),
                found.iter().take(3).copied().collect::<Vec<_>>().join("、")
            ),
        )
        .primary_label(format!("{}从此行起没有数值", tpl.name))
        .note("空白不等于 0：此表的合计无法核对")
        .help(format!("按格式填写{}，没有数据的单元格填 0", tpl.name));
    cx.push(d);
}

fn blank_cells(cx: &mut Context<'_>, tpl: &TableTemplate, table: &TableReading) {
    let blanks_of = |ri: usize| -> Blanks {
        let reading = &table.rows[ri];
        tpl.rows[ri]
            .columns
            .iter()
            .filter_map(|&c| {
                let cell = &reading.cells[c];
                (cell.value == CellValue::Blank).then(|| cell.span.clone().map(|s| (c, s)))?
            })
            .collect()
    };
    let rows: Vec<(usize, Blanks)> = (0..tpl.rows.len())
        .map(|ri| (ri, blanks_of(ri)))
        .filter(|(_, b)| !b.is_empty())
        .collect();
    // The same columns blank in every row that has blanks: one defect (a column left
    // empty), one finding.
    let columns = |b: &[(usize, Range<usize>)]| b.iter().map(|(c, _)| *c).collect::<Vec<_>>();
    if rows.len() >= MIN_BLANK_COLUMN_ROWS
        && rows.iter().all(|(_, b)| columns(b) == columns(&rows[0].1))
    {
        let names: Vec<String> = rows[0]
            .1
            .iter()
            .map(|(c, _)| tpl.columns[*c].display())
            .collect();
        let cells: usize = rows.iter().map(|(_, b)| b.len()).sum();
        let first = rows[0].1[0].1.clone();
        let mut d = cx
            .diagnostic(
                first,
                format!(
                    "{}有 {} 行的「{}」列为空白（共 {cells} 个单元格）",
                    tpl.name,
                    rows.len(),
                    names.join("、")
                ),
            )
            .primary_label(format!("「{}」起为空", names[0]))
            .note("空白不等于 0：涉及空白单元格的合计暂不核对")
            .help(format!(
                "这些列没有数据的单元格应填 0（{}）",
                names.join("、")
            ));
        for (_, b) in rows.iter().skip(1).take(MAX_BLANK_LABELS) {
            d = d.label(b[0].1.clone(), "空白");
        }
        cx.push(d);
        return;
    }
    for (ri, blanks) in rows {
        let row = &tpl.rows[ri];
        let Some((_, first)) = blanks.first() else {
            continue;
        };
        let names: Vec<String> = blanks
            .iter()
            .map(|(c, _)| tpl.columns[*c].display())
            .collect();
        let name = if row.unlabeled {
            format!("{}数据行", tpl.name)
        } else {
            format!("{}「{}」行", tpl.name, row.short)
        };
        let mut d = cx
            .diagnostic(
                first.clone(),
                format!(
                    "{name}有 {} 个空白单元格（{}）",
                    blanks.len(),
                    names.join("、")
                ),
            )
            .primary_label(format!("「{}」为空", names[0]))
            .note("空白不等于 0：涉及空白单元格的合计暂不核对")
            .help("没有数据的单元格应填 0");
        // Adjacent empty cells need no caret each; a few scattered ones do.
        if blanks.len() <= MAX_BLANK_LABELS {
            for (c, span) in blanks.iter().skip(1) {
                d = d.label(
                    span.clone(),
                    format!("「{}」为空", tpl.columns[*c].display()),
                );
            }
        } else {
            d.primary_label = format!("从此处起 {} 个单元格为空", blanks.len());
        }
        cx.push(d);
    }
}

impl TableCheck {
    fn cell_values(&self, cx: &mut Context<'_>, tpl: &TableTemplate, table: &TableReading) {
        for (ri, row) in tpl.rows.iter().enumerate() {
            for &c in &row.columns {
                let cell = &table.rows[ri].cells[c];
                let Some(span) = cell.span.clone() else {
                    continue;
                };
                let col = &tpl.columns[c];
                let offending = match (&cell.value, self.kind) {
                    (CellValue::Placeholder(_), Kind::NonNumeric) => true,
                    (CellValue::Number(n), Kind::Negative) => n.is_negative(),
                    (CellValue::Number(n), Kind::NonInteger) => !col.decimal && !n.is_integer(),
                    _ => false,
                };
                if !offending {
                    continue;
                }
                let place = if row.unlabeled {
                    format!("{}「{}」", tpl.name, col.display())
                } else {
                    format!("{}「{}」行「{}」列", tpl.name, row.short, col.display())
                };
                let written = cx
                    .doc
                    .text
                    .get(span.clone())
                    .unwrap_or("")
                    .trim()
                    .to_string();
                let d = match self.kind {
                    Kind::NonNumeric => cx
                        .diagnostic(span, format!("{place}填写的是「{written}」，不是数字"))
                        .primary_label("不是数字")
                        .note("此单元格不参与合计核对")
                        .help("填写数字；没有数据的填 0"),
                    Kind::Negative => cx
                        .diagnostic(span, format!("{place}为负数 {written}"))
                        .primary_label("件数和金额不能为负")
                        .help("核对此数值"),
                    _ => cx
                        .diagnostic(span, format!("{place}为 {written}，件数应为整数"))
                        .primary_label("不是整数")
                        .help("核对此数值"),
                };
                cx.push(d);
            }
        }
    }
}

fn labels(cx: &mut Context<'_>, tpl: &TableTemplate, table: &TableReading) {
    // A label that the end of a partial text cuts short is not a defect (S106).
    let text_end = cx.doc.text.trim_end().len();
    let cut_short = |span: &Range<usize>| table.truncated && span.end >= text_end;
    for (ri, row) in tpl.rows.iter().enumerate() {
        let Some(label) = &table.rows[ri].label else {
            continue;
        };
        if !label.kind.is_fuzzy() || row.unlabeled || cut_short(&label.span) {
            continue;
        }
        let standard = row.label.norm();
        // PDF text wraps long labels; a label that is only cut short there is not a defect.
        if label.layout == Layout::Columns && is_truncation(standard, &label.norm) {
            continue;
        }
        let diff = char_diff(standard, &label.norm);
        let d = cx
            .diagnostic(
                label.span.clone(),
                format!("{}行标签与标准不一致：「{diff}」", tpl.name),
            )
            .primary_label(format!("标准为「{}」", row.label.standard))
            .note("[-字] 表示标准中有而此处缺少的字，[+字] 表示此处多出的字")
            .help(format!("改为「{}」", row.label.standard));
        let others = tpl.rows.iter().map(|r| &r.label);
        let d = match label_fix(
            cx,
            &label.span,
            &label.norm,
            label.layout,
            &row.label,
            others,
        ) {
            Some(fix) => d.fix(fix),
            None => d,
        };
        cx.push(d);
    }
    for h in &table.headers {
        if !h.kind.is_fuzzy() || h.layout != Layout::Pipe || cut_short(&h.span) {
            continue;
        }
        let standard = match h.target {
            HeaderTarget::Column(c) => &tpl.columns[c].label,
            HeaderTarget::Header(i) => &tpl.headers[i],
        };
        let diff = char_diff(standard.norm(), &h.norm);
        let d = cx
            .diagnostic(
                h.span.clone(),
                format!("{}表头标签与标准不一致：「{diff}」", tpl.name),
            )
            .primary_label(format!("标准为「{}」", standard.standard))
            .note("[-字] 表示标准中有而此处缺少的字，[+字] 表示此处多出的字")
            .help(format!("改为「{}」", standard.standard));
        let others = tpl.columns.iter().map(|c| &c.label).chain(&tpl.headers);
        let d = match label_fix(cx, &h.span, &h.norm, h.layout, standard, others) {
            Some(fix) => d.fix(fix),
            None => d,
        };
        cx.push(d);
    }
}

/// Lowest similarity of a label to its standard for a fix, and how much closer it
/// must be to it than to any other label of the table.
const FIX_MIN_SCORE: f64 = 0.8;
const FIX_MARGIN: f64 = 0.1;

/// The fix of a label that differs from its standard: the standard, when that is the
/// one right answer — the label is a cell of its own (`|` rows, one cell per line;
/// whitespace columns would lose their alignment), its span holds all of it (not
/// wrapped onto another line), and it is clearly closer to its standard than to any
/// other label of the table.
fn label_fix<'a>(
    cx: &Context<'_>,
    span: &Range<usize>,
    norm: &str,
    layout: Layout,
    standard: &crate::template::LabelSet,
    others: impl Iterator<Item = &'a crate::template::LabelSet>,
) -> Option<crate::diagnostic::Fix> {
    if !matches!(layout, Layout::Pipe | Layout::Cells) {
        return None;
    }
    let written = cx.doc.text.get(span.clone())?;
    if crate::text::normalize(written) != norm || written.contains('|') {
        return None;
    }
    let score = |l: &crate::template::LabelSet| {
        l.norms()
            .iter()
            .map(|n| crate::text::similarity(norm, n))
            .fold(0.0_f64, f64::max)
    };
    let own = score(standard);
    let rival = others
        .filter(|l| l.standard != standard.standard)
        .map(score)
        .fold(0.0_f64, f64::max);
    (own >= FIX_MIN_SCORE && own - rival >= FIX_MARGIN)
        .then(|| crate::diagnostic::Fix::replace(span.clone(), standard.standard.clone()))
}

fn collapsed_groups(cx: &mut Context<'_>, tpl: &TableTemplate, table: &TableReading) {
    for (ri, row) in tpl.rows.iter().enumerate() {
        let reading = &table.rows[ri];
        if !row.group || !reading.has_values() {
            continue;
        }
        let children: Vec<usize> = tpl.children(ri).collect();
        if children.iter().any(|&c| table.rows[c].is_found()) {
            continue;
        }
        let names: Vec<&str> = children
            .iter()
            .map(|&c| tpl.rows[c].short.as_str())
            .collect();
        let Some(span) = reading.label.as_ref().map(|l| l.span.clone()) else {
            continue;
        };
        let d = cx
            .diagnostic(
                span,
                format!(
                    "{}「{}」只填了一行，未按格式拆分为 {} 个明细行",
                    tpl.name,
                    row.short,
                    names.len()
                ),
            )
            .primary_label("应拆分为明细行")
            .note(format!("格式规定的明细行：{}", names.join("；")))
            .note("合计核对时以此行数值代替其明细之和")
            .help("按格式分别填写各明细行");
        cx.push(d);
    }
}

fn legacy(cx: &mut Context<'_>, tpl: &TableTemplate, table: &TableReading) {
    if cx
        .doc
        .year
        .as_ref()
        .is_some_and(|y| y.year < FORMAT_2021_FROM)
    {
        return;
    }
    let Some(first) = table.legacy.first() else {
        return;
    };
    let l = &tpl.legacy[first.legacy];
    let mut d = cx
        .diagnostic(
            first.span.clone(),
            format!("{}使用了2019年版格式的标签「{}」", tpl.name, l.label),
        )
        .primary_label(format!("2021年格式为「{}」", l.current))
        .note("2021年起的年度报告应使用国办公开办函〔2021〕30号规定的格式")
        .help(format!("按2021年格式重新填写{}", tpl.name));
    if table.legacy.len() > 1 {
        d = d.note(format!("共发现 {} 处2019年版标签", table.legacy.len()));
    }
    for hit in table.legacy.iter().skip(1).take(MAX_LABELS) {
        d = d.label(
            hit.span.clone(),
            format!("2019年版标签「{}」", tpl.legacy[hit.legacy].label),
        );
    }
    cx.push(d);
}
