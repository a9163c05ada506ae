//! The batch's spill of series facts (`series::store`): every report's facts read back
//! exactly as extracted (over generated reports: random figures, glued rows, copied
//! and stale text, cut-off reports, reports with no title), and a spilled batch finds
//! exactly what the same batch held in memory finds — pairs, duplicates, settled glued
//! rows used by the next year and by an aggregate.

use crate::common;

use std::collections::BTreeMap;

use common::rng::Rng;
use common::series::{Year, body_name, render};
use nianbao::series::store::{Encoded, Store};
use nianbao::series::{
    self, Aggregate, FactsSource, Identity, Pairing, ReportFacts, SeriesOutcome, Stated,
};
use nianbao::{Document, Pack};

/// A report of `body` for `year` with random figures and defects.
fn random_year(rng: &mut Rng, body: &str, year: i32) -> Year {
    let mut y = Year::new(body, year);
    y.issued = rng.below_u32(20);
    y.repealed = rng.below_u32(6);
    y.in_force = rng.below_u32(300);
    y.new = rng.below_u32(120);
    y.carried = rng.below_u32(12);
    y.carry_next = rng.below_u32(y.new + y.carried + 1);
    y.cumulative = rng.below_u32(2000);
    y.wording = rng.below_u32(6) as usize;
    y.five_from = rng.chance(4).then(|| rng.below_u32(6) as usize);
    y.stale_year = rng.chance(4).then_some(year - 1);
    y.glued_t2 = rng.chance(4);
    y.cleanup_note = rng.chance(5);
    y
}

/// Its text, now and then cut off or without its title line.
fn random_text(rng: &mut Rng, y: &Year) -> String {
    let mut text = render(y);
    if rng.chance(8) {
        let keep = rng.below_u32(text.chars().count() as u32) as usize;
        text = text.chars().take(keep).collect();
    }
    if rng.chance(10)
        && let Some(i) = text.find('\n')
    {
        text = text[i + 1..].to_string();
    }
    text
}

fn lint(name: &str, text: &str) -> Document {
    common::national()
        .lint_text(name.to_string(), text.to_string())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .document
}

fn facts_of(doc: &Document, reference: bool) -> ReportFacts {
    let pack = common::national().pack();
    let identity = Identity::of(doc, &Stated::default(), &Stated::default());
    let mut f = ReportFacts::of(doc, pack, 0, identity);
    f.reference = reference;
    f
}

fn packs() -> Vec<&'static Pack> {
    vec![common::national().pack()]
}

#[test]
fn facts_read_back_from_the_spill_exactly() {
    let packs = packs();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut docs = Vec::new();
    for i in 0..240 {
        let y = random_year(&mut rng, &body_name(i % 60), 2020 + (i % 5) as i32);
        let text = random_text(&mut rng, &y);
        docs.push(lint(&format!("r{i}.txt"), &text));
    }
    let mut store = Store::new();
    let mut memory = Store::in_memory();
    let mut shown = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        let f = facts_of(doc, i % 7 == 0);
        let debug = format!("{f:?}");
        // The record alone.
        let record = f.encode();
        let back = ReportFacts::decode(&record, &packs).expect("decodes");
        assert_eq!(format!("{back:?}"), debug, "report {i}");
        assert_eq!(back.encode(), record, "report {i}: encoded again");
        // A cut record is malformed, never other facts.
        for cut in [0, 1, record.len() / 2, record.len() - 1] {
            assert!(ReportFacts::decode(&record[..cut], &packs).is_none());
        }
        assert_eq!(store.push(Encoded::of(&f, true)), i);
        memory.push(Encoded::of(&f, true));
        shown.push(debug);
    }
    // Enough to have gone to the file, not only the write buffer.
    assert!(store.spilled() > 0, "nothing written to the temporary file");
    assert_eq!(memory.spilled(), 0);
    for (i, debug) in shown.iter().enumerate() {
        for s in [&mut store, &mut memory] {
            let f = s.load(i, &packs).expect("kept");
            assert_eq!(&format!("{f:?}"), debug, "report {i} from the store");
        }
    }
    assert!(store.warning.is_none(), "{:?}", store.warning);
    // Every kind of fact took part.
    let all = shown.join("\n");
    for kind in [
        "Cumulative([Cumulative",
        "Fingerprint(Fingerprint",
        "Years(YearSentences { masked: [(",
        "Explained(Some(",
        "glued: Some(",
        "location: None",
    ] {
        assert!(all.contains(kind), "no {kind} in the generated facts");
    }
}

