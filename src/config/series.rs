//! The configuration of a batch's series: who a report is when its text does not say
//! (`body`, and per file `[reports]`), and which report sums which (`[[aggregate]]`).
//!
//! ```toml
//! body = "某县财政局"                  # reports in this folder: when the title names no body
//! year = 2024                          # …and no year
//! [reports."汇总/2023.txt"]            # per file, over what the text says
//! body = "某县人民政府"
//! year = 2023
//! [[aggregate]]
//! total = "汇总/2023.txt"
//! parts = ["单位/*.txt"]
//! ```

use std::path::Path;

use serde::Deserialize;

use super::{Config, glob};
use crate::series::Stated;

/// `[reports."GLOB"]` as written.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReport {
    pub body: Option<String>,
    pub year: Option<i32>,
}

/// A file (glob, relative to the configuration) and the body/year stated for it.
#[derive(Clone, Debug)]
pub struct ReportEntry {
    pub glob: String,
    pub body: Option<String>,
    pub year: Option<i32>,
}

/// `[[aggregate]]`: `total` (a file) must equal the sum of `parts` (globs), both
/// relative to the configuration's folder.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AggregateEntry {
    pub total: String,
    pub parts: Vec<String>,
}

impl Config {
    /// The body and year stated for `path`: `(fallback, force)` — the folder's `body`
    /// and `year` apply when the report does not say, a `[reports]` entry in place of
    /// what it says.
    pub fn stated(&self, path: Option<&Path>) -> (Stated, Stated) {
        let fallback = Stated {
            body: self.body.value.clone(),
            year: self.year.value,
        };
        let mut force = Stated::default();
        // `relative` canonicalizes the path: only when there are entries to match.
        if !self.reports.is_empty()
            && let Some(rel) = path.and_then(|p| self.relative(p))
        {
            for e in &self.reports {
                if glob::matches(&e.value.glob, &rel) {
                    force.body = e.value.body.clone().or(force.body);
                    force.year = e.value.year.or(force.year);
                }
            }
        }
        (fallback, force)
    }

    /// Whether `path` matches a glob of this configuration (relative to its folder).
    pub fn matches(&self, pattern: &str, path: &Path) -> bool {
        self.relative(path)
            .is_some_and(|rel| glob::matches(pattern, &rel))
    }
}
