//! Rule packs: a province pack extends the national one, changes a severity, turns a
//! rule off and adds a relation between two tables; broken packs are rejected with the
//! TOML position of the problem.

use crate::common;

use common::{clean, replace, root, rules_of};
use nianbao::{Linter, Pack, PackError, Severity};

fn pack(name: &str) -> Result<Pack, PackError> {
    Pack::from_dir(&root().join("tests/packs").join(name))
}

fn pack_error(name: &str) -> PackError {
    match pack(name) {
        Ok(_) => panic!("{name} should not load"),
        Err(e) => e,
    }
}

/// (1-based line, column) of the error's primary span, and the text there.
fn position(e: &PackError) -> (usize, usize, String) {
    let place = e.primary.as_ref().expect("the error points into a file");
    let text = &place.source.text;
    let before = &text[..place.span.start];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |s| s.chars().count()) + 1;
    (line, column, text[place.span.clone()].to_string())
}

fn province() -> Linter {
    Linter::new(pack("province").expect("province pack loads"))
}

#[test]
fn extends_keeps_the_national_rules() {
    let p = pack("province").expect("loads");
    assert_eq!(p.chain, ["national", "test-province"]);
    let national = Pack::national().expect("loads");
    for r in &national.rules {
        assert!(p.rule(&r.meta.id).is_some(), "{} inherited", r.meta.id);
    }
    assert_eq!(
        p.rule("T901").map(|r| r.meta.pack.as_str()),
        Some("test-province")
    );
}

#[test]
fn disable_turns_a_rule_off() {
    let text = replace(&clean(), "4.保护第三方合法权益", "4.保护第三人合法权益");
    assert!(rules_of(&common::lint(&text)).contains(&"T107"));
    let d = province()
        .lint_text("t.txt", text)
        .map(|o| o.diagnostics)
        .unwrap_or_default();
    assert!(!rules_of(&d).contains(&"T107"), "{:?}", rules_of(&d));
}

#[test]
fn severity_override_applies() {
    let text = replace(
        &clean(),
        "行政规范性文件 | 3 | 1 | 12 |",
        "行政规范性文件 | 3 | | 12 |",
    );
    let d = province()
        .lint_text("t.txt", text)
        .map(|o| o.diagnostics)
        .unwrap_or_default();
    let t = d.iter().find(|x| x.rule == "T104").expect("T104");
    assert_eq!(t.severity, Severity::Error);
}

#[test]
fn added_cross_table_rule_fires_and_stays_silent() {
    let clean_findings = province()
        .lint_text("t.txt", clean())
        .map(|o| o.diagnostics)
        .unwrap_or_default();
    assert!(clean_findings.is_empty(), "{:?}", rules_of(&clean_findings));
    // 行政复议 5 cases (consistent within 表四) against 24 + 2 applications: fine…
    let five = replace(
        &clean(),
        "1 | 0 | 0 | 1 | 2 | 0 | 1 | 0 | 0 | 1 |",
        "3 | 0 | 0 | 2 | 5 | 0 | 1 | 0 | 0 | 1 |",
    );
    assert!(
        province()
            .lint_text("t.txt", five)
            .map(|o| o.diagnostics)
            .unwrap_or_default()
            .is_empty()
    );
    // …but 30 cases is more than the 26 applications.
    let thirty = replace(
        &clean(),
        "1 | 0 | 0 | 1 | 2 | 0 | 1 | 0 | 0 | 1 |",
        "20 | 0 | 0 | 10 | 30 | 0 | 1 | 0 | 0 | 1 |",
    );
    let d = province()
        .lint_text("t.txt", thirty)
        .map(|o| o.diagnostics)
        .unwrap_or_default();
    assert_eq!(rules_of(&d), ["T901"]);
    let t = &d[0];
    assert_eq!(t.message, "表四行政复议案件数多于表三的申请数");
    assert_eq!(t.labels.len(), 2, "both 表三 cells are labelled");
    assert!(t.notes[0].contains("应满足 30 ≤ 26"), "{}", t.notes[0]);
}

#[test]
fn syntax_error_points_at_the_toml_line() {
    let e = pack_error("bad-syntax");
    let (line, _, _) = position(&e);
    assert_eq!(line, 5, "{}", e);
    assert!(e.message.contains("TOML"), "{}", e.message);
}

#[test]
fn unknown_field_is_named_with_the_fields_that_exist() {
    let e = pack_error("unknown-field");
    let (line, column, text) = position(&e);
    assert_eq!((line, column, text.as_str()), (6, 1, "equatoin"));
    assert!(e.message.contains("未知字段"), "{}", e.message);
    assert!(e.help.as_deref().unwrap_or("").contains("equation"));
}

