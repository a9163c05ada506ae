//! The key that pairs a body's reports across years. The same body is written in
//! many ways: `淮安市洪泽区人民政府`, `洪泽区人民政府`, `洪泽区`; a department with or
//! without its region (`某区财政金融局`, `某某综合实验区财政金融局`, `财政金融局`), with
//! the title words left on (`…2023年度政府信息公开工作年度报告`) or spaces inside.
//!
//! Normalisation, in order:
//! 1. whitespace and parenthesised remarks (`（原某某局）`) are removed;
//! 2. title words are cut: a year (`2023年度`) and everything from `政府信息公开`,
//!    `政务公开`, `信息公开`, `年度报告`, `年报` on; a leading `关于`;
//! 3. leading regions are read off one by one (`淮安市` `洪泽区`, `某某综合实验区`): a
//!    region is a stem of 1–6 characters and a region word (省、市、县、区、州、盟、旗、
//!    自治区/州/县、综合实验区、实验区、开发区、新区…); a township (`某某镇`, `某某街道`)
//!    only when nothing follows but its office (人民政府、办事处). Only the most specific
//!    region's *stem* is kept (`洪泽`), since short forms drop the higher regions and
//!    shorten the region word (`某某综合实验区` → `某某实验区`);
//! 4. what is left is the unit: `人民政府` is written `政府` (so `人民政府办公室` =
//!    `政府办公室`), `管理委员会` is `管委会`, and the government itself (`人民政府`,
//!    nothing) is the empty unit.
//!
//! The key is (region stem, unit). A name without a region (`财政金融局`, the short form
//! of a department's own title) has an empty region: `series` pairs it with the one body
//! of the batch that has the same unit, when there is exactly one.

use std::sync::LazyLock;

use regex::Regex;

/// A body's normalised name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BodyKey {
    /// Stem of the most specific region (`洪泽`), empty when the name has none.
    pub region: String,
    /// The unit within the region (`财政金融局`); empty for the government itself.
    pub unit: String,
}

impl BodyKey {
    /// `洪泽·政府` / `平潭·财政金融局` / `·财政金融局`, for `-v` and `extract`.
    pub fn display(&self) -> String {
        let unit = if self.unit.is_empty() {
            "政府"
        } else {
            &self.unit
        };
        format!("{}·{unit}", self.region)
    }
}

static REGION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?P<stem>\p{Han}{1,6}?)(?:特别行政区|自治区|自治州|自治县|自治旗|综合实验区|实验区|经济技术开发区|高新技术产业开发区|经济开发区|开发区|高新区|新区|地区|省|市|州|盟|县|旗|区)",
    )
    .expect("valid regex")
});
static TOWNSHIP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<stem>\p{Han}{1,6}?)(?:镇|乡|街道)(?:人民政府|政府|办事处)?$")
        .expect("valid regex")
});
static TITLE_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:20\d{2}年度?|政府信息公开|政务公开|信息公开|年度报告|年报).*$")
        .expect("valid regex")
});

/// Whether a region's stem could be a word of a unit instead (`某县` `某区` read from
/// `区委办公室` would be wrong): stems are names, not these words.
fn plausible_stem(stem: &str) -> bool {
    !stem.contains(['和', '与', '及', '委', '局', '厅', '办', '政', '府'])
}

