//! Word's automatic numbering and paragraph styles. A heading whose `一、` or `（一）`
//! comes from a numbered list is not in the paragraph's text: Word computes it from
//! `word/numbering.xml` (abstract lists with one `w:lvl` per level: start value,
//! number format, label template like `%1、`; list instances `w:num` that point at
//! an abstract list and may restart levels with `w:lvlOverride/w:startOverride`) and
//! from the paragraph's `w:numPr` or its style's (`word/styles.xml`, styles based on
//! other styles through `w:basedOn`). `Lists` reads both parts and, called for every
//! paragraph in document order, returns the label Word displays, so that the loader
//! and the annotator put the same label in front of the paragraph's text.
//!
//! Counters belong to the abstract list, as in Word: two list instances of the same
//! abstract list continue each other, unless an instance overrides a level's start,
//! which restarts that level at the instance's first paragraph. Numbering a level
//! restarts the deeper levels (unless their `w:lvlRestart` says otherwise).
//!
//! Styles also tell which paragraphs are headings: an outline level (`w:outlineLvl`
//! in the paragraph or its style chain) or a style named `heading N` / `标题 N`.
//!
//! Hostile parts never fail the load: a missing or broken part means no numbering
//! (the text as written), style chains are followed at most `MAX_STYLE_DEPTH` steps
//! and never round a cycle, levels outside 0–8 and absurd labels are ignored, and
//! only the predefined XML entities are resolved (quick-xml reads no DTD).

use std::collections::{HashMap, HashSet};

use quick_xml::events::{BytesStart, Event};

/// Levels of a Word list (`w:ilvl` 0–8).
const LEVELS: usize = 9;
/// Steps followed along `w:basedOn`.
const MAX_STYLE_DEPTH: usize = 16;
/// Longest label kept; a longer one is not a heading's numbering.
const MAX_LABEL_CHARS: usize = 24;
/// Largest counter formatted in words; larger ones are written in digits.
const MAX_WORDS: u32 = 99_999;

/// Numbering and style properties of one paragraph, as written in its `w:pPr`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParaProps {
    /// `w:pStyle`.
    pub style: Option<String>,
    /// `w:numPr/w:numId`.
    pub num_id: Option<String>,
    /// `w:numPr/w:ilvl`.
    pub ilvl: Option<String>,
    /// `w:outlineLvl`.
    pub outline: Option<String>,
}

impl ParaProps {
    /// Records a property element met inside a paragraph (`pStyle`, `numId`, `ilvl`,
    /// `outlineLvl`); other elements are ignored.
    pub fn record(&mut self, local_name: &[u8], e: &BytesStart<'_>) {
        let slot = match local_name {
            b"pStyle" => &mut self.style,
            b"numId" => &mut self.num_id,
            b"ilvl" => &mut self.ilvl,
            b"outlineLvl" => &mut self.outline,
            _ => return,
        };
        if slot.is_none() {
            *slot = attr(e, b"val");
        }
    }
}

/// How a level writes its counter (`w:numFmt`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Format {
    #[default]
    Decimal,
    DecimalZero,
    FullWidth,
    Circled,
    Chinese,
    ChineseLegal,
    Ideograph,
    Zodiac,
    UpperLetter,
    LowerLetter,
    UpperRoman,
    LowerRoman,
    None,
    Bullet,
}

impl Format {
    fn parse(v: &str) -> Format {
        match v {
            "decimalZero" => Format::DecimalZero,
            "decimalFullWidth" | "decimalFullWidth2" | "decimalHalfWidth" => Format::FullWidth,
            "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" => Format::Circled,
            "chineseCounting"
            | "chineseCountingThousand"
            | "japaneseCounting"
            | "taiwaneseCounting"
            | "taiwaneseCountingThousand"
            | "koreanCounting"
            | "ideographDigital"
            | "japaneseDigitalTenThousand" => Format::Chinese,
            "chineseLegalSimplified" | "ideographLegalTraditional" | "japaneseLegal" => {
                Format::ChineseLegal
            }
            "ideographTraditional" => Format::Ideograph,
            "ideographZodiac" | "ideographZodiacTraditional" => Format::Zodiac,
            "upperLetter" => Format::UpperLetter,
            "lowerLetter" => Format::LowerLetter,
            "upperRoman" => Format::UpperRoman,
            "lowerRoman" => Format::LowerRoman,
            "none" => Format::None,
            "bullet" => Format::Bullet,
            _ => Format::Decimal,
        }
    }
}

