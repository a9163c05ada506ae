//! The real reports in `../shared` (skipped when it is absent, as on a user's machine).
//!
//! Their tables are consistent except where noted, so an arithmetic error reported on
//! them is a bug of ours; and every number of their 表三 and 表四 must be checked: a
//! change to any one of them must be caught.

use crate::common;

use std::collections::HashSet;
use std::path::Path;

use common::{national, rules_of, shared_files};
use nianbao::parse::CellValue;
use nianbao::{Diagnostic, Document, Severity};

fn lint_file(path: &Path) -> (String, Vec<Diagnostic>) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let diags = national()
        .lint_text(path.display().to_string(), text.clone())
        .unwrap_or_else(|e| panic!("{e}"))
        .diagnostics;
    (text, diags)
}

fn table_errors(d: &[Diagnostic]) -> Vec<&Diagnostic> {
    d.iter()
        .filter(|x| x.severity == Severity::Error && x.rule.starts_with('T'))
        .collect()
}

fn name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[test]
fn consistent_seeds_have_no_table_errors() {
    for path in shared_files("seeds", ".txt") {
        if name(&path).starts_with("001") {
            continue;
        }
        let (_, d) = lint_file(&path);
        let errs = table_errors(&d);
        assert!(errs.is_empty(), "{}: {:#?}", path.display(), errs);
    }
}

#[test]
fn seed_001_blank_cells_collapsed_row_and_labels() {
    let Some(path) = shared_files("seeds", ".txt")
        .into_iter()
        .find(|p| name(p).starts_with("001"))
    else {
        return;
    };
    let (_, d) = lint_file(&path);
    let rules = rules_of(&d);
    // 表三's columns other than 自然人 are blank in every row: one finding for the
    // columns (one defect), not one per row; 表二's rows each have their own.
    assert!(
        d.iter().any(|x| x.rule == "T104"
            && x.message.starts_with("表三有 24 行的")
            && x.message.contains("共 144 个单元格")),
        "blank columns of 表三: {rules:?}"
    );
    assert_eq!(
        rules.iter().filter(|r| **r == "T104").count(),
        3,
        "blank cells: {rules:?}"
    );
    assert!(
        d.iter()
            .any(|x| x.rule == "T103" && x.message.contains("表四数据行只有 1 个数值，应为 15 个")),
        "collapsed review row"
    );
    let labels: Vec<&str> = d
        .iter()
        .filter(|x| x.rule == "T107")
        .map(|x| x.message.as_str())
        .collect();
    assert!(
        labels
            .iter()
            .any(|m| m.contains("其他法律[+和]行政法规禁止公开")),
        "{labels:?}"
    );
    assert!(
        labels.iter().any(|m| m.contains("不再[-处][+受]理")),
        "{labels:?}"
    );
    assert!(
        d.iter()
            .filter(|x| x.rule == "T107")
            .all(|x| x.severity == Severity::Warning)
    );
    assert!(table_errors(&d).is_empty(), "{:#?}", table_errors(&d));
}

#[test]
fn pdf_layout_reports_only_real_table_defects() {
    for path in shared_files("corpus/pdf-layout", ".txt") {
        let (_, d) = lint_file(&path);
        let errs: Vec<&str> = table_errors(&d).iter().map(|x| x.rule.as_str()).collect();
        let n = name(&path);
        if n == "hongze-district-2023.txt" {
            // Its 表四 really is wrong: 行政复议 10+1+0+0 with 总计 0, 复议后起诉 5+0+0+0 with 总计 0.
            assert_eq!(errs, ["T204", "T206"], "{n}");
        } else {
            // Including the .raw.txt extractions, whose scrambled numbers are never guessed.
            assert!(errs.is_empty(), "{n}: {errs:?}");
        }
    }
}

/// Lines (1-based) covered by a table in a document.
fn table_lines(doc: &Document, table: usize) -> Option<(usize, usize)> {
    let extent = doc.tables.get(table)?.extent.clone()?;
    Some((
        doc.position(extent.start).line,
        doc.position(extent.end).line,
    ))
}

