//! Suppressing findings: comments in Markdown and web pages, Word comments (批注),
//! per-file ignores for plain text, and E107 for suppressions that do nothing. Each
//! form is tested used (the finding goes) and unused (E107 says so).

use crate::common;
use crate::common::convert;

use std::process::Command;

use common::{clean, national, replace};
use nianbao::{Diagnostic, Outcome};

/// The example report with two defects: X101 (a narrative figure that disagrees with
/// 表三) and E105 (a repeated word).
fn defective() -> String {
    let t = replace(
        &clean(),
        "2024年共收到政府信息公开申请24件",
        "2024年共收到政府信息公开申请25件",
    );
    replace(
        &t,
        "严格落实公开前保密审查制度",
        "严格落实公开前保密审查审查制度",
    )
}

fn lint(name: &str, bytes: &[u8]) -> Outcome {
    national()
        .lint_bytes(name, bytes)
        .unwrap_or_else(|e| panic!("{name}: {}", e.message()))
}

fn rules(ds: &[Diagnostic]) -> Vec<&str> {
    ds.iter().map(|d| d.rule.as_str()).collect()
}

/// Puts `line` before the first line starting with `before`.
fn insert_before(text: &str, before: &str, line: &str) -> String {
    let at = text
        .find(&format!("\n{before}"))
        .unwrap_or_else(|| panic!("no line starting with {before:?}"))
        + 1;
    format!("{}{line}\n{}", &text[..at], &text[at..])
}

#[test]
fn the_defects_are_found_without_suppressions() {
    let o = lint("r.md", defective().as_bytes());
    assert_eq!(rules(&o.diagnostics), ["X101", "E105"]);
}

#[test]
fn markdown_next_line_used_and_unused() {
    let t = insert_before(
        &defective(),
        "2024年共收到",
        "<!-- nianbao-disable-next-line X101 -- 已核对 -->",
    );
    // On the line above the defect's line: suppresses nothing.
    let t = insert_before(
        &t,
        "（三）政府信息管理情况",
        "<!-- nianbao-disable-next-line E105 -->",
    );
    let o = lint("r.md", t.as_bytes());
    assert_eq!(
        rules(&o.diagnostics),
        ["E107", "E105"],
        "{:#?}",
        o.diagnostics
    );
    let e107 = &o.diagnostics[0];
    assert!(
        e107.message.contains("这里没有 E105 的问题可豁免"),
        "{}",
        e107.message
    );
    assert_eq!(e107.severity, nianbao::Severity::Warning);
    let line = o.document.position(e107.primary.start).line;
    assert_eq!(
        t.lines().nth(line - 1),
        Some("<!-- nianbao-disable-next-line E105 -->")
    );
    // The same comments as plain text: no comment syntax, nothing suppressed.
    let o = lint("r.txt", t.as_bytes());
    assert_eq!(rules(&o.diagnostics), ["X101", "E105"]);
}

#[test]
fn markdown_disable_enable_and_blanket() {
    // A blanket range over both defects: nothing left, nothing unused.
    let t = insert_before(
        &defective(),
        "（二）依申请公开情况",
        "<!-- nianbao-disable -->",
    );
    let t = insert_before(&t, "二、主动公开政府信息情况", "<!-- nianbao-enable -->");
    let o = lint("r.md", t.as_bytes());
    assert_eq!(
        rules(&o.diagnostics),
        Vec::<&str>::new(),
        "{:#?}",
        o.diagnostics
    );

    // A range for X101 that ends before the E105 line, and one for T201 (no T201 in
    // it): X101 goes, E105 stays, the T201 range is reported.
    let t = insert_before(
        &defective(),
        "（二）依申请公开情况",
        "<!-- nianbao-disable X101, T201 -->",
    );
    let t = insert_before(
        &t,
        "（三）政府信息管理情况",
        "<!-- nianbao-enable X101 T201 -->",
    );
    let o = lint("r.md", t.as_bytes());
    assert_eq!(
        rules(&o.diagnostics),
        ["E107", "E105"],
        "{:#?}",
        o.diagnostics
    );
    assert!(o.diagnostics[0].message.contains("T201"));
    assert!(!o.diagnostics[0].message.contains("没有 X101"));

    // An enable with nothing open, a disable without an enable (to the end).
    let t = insert_before(&defective(), "一、总体情况", "<!-- nianbao-enable E105 -->");
    let t = insert_before(
        &t,
        "（三）政府信息管理情况",
        "<!-- nianbao-disable E105 -->",
    );
    let o = lint("r.md", t.as_bytes());
    assert_eq!(
        rules(&o.diagnostics),
        ["E107", "X101"],
        "{:#?}",
        o.diagnostics
    );
    assert!(
        o.diagnostics[0]
            .message
            .contains("前面没有尚未结束的 nianbao-disable E105")
    );
}

