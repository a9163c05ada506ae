//! The page in a real browser: headless Chromium driven over WebDriver (chromedriver,
//! through fantoccini). Uploads the example Word document, waits for the findings,
//! checks that every expected rule is listed and its span highlighted in the text,
//! clicks a finding and follows it to its span and back, filters, shows a report
//! containing `<script>` as text, shows a bad file's message, and saves a screenshot
//! to `target/nianbao-page.png` (and to `docs/web-page.png` with
//! `NIANBAO_SCREENSHOT_DOCS=1`, for the README).
//!
//! Skipped, with a note on standard error, where `chromium` or `chromedriver` is not
//! installed (Debian: `apt-get install chromium chromium-driver`).
#![cfg(feature = "server")]

use crate::common;
use crate::common::http;
use crate::common::webdriver;

use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_nianbao");

#[test]
fn the_page_in_headless_chromium() {
    let Some(browser) = webdriver::find() else {
        eprintln!(
            "chromium or chromedriver is not installed: skipping the browser test \
             (apt-get install chromium chromium-driver)"
        );
        return;
    };
    let server = http::Server::start(BIN, &[]);
    let driver = webdriver::start_driver(&browser.chromedriver);
    let downloads = tempfile::tempdir().expect("tempdir");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let prefs = json!({
            "download.default_directory": downloads.path().display().to_string(),
            "download.prompt_for_download": false
        });
        let client = webdriver::session(&browser.chromium, &driver, "1366,768", Some(prefs)).await;
        let result = drive(&client, &server, downloads.path()).await;
        let _ = client.close().await;
        result.expect("the page works");
    });
}

async fn upload(client: &Client, path: &Path) -> Result<(), fantoccini::error::CmdError> {
    client
        .execute("document.body.dataset.state = 'uploading'", vec![])
        .await?;
    let input = client.find(Locator::Css("#file")).await?;
    input.send_keys(&path.display().to_string()).await?;
    client
        .wait()
        .at_most(Duration::from_secs(60))
        .for_element(Locator::Css(
            "body[data-state='done'], body[data-state='error']",
        ))
        .await?;
    Ok(())
}

/// Waits (bounded) for a downloaded file to be complete, and returns its bytes.
fn downloaded(dir: &Path, name: &str) -> Vec<u8> {
    let path = dir.join(name);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let partial = std::fs::read_dir(dir)
            .map(|rd| {
                rd.flatten()
                    .any(|e| e.file_name().to_string_lossy().ends_with(".crdownload"))
            })
            .unwrap_or(false);
        if path.exists() && !partial {
            return std::fs::read(&path).expect("download");
        }
        assert!(Instant::now() < deadline, "{name} was not downloaded");
        std::thread::sleep(Duration::from_millis(100));
    }
}

