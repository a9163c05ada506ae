//! Rule kind `pattern`: text that should not be in a published report — characters
//! lost in conversion, HTML residue, mojibake, unfilled template placeholders,
//! repeated words, web-page furniture.
//!
//! ```toml
//! [[pattern]]
//! id = "E102"
//! severity = "error"
//! summary = "网页代码残留"
//! patterns = ['(?P<hit></?[A-Za-z][A-Za-z0-9]{0,9}\s*/?>)']
//! message = "文中残留网页代码「{hit}」"
//! help = "删除「{hit}」"
//! examples = ["改进情况</span>"]          # must match (checked when the pack loads)
//! counterexamples = ["《条例》第五十条"]   # must not match
//! description = "…"
//! ```
//!
//! Patterns are regular expressions (the `regex` crate: linear time, so no pattern a
//! pack author writes can make a check hang), each run once over the whole text, and
//! may use the pack's `{fragment}`s. A group named `hit` marks the exact offending text; otherwise
//! the whole match is reported. Text repeated right after itself ("资金资金") needs a
//! backreference, which linear-time regexes do not have: that is the `repetition`
//! kind. Mojibake needs a character's encoding, which a regex does not see:
//! `detect = "mojibake"` adds the runs `rules::mojibake` finds to a rule's hits, and
//! `not_near = "mojibake"` drops a rule's hits inside or beside such a run (a `?` a
//! decoder left in mojibake is not a single lost character). The same text found by two patterns of
//! a rule is reported once. In `message` and `help`, `{hit}` is the offending text and
//! `{context}` the text around it.
//!
//! A rule whose hits have exactly one right correction may declare it for `nianbao
//! check --fix`: `fix = "delete"` or `fix = { replace = "…" }` (`rules::fix_def`), and
//! `fix_only = '…'`, a regex a hit must match in full to be fixed (E102 deletes
//! `</span>` and `&nbsp;`, not `<br>`, whose right answer may be a line break). A
//! finding grouping several hits is fixed only when all of them are. When the pack
//! loads, every example's fixable hits are fixed and the result must not be found
//! again (a fix settles what it fixes), and a fix must not remove a number.

use std::collections::BTreeSet;
use std::ops::Range;

use super::fix_def::FixAction;
use super::scan::{PackRegex, Scan};
use super::{Check, CompileCx, Context, in_sections, pack_regex, resolve_sections, rule_def};
use crate::diagnostic::Fix;
use crate::template::Templates;
use crate::template::error::DefError;

rule_def! {
    /// `[[pattern]]`
    pub struct Def {
        pub patterns: Vec<toml::Spanned<String>>,
        pub message: String,
        #[serde(default)]
        pub help: Option<String>,
        #[serde(default)]
        pub label: Option<String>,
        #[serde(default)]
        pub sections: Vec<toml::Spanned<String>>,
        #[serde(default)]
        pub examples: Vec<toml::Spanned<String>>,
        #[serde(default)]
        pub counterexamples: Vec<toml::Spanned<String>>,
        /// A built-in detector whose hits are added: `"mojibake"`.
        #[serde(default)]
        pub detect: Option<toml::Spanned<String>>,
        /// Hits inside or beside what this detector finds are dropped: `"mojibake"`.
        #[serde(default)]
        pub not_near: Option<toml::Spanned<String>>,
        #[serde(default)]
        pub fix: Option<toml::Spanned<toml::Value>>,
        #[serde(default)]
        pub fix_only: Option<toml::Spanned<String>>,
    }
}

/// Characters of context shown on each side of a hit.
const CONTEXT_CHARS: usize = 8;

struct Pattern {
    /// Searched only where the document's literal scan says they can match.
    regexes: Vec<PackRegex>,
    sources: Vec<String>,
    message: String,
    help: Option<String>,
    label: String,
    sections: Vec<usize>,
    examples: Vec<String>,
    detect: bool,
    not_near: bool,
    fix: Option<FixAction>,
    /// Anchored: the hits the fix applies to (and the regex as written).
    fix_only: Option<(PackRegex, String)>,
}

/// The built-in detectors `detect` and `not_near` may name.
fn detector(field: &Option<toml::Spanned<String>>) -> Result<bool, DefError> {
    match field {
        None => Ok(false),
        Some(d) if d.get_ref() == "mojibake" => Ok(true),
        Some(d) => Err(DefError::new(
            d.span(),
            format!("未知的检测器「{}」", d.get_ref()),
            "可用的检测器：mojibake",
        )),
    }
}

