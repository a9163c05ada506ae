//! `nianbao serve` against a real server on 127.0.0.1 (a random port): every format
//! gives exactly what `nianbao check --format json` prints for the same file, bad
//! uploads get the CLI's messages, the size limit holds, 200 requests from 8 threads
//! are all answered identically, and the page is served with its security headers.
#![cfg(feature = "server")]

use crate::common;
use crate::common::convert;
use crate::common::http;

use std::path::Path;
use std::process::Command;

use http::{Server, get, post_file, post_raw};

const BIN: &str = env!("CARGO_BIN_EXE_nianbao");

fn fixtures() -> &'static Path {
    static DIR: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| common::root().join("tests/fixtures/formats"))
}

/// What `nianbao check --format json NAME` prints, run in the file's folder (so that
/// `path` is the bare name, as for an upload).
fn cli_json(dir: &Path, name: &str) -> String {
    let out = Command::new(BIN)
        .current_dir(dir)
        .args(["check", "--format", "json", name])
        .output()
        .expect("runs");
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// The CLI's message for a file it cannot check.
fn cli_error(dir: &Path, name: &str) -> String {
    let out = Command::new(BIN)
        .current_dir(dir)
        .args(["check", "--color", "never", name])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{name}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const FORMATS: &[&str] = &[
    "report-with-defects.docx",
    "report-with-defects.html",
    "report-with-defects.md",
    "report-with-defects.gbk.txt",
    "report-with-defects.utf16.txt",
    "report-2024.docx",
    "report-2024.html",
];

#[test]
fn every_format_gives_what_the_cli_prints() {
    let server = Server::start(BIN, &[]);
    for name in FORMATS {
        let bytes = std::fs::read(fixtures().join(name)).expect("fixture");
        let expected = cli_json(fixtures(), name);
        let form = post_file(server.addr, "/api/check", name, &bytes);
        assert_eq!(form.status, 200, "{name}: {}", form.text());
        assert_eq!(
            form.header("content-type"),
            Some("application/json; charset=utf-8")
        );
        assert_eq!(form.text(), expected, "{name}: multipart");
        let raw = post_raw(server.addr, "/api/check", name, &bytes);
        assert_eq!(raw.text(), expected, "{name}: raw body");
        // The page's findings are the same objects.
        let view = post_file(server.addr, "/api/view", name, &bytes).json();
        let cli: serde_json::Value = serde_json::from_str(&expected).expect("JSON");
        assert_eq!(view["findings"], cli, "{name}: page");
        let text: String = view["pieces"]
            .as_array()
            .expect("pieces")
            .iter()
            .map(|p| p["t"].as_str().expect("t"))
            .collect();
        let loaded = common::national().lint_bytes(name, &bytes).expect("lints");
        assert_eq!(text, loaded.document.text, "{name}: the text nianbao read");
    }
    // The defects are found (not an empty array that would match trivially).
    let docx = std::fs::read(fixtures().join("report-with-defects.docx")).expect("fixture");
    let found = post_file(server.addr, "/api/check", "d.docx", &docx).json();
    let rules: Vec<&str> = found
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(
        rules.contains(&"T201") && rules.contains(&"S104"),
        "{rules:?}"
    );
}

fn bomb() -> Vec<u8> {
    let para = "<w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p>";
    let body = para.repeat(80 * 1024 * 1024 / para.len());
    let xml = format!("<w:document><w:body>{body}</w:body></w:document>");
    convert::docx_with_parts(&[("word/document.xml", xml.as_bytes())])
}

#[test]
fn bad_uploads_get_the_cli_message() {
    let server = Server::start(BIN, &[]);
    let good = convert::to_docx(&common::clean());
    let mut encrypted = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    encrypted.resize(512, 0);
    encrypted.extend("EncryptedPackage".bytes().flat_map(|b| [b, 0]));
    let mut old_doc = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    old_doc.resize(1024, 0);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("旧报告.doc", old_doc, "旧版 Word"),
        ("secret.docx", encrypted, "加密"),
        ("damaged.docx", good[..good.len() / 2].to_vec(), "已损坏"),
        ("bomb.docx", bomb(), "超过 64 MB"),
        (
            "book.docx",
            convert::zip_parts(&[
                ("[Content_Types].xml", b"<Types/>"),
                ("xl/workbook.xml", b"<w/>"),
            ]),
            "Excel",
        ),
        ("scan.pdf", b"%PDF-1.7 binary".to_vec(), "PDF"),
        (
            "notes.txt",
            "会议纪要\n今天开会。\n".as_bytes().to_vec(),
            "找不到",
        ),
        ("empty.txt", Vec::new(), "空文件"),
    ];
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, bytes, expected) in cases {
        std::fs::write(dir.path().join(name), &bytes).expect("write");
        let cli = cli_error(dir.path(), name);
        for res in [
            post_file(server.addr, "/api/check", name, &bytes),
            post_raw(server.addr, "/api/view", name, &bytes),
        ] {
            assert_eq!(res.status, 422, "{name}: {}", res.text());
            let body = res.json();
            let message = body["error"].as_str().expect("error");
            assert!(message.contains(expected), "{name}: {message}");
            assert!(
                cli.contains(message),
                "{name}: CLI says {cli}, server {message}"
            );
            assert!(
                !body["help"].as_str().unwrap_or_default().is_empty(),
                "{name}"
            );
        }
    }
    // No file in the form.
    let res = http::request(
        server.addr,
        "POST",
        "/api/check",
        &[("Content-Type", "multipart/form-data; boundary=x")],
        b"--x\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nv\r\n--x--\r\n",
    );
    assert_eq!(res.status, 400, "{}", res.text());
    assert!(
        res.json()["error"]
            .as_str()
            .unwrap_or_default()
            .contains("没有文件")
    );
    // Annotating something that is not a Word document.
    let txt = std::fs::read(common::root().join("examples/report-with-defects.txt")).expect("ex");
    let res = post_file(server.addr, "/api/annotate", "r.txt", &txt);
    assert_eq!(res.status, 422);
    assert!(
        res.json()["error"]
            .as_str()
            .unwrap_or_default()
            .contains("Word")
    );
}

