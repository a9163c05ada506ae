//! The JSON output of `nianbao check --format json`: one array of findings. This is a
//! public interface (documented in the README); add fields, never rename or remove.
//!
//! Positions are 1-based; columns count characters (not bytes); `end_line` /
//! `end_column` point just past the last character of the span. For a web page they
//! are positions in its HTML source; for a Word document, in the extracted text
//! (`nianbao extract --text`), and `location` names the place in Word's terms.

use std::io::{self, Write};

use serde::Serialize;

use super::emit::{Checked, Emitter, Summary};
use super::{Diagnostic, Severity};
use crate::parse::Document;

#[derive(Debug, Serialize)]
pub struct JsonLabel {
    pub message: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// The place in Word's terms (`第2个表格（表三）第5行第3列`, `第3段`); .docx only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// A label in another report (`other_labels`): last year's report of a cross-year
/// finding. Same positions as `JsonLabel`, with the other report's path.
#[derive(Debug, Serialize)]
pub struct JsonForeignLabel {
    pub path: String,
    pub message: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct JsonDiagnostic {
    pub path: String,
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// Text under the primary caret.
    pub label: String,
    /// Secondary spans: the evidence.
    pub labels: Vec<JsonLabel>,
    pub notes: Vec<String>,
    pub help: Option<String>,
    /// The place in Word's terms (`第2个表格（表三）第5行第3列`, `第3段`); .docx only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Labels in other reports (cross-year findings: last year's report); absent when
    /// there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other_labels: Vec<JsonForeignLabel>,
}

/// Start and end positions of a span (`place::place`, in characters).
fn place(doc: &Document, span: &std::ops::Range<usize>) -> (usize, usize, usize, usize) {
    let p = super::place::place(doc, span, super::place::Columns::Chars);
    (p.line, p.column, p.end_line, p.end_column)
}

/// The `json` format: one array of every finding of the run, written object by object
/// as the documents are checked (the same text as one pretty-printed array).
#[derive(Default)]
pub struct Json {
    written: usize,
}

impl Emitter for Json {
    fn document(&mut self, out: &mut dyn Write, c: &Checked<'_>) -> io::Result<()> {
        for d in c.diagnostics {
            let text = serde_json::to_string_pretty(&convert(c.document, d))?;
            out.write_all(if self.written == 0 { b"[\n" } else { b",\n" })?;
            // Nested one level in the array: two more spaces on every line (a JSON
            // string never holds a raw line break).
            for (i, line) in text.lines().enumerate() {
                if i > 0 {
                    out.write_all(b"\n")?;
                }
                out.write_all(b"  ")?;
                out.write_all(line.as_bytes())?;
            }
            self.written += 1;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        out.write_all(if self.written == 0 { b"[]\n" } else { b"\n]\n" })
    }
}

pub fn convert(doc: &Document, d: &Diagnostic) -> JsonDiagnostic {
    let (line, column, end_line, end_column) = place(doc, &d.primary);
    JsonDiagnostic {
        path: doc.path.clone(),
        rule: d.rule.clone(),
        severity: d.severity,
        message: d.message.clone(),
        line,
        column,
        end_line,
        end_column,
        label: d.primary_label.clone(),
        labels: d
            .labels
            .iter()
            .map(|l| {
                let (line, column, end_line, end_column) = place(doc, &l.span);
                JsonLabel {
                    message: l.message.clone(),
                    line,
                    column,
                    end_line,
                    end_column,
                    location: super::place::location(doc, &l.span),
                }
            })
            .collect(),
        notes: d.notes.clone(),
        help: d.help.clone(),
        location: super::place::location(doc, &d.primary),
        other_labels: d
            .elsewhere
            .iter()
            .map(|l| JsonForeignLabel {
                path: l.path.clone(),
                message: l.message.clone(),
                line: l.place.line,
                column: l.place.column,
                end_line: l.place.end_line,
                end_column: l.place.end_column,
                location: l.place.location.clone(),
            })
            .collect(),
    }
}
