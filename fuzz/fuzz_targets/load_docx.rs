//! The Word reader on arbitrary bytes (a zip archive or not), then the linter on what
//! it read. Also feeds the bytes as `word/document.xml` itself, so that the XML walk
//! is reached without the fuzzer having to build a valid zip.
#![no_main]

#[path = "common.rs"]
#[allow(dead_code)]
mod common;

use libfuzzer_sys::fuzz_target;
use nianbao::load::{Format, docx, layout};

fuzz_target!(|data: &[u8]| {
    common::read_and_lint("fuzz.docx", data, Format::Docx);
    if let Ok(xml) = std::str::from_utf8(data)
        && let Ok(items) = docx::parse_document(xml)
    {
        let _ = layout::render(&items);
    }
});
