//! The pre-commit hook (`.pre-commit-hooks.yaml`) with the real pre-commit: in a
//! temporary git repository whose `.pre-commit-config.yaml` points at this project (a
//! git copy of the source tree as it is, working changes included), committing a report
//! with an error is blocked, a clean one passes, a report with a warning passes with the
//! warning shown, and `args: [--fail-on, warning]` blocks it.
//!
//! pre-commit builds nianbao with `cargo install --path` into its cache. The build runs
//! offline (`CARGO_NET_OFFLINE`, the crates already in `~/.cargo/registry`), and the
//! cache (`PRE_COMMIT_HOME`) and cargo's target folder live under `target/tmp`, so a
//! rerun on unchanged sources builds nothing and a changed source rebuilds
//! incrementally. For the test the release profile is lightened through cargo's
//! environment (no LTO, no optimisation, incremental): the hook's behaviour does not depend
//! on how hard the binary is optimised, and a full LTO build would cost minutes.
//!
//! Skipped, with a note on standard error, where git or pre-commit is missing, where
//! the project is not a git checkout, or where the crates are not available offline.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{read, root, skip};

fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `git` with a fixed identity and dates (the same tree gives the same commit) and no
/// configuration of the machine.
fn git(dir: &Path) -> Command {
    let mut c = with_git_env(Command::new("git"));
    c.current_dir(dir);
    c
}

fn with_git_env(mut c: Command) -> Command {
    c.env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "nianbao test")
        .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
        .env("GIT_COMMITTER_NAME", "nianbao test")
        .env("GIT_COMMITTER_EMAIL", "test@example.invalid")
        .env("GIT_AUTHOR_DATE", "2025-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2025-01-01T00:00:00Z")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE");
    c
}

fn git_ok(dir: &Path, args: &[&str]) -> Output {
    let o = run(git(dir).args(args));
    assert!(o.status.success(), "git {args:?}: {}", text(&o));
    o
}

fn available(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A git repository holding the project's files as they are now (tracked and untracked,
/// not ignored), committed; returns it and the commit. The same sources give the same
/// commit, so pre-commit's cache is reused.
fn hook_repo(work: &Path) -> Option<(PathBuf, String)> {
    let listed = run(git(root()).args([
        "ls-files",
        "-z",
        "--cached",
        "--others",
        "--exclude-standard",
    ]));
    if !listed.status.success() {
        skip("the project is not a git checkout: the pre-commit hook is not tested");
        return None;
    }
    let repo = work.join("hook-repo");
    if repo.exists() {
        std::fs::remove_dir_all(&repo).expect("clears the old copy");
    }
    std::fs::create_dir_all(&repo).expect("mkdir");
    for name in listed.stdout.split(|&b| b == 0).filter(|n| !n.is_empty()) {
        let name = String::from_utf8_lossy(name).into_owned();
        let from = root().join(&name);
        if !from.is_file() {
            continue; // deleted in the working tree
        }
        let to = repo.join(&name);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(&from, &to).unwrap_or_else(|e| panic!("copy {name}: {e}"));
    }
    git_ok(&repo, &["init", "-q", "-b", "main"]);
    git_ok(&repo, &["add", "-A"]);
    git_ok(&repo, &["commit", "-q", "-m", "nianbao as it is"]);
    let head = git_ok(&repo, &["rev-parse", "HEAD"]);
    let rev = String::from_utf8_lossy(&head.stdout).trim().to_string();
    Some((repo, rev))
}

/// The environment pre-commit and cargo run in.
fn precommit_env(cmd: &mut Command, work: &Path) {
    cmd.env("PRE_COMMIT_HOME", work.join("pre-commit-home"))
        .env("PRE_COMMIT_COLOR", "never")
        .env("CARGO_NET_OFFLINE", "true")
        .env("CARGO_TARGET_DIR", work.join("cargo-target"))
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256")
        .env("CARGO_PROFILE_RELEASE_INCREMENTAL", "true")
        .env("CARGO_PROFILE_RELEASE_STRIP", "false")
        .env("NO_COLOR", "1");
}

/// Whether every crate the project needs is in cargo's cache, so that pre-commit's
/// offline `cargo install` can work.
fn crates_offline(repo: &Path) -> bool {
    // The crates of this platform only: a build never downloads another's.
    let rustc = run(Command::new("rustc").arg("-vV"));
    let host = String::from_utf8_lossy(&rustc.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
        .unwrap_or_default();
    let mut fetch = Command::new("cargo");
    fetch
        .args(["fetch", "--offline", "--locked"])
        .current_dir(repo);
    if !host.is_empty() {
        fetch.args(["--target", &host]);
    }
    let o = run(&mut fetch);
    if !o.status.success() {
        skip(&format!(
            "the crates are not all in cargo's cache, so pre-commit cannot build nianbao offline (`cargo fetch` first): {}",
            text(&o).trim()
        ));
    }
    o.status.success()
}

struct Project {
    dir: tempfile::TempDir,
    work: PathBuf,
}

impl Project {
    fn new(work: &Path, hook_repo: &Path, rev: &str, args: &str) -> Project {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        git_ok(d, &["init", "-q", "-b", "main"]);
        let config = format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: nianbao\n{args}",
            hook_repo.display()
        );
        std::fs::write(d.join(".pre-commit-config.yaml"), config).expect("write");
        std::fs::write(
            d.join("README.md"),
            "# 网站\n\n本仓库存放政府信息公开年度报告。\n",
        )
        .expect("write");
        git_ok(d, &["add", "-A"]);
        // The first commit, before the hook is installed.
        git_ok(d, &["commit", "-q", "-m", "start"]);
        let mut cmd = with_git_env(Command::new("pre-commit"));
        cmd.arg("install").current_dir(d);
        precommit_env(&mut cmd, work);
        let o = run(&mut cmd);
        assert!(o.status.success(), "pre-commit install: {}", text(&o));
        Project {
            dir,
            work: work.to_path_buf(),
        }
    }

    /// Stages `files` and commits them through the hook; returns the outcome and output.
    fn commit(&self, files: &[(&str, &str)], message: &str) -> Output {
        let d = self.dir.path();
        for (name, content) in files {
            let p = d.join(name);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, content).expect("write");
            git_ok(d, &["add", name]);
        }
        let mut cmd = git(d);
        cmd.args(["commit", "-m", message]);
        precommit_env(&mut cmd, &self.work);
        run(&mut cmd)
    }

    /// Unstages and removes what a blocked commit left staged.
    fn reset(&self) {
        let d = self.dir.path();
        git_ok(d, &["reset", "-q", "--hard", "HEAD"]);
    }
}