/// Normalises a body's name; `None` when nothing is left (a title without a name).
pub fn normalise(name: &str) -> Option<BodyKey> {
    // 1. whitespace and parenthesised remarks
    let mut s = String::with_capacity(name.len());
    let mut depth = 0usize;
    for c in name.chars() {
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' => depth = depth.saturating_sub(1),
            c if c.is_whitespace() => {}
            c if depth == 0 => s.push(c),
            _ => {}
        }
    }
    // 2. title words
    let mut s: &str = &s;
    if let Some(m) = TITLE_WORDS.find(s) {
        s = &s[..m.start()];
    }
    s = s.strip_prefix("关于").unwrap_or(s);
    // 3. regions
    let mut region = "";
    while let Some(c) = REGION.captures(s) {
        let (Some(all), Some(stem)) = (c.get(0), c.name("stem")) else {
            break;
        };
        if !plausible_stem(stem.as_str()) {
            break;
        }
        region = stem.as_str();
        s = &s[all.end()..];
    }
    if let Some(c) = TOWNSHIP.captures(s)
        && let Some(stem) = c.name("stem")
        && plausible_stem(stem.as_str())
    {
        region = stem.as_str();
        s = "";
    }
    // A bare region word before a unit (`区统计局`: the district's) is no region.
    if region.is_empty() {
        for w in ["市", "区", "县"] {
            if let Some(rest) = s.strip_prefix(w)
                && rest.chars().count() >= 2
                && !["场", "域", "委", "政"].iter().any(|x| rest.starts_with(x))
            {
                s = rest;
                break;
            }
        }
    }
    // 4. the unit
    let mut unit = s
        .replace("人民政府", "政府")
        .replace("管理委员会", "管委会");
    // A self-reference (`我局`, `本委`) names no body.
    if region.is_empty()
        && (unit.starts_with('我') || unit.starts_with('本'))
        && unit.chars().count() <= 3
    {
        return None;
    }
    if unit == "政府" || unit == "政府办事处" || unit == "办事处" {
        unit.clear();
    }
    if region.is_empty() && unit.is_empty() {
        return None;
    }
    Some(BodyKey {
        region: region.to_string(),
        unit,
    })
}

/// Compiles this module's regexes now (the warm-up thread of `rules::scan`, while
/// the checking thread parses the first document).
pub(crate) fn warm() {
    LazyLock::force(&REGION);
    LazyLock::force(&TOWNSHIP);
    LazyLock::force(&TITLE_WORDS);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> (String, String) {
        normalise(name).map_or((String::new(), String::new()), |k| (k.region, k.unit))
    }

    fn same(a: &str, b: &str) {
        assert_eq!(normalise(a), normalise(b), "{a} vs {b}");
    }

    #[test]
    fn higher_regions_and_the_government_word_are_dropped() {
        same("甲乙市丙丁区人民政府", "丙丁区人民政府");
        same("丙丁区人民政府", "丙丁区");
        same("甲乙市丙丁区人民政府", "丙丁区政府");
        assert_eq!(key("丙丁区人民政府"), ("丙丁".into(), String::new()));
    }

    #[test]
    fn a_zone_department_and_its_short_forms() {
        same("戊己综合实验区财政金融局", "戊己实验区财政金融局");
        same(
            "戊己综合实验区 财政金融局",
            "戊己综合实验区财政金融局（戊己综合实验区国资局）",
        );
        same(
            "戊己综合实验区财政金融局2023年度政府信息公开工作年度报告",
            "戊己综合实验区财政金融局",
        );
        // The department's own short title: no region, paired by `series` when the
        // batch has one body with this unit.
        assert_eq!(key("财政金融局"), (String::new(), "财政金融局".into()));
        assert_eq!(
            key("戊己综合实验区财政金融局"),
            ("戊己".into(), "财政金融局".into())
        );
    }

    #[test]
    fn units_are_not_read_as_regions() {
        assert_eq!(
            key("某县住房和城乡建设局"),
            ("某".into(), "住房和城乡建设局".into())
        );
        assert_eq!(
            key("某县市场监督管理局"),
            ("某".into(), "市场监督管理局".into())
        );
        same("某市人民政府办公室", "某市政府办公室");
        assert_ne!(normalise("某市人民政府办公室"), normalise("某市人民政府"));
        assert_ne!(normalise("甲区财政局"), normalise("乙区财政局"));
    }

    #[test]
    fn townships_and_committees() {
        same("某县庚辛镇人民政府", "庚辛镇");
        same("某区壬癸街道办事处", "壬癸街道");
        same("某某开发区管理委员会", "某某开发区管委会");
        assert_eq!(normalise("2023年度政府信息公开工作年度报告"), None);
        assert_eq!(normalise("我局"), None);
        assert_eq!(key("区统计局"), (String::new(), "统计局".into()));
        assert_eq!(
            key("市场监督管理局"),
            (String::new(), "市场监督管理局".into())
        );
        assert_eq!(key("乡村振兴局"), (String::new(), "乡村振兴局".into()));
    }
}
