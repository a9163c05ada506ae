//! The JSON output of `nianbao check --format json`: one array of findings. This is a
//! public interface (documented in the README); add fields, never rename or remove.
//!
//! Positions are 1-based; columns count characters (not bytes); `end_line` /
//! `end_column` point just past the last character of the span.

use serde::Serialize;

use super::{Diagnostic, Severity};
use crate::parse::Document;

#[derive(Debug, Serialize)]
pub struct JsonLabel {
    pub message: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
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
}

fn place(doc: &Document, span: &std::ops::Range<usize>) -> (usize, usize, usize, usize) {
    let a = doc.position(span.start);
    let b = doc.position(span.end);
    (a.line, a.column, b.line, b.column)
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
                }
            })
            .collect(),
        notes: d.notes.clone(),
        help: d.help.clone(),
    }
}
