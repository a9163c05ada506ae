//! `nianbao check --write-baseline FILE` and `--baseline FILE`: a province adopts
//! nianbao on a thousand old reports, records what is found today, and from then on
//! sees only what is new.
//!
//! A finding is identified by its file, its rule and a fingerprint that does not
//! depend on where the finding is: a hash (64-bit FNV-1a, stable across versions and
//! platforms) of the rule id, the flagged text and up to 16 characters on each side
//! of it on its line (white space removed), plus which occurrence of that same hash
//! in the file it is. Lines inserted or removed elsewhere do not change it; editing
//! the flagged text or the text right beside it does.
//!
//! The file is JSON (see README, "Suppressing findings"): `{"version": 1, "findings":
//! [{"path", "rule", "fingerprint", "line", "message"}]}`, sorted by path, line, rule
//! and fingerprint; `line` and `message` are for people, matching uses the other
//! three. Paths are relative to the baseline file's folder (with `/`), so the
//! baseline can be committed and used from any working directory; a file outside
//! that folder keeps its absolute path, standard input is `<stdin>`.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use serde::{Deserialize, Serialize};

use nianbao::report::emit::Summary;
use nianbao::{Counts, Diagnostic, Document, Input};

#[derive(Args)]
pub(super) struct BaselineArgs {
    /// 只报告基线文件中没有的问题（基线文件由 --write-baseline 生成）
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    baseline: Option<PathBuf>,
    /// 把这次发现的全部问题记入基线文件（此后用 --baseline 只看新问题）；不逐条显示问题
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// What the options asked for, once `open` read it.
    #[arg(skip)]
    opened: Baseline,
}

/// The version of the file format.
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

/// One recorded finding.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct Entry {
    path: String,
    rule: String,
    fingerprint: String,
    #[serde(default)]
    line: usize,
    #[serde(default)]
    message: String,
}

/// What the options ask for.
#[derive(Default)]
pub(super) enum Baseline {
    #[default]
    Off,
    /// Hide the findings recorded: per path, (rule, fingerprint) → how many.
    Read {
        file: PathBuf,
        root: PathBuf,
        known: HashMap<String, HashMap<(String, String), usize>>,
    },
    /// Record every finding (and show none).
    Write { file: PathBuf, root: PathBuf },
}

/// What the baseline did to one file's findings.
#[derive(Default)]
pub(super) struct FileBaseline {
    /// The findings not shown (recorded, or found in the baseline).
    pub hidden: Counts,
    /// Write mode: the findings recorded (counted by the summary, not shown).
    pub recorded: Vec<Diagnostic>,
    pub entries: Vec<Entry>,
}

impl FileBaseline {
    /// Adds what this file's baseline hid to the run's summary (unless a new baseline
    /// is being written, whose findings are counted as found) and moves its entries to
    /// the run's record.
    pub fn settle(&mut self, writes: bool, summary: &mut Summary, recorded: &mut Vec<Entry>) {
        if !writes {
            let h = self.hidden;
            summary.hidden += h.errors + h.warnings + h.infos;
        }
        recorded.append(&mut self.entries);
    }
}

/// Why the baseline cannot be used: a message and what to do (exit code 2).
pub(super) struct BaselineError {
    pub file: String,
    pub message: String,
    pub help: Option<String>,
}

impl BaselineArgs {
    /// Reads the baseline to apply, if any; `get` gives it.
    pub fn open(&mut self) -> Result<(), BaselineError> {
        self.opened = self.read()?;
        Ok(())
    }

    pub fn get(&self) -> &Baseline {
        &self.opened
    }

