//! The bad-input catalogue (issue 12): every kind of input a user, a crawler or an
//! attacker can hand to `nianbao check`, each run through the real binary with its
//! exit code and the Chinese message it must give. Work is bounded by construction,
//! not by a clock: files over the size limit are refused from their size, pages and
//! archives by their caps; and every run happens under `ulimit -v` (1 GB of address
//! space), so a case that exhausted memory would fail here rather than pass slowly.
//! Inputs already exercised in depth elsewhere (tests/hostile.rs: long lines, control
//! characters, closed pipes; tests/formats.rs: damaged Word files; tests/robustness.rs:
//! random damage) appear here once each, in their cheapest form, so that the catalogue
//! is complete in one place.
//!
//! The determinism test at the end runs every output format over a folder of varied
//! reports with 1 and 2 threads and twice: the bytes must be identical.

use crate::common;
use crate::common::convert;

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{read, root};

/// Address space allowed to a run (in KB for `ulimit -v`): far above what any case
/// needs when bounded, far below what an unbounded one would take.
const ADDRESS_SPACE_KB: u64 = 1 << 20;

/// Runs `nianbao ARGS` under the address-space limit (when `sh` is there), with two
/// worker threads.
fn nianbao(args: &[&OsStr], envs: &[(&str, &str)]) -> Output {
    let bin = env!("CARGO_BIN_EXE_nianbao");
    let mut c = if Path::new("/bin/sh").exists() {
        let mut c = Command::new("/bin/sh");
        c.arg("-c")
            .arg(format!(
                "ulimit -v {ADDRESS_SPACE_KB} && exec \"$0\" \"$@\""
            ))
            .arg(bin);
        c
    } else {
        Command::new(bin)
    };
    c.args(args)
        .current_dir(root())
        .env("RAYON_NUM_THREADS", "2")
        .env_remove("NO_COLOR")
        .env_remove(nianbao::load::MAX_FILE_MB_VAR)
        .stdin(Stdio::null());
    for (k, v) in envs {
        c.env(k, v);
    }
    c.output().expect("runs")
}

/// What a case must give.
struct Expect {
    code: i32,
    /// Text in standard error (for exit 2) or standard output (exit 0 and 1).
    says: &'static str,
}

const fn refused(says: &'static str) -> Expect {
    Expect { code: 2, says }
}

const fn findings(says: &'static str) -> Expect {
    Expect { code: 1, says }
}

/// A case: a name, the files it writes in its own folder (returning the path to
/// check), and what it must give.
struct Case {
    name: &'static str,
    make: fn(&Path) -> PathBuf,
    expect: Expect,
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write");
    p
}

fn report() -> String {
    read("examples/report-with-defects.txt")
}

/// A web page of the report (paragraphs, tables as `<table>`).
fn page() -> String {
    convert::to_html(&report())
}

/// The page with `extra` inserted right after `<body>`.
fn page_with(extra: &str) -> String {
    page().replacen("<body>", &format!("<body>{extra}"), 1)
}

/// A zip with `n` empty entries, written directly (store method, no compression):
/// 100,000 entries take a few MB and no time.
fn zip_with_entries(n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for i in 0..n {
        let name = format!("f{i}.xml");
        let offset = out.len() as u32;
        // Local file header: signature, version, flags, method 0, time, date, crc,
        // sizes 0, name length, extra length 0.
        out.extend_from_slice(b"PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00");
        out.extend_from_slice(&[0; 12]);
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(name.as_bytes());
        central.extend_from_slice(b"PK\x01\x02\x14\x00\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00");
        central.extend_from_slice(&[0; 12]);
        central.extend_from_slice(&(name.len() as u16).to_le_bytes());
        central.extend_from_slice(&[0; 12]);
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let at = out.len() as u32;
    out.extend_from_slice(&central);
    let count = n.min(0xFFFF) as u16;
    out.extend_from_slice(b"PK\x05\x06\x00\x00\x00\x00");
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&at.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}

/// "Billion laughs": ten entities each ten times the one before.
fn laughs() -> String {
    let mut d = String::from("<!ENTITY lol0 \"lol\">");
    for i in 1..10 {
        d.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">",
            format!("&lol{};", i - 1).repeat(10)
        ));
    }
    d
}

/// A pack folder whose `pack.toml` is `toml`.
fn pack(dir: &Path, name: &str, toml: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(&p).expect("mkdir");
    std::fs::write(p.join("pack.toml"), toml).expect("write");
    p
}