#[test]
fn unknown_cell_points_inside_the_equation() {
    let e = pack_error("unknown-cell");
    let (line, column, text) = position(&e);
    assert_eq!(text, "totl");
    assert_eq!((line, column), (6, 20));
    assert!(e.message.contains("找不到列「totl」"), "{}", e.message);
    assert!(e.help.as_deref().unwrap_or("").contains("total"));
}

#[test]
fn a_group_row_has_no_cell_of_its_own() {
    let e = pack_error("group-cell");
    assert_eq!(position(&e).2, "withheld");
    assert!(
        e.help.as_deref().unwrap_or("").contains("sum(t3.withheld"),
        "{:?}",
        e.help
    );
}

#[test]
fn extends_cycle_is_an_error() {
    let e = pack_error("cycle-a");
    assert!(e.message.contains("循环"), "{}", e.message);
    assert!(e.notes.iter().any(|n| n.contains("→")), "{:?}", e.notes);
}

#[test]
fn duplicate_rule_id_shows_both_definitions() {
    let e = pack_error("duplicate-id");
    assert!(e.message.contains("T201"));
    assert_eq!(e.secondary.len(), 1, "the first definition is shown too");
}

#[test]
fn unknown_rule_in_an_override() {
    let e = pack_error("unknown-override");
    assert_eq!(position(&e).2, "T999");
}

#[test]
fn a_folder_without_pack_toml_is_not_a_pack() {
    let e = pack_error("not-a-pack");
    assert!(e.message.contains("pack.toml"), "{}", e.message);
    let e = pack_error("does-not-exist");
    assert!(e.message.contains("找不到"), "{}", e.message);
}

#[test]
fn the_national_pack_on_disk_equals_the_built_in_one() {
    let disk = Pack::from_dir(&root().join("rules/national")).expect("loads from disk");
    let built_in = Pack::national().expect("loads");
    let ids = |p: &Pack| {
        p.rules
            .iter()
            .map(|r| (r.meta.id.clone(), r.meta.severity))
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&disk), ids(&built_in));
}

#[test]
fn every_national_rule_is_documented() {
    let p = Pack::national().expect("loads");
    for r in &p.rules {
        assert!(
            !r.meta.summary.is_empty() && r.meta.description.chars().count() > 20,
            "{}",
            r.meta.id
        );
        assert!(
            r.meta
                .example
                .as_deref()
                .is_some_and(|e| !e.trim().is_empty()),
            "{} has an example",
            r.meta.id
        );
    }
}

#[test]
fn every_rule_declared_in_the_national_files_is_loaded() {
    let p = Pack::national().expect("loads");
    let mut declared = Vec::new();
    for entry in std::fs::read_dir(root().join("rules/national")).expect("folder") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue; // tests/ holds the pack's fixtures
        }
        let text = std::fs::read_to_string(&path).expect("read");
        for line in text.lines() {
            if let Some(id) = line
                .trim()
                .strip_prefix("id = \"")
                .and_then(|r| r.strip_suffix('"'))
                && id.chars().next().is_some_and(|c| "STXNDEY".contains(c))
                && id.len() >= 4
            {
                declared.push(id.to_string());
            }
        }
    }
    assert!(declared.len() >= 50, "{declared:?}");
    for id in &declared {
        assert!(p.rule(id).is_some(), "{id} is declared but not loaded");
    }
    assert_eq!(declared.len(), p.rules.len());
}

#[test]
fn a_province_wording_from_the_readme() {
    let with = |sentence: &str| {
        replace(
            &clean(),
            "（三）政府信息管理情况\n",
            &format!("{sentence}\n（三）政府信息管理情况\n"),
        )
    };
    let ok = province()
        .lint_text("t.txt", with("全年登记政府信息公开申请24件。"))
        .map(|o| o.diagnostics)
        .unwrap_or_default();
    assert!(ok.is_empty(), "{:?}", rules_of(&ok));
    let bad = province()
        .lint_text("t.txt", with("全年登记政府信息公开申请25件。"))
        .map(|o| o.diagnostics)
        .unwrap_or_default();
    assert_eq!(rules_of(&bad), ["X901"]);
    // The national pack alone does not know this wording.
    assert!(common::lint(&with("全年登记政府信息公开申请25件。")).is_empty());
}

#[test]
fn examples_and_counterexamples_are_checked_when_the_pack_loads() {
    let e = pack_error("bad-example");
    assert_eq!(position(&e).2, "\"征求意见稿\"");
    assert!(e.message.contains("示例没有被此规则识别"), "{}", e.message);
    let e = pack_error("bad-counterexample");
    assert_eq!(position(&e).2, "\"认认真真\"");
    assert!(
        e.message.contains("反例被误识别：「认认」"),
        "{}",
        e.message
    );
}
