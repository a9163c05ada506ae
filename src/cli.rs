//! Command-line interface: argument parsing (clap), output, exit codes.
//!
//! Exit codes: 0 no error-severity finding; 1 at least one; 2 could not run (bad
//! arguments, a path or rule pack that cannot be used, a file that is not a report).

mod clap_zh;
mod output;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use codespan_reporting::term::termcolor::{Buffer, WriteColor};
use rayon::prelude::*;

mod config_cmd;
mod configured;
mod init;
mod packs;
mod test;

use nianbao::report::extract::pad;
use nianbao::report::{human, json};
use nianbao::{Counts, Input, LoadError, Outcome, Pack, load};

mod annotate;
#[cfg(feature = "server")]
mod serve;

const ABOUT: &str = "nianbao（年报）：政府信息公开工作年度报告检查工具";
const LONG_ABOUT: &str = "\
nianbao（年报）：政府信息公开工作年度报告检查工具

按《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）检查报告：
六个部分是否齐全、三张统计表是否完整、合计与勾稽关系是否成立。
每个问题都指出所在的行和数字，并给出正确的值。

示例：
  nianbao check 报告.txt             检查一份报告
  nianbao check 报告.docx            检查 Word 文档（也可以是 .html 网页、.md）
  nianbao check 年报目录/            检查目录下所有 .txt、.md、.docx、.html 报告
  nianbao check --format json 目录/  输出 JSON，供其他程序使用
  nianbao rules                      列出所有规则
  nianbao explain T203               查看一条规则的详细说明
  nianbao check --pack fujian 目录/  用内置的福建规则包检查（nianbao packs 列出内置规则包）
  nianbao init                       在当前目录写一个带注释的 nianbao.toml
  nianbao init --pack 某省           新建一个规则包（继承全国规则包，带示例规则和用例）
  nianbao test 某省/                 运行规则包 tests/ 下的用例
  nianbao config 报告.txt            显示对某个文件生效的配置及其来源
  nianbao annotate 报告.docx         生成带批注的 Word 文档（报告.nianbao.docx）
  nianbao serve                      启动网页服务，在浏览器中上传报告检查

配置：检查每个文件时，从文件所在目录向上查找 nianbao.toml，最近的一个生效；
--config 指定配置文件，--isolated 不读任何配置文件。";

#[derive(Parser)]
#[command(name = "nianbao", version, about = ABOUT, long_about = LONG_ABOUT)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 检查年度报告（文件、目录，或用 - 表示标准输入）
    #[command(
        after_help = "退出码：0 没有错误；1 发现错误（error）；2 无法检查（参数、文件或规则包有问题）"
    )]
    Check(CheckArgs),
    /// 列出规则包中的全部规则
    Rules(PackArgs),
    /// 显示 nianbao 从报告中读到的内容：章节、报告年度、统计表的每个单元格
    Extract {
        /// 报告文件（或 - 表示标准输入）
        path: OsString,
        /// 只输出提取出的纯文本（Word 文档、网页转成的文本，即检查所用的文本）
        #[arg(long)]
        text: bool,
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        pack: PackArgs,
    },
    /// 显示一条规则的完整说明和违规示例
    Explain {
        /// 规则编号，如 T203
        id: String,
        #[command(flatten)]
        pack: PackArgs,
    },
    /// 显示对某个路径生效的配置（nianbao.toml）及每项设置的来源
    Config(config_cmd::ConfigCmd),
    /// 写一个带注释的 nianbao.toml；加 --pack 名称 则新建一个规则包骨架
    Init(init::InitArgs),
    /// 运行规则包自带的用例（规则包目录下 tests/ 中的报告及其预期问题）
    Test(test::TestArgs),
    /// 列出内置规则包
    Packs,
    /// 规则包相关操作
    #[command(subcommand)]
    Pack(packs::PackCommand),
    /// 生成带批注的 Word 文档：每个问题作为一条批注（作者 nianbao），写入 报告.nianbao.docx
    Annotate(annotate::AnnotateArgs),
    /// 启动网页服务：在浏览器中拖入报告即可检查（默认只允许本机访问 127.0.0.1:8080）
    #[cfg(feature = "server")]
    Serve(serve::ServeArgs),
}

#[derive(Args)]
struct PackArgs {
    /// 规则包：内置规则包名（national、fujian…，见 nianbao packs）、规则包目录或其 pack.toml；默认取配置文件的 pack，否则 national
    #[arg(long, value_name = "PACK")]
    pack: Option<String>,
    /// 使用此配置文件，不再查找 nianbao.toml
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    config: Option<String>,
    /// 不读任何配置文件（nianbao.toml）
    #[arg(long)]
    isolated: bool,
}

