//! How `check` scans folders (`--glob`, `--exclude`, `--force-exclude`) and what it
//! says about the files it leaves out: one note per skipped link or special file, the
//! files it cannot read listed once at the end with what to do, and a one-line note for
//! a file found in a folder that is not an annual report (named on the command line,
//! such a file is an error: the user meant it).

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;

use nianbao::load::{self, LoadError, LoadErrorKind, SkipReason, Skipped, Unsupported};
use nianbao::report::visible::visible_line;

#[derive(Args, Clone, Debug, Default)]
pub(super) struct ScanArgs {
    /// 检查目录时只取符合此模式的文件（可重复）：不含“/”的模式匹配文件名（如 "*.docx"），含“/”的匹配相对于该目录的路径（如 "2024/**/*.docx"）；默认取 .txt、.md、.docx、.html、.htm
    #[arg(long, value_name = "PATTERN")]
    glob: Vec<String>,
    /// 检查目录时跳过符合此模式的文件和目录（可重复；相对于该目录，如 "node_modules"、"草稿/**"）；.gitignore、.ignore 和隐藏文件已自动跳过
    #[arg(long, value_name = "PATTERN")]
    exclude: Vec<String>,
    /// 命令行上给出的文件也按 --exclude 和配置文件的 include/exclude 筛选，并像目录中找到的文件一样对待：不是年度报告的文件只提示一行（供 pre-commit 等传入文件列表的工具使用）
    #[arg(long)]
    force_exclude: bool,
}

impl ScanArgs {
    pub(super) fn options(&self) -> load::ScanOptions {
        load::ScanOptions {
            globs: self.glob.clone(),
            excludes: self.exclude.clone(),
            force_exclude: self.force_exclude,
        }
    }

    /// The paths whose files are "named" for the configuration's include/exclude (none
    /// with `--force-exclude`: then every file is filtered as if found in a folder).
    pub(super) fn named<'a>(&self, paths: &'a [std::ffi::OsString]) -> &'a [std::ffi::OsString] {
        if self.force_exclude { &[] } else { paths }
    }
}

/// One note per file or folder left out of a folder, saying why and what to do.
pub(super) fn skipped_notes(skipped: &[Skipped]) -> String {
    let mut out = String::new();
    for s in skipped {
        let path = visible_line(&s.path);
        let _ = match &s.reason {
            SkipReason::Symlink => writeln!(
                out,
                "提示：跳过了符号链接 `{path}`：目录中的符号链接不跟随；要检查它指向的报告，请在命令行上直接给出那个文件"
            ),
            SkipReason::NotRegular(what) => writeln!(
                out,
                "提示：跳过了 `{path}`：它是{what}，不是普通文件，不会打开"
            ),
            SkipReason::SpecialIgnoreFile(what) => writeln!(
                out,
                "提示：忽略文件 `{path}` 是{what}，不是普通文件，打开它会一直等待；这个目录的扫描不使用 .ignore 和 .gitignore"
            ),
            SkipReason::BadIgnoreFile(why) => writeln!(
                out,
                "提示：忽略文件 `{path}` 有无法识别的内容，其余规则照常生效：{}",
                visible_line(why)
            ),
        };
    }
    out
}

/// How many files of one kind are named before "and N more".
const LISTED: usize = 10;

/// The files found in folders that nianbao cannot read, grouped by kind, each kind with
/// what to do; empty when there are none.
pub(super) fn unsupported_list(files: &[(PathBuf, Unsupported)]) -> String {
    if files.is_empty() {
        return String::new();
    }
    let mut kinds: Vec<Unsupported> = files.iter().map(|(_, k)| *k).collect();
    kinds.sort();
    kinds.dedup();
    let mut out = format!(
        "提示：以下 {} 个文件是 nianbao 不能直接读取的格式，没有检查：\n",
        files.len()
    );
    for kind in kinds {
        let of_kind: Vec<&PathBuf> = files
            .iter()
            .filter(|(_, k)| *k == kind)
            .map(|(p, _)| p)
            .collect();
        let _ = writeln!(
            out,
            "  {}（{} 个）：{}",
            kind.chinese(),
            of_kind.len(),
            kind.help()
        );
        for p in of_kind.iter().take(LISTED) {
            let _ = writeln!(out, "    {}", visible_line(&p.display().to_string()));
        }
        if of_kind.len() > LISTED {
            let _ = writeln!(out, "    ……另有 {} 个", of_kind.len() - LISTED);
        }
    }
    out
}

/// A file found in a folder that turned out not to be a report: a one-line note
/// instead of a failure (a stray `说明.txt` must not stop a folder's run).
pub(super) fn not_a_report_note(e: &LoadError) -> Option<String> {
    matches!(e.kind, LoadErrorKind::NotAReport).then(|| {
        format!(
            "提示：跳过了 `{}`：不像政府信息公开年度报告（找不到报告的章节或统计表）\n",
            visible_line(&e.path)
        )
    })
}
