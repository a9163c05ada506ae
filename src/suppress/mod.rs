//! Suppression: an editor says "checked, this is right" where the report's format has
//! comments, and nianbao stops reporting that rule there.
//!
//! - Markdown and web pages: `<!-- nianbao-disable-next-line X101 -->` (the next line)
//!   and `<!-- nianbao-disable X101 -->` … `<!-- nianbao-enable X101 -->` (the text
//!   between; without an `enable`, to the end). In a web page the lines are the
//!   page's source lines — the lines nianbao shows its findings on — since the
//!   comments are not in the extracted text.
//! - Word: a comment (批注) `nianbao-disable X101` on the text it is anchored to
//!   (`load::docx_comments` maps the anchor into the extracted text).
//! - Plain text has no comments: `per-file-ignores` in `nianbao.toml` (`config`).
//!
//! No rule id means every rule. A finding is suppressed when its primary span starts
//! in the suppressed range (for a Word comment: overlaps the anchored text). A
//! comment that suppresses nothing, names a rule the pack does not have, or is not a
//! directive is reported by the pack's `suppression` rule (E107 in the national
//! pack; a pack extending it may declare its own, which then reports instead), one
//! finding per comment, after every other rule ran.

pub mod comments;
pub mod directive;

use std::ops::Range;

use crate::diagnostic::Diagnostic;
use crate::load::SourceKind;
use crate::pack::Pack;
use crate::parse::Document;
use directive::{Command, Parsed};

/// Comments honoured per document; more are one finding (each costs a pass over the
/// findings).
pub const MAX_COMMENTS: usize = 1000;
/// Rule ids honoured per comment.
pub const MAX_IDS: usize = 32;

/// One suppression comment in a document.
#[derive(Debug)]
struct Comment {
    /// As written, for messages.
    text: String,
    /// Where its finding points, in `Document::text`.
    at: Range<usize>,
    /// The 1-based source line of a web page's comment (not in the extracted text).
    source_line: Option<usize>,
    /// Problems known from the comment alone.
    problems: Vec<String>,
}

/// What one comment suppresses, for one rule (or every rule).
#[derive(Debug)]
struct Cover {
    comment: usize,
    /// Upper-case id; `None`: every rule.
    rule: Option<String>,
    /// In the coordinates of the comments (the text, or a web page's source).
    range: Range<usize>,
    /// A Word comment: a finding overlapping the range is covered.
    overlap: bool,
    used: bool,
}

/// Drops the findings that the document's suppression comments cover, and adds the
/// pack's `suppression` findings for comments that did nothing. Findings stay in
/// document order.
pub fn apply(doc: &Document, pack: &Pack, diagnostics: &mut Vec<Diagnostic>) {
    let (comments, mut covers) = collect(doc);
    if comments.is_empty() {
        return;
    }
    let html = doc.source.kind == SourceKind::Html;
    diagnostics.retain(|d| {
        let span = if html {
            match doc.source.original_span(&d.primary) {
                Some(r) => r,
                None => return true,
            }
        } else {
            d.primary.clone()
        };
        let mut suppressed = false;
        for c in covers.iter_mut() {
            if c.rule
                .as_ref()
                .is_none_or(|r| r.eq_ignore_ascii_case(&d.rule))
                && c.covers(&span)
            {
                c.used = true;
                suppressed = true;
            }
        }
        !suppressed
    });
    report(doc, pack, &comments, &covers, diagnostics);
}

impl Cover {
    fn covers(&self, span: &Range<usize>) -> bool {
        if self.overlap {
            let empty = span.start >= span.end;
            (span.start < self.range.end && self.range.start < span.end)
                || (empty && self.range.start <= span.start && span.start <= self.range.end)
        } else {
            self.range.start <= span.start && span.start <= self.range.end
        }
    }
}

