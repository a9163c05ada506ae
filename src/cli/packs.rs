//! `nianbao packs` (the built-in packs, one line each) and `nianbao pack show [NAME]`
//! (a built-in pack's TOML, so that an author can read what they extend).

use std::process::ExitCode;

use clap::Subcommand;
use nianbao::Pack;
use nianbao::pack::{builtin_files, builtin_names};

use super::{report_pack_error, write_stdout};

#[derive(Subcommand)]
pub enum PackCommand {
    /// 显示内置规则包的 TOML 文件（默认 national）
    Show {
        /// 内置规则包名，如 fujian
        name: Option<String>,
    },
}

pub fn list() -> ExitCode {
    let mut out =
        String::from("内置规则包（用 --pack 名称 使用，nianbao pack show 名称 查看）：\n\n");
    for name in builtin_names() {
        match Pack::builtin(name) {
            Ok(pack) => {
                let own = pack
                    .rules
                    .iter()
                    .filter(|r| r.meta.pack == pack.name)
                    .count();
                let base = if pack.chain.len() > 1 {
                    format!("继承 {}，", pack.chain[..pack.chain.len() - 1].join(" → "))
                } else {
                    String::new()
                };
                out.push_str(&format!(
                    "  {name:<10}{}（{base}本包 {own} 条规则，共 {} 条）\n",
                    pack.title,
                    pack.rules.len()
                ));
            }
            Err(e) => return report_pack_error(&e),
        }
    }
    write_stdout(out.as_bytes());
    ExitCode::SUCCESS
}

pub fn run(cmd: PackCommand) -> ExitCode {
    match cmd {
        PackCommand::Show { name } => show(name.as_deref().unwrap_or(nianbao::pack::NATIONAL)),
    }
}

fn show(name: &str) -> ExitCode {
    let Some(files) = builtin_files(name) else {
        eprintln!(
            "错误：没有名为「{name}」的内置规则包\n  = 建议：内置规则包：{}",
            builtin_names().join("、")
        );
        return ExitCode::from(2);
    };
    let mut files = files.to_vec();
    files.sort_by_key(|(f, _)| (*f != "pack.toml", *f));
    let mut out = String::new();
    for (file, text) in files {
        out.push_str(&format!("# ───────────── {name}/{file}\n"));
        out.push_str(text);
        if !text.ends_with('\n') {
            out.push('\n');
        }
        out.push('\n');
    }
    write_stdout(out.as_bytes());
    ExitCode::SUCCESS
}
