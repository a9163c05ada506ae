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
    /// does not grow with the text and the window is a plain slice.
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
                d = d.fix(crate::report::Fix::replace(unit.end..hit.end, ""));
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
