//! The output formats of `nianbao check` behind one interface, so that findings are
//! written file by file as they are checked (memory does not grow with the number of
//! findings) and every format sees the same documents in the same order.
//!
//! A run calls `start` once, `document` for each checked document in input order (or
//! `unreadable` for a path that could not be checked), then `finish` with the run's
//! `Summary`. Each format is one file of `report/`; to add one, write a type that
//! implements `Emitter`, add a variant to `Format` and a line to `Format::emitter`.

use std::io::{self, Write};

use serde::Deserialize;

use super::{Counts, Diagnostic};
use crate::pack::Pack;
use crate::parse::Document;

/// One checked document as the formats see it.
pub struct Checked<'a> {
    pub document: &'a Document,
    /// Its findings, sorted as `check` sorts them.
    pub diagnostics: &'a [Diagnostic],
    /// The pack it was checked with: the rules' summaries and descriptions.
    pub pack: &'a Pack,
}

/// What the whole run found, for the summary lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Documents checked.
    pub checked: usize,
    /// Paths that could not be checked (reported on standard error).
    pub unreadable: usize,
    pub counts: Counts,
    /// Documents with at least one error.
    pub files_with_errors: usize,
    /// Documents with warnings but no error (notes alone do not count: such a
    /// report passes).
    pub files_with_warnings: usize,
    /// `check --fix`: findings fixed, in how many files.
    pub fixed: usize,
    pub fixed_files: usize,
    /// Findings not shown because a baseline (`--baseline`) recorded them.
    pub hidden: usize,
}

/// Which of the summary's groups a report with these counts is in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Group {
    Errors,
    Warnings,
    Clean,
}

fn group(c: Counts) -> Group {
    if c.errors > 0 {
        Group::Errors
    } else if c.warnings > 0 {
        Group::Warnings
    } else {
        Group::Clean
    }
}

impl Summary {
    fn count_group(&mut self, g: Group, delta: isize) {
        let slot = match g {
            Group::Errors => &mut self.files_with_errors,
            Group::Warnings => &mut self.files_with_warnings,
            Group::Clean => return,
        };
        *slot = slot.saturating_add_signed(delta);
    }

    /// Adds findings written for a document already counted (whose first findings
    /// counted `first`): the findings between reports, known once all were read.
    pub fn amend(&mut self, first: Counts, more: &[Diagnostic]) {
        let c = Counts::of(more);
        let mut all = first;
        all.merge(c);
        let (before, after) = (group(first), group(all));
        if before != after {
            self.count_group(before, -1);
            self.count_group(after, 1);
        }
        self.counts.merge(c);
    }

    /// Adds one checked document.
    pub fn add(&mut self, diagnostics: &[Diagnostic]) {
        let c = Counts::of(diagnostics);
        self.checked += 1;
        self.count_group(group(c), 1);
        self.counts.merge(c);
    }

    /// Reports checked without an error or a warning.
    pub fn clean(&self) -> usize {
        self.checked
            .saturating_sub(self.files_with_errors + self.files_with_warnings)
    }

    /// The one-line summary in Chinese: how many reports were checked, how many of
    /// them have errors, only warnings, pass, could not be read; how many findings of
    /// each severity; never "no problems" when nothing was checked.
    pub fn line(&self) -> String {
        let c = self.counts;
        let mut s = if self.checked == 0 {
            let mut s = "没有检查任何文件".to_string();
            if self.unreadable > 0 {
                s.push_str(&format!(
                    "；{} 个路径无法检查（见标准错误输出）",
                    self.unreadable
                ));
            }
            s
        } else {
            let mut groups = Vec::new();
            for (n, what) in [
                (self.files_with_errors, "有错误"),
                (self.files_with_warnings, "只有警告"),
                (self.clean(), "通过"),
                (self.unreadable, "无法读取（见标准错误输出）"),
            ] {
                if n > 0 {
                    groups.push(format!("{n} 份{what}"));
                }
            }
            let mut s = format!(
                "检查了 {} 份报告：{}",
                self.checked + self.unreadable,
                groups.join("，")
            );
            if c.errors + c.warnings + c.infos == 0 {
                s.push_str("；没有发现问题");
            } else {
                s.push_str(&format!("；共 {} 个错误，{} 个警告", c.errors, c.warnings));
                if c.infos > 0 {
                    s.push_str(&format!("，{} 个提示", c.infos));
                }
            }
            s
        };
        if self.hidden > 0 {
            s.push_str(&format!("；基线中已记录的 {} 个问题未显示", self.hidden));
        }
        if self.fixed > 0 {
            s.push_str(&format!(
                "；已修复 {} 个问题（{} 个文件）",
                self.fixed, self.fixed_files
            ));
        }
        s.push('\n');
        s
    }
}