/// The comments of the document and what they cover.
fn collect(doc: &Document) -> (Vec<Comment>, Vec<Cover>) {
    match doc.source.kind {
        SourceKind::Markdown => {
            let found = comments::markdown(&doc.text, MAX_COMMENTS + 1);
            lines_and_ranges(&doc.text, found, |r| r, false)
        }
        SourceKind::Html => {
            let Some(src) = doc.source.original.as_deref() else {
                return (Vec::new(), Vec::new());
            };
            let found = comments::html(src, MAX_COMMENTS + 1);
            if found.is_empty() {
                return (Vec::new(), Vec::new());
            }
            let at = TextAt::new(doc);
            lines_and_ranges(src, found, |r| at.find(r.start), true)
        }
        SourceKind::Docx => word(doc),
        SourceKind::Text => (Vec::new(), Vec::new()),
    }
}

/// Comments in a string with lines (Markdown text, web page source): `next-line`
/// covers the line after the comment, `disable` … `enable` the text between.
fn lines_and_ranges(
    s: &str,
    found: Vec<comments::Found>,
    to_text: impl Fn(Range<usize>) -> Range<usize>,
    with_line: bool,
) -> (Vec<Comment>, Vec<Cover>) {
    let mut comments = Vec::new();
    let mut covers: Vec<Cover> = Vec::new();
    // Open `disable` covers (index in `covers`), in the order opened.
    let mut open: Vec<usize> = Vec::new();
    let total = found.len();
    // Line numbers counted on as the comments go (they are in order).
    let (mut line, mut counted) = (1, 0);
    let mut next = NextLine::default();
    for f in found.into_iter().take(MAX_COMMENTS) {
        let index = comments.len();
        line += s[counted..f.range.start].matches('\n').count();
        counted = f.range.start;
        let mut comment = Comment {
            text: f.text.clone(),
            at: to_text(f.range.clone()),
            source_line: with_line.then_some(line),
            problems: Vec::new(),
        };
        match directive::parse(&f.text) {
            None => continue,
            Some(Parsed::Unknown(word)) => comment.problems.push(unknown_directive(&word)),
            Some(Parsed::Directive { command, rules }) => {
                let keys = keys(rules, &mut comment.problems);
                match command {
                    Command::NextLine => {
                        let range = next.after(s, f.range.end);
                        for rule in keys {
                            covers.push(Cover {
                                comment: index,
                                rule,
                                range: range.clone(),
                                overlap: false,
                                used: false,
                            });
                        }
                    }
                    Command::Disable => {
                        for rule in keys {
                            open.push(covers.len());
                            covers.push(Cover {
                                comment: index,
                                rule,
                                range: f.range.end..s.len(),
                                overlap: false,
                                used: false,
                            });
                        }
                    }
                    Command::Enable => {
                        let mut closed = Vec::new();
                        for key in &keys {
                            let hit = open
                                .iter()
                                .rposition(|&i| key.is_none() || covers[i].rule == *key);
                            match hit {
                                Some(_) if key.is_none() => {
                                    closed.append(&mut open);
                                }
                                Some(p) => closed.push(open.remove(p)),
                                None => comment.problems.push(match key {
                                    Some(id) => format!("前面没有尚未结束的 nianbao-disable {id}"),
                                    None => "前面没有尚未结束的 nianbao-disable".to_string(),
                                }),
                            }
                        }
                        for i in closed {
                            covers[i].range.end = f.range.start.max(covers[i].range.start);
                        }
                    }
                }
            }
        }
        comments.push(comment);
    }
    too_many(total, &mut comments);
    (comments, covers)
}

/// More comments than `MAX_COMMENTS`: the last one honoured says so.
fn too_many(total: usize, comments: &mut [Comment]) {
    if total > MAX_COMMENTS
        && let Some(last) = comments.last_mut()
    {
        last.problems.push(format!(
            "本文件的 nianbao 注释超过 {MAX_COMMENTS} 条，这条之后的不再生效"
        ));
    }
}

