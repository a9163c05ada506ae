//! Cell expressions evaluated on a document, shared by the rule kinds that compare
//! table cells: `equation` (a relation between cells) and `cross_ref` (a narrative
//! figure against cells). The notation itself (lexing, parsing, resolving against the
//! templates) is `template::expr`; this module evaluates compiled terms on the tables
//! read from a report and names the operands for messages.

use std::ops::Range;

use crate::number::Num;
use crate::parse::tables::{CellValue, TableReading};
pub use crate::template::expr::*;
use crate::template::{TableTemplate, Templates};

/// Above this many operands, the note lists only the non-zero ones.
pub const MAX_LISTED: usize = 8;

// ───────────────────────────────────────────── evaluation

/// One value that went into a side of the relation.
#[derive(Clone, Debug)]
pub struct Operand {
    pub sign: i64,
    pub value: Num,
    pub table: usize,
    pub row: usize,
    pub col: usize,
    pub span: Option<Range<usize>>,
    /// Constants have no cell.
    pub constant: bool,
}

pub struct Side {
    pub total: Num,
    pub operands: Vec<Operand>,
}

impl Side {
    /// The spans of the operands that are figures of the report (cells with a span;
    /// constants have no place).
    pub fn figure_spans(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        self.operands
            .iter()
            .filter(|o| !o.constant)
            .filter_map(|o| o.span.clone())
    }
}

#[derive(Clone, Copy)]
pub struct Binding {
    pub row: Option<usize>,
    pub col: Option<usize>,
}

/// Evaluates terms under a binding of `*`. `None` when any cell is not a certain
/// number (blank, missing, unreadable table): such a relation is not checked.
pub fn eval(
    terms: &[Term],
    b: Binding,
    tables: &[TableReading],
    templates: &Templates,
) -> Option<Side> {
    let mut side = Side {
        total: Num::ZERO,
        operands: Vec::with_capacity(terms.len()),
    };
    eval_into(terms, b, tables, templates, &mut side).then_some(side)
}

/// `eval` into `side` (its operands' buffer reused: an equation evaluates both sides of
/// every row and column it checks); false where `eval` gives `None` (`side` is then
/// left partly filled).
pub fn eval_into(
    terms: &[Term],
    b: Binding,
    tables: &[TableReading],
    templates: &Templates,
    side: &mut Side,
) -> bool {
    side.operands.clear();
    side.total = Num::ZERO;
    eval_operands(terms, b, tables, templates, &mut side.operands)
        .and_then(|()| {
            side.operands.iter().try_fold(Num::ZERO, |total, o| {
                total.checked_add(o.value.checked_mul_int(o.sign)?)
            })
        })
        .map(|total| side.total = total)
        .is_some()
}

/// The operands of `terms` under `b`, appended to `operands`.
fn eval_operands(
    terms: &[Term],
    b: Binding,
    tables: &[TableReading],
    templates: &Templates,
    operands: &mut Vec<Operand>,
) -> Option<()> {
    for t in terms {
        match t.kind {
            TermKind::Const(n) => operands.push(Operand {
                sign: t.sign,
                value: n,
                table: 0,
                row: 0,
                col: 0,
                span: None,
                constant: true,
            }),
            TermKind::Cell { table, row, col } => {
                let row = row.or(b.row)?;
                let col = col.or(b.col)?;
                let tpl = templates.tables.get(table)?;
                if !tpl.rows.get(row)?.columns.contains(&col) {
                    return None;
                }
                operands.push(cell_operand(tables.get(table)?, table, row, col, t.sign)?);
            }
            TermKind::Sum { table, row, col } => {
                let col = col.or(b.col)?;
                let tpl = templates.tables.get(table)?;
                sum_operands(tpl, tables.get(table)?, table, row, col, t.sign, operands)?;
            }
        }
    }
    Some(())
}

