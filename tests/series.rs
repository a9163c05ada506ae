//! Reports checked against each other: the Y rules on generated series of one body
//! (each fires on its defect and is silent on a clean pair), settled glued cells,
//! aggregates, body normalisation in pairing, `--previous` and the JSON/human output of
//! labels in last year's file; and the real series of ../shared when present.

use crate::common;

use std::collections::HashMap;

use common::series::{Year, clean_series, render};
use nianbao::series::{self, Aggregate, Identity, ReportFacts, Stated};
use nianbao::{Diagnostic, Severity};

/// Checks a batch the way `nianbao check` does: each report on its own, reduced to
/// facts, then the series stage. Returns each report's findings (own + series).
fn check_batch(
    reports: &[(String, String)],
    aggregates: &[Aggregate],
) -> HashMap<String, Vec<Diagnostic>> {
    let linter = common::national();
    let mut own = Vec::new();
    let mut facts = Vec::new();
    // The same facts spilled, as `nianbao check` keeps them: the same findings.
    let mut store = series::Store::new();
    for (name, text) in reports {
        let outcome = linter
            .lint_text(name.clone(), text.clone())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let identity = Identity::of(&outcome.document, &Stated::default(), &Stated::default());
        let f = ReportFacts::of(&outcome.document, linter.pack(), 0, identity);
        store.push(series::store::Encoded::of(&f, true));
        facts.push(f);
        own.push(outcome.diagnostics);
    }
    let (_, outcomes) = series::check_series(&mut facts, &[linter.pack()], aggregates);
    let (_, stored) = series::check_stored(&mut store, &[linter.pack()], aggregates);
    let sorted = |o: &HashMap<usize, series::SeriesOutcome>| {
        format!(
            "{:?}",
            o.iter().collect::<std::collections::BTreeMap<_, _>>()
        )
    };
    assert_eq!(sorted(&stored), sorted(&outcomes), "spilled and in memory");
    let mut out = HashMap::new();
    for (i, ((name, _), mut diags)) in reports.iter().zip(own).enumerate() {
        if let Some(o) = outcomes.get(&i) {
            series::apply(o, &mut diags);
        }
        out.insert(name.clone(), diags);
    }
    out
}

fn named(years: &[Year]) -> Vec<(String, String)> {
    years
        .iter()
        .map(|y| (format!("{}/{}.txt", y.body, y.year), render(y)))
        .collect()
}

fn y_rules(diags: &[Diagnostic]) -> Vec<&str> {
    diags
        .iter()
        .filter(|d| d.rule.starts_with('Y'))
        .map(|d| d.rule.as_str())
        .collect()
}

#[test]
fn generated_reports_are_clean_on_their_own() {
    for y in clean_series("青山县交通运输局", 2022, 3) {
        let diags = common::lint(&render(&y));
        assert!(diags.is_empty(), "{}: {diags:#?}", y.year);
    }
}

#[test]
fn a_clean_series_has_no_cross_year_finding() {
    let years = clean_series("青山县交通运输局", 2021, 4);
    let found = check_batch(&named(&years), &[]);
    for (name, diags) in &found {
        assert!(diags.is_empty(), "{name}: {diags:#?}");
    }
}

/// The clean 2022 → 2023 pair, and 2024 with one defect of each kind against 2023.
fn defective_series() -> Vec<Year> {
    let years = clean_series("青山县交通运输局", 2022, 2);
    let mut bad = years[1].next();
    bad.carried = years[1].carry_next + 1; // Y101
    bad.new -= 1; // keeps 表三 balanced
    bad.in_force += 5; // Y102
    bad.cumulative = years[1].cumulative - 10; // Y103
    bad.five_from = Some(years[1].wording); // Y104
    bad.stale_year = Some(years[1].year); // Y106
    let mut all = years;
    all.push(bad);
    all
}

