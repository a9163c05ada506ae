//! Province packs and project configuration (issue 8): the built-in packs pass their
//! own fixtures, a small pack shows every change a province makes, broken packs report
//! all their errors, and a provincial author's path from `nianbao init --pack` to
//! `nianbao check` with a `nianbao.toml` works end to end.

use crate::common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{clean, replace, root, rules_of};
use nianbao::config::Config;
use nianbao::pack::{Location, builtin_names};
use nianbao::{Linter, Pack, packtest};

fn nianbao_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run nianbao: {e}"))
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn lint_with(pack: &Pack, text: &str) -> Vec<nianbao::Diagnostic> {
    let linter = Linter::new(load(&pack.location));
    linter
        .lint_text("t.txt", text.to_string())
        .map(|o| o.diagnostics)
        .unwrap_or_else(|e| panic!("{}", e.message()))
}

fn load(location: &Location) -> Pack {
    Pack::load(location.clone()).unwrap_or_else(|e| panic!("{e}"))
}

fn pack_dir(name: &str) -> PathBuf {
    root().join(name)
}

// ───────────────────────────── built-in packs

#[test]
fn every_built_in_pack_passes_its_own_fixtures() {
    let names = builtin_names();
    for expected in [
        "national", "common", "fujian", "shandong", "sichuan", "shanghai",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} is built in: {names:?}"
        );
    }
    for name in names {
        let report = packtest::run(&pack_dir(&format!("rules/{name}")))
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert!(report.passed(), "{name}:\n{}", packtest::render(&report));
        assert!(!report.rules.is_empty(), "{name} declares rules");
    }
}

#[test]
fn national_fixtures_cover_every_national_rule_firing_and_silent() {
    let report = packtest::run(&pack_dir("rules/national")).unwrap_or_else(|e| panic!("{e:?}"));
    let national = Pack::national().unwrap_or_else(|e| panic!("{e}"));
    // Every rule but those that compare reports (Y: tests/series.rs).
    let single = national
        .rules
        .iter()
        .filter(|r| r.check.series().is_none())
        .count();
    assert_eq!(report.rules.len(), single);
    assert!(single + 7 <= national.rules.len(), "the Y rules are there");
    assert!(report.untested.is_empty(), "{:?}", report.untested);
}

#[test]
fn province_packs_extend_national_and_document_source_and_kind() {
    for name in ["fujian", "shandong", "sichuan", "shanghai"] {
        let pack = Pack::builtin(name).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(pack.chain.first().map(String::as_str), Some("national"));
        let national = Pack::national().unwrap_or_else(|e| panic!("{e}"));
        for r in &national.rules {
            assert!(
                pack.rule(&r.meta.id).is_some(),
                "{name} keeps {}",
                r.meta.id
            );
        }
        for r in pack.rules.iter().filter(|r| r.meta.pack == name) {
            let d = &r.meta.description;
            assert!(d.contains("来源"), "{name} {}: no source", r.meta.id);
            let kinds = ["notice", "standard", "assessment", "practice"];
            let kind = kinds.iter().find(|k| d.contains(*k));
            assert!(kind.is_some(), "{name} {}: no kind", r.meta.id);
            if kind == Some(&"practice") {
                assert!(
                    r.meta.severity == nianbao::Severity::Info || !r.enabled,
                    "{name} {}: a practice rule must be info or off",
                    r.meta.id
                );
            }
        }
    }
}

#[test]
fn a_province_pack_works_from_the_binary_alone() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    fs::write(dir.path().join("r.txt"), clean()).unwrap_or_else(|e| panic!("{e}"));
    let o = nianbao_in(dir.path(), &["check", "--pack", "fujian", "r.txt"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("S611"), "{}", stdout(&o));
    let o = nianbao_in(dir.path(), &["packs"]);
    for name in ["national", "fujian", "shandong", "sichuan", "shanghai"] {
        assert!(stdout(&o).contains(name));
    }
    let o = nianbao_in(dir.path(), &["pack", "show", "fujian"]);
    assert!(stdout(&o).contains("extends = \"common\""));
    let o = nianbao_in(dir.path(), &["pack", "show", "nosuch"]);
    assert_eq!(o.status.code(), Some(2));
}

// ───────────────────────────── levels

