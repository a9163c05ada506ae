//! The finding a rule produces: what is wrong, where (byte spans into the checked text),
//! the evidence, the arithmetic and the fix. Renderers in this module turn it into text.

use std::ops::Range;

use serde::{Deserialize, Serialize};

/// How serious a finding is. Only `Error` makes `nianbao check` exit with 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    /// The word used in rendered output and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    /// The Chinese name, for listings meant for editors.
    pub fn chinese(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Info => "提示",
        }
    }
}

/// A secondary span: evidence the finding was checked against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Range<usize>,
    pub message: String,
}

/// One finding in one document. Spans are byte ranges into `Document::text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Rule id, e.g. `T201`.
    pub rule: String,
    pub severity: Severity,
    /// One sentence: what is wrong.
    pub message: String,
    /// The exact offending token (a cell, a heading, a figure).
    pub primary: Range<usize>,
    /// Text under the primary caret.
    pub primary_label: String,
    /// Evidence: related cells and text.
    pub labels: Vec<Label>,
    /// `= note:` lines (the arithmetic, context).
    pub notes: Vec<String>,
    /// `= help:` line (what would be right).
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(rule: &str, severity: Severity, primary: Range<usize>, message: String) -> Self {
        Diagnostic {
            rule: rule.to_string(),
            severity,
            message,
            primary,
            primary_label: String::new(),
            labels: Vec::new(),
            notes: Vec::new(),
            help: None,
        }
    }

    pub fn primary_label(mut self, text: impl Into<String>) -> Self {
        self.primary_label = text.into();
        self
    }

    pub fn label(mut self, span: Range<usize>, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn note(mut self, text: impl Into<String>) -> Self {
        self.notes.push(text.into());
        self
    }

    pub fn help(mut self, text: impl Into<String>) -> Self {
        self.help = Some(text.into());
        self
    }
}
