//! Rule kind `date_check`: dates and years against the report year (inferred from the
//! title, the 统计期限 sentence or the years in 一、总体情况; `--verbose` shows which).
//!
//! Checks (the `check` field):
//! * `statistics_period` — the 统计期限 must run from 1月1日 to 12月31日 of the report year;
//! * `plan_year` — in the sections listed (五), a plan ("将…", "计划…": the `words`
//!   regex) dated in the report year or earlier: plans speak of the next year;
//! * `carry_year` — applications carried over (the `words` regex, e.g. 结转) "to" a
//!   year that is not after the report year (`0件转结2024年办结` in a 2024 report): the
//!   carry-over goes to the next year. A clause that names an earlier year or 上年
//!   before the words speaks of the carry-over into this year and is skipped. When
//!   `words` has a group named `swapped` and it matched, the words are written with
//!   their two characters swapped (`转结` for 结转): a note says so.
//! * `after_publication` — a full date later than the publication date the report
//!   states at its end (the date under the signature);
//! * `far_future` — a full date two or more years after the report year;
//! * `deadline` — the publication date (a web page's `发布时间：2025-02-08` in the first
//!   lines, else the date under the signature) later than `by` (`"01-31"`) of the year
//!   after the report year; with `levels`, deadlines per issuing body.
//!
//! ```toml
//! [[date_check]]
//! id = "D102"
//! check = "plan_year"
//! sections = ["problems"]
//! words = "将(?:继续|进一步|从)|计划|拟"
//! ```
//!
//! Dates with a lost character (`?024??日起`) are not read.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::{Check, CompileCx, Context, in_sections, parse_check, resolve_sections, rule_def};
use crate::parse::Document;
use crate::template::Templates;
use crate::template::error::DefError;

rule_def! {
    /// `[[date_check]]`
    pub struct Def {
        pub check: toml::Spanned<String>,
        #[serde(default)]
        pub sections: Vec<toml::Spanned<String>>,
        #[serde(default)]
        pub words: Option<toml::Spanned<String>>,
        /// `deadline`: the last publication day in the year after the report year, `"01-31"`.
        #[serde(default)]
        pub by: Option<toml::Spanned<String>>,
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    StatisticsPeriod,
    PlanYear,
    CarryYear,
    AfterPublication,
    FarFuture,
    Deadline,
}

const CHECKS: &[(&str, Kind)] = &[
    ("statistics_period", Kind::StatisticsPeriod),
    ("plan_year", Kind::PlanYear),
    ("carry_year", Kind::CarryYear),
    ("after_publication", Kind::AfterPublication),
    ("far_future", Kind::FarFuture),
    ("deadline", Kind::Deadline),
];

/// Lines at the end of a report searched for its publication date.
const SIGNATURE_LINES: usize = 4;

struct DateCheck {
    kind: Kind,
    sections: Vec<usize>,
    plan: Option<super::scan::PackRegex>,
    /// `deadline`: (month, day) in the year after the report year.
    by: Option<(u32, u32)>,
}

/// Lines at the start of a report searched for a web page's publication date.
const METADATA_LINES: usize = 8;

/// `发布时间: 2022-02-08 16:34`, `公开日期 2024-01-17`, `发布日期：2024年1月17日`.
static PUBLISHED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:发布时间|发布日期|公开日期|公开时间|成文日期)\s*[:：]?\s*(?P<date>(?P<y>20\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})日?)")
        .expect("valid regex")
});

static YEAR_IN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(20\d{2})\s*年").expect("valid regex"));

/// The clause before `at`: back to the last 。；，, or line break.
fn clause_before(text: &str, at: usize) -> &str {
    let head = &text[..at];
    let start = head
        .rfind(['。', '；', ';', '，', ',', '\n'])
        .map_or(0, |i| {
            i + head[i..].chars().next().map_or(1, char::len_utf8)
        });
    &head[start..]
}

static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"统计(?:期限|时限|时间段|周期|区间|时间)[^。\n]{0,60}").expect("valid regex")
});
/// A date, with or without its year: 2024年1月1日, 12月31日.
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:(?P<y>20\d{2})\s*年\s*)?(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
        .expect("valid regex")
});
static FULL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<y>20\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
        .expect("valid regex")
});

