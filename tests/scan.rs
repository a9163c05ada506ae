//! Folder scanning as ripgrep does it: `.ignore` always, `.gitignore` inside a git
//! repository, hidden files left out, `--exclude`, `--glob` on names and relative
//! paths, sorted order; files nianbao cannot read listed once at the end; a file in a
//! folder that is not a report is a note (named, it is an error); FIFOs and link loops
//! neither hang nor crash.

use crate::common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::read;

/// Runs nianbao in `dir`, killing it if it has not finished after a minute (a hang is a
/// failure, not a stuck test run).
fn nianbao_in(dir: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("waits").is_some() {
            return child.wait_with_output().expect("output");
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let o = child.wait_with_output().expect("output");
            panic!(
                "nianbao {args:?} hung; stderr so far: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The files that got findings, in output order, from `--format json`.
fn checked(o: &Output) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("json ({e}): {}{}", stdout(o), stderr(o)));
    let mut paths: Vec<String> = v
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| {
            d["path"]
                .as_str()
                .map(|p| p.trim_start_matches("./").to_string())
        })
        .collect();
    paths.dedup();
    paths
}

/// A folder of reports with defects (so that every checked file shows in the JSON).
fn tree(files: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let report = read("examples/report-with-defects.txt");
    for f in files {
        let p = dir.path().join(f);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, &report).expect("write");
    }
    dir
}

fn git_available() -> bool {
    let ok = Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        common::skip("git is not available: the .gitignore case is not tested");
    }
    ok
}