fn key(d: &Diagnostic) -> (String, usize, usize, String) {
    (
        d.rule.clone(),
        d.primary.start,
        d.primary.end,
        d.message.clone(),
    )
}

#[test]
fn every_number_of_tables_three_and_four_is_checked() {
    let templates = &national().pack().templates;
    let t3 = templates.table_index("t3").unwrap_or(1);
    let t4 = templates.table_index("t4").unwrap_or(2);
    for path in shared_files("seeds", ".txt") {
        let (text, base) = lint_file(&path);
        let baseline: HashSet<_> = base.iter().map(key).collect();
        let doc = Document::parse(name(&path), text.clone(), templates);
        let seed_001 = name(&path).starts_with("001");
        for table in [t3, t4] {
            if seed_001 && table == t4 {
                continue; // its review row collapsed to a single "0": not a table to check
            }
            let (first, last) = table_lines(&doc, table)
                .unwrap_or_else(|| panic!("{}: table not read", path.display()));
            let tpl = &templates.tables[table];
            let mut mutated = 0;
            for (ri, row) in tpl.rows.iter().enumerate() {
                for &c in &row.columns {
                    let cell = &doc.tables[table].rows[ri].cells[c];
                    let (CellValue::Number(n), Some(span)) = (&cell.value, &cell.span) else {
                        continue;
                    };
                    let bumped = n
                        .checked_add(nianbao::number::Num::from_int(1))
                        .unwrap_or(*n);
                    let changed = format!("{}{}{}", &text[..span.start], bumped, &text[span.end..]);
                    let d = national()
                        .lint_text("mutated.txt", changed)
                        .map(|o| o.diagnostics)
                        .unwrap_or_default();
                    let caught = d.iter().any(|x| {
                        x.severity == Severity::Error
                            && x.rule.starts_with('T')
                            && !baseline.contains(&key(x))
                            && {
                                let line = doc.position(x.primary.start).line;
                                (first..=last).contains(&line)
                            }
                    });
                    assert!(
                        caught,
                        "{}: changing {} 「{}」「{}」 from {n} to {bumped} was not caught",
                        path.display(),
                        tpl.name,
                        row.short,
                        tpl.columns[c].short
                    );
                    mutated += 1;
                }
            }
            let expected = if seed_001 {
                tpl.rows.iter().filter(|r| !r.group).count()
            } else {
                tpl.rows
                    .iter()
                    .filter(|r| !r.group)
                    .map(|r| r.columns.len())
                    .sum()
            };
            assert_eq!(
                mutated,
                expected,
                "{}: {} cells of {} mutated",
                path.display(),
                mutated,
                tpl.name
            );
        }
    }
}

#[test]
fn removing_any_section_heading_is_reported() {
    let templates = &national().pack().templates;
    for path in shared_files("seeds", ".txt") {
        let (text, base) = lint_file(&path);
        let baseline: HashSet<_> = base.iter().map(key).collect();
        let doc = Document::parse(name(&path), text.clone(), templates);
        assert_eq!(
            doc.outline.sections.len(),
            6,
            "{}: six headings",
            path.display()
        );
        for hit in &doc.outline.sections {
            let without = format!("{}{}", &text[..hit.heading.start], &text[hit.heading.end..]);
            let d = national()
                .lint_text("removed.txt", without)
                .map(|o| o.diagnostics)
                .unwrap_or_default();
            let new_s: Vec<&Diagnostic> = d
                .iter()
                .filter(|x| x.rule.starts_with('S') && !baseline.contains(&key(x)))
                .collect();
            assert!(
                !new_s.is_empty(),
                "{}: removing {:?} was not reported",
                path.display(),
                &text[hit.heading.clone()]
            );
        }
    }
}

// ───────────────────────────── narrative rules on the real reports

fn narrative_errors(d: &[Diagnostic]) -> Vec<String> {
    d.iter()
        .filter(|x| {
            x.severity == Severity::Error && (x.rule.starts_with('X') || x.rule.starts_with('N'))
        })
        .map(|x| format!("{} {}", x.rule, x.message))
        .collect()
}

