//! Safe fixes (`nianbao check --fix`, `--diff`): findings with exactly one right
//! answer — a heading or label typo and its standard wording, markup residue, a
//! repeated word — carry a `Fix` (edits of text). This module
//!
//! * has them `settle`d after every check (`diagnostic::safe_fix`, below the rules and
//!   the check): maps each edit from `Document::text` to the file's own
//!   text, exactly or not at all (an HTML piece must be verbatim in the page source),
//!   and drops a fix on a Word document, one that would add, remove or change a
//!   numeral, one that touches a placeholder (`某某`, `XX`), or one that crosses a line;
//! * applies them to a file's text like ruff: every fix that overlaps none taken
//!   before it, then checks the new text again and repeats (at most `MAX_ROUNDS`
//!   times), so a fix is always applied to the text it was computed on and a second
//!   run finds nothing left to fix;
//! * keeps the bytes: the encoding and BOM (`codec`), the line endings (edits never
//!   touch them), and replaces the file atomically (`write`).

pub mod codec;
pub mod write;

use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::load::{self, Format, LoadError, LoadOptions, Loaded, SourceInfo, SourceKind};
use crate::{Linter, Outcome};

/// How many times a text is fixed and checked again at most.
pub const MAX_ROUNDS: usize = 10;

/// The edits of the fixes that can be applied together: each fix whose edits overlap
/// none of the fixes taken before it (in text order). Returns the edits in order and
/// how many fixes they make.
pub fn choose(diagnostics: &[Diagnostic]) -> (Vec<Edit>, usize) {
    let mut fixes: Vec<&Fix> = diagnostics.iter().filter_map(|d| d.fix.as_ref()).collect();
    fixes.sort_by_key(|f| f.edits.first().map(|e| (e.span.start, e.span.end)));
    let mut taken: Vec<Edit> = Vec::new();
    let mut count = 0;
    for fix in fixes {
        let clashes = fix.edits.iter().any(|e| {
            taken
                .iter()
                .any(|t| e.span.start < t.span.end && t.span.start < e.span.end)
        });
        if !clashes {
            taken.extend(fix.edits.iter().cloned());
            count += 1;
        }
    }
    taken.sort_by_key(|e| e.span.start);
    (taken, count)
}

/// `text` with `edits` (sorted, disjoint, on character boundaries) applied; `None`
/// when an edit does not fit the text.
pub fn apply(text: &str, edits: &[Edit]) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in edits {
        if e.span.start < at {
            return None;
        }
        out.push_str(text.get(at..e.span.start)?);
        text.get(e.span.clone())?;
        out.push_str(&e.replacement);
        at = e.span.end;
    }
    out.push_str(text.get(at..)?);
    Some(out)
}

/// A report after fixing.
pub struct Fixed {
    /// The findings of the text as it is now (fixed, or as it was when not fixed).
    pub outcome: Outcome,
    /// The file's text before and after (equal when nothing was fixed).
    pub before: String,
    pub after: String,
    /// How many findings the fixes settled.
    pub applied: usize,
    /// The bytes to write, when the text changed.
    pub bytes: Option<Vec<u8>>,
    /// Why fixable findings were left as they are (an encoding that cannot be written
    /// back, fixes that do not settle), in Chinese.
    pub refused: Option<String>,
}

