//! `nianbao check` streams its output: a reader that goes away (`| head`) ends the run
//! quietly, with the exit code of what was checked, and every format writes the same
//! findings in the same order whatever the number of threads.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn folder(files: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let report = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/report-with-defects.txt"),
    )
    .expect("example report");
    for i in 0..files {
        std::fs::write(dir.path().join(format!("r{i:04}.txt")), &report).expect("write");
    }
    dir
}

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    let dir = folder(200);
    for format in [
        "human", "concise", "json", "jsonl", "sarif", "github", "junit", "csv", "html",
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
            .args(["check", "--color", "never", "--format", format])
            .arg(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("runs");
        let stdout = child.stdout.take().expect("piped");
        let mut first = String::new();
        BufReader::new(stdout)
            .read_line(&mut first)
            .expect("reads a line");
        assert!(!first.is_empty(), "{format}: something is written first");
        // The reader goes away (the handle was moved into the BufReader, now dropped).
        let out = child.wait_with_output().expect("ends");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains("无法写出"),
            "{format}: a closed pipe is not an error: {stderr}"
        );
        // The example report has errors: exit code 1, not 2 (could not run).
        assert_eq!(out.status.code(), Some(1), "{format}: {stderr}");
    }
}

#[test]
fn output_is_the_same_with_one_or_two_threads() {
    let dir = folder(40);
    let run = |threads: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_nianbao"))
            .args(["check", "--color", "never", "--format", "jsonl"])
            .arg(dir.path())
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(1));
        out.stdout
    };
    let one = run("1");
    assert!(!one.is_empty());
    assert_eq!(one, run("2"), "1 vs 2 threads");
    assert_eq!(one, run("2"), "two runs");
}