    fn read(&self) -> Result<Baseline, BaselineError> {
        if let Some(file) = &self.write_baseline {
            return Ok(Baseline::Write {
                root: folder_of(file),
                file: file.clone(),
            });
        }
        let Some(file) = &self.baseline else {
            return Ok(Baseline::Off);
        };
        let shown = file.display().to_string();
        let err = |message: String, help: Option<String>| BaselineError {
            file: shown.clone(),
            message,
            help,
        };
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(err(
                    format!("找不到基线文件 `{shown}`"),
                    Some(format!(
                        "先用 `nianbao check --write-baseline {shown} 报告目录/` 生成基线文件"
                    )),
                ));
            }
            Err(e) => return Err(err(format!("无法读取基线文件 `{shown}`：{e}"), None)),
        };
        let parsed: File = serde_json::from_str(&text).map_err(|e| {
            let what = match e.classify() {
                serde_json::error::Category::Eof => "文件不完整（在结尾处中断）",
                serde_json::error::Category::Syntax => "不是有效的 JSON",
                _ => "不是 nianbao 基线文件的格式（缺少字段或字段类型不对）",
            };
            err(
                format!(
                    "基线文件 `{shown}` 无法使用：{what}（第 {} 行第 {} 列）",
                    e.line(),
                    e.column()
                ),
                Some(
                    "基线文件由 `nianbao check --write-baseline` 生成，不要手工修改；可重新生成"
                        .into(),
                ),
            )
        })?;
        if parsed.version != VERSION {
            return Err(err(
                format!(
                    "基线文件 `{shown}` 的格式版本是 {}，本版 nianbao 只读版本 {VERSION}",
                    parsed.version
                ),
                Some("用本版 nianbao 的 --write-baseline 重新生成".into()),
            ));
        }
        let mut known: HashMap<String, HashMap<(String, String), usize>> = HashMap::new();
        for e in parsed.findings {
            *known
                .entry(e.path)
                .or_default()
                .entry((e.rule, e.fingerprint))
                .or_default() += 1;
        }
        Ok(Baseline::Read {
            root: folder_of(file),
            file: file.clone(),
            known,
        })
    }
}

fn folder_of(file: &Path) -> PathBuf {
    match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

impl Baseline {
    /// Applies the baseline to one file's findings: hides the recorded ones, or
    /// records (and hides) all of them.
    pub fn apply(
        &self,
        input: &Input,
        doc: &Document,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> FileBaseline {
        let mut out = FileBaseline::default();
        match self {
            Baseline::Off => {}
            Baseline::Write { root, .. } => {
                let path = key(root, input);
                for (d, fingerprint) in diagnostics.iter().zip(fingerprints(doc, diagnostics)) {
                    out.entries.push(Entry {
                        path: path.clone(),
                        rule: d.rule.clone(),
                        fingerprint,
                        line: doc.position(d.primary.start).line,
                        message: d.message.clone(),
                    });
                }
                out.hidden = Counts::of(diagnostics);
                out.recorded = std::mem::take(diagnostics);
            }
            Baseline::Read { .. } => {
                let known = self.known(input, doc, diagnostics);
                let mut known = known.into_iter();
                diagnostics.retain(|d| {
                    let hide = known.next().unwrap_or(false);
                    if hide {
                        out.hidden.add(d.severity);
                    }
                    !hide
                });
            }
        }
        out
    }

    /// Which of one file's findings a baseline being read accepts (each recorded
    /// finding accepts one occurrence). A baseline being written accepts none.
    fn known(&self, input: &Input, doc: &Document, diagnostics: &[Diagnostic]) -> Vec<bool> {
        let Baseline::Read { root, known, .. } = self else {
            return vec![false; diagnostics.len()];
        };
        let Some(known) = known.get(&key(root, input)) else {
            return vec![false; diagnostics.len()];
        };
        let mut left = known.clone();
        diagnostics
            .iter()
            .zip(fingerprints(doc, diagnostics))
            .map(|(d, fp)| match left.get_mut(&(d.rule.clone(), fp)) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    true
                }
                _ => false,
            })
            .collect()
    }

    /// For `--fix`: the findings the baseline accepts are left as they are (their fix
    /// is dropped), so fixing never touches what the baseline hides; they are still
    /// returned, and `apply` hides and counts them afterwards.
    pub fn keep_unfixed(&self, input: &Input, doc: &Document, diagnostics: &mut [Diagnostic]) {
        let known = self.known(input, doc, diagnostics);
        for (d, known) in diagnostics.iter_mut().zip(known) {
            if known {
                d.fix = None;
            }
        }
    }

    /// True when the findings are recorded rather than shown: the summary counts them.
    pub fn writes(&self) -> bool {
        matches!(self, Baseline::Write { .. })
    }

    /// Writes the recorded findings (write mode); the line for the summary.
    pub fn finish(&self, mut entries: Vec<Entry>, hidden: usize) -> Result<String, BaselineError> {
        match self {
            Baseline::Off => Ok(String::new()),
            Baseline::Read { file, .. } => Ok(if hidden > 0 {
                format!(
                    "基线文件 {} 中已记录的 {hidden} 个问题未显示（去掉 --baseline 可看到全部问题）\n",
                    file.display()
                )
            } else {
                String::new()
            }),
            Baseline::Write { file, .. } => {
                entries.sort_by(|a, b| {
                    (&a.path, a.line, &a.rule, &a.fingerprint).cmp(&(
                        &b.path,
                        b.line,
                        &b.rule,
                        &b.fingerprint,
                    ))
                });
                let n = entries.len();
                write(
                    file,
                    &File {
                        version: VERSION,
                        findings: entries,
                    },
                )?;
                Ok(format!(
                    "已把这 {n} 个问题记入基线文件 {}，不逐条显示（此后用 --baseline {} 只看新问题）\n",
                    file.display(),
                    file.display()
                ))
            }
        }
    }
}

