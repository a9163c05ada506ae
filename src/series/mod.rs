//! Series: reports checked against each other. A batch's reports are reduced to
//! compact `ReportFacts` as they are checked (the cells the cross-year rules read, with
//! the candidate readings of glued rows, and what each series rule extracts: 累计
//! figures, sentence fingerprints…); the `Document`s are dropped. Reports of one body
//! (`parse::body_key`) form a series; consecutive years are paired through a hash map
//! keyed by the body (never all pairs), and the rules of kind `cross_year` /
//! `cross_year_text` run on each pair in year order, so that a glued cell settled by
//! last year's figures is used for next year's. `aggregate` rules compare a summary
//! report with the sum of its units' reports (`Aggregate`).
//!
//! Findings point into this year's report (byte spans, rendered when that report is
//! read again) and at last year's report through `Diagnostic::elsewhere` (places
//! resolved when last year's report was read).

pub mod codec;
mod engine;
mod record;
pub mod store;

use std::any::Any;
use std::collections::HashMap;
use std::fmt::Debug;
use std::ops::Range;

use crate::number::Num;
use crate::pack::{Pack, Templates};
use crate::parse::body_key::{self, BodyKey};
use crate::parse::glued::Outcome as GluedOutcome;
use crate::parse::{CellValue, Document};
use crate::report::{Diagnostic, Place, Severity};
use crate::rules::RuleMeta;

pub use codec::{Reader, Writer};
pub use engine::{FactsSource, check_stored};
pub use store::Store;

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
struct Packed {
    value: Num,
    start: u32,
    end: u32,
}

const NONE: Packed = Packed {
    value: Num::ZERO,
    start: u32::MAX,
    end: 0,
};