#[test]
fn unknown_rules_and_directives_are_reported() {
    let t = insert_before(
        &defective(),
        "2024年共收到",
        "<!-- nianbao-disable-next-line X101, X1O1 -->",
    );
    let t = insert_before(&t, "一、总体情况", "<!-- nianbao-disabel E105 -->");
    let o = lint("r.md", t.as_bytes());
    assert_eq!(
        rules(&o.diagnostics),
        ["E107", "E107", "E105"],
        "{:#?}",
        o.diagnostics
    );
    let typo = &o.diagnostics[0];
    assert!(
        typo.message
            .contains("「nianbao-disabel」不是 nianbao 的指令"),
        "{}",
        typo.message
    );
    let unknown = &o.diagnostics[1];
    assert!(
        unknown.message.contains("没有规则「X1O1」"),
        "{}",
        unknown.message
    );
    assert_eq!(unknown.help.as_deref(), Some("是否想写「X101」？"));
}

#[test]
fn comments_in_code_blocks_are_not_directives() {
    let t = insert_before(
        &defective(),
        "2024年共收到",
        "```\n<!-- nianbao-disable-next-line X101 -->\n```",
    );
    let o = lint("r.md", t.as_bytes());
    assert_eq!(rules(&o.diagnostics), ["X101", "E105"]);
}

#[test]
fn web_page_comments_use_the_source_lines() {
    let page = convert::to_html(&defective());
    let mark = |page: &str, needle: &str, comment: &str| -> String {
        let p = page.find(needle).unwrap_or_else(|| panic!("{needle}"));
        let line = page[..p].rfind('\n').map_or(0, |i| i + 1);
        format!("{}{comment}\n{}", &page[..line], &page[line..])
    };
    let with = mark(&page, "申请25件", "<!-- nianbao-disable-next-line X101 -->");
    let o = lint("r.html", with.as_bytes());
    assert_eq!(rules(&o.diagnostics), ["E105"], "{:#?}", o.diagnostics);

    // A range, and an unused comment: E107 names its source line.
    let with = mark(&page, "审查审查", "<!-- nianbao-disable E105 -->");
    let with = mark(&with, "（四）", "<!--nianbao-enable E105-->");
    let with = mark(
        &with,
        "（一）主动公开情况",
        "<!-- nianbao-disable-next-line X101 -->",
    );
    let o = lint("r.html", with.as_bytes());
    assert_eq!(
        rules(&o.diagnostics),
        ["E107", "X101"],
        "{:#?}",
        o.diagnostics
    );
    let line = with
        .lines()
        .position(|l| l == "<!-- nianbao-disable-next-line X101 -->")
        .map(|i| i + 1);
    let msg = &o.diagnostics[0].message;
    assert!(
        line.is_some_and(|l| msg.contains(&format!("网页源代码第 {l} 行"))),
        "{msg} {line:?}"
    );
    // The finding is shown on the page near the comment: the next text after it.
    let shown = o.document.source.original_span(&o.diagnostics[0].primary);
    let at = shown.map(|r| with[..r.start].matches('\n').count() + 1);
    assert!(
        at.is_some_and(|a| line.is_some_and(|l| a > l && a <= l + 2)),
        "{at:?} {line:?}"
    );
}

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// A Word document of `text` whose paragraph holding `needle` has `needle` as a run
/// of its own, with comment `id` on the run selected by `on` (the needle itself, or
/// the text before it), and the comments part with the given (id, text).
fn docx_with_comments(
    text: &str,
    marks: &[(&str, bool, usize)],
    comments: &[(usize, &str)],
    with_rels: bool,
) -> Vec<u8> {
    let mut xml = convert::document_xml(text);
    for &(needle, on_needle, id) in marks {
        let at = xml.find(needle).unwrap_or_else(|| panic!("{needle}"));
        let p_start = xml[..at].rfind("<w:p>").expect("paragraph start");
        let p_end = at + xml[at..].find("</w:p>").expect("paragraph end") + "</w:p>".len();
        // The paragraph's text, from its runs.
        let para: String = xml[p_start..p_end]
            .split("<w:t xml:space=\"preserve\">")
            .skip(1)
            .filter_map(|s| s.split("</w:t>").next())
            .collect();
        let n = para.find(needle).expect("needle in paragraph");
        let (before, rest) = para.split_at(n);
        let after = &rest[needle.len()..];
        let run = |t: &str| format!("<w:r><w:t xml:space=\"preserve\">{t}</w:t></w:r>");
        let (start, end) = (
            format!("<w:commentRangeStart w:id=\"{id}\"/>"),
            format!(
                "<w:commentRangeEnd w:id=\"{id}\"/><w:r><w:commentReference w:id=\"{id}\"/></w:r>"
            ),
        );
        let new = if on_needle {
            format!(
                "<w:p>{}{start}{}{end}{}</w:p>",
                run(before),
                run(needle),
                run(after)
            )
        } else {
            format!(
                "<w:p>{start}{}{end}{}{}</w:p>",
                run(before),
                run(needle),
                run(after)
            )
        };
        xml.replace_range(p_start..p_end, &new);
    }
    let mut c =
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<w:comments xmlns:w=\"{W_NS}\">");
    for (id, t) in comments {
        c.push_str(&format!(
            "<w:comment w:id=\"{id}\" w:author=\"编辑\"><w:p><w:r><w:annotationRef/></w:r><w:r><w:t>{t}</w:t></w:r></w:p></w:comment>"
        ));
    }
    c.push_str("</w:comments>");
    let rels = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
        <Relationship Id=\"rId9\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments\" Target=\"notes/批注.xml\"/></Relationships>";
    if with_rels {
        convert::docx_with_parts(&[
            ("word/document.xml", xml.as_bytes()),
            ("word/_rels/document.xml.rels", rels.as_bytes()),
            ("word/notes/批注.xml", c.as_bytes()),
        ])
    } else {
        convert::docx_with_parts(&[
            ("word/document.xml", xml.as_bytes()),
            ("word/comments.xml", c.as_bytes()),
        ])
    }
}

