//! The batch overview (`check --format html`) in a real browser: headless Chromium
//! driven over WebDriver (chromedriver, through fantoccini). A batch is generated with
//! the series generator (three bodies over three years, with cross-year defects) plus
//! the examples; the real binary writes the overview; the test opens it as `file://`,
//! checks that the table lists every report, sorts it by clicking a column header (and
//! with the keyboard), sorts it back, follows a row's link to its report's section, and
//! saves a screenshot to `target/nianbao-overview.png`.
//!
//! Skipped, with a note on standard error, where `chromium` or `chromedriver` is not
//! installed (Debian: `apt-get install chromium chromium-driver`).

use crate::common;
use crate::common::webdriver;

use std::path::Path;
use std::process::Command;

use common::series::{clean_series, render};
use fantoccini::{Client, Locator};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_nianbao");

/// Writes the batch under `dir/年报`; returns the paths as `check` shows them, sorted.
fn batch(dir: &Path) -> Vec<String> {
    let mut paths = Vec::new();
    let bodies = ["青山县交通运输局", "白水县财政局", "金川区教育局"];
    for (b, body) in bodies.iter().enumerate() {
        let mut years = clean_series(body, 2021, 3);
        match b {
            0 => years[2].in_force += 1,
            1 => years[1].carried += 1,
            _ => years[2].stale_year = Some(2022),
        }
        for y in &years {
            let rel = format!("年报/{body}/{}.txt", y.year);
            std::fs::create_dir_all(dir.join(&rel).parent().expect("parent")).expect("mkdir");
            std::fs::write(dir.join(&rel), render(y)).expect("write");
            paths.push(rel);
        }
    }
    for example in [
        "examples/report-with-defects.txt",
        "examples/report-2024.txt",
    ] {
        let name = Path::new(example).file_name().expect("a name");
        let rel = format!("年报/示例/{}", name.to_string_lossy());
        std::fs::create_dir_all(dir.join("年报/示例")).expect("mkdir");
        std::fs::copy(common::root().join(example), dir.join(&rel)).expect("copy");
        paths.push(rel);
    }
    paths.sort();
    paths
}

#[test]
fn the_overview_in_headless_chromium() {
    let Some(browser) = webdriver::find() else {
        common::skip(
            "chromium or chromedriver is not installed: skipping the overview browser test \
             (apt-get install chromium chromium-driver)",
        );
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let paths = batch(tmp.path());
    let o = Command::new(BIN)
        .args([
            "check",
            "--isolated",
            "--format",
            "html",
            "-o",
            "总览.html",
            "年报",
        ])
        .current_dir(tmp.path())
        .output()
        .expect("runs");
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let file = tmp.path().join("总览.html");
    assert!(file.is_file());

    let driver = webdriver::start_driver(&browser.chromedriver);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let client = webdriver::session(&browser.chromium, &driver, "1366,900", None).await;
        let result = drive(&client, &file, &paths).await;
        let _ = client.close().await;
        result.expect("the overview works");
    });
}