pub fn compile(def: &Def, cx: &CompileCx<'_>) -> Result<Box<dyn Check>, DefError> {
    let kind = parse_check(&def.check, CHECKS)?;
    let plan = match (&def.words, kind) {
        (Some(w), Kind::CarryYear) => {
            // The words, then (at most 至/到 between) the year.
            let words = super::expand(w, cx)?;
            let pattern = format!(r"(?:{words})\s*(?:至|到)?\s*(?P<y>20\d{{2}})\s*年");
            Some(cx.regex(w, pattern, false)?)
        }
        (None, Kind::CarryYear) => {
            return Err(needs_words(
                def,
                "carry_year",
                "表示结转的词语",
                "结转|(?P<swapped>转结)",
            ));
        }
        (Some(w), _) => {
            // A year, then (within the clause) one of the plan words.
            let words = super::expand(w, cx)?;
            let pattern = format!(r"(?P<y>20\d{{2}})\s*年度?[，,]?[^，。；;\n]{{0,8}}?(?:{words})");
            Some(cx.regex(w, pattern, false)?)
        }
        (None, Kind::PlanYear) => {
            return Err(needs_words(
                def,
                "plan_year",
                "表示计划的词语",
                "将(?:继续|进一步)|计划|拟",
            ));
        }
        (None, _) => None,
    };
    let by = match (&def.by, kind) {
        (Some(b), Kind::Deadline) => Some(parse_month_day(b.get_ref()).ok_or_else(|| {
            DefError::new(
                b.span(),
                format!("「{}」不是月-日", b.get_ref()),
                "应如 \"01-31\"",
            )
        })?),
        (None, Kind::Deadline) => {
            return Err(DefError::new(
                def.check.span(),
                "deadline 检查需要 by（报告年度次年的最后发布日，如 \"01-31\"）",
                "缺少 by",
            ));
        }
        (Some(b), _) => {
            return Err(DefError::new(
                b.span(),
                "by 只用于 deadline 检查",
                "多余的 by",
            ));
        }
        (None, _) => None,
    };
    Ok(Box::new(DateCheck {
        kind,
        sections: resolve_sections(&def.sections, cx.templates)?,
        plan,
        by,
    }))
}

/// A check that reads `words` given none: at the `check` line, with an example.
fn needs_words(def: &Def, check: &str, meaning: &str, example: &str) -> DefError {
    DefError::new(
        def.check.span(),
        format!("{check} 检查需要 words（{meaning}）"),
        "缺少 words",
    )
    .help(format!("如 words = \"{example}\""))
}

fn parse_month_day(s: &str) -> Option<(u32, u32)> {
    let (m, d) = s.trim().split_once('-')?;
    let (m, d): (u32, u32) = (m.parse().ok()?, d.parse().ok()?);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((m, d))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Date {
    y: i32,
    m: u32,
    d: u32,
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}年{}月{}日", self.y, self.m, self.d)
    }
}

fn damaged(s: &str) -> bool {
    s.contains(['?', '？', '\u{FFFD}'])
}

fn parse_date(c: &regex::Captures<'_>, default_year: Option<i32>) -> Option<Date> {
    let y = match c.name("y") {
        Some(y) => y.as_str().parse().ok()?,
        None => default_year?,
    };
    let m: u32 = c.name("m")?.as_str().parse().ok()?;
    let d: u32 = c.name("d")?.as_str().parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some(Date { y, m, d })
}

impl DateCheck {
    fn statistics_period(&self, cx: &mut Context<'_>, year: i32) {
        let n = &cx.doc.narrative;
        for sentence in PERIOD.find_iter(&n.text) {
            let s = sentence.as_str();
            if damaged(s) {
                continue;
            }
            let dates: Vec<(Range<usize>, Date)> = {
                let mut last_year = None;
                DATE.captures_iter(s)
                    .filter_map(|c| {
                        let d = parse_date(&c, last_year)?;
                        last_year = Some(d.y);
                        Some((c.get(0)?.range(), d))
                    })
                    .take(2)
                    .collect()
            };
            let [(start_span, start), (end_span, end)] = dates.as_slice() else {
                continue;
            };
            let want_start = Date {
                y: year,
                m: 1,
                d: 1,
            };
            let want_end = Date {
                y: year,
                m: 12,
                d: 31,
            };
            for (span, got, want, which) in [
                (start_span, start, want_start, "起始"),
                (end_span, end, want_end, "截止"),
            ] {
                if *got == want {
                    continue;
                }
                let at = sentence.start() + span.start..sentence.start() + span.end;
                let d = cx
                    .diagnostic(
                        n.to_original(at),
                        format!("统计期限的{which}日期为{got}，应为{want}"),
                    )
                    .primary_label(format!("应为{want}"))
                    .note(format!(
                        "本报告是{year}年度报告，统计期限应为{want_start}至{want_end}"
                    ))
                    .help(format!("改为{want}"));
                cx.push(d);
            }
        }
    }