#[test]
fn uploads_over_the_limit_are_refused() {
    let server = Server::start(BIN, &["--max-upload", "1"]);
    let text = common::clean();
    let mut big = text.clone().into_bytes();
    big.resize(1024 * 1024 + 10, b' ');
    for res in [
        post_raw(server.addr, "/api/check", "big.txt", &big),
        post_file(server.addr, "/api/check", "big.txt", &big),
    ] {
        assert_eq!(res.status, 413, "{}", res.text());
        assert!(
            res.json()["error"]
                .as_str()
                .unwrap_or_default()
                .contains("1 MB")
        );
    }
    // Just under the limit is checked.
    big.truncate(1024 * 1024 - 1);
    let res = post_raw(server.addr, "/api/check", "big.txt", &big);
    assert_eq!(res.status, 200, "{}", res.text());
}

#[test]
fn two_hundred_requests_from_eight_threads_are_all_answered_alike() {
    let server = Server::start(BIN, &["--max-checks", "2"]);
    let names = [
        "report-with-defects.docx",
        "report-with-defects.html",
        "report-with-defects.md",
        "report-2024.docx",
    ];
    let inputs: Vec<(String, Vec<u8>, String)> = names
        .iter()
        .map(|n| {
            (
                n.to_string(),
                std::fs::read(fixtures().join(n)).expect("fixture"),
                cli_json(fixtures(), n),
            )
        })
        .collect();
    let inputs = std::sync::Arc::new(inputs);
    let addr = server.addr;
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let inputs = inputs.clone();
            std::thread::spawn(move || {
                let mut answered = 0;
                for i in 0..25 {
                    let (name, bytes, expected) = &inputs[(t + i) % inputs.len()];
                    let res = if i % 2 == 0 {
                        post_file(addr, "/api/check", name, bytes)
                    } else {
                        post_raw(addr, "/api/check", name, bytes)
                    };
                    assert_eq!(res.status, 200, "{name}: {}", res.text());
                    assert_eq!(&res.text(), expected, "{name}");
                    answered += 1;
                }
                answered
            })
        })
        .collect();
    let total: usize = threads.into_iter().map(|t| t.join().expect("thread")).sum();
    assert_eq!(total, 200);
}

