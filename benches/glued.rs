//! What does decoding glued digit runs cost?
//!
//! `cargo bench --bench glued`:
//! * `pathological` — one 40-digit run decoded alone, for the shapes of the three
//!   tables: 表二 (3 cells, no relation: the reading cap decides), 表三 (7 cells, the
//!   row sum), 表四 (15 cells, three group totals). The search is bounded by
//!   `Limits` (cell width, readings kept, steps), so each must stay well under a
//!   millisecond whatever the digits.
//! * `parse_report` — parsing the example report with its tables as pipe rows and
//!   with every row's digits glued to its label (25 glued rows of 表三, 表四's run,
//!   表二's rows): the difference is what decoding a realistic table costs.

use nianbao::parse::glued::{GluedRow, Limits, LinearRelation, Op, decode_table};
use nianbao::{Document, Pack};

fn main() {
    divan::main();
}

/// `cells[last] = Σ cells[from..last]` on row 0.
fn total(from: usize, last: usize) -> LinearRelation {
    let mut terms: Vec<(i64, (usize, usize))> = (from..last).map(|c| (1, (0, c))).collect();
    terms.push((-1, (0, last)));
    LinearRelation {
        name: String::new(),
        terms,
        constant: 0,
        cmp: Op::Eq,
    }
}

#[divan::bench(args = ["t2_3_cells", "t3_7_cells", "t4_15_cells"])]
fn pathological(bencher: divan::Bencher, shape: &str) {
    let (n, relations) = match shape {
        "t2_3_cells" => (3, vec![]),
        "t3_7_cells" => (7, vec![total(0, 6)]),
        _ => (15, vec![total(0, 4), total(5, 9), total(10, 14)]),
    };
    // Digits that leave many cut points open (no zeros to force single-digit cells).
    let digits = "1123581321".repeat(4);
    let rows = [GluedRow {
        row: 0,
        columns: (0..n).collect(),
        digits,
    }];
    let limits = Limits::default();
    bencher.bench(|| decode_table(divan::black_box(&rows), &relations, &limits));
}

/// The example report with each row's numbers glued to its label.
fn glued(text: &str) -> String {
    let mut out = Vec::new();
    for line in text.lines() {
        let cells: Vec<&str> = line
            .split('|')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        let is_num = |c: &&str| c.chars().all(|ch| ch.is_ascii_digit());
        let nums: Vec<&str> = cells.iter().copied().filter(is_num).collect();
        if !line.contains('|') || nums.len() < 2 {
            out.push(line.to_string());
            continue;
        }
        let labels: Vec<&str> = cells.iter().copied().filter(|c| !is_num(c)).collect();
        if let Some((first, rest)) = labels.split_first().filter(|(_, r)| !r.is_empty()) {
            out.push(first.to_string());
            out.push(format!("{}{}", rest.concat(), nums.concat()));
        } else {
            out.push(format!("{}{}", labels.concat(), nums.concat()));
        }
    }
    out.join("\n")
}

#[divan::bench(args = ["pipe", "glued"])]
fn parse_report(bencher: divan::Bencher, layout: &str) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let pipe = std::fs::read_to_string(root.join("examples/report-2024.txt")).expect("example");
    let text = if layout == "glued" {
        glued(&pipe)
    } else {
        pipe
    };
    let pack = Pack::national().expect("pack");
    bencher.bench(|| Document::parse("r.txt", divan::black_box(text.clone()), &pack.templates));
}