#[test]
fn no_narrative_errors_where_text_and_tables_agree() {
    for path in shared_files("seeds", ".txt")
        .into_iter()
        .chain(shared_files("corpus/pdf-layout", ".txt"))
    {
        let (_, d) = lint_file(&path);
        let errs = narrative_errors(&d);
        if name(&path) == "hongze-district-2024.txt" {
            // "区政府办代表区政府受理政府信息公开申请 17 件" while its 表三 says 95 received:
            // the text really disagrees with the table.
            assert_eq!(errs.len(), 1, "{errs:?}");
            assert!(
                errs[0].starts_with("X101")
                    && errs[0].contains("为 17")
                    && errs[0].contains("（95）"),
                "{errs:?}"
            );
        } else {
            assert!(errs.is_empty(), "{}: {errs:?}", path.display());
        }
    }
}

#[test]
fn seed_narrative_defects_are_reported() {
    for path in shared_files("seeds", ".txt") {
        let (text, d) = lint_file(&path);
        let n = name(&path);
        if n.starts_with("001") {
            let plan = d
                .iter()
                .find(|x| x.rule == "D102")
                .expect("001: the plan year");
            assert_eq!(&text[plan.primary.clone()], "2024年");
        }
        if n.starts_with("004") {
            let dup = d
                .iter()
                .find(|x| x.rule == "N103")
                .expect("004: 规划计划 twice");
            assert_eq!(&text[dup.primary.clone()], "规划计划");
        }
        if n.starts_with("002") {
            // Every "?" beside Chinese text or digits is under a caret (primary or label).
            let damaged: Vec<usize> = text
                .char_indices()
                .filter(|(i, c)| {
                    *c == '?'
                        && (text[..*i]
                            .chars()
                            .next_back()
                            .is_some_and(|p| p.is_ascii_digit() || p > '\u{2E80}')
                            || text[i + 1..]
                                .chars()
                                .next()
                                .is_some_and(|p| p.is_ascii_digit() || p > '\u{2E80}'))
                })
                .map(|(i, _)| i)
                .collect();
            assert!(
                damaged.len() >= 15,
                "002 has many damaged characters: {}",
                damaged.len()
            );
            let marked: Vec<std::ops::Range<usize>> = d
                .iter()
                .filter(|x| x.rule == "E101")
                .flat_map(|x| {
                    std::iter::once(x.primary.clone())
                        .chain(x.labels.iter().map(|l| l.span.clone()))
                })
                .collect();
            for at in &damaged {
                assert!(
                    marked.iter().any(|r| r.contains(at)),
                    "002: the ? at byte {at} is not reported"
                );
            }
            let markup: Vec<&str> = d
                .iter()
                .filter(|x| x.rule == "E102")
                .map(|x| &text[x.primary.clone()])
                .collect();
            assert_eq!(markup, ["/span>", "/p>"]);
            assert!(d.iter().any(|x| x.rule == "E106"), "扫一扫在手机打开当前页");
        }
    }
}