/// What follows the label (`w:suff`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Suffix {
    #[default]
    Tab,
    Space,
    Nothing,
}

/// One level of a list (`w:lvl`).
#[derive(Clone, Debug, Default)]
struct Level {
    start: Option<u32>,
    format: Format,
    text: Option<String>,
    /// `w:lvlRestart`: restarted only by levels above this 1-based level; 0: never.
    restart: Option<usize>,
    legal: bool,
    suffix: Suffix,
    /// `w:pStyle`: the paragraph style this level is linked to.
    style: Option<String>,
}

#[derive(Clone, Debug, Default)]
struct Num {
    abstract_id: Option<String>,
    /// Per level: a start override and a whole level replacing the abstract one.
    overrides: HashMap<usize, (Option<u32>, Option<Level>)>,
}

#[derive(Clone, Debug, Default)]
struct Style {
    /// The heading level its name says (`heading 2`, `标题 2`: 1).
    name_level: Option<u8>,
    based_on: Option<String>,
    num_id: Option<String>,
    ilvl: Option<String>,
    outline: Option<String>,
}

/// Counters of one abstract list.
#[derive(Clone, Debug, Default)]
struct Counters {
    current: [Option<u32>; LEVELS],
    /// Start overrides of the list instance that last restarted a level.
    starts: [Option<u32>; LEVELS],
}

/// The numbering and style definitions of a document, and the counters of a walk
/// over its paragraphs.
#[derive(Clone, Debug, Default)]
pub struct Lists {
    abstracts: HashMap<String, Vec<Option<Level>>>,
    nums: HashMap<String, Num>,
    styles: HashMap<String, Style>,
    default_style: Option<String>,
    counters: HashMap<String, Counters>,
    seen: HashSet<String>,
}

/// What one paragraph is, for the text: the label Word shows before it and whether
/// its style or outline level makes it a heading.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Numbered {
    /// The label with the separator Word puts after it (`一、`, `（一）`, `1. `).
    pub label: Option<String>,
    /// 0-based outline level of a heading paragraph.
    pub heading: Option<u8>,
}

impl Lists {
    /// Reads `numbering.xml` and `styles.xml` (either may be absent or broken: what
    /// could be read is kept).
    pub fn new(numbering: Option<&str>, styles: Option<&str>) -> Lists {
        let mut lists = Lists::default();
        if let Some(xml) = numbering {
            lists.read_numbering(xml);
        }
        if let Some(xml) = styles {
            lists.read_styles(xml);
        }
        lists
    }

    /// True when nothing could change a paragraph's text or mark a heading.
    pub fn is_empty(&self) -> bool {
        self.nums.is_empty() && self.styles.is_empty()
    }

