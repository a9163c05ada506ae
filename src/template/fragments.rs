//! Named regex fragments, so that the wordings narrative rules recognise stay readable:
//! a pattern like `{receive}{gap}{application}{n}件` is built from the `[fragment]`
//! table of a pack, where `receive = "收到|受理|新收|承办"`.
//!
//! `{name}` (a lowercase identifier) is replaced by `(?:fragment)`, recursively;
//! regex syntax such as `{2,4}` or `\p{Han}` is left alone. `{n}` is built in: one
//! figure (see `parse::figures::NUMBER_PATTERN`), captured as `n`.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::number::NUMBER_PATTERN;

/// The built-in fragment: one figure, captured as `n`.
pub const FIGURE: &str = "n";
const MAX_DEPTH: usize = 10;
/// Largest expanded pattern. The national pack's longest is a few KB; fragments that
/// refer to each other several times per level grow exponentially, and are stopped
/// here instead of filling the memory.
pub const MAX_PATTERN_BYTES: usize = 64 * 1024;
/// Largest total of all expanded patterns of a pack.
pub const MAX_PACK_BYTES: usize = 4 * 1024 * 1024;

#[derive(Debug, Default)]
pub struct Fragments {
    map: BTreeMap<String, String>,
    /// Bytes of expanded patterns so far (against `MAX_PACK_BYTES`).
    spent: AtomicUsize,
}

impl Clone for Fragments {
    fn clone(&self) -> Self {
        Fragments {
            map: self.map.clone(),
            spent: AtomicUsize::new(self.spent.load(Ordering::Relaxed)),
        }
    }
}

/// Why a pattern could not be expanded: where in it, what, and notes (the chain of
/// fragments that made it too large).
#[derive(Debug, PartialEq)]
pub struct ExpandError {
    pub span: Range<usize>,
    pub message: String,
    pub notes: Vec<String>,
}

/// What went wrong below the top level (the span is set by the caller).
enum Inner {
    Message(Option<Range<usize>>, String),
    /// Over `MAX_PATTERN_BYTES`; the fragments being expanded, outermost first.
    TooLarge(Option<Range<usize>>, Vec<String>),
}

impl Fragments {
    /// Adds or replaces a fragment (a pack can redefine one of the pack it extends).
    pub fn insert(&mut self, name: String, pattern: String) {
        self.map.insert(name, pattern);
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.map.keys().map(String::as_str)
    }

    /// Expands `{name}` references. On error: the byte range in `pattern`, a message,
    /// and notes.
    pub fn expand(&self, pattern: &str) -> Result<String, ExpandError> {
        let mut out = String::with_capacity(pattern.len());
        let mut chain = Vec::new();
        match self.expand_into(pattern, 0, &mut chain, &mut out) {
            Ok(()) => {}
            Err(Inner::Message(r, message)) => {
                return Err(ExpandError {
                    span: r.unwrap_or(0..pattern.len()),
                    message,
                    notes: Vec::new(),
                });
            }
            Err(Inner::TooLarge(r, chain)) => {
                let mut notes = Vec::new();
                if !chain.is_empty() {
                    let names: Vec<String> = chain.iter().map(|n| format!("{{{n}}}")).collect();
                    notes.push(format!(
                        "展开链：{} → …（超过上限时正在展开的片段，外层在前；一个片段多次引用另一个，展开后的长度成倍增长）",
                        names.join(" → ")
                    ));
                }
                return Err(ExpandError {
                    span: r.unwrap_or(0..pattern.len()),
                    message: format!(
                        "正则表达式展开后超过 {} KB 的上限",
                        MAX_PATTERN_BYTES / 1024
                    ),
                    notes,
                });
            }
        }
        let spent = self.spent.fetch_add(out.len(), Ordering::Relaxed) + out.len();
        if spent > MAX_PACK_BYTES {
            return Err(ExpandError {
                span: 0..pattern.len(),
                message: format!(
                    "规则包的全部正则表达式展开后超过 {} MB 的上限",
                    MAX_PACK_BYTES >> 20
                ),
                notes: vec![format!(
                    "到此为止已展开 {} KB，这一条展开后 {} KB",
                    spent / 1024,
                    out.len() / 1024
                )],
            });
        }
        Ok(out)
    }

