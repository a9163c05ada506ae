//! A regex whose costly part is one bounded repetition of a character class, compiled
//! first with the bound lifted.
//!
//! Why: `[^。]{8,400}?` compiles to 400 copies of the class's UTF-8 automaton, and a
//! few such patterns (the part list of a preamble, the issuing body's name) were a
//! tenth of checking one report — every run of a pre-commit hook pays for them again.
//! `[^。]{8,}?` compiles in a twelfth of the time.
//!
//! The lifted ("loose") form finds exactly what the pattern finds whenever the
//! repeated group's match is within the bound. Its matches at any start are the
//! pattern's plus longer ones, in the same order of preference (shortest first for a
//! lazy repetition, longest first for a greedy one), so when its preferred match keeps
//! the group within the bound, that match is the pattern's preferred one too; and it
//! can match no later than the pattern. When a match goes beyond the bound, the exact
//! pattern is compiled (once per process) and asked instead.

use std::sync::OnceLock;

use regex::{Captures, Regex};

pub struct BoundedRegex {
    /// The pattern as written (what is compiled when the loose form is not enough).
    pattern: &'static str,
    loose: Regex,
    exact: OnceLock<Regex>,
    /// The capture group that is exactly the bounded repetition.
    group: &'static str,
    /// Its upper bound, in characters.
    max_chars: usize,
}

impl BoundedRegex {
    /// `pattern` must contain `repetition` (`"{8,400}"`) exactly once, as the whole of
    /// capture group `group` with its class (`(?P<list>[^。]{8,400}?)`). The patterns
    /// are the program's own: a wrong one fails its unit test, hence the panics.
    pub fn new(pattern: &'static str, group: &'static str, repetition: &'static str) -> Self {
        let bounds = repetition
            .strip_prefix('{')
            .and_then(|r| r.strip_suffix('}'))
            .and_then(|r| r.split_once(','));
        let Some((min, max)) = bounds else {
            panic!("not a bounded repetition: {repetition}")
        };
        let max_chars = max.parse().expect("the bound is a number");
        assert_eq!(
            pattern.matches(repetition).count(),
            1,
            "{repetition} once in {pattern}"
        );
        let loose = pattern.replacen(repetition, &format!("{{{min},}}"), 1);
        BoundedRegex {
            pattern,
            loose: Regex::new(&loose).expect("valid regex"),
            exact: OnceLock::new(),
            group,
            max_chars,
        }
    }

    fn exact(&self) -> &Regex {
        self.exact
            .get_or_init(|| Regex::new(self.pattern).expect("valid regex"))
    }

    fn within(&self, c: &Captures<'_>) -> bool {
        c.name(self.group)
            .is_none_or(|m| m.as_str().chars().nth(self.max_chars).is_none())
    }

    /// What `Regex::captures` with the pattern returns.
    pub fn captures<'h>(&self, haystack: &'h str) -> Option<Captures<'h>> {
        match self.loose.captures(haystack) {
            Some(c) if !self.within(&c) => self.exact().captures(haystack),
            found => found,
        }
    }

    /// What `Regex::captures_iter` with the pattern yields. While every match of the
    /// loose form is within the bound, each is the pattern's match from the same
    /// position, so the sequences are the same; otherwise the pattern's own.
    pub fn captures_all<'h>(&self, haystack: &'h str) -> Vec<Captures<'h>> {
        let loose: Vec<Captures<'h>> = self.loose.captures_iter(haystack).collect();
        if loose.iter().all(|c| self.within(c)) {
            loose
        } else {
            self.exact().captures_iter(haystack).collect()
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Every capture group's span, for comparing two regexes' results.
    fn spans(c: &Captures<'_>) -> Vec<Option<(usize, usize)>> {
        c.iter().map(|m| m.map(|m| (m.start(), m.end()))).collect()
    }

    /// Random haystacks over the characters the patterns turn on (with runs longer
    /// than their bounds): the loose-then-exact reading equals the pattern's. The
    /// modules that use a `BoundedRegex` run it on their own patterns.
    pub(crate) fn agrees(pattern: &'static str, group: &'static str, repetition: &'static str) {
        let bounded = BoundedRegex::new(pattern, group, repetition);
        let exact = Regex::new(pattern).expect("valid regex");
        // Words and characters the patterns turn on, repeated in runs that reach past
        // the bounds.
        let words = [
            "包括",
            "分为",
            "由",
            "：",
            ":",
            "。",
            "等",
            "共",
            "六",
            "6",
            "个",
            "部分",
            "县",
            "人民政府",
            "区",
            "镇",
            "（",
            "）",
            "(",
            ")",
            "年",
            "2024",
            "2024年",
            "年度",
            "政府信息公开",
            " ",
            "\n",
            "a",
        ];
        let mut below = crate::test_rng::below(0x05ee_db0d);
        let mut beyond = 0;
        for round in 0..1500 {
            let len = below(if round % 3 == 0 { 400 } else { 40 });
            let mut hay = String::new();
            // Long enough to pass the largest bound (400 characters) often, no longer.
            while hay.len() < len * 8 && hay.len() < 2000 {
                let word = words[below(words.len())];
                for _ in 0..1 + below(if round % 5 == 0 { 40 } else { 2 }) {
                    hay.push_str(word);
                }
            }
            for prefix in ["包括", "2024年", ""] {
                let hay = format!("{prefix}{hay}");
                let want = exact.captures(&hay).map(|c| spans(&c));
                assert_eq!(bounded.captures(&hay).map(|c| spans(&c)), want, "{hay}");
                let want: Vec<_> = exact.captures_iter(&hay).map(|c| spans(&c)).collect();
                let got: Vec<_> = bounded.captures_all(&hay).iter().map(spans).collect();
                assert_eq!(got, want, "{hay}");
                if bounded
                    .loose
                    .captures_iter(&hay)
                    .any(|c| !bounded.within(&c))
                {
                    beyond += 1;
                }
            }
        }
        // The fallback was exercised, not only the loose form.
        assert!(
            beyond > 10,
            "{pattern}: {beyond} haystacks beyond the bound"
        );
    }

    #[test]
    fn lazy_repetition_reads_as_the_pattern() {
        agrees(
            r"(?:包括|分为|由)[:：]?(?P<list>[^。]{8,30}?)(?:(?:等|共)?(?P<n>[六6]{1,2})个?部分[^。]{0,4}|。|$)",
            "list",
            "{8,30}",
        );
        agrees(
            r"(?P<name>[\p{Han}（）()]{2,12}?)\s*20\d{2}\s*年",
            "name",
            "{2,12}",
        );
    }

    #[test]
    fn greedy_repetition_reads_as_the_pattern() {
        agrees(r"^\s*(?P<name>[\p{Han}（）()]{2,12})\s*$", "name", "{2,12}");
        agrees(r"(?P<name>[\p{Han}]{2,12})政府", "name", "{2,12}");
    }

    #[test]
    fn beyond_the_bound_asks_the_pattern() {
        let re = BoundedRegex::new(r"(?P<name>\p{Han}{2,4}?)年", "name", "{2,4}");
        // The loose form matches the whole run of six; the pattern, its last four.
        let c = re.captures("一二三四五六年").expect("a match");
        assert_eq!(&c["name"], "三四五六");
        assert_eq!(re.captures_all("一二三四五六年 七八年").len(), 2);
        assert!(re.captures("一年").is_none());
    }
}
