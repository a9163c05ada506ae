//! Infers who issued a report and at which level: a people's government at county level
//! or above (`Level::Government`), a township or street office (乡镇, 街道 —
//! `Level::Township`) or a department (局, 委, 办公室… — `Level::Department`).
//! Some requirements depend on it (a 人民政府 must report 工作考核、社会评议、责任追究 in
//! 监督保障; departments need not), so a rule may say which levels it applies to and is
//! skipped when the level cannot be told. The name is read from the title (the line
//! with the year and 年度报告, or the line just above it), else the report's way of
//! referring to itself in the preamble (我局、本委… / 我区、本县…). `--verbose` shows it.
//!
//! The name is kept (not only the level) so that reports of the same body in different
//! years can later be paired.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;

use super::outline::Outline;
use crate::text::bounded::BoundedRegex;

/// The level of the issuing body, as far as the requirements care.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// A people's government at county level or above: 省/市/县/区 本级.
    Government,
    /// A township government or street office: 乡、镇人民政府, 街道办事处.
    Township,
    /// A department or office of a government (局、委、厅、办公室、中心…).
    Department,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Government => "government",
            Level::Township => "township",
            Level::Department => "department",
        }
    }

    pub fn chinese(self) -> &'static str {
        match self {
            Level::Government => "县级以上人民政府",
            Level::Township => "乡镇人民政府或街道办事处",
            Level::Department => "政府部门",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodySource {
    /// The report's title names the body.
    Title,
    /// The preamble or the first section refers to the body as 我局、本县….
    SelfReference,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuingBody {
    pub level: Level,
    /// The name as written in the title (`淮安市洪泽区人民政府`), or the self-reference (`我局`).
    pub name: String,
    pub span: Range<usize>,
    pub source: BodySource,
}

impl IssuingBody {
    /// How the body was inferred, for `--verbose`.
    pub fn describe(&self) -> String {
        let from = match self.source {
            BodySource::Title => "取自标题",
            BodySource::SelfReference => "取自正文的自称",
        };
        format!(
            "发布机关：{}（{}，{from}）",
            self.level.chinese(),
            self.name
        )
    }
}

/// Longest preamble read (bytes), when no section heading ends it earlier.
const PREAMBLE_BYTES: usize = 3000;
/// Bytes of 一、总体情况 read for a self-reference.
const FIRST_SECTION_BYTES: usize = 900;

static TITLE_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:年度报告|年报|政府信息公开\s*$)").expect("valid regex"));
/// `<name>2023年…` or `2025年<name>政府信息公开…`.
// The name's bounded repetition is what makes these costly to compile: see
// `BoundedRegex`.
const NAME_BEFORE_YEAR_PATTERN: &str = r"(?P<name>[\p{Han}（）()]{2,40}?)\s*20\d{2}\s*年";
const NAME_AFTER_YEAR_PATTERN: &str =
    r"20\d{2}\s*年度?\s*(?P<name>[\p{Han}（）()]{2,40}?)\s*(?:政府信息公开|政务公开|信息公开)";
const HAN_LINE_PATTERN: &str = r"^\s*#*\s*(?P<name>[\p{Han}（）()]{2,40})\s*$";
static NAME_BEFORE_YEAR: LazyLock<BoundedRegex> =
    LazyLock::new(|| BoundedRegex::new(NAME_BEFORE_YEAR_PATTERN, "name", "{2,40}"));
static NAME_AFTER_YEAR: LazyLock<BoundedRegex> =
    LazyLock::new(|| BoundedRegex::new(NAME_AFTER_YEAR_PATTERN, "name", "{2,40}"));
static HAN_LINE: LazyLock<BoundedRegex> =
    LazyLock::new(|| BoundedRegex::new(HAN_LINE_PATTERN, "name", "{2,40}"));
static SELF_DEPARTMENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:我|本)(?:局|委|厅|办|中心|院|署|所)").expect("valid regex"));
static SELF_GOVERNMENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"我(?:省|市|区|县)").expect("valid regex"));
static SELF_TOWNSHIP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"我(?:镇|乡|街道)|本(?:街道|镇|乡)").expect("valid regex"));

