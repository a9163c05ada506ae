//! The text reader (encoding detection: BOM, UTF-8, UTF-16 without BOM, GBK/GB18030,
//! Big5; HTML sniffing) on arbitrary bytes, then the linter on what it read.
#![no_main]

#[path = "common.rs"]
#[allow(dead_code)]
mod common;

use libfuzzer_sys::fuzz_target;
use nianbao::load::Format;

fuzz_target!(|data: &[u8]| {
    common::read_and_lint("fuzz.txt", data, Format::Text);
});