#[test]
fn ignore_files_and_hidden_entries_are_honoured_like_ripgrep() {
    let dir = tree(&[
        "a.txt",
        "node_modules/pkg/readme.txt",
        "build/out.txt",
        ".cache/x.txt",
        ".hidden.txt",
        "sub/b.md",
    ]);
    let d = dir.path();
    std::fs::write(d.join(".ignore"), "node_modules/\n").expect("write");
    std::fs::write(d.join(".gitignore"), "build/\n").expect("write");

    // Not a git repository: `.ignore` applies, `.gitignore` does not (ripgrep's default).
    let o = nianbao_in(d, &["check", "--format", "json", "."]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(checked(&o), ["a.txt", "build/out.txt", "sub/b.md"]);
    assert!(
        !stderr(&o).contains(".hidden") && !stderr(&o).contains(".cache"),
        "hidden entries are left out silently: {}",
        stderr(&o)
    );

    // Inside a git repository, `.gitignore` applies too.
    if git_available() {
        let init = Command::new("git")
            .args(["init", "-q", "."])
            .current_dir(d)
            .status()
            .expect("git init");
        assert!(init.success());
        let o = nianbao_in(d, &["check", "--format", "json", "."]);
        assert_eq!(checked(&o), ["a.txt", "sub/b.md"], "{}", stderr(&o));
    }

    // A hidden file named on the command line is checked.
    let o = nianbao_in(d, &["check", "--format", "json", ".hidden.txt"]);
    assert_eq!(checked(&o), [".hidden.txt"]);
}

#[test]
fn exclude_prunes_names_at_any_depth_and_relative_paths() {
    let dir = tree(&[
        "2023/年报.txt",
        "2023/草稿/年报.txt",
        "2024/年报.txt",
        "2024/site/node_modules/x.html",
        "node_modules/y.txt",
    ]);
    let d = dir.path();
    let o = nianbao_in(
        d,
        &[
            "check",
            "--format",
            "json",
            "--exclude",
            "node_modules",
            "--exclude",
            "2023/草稿/**",
            ".",
        ],
    );
    assert_eq!(
        checked(&o),
        ["2023/年报.txt", "2024/年报.txt"],
        "{}",
        stderr(&o)
    );
    // Relative to the folder scanned, whatever it is called on the command line.
    let o = nianbao_in(
        d,
        &[
            "check",
            "--format",
            "json",
            "--exclude",
            "2024/**",
            "--exclude",
            "site/**",
            "2024",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(checked(&o), ["2024/年报.txt"]);
}

#[test]
fn glob_matches_names_or_paths_relative_to_the_folder() {
    let dir = tree(&[
        "2023/年报.txt",
        "2023/年报.md",
        "2024/年报.txt",
        "2024/sub/年报.txt",
    ]);
    let d = dir.path();
    // A file-name pattern, as before: any depth, letters in any case.
    let o = nianbao_in(d, &["check", "--format", "json", "--glob", "*.TXT", "."]);
    assert_eq!(
        checked(&o),
        ["2023/年报.txt", "2024/sub/年报.txt", "2024/年报.txt"]
    );
    // A path pattern, relative to the folder: `*` stays within one folder, `**` spans.
    let o = nianbao_in(
        d,
        &["check", "--format", "json", "--glob", "2024/*.txt", "."],
    );
    assert_eq!(checked(&o), ["2024/年报.txt"]);
    let o = nianbao_in(d, &["check", "--format", "json", "--glob", "2024/**", "."]);
    assert_eq!(checked(&o), ["2024/sub/年报.txt", "2024/年报.txt"]);
    // Nothing matches: said, exit 2.
    let o = nianbao_in(d, &["check", "--glob", "2025/*", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("没有 .txt 或 .md 文件"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn unreadable_formats_are_listed_once_at_the_end_with_what_to_do() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(d.join("a.txt"), read("examples/report-2024.txt")).expect("write");
    std::fs::create_dir(d.join("old")).expect("mkdir");
    for f in [
        "old/2022.pdf",
        "old/2021.PDF",
        "2020.doc",
        "2019.wps",
        "表.xlsx",
        "表.xls",
        "x.ofd",
    ] {
        std::fs::write(d.join(f), b"binary").expect("write");
    }
    std::fs::write(d.join("logo.png"), b"\x89PNG").expect("write");
    let o = nianbao_in(d, &["check", "."]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "the clean report passes: {err}");
    assert!(stdout(&o).contains("检查了 1 份报告"), "{}", stdout(&o));
    assert_eq!(err.matches("不能直接读取").count(), 1, "one list: {err}");
    assert!(err.contains("以下 7 个文件"), "{err}");
    assert!(err.contains("PDF 文件（2 个）"), "{err}");
    assert!(err.contains("pdftotext -layout 报告.pdf 报告.txt"), "{err}");
    assert!(err.contains("“另存为” Word 文档（.docx）"), "{err}");
    assert!(err.contains("Excel 或 WPS 表格（2 个）"), "{err}");
    assert!(err.contains("OFD"), "{err}");
    for f in [
        "old/2022.pdf",
        "old/2021.PDF",
        "2020.doc",
        "2019.wps",
        "表.xlsx",
        "x.ofd",
    ] {
        assert!(err.contains(f), "{f} listed: {err}");
    }
    assert!(!err.contains("logo.png"), "images are not documents: {err}");

    // With --glob the user chose the files: nothing else is listed.
    let o = nianbao_in(d, &["check", "--glob", "*.txt", "."]);
    assert!(!stderr(&o).contains("不能直接读取"), "{}", stderr(&o));
}

#[test]
fn a_file_in_a_folder_that_is_not_a_report_is_a_note() {
    let dir = tree(&["年报.txt"]);
    let d = dir.path();
    std::fs::write(d.join("说明.txt"), "本目录存放历年年度报告，请勿删除。\n").expect("write");
    let o = nianbao_in(d, &["check", "."]);
    let err = stderr(&o);
    assert_eq!(
        o.status.code(),
        Some(1),
        "the report's findings decide: {err}"
    );
    assert_eq!(
        err.lines().filter(|l| l.contains("说明.txt")).count(),
        1,
        "{err}"
    );
    assert!(
        err.contains("提示：跳过了 `./说明.txt`：不像政府信息公开年度报告"),
        "{err}"
    );
    assert!(!err.contains("error") && !err.contains("错误"), "{err}");
    assert!(!stdout(&o).contains("无法检查"), "{}", stdout(&o));

    // Named on the command line, it is what the user meant to check: exit 2.
    let o = nianbao_in(d, &["check", "说明.txt"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("错误：`说明.txt` 中找不到政府信息公开年度报告"));

    // …unless the files come from a tool (pre-commit) with --force-exclude.
    let o = nianbao_in(d, &["check", "--force-exclude", "说明.txt", "年报.txt"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("提示：跳过了 `说明.txt`"),
        "{}",
        stderr(&o)
    );
    let o = nianbao_in(
        d,
        &[
            "check",
            "--force-exclude",
            "--exclude",
            "年报.txt",
            "年报.txt",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "excluded: {}", stderr(&o));
    assert!(stdout(&o).contains("没有检查任何文件"), "{}", stdout(&o));
}

#[test]
fn force_exclude_applies_the_configuration_to_named_files() {
    let dir = tree(&["年报.txt", "草稿/年报.txt"]);
    let d = dir.path();
    std::fs::write(d.join("nianbao.toml"), "exclude = [\"草稿/**\"]\n").expect("write");
    let o = nianbao_in(d, &["check", "--format", "json", "草稿/年报.txt"]);
    assert_eq!(checked(&o), ["草稿/年报.txt"], "named: taken");
    let o = nianbao_in(
        d,
        &[
            "check",
            "--format",
            "json",
            "--force-exclude",
            "草稿/年报.txt",
            "年报.txt",
        ],
    );
    assert_eq!(checked(&o), ["年报.txt"], "{}", stderr(&o));
}

#[cfg(unix)]
#[test]
fn fifos_and_link_loops_in_folders_neither_hang_nor_crash() {
    let dir = tree(&["a.txt", "sub/b.txt"]);
    let d = dir.path();
    std::os::unix::fs::symlink("..", d.join("sub/loop")).expect("symlink");
    std::os::unix::fs::symlink("self", d.join("self")).expect("symlink");
    std::os::unix::fs::symlink("../a.txt", d.join("sub/link.txt")).expect("symlink");
    let fifo = Command::new("mkfifo").arg(d.join("pipe.txt")).status();
    let have_fifo = fifo.is_ok_and(|s| s.success());
    if !have_fifo {
        common::skip("mkfifo is not available: only the link loops are tested");
    }
    let o = nianbao_in(d, &["check", "--format", "json", "."]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(checked(&o), ["a.txt", "sub/b.txt"], "{err}");
    assert!(err.contains("跳过了符号链接 `./sub/link.txt`"), "{err}");
    if have_fifo {
        assert!(err.contains("`./pipe.txt`：它是命名管道（FIFO）"), "{err}");
    }
    assert!(!err.contains("panicked"), "{err}");
    if !have_fifo {
        return;
    }

    // A FIFO as an ignore file: the `ignore` crate would open it and wait forever.
    // The scan goes on without ignore files, and says so.
    let made = Command::new("mkfifo")
        .arg(d.join("sub/.gitignore"))
        .status();
    assert!(made.is_ok_and(|s| s.success()));
    let o = nianbao_in(d, &["check", "--format", "json", "."]);
    let err = stderr(&o);
    assert_eq!(checked(&o), ["a.txt", "sub/b.txt"], "{err}");
    assert!(
        err.contains("忽略文件 `./sub/.gitignore` 是命名管道（FIFO）"),
        "{err}"
    );
    // In a folder above the one scanned.
    std::fs::remove_file(d.join("sub/.gitignore")).expect("rm");
    let made = Command::new("mkfifo").arg(d.join(".ignore")).status();
    assert!(made.is_ok_and(|s| s.success()));
    let o = nianbao_in(d, &["check", "--format", "json", "sub"]);
    assert_eq!(checked(&o), ["sub/b.txt"], "{}", stderr(&o));
    assert!(
        stderr(&o).contains(".ignore` 是命名管道（FIFO）"),
        "{}",
        stderr(&o)
    );
}
