//! Finds the section headings (一、…六、) and the sub-parts of sections that have them
//! (（一）…（五）), with byte spans. Headings are recognised by their titles, not by
//! position, so a heading glued to the previous sentence (text scraped from the web)
//! or a title with a damaged character is still found.

use std::ops::Range;

use regex::Regex;
use std::sync::LazyLock;

use super::numerals;
use crate::template::titles::{TitleForm, TitleForms};
use crate::template::{LabelSet, MatchKind, Templates};
use crate::text::{CharKey, LineIndex, Probe, normalize_with_offsets, probe_similarity_at_least};

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
    /// Which of the title's forms (index into `LabelSet::norms`) the heading matched
    /// or, for a fuzzy match, was closest to.
    pub matched: usize,
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
    /// Sections whose heading is absent but whose content is there: a sub-heading
    /// that names the section's topic (`（一）2024 年工作中存在问题的改进情况` for 五)
    /// where that section should begin — OCR loses headings. (template, span of the
    /// sub-heading).
    pub untitled: Vec<(usize, Range<usize>)>,
    /// Set when the text is visibly not the whole report (a page cut from a web
    /// capture, one page of a flipbook): the sections it cannot contain are then not
    /// "missing" from the report, only absent from this text.
    pub cut: Option<Cut>,
}

/// Where the text stops being the report: it begins after the start of the report,
/// ends before its end, or both.
#[derive(Clone, Debug, PartialEq)]
pub struct Cut {
    /// The text begins with this section (template index > 0) and nothing before it
    /// reads as a preamble: sections before it are outside the text.
    pub starts_at: Option<usize>,
    /// The text stops in the middle of a sentence or a table after this section
    /// (template index): the sections after it are outside the text. The byte offset
    /// where it stops.
    pub ends_after: Option<(usize, usize)>,
}

impl Outline {
    /// The first heading of a section template.
    pub fn first(&self, template: usize) -> Option<&SectionHit> {
        self.sections.iter().find(|s| s.template == template)
    }

    /// True when the section (template index) lies in a part of the report that the
    /// text does not contain (see `Cut`), so its absence is not a defect.
    pub fn outside_text(&self, template: usize) -> bool {
        let Some(cut) = &self.cut else { return false };
        cut.starts_at.is_some_and(|first| template < first)
            || cut.ends_after.is_some_and(|(last, _)| template > last)
    }
}

const MIN_FUZZY_TITLE: f64 = 0.8;
/// A heading in the middle of a line (one-line web pages) is taken fuzzily only when
/// it is this close and carries its own section's numeral.
const MIN_FUZZY_MIDLINE: f64 = 0.85;
/// Characters of a line looked at after a numeral: the longest title plus slack for
/// spaces and punctuation. Bounding the look-ahead keeps heading detection linear in
/// the text however long its lines are (a whole web page can be one line).
const TITLE_SLACK_CHARS: usize = 8;
/// A sub-part heading names its topic within this many characters (`（三）完善公开
/// 制度规范，加强政府信息管理`).
const PART_CLAUSE_CHARS: usize = 40;
/// A text that stops this close after the last statistical table (a row or two of
/// cells) stops inside that table.
pub const TABLE_TAIL_BYTES: usize = 300;

/// Characters after which a heading may start in the middle of a line.
fn is_boundary(c: char) -> bool {
    c.is_whitespace() || "。；;！!？?：:）)」”\"|".contains(c)
}