/// How to read the inputs.
#[derive(Args)]
struct InputArgs {
    /// 输入格式（默认按扩展名判断：.txt 文本、.md Markdown、.html/.htm 网页、.docx Word 文档）
    #[arg(long, value_enum, value_name = "FORMAT")]
    from: Option<InputFormat>,
    /// 文本编码（默认自动识别 UTF-8、UTF-16、GBK/GB18030）：utf-8、utf-16le、utf-16be、gbk、gb18030、big5
    #[arg(long, value_name = "ENCODING", value_parser = parse_encoding)]
    encoding: Option<&'static encoding_rs::Encoding>,
}

impl InputArgs {
    fn options(&self) -> load::LoadOptions {
        load::LoadOptions {
            format: self.from.map(|f| match f {
                InputFormat::Txt => load::Format::Text,
                InputFormat::Md => load::Format::Markdown,
                InputFormat::Html => load::Format::Html,
                InputFormat::Docx => load::Format::Docx,
            }),
            encoding: self.encoding,
        }
    }
}

fn parse_encoding(s: &str) -> Result<&'static encoding_rs::Encoding, String> {
    load::encoding::by_label(s)
        .ok_or_else(|| format!("不认识的编码「{s}」；可用：{}", load::encoding::NAMES))
}

#[derive(Clone, Copy, ValueEnum)]
enum InputFormat {
    /// 纯文本（包括 pdftotext 提取的文本）
    Txt,
    /// Markdown
    Md,
    /// 网页
    Html,
    /// Word 文档
    Docx,
}

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

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    /// 输出到终端时使用颜色（设置了 NO_COLOR 时不用）
    Auto,
    Always,
    Never,
}

#[derive(Args)]
struct CheckArgs {
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
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_zh::report(e),
    };
    let code = match cli.command {
        Command::Check(args) => check(args),
        Command::Rules(args) => rules(args),
        Command::Explain { id, pack } => explain(&id, pack),
        Command::Extract {
            path,
            text,
            input,
            pack,
        } => extract(&path, text, &input, pack),
        Command::Config(args) => config_cmd::run(args),
        Command::Init(args) => init::run(args),
        Command::Test(args) => test::run(args),
        Command::Packs => packs::list(),
        Command::Pack(cmd) => packs::run(cmd),
        Command::Annotate(args) => annotate::run(args),
        #[cfg(feature = "server")]
        Command::Serve(args) => serve::run(args),
    };
    // A failed write of the results (a full disk) makes the run fail.
    output::finish(code)
}

fn use_color(choice: ColorChoice, stream_is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => stream_is_terminal && std::env::var_os("NO_COLOR").is_none(),
    }
}

/// The pack of `--pack`, else of the configuration found from the current folder.
fn load_pack(args: &PackArgs) -> Result<Pack, ExitCode> {
    let mut configs = configured::Configs::new(configured::Overrides {
        pack: args,
        fail_on: None,
    });
    let config = configs.for_file(None).map_err(|e| report_pack_error(&e))?;
    config.load_pack().map_err(|e| report_pack_error(&e))
}

fn report_pack_error(err: &nianbao::PackError) -> ExitCode {
    let mut buf = human::buffer(use_color(
        ColorChoice::Auto,
        std::io::stderr().is_terminal(),
    ));
    human::render_pack_error(&mut buf, err);
    write_stderr(&buf);
    ExitCode::from(2)
}

fn write_stdout(bytes: &[u8]) {
    output::stdout(bytes);
}

