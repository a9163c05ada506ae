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

use super::baseline::{BaselineArgs, FileBaseline};
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
    #[command(flatten)]
    baseline: BaselineArgs,
    /// 同时显示推断的报告年度和各统计表的识别情况（输出到标准错误）
    #[arg(short, long)]
    verbose: bool,
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
    baseline: FileBaseline,
}

pub(super) fn run(args: CheckArgs) -> ExitCode {
    let out_color = use_color(args.color, std::io::stdout().is_terminal());
    let err_color = use_color(args.color, std::io::stderr().is_terminal());

    let mut args = args;
    if let Err(e) = args.baseline.open() {
        return baseline_error(err_color, &e);
    }
    let baseline = args.baseline.get();
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
    let (mut hidden, mut recorded) = (0, Vec::new());
    for group in &groups {
        let linter = match &group.linter {
            Ok(l) => l,
            Err(e) => {
                report_pack_error(e);
                failed = true;
                unusable += group.inputs.len();
                continue;
            }
        };
        let results: Vec<FileResult> = group
            .inputs
            .par_iter()
            .map(|input| {
                check_one(
                    linter,
                    &group.config,
                    input,
                    &args,
                    format,
                    out_color,
                    err_color,
                )
            })
            .collect();
        for r in results {
            counts.merge(r.counts);
            failed |= r.failed;
            fails |= r.fails;
            checked += usize::from(!r.failed);
            let h = r.baseline.hidden;
            hidden += h.errors + h.warnings + h.infos;
            if baseline.writes() {
                counts.merge(h);
            }
            recorded.extend(r.baseline.entries);
            write_stderr(&r.stderr);
            match format {
                Format::Human => write_stdout(r.stdout.as_slice()),
                Format::Json => all_json.extend(r.json),
            }
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

    match baseline.finish(recorded, hidden) {
        Ok(note) => match format {
            Format::Human => write_stdout(note.as_bytes()),
            _ => write_stderr_text(&note),
        },
        Err(e) => return baseline_error(err_color, &e),
    }

    if failed {
        ExitCode::from(2)
    } else if fails {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn check_one(
    linter: &nianbao::Linter,
    config: &nianbao::config::Config,
    input: &Input,
    args: &CheckArgs,
    format: Format,
    out_color: bool,
    err_color: bool,
) -> FileResult {
    let mut result = FileResult {
        counts: Counts::default(),
        failed: false,
        fails: false,
        stdout: human::buffer(out_color),
        stderr: human::buffer(err_color),
        json: Vec::new(),
        baseline: FileBaseline::default(),
    };
    let options = args.input.options();
    let outcome = load::load(input, &options).and_then(|l| linter.lint_loaded(input.name(), l));
    match outcome {
        Ok(mut outcome) => {
            if let Input::File(path) = input {
                config.keep(path, &mut outcome.diagnostics);
            }
            let baseline = args.baseline.get();
            result.baseline = baseline.apply(input, &outcome.document, &mut outcome.diagnostics);
            result.counts = Counts::of(&outcome.diagnostics);
            result.fails = outcome.diagnostics.iter().any(|d| config.fails(d.severity));
            if args.verbose {
                let _ = result
                    .stderr
                    .write_all(verbose_info(linter.pack(), &outcome).as_bytes());
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