/// Writes the file through a temporary file in the same folder, so that a baseline
/// is never left half written.
fn write(file: &Path, content: &File) -> Result<(), BaselineError> {
    let shown = file.display().to_string();
    let err = |e: String| BaselineError {
        file: shown.clone(),
        message: format!("无法写入基线文件 `{shown}`：{e}"),
        help: None,
    };
    let mut json = serde_json::to_string_pretty(content).map_err(|e| err(e.to_string()))?;
    json.push('\n');
    let dir = folder_of(file);
    // Ctrl-C waits until the file is renamed (or removed).
    let _busy = super::interrupt::hold();
    let mut tmp = tempfile_in(&dir).map_err(|e| err(e.to_string()))?;
    tmp.1
        .write_all(json.as_bytes())
        .and_then(|()| tmp.1.sync_all())
        .map_err(|e| err(e.to_string()))?;
    drop(tmp.1);
    std::fs::rename(&tmp.0, file).map_err(|e| {
        let _ = std::fs::remove_file(&tmp.0);
        err(e.to_string())
    })
}

/// A new file in `dir` that did not exist.
fn tempfile_in(dir: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    let mut n = std::process::id();
    loop {
        let path = dir.join(format!(".nianbao-baseline-{n}.tmp"));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(f) => return Ok((path, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => n = n.wrapping_add(1),
            Err(e) => return Err(e),
        }
    }
}

/// The path recorded for an input: relative to the baseline's folder when inside it.
fn key(root: &Path, input: &Input) -> String {
    let Input::File(path) = input else {
        return input.name();
    };
    let abs = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let file = abs(path);
    let rel = file
        .strip_prefix(abs(root))
        .map(Path::to_path_buf)
        .unwrap_or(file);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if rel.is_absolute() {
        rel.display().to_string()
    } else {
        parts.join("/")
    }
}

/// Characters of flagged text taken into a fingerprint.
const MAX_CHARS: usize = 200;
/// Characters of its line taken on each side: the place, not the whole line (a web
/// page read as one line would change every fingerprint with any edit).
const CONTEXT: usize = 16;

/// The fingerprint of each finding of a document, in order.
pub(super) fn fingerprints(doc: &Document, diagnostics: &[Diagnostic]) -> Vec<String> {
    let mut seen: HashMap<u64, usize> = HashMap::new();
    diagnostics
        .iter()
        .map(|d| {
            let text = doc.text.as_str();
            let end = d.primary.end.min(text.len());
            let start = d.primary.start.min(end);
            let flagged = text.get(start..end).unwrap_or_default();
            let (start, end) = (floor(text, start), floor(text, end));
            let before: String = {
                let mut v = context(text[..start].chars().rev());
                v.reverse();
                v.into_iter().collect()
            };
            let after: String = context(text[end..].chars()).into_iter().collect();
            let mut h = Fnv::default();
            h.write(d.rule.as_bytes());
            h.write(&[0]);
            h.write(squeeze(flagged).as_bytes());
            h.write(&[0]);
            h.write(before.as_bytes());
            h.write(&[0]);
            h.write(after.as_bytes());
            let base = h.0;
            let n = seen.entry(base).or_default();
            let occurrence = *n;
            *n += 1;
            h.write(&[0]);
            h.write(occurrence.to_string().as_bytes());
            format!("{:016x}", h.0)
        })
        .collect()
}

/// Up to `CONTEXT` characters other than white space from `chars`, on the same line;
/// bounded, so that a page read as one long line costs no more per finding.
fn context(chars: impl Iterator<Item = char>) -> Vec<char> {
    chars
        .take(8 * CONTEXT)
        .take_while(|c| *c != '\n')
        .filter(|c| !c.is_whitespace())
        .take(CONTEXT)
        .collect()
}

fn floor(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Text without white space, at most `MAX_CHARS` characters.
fn squeeze(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .take(MAX_CHARS)
        .collect()
}

/// 64-bit FNV-1a: simple, and the same on every platform and Rust version.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_is_the_standard_one() {
        let mut h = Fnv::default();
        h.write(b"a");
        assert_eq!(h.0, 0xaf63_dc4c_8601_ec8c);
    }
}
