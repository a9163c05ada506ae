//! Snapshots of what users see, so that any change in rendering shows in review.
//! Update with `INSTA_UPDATE=always cargo test --test snapshots` and review the diff.

use crate::common;

use codespan_reporting::term::termcolor::Buffer;
use nianbao::report::{human, json};

fn human_output(path: &str) -> String {
    let text = common::read(path);
    let outcome = common::national().lint_text(path, text).expect("a report");
    let mut buf = Buffer::no_color();
    human::render(
        &mut buf,
        &outcome.document.path,
        &outcome.document.text,
        &outcome.diagnostics,
    );
    String::from_utf8_lossy(buf.as_slice()).into_owned()
}

#[test]
fn human_output_for_a_report_with_several_defects() {
    insta::assert_snapshot!(human_output("examples/report-with-defects.txt"));
}

#[test]
fn human_output_for_pdf_layout_text() {
    let text = common::read("tests/fixtures/layout-columns.txt");
    let text = common::replace(
        &text,
        "（七）总计                         20",
        "（七）总计                         21",
    );
    let outcome = common::national()
        .lint_text("layout-columns.txt", text)
        .expect("a report");
    let mut buf = Buffer::no_color();
    human::render(
        &mut buf,
        "layout-columns.txt",
        &outcome.document.text,
        &outcome.diagnostics,
    );
    insta::assert_snapshot!(String::from_utf8_lossy(buf.as_slice()));
}

#[test]
fn json_output_for_a_report_with_several_defects() {
    let path = "examples/report-with-defects.txt";
    let outcome = common::national()
        .lint_text(path, common::read(path))
        .expect("a report");
    let items: Vec<_> = outcome
        .diagnostics
        .iter()
        .map(|d| json::convert(&outcome.document, d))
        .collect();
    insta::assert_snapshot!(serde_json::to_string_pretty(&items).unwrap_or_default());
}

#[test]
fn rendered_pack_error() {
    let err = match nianbao::Pack::from_dir(&common::root().join("tests/packs/unknown-cell")) {
        Ok(_) => panic!("should not load"),
        Err(e) => e,
    };
    let mut buf = Buffer::no_color();
    human::render_pack_error(&mut buf, &err);
    let out = String::from_utf8_lossy(buf.as_slice())
        .replace(&common::root().display().to_string(), "<root>");
    insta::assert_snapshot!(out);
}

#[test]
fn human_output_for_a_long_scraped_line() {
    // A web page scraped with a whole section on one line, with a damaged figure.
    let text = common::clean();
    let start = text.find("一、总体情况").unwrap_or(0);
    let end = text.find("二、主动公开政府信息情况").unwrap_or(0);
    let joined = text[start..end].replace('\n', " ");
    let damaged = joined.replace("组织业务培训2次", "组织业务培训?次");
    let long = format!("{}{}\n{}", &text[..start], damaged, &text[end..]);
    let outcome = common::national()
        .lint_text("scraped.txt", long)
        .expect("a report");
    let mut buf = Buffer::no_color();
    human::render(
        &mut buf,
        "scraped.txt",
        &outcome.document.text,
        &outcome.diagnostics,
    );
    insta::assert_snapshot!(String::from_utf8_lossy(buf.as_slice()));
}
