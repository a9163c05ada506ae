//! Command-line interface: argument parsing (clap), output, exit codes.
//!
//! Exit codes: 0 no error-severity finding; 1 at least one; 2 could not run (bad
//! arguments, a path or rule pack that cannot be used, a file that is not a report).

mod clap_zh;
mod interrupt;
mod output;
mod sink;
mod stream;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use codespan_reporting::term::termcolor::{Buffer, WriteColor};

mod baseline;
mod batch;
mod check;
mod config_cmd;
mod configured;
mod extract;
mod fix;
mod init;
mod packs;
mod progress;
mod rules;
mod scan;
mod summary;
mod test;

use nianbao::report::human;
use nianbao::{LoadError, Pack, load};

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
        after_help = "退出码：0 没有错误；1 发现错误（error）；2 无法检查（参数、文件或规则包有问题）；130 被中断（Ctrl-C，不留下写了一半的结果文件）\n\n\
文件大小上限：文本、Markdown 和网页文件超过 64 MB、Word 文档超过 256 MB 时不检查（检查时占用的内存最多约为文件大小的 5 倍）；\
环境变量 NIANBAO_MAX_FILE_MB 可调整文本、Markdown 和网页的上限（单位 MB，1 到 4096），如 NIANBAO_MAX_FILE_MB=200"
    )]
    Check(Box<check::CheckArgs>),
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
enum ColorChoice {
    /// 输出到终端时使用颜色（设置了 NO_COLOR 时不用）
    Auto,
    /// 总是使用颜色
    Always,
    /// 不使用颜色
    Never,
}

pub fn main() -> ExitCode {
    let cli = match clap_zh::parse::<Cli>() {
        Ok(cli) => cli,
        Err(e) => return clap_zh::report(e),
    };
    let code = match cli.command {
        Command::Check(args) => check::run(*args),
        Command::Rules(args) => rules::list(args),
        Command::Explain { id, pack } => rules::explain(&id, pack),
        Command::Extract {
            path,
            text,
            input,
            pack,
        } => extract::run(&path, text, &input, pack),
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

fn render_load_error(out: &mut dyn WriteColor, e: &LoadError) {
    human::render_file_error(out, &e.path, &e.message(), e.help().as_deref());
}
