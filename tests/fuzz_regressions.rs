//! The fuzz targets' inputs kept in the ordinary test suite (fuzz/, README "Fuzzing"),
//! so that what they exercise runs without a nightly toolchain. `tests/fixtures/fuzz/
//! <target>/` holds, for each target, a few inputs of the corpus the fuzzers grew from
//! the project's own fixtures (mutated reports, Word parts, packs), and the minimised
//! input of every crash a fuzzer finds (none so far). Each is run through the same
//! path as its target: it must give a value (a text, findings or an error), never a
//! panic. A test for a crash also asserts its exact outcome.

use crate::common;

use std::path::{Path, PathBuf};

use nianbao::load::{self, Format};
use nianbao::{LoadOptions, Pack};

fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = common::root().join("tests/fixtures/fuzz").join(target);
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

/// What the `load_*` targets do: read, then lint what was read.
fn read_and_lint(name: &str, data: &[u8], format: Format) {
    if let Ok(loaded) = load::from_bytes(name, data, Some(format), &LoadOptions::default()) {
        let _ = common::national().lint_loaded(name, loaded);
    }
}

/// What the `load_docx` target does with NUL-separated parts: a stored zip of them
/// as the document, numbering, styles and comments parts.
fn docx_of_parts(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let names = [
        "word/document.xml",
        "word/numbering.xml",
        "word/styles.xml",
        "word/comments.xml",
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, part) in names.iter().zip(data.split(|&b| b == 0)) {
        zip.start_file(*name, options).expect("zip entry");
        zip.write_all(part).expect("zip write");
    }
    zip.finish().expect("zip finish").into_inner()
}

fn pack_toml(data: &[u8]) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("pack.toml"), data).expect("write");
    if let Ok(pack) = Pack::from_dir(dir.path()) {
        let _ = nianbao::Linter::new(pack)
            .lint_text("r.txt", common::read("examples/report-with-defects.txt"));
    }
}

fn run(target: &str, path: &Path) {
    let data = std::fs::read(path).expect("read");
    match target {
        "load_text" => read_and_lint("f.txt", &data, Format::Text),
        "load_markdown" => read_and_lint("f.md", &data, Format::Markdown),
        "load_html" => read_and_lint("f.html", &data, Format::Html),
        "load_docx" => {
            read_and_lint("f.docx", &data, Format::Docx);
            if data.starts_with(b"PK") {
                return;
            }
            if let Ok(xml) = std::str::from_utf8(&data)
                && let Ok(items) = load::docx::parse_document(xml)
            {
                let _ = load::layout::render(&items);
            }
            if data.contains(&0) {
                read_and_lint("f.docx", &docx_of_parts(&data), Format::Docx);
            }
        }
        "lint_text" => {
            let text = String::from_utf8_lossy(&data).into_owned();
            let _ = common::national().lint_text("f.txt", text);
        }
        "pack_toml" => pack_toml(&data),
        other => panic!("tests/fixtures/fuzz/{other}: no such fuzz target"),
    }
}

#[test]
fn every_kept_fuzz_input_runs_without_a_panic() {
    for target in [
        "load_text",
        "load_markdown",
        "load_html",
        "load_docx",
        "lint_text",
        "pack_toml",
    ] {
        let paths = inputs(target);
        assert!(
            !paths.is_empty(),
            "tests/fixtures/fuzz/{target}/ has no inputs: the target's path would go untested"
        );
        for path in paths {
            eprintln!("{}", path.display());
            run(target, &path);
        }
    }
}