/// The rule ids of a directive as keys (`None`: every rule), at most `MAX_IDS`.
fn keys(rules: Vec<String>, problems: &mut Vec<String>) -> Vec<Option<String>> {
    if rules.is_empty() {
        return vec![None];
    }
    if rules.len() > MAX_IDS {
        problems.push(format!(
            "一条注释最多写 {MAX_IDS} 个规则编号，其后的不再生效"
        ));
    }
    rules.into_iter().take(MAX_IDS).map(Some).collect()
}

/// The line after the one a position is on, for positions in increasing order: the
/// last answer is kept, so that many comments on one long line cost one search.
#[derive(Default)]
struct NextLine {
    /// (from, the line after `from`'s): valid for every position from `from` up to
    /// the line break before that line.
    last: Option<(usize, Range<usize>)>,
}

impl NextLine {
    /// The line after the one `at` is on (without its line break); empty at the end.
    fn after(&mut self, s: &str, at: usize) -> Range<usize> {
        if let Some((from, line)) = &self.last
            && *from <= at
            && (at < line.start || line.start == s.len())
        {
            return line.clone();
        }
        let line = match s[at..].find('\n') {
            None => s.len()..s.len(),
            Some(nl) => {
                let start = at + nl + 1;
                let end = s[start..].find('\n').map_or(s.len(), |i| start + i);
                let end = if s[start..end].ends_with('\r') {
                    end - 1
                } else {
                    end
                };
                start..end
            }
        };
        self.last = Some((at, line.clone()));
        line
    }
}

/// Word comments: each covers the text it is anchored to.
fn word(doc: &Document) -> (Vec<Comment>, Vec<Cover>) {
    let mut comments = Vec::new();
    let mut covers = Vec::new();
    for wc in doc.source.comments.iter().take(MAX_COMMENTS) {
        let index = comments.len();
        let at = wc.anchor.clone().unwrap_or(0..0);
        let mut comment = Comment {
            text: wc.text.clone(),
            at: at.clone(),
            source_line: None,
            problems: Vec::new(),
        };
        match directive::parse(&wc.text) {
            None => continue,
            Some(Parsed::Unknown(word)) => comment.problems.push(unknown_directive(&word)),
            Some(Parsed::Directive {
                command: Command::Disable,
                rules,
            }) => match &wc.anchor {
                Some(range) => {
                    for rule in keys(rules, &mut comment.problems) {
                        covers.push(Cover {
                            comment: index,
                            rule,
                            range: range.clone(),
                            overlap: true,
                            used: false,
                        });
                    }
                }
                None => comment.problems.push(
                    "批注没有标注在 nianbao 读到的文字上（请选中要豁免的文字再插入批注）"
                        .to_string(),
                ),
            },
            Some(Parsed::Directive { command, .. }) => comment.problems.push(format!(
                "Word 批注只用 nianbao-disable（豁免批注所标注的文字），不用 {}",
                command.word()
            )),
        }
        comments.push(comment);
    }
    too_many(doc.source.comments.len(), &mut comments);
    (comments, covers)
}

/// The rule id a mistyped one was meant to be: one edit away (`X1O1` → `X101`), else
/// the closest by spelling.
fn closest_id<'a>(id: &str, ids: &[&'a str]) -> Option<&'a str> {
    ids.iter()
        .map(|c| (strsim::levenshtein(&c.to_ascii_uppercase(), id), *c))
        .filter(|(d, _)| *d <= 1)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
        .or_else(|| crate::template::error::did_you_mean(id, ids.iter().copied()))
}

fn unknown_directive(word: &str) -> String {
    format!(
        "「{word}」不是 nianbao 的指令（可用 nianbao-disable-next-line、nianbao-disable、nianbao-enable）"
    )
}

/// Offsets in a web page's source → the extracted text: the first piece of text at
/// or after a source offset.
struct TextAt {
    /// (source offset, text offset), sorted by source offset.
    starts: Vec<(usize, usize)>,
    end: usize,
}

