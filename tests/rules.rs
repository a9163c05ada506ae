//! Every rule of the national S and T families, firing on a defect and silent on the
//! clean example report. Each defect is one small edit of the clean report.

use crate::common;

use common::{clean, errors_of, lint, replace, rules_of};
use nianbao::{Diagnostic, Severity};

/// The clean example has no finding at all: every test below adds exactly one defect.
#[test]
fn clean_example_is_silent() {
    let d = lint(&clean());
    assert!(d.is_empty(), "unexpected findings: {:#?}", d);
}

#[test]
fn layout_variants_of_the_clean_report_are_silent() {
    for f in [
        "tests/fixtures/layout-one-cell-per-line.txt",
        "tests/fixtures/layout-columns.txt",
    ] {
        let d = lint(&common::read(f));
        assert!(d.is_empty(), "{f}: {:#?}", d);
    }
}

fn find<'a>(d: &'a [Diagnostic], rule: &str) -> &'a Diagnostic {
    d.iter()
        .find(|x| x.rule == rule)
        .unwrap_or_else(|| panic!("{rule} not reported; got {:?}", rules_of(d)))
}

fn text_at<'a>(text: &'a str, d: &Diagnostic) -> &'a str {
    &text[d.primary.clone()]
}

// ───────────────────────────── S: structure

#[test]
fn s101_missing_section_points_at_the_next_heading() {
    let text = replace(&clean(), "三、收到和处理政府信息公开申请情况\n", "");
    let d = lint(&text);
    let s = find(&d, "S101");
    assert_eq!(s.severity, Severity::Error);
    assert!(
        s.message.contains("三、收到和处理政府信息公开申请情况"),
        "{}",
        s.message
    );
    assert!(
        text_at(&text, s).starts_with("四、"),
        "points at {:?}",
        text_at(&text, s)
    );
}

#[test]
fn s102_sections_out_of_order() {
    let text = clean();
    let five_start = text.find("五、存在的主要问题").unwrap_or(0);
    let six_start = text.find("六、其他需要报告的事项").unwrap_or(0);
    let (five, six) = (&text[five_start..six_start], &text[six_start..]);
    let swapped = format!("{}{}\n{}", &text[..five_start], six.trim_end(), five);
    let d = lint(&swapped);
    let s = find(&d, "S102");
    assert!(text_at(&swapped, s).starts_with("五、"));
    assert!(!rules_of(&d).contains(&"S101"));
}

#[test]
fn s103_duplicate_section() {
    let text = format!(
        "{}\n五、存在的主要问题及改进情况\n无。\n",
        clean().trim_end()
    );
    let d = lint(&text);
    let s = find(&d, "S103");
    assert_eq!(s.labels.len(), 1, "points at the first occurrence too");
}

#[test]
fn s104_title_with_a_typo_shows_the_difference() {
    let text = replace(
        &clean(),
        "二、主动公开政府信息情况",
        "二、主动公开政府信自情况",
    );
    let d = lint(&text);
    let s = find(&d, "S104");
    assert!(s.message.contains("信[-息][+自]情况"), "{}", s.message);
}

#[test]
fn s104_accepted_variant_is_silent() {
    let text = replace(
        &clean(),
        "四、政府信息公开行政复议、行政诉讼情况",
        "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况",
    );
    assert!(lint(&text).is_empty());
}

#[test]
fn s105_arabic_or_wrong_numeral() {
    let d = lint(&replace(&clean(), "一、总体情况", "1、总体情况"));
    assert!(find(&d, "S105").message.contains("中文数字"));
    let d = lint(&replace(
        &clean(),
        "六、其他需要报告的事项",
        "七、其他需要报告的事项",
    ));
    assert!(find(&d, "S105").message.contains("第六部分"));
}

#[test]
fn s201_missing_sub_part() {
    let text = replace(&clean(), "（四）政府信息公开平台建设情况\n", "");
    let d = lint(&text);
    let s = find(&d, "S201");
    assert_eq!(s.severity, Severity::Warning);
    assert!(s.message.contains("（四）政府信息公开平台建设"));
    assert!(text_at(&text, s).starts_with("（五）"));
}

