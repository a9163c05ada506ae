//! `nianbao check`: find the inputs, lint each with its configuration, write the
//! findings in the chosen format and decide the exit code.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use codespan_reporting::term::termcolor::Buffer;
use rayon::prelude::*;

use nianbao::report::{human, json};
use nianbao::{Counts, Input, Outcome, Pack, load};

use super::{
    ColorChoice, InputArgs, PackArgs, configured, output, render_load_error, report_pack_error,
    use_color, write_stderr, write_stderr_text, write_stdout,
};

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// 带源码片段的可读输出
    Human,
    /// 一个 JSON 数组，每个问题一个对象（格式见 README）
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Info,
}

#[derive(Args)]
pub(super) struct CheckArgs {
    /// 要检查的报告：文件、目录（其中所有 .txt、.md、.docx、.html、.htm 文件）或 -（标准输入）
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<OsString>,
    #[command(flatten)]
    input: InputArgs,
    /// 检查目录时只取文件名符合此模式的文件（如 "*.docx"；可重复）；默认取 .txt、.md、.docx、.html、.htm
    #[arg(long, value_name = "PATTERN")]
    glob: Vec<String>,
    /// 输出格式（默认取配置文件的 format，否则 human）
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// 达到此级别的问题使退出码为 1（默认取配置文件的 fail-on，否则 error）
    #[arg(long, value_enum, value_name = "LEVEL")]
    fail_on: Option<FailOn>,
    /// 是否使用颜色
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
    #[command(flatten)]
    pack: PackArgs,
    /// 同时显示推断的报告年度和各统计表的识别情况（输出到标准错误）
    #[arg(short, long)]
    verbose: bool,
    #[command(flatten)]
    series: super::batch::SeriesArgs,
}

/// What checking one input produced, rendered.
struct FileResult {
    counts: Counts,
    failed: bool,
    /// A finding at or above the configuration's `fail-on` level.
    fails: bool,
    stdout: Buffer,
    stderr: Buffer,
    json: Vec<json::JsonDiagnostic>,
    /// What the series stage needs of this report (`batch`).
    facts: Option<nianbao::series::ReportFacts>,
}

