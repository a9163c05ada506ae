//! The layout property test: a report's tables rendered in every layout real reports
//! come in (one cell per line with and without blank lines and with ` |`, Markdown
//! split tables as OCR writes them, cells glued on one line) read the same values and
//! give the same findings as the pipe rows they were made from. For glued rows, a row
//! may instead be declared ambiguous (T111) — never read differently.
//! The reports: the project's own examples and, when present, the seeds written with
//! pipe rows.

mod common;
#[path = "common/layouts.rs"]
mod layouts;

use std::collections::BTreeMap;

use common::{national, read, shared_files};
use layouts::{ALL, TableLayout, render};
use nianbao::Document;
use nianbao::parse::CellValue;

/// Every number read, by (table, row, column).
fn values(doc: &Document) -> BTreeMap<(usize, usize, usize), String> {
    let mut out = BTreeMap::new();
    for (ti, t) in doc.tables.iter().enumerate() {
        for (ri, r) in t.rows.iter().enumerate() {
            for (ci, c) in r.cells.iter().enumerate() {
                if let CellValue::Number(n) = &c.value {
                    out.insert((ti, ri, ci), n.to_string());
                }
            }
        }
    }
    out
}

/// Rules of the findings, sorted; header- and label-wording findings depend on how a
/// layout writes its header (a Markdown split table has generic headers), so they are
/// left out of the comparison.
fn rules(d: &[nianbao::Diagnostic]) -> Vec<String> {
    let mut r: Vec<String> = d
        .iter()
        .map(|x| x.rule.clone())
        .filter(|r| !matches!(r.as_str(), "T102" | "T107" | "T108"))
        .collect();
    r.sort();
    r
}

fn check_report(name: &str, text: &str) -> usize {
    let base = national()
        .lint_text(name, text.to_string())
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let base_values = values(&base.document);
    assert!(base_values.len() >= 30, "{name}: the pipe version is read");
    // Empty cells at the end of a row cannot be told from the padding of a pipe row
    // when rendering one cell per line: reports with blank cells are rendered in the
    // other layouts only.
    let has_blanks = base.diagnostics.iter().any(|d| d.rule == "T104");
    let mut compared = 0;
    for layout in ALL {
        let one_cell_per_line = matches!(
            layout,
            TableLayout::Cells | TableLayout::CellsBlankLines | TableLayout::CellsPipeSuffix
        );
        if has_blanks && (one_cell_per_line || layout == TableLayout::Glued) {
            continue;
        }
        let rendered = render(text, layout);
        let out = national()
            .lint_text(format!("{name} ({layout:?})"), rendered.clone())
            .unwrap_or_else(|e| panic!("{name} {layout:?}: {e}"));
        let got = values(&out.document);
        let ambiguous: Vec<&nianbao::Diagnostic> = out
            .diagnostics
            .iter()
            .filter(|d| d.rule == "T111")
            .collect();
        for (key, v) in &base_values {
            match got.get(key) {
                Some(g) => assert_eq!(g, v, "{name} {layout:?}: cell {key:?}"),
                None if layout == TableLayout::Glued => {
                    // The row is declared ambiguous, with this value among its readings.
                    assert!(
                        ambiguous
                            .iter()
                            .any(|d| d.notes.iter().any(|n| n.contains(v.as_str()))),
                        "{name} {layout:?}: cell {key:?} = {v} neither read nor declared ambiguous\n{rendered}"
                    );
                }
                None => panic!("{name} {layout:?}: cell {key:?} = {v} not read\n{rendered}"),
            }
        }
        for key in got.keys() {
            assert!(
                base_values.contains_key(key),
                "{name} {layout:?}: cell {key:?} read only in this layout"
            );
        }
        if layout != TableLayout::Glued {
            assert_eq!(
                rules(&out.diagnostics),
                rules(&base.diagnostics),
                "{name} {layout:?}: same findings"
            );
        }
        compared += 1;
    }
    compared
}

#[test]
fn every_layout_reads_the_example_reports_alike() {
    let n = check_report("report-2024.txt", &read("examples/report-2024.txt"))
        + check_report(
            "report-with-defects.txt",
            &read("examples/report-with-defects.txt"),
        );
    assert!(n > ALL.len(), "{n} renderings compared");
}

#[test]
fn every_layout_reads_the_pipe_seeds_alike() {
    let mut checked = 0;
    for path in shared_files("seeds", ".txt") {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        // Seeds written with pipe rows, one row a line.
        if text.lines().filter(|l| l.matches('|').count() >= 4).count() < 20 {
            continue;
        }
        check_report(&path.display().to_string(), &text);
        checked += 1;
    }
    eprintln!("{checked} seeds rendered in every layout");
}