#[test]
fn s202_sub_parts_out_of_order() {
    let text = replace(&clean(), "（一）主动公开情况", "（二）依申请公开情况X");
    let text = replace(&text, "（二）依申请公开情况\n", "（一）主动公开情况\n");
    let text = replace(&text, "（二）依申请公开情况X", "（二）依申请公开情况");
    let d = lint(&text);
    find(&d, "S202");
}

#[test]
fn s203_sub_part_numbering() {
    let d = lint(&replace(
        &clean(),
        "（三）政府信息管理情况",
        "3.政府信息管理情况",
    ));
    assert!(find(&d, "S203").message.contains("（三）"));
}

// ───────────────────────────── T: table conformance

fn table_three(text: &str) -> (usize, usize) {
    let start = text.find("三、收到和处理政府信息公开申请情况").unwrap_or(0);
    let end = text.find("四、政府信息公开行政复议").unwrap_or(text.len());
    (start, end)
}

#[test]
fn t001_missing_table() {
    let text = clean();
    let (start, end) = table_three(&text);
    let no_table = format!(
        "{}三、收到和处理政府信息公开申请情况\n本年度共收到申请24件。\n\n{}",
        &text[..start],
        &text[end..]
    );
    let d = lint(&no_table);
    let t = find(&d, "T001");
    assert!(t.message.contains("表三"));
    assert!(
        !rules_of(&d).iter().any(|r| r.starts_with("T2")),
        "no arithmetic on a missing table"
    );
}

#[test]
fn t002_unreadable_table_is_not_checked_cell_by_cell() {
    let text = clean();
    let (start, end) = table_three(&text);
    // Keep the labels of three rows only: too little to read the table with confidence.
    let kept: Vec<&str> = text[start..end]
        .lines()
        .filter(|l| {
            l.starts_with("三、收到")
                || l.starts_with("一、本年新收")
                || l.starts_with("（七）总计")
                || l.starts_with("2.重复申请")
        })
        .collect();
    let broken = format!("{}{}\n\n{}", &text[..start], kept.join("\n"), &text[end..]);
    let d = lint(&broken);
    assert!(find(&d, "T002").message.contains("无法识别"));
    assert!(
        !rules_of(&d)
            .iter()
            .any(|r| r.starts_with("T2") || *r == "T101")
    );
}

#[test]
fn t101_missing_row() {
    let d = lint(&replace(
        &clean(),
        "2.重复申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | |\n",
        "",
    ));
    let t = find(&d, "T101");
    assert!(t.message.contains("2.重复申请"), "{}", t.message);
}

#[test]
fn t102_missing_column_header() {
    let d = lint(&replace(&clean(), "| 科研机构 |", "| |"));
    assert!(find(&d, "T102").message.contains("科研机构"));
}

#[test]
fn t103_row_with_too_few_values() {
    let d = lint(&replace(
        &clean(),
        "1 | 0 | 0 | 1 | 2 | 0 | 1 | 0 | 0 | 1 | 0 | 0 | 0 | 0 | 0 |",
        "0 |",
    ));
    let t = find(&d, "T103");
    assert!(
        t.message.contains("只有 1 个数值，应为 15 个"),
        "{}",
        t.message
    );
    assert!(
        !rules_of(&d).iter().any(|r| r.starts_with("T20")),
        "a collapsed row is not checked"
    );
}

#[test]
fn t103_glued_digits_are_not_guessed() {
    let text = common::read("tests/fixtures/layout-columns.txt");
    // PDF text where the three cells of a row lost their separators: 3 | 1 | 12.
    let glued = replace(
        &text,
        "   行政规范性文件                       3      1      12",
        "   行政规范性文件3112",
    );
    let d = lint(&glued);
    // Three readings add up (表二 has no relation on this row): reported, not guessed.
    let t = find(&d, "T111");
    assert!(t.message.contains("粘连"), "{}", t.message);
    assert!(
        t.notes.iter().any(|n| n.contains("3|1|12")),
        "{:?}",
        t.notes
    );
    assert!(
        !rules_of(&d).contains(&"T103"),
        "one finding: {:?}",
        rules_of(&d)
    );
}

#[test]
fn t104_blank_cell() {
    let text = replace(
        &clean(),
        "行政规范性文件 | 3 | 1 | 12 |",
        "行政规范性文件 | 3 | | 12 |",
    );
    let d = lint(&text);
    let t = find(&d, "T104");
    assert!(t.message.contains("本年废止件数"));
    assert_eq!(&text[t.primary.clone()], "|", "points at the empty cell");
}

