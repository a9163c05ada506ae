//! Command-line mistakes explained in Chinese. clap's own messages are English; this
//! maps the common kinds of error to a Chinese sentence, with clap's suggestion when it
//! has one, and keeps help and version output as clap prints them.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use std::process::ExitCode;

use super::output;

/// Prints `err` (help, version or a usage error) and returns the exit code: 0 for help
/// and version, 2 for a mistake.
pub fn report(err: clap::Error) -> ExitCode {
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            output::stdout(err.render().to_string().as_bytes());
            return output::finish(ExitCode::SUCCESS);
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            eprint!("{}", err.render());
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
        "error: {}\n",
        nianbao::report::visible::visible_line(&message)
    );
    let suggested = get(ContextKind::SuggestedArg);
    let suggested_sub = get(ContextKind::SuggestedSubcommand);
    for s in [suggested, suggested_sub] {
        if !s.is_empty() {
            text.push_str(&format!("  = help: 是不是要用「{s}」？\n"));
        }
    }
    text.push_str("  = help: 用 `nianbao --help` 或 `nianbao check --help` 查看用法\n");
    eprint!("{text}");
    ExitCode::from(2)
}
