//! Load: turns command-line paths into report texts. A folder means every report file
//! under it (`*.txt`, `*.md`, `*.html`, `*.htm`, `*.docx`), in sorted order, scanned as
//! ripgrep does (`scan`); `-` is standard input. Text comes in any common encoding (`encoding`); web pages (`html`)
//! and Word documents (`docx`) are rendered to the plain text the parser reads
//! (`layout`), with a `SourceInfo` (`source`) that maps it back to the file so that
//! diagnostics point to places the user can find. Anything that cannot be read becomes
//! a `LoadError` that says what is wrong and what to do.

pub mod docx;
pub mod docx_comments;
pub mod encoding;
pub mod glob;
pub mod hanzi;
pub mod html;
pub mod layout;
pub mod scan;
pub mod source;

use std::borrow::Cow;
use std::fmt;
use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

pub use scan::{
    Discovery, ScanOptions, SkipReason, Skipped, Unsupported, discover, discover_all,
    discover_matching, discover_with,
};
pub use source::{Origin, SourceInfo, SourceKind, SourceMap};

/// Extensions picked up when a folder is given.
pub const EXTENSIONS: &[&str] = &[
    "txt", "md", "markdown", "html", "htm", "xhtml", "shtml", "docx",
];

/// Largest text, Markdown or web page read by default (a report is well under 1 MB;
/// a page with a large table of other data, tens of MB). A larger file is refused
/// from its size, before it is read: reading and checking take up to 5 times a
/// file's size in memory. `NIANBAO_MAX_FILE_MB` changes the limit (`max_text_bytes`).
pub const MAX_TEXT_BYTES: u64 = 64 * 1024 * 1024;

/// The environment variable that sets the size limit of text files and web pages,
/// in MB (Word documents: `docx::MAX_FILE_BYTES`).
pub const MAX_FILE_MB_VAR: &str = "NIANBAO_MAX_FILE_MB";

/// The size limit of text files and web pages: `NIANBAO_MAX_FILE_MB` when set to a
/// whole number of MB from 1 to 4096, else `MAX_TEXT_BYTES`.
pub fn max_text_bytes() -> u64 {
    std::env::var(MAX_FILE_MB_VAR)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|mb| (1..=4096).contains(mb))
        .map_or(MAX_TEXT_BYTES, |mb| mb << 20)
}

/// The size limit for a file that `format` suggests: Word documents may carry
/// photos, and only their text part is decompressed (with its own cap).
fn max_file_bytes(format: Option<Format>) -> u64 {
    match format {
        Some(Format::Docx) => docx::MAX_FILE_BYTES,
        _ => max_text_bytes(),
    }
}

/// How a file is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Html,
    Docx,
}

impl Format {
    /// A format by name, for `--from`.
    pub fn parse(name: &str) -> Option<Format> {
        match name.trim().to_ascii_lowercase().as_str() {
            "txt" | "text" => Some(Format::Text),
            "md" | "markdown" => Some(Format::Markdown),
            "html" | "htm" => Some(Format::Html),
            "docx" | "word" => Some(Format::Docx),
            _ => None,
        }
    }

    /// The format a file name suggests (`None` for an unknown extension).
    pub fn by_extension(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "md" | "markdown" => Some(Format::Markdown),
            "html" | "htm" | "xhtml" | "shtml" => Some(Format::Html),
            "docx" => Some(Format::Docx),
            "txt" => Some(Format::Text),
            _ => None,
        }
    }
}

/// What the user said about how to read the inputs.
#[derive(Clone, Copy, Debug, Default)]
pub struct LoadOptions {
    /// `--from`: the format, whatever the file name says.
    pub format: Option<Format>,
    /// `--encoding`: the text encoding, instead of detecting it.
    pub encoding: Option<&'static encoding_rs::Encoding>,
}

/// A report's text and where it came from.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub text: String,
    pub source: SourceInfo,
}

