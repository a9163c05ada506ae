//! `nianbao test PACK_DIR`: runs a pack's own fixtures, like `semgrep --test`.
//!
//! Fixtures are the reports under the pack's `tests/` folder (any format nianbao reads).
//! What each must report is written with it:
//!
//! * in a text, Markdown or HTML fixture, a line `<!-- expect: X101, T201 -->` just
//!   before the line the findings point at (the comment line is blanked before the
//!   check, so line numbers stay those of the file);
//! * for any format, a sidecar `NAME.expect` (or `NAME.EXT.expect`) of `RULE LINE`
//!   lines (`#` starts a comment).
//!
//! A fixture with neither expects no finding at all. The run compares expected and
//! reported (rule, line) pairs, then checks coverage: every rule the pack declares must
//! fire in one fixture and stay silent in another, and every wording of its narrative and
//! pattern rules must be reached by some fixture's text (a wording nothing reaches may
//! never match).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use crate::Linter;
use crate::load::{self, Input, LoadOptions, SourceKind};
use crate::pack::{Location, Pack, PackError};
use crate::report::json;

/// `<!-- expect: X101, T201 -->` alone on a line.
static EXPECT_COMMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*<!--\s*expect\s*[:：]\s*(?P<rules>[A-Za-z0-9_,，\s-]*?)\s*-->\s*$")
        .expect("valid regex")
});

/// A finding, as compared.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub rule: String,
    pub line: usize,
    /// The message (reported findings only).
    pub message: String,
}

#[derive(Debug)]
pub struct FixtureResult {
    /// Relative to the pack folder.
    pub name: String,
    pub expected: Vec<Finding>,
    pub reported: Vec<Finding>,
    pub missing: Vec<Finding>,
    pub unexpected: Vec<Finding>,
    /// The fixture could not be read or checked, or its expectations are malformed.
    pub error: Option<String>,
}

impl FixtureResult {
    pub fn passed(&self) -> bool {
        self.error.is_none() && self.missing.is_empty() && self.unexpected.is_empty()
    }
}

/// A rule of the pack without a fixture where it fires, or without one where it is silent.
#[derive(Debug)]
pub struct Untested {
    pub rule: String,
    pub fires: bool,
    pub silent: bool,
}

#[derive(Debug)]
pub struct TestReport {
    pub pack: String,
    pub dir: PathBuf,
    /// The rules this pack declares (not those it extends), which the fixtures must cover.
    pub rules: Vec<String>,
    pub fixtures: Vec<FixtureResult>,
    pub untested: Vec<Untested>,
    /// (rule, wording) pairs that no fixture's text matches.
    pub unreached: Vec<(String, String)>,
}

impl TestReport {
    pub fn passed(&self) -> bool {
        !self.fixtures.is_empty()
            && self.fixtures.iter().all(FixtureResult::passed)
            && self.untested.is_empty()
    }
}

/// Why a pack could not be tested at all.
#[derive(Debug)]
pub enum TestError {
    Pack(PackError),
    NoFixtures(PathBuf),
}

/// Loads the pack in `dir` and runs its fixtures.
pub fn run(dir: &Path) -> Result<TestReport, TestError> {
    let location = Location::from_arg(&dir.display().to_string(), None);
    let Location::Dir(dir) = location.clone() else {
        return Err(TestError::NoFixtures(dir.join("tests")));
    };
    let pack = Pack::load(location).map_err(TestError::Pack)?;
    let tests = dir.join("tests");
    if !tests.is_dir() {
        return Err(TestError::NoFixtures(tests));
    }
    let (inputs, _) = load::discover(&[tests.display().to_string()]);
    if inputs.is_empty() {
        return Err(TestError::NoFixtures(tests));
    }
    let own: Vec<String> = pack
        .rules
        .iter()
        // Rules that compare reports (Y) cannot fire on one fixture: a batch tests them.
        .filter(|r| r.meta.pack == pack.name && r.enabled && r.check.series().is_none())
        .map(|r| r.meta.id.clone())
        .collect();
    let name = pack.name.clone();
    let linter = Linter::new(pack);

    let mut fixtures = Vec::new();
    let mut texts = Vec::new();
    for input in &inputs {
        let Input::File(path) = input else { continue };
        let (result, text) = run_fixture(&linter, &dir, path);
        fixtures.push(result);
        texts.extend(text);
    }

    let mut untested = Vec::new();
    for id in &own {
        let fires = fixtures.iter().any(|f| {
            f.error.is_none()
                && f.expected.iter().any(|e| &e.rule == id)
                && !f.missing.iter().any(|m| &m.rule == id)
        });
        let silent = fixtures.iter().any(|f| {
            f.error.is_none()
                && !f.expected.iter().any(|e| &e.rule == id)
                && !f.reported.iter().any(|r| &r.rule == id)
        });
        if !fires || !silent {
            untested.push(Untested {
                rule: id.clone(),
                fires,
                silent,
            });
        }
    }

    let mut unreached = Vec::new();
    for rule in linter
        .pack()
        .rules
        .iter()
        .filter(|r| own.contains(&r.meta.id))
    {
        for (source, re) in rule.check.wordings() {
            if !texts.iter().any(|t: &String| re.is_match(t)) {
                unreached.push((rule.meta.id.clone(), source));
            }
        }
    }

    Ok(TestReport {
        pack: name,
        dir,
        rules: own,
        fixtures,
        untested,
        unreached,
    })
}

