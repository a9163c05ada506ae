//! The whole lint (outline, tables, narrative, every rule of the national pack) on
//! arbitrary text, and the human and JSON renderings of its findings.
#![no_main]

#[path = "common.rs"]
#[allow(dead_code)]
mod common;

use libfuzzer_sys::fuzz_target;
use nianbao::report::{human, json};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let Ok(outcome) = common::linter().lint_text("fuzz.txt", text) else {
        return;
    };
    let mut buf = human::buffer(false);
    human::render_document(&mut buf, &outcome.document, &outcome.diagnostics);
    for d in &outcome.diagnostics {
        let _ = json::convert(&outcome.document, d);
    }
});
