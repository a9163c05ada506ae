//! Reading the documents people have: Word, web pages, Markdown, GBK and UTF-16 text.
//!
//! The same report in every format must give the same findings (same rule ids, same
//! counts) as its UTF-8 text, with positions mapped to each format: HTML source lines,
//! Word paragraphs and table cells. Checked on the example reports (the committed
//! fixtures of `tests/fixtures/formats/`, written by `examples/make_format_fixtures.rs`)
//! and on the real reports of `../shared`, converted at test time. Bad files must give
//! a clear error (exit code 2), never a panic.

use crate::common;
use crate::common::convert;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{national, root, shared_files};
use nianbao::report::json;
use nianbao::{Diagnostic, Input, LoadErrorKind, LoadOptions, Outcome};

fn lint_bytes(name: &str, bytes: &[u8]) -> Outcome {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write");
    lint_path(&path)
}

fn lint_path(path: &Path) -> Outcome {
    national()
        .lint_input(&Input::File(path.to_path_buf()))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn counts(d: &[Diagnostic]) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for x in d {
        *m.entry(x.rule.clone()).or_insert(0) += 1;
    }
    m
}

/// The text under a diagnostic's primary span.
fn primary_text<'a>(o: &'a Outcome, d: &Diagnostic) -> &'a str {
    o.document.text.get(d.primary.clone()).unwrap_or("")
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/formats").join(name)
}

const FORMATS: &[&str] = &["docx", "html", "md", "gbk.txt", "utf16.txt"];

#[test]
fn every_format_gives_the_same_findings_as_the_text() {
    for report in ["report-2024", "report-with-defects"] {
        let text = lint_path(&root().join(format!("examples/{report}.txt")));
        let expected = counts(&text.diagnostics);
        if report == "report-with-defects" {
            assert!(expected.len() >= 6, "the defects are found: {expected:?}");
        }
        for ext in FORMATS {
            let o = lint_path(&fixture(&format!("{report}.{ext}")));
            assert_eq!(counts(&o.diagnostics), expected, "{report}.{ext}");
        }
    }
}

#[test]
fn committed_fixtures_are_what_the_generator_writes() {
    for report in ["report-2024", "report-with-defects"] {
        let text = common::read(&format!("examples/{report}.txt"));
        let read = |ext: &str| std::fs::read(fixture(&format!("{report}.{ext}"))).expect("fixture");
        assert_eq!(
            read("html"),
            convert::to_html(&text).into_bytes(),
            "{report}.html"
        );
        assert_eq!(
            read("md"),
            convert::to_markdown(&text).into_bytes(),
            "{report}.md"
        );
        assert_eq!(read("gbk.txt"), convert::to_gbk(&text), "{report}.gbk.txt");
        // The .docx: the same extracted text (zip bytes may differ across zlib versions).
        let committed = lint_path(&fixture(&format!("{report}.docx")));
        let fresh = lint_bytes("r.docx", &convert::to_docx(&text));
        assert_eq!(
            committed.document.text, fresh.document.text,
            "{report}.docx"
        );
    }
}

#[test]
fn html_findings_point_at_the_page_source() {
    let path = fixture("report-with-defects.html");
    let html = std::fs::read_to_string(&path).expect("fixture");
    let lines: Vec<&str> = html.lines().collect();
    let o = lint_path(&path);
    let mut checked = 0;
    for d in &o.diagnostics {
        let want = primary_text(&o, d);
        let j = json::convert(&o.document, d);
        let line = lines[j.line - 1];
        let at: String = line.chars().skip(j.column - 1).collect();
        if want.is_empty() || want == "|" {
            // A blank cell points at its <td>.
            assert!(line.contains("<td"), "{}: {line}", d.rule);
            continue;
        }
        assert!(
            at.starts_with(want),
            "{} at {}:{}: {at:?} should start with {want:?}",
            d.rule,
            j.line,
            j.column
        );
        assert!(j.location.is_none());
        checked += 1;
    }
    assert!(checked >= 6, "{checked}");
    // The human output shows the HTML line with the caret on the cell.
    let mut buf = codespan_reporting::term::termcolor::Buffer::no_color();
    nianbao::report::human::render_document(&mut buf, &o.document, &o.diagnostics);
    let out = String::from_utf8_lossy(buf.as_slice()).into_owned();
    assert!(out.contains("<td width=\"10\"><p>23</p></td>"), "{out}");
    assert!(out.contains("report-with-defects.html:"), "{out}");
}

