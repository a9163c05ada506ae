//! Word's automatic numbering and heading styles: a report whose `一、`…`六、`, `（一）`…
//! and table items `1.`… all come from `numbering.xml` reads exactly as the same report
//! with its numbers written (same text, same findings, every section found, `extract`
//! shows them); heading styles find a heading whose numeral is absent; broken or
//! hostile numbering and style parts never fail the load and leave the text as written.

use crate::common;
use crate::common::convert;
use crate::common::numbered;

use common::{national, read, replace};
use nianbao::Outcome;
use numbered::{Scheme, numbered_docx};

/// The example report with two sub-parts in 五 (numbered by the list's second
/// instance: they restart at （一） under 五).
fn with_parts_in_five(text: &str) -> String {
    replace(
        text,
        "\n2024年，我局政府信息公开工作取得一定成效",
        "\n（一）存在的主要问题\n2024年，我局政府信息公开工作取得一定成效",
    )
    .replacen(
        "2025年，我局将进一步",
        "\n（二）改进情况\n2025年，我局将进一步",
        1,
    )
}

fn lint(name: &str, bytes: &[u8]) -> Outcome {
    national()
        .lint_bytes(name, bytes)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn findings(o: &Outcome) -> Vec<(String, String)> {
    o.diagnostics
        .iter()
        .map(|d| (d.rule.clone(), d.message.clone()))
        .collect()
}

#[test]
fn automatic_numbering_reads_as_written_numbers() {
    let text = with_parts_in_five(&read("examples/report-2024.txt"));
    let written = lint("written.docx", &convert::to_docx(&text));
    for scheme in [Scheme::Direct, Scheme::Styled] {
        let bytes = numbered_docx(&text, scheme);
        let auto = lint("numbered.docx", &bytes);
        // The numbers are not in the paragraphs' text…
        let xml = part(&bytes, "word/document.xml");
        assert!(!xml.contains(">一、总体情况<") && !xml.contains("属于国家秘密<"));
        assert!(!xml.contains(">（一）主") && xml.contains(">主动"));
        // …and the text read is the same, labels included.
        assert_eq!(auto.document.text, written.document.text, "{scheme:?}");
        assert_eq!(findings(&auto), findings(&written), "{scheme:?}");
        assert!(auto.diagnostics.is_empty(), "{:?}", findings(&auto));
        assert_eq!(auto.document.outline.sections.len(), 6, "{scheme:?}");
        assert_eq!(auto.document.outline.parts.len(), 5, "{scheme:?}");
        // Sub-parts restart under 五; the items restart in each group.
        assert!(auto.document.text.contains("\n（一）存在的主要问题\n"));
        assert!(auto.document.text.contains("\n（二）改进情况\n"));
        assert!(
            auto.document
                .text
                .contains("| 1.本机关不掌握相关政府信息 |")
        );
        assert!(auto.document.text.contains("\n3.其他 |"));
        let extract =
            nianbao::report::extract::render(&auto.document, &national().pack().templates);
        for h in ["一、总体情况", "三、收到和处理", "六、其他需要报告"] {
            assert!(
                extract.contains(h),
                "{scheme:?}: extract shows {h}\n{extract}"
            );
        }
        for (a, w) in auto.document.tables.iter().zip(&written.document.tables) {
            assert_eq!(a.status, w.status);
        }
    }
}

#[test]
fn automatic_numbering_renumbers_what_a_written_report_misnumbers() {
    // The example with defects lacks （三） and 六: Word's numbering closes the gap
    // (（四） becomes （三）), the missing section is still missing, and every finding
    // on the tables and the narrative is the same.
    let text = read("examples/report-with-defects.txt");
    let written = lint("written.docx", &convert::to_docx(&text));
    let auto = lint("numbered.docx", &numbered_docx(&text, Scheme::Direct));
    assert!(
        auto.document
            .text
            .contains("\n（三）政府信息公开平台建设情况\n")
    );
    let not_parts = |o: &Outcome| -> Vec<(String, String)> {
        findings(o)
            .into_iter()
            .filter(|(r, _)| !r.starts_with("S2"))
            .collect()
    };
    assert_eq!(not_parts(&auto), not_parts(&written));
    assert!(auto.diagnostics.iter().any(|d| d.rule == "S101"));
    assert!(auto.diagnostics.iter().any(|d| d.rule == "S104"));
}

#[test]
fn sub_parts_in_arabic_numerals_are_recognised_and_reported() {
    let text = read("examples/report-2024.txt");
    let auto = lint("decimal.docx", &numbered_docx(&text, Scheme::DecimalParts));
    assert!(auto.document.text.contains("\n1.主动公开情况\n"));
    assert!(auto.document.text.contains("\n5.监督保障情况\n"));
    assert!(auto.document.text.contains("\n一、总体情况\n"));
    let parts: Vec<usize> = auto.document.outline.parts.iter().map(|p| p.part).collect();
    assert_eq!(parts, [0, 1, 2, 3, 4]);
    let rules: Vec<&str> = auto.diagnostics.iter().map(|d| d.rule.as_str()).collect();
    assert!(
        !rules.contains(&"S101") && !rules.contains(&"S201"),
        "{rules:?}"
    );
    // The numbering is reported as not the standard one, on the paragraph.
    let s203 = auto
        .diagnostics
        .iter()
        .find(|d| d.rule == "S203")
        .expect("S203 on 1.主动公开情况");
    assert_eq!(
        auto.document.source.location(&s203.primary).as_deref(),
        Some("第5段")
    );
}

/// `bytes` with a part replaced (or removed when `with` is `None`).
fn with_part(bytes: &[u8], name: &str, with: Option<&str>) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("entry");
        let mut content = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut content).expect("read");
        let entry = f.name().to_string();
        if entry == name {
            if let Some(w) = with {
                parts.push((entry, w.as_bytes().to_vec()));
            }
        } else {
            parts.push((entry, content));
        }
    }
    let refs: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(n, c)| (n.as_str(), c.as_slice()))
        .collect();
    convert::zip_parts(&refs)
}

fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut s = String::new();
    std::io::Read::read_to_string(&mut zip.by_name(name).expect("part"), &mut s).expect("read");
    s
}

#[test]
fn heading_styles_find_headings_without_numerals() {
    // The numbering part is gone: Word would show the titles alone. The heading
    // styles still make them headings, reported as unnumbered, never as missing.
    let text = read("examples/report-2024.txt");
    let bytes = with_part(
        &numbered_docx(&text, Scheme::Styled),
        "word/lists/num.xml",
        None,
    );
    let out = lint("styled.docx", &bytes);
    assert!(out.document.text.contains("\n总体情况\n"));
    let rules: Vec<&str> = out.diagnostics.iter().map(|d| d.rule.as_str()).collect();
    assert!(!rules.contains(&"S101"), "{rules:?}");
    assert_eq!(out.document.outline.sections.len(), 6);
    let s105: Vec<&nianbao::Diagnostic> = out
        .diagnostics
        .iter()
        .filter(|d| d.rule == "S105")
        .collect();
    assert_eq!(s105.len(), 6, "{rules:?}");
    assert!(s105[0].message.contains("没有编号"), "{}", s105[0].message);
    // The sub-parts in their heading style are the sub-parts, unnumbered too.
    assert_eq!(out.document.outline.parts.len(), 5, "{rules:?}");
    assert!(!rules.contains(&"S201"), "{rules:?}");
    let s203: Vec<&nianbao::Diagnostic> = out
        .diagnostics
        .iter()
        .filter(|d| d.rule == "S203")
        .collect();
    assert_eq!(s203.len(), 5, "{rules:?}");
    assert!(s203[0].message.contains("（一）"), "{}", s203[0].message);

    // Precision: a body paragraph is never a heading by its style alone, and the
    // same report without styles reports the headings missing (their numerals and
    // styles are both gone).
    let styled_body = replace(
        &text,
        "优化门户网站政府信息公开专栏",
        "主动公开政府信息情况。优化门户网站政府信息公开专栏",
    );
    let styled = numbered_docx(&styled_body, Scheme::Styled);
    let xml = part(&styled, "word/document.xml");
    let at = xml.find(">主动<").expect("the body paragraph");
    let p = xml[..at].rfind("<w:pPr>").expect("its properties");
    let xml = format!(
        "{}<w:pPr><w:pStyle w:val=\"Heading1\"/>{}",
        &xml[..p],
        &xml[p + 7..]
    );
    let styled = with_part(&styled, "word/document.xml", Some(&xml));
    let out = lint(
        "styled.docx",
        &with_part(&styled, "word/lists/num.xml", None),
    );
    let twos: Vec<_> = out
        .document
        .outline
        .sections
        .iter()
        .filter(|s| s.template == 1)
        .collect();
    assert_eq!(twos.len(), 1);
    // Nor a sub-part: the styled sentence that starts with a sub-part's words.
    assert_eq!(out.document.outline.parts.len(), 5);
    assert_eq!(
        &out.document.text[twos[0].heading.start - 1..twos[0].heading.end + 1],
        "\n主动公开政府信息情况\n"
    );
    let plain = with_part(
        &with_part(
            &numbered_docx(&text, Scheme::Direct),
            "word/numbering.xml",
            None,
        ),
        "word/styles.xml",
        None,
    );
    let out = lint("plain.docx", &plain);
    assert!(out.diagnostics.iter().any(|d| d.rule == "S101"));
}