/// Checks a report given as bytes and fixes it in memory (nothing is written: see
/// `write::replace`). `keep` removes the findings the user does not want (per-file
/// ignores, suppressions): they are neither fixed nor reported; it may also drop a
/// finding's fix (a finding a baseline accepts is reported, then hidden, but not fixed).
pub fn fix_bytes(
    linter: &Linter,
    name: &str,
    bytes: &[u8],
    hint: Option<Format>,
    opts: &LoadOptions,
    keep: &dyn Fn(&crate::Document, &mut Vec<Diagnostic>),
) -> Result<Fixed, LoadError> {
    let loaded = load::from_bytes(name, bytes, hint, opts)?;
    let kind = loaded.source.kind;
    let encoding = loaded.source.encoding;
    // What the text must be when decoded again: the loader's text, or its original.
    let expected = match &loaded.source.original {
        Some(o) if kind == SourceKind::Html => o.clone(),
        _ => loaded.text.clone(),
    };
    let mut outcome = linter.lint_loaded(name, loaded)?;
    keep(&outcome.document, &mut outcome.diagnostics);
    let unchanged = |outcome: Outcome, text: String, refused: Option<String>| Fixed {
        outcome,
        before: text.clone(),
        after: text,
        applied: 0,
        bytes: None,
        refused,
    };
    if !outcome.diagnostics.iter().any(|d| d.fix.is_some()) {
        return Ok(unchanged(outcome, expected, None));
    }
    let (codec, before) = match codec::Codec::for_file(bytes, encoding) {
        Ok(c) => c,
        Err(why) => return Ok(unchanged(outcome, expected, Some(why))),
    };
    if crate::text::lone_cr_to_lf(before.clone()) != crate::text::lone_cr_to_lf(expected.clone()) {
        let why = "再次解码得到的文本与检查的文本不同".to_string();
        return Ok(unchanged(outcome, before, Some(why)));
    }
    let mut text = before.clone();
    let mut applied = 0;
    let mut refused = None;
    for round in 0.. {
        let (edits, count) = choose(&outcome.diagnostics);
        if count == 0 {
            break;
        }
        if round == MAX_ROUNDS {
            refused = Some(format!(
                "修复 {MAX_ROUNDS} 轮后仍有可修复的问题，其余未修复"
            ));
            break;
        }
        let Some(next) = apply(&text, &edits) else {
            refused = Some("修复与文本不符，未修复".into());
            break;
        };
        text = next;
        applied += count;
        outcome = linter.lint_loaded(name, reload(name, kind, encoding, &text)?)?;
        keep(&outcome.document, &mut outcome.diagnostics);
    }
    if text == before {
        return Ok(Fixed {
            refused,
            ..unchanged(outcome, before, None)
        });
    }
    match codec.encode(&text) {
        Some(bytes) => Ok(Fixed {
            outcome,
            before,
            after: text,
            applied,
            bytes: Some(bytes),
            refused,
        }),
        None => {
            let why = format!(
                "修复后的文字无法用原文件的 {} 编码保存，未修复",
                codec.name()
            );
            let outcome = linter.lint_loaded(name, reload(name, kind, encoding, &before)?)?;
            let mut outcome = outcome;
            keep(&outcome.document, &mut outcome.diagnostics);
            Ok(unchanged(outcome, before, Some(why)))
        }
    }
}

/// The loaded form of a file's text, as `load` would give it for the same bytes.
fn reload(
    name: &str,
    kind: SourceKind,
    encoding: &'static str,
    text: &str,
) -> Result<Loaded, LoadError> {
    Ok(match kind {
        SourceKind::Html => {
            let original = crate::text::lone_cr_to_lf(text.to_string());
            let (extracted, map) = load::html::extract(&original)
                .map_err(|_| LoadError::new(name, load::LoadErrorKind::NoText("网页")))?;
            Loaded {
                text: extracted,
                source: SourceInfo::with_original(kind, encoding, original, map),
            }
        }
        _ => Loaded {
            text: text.to_string(),
            source: SourceInfo::plain(kind, encoding),
        },
    })
}

/// The unified diff of a fix (`--diff`), with `name` in both headers.
pub fn unified_diff(name: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(name, name)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn del(a: usize, b: usize) -> Edit {
        Edit {
            span: a..b,
            replacement: String::new(),
        }
    }

    #[test]
    fn overlapping_fixes_are_not_both_taken() {
        let mut d1 = Diagnostic::new("E1", crate::Severity::Error, 0..4, String::new());
        d1.fix = Some(Fix {
            edits: vec![del(2, 6)],
        });
        let mut d2 = d1.clone();
        d2.fix = Some(Fix {
            edits: vec![del(4, 8)],
        });
        let mut d3 = d1.clone();
        d3.fix = Some(Fix {
            edits: vec![del(8, 9)],
        });
        let (edits, n) = choose(&[d2, d1, d3]);
        assert_eq!(n, 2);
        assert_eq!(edits, vec![del(2, 6), del(8, 9)]);
        assert_eq!(apply("0123456789", &edits).as_deref(), Some("01679"));
    }
}