/// Checks one fixture; also returns the text the checks saw (for the wording coverage).
fn run_fixture(linter: &Linter, dir: &Path, path: &Path) -> (FixtureResult, Option<String>) {
    let name = path.strip_prefix(dir).unwrap_or(path).display().to_string();
    let mut result = FixtureResult {
        name,
        expected: Vec::new(),
        reported: Vec::new(),
        missing: Vec::new(),
        unexpected: Vec::new(),
        error: None,
    };
    let input = Input::File(path.to_path_buf());
    let mut loaded = match load::load(&input, &LoadOptions::default()) {
        Ok(l) => l,
        Err(e) => {
            result.error = Some(format!("无法读取：{}", e.message()));
            return (result, None);
        }
    };

    // Expectations written in the fixture.
    let in_file = match loaded.source.kind {
        SourceKind::Text | SourceKind::Markdown => {
            let (text, expected) = take_comments(&loaded.text, true);
            loaded.text = text;
            expected
        }
        SourceKind::Html => match std::fs::read_to_string(path) {
            Ok(source) => take_comments(&source, false).1,
            Err(_) => Vec::new(),
        },
        SourceKind::Docx => Vec::new(),
    };
    let sidecar = sidecar_of(path);
    let from_sidecar = match &sidecar {
        Some(p) => match std::fs::read_to_string(p) {
            Ok(text) => match parse_sidecar(&text) {
                Ok(v) => v,
                Err(e) => {
                    result.error = Some(format!("{}：{e}", p.display()));
                    return (result, None);
                }
            },
            Err(e) => {
                result.error = Some(format!("无法读取 {}：{e}", p.display()));
                return (result, None);
            }
        },
        None => Vec::new(),
    };
    result.expected = in_file.into_iter().chain(from_sidecar).collect();
    result.expected.sort();

    let outcome = match linter.lint_loaded(input.name(), loaded) {
        Ok(o) => o,
        Err(e) => {
            result.error = Some(format!("无法检查：{}", e.message()));
            return (result, None);
        }
    };
    result.reported = outcome
        .diagnostics
        .iter()
        .map(|d| {
            let j = json::convert(&outcome.document, d);
            Finding {
                rule: j.rule,
                line: j.line,
                message: j.message,
            }
        })
        .collect();
    result.reported.sort();
    let key = |f: &Finding| (f.rule.clone(), f.line);
    let mut reported: Vec<(String, usize)> = result.reported.iter().map(key).collect();
    for e in &result.expected {
        match reported.iter().position(|r| *r == key(e)) {
            Some(i) => {
                reported.remove(i);
            }
            None => result.missing.push(e.clone()),
        }
    }
    let mut unmatched: Vec<(String, usize)> = result.expected.iter().map(key).collect();
    for r in &result.reported {
        match unmatched.iter().position(|e| *e == key(r)) {
            Some(i) => {
                unmatched.remove(i);
            }
            None => result.unexpected.push(r.clone()),
        }
    }
    (result, Some(outcome.document.text))
}

/// The expectation comments of a text: each applies to the next line that is not one.
/// With `blank`, the comment lines are emptied in the returned text (line numbers kept).
fn take_comments(text: &str, blank: bool) -> (String, Vec<Finding>) {
    let mut out = String::with_capacity(text.len());
    let mut pending: Vec<String> = Vec::new();
    let mut expected = Vec::new();
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let content = line.trim_end_matches(['\n', '\r']);
        if let Some(c) = EXPECT_COMMENT.captures(content) {
            pending.extend(
                c["rules"]
                    .split([',', '，', ' '])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_uppercase),
            );
            if blank {
                out.push_str(&line[content.len()..]);
            } else {
                out.push_str(line);
            }
            continue;
        }
        for rule in pending.drain(..) {
            expected.push(Finding {
                rule,
                line: i + 1,
                message: String::new(),
            });
        }
        out.push_str(line);
    }
    (out, expected)
}

