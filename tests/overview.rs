//! The overview formats of a batch: `check --format html` (every report listed, its
//! findings in its section — the series stage's Y findings included — the same counts
//! as JSON, hostile text shown as text, nothing external), `--summary FILE` (one CSV
//! row per report with any format), and the progress bar (drawn on a terminal's
//! standard error only when the findings go elsewhere; checked under a pseudo-terminal
//! with util-linux `script`, skipped with a note where it is absent).

use crate::common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::series::{Year, clean_series, render};

const BIN: &str = env!("CARGO_BIN_EXE_nianbao");

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A batch: two bodies' series (one with a broken 现行有效 chain in its last year, one
/// with section 五 copied from last year), the defective example, a report whose text
/// carries markup, and an empty file (unreadable). Returns the paths, relative to `dir`,
/// in the order `check` lists them.
fn batch(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut write = |rel: String, text: &str| {
        let p = dir.join(&rel);
        std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
        std::fs::write(&p, text).expect("write");
        files.push(rel);
    };
    let mut a: Vec<Year> = clean_series("青山县交通运输局", 2021, 3);
    a[2].in_force += 1;
    for y in &a {
        write(format!("a/{}.txt", y.year), &render(y));
    }
    let mut b: Vec<Year> = clean_series("白水县财政局", 2022, 2);
    b[1].five_from = Some(b[0].wording);
    for y in &b {
        write(format!("b/{}.txt", y.year), &render(y));
    }
    write(
        "c/defects.txt".into(),
        &common::read("examples/report-with-defects.txt"),
    );
    let hostile = common::replace(
        &common::read("examples/report-with-defects.txt"),
        "一、总体情况",
        "一、总体情况\n<script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\">",
    );
    write("d/<svg onload=alert(1)>.txt".into(), &hostile);
    write("e/empty.txt".into(), "");
    files.sort();
    files
}