async fn drive(
    client: &Client,
    server: &http::Server,
    downloads: &Path,
) -> Result<(), fantoccini::error::CmdError> {
    client.goto(&server.url()).await?;
    let title = client.title().await?;
    assert!(title.contains("年度报告检查"), "{title}");

    let docx = common::root().join("tests/fixtures/formats/report-with-defects.docx");
    let expected = common::national()
        .lint_bytes(
            "report-with-defects.docx",
            &std::fs::read(&docx).expect("fixture"),
        )
        .expect("lints");
    upload(client, &docx).await?;

    // Every finding is listed, and its span is marked in the text with its words.
    let listed = client
        .execute(
            "const text = document.getElementById('text');
             return [...document.querySelectorAll('#findings li')].map((li, i) => {
               const marks = [...text.querySelectorAll('mark')]
                 .filter(m => m.dataset.f.split(' ').includes(String(i)));
               return { rule: li.dataset.rule,
                        marks: marks.length,
                        text: marks.map(m => m.textContent).join(''),
                        classes: marks.map(m => m.className).join(' ') };
             });",
            vec![],
        )
        .await?;
    let listed = listed.as_array().expect("an array");
    assert_eq!(listed.len(), expected.diagnostics.len());
    for (d, l) in expected.diagnostics.iter().zip(listed) {
        assert_eq!(l["rule"], d.rule.as_str());
        let span = &expected.document.text[d.primary.clone()];
        assert!(l["marks"].as_u64().unwrap_or(0) >= 1, "{}: no mark", d.rule);
        assert_eq!(
            l["text"].as_str(),
            Some(span),
            "{}: highlighted text",
            d.rule
        );
        let classes = l["classes"].as_str().unwrap_or_default();
        assert!(
            ["error", "warning", "info"]
                .iter()
                .any(|s| classes.contains(s)),
            "{}: {classes}",
            d.rule
        );
    }
    let counts = client.find(Locator::Css("#counts")).await?.text().await?;
    let errors = expected
        .diagnostics
        .iter()
        .filter(|d| d.severity == nianbao::Severity::Error)
        .count();
    assert!(counts.contains(&format!("错误 {errors}")), "{counts}");
    // Word places are shown in Word's terms.
    let list_text = client.find(Locator::Css("#findings")).await?.text().await?;
    assert!(
        list_text.contains("个表格") && list_text.contains("行第"),
        "{list_text}"
    );

    // Click T201: its span is scrolled to and focused; Enter on it goes back.
    let t201 = expected
        .diagnostics
        .iter()
        .position(|d| d.rule == "T201")
        .expect("T201");
    client
        .find(Locator::Css(&format!("#f{t201} .go")))
        .await?
        .click()
        .await?;
    let focused = client
        .execute(
            "const a = document.activeElement;
             return { tag: a.tagName, text: a.textContent, active: a.classList.contains('active') };",
            vec![],
        )
        .await?;
    assert_eq!(focused["tag"], "MARK");
    assert_eq!(focused["text"], "23");
    assert_eq!(focused["active"], true);
    std::fs::create_dir_all(common::root().join("target")).expect("target/");
    let shot = client.screenshot().await?;
    let png = common::root().join("target/nianbao-page.png");
    std::fs::write(&png, &shot).expect("screenshot written");
    assert!(shot.starts_with(b"\x89PNG"));
    if std::env::var_os("NIANBAO_SCREENSHOT_DOCS").is_some() {
        std::fs::create_dir_all(common::root().join("docs")).expect("docs/");
        std::fs::write(common::root().join("docs/web-page.png"), &shot).expect("docs copy");
    }
    eprintln!("screenshot: {}", png.display());
    client.active_element().await?.send_keys("\u{E007}").await?; // Enter
    let back = client
        .execute("return document.activeElement.closest('li') ? document.activeElement.closest('li').id : ''", vec![])
        .await?;
    assert_eq!(back, json!(format!("f{t201}")));

    // Filters: errors off hides T201 and un-highlights its span.
    client
        .find(Locator::Css("#sev-filter input[value='error']"))
        .await?
        .click()
        .await?;
    let hidden = client
        .execute(
            &format!("return document.getElementById('f{t201}').hidden"),
            vec![],
        )
        .await?;
    assert_eq!(hidden, json!(true));
    client
        .find(Locator::Css("#sev-filter input[value='error']"))
        .await?
        .click()
        .await?;

    // The two downloads: the self-contained report, the Word document with comments.
    client
        .find(Locator::Css("#dl-report"))
        .await?
        .click()
        .await?;
    let report = downloaded(downloads, "report-with-defects.nianbao.html");
    let report = String::from_utf8(report).expect("UTF-8");
    assert!(
        report.contains("T201") && !report.contains("<script"),
        "self-contained report"
    );
    client.find(Locator::Css("#dl-docx")).await?.click().await?;
    let annotated = downloaded(downloads, "report-with-defects.nianbao.docx");
    let again = common::national()
        .lint_bytes("a.docx", &annotated)
        .expect("the Word download reads");
    assert_eq!(again.diagnostics, expected.diagnostics);
    assert!(String::from_utf8_lossy(&annotated).contains("word/comments.xml"));

    // A report containing markup shows it as text; nothing runs.
    let dir = tempfile::tempdir().expect("tempdir");
    let hostile = dir.path().join("hostile.txt");
    let text = common::replace(
        &common::clean(),
        "一、总体情况",
        "一、总体情况\n<script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\">",
    );
    std::fs::write(&hostile, text).expect("write");
    upload(client, &hostile).await?;
    let safe = client
        .execute(
            "const t = document.getElementById('text');
             return { scripts: t.querySelectorAll('script,img').length,
                      shown: t.textContent.includes('<script>window.pwned=1</script>'),
                      pwned: window.pwned === undefined ? 0 : window.pwned };",
            vec![],
        )
        .await?;
    assert_eq!(safe, json!({"scripts": 0, "shown": true, "pwned": 0}));

    // A file nianbao cannot read: the CLI's message, on the page.
    let old = dir.path().join("旧报告.doc");
    let mut bytes = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    bytes.resize(1024, 0);
    std::fs::write(&old, bytes).expect("write");
    upload(client, &old).await?;
    let error = client.find(Locator::Css("#error")).await?.text().await?;
    assert!(
        error.contains("旧版 Word") && error.contains("另存为"),
        "{error}"
    );
    Ok(())
}