impl TextAt {
    fn new(doc: &Document) -> Self {
        let mut starts: Vec<(usize, usize)> = doc
            .source
            .map
            .segments()
            .filter_map(|s| match &s.origin {
                crate::load::Origin::Exact(a) => Some((*a, s.text.start)),
                crate::load::Origin::Within(r) => Some((r.start, s.text.start)),
                _ => None,
            })
            .collect();
        starts.sort_unstable();
        // The start of the last line: a finding at the very end has no line to show.
        let end = doc.text.trim_end().rfind('\n').map_or(0, |i| i + 1);
        TextAt { starts, end }
    }

    fn find(&self, source: usize) -> Range<usize> {
        let i = self.starts.partition_point(|(s, _)| *s < source);
        let at = self.starts.get(i).map_or(self.end, |(_, t)| *t);
        at..at
    }
}

/// The `suppression` rule's findings: one per comment that did nothing (in part).
fn report(
    doc: &Document,
    pack: &Pack,
    comments: &[Comment],
    covers: &[Cover],
    out: &mut Vec<Diagnostic>,
) {
    // The most specific pack's: a pack may declare its own in place of the one of
    // the pack it extends.
    let Some(rule) = pack
        .rules
        .iter()
        .rev()
        .find(|r| r.enabled && r.meta.kind == "suppression")
    else {
        return;
    };
    let ids: Vec<&str> = pack.rules.iter().map(|r| r.meta.id.as_str()).collect();
    let start = out.len();
    for (i, c) in comments.iter().enumerate() {
        let mut problems = c.problems.clone();
        let mut help: Vec<String> = Vec::new();
        let mut unused = false;
        for cover in covers.iter().filter(|k| k.comment == i && !k.used) {
            match &cover.rule {
                None => {
                    problems.push("没有豁免任何问题".to_string());
                    unused = true;
                }
                Some(id) => match pack
                    .rules
                    .iter()
                    .find(|r| r.meta.id.eq_ignore_ascii_case(id))
                {
                    None => {
                        problems.push(format!("规则包「{}」中没有规则「{id}」", pack.name));
                        if let Some(close) = closest_id(id, &ids) {
                            help.push(format!("是否想写「{close}」？"));
                        }
                    }
                    Some(r) if !r.enabled => {
                        problems.push(format!("规则 {id} 未启用，没有可豁免的问题"));
                        unused = true;
                    }
                    Some(_) => {
                        problems.push(format!("这里没有 {id} 的问题可豁免"));
                        unused = true;
                    }
                },
            }
        }
        if problems.is_empty() {
            continue;
        }
        let place = match c.source_line {
            Some(l) => format!("（网页源代码第 {l} 行）"),
            None => String::new(),
        };
        let what = if doc.source.kind == SourceKind::Docx {
            "批注"
        } else {
            "注释"
        };
        let mut d = Diagnostic::new(
            &rule.meta.id,
            rule.meta.severity,
            c.at.clone(),
            format!(
                "豁免{what}「{}」{place}没有作用：{}",
                crate::report::visible::visible_line(&c.text),
                problems.join("；")
            ),
        )
        .primary_label(format!("此{what}"));
        if unused {
            help.push(format!(
                "问题已改正时删除这条{what}；仍要豁免时把它放在问题所在处（下一行、或标注问题的文字）"
            ));
        }
        if !help.is_empty() {
            d = d.help(help.join("；"));
        }
        out.push(d);
    }
    crate::pack::amend::restyle(&rule.meta, &mut out[start..]);
    out.sort_by(|a, b| {
        (a.primary.start, &a.rule, a.primary.end).cmp(&(b.primary.start, &b.rule, b.primary.end))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_lines_in_order() {
        let s = "a <!--1--> <!--2-->\r\nbb\ncc";
        let mut n = NextLine::default();
        let line = |r: Range<usize>| &s[r];
        assert_eq!(line(n.after(s, 2)), "bb");
        assert_eq!(line(n.after(s, 11)), "bb", "same line, kept");
        assert_eq!(line(n.after(s, 19)), "bb", "the line break itself");
        assert_eq!(line(n.after(s, 21)), "cc");
        assert_eq!(n.after(s, 25), s.len()..s.len());
        assert_eq!(n.after(s, 26), s.len()..s.len());
    }
}
