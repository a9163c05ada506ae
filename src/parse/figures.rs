//! Figures written in narrative text: `98`, `３１`, `3,119`, `三`, `十二`, `两`,
//! `一百零五`, with what makes them unreliable — an approximation word (`20余条`,
//! `约300件`, `100件左右`) or characters lost in conversion (`答?08件`).
//!
//! `NUMBER_PATTERN` is the regex fragment rule packs get as `{n}`; `parse_figure` turns
//! what it matched into a `Num`.

use crate::number::{Num, parse_number};

pub use crate::number::NUMBER_PATTERN;

/// Words before a figure that make it approximate.
const APPROX_BEFORE: &[&str] = &[
    "约", "近", "大约", "将近", "接近", "超过", "逾", "不到", "不足", "几",
];
/// Words right after a figure (before or after its unit) that make it approximate.
const APPROX_AFTER: &[&str] = &["余", "多", "左右", "以上", "以下", "上下", "出头"];

/// Parses a figure matched by `NUMBER_PATTERN`.
pub fn parse_figure(s: &str) -> Option<Num> {
    let s = s.trim();
    if s.chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
    {
        let ascii: String = s.chars().map(|c| if c == '．' { '.' } else { c }).collect();
        return parse_number(&ascii);
    }
    parse_chinese(s).map(Num::from_int)
}

fn digit(c: char) -> Option<i64> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// Chinese numerals up to 万: 十二 = 12, 一百零五 = 105, 两千三百 = 2300, 三万五千 = 35000.
/// Digit strings without units (二〇二四) are read digit by digit.
pub fn parse_chinese(s: &str) -> Option<i64> {
    if s.is_empty() {
        return None;
    }
    let has_unit = s.chars().any(|c| matches!(c, '十' | '百' | '千' | '万'));
    if !has_unit {
        if s.chars().count() > 1 && s.contains('两') {
            return None;
        }
        return s
            .chars()
            .try_fold(0_i64, |acc, c| Some(acc.checked_mul(10)? + digit(c)?));
    }
    let mut total: i64 = 0; // completed 万 groups
    let mut section: i64 = 0; // within the current 万 group
    let mut pending: Option<i64> = None; // a digit waiting for its unit
    for c in s.chars() {
        if let Some(d) = digit(c) {
            if pending.is_some() && d != 0 {
                return None; // two digits in a row: not a well-formed numeral
            }
            pending = if d == 0 { None } else { Some(d) };
            continue;
        }
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            '万' => {
                section += pending.take().unwrap_or(0);
                total = total.checked_add(section.checked_mul(10_000)?)?;
                section = 0;
                continue;
            }
            _ => return None,
        };
        // 十 alone means 10 (十二 = 12).
        section += pending.take().unwrap_or(1) * unit;
    }
    section += pending.unwrap_or(0);
    total.checked_add(section)
}

/// How trustworthy a figure is, judged from the text around it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reliability {
    Exact,
    /// "20余条", "约300件": never compared for equality.
    Approximate,
    /// A character next to it was lost in conversion ("答?08件"): its digits may be
    /// incomplete, so it is not read at all.
    Damaged,
}

fn is_damage(c: char) -> bool {
    matches!(c, '?' | '\u{FFFD}' | '？')
}

/// Judges the figure at `span` of `text`; `unit_end` is where its unit ends (the end
/// of the regex match), so that "100件左右" is seen.
pub fn reliability(text: &str, span: std::ops::Range<usize>, unit_end: usize) -> Reliability {
    let before = text.get(..span.start).unwrap_or("");
    let after_number = text.get(span.end..).unwrap_or("");
    let after_unit = text.get(unit_end.max(span.end)..).unwrap_or("");
    let prev = before.chars().next_back();
    let next = after_number.chars().next();
    // A digit or a decimal point next to the match means it is part of a longer number.
    if prev.is_some_and(|c| is_damage(c) || c.is_ascii_digit() || c == '.')
        || next.is_some_and(|c| is_damage(c) || c.is_ascii_digit())
    {
        return Reliability::Damaged;
    }
    let before_trimmed = before.trim_end();
    let after_trimmed = after_number.trim_start();
    if APPROX_BEFORE.iter().any(|w| before_trimmed.ends_with(w))
        || APPROX_AFTER.iter().any(|w| after_trimmed.starts_with(w))
        || APPROX_AFTER
            .iter()
            .any(|w| after_unit.trim_start().starts_with(w))
    {
        return Reliability::Approximate;
    }
    Reliability::Exact
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Option<String> {
        parse_figure(s).map(|v| v.to_string())
    }

    #[test]
    fn arabic_and_full_width() {
        assert_eq!(n("98").as_deref(), Some("98"));
        assert_eq!(n("１２").as_deref(), Some("12"));
        assert_eq!(n("3,119").as_deref(), Some("3119"));
        assert_eq!(n("14900.48").as_deref(), Some("14900.48"));
    }

    #[test]
    fn chinese_numerals() {
        for (s, v) in [
            ("三", 3),
            ("十", 10),
            ("十二", 12),
            ("两", 2),
            ("二十", 20),
            ("二十三", 23),
            ("一百零五", 105),
            ("一百一十", 110),
            ("两千三百", 2300),
            ("三万五千", 35000),
            ("一万零五", 10005),
            ("零", 0),
        ] {
            assert_eq!(parse_chinese(s), Some(v), "{s}");
        }
        assert_eq!(parse_chinese("两两"), None);
        assert_eq!(parse_chinese("三四十"), None);
    }

    #[test]
    fn approximate_and_damaged_figures() {
        let check = |text: &str, fig: &str| {
            let at = text.find(fig).unwrap_or(0);
            let unit_end = at
                + fig.len()
                + text[at + fig.len()..]
                    .find('件')
                    .map_or(0, |i| i + '件'.len_utf8());
            reliability(text, at..at + fig.len(), unit_end)
        };
        assert_eq!(
            check("主要发布相关信息20余条", "20"),
            Reliability::Approximate
        );
        assert_eq!(check("收到约300件", "300"), Reliability::Approximate);
        assert_eq!(check("收到申请100件左右", "100"), Reliability::Approximate);
        assert_eq!(check("已依法依规答?08件", "08"), Reliability::Damaged);
        assert_eq!(check("共收到申请98件", "98"), Reliability::Exact);
    }
}
