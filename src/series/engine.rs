//! The series stage over a batch whose facts live elsewhere (in memory, or spilled to
//! a temporary file by `store`): the pairs are walked series by series in year order,
//! holding at most last year's and this year's facts at a time — this year's become
//! last year's for the next pair, with the glued rows a cross-year relation settled —
//! then each aggregate loads its summary report and its parts. Linear in the number of
//! reports; memory is one pair (or one aggregate), whatever the size of the batch.

use std::collections::HashMap;

use super::{Aggregate, AggregateCx, PairCx, Pairing, ReportFacts, SeriesOutcome};
use crate::pack::Pack;

/// Where the series stage takes a report's facts from and gives them back to.
pub trait FactsSource {
    /// The facts of report `i` (`None`: none kept, or they could not be read back).
    fn load(&mut self, i: usize, packs: &[&Pack]) -> Option<ReportFacts>;

    /// Gives back the facts of report `i`; `changed` when a pair settled some of its
    /// cells (a later reader must see them).
    fn release(&mut self, i: usize, facts: ReportFacts, changed: bool);
}

/// A batch held in memory (tests, benchmarks, the library): a report's facts are
/// moved out of their slot while in use and moved back after.
pub struct InMemory<'a>(pub &'a mut [ReportFacts]);

impl FactsSource for InMemory<'_> {
    fn load(&mut self, i: usize, _packs: &[&Pack]) -> Option<ReportFacts> {
        let slot = self.0.get_mut(i)?;
        Some(std::mem::replace(slot, ReportFacts::placeholder()))
    }

    fn release(&mut self, i: usize, facts: ReportFacts, _changed: bool) {
        if let Some(slot) = self.0.get_mut(i) {
            *slot = facts;
        }
    }
}

/// Runs the series stage over a spilled batch (`store::Store`).
pub fn check_stored(
    store: &mut super::Store,
    packs: &[&Pack],
    aggregates: &[Aggregate],
) -> (Pairing, HashMap<usize, SeriesOutcome>) {
    let pairing = super::pair_ids(&store.ids());
    let outcomes = run(store, &pairing, packs, aggregates);
    (pairing, outcomes)
}

/// The pairs, then the aggregates (as `check_series` documents).
pub fn run(
    source: &mut dyn FactsSource,
    pairing: &Pairing,
    packs: &[&Pack],
    aggregates: &[Aggregate],
) -> HashMap<usize, SeriesOutcome> {
    let mut outcomes: HashMap<usize, SeriesOutcome> = HashMap::new();
    // This year's facts of the last pair, with whether they changed: last year's of
    // the next pair of the same series.
    let mut held: Option<(usize, ReportFacts, bool)> = None;
    for &(p, c) in &pairing.pairs {
        let (prev, prev_changed) = match held.take() {
            Some((i, f, changed)) if i == p => (f, changed),
            other => {
                if let Some((i, f, changed)) = other {
                    source.release(i, f, changed);
                }
                match source.load(p, packs) {
                    Some(f) => (f, false),
                    None => continue,
                }
            }
        };
        let Some(mut cur) = source.load(c, packs) else {
            source.release(p, prev, prev_changed);
            continue;
        };
        let changed = check_pair(&prev, &mut cur, c, packs, &mut outcomes);
        source.release(p, prev, prev_changed);
        held = Some((c, cur, changed));
    }
    if let Some((i, f, changed)) = held {
        source.release(i, f, changed);
    }
    for a in aggregates {
        let Some(total) = source.load(a.total, packs) else {
            continue;
        };
        let mut parts: Vec<(usize, ReportFacts)> = Vec::with_capacity(a.parts.len());
        for &i in &a.parts {
            if let Some(f) = source.load(i, packs) {
                parts.push((i, f));
            }
        }
        check_aggregate(a.total, &total, &parts, packs, &mut outcomes);
        source.release(a.total, total, false);
        for (i, f) in parts {
            source.release(i, f, false);
        }
    }
    outcomes.retain(|_, o| !o.diagnostics.is_empty() || !o.settled.is_empty());
    outcomes
}

/// Runs the cross-year rules on one pair; true when this year's cells changed (a glued
/// row settled).
fn check_pair(
    prev: &ReportFacts,
    cur: &mut ReportFacts,
    c: usize,
    packs: &[&Pack],
    outcomes: &mut HashMap<usize, SeriesOutcome>,
) -> bool {
    if cur.reference {
        return false;
    }
    let Some(pack) = packs.get(cur.pack) else {
        return false;
    };
    let (Some(year), Some(prev_year)) = (cur.identity.year, prev.identity.year) else {
        return false;
    };
    let out = outcomes.entry(c).or_default();
    let settled = out.settled.len();
    for rule in pack.enabled_rules() {
        let Some(series) = rule.check.series() else {
            continue;
        };
        let mut cx = PairCx {
            meta: &rule.meta,
            templates: &pack.templates,
            prev,
            prev_year,
            year,
            path: &cur.path,
            cells: &mut cur.cells,
            rules: &cur.rules,
            out: &mut *out,
        };
        let start = cx.out.diagnostics.len();
        series.check_pair(&mut cx);
        crate::pack::amend::restyle(&rule.meta, &mut out.diagnostics[start..]);
    }
    out.settled.len() != settled
}

fn check_aggregate(
    index: usize,
    total: &ReportFacts,
    parts: &[(usize, ReportFacts)],
    packs: &[&Pack],
    outcomes: &mut HashMap<usize, SeriesOutcome>,
) {
    let Some(pack) = packs.get(total.pack) else {
        return;
    };
    let parts: Vec<&ReportFacts> = parts.iter().map(|(_, f)| f).collect();
    let out = outcomes.entry(index).or_default();
    for rule in pack.enabled_rules() {
        let Some(series) = rule.check.series() else {
            continue;
        };
        let mut cx = AggregateCx {
            meta: &rule.meta,
            templates: &pack.templates,
            total,
            parts: parts.clone(),
            out: &mut *out,
        };
        let start = cx.out.diagnostics.len();
        series.check_aggregate(&mut cx);
        crate::pack::amend::restyle(&rule.meta, &mut out.diagnostics[start..]);
    }
}