#[test]
fn each_cross_year_rule_fires_on_its_defect() {
    let years = defective_series();
    let found = check_batch(&named(&years), &[]);
    let first = &found["青山县交通运输局/2022.txt"];
    let clean = &found["青山县交通运输局/2023.txt"];
    let bad = &found["青山县交通运输局/2024.txt"];
    assert!(first.is_empty(), "{first:#?}");
    assert!(clean.is_empty(), "{clean:#?}");
    let rules = y_rules(bad);
    for id in ["Y101", "Y102", "Y103", "Y104", "Y106"] {
        assert_eq!(
            rules.iter().filter(|r| **r == id).count(),
            1,
            "{id} once in {rules:?}: {bad:#?}"
        );
    }
    // Nothing but the Y findings: the report is clean on its own.
    assert_eq!(rules.len(), bad.len(), "{bad:#?}");
    assert!(!rules.contains(&"Y105"), "the rest of the text differs");

    let text = render(&years[2]);
    let y101 = bad.iter().find(|d| d.rule == "Y101").expect("Y101");
    // 表三 上年结转 of the 自然人 column: the wrong figure, pointed at in this year's
    // report, labelled in last year's.
    assert_eq!(y101.severity, Severity::Error);
    assert!(y101.message.contains("自然人"), "{}", y101.message);
    assert!(text[..y101.primary.start].ends_with("二、上年结转政府信息公开申请数量 | "));
    // 总计 breaks with it: one finding, the column as a note and a label.
    assert_eq!(y101.elsewhere.len(), 2);
    assert!(
        y101.notes
            .iter()
            .any(|n| n.starts_with("同时不衔接") && n.contains("总计")),
        "{:?}",
        y101.notes
    );
    assert_eq!(y101.elsewhere[0].path, "青山县交通运输局/2023.txt");
    assert!(y101.elsewhere[0].place.line > 0);

    let y102 = bad.iter().find(|d| d.rule == "Y102").expect("Y102");
    let expected = years[1].in_force + years[2].issued - years[2].repealed;
    assert!(
        y102.notes[0].contains(&format!("= {expected}")),
        "{:?}",
        y102.notes
    );
    assert!(
        y102.help
            .as_deref()
            .unwrap_or("")
            .contains(&expected.to_string())
    );

    let y104 = bad.iter().find(|d| d.rule == "Y104").expect("Y104");
    assert!(y104.message.contains("100%"), "{}", y104.message);
    assert!(!y104.labels.is_empty(), "shared sentences are shown");

    let y106 = bad.iter().find(|d| d.rule == "Y106").expect("Y106");
    assert_eq!(&text[y106.primary.clone()], "2023");
}

#[test]
fn a_whole_text_copied_from_last_year() {
    let years = clean_series("青山县交通运输局", 2022, 2);
    let mut copy = years[1].clone();
    copy.wording = years[0].wording;
    let found = check_batch(&named(&[years[0].clone(), copy]), &[]);
    let diags = &found["青山县交通运输局/2023.txt"];
    let rules = y_rules(diags);
    assert!(rules.contains(&"Y105"), "{diags:#?}");
    assert!(rules.contains(&"Y104"), "{diags:#?}");
}

#[test]
fn a_cleanup_note_downgrades_the_in_force_break() {
    let years = clean_series("青山县交通运输局", 2022, 2);
    let mut next = years[1].next();
    next.in_force -= 4;
    next.cleanup_note = true;
    let found = check_batch(&named(&[years[1].clone(), next]), &[]);
    let diags = &found["青山县交通运输局/2024.txt"];
    let y102: Vec<&Diagnostic> = diags.iter().filter(|d| d.rule == "Y102").collect();
    assert_eq!(y102.len(), 1, "{diags:#?}");
    assert_eq!(y102[0].severity, Severity::Info);
    assert!(y102[0].notes.iter().any(|n| n.contains("清理")));
}

#[test]
fn cumulative_figures_of_one_year_and_approximate_ones_are_not_compared() {
    let years = clean_series("青山县交通运输局", 2022, 2);
    for (wording, fires) in [
        ("累计公开政策解读材料5篇", true),
        ("本年累计公开政策解读材料5篇", false),
        ("累计公开政策解读材料约5篇", false),
    ] {
        let mut next = years[1].clone();
        next.cumulative = 5;
        let text = common::replace(&render(&next), "累计公开政策解读材料5篇", wording);
        let found = check_batch(
            &[
                ("a/2022.txt".into(), render(&years[0])),
                ("a/2023.txt".into(), text),
            ],
            &[],
        );
        let diags = &found["a/2023.txt"];
        assert_eq!(y_rules(diags) == ["Y103"], fires, "{wording}: {diags:#?}");
    }
}

