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

mod engine;
mod record;
pub mod store;

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Severity};
use crate::pack::Pack;
use crate::parse::Document;
use crate::parse::body_key::BodyKey;

// What the rule kinds see, defined beside them (`rules::series_check`).
pub use crate::rules::series_check::{
    AggregateCx, CellFact, Cells, Facts, GluedFact, Identity, PairCx, ReportFacts, RowFacts,
    SeriesCheck, SeriesOutcome, Stated,
};
pub use engine::{FactsSource, check_stored};
pub use store::Store;

// Defined with the rule kinds' interface (`rules::series_check`); reducing a report
// needs the pack, so it lives with the stage that has one.
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
                    let place = crate::diagnostic::place::resolve_place(doc, &span);
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
    use crate::parse::body_key;

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
