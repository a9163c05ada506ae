//! Ctrl-C and `kill` stop `nianbao check` promptly and quietly (issue 12): exit code
//! 130, one Chinese line on standard error, and no temporary file left beside the
//! `--output` file (whose old content stays). A real signal is sent to the real binary
//! while it waits on a slow input: standard input kept open, so the run cannot end by
//! itself. Not timed: the process is polled until it exits, within a generous bound.
#![cfg(unix)]

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_nianbao");
/// Far more than it takes: the bound only keeps a broken build from hanging the suite.
const BOUND: Duration = Duration::from_secs(120);

fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// `nianbao check` reading standard input, which is given half a report and left open.
fn start(dir: &Path, args: &[&str]) -> Child {
    start_in(dir, args, &std::env::temp_dir())
}

/// `start`, with `tmp` as the temporary folder.
fn start_in(dir: &Path, args: &[&str], tmp: &Path) -> Child {
    let mut child = Command::new(BIN)
        .args(["check", "--isolated"])
        .args(args)
        .arg("-")
        .current_dir(dir)
        .env("TMPDIR", tmp)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let report = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/report-2024.txt"),
    )
    .expect("report");
    let half = report.char_indices().nth(report.chars().count() / 2);
    let stdin = child.stdin.as_mut().expect("stdin");
    stdin
        .write_all(&report.as_bytes()[..half.map_or(0, |(i, _)| i)])
        .expect("writes");
    stdin.flush().expect("flush");
    child
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < BOUND, "{what}: not within {BOUND:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// Waits for the exit (standard input still open) and returns the exit code and
/// standard error.
fn exit_of(mut child: Child) -> (Option<i32>, String) {
    let mut status = None;
    wait_until("exit after the signal", || {
        status = child.try_wait().expect("wait");
        status.is_some()
    });
    drop(child.stdin.take());
    let out = child.wait_with_output().expect("output");
    (
        status.and_then(|s| s.code()),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn ctrl_c_removes_the_temporary_output_and_keeps_the_old_file() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("结果.json"), "旧的结果\n").expect("old");
    let child = start(dir.path(), &["--format", "json", "-o", "结果.json"]);
    // The temporary file beside the output exists once the run has started.
    wait_until("the temporary output file", || files(dir.path()).len() == 2);
    signal(&child, "INT");
    let (code, stderr) = exit_of(child);
    assert_eq!(code, Some(130), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("已中断"), "{stderr}");
    assert_eq!(files(dir.path()), vec!["结果.json".to_string()]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("结果.json")).expect("kept"),
        "旧的结果\n"
    );
}

#[test]
fn kill_stops_a_run_writing_a_new_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let child = start(dir.path(), &["--format", "sarif", "--output", "out.sarif"]);
    wait_until("the temporary output file", || files(dir.path()).len() == 1);
    signal(&child, "TERM");
    let (code, stderr) = exit_of(child);
    assert_eq!(code, Some(130), "{stderr}");
    assert!(stderr.starts_with("已中断"), "{stderr}");
    assert!(files(dir.path()).is_empty(), "{:?}", files(dir.path()));
}

#[test]
fn ctrl_c_on_standard_output_is_one_quiet_line() {
    let dir = tempfile::tempdir().expect("tmp");
    if !Path::new("/proc/self/status").exists() {
        eprintln!("skipped: no /proc to see when the handler is installed");
        return;
    }
    let child = start(dir.path(), &[]);
    // Nothing is written before the end: wait until the process catches SIGINT.
    let status = format!("/proc/{}/status", child.id());
    wait_until("the handler", || {
        std::fs::read_to_string(&status)
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("SigCgt:"))
                    .and_then(|m| u64::from_str_radix(m.trim(), 16).ok())
            })
            .is_some_and(|mask| mask & (1 << (2 - 1)) != 0)
    });
    signal(&child, "INT");
    let (code, stderr) = exit_of(child);
    assert_eq!(code, Some(130), "{stderr}");
    assert_eq!(stderr, "已中断：检查没有完成\n");
}

#[test]
fn the_spill_of_series_facts_is_anonymous_and_gone_after_ctrl_c() {
    let dir = tempfile::tempdir().expect("tmp");
    let tmp = tempfile::tempdir().expect("tmp");
    let child = start_in(dir.path(), &["-o", "out.txt"], tmp.path());
    wait_until("the temporary output file", || files(dir.path()).len() == 1);
    // While it runs, the spill (`series::store`) is open and has no name in the
    // temporary folder (Linux shows it as deleted).
    let fds = format!("/proc/{}/fd", child.id());
    if Path::new(&fds).exists() {
        let prefix = tmp.path().to_string_lossy().into_owned();
        let open = || -> Vec<String> {
            std::fs::read_dir(&fds)
                .map(|d| {
                    d.flatten()
                        .filter_map(|e| std::fs::read_link(e.path()).ok())
                        .map(|p| p.to_string_lossy().into_owned())
                        .filter(|p| p.starts_with(&prefix))
                        .collect()
                })
                .unwrap_or_default()
        };
        wait_until("the spill", || !open().is_empty());
        let spill = open();
        assert_eq!(spill.len(), 1, "{spill:?}");
        assert!(spill[0].ends_with(" (deleted)"), "{spill:?}");
    } else {
        eprintln!("skipped a part: no /proc to see the open files");
    }
    assert!(files(tmp.path()).is_empty(), "{:?}", files(tmp.path()));
    signal(&child, "INT");
    let (code, stderr) = exit_of(child);
    assert_eq!(code, Some(130), "{stderr}");
    assert!(files(tmp.path()).is_empty(), "{:?}", files(tmp.path()));
    assert!(files(dir.path()).is_empty(), "{:?}", files(dir.path()));
}