#[test]
fn t104_blank_cell_makes_sums_uncertain_not_failed() {
    // The blank is in the 自然人 column of 一: row total and 勾稽 are not checked.
    let d = lint(&replace(
        &clean(),
        "一、本年新收政府信息公开申请数量 | 20 |",
        "一、本年新收政府信息公开申请数量 | |",
    ));
    assert_eq!(rules_of(&d), ["T104"]);
}

#[test]
fn t105_non_numeric_cell() {
    let d = lint(&replace(&clean(), "行政许可 | 156 |", "行政许可 | / |"));
    assert!(find(&d, "T105").message.contains("「/」"));
}

#[test]
fn t106_negative_number() {
    let d = lint(&replace(&clean(), "行政强制 | 3 |", "行政强制 | -3 |"));
    assert_eq!(find(&d, "T106").severity, Severity::Error);
}

#[test]
fn t107_label_difference_is_shown_as_a_diff() {
    let d = lint(&replace(
        &clean(),
        "4.保护第三方合法权益",
        "4.保护第三人合法权益",
    ));
    assert!(find(&d, "T107").message.contains("第三[-方][+人]合法权益"));
}

#[test]
fn t108_collapsed_group() {
    let text = clean();
    let start = text.find("（六）其他处理 |").unwrap_or(0);
    let end = text.find("（七）总计").unwrap_or(0);
    let collapsed = format!(
        "{}（六）其他处理 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | |\n{}",
        &text[..start],
        &text[end..]
    );
    let d = lint(&collapsed);
    assert!(find(&d, "T108").message.contains("（六）其他处理"));
    assert!(
        !rules_of(&d).contains(&"T101"),
        "its rows are not reported missing one by one"
    );
    assert!(
        !rules_of(&d).iter().any(|r| r.starts_with("T2")),
        "the collapsed row stands for its rows"
    );
}

#[test]
fn t109_legacy_2019_labels() {
    let text = replace(
        &clean(),
        "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |",
        "信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |",
    );
    let d = lint(&text);
    let t = find(&d, "T109");
    assert_eq!(t.severity, Severity::Error);
    assert_eq!(t.labels.len(), 2, "all three legacy labels are shown");
    // In a report about 2020 the old format was still correct.
    let old = text.replace("2024年", "2020年");
    assert!(!rules_of(&lint(&old)).contains(&"T109"));
}

#[test]
fn t110_fractional_count() {
    let d = lint(&replace(&clean(), "行政处罚 | 42 |", "行政处罚 | 42.5 |"));
    assert!(find(&d, "T110").message.contains("42.5"));
    // 万元 amounts may have decimals (the clean report's 12.5).
}

// ───────────────────────────── T2xx: arithmetic

#[test]
fn t201_row_total_with_arithmetic_and_fix() {
    let text = replace(&clean(), "| 1 | 0 | 24 | |\n二、", "| 1 | 0 | 23 | |\n二、");
    let d = lint(&text);
    let t = find(&d, "T201");
    assert_eq!(&text[t.primary.clone()], "23");
    let applicants: Vec<&str> = t.labels[..6].iter().map(|l| l.message.as_str()).collect();
    assert_eq!(
        applicants,
        [
            "自然人 20",
            "商业企业 3",
            "科研机构 0",
            "社会公益组织 0",
            "法律服务机构 1",
            "其他 0"
        ],
        "every applicant column is labelled"
    );
    assert_eq!(
        t.notes[0],
        "自然人 20 + 商业企业 3 + 科研机构 0 + 社会公益组织 0 + 法律服务机构 1 + 其他 0 = 24，表中总计 23"
    );
    assert!(t.help.as_deref().unwrap_or("").contains("应为 24"));
}

#[test]
fn t202_results_total() {
    let text = replace(&clean(), "（七）总计 | 20 |", "（七）总计 | 21 |");
    let d = lint(&text);
    let t = find(&d, "T202");
    assert!(t.message.contains("「自然人」列"), "{}", t.message);
    assert_eq!(&text[t.primary.clone()], "21");
    assert!(t.notes[0].contains("（一）予以公开 10"), "{}", t.notes[0]);
    assert!(
        t.notes[0].contains("其余"),
        "zero rows are summarised: {}",
        t.notes[0]
    );
}

