//! Developer tool: time spent per rule family (and parsing) on the benchmark inputs.
use std::time::Instant;
fn main() {
    let pack = nianbao::Pack::national().unwrap();
    let files = [
        "examples/report-2024.txt",
        "examples/report-with-defects.txt",
        "tests/fixtures/layout-one-cell-per-line.txt",
        "tests/fixtures/layout-columns.txt",
    ];
    let texts: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    let n = 400;
    let mut parse = 0.0;
    let mut fam = std::collections::BTreeMap::<char, f64>::new();
    let mut per = std::collections::BTreeMap::<String, f64>::new();
    for _ in 0..n {
        for text in &texts {
            let t = Instant::now();
            let doc = nianbao::Document::parse("r", text.clone(), &pack.templates);
            parse += t.elapsed().as_secs_f64();
            // The literal scan runs when the first rule asks (counted in that rule).
            let scan = pack.scanner.scan(&doc);
            for rule in &pack.rules {
                let t = Instant::now();
                let mut out = vec![];
                let mut cx = nianbao::rules::Context {
                    doc: &doc,
                    templates: &pack.templates,
                    meta: &rule.meta,
                    out: &mut out,
                    scan: &scan,
                    holding: &mut nianbao::rules::Holding::default(),
                };
                rule.check.check(&mut cx);
                let e = t.elapsed().as_secs_f64();
                let f = if rule.meta.kind == "content" {
                    'C'
                } else {
                    rule.meta.id.chars().next().unwrap()
                };
                *fam.entry(f).or_default() += e;
                *per.entry(rule.meta.id.clone()).or_default() += e;
            }
        }
    }
    let docs = (n * texts.len()) as f64;
    let us = |x: f64| x * 1e6 / docs;
    let total = parse + fam.values().sum::<f64>();
    println!(
        "per report: parse {:.1} µs, all {:.1} µs",
        us(parse),
        us(total)
    );
    for (f, t) in &fam {
        println!("  family {f}: {:.1} µs", us(*t));
    }
    let narrative: f64 = fam
        .iter()
        .filter(|(f, _)| "XNDEC".contains(**f))
        .map(|(_, t)| t)
        .sum();
    println!(
        "narrative rules (X N D E + content): {:.1} µs = {:.0}% of parse+check",
        us(narrative),
        100.0 * narrative / total
    );
    let mut v: Vec<_> = per.into_iter().collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1));
    for (id, t) in v.iter().take(6) {
        println!("  {id}: {:.1} µs", us(*t));
    }
}
