//! Rule kind `structure`: the six sections and the sub-parts of 一、总体情况.
//!
//! Checks (the `check` field):
//! * `missing_section` — a section of the template is not in the report; points at
//!   the heading it should have come before.
//! * `section_order` — a section comes after one that should follow it.
//! * `duplicate_section` — a section heading appears twice.
//! * `section_title` — the title is close to the standard but not equal (shows a diff;
//!   `--fix` writes the standard title when that is certain, see `title_fix`).
//! * `section_numbering` — `1、总体情况`, or a numeral that belongs to another section.
//! * `missing_part`, `part_order`, `part_numbering` — the same for sub-parts.
//! * `untitled_section` — a section's heading is absent but its content is there,
//!   starting with a sub-heading that names its topic (OCR loses headings).
//! * `incomplete_text` — the text is visibly only part of a report (it stops in the
//!   middle of a sentence or a table, or starts at a later section with no preamble):
//!   one finding instead of a "missing" finding for every section outside the text.
//! * `preamble_parts` — the preamble's list of the report's parts ("本报告由总体情况、…
//!   等六部分组成"): a section the list leaves out, or a count that differs from the
//!   parts listed. `parts` gives, for each of `sections`, a regex that names it in
//!   such a list (`"复议|诉讼"`); the list is the text after 包括/包含/分为/由 up to
//!   the end of its sentence, before the first heading.
//!
//! ```toml
//! [[structure]]
//! id = "S101"
//! check = "missing_section"
//! severity = "error"
//! summary = "缺少规定的章节"
//! description = "…"
//! ```

use std::ops::Range;

use super::{Check, Context, parse_check, resolve_ids, rule_def};
use crate::parse::Document;
use crate::template::Templates;
use crate::template::error::DefError;
use crate::text::bounded::BoundedRegex;
use crate::text::{char_diff, floor_char_boundary};

rule_def! {
    /// `[[structure]]`
    pub struct Def {
        pub check: toml::Spanned<String>,
        #[serde(default)]
        pub sections: Vec<toml::Spanned<String>>,
        /// `preamble_parts`: one regex per section of `sections`.
        #[serde(default)]
        pub parts: Vec<toml::Spanned<String>>,
    }
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    MissingSection,
    SectionOrder,
    DuplicateSection,
    SectionTitle,
    SectionNumbering,
    MissingPart,
    PartOrder,
    PartNumbering,
    Incomplete,
    Untitled,
    PreambleParts,
}

const CHECKS: &[(&str, Kind)] = &[
    ("missing_section", Kind::MissingSection),
    ("section_order", Kind::SectionOrder),
    ("duplicate_section", Kind::DuplicateSection),
    ("section_title", Kind::SectionTitle),
    ("section_numbering", Kind::SectionNumbering),
    ("missing_part", Kind::MissingPart),
    ("part_order", Kind::PartOrder),
    ("part_numbering", Kind::PartNumbering),
    ("incomplete_text", Kind::Incomplete),
    ("untitled_section", Kind::Untitled),
    ("preamble_parts", Kind::PreambleParts),
];

struct Structure {
    kind: Kind,
    sections: Vec<usize>,
    /// `preamble_parts`: the regex naming each of `sections` in a list.
    parts: Vec<super::scan::PackRegex>,
}

pub fn compile(def: &Def, cx: &super::CompileCx<'_>) -> Result<Box<dyn Check>, DefError> {
    let templates = cx.templates;
    let kind = parse_check(&def.check, CHECKS)?;
    let sections = resolve_ids(
        &def.sections,
        templates.sections.len(),
        |id| templates.section_index(id),
        || templates.sections.iter().map(|s| s.id.as_str()).collect(),
        "章节",
    )?;
    let parts = match kind {
        Kind::PreambleParts => {
            if def.parts.len() != sections.len() || sections.len() < 2 {
                return Err(DefError::new(
                    def.check.span(),
                    format!(
                        "preamble_parts 需要与 sections 一一对应的 parts（sections 有 {} 个，parts 有 {} 个）",
                        sections.len(),
                        def.parts.len()
                    ),
                    "此检查",
                ));
            }
            def.parts
                .iter()
                .map(|p| super::piece_regex(p, cx))
                .collect::<Result<Vec<_>, _>>()?
        }
        _ => {
            if let Some(p) = def.parts.first() {
                return Err(DefError::new(
                    p.span(),
                    "parts 只用于 preamble_parts 检查",
                    "多余的 parts",
                ));
            }
            Vec::new()
        }
    };
    Ok(Box::new(Structure {
        kind,
        sections,
        parts,
    }))
}

