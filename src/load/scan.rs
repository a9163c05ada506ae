//! Folder scanning, as ripgrep does it (the `ignore` crate): a folder means the report
//! files under it, in sorted order, leaving out hidden files and folders, what
//! `.ignore` files exclude, and what `.gitignore` (and `.git/info/exclude`, the global
//! gitignore) excludes when the folder is inside a git repository (outside one,
//! `.gitignore` is not read: ripgrep's default). Symbolic links are not followed, so a
//! link loop cannot hang the scan; anything that is not a regular file is never opened.
//! `--exclude` prunes paths relative to the folder; `--glob` picks files by name or by
//! relative path. Files of formats nianbao cannot read (PDF, .doc…) are collected so
//! that the CLI lists them once, with what to do.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use super::glob;
use super::{EXTENSIONS, Input, LoadError, LoadErrorKind, file_kind, glob_match};

/// How folders are scanned.
#[derive(Clone, Debug, Default)]
pub struct ScanOptions {
    /// `--glob`: in folders, take the files matching one of these instead of the report
    /// extensions. A pattern without `/` is matched against the file name (`*.docx`),
    /// one with `/` against the path relative to the folder (`2024/**/*.docx`).
    pub globs: Vec<String>,
    /// `--exclude`: leave out files and folders matching one of these, relative to the
    /// folder (`node_modules`, `drafts/**`, `**/草稿/*.txt`); a pattern without `/`
    /// matches a file or folder name at any depth, as in `.gitignore`.
    pub excludes: Vec<String>,
    /// `--force-exclude`: files named on the command line are treated like files found
    /// in a folder: `--exclude` applies to them (relative to the current folder), and
    /// the CLI takes one that is not a report for a note, not a failure (for pre-commit,
    /// which names the staged files).
    pub force_exclude: bool,
}

/// Why a file or folder in a folder was not taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SkipReason {
    /// A symbolic link: links are not followed inside folders (a link could lead out
    /// of the folder, or in a circle); name the file itself to check it.
    Symlink,
    /// Not a regular file (what it is: a FIFO, a socket…); never opened.
    NotRegular(&'static str),
    /// An ignore file (`.gitignore`, `.ignore`) that could not be read entirely: the
    /// reason. The rest of it still applies.
    BadIgnoreFile(String),
    /// An ignore file that is not a regular file (what it is: a FIFO…), which the
    /// `ignore` crate would open and wait on forever: the folder is scanned without
    /// ignore files.
    SpecialIgnoreFile(&'static str),
}

/// A file or folder left out while expanding a folder, reported to the user.
#[derive(Clone, Debug)]
pub struct Skipped {
    pub path: String,
    pub reason: SkipReason,
}

/// A file format that nianbao cannot read but that may well hold a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Unsupported {
    Pdf,
    /// Old Word, WPS, RTF, OpenDocument text.
    OldDocument,
    /// Excel, WPS spreadsheets, OpenDocument spreadsheets.
    Spreadsheet,
    /// OFD, the Chinese fixed-layout format.
    Ofd,
}

impl Unsupported {
    /// The kind a file name suggests, if it is one nianbao cannot read.
    pub fn by_extension(path: &Path) -> Option<Unsupported> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "pdf" => Unsupported::Pdf,
            "doc" | "dot" | "wps" | "wpt" | "rtf" | "odt" | "docm" => Unsupported::OldDocument,
            "xls" | "xlsx" | "xlsm" | "et" | "ods" => Unsupported::Spreadsheet,
            "ofd" => Unsupported::Ofd,
            _ => return None,
        })
    }

    /// What the files are, in Chinese.
    pub fn chinese(self) -> &'static str {
        match self {
            Unsupported::Pdf => "PDF 文件",
            Unsupported::OldDocument => "旧版 Word、WPS 文字或 RTF 文档",
            Unsupported::Spreadsheet => "Excel 或 WPS 表格",
            Unsupported::Ofd => "OFD 版式文件",
        }
    }

    /// What to do to have them checked.
    pub fn help(self) -> &'static str {
        match self {
            Unsupported::Pdf => "先用 `pdftotext -layout 报告.pdf 报告.txt` 转为文本再检查",
            Unsupported::OldDocument => {
                "在 Word 或 WPS 中打开，“另存为” Word 文档（.docx）后再检查"
            }
            Unsupported::Spreadsheet => {
                "nianbao 检查的是完整的年度报告；把统计表放回报告正文，另存为 .docx 后检查报告"
            }
            Unsupported::Ofd => {
                "用 OFD 阅读器打开，导出为 PDF 后用 `pdftotext -layout` 转为文本再检查"
            }
        }
    }
}