/// Column `col` (0-based) of the report table's rows, as shown.
async fn column(client: &Client, col: usize) -> Result<Vec<String>, fantoccini::error::CmdError> {
    let v = client
        .execute(
            "return [...document.querySelectorAll('#reports tbody tr')]
                 .map(r => r.cells[arguments[0]].textContent.trim());",
            vec![json!(col)],
        )
        .await?;
    Ok(v.as_array()
        .map(|a| {
            a.iter()
                .map(|x| x.as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default())
}

fn numbers(v: &[String]) -> Vec<i64> {
    v.iter()
        .map(|s| s.parse().unwrap_or_else(|_| panic!("a number: {s}")))
        .collect()
}

async fn header(
    client: &Client,
    col: usize,
) -> Result<fantoccini::elements::Element, fantoccini::error::CmdError> {
    client
        .find(Locator::Css(&format!(
            "#reports thead th:nth-child({}) button",
            col + 1
        )))
        .await
}

async fn drive(
    client: &Client,
    file: &Path,
    paths: &[String],
) -> Result<(), fantoccini::error::CmdError> {
    client.goto(&format!("file://{}", file.display())).await?;
    let title = client.title().await?;
    assert!(title.contains("检查总览"), "{title}");

    // Every report is listed, in input order.
    let shown = column(client, 8).await?;
    assert_eq!(shown, paths, "the table lists every report");
    let original = column(client, 0).await?;
    assert_eq!(
        numbers(&original),
        (1..=paths.len() as i64).collect::<Vec<_>>()
    );

    // Click 错误: ascending, then descending; 序号 sorts back to input order.
    const ERRORS: usize = 3;
    header(client, ERRORS).await?.click().await?;
    let errors = numbers(&column(client, ERRORS).await?);
    assert!(errors.windows(2).all(|w| w[0] <= w[1]), "{errors:?}");
    assert!(
        errors.iter().any(|&e| e > 0) && errors.contains(&0),
        "{errors:?}"
    );
    let sort = client
        .execute(
            "return document.querySelector('#reports thead th:nth-child(4)').getAttribute('aria-sort')",
            vec![],
        )
        .await?;
    assert_eq!(sort, json!("ascending"));
    header(client, ERRORS).await?.click().await?;
    let errors = numbers(&column(client, ERRORS).await?);
    assert!(errors.windows(2).all(|w| w[0] >= w[1]), "{errors:?}");
    header(client, 0).await?.click().await?;
    assert_eq!(column(client, 8).await?, paths, "sorted back");

    // With the keyboard: the header is a button; Enter sorts by 年度.
    const YEAR: usize = 2;
    header(client, YEAR).await?.send_keys("\u{E007}").await?;
    let years = numbers(&column(client, YEAR).await?);
    assert!(years.windows(2).all(|w| w[0] <= w[1]), "{years:?}");
    assert_eq!(years.first(), Some(&2021));
    // By 报告 (Chinese collation): rows of one body together.
    header(client, 1).await?.click().await?;
    let bodies = column(client, 1).await?;
    let mut runs = bodies.clone();
    runs.dedup();
    let mut distinct = runs.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(runs.len(), distinct.len(), "one run per body: {bodies:?}");
    header(client, 0).await?.click().await?;

    // A row's link goes to its report's section, which shows its Y finding; the
    // section links back to the row.
    let target = paths
        .iter()
        .position(|p| p.contains("青山县交通运输局/2023"))
        .expect("the broken chain's report");
    client
        .find(Locator::Css(&format!("#row-r{target} a")))
        .await?
        .click()
        .await?;
    let at = client
        .execute(
            "const t = document.querySelector(':target');
             return { id: t ? t.id : '', text: t ? t.textContent : '' };",
            vec![],
        )
        .await?;
    assert_eq!(at["id"], json!(format!("r{target}")));
    assert!(
        at["text"].as_str().unwrap_or_default().contains("Y102"),
        "{at}"
    );
    client
        .find(Locator::Css(&format!(
            "#r{target} a[href='#row-r{target}']"
        )))
        .await?
        .click()
        .await?;
    let back = client
        .execute("return document.querySelector(':target').id", vec![])
        .await?;
    assert_eq!(back, json!(format!("row-r{target}")));

    // The screenshot, from the top, sorted worst first.
    client
        .execute("location.hash = ''; window.scrollTo(0, 0);", vec![])
        .await?;
    header(client, ERRORS).await?.click().await?;
    header(client, ERRORS).await?.click().await?;
    std::fs::create_dir_all(common::root().join("target")).expect("target/");
    let shot = client.screenshot().await?;
    let png = common::root().join("target/nianbao-overview.png");
    std::fs::write(&png, &shot).expect("screenshot written");
    assert!(shot.starts_with(b"\x89PNG"));
    // A report's section, for the eye: findings with excerpts, notes and help.
    let defects = paths
        .iter()
        .position(|p| p.ends_with("report-with-defects.txt"))
        .expect("the defective example");
    client
        .execute(
            &format!("document.getElementById('r{defects}').scrollIntoView()"),
            vec![],
        )
        .await?;
    let section = client.screenshot().await?;
    std::fs::write(
        common::root().join("target/nianbao-overview-report.png"),
        &section,
    )
    .expect("screenshot written");
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "screenshot: {}", png.display());
    Ok(())
}
