//! `nianbao check --fix` and `--diff`: which findings carry a fix (per rule, fired and
//! not fired), and the properties of fixing a file — idempotent, atomic, the encoding,
//! BOM and line endings kept, `--diff` equal to what `--fix` writes, never a number,
//! never a Word document.

use crate::common;
use crate::common::convert;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use common::{clean, national, replace};
use nianbao::Diagnostic;

fn nianbao(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .current_dir(dir)
        .arg("check")
        .arg("--isolated")
        .arg("--color=never")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run nianbao: {e}"))
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn lint(name: &str, text: &str) -> Vec<Diagnostic> {
    national()
        .lint_text(name, text.to_string())
        .unwrap_or_else(|e| panic!("not linted: {e}"))
        .diagnostics
}

fn fixed_rules(diags: &[Diagnostic]) -> Vec<&str> {
    diags
        .iter()
        .filter(|d| d.fix.is_some())
        .map(|d| d.rule.as_str())
        .collect()
}

/// The clean report with defects no fix may touch: a placeholder (E104), a `<br>`
/// (E102, a line break may be meant) and a lost character in a figure (E101).
fn unfixable() -> String {
    let t = replace(
        &clean(),
        "请与青山县交通运输局办公室联系",
        "请与XX办公室联系",
    );
    let t = replace(&t, "同步开展政策解读3次。", "同步开展政策解读3次。<br>");
    replace(&t, "上年结转2件", "上年结转?件")
}

/// `unfixable()` with one defect of every fixable rule: what `--fix` must give back.
fn defective() -> String {
    let t = unfixable();
    let t = replace(
        &t,
        "三、收到和处理政府信息公开申请情况",
        "三、收到和处理政府信息公开申情况",
    );
    let t = replace(
        &t,
        "2.其他法律行政法规禁止公开 |",
        "2.其他法律和行政法规禁止公开 |",
    );
    let t = replace(&t, "编制。", "编制</span>。");
    let t = replace(&t, "主动公开政府信息326条", "主动公开公开政府信息326条");
    replace(
        &t,
        "同步开展政策解读3次。",
        "同步开展政策解读3次。【打印本页】",
    )
}

/// Fixes defined for all five rules.
const FIXED_RULES: [&str; 5] = ["E102", "E105", "E106", "S104", "T107"];

#[test]
fn each_fixable_rule_fires_with_a_fix_and_the_others_without() {
    let diags = lint("r.txt", &defective());
    let mut fixed = fixed_rules(&diags);
    fixed.sort_unstable();
    assert_eq!(fixed, FIXED_RULES, "{diags:#?}");
    for rule in ["E101", "E104"] {
        let d = diags
            .iter()
            .find(|d| d.rule == rule)
            .unwrap_or_else(|| panic!("{rule} did not fire"));
        assert!(d.fix.is_none(), "{rule} must never be fixed");
    }
    let br = diags
        .iter()
        .find(|d| d.rule == "E102" && d.message.contains("<br>"))
        .unwrap_or_else(|| panic!("E102 did not fire on <br>: {diags:#?}"));
    assert!(br.fix.is_none(), "a <br> may mean a line break");
    // The clean report has nothing to fix.
    assert!(fixed_rules(&lint("r.txt", &clean())).is_empty());
}

#[test]
fn uncertain_headings_and_labels_are_not_fixed() {
    // A heading cut by a line break (PDF text): the rest is on the next line.
    let wrapped = replace(
        &clean(),
        "三、收到和处理政府信息公开申请情况",
        "三、收到和处理政府信息公开申请情\n况",
    );
    let diags = lint("r.txt", &wrapped);
    assert!(diags.iter().any(|d| d.rule == "S104"), "{diags:#?}");
    assert!(
        !fixed_rules(&diags).contains(&"S104"),
        "a wrapped heading is not a typo: {diags:#?}"
    );
    // A heading followed by more text on its line.
    let glued = replace(
        &clean(),
        "三、收到和处理政府信息公开申请情况",
        "三、收到和处理政府信息公开申情况（见下表）",
    );
    let diags = lint("r.txt", &glued);
    assert!(diags.iter().any(|d| d.rule == "S104"), "{diags:#?}");
    assert!(!fixed_rules(&diags).contains(&"S104"));
    // A label whose difference is a numeral is never rewritten.
    let numeral = replace(
        &clean(),
        "2.其他法律行政法规禁止公开 |",
        "2.其他法律行政法规禁止公开第三 |",
    );
    let diags = lint("r.txt", &numeral);
    let t107: Vec<&Diagnostic> = diags.iter().filter(|d| d.rule == "T107").collect();
    assert_eq!(t107.len(), 1, "{diags:#?}");
    assert!(t107[0].fix.is_none());
    // A label in whitespace columns (pdftotext -layout): rewriting it would shift the
    // columns.
    let columns = clean().replace(" | ", "    ").replace(" |", "");
    let columns = replace(
        &columns,
        "2.其他法律行政法规禁止公开",
        "2.其他法律和行政法规禁止公开",
    );
    let diags = lint("r.txt", &columns);
    assert!(diags.iter().any(|d| d.rule == "T107"), "{diags:#?}");
    assert!(!fixed_rules(&diags).contains(&"T107"), "{diags:#?}");
    // The same word twice outside a sentence (OCR'd table headers) is two cells.
    let headers = replace(
        &clean(),
        "（二）依申请公开情况\n",
        "（二）依申请公开情况\n办理结果结果其他尚未\n",
    );
    let diags = lint("r.txt", &headers);
    assert!(diags.iter().any(|d| d.rule == "E105"), "{diags:#?}");
    assert!(fixed_rules(&diags).is_empty(), "{diags:#?}");
    // A doubled placeholder is not a repeated word to shorten.
    let diags = lint(
        "r.txt",
        &replace(&clean(), "请与青山县交通运输局", "请与某某某某局"),
    );
    assert!(diags.iter().any(|d| d.rule == "E105"), "{diags:#?}");
    assert!(fixed_rules(&diags).is_empty(), "{diags:#?}");
    // A placeholder is reported, never fixed.
    let diags = lint("r.txt", &replace(&clean(), "326条", "XX条"));
    assert!(diags.iter().any(|d| d.rule == "E104"));
    assert!(fixed_rules(&diags).is_empty(), "{diags:#?}");
}

#[test]
fn fix_rewrites_the_file_reports_what_is_left_and_counts_the_fixes() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("r.txt");
    fs::write(&path, defective()).unwrap_or_else(|e| panic!("{e}"));
    let plain = nianbao(dir.path(), &["r.txt"]);
    assert!(
        stderr(&plain).contains("其中 5 个问题可用 --fix 自动修复"),
        "{}",
        stderr(&plain)
    );
    let o = nianbao(dir.path(), &["--fix", "r.txt"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "E101/E104 are left: {out}");
    assert!(out.contains("已修复 5 个问题（1 个文件）"), "{out}");
    assert!(out.contains("E104") && out.contains("E101"), "{out}");
    for rule in FIXED_RULES {
        assert!(
            !out.contains(&format!("[{rule}]")) || rule == "E102",
            "{rule} left: {out}"
        );
    }
    assert_eq!(
        fs::read_to_string(&path).unwrap_or_default(),
        unfixable(),
        "exactly the fixable defects are gone"
    );
}

#[test]
fn fixing_is_idempotent() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("r.md");
    fs::write(&path, convert::to_markdown(&defective())).unwrap_or_else(|e| panic!("{e}"));
    let first = nianbao(dir.path(), &["--fix", "r.md"]);
    assert!(
        stdout(&first).contains("已修复 5 个问题"),
        "{}",
        stdout(&first)
    );
    let once = fs::read(&path).unwrap_or_default();
    let second = nianbao(dir.path(), &["--fix", "r.md"]);
    assert!(!stdout(&second).contains("已修复"), "{}", stdout(&second));
    assert_eq!(fs::read(&path).unwrap_or_default(), once);
    let diff = nianbao(dir.path(), &["--diff", "r.md"]);
    assert_eq!(diff.status.code(), Some(0), "{}", stderr(&diff));
    assert!(stdout(&diff).is_empty());
    assert!(stderr(&diff).contains("没有可自动修复的问题"));
}