/// The preamble's list of parts: after 包括/包含/分为/由 to the end of the sentence,
/// with the count it states (`等六部分组成`, `6个部分`) when it does.
const PART_LIST_PATTERN: &str = r"(?:包括|包含|分为|由)[:：]?(?P<list>[^。]{8,400}?)(?:(?:等|共)?(?P<n>[一二三四五六七八九十0-9]{1,2})个?部分[^。]{0,4}|。|$)";
static PART_LIST: std::sync::LazyLock<BoundedRegex> =
    std::sync::LazyLock::new(|| BoundedRegex::new(PART_LIST_PATTERN, "list", "{8,400}"));

/// `六` or `6` → 6.
fn chinese_count(s: &str) -> Option<usize> {
    if let Ok(n) = s.parse::<usize>() {
        return Some(n);
    }
    let digit = |c: char| "零一二三四五六七八九".chars().position(|d| d == c);
    let chars: Vec<char> = s.chars().collect();
    match chars[..] {
        ['十'] => Some(10),
        [c] => digit(c),
        ['十', c] => Some(10 + digit(c)?),
        _ => None,
    }
}

/// A one-character span at the end of the text, for "should have been here" at the end.
pub fn end_span(text: &str) -> Range<usize> {
    let end = text.trim_end().len();
    floor_char_boundary(text, end.saturating_sub(1))..end
}

impl Check for Structure {
    fn check(&self, cx: &mut Context<'_>) {
        match self.kind {
            Kind::MissingSection => self.missing_sections(cx),
            Kind::SectionOrder => self.section_order(cx),
            Kind::DuplicateSection => self.duplicates(cx),
            Kind::SectionTitle => self.titles(cx),
            Kind::SectionNumbering => self.numbering(cx),
            Kind::MissingPart => self.missing_parts(cx),
            Kind::PartOrder => self.part_order(cx),
            Kind::PartNumbering => self.part_numbering(cx),
            Kind::Incomplete => self.incomplete(cx),
            Kind::Untitled => self.untitled(cx),
            Kind::PreambleParts => self.preamble_parts(cx),
        }
    }

    fn fix(&self) -> Option<String> {
        matches!(self.kind, Kind::SectionTitle)
            .then(|| "把标题改为标准写法（只限独占一行的标题，且不是被换行截断的）".to_string())
    }

    fn explain(&self, templates: &Templates) -> Vec<String> {
        let mut lines = Vec::new();
        for &s in &self.sections {
            let tpl = &templates.sections[s];
            lines.push(tpl.heading());
            if matches!(
                self.kind,
                Kind::MissingPart | Kind::PartOrder | Kind::PartNumbering
            ) {
                for p in &tpl.parts {
                    lines.push(format!("    {}", p.heading()));
                }
            }
        }
        lines
    }
}

/// True when a sub-part's bracketed numeral is its place among the sub-parts present
/// (（三） for the third one written) and a sub-part before it is missing: the numbering
/// follows from the missing sub-part, which `missing_part` reports.
fn numbered_in_sequence(doc: &Document, templates: &Templates, p: &crate::parse::PartHit) -> bool {
    let mut seen: Vec<usize> = Vec::new();
    for q in doc.outline.parts.iter().filter(|q| q.section == p.section) {
        if !seen.contains(&q.part) {
            seen.push(q.part);
        }
        if std::ptr::eq(q, p) {
            break;
        }
    }
    let Some(ordinal) = seen.iter().position(|&x| x == p.part) else {
        return false;
    };
    let parts = &templates.sections[p.section].parts;
    let missing_before = (0..p.part).any(|k| !seen.contains(&k));
    missing_before && parts.get(ordinal).is_some_and(|t| t.number == p.numeral)
}