    fn plan_year(&self, cx: &mut Context<'_>, year: i32) {
        let Some(re) = &self.plan else { return };
        let n = &cx.doc.narrative;
        for c in re.captures_iter(&n.text) {
            let (Some(whole), Some(y)) = (c.get(0), c.name("y")) else {
                continue;
            };
            let Ok(stated) = y.as_str().parse::<i32>() else {
                continue;
            };
            let span = n.to_original(y.start()..y.end() + "年".len());
            if stated > year || !in_sections(cx.doc, &self.sections, span.start) {
                continue;
            }
            let d = cx
                .diagnostic(
                    span,
                    format!("改进计划写的是{stated}年，而本报告是{year}年度报告：计划应针对下一年（{}年）", year + 1),
                )
                .primary_label(format!("应为{}年？", year + 1))
                .note(format!("原文：「{}」", whole.as_str().replace('\n', "")))
                .help(format!("若是下一年的工作安排，改为“{}年”", year + 1));
            cx.push(d);
        }
    }

    fn carry_year(&self, cx: &mut Context<'_>, year: i32) {
        let Some(re) = &self.plan else { return };
        let n = &cx.doc.narrative;
        for c in re.captures_iter(&n.text) {
            let (Some(whole), Some(y)) = (c.get(0), c.name("y")) else {
                continue;
            };
            let Ok(stated) = y.as_str().parse::<i32>() else {
                continue;
            };
            if stated > year {
                continue;
            }
            // `2023年结转至2024年` / `上年结转…`: the carry-over into this year.
            let before = clause_before(&n.text, whole.start());
            let earlier = YEAR_IN.captures_iter(before).any(|b| {
                b.get(1)
                    .and_then(|x| x.as_str().parse::<i32>().ok())
                    .is_some_and(|x| x < stated)
            });
            if earlier
                || ["上年", "上一年", "去年"]
                    .iter()
                    .any(|w| before.contains(w))
            {
                continue;
            }
            let span = n.to_original(y.start()..y.end() + "年".len());
            if !in_sections(cx.doc, &self.sections, span.start) {
                continue;
            }
            let mut d = cx
                .diagnostic(
                    span,
                    format!(
                        "结转到{stated}年，而本报告是{year}年度报告：未办结的申请应结转到下一年（{}年）",
                        year + 1
                    ),
                )
                .primary_label(format!("应为{}年？", year + 1))
                .note(format!("原文：「{}」", whole.as_str().replace('\n', "")));
            if let Some(sw) = c.name("swapped") {
                let right: String = sw.as_str().chars().rev().collect();
                d = d.note(format!("「{}」字序颠倒，应为「{right}」", sw.as_str()));
            }
            d = d.help(format!("改为“结转{}年”（或“结转下年度”）", year + 1));
            cx.push(d);
        }
    }

    /// The date a report states at its end (under the signature), if any.
    fn publication(doc: &Document) -> Option<(Range<usize>, Date)> {
        let count = doc.lines.line_count();
        (count.saturating_sub(SIGNATURE_LINES)..count)
            .rev()
            .find_map(|l| {
                let range = doc.lines.line_range(&doc.text, l);
                let line = doc.text[range.clone()].trim();
                // A full date ends in 日: a line without one is not searched.
                if !line.contains('日') {
                    return None;
                }
                let c = FULL_DATE.captures(line)?;
                let whole = c.get(0)?;
                // The line is only the date (maybe with the body's name before it).
                (whole.end() == line.len()
                    && line.chars().count() <= whole.as_str().chars().count() + 20)
                    .then(|| {
                        let offset =
                            doc.text[range.clone()].find(whole.as_str()).unwrap_or(0) + range.start;
                        (offset..offset + whole.len(), parse_date(&c, None))
                    })
                    .and_then(|(s, d)| Some((s, d?)))
            })
    }