#[test]
fn broken_or_hostile_numbering_falls_back_to_the_text() {
    let text = read("examples/report-2024.txt");
    let original = numbered_docx(&text, Scheme::Direct);
    let lists = part(&original, "word/numbering.xml");
    let hostile = [
        "".to_string(),
        "<w:numbering".to_string(),
        "not xml at all <<<>>> &amp; &bogus;".to_string(),
        lists.replace("</w:numbering>", ""),
        format!(
            "<!DOCTYPE w:numbering [<!ENTITY a \"一、\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>{}",
            lists.replace("%1、", "&b;")
        ),
        lists.replace("w:ilvl=\"1\"", "w:ilvl=\"4294967296\""),
        lists.replace("w:ilvl=\"0\"", "w:ilvl=\"-3\""),
        lists.replace("<w:start w:val=\"1\"/>", "<w:start w:val=\"4294967295\"/>"),
        lists.replace("%1、", &"%1".repeat(10_000)),
        lists.replace(
            "w:abstractNumId w:val=\"0\"",
            "w:abstractNumId w:val=\"99\"",
        ),
        "\u{FEFF}<w:numbering>\u{0}</w:numbering>".to_string(),
    ];
    let cyclic_styles = "<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
        <w:style w:type=\"paragraph\" w:styleId=\"Normal\" w:default=\"1\"><w:basedOn w:val=\"A\"/></w:style>\
        <w:style w:type=\"paragraph\" w:styleId=\"A\"><w:basedOn w:val=\"Normal\"/><w:pPr><w:outlineLvl w:val=\"999999999999\"/></w:pPr></w:style>\
        </w:styles>";
    for (i, numbering) in hostile.iter().enumerate() {
        let bytes = with_part(&original, "word/numbering.xml", Some(numbering));
        let bytes = with_part(&bytes, "word/styles.xml", Some(cyclic_styles));
        let out = lint("hostile.docx", &bytes);
        // The paragraphs' own text is there; whatever labels were read are short.
        assert!(out.document.text.contains("总体情况"), "{i}");
        assert!(out.document.text.len() < text.len() * 2, "{i}");
        // And the annotator walks it the same way.
        let annotated = nianbao::annotate::annotate(&bytes, &out.document, &out.diagnostics)
            .expect("annotates");
        assert_eq!(annotated.comments, out.diagnostics.len(), "{i}");
    }
}
