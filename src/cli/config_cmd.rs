//! `nianbao config [PATH]`: the configuration that applies to a path — which
//! `nianbao.toml`, every setting's value and where it came from (the file and line, the
//! command line, or the default).

use std::path::Path;
use std::process::ExitCode;

use clap::Args;
use nianbao::config::{Config, Setting};

use super::configured::{Configs, Overrides};
use super::{PackArgs, report_pack_error, write_stdout};

#[derive(Args)]
pub struct ConfigCmd {
    /// 报告文件或目录（默认当前目录）
    path: Option<String>,
    #[command(flatten)]
    pack: PackArgs,
}

pub fn run(args: ConfigCmd) -> ExitCode {
    let target = args.path.clone().unwrap_or_else(|| ".".to_string());
    let mut configs = Configs::new(Overrides {
        pack: &args.pack,
        fail_on: None,
    });
    // For a folder, the configuration of a file inside it.
    let probe = Path::new(&target);
    let probe_file = if probe.is_dir() {
        probe.join("_")
    } else {
        probe.to_path_buf()
    };
    let config = match configs.for_file(Some(&probe_file)) {
        Ok(c) => c,
        Err(e) => return report_pack_error(&e),
    };
    let mut out = render(&target, &config);
    match config.load_pack() {
        Ok(pack) => {
            let enabled = pack.rules.iter().filter(|r| r.enabled).count();
            out.push_str(&format!(
                "\n规则包「{}」（{}）：{} 条规则，启用 {} 条",
                pack.name,
                pack.chain.join(" → "),
                pack.rules.len(),
                enabled
            ));
            if let Some(rel) = config.relative(&probe_file)
                && probe.is_file()
            {
                let ignored = config.ignored_rules(probe);
                if !ignored.is_empty() {
                    out.push_str(&format!("；对 {rel} 忽略：{}", ignored.join("、")));
                }
                if !config.selects(probe) {
                    out.push_str(&format!("；{rel} 在检查目录时会被 include/exclude 排除"));
                }
            }
            out.push('\n');
            write_stdout(out.as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => {
            write_stdout(out.as_bytes());
            report_pack_error(&e)
        }
    }
}

fn line<T>(name: &str, value: String, setting: &Setting<T>) -> String {
    format!(
        "{} {} # {}\n",
        nianbao::report::extract::pad(name, 17),
        nianbao::report::extract::pad(&value, 33),
        setting.origin.describe()
    )
}

fn quoted(list: &[String]) -> String {
    let items: Vec<String> = list.iter().map(|s| format!("{s:?}")).collect();
    format!("[{}]", items.join(", "))
}

fn render(target: &str, c: &Config) -> String {
    let mut s = match &c.file {
        Some(f) => format!("{target} 的配置文件：{}\n\n", f.display()),
        None => format!(
            "{target}：没有配置文件（未找到 nianbao.toml，或用了 --isolated），使用默认设置\n\n"
        ),
    };
    s.push_str(&line(
        "pack",
        format!("{:?}", c.pack.value.display()),
        &c.pack,
    ));
    for e in &c.extend {
        s.push_str(&line("extend", format!("{:?}", e.value.display()), e));
    }
    s.push_str(&line(
        "format",
        format!("{:?}", c.format.value.as_str()),
        &c.format,
    ));
    s.push_str(&line(
        "fail-on",
        format!("{:?}", c.fail_on.value.as_str()),
        &c.fail_on,
    ));
    s.push_str(&line(
        "year",
        c.year
            .value
            .map_or_else(|| "（按报告推断）".to_string(), |y| y.to_string()),
        &c.year,
    ));
    s.push_str(&line(
        "body",
        c.body
            .value
            .as_ref()
            .map_or_else(|| "（按报告推断）".to_string(), |b| format!("{b:?}")),
        &c.body,
    ));
    for r in &c.reports {
        let mut v = Vec::new();
        if let Some(b) = &r.value.body {
            v.push(format!("body = {b:?}"));
        }
        if let Some(y) = r.value.year {
            v.push(format!("year = {y}"));
        }
        s.push_str(&line(
            &format!("reports.{:?}", r.value.glob),
            format!("{{ {} }}", v.join(", ")),
            r,
        ));
    }
    for a in &c.aggregate {
        s.push_str(&line(
            "aggregate",
            format!("{:?} = {}", a.value.total, quoted(&a.value.parts)),
            a,
        ));
    }
    s.push_str(&line("include", quoted(&c.include.value), &c.include));
    s.push_str(&line("exclude", quoted(&c.exclude.value), &c.exclude));
    for d in &c.disable {
        s.push_str(&line("disable", format!("{:?}", d.value), d));
    }
    for (id, severity) in &c.severity {
        s.push_str(&line(
            &format!("severity.{}", id.value),
            format!("{:?}", severity.as_str()),
            id,
        ));
    }
    for p in &c.per_file_ignores {
        s.push_str(&line(
            &format!("per-file-ignores.{:?}", p.value.0),
            quoted(&p.value.1),
            p,
        ));
    }
    s
}
