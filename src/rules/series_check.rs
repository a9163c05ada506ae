//! What a rule kind that compares reports sees (the cross-year and aggregate kinds):
//! the `SeriesCheck` interface, the compact `ReportFacts` a batch keeps of each report,
//! and the contexts a pair or an aggregate is checked in. The series stage that pairs
//! the reports and runs these checks is `crate::series`, above the packs; this part is
//! below them, beside `Check`, so that the rule kinds implement it without depending on
//! the stage that drives them.

use std::any::Any;
use std::fmt::Debug;
use std::ops::Range;

use super::RuleMeta;
use crate::diagnostic::{Diagnostic, Place};
use crate::number::Num;
use crate::parse::body_key::{self, BodyKey};
use crate::parse::glued::Outcome as GluedOutcome;
use crate::parse::{CellValue, Document};
use crate::spill::{Reader, Writer};
use crate::template::Templates;

/// One series rule's facts about one report. A batch spills them to a temporary file
/// (`store`) in the encoding `encode` writes and the rule's `decode_facts` reads.
pub trait Facts: Any + Send + Sync + Debug {
    fn encode(&self, out: &mut Writer);
}

/// What a rule kind that compares reports does: extract its compact facts from one
/// report, then check pairs (cross-year) or a summary against its parts (aggregate).
pub trait SeriesCheck: Send + Sync {
    /// The facts this rule needs from a report, kept while the batch is paired.
    fn facts(&self, _doc: &Document, _templates: &Templates) -> Option<Box<dyn Facts>> {
        None
    }

    /// Reads back what `Facts::encode` wrote for this rule's facts (`None`: malformed).
    fn decode_facts(&self, input: &mut Reader<'_>) -> Option<Box<dyn Facts>>;

    /// Cells of last year's report this rule may label: their places are resolved
    /// when that report is read (table, row, column; `None`: every).
    fn labelled_cells(&self) -> Vec<(usize, Option<usize>, Option<usize>)> {
        Vec::new()
    }

    /// Checks this year's report against last year's.
    fn check_pair(&self, _cx: &mut PairCx<'_>) {}

    /// Checks a summary report against the reports of its units.
    fn check_aggregate(&self, _cx: &mut AggregateCx<'_>) {}
}

/// Who a report is and which year it covers, as the batch pairs it.
#[derive(Clone, Debug, Default)]
pub struct Identity {
    /// The body's name as read (or configured).
    pub name: Option<String>,
    pub key: Option<BodyKey>,
    pub year: Option<i32>,
    /// Where the body and year came from, for `-v`.
    pub from_config: bool,
}

impl Identity {
    /// The identity of a parsed report: its inferred body and year, with the
    /// configured ones (`--body`/`--year`, `nianbao.toml`) where the text says nothing
    /// (`fallback`) or in place of what it says (`force`).
    pub fn of(doc: &Document, fallback: &Stated, force: &Stated) -> Identity {
        let inferred_name = doc
            .body
            .as_ref()
            .filter(|b| b.source == crate::parse::body::BodySource::Title)
            .map(|b| b.name.clone());
        let name = force
            .body
            .clone()
            .or(inferred_name.clone())
            .or_else(|| fallback.body.clone());
        let year = force
            .year
            .or(doc.year.as_ref().map(|y| y.year))
            .or(fallback.year);
        let from_config = force.body.is_some()
            || force.year.is_some()
            || (inferred_name.is_none() && fallback.body.is_some())
            || (doc.year.is_none() && fallback.year.is_some());
        Identity {
            key: name.as_deref().and_then(body_key::normalise),
            name,
            year,
            from_config,
        }
    }

    /// `系列：平潭·财政金融局 2023`, for `-v` and `extract`.
    pub fn describe(&self) -> String {
        match (&self.key, self.year) {
            (Some(k), Some(y)) => format!(
                "系列：{} {y} 年度（发布机关规范化为「{}」{}）",
                self.name.as_deref().unwrap_or(""),
                k.display(),
                if self.from_config { "，含配置指定" } else { "" }
            ),
            (None, _) => "系列：发布机关无法确定（可用 --body 或 nianbao.toml 的 body 指定），不参与跨年度核对".to_string(),
            (Some(k), None) => format!(
                "系列：{}，年度无法确定（可用 --year 指定），不参与跨年度核对",
                k.display()
            ),
        }
    }
}

/// A body and year stated outside the report (command line, configuration).
#[derive(Clone, Debug, Default)]
pub struct Stated {
    pub body: Option<String>,
    pub year: Option<i32>,
}

/// One certain cell: its value and where it is in its report.
#[derive(Clone, Debug)]
pub struct CellFact {
    pub value: Num,
    pub span: Range<usize>,
}

/// A glued row left ambiguous by its own report: the readings still possible.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GluedFact {
    /// Template columns, in the order of each reading's values.
    pub columns: Vec<usize>,
    pub readings: Vec<Vec<u64>>,
    pub digits: String,
    pub span: Range<usize>,
}

/// One cell packed in 16 bytes (a batch keeps every report's cells): its value and
/// span; `start == u32::MAX` when the cell holds no certain number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Packed {
    pub(crate) value: Num,
    pub(crate) start: u32,
    pub(crate) end: u32,
}

pub(crate) const NONE: Packed = Packed {
    value: Num::ZERO,
    start: u32::MAX,
    end: 0,
};

/// The cells of one row: certain values by column, or the readings of a glued row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RowFacts {
    /// Read and written by the series store's records (`series::record`).
    pub(crate) values: Vec<Packed>,
    pub glued: Option<GluedFact>,
}

