//! Report: diagnostics and how they are shown. `emit` is the interface of the output
//! formats of `nianbao check`, one file each: `human` (rustc-style text), `concise`,
//! `json` (the stable JSON interface), `jsonl`, `sarif`, `github`, `junit`, `csv`,
//! `overview` (`--format html`, a batch's overview), and `statistics` (`--statistics`);
//! `summary` is the `--summary` CSV (one row per report, from `tally`); `place` is where a finding is, for all of them.

pub mod concise;
pub mod csv;
mod diagnostic;
pub mod emit;
pub mod excerpt;
pub mod extract;
pub mod github;
pub mod html;
pub mod human;
pub mod json;
pub mod jsonl;
pub mod junit;
pub mod overview;
pub mod place;
pub mod sarif;
pub mod statistics;
pub mod summary;
pub mod tally;
pub mod visible;

pub use diagnostic::{
    Diagnostic, Edit, Fix, ForeignLabel, Label, Place, Relation, RelationFigure, Severity,
};
pub use emit::{Checked, Emitter, Format, Summary};

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
