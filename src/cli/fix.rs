//! `nianbao check --fix` and `--diff`: each file is checked and fixed in memory by
//! `nianbao::fix` (only findings with one right answer; never a number, never a Word
//! document), then either written back atomically in its own encoding (`--fix`) or
//! shown as a unified diff (`--diff`, nothing written). What was fixed is counted for
//! the summary; what is left is reported as usual.

use std::path::Path;

use nianbao::fix::{Fixed, fix_bytes, unified_diff, write};
use nianbao::{Input, Linter, LoadError, Outcome, load};

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

/// Checks `input`, fixing it first (see the module comment). The outcome is the
/// findings left after fixing.
pub(super) fn lint_fixing(
    linter: &Linter,
    config: &nianbao::config::Config,
    input: &Input,
    options: &load::LoadOptions,
    diff_only: bool,
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
    let keep = |d: &mut Vec<nianbao::Diagnostic>| config.keep(path, d);
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
    match write::replace(Path::new(path), &bytes, &new_bytes) {
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

/// The summary of fixes for the last line of human output: what was fixed, and what
/// `--fix` could fix among the findings reported (empty when neither).
pub(super) fn summary(applied: usize, files: usize, fixable: usize) -> String {
    let mut s = String::new();
    if applied > 0 {
        s.push_str(&format!("；已修复 {applied} 个问题（{files} 个文件）"));
    }
    if fixable > 0 {
        s.push_str(&format!("；其中 {fixable} 个可用 --fix 自动修复"));
    }
    s
}

/// The summary of `--diff` for standard error.
pub(super) fn diff_summary(applied: usize, files: usize) -> String {
    if applied == 0 {
        "没有可自动修复的问题\n".into()
    } else {
        format!("{files} 个文件中有 {applied} 个问题可自动修复（用 --fix 写入）\n")
    }
}