#[test]
fn t203_balance_of_table_three() {
    let d = lint(&replace(
        &clean(),
        "四、结转下年度继续办理 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |",
        "四、结转下年度继续办理 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |",
    ));
    let t = find(&d, "T203");
    assert!(
        t.notes[0].contains("一、本年新收 20 + 二、上年结转 2 = 22"),
        "{}",
        t.notes[0]
    );
}

// ───────────────────────────── one defect, one finding

/// 表三's 新收 total changed: its row sum (T201), the column balance (T203) and the
/// narrative (X101) all fail; one cell explains all three, so there is one finding on
/// it, the other relations as notes and one help with the value.
#[test]
fn one_wrong_cell_is_one_finding_on_that_cell() {
    let text = replace(&clean(), "| 1 | 0 | 24 | |\n二、", "| 1 | 0 | 25 | |\n二、");
    let d = lint(&text);
    assert_eq!(rules_of(&d), ["T201"], "{d:#?}");
    let t = &d[0];
    assert_eq!(&text[t.primary.clone()], "25");
    assert!(
        t.notes.iter().any(|n| n.contains("（T203）")),
        "{:?}",
        t.notes
    );
    assert!(
        t.notes.iter().any(|n| n.contains("（X101）")),
        "{:?}",
        t.notes
    );
    assert_eq!(
        t.help.as_deref(),
        Some(
            "表三「一、本年新收」总计应为 24：只改这一处，这 3 项核对就全部成立（其他任何单独一处的改动都做不到）"
        )
    );
    // The narrative figure is still shown, as evidence.
    assert!(t.labels.iter().any(|l| l.message == "正文为 24"));
}

/// A wrong part (自然人 of 一): the finding moves to that cell, not to the row total the
/// row-sum rule would point at.
#[test]
fn the_finding_moves_to_the_cell_that_explains_every_failure() {
    let text = replace(&clean(), "申请数量 | 20 | 3 |", "申请数量 | 21 | 3 |");
    let d = lint(&text);
    assert_eq!(rules_of(&d), ["T201"], "{d:#?}");
    assert_eq!(&text[d[0].primary.clone()], "21");
    assert!(
        d[0].primary_label.starts_with("自然人 21"),
        "{}",
        d[0].primary_label
    );
    assert!(d[0].help.as_deref().unwrap_or("").contains("自然人应为 20"));
}

/// Two wrong cells: no single change fixes the three failing relations, so one finding
/// says so and names the cells they share; no help gives a value.
#[test]
fn two_wrong_cells_are_one_finding_naming_the_candidates() {
    let text = replace(&clean(), "申请数量 | 20 | 3 |", "申请数量 | 21 | 4 |");
    let d = lint(&text);
    assert_eq!(errors_of(&d).len(), 1, "{d:#?}");
    let help = d[0].help.as_deref().unwrap_or("");
    assert!(help.contains("至少有两处数值有误"), "{help}");
    assert!(
        help.contains("自然人 21") && help.contains("商业企业 4"),
        "{help}"
    );
    assert!(!help.contains("应为"), "{help}");
}

/// Every single number of 表三 and 表四 of the clean report changed by one gives one
/// error; when that error merges several relations, it is on the changed cell and its
/// help restores the original value — following it leaves nothing to report.
#[test]
fn following_the_help_of_a_merged_finding_fixes_everything() {
    let pack = common::national().pack();
    let text = clean();
    let doc = nianbao::Document::parse("clean", text.clone(), &pack.templates);
    let mut merged = 0;
    for table in &doc.tables[1..] {
        for row in &table.rows {
            for cell in &row.cells {
                let (Some(span), nianbao::parse::CellValue::Number(v)) = (&cell.span, &cell.value)
                else {
                    continue;
                };
                let changed = v.checked_add(nianbao::number::Num::from_int(1));
                let Some(changed) = changed else { continue };
                let mutated = format!("{}{changed}{}", &text[..span.start], &text[span.end..]);
                let d = lint(&mutated);
                let errors = errors_of(&d);
                assert_eq!(
                    errors.len(),
                    1,
                    "{} → {changed}: {d:#?}",
                    &text[span.clone()]
                );
                let e = errors[0];
                if !e.notes.iter().any(|n| n.starts_with("同时不成立")) {
                    continue;
                }
                merged += 1;
                assert_eq!(e.primary.start, span.start, "{e:#?}");
                let help = e.help.as_deref().unwrap_or("");
                assert!(help.contains(&format!("应为 {v}：")), "{help}");
                let restored = format!(
                    "{}{v}{}",
                    &mutated[..e.primary.start],
                    &mutated[e.primary.end..]
                );
                assert!(lint(&restored).is_empty());
            }
        }
    }
    assert!(merged >= 20, "only {merged} changes gave a merged finding");
}

