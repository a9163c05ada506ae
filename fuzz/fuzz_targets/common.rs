// Shared by the targets: the national pack built once per process, and the
// reader-then-linter path every target ends with.

use std::sync::OnceLock;

use nianbao::load::{self, Format};
use nianbao::{Linter, LoadOptions, Pack};

pub fn linter() -> &'static Linter {
    static LINTER: OnceLock<Linter> = OnceLock::new();
    LINTER.get_or_init(|| Linter::new(Pack::national().expect("the built-in pack loads")))
}

/// Reads `data` as a file named `name` in `format`, and checks what was read. Errors
/// are fine (they are values); a panic, a hang or unbounded memory is a finding.
pub fn read_and_lint(name: &str, data: &[u8], format: Format) {
    let Ok(loaded) = load::from_bytes(name, data, Some(format), &LoadOptions::default()) else {
        return;
    };
    check_spans(&loaded.text, &loaded.source);
    if let Ok(outcome) = linter().lint_loaded(name, loaded) {
        let text = &outcome.document.text;
        for d in &outcome.diagnostics {
            assert!(
                text.is_char_boundary(d.primary.start) && text.is_char_boundary(d.primary.end),
                "{}: span {:?} off a character boundary",
                d.rule,
                d.primary
            );
        }
    }
}

/// The source map is sorted, disjoint, inside the extracted text, and its ranges
/// into the original (HTML) lie inside the original.
fn check_spans(text: &str, source: &nianbao::SourceInfo) {
    let mut end = 0;
    for s in source.map.segments() {
        assert!(
            s.text.start >= end && s.text.end <= text.len(),
            "{:?}",
            s.text
        );
        end = s.text.end;
        if let (Some(original), load::Origin::Within(r)) = (&source.original, &s.origin) {
            assert!(r.start <= r.end && r.end <= original.len(), "{r:?}");
        }
        if let (Some(original), load::Origin::Exact(at)) = (&source.original, &s.origin) {
            assert!(*at <= original.len(), "{at}");
        }
    }
}
