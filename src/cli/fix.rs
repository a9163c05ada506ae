//! `nianbao check --fix` and `--diff`: each file is checked and fixed in memory by
//! `nianbao::fix` (only findings with one right answer; never a number, never a Word
//! document), then either written back atomically in its own encoding (`--fix`) or
//! shown as a unified diff (`--diff`, nothing written). What was fixed is counted for
//! the summary; what is left is reported as usual.

use std::path::Path;
use std::process::ExitCode;

use clap::Args;
use nianbao::fix::{Fixed, fix_bytes, unified_diff, write};
use nianbao::{Diagnostic, Input, Linter, LoadError, Outcome, load};

use nianbao::report::emit::{Checked, Emitter, Summary};

use super::baseline::Baseline;
use super::write_stderr_text;

/// The options of `check` about fixing.
#[derive(Args)]
pub(super) struct FixArgs {
    /// 自动修复有唯一正确写法的问题（章节标题、表格标签的错字，网页代码残留，重复文字），直接改写 .txt、.md、.html 文件；不改数字，不改 Word 文档
    #[arg(long)]
    pub fix: bool,
    /// 只显示 --fix 会做的修改（统一 diff 格式），不写入文件；有可修复的问题时退出码为 1
    #[arg(long)]
    pub diff: bool,
}

/// What fixing one input did.
#[derive(Default)]
pub(super) struct FixReport {
    /// Findings fixed (or, with `--diff`, that would be).
    pub applied: usize,
    /// The file changed (or would).
    pub changed: bool,
    /// `--diff`: the diff of the file.
    pub diff: String,
    /// Notes for standard error (a file left as it was, and why).
    pub notes: String,
    /// Fixes were computed but could not be written: the run fails (exit 2).
    pub failed: bool,
    /// Findings reported that `--fix` would fix.
    pub fixable: usize,
}

/// Checks `input`; with `--fix` or `--diff`, fixes it first (see the module comment)
/// and the outcome is the findings left after fixing.
pub(super) fn lint(
    linter: &Linter,
    config: &nianbao::config::Config,
    input: &Input,
    options: &load::LoadOptions,
    args: &FixArgs,
    baseline: &Baseline,
) -> (Result<Outcome, LoadError>, FixReport) {
    if args.fix || args.diff {
        lint_fixing(linter, config, input, options, args.diff, baseline)
    } else {
        let outcome = load::load(input, options).and_then(|l| linter.lint_loaded(input.name(), l));
        (outcome, FixReport::default())
    }
}

/// How many of `diagnostics` `--fix` would fix.
pub(super) fn fixable(diagnostics: &[Diagnostic]) -> usize {
    diagnostics.iter().filter(|d| d.fix.is_some()).count()
}

