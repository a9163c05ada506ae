//! Rule kind `content`: what a section must say.
//!
//! * `must_mention` — a regex the section's text must match (六 must state the
//!   信息处理费, collected or not);
//! * `min_chars` — the section must not be empty, nor just "无" (五 must describe
//!   problems and improvements).
//!
//! ```toml
//! [[content]]
//! id = "S301"
//! section = "other"
//! must_mention = "信息处理费|处理费"
//! what = "信息处理费的收取情况"
//! ```
//!
//! `part = "oversight"` narrows the check to one sub-part of the section (from its heading
//! to the next heading); it is not checked when the sub-part is missing (S201 reports
//! that) or runs to the end of the text (a cut page: what follows is unknown).
//!
//! `section = "preamble"` is the text before the first section heading (the title and
//! the opening paragraph, where a report cites its legal basis); a report without any
//! heading is not checked.
//!
//! A missing section is reported by the `structure` rules, not here.

use super::{Check, CompileCx, Context, rule_def};
use crate::template::Templates;
use crate::template::error::DefError;

rule_def! {
    /// `[[content]]`
    pub struct Def {
        pub section: toml::Spanned<String>,
        /// A sub-part of `section` (its id).
        #[serde(default)]
        pub part: Option<toml::Spanned<String>>,
        #[serde(default)]
        pub must_mention: Option<toml::Spanned<String>>,
        #[serde(default)]
        pub what: Option<String>,
        #[serde(default)]
        pub min_chars: Option<usize>,
    }
}

/// The section id that stands for the text before the first heading.
const PREAMBLE: &str = "preamble";

struct Content {
    /// `None`: the preamble.
    section: Option<usize>,
    /// A sub-part of `section`.
    part: Option<usize>,
    must_mention: Option<super::scan::PackRegex>,
    what: String,
    min_chars: Option<usize>,
}

pub fn compile(def: &Def, cx: &CompileCx<'_>) -> Result<Box<dyn Check>, DefError> {
    let section = if def.section.get_ref() == PREAMBLE {
        None
    } else {
        Some(section_index(def, cx)?)
    };
    if def.must_mention.is_none() && def.min_chars.is_none() {
        return Err(DefError::new(
            def.section.span(),
            "content 规则需要 must_mention 或 min_chars",
            "此规则没有要求",
        ));
    }
    let part = match (&def.part, section) {
        (None, _) => None,
        (Some(p), None) => {
            return Err(DefError::new(
                p.span(),
                "导语没有子项",
                "preamble 不能加 part",
            ));
        }
        (Some(p), Some(s)) => {
            let parts = &cx.templates.sections[s].parts;
            let found = parts.iter().position(|x| x.id == *p.get_ref());
            Some(found.ok_or_else(|| {
                let ids: Vec<&str> = parts.iter().map(|x| x.id.as_str()).collect();
                DefError::new(
                    p.span(),
                    format!(
                        "章节「{}」中没有子项「{}」",
                        def.section.get_ref(),
                        p.get_ref()
                    ),
                    "没有这个子项",
                )
                .help(format!("可用的子项：{}", ids.join("、")))
            })?)
        }
    };
    Ok(Box::new(Content {
        section,
        part,
        must_mention: def
            .must_mention
            .as_ref()
            .map(|m| super::piece_regex(m, cx))
            .transpose()?,
        what: def.what.clone().unwrap_or_else(|| "规定的内容".into()),
        min_chars: def.min_chars,
    }))
}

fn section_index(def: &Def, cx: &CompileCx<'_>) -> Result<usize, DefError> {
    Ok(super::resolve_ids(
        std::slice::from_ref(&def.section),
        cx.templates.sections.len(),
        |id| cx.templates.section_index(id),
        || {
            cx.templates
                .sections
                .iter()
                .map(|s| s.id.as_str())
                .collect()
        },
        "章节",
    )?
    .first()
    .copied()
    .unwrap_or(0))
}

/// Words that stand for "nothing to report".
const NOTHING: &[&str] = &["无", "暂无", "没有", "无其他需要报告的事项", "无其他事项"];

