//! Report: how diagnostics (`crate::diagnostic`) are shown. `emit` is the interface of
//! the output formats of `nianbao check`, one file each: `human` (rustc-style text),
//! `concise`, `json` (the stable JSON interface), `jsonl`, `sarif`, `github`, `junit`,
//! `csv`, `overview` (`--format html`, a batch's overview), and `statistics`
//! (`--statistics`); `summary` is the `--summary` CSV (one row per report, from
//! `tally`); `place` (`diagnostic::place`) is where a finding is, for all of them.

pub mod concise;
pub mod csv;
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
pub mod sarif;
pub mod statistics;
pub mod summary;
pub mod tally;
pub mod visible;

// The findings themselves live below the rules and packs (`crate::diagnostic`); the
// formats and the library's users know them by these names too.
pub use crate::diagnostic::place;
pub use crate::diagnostic::{
    Counts, Diagnostic, Edit, Fix, ForeignLabel, Label, Place, Relation, RelationFigure, Severity,
};
pub use emit::{Checked, Emitter, Format, Summary};