#[test]
fn diff_shows_exactly_what_fix_writes_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let before = defective().replace('\n', "\r\n");
    fs::write(dir.path().join("r.txt"), &before).unwrap_or_else(|e| panic!("{e}"));
    let d = nianbao(dir.path(), &["--diff", "r.txt"]);
    assert_eq!(d.status.code(), Some(1), "something to fix: {}", stderr(&d));
    assert!(stderr(&d).contains("5 个问题可自动修复"), "{}", stderr(&d));
    assert_eq!(
        fs::read_to_string(dir.path().join("r.txt")).unwrap_or_default(),
        before,
        "--diff writes nothing"
    );
    let f = nianbao(dir.path(), &["--fix", "r.txt"]);
    assert!(stdout(&f).contains("已修复 5 个问题"), "{}", stdout(&f));
    let after = fs::read_to_string(dir.path().join("r.txt")).unwrap_or_default();
    let expected = similar::TextDiff::from_lines(&before, &after)
        .unified_diff()
        .context_radius(3)
        .header("r.txt", "r.txt")
        .to_string();
    assert_eq!(stdout(&d), expected);
    assert!(stdout(&d).contains("-三、收到和处理政府信息公开申情况\r\n"));
}

#[test]
fn crlf_line_endings_are_kept() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("r.txt");
    fs::write(&path, defective().replace('\n', "\r\n")).unwrap_or_else(|e| panic!("{e}"));
    nianbao(dir.path(), &["--fix", "r.txt"]);
    assert_eq!(
        fs::read_to_string(&path).unwrap_or_default(),
        unfixable().replace('\n', "\r\n")
    );
}