impl RowFacts {
    /// The certain number of column `col`, if any.
    pub fn value(&self, col: usize) -> Option<CellFact> {
        let p = self.values.get(col)?;
        (p.start != u32::MAX).then_some(CellFact {
            value: p.value,
            span: p.start as usize..p.end as usize,
        })
    }

    /// Makes column `col` certain (a glued row settled by a cross-year relation).
    pub fn set(&mut self, col: usize, cell: CellFact) {
        let (Ok(start), Ok(end)) = (u32::try_from(cell.span.start), u32::try_from(cell.span.end))
        else {
            return;
        };
        if let Some(slot) = self.values.get_mut(col)
            && start != u32::MAX
        {
            *slot = Packed {
                value: cell.value,
                start,
                end,
            };
        }
    }

    /// Number of columns (the table's).
    pub fn columns(&self) -> usize {
        self.values.len()
    }

    /// Whether any column holds a certain number.
    pub fn has_values(&self) -> bool {
        self.values.iter().any(|p| p.start != u32::MAX)
    }
}

/// The cells of a report's tables (readable tables only).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cells {
    /// `[table][row]`; an unreadable table has no rows.
    pub tables: Vec<Vec<RowFacts>>,
    /// Places of the cells some rule may label in the next year's findings.
    pub places: Vec<((usize, usize, usize), Place)>,
}

impl Cells {
    /// The certain cells and glued rows of a report's readable tables.
    pub(crate) fn of(doc: &Document, templates: &Templates) -> Cells {
        let mut tables = Vec::with_capacity(doc.tables.len());
        for (table, tpl) in doc.tables.iter().zip(&templates.tables) {
            if !table.is_readable() {
                tables.push(Vec::new());
                continue;
            }
            let rows = table
                .rows
                .iter()
                .enumerate()
                .map(|(ri, row)| {
                    let values = (0..tpl.columns.len())
                        .map(|c| {
                            let Some(cell) = row.cells.get(c) else {
                                return NONE;
                            };
                            match (&cell.value, &cell.span) {
                                (CellValue::Number(v), Some(span)) => {
                                    match (u32::try_from(span.start), u32::try_from(span.end)) {
                                        (Ok(start), Ok(end)) if start != u32::MAX => Packed {
                                            value: *v,
                                            start,
                                            end,
                                        },
                                        _ => NONE,
                                    }
                                }
                                _ => NONE,
                            }
                        })
                        .collect();
                    let glued = row.glued.as_ref().and_then(|g| match &g.outcome {
                        GluedOutcome::Ambiguous {
                            readings,
                            more: false,
                        } if readings.len() > 1 => Some(GluedFact {
                            columns: tpl.rows[ri].columns.clone(),
                            readings: readings.clone(),
                            digits: g.digits.clone(),
                            span: g.span.clone(),
                        }),
                        _ => None,
                    });
                    RowFacts { values, glued }
                })
                .collect();
            tables.push(rows);
        }
        Cells {
            tables,
            places: Vec::new(),
        }
    }