/// What the command-line paths expand to.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Each file once, in the order given (folders: sorted), even when named twice.
    pub inputs: Vec<Input>,
    /// Paths that cannot be checked (missing, not a regular file, empty folder).
    pub errors: Vec<LoadError>,
    /// Symbolic links and special files that looked like reports but were left out,
    /// and ignore files that could not be read.
    pub skipped: Vec<Skipped>,
    /// Files in folders that nianbao cannot read, to be listed once with what to do.
    pub unsupported: Vec<(PathBuf, Unsupported)>,
    /// The inputs found in folders (or named with `--force-exclude`), as opposed to
    /// named on the command line.
    found: HashSet<PathBuf>,
}

impl Discovery {
    /// Whether `input` was found in a folder rather than named on the command line:
    /// such a file that turns out not to be a report is a note, not a failure.
    pub fn is_found(&self, input: &Input) -> bool {
        match input {
            Input::File(p) => self.found.contains(p),
            Input::Stdin => false,
        }
    }
}

/// Expands the command-line paths: files as given, folders into their report files.
/// Returns the inputs and the errors (missing paths, empty folders) separately, so
/// that one bad path does not stop the others from being checked.
pub fn discover<P: AsRef<OsStr>>(paths: &[P]) -> (Vec<Input>, Vec<LoadError>) {
    discover_matching(paths, &[])
}

/// `discover`, where folders yield the files matching one of `globs` (see
/// `ScanOptions::globs`) instead of the report extensions. Files named on the command
/// line are always taken.
pub fn discover_matching<P: AsRef<OsStr>>(
    paths: &[P],
    globs: &[String],
) -> (Vec<Input>, Vec<LoadError>) {
    let d = discover_all(paths, globs);
    (d.inputs, d.errors)
}

/// `discover_matching`, also saying what was skipped.
pub fn discover_all<P: AsRef<OsStr>>(paths: &[P], globs: &[String]) -> Discovery {
    let options = ScanOptions {
        globs: globs.to_vec(),
        ..ScanOptions::default()
    };
    discover_with(paths, &options)
}

/// Expands the command-line paths with the given scanning options. Paths need not be
/// UTF-8. Anything that is not a regular file (a FIFO, a device) is refused without
/// being opened.
pub fn discover_with<P: AsRef<OsStr>>(paths: &[P], options: &ScanOptions) -> Discovery {
    let mut out = Discovery::default();
    // A file can be met twice only when several paths are named (a file twice, a file
    // and its folder, nested folders): one folder's walk, which follows no links,
    // yields every file once. Only then are paths resolved to be compared: resolving
    // costs a `readlink` per component of every path of a batch.
    let mut seen: Option<HashSet<PathBuf>> = (paths.len() > 1).then(HashSet::new);
    let mut stdin_taken = false;
    for p in paths {
        let p = p.as_ref();
        if p == "-" {
            if !stdin_taken {
                out.inputs.push(Input::Stdin);
                stdin_taken = true;
            }
            continue;
        }
        let path = Path::new(p);
        let shown = path.display().to_string();
        match fs::metadata(path) {
            Ok(m) if m.is_dir() => scan_folder(path, options, &mut out, &mut seen),
            Ok(m) if m.is_file() => {
                if options.force_exclude {
                    if excluded(&options.excludes, &relative_path(path, Path::new(""))) {
                        continue;
                    }
                    if let Some(kind) = Unsupported::by_extension(path) {
                        out.unsupported.push((path.to_path_buf(), kind));
                        continue;
                    }
                    out.found.insert(path.to_path_buf());
                }
                take(&mut out, &mut seen, path.to_path_buf());
            }
            Ok(m) => out.errors.push(LoadError::new(
                shown,
                LoadErrorKind::NotRegular(file_kind(&m.file_type())),
            )),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                out.errors
                    .push(LoadError::new(shown, LoadErrorKind::NotFound));
            }
            Err(e) => out.errors.push(LoadError::new(shown, LoadErrorKind::Io(e))),
        }
    }
    out
}

