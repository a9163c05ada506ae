//! `nianbao annotate`: every finding becomes one Word comment on the right text, the
//! rest of the document is unchanged, annotating twice gives the same file, and the
//! result reads back — with nianbao, with python-docx (when importable) and with
//! LibreOffice (when installed: converted to PDF headless). Absent tools are skipped
//! with a note on standard error.

use crate::common;
use crate::common::convert;
use crate::common::numbered;

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::process::Command;

use nianbao::Outcome;
use nianbao::annotate::{self, AUTHOR};
use quick_xml::events::Event;

const BIN: &str = env!("CARGO_BIN_EXE_nianbao");

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(common::root().join("tests/fixtures/formats").join(name)).expect("fixture")
}

fn lint(bytes: &[u8]) -> Outcome {
    common::national()
        .lint_bytes("draft.docx", bytes)
        .expect("lints")
}

fn part(docx: &[u8], name: &str) -> Option<String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(docx)).expect("zip");
    let mut f = zip.by_name(name).ok()?;
    let mut s = String::new();
    f.read_to_string(&mut s).expect("UTF-8 part");
    Some(s)
}

/// The comments of a document: id → (author, text with paragraphs joined by `\n`).
fn comments(docx: &[u8]) -> BTreeMap<u64, (String, String)> {
    let Some(xml) = part(docx, "word/comments.xml") else {
        return BTreeMap::new();
    };
    let mut out = BTreeMap::new();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut current: Option<(String, String, String)> = None;
    let mut in_t = false;
    loop {
        match reader.read_event().expect("comments.xml parses") {
            Event::Start(e) if e.name().as_ref() == b"w:comment" => {
                let attr = |k: &[u8]| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == k)
                        .map(|a| {
                            let raw = String::from_utf8_lossy(&a.value).into_owned();
                            quick_xml::escape::unescape(&raw)
                                .expect("attr")
                                .into_owned()
                        })
                        .unwrap_or_default()
                };
                current = Some((attr(b"w:id"), attr(b"w:author"), String::new()));
            }
            Event::Start(e) if e.name().as_ref() == b"w:t" => in_t = true,
            Event::End(e) if e.name().as_ref() == b"w:t" => in_t = false,
            Event::End(e) if e.name().as_ref() == b"w:p" => {
                if let Some(c) = current.as_mut() {
                    c.2.push('\n');
                }
            }
            Event::Text(t) if in_t => {
                if let Some(c) = current.as_mut() {
                    c.2.push_str(&t.xml10_content().expect("text"));
                }
            }
            Event::GeneralRef(r) if in_t => {
                if let Some(c) = current.as_mut() {
                    let name = r.decode().expect("ref");
                    c.2.push_str(quick_xml::escape::resolve_xml_entity(&name).unwrap_or("?"));
                }
            }
            Event::End(e) if e.name().as_ref() == b"w:comment" => {
                if let Some((id, author, text)) = current.take() {
                    let id: u64 = id.parse().expect("numeric comment id");
                    out.insert(id, (author, text.trim_end().to_string()));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// The text each comment is anchored on (between its range start and end).
fn anchored(docx: &[u8]) -> BTreeMap<u64, String> {
    let xml = part(docx, "word/document.xml").expect("document.xml");
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut open: Vec<u64> = Vec::new();
    let mut out: BTreeMap<u64, String> = BTreeMap::new();
    let mut in_t = false;
    let id_of = |e: &quick_xml::events::BytesStart<'_>| {
        e.attributes()
            .flatten()
            .find(|a| a.key.as_ref() == b"w:id")
            .and_then(|a| String::from_utf8_lossy(&a.value).parse::<u64>().ok())
            .expect("numeric id")
    };
    loop {
        match reader.read_event().expect("document.xml parses") {
            Event::Empty(e) if e.name().as_ref() == b"w:commentRangeStart" => {
                let id = id_of(&e);
                out.entry(id).or_default();
                open.push(id);
            }
            Event::Empty(e) if e.name().as_ref() == b"w:commentRangeEnd" => {
                let id = id_of(&e);
                open.retain(|o| *o != id);
            }
            Event::Start(e) if e.name().as_ref() == b"w:t" => in_t = true,
            Event::End(e) if e.name().as_ref() == b"w:t" => in_t = false,
            Event::End(e) if e.name().as_ref() == b"w:p" => {
                for id in &open {
                    out.entry(*id).or_default().push('\n');
                }
            }
            Event::Text(t) if in_t => {
                let s = t.xml10_content().expect("text");
                for id in &open {
                    out.entry(*id).or_default().push_str(&s);
                }
            }
            Event::GeneralRef(r) if in_t => {
                let s = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => {
                        let name = r.decode().expect("ref");
                        quick_xml::escape::resolve_xml_entity(&name)
                            .unwrap_or("?")
                            .to_string()
                    }
                };
                for id in &open {
                    out.entry(*id).or_default().push_str(&s);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out.into_iter()
        .map(|(k, v)| (k, v.trim_end_matches('\n').to_string()))
        .collect()
}

fn check_annotation(name: &str, original: &[u8]) -> Vec<u8> {
    let outcome = lint(original);
    let out = annotate::annotate(original, &outcome.document, &outcome.diagnostics)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(out.comments, outcome.diagnostics.len(), "{name}");

    // Read back by nianbao: the same text, the same findings.
    let again = lint(&out.bytes);
    assert_eq!(again.document.text, outcome.document.text, "{name}");
    assert_eq!(again.diagnostics, outcome.diagnostics, "{name}");

    // One comment per finding, by nianbao, saying what the finding says.
    let mut cs = comments(&out.bytes);
    cs.retain(|_, (author, _)| author == AUTHOR);
    assert_eq!(cs.len(), outcome.diagnostics.len(), "{name}");
    let anchors = anchored(&out.bytes);
    let places = annotate::places(&outcome.document);
    let mut exact = 0;
    let mut missed = Vec::new();
    for (d, (id, (author, text))) in outcome.diagnostics.iter().zip(&cs) {
        assert_eq!(author, AUTHOR);
        assert!(
            text.starts_with(&format!(
                "[{} {}] {}",
                d.rule,
                d.severity.chinese(),
                d.message
            )),
            "{name}: {text}"
        );
        for n in &d.notes {
            assert!(text.contains(n.as_str()), "{name}: note {n} in {text}");
        }
        if let Some(h) = &d.help {
            assert!(text.contains(h.as_str()), "{name}: help in {text}");
        }
        // On the right text: the finding's own characters, or its whole paragraph or
        // cell when the span is a place rather than text (a blank cell).
        let a = annotate::anchor(&outcome.document, &d.primary);
        let on = anchors
            .get(id)
            .unwrap_or_else(|| panic!("{name}: comment {id} not anchored"));
        // A numbering label (`五、`) is in no run: the comment covers the rest.
        let label_then = |on: &str| {
            a.needle.strip_suffix(on).is_some_and(|label| {
                !on.is_empty()
                    && label.chars().count() <= 4
                    && label.ends_with(['、', '）', '.', ' '])
            })
        };
        if !a.needle.is_empty() && (on == &a.needle || label_then(on)) {
            exact += 1;
            let span = &outcome.document.text[d.primary.clone()];
            assert!(
                span.contains(on.as_str()),
                "{name}: {} on {on:?}, span {span:?}",
                d.rule
            );
        } else {
            if !a.needle.is_empty() {
                missed.push(format!("{} {:?} on {on:?}", d.rule, a.needle));
            }
            let place = a
                .place
                .and_then(|p| places.get(&p))
                .cloned()
                .unwrap_or_default();
            let norm = |s: &str| s.split_whitespace().collect::<String>();
            assert!(
                a.place.is_none() || norm(on).contains(&norm(&place)),
                "{name}: {} anchored on {on:?}, expected {:?} or its place {place:?}",
                d.rule,
                a.needle
            );
        }
    }
    eprintln!(
        "{name}: {} comments, {exact} on the exact text, {} on a whole paragraph or cell",
        cs.len(),
        cs.len() - exact
    );
    // A finding with text under it is commented on exactly that text.
    assert!(missed.is_empty(), "{name}: not on their text: {missed:#?}");

    // Every other part unchanged, byte for byte.
    let mut a = zip::ZipArchive::new(Cursor::new(original)).expect("zip");
    let mut b = zip::ZipArchive::new(Cursor::new(&out.bytes[..])).expect("zip");
    let changed = [
        "word/document.xml",
        "word/comments.xml",
        "word/_rels/document.xml.rels",
        "[Content_Types].xml",
    ];
    for i in 0..a.len() {
        let mut fa = a.by_index(i).expect("entry");
        let entry_name = fa.name().to_string();
        if changed.contains(&entry_name.as_str()) {
            continue;
        }
        let mut x = Vec::new();
        fa.read_to_end(&mut x).expect("read");
        let mut y = Vec::new();
        b.by_name(&entry_name)
            .expect("kept")
            .read_to_end(&mut y)
            .expect("read");
        assert_eq!(x, y, "{name}: {entry_name} unchanged");
    }
    out.bytes
}

#[test]
fn every_finding_becomes_one_comment_on_its_text() {
    let annotated = check_annotation(
        "report-with-defects.docx",
        &fixture("report-with-defects.docx"),
    );
    assert!(comments(&annotated).len() >= 5);
    // The T201 total cell: the comment is on the number itself.
    let outcome = lint(&fixture("report-with-defects.docx"));
    let t201 = outcome
        .diagnostics
        .iter()
        .position(|d| d.rule == "T201")
        .expect("T201 in the example");
    let (id, _) = comments(&annotated).into_iter().nth(t201).expect("comment");
    assert_eq!(anchored(&annotated)[&id], "23");
    // A clean report gets no comment (and no comments part).
    let clean = check_annotation("report-2024.docx", &fixture("report-2024.docx"));
    assert!(part(&clean, "word/comments.xml").is_none());
}

#[test]
fn automatically_numbered_headings_are_annotated_on_their_text() {
    let text = common::read("examples/report-with-defects.txt");
    for scheme in [
        numbered::Scheme::Direct,
        numbered::Scheme::Styled,
        numbered::Scheme::DecimalParts,
    ] {
        let docx = numbered::numbered_docx(&text, scheme);
        let annotated = check_annotation(&format!("numbered {scheme:?}"), &docx);
        // The S104 heading typo: Word shows 五、 before it; the comment is on the title.
        let outcome = lint(&docx);
        let s104 = outcome
            .diagnostics
            .iter()
            .position(|d| d.rule == "S104")
            .expect("S104 in the example");
        let (id, _) = comments(&annotated).into_iter().nth(s104).expect("comment");
        assert_eq!(anchored(&annotated)[&id], "存在的主要问题及改进情");
    }
}

#[test]
fn real_reports_converted_to_word_are_annotated() {
    let files = common::shared_files("seeds", ".txt");
    for path in files.iter().take(12) {
        let text = std::fs::read_to_string(path).expect("seed");
        let docx = convert::to_docx(&text);
        if common::national().lint_bytes("s.docx", &docx).is_err() {
            continue;
        }
        check_annotation(&path.display().to_string(), &docx);
    }
}

#[test]
fn annotating_twice_gives_the_same_file() {
    let original = fixture("report-with-defects.docx");
    let outcome = lint(&original);
    let first =
        annotate::annotate(&original, &outcome.document, &outcome.diagnostics).expect("annotates");
    let second =
        annotate::annotate(&original, &outcome.document, &outcome.diagnostics).expect("annotates");
    assert_eq!(first.bytes, second.bytes, "deterministic");
    // Annotating the annotated file replaces nianbao's comments: same file again.
    let again = lint(&first.bytes);
    let third =
        annotate::annotate(&first.bytes, &again.document, &again.diagnostics).expect("annotates");
    assert_eq!(third.replaced, first.comments);
    assert_eq!(
        comments(&third.bytes).len(),
        first.comments,
        "not duplicated"
    );
    assert!(
        third.bytes == first.bytes,
        "annotating an annotated file gives the same bytes"
    );
}

/// A Word document with a comment by someone else.
fn with_colleague_comment() -> Vec<u8> {
    let text = common::read("examples/report-with-defects.txt");
    let xml = convert::document_xml(&text).replacen(
        "<w:body>",
        "<w:body><w:p><w:commentRangeStart w:id=\"7\"/><w:r><w:t>请处长审阅</w:t></w:r><w:commentRangeEnd w:id=\"7\"/><w:r><w:commentReference w:id=\"7\"/></w:r></w:p>",
        1,
    );
    assert!(xml.contains("请处长审阅"));
    let comments = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:comments xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:comment w:id=\"7\" w:author=\"张三\" w:initials=\"ZS\"><w:p><w:r><w:t>第二段再核一下</w:t></w:r></w:p></w:comment></w:comments>";
    let rels = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments\" Target=\"comments.xml\"/></Relationships>";
    let types = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/><Override PartName=\"/word/comments.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml\"/></Types>";
    let root_rels = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";
    convert::zip_parts(&[
        ("[Content_Types].xml", types.as_bytes()),
        ("_rels/.rels", root_rels.as_bytes()),
        ("word/document.xml", xml.as_bytes()),
        ("word/_rels/document.xml.rels", rels.as_bytes()),
        ("word/comments.xml", comments.as_bytes()),
    ])
}

#[test]
fn colleagues_comments_are_kept() {
    let original = with_colleague_comment();
    let outcome = lint(&original);
    let first =
        annotate::annotate(&original, &outcome.document, &outcome.diagnostics).expect("annotates");
    let cs = comments(&first.bytes);
    assert_eq!(cs.get(&7).map(|c| c.0.as_str()), Some("张三"));
    assert_eq!(cs.len(), outcome.diagnostics.len() + 1);
    assert_eq!(anchored(&first.bytes)[&7], "请处长审阅");
    let again = lint(&first.bytes);
    let second =
        annotate::annotate(&first.bytes, &again.document, &again.diagnostics).expect("annotates");
    assert_eq!(comments(&second.bytes), cs);
    assert!(second.bytes == first.bytes);
    check_annotation("with-colleague.docx", &original);
}

#[test]
fn other_formats_cannot_be_annotated() {
    let text = common::read("examples/report-with-defects.txt");
    let outcome = common::national()
        .lint_text("r.txt", text.clone())
        .expect("lints");
    let err = annotate::annotate(text.as_bytes(), &outcome.document, &outcome.diagnostics)
        .expect_err("not Word");
    assert!(err.message().contains("Word"), "{err}");
}

#[test]
fn the_command_writes_a_copy_and_never_overwrites_the_original() {
    let dir = tempfile::tempdir().expect("tempdir");
    let draft = dir.path().join("草稿.docx");
    let original = fixture("report-with-defects.docx");
    std::fs::write(&draft, &original).expect("write");
    let run = |args: &[&str]| {
        Command::new(BIN)
            .current_dir(dir.path())
            .args(args)
            .output()
            .expect("runs")
    };
    let o = run(&["annotate", "草稿.docx"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{stdout}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        stdout.contains("草稿.nianbao.docx") && stdout.contains("条批注"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read(&draft).expect("read"),
        original,
        "original untouched"
    );
    let out = dir.path().join("草稿.nianbao.docx");
    let first = std::fs::read(&out).expect("written");
    // Again: the same file.
    run(&["annotate", "草稿.docx"]);
    assert_eq!(std::fs::read(&out).expect("read"), first);
    // The output as input would be written over itself: refused.
    let o = run(&["annotate", "草稿.nianbao.docx"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("不会覆盖"));
    assert_eq!(std::fs::read(&out).expect("read"), first);
    // With -o: nianbao's comments replaced, not duplicated.
    let o = run(&["annotate", "草稿.nianbao.docx", "-o", "再次.docx"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("替换了上次的"));
    assert_eq!(
        std::fs::read(dir.path().join("再次.docx")).expect("read"),
        first
    );
    // Not a Word document: a clear error.
    std::fs::write(
        dir.path().join("r.txt"),
        common::read("examples/report-with-defects.txt"),
    )
    .expect("write");
    let o = run(&["annotate", "r.txt"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("只能给 Word 文档"));
    let o = run(&["annotate", "missing.docx"]);
    assert_eq!(o.status.code(), Some(2));
}

fn python_docx() -> bool {
    Command::new("python3")
        .args(["-c", "import docx"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn python_docx_reads_the_comments() {
    if !python_docx() {
        eprintln!("python-docx is not importable: skipping (pip install python-docx)");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let original = fixture("report-with-defects.docx");
    let outcome = lint(&original);
    let out =
        annotate::annotate(&original, &outcome.document, &outcome.diagnostics).expect("annotates");
    let path = dir.path().join("a.docx");
    std::fs::write(&path, &out.bytes).expect("write");
    let script = r#"
import sys, docx
d = docx.Document(sys.argv[1])
paras = len(d.paragraphs) + sum(len(c.paragraphs) for t in d.tables for r in t.rows for c in r.cells)
cs = list(d.comments) if hasattr(d, "comments") else None
if cs is None:
    print("paragraphs", paras, "comments unsupported")
else:
    print("paragraphs", paras, "comments", sum(1 for c in cs if c.author == "nianbao"))
    for c in cs:
        print("comment", c.author, c.text.splitlines()[0] if c.text else "")
"#;
    let o = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    if stdout.contains("comments unsupported") {
        eprintln!("this python-docx has no comments API: the document opened ({stdout})");
        return;
    }
    assert!(
        stdout.contains(&format!("comments {}", outcome.diagnostics.len())),
        "{stdout}"
    );
    let t201 = outcome
        .diagnostics
        .iter()
        .find(|d| d.rule == "T201")
        .expect("T201");
    assert!(
        stdout.contains(&format!("comment nianbao [T201 错误] {}", t201.message)),
        "{stdout}"
    );
}

fn soffice() -> Option<&'static str> {
    ["soffice", "libreoffice"].into_iter().find(|b| {
        Command::new(b)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

#[test]
fn libreoffice_converts_the_annotated_document() {
    let Some(bin) = soffice() else {
        eprintln!(
            "LibreOffice is not installed: skipping (apt-get install libreoffice-writer-nogui)"
        );
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let original = fixture("report-with-defects.docx");
    let outcome = lint(&original);
    let out =
        annotate::annotate(&original, &outcome.document, &outcome.diagnostics).expect("annotates");
    let path = dir.path().join("annotated.docx");
    std::fs::write(&path, &out.bytes).expect("write");
    let o = Command::new(bin)
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&path)
        .env("HOME", dir.path())
        .output()
        .expect("soffice runs");
    let pdf = dir.path().join("annotated.pdf");
    assert!(
        pdf.exists() && std::fs::metadata(&pdf).is_ok_and(|m| m.len() > 1000),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn the_xml_walk_finds_every_place_the_loader_names() {
    let mut docs: Vec<(String, Vec<u8>)> = vec![
        ("defects".into(), fixture("report-with-defects.docx")),
        ("clean".into(), fixture("report-2024.docx")),
        ("colleague".into(), with_colleague_comment()),
        (
            "numbered".into(),
            numbered::numbered_docx(
                &common::read("examples/report-2024.txt"),
                numbered::Scheme::Styled,
            ),
        ),
    ];
    for path in common::shared_files("seeds", ".txt").iter().take(12) {
        let text = std::fs::read_to_string(path).expect("seed");
        docs.push((path.display().to_string(), convert::to_docx(&text)));
    }
    for (name, bytes) in docs {
        let loaded =
            nianbao::load::from_bytes("x.docx", &bytes, None, &nianbao::LoadOptions::default())
                .expect("loads");
        let mut doc =
            nianbao::Document::parse("x.docx", loaded.text, &common::national().pack().templates);
        doc.source = loaded.source;
        let want = annotate::places(&doc);
        let got = annotate::word_places(&bytes).expect("indexes");
        let norm = |s: &str| -> String {
            s.lines()
                .filter(|l| !l.trim().is_empty())
                .collect::<Vec<_>>()
                .join("\n")
        };
        for (key, text) in &want {
            let found = got.get(key).map(|t| norm(t));
            assert_eq!(
                found.as_deref().map(|t| t.replace('|', "｜")),
                Some(norm(text)),
                "{name}: {key:?}"
            );
        }
    }
}

/// The example report as Word writes documents after editing: each paragraph's text
/// in runs of one or two characters with alternating formatting, spell-check and
/// bookmark markers between them, runs without `xml:space`, hyperlinks.
fn word_like(text: &str) -> Vec<u8> {
    let xml = convert::document_xml(text);
    let run = regex::Regex::new(
        r#"<w:r><w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr><w:t xml:space="preserve">([^<]*)</w:t></w:r>"#,
    )
    .expect("regex");
    let unit = regex::Regex::new("&[^;]+;|.").expect("regex");
    let mut n = 0;
    let out = run.replace_all(&xml, |c: &regex::Captures<'_>| {
        let units: Vec<&str> = unit.find_iter(&c[1]).map(|m| m.as_str()).collect();
        let mut s = String::new();
        for (i, piece) in units.chunks(2).enumerate() {
            n += 1;
            let rpr = if i % 2 == 0 { "<w:rPr><w:b/></w:rPr>" } else { "" };
            let t = piece.concat();
            let r = if i % 3 == 0 && !t.starts_with(' ') && !t.ends_with(' ') {
                format!("<w:r w:rsidR=\"00A1{n:04}\">{rpr}<w:t>{t}</w:t></w:r>")
            } else {
                format!("<w:r>{rpr}<w:t xml:space=\"preserve\">{t}</w:t></w:r>")
            };
            match i % 4 {
                1 => s.push_str(&format!(
                    "<w:proofErr w:type=\"spellStart\"/>{r}<w:proofErr w:type=\"spellEnd\"/>"
                )),
                2 => s.push_str(&format!(
                    "<w:bookmarkStart w:id=\"{n}\" w:name=\"_Toc{n}\"/>{r}<w:bookmarkEnd w:id=\"{n}\"/>"
                )),
                3 => s.push_str(&format!(
                    "<w:hyperlink w:anchor=\"_Toc{n}\" w:history=\"1\">{r}</w:hyperlink>"
                )),
                _ => s.push_str(&r),
            }
        }
        s
    });
    convert::docx_with_parts(&[("word/document.xml", out.as_bytes())])
}

#[test]
fn documents_edited_in_word_are_annotated_on_the_exact_text() {
    let original = word_like(&common::read("examples/report-with-defects.txt"));
    assert_eq!(
        lint(&original).document.text,
        lint(&fixture("report-with-defects.docx")).document.text,
        "the same text, however it is split into runs"
    );
    let first = check_annotation("word-like.docx", &original);
    let again = lint(&first);
    let second =
        annotate::annotate(&first, &again.document, &again.diagnostics).expect("annotates");
    assert!(
        second.bytes == first,
        "annotating the annotated file gives the same bytes"
    );
    for path in common::shared_files("seeds", ".txt").iter().take(12) {
        let docx = word_like(&std::fs::read_to_string(path).expect("seed"));
        if common::national().lint_bytes("s.docx", &docx).is_ok() {
            check_annotation(&path.display().to_string(), &docx);
        }
    }
}

/// Damaged Word XML that the loader still reads: annotating never panics, and what it
/// writes reads back with the same text.
#[test]
fn damaged_documents_never_panic() {
    let xml = convert::document_xml(&common::read("examples/report-with-defects.txt"));
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n.max(1) as u64) as usize
    };
    let (mut tried, mut written) = (0, 0);
    for _ in 0..300 {
        let mut s = xml.clone();
        for _ in 0..1 + next(3) {
            let a = next(s.len());
            let b = (a + next(40)).min(s.len());
            let (a, b) = (
                nianbao::text::floor_char_boundary(&s, a),
                nianbao::text::floor_char_boundary(&s, b),
            );
            match next(3) {
                0 => s.replace_range(a..b, ""),
                1 => {
                    let piece = s[a..b].to_string();
                    s.insert_str(b, &piece);
                }
                _ => s.insert_str(a, "<w:r><w:t>"),
            }
        }
        let docx = convert::docx_with_parts(&[("word/document.xml", s.as_bytes())]);
        let Ok(outcome) = common::national().lint_bytes("d.docx", &docx) else {
            continue;
        };
        tried += 1;
        if let Ok(out) = annotate::annotate(&docx, &outcome.document, &outcome.diagnostics) {
            written += 1;
            let again = common::national()
                .lint_bytes("d.docx", &out.bytes)
                .expect("what annotate writes reads back");
            assert_eq!(again.document.text, outcome.document.text);
        }
    }
    eprintln!("damaged documents: {tried} read by the loader, {written} annotated");
    assert!(tried > 50);
}

/// What Word adds when it saves a document with comments: a `w14:paraId` on each
/// comment paragraph, and parts that refer to comments by it (threads and dates).
fn as_saved_by_word(docx: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(Cursor::new(docx)).expect("zip");
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("entry");
        let mut b = Vec::new();
        f.read_to_end(&mut b).expect("read");
        parts.push((f.name().to_string(), b));
    }
    let ids: Vec<u64> = comments(docx).keys().copied().collect();
    let mut ex = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<w15:commentsEx xmlns:w15=\"http://schemas.microsoft.com/office/word/2012/wordml\">",
    );
    let mut cid = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<w16cid:commentsIds xmlns:w16cid=\"http://schemas.microsoft.com/office/word/2016/wordml/cid\">",
    );
    for id in &ids {
        ex.push_str(&format!(
            "<w15:commentEx w15:paraId=\"0000{id:04X}\" w15:done=\"0\"/>"
        ));
        cid.push_str(&format!(
            "<w16cid:commentId w16cid:paraId=\"0000{id:04X}\" w16cid:durableId=\"1{id:07}\"/>"
        ));
    }
    ex.push_str("</w15:commentsEx>");
    cid.push_str("</w16cid:commentsIds>");
    for (name, bytes) in &mut parts {
        let text = String::from_utf8(bytes.clone()).unwrap_or_default();
        if name == "word/comments.xml" {
            let mut out = String::new();
            let mut rest = text.as_str();
            while let Some(at) = rest.find("<w:comment w:id=\"") {
                let id_start = at + "<w:comment w:id=\"".len();
                let id_end = rest[id_start..].find('"').expect("id") + id_start;
                let id: u64 = rest[id_start..id_end].parse().expect("id");
                let p = rest[at..].find("<w:p>").expect("paragraph") + at;
                out.push_str(&rest[..p]);
                out.push_str(&format!("<w:p w14:paraId=\"0000{id:04X}\">"));
                rest = &rest[p + "<w:p>".len()..];
            }
            out.push_str(rest);
            *bytes = out
                .replacen("<w:comments ", "<w:comments xmlns:w14=\"http://schemas.microsoft.com/office/word/2010/wordml\" ", 1)
                .into_bytes();
        } else if name == "word/_rels/document.xml.rels" {
            *bytes = text
                .replace(
                    "</Relationships>",
                    "<Relationship Id=\"rId90\" Type=\"http://schemas.microsoft.com/office/2011/relationships/commentsExtended\" Target=\"commentsExtended.xml\"/>\
                     <Relationship Id=\"rId91\" Type=\"http://schemas.microsoft.com/office/2016/09/relationships/commentsIds\" Target=\"commentsIds.xml\"/></Relationships>",
                )
                .into_bytes();
        }
    }
    parts.push(("word/commentsExtended.xml".into(), ex.into_bytes()));
    parts.push(("word/commentsIds.xml".into(), cid.into_bytes()));
    let refs: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    convert::zip_parts(&refs)
}

#[test]
fn word_companion_parts_of_replaced_comments_are_cleaned() {
    let original = with_colleague_comment();
    let outcome = lint(&original);
    let first =
        annotate::annotate(&original, &outcome.document, &outcome.diagnostics).expect("annotates");
    let saved = as_saved_by_word(&first.bytes);
    let ex = part(&saved, "word/commentsExtended.xml").expect("part");
    assert_eq!(
        ex.matches("<w15:commentEx ").count(),
        outcome.diagnostics.len() + 1
    );
    let again = lint(&saved);
    let second =
        annotate::annotate(&saved, &again.document, &again.diagnostics).expect("annotates");
    assert_eq!(second.replaced, outcome.diagnostics.len());
    let cs = comments(&second.bytes);
    assert_eq!(cs.len(), outcome.diagnostics.len() + 1);
    // Only the colleague's entries remain in Word's companion parts.
    let ex = part(&second.bytes, "word/commentsExtended.xml").expect("kept");
    assert_eq!(ex.matches("<w15:commentEx ").count(), 1, "{ex}");
    assert!(ex.contains("w15:paraId=\"00000007\""), "{ex}");
    let ids = part(&second.bytes, "word/commentsIds.xml").expect("kept");
    assert_eq!(ids.matches("<w16cid:commentId ").count(), 1, "{ids}");
    assert!(ids.contains("w16cid:durableId=\"10000007\""), "{ids}");
    assert_eq!(cs.get(&7).map(|c| c.0.as_str()), Some("张三"));
}