impl Check for Content {
    fn check(&self, cx: &mut Context<'_>) {
        let Some(section) = self.section else {
            self.check_preamble(cx);
            return;
        };
        let Some(hit) = cx.doc.outline.first(section) else {
            return;
        };
        let tpl = &cx.templates.sections[section];
        let mut at = hit.heading.clone();
        let mut heading = tpl.heading();
        let mut range = hit.body.clone();
        if let Some(part) = self.part {
            let parts = &cx.doc.outline.parts;
            let Some(p) = parts
                .iter()
                .find(|p| p.section == section && p.part == part)
            else {
                return;
            };
            let next_part = parts
                .iter()
                .map(|x| x.heading.start)
                .filter(|&s| s > p.heading.start && s < hit.body.end)
                .min();
            let next_section = cx
                .doc
                .outline
                .sections
                .iter()
                .map(|x| x.heading.start)
                .find(|&s| s > p.heading.start);
            let Some(end) = next_part.or(next_section) else {
                return; // runs to the end of the text: perhaps cut
            };
            at = p.heading.clone();
            heading = tpl.parts[part].heading();
            range = p.heading.end.min(end)..end;
        }
        let body = cx.doc.text.get(range).unwrap_or("");
        if let Some(re) = &self.must_mention
            && !re.is_match(body)
        {
            let d = cx
                .diagnostic(at.clone(), format!("「{heading}」中没有说明{}", self.what))
                .primary_label(format!("本部分应说明{}", self.what))
                .help(format!(
                    "补充{}（即使没有，也应写明，如“未收取”）",
                    self.what
                ));
            cx.push(d);
        }
        if let Some(min) = self.min_chars {
            let letters: String = body.chars().filter(|c| c.is_alphanumeric()).collect();
            let count = letters.chars().count();
            if count < min || NOTHING.contains(&letters.as_str()) {
                let d = cx
                    .diagnostic(at, format!("「{heading}」没有实际内容（{count} 个字）"))
                    .primary_label("本部分内容过少")
                    .help("具体说明存在的问题和改进措施，不能只写“无”");
                cx.push(d);
            }
        }
    }

    fn explain(&self, templates: &Templates) -> Vec<String> {
        let heading = match self.section {
            None => "导语（第一个章节标题之前的文字）".to_string(),
            Some(s) => templates
                .sections
                .get(s)
                .map(|t| match self.part.and_then(|p| t.parts.get(p)) {
                    Some(p) => format!("{}·{}", t.heading(), p.heading()),
                    None => t.heading(),
                })
                .unwrap_or_default(),
        };
        let mut lines = Vec::new();
        if let Some(re) = &self.must_mention {
            lines.push(format!(
                "「{heading}」须说明{}（正则：{}）",
                self.what,
                re.as_str()
            ));
        }
        if let Some(min) = self.min_chars {
            lines.push(format!("「{heading}」至少 {min} 个字，不能只写“无”"));
        }
        lines
    }
}

impl Content {
    /// `must_mention` on the text before the first heading, reported at its first line.
    fn check_preamble(&self, cx: &mut Context<'_>) {
        let Some(re) = &self.must_mention else {
            return;
        };
        let Some(first) = cx.doc.outline.sections.first() else {
            return;
        };
        let preamble = cx.doc.text.get(..first.heading.start).unwrap_or("");
        if re.is_match(preamble) {
            return;
        }
        // The first non-empty line (the title), else the first heading.
        let mut at = first.heading.clone();
        let mut offset = 0;
        for line in preamble.split_inclusive('\n') {
            let content = line.trim_end();
            let lead = content.len() - content.trim_start().len();
            if !content.trim().is_empty() {
                at = offset + lead..offset + content.len();
                break;
            }
            offset += line.len();
        }
        let d = cx
            .diagnostic(at, format!("导语中没有说明{}", self.what))
            .primary_label(format!("报告开头应说明{}", self.what))
            .help(format!("在报告开头（第一部分之前）写明{}", self.what));
        cx.push(d);
    }
}