/// The start of `rest` holding at most `chars` characters that `normalize` keeps
/// (whitespace is skipped over without counting).
///
/// Walked by lead bytes: ASCII is told by its byte, and the characters U+4000..=U+9FFF
/// (lead bytes `E4`..=`E9`: most Chinese text), which `normalize` keeps as they are
/// (no folding, no whitespace), are counted without decoding; only other characters
/// are decoded and folded.
fn window(rest: &str, chars: usize) -> &str {
    let b = rest.as_bytes();
    let mut kept = 0;
    let mut i = 0;
    while i < b.len() {
        let lead = b[i];
        let (keeps, width) = if (0xE4..=0xE9).contains(&lead) {
            (true, 3)
        } else if lead < 0x80 {
            (!matches!(lead, b' ' | b'\t'..=b'\r'), 1)
        } else {
            let Some(c) = rest[i..].chars().next() else {
                break;
            };
            (!is_dropped_char(c), c.len_utf8())
        };
        if keeps {
            if kept == chars {
                return &rest[..i];
            }
            kept += 1;
        }
        i += width;
    }
    rest
}

/// True for a character `normalize` drops (`text::is_dropped` of it folded).
fn is_dropped_char(c: char) -> bool {
    crate::text::is_dropped(crate::text::fold_char(c))
}

/// The byte offset `chars` characters after `from`, but not past `limit`.
fn advance_chars(text: &str, from: usize, chars: usize, limit: usize) -> usize {
    let limit = limit.min(text.len());
    if from >= limit {
        return from.min(limit);
    }
    text[from..limit]
        .char_indices()
        .nth(chars)
        .map_or(limit, |(i, _)| from + i)
}

/// Share of a title's distinct characters a sub-heading must contain to name the
/// topic of a section whose heading is absent.
const MIN_TOPIC_SHARE: f64 = 0.8;

/// Sections without a heading whose content starts with a sub-heading naming their
/// topic, between the headings of the sections around them.
fn find_untitled(
    text: &str,
    sections: &[SectionHit],
    parts: &[PartHit],
    templates: &Templates,
) -> Vec<(usize, Range<usize>)> {
    static FIRST_PART: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?m)^[ \t#*]*[（(]一[）)]").expect("valid regex"));
    let mut out = Vec::new();
    for (si, tpl) in templates.sections.iter().enumerate() {
        if sections.iter().any(|h| h.template == si) {
            continue;
        }
        let (Some(prev), next) = (
            sections
                .iter()
                .filter(|h| h.template < si)
                .max_by_key(|h| h.heading.start),
            sections
                .iter()
                .filter(|h| h.template > si)
                .min_by_key(|h| h.heading.start),
        ) else {
            continue;
        };
        let end = next.map_or(text.len(), |n| n.heading.start);
        // After the sub-parts of the section before (its own （一） is not this one).
        let from = parts
            .iter()
            .filter(|p| p.section == prev.template)
            .map(|p| p.heading.end)
            .fold(prev.heading.end, usize::max);
        if from >= end {
            continue;
        }
        let window = &text[from..end];
        for m in FIRST_PART.find_iter(window) {
            let start = from + m.end();
            let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
            let clause_end = advance_chars(text, start, PART_CLAUSE_CHARS, line_end);
            let clause = crate::text::normalize(&text[start..clause_end]);
            let names_topic = tpl.title.norms().iter().any(|t| {
                let mut chars: Vec<char> = t.chars().collect();
                chars.sort_unstable();
                chars.dedup();
                let found = chars.iter().filter(|c| clause.contains(**c)).count();
                !chars.is_empty() && found as f64 >= MIN_TOPIC_SHARE * chars.len() as f64
            });
            if names_topic {
                out.push((si, from + m.start()..clause_end));
                break;
            }
        }
    }
    out
}

/// Characters that, right after a title, show it is an item in an inline list
/// ("一、总体情况；二、…") rather than a heading.
fn is_list_continuation(c: char) -> bool {
    "；;、，,".contains(c)
}

pub fn find(text: &str, lines: &LineIndex, templates: &Templates) -> Outline {
    find_styled(text, lines, templates, &[])
}