/// A relation that fails alone, whose total agrees with the narrative: the help does not
/// tell the editor to change the total (that would break the narrative check) but names
/// the parts.
#[test]
fn a_help_never_breaks_a_check_that_holds() {
    let row = "1 | 0 | 0 | 1 | 2 | 0 | 1 | 0 | 0 | 1 | 0 | 0 | 0 | 0 | 0 |";
    let bad = "2 | 0 | 0 | 1 | 2 | 0 | 1 | 0 | 0 | 1 | 0 | 0 | 0 | 0 | 0 |";
    // Without a narrative figure, the total is the first suspect.
    let d = lint(&replace(&clean(), row, bad));
    let t = find(&d, "T204");
    assert!(
        t.help.as_deref().unwrap_or("").contains("总计应为 3"),
        "{:?}",
        t.help
    );
    // The narrative says 2, like the total: the parts are named instead.
    let text = replace(
        &clean(),
        "（三）政府信息管理情况\n",
        "因政府信息公开被申请行政复议2件。\n（三）政府信息管理情况\n",
    );
    assert!(lint(&text).is_empty());
    let d = lint(&replace(&text, row, bad));
    assert_eq!(rules_of(&d), ["T204"], "{d:#?}");
    let help = d[0].help.as_deref().unwrap_or("");
    assert!(!help.contains("总计应为"), "{help}");
    assert!(help.contains("结果维持」应为 1"), "{help}");
    assert!(
        d[0].notes.iter().any(|n| n.contains("X111")),
        "{:?}",
        d[0].notes
    );
}

#[test]
fn t204_t205_t206_table_four_groups() {
    let row = "1 | 0 | 0 | 1 | 2 | 0 | 1 | 0 | 0 | 1 | 0 | 0 | 0 | 0 | 0 |";
    for (bad, rule) in [
        (
            "1 | 0 | 0 | 1 | 3 | 0 | 1 | 0 | 0 | 1 | 0 | 0 | 0 | 0 | 0 |",
            "T204",
        ),
        (
            "1 | 0 | 0 | 1 | 2 | 0 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
            "T205",
        ),
        (
            "1 | 0 | 0 | 1 | 2 | 0 | 1 | 0 | 0 | 1 | 5 | 0 | 0 | 0 | 0 |",
            "T206",
        ),
    ] {
        let d = lint(&replace(&clean(), row, bad));
        assert_eq!(rules_of(&d), [rule], "{bad}");
    }
}

#[test]
fn arithmetic_is_checked_in_every_layout() {
    for f in [
        "tests/fixtures/layout-one-cell-per-line.txt",
        "tests/fixtures/layout-columns.txt",
    ] {
        let text = common::read(f);
        let at = text.find("（七）总计").unwrap_or(0);
        let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        let bad_line = text[at..line_end].replacen("20", "19", 1);
        let bad = format!("{}{}{}", &text[..at], bad_line, &text[line_end..]);
        let bad = if f.contains("one-cell") {
            // one cell per line: the value is on the line after the label
            replace(&text, "（七）总计 |\n20 |", "（七）总计 |\n19 |")
        } else {
            bad
        };
        let d = lint(&bad);
        assert!(rules_of(&d).contains(&"T202"), "{f}: {:?}", rules_of(&d));
    }
}