#[test]
fn level_dependent_rule_runs_only_for_a_government_report() {
    let pack = Pack::builtin("common").unwrap_or_else(|e| panic!("{e}"));
    let no_oversight = replace(
        &clean(),
        "将政府信息公开工作纳入年度考核，组织业务培训2次。2024年未发生政府信息公开工作责任追究情况。",
        "组织业务培训2次。",
    );
    assert!(!rules_of(&lint_with(&pack, &no_oversight)).contains(&"S501"));
    let government = replace(
        &no_oversight,
        "青山县交通运输局2024年",
        "青山县人民政府2024年",
    );
    assert!(rules_of(&lint_with(&pack, &government)).contains(&"S501"));
    let unknown = replace(&no_oversight, "青山县交通运输局2024年", "2024年");
    let unknown = unknown.replace("我局", "本单位");
    assert!(
        !rules_of(&lint_with(&pack, &unknown)).contains(&"S501"),
        "an unknown level runs no level-dependent rule"
    );
}

#[test]
fn verbose_shows_the_issuing_body() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    fs::write(dir.path().join("r.txt"), clean()).unwrap_or_else(|e| panic!("{e}"));
    let o = nianbao_in(dir.path(), &["check", "-v", "r.txt"]);
    assert!(
        stderr(&o).contains("发布机关：政府部门（青山县交通运输局，取自标题）"),
        "{}",
        stderr(&o)
    );
}

// ───────────────────────────── what a pack can change

#[test]
fn a_pack_changes_titles_labels_messages_and_wordings() {
    let amend = Pack::from_dir(&pack_dir("tests/packs/amend")).unwrap_or_else(|e| panic!("{e}"));
    let national = Pack::national().unwrap_or_else(|e| panic!("{e}"));
    // Variants: national reports them, the pack accepts them.
    let variants = common::read("tests/packs/amend/tests/全国标题的变体.txt");
    let n = lint_with(&national, &variants);
    for rule in ["S101", "S201", "T102", "T107"] {
        assert!(
            rules_of(&n).contains(&rule),
            "national {rule}: {:?}",
            rules_of(&n)
        );
    }
    assert!(lint_with(&amend, &variants).is_empty());
    // A national rule's message, help and description.
    let no_fee = replace(&clean(), "2024年，我局未收取政府信息公开信息处理费。", "");
    let d = lint_with(&amend, &no_fee);
    let s301 = d
        .iter()
        .find(|d| d.rule == "S301")
        .unwrap_or_else(|| panic!("{d:?}"));
    assert!(
        s301.message.starts_with("本省要求：「六、"),
        "{}",
        s301.message
    );
    assert!(
        s301.help
            .as_deref()
            .is_some_and(|h| h.ends_with("本省还要求写明收费金额"))
    );
    assert_eq!(
        amend.rule("S301").map(|r| r.meta.description.as_str()),
        Some("测试：替换后的说明。")
    );
    // A wording added to X101: recognised besides the national ones, reported once.
    let registered = replace(
        &clean(),
        "2024年共收到政府信息公开申请24件",
        "2024年全年登记政府信息公开申请25件",
    );
    assert!(rules_of(&lint_with(&amend, &registered)).contains(&"X101"));
    assert!(!rules_of(&lint_with(&national, &registered)).contains(&"X101"));
    let both = replace(
        &clean(),
        "共收到政府信息公开申请24件",
        "共收到政府信息公开申请25件",
    );
    let x101 = lint_with(&amend, &both)
        .into_iter()
        .filter(|d| d.rule == "X101")
        .count();
    assert_eq!(x101, 1, "a figure found by both wordings is reported once");
    // New rules of every kind, each tested by the pack's own fixtures.
    let report = packtest::run(&pack_dir("tests/packs/amend")).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(report.passed(), "{}", packtest::render(&report));
    let kinds: std::collections::BTreeSet<&str> = amend
        .rules
        .iter()
        .filter(|r| r.meta.pack == "amend")
        .map(|r| r.meta.kind)
        .collect();
    assert_eq!(
        kinds.len(),
        nianbao::pack::schema::RULE_KINDS.len(),
        "{kinds:?}"
    );
}

#[test]
fn a_broken_pack_reports_all_its_errors() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let p = dir.path();
    fs::write(
        p.join("pack.toml"),
        "[pack]\nname = \"broken\"\nextends = \"national\"\ndisable = [\"T1O7\"]\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    fs::write(
        p.join("rules.toml"),
        "[[variant]]\nsection = \"othr\"\naccept = [\"x\"]\n\n[[override]]\nrule = \"X101\"\nmesage = \"m\"\n\n[[equation]]\nid = \"T901\"\nseverity = \"error\"\nsummary = \"s\"\ndescription = \"d\"\nequation = \"t3.new.totl = 1\"\nmessage = \"m\"\n\n[[pattrn]]\nid = \"E901\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let err = match Pack::from_dir(p) {
        Ok(_) => panic!("a broken pack loaded"),
        Err(e) => e,
    };
    let messages: Vec<String> = err.all().map(|e| e.message.clone()).collect();
    assert_eq!(err.count(), 5, "{messages:#?}");
    let o = nianbao_in(p, &["rules", "--pack", "."]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    for part in ["othr", "mesage", "totl", "pattrn", "T1O7"] {
        assert!(e.contains(part), "missing {part} in\n{e}");
    }
    assert!(e.contains("规则包共有 5 个错误"), "{e}");
    assert!(e.contains("是否想写 `pattern`"), "{e}");
    assert!(e.contains("rules.toml:7:1"), "rustc-style positions: {e}");
}

