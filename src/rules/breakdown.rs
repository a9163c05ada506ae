//! Rule kind `breakdown`: arithmetic inside the narrative. "主动公开信息共计120条，其中
//! 机构信息3条，…，政民互动24条": the parts listed after a marker (其中, 分别为, 包括…)
//! must add up to the figure before it.
//!
//! Checks (the `check` field):
//! * `exceeds` — the parts add up to more than the total;
//! * `falls_short` — they add up to less, and the list reads as complete (at least two
//!   parts, no 等 after it, no 主要 before it: the `incomplete` words);
//! * `duplicate` — one category is named twice in the same list.
//!
//! ```toml
//! [[breakdown]]
//! id = "N101"
//! check = "exceeds"
//! marker = "{breakdown_marker}"       # regex: 其中|分别为|…
//! unit = "{breakdown_unit}"           # regex: 件|条|个|…  (parts share the total's unit)
//! incomplete = "{breakdown_open}"     # regex: 等|主要|…
//! ```
//!
//! A total or part that is approximate (余, 多, 约…) or damaged stops the check.

use std::ops::Range;

use super::{Check, CompileCx, Context, FigureUse, parse_check, piece_regex, rule_def};
use crate::number::Num;
use crate::parse::Document;
use crate::parse::figures::{NUMBER_PATTERN, Reliability, parse_figure, reliability};
use crate::template::Templates;
use crate::template::error::DefError;
use crate::text::normalize;

rule_def! {
    /// `[[breakdown]]`
    pub struct Def {
        pub check: toml::Spanned<String>,
        pub marker: toml::Spanned<String>,
        pub unit: toml::Spanned<String>,
        pub incomplete: toml::Spanned<String>,
    }
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Exceeds,
    FallsShort,
    Duplicate,
}

const CHECKS: &[(&str, Kind)] = &[
    ("exceeds", Kind::Exceeds),
    ("falls_short", Kind::FallsShort),
    ("duplicate", Kind::Duplicate),
];

/// Longest text between a total and its marker ("120条，其中").
const MAX_TOTAL_GAP: usize = 12;
/// Longest category name before a part's figure.
const MAX_NAME_CHARS: usize = 24;

struct Breakdown {
    kind: Kind,
    /// Identifies the list-finding configuration, to share lists between N rules.
    key: String,
    figure: super::scan::PackRegex,
    marker: super::scan::PackRegex,
    incomplete: super::scan::PackRegex,
}

pub fn compile(def: &Def, cx: &CompileCx<'_>) -> Result<Box<dyn Check>, DefError> {
    let kind = parse_check(&def.check, CHECKS)?;
    let unit = super::expand(&def.unit, cx)?;
    let figure = cx.regex(
        &def.unit,
        format!(r"{NUMBER_PATTERN}\s*(?:余|多)?\s*(?P<unit>{unit})"),
        false,
    )?;
    let marker = piece_regex(&def.marker, cx)?;
    let incomplete = piece_regex(&def.incomplete, cx)?;
    Ok(Box::new(Breakdown {
        kind,
        key: format!(
            "breakdown\u{1f}{}\u{1f}{}\u{1f}{}",
            figure.as_str(),
            marker.as_str(),
            incomplete.as_str()
        ),
        figure,
        marker,
        incomplete,
    }))
}

/// A figure with its unit, in narrative offsets.
#[derive(Clone, Debug)]
struct Figure {
    number: Range<usize>,
    end: usize,
    value: Num,
    unit: String,
    exact: bool,
}

#[derive(Clone, Debug)]
struct Part {
    name: String,
    name_span: Range<usize>,
    figure: Figure,
}

#[derive(Clone, Debug)]
pub(crate) struct List {
    total: Figure,
    parts: Vec<Part>,
    complete: bool,
}

fn is_separator(c: char) -> bool {
    "，、,；;。\n".contains(c)
}

/// A heading or list number inside running text ("（二）", "三、", "2."): a
/// breakdown never runs across one.
static HEADING: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"[（(][一二三四五六七八九十]{1,3}[）)]|[一二三四五六七八九十]{1,3}、|[0-9]{1,2}[、．](?:[^0-9]|$)")
        .expect("valid regex")
});

/// Parenthesised remarks ("（17.46%）", "（含上年结转 189 件）"), outermost only, in
/// text order. An unclosed parenthesis ends at the sentence end and is not a remark.
fn parentheses(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '（' | '(' => {
                if depth == 0 {
                    open = Some(i);
                }
                depth += 1;
            }
            '）' | ')' if depth > 0 => {
                depth -= 1;
                if depth == 0
                    && let Some(start) = open.take()
                {
                    out.push(start..i + c.len_utf8());
                }
            }
            '。' | '\n' => {
                depth = 0;
                open = None;
            }
            _ => {}
        }
    }
    out
}

/// `s` (starting at byte `offset` of the text) without the remarks in it.
fn without(s: &str, offset: usize, parens: &[Range<usize>]) -> String {
    let mut out = String::new();
    let mut at = offset;
    let end = offset + s.len();
    for p in parens.iter().filter(|p| p.start < end && p.end > offset) {
        if p.start > at {
            out.push_str(&s[at - offset..p.start - offset]);
        }
        at = at.max(p.end.min(end));
    }
    if at < end {
        out.push_str(&s[at - offset..]);
    }
    out
}

