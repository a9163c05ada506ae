//! `--statistics`: instead of the findings, how many there are of each rule (ruff's
//! `--statistics`): count, rule id, severity and the rule's summary, the most frequent
//! first, then the summary line. With `--format json`/`jsonl` the same as a JSON array
//! of `{"rule", "severity", "summary", "count"}`. Memory grows with the number of
//! rules, not of findings.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::Severity;
use super::emit::{Checked, Emitter, Options, Summary};
use super::extract::pad;

pub struct Statistics {
    options: Options,
    json: bool,
    rules: BTreeMap<String, Row>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub rule: String,
    pub severity: Severity,
    pub summary: String,
    pub count: usize,
}

impl Statistics {
    /// `json`: write the table as JSON (for the machine formats).
    pub fn new(options: &Options, json: bool) -> Statistics {
        Statistics {
            options: *options,
            json,
            rules: BTreeMap::new(),
        }
    }

    /// The rows, the most frequent rule first (then by id).
    pub fn rows(&self) -> Vec<Row> {
        let mut rows: Vec<Row> = self.rules.values().cloned().collect();
        rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.rule.cmp(&b.rule)));
        rows
    }
}

impl Emitter for Statistics {
    fn document(&mut self, _out: &mut dyn Write, c: &Checked<'_>) -> io::Result<()> {
        for d in c.diagnostics {
            self.rules
                .entry(d.rule.clone())
                .or_insert_with(|| Row {
                    rule: d.rule.clone(),
                    severity: d.severity,
                    summary: c
                        .pack
                        .rule(&d.rule)
                        .map(|r| r.meta.summary.clone())
                        .unwrap_or_default(),
                    count: 0,
                })
                .count += 1;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        let rows = self.rows();
        if self.json {
            serde_json::to_writer_pretty(&mut *out, &rows)?;
            return out.write_all(b"\n");
        }
        let width = rows
            .iter()
            .map(|r| r.count.to_string().len())
            .max()
            .unwrap_or(1);
        for r in &rows {
            writeln!(
                out,
                "{:>width$}  {}{}{}",
                r.count,
                pad(&r.rule, 7),
                pad(r.severity.chinese(), 6),
                super::visible::visible_line(&r.summary)
            )?;
        }
        if !self.options.quiet {
            if !rows.is_empty() {
                out.write_all(b"\n")?;
            }
            out.write_all(summary.line().as_bytes())?;
        }
        Ok(())
    }
}