impl Structure {
    fn in_scope(&self, template: usize) -> bool {
        self.sections.contains(&template)
    }

    fn missing_sections(&self, cx: &mut Context<'_>) {
        let doc = cx.doc;
        let found: Vec<String> = doc
            .outline
            .sections
            .iter()
            .map(|h| cx.templates.sections[h.template].number.clone())
            .collect();
        if doc.outline.sections.is_empty() {
            // No heading at all: one finding, not one per section.
            let missing: Vec<String> = self
                .sections
                .iter()
                .filter(|&&s| !doc.outline.outside_text(s))
                .map(|&s| cx.templates.sections[s].heading())
                .collect();
            if missing.is_empty() {
                return;
            }
            let span = end_span(&doc.text[..doc.text.find('\n').unwrap_or(doc.text.len())]);
            let d = cx
                .diagnostic(span, "报告中没有任何章节标题".to_string())
                .primary_label("从这里起找不到「一、总体情况」等章节标题")
                .note(format!("应有的章节：{}", missing.join("；")))
                .help("按格式为各部分加上标题（一、至六、）；若标题在转换中丢失，请检查原文");
            cx.push(d);
            return;
        }
        for &s in &self.sections {
            if doc.outline.first(s).is_some()
                || doc.outline.outside_text(s)
                || doc.outline.untitled.iter().any(|(t, _)| *t == s)
            {
                continue;
            }
            let tpl = &cx.templates.sections[s];
            let next = doc.outline.sections.iter().find(|h| h.template > s);
            let (span, label) = match next {
                Some(h) => (
                    h.heading.clone(),
                    format!("「{}」应在此标题之前", tpl.heading()),
                ),
                None => (
                    end_span(&doc.text),
                    format!("「{}」应在此之后", tpl.heading()),
                ),
            };
            let mut d = cx
                .diagnostic(
                    span,
                    format!("缺少第{}部分「{}」", tpl.number, tpl.heading()),
                )
                .primary_label(label)
                .help(format!("按格式补上「{}」部分", tpl.heading()));
            if !found.is_empty() {
                d = d.note(format!("本报告识别到的章节：{}", found.join("、")));
            }
            cx.push(d);
        }
    }

