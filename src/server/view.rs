//! What the page shows for a checked upload: the findings exactly as
//! `nianbao check --format json` gives them, plus what the page needs around them —
//! the text nianbao read cut into pieces at the findings' spans, each finding's family
//! and place in Word, and the counts. The page builds its DOM from this with
//! `textContent` only, so report text is never interpreted as HTML.

use serde::Serialize;

use crate::Outcome;
use crate::report::{Counts, html, json};

#[derive(Serialize)]
pub struct View {
    pub name: String,
    /// The format, in Chinese.
    pub kind: &'static str,
    /// A Word document: the page offers the copy with comments.
    pub docx: bool,
    pub counts: ViewCounts,
    /// Exactly the objects of `nianbao check --format json` for this file.
    pub findings: Vec<json::JsonDiagnostic>,
    /// Per finding (same order): what the page shows besides the JSON.
    pub extra: Vec<Extra>,
    /// The text, in order, cut at the findings' spans.
    pub pieces: Vec<ViewPiece>,
}

#[derive(Serialize)]
pub struct ViewCounts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

#[derive(Serialize)]
pub struct Extra {
    /// The rule family in Chinese (结构, 统计表…).
    pub family: &'static str,
    pub severity_name: &'static str,
    /// `Word 中第2个表格 第5行第3列` / `Word 中第12段`, for Word documents.
    pub word_place: Option<String>,
}

#[derive(Serialize)]
pub struct ViewPiece {
    /// The text of the piece (empty for a point where something is missing).
    pub t: String,
    /// Findings (indices) whose span covers it.
    pub f: Vec<usize>,
}

impl View {
    pub fn new(name: &str, outcome: &Outcome) -> View {
        let doc = &outcome.document;
        let diags = &outcome.diagnostics;
        let c = Counts::of(diags);
        View {
            name: name.to_string(),
            kind: doc.source.kind.chinese(),
            docx: doc.source.kind == crate::load::SourceKind::Docx,
            counts: ViewCounts {
                errors: c.errors,
                warnings: c.warnings,
                infos: c.infos,
            },
            findings: diags.iter().map(|d| json::convert(doc, d)).collect(),
            extra: diags
                .iter()
                .map(|d| Extra {
                    family: html::family_name(&d.rule),
                    severity_name: d.severity.chinese(),
                    word_place: html::word_place(doc, &d.primary),
                })
                .collect(),
            pieces: html::pieces(&doc.text, diags)
                .into_iter()
                .map(|p| ViewPiece {
                    t: doc.text[p.text].to_string(),
                    f: p.findings,
                })
                .collect(),
        }
    }
}
