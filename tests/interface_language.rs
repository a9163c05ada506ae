//! One language in the interface: clap's usage, headings and errors, the severities
//! of the human output, `rules` and `explain` are Chinese; JSON and SARIF keep their
//! English field names and enum values.

use crate::common;

use std::process::{Command, Output};

use common::root;

fn nianbao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Words clap writes in English unless told otherwise.
const CLAP_ENGLISH: &[&str] = &[
    "Usage",
    "Options:",
    "Arguments:",
    "Commands:",
    "Possible values",
    "possible values",
    "[default",
    "Print help",
    "Print version",
    "Print this message",
    "error:",
    "[OPTIONS]",
    "<COMMAND>",
    "For more information",
    "tip:",
];

fn assert_chinese(what: &str, out: &str) {
    for word in CLAP_ENGLISH {
        assert!(!out.contains(word), "{what}: {word:?} in\n{out}");
    }
    // Value names are Chinese too: no `<PATH>`-like placeholder.
    let upper = regex::Regex::new(r"<[A-Z_]+>").expect("regex");
    assert!(
        !upper.is_match(out),
        "{what}: an English value name in\n{out}"
    );
}

/// The subcommands listed by `nianbao --help`.
fn subcommands() -> Vec<String> {
    let help = text(&nianbao(&["--help"]));
    let listing = help.split("子命令：").nth(1).unwrap_or("");
    listing
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|s| *s != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn help_of_every_command_is_chinese() {
    let subs = subcommands();
    assert!(
        subs.len() >= 10 && subs.iter().any(|s| s == "check"),
        "{subs:?}"
    );
    for flag in ["--help", "-h"] {
        let o = nianbao(&[flag]);
        assert_eq!(o.status.code(), Some(0));
        let out = text(&o);
        assert!(out.contains("用法：nianbao <子命令>"), "{out}");
        assert_chinese(flag, &out);
        for sub in &subs {
            let o = nianbao(&[sub, flag]);
            assert_eq!(o.status.code(), Some(0), "{sub} {flag}");
            let out = text(&o);
            assert!(out.contains("用法："), "{sub} {flag}: {out}");
            assert_chinese(&format!("{sub} {flag}"), &out);
        }
    }
    let out = text(&nianbao(&["help", "check"]));
    assert!(
        out.contains("用法：nianbao check [选项] <路径>..."),
        "{out}"
    );
    assert_chinese("help check", &out);
    // The values of a choice and the default, in Chinese brackets.
    let out = text(&nianbao(&["check", "-h"]));
    assert!(
        out.contains("[可选值：human、concise、json、jsonl、sarif、github、junit、csv、html]"),
        "{out}"
    );
    assert!(out.contains("[默认：auto]"), "{out}");
    let out = text(&nianbao(&["check", "--help"]));
    assert!(
        out.contains("可选值：\n") && out.contains("- sarif："),
        "{out}"
    );
}

#[test]
fn mistakes_on_the_command_line_are_explained_in_chinese() {
    for (args, expected) in [
        (vec!["check", "--bogus", "a.txt"], "不认识的参数「--bogus」"),
        (vec!["check"], "缺少必需的参数：<路径>..."),
        (
            vec!["check", "--format", "xml", "a.txt"],
            "参数 --format <格式> 的值「xml」无效",
        ),
        (vec!["chek"], "不认识的子命令「chek」"),
    ] {
        let o = nianbao(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let out = text(&o);
        assert!(out.starts_with("错误："), "{args:?}: {out}");
        assert!(out.contains(expected), "{args:?}: {out}");
        assert_chinese(&format!("{args:?}"), &out);
    }
    // Nothing at all: the help, on standard error, exit 2.
    let o = nianbao(&[]);
    assert_eq!(o.status.code(), Some(2));
    assert_chinese("no arguments", &text(&o));
    let o = nianbao(&["--version"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(text(&o), format!("nianbao {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn human_output_names_severities_in_chinese() {
    let o = nianbao(&["check", "--isolated", "examples/report-with-defects.txt"]);
    let out = text(&o);
    for header in ["错误[T201]：", "警告[T104]：", "= 说明：", "= 建议："] {
        assert!(out.contains(header), "{header} in {out}");
    }
    for english in ["error[", "warning[", "note:", "help:"] {
        assert!(!out.contains(english), "{english} in {out}");
    }
    // A file that cannot be read: Chinese too.
    let out = String::from_utf8_lossy(&nianbao(&["check", "没有这个文件.txt"]).stderr).into_owned();
    assert!(out.starts_with("错误：找不到"), "{out}");
    assert!(out.contains("= 建议："), "{out}");
    // JSON keeps its English field names and enum values.
    let o = nianbao(&[
        "check",
        "--isolated",
        "--format",
        "json",
        "examples/report-with-defects.txt",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v[0]["severity"], "warning");
    assert!(v[0].get("rule").is_some() && v[0].get("message").is_some());
}

#[test]
fn rules_and_explain_are_chinese() {
    let out = text(&nianbao(&["rules", "--isolated"]));
    assert!(out.contains("编号    级别    类别"), "{out}");
    for kind in [
        "structure",
        "content",
        "table_check",
        "equation",
        "cross_ref",
        "breakdown",
        "date_check",
        "pattern",
        "repetition",
    ] {
        assert!(!out.contains(kind), "{kind} in\n{out}");
    }
    assert!(
        out.contains("勾稽关系") && out.contains("正文与表格"),
        "{out}"
    );
    let out = text(&nianbao(&["explain", "--isolated", "T201"]));
    assert!(out.contains("级别：错误"), "{out}");
    assert!(
        out.contains("类别：勾稽关系（规则包中写作 [[equation]]）"),
        "{out}"
    );
    let o = nianbao(&["explain", "--isolated", "Q1"]);
    assert_eq!(o.status.code(), Some(2));
    let out = text(&o);
    assert!(
        out.starts_with("错误：规则包「national」中没有规则「Q1」"),
        "{out}"
    );
}