fn sidecar_of(path: &Path) -> Option<PathBuf> {
    let long = PathBuf::from(format!("{}.expect", path.display()));
    let short = path.with_extension("expect");
    [long, short].into_iter().find(|p| p.is_file())
}

/// `RULE LINE` lines; `#` starts a comment.
pub fn parse_sidecar(text: &str) -> Result<Vec<Finding>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let mut parts = line.split_whitespace();
        let (Some(rule), Some(at), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(format!(
                "第 {} 行应为「规则编号 行号」，如「X101 12」，实为「{line}」",
                i + 1
            ));
        };
        let Ok(at) = at.parse::<usize>() else {
            return Err(format!("第 {} 行的行号「{at}」不是数字", i + 1));
        };
        out.push(Finding {
            rule: rule.to_uppercase(),
            line: at,
            message: String::new(),
        });
    }
    Ok(out)
}

/// The report of a run, as `nianbao test` prints it.
pub fn render(report: &TestReport) -> String {
    let mut s = format!(
        "nianbao test：规则包 {}（{}），{} 个用例\n\n",
        report.pack,
        report.dir.display(),
        report.fixtures.len()
    );
    for f in &report.fixtures {
        if f.passed() {
            let what = if f.expected.is_empty() {
                "不应报告任何问题".to_string()
            } else {
                let rules: BTreeSet<&str> = f.expected.iter().map(|e| e.rule.as_str()).collect();
                format!(
                    "{} 个预期问题：{}",
                    f.expected.len(),
                    rules.into_iter().collect::<Vec<_>>().join("、")
                )
            };
            let _ = writeln!(s, "  ok    {}（{what}）", f.name);
            continue;
        }
        let _ = writeln!(s, "  FAIL  {}", f.name);
        if let Some(e) = &f.error {
            let _ = writeln!(s, "        {e}");
            continue;
        }
        let _ = writeln!(s, "        - 期望而未报告    + 报告而未期望");
        for m in &f.missing {
            let _ = writeln!(s, "        - {} 第 {} 行", m.rule, m.line);
        }
        for u in &f.unexpected {
            let _ = writeln!(s, "        + {} 第 {} 行：{}", u.rule, u.line, u.message);
        }
    }
    s.push('\n');
    let failed = report.fixtures.iter().filter(|f| !f.passed()).count();
    let _ = writeln!(
        s,
        "规则覆盖：本规则包的 {} 条规则中，{} 条既有报告它的用例又有它保持沉默的用例",
        report.rules.len(),
        report.rules.len() - report.untested.len()
    );
    for u in &report.untested {
        let why = match (u.fires, u.silent) {
            (false, false) => "没有报告它的用例，也没有它保持沉默的用例",
            (false, true) => "没有报告它的用例",
            _ => "没有它保持沉默的用例",
        };
        let _ = writeln!(s, "  未测试：{}（{why}）", u.rule);
    }
    for (rule, wording) in &report.unreached {
        let _ = writeln!(
            s,
            "  从未匹配：{rule} 的写法「{wording}」在任何用例中都没有匹配（可能永远不会匹配，或缺少用例）"
        );
    }
    let _ = writeln!(
        s,
        "\n结果：{}。{} 个用例通过，{failed} 个失败；{} 条规则未测试",
        if report.passed() { "通过" } else { "失败" },
        report.fixtures.len() - failed,
        report.untested.len()
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_expect_the_next_line_and_are_blanked() {
        let (text, e) = take_comments("a\n<!-- expect: X101, t201 -->\nb\nc\n", true);
        assert_eq!(text, "a\n\nb\nc\n");
        let got: Vec<(&str, usize)> = e.iter().map(|f| (f.rule.as_str(), f.line)).collect();
        assert_eq!(got, vec![("X101", 3), ("T201", 3)]);
    }

    #[test]
    fn sidecar_lines() {
        let e = parse_sidecar("# expected\nX101 12\n\nT201 36  # sum\n").unwrap_or_default();
        assert_eq!(e.len(), 2);
        assert_eq!((e[1].rule.as_str(), e[1].line), ("T201", 36));
        assert!(parse_sidecar("X101\n").is_err());
        assert!(parse_sidecar("X101 twelve\n").is_err());
    }
}
