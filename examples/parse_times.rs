use std::time::Instant;
fn main() {
    let pack = nianbao::Pack::national().unwrap();
    let path = std::env::args()
        .nth(1)
        .unwrap_or("examples/report-with-defects.txt".into());
    let text = std::fs::read_to_string(&path).unwrap();
    let n = 300;
    let lines = nianbao::parse::LineIndex::new(&text);
    let t = Instant::now();
    let mut outline = None;
    for _ in 0..n {
        outline = Some(nianbao::parse::outline::find(
            &text,
            &lines,
            &pack.templates,
        ));
    }
    println!(
        "outline {:>8.1} µs",
        t.elapsed().as_secs_f64() * 1e6 / n as f64
    );
    let outline = outline.unwrap();
    for (ti, tpl) in pack.templates.tables.iter().enumerate() {
        let region = outline.first(tpl.section.unwrap()).unwrap().body.clone();
        let t = Instant::now();
        let mut toks = vec![];
        for _ in 0..n {
            toks = nianbao::parse::tokens::tokenize(&text, &lines, region.clone());
        }
        let tt = t.elapsed().as_secs_f64() * 1e6 / n as f64;
        let t = Instant::now();
        for _ in 0..n {
            nianbao::parse::tables::read(ti, tpl, &toks, region.clone());
        }
        println!(
            "{} tokenize {:>7.1} µs  read {:>7.1} µs  ({} tokens)",
            tpl.name,
            tt,
            t.elapsed().as_secs_f64() * 1e6 / n as f64,
            toks.len()
        );
    }
    let t = Instant::now();
    for _ in 0..n {
        nianbao::parse::year::infer(&text, &outline);
    }
    println!(
        "year {:>8.1} µs",
        t.elapsed().as_secs_f64() * 1e6 / n as f64
    );
    let t = Instant::now();
    for _ in 0..n {
        nianbao::parse::Narrative::build(&text, &lines, &[]);
    }
    println!(
        "narrative {:>8.1} µs",
        t.elapsed().as_secs_f64() * 1e6 / n as f64
    );
}
