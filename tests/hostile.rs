//! Hostile and extreme inputs (issue 13): every input is generated here, large enough
//! that a quadratic path or an unbounded structure would take minutes or gigabytes.
//! Each test asserts a clear message, the right exit code and no abort; none times
//! anything (a watchdog only stops a hung child so that the test fails instead of
//! hanging forever).

use crate::common;

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{national, read, root};
use nianbao::report::human;

fn nianbao() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_nianbao"));
    c.env_remove("NO_COLOR").current_dir(root());
    c
}

/// Waits for `child`, reading its output as it comes (a full pipe must not stop it);
/// a child still running after `limit` is killed and the test fails (a hang, not a
/// slow run: the limit is far above any normal run).
fn wait_or_kill(mut child: Child, limit: Duration, what: &str) -> Output {
    let drain = |r: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{what}: nianbao did not finish (hung)");
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => panic!("{what}: {e}"),
        }
    };
    Output {
        status,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    }
}

fn run(args: &[&std::ffi::OsStr], what: &str) -> Output {
    let child = nianbao()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    wait_or_kill(child, Duration::from_secs(300), what)
}

fn args<'a>(a: &'a [&'a str]) -> Vec<&'a std::ffi::OsStr> {
    a.iter().map(std::ffi::OsStr::new).collect()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn defects() -> String {
    read("examples/report-with-defects.txt")
}

// 1 and 8. Long lines: linear work, excerpts cut around each label.

/// The example report with its lines joined (a layout scraped from the web), repeated
/// to `size` bytes.
fn one_line_report(size: usize) -> String {
    let joined: String = read("examples/report-2024.txt").lines().collect();
    let mut out = String::with_capacity(size + joined.len());
    while out.len() < size {
        out.push_str(&joined);
    }
    out
}

#[test]
fn a_one_line_report_of_a_megabyte_gives_short_excerpt_lines() {
    let text = one_line_report(1 << 20);
    let outcome = national()
        .lint_text("one-line.txt", text)
        .expect("a report");
    assert!(!outcome.diagnostics.is_empty());
    let mut buf = human::buffer(false);
    human::render_document(&mut buf, &outcome.document, &outcome.diagnostics);
    let out = String::from_utf8_lossy(buf.as_slice());
    let longest = out.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(
        longest < 1000,
        "excerpt lines are cut to windows around the labels, got {longest} characters"
    );
    // Far from the 1 GB of printing everything between two labels.
    assert!(
        out.len() < 4000 * outcome.diagnostics.len(),
        "{} bytes",
        out.len()
    );
}

#[test]
fn lines_of_headings_and_numerals_are_read_in_linear_time() {
    // A section heading repeated over one line of 2 MB, a line of `一、 ` numerals,
    // a breakdown marker repeated: each took minutes when every match rescanned the
    // rest of the line.
    let heading = "三、收到和处理政府信息公开申请情况".repeat(40_000);
    let numerals = "一、 ".repeat(150_000);
    let markers = format!(
        "{}{}",
        read("examples/report-2024.txt"),
        "其中，分别为12件、3件；".repeat(60_000)
    );
    for (name, text) in [
        ("heading", heading),
        ("numerals", numerals),
        ("markers", markers),
    ] {
        // Whatever it is judged to be, it is judged without hanging.
        let _ = national().lint_text(name, text);
    }
}

#[test]
fn a_line_of_ten_million_pipes_is_checked() {
    let mut text = read("examples/report-2024.txt");
    text.push_str(&"|".repeat(10_000_000));
    text.push('\n');
    let outcome = national().lint_text("pipes.txt", text).expect("a report");
    // The report before the pipes is still read.
    assert!(outcome.document.tables.iter().any(|t| t.is_readable()));
}

// 2. Deeply nested HTML.

#[test]
fn deeply_nested_html_is_refused_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let deep = format!(
        "<html><body><table><tr>{}x{}</tr></table></body></html>",
        "<td><table><tr>".repeat(6000),
        "</tr></table></td>".repeat(6000)
    );
    std::fs::write(dir.path().join("a-deep.html"), deep).expect("write");
    std::fs::write(dir.path().join("b-report.txt"), defects()).expect("write");
    let dir_arg = dir.path().as_os_str();
    let o = run(&[std::ffi::OsStr::new("check"), dir_arg], "deep html");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("表格嵌套超过 256 层"), "{}", stderr(&o));
    // The other file's findings are all there.
    assert!(stdout(&o).contains("错误[T201]"), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("检查了 2 份报告：1 份有错误，1 份无法读取"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn tables_nested_a_little_too_deep_are_read_as_text() {
    let page = format!(
        "<html><body>{}<p>一、总体情况</p>{}</body></html>",
        "<table><tr><td>".repeat(40),
        "</td></tr></table>".repeat(40)
    );
    let loaded = nianbao::load::from_bytes(
        "nested.html",
        page.as_bytes(),
        Some(nianbao::load::Format::Html),
        &nianbao::LoadOptions::default(),
    )
    .expect("read");
    assert!(loaded.text.contains("一、总体情况"), "{}", loaded.text);
}

#[test]
fn a_table_of_a_million_cells_is_refused_with_a_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let report = read("examples/report-2024.txt").replace('\n', "<br>");
    let wide = format!(
        "<html><body>{report}<table><tr>{}</tr></table></body></html>",
        "<td>1</td>".repeat(1_000_000)
    );
    let long = format!(
        "<html><body>{report}<table>{}</table></body></html>",
        "<tr><td>a</td><td>1</td></tr>".repeat(500_000)
    );
    for (name, page) in [("wide.html", wide), ("long.html", long)] {
        let path = dir.path().join(name);
        std::fs::write(&path, page).expect("write");
        let o = run(&[std::ffi::OsStr::new("check"), path.as_os_str()], name);
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        assert!(stderr(&o).contains("超过 50000 个单元格"), "{}", stderr(&o));
    }
}

// 3. FIFOs and other files that are not regular files.

#[cfg(unix)]
#[test]
fn a_fifo_named_on_the_command_line_is_refused_without_opening_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("report.txt");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    let ok = dir.path().join("ok.txt");
    std::fs::write(&ok, defects()).expect("write");
    let o = run(
        &[
            std::ffi::OsStr::new("check"),
            fifo.as_os_str(),
            ok.as_os_str(),
        ],
        "fifo",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("命名管道（FIFO），不是普通文件"),
        "{}",
        stderr(&o)
    );
    assert!(
        stdout(&o).contains("错误[T201]"),
        "the other file is checked"
    );
    // `extract` refuses it the same way.
    let o = run(
        &[std::ffi::OsStr::new("extract"), fifo.as_os_str()],
        "fifo extract",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("不是普通文件"), "{}", stderr(&o));
    // A device is not a report either.
    let o = run(&args(&["check", "/dev/null"]), "device");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("设备文件"), "{}", stderr(&o));
}

