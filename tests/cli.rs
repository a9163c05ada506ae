//! The `nianbao` binary: exit codes, bad input, listings, output formats.

use crate::common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::root;

fn nianbao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .output()
        .expect("runs")
}

fn with_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input).expect("writes");
    }
    child.wait_with_output().expect("finishes")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn temp_file(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("writes");
    p.display().to_string()
}

#[test]
fn clean_report_exits_0() {
    let o = nianbao(&["check", "examples/report-2024.txt"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).contains("没有发现问题"));
}

#[test]
fn errors_exit_1_and_warnings_alone_exit_0() {
    let o = nianbao(&[
        "check",
        "--color",
        "never",
        "examples/report-with-defects.txt",
    ]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(out.contains("错误[T201]"), "{out}");
    assert!(out.contains("3 个错误，4 个警告"), "{out}");

    let dir = tempfile::tempdir().expect("tempdir");
    let text = common::replace(
        &common::clean(),
        "4.保护第三方合法权益",
        "4.保护第三人合法权益",
    );
    let f = temp_file(dir.path(), "warn.txt", text.as_bytes());
    let o = nianbao(&["check", &f]);
    assert_eq!(code(&o), 0, "a warning alone does not fail the check");
    assert!(stdout(&o).contains("警告[T107]"));
}

#[test]
fn bad_inputs_exit_2_with_a_clear_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let cases: Vec<(String, &str)> = vec![
        (d.join("missing.txt").display().to_string(), "找不到"),
        (temp_file(d, "empty.txt", b""), "空文件"),
        (temp_file(d, "blank.txt", b"   \n\n  "), "空文件"),
        (
            temp_file(d, "binary.txt", &[0u8, 159, 146, 150, 0, 1, 2]),
            "二进制文件",
        ),
        (temp_file(d, "report.pdf.txt", b"%PDF-1.7\n..."), "PDF"),
        // GBK is read now (tests/formats.rs); Latin-1 is no report encoding.
        (
            temp_file(
                d,
                "latin1.txt",
                b"Caf\xe9 cr\xe8me br\xfbl\xe9e, r\xe9sum\xe9 na\xefve fa\xe7ade",
            ),
            "编码",
        ),
        (
            temp_file(d, "novel.txt", "第一章 春天来了。天气很好。".as_bytes()),
            "找不到政府信息公开年度报告",
        ),
    ];
    for (path, expected) in cases {
        let o = nianbao(&["check", "--color", "never", &path]);
        assert_eq!(code(&o), 2, "{path}");
        let err = stderr(&o);
        assert!(err.contains(expected), "{path}: {err}");
        assert!(
            err.contains("建议：") || expected == "找不到",
            "{path}: a hint is given: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn one_bad_file_does_not_stop_the_others() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = temp_file(dir.path(), "a.txt", common::clean().as_bytes());
    let empty = temp_file(dir.path(), "b.txt", b"");
    let o = nianbao(&["check", "--color", "never", &good, &empty]);
    assert_eq!(code(&o), 2);
    assert!(
        stdout(&o).contains("检查了 2 份报告：1 份通过，1 份无法读取（见标准错误输出）"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn folders_are_searched_for_txt_and_md_in_sorted_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::create_dir(d.join("sub")).expect("mkdir");
    let defects = common::read("examples/report-with-defects.txt");
    temp_file(d, "b.txt", defects.as_bytes());
    temp_file(&d.join("sub"), "a.md", defects.as_bytes());
    temp_file(d, "notes.docx.bak", b"ignored");
    temp_file(d, "c.TXT", common::clean().as_bytes());
    let o = nianbao(&["check", "--format", "json", &d.display().to_string()]);
    assert_eq!(code(&o), 1);
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let mut paths: Vec<String> = json
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| {
            v["path"]
                .as_str()
                .map(|p| p.rsplit('/').next().unwrap_or(p).to_string())
        })
        .collect();
    paths.dedup();
    assert_eq!(
        paths,
        ["b.txt", "a.md"],
        "b.txt before sub/a.md, c.TXT is clean"
    );

    let empty = tempfile::tempdir().expect("tempdir");
    let o = nianbao(&["check", &empty.path().display().to_string()]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("没有 .txt 或 .md 文件"));
}

#[test]
fn standard_input() {
    let o = with_stdin(
        &["check", "--color", "never", "-"],
        common::read("examples/report-with-defects.txt").as_bytes(),
    );
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("<stdin>:"), "{}", stdout(&o));
}

#[test]
fn bad_arguments_exit_2() {
    assert_eq!(code(&nianbao(&["check"])), 2);
    assert_eq!(code(&nianbao(&["check", "--format", "xml", "x.txt"])), 2);
    assert_eq!(code(&nianbao(&["frobnicate"])), 2);
}

#[test]
fn help_explains_the_commands() {
    let o = nianbao(&["--help"]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    for word in ["check", "rules", "explain", "extract", "年度报告"] {
        assert!(out.contains(word), "{word}: {out}");
    }
    let o = nianbao(&["check", "--help"]);
    assert!(stdout(&o).contains("退出码"), "{}", stdout(&o));
    // The size limit and how to change it, where users look.
    assert!(stdout(&o).contains("NIANBAO_MAX_FILE_MB"), "{}", stdout(&o));
}

#[test]
fn broken_pack_exits_2_and_points_at_the_toml() {
    let o = nianbao(&[
        "check",
        "--color",
        "never",
        "--pack",
        "tests/packs/unknown-cell",
        "examples/report-2024.txt",
    ]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.contains("规则包有误"), "{err}");
    assert!(
        err.contains("tests/packs/unknown-cell/rules.toml:6:20"),
        "{err}"
    );
    assert!(err.contains("^^^^"), "a caret under the token: {err}");
}

#[test]
fn rules_lists_every_rule() {
    let o = nianbao(&["rules"]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    for id in ["S101", "S201", "T001", "T104", "T201", "T206"] {
        assert!(out.contains(id), "{id}");
    }
    let o = nianbao(&["rules", "--pack", "tests/packs/province"]);
    let out = stdout(&o);
    assert!(out.contains("T901") && out.contains("已关闭"), "{out}");
}

#[test]
fn explain_prints_description_details_and_example() {
    let o = nianbao(&["explain", "t203"]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    assert!(out.contains("勾稽关系"), "{out}");
    assert!(out.contains("等式：t3.new.* + t3.carried.*"), "{out}");
    assert!(out.contains("违规示例"), "{out}");
    let o = nianbao(&["explain", "T999"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("T999"));
}

#[test]
fn extract_shows_what_was_read() {
    let o = nianbao(&["extract", "tests/fixtures/layout-columns.txt"]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    assert!(
        out.contains("表三（收到和处理政府信息公开申请情况）：已识别"),
        "{out}"
    );
    assert!(out.contains("20 | 3 | 0 | 0 | 1 | 0 | 24"), "{out}");
}

#[test]
fn color_is_controlled_by_the_flag() {
    let o = nianbao(&[
        "check",
        "--color",
        "always",
        "examples/report-with-defects.txt",
    ]);
    assert!(stdout(&o).contains("\u{1b}["), "ANSI colours");
    let o = nianbao(&[
        "check",
        "--color",
        "never",
        "examples/report-with-defects.txt",
    ]);
    assert!(!stdout(&o).contains("\u{1b}["));
}

#[test]
fn json_output_is_the_documented_interface() {
    let o = nianbao(&[
        "check",
        "--format",
        "json",
        "examples/report-with-defects.txt",
    ]);
    assert_eq!(code(&o), 1);
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("one JSON array");
    let items = json.as_array().expect("array");
    assert_eq!(items.len(), 7);
    for item in items {
        for field in [
            "path",
            "rule",
            "severity",
            "message",
            "line",
            "column",
            "end_line",
            "end_column",
            "labels",
            "notes",
            "help",
        ] {
            assert!(item.get(field).is_some(), "{field} in {item}");
        }
        assert!(matches!(
            item["severity"].as_str(),
            Some("error" | "warning" | "info")
        ));
    }
    let t201 = items.iter().find(|i| i["rule"] == "T201").expect("T201");
    // 一、本年新收政府信息公开申请数量 | 20 | 3 | 0 | 0 | 1 | 0 | 23 |  — "23" is at
    // character column 45 of line 36 (columns count characters, not bytes).
    assert_eq!(
        (t201["line"].as_u64(), t201["column"].as_u64()),
        (Some(36), Some(45))
    );
    assert_eq!(
        (t201["end_line"].as_u64(), t201["end_column"].as_u64()),
        (Some(36), Some(47))
    );
    // The six applicant cells, then the evidence of the relations merged into it
    // (T203's cells, X101's narrative figure).
    let labels = t201["labels"].as_array().expect("labels");
    assert_eq!(labels.len(), 10);
    assert!(labels.iter().any(|l| l["message"] == "正文为 24"));
    assert_eq!(labels[0]["message"], "自然人 20");
    assert_eq!(labels[0]["column"].as_u64(), Some(20));
}

/// `-v` says how many numbers each table gave, and never calls a table read when no
/// figure could be put in a cell.
#[test]
fn verbose_never_calls_a_table_without_figures_read() {
    let mut text = common::clean();
    for (from, to) in [
        ("规章 | 0 | 0 | 0 |", "规章 | | | |"),
        ("行政规范性文件 | 3 | 1 | 12 |", "行政规范性文件 | | | |"),
        ("行政许可 | 156 | | |", "行政许可 | | | |"),
        ("行政处罚 | 42 | | |", "行政处罚 | | | |"),
        ("行政强制 | 3 | | |", "行政强制 | | | |"),
        ("行政事业性收费 | 12.5 | | |", "行政事业性收费 | | | |"),
    ] {
        text = common::replace(&text, from, to);
    }
    let o = with_stdin(&["check", "-v", "-"], text.as_bytes());
    let err = stderr(&o);
    assert!(
        err.contains("表二：找到了标签，但没有读到任何可归入单元格的数值"),
        "{err}"
    );
    assert!(err.contains("表三：已识别（读到 "), "{err}");
}
