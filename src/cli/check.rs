//! `nianbao check`: find the inputs, lint each with its configuration, write the
//! findings in the chosen format and decide the exit code.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use codespan_reporting::term::termcolor::Buffer;
use rayon::prelude::*;

use nianbao::report::emit::{self, Checked, Emitter, Summary};
use nianbao::report::human;
use nianbao::{Input, LoadError, Outcome, Pack, load};

use super::baseline::{BaselineArgs, FileBaseline};
use super::sink::Sink;
use super::stream;
use super::{
    ColorChoice, InputArgs, PackArgs, configured, output, render_load_error, report_pack_error,
    scan, use_color, write_stderr, write_stderr_text,
};

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// 带源码片段的可读输出（默认）
    Human,
    /// 每个问题一行：路径:行:列: 规则编号 说明
    Concise,
    /// 一个 JSON 数组，每个问题一个对象（格式见 README）
    Json,
    /// 每行一个 JSON 对象（JSON Lines），每个问题一行
    Jsonl,
    /// SARIF 2.1.0，供 GitHub 代码扫描等工具读取
    Sarif,
    /// GitHub Actions 工作流命令：在拉取请求的文件上显示问题
    Github,
    /// JUnit XML：每个文件一个测试用例，每个问题一个 failure
    Junit,
    /// CSV 表格（UTF-8，可用 Excel 打开）：每个问题一行，含文件、发布机关、年度、规则、位置、说明和建议
    Csv,
    /// 一个自包含的 HTML 总览文件（可离线打开、可邮寄给各单位）：各份报告的问题数和最严重的规则（可排序）、各规则的问题数，以及每份报告的问题、原文摘录、说明和建议
    Html,
}