    fn read_numbering(&mut self, xml: &str) {
        let mut reader = quick_xml::Reader::from_str(xml);
        reader.config_mut().check_end_names = false;
        // (abstract id, its levels)
        let mut abs: Option<(String, Vec<Option<Level>>)> = None;
        let mut num: Option<(String, Num)> = None;
        let mut override_level: Option<usize> = None;
        let mut level: Option<(usize, Level)> = None;
        while let Ok(event) = reader.read_event() {
            let (e, empty) = match event {
                Event::Start(e) => (e, false),
                Event::Empty(e) => (e, true),
                Event::End(e) => {
                    let name = e.local_name();
                    end_numbering(
                        self,
                        name.as_ref(),
                        &mut abs,
                        &mut num,
                        &mut override_level,
                        &mut level,
                    );
                    continue;
                }
                Event::Eof => break,
                _ => continue,
            };
            let local = e.local_name();
            let name = local.as_ref();
            let val = || attr(&e, b"val");
            match name {
                b"abstractNum" => {
                    abs = attr(&e, b"abstractNumId").map(|id| (id, vec![None; LEVELS]));
                }
                b"num" => num = attr(&e, b"numId").map(|id| (id, Num::default())),
                b"abstractNumId" => {
                    if let Some((_, n)) = num.as_mut() {
                        n.abstract_id = val();
                    }
                }
                b"lvlOverride" => override_level = attr(&e, b"ilvl").and_then(|v| level_index(&v)),
                b"startOverride" => {
                    if let (Some((_, n)), Some(l)) = (num.as_mut(), override_level) {
                        n.overrides.entry(l).or_default().0 = val().and_then(|v| count(&v));
                    }
                }
                b"lvl" => {
                    level = attr(&e, b"ilvl")
                        .and_then(|v| level_index(&v))
                        .map(|i| (i, Level::default()));
                }
                _ => {
                    if let Some((_, l)) = level.as_mut() {
                        match name {
                            b"start" => l.start = val().and_then(|v| count(&v)),
                            b"numFmt" => l.format = Format::parse(&val().unwrap_or_default()),
                            // Longer templates cannot give a label (and are not
                            // copied paragraph after paragraph).
                            b"lvlText" => {
                                l.text = val().filter(|t| t.chars().count() <= 4 * MAX_LABEL_CHARS)
                            }
                            b"lvlRestart" => l.restart = val().and_then(|v| v.parse().ok()),
                            b"isLgl" => l.legal = val().is_none_or(|v| on(&v)),
                            b"suff" => {
                                l.suffix = match val().as_deref() {
                                    Some("space") => Suffix::Space,
                                    Some("nothing") => Suffix::Nothing,
                                    _ => Suffix::Tab,
                                }
                            }
                            b"pStyle" => l.style = val(),
                            _ => {}
                        }
                    }
                }
            }
            if empty {
                end_numbering(
                    self,
                    name,
                    &mut abs,
                    &mut num,
                    &mut override_level,
                    &mut level,
                );
            }
        }
    }

    fn read_styles(&mut self, xml: &str) {
        let mut reader = quick_xml::Reader::from_str(xml);
        reader.config_mut().check_end_names = false;
        let mut style: Option<(String, Style)> = None;
        while let Ok(event) = reader.read_event() {
            let (e, empty) = match event {
                Event::Start(e) => (e, false),
                Event::Empty(e) => (e, true),
                Event::End(e) => {
                    if e.local_name().as_ref() == b"style"
                        && let Some((id, s)) = style.take()
                    {
                        self.styles.entry(id).or_insert(s);
                    }
                    continue;
                }
                Event::Eof => break,
                _ => continue,
            };
            let local = e.local_name();
            let name = local.as_ref();
            if name == b"style" {
                let paragraph = attr(&e, b"type").is_none_or(|t| t == "paragraph");
                style = attr(&e, b"styleId")
                    .filter(|_| paragraph)
                    .map(|id| (id, Style::default()));
                if let Some((id, _)) = &style
                    && attr(&e, b"default").is_some_and(|v| on(&v))
                    && self.default_style.is_none()
                {
                    self.default_style = Some(id.clone());
                }
                if empty {
                    style = None;
                }
                continue;
            }
            let Some((_, s)) = style.as_mut() else {
                continue;
            };
            let slot = match name {
                b"name" => {
                    s.name_level = attr(&e, b"val").and_then(|n| name_level(&n));
                    continue;
                }
                b"basedOn" => &mut s.based_on,
                b"numId" => &mut s.num_id,
                b"ilvl" => &mut s.ilvl,
                b"outlineLvl" => &mut s.outline,
                _ => continue,
            };
            *slot = attr(&e, b"val");
        }
    }

    /// The styles of a paragraph: its own (or the default paragraph style), then
    /// those it is based on; at most `MAX_STYLE_DEPTH`, never twice.
    fn chain(&self, style: Option<&str>) -> Vec<(&str, &Style)> {
        let mut out: Vec<(&str, &Style)> = Vec::new();
        let mut next = style.or(self.default_style.as_deref());
        while let Some(id) = next {
            if out.len() >= MAX_STYLE_DEPTH || out.iter().any(|(i, _)| *i == id) {
                break;
            }
            let Some((key, s)) = self.styles.get_key_value(id) else {
                break;
            };
            out.push((key.as_str(), s));
            next = s.based_on.as_deref();
        }
        out
    }