#[test]
fn the_encoding_and_bom_are_kept() {
    let text = defective();
    let want = unfixable();
    let le = |t: &str| -> Vec<u8> { t.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    let be = |t: &str| -> Vec<u8> {
        let mut v = vec![0xFE, 0xFF];
        v.extend(t.encode_utf16().flat_map(u16::to_be_bytes));
        v
    };
    let bom8 = |t: &str| -> Vec<u8> {
        let mut v = b"\xEF\xBB\xBF".to_vec();
        v.extend_from_slice(t.as_bytes());
        v
    };
    type Enc = fn(&str) -> Vec<u8>;
    let cases: [(&str, Enc); 5] = [
        ("gbk", convert::to_gbk),
        ("utf16le-bom", convert::to_utf16le),
        ("utf16le", le),
        ("utf16be-bom", be),
        ("utf8-bom", bom8),
    ];
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for (name, encode) in cases {
        let file = format!("{name}.txt");
        let path = dir.path().join(&file);
        fs::write(&path, encode(&text)).unwrap_or_else(|e| panic!("{e}"));
        let o = nianbao(dir.path(), &["--fix", &file]);
        assert!(
            stdout(&o).contains("已修复 5 个问题"),
            "{name}: {}{}",
            stdout(&o),
            stderr(&o)
        );
        assert!(
            fs::read(&path).unwrap_or_default() == encode(&want),
            "{name}: written back in another encoding"
        );
    }
}

#[test]
fn a_fix_the_encoding_cannot_hold_is_not_written() {
    // A pack whose fix writes a character GBK does not have.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let pack = dir.path().join("p");
    fs::create_dir(&pack).unwrap_or_else(|e| panic!("{e}"));
    fs::write(
        pack.join("pack.toml"),
        "[pack]\nname = \"p\"\nextends = \"national\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    fs::write(
        pack.join("rules.toml"),
        "[[pattern]]\nid = \"E901\"\nseverity = \"warning\"\nsummary = \"s\"\ndescription = \"d\"\npatterns = ['(?P<hit>政务公开公开)']\nmessage = \"m\"\nexamples = [\"政务公开公开\"]\nfix = { replace = \"政务公开\u{1F600}\" }\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let text = replace(&defective(), "编制</span>。", "编制</span>。政务公开公开");
    let bytes = convert::to_gbk(&text);
    fs::write(dir.path().join("r.txt"), &bytes).unwrap_or_else(|e| panic!("{e}"));
    let o = nianbao(dir.path(), &["--pack", "p", "--fix", "r.txt"]);
    assert!(
        stderr(&o).contains("无法用原文件的 GBK 编码保存"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        fs::read(dir.path().join("r.txt")).unwrap_or_default(),
        bytes
    );
    assert!(!stdout(&o).contains("已修复"), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("E105"),
        "the findings are reported as they are"
    );
}

#[test]
fn html_fixes_land_in_the_page_source() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let page = convert::to_html(&clean());
    let bad = replace(
        &page,
        "三、收到和处理政府信息公开申请情况",
        "三、收到和处理政府信息公开申情况",
    );
    let bad = replace(&bad, "主动公开政府信息326条", "主动公开公开政府信息326条");
    let path = dir.path().join("r.html");
    fs::write(&path, &bad).unwrap_or_else(|e| panic!("{e}"));
    let o = nianbao(dir.path(), &["--fix", "r.html"]);
    assert!(stdout(&o).contains("已修复 2 个问题"), "{}", stdout(&o));
    assert_eq!(fs::read_to_string(&path).unwrap_or_default(), page);

    // A heading whose text is not verbatim in the source (an entity in it) cannot be
    // mapped exactly: reported, not fixed.
    let entity = replace(
        &page,
        "三、收到和处理政府信息公开申请情况",
        "三、收到和处理政府信息公开申&#24773;况",
    );
    let diags = national()
        .lint_bytes("r.html", entity.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"))
        .diagnostics;
    let s104 = diags
        .iter()
        .find(|d| d.rule == "S104")
        .unwrap_or_else(|| panic!("S104 did not fire: {diags:#?}"));
    assert!(s104.fix.is_none());
}

#[test]
fn numbers_are_never_changed() {
    let digits = |s: &str| -> String { s.chars().filter(|c| c.is_ascii_digit()).collect() };
    let before = defective();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("r.txt");
    // A digit inside an entity, a repeated figure, a label typo beside a figure.
    let t = replace(&before, "全年通过", "全年&#160;通过");
    let t = replace(&t, "3件", "3件3件");
    fs::write(&path, &t).unwrap_or_else(|e| panic!("{e}"));
    nianbao(dir.path(), &["--fix", "r.txt"]);
    let after = fs::read_to_string(&path).unwrap_or_default();
    assert_ne!(after, t, "something was fixed");
    assert_eq!(digits(&after), digits(&t), "a digit was added or removed");
    assert!(after.contains("&#160;") && after.contains("3件3件"));
}

#[test]
fn word_documents_are_never_rewritten() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("r.docx");
    let bytes = convert::to_docx(&defective());
    fs::write(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));
    let diags = national()
        .lint_bytes("r.docx", &bytes)
        .unwrap_or_else(|e| panic!("{e}"))
        .diagnostics;
    assert!(diags.iter().any(|d| d.rule == "E105"), "{diags:#?}");
    assert!(
        fixed_rules(&diags).is_empty(),
        "a .docx finding carries no fix"
    );
    let o = nianbao(dir.path(), &["--fix", "r.docx"]);
    assert_eq!(fs::read(&path).unwrap_or_default(), bytes);
    assert!(!stdout(&o).contains("已修复"), "{}", stdout(&o));
    assert!(stderr(&o).contains("Word 文档不自动修复"), "{}", stderr(&o));
    let d = nianbao(dir.path(), &["--diff", "r.docx"]);
    assert_eq!(d.status.code(), Some(0));
    assert!(stdout(&d).is_empty());
}

#[test]
fn a_failing_write_leaves_the_original_intact() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("r.txt");
    let text = defective();
    fs::write(&path, &text).unwrap_or_else(|e| panic!("{e}"));
    // The file size limit (`ulimit -f`, in blocks of 512 or 1024 bytes) makes writing
    // the temporary file fail half-way, even for root (SIGXFSZ ignored, so the write
    // returns an error instead of killing the process).
    let bin = env!("CARGO_BIN_EXE_nianbao");
    let o = Command::new("sh")
        .current_dir(dir.path())
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f 2 && exec '{bin}' check --isolated --fix r.txt"
        ))
        .output();
    let Ok(o) = o else {
        eprintln!("no sh: skipping the file-size-limit test");
        return;
    };
    assert!(text.len() > 4096, "the report is larger than the limit");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(fs::read_to_string(&path).unwrap_or_default(), text);
    assert!(stderr(&o).contains("文件保持原样"), "{}", stderr(&o));
    let names: Vec<String> = fs::read_dir(dir.path())
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["r.txt"], "no temporary file left behind");
}