fn pattern_pack(name: &str, extends: &str, pattern: &str) -> String {
    format!(
        r#"[pack]
name = "{name}"
title = "测试"
extends = "{extends}"

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
    )
}

fn plain_pack(name: &str, extends: &str) -> String {
    format!("[pack]\nname = \"{name}\"\ntitle = \"测试\"\nextends = \"{extends}\"\n")
}

fn cases() -> Vec<Case> {
    vec![
        // --- Text files.
        Case {
            name: "empty file",
            make: |d| write(d, "empty.txt", ""),
            expect: refused("是空文件"),
        },
        Case {
            name: "a UTF-8 BOM only",
            make: |d| write(d, "bom.txt", b"\xEF\xBB\xBF"),
            expect: refused("是空文件"),
        },
        Case {
            name: "white space only",
            make: |d| write(d, "blank.txt", " \n\t\r\n　\n"),
            expect: refused("是空文件"),
        },
        Case {
            name: "NUL bytes in a text",
            make: |d| write(d, "nul.txt", format!("{}\0\0\0", report())),
            expect: refused("是二进制文件，不是文本文件"),
        },
        Case {
            name: "lone CR line ends",
            make: |d| write(d, "cr.txt", report().replace('\n', "\r")),
            expect: findings("错误[T201]"),
        },
        Case {
            name: "a 200 MB single line (over the size limit)",
            make: |d| {
                let p = d.join("line.txt");
                let mut f = std::fs::File::create(&p).expect("create");
                let block = vec![b'a'; 1 << 20];
                for _ in 0..200 {
                    std::io::Write::write_all(&mut f, &block).expect("write");
                }
                p
            },
            expect: refused("超过 64 MB，不像是一份年度报告"),
        },
        Case {
            name: "10 million `|` on one line",
            make: |d| {
                write(
                    d,
                    "pipes.txt",
                    format!("{}\n{}\n", report(), "|".repeat(10_000_000)),
                )
            },
            expect: findings("错误[T201]"),
        },
        Case {
            name: "UTF-16 without a BOM",
            make: |d| {
                let bytes: Vec<u8> = report().encode_utf16().flat_map(u16::to_le_bytes).collect();
                write(d, "utf16.txt", bytes)
            },
            expect: findings("错误[T201]"),
        },
        Case {
            name: "GBK text",
            make: |d| write(d, "gbk.txt", convert::to_gbk(&report())),
            expect: findings("错误[T201]"),
        },
        Case {
            name: "mixed encodings (UTF-8, then GBK)",
            make: |d| {
                let mut b = report().into_bytes();
                b.extend(convert::to_gbk("附：本栏目由办公室负责维护。\n"));
                write(d, "mixed.txt", b)
            },
            expect: refused("从第 5157 个字节起不是 UTF-8"),
        },
        Case {
            name: "random bytes with no known signature",
            make: |d| {
                let mut x: u32 = 12345;
                let bytes: Vec<u8> = (0..4096)
                    .map(|_| {
                        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                        (x >> 16) as u8 | 0x80
                    })
                    .collect();
                write(d, "noise.txt", bytes)
            },
            expect: refused("无法识别"),
        },
        Case {
            name: "a text that is not a report",
            make: |d| write(d, "novel.txt", "第一章\n天色已晚，他推开门。\n".repeat(50)),
            expect: refused("找不到政府信息公开年度报告的章节或统计表"),
        },
        Case {
            name: "a PNG named .txt",
            make: |d| write(d, "image.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            expect: refused("是PNG 图片，不是文本文件"),
        },
        Case {
            name: "a PDF named .txt",
            make: |d| write(d, "report.txt", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj"),
            expect: refused("pdftotext"),
        },
        // --- Web pages.
        Case {
            name: "HTML nested 100,000 tables deep",
            make: |d| {
                let n = 100_000;
                let page = format!(
                    "<html><body>{}x{}</body></html>",
                    "<table><tr><td>".repeat(n),
                    "</td></tr></table>".repeat(n)
                );
                write(d, "deep.html", page)
            },
            expect: refused("表格嵌套超过 256 层"),
        },
        Case {
            name: "HTML nested 100,000 divs deep",
            make: |d| {
                let n = 100_000;
                write(
                    d,
                    "divs.html",
                    page_with(&format!("{}x{}", "<div>".repeat(n), "</div>".repeat(n))),
                )
            },
            expect: findings("错误[T201]"),
        },
        Case {
            name: "a million <td> in one table",
            make: |d| {
                write(
                    d,
                    "wide.html",
                    page_with(&format!(
                        "<table><tr>{}</tr></table>",
                        "<td>1</td>".repeat(1_000_000)
                    )),
                )
            },
            expect: refused("超过 50000 个单元格"),
        },
        Case {
            name: "HTML with a DTD of entity declarations (billion laughs)",
            make: |d| {
                let page = page().replacen(
                    "<!DOCTYPE html>",
                    &format!("<!DOCTYPE html [{}]>", laughs()),
                    1,
                );
                write(
                    d,
                    "laughs.html",
                    page.replacen("<body>", "<body><p>&lol9;</p>", 1),
                )
            },
            expect: findings("错误[T201]"),
        },
        Case {
            name: "HTML with only a script",
            make: |d| {
                write(
                    d,
                    "script.html",
                    "<html><body><script>document.write('一、总体情况')</script></body></html>",
                )
            },
            expect: refused("是网页，但其中没有文字"),
        },
        Case {
            name: "HTML declaring UTF-16 in a meta tag",
            make: |d| {
                write(
                    d,
                    "meta16.html",
                    page().replacen("<head>", "<head><meta charset=\"utf-16\">", 1),
                )
            },
            expect: findings("错误[T201]"),
        },
        // --- Word documents.
        Case {
            name: "Word XML with entity declarations (billion laughs, external entity)",
            make: |d| {
                let xml = convert::document_xml(&report());
                let dtd = format!(
                    "<!DOCTYPE w:document [{}<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>",
                    laughs()
                );
                let xml = xml.replacen("?>", &format!("?>{dtd}"), 1).replacen(
                    "<w:body>",
                    "<w:body><w:p><w:r><w:t>&lol9;&xxe;</w:t></w:r></w:p>",
                    1,
                );
                write(
                    d,
                    "laughs.docx",
                    convert::docx_with_parts(&[("word/document.xml", xml.as_bytes())]),
                )
            },
            expect: findings("错误[T201]"),
        },
        Case {
            name: "a zip bomb (document.xml inflating past 64 MB)",
            make: |d| {
                let xml = vec![b' '; 65 << 20];
                write(
                    d,
                    "bomb.docx",
                    convert::docx_with_parts(&[("word/document.xml", &xml)]),
                )
            },
            expect: refused("解压后的正文超过 64 MB"),
        },
        Case {
            name: "100,000 zip entries",
            make: |d| write(d, "many.docx", zip_with_entries(100_000)),
            expect: refused("压缩条目"),
        },
        Case {
            name: "an .xlsx named .docx",
            make: |d| {
                let zip = convert::zip_parts(&[
                    ("[Content_Types].xml", b"<Types/>"),
                    ("xl/workbook.xml", b"<w/>"),
                ]);
                write(d, "book.docx", zip)
            },
            expect: refused("是Excel 工作簿（.xlsx），不是 Word 文档"),
        },
        Case {
            name: "an old .doc named .docx",
            make: |d| {
                let mut b = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
                b.resize(2048, 0);
                write(d, "old.docx", b)
            },
            expect: refused("是旧版 Word/Office 文件（.doc）"),
        },
        Case {
            name: "a PNG named .docx",
            make: |d| write(d, "image.docx", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            expect: refused("是PNG 图片"),
        },
        Case {
            name: "a text named .docx",
            make: |d| write(d, "text.docx", report()),
            expect: refused("内容不是 zip 压缩格式"),
        },
        Case {
            name: "a truncated .docx",
            make: |d| {
                let good = convert::to_docx(&report());
                write(d, "cut.docx", &good[..good.len() / 2])
            },
            expect: refused("文件已损坏"),
        },
        Case {
            name: "a .docx whose XML is not UTF-8",
            make: |d| {
                let xml = b"<w:document><w:body><w:p><w:r><w:t>\xff\xfe\xfd</w:t></w:r></w:p></w:body></w:document>";
                write(
                    d,
                    "latin.docx",
                    convert::docx_with_parts(&[("word/document.xml", xml)]),
                )
            },
            expect: refused("不是 UTF-8 编码"),
        },
        // --- Folders and file names.
        Case {
            name: "a FIFO in a folder",
            make: |d| {
                let dir = d.join("with-fifo");
                std::fs::create_dir(&dir).expect("mkdir");
                write(&dir, "a.txt", report());
                let made = Command::new("mkfifo").arg(dir.join("b.txt")).status();
                assert!(made.is_ok_and(|s| s.success()), "mkfifo");
                dir
            },
            // Skipped with a note, as ripgrep does: the folder's reports decide.
            expect: findings("是命名管道（FIFO），不是普通文件，不会打开"),
        },
        Case {
            name: "a symlink loop in a folder",
            make: |d| {
                let dir = d.join("with-loop");
                std::fs::create_dir(&dir).expect("mkdir");
                write(&dir, "a.txt", report());
                symlink(Path::new("loop.txt"), &dir.join("loop.txt"));
                symlink(Path::new(".."), &dir.join("up"));
                symlink(Path::new("."), &dir.join("self"));
                dir
            },
            expect: findings("跳过了符号链接"),
        },
        Case {
            name: "a symlink loop named on the command line",
            make: |d| {
                let p = d.join("loop.txt");
                symlink(Path::new("loop.txt"), &p);
                p
            },
            expect: refused("符号链接层数过多"),
        },
        Case {
            name: "a folder with no reports",
            make: |d| {
                let dir = d.join("nothing");
                std::fs::create_dir(&dir).expect("mkdir");
                write(&dir, "notes.pdf.bak", "x");
                dir
            },
            expect: refused("中没有 .txt 或 .md 文件"),
        },
        Case {
            name: "a path that does not exist",
            make: |d| d.join("missing.txt"),
            expect: refused("找不到"),
        },
        Case {
            name: "a device",
            make: |_| PathBuf::from("/dev/zero"),
            expect: refused("是设备文件，不是普通文件"),
        },
        Case {
            name: "a non-UTF-8 file name",
            make: |d| {
                use std::os::unix::ffi::OsStrExt;
                let p = d.join(OsStr::from_bytes(b"\xc4\xea\xb1\xa8.txt"));
                std::fs::write(&p, report()).expect("write");
                p
            },
            expect: findings("错误[T201]"),
        },
    ]
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link).expect("symlink");
}

/// The output a case is judged on: standard error for a refusal (exit 2), standard
/// output (the findings and skips) otherwise, plus standard error.
fn judged(o: &Output, code: i32) -> String {
    let err = String::from_utf8_lossy(&o.stderr);
    if code == 2 {
        err.into_owned()
    } else {
        format!("{}{err}", String::from_utf8_lossy(&o.stdout))
    }
}

#[cfg(unix)]
#[test]
fn every_bad_input_gets_its_exit_code_and_a_chinese_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = cases();
    assert!(cases.len() >= 30, "the catalogue has {} kinds", cases.len());
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let own = dir.path().join(format!("case{i:02}"));
        std::fs::create_dir(&own).expect("mkdir");
        let path = (case.make)(&own);
        let o = nianbao(
            &[
                OsStr::new("check"),
                OsStr::new("--color"),
                OsStr::new("never"),
                path.as_os_str(),
            ],
            &[],
        );
        let out = judged(&o, case.expect.code);
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        if o.status.code() != Some(case.expect.code) || !out.contains(case.expect.says) {
            failures.push(format!(
                "{}: exit {:?} (want {}), want «{}» in:\n{}",
                case.name,
                o.status.code(),
                case.expect.code,
                case.expect.says,
                all.chars().take(1500).collect::<String>()
            ));
        }
        if all.contains("panicked") || all.contains("memory allocation") {
            failures.push(format!("{}: crashed:\n{all}", case.name));
        }
        // Free the disk space of the large cases as we go.
        let _ = std::fs::remove_dir_all(&own);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_refused_in_chinese() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(dir.path(), "locked.txt", report());
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    if std::fs::read(&p).is_ok() {
        eprintln!("skipped: running as root, a file with mode 000 is still readable");
        return;
    }
    let o = nianbao(&[OsStr::new("check"), p.as_os_str()], &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("没有读取权限"), "{err}");
}

#[test]
fn the_size_limit_can_be_raised_and_lowered() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(dir.path(), "r.txt", report());
    let var = nianbao::load::MAX_FILE_MB_VAR;
    // A limit under the file's size... (the report is a few KB; 1 MB is the least)
    let big = write(
        dir.path(),
        "big.txt",
        format!("{}\n{}", report(), "附。\n".repeat(300_000)),
    );
    let o = nianbao(&[OsStr::new("check"), big.as_os_str()], &[(var, "1")]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("超过 1 MB") && err.contains(var), "{err}");
    // ... and the default for the small one.
    let o = nianbao(&[OsStr::new("check"), p.as_os_str()], &[(var, "1")]);
    assert_eq!(o.status.code(), Some(1));
}