// 4. Packs that expand without bound.

fn write_pack(dir: &Path, fragments: &str, pattern: &str) {
    let pack = format!(
        r#"[pack]
name = "hostile"
title = "测试"
extends = "national"

[fragment]
{fragments}

[[pattern]]
id = "E901"
severity = "error"
summary = "测试"
patterns = ['{pattern}']
message = "x"
label = "x"
help = "x"
examples = ["共收到件"]
description = "x"
"#
    );
    std::fs::write(dir.join("pack.toml"), pack).expect("write");
}

#[test]
fn fragments_that_multiply_are_stopped_with_their_chain() {
    let dir = tempfile::tempdir().expect("tempdir");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
    let mut fragments: Vec<String> = names
        .windows(2)
        .map(|w| format!("{} = \"{}\"", w[0], format!("{{{}}}", w[1]).repeat(10)))
        .collect();
    fragments.push("j = \"收到\"".into());
    write_pack(dir.path(), &fragments.join("\n"), "共{a}件");
    let o = run(
        &[
            std::ffi::OsStr::new("rules"),
            std::ffi::OsStr::new("--pack"),
            dir.path().as_os_str(),
        ],
        "fragment bomb",
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("展开后超过 64 KB 的上限"), "{err}");
    assert!(
        err.contains("pack.toml:"),
        "points into the TOML file: {err}"
    );
    assert!(err.contains("{a} → {b} → {c}"), "names the chain: {err}");
}