#[test]
fn a_report_with_errors_blocks_the_commit_and_a_clean_one_passes() {
    if !available("git") {
        skip("git is not available: the pre-commit hook is not tested");
        return;
    }
    if !available("pre-commit") {
        skip(
            "pre-commit is not installed (`python3 -m pip install pre-commit`): the hook is not tested",
        );
        return;
    }
    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("precommit");
    std::fs::create_dir_all(&work).expect("mkdir");
    let Some((repo, rev)) = hook_repo(&work) else {
        return;
    };
    if !crates_offline(&repo) {
        return;
    }

    let clean = read("examples/report-2024.txt");
    let defects = read("examples/report-with-defects.txt");
    let warning = format!("{clean}\n【打印本页】【关闭窗口】\n");

    let p = Project::new(&work, &repo, &rev, "");
    // The first run builds nianbao (pre-commit's `cargo install`): its failure is the
    // test's failure, with cargo's output.
    let o = p.commit(&[("reports/2024/有错误.txt", &defects)], "bad");
    let out = text(&o);
    assert!(
        !o.status.success(),
        "a report with errors blocks the commit: {out}"
    );
    assert!(out.contains("Failed"), "{out}");
    assert!(out.contains("错误[T201]") || out.contains("错误["), "{out}");
    assert!(
        out.contains("有错误.txt"),
        "the finding names the file: {out}"
    );
    let log = git_ok(p.dir.path(), &["log", "--oneline"]);
    assert_eq!(String::from_utf8_lossy(&log.stdout).lines().count(), 1);
    p.reset();

    // Clean: passes; only the staged report is checked (the README is not a report and
    // is not staged; the bad file was removed by the reset).
    let o = p.commit(&[("reports/2024/年报.txt", &clean)], "good");
    let out = text(&o);
    assert!(o.status.success(), "a clean report passes: {out}");
    assert!(out.contains("Passed"), "{out}");
    assert!(out.contains("检查了 1 份报告"), "{out}");
    assert!(
        !out.contains("error") && !out.contains("错误"),
        "no noise: {out}"
    );

    // A warning passes, and is shown (the hook is verbose).
    let o = p.commit(&[("reports/2023/年报.txt", &warning)], "warning");
    let out = text(&o);
    assert!(
        o.status.success(),
        "a warning does not fail by default: {out}"
    );
    assert!(out.contains("警告[E106]"), "the warning is shown: {out}");

    // A staged file that is not a report (a Markdown page of the site) is a note.
    let o = p.commit(&[("关于.md", "# 关于本站\n\n联系方式：略。\n")], "about");
    let out = text(&o);
    assert!(
        o.status.success(),
        "not a report: a note, not a failure: {out}"
    );
    assert!(out.contains("提示：跳过了 `关于.md`"), "{out}");

    // With `args: [--fail-on, warning]`, the warning blocks the commit.
    let strict = Project::new(&work, &repo, &rev, "        args: [--fail-on, warning]\n");
    let o = strict.commit(&[("年报.txt", &warning)], "warning");
    let out = text(&o);
    assert!(!o.status.success(), "--fail-on warning blocks: {out}");
    assert!(out.contains("警告[E106]"), "{out}");
}
