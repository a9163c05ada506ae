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
//! kind. The same text found by two patterns of
//! a rule is reported once. In `message` and `help`, `{hit}` is the offending text and
//! `{context}` the text around it.

use std::collections::BTreeSet;
use std::ops::Range;

use super::{Check, CompileCx, Context, in_sections, pack_regex, resolve_sections, rule_def};
use crate::pack::error::DefError;
use crate::pack::template::Templates;

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
    }
}

/// Characters of context shown on each side of a hit.
const CONTEXT_CHARS: usize = 8;

struct Pattern {
    /// All patterns at once: one pass tells whether any of them occurs at all.
    any: regex::RegexSet,
    regexes: Vec<regex::Regex>,
    sources: Vec<String>,
    message: String,
    help: Option<String>,
    label: String,
    sections: Vec<usize>,
    examples: Vec<String>,
}

pub fn compile(def: &Def, cx: &CompileCx<'_>) -> Result<Box<dyn Check>, DefError> {
    if def.patterns.is_empty() {
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
    let any = regex::RegexSet::new(regexes.iter().map(|r| r.as_str()))
        .map_err(|e| super::regex_error(&def.patterns[0], cx, &e.to_string()))?;
    let rule = Pattern {
        any,
        regexes,
        sources: def.patterns.iter().map(|p| p.get_ref().clone()).collect(),
        message: def.message.clone(),
        help: def.help.clone(),
        label: def.label.clone().unwrap_or_else(|| "此处".into()),
        sections: resolve_sections(&def.sections, cx.templates)?,
        examples: def.examples.iter().map(|e| e.get_ref().clone()).collect(),
    };
    super::check_examples(cx, &def.examples, &def.counterexamples, |t| {
        rule.hits(t).first().map(|h| t[h.clone()].to_string())
    })?;
    Ok(Box::new(rule))
}

impl Pattern {
    /// Byte ranges of the offending text, deduplicated, in order.
    fn hits(&self, line: &str) -> Vec<Range<usize>> {
        if !self.any.is_match(line) {
            return Vec::new();
        }
        let mut found = BTreeSet::new();
        for re in &self.regexes {
            for caps in re.captures_iter(line) {
                let Some(whole) = caps.get(0) else { continue };
                let hit = caps.name("hit").map_or(whole.range(), |m| m.range());
                if !hit.is_empty() {
                    found.insert((hit.start, hit.end));
                }
            }
        }
        found.into_iter().map(|(a, b)| a..b).collect()
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
        self.sources.iter().cloned().zip(&self.regexes).collect()
    }

    fn check(&self, cx: &mut Context<'_>) {
        let doc = cx.doc;
        let text = &doc.text;
        for cluster in clusters(text, self.hits(text)) {
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
            cx.push(d);
        }
    }

    fn explain(&self, _templates: &Templates) -> Vec<String> {
        let mut lines: Vec<String> = self.sources.iter().map(|p| format!("正则：{p}")).collect();
        for e in &self.examples {
            lines.push(format!("识别的示例：{e}"));
        }
        lines
    }
}