#[test]
fn docx_findings_name_the_paragraph_or_cell() {
    let o = lint_path(&fixture("report-with-defects.docx"));
    let text = lint_path(&root().join("examples/report-with-defects.txt"));
    for (d, t) in o.diagnostics.iter().zip(&text.diagnostics) {
        assert_eq!(d.rule, t.rule);
        assert_eq!(primary_text(&o, d), primary_text(&text, t), "{}", d.rule);
        let loc = o.document.source.location(&d.primary).unwrap_or_default();
        let ok = (loc.starts_with('第') && loc.ends_with('段'))
            || (loc.starts_with('第') && loc.contains("个表格") && loc.contains("行第"));
        assert!(ok, "{}: {loc:?}", d.rule);
    }
    // 表三 is the document's second table; 一、本年新收 is its fourth row (after three
    // header rows) and 总计 its eighth cell (the label spans three grid columns).
    let t201 = o
        .diagnostics
        .iter()
        .find(|d| d.rule == "T201")
        .expect("T201");
    let j = json::convert(&o.document, t201);
    assert_eq!(j.location.as_deref(), Some("第2个表格（表三）第4行第8列"));
    let blank = o
        .diagnostics
        .iter()
        .find(|d| d.rule == "T104")
        .expect("T104");
    assert_eq!(
        o.document.source.location(&blank.primary).as_deref(),
        Some("第1个表格 第3行第3列")
    );
    // Word's count of tables and the national name side by side: 表二 is the first.
    assert_eq!(
        nianbao::report::place::location(&o.document, &blank.primary).as_deref(),
        Some("第1个表格（表二）第3行第3列")
    );
    let mut buf = codespan_reporting::term::termcolor::Buffer::no_color();
    nianbao::report::human::render_document(&mut buf, &o.document, &o.diagnostics);
    let out = String::from_utf8_lossy(buf.as_slice()).into_owned();
    assert!(out.contains("= 位置：第2个表格（表三）第4行第8列"), "{out}");
    let json_text = serde_json::to_string(&j).expect("json");
    assert!(
        json_text.contains("\"location\":\"第2个表格（表三）第4行第8列\""),
        "{json_text}"
    );
}

#[test]
fn real_reports_converted_at_test_time_give_the_same_findings() {
    for path in shared_files("seeds", ".txt") {
        let text = std::fs::read_to_string(&path).expect("seed");
        let expected = counts(
            &national()
                .lint_text("seed.txt", text.clone())
                .expect("lints")
                .diagnostics,
        );
        let mut variants: Vec<(&str, Vec<u8>)> =
            vec![("seed.utf16.txt", convert::to_utf16le(&text))];
        // A report scraped one cell per line does not say which cells make a row: its
        // rows are regrouped the way nianbao reads them before it is written as a table.
        let pipe_rows = text.lines().any(|l| l.matches('|').count() >= 2);
        let tabular = if pipe_rows {
            text.clone()
        } else {
            let doc =
                nianbao::Document::parse("seed.txt", text.clone(), &national().pack().templates);
            let regrouped = convert::regroup_cells(&text, &doc);
            assert!(
                regrouped.lines().any(|l| l.matches('|').count() >= 7),
                "{}: rows regrouped",
                path.display()
            );
            regrouped
        };
        variants.push(("seed.docx", convert::to_docx(&tabular)));
        variants.push(("seed.html", convert::to_html(&tabular).into_bytes()));
        if let (gbk, _, false) = encoding_rs::GBK.encode(&text) {
            variants.push(("seed.gbk.txt", gbk.into_owned()));
        }
        for (name, bytes) in variants {
            let o = lint_bytes(name, &bytes);
            assert_eq!(
                counts(&o.diagnostics),
                expected,
                "{} as {name}",
                path.display()
            );
        }
    }
}

#[test]
fn gbk_and_utf16_are_detected_without_a_hint() {
    let text = common::read("examples/report-2024.txt");
    let o = lint_bytes("r.txt", &convert::to_gbk(&text));
    assert_eq!(o.document.source.encoding, "GBK");
    assert_eq!(o.document.text, text);
    let o = lint_bytes("r.txt", &convert::to_utf16le(&text));
    assert_eq!(o.document.source.encoding, "UTF-16LE");
    let without_bom: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let o = lint_bytes("r.txt", &without_bom);
    assert_eq!(o.document.source.encoding, "UTF-16BE");
    assert_eq!(o.document.text, text);
    // Forcing the wrong encoding is an error that names it.
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("gbk.txt");
    std::fs::write(&p, convert::to_gbk(&text)).expect("write");
    let opts = LoadOptions {
        encoding: Some(encoding_rs::UTF_8),
        ..LoadOptions::default()
    };
    let err = nianbao::load::load(&Input::File(p), &opts).expect_err("not UTF-8");
    assert!(matches!(err.kind, LoadErrorKind::NotUtf8 { .. }), "{err:?}");
}