#[cfg(unix)]
#[test]
fn a_read_only_folder_or_file_is_not_written() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sub = dir.path().join("ro");
    fs::create_dir(&sub).unwrap_or_else(|e| panic!("{e}"));
    let path = sub.join("r.txt");
    let text = defective();
    fs::write(&path, &text).unwrap_or_else(|e| panic!("{e}"));

    // A read-only file: refused whoever runs it.
    fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap_or_else(|e| panic!("{e}"));
    let o = nianbao(&sub, &["--fix", "r.txt"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("只读"), "{}", stderr(&o));
    assert_eq!(fs::read_to_string(&path).unwrap_or_default(), text);
    assert!(
        stdout(&o).contains("E105"),
        "the findings are still reported"
    );

    // A read-only folder: the temporary file cannot be made (root may write anyway).
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap_or_else(|e| panic!("{e}"));
    fs::set_permissions(&sub, fs::Permissions::from_mode(0o555)).unwrap_or_else(|e| panic!("{e}"));
    let probe = fs::write(sub.join("probe"), "x").is_ok();
    if probe {
        eprintln!("running as root: a read-only folder is writable, skipping that part");
    } else {
        let o = nianbao(&sub, &["--fix", "r.txt"]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("临时文件"), "{}", stderr(&o));
        assert_eq!(fs::read_to_string(&path).unwrap_or_default(), text);
    }
    let _ = fs::set_permissions(&sub, fs::Permissions::from_mode(0o755));
}