pub(super) fn run(args: CheckArgs) -> ExitCode {
    let out_color = use_color(args.color, std::io::stdout().is_terminal());
    let err_color = use_color(args.color, std::io::stderr().is_terminal());

    let load::Discovery {
        inputs,
        errors: discovery_errors,
        skipped,
    } = load::discover_all(&args.paths, &args.glob);
    write_stderr_text(&output::skipped_notes(&skipped));
    let mut failed = !discovery_errors.is_empty();
    for e in &discovery_errors {
        let mut buf = human::buffer(err_color);
        render_load_error(&mut buf, e);
        write_stderr(&buf);
    }

    let fail_on = args.fail_on.map(|f| match f {
        FailOn::Error => nianbao::Severity::Error,
        FailOn::Warning => nianbao::Severity::Warning,
        FailOn::Info => nianbao::Severity::Info,
    });
    let mut configs = configured::Configs::new(configured::Overrides {
        pack: &args.pack,
        fail_on,
    });
    let (groups, broken) = configured::group(&mut configs, &args.paths, inputs);
    let mut unusable = 0;
    for (err, inputs) in &broken {
        report_pack_error(err);
        failed = true;
        unusable += inputs.len();
    }
    // The output format: the option, else the configuration of the first file.
    let format =
        args.format
            .unwrap_or_else(|| match groups.first().map(|g| g.config.format.value) {
                Some(nianbao::config::OutputFormat::Json) => Format::Json,
                _ => Format::Human,
            });

    let mut counts = Counts::default();
    let mut all_json = Vec::new();
    let mut checked = 0;
    let mut fails = false;
    // Every report is checked on its own first; the series stage (`batch`) then pairs
    // them and checks again only those it found something in.
    let mut packs: Vec<&Pack> = Vec::new();
    let mut results: Vec<(usize, usize, FileResult)> = Vec::new();
    for (gi, group) in groups.iter().enumerate() {
        let linter = match &group.linter {
            Ok(l) => l,
            Err(e) => {
                report_pack_error(e);
                failed = true;
                unusable += group.inputs.len();
                continue;
            }
        };
        let pi = packs.len();
        packs.push(linter.pack());
        let rs: Vec<FileResult> = group
            .inputs
            .par_iter()
            .map(|input| {
                let how = How {
                    args: &args,
                    format,
                    out_color,
                    err_color,
                };
                check_one(linter, &group.config, input, &how, pi, None)
            })
            .collect();
        results.extend(rs.into_iter().enumerate().map(|(ii, r)| (gi, ii, r)));
    }
    let mut series_errors = Vec::new();
    let mut reference_linters = Vec::new();
    let references = super::batch::references(
        &args.series,
        &mut configs,
        &args.input.options(),
        packs.len(),
        &mut reference_linters,
        &mut series_errors,
    );
    packs.extend(reference_linters.iter().map(|l| l.pack()));
    let mut facts = Vec::new();
    let mut owner: Vec<Option<usize>> = Vec::new();
    let mut placed = Vec::new();
    for (ri, (gi, ii, r)) in results.iter_mut().enumerate() {
        if let Some(f) = r.facts.take() {
            facts.push(f);
            owner.push(Some(ri));
            let path = match &groups[*gi].inputs[*ii] {
                Input::File(p) => Some(p.clone()),
                Input::Stdin => None,
            };
            placed.push((path, groups[*gi].config.clone()));
        }
    }
    let aggregates = super::batch::aggregates(&placed, &mut series_errors);
    for r in references {
        facts.push(r);
        owner.push(None);
    }
    let (pairing, outcomes) = super::batch::run(&mut facts, &packs, &aggregates);
    if args.verbose {
        write_stderr_text(&super::batch::pairing_note(&pairing, &facts));
    }
    drop(facts);
    for e in &series_errors {
        write_stderr_text(&format!("warning: {e}\n"));
    }
    let again: Vec<(usize, &nianbao::series::SeriesOutcome)> = outcomes
        .iter()
        .filter_map(|(fi, o)| owner.get(*fi).copied().flatten().map(|ri| (ri, o)))
        .collect();
    let redone: Vec<(usize, FileResult)> = again
        .par_iter()
        .filter_map(|&(ri, o)| {
            let (gi, ii, _) = results.get(ri)?;
            let group = groups.get(*gi)?;
            let linter = group.linter.as_ref().ok()?;
            let how = How {
                args: &args,
                format,
                out_color,
                err_color,
            };
            let input = group.inputs.get(*ii)?;
            Some((
                ri,
                check_one(linter, &group.config, input, &how, 0, Some(o)),
            ))
        })
        .collect();
    for (ri, new) in redone {
        if let Some((_, _, r)) = results.get_mut(ri)
            && !new.failed
        {
            r.counts = new.counts;
            r.fails = new.fails;
            r.stdout = new.stdout;
            r.json = new.json;
        }
    }
    for (_, _, r) in results {
        counts.merge(r.counts);
        failed |= r.failed;
        fails |= r.fails;
        checked += usize::from(!r.failed);
        write_stderr(&r.stderr);
        match format {
            Format::Human => write_stdout(r.stdout.as_slice()),
            Format::Json => all_json.extend(r.json),
        }
    }
    let total = groups.iter().map(|g| g.inputs.len()).sum::<usize>() + unusable;

    match format {
        Format::Json => match serde_json::to_string_pretty(&all_json) {
            Ok(s) => write_stdout(format!("{s}\n").as_bytes()),
            Err(e) => {
                eprintln!("error: 无法生成 JSON：{e}");
                return ExitCode::from(2);
            }
        },
        Format::Human => {
            let unreadable = total + discovery_errors.len() - checked;
            write_stdout(summary(checked, unreadable, counts).as_bytes());
        }
    }

    if failed {
        ExitCode::from(2)
    } else if fails {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// How findings are written (the same for every file of a run).
struct How<'a> {
    args: &'a CheckArgs,
    format: Format,
    out_color: bool,
    err_color: bool,
}

/// Checks one input; with `series`, adds what the series stage found for it (a second
/// pass, for the reports it found something in).
fn check_one(
    linter: &nianbao::Linter,
    config: &nianbao::config::Config,
    input: &Input,
    how: &How<'_>,
    pack: usize,
    series: Option<&nianbao::series::SeriesOutcome>,
) -> FileResult {
    let How {
        args,
        format,
        out_color,
        err_color,
    } = *how;
    let mut result = FileResult {
        counts: Counts::default(),
        failed: false,
        fails: false,
        stdout: human::buffer(out_color),
        stderr: human::buffer(err_color),
        json: Vec::new(),
        facts: None,
    };
    let options = args.input.options();
    let outcome = load::load(input, &options).and_then(|l| linter.lint_loaded(input.name(), l));
    match outcome {
        Ok(mut outcome) => {
            match series {
                Some(o) => nianbao::series::apply(o, &mut outcome.diagnostics),
                None => {
                    result.facts = Some(super::batch::facts(
                        linter,
                        config,
                        input,
                        &outcome.document,
                        &args.series,
                        pack,
                    ));
                }
            }
            if let Input::File(path) = input {
                config.keep(path, &mut outcome.diagnostics);
            }
            result.counts = Counts::of(&outcome.diagnostics);
            result.fails = outcome.diagnostics.iter().any(|d| config.fails(d.severity));
            if args.verbose && series.is_none() {
                let _ = result
                    .stderr
                    .write_all(verbose_info(linter.pack(), &outcome).as_bytes());
                let identity =
                    super::batch::describe(config, input, &outcome.document, &args.series);
                let _ = writeln!(result.stderr, "  {identity}");
            }
            match format {
                Format::Human => human::render_document(
                    &mut result.stdout,
                    &outcome.document,
                    &outcome.diagnostics,
                ),
                Format::Json => {
                    result.json = outcome
                        .diagnostics
                        .iter()
                        .map(|d| json::convert(&outcome.document, d))
                        .collect();
                }
            }
        }
        Err(e) => {
            result.failed = true;
            render_load_error(&mut result.stderr, &e);
        }
    }
    result
}

fn verbose_info(pack: &Pack, outcome: &Outcome) -> String {
    let doc = &outcome.document;
    let mut s = format!("{}：\n", nianbao::report::visible::visible_line(&doc.path));
    s.push_str(&format!(
        "  格式：{}，编码 {}\n",
        doc.source.kind.chinese(),
        doc.source.encoding
    ));
    match &doc.year {
        Some(y) => s.push_str(&format!("  {}\n", y.describe())),
        None => s.push_str("  报告年度：无法推断\n"),
    }
    match &doc.body {
        Some(b) => s.push_str(&format!("  {}\n", b.describe())),
        None => s.push_str("  发布机关：无法推断（只适用于某一级别的规则不检查）\n"),
    }
    s.push_str(&format!("  识别到的章节：{}\n", {
        let names: Vec<String> = doc
            .outline
            .sections
            .iter()
            .map(|h| pack.templates.sections[h.template].number.clone())
            .collect();
        if names.is_empty() {
            "无".to_string()
        } else {
            names.join("、")
        }
    }));
    for (tpl, table) in pack.templates.tables.iter().zip(&doc.tables) {
        let rows = tpl.rows.iter().filter(|r| !r.group).count();
        let found = tpl
            .rows
            .iter()
            .zip(&table.rows)
            .filter(|(t, r)| !t.group && r.is_found())
            .count();
        // How many cells hold a number read with certainty: a table whose labels were
        // found but none of whose figures could be attributed is not "read".
        let values = table
            .rows
            .iter()
            .flat_map(|r| &r.cells)
            .filter(|c| matches!(c.value, nianbao::parse::CellValue::Number(_)))
            .count();
        let status = match &table.status {
            nianbao::parse::TableStatus::Found if values == 0 => {
                "找到了标签，但没有读到任何可归入单元格的数值".to_string()
            }
            nianbao::parse::TableStatus::Found => format!("已识别（读到 {values} 个数值）"),
            nianbao::parse::TableStatus::Missing => "未找到".to_string(),
            nianbao::parse::TableStatus::Unreadable(r) => format!("无法识别（{r}）"),
        };
        let layout = table.layout.chinese();
        s.push_str(&format!(
            "  {}：{status}，{found}/{rows} 行，{layout}\n",
            tpl.name
        ));
    }
    s
}

fn summary(checked: usize, unreadable: usize, c: Counts) -> String {
    let mut s = format!("\n检查了 {checked} 个文件");
    if c.errors + c.warnings + c.infos == 0 {
        s.push_str("，没有发现问题");
    } else {
        s.push_str(&format!("：{} 个错误，{} 个警告", c.errors, c.warnings));
        if c.infos > 0 {
            s.push_str(&format!("，{} 个提示", c.infos));
        }
    }
    if unreadable > 0 {
        s.push_str(&format!("；{unreadable} 个路径无法检查（见标准错误输出）"));
    }
    s.push('\n');
    s
}
