//! The layout property test: a report's tables rendered in every layout real reports
//! come in (one cell per line with and without blank lines and with ` |`, blank cells
//! as a line of one space, an empty line or a lone ` |`; Markdown split tables as OCR
//! writes them; cells glued on one line; a web page's `<table>` with merged headers
//! and label columns) read the same values and give the same findings as the pipe
//! rows they were made from. For glued rows, a row may instead be declared ambiguous
//! (T111) — never read differently.
//! The reports: the project's own examples and, when present, the seeds written with
//! pipe rows.

use crate::common;
use crate::common::layouts;

use std::collections::BTreeMap;

use common::{national, read, shared_files};
use layouts::{ALL, TableLayout, render_with_widths};
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
    // A blank cell glued to its neighbours leaves no trace: reports with blank cells
    // are not rendered glued.
    let has_blanks = base.diagnostics.iter().any(|d| d.rule == "T104");
    // How many cells each row has: its table's columns (blanks at its end included).
    let mut widths = BTreeMap::new();
    // Rows the pipe version found short (T103): their cells are placed by position in
    // a pipe row; written one cell per line, the missing cells leave the positions
    // unknown, so those values may go unread there (never read differently).
    let short_lines: Vec<usize> = base
        .diagnostics
        .iter()
        .filter(|d| d.rule == "T103")
        .map(|d| base.document.position(d.primary.start).line - 1)
        .collect();
    let mut short_rows = std::collections::BTreeSet::new();
    for (ti, t) in base.document.tables.iter().enumerate() {
        for (ri, r) in t.rows.iter().enumerate() {
            // The row's line: its label's, or (表四, a row of figures) its first cell's.
            let at = r.label.as_ref().map(|l| l.span.start).or_else(|| {
                r.cells
                    .iter()
                    .find_map(|c| c.span.as_ref().map(|s| s.start))
            });
            if let Some(at) = at {
                let line = base.document.position(at).line - 1;
                widths.insert(line, r.cells.len());
                if short_lines.contains(&line) {
                    short_rows.insert((ti, ri));
                }
            }
        }
    }
    let mut compared = 0;
    for layout in ALL {
        if has_blanks && layout == TableLayout::Glued {
            continue;
        }
        let one_cell_per_line = matches!(
            layout,
            TableLayout::Cells | TableLayout::CellsBlankLines | TableLayout::CellsPipeSuffix
        );
        let rendered = render_with_widths(text, layout, &widths);
        let out = match layout {
            TableLayout::Html => {
                national().lint_bytes(&format!("{name}.html"), rendered.as_bytes())
            }
            _ => national().lint_text(format!("{name} ({layout:?})"), rendered.clone()),
        }
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
                None if one_cell_per_line && short_rows.contains(&(key.0, key.1)) => {}
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
    // Every layout of the clean report, every layout but the glued one of the
    // report with a blank cell.
    assert_eq!(n, 2 * ALL.len() - 1, "{n} renderings compared");
}

#[test]
fn every_layout_reads_the_pipe_seeds_alike() {
    let (mut checked, mut renderings) = (0, 0);
    for path in shared_files("seeds", ".txt") {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        // Seeds written with pipe rows, one row a line.
        if text.lines().filter(|l| l.matches('|').count() >= 4).count() < 20 {
            continue;
        }
        renderings += check_report(&path.display().to_string(), &text);
        checked += 1;
    }
    eprintln!("{checked} seeds rendered, {renderings} renderings compared");
}

#[test]
fn blank_cells_read_alike_in_every_layout() {
    // A blank inside a row, a blank at a row's end (where a pipe row also has its
    // padding) and 表四 with one case: one figure and fourteen blank cells.
    let text = read("examples/report-2024.txt");
    let text = common::replace(&text, "规章 | 0 | 0 | 0 |", "规章 | 0 | | 0 |");
    let text = common::replace(
        &text,
        "二、上年结转政府信息公开申请数量 | 2 | 0 | 0 | 0 | 0 | 0 | 2 | |",
        "二、上年结转政府信息公开申请数量 | 2 | 0 | 0 | 0 | 0 | 0 | | |",
    );
    let text = common::replace(
        &text,
        "1 | 0 | 0 | 1 | 2 | 0 | 1 | 0 | 0 | 1 | 0 | 0 | 0 | 0 | 0 |",
        "2 | | | | | | | | | | | | | | |",
    );
    let base = national()
        .lint_text("blanks.txt", text.clone())
        .expect("lints");
    let blanks = base.diagnostics.iter().filter(|d| d.rule == "T104").count();
    assert!(blanks >= 3, "{:?}", rules(&base.diagnostics));
    assert!(!base.diagnostics.iter().any(|d| d.rule == "T103"));
    // Every layout but the glued one (a glued blank leaves no trace).
    assert_eq!(check_report("blanks.txt", &text), ALL.len() - 1);
}
