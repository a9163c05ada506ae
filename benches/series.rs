//! A province's batch across years: `cargo bench --bench series` generates 10,000
//! reports (2,500 bodies × 4 consecutive years, one body in ten with a broken 现行有效
//! chain) and checks them the way `nianbao check` does: each report linted and reduced
//! to its compact series facts (the document dropped), then the series stage pairs
//! them by body and year (a hash map) and runs the Y rules. `series_stage` times the
//! pairing and the Y rules alone, on facts built beforehand.
//!
//! `NIANBAO_SERIES_REPORTS` changes the number of reports (a multiple of 4); run the
//! bench binary under `/usr/bin/time -v` for the peak memory.

#[path = "../tests/common/series.rs"]
mod generate;

use nianbao::series::{self, Identity, ReportFacts, Stated};
use nianbao::{Linter, Pack};
use rayon::prelude::*;

fn main() {
    divan::main();
}

const YEARS: usize = 4;

fn reports() -> usize {
    std::env::var("NIANBAO_SERIES_REPORTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

fn specs(total: usize) -> Vec<generate::Year> {
    let bodies = total / YEARS;
    let mut out = Vec::with_capacity(total);
    for b in 0..bodies {
        let mut years = generate::clean_series(&generate::body_name(b), 2021, YEARS);
        if b % 10 == 0 {
            years[YEARS - 1].in_force += 1;
        }
        out.extend(years);
    }
    out
}

fn facts(linter: &Linter, specs: &[generate::Year]) -> Vec<ReportFacts> {
    specs
        .par_iter()
        .enumerate()
        .map(|(i, y)| {
            let text = generate::render(y);
            let outcome = linter
                .lint_text(format!("{i:05}.txt"), text)
                .expect("a report");
            let id = Identity::of(&outcome.document, &Stated::default(), &Stated::default());
            ReportFacts::of(&outcome.document, linter.pack(), 0, id)
            // the document is dropped here
        })
        .collect()
}

fn linter() -> Linter {
    Linter::new(Pack::national().expect("national pack"))
}

/// Lint every report, keep its facts, pair and run the Y rules.
#[divan::bench(sample_count = 1, sample_size = 1)]
fn batch(bencher: divan::Bencher) {
    let linter = linter();
    let total = reports();
    bencher
        .with_inputs(|| specs(total))
        .bench_local_values(|specs| {
            let mut all = facts(&linter, &specs);
            let (pairing, outcomes) = series::check_series(&mut all, &[linter.pack()], &[]);
            assert_eq!(pairing.pairs.len(), total / YEARS * (YEARS - 1));
            let found: usize = outcomes.values().map(|o| o.diagnostics.len()).sum();
            assert_eq!(found, total / YEARS / 10, "one Y102 per broken body");
            eprintln!(
                "{total} reports, {} pairs, {found} cross-year findings",
                pairing.pairs.len()
            );
            found
        });
}

/// The series stage alone: pairing by (body, year) and the Y rules.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn series_stage(bencher: divan::Bencher) {
    let linter = linter();
    let total = reports();
    let specs = specs(total);
    bencher
        .with_inputs(|| facts(&linter, &specs))
        .bench_local_values(|mut all| {
            series::check_series(&mut all, &[linter.pack()], &[])
                .1
                .len()
        });
}
