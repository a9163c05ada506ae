//! Rule kind `repetition`: text repeated right after itself, "资金资金" — left behind
//! when an edit was not cleaned up. A regex cannot say "the same text again" without
//! backreferences (which linear-time regex engines do not have), so this is its own
//! kind: runs of the characters in `chars`, and in them a unit of `min_len` to
//! `max_len` characters immediately repeated ("认认真真", which doubles single
//! characters, is not such a unit when `min_len` is 2).
//!
//! ```toml
//! [[repetition]]
//! id = "E105"
//! chars = '\p{Han}'
//! min_len = 2
//! max_len = 4
//! message = "「{hit}」中的文字重复"
//! help = "删除重复的「{unit}」"
//! ```
//!
//! `{hit}` is the repeated text, `{unit}` the part that is repeated. `fix = "delete"`
//! lets `nianbao check --fix` delete the second copy — in prose only (`in_prose`): in
//! a table, or a line of OCR'd table headers (`结果结果其他尚未`), the same word twice
//! is usually two cells.

use std::collections::HashMap;
use std::ops::Range;

use super::{Check, CompileCx, Context, rule_def};
use crate::template::error::DefError;

rule_def! {
    /// `[[repetition]]`
    pub struct Def {
        pub chars: toml::Spanned<String>,
        pub min_len: usize,
        pub max_len: usize,
        pub message: String,
        #[serde(default)]
        pub label: Option<String>,
        #[serde(default)]
        pub help: Option<String>,
        #[serde(default)]
        pub examples: Vec<toml::Spanned<String>>,
        #[serde(default)]
        pub counterexamples: Vec<toml::Spanned<String>>,
        #[serde(default)]
        pub fix: Option<toml::Spanned<toml::Value>>,
    }
}

/// Longest unit length accepted (the scan is linear in it).
const MAX_UNIT: usize = 16;

struct Repetition {
    /// Matches text made only of the `chars` class.
    only_class: super::scan::PackRegex,
    /// Class membership of the ASCII characters, decided at the first document
    /// (the class is compiled then, not when the pack loads).
    ascii: std::sync::OnceLock<[bool; 128]>,
    min_len: usize,
    max_len: usize,
    message: String,
    label: String,
    help: Option<String>,
    /// Delete the second copy (`fix = "delete"`).
    fix: bool,
}

pub fn compile(def: &Def, cx: &CompileCx<'_>) -> Result<Box<dyn Check>, DefError> {
    if def.min_len == 0 || def.min_len > def.max_len || def.max_len > MAX_UNIT {
        return Err(DefError::new(
            def.id.span(),
            format!("min_len 和 max_len 应满足 1 ≤ min_len ≤ max_len ≤ {MAX_UNIT}"),
            "此规则",
        ));
    }
    let class = super::expand(&def.chars, cx)?;
    let only_class = cx.regex(&def.chars, format!("^(?:{class})+$"), false)?;
    let rule = Repetition {
        ascii: std::sync::OnceLock::new(),
        only_class,
        min_len: def.min_len,
        max_len: def.max_len,
        message: def.message.clone(),
        label: def.label.clone().unwrap_or_else(|| "重复".into()),
        help: def.help.clone(),
        fix: match &def.fix {
            Some(f) => super::fix_def::parse(f, false)? == super::fix_def::FixAction::Delete,
            None => false,
        },
    };
    super::check_examples(cx, &def.examples, &def.counterexamples, |t| {
        rule.hits(t).first().map(|(h, _)| t[h.clone()].to_string())
    })?;
    Ok(Box::new(rule))
}