#[test]
fn the_page_api_and_headers() {
    let server = Server::start(BIN, &[]);
    let page = get(server.addr, "/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("把报告文件拖到这里"));
    let csp = page.header("content-security-policy").expect("CSP");
    assert!(csp.contains("script-src 'self'") && csp.contains("default-src 'none'"));
    assert!(!csp.contains("unsafe-inline"));
    assert!(!page.text().contains("<script>"), "no inline script");
    assert!(!page.text().contains("http://") && !page.text().contains("https://"));
    for path in ["/assets/app.js", "/assets/app.css"] {
        let r = get(server.addr, path);
        assert_eq!(r.status, 200, "{path}");
        assert!(
            !r.text().contains("http://") && !r.text().contains("https://"),
            "{path}: no external request"
        );
    }
    assert!(
        !get(server.addr, "/assets/app.js")
            .text()
            .contains("innerHTML")
    );
    let health = get(server.addr, "/healthz").json();
    assert_eq!(health["status"], "ok");
    let rules = get(server.addr, "/api/rules").json();
    let ids: Vec<&str> = rules
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert!(ids.contains(&"T201") && ids.contains(&"X101"), "{ids:?}");
    // No route reads a path from the request.
    for path in [
        "/../Cargo.toml",
        "/assets/../../Cargo.toml",
        "/assets/%2e%2e/Cargo.toml",
        "/Cargo.toml",
        "/src/lib.rs",
    ] {
        let r = get(server.addr, path);
        assert_eq!(r.status, 404, "{path}");
        assert!(!r.text().contains("[package]"), "{path}");
    }
    // No cookies, anywhere.
    let docx = std::fs::read(fixtures().join("report-with-defects.docx")).expect("fixture");
    for r in [
        page,
        get(server.addr, "/healthz"),
        post_file(server.addr, "/api/view", "r.docx", &docx),
    ] {
        assert!(r.header("set-cookie").is_none());
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    }
}

#[test]
fn report_text_is_escaped_in_the_downloaded_report() {
    let server = Server::start(BIN, &[]);
    let text = common::replace(
        &common::clean(),
        "一、总体情况",
        "一、总体情况\n<script>alert('年报')</script><img src=x onerror=alert(1)>",
    );
    let res = post_file(
        server.addr,
        "/api/report",
        "<b>报告<b>.txt",
        text.as_bytes(),
    );
    assert_eq!(res.status, 200, "{}", res.text());
    let html = res.text();
    assert!(
        !html.contains("<script>") && !html.contains("<img"),
        "{html}"
    );
    // The text, once the highlighting (links and marks) is taken out.
    let marks = regex::Regex::new("</?(a|mark)\\b[^>]*>").expect("regex");
    let plain = marks.replace_all(&html, "");
    assert!(
        plain.contains("&lt;script&gt;alert(&#39;年报&#39;)&lt;/script&gt;&lt;img src=x"),
        "{plain}"
    );
    assert!(html.contains("&lt;b&gt;报告&lt;b&gt;.txt"));
    assert!(
        res.header("content-disposition")
            .is_some_and(|d| d.starts_with("attachment"))
    );
    assert_eq!(
        res.header("content-security-policy"),
        Some("default-src 'none'; style-src 'unsafe-inline'")
    );
    // The defects of the example are in it, each linked to its mark.
    let defects =
        std::fs::read(common::root().join("examples/report-with-defects.txt")).expect("ex");
    let html = post_file(server.addr, "/api/report", "r.txt", &defects).text();
    assert!(
        html.contains("T201") && html.contains("<mark id=\"m0-"),
        "{html}"
    );
}

#[test]
fn annotate_over_http_gives_the_word_document_with_comments() {
    let server = Server::start(BIN, &[]);
    let docx = std::fs::read(fixtures().join("report-with-defects.docx")).expect("fixture");
    let res = post_file(server.addr, "/api/annotate", "草稿.docx", &docx);
    assert_eq!(res.status, 200, "{}", res.text());
    assert!(
        res.header("content-disposition")
            .is_some_and(|d| d.contains("filename*=UTF-8''%E8%8D%89%E7%A8%BF.nianbao.docx"))
    );
    let again = common::national()
        .lint_bytes("a.docx", &res.body)
        .expect("the annotated copy reads");
    let original = common::national()
        .lint_bytes("a.docx", &docx)
        .expect("reads");
    assert_eq!(again.document.text, original.document.text);
    let comments = String::from_utf8_lossy(&res.body)
        .matches("word/comments.xml")
        .count();
    assert!(comments >= 1);
}

#[test]
fn binding_beyond_loopback_prints_a_warning() {
    use std::io::Read;
    let mut server = Server::start_on(BIN, "0.0.0.0:0", &[]);
    assert_eq!(get(server.addr, "/healthz").status, 200);
    let mut warning = [0u8; 512];
    let n = server.stderr.read(&mut warning).expect("stderr");
    let warning = String::from_utf8_lossy(&warning[..n]);
    assert!(
        warning.contains("警告") && warning.contains("任何人"),
        "{warning}"
    );
    let quiet = Server::start(BIN, &[]);
    drop(quiet);
}