/// Adds a file unless it was taken already (named twice, or named and inside a named
/// folder): each file is checked once. `seen` is `None` when no file can come twice.
fn take(out: &mut Discovery, seen: &mut Option<HashSet<PathBuf>>, path: PathBuf) -> bool {
    if let Some(seen) = seen {
        let key = fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if !seen.insert(key) {
            return false;
        }
    }
    out.inputs.push(Input::File(path));
    true
}

fn scan_folder(
    root: &Path,
    options: &ScanOptions,
    out: &mut Discovery,
    seen: &mut Option<HashSet<PathBuf>>,
) {
    let shown = root.display().to_string();
    let mut walker = ignore::WalkBuilder::new(root);
    walker
        .follow_links(false)
        .sort_by_file_name(|a, b| a.cmp(b));
    // The `ignore` crate opens the ignore files of every folder it enters (even one it
    // is told to skip), and opening a FIFO waits forever: when one of them is not a
    // regular file, walk without ignore files.
    if let Some((file, what)) = special_ignore_file_in(root) {
        out.skipped.push(Skipped {
            path: file.display().to_string(),
            reason: SkipReason::SpecialIgnoreFile(what),
        });
        walker
            .ignore(false)
            .git_ignore(false)
            .git_exclude(false)
            .parents(false);
    }
    if !options.excludes.is_empty() {
        let excludes = options.excludes.clone();
        let base = root.to_path_buf();
        // Pruned here, so an excluded folder (node_modules) is not even listed.
        walker.filter_entry(move |e| {
            e.depth() == 0 || !excluded(&excludes, &relative_path(e.path(), &base))
        });
    }
    let mut found = 0;
    for entry in walker.build() {
        let e = match entry {
            Ok(e) => e,
            Err(err) => {
                match walk_error(err, &shown) {
                    Ok(error) => out.errors.push(error),
                    Err(skip) => out.skipped.push(skip),
                }
                continue;
            }
        };
        if let Some(err) = e.error() {
            // An ignore file with a line that cannot be read: the others still apply.
            out.skipped.push(Skipped {
                path: e.path().display().to_string(),
                reason: SkipReason::BadIgnoreFile(err.to_string()),
            });
        }
        if e.depth() == 0 {
            continue;
        }
        let Some(kind) = e.file_type() else {
            continue;
        };
        if kind.is_dir() {
            continue;
        }
        let path = e.path();
        let wanted = if options.globs.is_empty() {
            has_report_extension(path)
        } else {
            let rel = relative_path(path, root);
            options.globs.iter().any(|g| glob_selects(g, &rel))
        };
        if !wanted {
            if options.globs.is_empty()
                && kind.is_file()
                && let Some(u) = Unsupported::by_extension(path)
            {
                out.unsupported.push((path.to_path_buf(), u));
            }
            continue;
        }
        let skip = |reason| Skipped {
            path: path.display().to_string(),
            reason,
        };
        if kind.is_symlink() {
            out.skipped.push(skip(SkipReason::Symlink));
        } else if kind.is_file() {
            found += 1;
            let path = e.into_path();
            out.found.insert(path.clone());
            take(out, seen, path);
        } else {
            // A FIFO or a socket named like a report: never opened (a FIFO would wait
            // for a writer forever).
            match fs::symlink_metadata(path) {
                Ok(m) => out
                    .skipped
                    .push(skip(SkipReason::NotRegular(file_kind(&m.file_type())))),
                Err(_) => out.skipped.push(skip(SkipReason::NotRegular("特殊文件"))),
            }
        }
    }
    if found == 0 {
        out.errors
            .push(LoadError::new(shown, LoadErrorKind::NoReportFiles));
    }
}

/// The files the `ignore` crate opens in a folder it enters.
const IGNORE_FILES: &[&str] = &[".ignore", ".gitignore", ".git/info/exclude"];

