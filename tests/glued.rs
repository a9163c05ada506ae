//! Glued cells: table rows whose digits lost their boundaries, decoded with the
//! table's own relations (`parse::glued`). The inputs are the project's clean example
//! report re-rendered with every row's digits glued to its label (one row a line), and
//! the layouts of real one-line web pages written as synthetic strings.

use crate::common;

use common::{clean, lint, national, replace, rules_of};
use nianbao::parse::glued::Outcome;
use nianbao::{Diagnostic, Document, Severity};

/// The clean report with each table row's numbers glued to its label: `规章 | 0 | 0 |
/// 0 |` → `规章000`; a group label in front of a row goes on its own line; 表四's data
/// row becomes one digit run. Rows with a single value stay as they are.
fn glued(text: &str) -> String {
    let mut out = Vec::new();
    for line in text.lines() {
        if !line.contains('|') {
            out.push(line.to_string());
            continue;
        }
        let cells: Vec<&str> = line
            .split('|')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        let is_num = |c: &&str| c.chars().all(|ch| ch.is_ascii_digit());
        let nums: Vec<&str> = cells.iter().copied().filter(is_num).collect();
        let labels: Vec<&str> = cells.iter().copied().filter(|c| !is_num(c)).collect();
        if nums.len() < 2 {
            out.push(line.to_string());
            continue;
        }
        let mut labels = labels.into_iter();
        if labels.len() > 1 {
            out.push(labels.next().unwrap_or_default().to_string());
        }
        out.push(format!("{}{}", labels.collect::<String>(), nums.concat()));
    }
    out.join("\n") + "\n"
}

fn parse(text: &str) -> Document {
    Document::parse("t.txt", text.to_string(), &national().pack().templates)
}

fn values(doc: &Document, table: usize) -> Vec<Vec<String>> {
    doc.tables[table]
        .rows
        .iter()
        .map(|r| r.cells.iter().map(|c| format!("{:?}", c.value)).collect())
        .collect()
}

fn find<'a>(d: &'a [Diagnostic], rule: &str) -> &'a Diagnostic {
    d.iter()
        .find(|x| x.rule == rule)
        .unwrap_or_else(|| panic!("{rule} not reported; got {:?}", rules_of(d)))
}

const T2: usize = 0;
const T3: usize = 1;
const T4: usize = 2;

#[test]
fn glued_example_reads_like_the_pipe_version() {
    let pipe = clean();
    let text = glued(&pipe);
    assert!(
        text.contains("一、本年新收政府信息公开申请数量203001024"),
        "{text}"
    );
    let (a, b) = (parse(&pipe), parse(&text));
    for t in [T3, T4] {
        assert!(b.tables[t].is_readable(), "{:?}", b.tables[t].status);
        assert_eq!(values(&a, t), values(&b, t), "table {t}");
    }
    // Every cell of 表三 and 表四 is marked reconstructed; none of the pipe version is.
    let reconstructed = |d: &Document, t: usize| {
        d.tables[t]
            .rows
            .iter()
            .flat_map(|r| &r.cells)
            .filter(|c| c.reconstructed)
            .count()
    };
    assert_eq!(reconstructed(&a, T3) + reconstructed(&a, T4), 0);
    assert_eq!(reconstructed(&b, T3), 25 * 7);
    assert_eq!(reconstructed(&b, T4), 15);
    // Each reconstructed cell points at its own digits.
    let row = &b.tables[T3].rows[0];
    let spans: Vec<&str> = row
        .cells
        .iter()
        .filter_map(|c| c.span.clone())
        .map(|s| &b.text[s])
        .collect();
    assert_eq!(spans, ["20", "3", "0", "0", "1", "0", "24"]);

    // Findings: those of the pipe version (none) plus one T111 for 表二's
    // 行政规范性文件 (3112 splits three ways; 表二 has no relation on that row).
    let d = lint(&text);
    assert_eq!(rules_of(&d), ["T111"], "{d:#?}");
    assert!(
        d[0].notes
            .iter()
            .any(|n| n.contains("3|1|12") && n.contains("31|1|2"))
    );
    assert_eq!(&text[d[0].primary.clone()], "3112");
}

