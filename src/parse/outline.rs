//! Finds the section headings (一、…六、) and the sub-parts of sections that have them
//! (（一）…（五）), with byte spans. Headings are recognised by their titles, not by
//! position, so a heading glued to the previous sentence (text scraped from the web)
//! or a title with a damaged character is still found.

use std::ops::Range;

use regex::Regex;
use std::sync::LazyLock;

use super::text::{LineIndex, normalize_with_offsets, similarity};
use crate::pack::template::{LabelSet, MatchKind, Templates};

/// A section heading found in the text.
#[derive(Clone, Debug)]
pub struct SectionHit {
    /// Index into `Templates::sections`.
    pub template: usize,
    /// Numeral and title, e.g. `三、收到和处理政府信息公开申请情况`.
    pub heading: Range<usize>,
    /// The numbering as written (`三`, `3`).
    pub numeral: String,
    pub numeral_span: Range<usize>,
    /// The title as written, normalised.
    pub title: String,
    pub title_span: Range<usize>,
    pub kind: MatchKind,
    /// From the end of the heading to the start of the next heading (or the end).
    pub body: Range<usize>,
}

/// A sub-part heading found inside a section's body.
#[derive(Clone, Debug)]
pub struct PartHit {
    /// Index into `Templates::sections`.
    pub section: usize,
    /// Index into that section's `parts`.
    pub part: usize,
    pub heading: Range<usize>,
    /// The numbering as written: `一` for （一）, `1` for `1.`.
    pub numeral: String,
    /// True when written in the standard （一） form.
    pub bracketed: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Outline {
    /// In text order; a section found twice appears twice.
    pub sections: Vec<SectionHit>,
    /// In text order.
    pub parts: Vec<PartHit>,
}

impl Outline {
    /// The first heading of a section template.
    pub fn first(&self, template: usize) -> Option<&SectionHit> {
        self.sections.iter().find(|s| s.template == template)
    }
}

const MIN_FUZZY_TITLE: f64 = 0.8;

static SECTION_NUMERAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([一二三四五六七八九十]{1,2})[、，,．]|([1-9])[、．.]").expect("valid regex")
});
static PART_NUMERAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[（(]([一二三四五六七八九十]{1,2})[）)]|([1-9])[、．.]").expect("valid regex")
});

/// Characters after which a heading may start in the middle of a line.
fn is_boundary(c: char) -> bool {
    c.is_whitespace() || "。；;！!？?：:）)」”\"|".contains(c)
}

/// Characters that, right after a title, show it is an item in an inline list
/// ("一、总体情况；二、…") rather than a heading.
fn is_list_continuation(c: char) -> bool {
    "；;、，,".contains(c)
}

pub fn find(text: &str, lines: &LineIndex, templates: &Templates) -> Outline {
    // Titles are compared with a window of the text after each numeral, never with the
    // whole rest of the line: on a report scraped onto one line that would make the
    // cost quadratic in the line's length.
    let longest = |labels: &mut dyn Iterator<Item = &LabelSet>| {
        labels
            .flat_map(|l| l.norms.iter())
            .map(|n| n.chars().count())
            .max()
            .unwrap_or(0)
    };
    // Fuzzy titles compare prefixes one character longer, and the character after a
    // title decides whether it is an item of an inline list.
    let title_window = longest(&mut templates.sections.iter().map(|s| &s.title)) + 2;
    let part_window = longest(
        &mut templates
            .sections
            .iter()
            .flat_map(|s| s.parts.iter().map(|p| &p.title)),
    ) + 1;
    let mut sections: Vec<SectionHit> = Vec::new();
    for m in SECTION_NUMERAL.captures_iter(text) {
        let Some(whole) = m.get(0) else { continue };
        let (numeral, arabic) = match (m.get(1), m.get(2)) {
            (Some(n), _) => (n, false),
            (None, Some(n)) => (n, true),
            _ => continue,
        };
        let at_line_start = starts_line(text, lines, whole.start());
        if !at_line_start && (arabic || !preceded_by_boundary(text, whole.start())) {
            continue;
        }
        let line_end = lines
            .line_range(text, lines.line_of(whole.end()))
            .end
            .max(whole.end());
        let rest = window(&text[whole.end()..line_end], title_window);
        let Some((template, kind, title_len)) = best_title(
            rest,
            templates.sections.iter().map(|s| &s.title),
            at_line_start,
            arabic,
        ) else {
            continue;
        };
        // A new heading inside the span of the previous one cannot be (overlapping match).
        if sections
            .last()
            .is_some_and(|s| s.heading.end > whole.start())
        {
            continue;
        }
        let title_span = whole.end()..whole.end() + title_len;
        sections.push(SectionHit {
            template,
            heading: numeral.start()..title_span.end,
            numeral: numeral.as_str().to_string(),
            numeral_span: numeral.range(),
            title: super::text::normalize(&text[title_span.clone()]),
            title_span,
            kind,
            body: 0..0,
        });
    }
    for i in 0..sections.len() {
        let end = sections.get(i + 1).map_or(text.len(), |n| n.heading.start);
        sections[i].body = sections[i].heading.end..end;
    }

    let mut parts = Vec::new();
    for (si, tpl) in templates.sections.iter().enumerate() {
        if tpl.parts.is_empty() {
            continue;
        }
        let Some(hit) = sections.iter().find(|s| s.template == si) else {
            continue;
        };
        let body = hit.body.clone();
        for m in PART_NUMERAL.captures_iter(&text[body.clone()]) {
            let Some(whole) = m.get(0) else { continue };
            let start = body.start + whole.start();
            let end = body.start + whole.end();
            let (numeral, bracketed) = match (m.get(1), m.get(2)) {
                (Some(n), _) => (n.as_str(), true),
                (None, Some(n)) => (n.as_str(), false),
                _ => continue,
            };
            let at_line_start = starts_line(text, lines, start);
            if !at_line_start && (!bracketed || !preceded_by_boundary(text, start)) {
                continue;
            }
            let line_end = lines
                .line_range(text, lines.line_of(end))
                .end
                .clamp(end, body.end);
            let rest = window(&text[end..line_end], part_window);
            // Sub-part titles are matched as prefixes only: "主动公开情况" starts with "主动公开".
            let found = tpl
                .parts
                .iter()
                .enumerate()
                .find_map(|(pi, p)| prefix_match(rest, &p.title).map(|len| (pi, len)));
            if let Some((pi, len)) = found {
                parts.push(PartHit {
                    section: si,
                    part: pi,
                    heading: start..end + len,
                    numeral: numeral.to_string(),
                    bracketed,
                });
            }
        }
    }
    parts.sort_by_key(|p| p.heading.start);
    Outline { sections, parts }
}

