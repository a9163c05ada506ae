//! The Word reader on arbitrary bytes (a zip archive or not), then the linter on what
//! it read. Also feeds the bytes as `word/document.xml` itself, so that the XML walk
//! is reached without the fuzzer having to build a valid zip; and, when the bytes hold
//! NUL-separated parts (NUL is never in XML), zips them as `word/document.xml`,
//! `word/numbering.xml`, `word/styles.xml` and `word/comments.xml`, so that the
//! numbering, style and comment readers are reached too (mutating a real zip breaks
//! its checksums, which the reader rightly refuses).
#![no_main]

#[path = "common.rs"]
#[allow(dead_code)]
mod common;

use std::io::Write;

use libfuzzer_sys::fuzz_target;
use nianbao::load::{Format, docx, layout};

const PARTS: [&str; 4] = [
    "word/document.xml",
    "word/numbering.xml",
    "word/styles.xml",
    "word/comments.xml",
];

/// A stored (uncompressed) zip of the NUL-separated parts of `data`.
fn zip_parts(data: &[u8]) -> Option<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, part) in PARTS.iter().zip(data.split(|&b| b == 0)) {
        zip.start_file(*name, options).ok()?;
        zip.write_all(part).ok()?;
    }
    Some(zip.finish().ok()?.into_inner())
}

fuzz_target!(|data: &[u8]| {
    common::read_and_lint("fuzz.docx", data, Format::Docx);
    if data.starts_with(b"PK") {
        return;
    }
    if let Ok(xml) = std::str::from_utf8(data)
        && let Ok(items) = docx::parse_document(xml)
    {
        let _ = layout::render(&items);
    }
    if data.contains(&0)
        && let Some(bytes) = zip_parts(data)
    {
        common::read_and_lint("fuzz.docx", &bytes, Format::Docx);
    }
});