/// Where a part really ends: after a remark in parentheses right after its figure
/// ("208 件（17.46%）") and a share clause ("，占51.85%").
fn skip_remarks(text: &str, end: usize, parens: &[Range<usize>]) -> usize {
    let mut at = end;
    let rest = &text[at..];
    let spaces = rest.len() - rest.trim_start_matches(' ').len();
    if let Some(p) = parens.iter().find(|p| p.start == at + spaces) {
        at = p.end;
    }
    let rest = &text[at..];
    if let Some(after_comma) = rest.strip_prefix('，').or_else(|| rest.strip_prefix(','))
        && after_comma.starts_with('占')
    {
        let clause_len = after_comma
            .find(['，', ',', '、', '；', ';', '。', '\n'])
            .unwrap_or(after_comma.len());
        if after_comma[..clause_len].ends_with(['%', '％']) {
            at += rest.len() - after_comma.len() + clause_len;
        }
    }
    at
}

impl Breakdown {
    fn figures(&self, text: &str) -> Vec<Figure> {
        self.figure
            .captures_iter(text)
            .filter_map(|c| {
                let whole = c.get(0)?;
                let n = c.name("n")?;
                let value = parse_figure(n.as_str())?;
                let r = reliability(text, n.range(), whole.end());
                if r == Reliability::Damaged {
                    return None;
                }
                Some(Figure {
                    number: n.range(),
                    end: whole.end(),
                    value,
                    unit: c.name("unit").map_or("", |u| u.as_str()).to_string(),
                    exact: r == Reliability::Exact,
                })
            })
            .collect()
    }

    /// Every breakdown list in `text`. Boundaries come from the text's punctuation
    /// and headings, never from line breaks alone, so a page whose body is one line
    /// reads the same as a wrapped one.
    fn lists(&self, text: &str) -> Vec<List> {
        let figures = self.figures(text);
        let parens = parentheses(text);
        let in_paren = |at: usize| {
            let i = parens.partition_point(|p| p.end <= at);
            parens.get(i).is_some_and(|p| p.start <= at)
        };
        let mut out = Vec::new();
        for m in self.marker.find_iter(text) {
            // The total: the last figure shortly before the marker, in the same
            // paragraph; figures in parentheses ("（含上年结转189件）") are remarks.
            let before = figures.partition_point(|f| f.end <= m.start());
            let Some(ti) = (0..before)
                .rev()
                .find(|&i| !in_paren(figures[i].number.start))
            else {
                continue;
            };
            let total = &figures[ti];
            let raw_between = &text[total.end..m.start()];
            let between = without(raw_between, total.end, &parens);
            let gap_ok = between.chars().count() <= MAX_TOTAL_GAP
                && !between.contains(['\n', '；', ';'])
                && between
                    .trim_end_matches(['。', '，', ',', '：', ':', ' '])
                    .chars()
                    .all(|c| !c.is_ascii_digit())
                && !between.trim_end().trim_end_matches('。').contains('。')
                && !HEADING.is_match(raw_between);
            if !gap_ok {
                continue;
            }
            let after_marker = &text[m.end()..];
            let opens_incomplete = self
                .incomplete
                .find(after_marker)
                .is_some_and(|x| x.start() == 0);

            let mut parts: Vec<Part> = Vec::new();
            let mut pos = m.end()
                + (after_marker.len()
                    - after_marker
                        .trim_start_matches(['：', ':', ' ', '，', ','])
                        .len());
            let mut closed_by_open_word = false;
            // Whether the list ended where the sentence or clause does (rather than at
            // a part it could not read).
            let mut ended_cleanly = true;
            // The separator between parts: with "，", a part's name may hold "、"
            // ("属信访、重复申请等不予处理 80 件").
            let mut separator: Option<char> = None;
            for f in figures.iter().skip(ti + 1) {
                if f.number.start < pos {
                    continue;
                }
                let name = &text[pos..f.number.start];
                let name_separates = name
                    .contains(|c: char| is_separator(c) && !(c == '、' && separator == Some('，')));
                if name.chars().count() > MAX_NAME_CHARS
                    || name_separates
                    || f.unit != total.unit
                    || in_paren(f.number.start)
                    || HEADING.is_match(name)
                {
                    // A new clause, sentence or heading ends the list; a name that
                    // runs on within the clause is a part that could not be read.
                    ended_cleanly = f.unit != total.unit
                        || HEADING.is_match(name)
                        || name.contains(['，', ',', '。', '；', ';', '\n']);
                    break;
                }
                parts.push(Part {
                    name: name.trim().to_string(),
                    name_span: pos..f.number.start,
                    figure: f.clone(),
                });
                let end = skip_remarks(text, f.end, &parens);
                let rest = &text[end..];
                if self.incomplete.find(rest).is_some_and(|x| x.start() == 0) {
                    closed_by_open_word = true;
                    break;
                }
                match rest.chars().next() {
                    Some(c @ ('，' | '、' | ',')) => {
                        pos = end + c.len_utf8();
                        separator.get_or_insert(if c == ',' { '，' } else { c });
                    }
                    _ => break,
                }
            }
            if parts.is_empty() {
                continue;
            }
            out.push(List {
                total: total.clone(),
                complete: !opens_incomplete
                    && !closed_by_open_word
                    && ended_cleanly
                    && parts.len() >= 2,
                parts,
            });
        }
        out
    }