/// `find`, with the ranges of the text that the document marks as headings (Word
/// heading styles, `SourceInfo::headings`): such a paragraph with no numeral is a
/// section heading when its whole text is a section's title (exactly or an accepted
/// variant) and that section has no numbered heading. A style alone never makes a
/// heading of text that is not a title.
pub fn find_styled(
    text: &str,
    lines: &LineIndex,
    templates: &Templates,
    styled: &[Range<usize>],
) -> Outline {
    let titles = templates.title_forms();
    // The longest title form (every form of every section) and some slack.
    let title_window = titles
        .forms
        .iter()
        .map(|f| f.chars.len())
        .max()
        .unwrap_or(0)
        + TITLE_SLACK_CHARS;
    let mut sections: Vec<SectionHit> = Vec::new();
    for hit in numerals::sections(text) {
        let (whole, numeral, arabic) = (hit.whole, hit.numeral, hit.arabic);
        let at_line_start = starts_line(text, lines, whole.start);
        if !at_line_start && arabic {
            continue;
        }
        // A heading glued to the figures of a table before it (`…311082三、收到…`)
        // is as good as one after a boundary.
        let after_break = at_line_start
            || preceded_by_boundary(text, whole.start)
            || text[..whole.start]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_digit());
        let line_end = lines
            .line_range(text, lines.line_of(whole.end))
            .end
            .max(whole.end);
        let line = &text[whole.end..line_end];
        let fuzzy = !arabic && after_break;
        // A numeral that may not be fuzzy and starts no title exactly (`3.` in a table):
        // passed over before its window is cut (the window starts with the same
        // character, `best_title` would say the same).
        if !fuzzy && !titles.may_start_exactly(line) {
            continue;
        }
        let rest = window(line, title_window);
        let Some(found) = best_title(rest, titles, fuzzy) else {
            continue;
        };
        let own_numeral = templates.sections[found.template].number == text[numeral.clone()];
        let accepted = match found.kind {
            _ if at_line_start => true,
            MatchKind::Fuzzy(score) => own_numeral && score >= MIN_FUZZY_MIDLINE,
            // An exact title in running text: after a boundary, or with its own numeral.
            _ => after_break || own_numeral,
        };
        if !accepted {
            continue;
        }
        // A new heading inside the span of the previous one cannot be (overlapping match).
        if sections.last().is_some_and(|s| s.heading.end > whole.start) {
            continue;
        }
        let title_span = whole.end..whole.end + found.len;
        sections.push(SectionHit {
            template: found.template,
            heading: numeral.start..title_span.end,
            numeral: text[numeral.clone()].to_string(),
            numeral_span: numeral,
            title: crate::text::normalize(&text[title_span.clone()]),
            title_span,
            kind: found.kind,
            matched: found.variant,
            body: 0..0,
        });
    }
    add_styled(text, titles, styled, &mut sections);
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
        for hit in numerals::parts(&text[body.clone()]) {
            let start = body.start + hit.whole.start;
            let end = body.start + hit.whole.end;
            let numeral = &text[body.start + hit.numeral.start..body.start + hit.numeral.end];
            let bracketed = !hit.arabic;
            let at_line_start = starts_line(text, lines, start);
            if !at_line_start && (!bracketed || !preceded_by_boundary(text, start)) {
                continue;
            }
            let line_end = lines
                .line_range(text, lines.line_of(end))
                .end
                .clamp(end, body.end);
            let rest = window(&text[end..line_end], PART_CLAUSE_CHARS);
            let whole_line = line_end <= end + rest.len();
            if let Some((pi, len)) = part_title(rest, &tpl.parts, bracketed, whole_line) {
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
    add_styled_parts(text, templates, styled, &sections, &mut parts);
    parts.sort_by_key(|p| p.heading.start);
    let untitled = find_untitled(text, &sections, &parts, templates);
    Outline {
        sections,
        parts,
        untitled,
        cut: None,
    }
}

/// Adds the styled headings without numeral (see `find_styled`), in text order.
fn add_styled(
    text: &str,
    titles: &TitleForms,
    styled: &[Range<usize>],
    sections: &mut Vec<SectionHit>,
) {
    for r in styled {
        let Some(para) = text.get(r.clone()) else {
            continue;
        };
        let lead = para.len() - para.trim_start().len();
        let start = r.start + lead;
        let rest = para.trim();
        if sections
            .iter()
            .any(|s| s.heading.start < r.end && s.heading.end > r.start)
        {
            continue;
        }
        let Some(found) = best_title(rest, titles, false) else {
            continue;
        };
        // The whole paragraph is the title (a trailing colon aside).
        if !rest[found.len..]
            .chars()
            .all(|c| c.is_whitespace() || "：:。".contains(c))
        {
            continue;
        }
        if sections.iter().any(|s| s.template == found.template) {
            continue;
        }
        let title_span = start..start + found.len;
        let at = sections.partition_point(|s| s.heading.start < start);
        sections.insert(
            at,
            SectionHit {
                template: found.template,
                heading: title_span.clone(),
                numeral: String::new(),
                numeral_span: start..start,
                title: crate::text::normalize(&text[title_span.clone()]),
                title_span,
                kind: found.kind,
                matched: found.variant,
                body: 0..0,
            },
        );
    }
}

/// Sub-part headings without numeral among the styled headings: a paragraph inside a
/// section that has sub-parts, not a section heading, whose whole text is a short
/// sub-part title (`主动公开情况`).
fn add_styled_parts(
    text: &str,
    templates: &Templates,
    styled: &[Range<usize>],
    sections: &[SectionHit],
    parts: &mut Vec<PartHit>,
) {
    for r in styled {
        let Some(para) = text.get(r.clone()) else {
            continue;
        };
        let Some(hit) = sections
            .iter()
            .find(|s| s.body.start <= r.start && r.end <= s.body.end)
        else {
            continue;
        };
        let tpl = &templates.sections[hit.template];
        if tpl.parts.is_empty()
            || parts
                .iter()
                .any(|p| p.heading.start < r.end && p.heading.end > r.start)
        {
            continue;
        }
        let start = r.start + (para.len() - para.trim_start().len());
        let rest = para.trim();
        let Some((pi, len)) = part_title(rest, &tpl.parts, false, true) else {
            continue;
        };
        // A heading, not a sentence that starts with the title.
        let tail = &rest[len..];
        if tail.chars().count() > MAX_STYLED_PART_TAIL || tail.contains(['。', '；', '，', ','])
        {
            continue;
        }
        parts.push(PartHit {
            section: hit.template,
            part: pi,
            heading: start..start + rest.len(),
            numeral: String::new(),
            bracketed: false,
        });
    }
}

/// Characters a styled sub-part heading may have after its title (`情况`, `工作情况`).
const MAX_STYLED_PART_TAIL: usize = 6;

/// The sub-part a sub-heading names, and the byte length of its heading in `rest`.
/// The title normally starts the heading (`（一）主动公开情况`); a custom heading that
/// names its topic inside its first clause (`（三）完善公开制度规范，加强政府信息管理`)
/// counts too, its heading then being that clause.
/// Only a bracketed numeral (`（三）`) introduces such a custom heading, and only a
/// short one: its clause ends within `rest` (`whole_line`: `rest` reaches the end of
/// the line).
fn part_title(
    rest: &str,
    parts: &[crate::template::PartTemplate],
    bracketed: bool,
    whole_line: bool,
) -> Option<(usize, usize)> {
    // Sub-part titles are matched as prefixes: "主动公开情况" starts with "主动公开".
    let (norm, offsets) = normalize_with_offsets(rest);
    if let Some(found) = parts
        .iter()
        .enumerate()
        .find_map(|(pi, p)| prefix_match(&norm, &offsets, &p.title).map(|len| (pi, len)))
    {
        return Some(found);
    }
    if !bracketed {
        return None;
    }
    let clause_end = match rest.find(|c: char| "。；;：:\n".contains(c)) {
        Some(i) => i,
        None if whole_line => rest.len(),
        None => return None,
    };
    let clause = &rest[..clause_end];
    let norm = crate::text::normalize(clause);
    // The earliest-named topic; a longer name wins at the same place.
    parts
        .iter()
        .enumerate()
        .flat_map(|(pi, p)| p.title.norms().iter().map(move |n| (pi, n)))
        .filter(|(_, n)| n.chars().count() >= 2)
        .filter_map(|(pi, n)| {
            norm.find(n.as_str())
                .map(|at| (at, std::cmp::Reverse(n.len()), pi))
        })
        .min()
        .map(|(_, _, pi)| (pi, clause.trim_end().len()))
}

/// True when the text stops in the middle of a sentence: its last line is prose that
/// does not end with a sentence end, a closing quote or bracket, or a date. A last
/// line of table cells (`|`) ends cleanly unless it is a row of a statistical table
/// (`in_table`: the text ends inside one of them).
fn ends_abruptly(text: &str, in_table: bool) -> bool {
    let tail = text.trim_end();
    let last_line = tail.rsplit('\n').next().unwrap_or(tail);
    if in_table {
        return true;
    }
    if last_line.contains('|') {
        return false;
    }
    match tail.chars().next_back() {
        None => false,
        Some(c) => !("。！？!?”\"’）)】》.…日".contains(c) || tail.ends_with("附件下载")),
    }
}

/// Whether the text is visibly a part of a report (see `Cut`). `reached` are the
/// sections (template indexes) whose tables were found, headings or not.
/// `table_end` is where the last statistical table read ends.
pub fn find_cut(
    text: &str,
    sections: &[SectionHit],
    reached: &[usize],
    table_end: Option<usize>,
    templates: usize,
) -> Option<Cut> {
    let last = sections
        .iter()
        .map(|s| s.template)
        .chain(reached.iter().copied())
        .max()?;
    // Nothing before the first heading reads as prose (no sentence): a page of a
    // flipbook or a capture that starts inside the report.
    let starts_at = sections.first().and_then(|first| {
        (first.template > 0 && !text[..first.heading.start].contains('。'))
            .then_some(first.template)
    });
    let end = text.trim_end().len();
    // The text ends in (or a few cells after) the last statistical table read.
    let in_table = table_end.is_some_and(|e| e + TABLE_TAIL_BYTES >= end);
    let ends_after = (last + 1 < templates && ends_abruptly(text, in_table))
        .then(|| (last, text.trim_end().len()));
    (starts_at.is_some() || ends_after.is_some()).then_some(Cut {
        starts_at,
        ends_after,
    })
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

/// Byte length (in the text `norm` was normalised from, with `offsets`) of the longest
/// title or variant that `norm` starts with.
fn prefix_match(norm: &str, offsets: &[Range<usize>], label: &LabelSet) -> Option<usize> {
    label
        .norms()
        .iter()
        .filter(|n| norm.starts_with(n.as_str()))
        .map(|n| n.chars().count())
        .max()
        .and_then(|chars| offsets.get(chars - 1).map(|r| r.end))
}

/// Cheap filter before fuzzy matching: most characters of the title (seven in ten,
/// counted with repeats) occur near the start of `rest`. `keys[k]` holds the characters
/// of `rest[..k]`: a title whose characters mostly miss the window's key is ruled out
/// without comparing characters.
fn shares_most_chars(rest: &[char], keys: &[CharKey], title: &[char]) -> bool {
    let total = title.len();
    let end = rest.len().min(total + 2);
    let window = &rest[..end];
    let key = keys.get(end).copied().unwrap_or_default();
    let possible = title.iter().filter(|&&c| key.may_contain(c)).count();
    if possible * 10 < total * 7 {
        return false;
    }
    let found = title.iter().filter(|c| window.contains(c)).count();
    found * 10 >= total * 7
}

/// Takes a candidate title of `nchars` normalised characters when it is not an item
/// of an inline list and beats `best` (a higher score, or as high and longer).
fn consider(
    best: &mut Option<(TitleMatch, usize)>,
    rest: &str,
    offsets: &[Range<usize>],
    form: &TitleForm,
    kind: MatchKind,
    nchars: usize,
) {
    if nchars == 0 {
        return;
    }
    let Some(end) = offsets.get(nchars - 1).map(|r| r.end) else {
        return;
    };
    if rest[end..]
        .chars()
        .find(|c| !c.is_whitespace())
        .is_some_and(is_list_continuation)
    {
        return;
    }
    let better = match best {
        None => true,
        Some((b, blen)) => {
            kind.score() > b.kind.score() || (kind.score() == b.kind.score() && nchars > *blen)
        }
    };
    if better {
        *best = Some((
            TitleMatch {
                template: form.template,
                kind,
                variant: form.variant,
                len: end,
            },
            nchars,
        ));
    }
}

/// A section title found after a numeral.
struct TitleMatch {
    template: usize,
    kind: MatchKind,
    /// Index into the title's `norms` that matched (or was closest).
    variant: usize,
    /// Byte length of the title in `rest`.
    len: usize,
}

/// Finds the section title that `rest` (the text after a numeral) starts with: the
/// standard title or a variant exactly, else (when `fuzzy`) the closest of them.
///
/// Exact forms are tried first, over all titles: a fuzzy score is below 1.0 (a form
/// `rest` starts with is exact, not fuzzy), so it never beats an exact match, and the
/// distances are computed only for a numeral that starts no title exactly (most
/// headings are exact). The fuzzy pass raises its bar to the best score so far: a lower
/// score never replaces it, an equal one only when longer.
fn best_title(rest: &str, titles: &TitleForms, fuzzy: bool) -> Option<TitleMatch> {
    // Most numerals that may not be fuzzy (`3.` in a table) start no title: told by
    // their first character, before normalising the line.
    if !titles.may_start_exactly(rest) && (!fuzzy || !titles.may_share_most(rest)) {
        return None;
    }
    let (norm, offsets) = normalize_with_offsets(rest);
    // (match, title length in characters)
    let mut best: Option<(TitleMatch, usize)> = None;
    for form in &titles.forms {
        if norm.starts_with(form.text()) {
            let kind = if form.variant == 0 {
                MatchKind::Exact
            } else {
                MatchKind::Variant
            };
            consider(&mut best, rest, &offsets, form, kind, form.char_count());
        }
    }
    if best.is_some() || !fuzzy {
        return best.map(|(m, _)| m);
    }
    let norm_chars: Vec<char> = norm.chars().collect();
    // Byte length in `norm` of its first k characters, and the characters they hold.
    let mut ends = Vec::with_capacity(norm_chars.len() + 1);
    let mut keys = Vec::with_capacity(norm_chars.len() + 1);
    let (mut end, mut key) = (0, CharKey::default());
    ends.push(end);
    keys.push(key);
    for &c in &norm_chars {
        end += c.len_utf8();
        key = key.with(c);
        ends.push(end);
        keys.push(key);
    }
    for form in &titles.forms {
        // An exact form was rejected above (an inline list); it is not fuzzy either.
        if norm.starts_with(form.text())
            || !shares_most_chars(&norm_chars, &keys, &titles.chars[form.chars.clone()])
        {
            continue;
        }
        let vlen = form.char_count();
        let floor = best.as_ref().map_or(MIN_FUZZY_TITLE, |(b, _)| {
            b.kind.score().max(MIN_FUZZY_TITLE)
        });
        // Compare with prefixes of about the title's length.
        let candidate = (vlen.saturating_sub(1)..=vlen + 1)
            .filter(|&n| n > 0 && n <= norm_chars.len().max(1))
            .filter_map(|n| {
                let n = n.min(norm_chars.len());
                let prefix = Probe::from_parts(&norm[..ends[n]], n, keys[n]);
                probe_similarity_at_least(&prefix, &form.probe(), floor).map(|s| (s, n))
            })
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((s, n)) = candidate {
            consider(&mut best, rest, &offsets, form, MatchKind::Fuzzy(s), n);
        }
    }
    best.map(|(m, _)| m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::similarity_at_least;

    /// `best_title` as written before the exact pass and the prepared forms: every
    /// form of every title, exact or fuzzy, in one loop.
    fn reference_best_title<'a>(
        rest: &str,
        titles: impl Iterator<Item = &'a LabelSet>,
        fuzzy: bool,
    ) -> Option<TitleMatch> {
        let (norm, offsets) = normalize_with_offsets(rest);
        let norm_chars: Vec<char> = norm.chars().collect();
        let mut ends = vec![0];
        let mut keys = vec![CharKey::default()];
        for &c in &norm_chars {
            ends.push(ends[ends.len() - 1] + c.len_utf8());
            keys.push(keys[keys.len() - 1].with(c));
        }
        let shares = |title: &str, total: usize| {
            let end = norm_chars.len().min(total + 2);
            let window = &norm_chars[..end];
            let key = keys.get(end).copied().unwrap_or_default();
            let possible = title.chars().filter(|&c| key.may_contain(c)).count();
            let found = title.chars().filter(|c| window.contains(c)).count();
            possible * 10 >= total * 7 && found * 10 >= total * 7
        };
        let mut best: Option<(TitleMatch, usize)> = None;
        for (ti, label) in titles.enumerate() {
            for (vi, variant) in label.norms().iter().enumerate() {
                let vlen = variant.chars().count();
                let candidate = if norm.starts_with(variant.as_str()) {
                    let kind = if vi == 0 {
                        MatchKind::Exact
                    } else {
                        MatchKind::Variant
                    };
                    Some((kind, vlen))
                } else if fuzzy && shares(variant, vlen) {
                    (vlen.saturating_sub(1)..=vlen + 1)
                        .filter(|&n| n > 0 && n <= norm_chars.len().max(1))
                        .filter_map(|n| {
                            let n = n.min(norm_chars.len());
                            similarity_at_least(&norm[..ends[n]], variant, MIN_FUZZY_TITLE)
                                .map(|s| (s, n))
                        })
                        .max_by(|a, b| a.0.total_cmp(&b.0))
                        .map(|(s, n)| (MatchKind::Fuzzy(s), n))
                } else {
                    None
                };
                let Some((kind, nchars)) = candidate else {
                    continue;
                };
                let form = TitleForm::alone(ti, vi, variant);
                consider(&mut best, rest, &offsets, &form, kind, nchars);
            }
        }
        best.map(|(m, _)| m)
    }

    #[test]
    fn best_title_is_the_straightforward_search() {
        let pack = crate::pack::Pack::national().expect("national pack");
        let labels: Vec<&LabelSet> = pack.templates.sections.iter().map(|s| &s.title).collect();
        let titles = TitleForms::new(labels.iter().copied());
        let forms: Vec<&str> = labels
            .iter()
            .flat_map(|l| l.norms().iter().map(String::as_str))
            .collect();
        let alphabet: Vec<char> = forms.iter().flat_map(|f| f.chars()).collect();
        let tails = ["", "；二、", "，", " 2024年", "\n", "情况", "、", "：本年"];
        let mut next = crate::test_rng::below(0x9E37_79B9_7F4A_7C15);
        let (mut exact, mut fuzzy) = (0, 0);
        for _ in 0..3000 {
            let mut chars: Vec<char> = forms[next(forms.len())].chars().collect();
            for _ in 0..next(4) {
                match next(4) {
                    0 if !chars.is_empty() => {
                        chars.remove(next(chars.len()));
                    }
                    1 if !chars.is_empty() => {
                        let at = next(chars.len());
                        chars[at] = alphabet[next(alphabet.len())];
                    }
                    2 => chars.truncate(next(chars.len() + 1)),
                    _ => chars.insert(next(chars.len() + 1), alphabet[next(alphabet.len())]),
                }
            }
            let rest: String = chars.into_iter().collect::<String>() + tails[next(tails.len())];
            for fuzzy_allowed in [false, true] {
                let want = reference_best_title(&rest, labels.iter().copied(), fuzzy_allowed);
                let got = best_title(&rest, &titles, fuzzy_allowed);
                let key = |m: &Option<TitleMatch>| {
                    m.as_ref().map(|m| (m.template, m.kind, m.variant, m.len))
                };
                assert_eq!(key(&got), key(&want), "{rest} (fuzzy: {fuzzy_allowed})");
                match want.map(|m| m.kind) {
                    Some(MatchKind::Fuzzy(_)) => fuzzy += 1,
                    Some(_) => exact += 1,
                    None => {}
                }
            }
        }
        // The generated texts reach both kinds of match.
        assert!(exact > 100 && fuzzy > 100, "exact {exact}, fuzzy {fuzzy}");
    }

    /// Texts after numerals that mostly resemble no title (the lines `may_share_most`
    /// rules out) and some that do: the same answer as the straightforward search.
    #[test]
    fn the_shared_characters_prefilter_keeps_every_match() {
        let pack = crate::pack::Pack::national().expect("national pack");
        let labels: Vec<&LabelSet> = pack.templates.sections.iter().map(|s| &s.title).collect();
        let titles = TitleForms::new(labels.iter().copied());
        let pieces = [
            "政府",
            "信息",
            "公开",
            "情况",
            "主动",
            "申请",
            "收到和处理",
            "行政复议",
            "行政诉讼",
            "存在的主要问题",
            "及改进",
            "其他需要报告的事项",
            "总体",
            "本年",
            "1",
            "２",
            "、",
            ".",
            "．",
            "，",
            " ",
            "\u{3000}",
            "（",
            "）",
            "|",
            "0",
            "a",
            "\u{200B}",
            "“",
        ];
        let mut next = crate::test_rng::below(0x3C6E_F372_FE94_F82B);
        let (mut found, mut ruled_out) = (0, 0);
        for _ in 0..20_000 {
            let len = next(12);
            let rest: String = (0..len).map(|_| pieces[next(pieces.len())]).collect();
            let want = reference_best_title(&rest, labels.iter().copied(), true);
            let got = best_title(&rest, &titles, true);
            let key =
                |m: &Option<TitleMatch>| m.as_ref().map(|m| (m.template, m.kind, m.variant, m.len));
            assert_eq!(key(&got), key(&want), "{rest:?}");
            found += usize::from(want.is_some());
            ruled_out += usize::from(!titles.may_share_most(&rest));
        }
        assert!(
            found > 50 && ruled_out > 5_000,
            "found {found}, ruled out {ruled_out}"
        );
    }

    /// `window` as written before the byte walk: every character decoded and folded.
    fn reference_window(rest: &str, chars: usize) -> &str {
        let mut kept = 0;
        for (i, c) in rest.char_indices() {
            let folded = crate::text::fold_char(c);
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

    #[test]
    fn the_window_byte_walk_is_the_character_walk() {
        let pieces = [
            " ",
            "\t",
            "\n",
            "\u{b}",
            "\u{c}",
            "\r",
            "\u{1c}",
            "\u{85}",
            "\u{a0}",
            "\u{3000}",
            "\u{2003}",
            "\u{200B}",
            "\u{FEFF}",
            "一",
            "鿿",
            "䀀",
            "㐀",
            "政",
            "（",
            "Ａ",
            "“",
            "a",
            "1",
            "、",
            "\u{1F600}",
            "é",
        ];
        let mut next = crate::test_rng::below(0xD1B5_4A32_D192_ED03);
        for _ in 0..30_000 {
            let len = next(14);
            let rest: String = (0..len).map(|_| pieces[next(pieces.len())]).collect();
            let chars = next(10);
            assert_eq!(
                window(&rest, chars),
                reference_window(&rest, chars),
                "{rest:?} {chars}"
            );
        }
        // The lead bytes told without decoding hold no character `normalize` changes.
        for c in '\u{4000}'..='\u{9FFF}' {
            assert!(!is_dropped_char(c) && crate::text::fold_char(c) == c, "{c}");
        }
    }
}