    /// First heading of each section, in text order.
    fn first_hits<'d>(&self, doc: &'d Document) -> Vec<&'d crate::parse::SectionHit> {
        let mut seen = Vec::new();
        let mut out = Vec::new();
        for h in &doc.outline.sections {
            if !seen.contains(&h.template) && self.in_scope(h.template) {
                seen.push(h.template);
                out.push(h);
            }
        }
        out
    }

    fn section_order(&self, cx: &mut Context<'_>) {
        let doc = cx.doc;
        let mut latest: Option<&crate::parse::SectionHit> = None;
        for h in self.first_hits(doc) {
            match latest {
                Some(l) if h.template < l.template => {
                    let this = &cx.templates.sections[h.template];
                    let other = &cx.templates.sections[l.template];
                    let d = cx
                        .diagnostic(
                            h.heading.clone(),
                            format!(
                                "章节顺序错误：「{}」出现在「{}」之后",
                                this.heading(),
                                other.heading()
                            ),
                        )
                        .primary_label(format!(
                            "第{}部分应在第{}部分之前",
                            this.number, other.number
                        ))
                        .label(l.heading.clone(), "这一部分出现得更早")
                        .help("按格式顺序（一至六）排列各部分");
                    cx.push(d);
                }
                _ => latest = Some(h),
            }
        }
    }

    fn duplicates(&self, cx: &mut Context<'_>) {
        let doc = cx.doc;
        for &s in &self.sections {
            let hits: Vec<_> = doc
                .outline
                .sections
                .iter()
                .filter(|h| h.template == s)
                .collect();
            let Some(first) = hits.first() else { continue };
            for h in hits.iter().skip(1) {
                let tpl = &cx.templates.sections[s];
                let d = cx
                    .diagnostic(
                        h.heading.clone(),
                        format!("「{}」出现了两次", tpl.heading()),
                    )
                    .primary_label("重复的章节标题")
                    .label(first.heading.clone(), "第一次出现在此")
                    .help("删除或合并重复的部分");
                cx.push(d);
            }
        }
    }

    fn titles(&self, cx: &mut Context<'_>) {
        for h in &cx.doc.outline.sections {
            if !self.in_scope(h.template) || !h.kind.is_fuzzy() {
                continue;
            }
            let tpl = &cx.templates.sections[h.template];
            // Diff against the form the heading is closest to (a heading close to an
            // accepted variant is shown against that variant).
            let reference = tpl
                .title
                .norms()
                .get(h.matched)
                .map_or(tpl.title.norm(), String::as_str);
            let diff = char_diff(reference, &h.title);
            let mut d = cx
                .diagnostic(
                    h.title_span.clone(),
                    format!("章节标题与标准不一致：「{diff}」"),
                )
                .primary_label(format!("标准标题为「{}」", tpl.title.standard))
                .note("[-字] 表示标准中有而此处缺少的字，[+字] 表示此处多出的字");
            if h.matched != 0 {
                d = d.note(format!("最接近的常见写法：「{reference}」"));
            }
            let mut d = d.help(format!("改为「{}」", tpl.heading()));
            if let Some(fix) = title_fix(cx.doc, h, &tpl.title) {
                d = d.fix(fix);
            }
            cx.push(d);
        }
    }

    fn numbering(&self, cx: &mut Context<'_>) {
        for h in &cx.doc.outline.sections {
            if !self.in_scope(h.template) {
                continue;
            }
            let tpl = &cx.templates.sections[h.template];
            if h.numeral == tpl.number {
                continue;
            }
            let arabic = h.numeral.chars().all(|c| c.is_ascii_digit());
            let message = if h.numeral.is_empty() {
                // A Word heading style with the title alone.
                format!("章节标题「{}」没有编号，应为「{}、」", h.title, tpl.number)
            } else if arabic {
                format!(
                    "章节编号「{}」应使用中文数字「{}、」",
                    h.numeral, tpl.number
                )
            } else {
                format!(
                    "章节编号「{}」与章节不符，「{}」是第{}部分",
                    h.numeral, tpl.title.standard, tpl.number
                )
            };
            let d = cx
                .diagnostic(h.numeral_span.clone(), message)
                .primary_label(format!("应为「{}」", tpl.number))
                .help(format!("改为「{}」", tpl.heading()));
            cx.push(d);
        }
    }

    fn missing_parts(&self, cx: &mut Context<'_>) {
        let doc = cx.doc;
        for &s in &self.sections {
            let tpl = &cx.templates.sections[s];
            let Some(hit) = doc.outline.first(s) else {
                continue;
            };
            let found: Vec<_> = doc
                .outline
                .parts
                .iter()
                .filter(|p| p.section == s)
                .collect();
            for (pi, part) in tpl.parts.iter().enumerate() {
                if found.iter().any(|p| p.part == pi) {
                    continue;
                }
                let next = found.iter().find(|p| p.part > pi);
                let (span, label) = match next {
                    Some(p) => (
                        p.heading.clone(),
                        format!("「{}」应在此之前", part.heading()),
                    ),
                    None => (
                        hit.heading.clone(),
                        format!("本部分没有「{}」", part.heading()),
                    ),
                };
                let d = cx
                    .diagnostic(
                        span,
                        format!("「{}」缺少子项「{}」", tpl.heading(), part.heading()),
                    )
                    .primary_label(label)
                    .help(format!(
                        "补上「{}」，说明本年度{}方面的情况",
                        part.heading(),
                        part.title.standard
                    ));
                cx.push(d);
            }
        }
    }

    fn part_order(&self, cx: &mut Context<'_>) {
        let doc = cx.doc;
        for &s in &self.sections {
            let tpl = &cx.templates.sections[s];
            let mut seen = Vec::new();
            let mut latest: Option<&crate::parse::PartHit> = None;
            for p in doc.outline.parts.iter().filter(|p| p.section == s) {
                if seen.contains(&p.part) {
                    continue;
                }
                seen.push(p.part);
                match latest {
                    Some(l) if p.part < l.part => {
                        let d = cx
                            .diagnostic(
                                p.heading.clone(),
                                format!(
                                    "子项顺序错误：「{}」出现在「{}」之后",
                                    tpl.parts[p.part].heading(),
                                    tpl.parts[l.part].heading()
                                ),
                            )
                            .primary_label("顺序颠倒")
                            .label(l.heading.clone(), "这一项出现得更早")
                            .help("按（一）至（五）的顺序排列");
                        cx.push(d);
                    }
                    _ => latest = Some(p),
                }
            }
        }
    }

    fn untitled(&self, cx: &mut Context<'_>) {
        for (s, span) in &cx.doc.outline.untitled {
            if !self.in_scope(*s) {
                continue;
            }
            let tpl = &cx.templates.sections[*s];
            let d = cx
                .diagnostic(
                    span.clone(),
                    format!(
                        "没有找到第{}部分的标题「{}」，其内容似乎从这里开始",
                        tpl.number,
                        tpl.heading()
                    ),
                )
                .primary_label(format!("这一小标题属于第{}部分", tpl.number))
                .note("标题可能在排版或文字识别（OCR）时丢失；其内容在，所以不报告为缺少该部分")
                .help(format!("在此之前加上标题「{}」", tpl.heading()));
            cx.push(d);
        }
    }

    fn preamble_parts(&self, cx: &mut Context<'_>) {
        let doc = cx.doc;
        let Some(first) = doc.outline.sections.iter().map(|s| s.heading.start).min() else {
            return;
        };
        let preamble = &doc.text[..first];
        let Some(list) = PART_LIST.captures(preamble) else {
            return;
        };
        let (Some(whole), Some(items)) = (list.get(0), list.name("list")) else {
            return;
        };
        let listed: Vec<bool> = self
            .parts
            .iter()
            .map(|re| re.is_match(items.as_str()))
            .collect();
        let count = listed.iter().filter(|&&l| l).count();
        // Not a list of the report's parts.
        if count < 3 {
            return;
        }
        let stated = list.name("n").and_then(|n| chinese_count(n.as_str()));
        let left_out: Vec<String> = self
            .sections
            .iter()
            .zip(&listed)
            .filter(|(_, l)| !**l)
            .map(|(&s, _)| format!("「{}」", cx.templates.sections[s].heading()))
            .collect();
        if left_out.is_empty() && stated.is_none_or(|n| n == count) {
            return;
        }
        let message = match stated {
            Some(n) if n != count => format!(
                "导语说报告共{}部分，但只列出了 {count} 个{}",
                list.name("n")
                    .map_or(String::new(), |w| w.as_str().to_string()),
                if left_out.is_empty() {
                    String::new()
                } else {
                    format!("，缺少{}", left_out.join("、"))
                }
            ),
            _ => format!("导语列出的报告各部分缺少{}", left_out.join("、")),
        };
        let span = match list.name("n") {
            Some(n) if stated.is_some_and(|n| n != count) => n.range(),
            _ => whole.range(),
        };
        let mut d = cx
            .diagnostic(span, message)
            .primary_label("导语中的列举")
            .note(format!("导语：「{}」", whole.as_str().replace('\n', "")));
        d = d.help(format!(
            "导语应列出报告的 {} 个部分：{}",
            self.sections.len(),
            self.sections
                .iter()
                .map(|&s| cx.templates.sections[s].heading())
                .collect::<Vec<_>>()
                .join("；")
        ));
        cx.push(d);
    }

    fn incomplete(&self, cx: &mut Context<'_>) {
        let doc = cx.doc;
        let Some(cut) = &doc.outline.cut else { return };
        let outside = |range: std::ops::Range<usize>| -> Vec<String> {
            range
                .filter(|&s| self.in_scope(s) && doc.outline.first(s).is_none())
                .map(|s| cx.templates.sections[s].number.clone())
                .collect()
        };
        if let Some(first) = cut.starts_at {
            let before = outside(0..first);
            if let (false, Some(hit)) = (before.is_empty(), doc.outline.first(first)) {
                let d = cx
                    .diagnostic(
                        hit.heading.clone(),
                        format!(
                            "文本从第{}部分开始，前面没有导语和第{}部分",
                            cx.templates.sections[first].number,
                            before.join("、")
                        ),
                    )
                    .primary_label("文本从这里开始")
                    .note("这像是报告的一页或一段（如翻页电子书的一页），不是全文；缺少的部分不逐一报告")
                    .help("检查完整的报告；若这就是全文，请补上缺少的部分");
                cx.push(d);
            }
        }
        if let Some((last, at)) = cut.ends_after {
            let after = outside(last + 1..cx.templates.sections.len());
            if !after.is_empty() {
                let span = end_span(&doc.text[..at.min(doc.text.len())]);
                let d = cx
                    .diagnostic(
                        span,
                        format!(
                            "文本在句子或表格中间中断，其后没有第{}部分",
                            after.join("、")
                        ),
                    )
                    .primary_label("文本在这里中断")
                    .note("文本末尾不是完整的句子，像是网页或文件只保存了前一部分；中断之后的部分不逐一报告为缺少")
                    .help("检查完整的报告；若报告确实到此为止，请补全最后一句和缺少的部分");
                cx.push(d);
            }
        }
    }

    fn part_numbering(&self, cx: &mut Context<'_>) {
        for p in &cx.doc.outline.parts {
            if !self.in_scope(p.section) {
                continue;
            }
            let part = &cx.templates.sections[p.section].parts[p.part];
            if p.bracketed && p.numeral == part.number {
                continue;
            }
            if p.bracketed && numbered_in_sequence(cx.doc, cx.templates, p) {
                continue;
            }
            let message = if p.numeral.is_empty() {
                // A Word heading style with the title alone.
                format!("子项标题没有编号，应为「（{}）」", part.number)
            } else if p.bracketed {
                format!(
                    "子项编号「（{}）」与子项不符，「{}」应为「（{}）」",
                    p.numeral, part.title.standard, part.number
                )
            } else {
                format!(
                    "子项编号「{}.」不规范，应为「（{}）」",
                    p.numeral, part.number
                )
            };
            let d = cx
                .diagnostic(p.heading.clone(), message)
                .primary_label(format!("应为「{}」", part.heading()))
                .help(format!("改为「{}」", part.heading()));
            cx.push(d);
        }
    }
}