/// Why a .docx file could not be read.
#[derive(Debug)]
pub enum DocxProblem {
    /// The zip archive is damaged (the detail, from the zip reader).
    Corrupt(String),
    /// Protected with a password.
    Encrypted,
    /// A zip that is not a Word document: what it is.
    NotDocx(&'static str),
    /// Over a safety limit: what, and the limit in MB.
    TooLarge {
        what: &'static str,
        limit_mb: u64,
    },
    TooManyEntries {
        found: usize,
        limit: usize,
    },
}

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
    /// Not a regular file (what it is: a FIFO, a device…); never opened, since
    /// reading a FIFO would wait forever.
    NotRegular(&'static str),
    Io(std::io::Error),
    NoReportFiles,
    Empty,
    /// A known binary format (its name), or `None` for unknown binary data.
    Binary(Option<&'static str>),
    NotUtf8 {
        offset: usize,
    },
    /// Not valid in the encoding it was read with (given or detected).
    Malformed {
        encoding: &'static str,
        offset: usize,
    },
    /// Neither UTF-8, UTF-16, GBK/GB18030 nor Big5; the closest guess.
    UnknownEncoding {
        guess: &'static str,
        offset: usize,
    },
    /// A file too large to be a report.
    TooLarge {
        limit_mb: u64,
    },
    Docx(DocxProblem),
    /// A web page nesting tables deeper than `limit` levels.
    TooDeep {
        limit: usize,
    },
    /// A web page with a table of more than `limit` cells.
    TooManyCells {
        limit: usize,
    },
    /// Old Word (.doc) or an encrypted Office file.
    OldOffice {
        encrypted: bool,
    },
    /// A web page or Word document with no text (what it is).
    NoText(&'static str),
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
            LoadErrorKind::NotRegular(what) => {
                format!("`{p}` 是{what}，不是普通文件，不能作为报告读取")
            }
            LoadErrorKind::Io(e) => format!("无法读取 `{p}`：{}", io_reason(e)),
            LoadErrorKind::NoReportFiles => {
                format!(
                    "目录 `{p}` 中没有 .txt 或 .md 文件（也没有 .docx、.html、.htm、.xhtml 文件）"
                )
            }
            LoadErrorKind::Empty => format!("`{p}` 是空文件"),
            LoadErrorKind::Binary(Some(kind)) => format!("`{p}` 是{kind}，不是文本文件"),
            LoadErrorKind::Binary(None) => format!("`{p}` 是二进制文件，不是文本文件"),
            LoadErrorKind::NotUtf8 { offset } => {
                format!(
                    "`{p}` 不是有效的 UTF-8 文本（从第 {} 个字节起无法解码）",
                    offset + 1
                )
            }
            LoadErrorKind::Malformed { encoding, offset } => format!(
                "`{p}` 不是有效的 {encoding} 文本（从第 {} 个字节起无法解码）",
                offset + 1
            ),
            LoadErrorKind::UnknownEncoding { guess, offset } => format!(
                "无法识别 `{p}` 的文字编码：从第 {} 个字节起不是 UTF-8，也不像 GBK/GB18030、UTF-16 或 Big5（最接近 {guess}）",
                offset + 1
            ),
            LoadErrorKind::TooLarge { limit_mb } => {
                format!("`{p}` 超过 {limit_mb} MB，不像是一份年度报告")
            }
            LoadErrorKind::Docx(d) => match d {
                DocxProblem::Corrupt(detail) => {
                    format!("`{p}` 不是完好的 Word 文档（.docx），文件已损坏：{detail}")
                }
                DocxProblem::Encrypted => format!("`{p}` 设置了打开密码，无法读取"),
                DocxProblem::NotDocx(what) => {
                    format!("`{p}` 是{what}，不是 Word 文档（.docx）")
                }
                DocxProblem::TooLarge { what, limit_mb } => format!(
                    "`{p}` 的{what}超过 {limit_mb} MB，不像是一份年度报告（可能是恶意构造的压缩包）"
                ),
                DocxProblem::TooManyEntries { found, limit } => {
                    format!("`{p}` 中有 {found} 个压缩条目，超过上限 {limit}，不像是 Word 文档")
                }
            },
            LoadErrorKind::OldOffice { encrypted: true } => {
                format!("`{p}` 是加密的 Office 文档（设置了打开密码），无法读取")
            }
            LoadErrorKind::OldOffice { encrypted: false } => {
                format!("`{p}` 是旧版 Word/Office 文件（.doc），无法直接读取")
            }
            LoadErrorKind::NoText(what) => format!("`{p}` 是{what}，但其中没有文字"),
            LoadErrorKind::TooDeep { limit } => format!(
                "`{p}` 中的表格嵌套超过 {limit} 层，不像是一份年度报告（可能是恶意构造的网页）"
            ),
            LoadErrorKind::TooManyCells { limit } => format!(
                "`{p}` 中有一张表格超过 {limit} 个单元格，不像是一份年度报告（年度报告的统计表只有几百个单元格）"
            ),
            LoadErrorKind::NotAReport => {
                format!("`{p}` 中找不到政府信息公开年度报告的章节或统计表")
            }
        }
    }

    /// What the user can do about it.
    pub fn help(&self) -> Option<String> {
        Some(match &self.kind {
            LoadErrorKind::NotFound => "检查路径是否正确".into(),
            LoadErrorKind::NotRegular(_) => {
                "把报告保存为文件后再检查；要从管道读入，用 `-` 表示标准输入".into()
            }
            LoadErrorKind::NoReportFiles => {
                "把报告保存为 .txt、.md、.docx 或 .html 文件后再检查".into()
            }
            LoadErrorKind::Empty => "确认文件已保存了报告内容".into(),
            LoadErrorKind::Binary(Some("PDF 文件")) => {
                "先用 `pdftotext -layout 报告.pdf 报告.txt` 转为文本再检查".into()
            }
            LoadErrorKind::Binary(_) => {
                "请把报告另存为 Word 文档（.docx）或纯文本（.txt）后再检查".into()
            }
            LoadErrorKind::NotUtf8 { .. } | LoadErrorKind::Malformed { .. } => format!(
                "用 `--encoding` 指定正确的编码（{}），或用记事本、WPS “另存为” UTF-8 编码后再检查",
                encoding::NAMES
            ),
            LoadErrorKind::UnknownEncoding { .. } => format!(
                "若知道文件的编码，用 `--encoding` 指定（{}）；否则用记事本或 WPS “另存为” UTF-8 编码后再检查",
                encoding::NAMES
            ),
            LoadErrorKind::TooLarge { .. } => format!(
                "确认选对了文件；确是要检查的文件时，可用环境变量 {MAX_FILE_MB_VAR} 放宽上限（单位 MB），如 {MAX_FILE_MB_VAR}=200"
            ),
            LoadErrorKind::TooDeep { .. } | LoadErrorKind::TooManyCells { .. } => {
                "确认选对了文件".into()
            }
            LoadErrorKind::Docx(DocxProblem::Encrypted)
            | LoadErrorKind::OldOffice { encrypted: true } => {
                "在 Word 或 WPS 中取消密码（文件 → 信息 → 保护文档），另存后再检查".into()
            }
            LoadErrorKind::Docx(DocxProblem::NotDocx(_)) => {
                "在 Word 或 WPS 中打开报告，“另存为” Word 文档（.docx）后再检查".into()
            }
            LoadErrorKind::Docx(_) => {
                "用 Word 或 WPS 打开并重新保存为 .docx；打不开时，从原始文稿重新导出".into()
            }
            LoadErrorKind::OldOffice { encrypted: false } => {
                "在 Word 或 WPS 中“另存为” Word 文档（.docx）后再检查".into()
            }
            LoadErrorKind::NoText(_) => "确认选对了文件；报告是扫描图片时，需要先做文字识别".into(),
            LoadErrorKind::NotAReport => {
                "年度报告应有“一、总体情况”等六个部分和三张统计表；确认选对了文件".into()
            }
            LoadErrorKind::Io(_) => return None,
        })
    }
}

/// An I/O error in Chinese: the usual causes by name, else the system's words.
fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::PermissionDenied => "没有读取权限（请检查文件的权限设置）".into(),
        K::IsADirectory => "这是一个目录".into(),
        K::InvalidData => format!("数据无效（{e}）"),
        K::Interrupted => "读取被中断".into(),
        _ if e.raw_os_error() == Some(40) => "符号链接层数过多（可能形成了循环）".into(),
        _ => format!("系统错误：{e}"),
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for LoadError {}

/// What a file that is not a regular file or a folder is, in Chinese.
pub(crate) fn file_kind(t: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "命名管道（FIFO）";
        }
        if t.is_socket() {
            return "套接字（socket）";
        }
        if t.is_char_device() || t.is_block_device() {
            return "设备文件";
        }
    }
    let _ = t;
    "特殊文件"
}