pub fn compile(def: &Def, cx: &CompileCx<'_>) -> Result<Box<dyn Check>, DefError> {
    let (detect, not_near) = (detector(&def.detect)?, detector(&def.not_near)?);
    if def.patterns.is_empty() && !detect {
        return Err(DefError::new(
            def.id.span(),
            "pattern 规则至少要有一个 patterns",
            "此规则",
        ));
    }
    let regexes = def
        .patterns
        .iter()
        .map(|p| pack_regex(p, cx))
        .collect::<Result<Vec<_>, _>>()?;
    let fix = def
        .fix
        .as_ref()
        .map(|f| super::fix_def::parse(f, true))
        .transpose()?;
    let fix_only = match &def.fix_only {
        None => None,
        Some(_) if fix.is_none() => {
            return Err(
                DefError::new(def.id.span(), "有 fix_only 却没有 fix", "此规则")
                    .help("加上 fix = \"delete\" 或 fix = { replace = \"…\" }，或删去 fix_only"),
            );
        }
        Some(p) => {
            let expanded = super::expand(p, cx)?;
            if cx.check_examples {
                super::build_now(p, cx, &expanded)?;
            }
            let anchored = cx.regex(p, format!("^(?:{expanded})$"), false)?;
            Some((anchored, p.get_ref().clone()))
        }
    };
    let rule = Pattern {
        fix,
        fix_only,
        regexes,
        sources: def.patterns.iter().map(|p| p.get_ref().clone()).collect(),
        message: def.message.clone(),
        help: def.help.clone(),
        label: def.label.clone().unwrap_or_else(|| "此处".into()),
        sections: resolve_sections(&def.sections, cx.templates)?,
        examples: def.examples.iter().map(|e| e.get_ref().clone()).collect(),
        detect,
        not_near,
    };
    super::check_examples(cx, &def.examples, &def.counterexamples, |t| {
        rule.hits(t, None).first().map(|h| t[h.clone()].to_string())
    })?;
    if cx.check_examples {
        rule.check_fix(&def.examples)?;
    }
    Ok(Box::new(rule))
}

impl Pattern {
    /// True when `hit` is fixed by the rule's fix.
    fn fixable(&self, hit: &str) -> bool {
        self.fix.is_some()
            && self
                .fix_only
                .as_ref()
                .is_none_or(|(re, _)| re.is_match(hit))
    }

    /// A declared fix must settle what it fixes in every example (the fixed example
    /// has no fixable hit left) and never remove a number.
    fn check_fix(&self, examples: &[toml::Spanned<String>]) -> Result<(), DefError> {
        let Some(fix) = &self.fix else { return Ok(()) };
        for e in examples {
            let text = e.get_ref();
            let hits: Vec<Range<usize>> = self
                .hits(text, None)
                .into_iter()
                .filter(|h| self.fixable(&text[h.clone()]))
                .collect();
            if let Some(h) = hits.iter().find(|h| {
                crate::diagnostic::safe_fix::changes_number(&text[(*h).clone()], fix.replacement())
            }) {
                return Err(DefError::new(
                    e.span(),
                    format!("fix 会删改数字「{}」", &text[h.clone()]),
                    "此示例",
                )
                .help("用 fix_only 排除含数字的匹配"));
            }
            let mut fixed = String::new();
            let mut at = 0;
            for h in &hits {
                fixed.push_str(&text[at..h.start]);
                fixed.push_str(fix.replacement());
                at = h.end;
            }
            fixed.push_str(&text[at..]);
            if let Some(h) = self
                .hits(&fixed, None)
                .into_iter()
                .find(|h| self.fixable(&fixed[h.clone()]))
            {
                return Err(DefError::new(
                    e.span(),
                    format!(
                        "按 fix 修复此示例后仍识别出「{}」（修复不能一次到位）",
                        &fixed[h]
                    ),
                    "此示例",
                ));
            }
        }
        Ok(())
    }