    /// The label and heading level of the next paragraph, in document order (the
    /// counters advance).
    pub fn paragraph(&mut self, p: &ParaProps) -> Numbered {
        if self.is_empty() {
            return Numbered::default();
        }
        let chain = self.chain(p.style.as_deref());
        let heading = heading_level(p, &chain);
        // The list: the paragraph's own numPr, else its style chain's.
        let style_num = chain
            .iter()
            .find_map(|(_, s)| s.num_id.clone())
            .map(|id| (id, chain.iter().find_map(|(_, s)| s.ilvl.clone())));
        let style_id = chain.first().map(|(id, _)| id.to_string());
        let (num_id, ilvl) = match (&p.num_id, style_num) {
            (Some(id), style) => (
                id.clone(),
                p.ilvl.clone().or_else(|| style.and_then(|(_, l)| l)),
            ),
            (None, Some((id, l))) => (id, p.ilvl.clone().or(l)),
            (None, None) => {
                return Numbered {
                    label: None,
                    heading,
                };
            }
        };
        let label = self.label(&num_id, ilvl.as_deref(), style_id.as_deref());
        Numbered { label, heading }
    }

    fn label(&mut self, num_id: &str, ilvl: Option<&str>, style: Option<&str>) -> Option<String> {
        // Disjoint borrows: the definitions are read while the counters change, and
        // nothing is copied per paragraph but small arrays.
        let Lists {
            abstracts,
            nums,
            counters,
            seen,
            ..
        } = self;
        let num = nums.get(num_id)?;
        let abs_id = num.abstract_id.as_deref()?;
        let levels = abstracts.get(abs_id)?;
        let level_of = |i: usize| -> Option<&Level> {
            match num.overrides.get(&i) {
                Some((_, Some(l))) => Some(l),
                _ => levels.get(i).and_then(Option::as_ref),
            }
        };
        let ilvl = match ilvl {
            Some(v) => level_index(v)?,
            // A level linked to the paragraph's style, else the first.
            None => (0..LEVELS)
                .find(|&i| style.is_some() && level_of(i).and_then(|l| l.style.as_deref()) == style)
                .unwrap_or(0),
        };
        let level = level_of(ilvl)?;
        let mut starts = [1u32; LEVELS];
        let mut formats = [Format::Decimal; LEVELS];
        let mut restart = [None; LEVELS];
        for i in 0..LEVELS {
            if let Some(l) = level_of(i) {
                starts[i] = l.start.unwrap_or(1);
                formats[i] = l.format;
                restart[i] = l.restart;
            }
        }
        if !counters.contains_key(abs_id) {
            counters.insert(abs_id.to_string(), Counters::default());
        }
        let counters = counters.get_mut(abs_id)?;
        if !seen.contains(num_id) {
            seen.insert(num_id.to_string());
            for (&l, (s, _)) in &num.overrides {
                if let (Some(s), true) = (s, l < LEVELS) {
                    counters.current[l] = None;
                    counters.starts[l] = Some(*s);
                }
            }
        }
        let start = |i: usize, c: &Counters| c.starts[i].unwrap_or(starts[i]);
        let next = match counters.current[ilvl] {
            Some(n) => n.saturating_add(1),
            None => start(ilvl, counters),
        };
        counters.current[ilvl] = Some(next);
        for (deeper, r) in restart.iter().enumerate().skip(ilvl + 1) {
            let restarts = match *r {
                Some(0) => false,
                Some(r) => ilvl < r,
                None => true,
            };
            if restarts {
                counters.current[deeper] = None;
            }
        }
        if matches!(level.format, Format::Bullet) {
            return None;
        }
        let template = level.text.as_deref()?;
        let mut out = String::new();
        let mut chars = template.chars().peekable();
        while let Some(c) = chars.next() {
            let digit = chars.peek().and_then(|d| d.to_digit(10));
            match (c, digit) {
                ('%', Some(d)) if (1..=LEVELS as u32).contains(&d) => {
                    chars.next();
                    let i = d as usize - 1;
                    let value = counters.current[i].unwrap_or_else(|| start(i, counters));
                    let format = if level.legal && i < ilvl {
                        Format::Decimal
                    } else {
                        formats[i]
                    };
                    out.push_str(&format_count(value, format)?);
                }
                _ => out.push(c),
            }
            if out.chars().count() > MAX_LABEL_CHARS {
                return None;
            }
        }
        if out.trim().is_empty() {
            return None;
        }
        let closed = out
            .chars()
            .next_back()
            .is_some_and(|c| !c.is_alphanumeric() && !c.is_ascii_punctuation());
        match level.suffix {
            Suffix::Nothing => {}
            // A label ending in 、 or ）reads as Word shows it without the tab.
            Suffix::Tab if closed => {}
            _ => out.push(' '),
        }
        Some(out)
    }
}

