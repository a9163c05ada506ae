//! `nianbao init`: a commented starter `nianbao.toml` in the current folder; `nianbao
//! init --pack NAME`: a pack skeleton in `NAME/` that extends the national pack, with
//! one example rule, commented examples of variants and overrides, and two fixtures (one
//! where the rule fires, one where it is silent) so that `nianbao test NAME` passes at once.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

#[derive(Args)]
pub struct InitArgs {
    /// 新建规则包目录（而不是 nianbao.toml），名称即目录名
    #[arg(long, value_name = "NAME")]
    pack: Option<String>,
    /// 在此目录下创建（默认当前目录）
    #[arg(long, value_name = "DIR", default_value = ".")]
    dir: PathBuf,
}

const STARTER: &str = r#"# nianbao 配置文件。
# 检查一份报告时，nianbao 从报告所在目录向上查找 nianbao.toml，最近的一个生效；
# `nianbao config 报告.txt` 显示对它生效的每项设置及其来源。
# 命令行的 --pack、--format、--fail-on 优先于这里的设置；--isolated 不读配置文件。

# 规则包：内置规则包名（national、fujian、shandong、sichuan、shanghai，见 `nianbao packs`），
# 或规则包目录（相对于本文件，如 "./规则包/某省"）。
pack = "national"

# 在 pack 之上再加入其他规则包的规则（规则包目录，相对于本文件）。
# extend = ["./本地规则"]

# 不检查的规则。
# disable = ["T107"]

# 默认输出格式：human（可读）、concise、json、jsonl、sarif、github、junit、csv（表格）或 html（批量检查总览）。
format = "human"

# 达到此级别的问题使检查失败（退出码 1）：error、warning 或 info。
fail-on = "error"

# 报告中推断不出年度时所用的报告年度。
# year = 2024

# 检查目录时只检查这些文件、不检查这些文件（路径模式，相对于本文件；** 表示任意层目录）。
# include = ["**/*.docx", "**/*.txt"]
# exclude = ["**/草稿/**"]

# 改变规则的级别：error、warning 或 info。
[severity]
# T104 = "error"

# 对部分文件不报告某些规则。
[per-file-ignores]
# "2023/*.docx" = ["S201"]
"#;

/// The clean example report: the fixtures are built from it.
const CLEAN_REPORT: &str = include_str!("../../examples/report-2024.txt");
/// The sentence the example rule finds in the firing fixture.
const FIRING_LINE: &str = "同时加强统计数据钩稽关系审核。";

fn manifest(name: &str) -> String {
    format!(
        r#"# 规则包「{name}」。`nianbao test {name}` 运行 tests/ 中的用例；
# `nianbao check --pack {name} 报告目录/` 用它检查报告；`nianbao pack show national`
# 显示被继承的全国规则包。

[pack]
name = "{name}"
title = "{name}政府信息公开工作年度报告规则包"
extends = "national"        # 内置规则包名，或相对于本目录的规则包目录
# disable = ["T107"]         # 关闭继承来的规则

[pack.severity]
# T104 = "error"             # 改变继承来的规则的级别
"#
    )
}

const RULES: &str = r#"# 本规则包的规则。每条规则都要有 tests/ 中报告它的用例和它保持沉默的用例。
# 规则的种类与字段见 `nianbao pack show national` 和 README 的「规则包与配置」。

[[pattern]]
id = "E901"
severity = "warning"
summary = "“勾稽”误写为“钩稽”"
patterns = ['(?P<hit>钩稽)']
message = "“{hit}”应为“勾稽”"
help = "改为“勾稽”"
examples = ["数据钩稽关系"]
counterexamples = ["数据勾稽关系"]
description = """
来源：示例（请写明要求的来源及其性质：通知 notice、标准 standard、考核 assessment、惯例 practice）。
年度报告格式的用语是“勾稽关系”。"""
example = "加强统计数据钩稽关系审核"

# 为全国规则包的标题或表格标签增加可接受的写法：
# [[variant]]
# section = "other"                       # 章节；加 part = "…" 为子项
# accept = ["需要报告的其他事项"]
#
# [[variant]]
# table = "t3"                            # 表格；加 row = "…" 或 column = "…"
# row = "new"
# accept = ["一、本年新收政府信息公开申请"]

# 修改全国规则包中某条规则的说明、提示或级别，或为叙述规则增加写法：
# [[override]]
# rule = "S301"
# message = "本省要求：{message}"          # {message} 为原来的提示
# help = "{help}"
#
# [[override]]
# rule = "X101"
# patterns = ['登记{gap}{application}{short_gap}申请{count}{n}{piece}']
# examples = ["全年登记政府信息公开申请24件"]
"#;

pub fn run(args: InitArgs) -> ExitCode {
    let result = match &args.pack {
        None => write_new(&args.dir.join(nianbao::config::FILE_NAME), STARTER).map(|p| {
            format!(
                "已写入 {}。\n用 `nianbao config` 查看生效的设置。\n",
                p.display()
            )
        }),
        Some(name) => init_pack(&args.dir, name),
    };
    match result {
        Ok(message) => {
            super::write_stdout(message.as_bytes());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("错误：{message}");
            ExitCode::from(2)
        }
    }
}

fn init_pack(parent: &Path, name: &str) -> Result<String, String> {
    let valid = !name.is_empty()
        && !name.contains(['/', '\\', '"'])
        && !name.starts_with('.')
        && nianbao::pack::builtin_files(name).is_none();
    if !valid {
        return Err(format!(
            "规则包名「{name}」不可用：不能为空、不能含 / \\ \"、不能以 . 开头，也不能与内置规则包同名（{}）",
            nianbao::pack::builtin_names().join("、")
        ));
    }
    let dir = parent.join(name);
    if dir.exists() {
        return Err(format!("`{}` 已经存在，没有改动它", dir.display()));
    }
    let firing = add_line_to_section_five(CLEAN_REPORT);
    let files: Vec<(PathBuf, String)> = vec![
        (dir.join("pack.toml"), manifest(name)),
        (dir.join("rules.toml"), RULES.to_string()),
        (dir.join("tests").join("E901-报告.txt"), firing),
        (
            dir.join("tests").join("无问题.txt"),
            CLEAN_REPORT.to_string(),
        ),
    ];
    for (path, text) in &files {
        write_new(path, text)?;
    }
    Ok(format!(
        "已创建规则包 {}：pack.toml、rules.toml（示例规则 E901）和 tests/ 中的两个用例。\n\
         运行 `nianbao test {}` 检验它；用 `nianbao check --pack {} 报告目录/` 检查报告。\n",
        dir.display(),
        dir.display(),
        dir.display()
    ))
}

/// The clean report with a line the example rule reports, and its expectation.
fn add_line_to_section_five(report: &str) -> String {
    let mut out = String::new();
    let mut in_five = false;
    for line in report.lines() {
        if line.starts_with("五、") {
            in_five = true;
        } else if in_five && line.trim().is_empty() {
            out.push_str("<!-- expect: E901 -->\n");
            out.push_str(FIRING_LINE);
            out.push('\n');
            in_five = false;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn write_new(path: &Path, text: &str) -> Result<PathBuf, String> {
    if path.exists() {
        return Err(format!("`{}` 已经存在，没有改动它", path.display()));
    }
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
    {
        fs::create_dir_all(parent)
            .map_err(|e| format!("无法创建目录 `{}`：{e}", parent.display()))?;
    }
    fs::write(path, text).map_err(|e| format!("无法写入 `{}`：{e}", path.display()))?;
    Ok(path.to_path_buf())
}