#[test]
fn explain_says_whether_a_rule_is_fixable() {
    let explain = |id: &str| {
        let o = Command::new(env!("CARGO_BIN_EXE_nianbao"))
            .args(["explain", id, "--isolated"])
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    for id in FIXED_RULES {
        assert!(
            explain(id).contains("自动修复：可以"),
            "{id}: {}",
            explain(id)
        );
    }
    for id in ["E104", "T201", "X101", "S105"] {
        assert!(explain(id).contains("自动修复：不能"), "{id}");
    }
}

#[test]
fn a_pack_declares_its_fixes_and_they_are_checked_when_it_loads() {
    let load = |rule: &str| {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        fs::write(
            dir.path().join("pack.toml"),
            "[pack]\nname = \"p\"\nextends = \"national\"\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        fs::write(dir.path().join("rules.toml"), rule).unwrap_or_else(|e| panic!("{e}"));
        nianbao::Pack::from_dir(dir.path()).map_err(|e| {
            e.all()
                .map(|x| x.message.clone())
                .collect::<Vec<_>>()
                .join("\n")
        })
    };
    let rule = |fix: &str, examples: &str| {
        format!(
            "[[pattern]]\nid = \"E901\"\nseverity = \"warning\"\nsummary = \"s\"\ndescription = \"d\"\npatterns = ['(?P<hit>政务公开公开)']\nmessage = \"m\"\nexamples = [{examples}]\n{fix}\n"
        )
    };
    let pack = load(&rule(
        "fix = { replace = \"政务公开\" }",
        "\"政务公开公开\"",
    ))
    .unwrap_or_else(|e| panic!("a good fix is refused: {e}"));
    let linter = nianbao::Linter::new(pack);
    let text = replace(&clean(), "编制。", "编制。政务公开公开");
    let diags = linter
        .lint_text("r.txt", text)
        .unwrap_or_else(|e| panic!("{e}"))
        .diagnostics;
    let d = diags
        .iter()
        .find(|d| d.rule == "E901")
        .unwrap_or_else(|| panic!("{diags:#?}"));
    assert_eq!(
        d.fix.as_ref().map(|f| f.edits[0].replacement.as_str()),
        Some("政务公开")
    );

    for (fix, examples, error) in [
        ("fix = \"remove\"", "\"政务公开公开\"", "无法识别的 fix"),
        (
            "fix = { replace = \"第2\" }",
            "\"政务公开公开\"",
            "不能含数字",
        ),
        ("fix_only = 'x'", "\"政务公开公开\"", "没有 fix"),
        (
            "fix = { replace = \"政务公开公开\" }",
            "\"政务公开公开\"",
            "修复不能一次到位",
        ),
    ] {
        let err = match load(&rule(fix, examples)) {
            Ok(_) => panic!("{fix} loaded"),
            Err(e) => e,
        };
        assert!(err.contains(error), "{fix}: {err}");
    }
}

/// On the real reports of `../shared` (and the same reports as web pages): fixing
/// adds no finding, changes no error and no digit, and a second pass finds nothing
/// left to fix.
#[test]
fn real_reports_are_fixed_without_new_findings() {
    let mut files = common::shared_files("seeds", ".txt");
    files.extend(common::shared_files("corpus/web", ".txt"));
    files.extend(common::shared_files("corpus/web/excerpts", ".txt"));
    files.extend(common::shared_files("corpus/pdf-layout", ".txt"));
    if files.is_empty() {
        eprintln!("no real reports (../shared absent): skipping");
        return;
    }
    let keep = |_: &nianbao::Document, _: &mut Vec<Diagnostic>| {};
    let opts = nianbao::LoadOptions::default();
    let digits = |s: &str| -> String { s.chars().filter(|c| c.is_ascii_digit()).collect() };
    let count = |d: &[Diagnostic]| -> std::collections::BTreeMap<String, usize> {
        let mut m = std::collections::BTreeMap::new();
        for x in d {
            *m.entry(x.rule.clone()).or_insert(0) += 1;
        }
        m
    };
    let mut applied = 0;
    for path in &files {
        let text = fs::read_to_string(path).unwrap_or_default();
        let inputs = [
            ("r.txt", text.clone().into_bytes()),
            ("r.html", convert::to_html(&text).into_bytes()),
        ];
        for (name, bytes) in inputs {
            let Ok(before) = national().lint_bytes(name, &bytes) else {
                continue;
            };
            let fixed = nianbao::fix::fix_bytes(
                national(),
                name,
                &bytes,
                nianbao::load::Format::by_extension(Path::new(name)),
                &opts,
                &keep,
            )
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let (b, a) = (
                count(&before.diagnostics),
                count(&fixed.outcome.diagnostics),
            );
            for (rule, n) in &a {
                assert!(
                    b.get(rule).is_some_and(|m| m >= n),
                    "{} ({name}): fixing added {rule}: {b:?} → {a:?}",
                    path.display()
                );
            }
            let errors = |d: &[Diagnostic]| {
                d.iter()
                    .filter(|x| x.severity == nianbao::Severity::Error)
                    .count()
            };
            assert_eq!(
                errors(&before.diagnostics),
                errors(&fixed.outcome.diagnostics),
                "{} ({name})",
                path.display()
            );
            assert_eq!(digits(&fixed.before), digits(&fixed.after));
            applied += fixed.applied;
            if let Some(out) = &fixed.bytes {
                let again = nianbao::fix::fix_bytes(
                    national(),
                    name,
                    out,
                    nianbao::load::Format::by_extension(Path::new(name)),
                    &opts,
                    &keep,
                )
                .unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(
                    again.applied,
                    0,
                    "{} ({name}) not idempotent",
                    path.display()
                );
            }
        }
    }
    eprintln!("{} real reports: {applied} fixes", files.len());
    assert!(applied > 0, "the real reports have fixable findings");
}

/// Damaged variants of the defective report (pieces cut out, doubled, lines joined):
/// fixing never panics, never changes a digit, and settles in one run.
#[test]
fn damaged_reports_settle_in_one_run() {
    let base: Vec<char> = defective().chars().collect();
    let keep = |_: &nianbao::Document, _: &mut Vec<Diagnostic>| {};
    let opts = nianbao::LoadOptions::default();
    let digits = |s: &str| -> String { s.chars().filter(|c| c.is_ascii_digit()).collect() };
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let mut fixed_any = 0;
    for round in 0..60 {
        let mut chars = base.clone();
        for _ in 0..3 {
            let at = next(chars.len());
            let len = 1 + next(6).min(chars.len() - at - 1);
            match round % 3 {
                0 => {
                    chars.drain(at..at + len);
                }
                1 => {
                    let piece: Vec<char> = chars[at..at + len].to_vec();
                    chars.splice(at..at, piece);
                }
                _ => {
                    if let Some(nl) = chars[at..].iter().position(|&c| c == '\n') {
                        chars[at + nl] = ' ';
                    }
                }
            }
        }
        let text: String = chars.into_iter().collect();
        let Ok(fixed) =
            nianbao::fix::fix_bytes(national(), "r.txt", text.as_bytes(), None, &opts, &keep)
        else {
            continue;
        };
        assert_eq!(digits(&fixed.before), digits(&fixed.after), "round {round}");
        if let Some(out) = &fixed.bytes {
            fixed_any += 1;
            let again = nianbao::fix::fix_bytes(national(), "r.txt", out, None, &opts, &keep)
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(again.applied, 0, "round {round}: a second run fixed more");
        }
    }
    assert!(fixed_any > 30, "{fixed_any}");
}

/// A fix that only becomes certain after another: the residue after a heading is
/// deleted first, then the heading — now alone on its line — is fixed on the next pass.
#[test]
fn fixes_are_applied_in_passes_until_nothing_is_left() {
    let text = replace(
        &clean(),
        "三、收到和处理政府信息公开申请情况",
        "三、收到和处理政府信息公开申情况</span>",
    );
    let first = lint("r.txt", &text);
    assert_eq!(fixed_rules(&first), ["E102"], "{first:#?}");
    let keep = |_: &nianbao::Document, _: &mut Vec<Diagnostic>| {};
    let fixed = nianbao::fix::fix_bytes(
        national(),
        "r.txt",
        text.as_bytes(),
        None,
        &nianbao::LoadOptions::default(),
        &keep,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(fixed.applied, 2);
    assert_eq!(fixed.after, clean());
    assert!(
        fixed.outcome.diagnostics.is_empty(),
        "{:#?}",
        fixed.outcome.diagnostics
    );
}
