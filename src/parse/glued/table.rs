//! Glued rows of a table reading → the generic decoder, and its readings back into the
//! table.
//!
//! The relations come from the pack: every enabled `equation` rule gives a
//! `RelationSpec` (its terms, `*` ranges included), stored in `Templates::relations`
//! when the pack loads. Here they are expanded over the rows and columns of one table,
//! cells read with certainty are folded into constants, and relations that involve a
//! blank, missing or other-table cell are dropped (the `equation` rule skips them too).
//! A relation is named by its rule id and where it applies (`T201「一、本年新收」行`), so
//! findings and `extract` can say which checks were used to decode and which were left.

use std::ops::Range;

use super::{GluedRow, Limits, LinearRelation, Outcome, decode_table};
use crate::number::Num;
use crate::parse::tables::{Cell, CellValue, RowShape, TableReading};
use crate::template::TableTemplate;
use crate::template::expr::{RelationSpec, Term, TermKind};
use crate::text::fold_char;

/// What decoding found for a glued row (kept on `RowReading::glued`).
#[derive(Clone, Debug)]
pub struct GluedDecoding {
    /// The digits as decoded (ASCII).
    pub digits: String,
    /// The run as written.
    pub span: Range<usize>,
    pub outcome: Outcome,
    /// Relations used to decode the row (for `Impossible`: those that cannot hold).
    pub used: Vec<String>,
    /// Relations over this row's cells that were not used: they still verify it.
    pub left: Vec<String>,
    /// For an impossible row decoded with other rows: their template indexes.
    pub with_rows: Vec<usize>,
}

impl GluedDecoding {
    /// The note every finding on a reconstructed cell carries.
    pub fn note(&self, row_name: &str) -> Option<String> {
        let Outcome::Unique(values) = &self.outcome else {
            return None;
        };
        let parts: Vec<String> = values.iter().map(u64::to_string).collect();
        let how = if self.used.is_empty() {
            "按位数只有一种拆法".to_string()
        } else {
            format!(
                "按表内勾稽关系（{}，因此这些关系不再用来核对此行）",
                summarize(&self.used)
            )
        };
        Some(format!(
            "{row_name}的数字在原文中连写（「{}」），{how}拆分为 {}",
            self.digits,
            parts.join("、")
        ))
    }
}

