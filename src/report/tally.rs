//! One row per report of a batch — whose report, which year, how many findings of each
//! severity, which rules, or why it could not be read — for the overview formats
//! (`overview.rs`, the `--summary` CSV of `summary.rs`). A report may be handed over
//! twice: once with its own findings, and again after the series stage with the
//! findings between reports; both land on the same row (by path). A row holds a few
//! counters per rule that fired, never the findings, so a batch's rows stay small.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use super::emit::Checked;
use super::{Counts, Severity};
use crate::spill::{Reader, Writer};

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

/// The rows of a batch, in the order the reports came. A batch may have 100,000 rows, so
/// each is held encoded (`spill`: the path, the body, varint counts, each rule
/// as an index into the batch's rule ids) — about 100 bytes for a report with ten rules
/// firing, against 500 as a `ReportRow` — and found again by a hash of its path;
/// `rows` decodes them one at a time.
#[derive(Default)]
pub struct Tally {
    rows: Vec<Box<[u8]>>,
    /// The row of each path's hash; a path whose hash another path had first is in
    /// `collided`.
    index: HashMap<u64, u32>,
    collided: HashMap<String, u32>,
    /// Rule ids, interned.
    rules: Vec<String>,
    rule_index: HashMap<String, u32>,
}

fn path_hash(path: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    path.hash(&mut h);
    h.finish()
}

impl Tally {
    /// The row of `path`, if it has one.
    fn find(&self, path: &str) -> Option<usize> {
        let &i = self.index.get(&path_hash(path))?;
        let mut r = Reader::new(self.rows.get(i as usize)?);
        let n = r.usize()?;
        if r.bytes(n)? == path.as_bytes() {
            Some(i as usize)
        } else {
            self.collided.get(path).map(|&i| i as usize)
        }
    }