#[test]
fn a_ten_megabyte_literal_regex_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_pack(dir.path(), "", &"收到".repeat(1_700_000));
    let o = run(
        &[
            std::ffi::OsStr::new("check"),
            std::ffi::OsStr::new("--pack"),
            dir.path().as_os_str(),
            std::ffi::OsStr::new("examples/report-2024.txt"),
        ],
        "literal regex",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("上限"), "{}", stderr(&o));
}

// 5. Write errors.

#[cfg(unix)]
#[test]
fn a_full_disk_is_reported_in_chinese_with_exit_2() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("skipped: no /dev/full");
        return;
    };
    for format in ["human", "json"] {
        let sink = full.try_clone().expect("clone");
        let child = nianbao()
            .args([
                "check",
                "--format",
                format,
                "examples/report-with-defects.txt",
            ])
            .stdout(sink)
            .stderr(Stdio::piped())
            .spawn()
            .expect("runs");
        let o = wait_or_kill(child, Duration::from_secs(120), "dev/full");
        assert_eq!(o.status.code(), Some(2), "{format}");
        assert!(
            stderr(&o).contains("无法写出检查结果（标准输出）：磁盘已满"),
            "{format}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let mut child = nianbao()
        .args(["check", "examples/report-with-defects.txt"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    // Read nothing: close the reading end at once.
    drop(child.stdout.take());
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    let status = child.wait().expect("waits");
    assert!(!err.contains("无法写出"), "{err}");
    assert_eq!(status.code(), Some(1), "{err}");
}

// 6. Terminal escapes.

#[cfg(unix)]
#[test]
fn control_characters_reach_the_terminal_only_as_visible_marks() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let text = common::replace(
        &defects(),
        "全部在法定期限内答复",
        "全部在\u{1b}]52;c;aGk=\u{7}法定期限\u{1b}[2K内答复\u{9b}2J",
    );
    let name = std::ffi::OsStr::from_bytes(b"r\x1b[8m.txt");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write");
    let empty = dir
        .path()
        .join(std::ffi::OsStr::from_bytes(b"e\x1b]0;x\x07.txt"));
    std::fs::write(&empty, "").expect("write");
    let o = run(
        &[
            std::ffi::OsStr::new("check"),
            std::ffi::OsStr::new("--color"),
            std::ffi::OsStr::new("never"),
            path.as_os_str(),
            empty.as_os_str(),
        ],
        "escapes",
    );
    assert_eq!(o.status.code(), Some(2));
    for stream in [&o.stdout, &o.stderr] {
        assert!(
            !stream.contains(&0x1b) && !stream.contains(&0x07),
            "{}",
            String::from_utf8_lossy(stream)
        );
        assert!(!String::from_utf8_lossy(stream).contains('\u{9b}'));
    }
    let out = stdout(&o);
    assert!(out.contains("r␛[8m.txt"), "the file name: {out}");
    assert!(
        out.contains("全部在␛]52;c;aGk=␇法定期限␛[2K内答复\\u{9b}2J"),
        "{out}"
    );
    assert!(stderr(&o).contains("e␛]0;x␇.txt"), "{}", stderr(&o));
}

// 7. Small surprises.

#[test]
fn lone_carriage_returns_are_line_breaks() {
    let lf = defects();
    let cr = lf.replace('\n', "\r");
    let findings = |text: String| -> Vec<(String, usize)> {
        let o = national().lint_text("r.txt", text).expect("a report");
        o.diagnostics
            .iter()
            .map(|d| (d.rule.clone(), o.document.position(d.primary.start).line))
            .collect()
    };
    let want = findings(lf);
    assert!(want.len() > 5);
    assert_eq!(findings(cr), want);
}

#[test]
fn a_nul_byte_anywhere_makes_a_file_binary() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut bytes = defects().into_bytes();
    while bytes.len() < 64 * 1024 {
        bytes.extend_from_slice("附：本栏目其他信息。\n".as_bytes());
    }
    bytes.extend_from_slice(b"\0\x01\x02\x03");
    let path = dir.path().join("r.txt");
    std::fs::write(&path, bytes).expect("write");
    let o = run(&[std::ffi::OsStr::new("check"), path.as_os_str()], "nul");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("二进制文件"), "{}", stderr(&o));
    // UTF-16 (zero bytes everywhere) still reads.
    let utf16 = root().join("tests/fixtures/formats/report-with-defects.utf16.txt");
    let o = run(&[std::ffi::OsStr::new("check"), utf16.as_os_str()], "utf16");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

#[cfg(unix)]
#[test]
fn a_non_utf8_file_name_is_accepted() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir
        .path()
        .join(std::ffi::OsStr::from_bytes(b"\xc4\xea\xb1\xa8.txt"));
    std::fs::write(&path, defects()).expect("write");
    let o = run(&[std::ffi::OsStr::new("check"), path.as_os_str()], "name");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("错误[T201]"));
}