// ───────────────────────────── configuration

#[test]
fn unknown_configuration_keys_point_at_their_line() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    fs::write(
        dir.path().join("nianbao.toml"),
        "pack = \"national\"\nfail_on = \"warning\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    fs::write(dir.path().join("r.txt"), clean()).unwrap_or_else(|e| panic!("{e}"));
    let o = nianbao_in(dir.path(), &["check", "r.txt"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("nianbao.toml:2:1"), "{e}");
    assert!(e.contains("是否想写 `fail-on`"), "{e}");
    let o = nianbao_in(dir.path(), &["check", "--isolated", "r.txt"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "--isolated ignores it: {}",
        stderr(&o)
    );
}

#[test]
fn a_configuration_year_is_used_when_the_report_does_not_say() {
    let text = clean().replace("2024年", "").replace("2025年", "");
    let config = Config::from_text(Path::new("nianbao.toml"), "year = 2023\n".into())
        .unwrap_or_else(|e| panic!("{e}"));
    let linter = Linter::new(config.load_pack().unwrap_or_else(|e| panic!("{e}")))
        .with_default_year(config.year.value);
    let o = linter
        .lint_text("t.txt", text)
        .unwrap_or_else(|e| panic!("{}", e.message()));
    assert_eq!(o.document.year.map(|y| y.year), Some(2023));
}

#[test]
fn init_writes_a_commented_configuration_that_loads() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let o = nianbao_in(dir.path(), &["init"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = fs::read_to_string(dir.path().join("nianbao.toml")).unwrap_or_default();
    assert!(text.contains("# 规则包"));
    Config::from_file(&dir.path().join("nianbao.toml")).unwrap_or_else(|e| panic!("{e}"));
    let o = nianbao_in(dir.path(), &["init"]);
    assert_eq!(o.status.code(), Some(2), "never overwrites");
}

/// The provincial author's path: a pack skeleton, edits, its tests, a broken fixture,
/// and checking reports with a `nianbao.toml` found from a sub-folder.
#[test]
fn provincial_author_path_end_to_end() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let base = tmp.path();
    let o = nianbao_in(base, &["init", "--pack", "myprov"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let pack = base.join("myprov");
    let o = nianbao_in(base, &["test", "myprov"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "the skeleton passes:\n{}",
        stdout(&o)
    );

    // Edit: a variant, a message override and a new rule with its fixture.
    let mut rules = fs::read_to_string(pack.join("rules.toml")).unwrap_or_default();
    rules.push_str(
        r#"
[[variant]]
section = "other"
accept = ["需要报告的其他事项"]

[[override]]
rule = "S301"
message = "本省要求：{message}"

[[pattern]]
id = "E902"
severity = "warning"
summary = "不应写“信息公开申请件”"
patterns = ['(?P<hit>信息公开申请件)']
message = "「{hit}」应为“政府信息公开申请”"
examples = ["收到信息公开申请件3件"]
description = "来源：本省通知（notice）。"
"#,
    );
    fs::write(pack.join("rules.toml"), &rules).unwrap_or_else(|e| panic!("{e}"));
    let fixture = replace(
        &clean(),
        "压实信息发布责任。\n",
        "压实信息发布责任。\n<!-- expect: E902 -->\n规范信息公开申请件的登记。\n",
    );
    let fixture = replace(&fixture, "六、其他需要报告的事项", "六、需要报告的其他事项");
    fs::write(pack.join("tests").join("E902.txt"), &fixture).unwrap_or_else(|e| panic!("{e}"));
    let o = nianbao_in(base, &["test", "myprov"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "edited pack passes:\n{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).contains("2 条既有报告它的用例又有它保持沉默的用例"),
        "{}",
        stdout(&o)
    );

    // A rule without fixtures is named as untested.
    let mut more = fs::read_to_string(pack.join("rules.toml")).unwrap_or_default();
    more.push_str("\n[[pattern]]\nid = \"E903\"\nseverity = \"info\"\nsummary = \"s\"\npatterns = ['从未出现的词']\nmessage = \"m\"\ndescription = \"d\"\n");
    fs::write(pack.join("rules.toml"), &more).unwrap_or_else(|e| panic!("{e}"));
    let o = nianbao_in(base, &["test", "myprov"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("未测试：E903（没有报告它的用例）"),
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).contains("从未匹配：E903 的写法「从未出现的词」"),
        "{}",
        stdout(&o)
    );
    fs::write(pack.join("rules.toml"), &rules).unwrap_or_else(|e| panic!("{e}"));

    // Break a fixture: the expectation is on the wrong line → a diff.
    let broken = fixture.replace(
        "<!-- expect: E902 -->\n规范信息公开申请件的登记。\n",
        "规范信息公开申请件的登记。\n<!-- expect: E902 -->\n",
    );
    fs::write(pack.join("tests").join("E902.txt"), &broken).unwrap_or_else(|e| panic!("{e}"));
    let o = nianbao_in(base, &["test", "myprov"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(out.contains("FAIL  tests/E902.txt"), "{out}");
    assert!(out.contains("- E902 第 74 行"), "{out}");
    assert!(
        out.contains("+ E902 第 72 行：「信息公开申请件」应为“政府信息公开申请”"),
        "{out}"
    );
    fs::write(pack.join("tests").join("E902.txt"), &fixture).unwrap_or_else(|e| panic!("{e}"));

    // A nianbao.toml at the root, applied to a report checked from a sub-folder.
    fs::write(
        base.join("nianbao.toml"),
        "pack = \"./myprov\"\nfail-on = \"warning\"\n\n[per-file-ignores]\n\"reports/**/ignored.txt\" = [\"E902\"]\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let sub = base.join("reports").join("2024");
    fs::create_dir_all(&sub).unwrap_or_else(|e| panic!("{e}"));
    let report = fixture.replace("<!-- expect: E902 -->\n", "");
    fs::write(sub.join("a.txt"), &report).unwrap_or_else(|e| panic!("{e}"));
    fs::write(sub.join("ignored.txt"), &report).unwrap_or_else(|e| panic!("{e}"));
    let o = nianbao_in(&sub, &["check", "a.txt"]);
    let out = stdout(&o);
    assert!(
        out.contains("警告[E902]"),
        "the pack of nianbao.toml applies: {out}"
    );
    assert!(!out.contains("S10"), "its variant too: {out}");
    assert_eq!(o.status.code(), Some(1), "fail-on = warning: {out}");
    let o = nianbao_in(&sub, &["check", "ignored.txt"]);
    assert_eq!(o.status.code(), Some(0), "per-file-ignores: {}", stdout(&o));
    let o = nianbao_in(&sub, &["check", "--isolated", "a.txt"]);
    // The national pack does not know this title of 六.
    assert!(
        stdout(&o).contains("S101"),
        "national without the config: {}",
        stdout(&o)
    );
    assert!(!stdout(&o).contains("E902"));
    let o = nianbao_in(&sub, &["config", "a.txt"]);
    let out = stdout(&o);
    assert!(
        out.contains("fail-on") && out.contains("nianbao.toml:2"),
        "{out}"
    );
    assert!(
        out.contains("pack") && out.contains("nianbao.toml:1"),
        "{out}"
    );
    assert!(out.contains("默认"), "defaults are marked: {out}");
}

#[test]
fn folders_follow_include_and_exclude() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let base = tmp.path();
    fs::write(
        base.join("nianbao.toml"),
        "exclude = [\"草稿/**\"]\nformat = \"json\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let bad = replace(&clean(), "（七）总计 | 20 |", "（七）总计 | 21 |");
    fs::create_dir_all(base.join("草稿")).unwrap_or_else(|e| panic!("{e}"));
    fs::write(base.join("草稿").join("a.txt"), &bad).unwrap_or_else(|e| panic!("{e}"));
    fs::write(base.join("b.txt"), clean()).unwrap_or_else(|e| panic!("{e}"));
    let o = nianbao_in(base, &["check", "."]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "the draft is excluded: {}",
        stdout(&o)
    );
    assert_eq!(stdout(&o).trim(), "[]", "format = json");
    let o = nianbao_in(base, &["check", "草稿/a.txt"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "a file named on the command line is checked"
    );
}

/// On the real reports of `../shared`, a province pack adds no error to what the national
/// pack reports: its additions are warnings and hints (and the level-dependent S501 only on
/// reports whose title names a 人民政府).
#[test]
fn province_packs_add_no_error_on_the_real_reports() {
    let mut files = common::shared_files("seeds", ".txt");
    files.extend(common::shared_files("corpus/pdf-layout", ".txt"));
    files.extend(common::shared_files("corpus/web", ".txt"));
    files.extend(common::shared_files("corpus/web/excerpts", ".txt"));
    if files.is_empty() {
        eprintln!("no real reports: skipping");
        return;
    }
    let national = Linter::new(Pack::national().unwrap_or_else(|e| panic!("{e}")));
    let errors = |linter: &Linter, text: &str| -> Vec<(String, usize)> {
        linter
            .lint_text("r.txt", text.to_string())
            .map(|o| {
                o.diagnostics
                    .iter()
                    .filter(|d| d.severity == nianbao::Severity::Error)
                    .map(|d| (d.rule.clone(), d.primary.start))
                    .collect()
            })
            .unwrap_or_default()
    };
    for name in ["common", "fujian", "shandong", "sichuan", "shanghai"] {
        let linter = Linter::new(Pack::builtin(name).unwrap_or_else(|e| panic!("{e}")));
        let mut added = 0;
        for f in &files {
            let text = fs::read_to_string(f).unwrap_or_default();
            let base = errors(&national, &text);
            let with_pack = errors(&linter, &text);
            for e in &with_pack {
                if !base.contains(e) {
                    eprintln!("{name}: {} {:?}", f.display(), e);
                    added += 1;
                }
            }
        }
        assert_eq!(added, 0, "{name} adds errors on the real reports");
    }
}

/// Rules that a province pack ships turned off still work when turned on.
#[test]
fn rules_off_by_default_fire_when_turned_on() {
    for (pack, id, bad, good) in [
        (
            "fujian",
            "S612",
            clean(),
            replace(
                &clean(),
                "对拟公开信息逐条审核；",
                "对拟公开信息逐条审核，按时向档案馆、图书馆移送；",
            ),
        ),
        (
            "sichuan",
            "S632",
            clean(),
            replace(
                &clean(),
                "推进政府信息公开工作规范开展。",
                "贯彻落实本年度政务公开工作要点。",
            ),
        ),
    ] {
        let mut p = Pack::builtin(pack).unwrap_or_else(|e| panic!("{e}"));
        let rule = p.rule_mut(id).unwrap_or_else(|| panic!("{pack} has {id}"));
        assert!(!rule.enabled, "{pack} {id} is off by default");
        rule.enabled = true;
        let linter = Linter::new(p);
        let rules = |t: &str| -> Vec<String> {
            linter
                .lint_text("t.txt", t.to_string())
                .map(|o| o.diagnostics.into_iter().map(|d| d.rule).collect())
                .unwrap_or_default()
        };
        assert!(rules(&bad).contains(&id.to_string()), "{pack} {id} fires");
        assert!(
            !rules(&good).contains(&id.to_string()),
            "{pack} {id} silent"
        );
    }
}

/// `extend` in a configuration adds the rules of another pack; `--pack` takes a
/// folder's `pack.toml`; `--help` lists the new commands.
#[test]
fn configuration_extend_and_pack_toml_paths() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let base = tmp.path();
    let extra = base.join("extra");
    fs::create_dir_all(&extra).unwrap_or_else(|e| panic!("{e}"));
    fs::write(
        extra.join("pack.toml"),
        "[pack]\nname = \"extra\"\nextends = \"national\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    fs::write(
        extra.join("rules.toml"),
        "[[pattern]]\nid = \"E950\"\nseverity = \"warning\"\nsummary = \"s\"\npatterns = ['培训2次']\nmessage = \"m\"\ndescription = \"d\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    fs::write(
        base.join("nianbao.toml"),
        "pack = \"fujian\"\nextend = [\"./extra\"]\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    fs::write(base.join("r.txt"), clean()).unwrap_or_else(|e| panic!("{e}"));
    let o = nianbao_in(base, &["check", "r.txt"]);
    let out = stdout(&o);
    assert!(
        out.contains("E950") && out.contains("S611"),
        "fujian + extra: {out}"
    );
    let o = nianbao_in(
        base,
        &["check", "--isolated", "--pack", "extra/pack.toml", "r.txt"],
    );
    let out = stdout(&o);
    assert!(
        out.contains("E950") && !out.contains("S611"),
        "{out}{}",
        stderr(&o)
    );
    let o = nianbao_in(base, &["--help"]);
    for cmd in ["config", "init", "test", "packs", "pack"] {
        assert!(
            stdout(&o).contains(&format!("\n  {cmd} ")),
            "--help lists {cmd}"
        );
    }
}
