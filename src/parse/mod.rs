//! Parse: text → `Document`. The document model is what every rule reads: the section
//! outline, the three tables with every cell's value and span, and the report year.
//! Parsing never fails; what cannot be read is recorded as missing or unreadable and
//! reported by the rules.

pub mod body;
pub mod body_key;
pub mod figures;
pub mod glued;
pub mod inline;
pub use crate::template::label_map;
pub mod narrative;
pub mod numerals;
pub mod outline;
pub mod tables;
pub mod tokens;
pub mod year;

use std::ops::Range;

use crate::template::Templates;
pub use crate::text::LineIndex;
pub use narrative::Narrative;
pub use outline::{Outline, PartHit, SectionHit};
pub use tables::{Cell, CellValue, RowReading, RowShape, TableReading, TableStatus};
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
    /// Who issued the report and at which level (from the title or preamble).
    pub body: Option<body::IssuingBody>,
    /// The text outside the tables, for narrative rules.
    pub narrative: Narrative,
    /// Derived data that several rules compute the same way (see `Memo`).
    pub memo: Memo,
    /// Where `text` came from (file kind, encoding, map back to a web page or Word
    /// document); a UTF-8 text file unless the loader says otherwise.
    pub source: crate::load::SourceInfo,
}

/// Data derived from a document that several rules need — computed by the first rule
/// that asks, shared with the others (e.g. the breakdown lists used by N101–N103).
#[derive(Default)]
pub struct Memo {
    entries: std::sync::Mutex<
        std::collections::HashMap<String, std::sync::Arc<dyn std::any::Any + Send + Sync>>,
    >,
}

impl Memo {
    /// The value stored under `key`, computing it with `make` the first time.
    pub fn get_or_insert<T: Send + Sync + 'static>(
        &self,
        key: &str,
        make: impl FnOnce() -> T,
    ) -> std::sync::Arc<T> {
        if let Ok(map) = self.entries.lock()
            && let Some(v) = map
                .get(key)
                .and_then(|v| std::sync::Arc::clone(v).downcast::<T>().ok())
        {
            return v;
        }
        let value = std::sync::Arc::new(make());
        if let Ok(mut map) = self.entries.lock() {
            map.insert(key.to_string(), value.clone());
        }
        value
    }
}

impl Clone for Memo {
    /// A copy starts empty: what is memoised belongs to one document value.
    fn clone(&self) -> Self {
        Memo::default()
    }
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Memo")
    }
}

impl Document {
    pub fn parse(path: impl Into<String>, text: String, templates: &Templates) -> Document {
        Document::parse_with_headings(path, text, templates, &[])
    }

    /// `parse`, with the ranges the document marks as headings (Word heading styles:
    /// `SourceInfo::headings`, see `outline::find_styled`).
    pub fn parse_with_headings(
        path: impl Into<String>,
        text: String,
        templates: &Templates,
        headings: &[Range<usize>],
    ) -> Document {
        // Old Mac files end lines with a lone CR: read them as line breaks (same offsets).
        let text = crate::text::lone_cr_to_lf(text);
        let lines = LineIndex::new(&text);
        let mut outline = outline::find_styled(&text, &lines, templates, headings);
        let mut tables: Vec<TableReading> = Vec::with_capacity(templates.tables.len());
        for (ti, tpl) in templates.tables.iter().enumerate() {
            let mut region = table_region(&text, &outline, tpl.section);
            // A table is never looked for inside one read before it (表四 in 表三
            // when the heading of 四 is missing).
            for earlier in &tables {
                if let Some(e) = &earlier.extent
                    && e.start < region.end
                    && e.end > region.start
                {
                    region.start = region.start.max(e.end).min(region.end);
                }
            }
            let toks = tokens::tokenize(&text, &lines, region.clone(), tpl);
            let mut table = tables::read(ti, tpl, &text, &toks, region);
            tables::decode_glued(ti, tpl, &text, &mut table, &templates.relations);
            tables.push(table);
        }
        // Sections reached by their tables count for telling a partial text.
        let reached: Vec<usize> = tables
            .iter()
            .filter(|t| t.status != TableStatus::Missing)
            .filter_map(|t| templates.tables.get(t.template).and_then(|tpl| tpl.section))
            .collect();
        let table_end = tables
            .iter()
            .filter_map(|t| t.extent.as_ref())
            .map(|e| e.end)
            .max();
        outline.cut = outline::find_cut(
            &text,
            &outline.sections,
            &reached,
            table_end,
            templates.sections.len(),
        );
        if let Some(at) = outline
            .cut
            .as_ref()
            .and_then(|c| c.ends_after)
            .map(|(_, at)| at)
            && let Some(last) = tables
                .iter_mut()
                .filter(|t| t.extent.as_ref().is_some_and(|e| e.end <= at))
                .max_by_key(|t| t.extent.as_ref().map_or(0, |e| e.end))
            && last
                .extent
                .as_ref()
                .is_some_and(|e| e.end + outline::TABLE_TAIL_BYTES >= at)
            && let Some(tpl) = templates.tables.get(last.template)
        {
            tables::truncate(tpl, last);
        }
        let year = year::infer(&text, &outline);
        let body = body::infer(&text, &outline);
        let table_text: Vec<Range<usize>> =
            tables.iter().filter_map(|t| t.extent.clone()).collect();
        let narrative = Narrative::build(&text, &lines, &table_text);
        Document {
            path: path.into(),
            text,
            lines,
            outline,
            tables,
            year,
            body,
            narrative,
            memo: Memo::default(),
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

    /// The section (template index) whose heading or body contains `offset`.
    pub fn section_at(&self, offset: usize) -> Option<usize> {
        self.outline
            .sections
            .iter()
            .find(|s| s.heading.start <= offset && offset < s.body.end.max(s.heading.end))
            .map(|s| s.template)
    }

    /// 1-based line and character column of a byte offset.
    pub fn position(&self, offset: usize) -> crate::text::Position {
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
