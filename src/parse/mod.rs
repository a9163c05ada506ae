//! Parse: text → `Document`. The document model is what every rule reads: the section
//! outline, the three tables with every cell's value and span, and the report year.
//! Parsing never fails; what cannot be read is recorded as missing or unreadable and
//! reported by the rules.

pub mod number;
pub mod outline;
pub mod tables;
pub mod text;
pub mod tokens;
pub mod year;

use std::ops::Range;

use crate::pack::Templates;
pub use outline::{Outline, PartHit, SectionHit};
pub use tables::{Cell, CellValue, RowReading, RowShape, TableReading, TableStatus};
pub use text::LineIndex;
pub use year::ReportYear;

/// A report, parsed against a pack's templates.
#[derive(Clone, Debug)]
pub struct Document {
    /// Name shown in diagnostics (a path, or `<stdin>`).
    pub path: String,
    pub text: String,
    pub lines: LineIndex,
    pub outline: Outline,
    /// One per template table, in template order.
    pub tables: Vec<TableReading>,
    pub year: Option<ReportYear>,
    /// Where `text` came from (file kind, encoding, map back to a web page or Word
    /// document); a UTF-8 text file unless the loader says otherwise.
    pub source: crate::load::SourceInfo,
}

impl Document {
    pub fn parse(path: impl Into<String>, text: String, templates: &Templates) -> Document {
        let lines = LineIndex::new(&text);
        let outline = outline::find(&text, &lines, templates);
        let tables = templates
            .tables
            .iter()
            .enumerate()
            .map(|(ti, tpl)| {
                let region = table_region(&text, &outline, tpl.section);
                let toks = tokens::tokenize(&text, &lines, region.clone());
                tables::read(ti, tpl, &toks, region)
            })
            .collect();
        let year = year::infer(&text, &outline);
        Document {
            path: path.into(),
            text,
            lines,
            outline,
            tables,
            year,
            source: crate::load::SourceInfo::default(),
        }
    }

    /// True when anything of an annual report was recognised: a section heading or a
    /// table row.
    pub fn looks_like_report(&self) -> bool {
        !self.outline.sections.is_empty()
            || self
                .tables
                .iter()
                .any(|t| t.rows.iter().any(|r| r.label.is_some()))
    }

    /// 1-based line and character column of a byte offset.
    pub fn position(&self, offset: usize) -> text::Position {
        self.lines.position(&self.text, offset)
    }
}

/// Where to look for a table: the body of its section; when that heading is missing,
/// the body of the nearest earlier section found (which then runs on to the next
/// heading), or the text before the first heading.
fn table_region(text: &str, outline: &Outline, section: Option<usize>) -> Range<usize> {
    let Some(section) = section else {
        return 0..text.len();
    };
    if let Some(hit) = outline.first(section) {
        return hit.body.clone();
    }
    let before = outline
        .sections
        .iter()
        .filter(|s| s.template < section)
        .max_by_key(|s| s.template);
    match before {
        Some(hit) => hit.body.clone(),
        None => {
            let end = outline
                .sections
                .iter()
                .find(|s| s.template > section)
                .map_or(text.len(), |s| s.heading.start);
            0..end
        }
    }
}
