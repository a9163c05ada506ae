//! Never a panic: thousands of damaged versions of real-looking reports go through the
//! loader and the linter. The edits are random but deterministic (a fixed seed), so a
//! failure is reproducible.

use crate::common;
use common::rng::Rng;

use std::panic;

/// Characters that stress the parser: separators, numerals, brackets, damage, markup.
const PIECES: &[&str] = &[
    "|",
    " | ",
    "\n",
    "  ",
    "一、",
    "（三）",
    "1.",
    "?",
    "\u{FFFD}",
    "０",
    "12",
    "-",
    "/",
    "其中",
    "件",
    "总计",
    "行政复议",
    "收到政府信息公开申请",
    "</span>",
    "&nbsp;",
    "，",
    "。",
    "统计期限自2024年1月1日起至",
    "四、结转下年度继续办理 | 1 |",
    "资金资金",
    "\t",
    "\r\n",
    "十二",
    "余",
    "—",
    "、",
    "：",
];

fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut s = text.to_string();
    for _ in 0..1 + rng.below(4) {
        let at = floor(&s, rng.below(s.len() + 1));
        match rng.below(5) {
            0 => {
                let end = floor(&s, at + rng.below(200));
                s.replace_range(at..end, "");
            }
            1 => s.insert_str(at, PIECES[rng.below(PIECES.len())]),
            2 => {
                let end = floor(&s, at + rng.below(120));
                let copy = s[at..end].to_string();
                s.insert_str(end, &copy);
            }
            3 => s.truncate(at),
            _ => {
                let end = floor(&s, at + 1 + rng.below(8));
                let replacement = PIECES[rng.below(PIECES.len())];
                s.replace_range(at..end, replacement);
            }
        }
    }
    s
}

#[test]
fn damaged_reports_never_panic() {
    let linter = common::national();
    let mut sources: Vec<String> = [
        "examples/report-2024.txt",
        "examples/report-with-defects.txt",
        "tests/fixtures/layout-one-cell-per-line.txt",
        "tests/fixtures/layout-columns.txt",
    ]
    .iter()
    .map(|p| common::read(p))
    .collect();
    // The real reports too, when ../shared is present.
    for path in common::shared_files("seeds", ".txt")
        .into_iter()
        .chain(common::shared_files("corpus/pdf-layout", ".txt"))
    {
        if let Ok(text) = std::fs::read_to_string(path) {
            sources.push(text);
        }
    }
    // NIANBAO_ROBUSTNESS_SEED / _ROUNDS explore further locally; CI uses the defaults.
    let seed = std::env::var("NIANBAO_ROBUSTNESS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x9E37_79B9_7F4A_7C15);
    let rounds: usize = std::env::var("NIANBAO_ROBUSTNESS_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1500);
    let mut rng = Rng(seed);
    let mut linted = 0;
    for round in 0..rounds {
        let text = mutate(&sources[round % sources.len()], &mut rng);
        let result = panic::catch_unwind(panic::AssertUnwindSafe(|| {
            if let Ok(outcome) = linter.lint_text("mutated.txt", text.clone()) {
                // Every span must be usable: on char boundaries and inside the text.
                for d in &outcome.diagnostics {
                    for span in std::iter::once(&d.primary).chain(d.labels.iter().map(|l| &l.span))
                    {
                        assert!(
                            span.start <= span.end && span.end <= text.len(),
                            "{} {:?}",
                            d.rule,
                            span
                        );
                        assert!(
                            text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
                            "{}",
                            d.rule
                        );
                    }
                    let _ = nianbao::report::json::convert(&outcome.document, d);
                }
                let mut buf = codespan_reporting::term::termcolor::Buffer::no_color();
                nianbao::report::human::render(
                    &mut buf,
                    "m.txt",
                    &outcome.document.text,
                    &outcome.diagnostics,
                );
                return true;
            }
            false
        }));
        match result {
            Ok(ok) => linted += usize::from(ok),
            Err(_) => panic!("panicked on mutation round {round}; text:\n{text}"),
        }
    }
    assert!(
        linted * 3 > rounds * 2,
        "most mutations are still reports: {linted}/{rounds}"
    );
}

#[test]
fn random_bytes_never_panic_the_loader() {
    let mut rng = Rng(42);
    let clean = common::clean().into_bytes();
    for round in 0..400 {
        let mut bytes: Vec<u8> = if round % 2 == 0 {
            (0..rng.below(3000))
                .map(|_| (rng.next() & 0xFF) as u8)
                .collect()
        } else {
            clean.clone()
        };
        // Flip some bytes of real text, or prepend a zip or HTML signature.
        for _ in 0..rng.below(20) {
            let i = rng.below(bytes.len());
            if let Some(b) = bytes.get_mut(i) {
                *b = (rng.next() & 0xFF) as u8;
            }
        }
        let name = match round % 4 {
            0 => "r.docx",
            1 => "r.html",
            2 => "r.md",
            _ => "r.txt",
        };
        if round % 7 == 0 {
            let mut zip = b"PK\x03\x04".to_vec();
            zip.extend_from_slice(&bytes);
            bytes = zip;
        }
        let result = panic::catch_unwind(panic::AssertUnwindSafe(|| {
            let opts = nianbao::load::LoadOptions::default();
            if let Ok(loaded) = nianbao::load::from_bytes(name, &bytes, None, &opts) {
                let _ = common::national().lint_loaded(name, loaded);
            }
        }));
        assert!(result.is_ok(), "panicked on round {round} ({name})");
    }
}