/// Findings per path (and per rule) in the JSON output of the same batch.
fn json_counts(dir: &Path) -> HashMap<String, Vec<String>> {
    let o = run(dir, &["check", "--isolated", "--format", "json", "."]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for d in v.as_array().expect("an array") {
        let path = d["path"].as_str().unwrap_or_default();
        out.entry(path.to_string())
            .or_default()
            .push(d["rule"].as_str().unwrap_or_default().to_string());
    }
    out
}

/// The HTML of report section `i`.
fn section(html: &str, i: usize) -> &str {
    let start = html
        .find(&format!("<section class=\"report\" id=\"r{i}\""))
        .unwrap_or_else(|| panic!("section r{i}"));
    let end = html[start..]
        .find("</section>")
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[test]
fn the_overview_lists_every_report_with_the_findings_json_gives() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // The reports in in/, what the runs write beside it (never checked as a report).
    let dir = tmp.path().join("in");
    let files = batch(dir.as_path());
    let o = run(
        dir.as_path(),
        &[
            "check",
            "--isolated",
            "--format",
            "html",
            "-o",
            "../总览.html",
            ".",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(2),
        "an unreadable file: {}",
        stderr(&o)
    );
    assert!(o.stdout.is_empty(), "all in the file");
    // Whoever ran it gets the summary line on standard error.
    assert!(
        stderr(&o).contains(&format!("检查了 {} 份报告：", files.len())),
        "{}",
        stderr(&o)
    );
    let html = std::fs::read_to_string(dir.as_path().join("../总览.html")).expect("written");
    let json = json_counts(dir.as_path());

    // Every report has a row and a section, in input order.
    assert_eq!(html.matches("<tr id=\"row-r").count(), files.len());
    for (i, f) in files.iter().enumerate() {
        let shown = format!("./{f}");
        let sec = section(&html, i);
        assert!(sec.contains(&escape(&shown)), "{f} in section {i}: {sec}");
        let rules = json.get(&shown);
        let n = rules.map_or(0, Vec::len);
        assert_eq!(sec.matches("<li id=\"r").count(), n, "{f}: {sec}");
        for r in rules.into_iter().flatten() {
            assert!(
                sec.contains(&format!("<span class=\"rule\">{r}</span>")),
                "{f}: {r}"
            );
        }
    }
    // The series stage's findings are there, under this year's report.
    let a2023 = files
        .iter()
        .position(|f| f == "a/2023.txt")
        .expect("a/2023");
    assert!(section(&html, a2023).contains("Y102"), "the broken chain");
    let b2023 = files
        .iter()
        .position(|f| f == "b/2023.txt")
        .expect("b/2023");
    assert!(
        section(&html, b2023).contains("<span class=\"rule\">Y10"),
        "the copied section 五"
    );
    let a2022 = files
        .iter()
        .position(|f| f == "a/2022.txt")
        .expect("a/2022");
    assert!(section(&html, a2022).contains("没有发现问题"));
    // Last year's file is named as the evidence.
    assert!(section(&html, a2023).contains("a/2022.txt"));
    // The rule table counts them.
    assert!(
        html.contains("<td data-sort=\"Y102\">"),
        "Y102 in the rule table"
    );
    let empty = files
        .iter()
        .position(|f| f == "e/empty.txt")
        .expect("empty");
    assert!(section(&html, empty).contains("无法检查"));

    // Markup in a report is text; nothing is loaded from elsewhere.
    assert!(!html.contains("<script>window"), "hostile script");
    assert!(!html.contains("<img"), "hostile image");
    assert!(
        html.contains(
            "window.pwned=1&lt;/script&gt;&lt;img src=x onerror=&quot;window.pwned=2&quot;&gt;"
        ),
        "the markup shown as text"
    );
    assert!(html.contains("&lt;svg onload=alert(1)&gt;.txt"));
    assert!(!html.contains("<svg"));
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the sorting script"
    );
    for external in ["src=\"", "<link", "href=\"http", "url(", "@import"] {
        assert!(!html.contains(external), "{external}");
    }

    // Standard output gets the same file.
    let o = run(
        dir.as_path(),
        &["check", "--isolated", "--format", "html", "."],
    );
    assert_eq!(String::from_utf8_lossy(&o.stdout), html);
}

#[test]
fn the_summary_has_one_row_per_report_with_any_format() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // The reports in in/, what the runs write beside it (never checked as a report).
    let dir = tmp.path().join("in");
    let files = batch(dir.as_path());
    let json = json_counts(dir.as_path());
    for format in ["json", "human", "html", "csv"] {
        let o = run(
            dir.as_path(),
            &[
                "check",
                "--isolated",
                "--quiet",
                "--format",
                format,
                "--summary",
                "../汇总.csv",
                ".",
            ],
        );
        assert_eq!(o.status.code(), Some(2), "{format}: {}", stderr(&o));
        if format == "json" {
            serde_json::from_slice::<serde_json::Value>(&o.stdout).expect("JSON untouched");
        }
        let text = std::fs::read_to_string(dir.as_path().join("../汇总.csv")).expect("written");
        let text = text.strip_prefix('\u{feff}').expect("a BOM for Excel");
        assert!(text.contains("\r\n"), "RFC 4180 line ends");
        let rows = common::parse_csv(text);
        assert_eq!(
            rows[0],
            [
                "文件",
                "发布机关",
                "年度",
                "错误",
                "警告",
                "提示",
                "最严重的规则",
                "结论",
                "说明"
            ]
        );
        assert_eq!(rows.len() - 1, files.len(), "{format}: {rows:?}");
        for (row, f) in rows[1..].iter().zip(&files) {
            assert_eq!(row[0], format!("./{f}"));
            let n = json.get(&row[0]).map_or(0, Vec::len);
            if f == "e/empty.txt" {
                assert_eq!(row[7], "无法读取");
                assert!(!row[8].is_empty(), "why: {row:?}");
                continue;
            }
            let counted: usize = row[3..6]
                .iter()
                .map(|c| c.parse::<usize>().expect("a count"))
                .sum();
            assert_eq!(counted, n, "{f}: {row:?}");
            let status = match (row[3].as_str(), row[4].as_str()) {
                (e, _) if e != "0" => "有错误",
                (_, w) if w != "0" => "有警告",
                _ => "通过",
            };
            assert_eq!(row[7], status, "{row:?}");
            assert_eq!(row[6].is_empty(), n == 0, "{row:?}");
        }
        let a2023 = rows.iter().find(|r| r[0] == "./a/2023.txt").expect("row");
        assert_eq!(
            (a2023[1].as_str(), a2023[2].as_str(), a2023[6].as_str()),
            ("青山县交通运输局", "2023", "Y102")
        );
    }
    // A folder as the summary file: refused at once, in Chinese, nothing written.
    let o = run(
        dir.as_path(),
        &["check", "--isolated", "--summary", "a", "."],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--summary"), "{}", stderr(&o));
    assert!(
        !std::fs::read_dir(dir.as_path())
            .expect("dir")
            .flatten()
            .any(|e| e.file_name().to_string_lossy().ends_with(".tmp")),
        "no temporary file left"
    );
}

fn script() -> Option<PathBuf> {
    let p = PathBuf::from("/usr/bin/script");
    p.is_file().then_some(p)
}

/// Runs `command` (a shell line) under a pseudo-terminal; what the terminal showed.
fn on_terminal(script: &Path, dir: &Path, command: &str) -> String {
    let o = Command::new(script)
        .args(["-qec", command, "/dev/null"])
        .current_dir(dir)
        .env("TERM", "xterm")
        .output()
        .expect("script runs");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn the_progress_bar_shows_only_on_a_terminal_when_findings_go_elsewhere() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // The reports in in/, what the runs write beside it (never checked as a report).
    let dir = tmp.path().join("in");
    batch(dir.as_path());
    // Not a terminal (as in CI): silent.
    let o = run(
        dir.as_path(),
        &[
            "check",
            "--isolated",
            "-o",
            "../out.html",
            "--format",
            "html",
            ".",
        ],
    );
    assert!(!stderr(&o).contains("已检查"), "{}", stderr(&o));
    let Some(script) = script() else {
        common::skip("util-linux `script` is not installed: the terminal cases are not run");
        return;
    };
    let bin = BIN.replace('\'', "'\\''");
    // Standard error a terminal, findings to a file: the bar.
    let shown = on_terminal(
        &script,
        dir.as_path(),
        &format!("'{bin}' check --isolated --format html -o ../out.html ."),
    );
    assert!(
        shown.contains("已检查") && shown.contains("/8 份"),
        "{shown}"
    );
    // Findings on the terminal: no bar among them.
    let shown = on_terminal(
        &script,
        dir.as_path(),
        &format!("'{bin}' check --isolated --format concise ."),
    );
    assert!(!shown.contains("已检查"), "{shown}");
    assert!(shown.contains("T201"), "{shown}");
    // --quiet, or one file: no bar.
    let shown = on_terminal(
        &script,
        dir.as_path(),
        &format!("'{bin}' check --isolated --quiet -o ../out.html ."),
    );
    assert!(!shown.contains("已检查"), "{shown}");
    let shown = on_terminal(
        &script,
        dir.as_path(),
        &format!("'{bin}' check --isolated -o ../out.txt a/2021.txt"),
    );
    assert!(!shown.contains("已检查"), "{shown}");
}
