//! The finding a rule produces: what is wrong, where (byte spans into the checked text),
//! the evidence, the arithmetic and the fix; and where a span is for a reader (`place`).
//! Below the rules, the packs, the series stage and the output formats, which all speak
//! of findings: the formats (`report`) turn them into text.

pub mod place;
pub mod safe_fix;

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::number::Num;

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

/// Where a place in another report is (a cross-year finding's label in last year's
/// report): resolved when that report was read, since it is not held while its pair
/// is checked. Positions as in JSON: 1-based lines, character columns.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Place {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// The place in Word's terms (`表2 第5行第3列`); .docx only.
    pub location: Option<String>,
}

/// A secondary label in another file: evidence from another report (last year's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForeignLabel {
    /// The other report, as shown in its own findings.
    pub path: String,
    pub place: Place,
    pub message: String,
}

/// A relation between figures (cells of the tables, figures of the narrative) as data,
/// so that `check::merge` can tell when one wrong figure explains several failing
/// relations. Rules attach it to the finding of a failing relation, and hand the
/// relations that hold to `Context::holds`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relation {
    pub figures: Vec<RelationFigure>,
    /// The rule that checked it (set by `Context::holds` for relations that hold).
    pub rule: String,
}

/// One figure of a relation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelationFigure {
    /// Where it is written: its identity (one cell, one narrative figure).
    pub span: Range<usize>,
    /// Its full name for messages, e.g. `表三「一、本年新收」总计`.
    pub name: String,
    pub value: Num,
    /// The value that would make the relation hold if only this figure changed
    /// (`None` when no single value does).
    pub fix: Option<Num>,
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
    /// The failing relation this finding is about, when it is one (not rendered).
    pub relation: Option<Relation>,
    /// Evidence in other reports (last year's): shown with their path and place.
    pub elsewhere: Vec<ForeignLabel>,
    /// The machine-applicable fix, when there is exactly one right answer (`--fix`).
    pub fix: Option<Fix>,
}

/// One replacement of text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Range<usize>,
    pub replacement: String,
}

/// A certain fix: edits that never overlap, in order. A rule gives spans into
/// `Document::text`; `check::run` maps them into the file's own text (`diagnostic::safe_fix::settle`:
/// the same for text and Markdown, the page source for HTML) and drops a fix it cannot
/// map exactly or that would change a number, so a fix on a finding is always in the
/// coordinates of the decoded file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn replace(span: Range<usize>, replacement: impl Into<String>) -> Self {
        Fix {
            edits: vec![Edit {
                span,
                replacement: replacement.into(),
            }],
        }
    }

    pub fn delete(spans: impl IntoIterator<Item = Range<usize>>) -> Self {
        Fix {
            edits: spans
                .into_iter()
                .map(|span| Edit {
                    span,
                    replacement: String::new(),
                })
                .collect(),
        }
    }
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
            relation: None,
            elsewhere: Vec::new(),
            fix: None,
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

    /// A label in another report.
    pub fn elsewhere(mut self, path: &str, place: Place, message: impl Into<String>) -> Self {
        self.elsewhere.push(ForeignLabel {
            path: path.to_string(),
            place,
            message: message.into(),
        });
        self
    }

    pub fn relation(mut self, relation: Relation) -> Self {
        self.relation = Some(relation);
        self
    }

    pub fn fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }
}

/// Counts of findings by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Counts {
    pub fn of(diagnostics: &[Diagnostic]) -> Counts {
        let mut c = Counts::default();
        for d in diagnostics {
            c.add(d.severity);
        }
        c
    }

    pub fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
    }

    pub fn merge(&mut self, other: Counts) {
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.infos += other.infos;
    }
}