// --- Packs.

fn check_with_pack(pack: &Path) -> Output {
    nianbao(
        &[
            OsStr::new("check"),
            OsStr::new("--pack"),
            pack.as_os_str(),
            OsStr::new("examples/report-with-defects.txt"),
        ],
        &[],
    )
}

#[test]
fn a_pack_with_a_huge_regex_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Small to write, enormous once compiled: nested counted repetitions.
    let p = pack(
        dir.path(),
        "huge",
        &pattern_pack("huge", "national", "((收到){1000}){1000}"),
    );
    let o = check_with_pack(&p);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("编译后超过 8 MB 的上限"), "{err}");
    assert!(err.contains("pack.toml"), "points into the pack: {err}");
}

#[test]
fn an_extends_chain_100_deep_is_refused_with_its_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    for i in 0..100 {
        let parent = if i == 0 {
            "national".to_string()
        } else {
            format!("../p{}", i - 1)
        };
        pack(
            dir.path(),
            &format!("p{i}"),
            &plain_pack(&format!("p{i}"), &parent),
        );
    }
    let o = check_with_pack(&dir.path().join("p99"));
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("extends 链超过 32 层"), "{err}");
    // A short chain of folders loads.
    let o = check_with_pack(&dir.path().join("p3"));
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn an_extends_outside_the_pack_folder_must_be_a_pack() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A sibling folder that is a pack: allowed (a city pack extends its province's).
    pack(dir.path(), "province", &plain_pack("province", "national"));
    let city = pack(dir.path(), "city", &plain_pack("city", "../province"));
    let o = check_with_pack(&city);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Anything else outside: a clear error naming what is missing.
    for target in ["../../../../../../etc", "/dev", "../city/pack.toml"] {
        let p = pack(dir.path(), "stray", &plain_pack("stray", target));
        let o = check_with_pack(&p);
        assert_eq!(o.status.code(), Some(2), "{target}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("pack.toml") && err.contains("extends"),
            "{target}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}

// --- Determinism.

/// A folder of varied reports: the examples, every format fixture, the layout
/// fixtures and packs' test reports (clean, defective, partial, other layouts).
fn varied_folder(dir: &Path) {
    let r = root();
    let mut sources: Vec<PathBuf> = vec![
        r.join("examples/report-2024.txt"),
        r.join("examples/report-with-defects.txt"),
        r.join("tests/fixtures/layout-columns.txt"),
        r.join("tests/fixtures/layout-one-cell-per-line.txt"),
    ];
    for sub in [
        "tests/fixtures/formats",
        "rules/national/tests",
        "rules/common/tests",
    ] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(r.join(sub))
            .expect("fixtures")
            .flatten()
            .map(|e| e.path())
            .filter(|p| nianbao::load::Format::by_extension(p).is_some())
            .collect();
        files.sort();
        sources.extend(files.into_iter().take(12));
    }
    for (i, s) in sources.iter().enumerate() {
        let name: OsString = s.file_name().map(OsStr::to_os_string).unwrap_or_default();
        let mut target = OsString::from(format!("{i:02}-"));
        target.push(name);
        std::fs::copy(s, dir.join(target)).expect("copy");
    }
    // One file that cannot be read: its error is part of the output too.
    std::fs::write(dir.join("99-empty.txt"), "").expect("write");
}

#[test]
fn output_is_identical_across_thread_counts_and_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    varied_folder(dir.path());
    for format in [
        "human", "concise", "json", "jsonl", "sarif", "github", "junit", "csv", "html",
    ] {
        let run = |threads: &str| {
            let o = nianbao(
                &[
                    OsStr::new("check"),
                    OsStr::new("--color"),
                    OsStr::new("never"),
                    OsStr::new("--format"),
                    OsStr::new(format),
                    dir.path().as_os_str(),
                ],
                &[("RAYON_NUM_THREADS", threads)],
            );
            assert_eq!(
                o.status.code(),
                Some(2),
                "{format}: findings and one unreadable file"
            );
            (o.stdout, o.stderr)
        };
        let one = run("1");
        assert!(one.0.len() > 1000, "{format}: {} bytes", one.0.len());
        let two = run("2");
        assert!(one == two, "{format}: 1 thread and 2 threads differ");
        assert!(two == run("2"), "{format}: two runs differ");
    }
}