/// Every narrative figure the national pack compares, changed by one (or the total of
/// a breakdown lowered by one, so that its parts exceed it), must give an X or N error
/// on its line.
#[test]
fn every_cross_referenced_figure_is_checked() {
    let pack = national().pack();
    let mut checked = 0;
    for path in shared_files("seeds", ".txt")
        .into_iter()
        .chain(shared_files("corpus/pdf-layout", ".txt"))
    {
        let (text, base) = lint_file(&path);
        let baseline: HashSet<_> = base.iter().map(key).collect();
        let doc = Document::parse(name(&path), text.clone(), &pack.templates);
        let mut figures: Vec<(std::ops::Range<usize>, nianbao::number::Num, bool)> = Vec::new();
        for rule in pack.enabled_rules() {
            for f in rule.check.figures(&doc, &pack.templates) {
                let digits = text[f.span.clone()].chars().all(|c| c.is_ascii_digit());
                if f.agrees && digits && !figures.iter().any(|(s, ..)| *s == f.span) {
                    figures.push((f.span, f.value, f.compared_with.starts_with("各分项之和")));
                }
            }
        }
        for (span, value, breakdown_total) in figures {
            let one = nianbao::number::Num::from_int(1);
            let mut changes = vec![if breakdown_total {
                value.checked_sub(one)
            } else {
                value.checked_add(one)
            }];
            if !breakdown_total && value != nianbao::number::Num::ZERO {
                changes.push(value.checked_mul_int(10));
            }
            for changed in changes.into_iter().flatten() {
                let mutated = format!("{}{}{}", &text[..span.start], changed, &text[span.end..]);
                let line = doc.position(span.start).line;
                let d = national()
                    .lint_text("mutated.txt", mutated)
                    .map(|o| o.diagnostics)
                    .unwrap_or_default();
                let caught = d.iter().any(|x| {
                    x.severity == Severity::Error
                        && (x.rule.starts_with('X') || x.rule.starts_with('N'))
                        && !baseline.contains(&key(x))
                        && std::iter::once(&x.primary)
                            .chain(x.labels.iter().map(|l| &l.span))
                            .any(|s| doc.position(s.start).line == line)
                });
                assert!(
                    caught,
                    "{}:{line}: changing 「{}」 to {changed} was not caught",
                    path.display(),
                    &text[span.clone()]
                );
                checked += 1;
            }
        }
    }
    eprintln!("{checked} changes of narrative figures, each caught");
    if common::shared().is_some() {
        assert!(checked >= 60, "only {checked} figure changes were tried");
    }
}

/// Text extracted from PDFs without `-layout` comes one cell per line, its numbers
/// sometimes in a scrambled order: the structure and narrative are read, and 表三 is
/// either reported as unreadable or — where its rows come in order, one cell per line —
/// read with exactly the values of the `-layout` text of the same PDF. Nothing is
/// guessed: every value read from the raw text is the value read from the layout text.
#[test]
fn raw_pdf_text_is_read_where_certain_and_reported_elsewhere() {
    for path in shared_files("corpus/pdf-layout", ".raw.txt") {
        let (text, d) = lint_file(&path);
        let doc = Document::parse(name(&path), text, &national().pack().templates);
        assert_eq!(
            doc.outline.sections.len(),
            6,
            "{}: six sections",
            path.display()
        );
        let layout_path =
            std::path::PathBuf::from(path.display().to_string().replace(".raw.txt", ".txt"));
        let (layout_text, _) = lint_file(&layout_path);
        let layout = Document::parse(
            name(&layout_path),
            layout_text,
            &national().pack().templates,
        );
        let t3 = national().pack().templates.table_index("t3").unwrap_or(1);
        match &doc.tables[t3].status {
            nianbao::parse::TableStatus::Unreadable(_) => assert!(
                d.iter()
                    .any(|x| x.rule == "T002" && x.message.starts_with("表三")),
                "{}",
                path.display()
            ),
            status => {
                let mut compared = 0;
                for (ti, table) in doc.tables.iter().enumerate() {
                    for (ri, row) in table.rows.iter().enumerate() {
                        for (ci, cell) in row.cells.iter().enumerate() {
                            if let nianbao::parse::CellValue::Number(n) = &cell.value {
                                let expected = &layout.tables[ti].rows[ri].cells[ci].value;
                                if let nianbao::parse::CellValue::Number(m) = expected {
                                    assert_eq!(
                                        n,
                                        m,
                                        "{}: table {ti} row {ri} column {ci}",
                                        path.display()
                                    );
                                    compared += 1;
                                }
                            }
                        }
                    }
                }
                assert!(
                    compared >= 50,
                    "{}: 表三 {status:?}, {compared} values compared",
                    path.display()
                );
            }
        }
        assert!(
            table_errors(&d).is_empty(),
            "{}: {:?}",
            path.display(),
            rules_of(&d)
        );
    }
}