/// Relation names for a sentence: a rule applied at more than two places is counted,
/// not listed (`T202（7 处）`).
pub fn summarize(names: &[String]) -> String {
    let mut rules: Vec<(&str, Vec<&String>)> = Vec::new();
    for n in names {
        let rule = n.split('「').next().unwrap_or(n);
        match rules.iter_mut().find(|(r, _)| *r == rule) {
            Some((_, v)) => v.push(n),
            None => rules.push((rule, vec![n])),
        }
    }
    rules
        .iter()
        .map(|(rule, v)| {
            if v.len() > 2 {
                format!("{rule}（{} 处）", v.len())
            } else {
                v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("；")
            }
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// Expands the pack's relations over one table, keeping those whose cells are all in
/// it, all either read with certainty or in a glued row.
fn expand(
    ti: usize,
    tpl: &TableTemplate,
    table: &TableReading,
    specs: &[RelationSpec],
) -> Vec<LinearRelation> {
    let glued = |r: usize| matches!(table.rows[r].shape, RowShape::Glued { .. });
    let mut out = Vec::new();
    for spec in specs {
        let star_rows: Vec<Option<usize>> = match &spec.star_rows {
            None => vec![None],
            Some((t, _)) if *t != ti => continue,
            Some((_, rows)) => rows
                .iter()
                .copied()
                .filter(|&r| !tpl.rows[r].group || table.rows[r].has_values())
                .map(Some)
                .collect(),
        };
        let star_cols: Vec<Option<usize>> = match &spec.star_cols {
            None => vec![None],
            Some((t, _)) if *t != ti => continue,
            Some((_, cols)) => cols.iter().copied().map(Some).collect(),
        };
        for &row in &star_rows {
            for &col in &star_cols {
                let mut rel = LinearRelation {
                    name: name(spec, tpl, row, col),
                    terms: Vec::new(),
                    constant: 0,
                    cmp: spec.op,
                };
                let lhs = spec.lhs.iter().map(|t| (t, 1));
                let rhs = spec.rhs.iter().map(|t| (t, -1));
                let ok = lhs
                    .chain(rhs)
                    .all(|(t, side)| add_term(&mut rel, t, side, ti, tpl, table, row, col, &glued));
                if ok && !rel.terms.is_empty() {
                    out.push(rel);
                }
            }
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn add_term(
    rel: &mut LinearRelation,
    t: &Term,
    side: i64,
    ti: usize,
    tpl: &TableTemplate,
    table: &TableReading,
    star_row: Option<usize>,
    star_col: Option<usize>,
    glued: &dyn Fn(usize) -> bool,
) -> bool {
    let coef = t.sign * side;
    let cells: Vec<(usize, usize)> = match t.kind {
        TermKind::Const(n) => {
            return match int(n).and_then(|v| v.checked_mul(coef)) {
                Some(v) => {
                    rel.constant += v;
                    true
                }
                None => false,
            };
        }
        TermKind::Cell {
            table: t2,
            row,
            col,
        } => {
            let (Some(r), Some(c)) = (row.or(star_row), col.or(star_col)) else {
                return false;
            };
            if t2 != ti {
                return false;
            }
            vec![(r, c)]
        }
        TermKind::Sum {
            table: t2,
            row,
            col,
        } => {
            let Some(c) = col.or(star_col) else {
                return false;
            };
            if t2 != ti {
                return false;
            }
            sum_rows(tpl, table, row)
                .into_iter()
                .map(|r| (r, c))
                .collect()
        }
    };
    for (r, c) in cells {
        if !tpl.rows.get(r).is_some_and(|x| x.columns.contains(&c)) {
            return false;
        }
        if glued(r) {
            rel.terms.push((coef, (r, c)));
            continue;
        }
        match table.cell(r, c).map(|x| &x.value) {
            Some(CellValue::Number(n)) => match int(*n).and_then(|v| v.checked_mul(coef)) {
                Some(v) => rel.constant += v,
                None => return false,
            },
            _ => return false,
        }
    }
    true
}

/// The rows `sum(group)` adds: a group filled as one row counts as itself.
fn sum_rows(tpl: &TableTemplate, table: &TableReading, row: usize) -> Vec<usize> {
    if !tpl.rows[row].group || table.rows[row].has_values() {
        return vec![row];
    }
    tpl.children(row)
        .flat_map(|c| sum_rows(tpl, table, c))
        .collect()
}

fn int(n: Num) -> Option<i64> {
    if !n.is_integer() {
        return None;
    }
    n.to_string().parse().ok()
}

fn name(
    spec: &RelationSpec,
    tpl: &TableTemplate,
    row: Option<usize>,
    col: Option<usize>,
) -> String {
    let mut s = spec.rule.clone();
    if let Some(r) = row {
        s.push_str(&format!("「{}」行", tpl.rows[r].short));
    }
    if let Some(c) = col {
        s.push_str(&format!("「{}」列", tpl.columns[c].display()));
    }
    s
}

/// Byte ranges of the digits of `span` in `text` (full-width digits included; spaces
/// and anything else skipped), and the digits as ASCII.
fn digit_positions(text: &str, span: &Range<usize>) -> (String, Vec<Range<usize>>) {
    let mut digits = String::new();
    let mut at = Vec::new();
    if let Some(s) = text.get(span.clone()) {
        for (i, c) in s.char_indices() {
            let f = fold_char(c);
            if f.is_ascii_digit() {
                digits.push(f);
                at.push(span.start + i..span.start + i + c.len_utf8());
            }
        }
    }
    (digits, at)
}

/// Decodes every glued row of `table` with the relations of the pack and writes the
/// result back: a unique reading becomes `Number` cells marked `reconstructed` (each
/// with the span of its own digits) and the row `Complete`; every glued row gets its
/// `GluedDecoding`. Returns true when a row was reconstructed.
pub fn apply(
    ti: usize,
    tpl: &TableTemplate,
    text: &str,
    table: &mut TableReading,
    specs: &[RelationSpec],
    limits: &Limits,
) -> bool {
    let mut glued: Vec<(usize, Range<usize>, Vec<Range<usize>>)> = Vec::new();
    let mut input: Vec<GluedRow> = Vec::new();
    for (ri, reading) in table.rows.iter().enumerate() {
        let RowShape::Glued { span, .. } = &reading.shape else {
            continue;
        };
        let (digits, at) = digit_positions(text, span);
        input.push(GluedRow {
            row: ri,
            columns: tpl.rows[ri].columns.clone(),
            digits,
        });
        glued.push((ri, span.clone(), at));
    }
    if input.is_empty() {
        return false;
    }
    let relations = expand(ti, tpl, table, specs);
    let decoded = decode_table(&input, &relations, limits);
    // A relation used to decode any row holds by construction: it verifies nothing.
    let all_used: std::collections::BTreeSet<usize> = decoded
        .iter()
        .flat_map(|d| d.used.iter().copied())
        .collect();
    let mut changed = false;
    for ((d, (ri, span, at)), g) in decoded.into_iter().zip(glued).zip(&input) {
        let used: Vec<String> = d.used.iter().map(|&i| relations[i].name.clone()).collect();
        let left: Vec<String> = relations
            .iter()
            .enumerate()
            .filter(|(i, r)| !all_used.contains(i) && r.terms.iter().any(|(_, k)| k.0 == ri))
            .map(|(_, r)| r.name.clone())
            .collect();
        let with_rows = match &d.outcome {
            Outcome::Impossible(super::Impossible::Rows(rows)) => rows.clone(),
            _ => Vec::new(),
        };
        let reading = &mut table.rows[ri];
        if let Outcome::Unique(values) = &d.outcome {
            let mut pos = 0;
            for (&col, &v) in g.columns.iter().zip(values) {
                let len = v.to_string().len();
                let cell_span = match (at.get(pos), at.get(pos + len - 1)) {
                    (Some(a), Some(b)) => a.start..b.end,
                    _ => span.clone(),
                };
                pos += len;
                reading.cells[col] = Cell {
                    value: CellValue::Number(Num::from_int(v as i64)),
                    span: Some(cell_span),
                    reconstructed: true,
                };
            }
            reading.shape = RowShape::Complete;
            changed = true;
        }
        reading.glued = Some(GluedDecoding {
            digits: g.digits.clone(),
            span,
            outcome: d.outcome,
            used,
            left,
            with_rows,
        });
    }
    changed
}
