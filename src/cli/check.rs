//! `nianbao check`: find the inputs, lint each with its configuration, write the
//! findings in the chosen format and decide the exit code.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use codespan_reporting::term::termcolor::Buffer;

use nianbao::report::emit::{self, Checked, Emitter, Summary};
use nianbao::report::human;
use nianbao::{Input, LoadError, Outcome, Pack, load};

use super::sink::Sink;
use super::stream;
use super::{
    ColorChoice, InputArgs, PackArgs, configured, output, render_load_error, report_pack_error,
    use_color, write_stderr, write_stderr_text,
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
    /// 检查目录时只取文件名符合此模式的文件（如 "*.docx"；可重复）；默认取 .txt、.md、.docx、.html、.htm
    #[arg(long, value_name = "PATTERN")]
    glob: Vec<String>,
    /// 输出格式（默认取配置文件的 format，否则 human）
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// 把结果写入此文件（写完后一次替换，不会留下写了一半的文件），而不是标准输出
    #[arg(short, long, value_name = "FILE")]
    output: Option<OsString>,
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
    /// 同时显示推断的报告年度和各统计表的识别情况（输出到标准错误）
    #[arg(short, long)]
    verbose: bool,
}

/// What checking one input produced.
struct FileResult {
    outcome: Result<Outcome, LoadError>,
    /// A finding at or above the configuration's `fail-on` level.
    fails: bool,
    /// `--verbose` notes.
    stderr: Buffer,
}

pub(super) fn run(args: CheckArgs) -> ExitCode {
    let to_file = args.output.is_some();
    let out_color = use_color(args.color, !to_file && std::io::stdout().is_terminal());
    let err_color = use_color(args.color, std::io::stderr().is_terminal());

    let load::Discovery {
        inputs,
        errors: discovery_errors,
        skipped,
    } = load::discover_all(&args.paths, &args.glob);
    if !args.quiet {
        write_stderr_text(&output::skipped_notes(&skipped));
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
    let (groups, broken) = configured::group(&mut configs, &args.paths, inputs);
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
    let mut emitter: Box<dyn Emitter> = if args.statistics {
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
    for group in &groups {
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
        // Each file's findings are written as soon as it and the files before it
        // are checked (`stream::in_order`); a closed pipe stops the run.
        let flow = stream::in_order(
            &group.inputs,
            rayon::current_num_threads(),
            |input| check_one(linter, &group.config, input, &args, err_color),
            |r| {
                write_stderr(&r.stderr);
                fails |= r.fails;
                match &r.outcome {
                    Ok(outcome) => {
                        summary.add(&outcome.diagnostics);
                        let checked = Checked {
                            document: &outcome.document,
                            diagnostics: &outcome.diagnostics,
                            pack: linter.pack(),
                        };
                        written = std::mem::replace(&mut written, Ok(()))
                            .and_then(|()| emitter.document(&mut sink, &checked));
                    }
                    Err(e) => {
                        failed = true;
                        summary.unreadable += 1;
                        let mut buf = human::buffer(err_color);
                        render_load_error(&mut buf, e);
                        write_stderr(&buf);
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
    written = written.and_then(|()| emitter.finish(&mut sink, &summary));
    if let Err(message) = sink.close(written) {
        write_stderr_text(&message);
        return ExitCode::from(2);
    }

    if failed {
        ExitCode::from(2)
    } else if fails && !args.exit_zero {
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
    err_color: bool,
) -> FileResult {
    let mut stderr = human::buffer(err_color);
    let options = args.input.options();
    let mut outcome = load::load(input, &options).and_then(|l| linter.lint_loaded(input.name(), l));
    let mut fails = false;
    if let Ok(outcome) = &mut outcome {
        if let Input::File(path) = input {
            config.keep(path, &mut outcome.diagnostics);
        }
        fails = outcome.diagnostics.iter().any(|d| config.fails(d.severity));
        if args.verbose {
            let _ = stderr.write_all(verbose_info(linter.pack(), outcome).as_bytes());
        }
    }
    FileResult {
        outcome,
        fails,
        stderr,
    }
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