impl Repetition {
    /// (repeated text, unit) byte ranges in `text`. One pass over the characters: a
    /// unit is compared only where its first character recurs, and the character
    /// class is decided once per distinct character (a table for ASCII). The
    /// characters are decoded into a buffer of at most `BUFFER` characters (plus the
    /// window of `2 * max_len` carried over), refilled as the scan moves, so memory
    /// does not grow with the text and the window is a plain slice; byte offsets are
    /// counted as the scan moves rather than stored with every character.
    fn hits(&self, text: &str) -> Vec<(Range<usize>, Range<usize>)> {
        const BUFFER: usize = 4096;
        let ascii = self.ascii.get_or_init(|| {
            let mut ascii = [false; 128];
            for (b, slot) in ascii.iter_mut().enumerate() {
                *slot = char::from_u32(b as u32)
                    .is_some_and(|c| self.only_class.is_match(c.encode_utf8(&mut [0; 4])));
            }
            ascii
        });
        let mut other: HashMap<char, bool> = HashMap::new();
        let mut is_member = |c: char| match u32::from(c) {
            a @ 0..=127 => ascii[a as usize],
            _ => *other
                .entry(c)
                .or_insert_with(|| self.only_class.is_match(c.encode_utf8(&mut [0; 4]))),
        };
        let (min, max) = (self.min_len, self.max_len);
        let need = 2 * max;
        let mut chars = text.chars();
        // Decoded characters; `pos` is the current one, at byte `offset` of the text.
        let mut buf: Vec<char> = Vec::with_capacity(BUFFER + need);
        let mut pos = 0;
        let mut offset = 0;
        let mut out = Vec::new();
        loop {
            if buf.len() - pos < need {
                buf.drain(..pos);
                pos = 0;
                buf.extend(chars.by_ref().take(BUFFER));
            }
            // Most characters start no unit: an ASCII character outside the class
            // (table rules, digits, spaces, which recur all the time), or one that does
            // not recur at a unit's distance. They are passed over in a tight loop
            // while a whole window is in the buffer.
            if buf.len() >= need {
                let last = buf.len() - need;
                while pos <= last {
                    let c = buf[pos];
                    let outside = u32::from(c) < 128 && !ascii[c as usize];
                    if !outside && buf[pos + min..=pos + max].contains(&c) {
                        break;
                    }
                    offset += c.len_utf8();
                    pos += 1;
                }
                if pos > last {
                    continue;
                }
            }
            let win = &buf[pos..buf.len().min(pos + need)];
            if win.len() < 2 * min {
                break;
            }
            let first = win[0];
            // The longest unit first; the cheap test (its first character recurs
            // right after it) before the others.
            let mut found = None;
            let mut len = max.min(win.len() / 2);
            while len >= min {
                if win[len] == first
                    && (1..len).all(|k| win[k] == win[len + k])
                    && win[..2 * len].iter().all(|&c| is_member(c))
                {
                    found = Some(len);
                    break;
                }
                len -= 1;
            }
            match found {
                Some(len) => {
                    let unit: usize = win[..len].iter().map(|c| c.len_utf8()).sum();
                    out.push((offset..offset + 2 * unit, offset..offset + unit));
                    offset += 2 * unit;
                    pos += 2 * len;
                }
                None => {
                    offset += first.len_utf8();
                    pos += 1;
                }
            }
        }
        out
    }
}

impl Check for Repetition {
    fn check(&self, cx: &mut Context<'_>) {
        let text = &cx.doc.text;
        for (hit, unit) in self.hits(text) {
            let fill = |s: &str| {
                s.replace("{hit}", &text[hit.clone()])
                    .replace("{unit}", &text[unit.clone()])
            };
            let mut d = cx
                .diagnostic(hit.clone(), fill(&self.message))
                .primary_label(fill(&self.label));
            if let Some(h) = &self.help {
                d = d.help(fill(h));
            }
            if self.fix && in_prose(cx.doc, &hit) {
                d = d.fix(crate::diagnostic::Fix::replace(unit.end..hit.end, ""));
            }
            cx.push(d);
        }
    }

    fn fix(&self) -> Option<String> {
        self.fix.then(|| "删除重复的第二遍文字".to_string())
    }
}