    /// The publication date of a web page's metadata (in the first lines), else the
    /// date under the signature; with what it is.
    fn published(doc: &Document) -> Option<(Range<usize>, Date, &'static str)> {
        let count = doc.lines.line_count().min(METADATA_LINES);
        let meta = (0..count).find_map(|l| {
            let range = doc.lines.line_range(&doc.text, l);
            let c = PUBLISHED.captures(&doc.text[range.clone()])?;
            let date = c.name("date")?;
            let at = range.start + date.start()..range.start + date.end();
            Some((at, parse_date(&c, None)?, "发布日期"))
        });
        meta.or_else(|| Self::publication(doc).map(|(span, date)| (span, date, "落款日期")))
    }

    /// The full dates of the narrative, found once per document for the checks that
    /// read them (`after_publication`, `far_future`: `Document::memo`).
    fn full_dates(doc: &Document) -> std::sync::Arc<Vec<(Range<usize>, Date)>> {
        doc.memo.get_or_insert("date_check\u{1f}full dates", || {
            let n = &doc.narrative;
            FULL_DATE
                .captures_iter(&n.text)
                .filter_map(|c| {
                    let whole = c.get(0)?;
                    if damaged(whole.as_str()) {
                        return None;
                    }
                    Some((n.to_original(whole.range()), parse_date(&c, None)?))
                })
                .collect()
        })
    }
}

impl Check for DateCheck {
    fn check(&self, cx: &mut Context<'_>) {
        let Some(year) = cx.doc.year.as_ref().map(|y| y.year) else {
            return;
        };
        match self.kind {
            Kind::StatisticsPeriod => self.statistics_period(cx, year),
            Kind::PlanYear => self.plan_year(cx, year),
            Kind::CarryYear => self.carry_year(cx, year),
            Kind::AfterPublication => {
                let Some((pub_span, published)) = Self::publication(cx.doc) else {
                    return;
                };
                for (span, date) in Self::full_dates(cx.doc).iter() {
                    if *date > published && span.start < pub_span.start {
                        let d = cx
                            .diagnostic(span.clone(), format!("{date}晚于报告落款日期{published}"))
                            .primary_label("晚于落款日期")
                            .label(pub_span.clone(), "落款日期")
                            .help("核对此日期或落款日期");
                        cx.push(d);
                    }
                }
            }
            Kind::Deadline => {
                let (Some((m, d)), Some((span, date, what))) = (self.by, Self::published(cx.doc))
                else {
                    return;
                };
                let due = Date { y: year + 1, m, d };
                if date > due {
                    let d = cx
                        .diagnostic(span, format!("{what}{date}晚于{due}的发布期限"))
                        .primary_label(what)
                        .note(format!("{year}年度报告应在{due}前公布"))
                        .help("按期发布；如此日期写错，请更正");
                    cx.push(d);
                }
            }
            Kind::FarFuture => {
                for (span, date) in Self::full_dates(cx.doc).iter() {
                    if date.y >= year + 2 {
                        let d = cx
                            .diagnostic(
                                span.clone(),
                                format!("{date}比报告年度（{year}年）晚两年以上"),
                            )
                            .primary_label("日期可疑")
                            .help("核对年份是否写错");
                        cx.push(d);
                    }
                }
            }
        }
    }

    fn explain(&self, _templates: &Templates) -> Vec<String> {
        match (&self.plan, self.kind) {
            (Some(re), Kind::PlanYear) => vec![format!("识别计划的写法（正则）：{}", re.as_str())],
            (Some(re), Kind::CarryYear) => vec![format!("识别结转的写法（正则）：{}", re.as_str())],
            _ => Vec::new(),
        }
    }
}

/// Compiles this module's regexes now (the warm-up thread of `rules::scan`, while
/// the checking thread parses the first document).
pub(crate) fn warm() {
    LazyLock::force(&PUBLISHED);
    LazyLock::force(&YEAR_IN);
    LazyLock::force(&PERIOD);
    LazyLock::force(&DATE);
    LazyLock::force(&FULL_DATE);
}