    fn row(&mut self, path: &str) -> usize {
        if let Some(i) = self.find(path) {
            return i;
        }
        let i = self.rows.len();
        // Past four billion rows (never), a row is kept but not found again.
        if let Ok(n) = u32::try_from(i) {
            match self.index.entry(path_hash(path)) {
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(n);
                }
                std::collections::hash_map::Entry::Occupied(_) => {
                    self.collided.insert(path.to_string(), n);
                }
            }
        }
        let row = ReportRow {
            path: path.to_string(),
            ..ReportRow::default()
        };
        let encoded = self.encode(&row);
        self.rows.push(encoded);
        i
    }

    fn rule_id(&mut self, rule: &str) -> u64 {
        if let Some(&i) = self.rule_index.get(rule) {
            return u64::from(i);
        }
        let i = u32::try_from(self.rules.len()).unwrap_or(u32::MAX);
        self.rules.push(rule.to_string());
        self.rule_index.insert(rule.to_string(), i);
        u64::from(i)
    }

    fn encode(&mut self, row: &ReportRow) -> Box<[u8]> {
        let mut w = Writer::default();
        w.str(&row.path);
        w.str(&row.body);
        w.option(row.year.as_ref(), |w, y| w.i64(i64::from(*y)));
        w.usize(row.counts.errors);
        w.usize(row.counts.warnings);
        w.usize(row.counts.infos);
        w.usize(row.rules.len());
        for h in &row.rules {
            let id = self.rule_id(&h.rule);
            w.u64(id);
            w.u64(u64::from(severity_rank(h.severity)));
            w.usize(h.count);
        }
        w.option(row.unreadable.as_ref(), |w, m| w.str(m));
        w.usize(row.findings);
        w.bytes.into_boxed_slice()
    }

    fn decode(&self, bytes: &[u8]) -> Option<ReportRow> {
        let mut r = Reader::new(bytes);
        let path = r.string()?;
        let body = r.string()?;
        let year = r.option(|r| i32::try_from(r.i64()?).ok())?;
        let counts = Counts {
            errors: r.usize()?,
            warnings: r.usize()?,
            infos: r.usize()?,
        };
        let rules = r.list(|r| {
            let rule = self.rules.get(r.usize()?)?.clone();
            let severity = match r.u64()? {
                0 => Severity::Error,
                1 => Severity::Warning,
                2 => Severity::Info,
                _ => return None,
            };
            Some(RuleHits {
                rule,
                severity,
                count: r.usize()?,
            })
        })?;
        let unreadable = r.option(Reader::string)?;
        let findings = r.usize()?;
        Some(ReportRow {
            path,
            body,
            year,
            counts,
            rules,
            unreadable,
            findings,
        })
    }

    /// Changes row `i`.
    fn update(&mut self, i: usize, f: impl FnOnce(&mut ReportRow)) {
        let Some(mut row) = self.rows.get(i).and_then(|b| self.decode(b)) else {
            return;
        };
        f(&mut row);
        let encoded = self.encode(&row);
        if let Some(slot) = self.rows.get_mut(i) {
            *slot = encoded;
        }
    }

    /// Adds a checked report's findings (its own, or the series stage's); returns its
    /// row's index and the number of its findings handed over before these.
    pub fn document(&mut self, c: &Checked<'_>) -> (usize, usize) {
        let doc = c.document;
        let i = self.row(&doc.path);
        let mut before = 0;
        self.update(i, |row| {
            if row.body.is_empty()
                && let Some(b) = &doc.body
            {
                row.body.clone_from(&b.name);
            }
            if row.year.is_none() {
                row.year = doc.year.as_ref().map(|y| y.year);
            }
            before = row.findings;
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
        });
        (i, before)
    }

    /// Adds a path that could not be checked.
    pub fn unreadable(&mut self, path: &str, message: &str) -> usize {
        let i = self.row(path);
        self.update(i, |row| row.unreadable = Some(message.to_string()));
        i
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The rows, in order, decoded one at a time.
    pub fn rows(&self) -> impl Iterator<Item = ReportRow> + '_ {
        self.rows.iter().map(|b| self.decode(b).unwrap_or_default())
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
        assert_eq!(t.rows().next().map(|r| r.status()), Some(Status::Warnings));
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
        let rows: Vec<ReportRow> = t.rows().collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].counts.errors, 1);
        assert_eq!(rows[0].counts.warnings, 2);
        assert_eq!(rows[0].status(), Status::Errors);
        assert_eq!(rows[0].worst().map(|h| h.rule.as_str()), Some("Y101"));
        assert_eq!(rows[1].status(), Status::Unreadable);
    }

    #[test]
    fn paths_whose_hashes_collide_keep_their_own_rows() {
        let mut t = Tally::default();
        assert_eq!(t.unreadable("a.txt", "甲"), 0);
        // As if "b.txt" hashed like "a.txt": its hash already names row 0.
        t.index.insert(path_hash("b.txt"), 0);
        assert_eq!(t.unreadable("b.txt", "乙"), 1);
        assert_eq!(t.unreadable("b.txt", "乙2"), 1);
        assert_eq!(t.unreadable("a.txt", "甲2"), 0);
        let rows: Vec<ReportRow> = t.rows().collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].path.as_str(), rows[0].unreadable.as_deref()),
            ("a.txt", Some("甲2"))
        );
        assert_eq!(
            (rows[1].path.as_str(), rows[1].unreadable.as_deref()),
            ("b.txt", Some("乙2"))
        );
    }

    #[test]
    fn rows_read_back_as_they_were_counted() {
        let pack = Pack::national().expect("national pack");
        let mut t = Tally::default();
        let mut expected = Vec::new();
        for i in 0..50usize {
            let path = format!("某县/{i}.txt");
            let county = ["甲", "乙", "丙", "丁", "戊", "己", "庚"][i % 7];
            let text = format!(
                "{county}县财政局{}年政府信息公开工作年度报告\n一、总体情况\n",
                2020 + i % 5
            );
            let doc = Document::parse(&path, text, &pack.templates);
            let diags: Vec<Diagnostic> = (0..i % 4)
                .map(|k| {
                    let sev = [Severity::Error, Severity::Warning, Severity::Info][k % 3];
                    Diagnostic::new(&format!("R{}", (i + k) % 5), sev, 0..1, String::new())
                })
                .collect();
            let (row, before) = t.document(&Checked {
                document: &doc,
                diagnostics: &diags,
                pack: &pack,
            });
            assert_eq!((row, before), (i, 0));
            let mut hits: Vec<RuleHits> = Vec::new();
            for d in &diags {
                match hits
                    .iter_mut()
                    .find(|h| h.rule == d.rule && h.severity == d.severity)
                {
                    Some(h) => h.count += 1,
                    None => hits.push(RuleHits {
                        rule: d.rule.clone(),
                        severity: d.severity,
                        count: 1,
                    }),
                }
            }
            expected.push(ReportRow {
                path,
                body: doc
                    .body
                    .as_ref()
                    .map(|b| b.name.clone())
                    .unwrap_or_default(),
                year: doc.year.as_ref().map(|y| y.year),
                counts: Counts::of(&diags),
                rules: hits,
                unreadable: None,
                findings: diags.len(),
            });
        }
        let rows: Vec<ReportRow> = t.rows().collect();
        assert_eq!(format!("{rows:?}"), format!("{expected:?}"));
        assert!(rows.iter().any(|r| r.year.is_some() && !r.body.is_empty()));
    }
}