#[test]
fn last_year_settles_an_ambiguous_glued_row() {
    let years = clean_series("青山县交通运输局", 2022, 2);
    // 2023: 4 | 2 | 14 written as 4214: 4|2|14, 4|21|4, 42|1|4 are all possible in
    // the report itself; only 12 + 4 − 2 = 14 follows from last year's 12.
    let mut glued = years[1].clone();
    glued.issued = 4;
    glued.repealed = 2;
    glued.in_force = 14;
    glued.glued_t2 = true;
    let alone = common::lint(&render(&glued));
    assert!(
        alone.iter().any(|d| d.rule == "T111"),
        "ambiguous on its own: {alone:#?}"
    );
    let mut after = glued.next();
    after.in_force = 14 + after.issued - after.repealed;
    let found = check_batch(&named(&[years[0].clone(), glued.clone(), after]), &[]);
    let diags = &found["青山县交通运输局/2023.txt"];
    assert!(!diags.iter().any(|d| d.rule == "T111"), "{diags:#?}");
    let note = diags.iter().find(|d| d.rule == "Y102").expect("a note");
    assert_eq!(note.severity, Severity::Info);
    assert!(note.message.contains("4、2、14"), "{}", note.message);
    // The settled cells are used for the next year: 2024 follows from 14.
    assert!(y_rules(&found["青山县交通运输局/2024.txt"]).is_empty());

    // A wrong next year is now an error on it, from the settled 14.
    let mut wrong = glued.next();
    wrong.in_force = 3;
    let found = check_batch(&named(&[years[0].clone(), glued, wrong]), &[]);
    let diags = &found["青山县交通运输局/2024.txt"];
    let y102 = diags.iter().find(|d| d.rule == "Y102").expect("Y102");
    assert_eq!(y102.severity, Severity::Error);
    assert!(y102.elsewhere[0].message.contains("14"));
}

#[test]
fn short_forms_of_a_body_pair_and_different_bodies_do_not() {
    let mut a = Year::new("甲乙综合实验区财政金融局", 2022);
    a.carry_next = 3;
    let mut b = a.next();
    b.body = "财政金融局".into();
    b.carried = 1; // breaks Y101 if paired
    b.new += 2;
    let found = check_batch(&named(&[a.clone(), b.clone()]), &[]);
    assert!(
        y_rules(&found["财政金融局/2023.txt"]).contains(&"Y101"),
        "the short form is paired"
    );
    // Another region's department of the same name is another body.
    let mut c = b.clone();
    c.body = "丙丁区财政金融局".into();
    let found = check_batch(&named(&[a, c]), &[]);
    assert!(y_rules(&found["丙丁区财政金融局/2023.txt"]).is_empty());
}

#[test]
fn an_aggregate_is_the_sum_of_its_units() {
    let mut units = Vec::new();
    for (i, body) in ["甲镇人民政府", "乙镇人民政府", "丙镇人民政府"]
        .iter()
        .enumerate()
    {
        let mut y = Year::new(body, 2024);
        y.issued = 1 + i as u32;
        y.repealed = 0;
        y.in_force = 10 + i as u32;
        units.push(y);
    }
    let mut total = Year::new("某县人民政府", 2024);
    total.issued = 6;
    total.repealed = 0;
    total.in_force = 34; // 10 + 11 + 12 = 33
    total.new = 72;
    total.carried = 6;
    total.carry_next = 6;
    let mut all = vec![total];
    all.extend(units);
    let mut reports = named(&all);
    // The summary's other cells are the sums of the units' (three times each unit's).
    for (from, to) in [
        ("行政许可 | 156", "行政许可 | 468"),
        ("行政处罚 | 42", "行政处罚 | 126"),
        ("行政强制 | 3 |", "行政强制 | 9 |"),
        ("| 12.5 |", "| 37.5 |"),
        (
            "1 | 0 | 0 | 1 | 2 | 0 | 1 | 0 | 0 | 1 | 0 | 0 | 0 | 0 | 0 |",
            "3 | 0 | 0 | 3 | 6 | 0 | 3 | 0 | 0 | 3 | 0 | 0 | 0 | 0 | 0 |",
        ),
    ] {
        reports[0].1 = common::replace(&reports[0].1, from, to);
    }
    let found = check_batch(
        &reports,
        &[Aggregate {
            total: 0,
            parts: vec![1, 2, 3],
        }],
    );
    let diags = &found["某县人民政府/2024.txt"];
    let y201: Vec<&Diagnostic> = diags.iter().filter(|d| d.rule == "Y201").collect();
    assert_eq!(y201.len(), 1, "{diags:#?}");
    assert!(
        y201[0].message.contains("现行有效件数"),
        "{}",
        y201[0].message
    );
    assert!(y201[0].message.contains("34") && y201[0].message.contains("33"));
    assert!(
        y201[0].notes[0].contains("甲镇人民政府/2024.txt 10"),
        "{:?}",
        y201[0].notes
    );
}

// ───────────────────────────────────────────── the command line

fn nianbao(args: &[&std::ffi::OsStr]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .arg("check")
        .args(args)
        .output()
        .expect("runs")
}