/// A short pipe row keeps its cells in their columns (left to right): T103 says so, and
/// the cells present are checked — never "not checked" while being summed.
#[test]
fn t103_short_pipe_row_says_its_cells_are_checked_and_they_are() {
    let short = replace(
        &clean(),
        "3.其他 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | |",
        "3.其他 | 0 | 0 | 0 | 0 | 0 | 0 |",
    );
    let d = lint(&short);
    let t103 = find(&d, "T103");
    assert!(
        t103.notes.iter().any(|n| n.contains("照常核对")),
        "{:?}",
        t103.notes
    );
    assert!(
        !rules_of(&d).iter().any(|r| r.starts_with("T2")),
        "{:?}",
        rules_of(&d)
    );
    // A wrong figure among the cells present is caught by its column.
    let wrong = replace(
        &clean(),
        "3.其他 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | |",
        "3.其他 | 5 | 0 | 0 | 0 | 0 | 0 |",
    );
    let d = lint(&wrong);
    assert!(
        rules_of(&d).iter().any(|r| r.starts_with("T2")),
        "{:?}",
        rules_of(&d)
    );
}

/// Issue 7, item 6: in a table only partly readable (T002), a relation whose cells were
/// all read with confidence (complete pipe rows) is still checked; a short row is not.
#[test]
fn t002_partly_readable_table_still_checks_rows_read_with_confidence() {
    let text = clean();
    let (start, end) = table_three(&text);
    let kept = |new_row: &str, short_row: &str| {
        let rows = [
            "三、收到和处理政府信息公开申请情况",
            new_row,
            short_row,
            "（七）总计 | 20 | 3 | 0 | 0 | 1 | 0 | 24 | |",
        ];
        format!("{}{}\n\n{}", &text[..start], rows.join("\n"), &text[end..])
    };
    let good_new = "一、本年新收政府信息公开申请数量 | 20 | 3 | 0 | 0 | 1 | 0 | 24 | |";
    let bad_new = "一、本年新收政府信息公开申请数量 | 20 | 3 | 0 | 0 | 1 | 0 | 25 | |";
    // A short row whose figures would not add up: never summed (its columns are unsure).
    let short = "2.重复申请 | 5 | 0 |";
    let d = lint(&kept(bad_new, short));
    assert!(find(&d, "T002").message.contains("无法识别"));
    let t201: Vec<&Diagnostic> = d.iter().filter(|x| x.rule == "T201").collect();
    assert_eq!(t201.len(), 1, "{:?}", rules_of(&d));
    assert!(t201[0].message.contains("本年新收"));
    let silent = lint(&kept(good_new, short));
    assert!(find(&silent, "T002").message.contains("无法识别"));
    assert!(!rules_of(&silent).iter().any(|r| r.starts_with("T2")));
}

/// A 2019-format 表二 with no figure readable is not "missing": the format is named.
#[test]
fn t002_legacy_format_table_is_named_not_missing() {
    let text = clean();
    let start = text.find("第二十条第（一）项").unwrap_or(0);
    let end = text
        .find("三、收到和处理政府信息公开申请情况")
        .unwrap_or(text.len());
    let legacy = "第二十条第（一）项\n信息内容\n本年新制作数量\n本年新公开数量\n对外公开总数量\n\
                  第二十条第（五）项\n信息内容\n上一年项目数量（指2019年事项数）\n本年增/减\n处理决定数量\n\
                  其他对外管理服务事项（指行政许可以外的事项）\n\n";
    let old_table = format!("{}{legacy}{}", &text[..start], &text[end..]);
    // A 2020 report: the old format was right; the table is unreadable as 2021 format.
    let d = lint(&old_table.replace("2024年", "2020年"));
    assert!(!rules_of(&d).contains(&"T001"), "{:?}", rules_of(&d));
    let t002 = find(&d, "T002");
    assert!(t002.message.contains("2019年版格式"), "{}", t002.message);
    // A 2024 report: the old format is the defect (T109), said once.
    let d = lint(&old_table);
    assert!(!rules_of(&d).contains(&"T001"));
    assert!(!rules_of(&d).contains(&"T002"));
    assert_eq!(find(&d, "T109").severity, Severity::Error);
}