fn write_stderr_text(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

fn write_stderr(buf: &Buffer) {
    let _ = std::io::stderr().lock().write_all(buf.as_slice());
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
}

fn check(args: CheckArgs) -> ExitCode {
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
    };
    let options = args.input.options();
    let outcome = load::load(input, &options).and_then(|l| linter.lint_loaded(input.name(), l));
    match outcome {
        Ok(mut outcome) => {
            if let Input::File(path) = input {
                config.keep(path, &mut outcome.diagnostics);
            }
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

fn render_load_error(out: &mut dyn WriteColor, e: &LoadError) {
    human::render_file_error(out, &e.path, &e.message(), e.help().as_deref());
}

fn extract(path: &OsString, text_only: bool, input_args: &InputArgs, args: PackArgs) -> ExitCode {
    let pack = match load_pack(&args) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let input = if path.as_os_str() == "-" {
        Input::Stdin
    } else {
        Input::File(path.into())
    };
    let loaded = match load::load(&input, &input_args.options()) {
        Ok(l) => l,
        Err(e) => {
            let mut buf = human::buffer(use_color(
                ColorChoice::Auto,
                std::io::stderr().is_terminal(),
            ));
            render_load_error(&mut buf, &e);
            write_stderr(&buf);
            return ExitCode::from(2);
        }
    };
    if text_only {
        write_stdout(loaded.text.as_bytes());
        return ExitCode::SUCCESS;
    }
    let doc = nianbao::parse_loaded(input.name(), loaded, &pack.templates);
    let mut out = nianbao::report::extract::render(&doc, &pack.templates);
    out.push_str(&nianbao::report::extract::render_figures(&doc, &pack));
    write_stdout(out.as_bytes());
    ExitCode::SUCCESS
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

fn rules(args: PackArgs) -> ExitCode {
    let pack = match load_pack(&args) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let mut out = format!("规则包：{}（{}）\n", pack.name, pack.title);
    if pack.chain.len() > 1 {
        out.push_str(&format!("继承关系：{}\n", pack.chain.join(" → ")));
    }
    out.push('\n');
    out.push_str(&format!(
        "{}{}{}说明\n",
        pad("编号", 8),
        pad("级别", 8),
        pad("类别", 13)
    ));
    let family = |id: &str| "STXNDE".find(id.chars().next().unwrap_or('Z')).unwrap_or(6);
    let mut sorted: Vec<&nianbao::pack::Rule> = pack.rules.iter().collect();
    sorted.sort_by(|a, b| (family(&a.meta.id), &a.meta.id).cmp(&(family(&b.meta.id), &b.meta.id)));
    for r in sorted {
        let severity = if r.enabled {
            r.meta.severity.chinese().to_string()
        } else {
            "已关闭".into()
        };
        out.push_str(&format!(
            "{}{}{}{}\n",
            pad(&r.meta.id, 8),
            pad(&severity, 8),
            pad(r.meta.kind, 13),
            r.meta.summary
        ));
    }
    out.push_str("\n用 `nianbao explain 编号` 查看某条规则的详细说明。\n");
    write_stdout(out.as_bytes());
    ExitCode::SUCCESS
}

fn explain(id: &str, args: PackArgs) -> ExitCode {
    let pack = match load_pack(&args) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let wanted = id.trim().to_uppercase();
    let Some(rule) = pack.rule(&wanted) else {
        let mut buf = human::buffer(use_color(
            ColorChoice::Auto,
            std::io::stderr().is_terminal(),
        ));
        let close: Vec<&str> = pack
            .rules
            .iter()
            .map(|r| r.meta.id.as_str())
            .filter(|r| r.chars().next() == wanted.chars().next())
            .collect();
        let help = if close.is_empty() {
            "用 `nianbao rules` 查看全部规则".to_string()
        } else {
            format!("同一族的规则：{}", close.join("、"))
        };
        human::render_file_error(
            &mut buf,
            &pack.name,
            &format!("规则包中没有规则「{id}」"),
            Some(&help),
        );
        write_stderr(&buf);
        return ExitCode::from(2);
    };
    let m = &rule.meta;
    let mut out = format!("{}  {}\n", m.id, m.summary);
    out.push_str(&format!(
        "级别：{}（{}）{}    类别：{}    规则包：{}\n\n",
        m.severity.chinese(),
        m.severity.as_str(),
        if rule.enabled { "" } else { "，已关闭" },
        m.kind,
        m.pack
    ));
    if !m.levels.is_empty() {
        let levels: Vec<&str> = m.levels.iter().map(|l| l.chinese()).collect();
        out.push_str(&format!(
            "只适用于：{}（发布机关推断不出时不检查）\n\n",
            levels.join("、")
        ));
    }
    out.push_str(&m.description);
    out.push('\n');
    let details = rule.check.explain(&pack.templates);
    if !details.is_empty() {
        out.push_str("\n检查内容：\n");
        for line in details {
            out.push_str(&format!("  {line}\n"));
        }
    }
    if let Some(example) = &m.example {
        out.push_str("\n违规示例：\n");
        for line in example.lines() {
            out.push_str(&format!("  {line}\n"));
        }
    }
    write_stdout(out.as_bytes());
    ExitCode::SUCCESS
}
