//! Where a finding is, for every output format: 1-based lines and columns in the file
//! the user opens (the HTML source of a web page, else the checked text), and for a
//! Word document the place in Word's terms, naming the table both as Word shows it
//! (第2个表格) and by its national name (表三), so that "表三" and "表2" are never
//! confused.

use std::ops::Range;

use crate::load::source::Origin;
use crate::parse::Document;

/// Where `span` of `doc` is, as a `Place` that outlives the document (a cross-year
/// finding's label in last year's report).
pub fn resolve_place(doc: &Document, span: &Range<usize>) -> super::Place {
    let p = place(doc, span, Columns::Chars);
    super::Place {
        line: p.line,
        column: p.column,
        end_line: p.end_line,
        end_column: p.end_column,
        location: location(doc, span),
    }
}

/// How columns are counted. JSON and the text formats count characters (Unicode code
/// points); SARIF says `utf16CodeUnits`, which editors and GitHub use. The two differ
/// only after a character outside the Basic Multilingual Plane (rare CJK extension
/// characters, emoji).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Columns {
    Chars,
    Utf16,
}

/// Start and end of a span; the end points just past its last character.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// The place of `span` (bytes of `doc.text`): in the HTML source for a web page, else
/// in the checked text.
pub fn place(doc: &Document, span: &Range<usize>, columns: Columns) -> Place {
    if let Some(r) = doc.source.original_span(span)
        && let Some(original) = doc.source.original.as_deref()
        && let (Some(a), Some(b)) = (
            doc.source.original_position(r.start),
            doc.source.original_position(r.end),
        )
    {
        return Place {
            line: a.line,
            column: a.column + extra(original, r.start, columns),
            end_line: b.line,
            end_column: b.column + extra(original, r.end, columns),
        };
    }
    let a = doc.position(span.start);
    let b = doc.position(span.end);
    Place {
        line: a.line,
        column: a.column + extra(&doc.text, span.start, columns),
        end_line: b.line,
        end_column: b.column + extra(&doc.text, span.end, columns),
    }
}

/// UTF-16 code units beyond one per character between the start of the line and
/// `offset`: one for each character outside the BMP (4 bytes in UTF-8). Scans back
/// to the line start only when the line has such characters before `offset`.
fn extra(text: &str, offset: usize, columns: Columns) -> usize {
    if columns == Columns::Chars {
        return 0;
    }
    let bytes = text.as_bytes();
    let offset = offset.min(bytes.len());
    let start = bytes[..offset]
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')
        .map_or(0, |i| i + 1);
    bytes[start..offset].iter().filter(|&&b| b >= 0xF0).count()
}

/// The place of a span in a Word document, in Word's terms: `第3段`, or
/// `第2个表格（表三）第5行第3列` (the national name when the table was recognised as
/// one of the statistical tables). `None` for other kinds of document, whose line and
/// column say it all.
pub fn location(doc: &Document, span: &Range<usize>) -> Option<String> {
    let seg = doc.source.map.segment_at(span.start)?;
    let Origin::Cell { table, row, column } = seg.origin else {
        return doc.source.location(span);
    };
    doc.source.location(span)?;
    Some(match national_name(doc, span.start, table) {
        Some(name) => format!("第{table}个表格（{name}）第{row}行第{column}列"),
        None => format!("第{table}个表格 第{row}行第{column}列"),
    })
}

/// The national name of Word table `word_table`: the statistical table read where the
/// span is, else the only one read from that Word table.
fn national_name(doc: &Document, at: usize, word_table: usize) -> Option<&str> {
    let found = doc.tables.iter().filter(|t| t.extent.is_some());
    let mut names = found
        .clone()
        .filter(|t| t.extent.as_ref().is_some_and(|e| e.contains(&at)) && !t.name.is_empty());
    if let (Some(t), None) = (names.next(), names.next()) {
        return Some(&t.name);
    }
    let mut names: Vec<&str> = found
        .filter(|t| {
            t.extent
                .as_ref()
                .is_some_and(|e| word_tables(doc, e).any(|n| n == word_table))
        })
        .map(|t| t.name.as_str())
        .filter(|n| !n.is_empty())
        .collect();
    names.dedup();
    match names.as_slice() {
        [one] => Some(one),
        _ => None,
    }
}

/// The Word tables whose cells make up `range` of the extracted text.
fn word_tables<'a>(doc: &'a Document, range: &Range<usize>) -> impl Iterator<Item = usize> + 'a {
    let map = &doc.source.map;
    let first = map.partition_point(|s| s.text.end <= range.start);
    let end = range.end;
    map.segments_from(first)
        .take_while(move |s| s.text.start < end)
        .filter_map(|s| match s.origin {
            Origin::Cell { table, .. } => Some(table),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::{Columns, extra};

    #[test]
    fn utf16_columns_count_astral_characters_twice() {
        let text = "第一行𠀀\n甲𠀀乙𠀀丙";
        let line2 = text.find('甲').unwrap_or(0);
        let at_bing = text.find('丙').unwrap_or(0);
        assert_eq!(extra(text, at_bing, Columns::Chars), 0);
        assert_eq!(
            extra(text, at_bing, Columns::Utf16),
            2,
            "two astral characters before 丙"
        );
        assert_eq!(
            extra(text, line2, Columns::Utf16),
            0,
            "the first line's does not count"
        );
    }
}