fn docx_text(body: &str) -> String {
    let xml = format!(
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let bytes = convert::docx_with_parts(&[("word/document.xml", xml.as_bytes())]);
    nianbao::load::from_bytes("t.docx", &bytes, None, &LoadOptions::default())
        .expect("reads")
        .text
}

fn wp(s: &str) -> String {
    format!("<w:p><w:r><w:t>{s}</w:t></w:r></w:p>")
}

#[test]
fn docx_tracked_changes_text_boxes_and_nested_tables() {
    let body = format!(
        "<w:p><w:r><w:t>本年共收到申请</w:t></w:r><w:del><w:r><w:delText>9</w:delText></w:r></w:del>\
         <w:ins><w:r><w:t>12</w:t></w:r></w:ins><w:moveFrom><w:r><w:t>旧</w:t></w:r></w:moveFrom><w:r><w:t>件。</w:t></w:r>\
         <w:r><w:drawing><wps:txbx><w:txbxContent>{}</w:txbxContent></wps:txbx></w:drawing></w:r></w:p>\
         <w:tbl><w:tr><w:tc>{}<w:tbl><w:tr><w:tc>{}</w:tc><w:tc>{}</w:tc></w:tr></w:tbl></w:tc><w:tc>{}</w:tc></w:tr></w:tbl>{}",
        wp("文本框"),
        wp("外"),
        wp("内1"),
        wp("内2"),
        wp("3"),
        wp("六、其他需要报告的事项"),
    );
    // A table that holds a table is page layout: its cells are paragraphs.
    assert_eq!(
        docx_text(&body),
        "文本框\n本年共收到申请12件。\n外\n内1 | 内2 |\n3\n六、其他需要报告的事项\n"
    );
}

#[test]
fn docx_merged_cells_keep_values_in_their_columns() {
    let cell = |s: &str, props: &str| format!("<w:tc><w:tcPr>{props}</w:tcPr>{}</w:tc>", wp(s));
    let body = format!(
        "<w:tbl><w:tr>{}{}{}{}</w:tr><w:tr>{}{}{}{}</w:tr></w:tbl>",
        cell("（三）不予公开", "<w:vMerge w:val=\"restart\"/>"),
        cell("1.属于国家秘密", ""),
        cell("0", ""),
        cell("5", "<w:vMerge w:val=\"restart\"/>"),
        cell("", "<w:vMerge/>"),
        cell("2.其他法律行政法规禁止公开", ""),
        cell("1", ""),
        cell("", "<w:vMerge w:val=\"continue\"/>"),
    );
    // The label column is left out where merged; the merged value leaves a blank so
    // that the columns after it would keep their places.
    assert_eq!(
        docx_text(&body),
        "（三）不予公开 | 1.属于国家秘密 | 0 | 5 |\n2.其他法律行政法规禁止公开 | 1 | |\n"
    );
}

fn nianbao_cmd(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .output()
        .expect("runs")
}

fn bomb() -> Vec<u8> {
    // 80 MB of one repeated paragraph: deflates to well under 1 MB.
    let para = "<w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p>";
    let body = para.repeat(80 * 1024 * 1024 / para.len());
    let xml = format!("<w:document><w:body>{body}</w:body></w:document>");
    convert::docx_with_parts(&[("word/document.xml", xml.as_bytes())])
}

#[test]
fn bad_documents_are_clear_errors() {
    let good = convert::to_docx(&common::clean());
    let many: Vec<(String, Vec<u8>)> = (0..10_001)
        .map(|i| (format!("f{i}.xml"), Vec::new()))
        .collect();
    let many_refs: Vec<(&str, &[u8])> = many
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let mut cfb_encrypted = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    cfb_encrypted.resize(512, 0);
    cfb_encrypted.extend("EncryptedPackage".bytes().flat_map(|b| [b, 0]));
    let mut old_doc = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    old_doc.resize(1024, 0);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("truncated.docx", good[..good.len() / 2].to_vec(), "已损坏"),
        (
            "notes.docx",
            convert::zip_parts(&[("notes.txt", b"hello")]),
            "普通压缩包",
        ),
        (
            "book.docx",
            convert::zip_parts(&[
                ("[Content_Types].xml", b"<Types/>"),
                ("xl/workbook.xml", b"<w/>"),
            ]),
            "Excel",
        ),
        ("bomb.docx", bomb(), "超过 64 MB"),
        ("many.docx", convert::zip_parts(&many_refs), "压缩条目"),
        ("secret.docx", cfb_encrypted, "加密"),
        ("old.doc.txt", old_doc, "旧版 Word"),
        ("empty.docx", Vec::new(), "空文件"),
        ("renamed.docx", b"just text".to_vec(), "不是 zip"),
        (
            "blank.html",
            b"<html><body><script>x</script></body></html>".to_vec(),
            "没有文字",
        ),
        (
            "broken-xml.docx",
            convert::docx_with_parts(&[(
                "word/document.xml",
                b"<w:document><w:body><w:p a=\"1></w:body>",
            )]),
            "已损坏",
        ),
    ];
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, bytes, expected) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).expect("write");
        let o = nianbao_cmd(&["check", "--color", "never", &path.display().to_string()]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(expected), "{name}: {err}");
        assert!(err.contains("建议："), "{name}: a hint is given: {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
    }
}

