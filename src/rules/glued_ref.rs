//! A narrative figure against a cell of a glued row with several readings (T111): the
//! figure is compared with the cell's value in every reading. None gives it → the
//! narrative contradicts the table whichever way the digits are cut: a certain
//! finding, with the candidates. One or more give it → nothing is contradicted (and
//! when exactly one reading gives it, the narrative settles the ambiguity: said in a
//! note of the ambiguity finding, see `settled`).
//!
//! Not a rule kind: `cross_ref` calls it when its cells are not all certain numbers.

use crate::number::Num;
use crate::parse::Document;
use crate::parse::glued::Outcome;
use crate::parse::tables::CellValue;
use crate::rules::expr::{Term, TermKind};

/// The values the cells of `terms` may add up to, when exactly one of them is in a
/// glued row with a complete list of readings and every other is a certain number.
pub struct Candidates {
    /// Table and row of the glued row.
    pub table: usize,
    pub row: usize,
    /// The digits as written and their span.
    pub digits: String,
    pub span: std::ops::Range<usize>,
    /// For each reading: the readings' cells and the total the terms take.
    pub readings: Vec<(Vec<u64>, Num)>,
}

impl Candidates {
    pub fn totals(&self) -> Vec<Num> {
        let mut t: Vec<Num> = self.readings.iter().map(|(_, n)| *n).collect();
        t.sort();
        t.dedup();
        t
    }

    /// Readings whose total is `value`.
    pub fn giving(&self, value: Num) -> Vec<&[u64]> {
        self.readings
            .iter()
            .filter(|(_, n)| *n == value)
            .map(|(r, _)| r.as_slice())
            .collect()
    }
}

pub fn candidates(
    terms: &[Term],
    doc: &Document,
    templates: &crate::template::Templates,
) -> Option<Candidates> {
    let mut glued: Option<(usize, usize)> = None;
    let mut fixed = Num::ZERO;
    let mut varying: Vec<(i64, usize)> = Vec::new();
    for t in terms {
        match t.kind {
            TermKind::Const(n) => fixed = fixed.checked_add(n.checked_mul_int(t.sign)?)?,
            TermKind::Cell {
                table,
                row: Some(row),
                col: Some(col),
            } => {
                let reading = doc.tables.get(table)?.rows.get(row)?;
                let ambiguous = reading
                    .glued
                    .as_ref()
                    .is_some_and(|g| matches!(g.outcome, Outcome::Ambiguous { more: false, .. }));
                if ambiguous {
                    if glued.is_some_and(|g| g != (table, row)) {
                        return None;
                    }
                    glued = Some((table, row));
                    let pos = templates.tables[table].rows[row]
                        .columns
                        .iter()
                        .position(|&c| c == col)?;
                    varying.push((t.sign, pos));
                } else {
                    let CellValue::Number(v) = reading.cells.get(col)?.value else {
                        return None;
                    };
                    fixed = fixed.checked_add(v.checked_mul_int(t.sign)?)?;
                }
            }
            _ => return None,
        }
    }
    let (table, row) = glued?;
    let decoding = doc.tables[table].rows[row].glued.as_ref()?;
    let Outcome::Ambiguous { readings, .. } = &decoding.outcome else {
        return None;
    };
    let mut out = Vec::new();
    for r in readings {
        let mut total = fixed;
        for &(sign, pos) in &varying {
            let v = Num::from_int(i64::try_from(*r.get(pos)?).ok()?);
            total = total.checked_add(v.checked_mul_int(sign)?)?;
        }
        out.push((r.clone(), total));
    }
    Some(Candidates {
        table,
        row,
        digits: decoding.digits.clone(),
        span: decoding.span.clone(),
        readings: out,
    })
}
