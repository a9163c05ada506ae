//! Load: turns command-line paths into report texts. A folder means every `*.txt` and
//! `*.md` file under it, in sorted order; `-` is standard input. Anything that is not
//! a readable text file becomes a `LoadError` that says what is wrong and what to do.

use std::fmt;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Extensions picked up when a folder is given.
pub const EXTENSIONS: &[&str] = &["txt", "md"];

/// One report to check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    Stdin,
    File(PathBuf),
}

impl Input {
    /// The name shown in diagnostics.
    pub fn name(&self) -> String {
        match self {
            Input::Stdin => "<stdin>".into(),
            Input::File(p) => p.display().to_string(),
        }
    }
}

#[derive(Debug)]
pub enum LoadErrorKind {
    NotFound,
    Io(std::io::Error),
    NoReportFiles,
    Empty,
    /// A known binary format (its name), or `None` for unknown binary data.
    Binary(Option<&'static str>),
    NotUtf8 {
        offset: usize,
    },
    NotAReport,
}

/// Why a path could not be checked. Exit code 2.
#[derive(Debug)]
pub struct LoadError {
    pub path: String,
    pub kind: LoadErrorKind,
}

impl LoadError {
    pub fn new(path: impl Into<String>, kind: LoadErrorKind) -> Self {
        LoadError {
            path: path.into(),
            kind,
        }
    }

    /// One sentence in Chinese.
    pub fn message(&self) -> String {
        let p = &self.path;
        match &self.kind {
            LoadErrorKind::NotFound => format!("找不到 `{p}`"),
            LoadErrorKind::Io(e) => format!("无法读取 `{p}`：{e}"),
            LoadErrorKind::NoReportFiles => format!("目录 `{p}` 中没有 .txt 或 .md 文件"),
            LoadErrorKind::Empty => format!("`{p}` 是空文件"),
            LoadErrorKind::Binary(Some(kind)) => format!("`{p}` 是{kind}，不是文本文件"),
            LoadErrorKind::Binary(None) => format!("`{p}` 是二进制文件，不是文本文件"),
            LoadErrorKind::NotUtf8 { offset } => {
                format!(
                    "`{p}` 不是有效的 UTF-8 文本（从第 {} 个字节起无法解码）",
                    offset + 1
                )
            }
            LoadErrorKind::NotAReport => {
                format!("`{p}` 中找不到政府信息公开年度报告的章节或统计表")
            }
        }
    }

    /// What the user can do about it.
    pub fn help(&self) -> Option<String> {
        Some(match &self.kind {
            LoadErrorKind::NotFound => "检查路径是否正确".into(),
            LoadErrorKind::NoReportFiles => "把报告保存为 .txt 或 .md 文件后再检查".into(),
            LoadErrorKind::Empty => "确认文件已保存了报告内容".into(),
            LoadErrorKind::Binary(Some("PDF 文件")) => {
                "先用 `pdftotext -layout 报告.pdf 报告.txt` 转为文本再检查".into()
            }
            LoadErrorKind::Binary(_) => "请把报告另存为纯文本（.txt）后再检查".into(),
            LoadErrorKind::NotUtf8 { .. } => {
                "文件可能是 GBK/GB18030 编码：请用记事本或 WPS “另存为” UTF-8 编码后再检查".into()
            }
            LoadErrorKind::NotAReport => {
                "年度报告应有“一、总体情况”等六个部分和三张统计表；确认选对了文件".into()
            }
            LoadErrorKind::Io(_) => return None,
        })
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for LoadError {}

/// Expands the command-line paths: files as given, folders into their report files.
/// Returns the inputs and the errors (missing paths, empty folders) separately, so
/// that one bad path does not stop the others from being checked.
pub fn discover(paths: &[String]) -> (Vec<Input>, Vec<LoadError>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if p == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        let path = Path::new(p);
        if path.is_dir() {
            let before = inputs.len();
            let walker = walkdir::WalkDir::new(path)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| {
                    e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')
                });
            for entry in walker {
                match entry {
                    Ok(e) if e.file_type().is_file() && has_report_extension(e.path()) => {
                        inputs.push(Input::File(e.into_path()));
                    }
                    Ok(_) => {}
                    Err(e) => {
                        let at = e
                            .path()
                            .map_or_else(|| p.clone(), |x| x.display().to_string());
                        let io = e
                            .into_io_error()
                            .unwrap_or_else(|| std::io::Error::other("目录遍历失败"));
                        errors.push(LoadError::new(at, LoadErrorKind::Io(io)));
                    }
                }
            }
            if inputs.len() == before {
                errors.push(LoadError::new(p.clone(), LoadErrorKind::NoReportFiles));
            }
        } else if path.exists() {
            inputs.push(Input::File(path.to_path_buf()));
        } else {
            errors.push(LoadError::new(p.clone(), LoadErrorKind::NotFound));
        }
    }
    (inputs, errors)
}

fn has_report_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// Reads an input and decodes it to text.
pub fn read(input: &Input) -> Result<String, LoadError> {
    let name = input.name();
    let bytes = match input {
        Input::Stdin => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| LoadError::new(&name, LoadErrorKind::Io(e)))?;
            buf
        }
        Input::File(path) => fs::read(path).map_err(|e| {
            let kind = if e.kind() == std::io::ErrorKind::NotFound {
                LoadErrorKind::NotFound
            } else {
                LoadErrorKind::Io(e)
            };
            LoadError::new(&name, kind)
        })?,
    };
    decode(&name, bytes)
}

/// Known binary formats by their first bytes.
const MAGIC: &[(&[u8], &str)] = &[
    (b"%PDF", "PDF 文件"),
    (b"PK\x03\x04", "压缩包（如 .docx、.zip）"),
    (b"\xD0\xCF\x11\xE0", "旧版 Office 文件（.doc/.xls）"),
    (b"\x89PNG", "PNG 图片"),
    (b"\xFF\xD8\xFF", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
    (b"\x7FELF", "可执行文件"),
];

/// Decodes the bytes of a report: UTF-8 (a BOM is dropped). Binary data, other
/// encodings and empty files are errors.
pub fn decode(name: &str, bytes: Vec<u8>) -> Result<String, LoadError> {
    if let Some((_, kind)) = MAGIC.iter().find(|(m, _)| bytes.starts_with(m)) {
        return Err(LoadError::new(name, LoadErrorKind::Binary(Some(kind))));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(LoadError::new(name, LoadErrorKind::NotUtf8 { offset: 0 }));
    }
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return Err(LoadError::new(name, LoadErrorKind::Binary(None)));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        LoadError::new(
            name,
            LoadErrorKind::NotUtf8 {
                offset: e.utf8_error().valid_up_to(),
            },
        )
    })?;
    let text = match text.strip_prefix('\u{FEFF}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    if text.trim().is_empty() {
        return Err(LoadError::new(name, LoadErrorKind::Empty));
    }
    Ok(text)
}