#[test]
fn folders_take_every_format_and_glob_chooses() {
    let dir = tempfile::tempdir().expect("tempdir");
    for ext in FORMATS {
        let name = format!("report-with-defects.{ext}");
        std::fs::copy(fixture(&name), dir.path().join(&name)).expect("copy");
    }
    std::fs::write(dir.path().join("notes.pdf.bak"), b"ignored").expect("write");
    let d = dir.path().display().to_string();
    let paths = |o: &Output| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        let mut p: Vec<String> = v
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| {
                x["path"]
                    .as_str()
                    .and_then(|p| p.rsplit('/').next())
                    .map(str::to_string)
            })
            .collect();
        p.dedup();
        p
    };
    let o = nianbao_cmd(&["check", "--format", "json", &d]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(paths(&o).len(), FORMATS.len(), "{:?}", paths(&o));
    let o = nianbao_cmd(&[
        "check", "--format", "json", "--glob", "*.DOCX", "--glob", "*.html", &d,
    ]);
    assert_eq!(
        paths(&o),
        ["report-with-defects.docx", "report-with-defects.html"]
    );
}

#[test]
fn extract_shows_the_text_and_the_places() {
    let f = fixture("report-with-defects.docx").display().to_string();
    let o = nianbao_cmd(&["extract", "--text", &f]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("一、本年新收政府信息公开申请数量 | 20 | 3 | 0 | 0 | 1 | 0 | 23 |"),
        "{out}"
    );
    let o = nianbao_cmd(&["extract", &f]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("格式：Word 文档（.docx）"), "{out}");
    assert!(out.contains("第2个表格（表三）第4行"), "{out}");
    let h = fixture("report-with-defects.html").display().to_string();
    let o = nianbao_cmd(&["extract", "--text", "--from", "txt", &h]);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("<td width=\"10\">"),
        "--from wins over the extension"
    );
}

/// A web page of several megabytes (the report, then thousands of filler paragraphs
/// and tables, some on one very long line) is read in one pass: the same findings as
/// the small page. The time is linear (see the `large_web_page` benchmark for 50 MB);
/// a quadratic search would make this test take minutes.
#[test]
fn large_web_pages_are_read_in_linear_time() {
    let text = common::read("examples/report-with-defects.txt");
    let page = convert::to_html(&text);
    let filler_para = "<p>附：本栏目其他信息，共 12 条，详见网站。</p>\n";
    let filler_table = "<table><tr><td width=\"10\">序号</td><td>名称</td></tr><tr><td>1</td><td>通知&nbsp;公告</td></tr></table>";
    let mut big = page.replace("</div>\n</body>", "");
    big.push_str(&filler_para.repeat(50_000));
    big.push_str(&filler_table.repeat(25_000)); // one line of about 3 MB
    big.push_str("</div>\n</body>\n</html>\n");
    assert!(big.len() > 5_000_000);
    let small = lint_bytes("small.html", page.as_bytes());
    let large = lint_bytes("large.html", big.as_bytes());
    assert_eq!(counts(&large.diagnostics), counts(&small.diagnostics));
    // (S101, a missing section, points at the end of the page, which moved.)
    let j = |o: &Outcome| {
        o.diagnostics
            .iter()
            .filter(|d| d.rule != "S101")
            .map(|d| {
                let j = json::convert(&o.document, d);
                (j.rule, j.line, j.column)
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(j(&large), j(&small), "same places in the page");
}