/// The cells of one row: certain values by column, or the readings of a glued row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RowFacts {
    values: Vec<Packed>,
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
    fn of(doc: &Document, templates: &Templates) -> Cells {
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
    /// Reduces a checked report to what the series rules of `pack` need.
    pub fn of(doc: &Document, pack: &Pack, pack_index: usize, identity: Identity) -> ReportFacts {
        let templates = &pack.templates;
        let mut cells = Cells::of(doc, templates);
        let mut rules = Vec::new();
        let mut wanted: Vec<(usize, Option<usize>, Option<usize>)> = Vec::new();
        for rule in pack.enabled_rules() {
            let Some(series) = rule.check.series() else {
                continue;
            };
            if let Some(f) = series.facts(doc, templates) {
                rules.push((rule.meta.id.clone(), f));
            }
            wanted.extend(series.labelled_cells());
        }
        for (t, r, c) in wanted {
            let Some(rows) = cells.tables.get(t) else {
                continue;
            };
            for (ri, row) in rows.iter().enumerate() {
                if r.is_some_and(|r| r != ri) {
                    continue;
                }
                for ci in 0..row.columns() {
                    if c.is_some_and(|c| c != ci)
                        || cells.places.iter().any(|(k, _)| *k == (t, ri, ci))
                    {
                        continue;
                    }
                    // A certain cell, or the run of a glued row it is read from.
                    let span = match (row.value(ci), &row.glued) {
                        (Some(v), _) => v.span,
                        (None, Some(g)) if g.columns.contains(&ci) => g.span.clone(),
                        _ => continue,
                    };
                    let place = crate::report::json::resolve_place(doc, &span);
                    cells.places.push(((t, ri, ci), place));
                }
            }
        }
        ReportFacts {
            path: doc.path.clone(),
            identity,
            pack: pack_index,
            reference: false,
            cells,
            rules,
        }
    }

    /// This rule's facts, if it extracted any.
    pub fn rule<T: 'static>(&self, id: &str) -> Option<&T> {
        find_rule(&self.rules, id)
    }

    /// Nothing (no allocation): what an in-memory batch leaves in a report's slot while
    /// the series stage holds its facts.
    fn placeholder() -> ReportFacts {
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

/// A summary report that must equal the sum of other reports (indexes into the batch).
#[derive(Clone, Debug)]
pub struct Aggregate {
    pub total: usize,
    pub parts: Vec<usize>,
}

/// How the batch was paired, for the summary and `-v`.
#[derive(Debug, Default)]
pub struct Pairing {
    /// (last year's, this year's) report indexes.
    pub pairs: Vec<(usize, usize)>,
    /// Reports left out because another report has the same body and year.
    pub duplicates: Vec<usize>,
}

/// Pairs the reports by body and consecutive years (see `pair_ids`).
pub fn pair(reports: &[ReportFacts]) -> Pairing {
    let ids: Vec<(Option<&BodyKey>, Option<i32>)> = reports
        .iter()
        .map(|r| (r.identity.key.as_ref(), r.identity.year))
        .collect();
    pair_ids(&ids)
}

/// Pairs the reports, given by their body key and year, by body and consecutive years.
/// Linear: one hash map from the body to its reports. A key without a region (a
/// department's short title) joins the one body of the batch with the same unit, when
/// there is exactly one.
pub fn pair_ids(reports: &[(Option<&BodyKey>, Option<i32>)]) -> Pairing {
    let mut by_unit: HashMap<&str, Vec<&BodyKey>> = HashMap::new();
    for &(key, _) in reports {
        if let Some(k) = key
            && !k.region.is_empty()
        {
            let list = by_unit.entry(k.unit.as_str()).or_default();
            if !list.contains(&k) {
                list.push(k);
            }
        }
    }
    let mut series: HashMap<BodyKey, Vec<(i32, usize)>> = HashMap::new();
    for (i, &(key, year)) in reports.iter().enumerate() {
        let (Some(k), Some(y)) = (key, year) else {
            continue;
        };
        let key = if k.region.is_empty() {
            match by_unit.get(k.unit.as_str()).map(Vec::as_slice) {
                Some([one]) => (*one).clone(),
                _ => k.clone(),
            }
        } else {
            k.clone()
        };
        series.entry(key).or_default().push((y, i));
    }
    let mut out = Pairing::default();
    let mut keys: Vec<&BodyKey> = series.keys().collect();
    keys.sort();
    for k in keys {
        let list = &series[k];
        let mut list = list.clone();
        list.sort();
        let mut by_year: Vec<(i32, usize)> = Vec::with_capacity(list.len());
        for (j, &(y, i)) in list.iter().enumerate() {
            let dup = list.get(j + 1).is_some_and(|n| n.0 == y) || (j > 0 && list[j - 1].0 == y);
            if dup {
                out.duplicates.push(i);
            } else {
                by_year.push((y, i));
            }
        }
        for w in by_year.windows(2) {
            if w[1].0 == w[0].0 + 1 {
                out.pairs.push((w[0].1, w[1].1));
            }
        }
    }
    out
}

/// Runs the series rules over every pair (in year order) and every aggregate, on a
/// batch held in memory. Returns what was found per report index (only reports with
/// findings or settlements). `check_stored` does the same on a spilled batch.
pub fn check_series(
    reports: &mut [ReportFacts],
    packs: &[&Pack],
    aggregates: &[Aggregate],
) -> (Pairing, HashMap<usize, SeriesOutcome>) {
    let pairing = pair(reports);
    let outcomes = engine::run(&mut engine::InMemory(reports), &pairing, packs, aggregates);
    (pairing, outcomes)
}

/// Adds a report's series findings to its own: drops its findings about glued runs the
/// series settled, and sorts them in document order.
pub fn apply(outcome: &SeriesOutcome, diagnostics: &mut Vec<Diagnostic>) {
    if !outcome.settled.is_empty() {
        diagnostics
            .retain(|d| !(d.severity != Severity::Error && outcome.settled.contains(&d.primary)));
    }
    diagnostics.extend(outcome.diagnostics.iter().cloned());
    diagnostics.sort_by(|a, b| {
        (a.primary.start, &a.rule, a.primary.end).cmp(&(b.primary.start, &b.rule, b.primary.end))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(name: &str, year: i32) -> ReportFacts {
        ReportFacts {
            path: format!("{name}-{year}"),
            identity: Identity {
                name: Some(name.to_string()),
                key: body_key::normalise(name),
                year: Some(year),
                from_config: false,
            },
            pack: 0,
            reference: false,
            cells: Cells::default(),
            rules: Vec::new(),
        }
    }

    #[test]
    fn consecutive_years_of_one_body_are_paired_and_nothing_else() {
        let reports = vec![
            report("甲县财政局", 2023),
            report("乙县财政局", 2022),
            report("甲县财政局", 2021),
            report("甲县财政局", 2022),
            report("乙县财政局", 2024), // a gap: 2023 missing
            report("丙县教育局", 2022),
            report("丙县教育局", 2023),
            report("丙县教育局", 2023), // two 2023 reports: neither is paired
        ];
        let p = pair(&reports);
        let mut pairs = p.pairs.clone();
        pairs.sort_unstable();
        assert_eq!(pairs, vec![(2, 3), (3, 0)]);
        let mut dup = p.duplicates.clone();
        dup.sort_unstable();
        assert_eq!(dup, vec![6, 7]);
    }

    #[test]
    fn a_short_title_joins_the_only_body_with_its_unit() {
        let reports = vec![
            report("甲乙综合实验区财政金融局", 2022),
            report("财政金融局", 2023),
            report("丙丁区教育局", 2022),
            report("戊己区教育局", 2022),
            report("教育局", 2023), // two bodies with this unit: not paired
        ];
        assert_eq!(pair(&reports).pairs, vec![(0, 1)]);
    }
}