#[test]
fn word_comments_suppress_the_text_they_mark() {
    let text = defective();
    // On the figure: X101 goes. Another comment, not for nianbao, changes nothing.
    let doc = docx_with_comments(
        &text,
        &[("25件", true, 0), ("审查审查", true, 1)],
        &[
            (0, "nianbao-disable X101 已与业务科室核对"),
            (1, "请再核对"),
        ],
        false,
    );
    let o = lint("r.docx", &doc);
    assert_eq!(rules(&o.diagnostics), ["E105"], "{:#?}", o.diagnostics);
    // The same through the relationships part, with a blanket comment.
    let doc = docx_with_comments(
        &text,
        &[("审查审查", true, 3)],
        &[(3, "nianbao-disable")],
        true,
    );
    let o = lint("r.docx", &doc);
    assert_eq!(rules(&o.diagnostics), ["X101"], "{:#?}", o.diagnostics);
}

#[test]
fn a_word_comment_on_other_text_is_reported() {
    let text = defective();
    // The comment marks the text before the figure, not the figure: X101 stays,
    // and the comment is reported where it is (its paragraph).
    let doc = docx_with_comments(
        &text,
        &[("25件", false, 0), ("主动公开情况", true, 1)],
        &[
            (0, "nianbao-disable X101"),
            (1, "nianbao-disable-next-line E105"),
        ],
        false,
    );
    let o = lint("r.docx", &doc);
    assert_eq!(
        rules(&o.diagnostics),
        ["E107", "E107", "X101", "E105"],
        "{:#?}",
        o.diagnostics
    );
    let wrong_place = &o.diagnostics[1];
    assert!(
        wrong_place.message.contains("这里没有 X101 的问题可豁免"),
        "{}",
        wrong_place.message
    );
    assert_eq!(
        o.document.source.location(&wrong_place.primary),
        o.document.source.location(&o.diagnostics[2].primary),
        "reported in the paragraph of the figure"
    );
    let next_line = &o.diagnostics[0];
    assert!(
        next_line.message.contains("Word 批注只用 nianbao-disable"),
        "{}",
        next_line.message
    );
    assert_eq!(&o.document.text[next_line.primary.clone()], "主动公开情况");
}

fn nianbao(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("runs")
}

