//! How fast is nianbao on a province's worth of reports?
//!
//! `cargo bench --bench lint_folder` writes 1,000 report files (the example reports in
//! four layouts) to a temporary folder and lints the folder the way `nianbao check`
//! does: discover, read, parse, check and render, in parallel. It also times a single
//! report (what a pre-commit hook pays per file). Both run with all rules and with the
//! narrative rules turned off (`tables_only`), to show what share of the time they take. The `*_tables_only` variants turn
//! the narrative rules (X, N, D, E and the section-content rules) off, to show what
//! share of the time they take.

use std::path::{Path, PathBuf};

use codespan_reporting::term::termcolor::Buffer;
use nianbao::report::human;
use nianbao::{Linter, Pack, load};
use rayon::prelude::*;

fn main() {
    divan::main();
}

const FILES: usize = 1000;

fn sources() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        "examples/report-2024.txt",
        "examples/report-with-defects.txt",
        "tests/fixtures/layout-one-cell-per-line.txt",
        "tests/fixtures/layout-columns.txt",
    ]
    .iter()
    .map(|p| std::fs::read_to_string(root.join(p)).expect("example report"))
    .collect()
}

fn folder() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let sources = sources();
    for i in 0..FILES {
        let path = dir.path().join(format!("report-{i:04}.txt"));
        std::fs::write(path, &sources[i % sources.len()]).expect("write");
    }
    let p = dir.path().to_path_buf();
    (dir, p)
}

fn lint_folder(linter: &Linter, dir: &Path) -> usize {
    let (inputs, _) = load::discover(&[dir.display().to_string()]);
    inputs
        .par_iter()
        .map(|input| {
            let outcome = linter.lint_input(input).expect("lints");
            let mut buf = Buffer::no_color();
            human::render(
                &mut buf,
                &outcome.document.path,
                &outcome.document.text,
                &outcome.diagnostics,
            );
            buf.as_slice().len()
        })
        .sum()
}

/// Which rules a benchmark runs: all of them, or without the narrative rules (X, N,
/// D, E and the section-content rules), to show the share those take.
#[derive(Clone, Copy, Debug)]
enum Rules {
    All,
    TablesOnly,
}

impl std::fmt::Display for Rules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Rules::All => "all_rules",
            Rules::TablesOnly => "tables_only",
        })
    }
}

fn linter(rules: Rules) -> Linter {
    let mut pack = Pack::national().expect("pack");
    if let Rules::TablesOnly = rules {
        for rule in &mut pack.rules {
            let narrative = matches!(rule.meta.id.chars().next(), Some('X' | 'N' | 'D' | 'E'))
                || rule.meta.kind == "content";
            if narrative {
                rule.enabled = false;
            }
        }
    }
    Linter::new(pack)
}

#[divan::bench(sample_count = 10, args = [Rules::All, Rules::TablesOnly])]
fn folder_of_1000_reports(bencher: divan::Bencher, rules: Rules) {
    let linter = linter(rules);
    let (_guard, dir) = folder();
    bencher.bench(|| lint_folder(&linter, &dir));
}

#[divan::bench(args = [Rules::All, Rules::TablesOnly])]
fn one_report(bencher: divan::Bencher, rules: Rules) {
    let linter = linter(rules);
    let text = sources().swap_remove(1);
    bencher.bench(|| {
        linter
            .lint_text("r.txt", text.clone())
            .map(|o| o.diagnostics.len())
            .unwrap_or(0)
    });
}

/// A 50 MB web page (the example report followed by filler paragraphs and tables,
/// partly on one very long line): reading it must stay linear in its size.
#[divan::bench(sample_count = 3)]
fn large_web_page_50mb(bencher: divan::Bencher) {
    let linter = Linter::new(Pack::national().expect("pack"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let page =
        std::fs::read_to_string(root.join("tests/fixtures/formats/report-with-defects.html"))
            .expect("fixture");
    let mut big = page.replace("</div>\n</body>\n</html>\n", "");
    let para = "<p>附：本栏目其他信息，共 12 条，详见网站。</p>\n";
    let table = "<table><tr><td width=\"10\">序号</td><td>名称</td></tr><tr><td>1</td><td>通知&nbsp;公告</td></tr></table>";
    while big.len() < 40 * 1024 * 1024 {
        big.push_str(para);
    }
    while big.len() < 50 * 1024 * 1024 {
        big.push_str(table);
    }
    big.push_str("</div>\n</body>\n</html>\n");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("big.html");
    std::fs::write(&path, big).expect("write");
    let input = nianbao::Input::File(path);
    bencher.bench(|| {
        linter
            .lint_input(&input)
            .map(|o| o.diagnostics.len())
            .unwrap_or(0)
    });
}

#[divan::bench]
fn parse_only(bencher: divan::Bencher) {
    let pack = Pack::national().expect("pack");
    let text = sources().swap_remove(1);
    bencher.bench(|| {
        nianbao::Document::parse("r.txt", text.clone(), &pack.templates)
            .tables
            .len()
    });
}

#[divan::bench]
fn load_national_pack() -> usize {
    Pack::national().map(|p| p.rules.len()).unwrap_or(0)
}
