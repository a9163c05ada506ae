//! Infers the year a report is about: from its title, else from the 统计期限 sentence,
//! else from the year most often written in 一、总体情况. `--verbose` shows which.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::outline::Outline;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum YearSource {
    /// "2024年政府信息公开工作年度报告"
    Title,
    /// "统计期限自2024年1月1日起…"
    StatisticsPeriod,
    /// The year written most often in 一、总体情况 (how many times).
    MostFrequent(usize),
    /// Not in the report: the `year` of the configuration (`nianbao.toml`).
    Configured,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportYear {
    pub year: i32,
    pub source: YearSource,
    /// Where the deciding year is written (the first occurrence for `MostFrequent`).
    pub span: Range<usize>,
}

impl ReportYear {
    /// How the year was inferred, for `--verbose`.
    pub fn describe(&self) -> String {
        match self.source {
            YearSource::Title => format!("报告年度 {}（取自标题）", self.year),
            YearSource::StatisticsPeriod => format!("报告年度 {}（取自统计期限）", self.year),
            YearSource::Configured => {
                format!(
                    "报告年度 {}（报告中无法推断，取自配置文件的 year）",
                    self.year
                )
            }
            YearSource::MostFrequent(n) => {
                format!(
                    "报告年度 {}（“一、总体情况”中出现最多的年份，共 {n} 次）",
                    self.year
                )
            }
        }
    }
}

static TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(20\d{2})\s*年度?[^。\n]{0,40}?(?:政府信息公开|政务公开|信息公开)[^。\n]{0,12}?(?:年度报告|年报)")
        .expect("valid regex")
});
static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"统计(?:期限|时限|时间段|周期|区间|时间)[^。\n]{0,20}?(20\d{2})\s*年")
        .expect("valid regex")
});
static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(20\d{2})\s*年").expect("valid regex"));

pub fn infer(text: &str, outline: &Outline) -> Option<ReportYear> {
    let preamble_end = outline.sections.first().map_or_else(
        || crate::text::floor_char_boundary(text, 2000),
        |s| s.heading.start,
    );
    let capture = |re: &Regex, hay: &str, source| {
        re.captures(hay).and_then(|c| {
            let m = c.get(1)?;
            Some(ReportYear {
                year: m.as_str().parse().ok()?,
                source,
                span: m.range(),
            })
        })
    };
    if let Some(y) = capture(&TITLE, &text[..preamble_end], YearSource::Title) {
        return Some(y);
    }
    if let Some(y) = capture(&PERIOD, text, YearSource::StatisticsPeriod) {
        return Some(y);
    }
    let body = outline
        .sections
        .iter()
        .find(|s| s.template == 0)
        .map_or(0..text.len(), |s| s.body.clone());
    let mut counts: HashMap<i32, (usize, usize)> = HashMap::new();
    for c in YEAR.captures_iter(&text[body.clone()]) {
        let Some(m) = c.get(1) else { continue };
        let Ok(y) = m.as_str().parse::<i32>() else {
            continue;
        };
        let e = counts.entry(y).or_insert((0, body.start + m.start()));
        e.0 += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(y, (n, _))| (*n, *y))
        .map(|(year, (n, at))| ReportYear {
            year,
            source: YearSource::MostFrequent(n),
            span: at..at + 4,
        })
}

/// Compiles this module's regexes now (the warm-up thread of `rules::scan`, while
/// the checking thread parses the first document).
pub(crate) fn warm() {
    LazyLock::force(&TITLE);
    LazyLock::force(&PERIOD);
    LazyLock::force(&YEAR);
}