#[test]
fn extract_shows_reconstructed_cells_and_the_checks_left() {
    let doc = parse(&glued(&clean()));
    let out = nianbao::report::extract::render(&doc, &national().pack().templates);
    assert!(out.contains("20* | 3* | 0* | 0* | 1* | 0* | 24*"), "{out}");
    assert!(out.contains("由连写数字「203001024」拆分重建"), "{out}");
    // Row 一 was split with its own row sum: T201 is used, T203 is left.
    let line = out
        .lines()
        .skip_while(|l| !l.contains("203001024"))
        .nth(1)
        .unwrap_or_default();
    assert!(
        line.contains("用于拆分（不再据此核对）：T201「一、本年新收」行"),
        "{line}"
    );
    assert!(line.contains("照常核对：T203「自然人」列"), "{line}");
    assert!(out.contains("数字粘连「3112」，有 3 种拆法"), "{out}");
}

#[test]
fn a_row_that_cannot_add_up_is_reported_with_its_digits() {
    // 20 + 3 + 0 + 0 + 1 + 0 = 24: with a total of 25 no cut adds up.
    let text = replace(&glued(&clean()), "申请数量203001024", "申请数量203001025");
    let d = lint(&text);
    let t = find(&d, "T112");
    assert_eq!(t.severity, Severity::Error);
    assert!(t.message.contains("203001025"), "{}", t.message);
    assert!(
        t.message.contains("T201「一、本年新收」行"),
        "{}",
        t.message
    );
    assert!(
        t.notes.iter().any(|n| n.contains("报表本身")),
        "{:?}",
        t.notes
    );
    assert_eq!(&text[t.primary.clone()], "203001025");
    // One defect, one finding: no arithmetic on the undecoded row.
    assert!(
        !rules_of(&d)
            .iter()
            .any(|r| r.starts_with("T20") || *r == "T103"),
        "{:?}",
        rules_of(&d)
    );
}

#[test]
fn too_few_digits_is_a_damaged_table_not_an_error() {
    let text = replace(&glued(&clean()), "行政规范性文件3112", "行政规范性文件31");
    let d = lint(&text);
    let t = find(&d, "T112");
    assert_eq!(t.severity, Severity::Warning);
    assert!(t.notes.iter().any(|n| n.contains("损坏")), "{:?}", t.notes);
}

#[test]
fn findings_on_reconstructed_cells_say_so() {
    // The narrative says 25 applications; the glued table's total is 24.
    let text = replace(
        &glued(&clean()),
        "2024年共收到政府信息公开申请24件",
        "2024年共收到政府信息公开申请25件",
    );
    let d = lint(&text);
    let x = find(&d, "X101");
    assert!(
        x.notes
            .iter()
            .any(|n| n.contains("在原文中连写（「203001024」）")
                && n.contains("拆分为 20、3、0、0、1、0、24")),
        "{:#?}",
        x.notes
    );
    // The same finding on the pipe version has no such note.
    let pipe = replace(
        &clean(),
        "2024年共收到政府信息公开申请24件",
        "2024年共收到政府信息公开申请25件",
    );
    let p = lint(&pipe);
    assert!(!find(&p, "X101").notes.iter().any(|n| n.contains("连写")));
}

#[test]
fn a_relation_not_used_to_decode_still_verifies() {
    // Row 二 "2000002" has one reading by its digits alone, so T201 still checks it:
    // make the carried-over total 3 (glued "2000003": 7 digits, 7 cells).
    let text = replace(&glued(&clean()), "申请数量2000002", "申请数量2000003");
    let d = lint(&text);
    let t = d
        .iter()
        .find(|x| x.rule == "T201")
        .unwrap_or_else(|| panic!("{:?}", rules_of(&d)));
    assert!(
        t.notes.iter().any(|n| n.contains("按位数只有一种拆法")),
        "{:?}",
        t.notes
    );
}

