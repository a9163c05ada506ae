//! `--write-baseline` / `--baseline`: adopt nianbao on old reports, then see only
//! what is new — across inserted lines, from another working directory, with
//! repeated findings; a missing or broken baseline is a clear error (exit 2).

use crate::common;

use std::path::Path;
use std::process::{Command, Output};

use common::{clean, read, replace};

fn nianbao(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// (path, rule) of the JSON findings.
fn findings(o: &Output) -> Vec<(String, String)> {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(o), stderr(o)));
    let mut out: Vec<(String, String)> = v
        .as_array()
        .expect("array")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().replace('\\', "/"),
                f["rule"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

/// A folder of three reports: one clean, two with defects.
fn reports(dir: &Path) {
    std::fs::create_dir_all(dir.join("reports/2023")).expect("mkdir");
    std::fs::write(dir.join("reports/clean.txt"), clean()).expect("write");
    let a = replace(
        &clean(),
        "共收到政府信息公开申请24件",
        "共收到政府信息公开申请25件",
    );
    std::fs::write(dir.join("reports/2023/a.md"), a).expect("write");
    std::fs::write(
        dir.join("reports/d.txt"),
        read("examples/report-with-defects.txt"),
    )
    .expect("write");
}

#[test]
fn adopt_then_only_new_findings_show() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    reports(d);
    let before = findings(&nianbao(d, &["check", "--format", "json", "reports"]));
    assert!(before.len() >= 3, "{before:?}");

    // Adopt: every finding recorded, none shown, exit 0; the summary counts them.
    let o = nianbao(
        d,
        &[
            "check",
            "--write-baseline",
            "nianbao-baseline.json",
            "reports",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let s = stdout(&o);
    assert!(
        !s.contains("错误[") && !s.contains("警告["),
        "nothing shown: {s}"
    );
    assert!(s.contains("个错误"), "the summary counts them: {s}");
    assert!(
        stderr(&o).contains(&format!("已把这 {} 个问题记入基线文件", before.len())),
        "{}",
        stderr(&o)
    );
    let base = std::fs::read_to_string(d.join("nianbao-baseline.json")).expect("written");
    let v: serde_json::Value = serde_json::from_str(&base).expect("json");
    assert_eq!(v["version"], 1);
    let paths: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert!(paths.contains(&"reports/2023/a.md"), "{paths:?}");
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "sorted by path");

    // Written again: the same bytes.
    nianbao(
        d,
        &[
            "check",
            "--write-baseline",
            "nianbao-baseline.json",
            "reports",
        ],
    );
    let again = std::fs::read_to_string(d.join("nianbao-baseline.json")).expect("written");
    assert_eq!(base, again);

    // Nothing changed: nothing shown, exit 0, the summary says how many were hidden.
    let o = nianbao(
        d,
        &["check", "--baseline", "nianbao-baseline.json", "reports"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).contains(&format!("已记录的 {} 个问题未显示", before.len())),
        "{}",
        stdout(&o)
    );

    // An editor inserts lines above the old defect of a.md and makes a new one
    // further down: only the new one shows.
    let a = std::fs::read_to_string(d.join("reports/2023/a.md")).expect("read");
    let a = replace(
        &a,
        "一、总体情况",
        "一、总体情况\n（本报告已经局务会审议。）\n\n",
    );
    let a = replace(
        &a,
        "严格落实公开前保密审查制度",
        "严格落实公开前保密审查审查制度",
    );
    std::fs::write(d.join("reports/2023/a.md"), a).expect("write");
    let o = nianbao(
        d,
        &[
            "check",
            "--format",
            "json",
            "--baseline",
            "nianbao-baseline.json",
            "reports",
        ],
    );
    assert_eq!(
        findings(&o),
        [("reports/2023/a.md".to_string(), "E105".to_string())],
        "{}",
        stdout(&o)
    );
    assert!(stderr(&o).contains("未显示"), "{}", stderr(&o));
    assert_eq!(o.status.code(), Some(0), "E105 is a warning");

    // From inside the folder: the baseline's paths are relative to its own folder.
    let o = nianbao(
        &d.join("reports"),
        &[
            "check",
            "--format",
            "json",
            "--baseline",
            "../nianbao-baseline.json",
            ".",
        ],
    );
    assert_eq!(
        findings(&o),
        [("./2023/a.md".to_string(), "E105".to_string())],
        "{}",
        stdout(&o)
    );

    // Fixing the old defect does not make anything appear.
    let a = std::fs::read_to_string(d.join("reports/2023/a.md")).expect("read");
    let a = replace(&a, "申请25件", "申请24件");
    std::fs::write(d.join("reports/2023/a.md"), a).expect("write");
    let o = nianbao(
        d,
        &[
            "check",
            "--format",
            "json",
            "--baseline",
            "nianbao-baseline.json",
            "reports",
        ],
    );
    assert_eq!(findings(&o).len(), 1, "{}", stdout(&o));
}

#[test]
fn repeated_findings_are_counted() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let same = "对拟公开信息逐条审核审核，确保公开内容准确无误、不泄露国家秘密、不侵犯个人隐私。";
    let with = |n: usize| {
        let lines = format!("{}（三）政府信息管理情况", format!("{same}\n").repeat(n));
        replace(&clean(), "（三）政府信息管理情况", &lines)
    };
    std::fs::write(d.join("r.txt"), with(2)).expect("write");
    let o = nianbao(d, &["check", "--format", "json", "r.txt"]);
    assert_eq!(findings(&o).len(), 2, "{}", stdout(&o));
    let o = nianbao(d, &["check", "--write-baseline", "b.json", "r.txt"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // A third identical one: one shows.
    std::fs::write(d.join("r.txt"), with(3)).expect("write");
    let o = nianbao(
        d,
        &["check", "--format", "json", "--baseline", "b.json", "r.txt"],
    );
    assert_eq!(findings(&o), [("r.txt".to_string(), "E105".to_string())]);
    // One of the two removed: none shows.
    std::fs::write(d.join("r.txt"), with(1)).expect("write");
    let o = nianbao(
        d,
        &["check", "--format", "json", "--baseline", "b.json", "r.txt"],
    );
    assert_eq!(findings(&o), []);
    // An edit on the same line, more than 16 characters from the defect, keeps it
    // hidden.
    let edited = replace(
        &with(2),
        "个人隐私。",
        "个人隐私；本局在年内还多次组织了保密审查业务培训。",
    );
    std::fs::write(d.join("r.txt"), edited).expect("write");
    let o = nianbao(
        d,
        &["check", "--format", "json", "--baseline", "b.json", "r.txt"],
    );
    assert_eq!(findings(&o), []);
}

#[test]
fn missing_or_broken_baselines_are_errors() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    std::fs::write(d.join("r.txt"), clean()).expect("write");
    let o = nianbao(d, &["check", "--baseline", "none.json", "r.txt"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("找不到基线文件"), "{}", stderr(&o));
    assert!(stderr(&o).contains("--write-baseline"), "{}", stderr(&o));
    for (content, says) in [
        ("{\"version\": 1, \"findings\": [", "文件不完整"),
        ("这不是 JSON", "不是有效的 JSON"),
        (
            "{\"version\": 1, \"findings\": [{\"path\": 3}]}",
            "不是 nianbao 基线文件的格式",
        ),
        ("{\"version\": 9, \"findings\": []}", "格式版本是 9"),
    ] {
        std::fs::write(d.join("b.json"), content).expect("write");
        let o = nianbao(d, &["check", "--baseline", "b.json", "r.txt"]);
        assert_eq!(o.status.code(), Some(2), "{content}");
        assert!(stderr(&o).contains(says), "{content}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "nothing checked: {}", stdout(&o));
    }
    // Both options at once: a usage error.
    let o = nianbao(
        d,
        &[
            "check",
            "--baseline",
            "b.json",
            "--write-baseline",
            "c.json",
            "r.txt",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
}

/// `--fix` with a baseline: what the baseline accepts is left in the file (it is
/// hidden, not fixed); a new fixable finding is fixed.
#[test]
fn fix_leaves_what_the_baseline_accepts() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let old = replace(&clean(), "逐条审核", "逐条审核审核");
    assert_ne!(
        old,
        clean(),
        "the clean report changed: pick another defect"
    );
    std::fs::write(d.join("r.txt"), &old).expect("write");
    let o = nianbao(d, &["check", "--format", "json", "r.txt"]);
    assert_eq!(findings(&o), [("r.txt".to_string(), "E105".to_string())]);
    let o = nianbao(d, &["check", "--write-baseline", "b.json", "r.txt"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A new defect with a fix: markup residue after a heading.
    let new = replace(
        &old,
        "（三）政府信息管理情况",
        "（三）政府信息管理情况</span>",
    );
    std::fs::write(d.join("r.txt"), &new).expect("write");
    let o = nianbao(d, &["check", "--fix", "--baseline", "b.json", "r.txt"]);
    assert_eq!(o.status.code(), Some(0), "{}\n{}", stdout(&o), stderr(&o));
    let fixed = std::fs::read_to_string(d.join("r.txt")).expect("read");
    assert_eq!(fixed, old, "only the new finding is fixed");
    // Without the baseline, the accepted one is fixed too.
    let o = nianbao(d, &["check", "--fix", "r.txt"]);
    assert_eq!(o.status.code(), Some(0), "{}\n{}", stdout(&o), stderr(&o));
    let fixed = std::fs::read_to_string(d.join("r.txt")).expect("read");
    assert_eq!(fixed, clean());
}