/// The start of `rest` holding at most `chars` characters that `normalize` keeps
/// (whitespace is skipped over without counting).
fn window(rest: &str, chars: usize) -> &str {
    let mut kept = 0;
    for (i, c) in rest.char_indices() {
        let folded = super::text::fold_char(c);
        if folded.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}' {
            continue;
        }
        if kept == chars {
            return &rest[..i];
        }
        kept += 1;
    }
    rest
}

fn starts_line(text: &str, lines: &LineIndex, at: usize) -> bool {
    let line_start = lines.line_range(text, lines.line_of(at)).start;
    // Markdown heading and emphasis marks (`## 一、…`, `**一、…**`) count as indentation.
    text[line_start..at]
        .chars()
        .all(|c| c.is_whitespace() || c == '#' || c == '*')
}

fn preceded_by_boundary(text: &str, at: usize) -> bool {
    text[..at].chars().next_back().is_none_or(is_boundary)
}

/// Byte length (in `rest`) of the longest title or variant that `rest` starts with.
fn prefix_match(rest: &str, label: &LabelSet) -> Option<usize> {
    let (norm, offsets) = normalize_with_offsets(rest);
    label
        .norms
        .iter()
        .filter(|n| norm.starts_with(n.as_str()))
        .map(|n| n.chars().count())
        .max()
        .and_then(|chars| offsets.get(chars - 1).map(|r| r.end))
}

/// Cheap filter before fuzzy matching: most characters of `title` occur near the start
/// of `rest`.
fn shares_most_chars(rest: &[char], title: &str) -> bool {
    let window = &rest[..rest.len().min(title.chars().count() + 2)];
    let total = title.chars().count();
    let found = title.chars().filter(|c| window.contains(c)).count();
    found * 10 >= total * 7
}

/// Finds the section title that `rest` (the text after a numeral) starts with.
/// Returns (template index, match kind, byte length of the title in `rest`).
fn best_title<'a>(
    rest: &str,
    titles: impl Iterator<Item = &'a LabelSet>,
    at_line_start: bool,
    arabic: bool,
) -> Option<(usize, MatchKind, usize)> {
    let (norm, offsets) = normalize_with_offsets(rest);
    let norm_chars: Vec<char> = norm.chars().collect();
    // (template, kind, byte end in `rest`, title length in characters)
    let mut best: Option<(usize, MatchKind, usize, usize)> = None;
    for (ti, label) in titles.enumerate() {
        for (vi, variant) in label.norms.iter().enumerate() {
            let vlen = variant.chars().count();
            let candidate = if norm.starts_with(variant.as_str()) {
                let kind = if vi == 0 {
                    MatchKind::Exact
                } else {
                    MatchKind::Variant
                };
                Some((kind, vlen))
            } else if at_line_start && !arabic && vi == 0 && shares_most_chars(&norm_chars, variant)
            {
                // Fuzzy (against the standard title only): compare with prefixes of
                // about the title's length.
                (vlen.saturating_sub(1)..=vlen + 1)
                    .filter(|&n| n > 0 && n <= norm_chars.len().max(1))
                    .map(|n| {
                        let n = n.min(norm_chars.len());
                        let prefix: String = norm_chars[..n].iter().collect();
                        (similarity(&prefix, variant), n)
                    })
                    .filter(|(s, _)| *s >= MIN_FUZZY_TITLE)
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .map(|(s, n)| (MatchKind::Fuzzy(s), n))
            } else {
                None
            };
            let Some((kind, nchars)) = candidate else {
                continue;
            };
            if nchars == 0 {
                continue;
            }
            let Some(end) = offsets.get(nchars - 1).map(|r| r.end) else {
                continue;
            };
            if rest[end..]
                .chars()
                .find(|c| !c.is_whitespace())
                .is_some_and(is_list_continuation)
            {
                continue;
            }
            let better = match &best {
                None => true,
                Some((_, bk, _, blen)) => {
                    kind.score() > bk.score() || (kind.score() == bk.score() && nchars > *blen)
                }
            };
            if better {
                best = Some((ti, kind, end, nchars));
            }
        }
    }
    best.map(|(ti, kind, end, _)| (ti, kind, end))
}