#[test]
fn command_line_mistakes_are_explained_in_chinese() {
    let o = run(&args(&["check", "--bogus", "x.txt"]), "unknown arg");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("不认识的参数「--bogus」"),
        "{}",
        stderr(&o)
    );
    let o = run(&args(&["check", "--format", "xml", "x.txt"]), "bad value");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("无效"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("human"),
        "lists the values: {}",
        stderr(&o)
    );
    let o = run(&args(&["chek"]), "subcommand");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("不认识的子命令"), "{}", stderr(&o));
    assert!(stderr(&o).contains("check"), "suggests: {}", stderr(&o));
    let o = run(&args(&["--version"]), "version");
    assert_eq!(o.status.code(), Some(0));
}

#[cfg(unix)]
#[test]
fn folders_say_what_they_skip_and_read_xhtml() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(d.join("a.txt"), defects()).expect("write");
    std::fs::write(d.join(".draft.txt"), defects()).expect("write");
    std::fs::create_dir(d.join(".git")).expect("mkdir");
    std::os::unix::fs::symlink(d.join("a.txt"), d.join("link.txt")).expect("symlink");
    let page = std::fs::read(root().join("tests/fixtures/formats/report-with-defects.html"))
        .expect("fixture");
    std::fs::write(d.join("page.xhtml"), page).expect("write");
    let o = run(&[std::ffi::OsStr::new("check"), d.as_os_str()], "folder");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("跳过了符号链接") && err.contains("link.txt"),
        "{err}"
    );
    // Hidden files and folders are left out silently, as ripgrep does (tests/scan.rs).
    assert!(
        !err.contains(".draft.txt") && !err.contains(".git"),
        "{err}"
    );
    assert!(
        stdout(&o).contains("检查了 2 份报告"),
        "a.txt and page.xhtml: {}",
        stdout(&o)
    );
}

#[test]
fn the_same_file_named_twice_is_checked_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("a.txt");
    std::fs::write(&path, defects()).expect("write");
    let again = dir.path().join(".").join("a.txt");
    let o = run(
        &[
            std::ffi::OsStr::new("check"),
            path.as_os_str(),
            again.as_os_str(),
            dir.path().as_os_str(),
        ],
        "twice",
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("检查了 1 份报告"), "{}", stdout(&o));
    assert_eq!(stdout(&o).matches("错误[T201]").count(), 1);
}

#[test]
fn a_file_over_the_size_cap_is_refused_from_its_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("huge.txt");
    // Sparse: no disk space used, and never read.
    let f = std::fs::File::create(&path).expect("create");
    f.set_len(nianbao::load::MAX_TEXT_BYTES + 1)
        .expect("set_len");
    drop(f);
    let o = run(&[std::ffi::OsStr::new("check"), path.as_os_str()], "huge");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("超过 64 MB"), "{}", stderr(&o));
}
