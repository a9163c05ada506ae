//! Writes the format fixtures of `tests/fixtures/formats/` from the example reports:
//! the same report as a Word document, a web page, Markdown, GBK and UTF-16 text.
//!
//! ```sh
//! cargo run --example make_format_fixtures
//! ```
//!
//! The converter is `tests/common/convert.rs`, which the tests also use to convert the
//! real reports of `../shared` at test time.

#[path = "../tests/common/convert.rs"]
mod convert;

use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = root.join("tests/fixtures/formats");
    std::fs::create_dir_all(&out)?;
    for name in ["report-2024", "report-with-defects"] {
        let text = std::fs::read_to_string(root.join("examples").join(format!("{name}.txt")))?;
        let files: Vec<(String, Vec<u8>)> = vec![
            (format!("{name}.docx"), convert::to_docx(&text)),
            (format!("{name}.html"), convert::to_html(&text).into_bytes()),
            (
                format!("{name}.md"),
                convert::to_markdown(&text).into_bytes(),
            ),
            (format!("{name}.gbk.txt"), convert::to_gbk(&text)),
            (format!("{name}.utf16.txt"), convert::to_utf16le(&text)),
        ];
        for (file, bytes) in files {
            std::fs::write(out.join(&file), bytes)?;
            println!("wrote tests/fixtures/formats/{file}");
        }
    }
    Ok(())
}