/// The 2021 layout of a one-line web page, one row a line: 表三 consistent (new
/// 64/0/0/2/0/4/70, results 63/0/0/2/0/4/69, one carried to next year), 表四 glued
/// into 17 digits for 15 cells.
fn one_line_2021() -> String {
    let mut text = glued(&clean());
    for (from, to) in [
        ("申请数量203001024", "申请数量640020470"),
        ("申请数量2000002", "申请数量0000000"),
        ("（一）予以公开102001013", "（一）予以公开630020469"),
        (
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）3000003",
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）0000000",
        ),
        ("3.危及“三安全一稳定”1000001", "3.危及“三安全一稳定”0000000"),
        (
            "1.本机关不掌握相关政府信息4100005",
            "1.本机关不掌握相关政府信息0000000",
        ),
        (
            "2.没有现成信息需要另行制作1000001",
            "2.没有现成信息需要另行制作0000000",
        ),
        ("1.信访举报投诉类申请1000001", "1.信访举报投诉类申请0000000"),
        ("（七）总计203001024", "（七）总计630020469"),
        (
            "四、结转下年度继续办理2000002",
            "四、结转下年度继续办理1000001",
        ),
        ("100120100100000", "10203120001200000"),
        ("行政规范性文件3112", "行政规范性文件693665"),
    ] {
        text = replace(&text, from, to);
    }
    text
}

#[test]
fn one_line_page_2021_tables() {
    let text = one_line_2021();
    let doc = parse(&text);
    let nums = |t: usize, r: usize| -> Vec<String> {
        doc.tables[t].rows[r]
            .cells
            .iter()
            .filter(|c| c.reconstructed)
            .map(|c| match &c.value {
                nianbao::parse::CellValue::Number(n) => n.to_string(),
                other => format!("{other:?}"),
            })
            .collect()
    };
    assert_eq!(nums(T3, 0), ["64", "0", "0", "2", "0", "4", "70"]);
    assert_eq!(
        nums(T4, 0),
        [
            "1", "0", "2", "0", "3", "12", "0", "0", "0", "12", "0", "0", "0", "0", "0"
        ]
    );
    // 表二 693665 is ambiguous, and both readings a reader would consider are named.
    let g = doc.tables[T2].rows[1].glued.as_ref().expect("decoded");
    let Outcome::Ambiguous { readings, .. } = &g.outcome else {
        panic!("{:?}", g.outcome)
    };
    assert!(readings.contains(&vec![69, 3, 665]) && readings.contains(&vec![6, 93, 665]));
    let d = lint(&text);
    let t = find(&d, "T111");
    assert!(t.message.contains("693665"), "{}", t.message);
    assert!(
        !d.iter()
            .any(|x| x.rule.starts_with("T2") || x.rule == "T112"),
        "{d:#?}"
    );
}

#[test]
fn one_line_page_2023_normative_row_is_ambiguous_within_one_report() {
    // 77132470 reads 77|132|470 (the following year's report confirms it), but
    // within one report nothing relates the three cells of 表二: declared ambiguous,
    // with that reading among the candidates.
    let text = replace(
        &glued(&clean()),
        "行政规范性文件3112",
        "行政规范性文件77132470",
    );
    let doc = parse(&text);
    let g = doc.tables[T2].rows[1].glued.as_ref().expect("decoded");
    let Outcome::Ambiguous { readings, .. } = &g.outcome else {
        panic!("{:?}", g.outcome)
    };
    assert!(readings.contains(&vec![77, 132, 470]), "{readings:?}");
}

