//! `nianbao rules` and `nianbao explain`: the rules of a pack, and one rule in full.

use std::io::IsTerminal;
use std::process::ExitCode;

use nianbao::report::extract::pad;

use super::{ColorChoice, PackArgs, human, load_pack, use_color, write_stderr, write_stdout};

/// The Chinese name of a rule kind (the TOML array a rule is declared in).
fn kind_name(kind: &str) -> &str {
    match kind {
        "structure" => "章节结构",
        "content" => "章节内容",
        "table_check" => "统计表",
        "equation" => "勾稽关系",
        "cross_ref" => "正文与表格",
        "breakdown" => "正文分项",
        "date_check" => "日期",
        "pattern" => "用语",
        "repetition" => "重复",
        other => other,
    }
}

pub(super) fn list(args: PackArgs) -> ExitCode {
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
            pad(kind_name(r.meta.kind), 13),
            r.meta.summary
        ));
    }
    out.push_str("\n用 `nianbao explain 编号` 查看某条规则的详细说明。\n");
    write_stdout(out.as_bytes());
    ExitCode::SUCCESS
}

pub(super) fn explain(id: &str, args: PackArgs) -> ExitCode {
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
            "",
            &format!("规则包「{}」中没有规则「{id}」", pack.name),
            Some(&help),
        );
        write_stderr(&buf);
        return ExitCode::from(2);
    };
    let m = &rule.meta;
    let mut out = format!("{}  {}\n", m.id, m.summary);
    out.push_str(&format!(
        "级别：{}（规则包中写作 severity = \"{}\"）\n类别：{}（规则包中写作 [[{}]]）\n规则包：{}\n\n",
        m.severity.chinese(),
        m.severity.as_str(),
        kind_name(m.kind),
        m.kind,
        m.pack
    ));
    if !rule.enabled {
        out.push_str("（此规则在当前配置中已关闭）\n\n");
    }
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
