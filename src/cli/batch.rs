//! The batch stage of `nianbao check`: after every report has been checked on its own
//! (and reduced to `series::ReportFacts`), pair the reports by body and consecutive
//! years — with last year's reports given by `--previous` too — run the series rules,
//! check the aggregates the configurations declare, and check again (and render again)
//! only the reports the series stage found something in. The facts wait in a
//! `series::Store` (spilled to a temporary file) while the batch is checked.

use std::collections::HashMap;
use std::ffi::OsString;
use std::sync::Arc;

use clap::Args;
use rayon::prelude::*;

use nianbao::config::Config;
use nianbao::series::store::Encoded;
use nianbao::series::{self, Aggregate, Identity, ReportFacts, SeriesOutcome, Store};
use nianbao::{Document, Input, Linter, Pack, load};

use super::configured;

#[derive(Args)]
pub(super) struct SeriesArgs {
    /// 上一年度报告所在的目录（可重复）：与本次检查的报告按发布机关配对，做跨年度核对；这些报告本身的问题不输出
    #[arg(long, value_name = "DIR")]
    pub previous: Vec<OsString>,
    /// 发布机关（报告标题中没有写明时使用），如 "某县财政局"
    #[arg(long, value_name = "NAME")]
    pub body: Option<String>,
    /// 报告年度（报告中无法推断时使用），如 2024
    #[arg(long, value_name = "YEAR", value_parser = clap::value_parser!(i32).range(2000..=2100))]
    pub year: Option<i32>,
}

/// A report's identity and compact facts, from its checked document.
pub(super) fn facts(
    linter: &Linter,
    config: &Config,
    input: &Input,
    doc: &Document,
    args: &SeriesArgs,
    pack: usize,
) -> ReportFacts {
    ReportFacts::of(doc, linter.pack(), pack, identity(config, input, doc, args))
}

/// Whose report it is: what its text says, else what the configuration and the
/// options state (a configuration entry for the file overrides the text).
pub(super) fn identity(
    config: &Config,
    input: &Input,
    doc: &Document,
    args: &SeriesArgs,
) -> Identity {
    let path = match input {
        Input::File(p) => Some(p.as_path()),
        Input::Stdin => None,
    };
    let (mut fallback, force) = config.stated(path);
    if args.body.is_some() {
        fallback.body.clone_from(&args.body);
    }
    if args.year.is_some() {
        fallback.year = args.year;
    }
    Identity::of(doc, &fallback, &force)
}

/// Reports of `--previous` reduced to facts at a time (in parallel): what waits in
/// memory before it is spilled.
const REFERENCE_CHUNK: usize = 64;

/// Last year's reports (`--previous`): loaded, parsed and reduced to facts with the
/// configuration found for each, added to `store`; never rendered. Packs are appended
/// to `packs`.
pub(super) fn references(
    args: &SeriesArgs,
    configs: &mut configured::Configs<'_>,
    load_options: &load::LoadOptions,
    offset: usize,
    packs: &mut Vec<Linter>,
    store: &mut Store,
    errors: &mut Vec<String>,
) {
    if args.previous.is_empty() {
        return;
    }
    let discovery = load::discover_all(&args.previous, &[]);
    for e in &discovery.errors {
        errors.push(format!("--previous：{}", e.message()));
    }
    let (groups, broken) = configured::group(configs, &args.previous, discovery.inputs);
    for (e, _) in &broken {
        errors.push(format!("--previous：{e}"));
    }
    for group in groups {
        let Ok(linter) = group.linter else { continue };
        let index = offset + packs.len();
        let config = group.config.clone();
        for chunk in group.inputs.chunks(REFERENCE_CHUNK) {
            let facts: Vec<Result<Encoded, String>> = chunk
                .par_iter()
                .map(|input| {
                    let outcome = load::load(input, load_options)
                        .and_then(|l| linter.lint_loaded(input.name(), l))
                        .map_err(|e| format!("--previous：{}：{}", e.path, e.message()))?;
                    let mut f = facts(&linter, &config, input, &outcome.document, args, index);
                    f.reference = true;
                    // Never part of an aggregate: kept only when it can be paired.
                    Ok(Encoded::of(&f, false))
                })
                .collect();
            for f in facts {
                match f {
                    Ok(f) => {
                        store.push(f);
                    }
                    Err(e) => errors.push(e),
                }
            }
        }
        packs.push(linter);
    }
}

/// The aggregates the configurations declare, as indexes into the batch (`paths`:
/// each report's file and configuration). A `total` matching no file, or several, is
/// an error message.
pub(super) fn aggregates(
    reports: &[(Option<&std::path::Path>, &Arc<Config>)],
    errors: &mut Vec<String>,
) -> Vec<Aggregate> {
    let mut out = Vec::new();
    let mut seen: Vec<*const Config> = Vec::new();
    for (_, config) in reports {
        let ptr = Arc::as_ptr(*config);
        if seen.contains(&ptr) {
            continue;
        }
        seen.push(ptr);
        for a in &config.aggregate {
            let find = |pattern: &str| -> Vec<usize> {
                reports
                    .iter()
                    .enumerate()
                    .filter(|(_, (p, _))| p.is_some_and(|p| config.matches(pattern, p)))
                    .map(|(i, _)| i)
                    .collect()
            };
            let totals = find(&a.value.total);
            let [total] = totals.as_slice() else {
                errors.push(format!(
                    "配置 {}：[[aggregate]] 的 total「{}」在本次检查的文件中{}",
                    a.origin.describe(),
                    a.value.total,
                    if totals.is_empty() {
                        "找不到"
                    } else {
                        "对应多个文件"
                    }
                ));
                continue;
            };
            let mut parts: Vec<usize> = a.value.parts.iter().flat_map(|p| find(p)).collect();
            parts.sort_unstable();
            parts.dedup();
            parts.retain(|p| p != total);
            if parts.is_empty() {
                errors.push(format!(
                    "配置 {}：[[aggregate]] 的 parts 在本次检查的文件中找不到",
                    a.origin.describe()
                ));
                continue;
            }
            out.push(Aggregate {
                total: *total,
                parts,
            });
        }
    }
    out
}

/// Runs the series stage over the batch; returns each report's outcome by index.
pub(super) fn run(
    store: &mut Store,
    packs: &[&Pack],
    aggregates: &[Aggregate],
) -> (series::Pairing, HashMap<usize, SeriesOutcome>) {
    series::check_stored(store, packs, aggregates)
}

/// The `-v` summary of the pairing.
pub(super) fn pairing_note(pairing: &series::Pairing, store: &mut Store) -> String {
    let mut s = format!("跨年度核对：{} 对相邻年度的报告", pairing.pairs.len());
    if !pairing.duplicates.is_empty() {
        let names: Vec<String> = pairing
            .duplicates
            .iter()
            .filter_map(|&i| store.path(i))
            .take(5)
            .collect();
        s.push_str(&format!(
            "；{} 份报告与其他报告的发布机关和年度相同，不参与配对（{}）",
            pairing.duplicates.len(),
            names.join("、")
        ));
    }
    s.push('\n');
    s
}