fn end_numbering(
    lists: &mut Lists,
    name: &[u8],
    abs: &mut Option<(String, Vec<Option<Level>>)>,
    num: &mut Option<(String, Num)>,
    override_level: &mut Option<usize>,
    level: &mut Option<(usize, Level)>,
) {
    match name {
        b"lvl" => {
            if let Some((i, l)) = level.take() {
                match (num.as_mut(), *override_level, abs.as_mut()) {
                    (Some((_, n)), Some(o), _) if o == i => {
                        n.overrides.entry(i).or_default().1 = Some(l);
                    }
                    (None, _, Some((_, levels))) => {
                        if let Some(slot) = levels.get_mut(i)
                            && slot.is_none()
                        {
                            *slot = Some(l);
                        }
                    }
                    _ => {}
                }
            }
        }
        b"lvlOverride" => *override_level = None,
        b"abstractNum" => {
            if let Some((id, levels)) = abs.take() {
                lists.abstracts.entry(id).or_insert(levels);
            }
        }
        b"num" => {
            if let Some((id, n)) = num.take() {
                lists.nums.entry(id).or_insert(n);
            }
        }
        _ => {}
    }
}

/// The heading level of a paragraph: its own outline level, its style chain's, or
/// a style named `heading N` / `标题 N`.
fn heading_level(p: &ParaProps, chain: &[(&str, &Style)]) -> Option<u8> {
    let outline = p
        .outline
        .as_deref()
        .or_else(|| chain.iter().find_map(|(_, s)| s.outline.as_deref()));
    if let Some(o) = outline {
        // 9 is body text.
        return o.trim().parse::<u8>().ok().filter(|&l| l < 9);
    }
    chain.iter().find_map(|(_, s)| s.name_level)
}

/// The 0-based heading level of a style named `heading N` / `标题 N`.
fn name_level(name: &str) -> Option<u8> {
    let name = name.trim().to_lowercase();
    let rest = name
        .strip_prefix("heading")
        .or_else(|| name.strip_prefix("标题"))?;
    let n: u8 = rest.trim().parse().ok()?;
    (1..=9).contains(&n).then(|| n - 1)
}

fn level_index(v: &str) -> Option<usize> {
    v.trim().parse::<usize>().ok().filter(|&i| i < LEVELS)
}

fn count(v: &str) -> Option<u32> {
    v.trim().parse::<u32>().ok()
}

fn on(v: &str) -> bool {
    !matches!(v, "0" | "false" | "off")
}

/// An attribute by local name, entities resolved (only the predefined ones).
fn attr(e: &BytesStart<'_>, key: &[u8]) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == key).then(|| {
            let raw = String::from_utf8_lossy(&a.value);
            match quick_xml::escape::unescape(&raw) {
                Ok(s) => s.into_owned(),
                Err(_) => raw.into_owned(),
            }
        })
    })
}

/// A counter in a level's format; `None` when the format shows nothing.
fn format_count(n: u32, format: Format) -> Option<String> {
    Some(match format {
        Format::None => String::new(),
        Format::Bullet => return None,
        Format::Decimal => n.to_string(),
        Format::DecimalZero if n < 10 => format!("0{n}"),
        Format::DecimalZero => n.to_string(),
        Format::FullWidth => n
            .to_string()
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c))
            .collect(),
        Format::Circled if (1..=20).contains(&n) => {
            char::from_u32('①' as u32 + n - 1).map_or_else(|| n.to_string(), String::from)
        }
        Format::Circled => n.to_string(),
        Format::Chinese => chinese(n, &SIMPLE),
        Format::ChineseLegal => chinese(n, &LEGAL),
        Format::Ideograph => cycle(
            n,
            &['甲', '乙', '丙', '丁', '戊', '己', '庚', '辛', '壬', '癸'],
        ),
        Format::Zodiac => cycle(
            n,
            &[
                '子', '丑', '寅', '卯', '辰', '巳', '午', '未', '申', '酉', '戌', '亥',
            ],
        ),
        Format::UpperLetter => letters(n, b'A'),
        Format::LowerLetter => letters(n, b'a'),
        Format::UpperRoman => roman(n),
        Format::LowerRoman => roman(n).to_lowercase(),
    })
}

