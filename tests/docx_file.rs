//! A Word document given as a file is read from the file (`load::load` hands the
//! open file to `docx::load_from`), not from a copy of its bytes. Reading it must
//! give exactly what reading its bytes gives (`load::from_bytes`, as for standard
//! input and uploads): the same text, map, headings and comments, or the same
//! refusal with the same message — for good documents and for every bad one.

use std::path::Path;

use nianbao::load::{self, Format, Input, LoadOptions};

use crate::common::{self, convert};

/// What reading gave, compared as text: the loaded document in full (`Debug`), or
/// the refusal's message and help.
fn outcome(r: Result<load::Loaded, load::LoadError>) -> String {
    match r {
        Ok(l) => format!("{l:?}"),
        Err(e) => format!("refused: {} / {:?}", e.message(), e.help()),
    }
}

/// Reads `bytes` written as `dir/name` both ways and checks they agree; returns
/// the outcome.
fn both_ways(dir: &Path, name: &str, bytes: &[u8], opts: &LoadOptions) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    let from_file = outcome(load::load(&Input::File(path.clone()), opts));
    let shown = path.display().to_string();
    let from_bytes = outcome(load::from_bytes(
        &shown,
        bytes,
        Format::by_extension(&path),
        opts,
    ));
    assert_eq!(from_file, from_bytes, "{name}");
    from_file
}

/// `zip` with every entry marked as encrypted (general-purpose flag bit 0), in the
/// local headers and in the central directory.
fn marked_encrypted(mut zip: Vec<u8>) -> Vec<u8> {
    let mut i = 0;
    while i + 10 <= zip.len() {
        match &zip[i..i + 4] {
            b"PK\x03\x04" => zip[i + 6] |= 1,
            b"PK\x01\x02" => zip[i + 8] |= 1,
            _ => {}
        }
        i += 1;
    }
    zip
}

/// A report whose paragraph holding `总体情况` carries a comment for nianbao.
fn with_comment(report: &str) -> Vec<u8> {
    let xml = convert::document_xml(report);
    let at = xml.find("总体情况").expect("heading in the report");
    let p_start = xml[..at].rfind("<w:p>").expect("paragraph start");
    let marked = format!(
        "{}<w:commentRangeStart w:id=\"0\"/>{}",
        &xml[..p_start + "<w:p>".len()],
        &xml[p_start + "<w:p>".len()..]
    );
    let p_end = marked[p_start..].find("</w:p>").expect("paragraph end") + p_start;
    let marked = format!(
        "{}<w:commentRangeEnd w:id=\"0\"/>{}",
        &marked[..p_end],
        &marked[p_end..]
    );
    let comments = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<w:comments xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
        <w:comment w:id=\"0\" w:author=\"编辑\"><w:p><w:r><w:t>nianbao-disable X101 已核对</w:t></w:r></w:p></w:comment></w:comments>";
    convert::docx_with_parts(&[
        ("word/document.xml", marked.as_bytes()),
        ("word/comments.xml", comments.as_bytes()),
    ])
}

#[test]
fn good_documents_read_the_same_from_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let opts = LoadOptions::default();
    let report = common::clean();
    for fixture in ["report-2024.docx", "report-with-defects.docx"] {
        let bytes = std::fs::read(common::root().join("tests/fixtures/formats").join(fixture))
            .expect("fixture");
        let got = both_ways(dir.path(), fixture, &bytes, &opts);
        assert!(got.contains("kind: Docx"), "{fixture}: {got}");
    }
    let plain = both_ways(dir.path(), "plain.docx", &convert::to_docx(&report), &opts);
    assert!(plain.contains("总体情况"), "{plain}");
    // The comments pass reads the main part again, through the same file.
    let commented = both_ways(dir.path(), "noted.docx", &with_comment(&report), &opts);
    assert!(
        commented.contains("nianbao-disable X101") && commented.contains("anchor: Some("),
        "{commented}"
    );
    // Content decides: a Word document named .txt is read as one, from its file.
    let named_txt = both_ways(dir.path(), "report.txt", &convert::to_docx(&report), &opts);
    assert!(named_txt.contains("kind: Docx"), "{named_txt}");
    let forced = LoadOptions {
        format: Some(Format::Docx),
        ..LoadOptions::default()
    };
    let got = both_ways(dir.path(), "r.bin", &convert::to_docx(&report), &forced);
    assert!(got.contains("kind: Docx"), "{got}");
}

#[test]
fn bad_documents_are_refused_the_same_from_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let opts = LoadOptions::default();
    let good = convert::to_docx(&common::clean());
    let many: Vec<(String, Vec<u8>)> = (0..10_001)
        .map(|i| (format!("f{i}.xml"), Vec::new()))
        .collect();
    let many: Vec<(&str, &[u8])> = many
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let bomb = vec![b' '; 65 << 20];
    let mut cfb = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    cfb.resize(512, 0);
    cfb.extend("EncryptedPackage".bytes().flat_map(|b| [b, 0]));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("cut.docx", good[..good.len() / 2].to_vec(), "文件已损坏"),
        ("head.docx", b"PK\x03\x04".to_vec(), "文件已损坏"),
        ("empty-zip.docx", convert::zip_parts(&[]), "普通压缩包"),
        (
            "book.docx",
            convert::zip_parts(&[("xl/workbook.xml", b"<w/>")]),
            "Excel 工作簿",
        ),
        ("many.docx", convert::zip_parts(&many), "压缩条目"),
        (
            "bomb.docx",
            convert::docx_with_parts(&[("word/document.xml", &bomb)]),
            "解压后的正文超过 64 MB",
        ),
        ("locked.docx", marked_encrypted(good.clone()), "密码"),
        ("secret.docx", cfb, "加密的 Office 文档"),
        (
            "image.docx",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
            "PNG 图片",
        ),
        (
            "text.docx",
            common::clean().into_bytes(),
            "内容不是 zip 压缩格式",
        ),
        ("nothing.docx", Vec::new(), "空文件"),
        ("pk.docx", b"PK".to_vec(), "内容不是 zip 压缩格式"),
    ];
    for (name, bytes, says) in &cases {
        let got = both_ways(dir.path(), name, bytes, &opts);
        assert!(
            got.starts_with("refused: ") && got.contains(says),
            "{name}: {got}"
        );
    }
    // A zip read as text (`--from txt`) is not read as a Word document.
    let as_text = LoadOptions {
        format: Some(Format::Text),
        ..LoadOptions::default()
    };
    let got = both_ways(dir.path(), "r.docx", &good, &as_text);
    assert!(got.starts_with("refused: "), "{got}");
}

#[test]
fn a_document_larger_than_the_limit_is_refused_before_it_is_read() {
    // A zip named .txt is held to the text limit, from its size, as before.
    if std::env::var_os(load::MAX_FILE_MB_VAR).is_some() {
        eprintln!("skipped: {} is set", load::MAX_FILE_MB_VAR);
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let mut big = convert::to_docx(&common::clean());
    big.resize((64 << 20) + 1, 0);
    let path = dir.path().join("big.txt");
    std::fs::write(&path, &big).expect("write");
    let got = outcome(load::load(&Input::File(path), &LoadOptions::default()));
    assert!(got.contains("超过 64 MB"), "{got}");
}
