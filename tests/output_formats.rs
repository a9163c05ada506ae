//! `nianbao check --format …` for every format on the same reports (a text report
//! and a Word document with findings, and a clean report), as snapshots; that each
//! machine format parses; `--output`, `--statistics`, `--quiet`, `--exit-zero`,
//! `--fail-on` against the configuration's `fail-on`, and the summary line.
//! Update the snapshots with `INSTA_UPDATE=always cargo test --test output_formats`.

use crate::common;

use std::path::Path;
use std::process::{Command, Output};

use common::root;

const REPORTS: [&str; 3] = [
    "examples/report-with-defects.txt",
    "tests/fixtures/formats/report-with-defects.docx",
    "examples/report-2024.txt",
];

fn nianbao_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("runs")
}

fn nianbao(args: &[&str]) -> Output {
    nianbao_in(root(), args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The output of `--format format` on the three reports; exit code 1 (errors).
fn formatted(format: &str) -> String {
    let mut args = vec!["check", "--isolated", "--format", format];
    args.extend_from_slice(&REPORTS);
    let o = nianbao(&args);
    assert_eq!(o.status.code(), Some(1), "{format}: {}", stderr(&o));
    stdout(&o).replace(env!("CARGO_PKG_VERSION"), "<version>")
}

#[test]
fn human() {
    insta::assert_snapshot!(formatted("human"));
}

#[test]
fn concise() {
    let out = formatted("concise");
    // One line per finding (7 in each defective report) and the summary line.
    assert_eq!(out.lines().count(), 15, "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn json() {
    let out = formatted("json");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v.as_array().map(Vec::len), Some(14));
    insta::assert_snapshot!(out);
}

#[test]
fn jsonl() {
    let out = formatted("jsonl");
    let json: serde_json::Value = serde_json::from_str(&formatted("json")).expect("JSON");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("one object per line"))
        .collect();
    assert_eq!(
        Some(&lines),
        json.as_array(),
        "the objects of the json format"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn sarif() {
    let out = formatted("sarif");
    serde_json::from_str::<serde_json::Value>(&out).expect("JSON");
    insta::assert_snapshot!(out);
}

#[test]
fn github() {
    let out = formatted("github");
    for line in out.lines() {
        assert!(
            line.starts_with("::error file=") || line.starts_with("::warning file="),
            "{line}"
        );
        assert!(
            line.contains(",title=") && line.contains(",endColumn="),
            "{line}"
        );
    }
    assert_eq!(out.lines().count(), 14);
    insta::assert_snapshot!(out);
}

#[test]
fn junit() {
    let out = formatted("junit");
    let (cases, failures) = parse_xml(&out);
    assert_eq!(cases, 3, "one test case per file");
    assert_eq!(failures, 14, "one failure per finding");
    insta::assert_snapshot!(out);
}

/// Test cases and failures of a JUnit report; panics when it is not well-formed XML
/// (quick-xml checks that end tags match and that entities are known).
fn parse_xml(xml: &str) -> (usize, usize) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let (mut cases, mut failures, mut depth) = (0, 0, 0usize);
    loop {
        let event = reader
            .read_event()
            .unwrap_or_else(|e| panic!("not well-formed XML ({e}): {xml}"));
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                match e.name().as_ref() {
                    b"testcase" => cases += 1,
                    b"failure" => failures += 1,
                    _ => {}
                }
                for a in e.attributes() {
                    let a = a.expect("a well-formed attribute");
                    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .expect("an escaped attribute");
                }
                depth += usize::from(matches!(event, Event::Start(_)));
            }
            Event::End(_) => depth -= 1,
            Event::Text(t) => {
                t.decode().expect("escaped text");
            }
            Event::GeneralRef(r) => {
                let name = r.decode().expect("a reference");
                let predefined = ["amp", "lt", "gt", "quot", "apos"].contains(&name.as_ref());
                let char_ref = r.resolve_char_ref().ok().flatten().is_some();
                assert!(predefined || char_ref, "unknown entity &{name}; in {xml}");
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0, "every element closed");
    (cases, failures)
}

#[test]
fn junit_escapes_what_xml_cannot_hold() {
    // A file name with markup and a control character: still well-formed.
    let dir = tempfile::tempdir().expect("temp dir");
    let name = "a<&\"b'\u{1}.txt";
    let text = common::read("examples/report-with-defects.txt");
    if std::fs::write(dir.path().join(name), text).is_err() {
        eprintln!("skipped: the file system does not take the name {name:?}");
        return;
    }
    let o = nianbao_in(
        dir.path(),
        &["check", "--isolated", "--format", "junit", name],
    );
    let (cases, failures) = parse_xml(&stdout(&o));
    assert_eq!((cases, failures), (1, 7), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("a&lt;&amp;&quot;b&apos;␁.txt"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn github_escapes_properties_and_data() {
    let dir = tempfile::tempdir().expect("temp dir");
    let name = "年报,2024:终稿%.txt";
    let text = common::read("examples/report-with-defects.txt");
    std::fs::write(dir.path().join(name), text).expect("writes");
    let o = nianbao_in(
        dir.path(),
        &["check", "--isolated", "--format", "github", name],
    );
    let out = stdout(&o);
    assert!(
        out.lines()
            .all(|l| l.contains("file=年报%2C2024%3A终稿%25.txt,line=")),
        "{out}"
    );
    // The message's line breaks (before 建议) are escaped: one command per line.
    assert_eq!(out.lines().count(), 7, "{out}");
    assert!(out.contains("%0A建议："), "{out}");
}

#[test]
fn statistics_count_per_rule() {
    let mut args = vec!["check", "--isolated", "--statistics"];
    args.extend_from_slice(&REPORTS);
    let o = nianbao(&args);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&o));
    let mut args = vec!["check", "--isolated", "--statistics", "--format", "json"];
    args.extend_from_slice(&REPORTS);
    let o = nianbao(&args);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let rows = v.as_array().expect("rows");
    assert_eq!(rows.len(), 7);
    assert!(rows.iter().all(|r| r["count"] == 2), "{v:#}");
    assert!(rows.iter().any(|r| r["rule"] == "T201"
        && r["severity"] == "error"
        && r["summary"].as_str().is_some_and(|s| s.contains("总计"))));
}

#[test]
fn summary_counts_failing_files_and_never_claims_a_clean_run_of_nothing() {
    let mut args = vec!["check", "--isolated"];
    args.extend_from_slice(&REPORTS);
    let out = stdout(&nianbao(&args));
    assert!(
        out.ends_with("检查了 3 份报告：2 份有错误，1 份通过；共 6 个错误，8 个警告\n"),
        "{out}"
    );
    let out = stdout(&nianbao(&[
        "check",
        "--isolated",
        "examples/report-2024.txt",
    ]));
    assert!(
        out.ends_with("检查了 1 份报告：1 份通过；没有发现问题\n"),
        "{out}"
    );
    // Nothing checked: said so, exit 2, never "没有发现问题".
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("没有.txt");
    let o = nianbao(&["check", "--isolated", &missing.to_string_lossy()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!stdout(&o).contains("没有发现问题"), "{}", stdout(&o));
    assert!(stdout(&o).contains("没有检查任何文件"), "{}", stdout(&o));
    // Only warnings: files with warnings are counted as such.
    let text = common::read("examples/report-2024.txt").replacen(
        "五、存在的主要问题及改进情况",
        "五、存在的主要问题及改进情",
        1,
    );
    std::fs::write(dir.path().join("w.txt"), text).expect("writes");
    let out = stdout(&nianbao_in(dir.path(), &["check", "--isolated", "w.txt"]));
    assert!(
        out.ends_with("检查了 1 份报告：1 份只有警告；共 0 个错误，1 个警告\n"),
        "{out}"
    );
    // A batch of each outcome: reports counted by what they came to.
    std::fs::write(
        dir.path().join("clean.txt"),
        common::read("examples/report-2024.txt"),
    )
    .expect("writes");
    std::fs::write(
        dir.path().join("defects.txt"),
        common::read("examples/report-with-defects.txt"),
    )
    .expect("writes");
    std::fs::write(dir.path().join("empty.txt"), "").expect("writes");
    let o = nianbao_in(
        dir.path(),
        &[
            "check",
            "--isolated",
            "w.txt",
            "clean.txt",
            "defects.txt",
            "empty.txt",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stdout(&o).ends_with(
            "检查了 4 份报告：1 份有错误，1 份只有警告，1 份通过，1 份无法读取（见标准错误输出）；共 3 个错误，5 个警告\n"
        ),
        "{}",
        stdout(&o)
    );
}

#[test]
fn quiet_prints_only_the_findings() {
    let o = nianbao(&[
        "check",
        "--isolated",
        "--quiet",
        "--format",
        "concise",
        REPORTS[0],
    ]);
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 7, "{out}");
    assert!(!out.contains("检查了"), "{out}");
    let o = nianbao(&["check", "--isolated", "-q", "examples/report-2024.txt"]);
    assert_eq!(stdout(&o), "");
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn exit_zero_and_fail_on_decide_the_exit_code() {
    let o = nianbao(&["check", "--isolated", "--exit-zero", REPORTS[0]]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("错误[T201]"));
    // Could not run is still 2.
    let o = nianbao(&["check", "--isolated", "--exit-zero", "没有这个文件.txt"]);
    assert_eq!(o.status.code(), Some(2));

    // Warnings only: pass by default, fail with fail-on = warning (configuration or
    // option), and the option wins over the configuration.
    let dir = tempfile::tempdir().expect("temp dir");
    let text = common::read("examples/report-2024.txt").replacen(
        "五、存在的主要问题及改进情况",
        "五、存在的主要问题及改进情",
        1,
    );
    std::fs::write(dir.path().join("w.txt"), text).expect("writes");
    let code = |args: &[&str]| nianbao_in(dir.path(), args).status.code();
    assert_eq!(code(&["check", "w.txt"]), Some(0));
    assert_eq!(code(&["check", "--fail-on", "warning", "w.txt"]), Some(1));
    std::fs::write(dir.path().join("nianbao.toml"), "fail-on = \"warning\"\n").expect("writes");
    assert_eq!(code(&["check", "w.txt"]), Some(1));
    assert_eq!(code(&["check", "--fail-on", "error", "w.txt"]), Some(0));
    assert_eq!(code(&["check", "--exit-zero", "w.txt"]), Some(0));
}

#[test]
fn output_writes_the_file_whole_and_keeps_it_on_failure() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("结果.sarif");
    let p = out.to_string_lossy().into_owned();
    let o = nianbao(&[
        "check",
        "--isolated",
        "--format",
        "sarif",
        "--output",
        &p,
        REPORTS[0],
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stdout(&o), "", "nothing on standard output");
    let written = std::fs::read_to_string(&out).expect("written");
    let v: serde_json::Value = serde_json::from_str(&written).expect("complete JSON");
    assert_eq!(v["runs"][0]["results"].as_array().map(Vec::len), Some(7));
    // The human format in a file has no colours even with a terminal-like setting.
    let o = nianbao(&["check", "--isolated", "-o", &p, REPORTS[0]]);
    assert_eq!(o.status.code(), Some(1));
    let written = std::fs::read_to_string(&out).expect("written");
    assert!(written.contains("错误[T201]") && !written.contains('\u{1b}'));
    // Only the result file is left in the folder (no temporary file).
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("lists")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    // A folder that does not exist: exit 2, a Chinese message, nothing written.
    let bad = dir.path().join("没有的目录").join("结果.json");
    let o = nianbao(&[
        "check",
        "--isolated",
        "-o",
        &bad.to_string_lossy(),
        REPORTS[0],
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("无法在"), "{}", stderr(&o));
}

#[test]
fn csv() {
    let out = formatted("csv");
    insta::assert_snapshot!(out);
    let text = out
        .strip_prefix('\u{feff}')
        .expect("a byte order mark for Excel");
    let rows = common::parse_csv(text);
    assert_eq!(rows[0][..4], ["文件", "发布机关", "年度", "规则"]);
    assert!(rows.iter().all(|r| r.len() == rows[0].len()), "{rows:?}");
    // One row per finding, the same count as JSON's.
    let json: serde_json::Value = serde_json::from_str(&formatted("json")).expect("json");
    assert_eq!(rows.len() - 1, json.as_array().map_or(0, Vec::len));
    let t201 = rows.iter().find(|r| r[3] == "T201").expect("T201 row");
    assert_eq!(t201[0], "examples/report-with-defects.txt");
    assert_eq!(t201[4], "错误");
    assert!(!t201[1].is_empty() && t201[2] == "2024", "{t201:?}");
    // Word findings name the place as Word shows it.
    assert!(
        rows.iter()
            .any(|r| r[0].ends_with(".docx") && r[7].contains("第")),
        "{rows:?}"
    );
    // A clean report: the header only.
    let o = nianbao(&["check", "--isolated", "--format", "csv", REPORTS[2]]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        common::parse_csv(stdout(&o).trim_start_matches('\u{feff}')).len(),
        1
    );
}

#[test]
fn html() {
    let out = formatted("html");
    // One row and one section per report; as many findings as JSON has.
    assert_eq!(out.matches("<tr id=\"row-r").count(), REPORTS.len());
    assert_eq!(
        out.matches("<section class=\"report\"").count(),
        REPORTS.len()
    );
    let json: serde_json::Value = serde_json::from_str(&formatted("json")).expect("json");
    assert_eq!(
        out.matches("<li id=\"r").count(),
        json.as_array().map_or(0, Vec::len)
    );
    // Lines broken after the blocks, so that a change shows as a readable diff.
    let mut readable = out;
    for end in ["</tr>", "</li>", "</section>", "</h2>", "</thead>"] {
        readable = readable.replace(end, &format!("{end}\n"));
    }
    insta::assert_snapshot!(readable);
}