fn cell_operand(
    table: &TableReading,
    ti: usize,
    row: usize,
    col: usize,
    sign: i64,
) -> Option<Operand> {
    // In a table only partly readable (T002), a relation is still checked when all
    // its cells were read with confidence: rows whose values were all there, one per
    // column (or reconstructed from glued digits with a single reading). Short, long
    // and ambiguous rows keep out of every relation.
    if !table.is_readable() && !table.rows.get(row).is_some_and(read_with_confidence) {
        return None;
    }
    let cell = table.cell(row, col)?;
    let CellValue::Number(value) = cell.value else {
        return None;
    };
    Some(Operand {
        sign,
        value,
        table: ti,
        row,
        col,
        span: cell.span.clone(),
        constant: false,
    })
}

/// A row of a partly readable table whose cells are certain: as many values as
/// columns, in a layout that marks every cell's boundary (pipe rows, a glued line cut
/// at its labels) or reconstructed from glued digits with a single reading. Rows of
/// one-cell-per-line and whitespace-column layouts are not: in a table most of whose
/// rows could not be attributed, the extraction is likely scrambled, and a row that
/// happens to have as many values as columns may hold another row's figures.
pub fn read_with_confidence(row: &crate::parse::tables::RowReading) -> bool {
    use crate::parse::tokens::Layout;
    row.shape == crate::parse::tables::RowShape::Complete
        && row.label.as_ref().is_some_and(|l| {
            matches!(l.layout, Layout::Pipe | Layout::Inline)
                || row.cells.iter().any(|c| c.reconstructed)
        })
}

fn sum_operands(
    tpl: &TableTemplate,
    table: &TableReading,
    ti: usize,
    row: usize,
    col: usize,
    sign: i64,
    out: &mut Vec<Operand>,
) -> Option<()> {
    let reading = table.rows.get(row)?;
    if !tpl.rows[row].group || reading.has_values() {
        out.push(cell_operand(table, ti, row, col, sign)?);
        return Some(());
    }
    for child in tpl.children(row) {
        sum_operands(tpl, table, ti, child, col, sign, out)?;
    }
    Some(())
}

/// How operands are named in a diagnostic: by what varies among them (the row, the
/// column or both), so that `一、本年新收 23 + 二、上年结转 2` and `自然人 20 + 商业企业 3`
/// read naturally.
pub struct Naming {
    pub rows_vary: bool,
    pub cols_vary: bool,
    /// Columns of several groups (表四): prefix the group.
    pub qualify: bool,
}

impl Naming {
    pub fn name(&self, o: &Operand, primary: &Operand, templates: &Templates) -> String {
        if o.constant {
            return "常数".into();
        }
        let tpl = &templates.tables[o.table];
        let col = if self.qualify {
            tpl.columns[o.col].display()
        } else {
            tpl.columns[o.col].short.clone()
        };
        let row = tpl.rows[o.row].short.clone();
        if o.table != primary.table {
            return format!("{}「{row}」{col}", tpl.name);
        }
        match (self.rows_vary, self.cols_vary) {
            (true, false) => row,
            (true, true) => format!("{row}·{col}"),
            _ => col,
        }
    }
}

pub fn terms_text(operands: &[Operand], name: &dyn Fn(&Operand) -> String) -> String {
    let listed: Vec<&Operand> = if operands.len() > MAX_LISTED {
        operands.iter().filter(|o| o.value != Num::ZERO).collect()
    } else {
        operands.iter().collect()
    };
    let mut out = String::new();
    for (i, o) in listed.iter().enumerate() {
        let label = if o.constant {
            o.value.to_string()
        } else {
            format!("{} {}", name(o), o.value)
        };
        out.push_str(sign_prefix(i, o.sign));
        out.push_str(&label);
    }
    if listed.is_empty() {
        out.push('0');
    }
    let omitted = operands.len() - listed.len();
    if omitted > 0 {
        out.push_str(&format!("（其余 {omitted} 项为 0）"));
    }
    out
}

/// The full name of an operand, e.g. `表三「一、本年新收」总计`.
pub fn operand_name(o: &Operand, templates: &Templates) -> String {
    if o.constant {
        return o.value.to_string();
    }
    let tpl = &templates.tables[o.table];
    let row = &tpl.rows[o.row];
    let col = tpl.columns[o.col].display();
    if row.unlabeled {
        format!("{}「{col}」", tpl.name)
    } else {
        format!("{}「{}」{col}", tpl.name, row.short)
    }
}