#[test]
fn a_report_that_cannot_be_paired_keeps_no_record_unless_an_aggregate_may_need_it() {
    let doc = lint("x.txt", "一、总体情况\n本年收到申请12件。\n");
    let f = facts_of(&doc, false);
    assert!(f.identity.key.is_none());
    let mut store = Store::in_memory();
    let i = store.push(Encoded::of(&f, false));
    assert!(store.load(i, &packs()).is_none());
    let j = store.push(Encoded::of(&f, true));
    assert!(store.load(j, &packs()).is_some());
}

/// The pairing and every outcome, comparable.
fn shown(pairing: &Pairing, outcomes: &std::collections::HashMap<usize, SeriesOutcome>) -> String {
    let sorted: BTreeMap<_, _> = outcomes.iter().collect();
    format!("{:?}\n{:?}\n{sorted:#?}", pairing.pairs, pairing.duplicates)
}

#[test]
fn a_spilled_batch_finds_what_the_batch_in_memory_finds() {
    let packs = packs();
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    let mut texts: Vec<(String, String, bool)> = Vec::new();
    // Random series, some with a report twice, a gap or a last year's reference.
    for b in 0..30 {
        let body = body_name(b);
        let years = 2 + rng.below_u32(3) as i32;
        for k in 0..years {
            let year = 2021 + k;
            if rng.chance(9) {
                continue;
            }
            let y = random_year(&mut rng, &body, year);
            let text = random_text(&mut rng, &y);
            texts.push((
                format!("{body}/{year}.txt"),
                text.clone(),
                k == 0 && b % 5 == 0,
            ));
            if rng.chance(15) {
                texts.push((format!("{body}/{year}-copy.txt"), text, false));
            }
        }
    }
    // A glued row settled by last year's figures, then used by the next year and by
    // the aggregate it is part of.
    let first = Year::new("甲镇人民政府", 2022);
    let mut glued = first.next();
    glued.issued = 4;
    glued.repealed = 2;
    glued.in_force = 14;
    glued.glued_t2 = true;
    let mut other = Year::new("乙镇人民政府", 2023);
    other.issued = 1;
    other.repealed = 0;
    other.in_force = 10;
    let mut total = Year::new("某县人民政府", 2023);
    total.issued = 5;
    total.repealed = 2;
    total.in_force = 25; // 14 + 10 = 24
    let base = texts.len();
    for y in [&total, &first, &glued, &other] {
        texts.push((format!("{}/{}.txt", y.body, y.year), render(y), false));
    }
    let aggregates = [Aggregate {
        total: base,
        parts: vec![base + 2, base + 3],
    }];

    let docs: Vec<Document> = texts.iter().map(|(n, t, _)| lint(n, t)).collect();
    let mut in_memory: Vec<ReportFacts> = docs
        .iter()
        .zip(&texts)
        .map(|(d, (_, _, r))| facts_of(d, *r))
        .collect();
    let (pairing, outcomes) = series::check_series(&mut in_memory, &packs, &aggregates);
    let expected = shown(&pairing, &outcomes);

    let mut store = Store::new();
    for (d, (_, _, r)) in docs.iter().zip(&texts) {
        store.push(Encoded::of(&facts_of(d, *r), true));
    }
    let (pairing, outcomes) = series::check_stored(&mut store, &packs, &aggregates);
    assert!(store.warning.is_none(), "{:?}", store.warning);
    assert_eq!(shown(&pairing, &outcomes), expected);

    // What was compared is not nothing.
    assert!(pairing.pairs.len() >= 20, "{} pairs", pairing.pairs.len());
    assert!(!pairing.duplicates.is_empty());
    assert!(outcomes.len() >= 10, "{} outcomes", outcomes.len());
    assert!(!outcomes[&(base + 2)].settled.is_empty(), "settled");
    let y201: Vec<&str> = outcomes[&base]
        .diagnostics
        .iter()
        .filter(|d| d.rule == "Y201")
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        y201.iter()
            .any(|m| m.contains("现行有效件数") && m.contains("24")),
        "the aggregate reads the settled cells: {y201:#?}"
    );
}
