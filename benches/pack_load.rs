//! How long does a pack take to be ready? A pre-commit hook pays it at every start.
//!
//! `cargo bench --bench pack_load` loads the built-in national pack and a province pack
//! (which extends it through `common`), and loads the national pack then lints one
//! report (the first use of every rule, so lazily built regexes are counted too).

use nianbao::{Linter, Pack};

fn main() {
    divan::main();
}

#[divan::bench]
fn national() -> usize {
    Pack::national().expect("national pack").rules.len()
}

/// What every start paid before the built-in examples moved to `cargo test`.
#[divan::bench]
fn national_with_examples() -> usize {
    Pack::builtin_with_examples("national")
        .expect("national pack")
        .rules
        .len()
}

#[divan::bench]
fn province_fujian() -> usize {
    Pack::builtin("fujian").expect("fujian pack").rules.len()
}

#[divan::bench(sample_count = 20)]
fn national_then_one_report(bencher: divan::Bencher) {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/report-with-defects.txt"),
    )
    .expect("example report");
    bencher.bench(|| {
        let linter = Linter::new(Pack::national().expect("national pack"));
        linter
            .lint_text("report.txt", text.clone())
            .expect("lints")
            .diagnostics
            .len()
    });
}