    pub fn row(&self, table: usize, row: usize) -> Option<&RowFacts> {
        self.tables.get(table)?.get(row)
    }

    pub fn place(&self, table: usize, row: usize, col: usize) -> Option<&Place> {
        self.places
            .iter()
            .find(|(k, _)| *k == (table, row, col))
            .map(|(_, p)| p)
    }
}

/// What the batch keeps of one report.
#[derive(Debug)]
pub struct ReportFacts {
    /// As shown in findings.
    pub path: String,
    pub identity: Identity,
    /// The pack it was checked with (index into the packs given to `check_series`).
    pub pack: usize,
    /// Only a reference for pairing (`--previous`): its own findings are not shown.
    pub reference: bool,
    pub cells: Cells,
    /// Each series rule's facts, by rule id.
    pub rules: Vec<(String, Box<dyn Facts>)>,
}

impl ReportFacts {
    /// This rule's facts, if it extracted any.
    pub fn rule<T: 'static>(&self, id: &str) -> Option<&T> {
        find_rule(&self.rules, id)
    }

    /// Nothing (no allocation): what an in-memory batch leaves in a report's slot while
    /// the series stage holds its facts.
    pub(crate) fn placeholder() -> ReportFacts {
        ReportFacts {
            path: String::new(),
            identity: Identity::default(),
            pack: 0,
            reference: false,
            cells: Cells::default(),
            rules: Vec::new(),
        }
    }
}

fn find_rule<'a, T: 'static>(rules: &'a [(String, Box<dyn Facts>)], id: &str) -> Option<&'a T> {
    rules
        .iter()
        .find(|(r, _)| r == id)
        .and_then(|(_, f)| (f.as_ref() as &dyn Any).downcast_ref::<T>())
}

/// What the series stage found for one report.
#[derive(Debug, Default)]
pub struct SeriesOutcome {
    pub diagnostics: Vec<Diagnostic>,
    /// Glued runs of this report settled by a cross-year relation: findings of the
    /// report itself pointing at them (the ambiguity) are dropped.
    pub settled: Vec<Range<usize>>,
}

/// What a cross-year check sees: last year's facts, this year's (its cells mutable, so
/// that a settled glued row is used by the next pair), and where to put findings.
pub struct PairCx<'a> {
    pub meta: &'a RuleMeta,
    pub templates: &'a Templates,
    pub prev: &'a ReportFacts,
    pub prev_year: i32,
    pub year: i32,
    pub path: &'a str,
    pub cells: &'a mut Cells,
    pub rules: &'a [(String, Box<dyn Facts>)],
    pub out: &'a mut SeriesOutcome,
}

impl PairCx<'_> {
    pub fn diagnostic(&self, primary: Range<usize>, message: String) -> Diagnostic {
        Diagnostic::new(&self.meta.id, self.meta.severity, primary, message)
    }

    /// This year's facts of this rule.
    pub fn mine<T: 'static>(&self) -> Option<&T> {
        find_rule(self.rules, &self.meta.id)
    }

    /// Last year's facts of this rule.
    pub fn theirs<T: 'static>(&self) -> Option<&T> {
        self.prev.rule(&self.meta.id)
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.out.diagnostics.push(d);
    }
}

/// A summary report and its units' reports.
pub struct AggregateCx<'a> {
    pub meta: &'a RuleMeta,
    pub templates: &'a Templates,
    pub total: &'a ReportFacts,
    pub parts: Vec<&'a ReportFacts>,
    pub out: &'a mut SeriesOutcome,
}