#[test]
fn per_file_ignores_for_plain_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(
        d.join("nianbao.toml"),
        "[per-file-ignores]\n\"2023/*.txt\" = [\"X101\"]\n",
    )
    .expect("write");
    std::fs::create_dir(d.join("2023")).expect("mkdir");
    std::fs::write(d.join("2023/a.txt"), defective()).expect("write");
    std::fs::write(d.join("b.txt"), defective()).expect("write");
    let o = nianbao(d, &["check", "--format", "json", "."]);
    let out: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {o:?}"));
    let mut found: Vec<(String, String)> = out
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
    found.sort();
    assert_eq!(
        found,
        [
            ("./2023/a.txt".to_string(), "E105".to_string()),
            ("./b.txt".into(), "E105".into()),
            ("./b.txt".into(), "X101".into()),
        ],
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    // `nianbao config` shows the setting and what it ignores for the file.
    let o = nianbao(d, &["config", "2023/a.txt"]);
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(s.contains("per-file-ignores.\"2023/*.txt\""), "{s}");
    assert!(s.contains("忽略：X101"), "{s}");
}

#[test]
fn e107_is_explained_and_can_be_disabled() {
    let o = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(["explain", "E107"])
        .output()
        .expect("runs");
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success() && s.contains("nianbao-disable-next-line"),
        "{s}"
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(d.join("nianbao.toml"), "disable = [\"E107\"]\n").expect("write");
    let t = insert_before(
        &defective(),
        "一、总体情况",
        "<!-- nianbao-disable-next-line X101 -->",
    );
    std::fs::write(d.join("r.md"), t).expect("write");
    let o = nianbao(d, &["check", "--format", "json", "r.md"]);
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(!s.contains("E107") && s.contains("X101"), "{s}");
}

#[test]
fn comments_beyond_the_cap_are_one_finding() {
    let max = nianbao::suppress::MAX_COMMENTS;
    let many = "<!-- nianbao-disable-next-line X101 -->\n".repeat(max + 5);
    let t = insert_before(&defective(), "一、总体情况", many.trim_end());
    let o = lint("r.md", t.as_bytes());
    let e107: Vec<&Diagnostic> = o.diagnostics.iter().filter(|d| d.rule == "E107").collect();
    assert_eq!(e107.len(), max);
    let over: Vec<&&Diagnostic> = e107
        .iter()
        .filter(|d| d.message.contains(&format!("超过 {max} 条")))
        .collect();
    assert_eq!(over.len(), 1);
    // Many ids in one comment: the first ones count, the comment says so.
    let ids: Vec<String> = (0..100).map(|i| format!("Z{i}")).collect();
    let t = insert_before(
        &defective(),
        "2024年共收到",
        &format!("<!-- nianbao-disable-next-line {} X101 -->", ids.join(" ")),
    );
    let o = lint("r.md", t.as_bytes());
    assert!(
        rules(&o.diagnostics).contains(&"X101"),
        "X101 is the 101st id"
    );
    assert!(
        o.diagnostics
            .iter()
            .any(|d| d.message.contains("最多写 32 个规则编号"))
    );
}

/// A Word comment written by another program (python-docx, when importable): the
/// comments part, its relationship and the anchors as a third party writes them.
#[test]
fn word_comments_written_by_python_docx() {
    let importable = Command::new("python3")
        .args(["-c", "import docx"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !importable {
        eprintln!("python-docx is not importable: skipping (pip install python-docx)");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = (dir.path().join("a.docx"), dir.path().join("b.docx"));
    std::fs::write(&a, convert::to_docx(&defective())).expect("write");
    let script = r#"
import sys, docx
d = docx.Document(sys.argv[1])
if not hasattr(d, "add_comment"):
    print("comments unsupported")
    sys.exit(0)
def para(needle):
    return next(p for p in d.paragraphs if needle in p.text)
d.add_comment(para("申请25件").runs[-1], text="nianbao-disable X101 已核对", author="编辑")
d.add_comment(para("主动公开情况").runs[-1], text="nianbao-disable E105", author="编辑")
d.save(sys.argv[2])
print("ok")
"#;
    let o = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&a)
        .arg(&b)
        .output()
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    if stdout.contains("comments unsupported") {
        eprintln!("this python-docx has no comments API: skipping");
        return;
    }
    let o = lint("b.docx", &std::fs::read(&b).expect("read"));
    assert_eq!(
        rules(&o.diagnostics),
        ["E107", "E105"],
        "{:#?}",
        o.diagnostics
    );
    assert!(
        o.diagnostics[0]
            .message
            .contains("这里没有 E105 的问题可豁免")
    );
}