/// The level a body's name implies, when its ending says so.
pub fn classify(name: &str) -> Option<Level> {
    let name = name.trim_end_matches(['（', '）', '(', ')']);
    if name.ends_with("管理委员会") || name.ends_with("管委会") {
        // An economic zone's committee acts as a government for some duties and not
        // for others: leave it undecided.
        return None;
    }
    const TOWNSHIP: &[&str] = &["镇人民政府", "乡人民政府", "街道办事处", "街道"];
    if TOWNSHIP.iter().any(|s| name.ends_with(s)) {
        return Some(Level::Township);
    }
    if name.ends_with("人民政府") {
        return Some(Level::Government);
    }
    const DEPARTMENT: &[&str] = &[
        "办公厅",
        "办公室",
        "局",
        "厅",
        "委员会",
        "委",
        "办",
        "中心",
        "院",
        "署",
        "所",
        "站",
        "队",
        "部",
        "处",
        "馆",
        "社",
        "集团",
        "公司",
        "总队",
        "支队",
    ];
    if DEPARTMENT.iter().any(|s| name.ends_with(s)) {
        return Some(Level::Department);
    }
    if name.chars().count() > 16 {
        return None;
    }
    if name.ends_with(['镇', '乡']) {
        return Some(Level::Township);
    }
    const REGION: &[&str] = &["省", "市", "区", "县", "自治州", "州", "盟", "旗"];
    REGION
        .iter()
        .any(|s| name.ends_with(s))
        .then_some(Level::Government)
}
pub fn infer(text: &str, outline: &Outline) -> Option<IssuingBody> {
    let preamble_end = outline.sections.first().map_or_else(
        || crate::text::floor_char_boundary(text, PREAMBLE_BYTES),
        |s| {
            s.heading
                .start
                .min(crate::text::floor_char_boundary(text, PREAMBLE_BYTES))
        },
    );
    from_title(text, preamble_end).or_else(|| from_self_reference(text, outline, preamble_end))
}

fn from_title(text: &str, preamble_end: usize) -> Option<IssuingBody> {
    let preamble = &text[..preamble_end];
    let mut previous: Option<(usize, &str)> = None;
    let mut offset = 0;
    for line in preamble.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        if content.trim().is_empty() {
            continue;
        }
        if TITLE_LINE.is_match(content) {
            let candidates = [&*NAME_BEFORE_YEAR, &*NAME_AFTER_YEAR];
            for re in candidates {
                for c in re.captures_all(content) {
                    let Some(m) = c.name("name") else { continue };
                    let name = strip_label(m.as_str());
                    if let Some(level) = classify(name) {
                        let at = start + m.end() - name.len();
                        return Some(IssuingBody {
                            level,
                            name: name.to_string(),
                            span: at..start + m.end(),
                            source: BodySource::Title,
                        });
                    }
                }
            }
            // The body on the line above the title ("洪泽区人民政府\n2023年…年度报告").
            if let Some((at, above)) = previous
                && let Some(c) = HAN_LINE.captures(above)
                && let Some(m) = c.name("name")
                && let Some(level) = classify(m.as_str())
            {
                return Some(IssuingBody {
                    level,
                    name: m.as_str().to_string(),
                    span: at + m.start()..at + m.end(),
                    source: BodySource::Title,
                });
            }
            return None;
        }
        previous = Some((start, content));
    }
    None
}

/// Words before a name that are not part of it: `标题` of a scraped page's metadata,
/// "现公布…" of an opening sentence.
fn strip_label(name: &str) -> &str {
    const LEADS: &[&str] = &[
        "标题",
        "现将",
        "现予公布",
        "现公布",
        "特此公布",
        "公布",
        "发布",
    ];
    let mut name = name;
    while let Some(rest) = LEADS.iter().find_map(|l| name.strip_prefix(l)) {
        name = rest;
    }
    name
}