impl Format {
    fn library(self) -> emit::Format {
        match self {
            Format::Human => emit::Format::Human,
            Format::Concise => emit::Format::Concise,
            Format::Json => emit::Format::Json,
            Format::Jsonl => emit::Format::Jsonl,
            Format::Sarif => emit::Format::Sarif,
            Format::Github => emit::Format::Github,
            Format::Junit => emit::Format::Junit,
            Format::Csv => emit::Format::Csv,
            Format::Html => emit::Format::Html,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    /// 只有错误使退出码为 1
    Error,
    /// 错误和警告都使退出码为 1
    Warning,
    /// 任何问题（包括提示）都使退出码为 1
    Info,
}

#[derive(Args)]
pub(super) struct CheckArgs {
    /// 要检查的报告：文件、目录（其中所有 .txt、.md、.docx、.html、.htm 文件）或 -（标准输入）
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<OsString>,
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    scan: scan::ScanArgs,
    /// 输出格式（默认取配置文件的 format，否则 human）
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// 把结果写入此文件（写完后一次替换，不会留下写了一半的文件），而不是标准输出
    #[arg(short, long, value_name = "FILE")]
    output: Option<OsString>,
    /// 另写一个 CSV 汇总表，每份报告一行（文件、发布机关、年度、错误/警告/提示数、最严重的规则、结论），与 --format 无关
    #[arg(long, value_name = "FILE")]
    summary: Option<OsString>,
    /// 不列出每个问题，只按规则统计问题数（次数、规则编号、级别、说明）
    #[arg(long)]
    statistics: bool,
    /// 只输出问题本身，不输出末尾的汇总行和跳过文件的提示
    #[arg(short, long)]
    quiet: bool,
    /// 发现问题时退出码仍为 0（无法检查时仍为 2）
    #[arg(long)]
    exit_zero: bool,
    /// 达到此级别的问题使退出码为 1（默认取配置文件的 fail-on，否则 error）
    #[arg(long, value_enum, value_name = "LEVEL")]
    fail_on: Option<FailOn>,
    /// 是否使用颜色
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
    #[command(flatten)]
    pack: PackArgs,
    #[command(flatten)]
    baseline: BaselineArgs,
    /// 同时显示推断的报告年度和各统计表的识别情况（输出到标准错误）
    #[arg(short, long)]
    verbose: bool,
    #[command(flatten)]
    series: super::batch::SeriesArgs,
    #[command(flatten)]
    fix: super::fix::FixArgs,
}

/// What checking one input produced.
struct FileResult {
    outcome: Result<Outcome, LoadError>,
    /// A finding at or above the configuration's `fail-on` level.
    fails: bool,
    /// Found in a folder and not a report: a note, neither checked nor failed.
    skipped: bool,
    /// `--verbose` notes (and the note of a skipped non-report).
    stderr: Buffer,
    /// What the series stage needs of this report (`batch`), encoded for the spill.
    facts: Option<nianbao::series::store::Encoded>,
    fix: super::fix::FixReport,
    /// What `--baseline` / `--write-baseline` took out of the findings.
    baseline: FileBaseline,
}

pub(super) fn run(args: CheckArgs) -> ExitCode {
    // Ctrl-C stops the run at once and removes the temporary output file.
    super::interrupt::install();
    let to_file = args.output.is_some();
    let out_color = use_color(args.color, !to_file && std::io::stdout().is_terminal());
    let err_color = use_color(args.color, std::io::stderr().is_terminal());
    let mut args = args;
    if let Err(e) = args.baseline.open() {
        return baseline_error(err_color, &e);
    }
    let baseline = args.baseline.get();

    let mut discovery = load::discover_with(&args.paths, &args.scan.options());
    let inputs = std::mem::take(&mut discovery.inputs);
    let discovery_errors = std::mem::take(&mut discovery.errors);
    if !args.quiet {
        write_stderr_text(&scan::skipped_notes(&discovery.skipped));
    }
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
    let (groups, broken) = configured::group(&mut configs, args.scan.named(&args.paths), inputs);
    // The output format: the option, else the configuration of the first file.
    let format = args.format.map(Format::library).unwrap_or_else(|| {
        groups
            .first()
            .map_or(emit::Format::Human, |g| g.config.format.value)
    });
    let options = emit::Options {
        color: out_color,
        quiet: args.quiet,
    };
    let inner: Box<dyn Emitter> = if args.fix.diff {
        Box::new(super::fix::Silent)
    } else if args.statistics {
        Box::new(nianbao::report::statistics::Statistics::new(
            &options,
            matches!(format, emit::Format::Json | emit::Format::Jsonl),
        ))
    } else {
        format.emitter(&options)
    };
    let mut sink = match &args.output {
        Some(path) => match Sink::file(path) {
            Ok(s) => s,
            Err(message) => {
                write_stderr_text(&message);
                return ExitCode::from(2);
            }
        },
        None => Sink::stdout(),
    };
    let summary_sink = match super::summary::open(&args.summary) {
        Ok(s) => s,
        Err(message) => {
            let _ = sink.close(Err(std::io::Error::other("--summary")));
            write_stderr_text(&message);
            return ExitCode::from(2);
        }
    };
    let mut tally = nianbao::report::tally::Tally::default();
    let mut emitter: Box<dyn Emitter + '_> = match summary_sink {
        Some(_) => Box::new(super::summary::Tallied {
            inner,
            tally: &mut tally,
        }),
        None => inner,
    };
    let mut summary = Summary::default();
    let mut written = emitter.start(&mut sink);
    for e in &discovery_errors {
        summary.unreadable += 1;
        written = written.and_then(|()| emitter.unreadable(&mut sink, &e.path, &e.message()));
    }
    for (err, inputs) in &broken {
        report_pack_error(err);
        failed = true;
        for input in inputs {
            summary.unreadable += 1;
            written = written.and_then(|()| {
                emitter.unreadable(
                    &mut sink,
                    &input.name(),
                    &format!("规则包无法使用：{}", err.message),
                )
            });
        }
    }

    let mut fails = false;
    let mut fixes = super::fix::Totals::default();
    let progress = super::progress::Progress::new(
        groups.iter().map(|g| g.inputs.len()).sum(),
        to_file,
        args.quiet,
    );
    // Every report is checked on its own first; the series stage (`batch`) then pairs
    // them and checks again only those it found something in.
    let mut packs: Vec<&Pack> = Vec::new();
    let mut kept: Vec<Kept> = Vec::new();
    // The facts of every report, spilled to a temporary file as it is checked; the
    // index of a report in `kept` is its index in the store.
    let mut store = nianbao::series::Store::new();
    // Sized once: grown by doubling, the lists could hold twice what they need.
    let total: usize = groups.iter().map(|g| g.inputs.len()).sum();
    kept.reserve_exact(total);
    store.reserve(total);
    // A report without body or year can only serve an aggregate.
    let keep_all = groups.iter().any(|g| !g.config.aggregate.is_empty());
    // One report, with no last year's given and no aggregate: the series stage has
    // nothing to pair it with, so its facts are not computed (a pre-commit hook on one
    // file pays only for its own checks).
    let facts_needed = total > 1 || !args.series.previous.is_empty() || keep_all;
    let mut recorded = Vec::new();
    for (gi, group) in groups.iter().enumerate() {
        let linter = match &group.linter {
            Ok(l) => l,
            Err(e) => {
                report_pack_error(e);
                failed = true;
                for input in &group.inputs {
                    summary.unreadable += 1;
                    written = written.and_then(|()| {
                        emitter.unreadable(
                            &mut sink,
                            &input.name(),
                            &format!("规则包无法使用：{}", e.message),
                        )
                    });
                }
                continue;
            }
        };
        let pi = packs.len();
        packs.push(linter.pack());
        // Each file's findings are written as soon as it and the files before it
        // are checked (`stream::in_order`); a closed pipe stops the run.
        let mut k = 0;
        let flow = stream::in_order(
            &group.inputs,
            rayon::current_num_threads(),
            |input| {
                check_one(
                    linter,
                    &group.config,
                    input,
                    discovery.is_found(input),
                    &args,
                    err_color,
                    pi,
                    keep_all,
                    facts_needed,
                    None,
                )
            },
            |mut r| {
                let index = k;
                k += 1;
                progress.inc();
                progress.suspend(|| write_stderr(&r.stderr));
                fails |= r.fails;
                let diff = std::mem::take(&mut r.fix.diff);
                failed |= fixes.add(r.fix);
                r.baseline
                    .settle(baseline.writes(), &mut summary, &mut recorded);
                match &r.outcome {
                    Ok(outcome) => {
                        // Findings recorded into a new baseline are counted, not shown.
                        if baseline.writes() {
                            summary.add(&r.baseline.recorded);
                        } else {
                            summary.add(&outcome.diagnostics);
                        }
                        let checked = Checked {
                            document: &outcome.document,
                            diagnostics: &outcome.diagnostics,
                            pack: linter.pack(),
                        };
                        written = std::mem::replace(&mut written, Ok(())).and_then(|()| match args
                            .fix
                            .diff
                        {
                            true => sink.write_all(diff.as_bytes()),
                            false => emitter.document(&mut sink, &checked),
                        });
                        if let Some(f) = r.facts.take() {
                            store.push(f);
                            kept.push(Kept {
                                group: gi,
                                input: index,
                                counts: nianbao::Counts::of(&outcome.diagnostics),
                            });
                        }
                    }
                    Err(_) if r.skipped => {}
                    Err(e) => {
                        failed = true;
                        summary.unreadable += 1;
                        let mut buf = human::buffer(err_color);
                        render_load_error(&mut buf, e);
                        progress.suspend(|| write_stderr(&buf));
                        written = std::mem::replace(&mut written, Ok(()))
                            .and_then(|()| emitter.unreadable(&mut sink, &e.path, &e.message()));
                    }
                }
                written = std::mem::replace(&mut written, Ok(())).and_then(|()| sink.flush());
                if output::closed() || written.is_err() {
                    stream::Flow::Stop
                } else {
                    stream::Flow::Continue
                }
            },
        );
        if flow == stream::Flow::Stop {
            break;
        }
    }
    progress.stage("跨年度核对……");
    if !args.quiet {
        progress.suspend(|| write_stderr_text(&scan::unsupported_list(&discovery.unsupported)));
    }

    // The series stage: findings between reports (last year's report against this
    // year's) are known only once every report has been read, so they are written
    // after the findings of each report on its own, for the reports they concern.
    let mut series_errors = Vec::new();
    let mut reference_linters = Vec::new();
    // The reports checked here are the store's first `kept.len()`; last year's
    // (`--previous`) come after them.
    super::batch::references(
        &args.series,
        &mut configs,
        &args.input.options(),
        packs.len(),
        &mut reference_linters,
        &mut store,
        &mut series_errors,
    );
    packs.extend(reference_linters.iter().map(|l| l.pack()));
    let aggregates = if keep_all {
        let placed: Vec<(
            Option<&std::path::Path>,
            &std::sync::Arc<nianbao::config::Config>,
        )> = kept
            .iter()
            .map(|k| {
                let group = &groups[k.group];
                let path = match &group.inputs[k.input] {
                    Input::File(p) => Some(p.as_path()),
                    Input::Stdin => None,
                };
                (path, &group.config)
            })
            .collect();
        super::batch::aggregates(&placed, &mut series_errors)
    } else {
        Vec::new()
    };
    let (pairing, outcomes) = super::batch::run(&mut store, &packs, &aggregates);
    if args.verbose {
        let note = super::batch::pairing_note(&pairing, &mut store);
        progress.suspend(|| write_stderr_text(&note));
    }
    if let Some(w) = store.warning.take() {
        series_errors.push(w);
    }
    drop(store);
    for e in &series_errors {
        progress.suspend(|| write_stderr_text(&format!("警告：{e}\n")));
    }
    let mut again: Vec<(usize, &nianbao::series::SeriesOutcome)> = outcomes
        .iter()
        .filter(|(fi, _)| **fi < kept.len())
        .map(|(fi, o)| (*fi, o))
        .filter(|(_, o)| !o.diagnostics.is_empty())
        .collect();
    again.sort_by_key(|&(ki, _)| ki);
    // With --diff only the diffs are written.
    if args.fix.diff {
        again.clear();
    }
    for chunk in again.chunks(stream::WINDOW) {
        let redone: Vec<Option<(usize, FileResult)>> = chunk
            .par_iter()
            .map(|&(ki, o)| {
                let k = kept.get(ki)?;
                let group = groups.get(k.group)?;
                let linter = group.linter.as_ref().ok()?;
                let input = group.inputs.get(k.input)?;
                Some((
                    ki,
                    check_one(
                        linter,
                        &group.config,
                        input,
                        false,
                        &args,
                        err_color,
                        0,
                        keep_all,
                        facts_needed,
                        Some(o),
                    ),
                ))
            })
            .collect();
        for (ki, mut r) in redone.into_iter().flatten() {
            let (Ok(outcome), Some(k)) = (&r.outcome, kept.get(ki)) else {
                continue;
            };
            let Some(linter) = groups.get(k.group).and_then(|g| g.linter.as_ref().ok()) else {
                continue;
            };
            fails |= r.fails;
            r.baseline
                .settle(baseline.writes(), &mut summary, &mut recorded);
            summary.amend(k.counts, &outcome.diagnostics);
            let checked = Checked {
                document: &outcome.document,
                diagnostics: &outcome.diagnostics,
                pack: linter.pack(),
            };
            written = written.and_then(|()| emitter.document(&mut sink, &checked));
            written = written.and_then(|()| sink.flush());
        }
    }
    fixes.fill(&mut summary);
    let hidden = summary.hidden;
    let note = baseline.finish(recorded, hidden);
    progress.finish();
    written = written.and_then(|()| emitter.finish(&mut sink, &summary));
    drop(emitter);
    if let Err(message) = sink.close(written) {
        if let Some(s) = summary_sink {
            let _ = s.close(Err(std::io::Error::other("--output")));
        }
        write_stderr_text(&message);
        return ExitCode::from(2);
    }
    if let Some(s) = summary_sink
        && let Err(message) = super::summary::write(s, &tally)
    {
        write_stderr_text(&message);
        return ExitCode::from(2);
    }
    if args.fix.diff {
        return fixes.finish_diff(failed);
    }
    // Formats read by programs have no summary line: the count goes to standard error.
    let line_shown = !args.quiet
        && match format {
            emit::Format::Human | emit::Format::Concise => true,
            emit::Format::Json | emit::Format::Jsonl => false,
            _ => args.statistics,
        };
    if !line_shown {
        // The overview is a file for people elsewhere; whoever ran it sees the
        // summary line (which counts what --fix fixed) on standard error.
        if format == emit::Format::Html && !args.quiet && !args.statistics {
            write_stderr_text(&summary.line());
        } else {
            write_stderr_text(&fixes.note());
        }
    } else if !args.fix.fix {
        write_stderr_text(&fixes.hint());
    }
    match note {
        // The summary line says what the baseline hid; the formats without one and
        // a newly written baseline say it on standard error.
        Ok(note) if !args.quiet && (baseline.writes() || !shows_summary(format, &args)) => {
            write_stderr_text(&note);
        }
        Ok(_) => {}
        Err(e) => return baseline_error(err_color, &e),
    }

    // The packs, their compiled regexes and automata are freed by the process's exit,
    // not piece by piece (most of a millisecond for the national pack: issue 12).
    std::mem::forget(groups);
    if failed {
        ExitCode::from(2)
    } else if fails && !args.exit_zero {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// What the series stage needs to come back to a checked report: where it is and what
/// was already written for it (its facts are in the store). A batch keeps one per
/// report: 40 bytes.
struct Kept {
    group: usize,
    input: usize,
    counts: nianbao::Counts,
}

/// Checks one input. Without `series`, also reduces it to the facts the series stage
/// needs; with `series` (a second pass, for the reports the stage found something in),
/// returns only the findings between reports.
#[allow(clippy::too_many_arguments)]
fn check_one(
    linter: &nianbao::Linter,
    config: &nianbao::config::Config,
    input: &Input,
    in_folder: bool,
    args: &CheckArgs,
    err_color: bool,
    pack: usize,
    keep_all: bool,
    facts_needed: bool,
    series: Option<&nianbao::series::SeriesOutcome>,
) -> FileResult {
    let mut stderr = human::buffer(err_color);
    let options = args.input.options();
    // The second pass (series findings) only reads: the file was fixed in the first.
    let (mut outcome, mut fix) = match series {
        None => super::fix::lint(
            linter,
            config,
            input,
            &options,
            &args.fix,
            args.baseline.get(),
        ),
        Some(_) => (
            load::load(input, &options).and_then(|l| linter.lint_loaded(input.name(), l)),
            super::fix::FixReport::default(),
        ),
    };
    let mut fails = false;
    let mut facts = None;
    // `-v`'s line on whose report it is.
    let mut identity = None;
    let mut baseline = FileBaseline::default();
    if let Ok(outcome) = &mut outcome {
        match series {
            Some(o) => outcome.diagnostics = o.diagnostics.clone(),
            None if facts_needed => {
                let f = super::batch::facts(
                    linter,
                    config,
                    input,
                    &outcome.document,
                    &args.series,
                    pack,
                );
                identity = args.verbose.then(|| f.identity.describe());
                facts = Some(nianbao::series::store::Encoded::of(&f, keep_all));
            }
            None => {
                let id = super::batch::identity(config, input, &outcome.document, &args.series);
                identity = args.verbose.then(|| id.describe());
                facts = Some(nianbao::series::store::Encoded::identity_only(id));
            }
        }
        if let Input::File(path) = input {
            config.keep(path, &mut outcome.diagnostics);
        }
        baseline = args
            .baseline
            .get()
            .apply(input, &outcome.document, &mut outcome.diagnostics);
        fix.fixable = super::fix::fixable(&outcome.diagnostics);
        fails = outcome.diagnostics.iter().any(|d| config.fails(d.severity));
        if args.verbose && series.is_none() {
            let _ = stderr.write_all(verbose_info(linter.pack(), outcome).as_bytes());
            if let Some(id) = &identity {
                let _ = writeln!(stderr, "  {id}");
            }
        }
    }
    let mut skipped = false;
    if let Err(e) = &outcome
        && in_folder
        && let Some(note) = scan::not_a_report_note(e)
    {
        skipped = true;
        let _ = stderr.write_all(note.as_bytes());
    }
    FileResult {
        outcome,
        fails,
        skipped,
        stderr,
        facts,
        fix,
        baseline,
    }
}

/// True when the output ends with the summary line (which counts what a baseline hid).
fn shows_summary(format: emit::Format, args: &CheckArgs) -> bool {
    let machine = matches!(format, emit::Format::Json | emit::Format::Jsonl);
    if args.statistics {
        !machine
    } else {
        matches!(format, emit::Format::Human | emit::Format::Concise)
    }
}

fn baseline_error(err_color: bool, e: &super::baseline::BaselineError) -> ExitCode {
    let mut buf = human::buffer(err_color);
    human::render_file_error(&mut buf, &e.file, &e.message, e.help.as_deref());
    write_stderr(&buf);
    ExitCode::from(2)
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
