//! Report: diagnostics and how they are shown — rustc-style text (`human`) or the
//! stable JSON interface (`json`).

mod diagnostic;
pub mod excerpt;
pub mod extract;
pub mod html;
pub mod human;
pub mod json;
pub mod visible;

pub use diagnostic::{Diagnostic, Edit, Fix, Label, Relation, RelationFigure, Severity};

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