fn from_self_reference(text: &str, outline: &Outline, preamble_end: usize) -> Option<IssuingBody> {
    let mut ranges: Vec<Range<usize>> = Vec::with_capacity(2);
    ranges.push(0..preamble_end);
    if let Some(first) = outline.sections.iter().find(|s| s.template == 0) {
        let end = crate::text::floor_char_boundary(
            text,
            (first.body.start + FIRST_SECTION_BYTES).min(first.body.end),
        );
        ranges.push(first.body.start..end.max(first.body.start));
    }
    let find = |re: &Regex| {
        ranges
            .iter()
            .find_map(|r| re.find(&text[r.clone()]).map(|m| (r.start + m.start(), m)))
    };
    let found: Vec<(Level, (usize, regex::Match<'_>))> = [
        (Level::Department, find(&SELF_DEPARTMENT)),
        (Level::Government, find(&SELF_GOVERNMENT)),
        (Level::Township, find(&SELF_TOWNSHIP)),
    ]
    .into_iter()
    .filter_map(|(l, m)| m.map(|m| (l, m)))
    .collect();
    // Only one kind of self-reference: otherwise the report is ambiguous.
    let [(level, (at, m))] = found.as_slice() else {
        return None;
    };
    let (level, at, m) = (*level, *at, *m);
    Some(IssuingBody {
        level,
        name: m.as_str().to_string(),
        span: at..at + m.len(),
        source: BodySource::SelfReference,
    })
}

/// Compiles this module's regexes now (the warm-up thread of `rules::scan`, while
/// the checking thread parses the first document).
pub(crate) fn warm() {
    LazyLock::force(&TITLE_LINE);
    LazyLock::force(&NAME_BEFORE_YEAR);
    LazyLock::force(&NAME_AFTER_YEAR);
    LazyLock::force(&HAN_LINE);
    LazyLock::force(&SELF_DEPARTMENT);
    LazyLock::force(&SELF_GOVERNMENT);
    LazyLock::force(&SELF_TOWNSHIP);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_as_their_patterns() {
        use crate::text::bounded::tests::agrees;
        agrees(NAME_BEFORE_YEAR_PATTERN, "name", "{2,40}");
        agrees(NAME_AFTER_YEAR_PATTERN, "name", "{2,40}");
        agrees(HAN_LINE_PATTERN, "name", "{2,40}");
    }

    fn level_of(text: &str) -> Option<Level> {
        infer(text, &Outline::default()).map(|b| b.level)
    }

    #[test]
    fn names_ending_in_a_level_word_are_classified() {
        assert_eq!(classify("淮安市洪泽区人民政府"), Some(Level::Government));
        assert_eq!(classify("某市某区某某街道办事处"), Some(Level::Township));
        assert_eq!(classify("某某镇人民政府"), Some(Level::Township));
        assert_eq!(classify("某某镇"), Some(Level::Township));
        assert_eq!(classify("某县发展和改革局"), Some(Level::Department));
        assert_eq!(classify("某市人民政府办公室"), Some(Level::Department));
        assert_eq!(classify("某某市"), Some(Level::Government));
        assert_eq!(classify("某某综合实验区管委会"), None);
        assert_eq!(classify("政府信息"), None);
    }

    #[test]
    fn the_title_names_the_body() {
        assert_eq!(
            level_of("某县发展和改革局2023年政府信息公开工作年度报告\n正文"),
            Some(Level::Department)
        );
        assert_eq!(
            level_of("        某市某区人民政府\n    2023 年政府信息公开工作年度报告\n"),
            Some(Level::Government)
        );
        assert_eq!(
            level_of("2025 年某市人民政府办公厅政府信息公开\n工作年度报告\n"),
            Some(Level::Department)
        );
        let b = infer(
            "标题: 某某市2022年度政府信息公开工作年度报告\n",
            &Outline::default(),
        );
        assert_eq!(b.map(|b| b.name), Some("某某市".to_string()));
        let b = infer(
            "现公布某某镇2023年政府信息公开工作年度报告。\n",
            &Outline::default(),
        );
        assert_eq!(b.map(|b| b.name), Some("某某镇".to_string()));
    }

    #[test]
    fn self_reference_when_the_title_says_nothing() {
        assert_eq!(
            level_of("2024年，我局认真贯彻《条例》。\n"),
            Some(Level::Department)
        );
        assert_eq!(
            level_of("2024年，我县认真贯彻《条例》。\n"),
            Some(Level::Government)
        );
        assert_eq!(
            level_of("我局与我县共同……\n"),
            None,
            "contradictory: unknown"
        );
        assert_eq!(level_of("2024年政府信息公开工作年度报告\n"), None);
    }
}