/// A table whose labels are there and every cell empty: one blank-cell finding for the
/// table, not T002 or a finding per row.
#[test]
fn t104_table_left_blank_is_one_finding() {
    let text = clean();
    let (start, end) = table_three(&text);
    let blank: String = text[start..end]
        .lines()
        .map(|l| {
            if l.starts_with('（') && l.contains("勾稽") || !l.contains('|') {
                return format!("{l}\n");
            }
            // Keep the labels, empty every figure.
            let cells: Vec<String> = l
                .split('|')
                .map(|c| {
                    if c.trim().chars().all(|ch| ch.is_ascii_digit()) {
                        " ".to_string()
                    } else {
                        c.to_string()
                    }
                })
                .collect();
            format!("{}\n", cells.join("|"))
        })
        .collect();
    let d = lint(&format!("{}{blank}{}", &text[..start], &text[end..]));
    let t104: Vec<&Diagnostic> = d
        .iter()
        .filter(|x| x.rule == "T104" && x.message.contains("表三"))
        .collect();
    assert_eq!(t104.len(), 1, "{:?}", rules_of(&d));
    assert!(
        t104[0].message.contains("全部为空白"),
        "{}",
        t104[0].message
    );
    assert!(!rules_of(&d).contains(&"T002"));
    assert!(!rules_of(&d).contains(&"T103"));
    // A table with figures is not "blank".
    assert!(!lint(&clean()).iter().any(|x| x.rule == "T104"));
}

/// S108: the preamble's list of parts; silent when it lists the six.
#[test]
fn s108_preamble_list_of_parts() {
    let listing = |list: &str| {
        replace(
            &clean(),
            "如对本报告有疑问",
            &format!("{list}如对本报告有疑问"),
        )
    };
    let five = "本报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、存在问题及改进情况、其他需要报告的事项等六部分组成。";
    let d = lint(&listing(five));
    let s = find(&d, "S108");
    assert!(
        s.message.contains("六") && s.message.contains("行政复议"),
        "{}",
        s.message
    );
    let six = "全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议、行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项等六个部分。";
    assert!(!rules_of(&lint(&listing(six))).contains(&"S108"));
    // Listing all six without a count, and a count with no list, are silent too.
    let no_count = "全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、因政府信息公开工作被申请行政复议和提起行政诉讼情况、政府信息公开工作存在的主要问题及改进情况以及其他需要报告的事项。";
    assert!(!rules_of(&lint(&listing(no_count))).contains(&"S108"));
}

/// D105: carried over "to" the report year; the carry-over into it is not.
#[test]
fn d105_carry_over_year() {
    let text = clean();
    let bad = replace(&text, "结转下年度继续办理2件", "2件转结2024年办结");
    let d = find(&lint(&bad), "D105").clone();
    assert!(d.message.contains("2025"));
    assert!(d.notes.iter().any(|n| n.contains("结转")));
    let into = replace(&text, "上年结转2件", "2023年结转至2024年办理2件");
    assert!(!rules_of(&lint(&into)).contains(&"D105"));
    let next = replace(&text, "结转下年度继续办理2件", "结转2025年继续办理2件");
    assert!(!rules_of(&lint(&next)).contains(&"D105"));
}

/// The repetition rule decodes the text in chunks of a few thousand characters: a
/// repeated word is found wherever it falls, also across a chunk's end, and a long
/// text without one has no finding.
#[test]
fn e105_repetition_found_at_every_offset_of_a_long_text() {
    let report = clean();
    // Han characters in a cycle of 13, after the report: no unit of 2–4 characters
    // is repeated.
    let filler: String = "甲乙丙丁戊己庚辛壬癸子丑寅"
        .chars()
        .cycle()
        .take(9_000)
        .collect();
    let silent = lint(&format!("{report}\n{filler}\n"));
    assert!(
        !rules_of(&silent).contains(&"E105"),
        "{:?}",
        rules_of(&silent)
    );
    // Offsets in characters from the start of the whole text.
    let before = report.chars().count() + 1;
    let offsets = (4_080..4_110)
        .chain(8_160..8_200)
        .chain([before, before + 8_990]);
    for at in offsets.step_by(3) {
        assert!(at >= before, "the report is longer than the first chunk");
        let mut chars: Vec<char> = filler.chars().collect();
        chars.splice(at - before..at - before, "资金资金".chars());
        let text = format!("{report}\n{}\n", chars.into_iter().collect::<String>());
        let d = lint(&text);
        let hits: Vec<&str> = d
            .iter()
            .filter(|x| x.rule == "E105")
            .map(|x| text_at(&text, x))
            .collect();
        assert_eq!(hits, ["资金资金"], "inserted at character {at}");
    }
}
