//! The command line in Chinese. clap writes its usage, headings and errors in
//! English: `parse` gives every value name a Chinese name (`<PATH>` → `<路径>`),
//! `localize_help` translates the words clap adds to the help (`Usage:`, `Options:`,
//! `[default: …]`, `Print help`…), and `report` maps the common kinds of error to a
//! Chinese sentence, with clap's suggestion when it has one.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Command, FromArgMatches};
use std::process::ExitCode;

use super::output;

/// Value names (clap's, and ours) and their Chinese names.
const VALUE_NAMES: &[(&str, &str)] = &[
    ("PATH", "路径"),
    ("FORMAT", "格式"),
    ("FILE", "文件"),
    ("LEVEL", "级别"),
    ("PATTERN", "模式"),
    ("GLOB", "模式"),
    ("PACK", "规则包"),
    ("PACK_DIR", "规则包目录"),
    ("ENCODING", "编码"),
    ("ADDR", "地址"),
    ("DIR", "目录"),
    ("MB", "兆字节"),
    ("N", "个数"),
    ("NAME", "名称"),
    ("YEAR", "年度"),
    ("SECONDS", "秒数"),
    ("COLOR", "颜色"),
    ("ID", "编号"),
    ("COMMAND", "子命令"),
];

/// Parses the command line of `T` with Chinese value names.
pub fn parse<T: clap::CommandFactory + FromArgMatches>() -> Result<T, clap::Error> {
    let mut cmd = localize(T::command());
    let matches = cmd.try_get_matches_from_mut(std::env::args_os())?;
    T::from_arg_matches(&matches).map_err(|e| e.with_cmd(&cmd))
}

/// `cmd` and its subcommands with Chinese value names.
fn localize(cmd: Command) -> Command {
    cmd.subcommand_value_name("子命令")
        .mut_args(|arg| {
            let arg = values_in_chinese(arg);
            let names: Vec<String> = arg
                .get_value_names()
                .map(|names| names.iter().map(ToString::to_string).collect())
                .unwrap_or_else(|| {
                    // clap's default: the id in capitals, for arguments that take a value.
                    if arg.is_positional() || arg.get_action().takes_values() {
                        vec![arg.get_id().as_str().to_uppercase()]
                    } else {
                        Vec::new()
                    }
                });
            if names.is_empty() {
                return arg;
            }
            // A name missing from the table stays as it is (a test lists them all).
            let chinese: Option<Vec<&'static str>> = names
                .iter()
                .map(|n| {
                    VALUE_NAMES
                        .iter()
                        .find(|(en, _)| en == n)
                        .map(|(_, zh)| *zh)
                })
                .collect();
            match chinese {
                Some(chinese) => arg.value_names(chinese),
                None => arg,
            }
        })
        .mut_subcommands(localize)
}

/// `arg` with its possible values and default value written by us, in Chinese, into
/// its help (`[可选值：…]`, `[默认：…]`; the long help lists the values with their
/// meanings), instead of clap's English `[possible values: …]` and `[default: …]`.
fn values_in_chinese(arg: clap::Arg) -> clap::Arg {
    let takes_values = arg.is_positional() || arg.get_action().takes_values();
    if !takes_values {
        return arg;
    }
    let mut help = arg.get_help().map(ToString::to_string).unwrap_or_default();
    let mut long = arg.get_long_help().map(ToString::to_string);
    let mut changed = false;
    let values: Vec<clap::builder::PossibleValue> = arg
        .get_possible_values()
        .into_iter()
        .filter(|v| !v.is_hide_set())
        .collect();
    let mut arg = arg;
    if !values.is_empty() && !arg.is_hide_possible_values_set() {
        let names: Vec<&str> = values.iter().map(|v| v.get_name()).collect();
        let mut list = long.clone().unwrap_or_else(|| help.clone());
        list.push_str("\n\n可选值：");
        for v in &values {
            list.push_str(&format!("\n- {}", v.get_name()));
            if let Some(h) = v.get_help() {
                list.push_str(&format!("：{h}"));
            }
        }
        help.push_str(&format!(" [可选值：{}]", names.join("、")));
        long = Some(list);
        arg = arg.hide_possible_values(true);
        changed = true;
    }
    if !arg.get_default_values().is_empty() && !arg.is_hide_default_value_set() {
        let default: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        let default = format!("[默认：{}]", default.join("、"));
        help.push_str(&format!(" {default}"));
        if let Some(l) = &mut long {
            l.push_str(&format!("\n\n{default}"));
        }
        arg = arg.hide_default_value(true);
        changed = true;
    }
    if !changed {
        return arg;
    }
    let arg = arg.help(help);
    match long {
        Some(l) => arg.long_help(l),
        None => arg,
    }
}