/// True when `hit` is in a sentence: outside every table read, on a line with
/// sentence punctuation and no cell separators.
fn in_prose(doc: &crate::parse::Document, hit: &Range<usize>) -> bool {
    let text = &doc.text;
    let start = text[..hit.start].rfind('\n').map_or(0, |i| i + 1);
    let end = text[hit.end..]
        .find('\n')
        .map_or(text.len(), |i| hit.end + i);
    let line = &text[start..end];
    let in_table = doc
        .tables
        .iter()
        .filter_map(|t| t.extent.as_ref())
        .any(|e| e.start <= hit.start && hit.start < e.end);
    !in_table && !line.contains('|') && line.contains(['，', '。', '；'])
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Repetition {
        /// The scan as it was (offsets stored with every character, every unit length
        /// tried in a `for`): what `hits` must equal.
        /// (repeated text, unit) byte ranges in `text`. One pass over the characters: a
        /// unit is compared only where its first character recurs, and the character
        /// class is decided once per distinct character (a table for ASCII). The
        /// characters are decoded into a buffer of at most `BUFFER` characters (plus the
        /// window of `2 * max_len` carried over), refilled as the scan moves, so memory
        /// does not grow with the text and the window is a plain slice.
        fn hits_plain(&self, text: &str) -> Vec<(Range<usize>, Range<usize>)> {
            const BUFFER: usize = 4096;
            let ascii = self.ascii.get_or_init(|| {
                let mut ascii = [false; 128];
                for (b, slot) in ascii.iter_mut().enumerate() {
                    *slot = char::from_u32(b as u32)
                        .is_some_and(|c| self.only_class.is_match(c.encode_utf8(&mut [0; 4])));
                }
                ascii
            });
            let mut other: HashMap<char, bool> = HashMap::new();
            let mut is_member = |c: char| match u32::from(c) {
                a @ 0..=127 => ascii[a as usize],
                _ => *other
                    .entry(c)
                    .or_insert_with(|| self.only_class.is_match(c.encode_utf8(&mut [0; 4]))),
            };
            let need = 2 * self.max_len;
            let mut chars = text.char_indices();
            // Decoded characters (byte offset, character); `pos` is the current position.
            let mut buf: Vec<(usize, char)> = Vec::with_capacity(BUFFER + need);
            let mut pos = 0;
            let mut out = Vec::new();
            loop {
                if buf.len() - pos < need {
                    buf.drain(..pos);
                    pos = 0;
                    buf.extend(chars.by_ref().take(BUFFER));
                }
                let win = &buf[pos..buf.len().min(pos + need)];
                if win.len() < 2 * self.min_len {
                    break;
                }
                let mut found = None;
                for len in (self.min_len..=self.max_len).rev() {
                    if 2 * len <= win.len()
                        && win[0].1 == win[len].1
                        && (1..len).all(|k| win[k].1 == win[len + k].1)
                        && win[..2 * len].iter().all(|&(_, c)| is_member(c))
                    {
                        found = Some(len);
                        break;
                    }
                }
                match found {
                    Some(len) => {
                        let (start, mid) = (win[0].0, win[len].0);
                        let (last, c) = win[2 * len - 1];
                        out.push((start..last + c.len_utf8(), start..mid));
                        pos += 2 * len;
                    }
                    None => pos += 1,
                }
            }
            out
        }
    }

    fn rule(class: &str, min_len: usize, max_len: usize) -> Repetition {
        Repetition {
            only_class: crate::rules::scan::Registry::default().regex(crate::rules::scan::Spec {
                source: format!("^(?:{class})+$"),
                limited: false,
                compiled: None,
                scanned: false,
            }),
            ascii: std::sync::OnceLock::new(),
            min_len,
            max_len,
            message: String::new(),
            label: String::new(),
            help: None,
            fix: false,
        }
    }

    /// Texts of a few characters (Han, ASCII, punctuation, table debris), so that
    /// repetitions of every length occur, long enough to refill the buffer several
    /// times: the scan finds what the plain one finds.
    #[test]
    fn the_scan_finds_what_the_plain_scan_finds() {
        let alphabet: Vec<char> = "资金资金认真公开信息0 | \n，。a𠀀".chars().collect();
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            ((seed >> 33) as usize) % n
        };
        let mut hits = 0;
        for round in 0..60 {
            let (min_len, max_len) = [(2, 4), (1, 1), (1, 3), (3, 16), (2, 2)][round % 5];
            let class = if round % 2 == 0 {
                "\\p{Han}"
            } else {
                "[\\p{Han}0-9a ]"
            };
            let r = rule(class, min_len, max_len);
            let len = [0, 1, 7, 100, 4095, 4096, 4097, 9000][round % 8];
            let mut text = String::new();
            while text.chars().count() < len {
                // Repeat a recent stretch now and then.
                if next(6) == 0 && !text.is_empty() {
                    let cs: Vec<char> = text.chars().collect();
                    let n = 1 + next(cs.len().min(6));
                    let piece: String = cs[cs.len() - n..].iter().collect();
                    text.push_str(&piece);
                } else {
                    text.push(alphabet[next(alphabet.len())]);
                }
            }
            let got = r.hits(&text);
            assert_eq!(got, r.hits_plain(&text), "round {round}");
            hits += got.len();
        }
        assert!(hits > 100, "{hits}");
    }
}