    /// Byte ranges of the offending text, deduplicated, in order. With the
    /// document's `scan`, a pattern whose literals are not in `line` is not searched.
    fn hits(&self, line: &str, scan: Option<&Scan<'_>>) -> Vec<Range<usize>> {
        // The mojibake runs, found once per document for every rule that asks
        // (`Scan::mojibake`), and only when needed: a `not_near` rule asks only
        // when it has a hit.
        let local = std::cell::OnceCell::new();
        let runs = || -> &[Range<usize>] {
            match scan.and_then(|s| s.mojibake(line)) {
                Some(runs) => runs,
                None => local.get_or_init(|| super::mojibake::runs(line)),
            }
        };
        let mut found = BTreeSet::new();
        if self.detect {
            found.extend(runs().iter().map(|r| (r.start, r.end)));
        }
        for re in self
            .regexes
            .iter()
            .filter(|re| super::scan::may_match(scan, re, line))
        {
            for caps in re.captures_iter(line) {
                let Some(whole) = caps.get(0) else { continue };
                let hit = caps.name("hit").map_or(whole.range(), |m| m.range());
                if !hit.is_empty() {
                    found.insert((hit.start, hit.end));
                }
            }
        }
        found
            .into_iter()
            .map(|(a, b)| a..b)
            .filter(|h| {
                !self.not_near
                    || self.detect && runs().contains(h)
                    || !super::mojibake::near(line, runs(), h)
            })
            .collect()
    }
}

/// The hit with a few characters on each side, within its line.
fn context(text: &str, hit: &Range<usize>) -> String {
    let line_start = text[..hit.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[hit.end..]
        .find('\n')
        .map_or(text.len(), |i| hit.end + i);
    let before: Vec<char> = text[line_start..hit.start]
        .chars()
        .rev()
        .take(CONTEXT_CHARS)
        .collect();
    let before: String = before.into_iter().rev().collect();
    let after: String = text[hit.end..line_end]
        .chars()
        .take(CONTEXT_CHARS)
        .collect();
    format!(
        "{}{}{}",
        before.trim_start(),
        &text[hit.clone()],
        after.trim_end()
    )
}

/// Hits closer than this many characters are reported together.
const CLUSTER_GAP_CHARS: usize = 4;

/// Groups hits that are close together on one line ("?024??日起?024?2?1日").
fn clusters(text: &str, hits: Vec<Range<usize>>) -> Vec<Vec<Range<usize>>> {
    let mut out: Vec<Vec<Range<usize>>> = Vec::new();
    for hit in hits {
        let close = out.last().and_then(|c| c.last()).is_some_and(|last| {
            text.get(last.end..hit.start)
                .is_some_and(|gap| !gap.contains('\n') && gap.chars().count() <= CLUSTER_GAP_CHARS)
        });
        match out.last_mut() {
            Some(c) if close => c.push(hit),
            _ => out.push(vec![hit]),
        }
    }
    out
}

impl Check for Pattern {
    fn wordings(&self) -> Vec<(String, &regex::Regex)> {
        self.sources
            .iter()
            .cloned()
            .zip(self.regexes.iter().map(|r| &**r))
            .collect()
    }

    fn check(&self, cx: &mut Context<'_>) {
        let doc = cx.doc;
        let text = &doc.text;
        for cluster in clusters(text, self.hits(text, Some(cx.scan))) {
            let (Some(first), Some(last)) = (cluster.first(), cluster.last()) else {
                continue;
            };
            if !in_sections(doc, &self.sections, first.start) {
                continue;
            }
            let hit = &text[first.clone()];
            let ctx = context(text, &(first.start..last.end));
            let fill = |s: &str| s.replace("{hit}", hit).replace("{context}", &ctx);
            let mut message = fill(&self.message);
            if cluster.len() > 1 {
                message.push_str(&format!("（共 {} 处）", cluster.len()));
            }
            let mut d = cx
                .diagnostic(first.clone(), message)
                .primary_label(fill(&self.label));
            for other in cluster.iter().skip(1) {
                d = d.label(other.clone(), fill(&self.label));
            }
            if let Some(h) = &self.help {
                d = d.help(fill(h));
            }
            if let Some(fix) = &self.fix
                && cluster.iter().all(|h| self.fixable(&text[h.clone()]))
            {
                d = d.fix(Fix {
                    edits: cluster
                        .iter()
                        .map(|h| crate::diagnostic::Edit {
                            span: h.clone(),
                            replacement: fix.replacement().to_string(),
                        })
                        .collect(),
                });
            }
            cx.push(d);
        }
    }

    fn fix(&self) -> Option<String> {
        let fix = self.fix.as_ref()?;
        Some(match &self.fix_only {
            Some((_, source)) => format!("{}（只限完整符合 {source} 的文字）", fix.describe()),
            None => fix.describe(),
        })
    }

    fn explain(&self, _templates: &Templates) -> Vec<String> {
        let mut lines: Vec<String> = self.sources.iter().map(|p| format!("正则：{p}")).collect();
        for e in &self.examples {
            lines.push(format!("识别的示例：{e}"));
        }
        lines
    }
}