/// Digits and units of Chinese numerals: 零一…九, 十百千万.
struct Numerals {
    digits: [char; 10],
    units: [char; 4],
}

const SIMPLE: Numerals = Numerals {
    digits: ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'],
    units: ['十', '百', '千', '万'],
};
const LEGAL: Numerals = Numerals {
    digits: ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'],
    units: ['拾', '佰', '仟', '万'],
};

/// `n` in Chinese numerals (十一, 二十, 一百零五); digits beyond `MAX_WORDS`.
fn chinese(n: u32, c: &Numerals) -> String {
    if n == 0 {
        return c.digits[0].to_string();
    }
    if n > MAX_WORDS {
        return n.to_string();
    }
    let digits: Vec<usize> = n.to_string().bytes().map(|b| (b - b'0') as usize).collect();
    let len = digits.len();
    let mut out = String::new();
    let mut zero = false;
    for (i, &d) in digits.iter().enumerate() {
        let place = len - 1 - i;
        if d == 0 {
            zero = true;
            continue;
        }
        if zero && !out.is_empty() {
            out.push(c.digits[0]);
        }
        zero = false;
        // 十一 rather than 一十一 for 10–19.
        if !(d == 1 && place == 1 && len == 2) {
            out.push(c.digits[d]);
        }
        if place > 0 {
            out.push(c.units[place - 1]);
        }
    }
    out
}

fn cycle(n: u32, signs: &[char]) -> String {
    let i = (n.max(1) - 1) as usize % signs.len();
    signs[i].to_string()
}

/// A, B … Z, AA, BB … as Word repeats letters.
fn letters(n: u32, base: u8) -> String {
    if n == 0 || n > MAX_WORDS {
        return n.to_string();
    }
    let letter = (base + ((n - 1) % 26) as u8) as char;
    let times = (n - 1) / 26 + 1;
    std::iter::repeat_n(letter, times.min(MAX_LABEL_CHARS as u32) as usize).collect()
}