#[test]
fn irregular_spaces_are_not_boundaries() {
    // `160 02 0 018`: `02` cannot be a cell, so the spaces are not the boundaries;
    // 16 + 0 + 0 + 2 + 0 + 0 = 18 is the only cut that adds up.
    for row in [
        "一、本年新收政府信息公开申请数量  160 02 0 018",
        "一、本年新收政府信息公开申请数量 160 02 0 018",
    ] {
        let text = replace(
            &glued(&clean()),
            "一、本年新收政府信息公开申请数量203001024",
            row,
        );
        let doc = parse(&text);
        let r = &doc.tables[T3].rows[0];
        let got: Vec<String> = r.cells.iter().map(|c| format!("{:?}", c.value)).collect();
        assert!(r.cells.iter().all(|c| c.reconstructed), "{row}: {got:?}");
        let spans: Vec<&str> = r
            .cells
            .iter()
            .filter_map(|c| c.span.clone())
            .map(|s| &text[s])
            .collect();
        assert_eq!(spans, ["16", "0", "0", "2", "0", "0", "18"], "{row}");
        let joined = r.glued.as_ref().map(|g| g.digits.clone());
        assert_eq!(joined.as_deref(), Some("160020018"));
    }
    // Plain numbers short of the columns are not glued: the missing cell may be blank.
    let text = replace(
        &clean(),
        "行政规范性文件 | 3 | 1 | 12 |",
        "行政规范性文件  12  0",
    );
    let doc = parse(&text);
    assert!(doc.tables[T2].rows[1].glued.is_none());
}

#[test]
fn a_pathological_run_is_answered() {
    // 40 digits for the 7 cells of a row: an answer (T111 or T112), not a hang.
    let run = "1234567890".repeat(4);
    let text = replace(
        &glued(&clean()),
        "一、本年新收政府信息公开申请数量203001024",
        &format!("一、本年新收政府信息公开申请数量{run}"),
    );
    let d = lint(&text);
    assert!(
        d.iter().any(|x| x.rule == "T111" || x.rule == "T112"),
        "{:?}",
        rules_of(&d)
    );
}

#[test]
fn a_run_on_the_line_after_its_label() {
    // One row a line, the label on its own line and the glued run on the next: a run
    // of 9 digits cannot be one cell of 表三.
    let text = replace(
        &glued(&clean()),
        "一、本年新收政府信息公开申请数量203001024",
        "一、本年新收政府信息公开申请数量\n203001024",
    );
    let doc = parse(&text);
    let r = &doc.tables[T3].rows[0];
    assert!(r.cells.iter().all(|c| c.reconstructed), "{:?}", r.shape);
    assert_eq!(lint(&text).len(), 1, "only 表二's T111");
}

#[test]
fn every_changed_digit_of_a_glued_row_is_caught() {
    // The mutation test of tests/seeds.rs, on glued rows: each digit of 表三's and
    // 表四's runs changed in turn must give a new error.
    let text = glued(&clean());
    let base = lint(&text);
    let base_errors = base
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let doc = parse(&text);
    let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
    for t in [T3, T4] {
        for r in &doc.tables[t].rows {
            if let Some(g) = &r.glued {
                spans.push(g.span.clone());
            }
        }
    }
    assert_eq!(spans.len(), 26);
    let mut tried = 0;
    for span in spans {
        for at in span {
            let digit = text.as_bytes()[at];
            let changed = if digit == b'0' { b'1' } else { b'0' };
            let mut bytes = text.clone().into_bytes();
            bytes[at] = changed;
            let mutated = String::from_utf8(bytes).unwrap_or_default();
            let d = lint(&mutated);
            let errors = d.iter().filter(|x| x.severity == Severity::Error).count();
            assert!(
                errors > base_errors,
                "digit {} at byte {at} changed to {}: {:?}",
                digit as char,
                changed as char,
                rules_of(&d)
            );
            tried += 1;
        }
    }
    assert!(tried > 150, "{tried}");
}