/// Shell-style matching of a file name: `*` any run of characters, `?` one character;
/// letters compare case-insensitively (`*.DOCX` is `*.docx`). Linear in practice: the
/// classic backtracking to the last `*` only.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().flat_map(char::to_lowercase).collect();
    let n: Vec<char> = name.chars().flat_map(char::to_lowercase).collect();
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ni));
            pi += 1;
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            ni = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Reads an input and decodes it to text, whatever its format (for library users who
/// need no positions in the original; `load` gives those too).
pub fn read(input: &Input) -> Result<String, LoadError> {
    load(input, &LoadOptions::default()).map(|l| l.text)
}

/// Reads an input: its text, and where that text came from.
pub fn load(input: &Input, opts: &LoadOptions) -> Result<Loaded, LoadError> {
    let name = input.name();
    let hint = match input {
        Input::File(p) => Format::by_extension(p),
        Input::Stdin => None,
    };
    let limit = max_file_bytes(opts.format.or(hint));
    let bytes = match input {
        Input::Stdin => read_stdin(&name, limit)?,
        Input::File(path) => {
            let (mut file, len) = open_file(path, &name, limit)?;
            let zip_allowed = matches!(opts.format, None | Some(Format::Docx));
            match read_unless_zip(&mut file, len, limit, zip_allowed)
                .map_err(|e| io_error(&name, e))?
            {
                // A Word document is read from the file, not from a copy of it: only
                // its central directory and the parts read are ever in memory.
                None => return load_zip_file(&name, file, limit),
                Some(buf) if buf.len() as u64 > limit => return Err(too_large(&name, limit)),
                Some(buf) => buf,
            }
        }
    };
    from_cow(&name, Cow::Owned(bytes), hint, opts)
}

fn too_large(name: &str, limit: u64) -> LoadError {
    LoadError::new(
        name,
        LoadErrorKind::TooLarge {
            limit_mb: limit >> 20,
        },
    )
}

fn io_error(name: &str, e: std::io::Error) -> LoadError {
    let kind = if e.kind() == std::io::ErrorKind::NotFound {
        LoadErrorKind::NotFound
    } else {
        LoadErrorKind::Io(e)
    };
    LoadError::new(name, kind)
}

/// Standard input, whole (it cannot seek), up to `limit` bytes.
fn read_stdin(name: &str, limit: u64) -> Result<Vec<u8>, LoadError> {
    let mut buf = Vec::new();
    std::io::stdin()
        .lock()
        .take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(|e| io_error(name, e))?;
    if buf.len() as u64 > limit {
        return Err(too_large(name, limit));
    }
    Ok(buf)
}

/// Opens a regular file of at most `limit` bytes; with its length.
fn open_file(path: &Path, name: &str, limit: u64) -> Result<(fs::File, u64), LoadError> {
    // Look before opening: opening a FIFO waits for a writer forever, and a file
    // over the cap is refused without reading it.
    let meta = fs::metadata(path).map_err(|e| io_error(name, e))?;
    if !meta.is_file() {
        let kind = LoadErrorKind::NotRegular(file_kind(&meta.file_type()));
        return Err(LoadError::new(name, kind));
    }
    if meta.len() > limit {
        return Err(too_large(name, limit));
    }
    let file = fs::File::open(path).map_err(|e| io_error(name, e))?;
    Ok((file, meta.len()))
}

/// The whole of an open file (its length `len` as its metadata said), up to `limit`
/// bytes and one more (to tell a file that grew past the cap); `None`, with the file
/// back at its start, when `zip_allowed` and the file begins as a zip archive does.
/// The first read takes up to `FIRST_READ` bytes, the whole of a typical report: one
/// read and one to see the end, no separate look at the first bytes and no seek back.
fn read_unless_zip(
    file: &mut fs::File,
    len: u64,
    limit: u64,
    zip_allowed: bool,
) -> std::io::Result<Option<Vec<u8>>> {
    // Room for the whole file at once (no doubling while reading it), but only for
    // the first read until the file is known not to be a Word document.
    let room = |bytes: u64| usize::try_from(bytes).unwrap_or(0).saturating_add(1);
    let first = FIRST_READ.min(limit + 1);
    let mut buf = Vec::with_capacity(room(len.min(first)));
    // `take` + `read_to_end`: short reads and interruptions are std's to handle.
    file.by_ref().take(first).read_to_end(&mut buf)?;
    if zip_allowed && is_zip(&buf) {
        file.seek(SeekFrom::Start(0))?;
        return Ok(None);
    }
    if buf.len() as u64 == first {
        buf.reserve_exact(room(len.min(limit).saturating_sub(first)));
        file.by_ref()
            .take(limit + 1 - first)
            .read_to_end(&mut buf)?;
    }
    Ok(Some(buf))
}

/// The most read before a file is known not to be a zip archive (a Word document
/// is then read from the file, in small pieces).
const FIRST_READ: u64 = 64 << 10;

/// A Word document read from its file (see `docx::load_from`), refused as
/// `read_unless_zip` would refuse its bytes.
fn load_zip_file(name: &str, mut file: fs::File, limit: u64) -> Result<Loaded, LoadError> {
    // The length now, not when its metadata was read: the archive is read to its end.
    let len = file
        .seek(SeekFrom::End(0))
        .and_then(|len| file.seek(SeekFrom::Start(0)).map(|_| len))
        .map_err(|e| io_error(name, e))?;
    if len > limit {
        return Err(too_large(name, limit));
    }
    let reader = std::io::BufReader::with_capacity(ZIP_BUFFER, file);
    let loaded = docx::load_from(name, reader, len)?;
    if loaded.text.trim().is_empty() {
        return Err(LoadError::new(name, LoadErrorKind::Empty));
    }
    Ok(loaded)
}

/// The read buffer of a Word document read from its file (the central directory
/// is read in small pieces; the parts are inflated through buffers of their own).
const ZIP_BUFFER: usize = 32 << 10;

/// Known binary formats by their first bytes.
const MAGIC: &[(&[u8], &str)] = &[
    (b"%PDF", "PDF 文件"),
    (b"\x89PNG", "PNG 图片"),
    (b"\xFF\xD8\xFF", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
    (b"\x7FELF", "可执行文件"),
    (b"Rar!", "RAR 压缩包"),
    (b"7z\xBC\xAF", "7z 压缩包"),
    (b"{\\rtf", "RTF 文档"),
];

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const ZIP_EMPTY_MAGIC: &[u8] = b"PK\x05\x06";
/// True when `bytes` begin as a zip archive (a Word document) does.
fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(ZIP_EMPTY_MAGIC)
}

/// OLE compound files: old Office (.doc, .xls) and password-protected .docx.
const CFB_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Reads the bytes of a report named `name`. `hint` is the format its name suggests;
/// the content decides when it is unmistakable (a zip, a known binary format).
pub fn from_bytes(
    name: &str,
    bytes: &[u8],
    hint: Option<Format>,
    opts: &LoadOptions,
) -> Result<Loaded, LoadError> {
    from_cow(name, Cow::Borrowed(bytes), hint, opts)
}

/// `from_bytes`, for bytes that are either lent or given away: a UTF-8 text or page
/// given away becomes the text itself (not a copy), so that reading a file does not
/// hold it twice.
fn from_cow(
    name: &str,
    bytes: Cow<'_, [u8]>,
    hint: Option<Format>,
    opts: &LoadOptions,
) -> Result<Loaded, LoadError> {
    if bytes.is_empty() {
        return Err(LoadError::new(name, LoadErrorKind::Empty));
    }
    let is_zip = is_zip(&bytes);
    let format = match opts.format {
        Some(f) => f,
        None if is_zip => Format::Docx,
        None => {
            if bytes.starts_with(CFB_MAGIC) {
                let encrypted = contains_utf16(&bytes, "EncryptedPackage");
                return Err(LoadError::new(name, LoadErrorKind::OldOffice { encrypted }));
            }
            if let Some((_, kind)) = MAGIC.iter().find(|(m, _)| bytes.starts_with(m)) {
                return Err(LoadError::new(name, LoadErrorKind::Binary(Some(kind))));
            }
            hint.unwrap_or(Format::Text)
        }
    };
    let loaded = match format {
        Format::Docx if !is_zip => {
            return Err(LoadError::new(
                name,
                LoadErrorKind::Docx(DocxProblem::Corrupt("内容不是 zip 压缩格式".into())),
            ));
        }
        Format::Docx => docx::load(name, &bytes)?,
        Format::Html => html::load(name, bytes, opts.encoding)?,
        Format::Text | Format::Markdown => {
            // A web page saved as text is read as a page. A page's own
            // `<meta charset>` decides how bytes that are not UTF-8 are read: with
            // one, the text is decoded from the bytes once more (rare); without, a
            // page decodes as the text did.
            let sniff = opts.format.is_none() && format == Format::Text;
            let declared = if sniff {
                html::meta_charset(&bytes)
            } else {
                None
            };
            let (decoded, kept) = if declared.is_some() {
                let decoded = encoding::decode(name, &bytes, opts.encoding, None)?;
                (decoded, Some(bytes))
            } else {
                let decoded = encoding::decode_owned(name, bytes, opts.encoding, None)?;
                (decoded, None)
            };
            if sniff && html::looks_like_html(&decoded.text) {
                match kept {
                    Some(bytes) => html::load(name, bytes, opts.encoding)?,
                    None => html::from_decoded(name, decoded)?,
                }
            } else {
                let kind = if format == Format::Markdown {
                    SourceKind::Markdown
                } else {
                    SourceKind::Text
                };
                Loaded {
                    text: decoded.text,
                    source: SourceInfo::plain(kind, decoded.encoding.name()),
                }
            }
        }
    };
    if loaded.text.trim().is_empty() {
        return Err(LoadError::new(name, LoadErrorKind::Empty));
    }
    Ok(loaded)
}

/// True when `needle` (ASCII) occurs in `bytes` as UTF-16LE.
fn contains_utf16(bytes: &[u8], needle: &str) -> bool {
    let pattern: Vec<u8> = needle.bytes().flat_map(|b| [b, 0]).collect();
    bytes
        .windows(pattern.len())
        .any(|w| w == pattern.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_names_like_a_shell() {
        assert!(glob_match("*.docx", "年报.DOCX"));
        assert!(glob_match("年报-202?.*", "年报-2024.html"));
        assert!(!glob_match("*.docx", "年报.docx.bak"));
        assert!(glob_match("*a*b", "xaxxb"));
        assert!(!glob_match("a?", "a"));
    }

    #[test]
    fn content_decides_over_the_name() {
        let opts = LoadOptions::default();
        let pdf = from_bytes("r.txt", b"%PDF-1.7", Some(Format::Text), &opts);
        assert!(matches!(
            pdf,
            Err(LoadError {
                kind: LoadErrorKind::Binary(Some(_)),
                ..
            })
        ));
        let html = b"<!DOCTYPE html><html><body><p>\xe4\xb8\x80\xe3\x80\x81</p></body></html>";
        let l = from_bytes("r.txt", html, Some(Format::Text), &opts).expect("reads");
        assert_eq!(l.source.kind, SourceKind::Html);
        assert_eq!(l.text, "一、\n");
    }
}