    /// The lists of a document, shared by every rule with the same configuration.
    fn doc_lists(&self, doc: &Document) -> std::sync::Arc<Vec<List>> {
        doc.memo
            .get_or_insert(&self.key, || self.lists(&doc.narrative.text))
    }

    fn all_exact(list: &List) -> bool {
        list.total.exact && list.parts.iter().all(|p| p.figure.exact)
    }

    fn sum(list: &List) -> Option<Num> {
        list.parts
            .iter()
            .try_fold(Num::ZERO, |acc, p| acc.checked_add(p.figure.value))
    }
}

fn parts_note(list: &List) -> String {
    let terms: Vec<String> = list
        .parts
        .iter()
        .map(|p| {
            if p.name.is_empty() {
                p.figure.value.to_string()
            } else {
                format!("{} {}", p.name, p.figure.value)
            }
        })
        .collect();
    terms.join(" + ")
}

impl Check for Breakdown {
    fn check(&self, cx: &mut Context<'_>) {
        let n = &cx.doc.narrative;
        for list in self.doc_lists(cx.doc).iter() {
            let total_span = n.to_original(list.total.number.clone());
            match self.kind {
                Kind::Exceeds | Kind::FallsShort => {
                    if !Self::all_exact(list) {
                        continue;
                    }
                    let Some(sum) = Self::sum(list) else {
                        continue;
                    };
                    let exceeds = sum > list.total.value;
                    let short = sum < list.total.value && list.complete;
                    if !((matches!(self.kind, Kind::Exceeds) && exceeds)
                        || (matches!(self.kind, Kind::FallsShort) && short))
                    {
                        continue;
                    }
                    let unit = &list.total.unit;
                    let message = if exceeds {
                        format!(
                            "各分项之和（{sum}{unit}）大于总数（{}{unit}）",
                            list.total.value
                        )
                    } else {
                        format!(
                            "各分项之和（{sum}{unit}）小于总数（{}{unit}）",
                            list.total.value
                        )
                    };
                    let mut d = cx
                        .diagnostic(total_span, message)
                        .primary_label(format!("总数 {}", list.total.value))
                        .note(format!(
                            "{} = {sum}，总数 {}",
                            parts_note(list),
                            list.total.value
                        ));
                    for p in &list.parts {
                        d = d.label(n.to_original(p.figure.number.clone()), p.name.clone());
                    }
                    d = d.help(if exceeds {
                        "核对总数和各分项：分项之和不能大于总数".to_string()
                    } else {
                        "若列出的是全部分项，请核对数字；若只列出了一部分，请在最后加“等”"
                            .to_string()
                    });
                    cx.push(d);
                }
                Kind::Duplicate => {
                    for (i, p) in list.parts.iter().enumerate() {
                        let key = normalize(&p.name);
                        if key.is_empty() {
                            continue;
                        }
                        let Some(first) =
                            list.parts[..i].iter().find(|q| normalize(&q.name) == key)
                        else {
                            continue;
                        };
                        let d = cx
                            .diagnostic(
                                n.to_original(p.name_span.clone()),
                                format!("「{}」在同一组分项中出现了两次", p.name),
                            )
                            .primary_label(format!("第二次：{}{}", p.figure.value, p.figure.unit))
                            .label(
                                n.to_original(first.name_span.clone()),
                                format!("第一次：{}{}", first.figure.value, first.figure.unit),
                            )
                            .help("合并为一项，或改正其中一项的名称");
                        cx.push(d);
                    }
                }
            }
        }
    }

    fn figures(&self, doc: &Document, _templates: &Templates) -> Vec<FigureUse> {
        if !matches!(self.kind, Kind::Exceeds) {
            return Vec::new();
        }
        let n = &doc.narrative;
        let mut out = Vec::new();
        for list in self.doc_lists(doc).iter() {
            if !Self::all_exact(list) {
                continue;
            }
            let Some(sum) = Self::sum(list) else {
                continue;
            };
            out.push(FigureUse {
                span: n.to_original(list.total.number.clone()),
                value: list.total.value,
                compared_with: format!("各分项之和 {sum}"),
                agrees: sum == list.total.value,
            });
            for p in &list.parts {
                out.push(FigureUse {
                    span: n.to_original(p.figure.number.clone()),
                    value: p.figure.value,
                    compared_with: format!("总数 {} 的分项", list.total.value),
                    agrees: sum == list.total.value,
                });
            }
        }
        out
    }
}

/// Compiles this module's regexes now (the warm-up thread of `rules::scan`, while
/// the checking thread parses the first document).
pub(crate) fn warm() {
    std::sync::LazyLock::force(&HEADING);
}
