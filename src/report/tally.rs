//! One row per report of a batch — whose report, which year, how many findings of each
//! severity, which rules, or why it could not be read — for the overview formats
//! (`overview.rs`, the `--summary` CSV of `summary.rs`). A report may be handed over
//! twice: once with its own findings, and again after the series stage with the
//! findings between reports; both land on the same row (by path). A row holds a few
//! counters per rule that fired, never the findings, so a batch's rows stay small.

use std::collections::HashMap;

use super::emit::Checked;
use super::{Counts, Severity};

/// How many findings of one rule a report has, at its severity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleHits {
    pub rule: String,
    pub severity: Severity,
    pub count: usize,
}

/// What a report came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Errors,
    Warnings,
    Clean,
    Unreadable,
}

impl Status {
    /// The Chinese word of the overview and the `--summary` CSV.
    pub fn chinese(self) -> &'static str {
        match self {
            Status::Errors => "有错误",
            Status::Warnings => "有警告",
            Status::Clean => "通过",
            Status::Unreadable => "无法读取",
        }
    }

    /// Worst first: the order of the overview's status column.
    pub fn rank(self) -> u8 {
        match self {
            Status::Unreadable => 0,
            Status::Errors => 1,
            Status::Warnings => 2,
            Status::Clean => 3,
        }
    }
}

/// One report of the batch.
#[derive(Clone, Debug, Default)]
pub struct ReportRow {
    pub path: String,
    /// The issuing body as inferred from the text (empty when it does not say).
    pub body: String,
    pub year: Option<i32>,
    pub counts: Counts,
    /// Rules that fired, in the order first seen.
    pub rules: Vec<RuleHits>,
    /// Why it could not be checked (then no counts).
    pub unreadable: Option<String>,
    /// Findings handed over so far (numbers the findings within the report).
    pub findings: usize,
}

/// Errors first, then warnings, then notes.
pub fn severity_rank(s: Severity) -> u8 {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

impl ReportRow {
    /// The rule of the most severe findings (the one with most findings at that
    /// severity; ties by rule code).
    pub fn worst(&self) -> Option<&RuleHits> {
        self.rules.iter().min_by(|a, b| {
            severity_rank(a.severity)
                .cmp(&severity_rank(b.severity))
                .then(b.count.cmp(&a.count))
                .then(a.rule.cmp(&b.rule))
        })
    }

    pub fn status(&self) -> Status {
        if self.unreadable.is_some() {
            Status::Unreadable
        } else if self.counts.errors > 0 {
            Status::Errors
        } else if self.counts.warnings > 0 {
            Status::Warnings
        } else {
            Status::Clean
        }
    }
}

/// The rows of a batch, in the order the reports came.
#[derive(Default)]
pub struct Tally {
    rows: Vec<ReportRow>,
    index: HashMap<String, usize>,
}

impl Tally {
    fn row(&mut self, path: &str) -> usize {
        if let Some(&i) = self.index.get(path) {
            return i;
        }
        let i = self.rows.len();
        self.rows.push(ReportRow {
            path: path.to_string(),
            ..ReportRow::default()
        });
        self.index.insert(path.to_string(), i);
        i
    }

    /// Adds a checked report's findings (its own, or the series stage's); returns its
    /// row's index and the number of its findings handed over before these.
    pub fn document(&mut self, c: &Checked<'_>) -> (usize, usize) {
        let doc = c.document;
        let i = self.row(&doc.path);
        let row = &mut self.rows[i];
        if row.body.is_empty()
            && let Some(b) = &doc.body
        {
            row.body.clone_from(&b.name);
        }
        if row.year.is_none() {
            row.year = doc.year.as_ref().map(|y| y.year);
        }
        let before = row.findings;
        row.findings += c.diagnostics.len();
        row.counts.merge(Counts::of(c.diagnostics));
        for d in c.diagnostics {
            match row
                .rules
                .iter_mut()
                .find(|h| h.rule == d.rule && h.severity == d.severity)
            {
                Some(h) => h.count += 1,
                None => row.rules.push(RuleHits {
                    rule: d.rule.clone(),
                    severity: d.severity,
                    count: 1,
                }),
            }
        }
        (i, before)
    }

    /// Adds a path that could not be checked.
    pub fn unreadable(&mut self, path: &str, message: &str) -> usize {
        let i = self.row(path);
        self.rows[i].unreadable = Some(message.to_string());
        i
    }

    pub fn rows(&self) -> &[ReportRow] {
        &self.rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Pack;
    use crate::parse::Document;
    use crate::report::Diagnostic;

    #[test]
    fn a_report_handed_over_twice_is_one_row() {
        let pack = Pack::national().expect("national pack");
        let doc = Document::parse("a.txt", "一、总体情况\n".into(), &pack.templates);
        let w = Diagnostic::new("E102", Severity::Warning, 0..1, "w".into());
        let e = Diagnostic::new("Y101", Severity::Error, 0..1, "e".into());
        let mut t = Tally::default();
        let first = [w.clone(), w];
        assert_eq!(
            t.document(&Checked {
                document: &doc,
                diagnostics: &first,
                pack: &pack
            }),
            (0, 0)
        );
        assert_eq!(t.rows()[0].status(), Status::Warnings);
        let series = [e];
        assert_eq!(
            t.document(&Checked {
                document: &doc,
                diagnostics: &series,
                pack: &pack
            }),
            (0, 2)
        );
        t.unreadable("b.txt", "无法读取");
        let rows = t.rows();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].counts.errors, 1);
        assert_eq!(rows[0].counts.warnings, 2);
        assert_eq!(rows[0].status(), Status::Errors);
        assert_eq!(rows[0].worst().map(|h| h.rule.as_str()), Some("Y101"));
        assert_eq!(rows[1].status(), Status::Unreadable);
    }
}