fn lint_fixing(
    linter: &Linter,
    config: &nianbao::config::Config,
    input: &Input,
    options: &load::LoadOptions,
    diff_only: bool,
    baseline: &Baseline,
) -> (Result<Outcome, LoadError>, FixReport) {
    let mut report = FixReport::default();
    let plain = || load::load(input, options).and_then(|l| linter.lint_loaded(input.name(), l));
    let Input::File(path) = input else {
        report.notes = "<stdin>：标准输入无法原地修复，只作检查\n".into();
        return (plain(), report);
    };
    let name = input.name();
    // Anything that is not a readable regular file of a report's size is left to the
    // loader, which says what is wrong with it.
    let bytes = match std::fs::metadata(path) {
        Ok(m) if m.is_file() && m.len() <= load::MAX_TEXT_BYTES => match std::fs::read(path) {
            Ok(b) => b,
            Err(_) => return (plain(), report),
        },
        _ => return (plain(), report),
    };
    let hint = load::Format::by_extension(path);
    // Per-file ignores are neither fixed nor shown; what a baseline accepts is not
    // fixed (it is hidden later, with the other findings, by `check_one`).
    let keep = |doc: &nianbao::Document, d: &mut Vec<nianbao::Diagnostic>| {
        config.keep(path, d);
        baseline.keep_unfixed(input, doc, d);
    };
    let fixed = match fix_bytes(linter, &name, &bytes, hint, options, &keep) {
        Ok(f) => f,
        Err(e) => return (Err(e), report),
    };
    let shown = nianbao::report::visible::visible_line(&name);
    if fixed.outcome.document.source.kind == load::SourceKind::Docx
        && !fixed.outcome.diagnostics.is_empty()
    {
        report.notes = format!("{shown}：Word 文档不自动修复，请按各问题的 help 在 Word 中修改\n");
    }
    if let Some(why) = &fixed.refused {
        report
            .notes
            .push_str(&format!("{shown}：未全部自动修复：{why}\n"));
    }
    let Fixed {
        outcome,
        before,
        after,
        applied,
        bytes: new_bytes,
        ..
    } = fixed;
    let Some(new_bytes) = new_bytes else {
        return (Ok(outcome), report);
    };
    if diff_only {
        report.applied = applied;
        report.changed = true;
        report.diff = unified_diff(&name, &before, &after);
        return (Ok(outcome), report);
    }
    // Ctrl-C waits for the replacement: never a temporary file left beside the report.
    let busy = super::interrupt::hold();
    let replaced = write::replace(Path::new(path), &bytes, &new_bytes);
    drop(busy);
    match replaced {
        Ok(()) => {
            report.applied = applied;
            report.changed = true;
            (Ok(outcome), report)
        }
        Err(why) => {
            report.notes.push_str(&format!(
                "error: {shown}：无法写入修复，文件保持原样：{why}\n"
            ));
            report.failed = true;
            (plain(), report)
        }
    }
}

/// What fixing did over all inputs.
#[derive(Default)]
pub(super) struct Totals {
    applied: usize,
    files: usize,
    fixable: usize,
}

impl Totals {
    /// Adds one input's report (its notes go to standard error now); true when the
    /// fixes of that input could not be written.
    pub fn add(&mut self, r: FixReport) -> bool {
        write_stderr_text(&r.notes);
        self.applied += r.applied;
        self.files += usize::from(r.changed);
        self.fixable += r.fixable;
        r.failed
    }

    /// Puts the counts in the summary (its line says them).
    pub fn fill(&self, summary: &mut Summary) {
        summary.fixed = self.applied;
        summary.fixed_files = self.files;
    }

    /// For standard error after a plain check: how many findings `--fix` would fix.
    pub fn hint(&self) -> String {
        if self.fixable == 0 {
            String::new()
        } else {
            format!(
                "提示：其中 {} 个问题可用 --fix 自动修复（--diff 预览修改）\n",
                self.fixable
            )
        }
    }

    /// For standard error when the output has no summary line (JSON, SARIF…).
    pub fn note(&self) -> String {
        if self.applied == 0 {
            String::new()
        } else {
            format!("已修复 {} 个问题（{} 个文件）\n", self.applied, self.files)
        }
    }

    /// `--diff` (the diffs are written): a summary on standard error; exit code 1
    /// when there is something to fix (2 when something could not be checked).
    pub fn finish_diff(&self, failed: bool) -> ExitCode {
        write_stderr_text(&if self.applied == 0 {
            "没有可自动修复的问题\n".to_string()
        } else {
            format!(
                "{} 个文件中有 {} 个问题可自动修复（用 --fix 写入）\n",
                self.files, self.applied
            )
        });
        if failed {
            ExitCode::from(2)
        } else {
            ExitCode::from(u8::from(self.files > 0))
        }
    }
}

/// The emitter of `--diff`: the findings are not shown, only the diffs (written by
/// `check` as each file comes).
pub(super) struct Silent;

impl Emitter for Silent {
    fn document(&mut self, _: &mut dyn std::io::Write, _: &Checked<'_>) -> std::io::Result<()> {
        Ok(())
    }
}