#[test]
fn previous_reports_kept_elsewhere_json_and_human_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let last = dir.path().join("2023");
    let this = dir.path().join("2024");
    std::fs::create_dir_all(&last).expect("mkdir");
    std::fs::create_dir_all(&this).expect("mkdir");
    let years = clean_series("青山县交通运输局", 2023, 2);
    let mut bad = years[1].clone();
    bad.carried += 1;
    bad.new -= 1;
    std::fs::write(last.join("a.txt"), render(&years[0])).expect("write");
    // A defect of last year's own is not reported: it is only a reference.
    let mut last_other = Year::new("白水县交通运输局", 2023);
    last_other.in_force = 999;
    std::fs::write(
        last.join("b.txt"),
        render(&last_other).replace("| 0 | 0 | 0 |\n行政规范性", "| 0 | 0 | 1 |\n行政规范性"),
    )
    .expect("write");
    std::fs::write(this.join("a.txt"), render(&bad)).expect("write");

    // Alone: nothing to compare with.
    let out = nianbao(&[this.as_os_str()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    let prev = std::ffi::OsString::from("--previous");
    let json = std::ffi::OsString::from("--format=json");
    let out = nianbao(&[
        json.as_os_str(),
        prev.as_os_str(),
        last.as_os_str(),
        this.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let arr = v.as_array().expect("array");
    assert_eq!(arr.len(), 1, "{v:#}");
    assert_eq!(arr[0]["rule"], "Y101");
    assert!(arr[0]["path"].as_str().unwrap_or("").ends_with("a.txt"));
    let other = &arr[0]["other_labels"][0];
    assert!(
        other["path"].as_str().unwrap_or("").contains("2023"),
        "{v:#}"
    );
    assert!(other["line"].as_u64().unwrap_or(0) > 0);

    let out = nianbao(&[prev.as_os_str(), last.as_os_str(), this.as_os_str()]);
    let human = String::from_utf8_lossy(&out.stdout);
    assert!(human.contains("错误[Y101]"), "{human}");
    let this_a = this.join("a.txt").display().to_string();
    let last_a = last.join("a.txt").display().to_string();
    assert!(
        human.contains(&this_a) && human.contains(&last_a),
        "{human}"
    );
    // Reports without findings are not listed; the summary counts this batch only.
    assert!(human.contains("检查了 1 份报告"), "{human}");
}

#[test]
fn body_and_year_stated_on_the_command_line_and_in_the_configuration() {
    let dir = tempfile::tempdir().expect("tempdir");
    let years = clean_series("青山县交通运输局", 2023, 2);
    let mut bad = years[1].clone();
    bad.carried += 1;
    bad.new -= 1;
    // Titles without the body: the configuration names it.
    let strip =
        |t: String, y: i32| t.replacen(&format!("青山县交通运输局{y}年"), &format!("{y}年"), 1);
    std::fs::write(dir.path().join("2023.txt"), strip(render(&years[0]), 2023)).expect("write");
    std::fs::write(dir.path().join("2024.txt"), strip(render(&bad), 2024)).expect("write");
    let out = nianbao(&[dir.path().as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "no body: no pairing");
    std::fs::write(
        dir.path().join("nianbao.toml"),
        "body = \"青山县交通运输局\"\n",
    )
    .expect("write");
    let v = std::ffi::OsString::from("-v");
    let out = nianbao(&[v.as_os_str(), dir.path().as_os_str()]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("系列：青山县交通运输局 2024 年度"), "{err}");
    assert!(err.contains("跨年度核对：1 对"), "{err}");
}

#[test]
fn an_aggregate_declared_in_the_configuration() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("units")).expect("mkdir");
    for (i, body) in ["甲镇人民政府", "乙镇人民政府"].iter().enumerate() {
        let mut y = Year::new(body, 2024);
        y.in_force = 10 + i as u32;
        std::fs::write(dir.path().join(format!("units/{i}.txt")), render(&y)).expect("write");
    }
    let mut total = Year::new("某县人民政府", 2024);
    total.issued = 6;
    total.in_force = 20; // 10 + 11 = 21
    std::fs::write(dir.path().join("county.txt"), render(&total)).expect("write");
    std::fs::write(
        dir.path().join("nianbao.toml"),
        "[[aggregate]]\ntotal = \"county.txt\"\nparts = [\"units/*.txt\"]\n",
    )
    .expect("write");
    let json = std::ffi::OsString::from("--format=json");
    let out = nianbao(&[json.as_os_str(), dir.path().as_os_str()]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let y201: Vec<&serde_json::Value> = v
        .as_array()
        .expect("array")
        .iter()
        .filter(|d| d["rule"] == "Y201")
        .collect();
    // 制发 6 = 3 + 3 holds; 现行有效 20 ≠ 21 and the other tables (sums of two
    // identical units) each differ: every finding is on county.txt.
    assert!(!y201.is_empty(), "{v:#}");
    assert!(
        y201.iter()
            .all(|d| d["path"].as_str().unwrap_or("").ends_with("county.txt"))
    );
    assert!(
        y201.iter().any(
            |d| d["message"].as_str().unwrap_or("").contains("现行有效件数")
                && d["notes"][0].as_str().unwrap_or("").contains("units")
        ),
        "{v:#}"
    );
    assert!(
        !y201
            .iter()
            .any(|d| d["message"].as_str().unwrap_or("").contains("本年制发件数"))
    );
}

// ───────────────────────────────────────────── real series (../shared)

fn shared_batch(files: &[std::path::PathBuf]) -> HashMap<String, Vec<Diagnostic>> {
    let reports: Vec<(String, String)> = files
        .iter()
        .map(|p| {
            (
                p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
            )
        })
        .collect();
    check_batch(&reports, &[])
}

#[test]
fn pingtan_2021_to_2023_breaks_the_in_force_chain_in_2023() {
    let files = common::shared_files("corpus/web", "-glued.txt");
    let files: Vec<_> = files
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("pingtan-zone-"))
        .collect();
    if files.len() != 3 {
        eprintln!("the 平潭 series is absent: skipping");
        return;
    }
    let found = shared_batch(&files);
    let y = |name: &str| -> Vec<&Diagnostic> {
        found[name]
            .iter()
            .filter(|d| d.rule.starts_with('Y'))
            .collect()
    };
    // 2021 → 2022: consistent; 2022's glued 8855698 is settled by 665 + 88 − 55 = 698.
    assert!(y("pingtan-zone-2021-glued.txt").is_empty());
    let y22 = y("pingtan-zone-2022-glued.txt");
    assert_eq!(y22.len(), 1, "{y22:#?}");
    assert_eq!(y22[0].severity, Severity::Info);
    assert!(y22[0].message.contains("88、55、698"), "{}", y22[0].message);
    // 2022 → 2023: 698 + 77 − 132 = 643, the table says 470.
    let y23 = y("pingtan-zone-2023-glued.txt");
    assert_eq!(y23.len(), 1, "{y23:#?}");
    assert_eq!(y23[0].rule, "Y102");
    assert_eq!(y23[0].severity, Severity::Error);
    let all = format!("{} {:?}", y23[0].message, y23[0].notes);
    assert!(
        all.contains("698") && all.contains("643") && all.contains("470"),
        "{all}"
    );
    assert!(y23[0].elsewhere[0].path.contains("2022"));
}

#[test]
fn hongze_2023_to_2024_is_consistent() {
    let files: Vec<_> = common::shared_files("corpus/pdf-layout", ".txt")
        .into_iter()
        .filter(|p| {
            let s = p.to_string_lossy();
            s.contains("hongze-district-") && !s.ends_with(".raw.txt")
        })
        .collect();
    if files.len() != 2 {
        eprintln!("the 洪泽 pair is absent: skipping");
        return;
    }
    let linter = common::national();
    let mut facts = Vec::new();
    for p in &files {
        let text = std::fs::read_to_string(p).expect("read");
        let outcome = linter
            .lint_text(p.display().to_string(), text)
            .expect("lints");
        let id = Identity::of(&outcome.document, &Stated::default(), &Stated::default());
        facts.push(ReportFacts::of(&outcome.document, linter.pack(), 0, id));
    }
    // The pair is formed (洪泽区人民政府 / 淮安市洪泽区人民政府) and its 表三 read.
    assert_eq!(series::pair(&facts).pairs.len(), 1);
    assert!(
        facts[1].cells.tables[1]
            .iter()
            .any(nianbao::series::RowFacts::has_values)
    );
    let found = shared_batch(&files);
    for (name, diags) in &found {
        let y: Vec<&Diagnostic> = diags.iter().filter(|d| d.rule.starts_with('Y')).collect();
        assert!(y.is_empty(), "{name}: {y:#?}");
    }
}

/// One report alone has nothing to be paired with: its series facts are not computed,
/// and `-v` still says whose report it is (and nothing between reports is found).
#[test]
fn one_report_alone_still_shows_its_identity() {
    let dir = tempfile::tempdir().expect("tempdir");
    let years = clean_series("青山县交通运输局", 2024, 1);
    let file = dir.path().join("2024.txt");
    std::fs::write(&file, render(&years[0])).expect("write");
    let v = std::ffi::OsString::from("-v");
    let out = nianbao(&[v.as_os_str(), file.as_os_str()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("系列：青山县交通运输局 2024 年度"), "{err}");
}