    fn expand_into<'s>(
        &'s self,
        pattern: &'s str,
        depth: usize,
        chain: &mut Vec<&'s str>,
        out: &mut String,
    ) -> Result<(), Inner> {
        if depth > MAX_DEPTH {
            return Err(Inner::Message(None, "片段嵌套过深（可能互相引用）".into()));
        }
        let too_large = |out: &String, chain: &Vec<&str>, span: Option<Range<usize>>| {
            (out.len() > MAX_PATTERN_BYTES)
                .then(|| Inner::TooLarge(span, chain.iter().map(|s| s.to_string()).collect()))
        };
        let mut rest = pattern;
        let mut offset = 0;
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let name_len = after
                .char_indices()
                .take_while(|(i, c)| {
                    c.is_ascii_lowercase() || (*i > 0 && (c.is_ascii_digit() || *c == '_'))
                })
                .map(|(i, c)| i + c.len_utf8())
                .last()
                .unwrap_or(0);
            let is_ref = name_len > 0
                && after[name_len..].starts_with('}')
                && !rest[..open].ends_with("\\p")
                && !rest[..open].ends_with("\\P");
            if !is_ref {
                out.push_str(&rest[..=open]);
                rest = &rest[open + 1..];
                offset += open + 1;
                if let Some(e) = too_large(out, chain, None) {
                    return Err(e);
                }
                continue;
            }
            let name = &after[..name_len];
            out.push_str(&rest[..open]);
            let span = offset + open..offset + open + name_len + 2;
            if name == FIGURE {
                out.push_str(NUMBER_PATTERN);
            } else {
                let body = self.map.get(name).ok_or_else(|| {
                    let known: Vec<&str> = self.names().collect();
                    Inner::Message(
                        Some(span.clone()),
                        format!(
                            "未定义的片段 {{{name}}}（已定义：{{n}}、{}）",
                            known.join("、")
                        ),
                    )
                })?;
                out.push_str("(?:");
                chain.push(name);
                let inner = self.expand_into(body, depth + 1, chain, out);
                chain.pop();
                match inner {
                    Ok(()) => {}
                    Err(Inner::Message(_, m)) => {
                        return Err(Inner::Message(
                            Some(span),
                            format!("片段 {{{name}}} 有误：{m}"),
                        ));
                    }
                    Err(Inner::TooLarge(_, c)) => return Err(Inner::TooLarge(Some(span), c)),
                }
                out.push(')');
            }
            if let Some(e) = too_large(out, chain, Some(span.clone())) {
                return Err(e);
            }
            rest = &after[name_len + 1..];
            offset = span.end;
        }
        out.push_str(rest);
        if let Some(e) = too_large(out, chain, None) {
            return Err(e);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_references_and_leaves_regex_braces() {
        let mut f = Fragments::default();
        f.insert("verb".into(), "收到|受理".into());
        f.insert("phrase".into(), "{verb}申请".into());
        assert_eq!(
            f.expand("{phrase}\\p{Han}{2,4}").ok().as_deref(),
            Some("(?:(?:收到|受理)申请)\\p{Han}{2,4}")
        );
        assert!(f.expand("{n}件").is_ok_and(|s| s.contains("(?P<n>")));
        let err = f.expand("共{nope}件").err().map(|e| e.span);
        assert_eq!(err, Some(3..9));
    }

    #[test]
    fn cycles_are_reported() {
        let mut f = Fragments::default();
        f.insert("a".into(), "{b}".into());
        f.insert("b".into(), "{a}".into());
        assert!(f.expand("{a}").is_err());
    }

    #[test]
    fn exponential_fragments_stop_at_the_cap_with_their_chain() {
        let mut f = Fragments::default();
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
        for w in names.windows(2) {
            f.insert(w[0].into(), format!("{{{}}}", w[1]).repeat(10));
        }
        f.insert("j".into(), "收到".into());
        let err = f.expand("共{a}件").expect_err("10^9 copies");
        assert_eq!(err.span, 3..6, "points at the reference in the pattern");
        assert!(err.message.contains("64 KB"), "{}", err.message);
        assert!(err.notes[0].contains("{a} → {b} → {c}"), "{:?}", err.notes);
        let literal = "收".repeat(MAX_PATTERN_BYTES);
        assert!(f.expand(&literal).is_err());
    }

    #[test]
    fn the_whole_pack_has_a_budget() {
        let f = Fragments::default();
        let big = "x".repeat(MAX_PATTERN_BYTES - 10);
        let results: Vec<bool> = (0..80).map(|_| f.expand(&big).is_ok()).collect();
        assert!(results[0] && !results[79], "the budget runs out");
    }
}