/// An ignore file of `dir` that is neither a file nor a folder (a FIFO would make the
/// walker wait forever when it opens it), and what it is.
fn special_ignore_file(dir: &Path) -> Option<(PathBuf, &'static str)> {
    IGNORE_FILES.iter().find_map(|name| {
        let p = dir.join(name);
        let m = fs::metadata(&p).ok()?;
        (!m.is_file() && !m.is_dir()).then(|| (p, file_kind(&m.file_type())))
    })
}

/// The first ignore file under `root` or in a folder above it that is not a regular
/// file: a listing of the folders (file types come with it) and three stats per
/// folder, none per file.
fn special_ignore_file_in(root: &Path) -> Option<(PathBuf, &'static str)> {
    let above = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    if let Some(hit) = above.ancestors().find_map(special_ignore_file) {
        return Some(hit);
    }
    let mut all = ignore::WalkBuilder::new(root);
    all.standard_filters(false).follow_links(false);
    all.filter_entry(|e| e.file_name() != ".git");
    all.build().flatten().find_map(|e| {
        let dir = e.file_type()?.is_dir() && e.depth() > 0;
        dir.then(|| special_ignore_file(e.path()))?
    })
}

/// A walk error: an I/O error (a folder that cannot be read) is an error of the run; a
/// problem with an ignore file is a note.
fn walk_error(err: ignore::Error, root: &str) -> Result<LoadError, Skipped> {
    let path = error_path(&err).map_or_else(|| root.to_string(), |p| p.display().to_string());
    if err.io_error().is_some() {
        let message = err.to_string();
        let io = match err.into_io_error() {
            Some(io) => io,
            None => std::io::Error::other(message),
        };
        Ok(LoadError::new(path, LoadErrorKind::Io(io)))
    } else {
        Err(Skipped {
            path,
            reason: SkipReason::BadIgnoreFile(err.to_string()),
        })
    }
}

fn error_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithLineNumber { err, .. } | ignore::Error::WithDepth { err, .. } => {
            error_path(err)
        }
        ignore::Error::Partial(errs) => errs.iter().find_map(error_path),
        _ => None,
    }
}

/// `path` relative to `base`, with `/` separators (the path itself when it is not
/// under `base`).
fn relative_path(path: &Path, base: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    rel.components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn excluded(excludes: &[String], relative: &str) -> bool {
    !relative.is_empty() && excludes.iter().any(|g| glob::matches(g, relative))
}

/// `--glob`: a pattern without `/` matches the file name, one with `/` the path
/// relative to the folder (`**` spans folders).
fn glob_selects(pattern: &str, relative: &str) -> bool {
    let pattern = pattern.trim_start_matches("./");
    if pattern.contains('/') {
        glob::matches(pattern, relative)
    } else {
        let name = relative.rsplit('/').next().unwrap_or(relative);
        glob_match(pattern, name)
    }
}

fn has_report_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_take_names_or_relative_paths() {
        assert!(glob_selects("*.docx", "2024/年报.DOCX"));
        assert!(glob_selects("2024/*.docx", "2024/年报.docx"));
        assert!(!glob_selects("2024/*.docx", "2023/年报.docx"));
        assert!(glob_selects("**/终稿/*", "a/终稿/年报.txt"));
        assert!(!glob_selects("2024", "2024/年报.txt"));
    }

    #[test]
    fn excludes_prune_folders_at_any_depth() {
        let ex = vec!["node_modules".to_string(), "drafts/**".to_string()];
        assert!(excluded(&ex, "node_modules"));
        assert!(excluded(&ex, "site/node_modules/x.html"));
        assert!(excluded(&ex, "drafts/a.txt"));
        assert!(!excluded(&ex, "final/drafts.txt"));
        assert!(!excluded(&ex, ""));
    }

    #[test]
    fn unreadable_formats_are_recognised_by_extension() {
        assert_eq!(
            Unsupported::by_extension(Path::new("a/报告.PDF")),
            Some(Unsupported::Pdf)
        );
        assert_eq!(
            Unsupported::by_extension(Path::new("报告.wps")),
            Some(Unsupported::OldDocument)
        );
        assert_eq!(Unsupported::by_extension(Path::new("报告.docx")), None);
    }
}