/// clap's help text with its own words in Chinese. The headings are whole lines;
/// `[default: …]` and `[possible values: …]` are matched by their opening only, so a
/// list wrapped onto several lines is still translated.
pub fn localize_help(text: &str) -> String {
    const PHRASES: &[(&str, &str)] = &[
        (
            "Print help (see a summary with '-h')",
            "显示帮助（-h 显示摘要）",
        ),
        (
            "Print help (see more with '--help')",
            "显示帮助（--help 显示完整说明）",
        ),
        (
            "Print this message or the help of the given subcommand(s)",
            "显示本帮助，或给定子命令的帮助",
        ),
        ("Print help", "显示帮助"),
        ("Print version", "显示版本号"),
        ("[default: ", "[默认："),
        ("[possible values: ", "[可选值："),
        ("[aliases: ", "[别名："),
        ("[short aliases: ", "[短别名："),
        ("[env: ", "[环境变量："),
        ("[OPTIONS]", "[选项]"),
    ];
    const HEADINGS: &[(&str, &str)] = &[
        ("Usage:", "用法："),
        ("Commands:", "子命令："),
        ("Arguments:", "参数："),
        ("Options:", "选项："),
        ("Possible values:", "可选值："),
    ];
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start().len();
        let rest = &line[indent..];
        let mut line = match HEADINGS.iter().find(|(en, _)| rest.starts_with(en)) {
            Some((en, zh)) => {
                let after = rest[en.len()..].trim_start_matches(' ');
                format!("{}{zh}{after}", &line[..indent])
            }
            None => line.to_string(),
        };
        for (en, zh) in PHRASES {
            if line.contains(en) {
                line = line.replace(en, zh);
            }
        }
        out.push_str(&line);
    }
    out
}

/// Prints `err` (help, version or a usage error) and returns the exit code: 0 for help
/// and version, 2 for a mistake.
pub fn report(err: clap::Error) -> ExitCode {
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            output::stdout(localize_help(&err.render().to_string()).as_bytes());
            return output::finish(ExitCode::SUCCESS);
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            eprint!("{}", localize_help(&err.render().to_string()));
            return ExitCode::from(2);
        }
        _ => {}
    }
    let get = |kind: ContextKind| match err.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        Some(ContextValue::StyledStrs(v)) => v
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("、"),
        Some(ContextValue::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let arg = get(ContextKind::InvalidArg);
    let message = match err.kind() {
        ErrorKind::UnknownArgument => format!("不认识的参数「{arg}」"),
        ErrorKind::InvalidSubcommand => {
            format!("不认识的子命令「{}」", get(ContextKind::InvalidSubcommand))
        }
        ErrorKind::InvalidValue => {
            let valid = get(ContextKind::ValidValue);
            let mut m = format!("参数 {arg} 的值「{}」无效", get(ContextKind::InvalidValue));
            if !valid.is_empty() {
                m.push_str(&format!("；可用的值：{valid}"));
            }
            m
        }
        ErrorKind::ValueValidation => {
            // Our own value parsers already explain in Chinese (the error's source).
            let why = std::error::Error::source(&err)
                .map(|s| format!("：{s}"))
                .unwrap_or_default();
            format!(
                "参数 {arg} 的值「{}」无效{why}",
                get(ContextKind::InvalidValue)
            )
        }
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数：{arg}"),
        ErrorKind::ArgumentConflict => {
            format!("参数 {arg} 不能与 {} 同时使用", get(ContextKind::PriorArg))
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("参数 {arg} 的值的个数不对")
        }
        ErrorKind::NoEquals => format!("参数 {arg} 的值要用“=”给出"),
        ErrorKind::InvalidUtf8 => "参数不是有效的 UTF-8 文本".to_string(),
        _ => {
            // Anything rarer: clap's first line, under a Chinese heading.
            let text = err.render().to_string();
            let first = text
                .lines()
                .next()
                .unwrap_or("")
                .trim_start_matches("error: ");
            format!("命令行参数有误：{first}")
        }
    };
    let mut text = format!(
        "错误：{}\n",
        nianbao::report::visible::visible_line(&message)
    );
    let suggested = get(ContextKind::SuggestedArg);
    let suggested_sub = get(ContextKind::SuggestedSubcommand);
    for s in [suggested, suggested_sub] {
        if !s.is_empty() {
            text.push_str(&format!("  = 建议：是不是要用「{s}」？\n"));
        }
    }
    text.push_str("  = 建议：用 `nianbao --help` 或 `nianbao check --help` 查看用法\n");
    eprint!("{text}");
    ExitCode::from(2)
}