fn roman(n: u32) -> String {
    if n == 0 || n >= 4000 {
        return n.to_string();
    }
    let mut n = n;
    let mut out = String::new();
    for (v, s) in [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ] {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";

    fn lvl(i: usize, fmt: &str, text: &str) -> String {
        format!(
            "<w:lvl w:ilvl=\"{i}\"><w:start w:val=\"1\"/><w:numFmt w:val=\"{fmt}\"/><w:lvlText w:val=\"{text}\"/></w:lvl>"
        )
    }

    fn numbering(body: &str) -> String {
        format!("<w:numbering {W}>{body}</w:numbering>")
    }

    fn props(num: &str, ilvl: &str) -> ParaProps {
        ParaProps {
            num_id: Some(num.into()),
            ilvl: Some(ilvl.into()),
            ..ParaProps::default()
        }
    }

    fn labels(lists: &mut Lists, paras: &[ParaProps]) -> Vec<String> {
        paras
            .iter()
            .map(|p| lists.paragraph(p).label.unwrap_or_default())
            .collect()
    }

    #[test]
    fn chinese_numerals() {
        let got: Vec<String> = [1, 9, 10, 11, 20, 21, 100, 105, 110, 1001, 10000]
            .iter()
            .map(|&n| chinese(n, &SIMPLE))
            .collect();
        assert_eq!(
            got,
            [
                "一",
                "九",
                "十",
                "十一",
                "二十",
                "二十一",
                "一百",
                "一百零五",
                "一百一十",
                "一千零一",
                "一万"
            ]
        );
        assert_eq!(chinese(3, &LEGAL), "叁");
        assert_eq!(chinese(4_000_000_000, &SIMPLE), "4000000000");
        assert_eq!(roman(14), "XIV");
        assert_eq!(letters(28, b'A'), "BB");
        assert_eq!(format_count(3, Format::Ideograph).as_deref(), Some("丙"));
        assert_eq!(format_count(2, Format::Circled).as_deref(), Some("②"));
    }

    #[test]
    fn levels_count_restart_and_override() {
        let xml = numbering(&format!(
            "<w:abstractNum w:abstractNumId=\"0\">{}{}{}</w:abstractNum>\
             <w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num>\
             <w:num w:numId=\"2\"><w:abstractNumId w:val=\"0\"/><w:lvlOverride w:ilvl=\"1\"><w:startOverride w:val=\"5\"/></w:lvlOverride></w:num>",
            lvl(0, "chineseCounting", "%1、"),
            lvl(1, "chineseCounting", "（%2）"),
            lvl(2, "decimal", "%3."),
        ));
        let mut lists = Lists::new(Some(&xml), None);
        let got = labels(
            &mut lists,
            &[
                props("1", "0"),
                props("1", "1"),
                props("1", "1"),
                props("1", "2"),
                props("1", "0"),
                props("1", "1"),
                props("2", "1"),
                props("2", "1"),
                props("1", "0"),
            ],
        );
        assert_eq!(
            got,
            [
                "一、",
                "（一）",
                "（二）",
                "1. ",
                "二、",
                "（一）",
                "（五）",
                "（六）",
                "三、"
            ]
        );
    }

    #[test]
    fn style_numbering_headings_and_cycles() {
        let num = numbering(&format!(
            "<w:abstractNum w:abstractNumId=\"7\">{}</w:abstractNum><w:num w:numId=\"3\"><w:abstractNumId w:val=\"7\"/></w:num>",
            lvl(0, "ideographTraditional", "%1&amp;")
        ));
        let styles = format!(
            "<w:styles {W}>\
             <w:style w:type=\"paragraph\" w:styleId=\"Base\"><w:name w:val=\"标题 1\"/><w:pPr><w:numPr><w:numId w:val=\"3\"/></w:numPr></w:pPr></w:style>\
             <w:style w:type=\"paragraph\" w:styleId=\"Child\"><w:name w:val=\"mine\"/><w:basedOn w:val=\"Base\"/></w:style>\
             <w:style w:type=\"paragraph\" w:styleId=\"A\"><w:basedOn w:val=\"B\"/></w:style>\
             <w:style w:type=\"paragraph\" w:styleId=\"B\"><w:basedOn w:val=\"A\"/></w:style>\
             <w:style w:type=\"paragraph\" w:styleId=\"Out\"><w:pPr><w:outlineLvl w:val=\"1\"/></w:pPr></w:style>\
             </w:styles>"
        );
        let mut lists = Lists::new(Some(&num), Some(&styles));
        let style = |s: &str| ParaProps {
            style: Some(s.into()),
            ..ParaProps::default()
        };
        let a = lists.paragraph(&style("Child"));
        assert_eq!(a.label.as_deref(), Some("甲& "));
        assert_eq!(a.heading, Some(0));
        assert_eq!(
            lists.paragraph(&style("Base")).label.as_deref(),
            Some("乙& ")
        );
        // numId 0 switches the style's numbering off.
        assert_eq!(
            lists.paragraph(&ParaProps {
                num_id: Some("0".into()),
                ..style("Base")
            }),
            Numbered {
                label: None,
                heading: Some(0)
            }
        );
        assert_eq!(lists.paragraph(&style("A")), Numbered::default());
        assert_eq!(lists.paragraph(&style("Out")).heading, Some(1));
    }

    #[test]
    fn hostile_parts_give_no_label() {
        for xml in [
            "",
            "<w:numbering",
            "<!DOCTYPE x [<!ENTITY a \"一、\">]><w:numbering><w:abstractNum w:abstractNumId=\"0\"><w:lvl w:ilvl=\"0\"><w:lvlText w:val=\"&a;\"/></w:lvl></w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num></w:numbering>",
            "<w:numbering><w:abstractNum w:abstractNumId=\"0\"><w:lvl w:ilvl=\"4294967296\"><w:lvlText w:val=\"%1、\"/></w:lvl></w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num></w:numbering>",
            "<w:numbering><w:abstractNum w:abstractNumId=\"0\"><w:lvl w:ilvl=\"0\"><w:start w:val=\"4294967295\"/><w:lvlText w:val=\"%1%1%1%1%1%1%1%1%1%1%1%1\"/></w:lvl></w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num></w:numbering>",
        ] {
            let mut lists = Lists::new(Some(xml), Some(xml));
            for p in [props("1", "0"), props("1", "99999999999"), props("1", "-1")] {
                let n = lists.paragraph(&p);
                assert!(
                    n.label.as_deref().is_none_or(|l| !l.contains("一、")),
                    "{xml}: {n:?}"
                );
            }
        }
    }
}