/// The fix of a heading whose title differs from the standard: the standard title,
/// when the heading is a line of its own (numeral at the start of the line, nothing
/// after the title) and the title is not merely cut short by a line break (PDF text
/// wraps long headings: the rest is then on the next line).
fn title_fix(
    doc: &Document,
    h: &crate::parse::SectionHit,
    title: &crate::template::LabelSet,
) -> Option<crate::diagnostic::Fix> {
    let text = &doc.text;
    let line_start = text[..h.numeral_span.start]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line_end = text[h.title_span.end..]
        .find('\n')
        .map_or(text.len(), |i| h.title_span.end + i);
    let before = text.get(line_start..h.numeral_span.start)?;
    let after = text.get(h.title_span.end..line_end)?;
    let written = text.get(h.title_span.clone())?;
    // A Markdown heading (`## 四、…`) is a line of its own too.
    let before = before.trim_start().trim_start_matches('#');
    if !before.trim().is_empty() || !after.trim().is_empty() || written.contains('|') {
        return None;
    }
    let norm = crate::text::normalize(written);
    if let Some(missing) = title.norm().strip_prefix(norm.as_str()) {
        let next = text[line_end..].trim_start();
        let next_line = next.lines().next().unwrap_or("");
        let next_norm = crate::text::normalize(next_line);
        if missing
            .chars()
            .next()
            .is_some_and(|c| next_norm.starts_with(c))
        {
            return None;
        }
    }
    Some(crate::diagnostic::Fix::replace(
        h.title_span.clone(),
        title.standard.clone(),
    ))
}

/// Compiles this module's regexes now (the warm-up thread of `rules::scan`, while
/// the checking thread parses the first document).
pub(crate) fn warm() {
    std::sync::LazyLock::force(&PART_LIST);
}

#[cfg(test)]
mod tests {
    #[test]
    fn part_list_reads_as_its_pattern() {
        crate::text::bounded::tests::agrees(super::PART_LIST_PATTERN, "list", "{8,400}");
    }
}
