//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use nianbao::{Diagnostic, Linter, Pack, Severity};

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The linter with the built-in national pack, built once per test binary.
pub fn national() -> &'static Linter {
    static LINTER: OnceLock<Linter> = OnceLock::new();
    LINTER.get_or_init(|| Linter::new(Pack::national().expect("the national pack loads")))
}

pub fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The clean example report.
pub fn clean() -> String {
    read("examples/report-2024.txt")
}

/// Lints text with the national pack; panics if it is not recognised as a report.
pub fn lint(text: &str) -> Vec<Diagnostic> {
    national()
        .lint_text("test.txt", text.to_string())
        .unwrap_or_else(|e| panic!("not linted: {e}"))
        .diagnostics
}

/// `text` with the first occurrence of `from` replaced; panics if absent, so a test
/// cannot silently stop testing anything.
pub fn replace(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "fixture does not contain {from:?}");
    text.replacen(from, to, 1)
}

pub fn rules_of(diags: &[Diagnostic]) -> Vec<&str> {
    diags.iter().map(|d| d.rule.as_str()).collect()
}

pub fn errors_of(diags: &[Diagnostic]) -> Vec<&Diagnostic> {
    diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

/// Says on standard error that (part of) the current test was skipped, and why. Written
/// to the process's standard error directly: `eprintln!` inside a test is captured by
/// the test harness and shown only when the test fails, so a skip would pass silently.
pub fn skip(why: &str) {
    use std::io::Write;
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("test");
    let _ = writeln!(std::io::stderr().lock(), "skipped ({test}): {why}");
}

/// `../shared` next to the repository, when present (it is not on users' machines).
pub fn shared() -> Option<PathBuf> {
    let dir = root().join("..").join("shared");
    if dir.is_dir() {
        Some(dir)
    } else {
        skip("../shared is absent, so the real reports are not checked");
        None
    }
}

/// Files of a folder of `../shared` with a given suffix, sorted.
pub fn shared_files(sub: &str, suffix: &str) -> Vec<PathBuf> {
    let Some(dir) = shared() else {
        return Vec::new();
    };
    let Ok(rd) = std::fs::read_dir(dir.join(sub)) else {
        skip(&format!("../shared/{sub} is absent or unreadable"));
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.retain(|p| p.to_string_lossy().ends_with(suffix));
    files.sort();
    files
}
pub mod convert;
#[cfg(feature = "server")]
pub mod http;
pub mod layouts;
pub mod numbered;
pub mod rng;
pub mod series;
pub mod webdriver;

/// RFC 4180 rows (quoted fields may hold commas, doubled quotes and line breaks).
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

/// A pack folder extending the national pack with one `[[pattern]]` rule E901 whose
/// `patterns` and `examples` lines are `patterns` and `examples` (TOML arrays).
pub fn one_rule_pack(dir: &Path, patterns: &str, examples: Option<&str>) {
    std::fs::write(
        dir.join("pack.toml"),
        "[pack]\nname = \"t\"\nextends = \"national\"\n",
    )
    .expect("write");
    let mut rules = format!(
        "[[pattern]]\nid = \"E901\"\nseverity = \"warning\"\nsummary = \"测试\"\n\
         description = \"测试\"\nexample = \"甲乙\"\npatterns = {patterns}\n\
         message = \"有「{{hit}}」\"\n"
    );
    if let Some(e) = examples {
        rules.push_str(&format!("examples = {e}\n"));
    }
    std::fs::write(dir.join("rules.toml"), rules).expect("write");
}
