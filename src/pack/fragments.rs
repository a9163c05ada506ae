//! Named regex fragments, so that the wordings narrative rules recognise stay readable:
//! a pattern like `{receive}{gap}{application}{n}件` is built from the `[fragment]`
//! table of a pack, where `receive = "收到|受理|新收|承办"`.
//!
//! `{name}` (a lowercase identifier) is replaced by `(?:fragment)`, recursively;
//! regex syntax such as `{2,4}` or `\p{Han}` is left alone. `{n}` is built in: one
//! figure (see `parse::figures::NUMBER_PATTERN`), captured as `n`.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::parse::figures::NUMBER_PATTERN;

/// The built-in fragment: one figure, captured as `n`.
pub const FIGURE: &str = "n";
const MAX_DEPTH: usize = 10;

#[derive(Clone, Debug, Default)]
pub struct Fragments {
    map: BTreeMap<String, String>,
}

impl Fragments {
    /// Adds or replaces a fragment (a pack can redefine one of the pack it extends).
    pub fn insert(&mut self, name: String, pattern: String) {
        self.map.insert(name, pattern);
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.map.keys().map(String::as_str)
    }

    /// Expands `{name}` references. On error: the byte range in `pattern` and a message.
    pub fn expand(&self, pattern: &str) -> Result<String, (Range<usize>, String)> {
        self.expand_depth(pattern, 0)
            .map_err(|(r, m)| (r.unwrap_or(0..pattern.len()), m))
    }

    fn expand_depth(
        &self,
        pattern: &str,
        depth: usize,
    ) -> Result<String, (Option<Range<usize>>, String)> {
        if depth > MAX_DEPTH {
            return Err((None, "片段嵌套过深（可能互相引用）".into()));
        }
        let mut out = String::with_capacity(pattern.len());
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
                    (
                        Some(span.clone()),
                        format!(
                            "未定义的片段 {{{name}}}（已定义：{{n}}、{}）",
                            known.join("、")
                        ),
                    )
                })?;
                let expanded = self
                    .expand_depth(body, depth + 1)
                    .map_err(|(_, m)| (Some(span.clone()), format!("片段 {{{name}}} 有误：{m}")))?;
                out.push_str("(?:");
                out.push_str(&expanded);
                out.push(')');
            }
            rest = &after[name_len + 1..];
            offset = span.end;
        }
        out.push_str(rest);
        Ok(out)
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
        let err = f.expand("共{nope}件").err().map(|(r, _)| r);
        assert_eq!(err, Some(3..9));
    }

    #[test]
    fn cycles_are_reported() {
        let mut f = Fragments::default();
        f.insert("a".into(), "{b}".into());
        f.insert("b".into(), "{a}".into());
        assert!(f.expand("{a}").is_err());
    }
}