/// One output format. `Send`: the command line's checking threads take turns writing
/// (`cli::stream`), each file's output on the thread that finished it.
pub trait Emitter: Send {
    /// Before the first document (an opening bracket, a header).
    fn start(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    /// One checked document and its findings (possibly none).
    fn document(&mut self, out: &mut dyn Write, checked: &Checked<'_>) -> io::Result<()>;

    /// A path that could not be checked; `message` says why (in Chinese). Formats
    /// read by machines that have a place for it (CI annotations, test reports)
    /// write it; the others leave it to standard error.
    fn unreadable(&mut self, _out: &mut dyn Write, _path: &str, _message: &str) -> io::Result<()> {
        Ok(())
    }

    /// After the last document.
    fn finish(&mut self, _out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }
}

/// The formats of `--format` (and of `format` in `nianbao.toml`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Human,
    Concise,
    Json,
    Jsonl,
    Sarif,
    Github,
    Junit,
    Csv,
    Html,
}

impl Format {
    pub const ALL: [Format; 9] = [
        Format::Human,
        Format::Concise,
        Format::Json,
        Format::Jsonl,
        Format::Sarif,
        Format::Github,
        Format::Junit,
        Format::Csv,
        Format::Html,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Concise => "concise",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Junit => "junit",
            Format::Csv => "csv",
            Format::Html => "html",
        }
    }

    /// Formats meant for people: they end with the summary line.
    pub fn for_people(self) -> bool {
        matches!(self, Format::Human | Format::Concise)
    }

    /// The emitter of this format.
    pub fn emitter(self, options: &Options) -> Box<dyn Emitter> {
        match self {
            Format::Human => Box::new(super::human::Human::new(options)),
            Format::Concise => Box::new(super::concise::Concise::new(options)),
            Format::Json => Box::new(super::json::Json::default()),
            Format::Jsonl => Box::new(super::jsonl::Jsonl),
            Format::Sarif => Box::new(super::sarif::Sarif::default()),
            Format::Github => Box::new(super::github::Github),
            Format::Junit => Box::new(super::junit::Junit::default()),
            Format::Csv => Box::new(super::csv::Csv),
            Format::Html => Box::new(super::overview::Overview::default()),
        }
    }
}

/// What the formats for people may be told.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// ANSI colours (human).
    pub color: bool,
    /// Only the findings: no summary line.
    pub quiet: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Severity;

    fn summary(
        checked: usize,
        unreadable: usize,
        with_errors: usize,
        with_warnings: usize,
        c: Counts,
    ) -> String {
        Summary {
            checked,
            unreadable,
            counts: c,
            files_with_errors: with_errors,
            files_with_warnings: with_warnings,
            ..Summary::default()
        }
        .line()
    }

    #[test]
    fn the_summary_line_counts_reports_by_outcome() {
        let none = Counts::default();
        assert_eq!(summary(0, 0, 0, 0, none), "没有检查任何文件\n");
        assert_eq!(
            summary(0, 2, 0, 0, none),
            "没有检查任何文件；2 个路径无法检查（见标准错误输出）\n"
        );
        assert_eq!(
            summary(12, 0, 0, 0, none),
            "检查了 12 份报告：12 份通过；没有发现问题\n"
        );
        let c = Counts {
            errors: 5,
            warnings: 2,
            infos: 1,
        };
        assert_eq!(
            summary(11, 1, 3, 2, c),
            "检查了 12 份报告：3 份有错误，2 份只有警告，6 份通过，1 份无法读取（见标准错误输出）；共 5 个错误，2 个警告，1 个提示\n"
        );
        let c = Counts {
            errors: 0,
            warnings: 2,
            infos: 0,
        };
        assert_eq!(
            summary(2, 0, 0, 2, c),
            "检查了 2 份报告：2 份只有警告；共 0 个错误，2 个警告\n"
        );
    }

    #[test]
    fn series_findings_move_a_report_between_groups() {
        let d = |s| Diagnostic::new("Y101", s, 0..1, "m".into());
        let mut sum = Summary::default();
        let info = [d(Severity::Info)];
        sum.add(&info);
        sum.add(&[d(Severity::Warning)]);
        sum.add(&[]);
        assert_eq!(
            (sum.files_with_errors, sum.files_with_warnings, sum.clean()),
            (0, 1, 2)
        );
        // A note-only report gets a warning, a warning report an error.
        sum.amend(Counts::of(&info), &[d(Severity::Warning)]);
        sum.amend(Counts::of(&[d(Severity::Warning)]), &[d(Severity::Error)]);
        assert_eq!(
            (sum.files_with_errors, sum.files_with_warnings, sum.clean()),
            (1, 1, 1)
        );
    }

    #[test]
    fn every_format_has_a_name_and_an_emitter() {
        for f in Format::ALL {
            let name = f.as_str();
            let parsed: Format =
                serde_json::from_value(serde_json::Value::from(name)).expect("a name");
            assert_eq!(parsed, f);
            let mut out = Vec::new();
            let mut e = f.emitter(&Options::default());
            e.start(&mut out).expect("start");
            e.finish(&mut out, &Summary::default()).expect("finish");
        }
    }
}
