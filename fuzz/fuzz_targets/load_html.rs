//! The web-page reader (html5ever tokenizer, tables, the source map) on arbitrary
//! bytes, then the linter on what it read.
#![no_main]

#[path = "common.rs"]
#[allow(dead_code)]
mod common;

use libfuzzer_sys::fuzz_target;
use nianbao::load::Format;

fuzz_target!(|data: &[u8]| {
    common::read_and_lint("fuzz.html", data, Format::Html);
});
