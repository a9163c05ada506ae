//! Whether a fix is safe, and where it applies in the file. A fix never adds, removes
//! or changes a figure: the rules ask before they offer one (`pattern`, `fix_def`), and
//! `settle` — run by the check after every document — asks again while it maps each
//! edit into the file's own text (see `crate::fix`, which applies them). Here, below
//! the rules, the check and the fixing, so that none depends on another.

use std::ops::Range;

use super::{Diagnostic, Edit, Fix};
use crate::load::{Origin, SourceInfo, SourceKind};

/// Characters that write a number: a fix never adds, removes or changes one.
const NUMERALS: &str =
    "0123456789０１２３４５６７８９〇零一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟";

/// True when replacing `removed` by `replacement` could change a number. A
/// replacement must keep every numeral character in order (a label's `（一）`, `2.`);
/// a deletion must not remove a number: a digit, two numerals in a row (`十二`,
/// `二〇二四`) or a numeral before a counting word (`三件`). A lone 一 in a word
/// (`扫一扫`, `统一`) is not a number.
pub fn changes_number(removed: &str, replacement: &str) -> bool {
    if !replacement.is_empty() {
        return numerals(removed) != numerals(replacement);
    }
    let chars: Vec<char> = removed.chars().collect();
    chars.iter().enumerate().any(|(i, &c)| {
        let next = chars.get(i + 1).copied();
        c.is_ascii_digit()
            || ('０'..='９').contains(&c)
            || (is_numeral(c) && next.is_some_and(|n| is_numeral(n) || COUNTERS.contains(n)))
    })
}

/// Words that count things, after a numeral.
const COUNTERS: &str = "件个项年月日次条人名家元户份批期号";

fn numerals(s: &str) -> String {
    s.chars().filter(|&c| is_numeral(c)).collect()
}

/// True for a character that writes a number (Arabic, full-width or Chinese).
pub fn is_numeral(c: char) -> bool {
    NUMERALS.contains(c)
}

/// Maps the fixes of `diagnostics` into the file's text (see the module comment);
/// a fix that cannot be mapped exactly, or is not safe, is dropped.
pub fn settle(doc: &crate::Document, diagnostics: &mut [Diagnostic]) {
    for d in diagnostics {
        if let Some(fix) = d.fix.take() {
            d.fix = settle_one(doc, fix);
        }
    }
}

fn settle_one(doc: &crate::Document, fix: Fix) -> Option<Fix> {
    let source = &doc.source;
    if source.kind == SourceKind::Docx || fix.edits.is_empty() {
        return None;
    }
    let mut edits = Vec::with_capacity(fix.edits.len());
    let mut last_end = 0;
    for edit in fix.edits {
        let removed = doc.text.get(edit.span.clone())?;
        if edit.span.is_empty()
            || edit.span.start < last_end
            || removed.contains(['\n', '\r'])
            || edit.replacement.contains(['\n', '\r'])
            || changes_number(removed, &edit.replacement)
            || is_placeholder(removed)
            // A traditional text is checked through a simplified copy: a replacement
            // would be in the wrong script.
            || (source.traditional && !edit.replacement.is_empty())
        {
            return None;
        }
        last_end = edit.span.end;
        let (span, replacement) = match source.original.as_deref() {
            None => (edit.span, edit.replacement),
            Some(original) => {
                let span = exact_span(source, &edit.span)?;
                let written = original.get(span.clone())?;
                if !source.traditional && written != removed {
                    return None;
                }
                let replacement = if source.kind == SourceKind::Html {
                    escape_html(&edit.replacement)
                } else {
                    edit.replacement
                };
                (span, replacement)
            }
        };
        edits.push(Edit { span, replacement });
    }
    Some(Fix { edits })
}

/// The span of the original that `span` of the extracted text is verbatim, when one
/// exact piece of the source map holds all of it.
fn exact_span(source: &SourceInfo, span: &Range<usize>) -> Option<Range<usize>> {
    let seg = source.map.segment_at(span.start)?;
    match seg.origin {
        Origin::Exact(at) if seg.text.start <= span.start && span.end <= seg.text.end => {
            Some(at + (span.start - seg.text.start)..at + (span.end - seg.text.start))
        }
        _ => None,
    }
}

/// True when `s` holds template placeholder text (`某某`, `XX`, `××`, `□`, `___`):
/// only the editor knows what belongs there, so no fix touches it (`某某某某局` is not
/// a repeated word to shorten).
pub fn is_placeholder(s: &str) -> bool {
    s.contains('某')
        || s.contains('□')
        || ["XX", "xx", "ＸＸ", "××", "__", "＿"]
            .iter()
            .any(|p| s.contains(p))
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerals_are_never_changed() {
        assert_eq!(numerals("第二十条第（一）项 12件"), "二十一12");
        assert!(!changes_number("资金</span>", ""));
        assert!(!changes_number("扫一扫在手机打开当前页", ""));
        assert!(changes_number("12", ""));
        assert!(changes_number("十二", ""));
        assert!(changes_number("三件", ""));
        assert!(!changes_number("（一）本年新收", "（一）本年新收"));
        assert!(changes_number("第二十条第（五）项", "第二十条第（六）项"));
        assert!(changes_number(
            "本年收费金额（单位：元）",
            "本年收费金额（单位：万元）"
        ));
    }
}
