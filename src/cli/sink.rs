//! Where `nianbao check` writes its results: standard output (through `output`,
//! which remembers a failed write), or the file of `--output`, written atomically —
//! into a temporary file beside it, renamed over it only when everything was
//! written, so a reader never sees half a report and a failed run leaves the old
//! file as it was (its permissions are kept). The temporary file is registered with
//! `interrupt`, which removes it when the run is stopped by Ctrl-C or `kill`.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use super::{interrupt, output};

pub enum Sink {
    /// Buffered; flushed to standard output at each document and at the end.
    Stdout(Vec<u8>),
    File {
        dest: PathBuf,
        tmp: PathBuf,
        file: BufWriter<File>,
    },
}

impl Sink {
    pub fn stdout() -> Sink {
        Sink::Stdout(Vec::new())
    }

    /// A temporary file beside `dest`; an error message (Chinese) when it cannot be made.
    pub fn file(dest: &OsString) -> Result<Sink, String> {
        let dest = PathBuf::from(dest);
        let shown = dest.display().to_string();
        if dest.is_dir() {
            return Err(format!(
                "错误：--output 给出的 `{shown}` 是目录\n  = 建议：给出一个文件名，如 --output 结果.sarif\n"
            ));
        }
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "nianbao".into());
        let mut last = None;
        for attempt in 0..100u32 {
            let tmp = dir.join(format!(
                ".{name}.nianbao-{}-{attempt}.tmp",
                std::process::id()
            ));
            match File::options().write(true).create_new(true).open(&tmp) {
                Ok(file) => {
                    interrupt::register(&tmp);
                    return Ok(Sink::File {
                        dest,
                        tmp,
                        file: BufWriter::new(file),
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
                Err(e) => {
                    last = Some(e);
                    break;
                }
            }
        }
        let why = last.map(|e| e.to_string()).unwrap_or_default();
        Err(format!(
            "错误：无法在 `{}` 中写入结果文件 `{shown}`：{why}\n  = 建议：确认目录存在并且有写入权限\n",
            dir.display()
        ))
    }

    /// Ends the output: `written` is how writing went. For a file, renames the
    /// temporary file over the destination when it all went well, else removes it
    /// and returns the error message.
    pub fn close(self, written: io::Result<()>) -> Result<(), String> {
        match self {
            Sink::Stdout(buf) => {
                output::stdout(&buf);
                written.map_err(|e| format!("错误：无法生成检查结果：{e}\n"))
            }
            Sink::File { dest, tmp, file } => {
                // Not interrupted between the rename and forgetting the name.
                let _busy = interrupt::hold();
                let result = written
                    .and_then(|()| file.into_inner().map_err(|e| e.into_error()))
                    .and_then(|f| {
                        keep_permissions(&dest, &f);
                        f.sync_all()
                    })
                    .and_then(|()| std::fs::rename(&tmp, &dest));
                if result.is_err() {
                    let _ = std::fs::remove_file(&tmp);
                }
                interrupt::forget(&tmp);
                result.map_err(|e| {
                    format!(
                        "错误：无法写出结果文件 `{}`：{e}\n  = 建议：确认磁盘有空间、有写入权限；原有的文件没有改动\n",
                        dest.display()
                    )
                })
            }
        }
    }
}

/// Gives the new file the permissions of the file it replaces.
fn keep_permissions(dest: &Path, new: &File) {
    if let Ok(meta) = std::fs::metadata(dest) {
        let _ = new.set_permissions(meta.permissions());
    }
}

impl Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Stdout(buf) => {
                buf.extend_from_slice(bytes);
                if buf.len() >= 1 << 16 {
                    output::stdout(buf);
                    buf.clear();
                }
                Ok(bytes.len())
            }
            Sink::File { file, .. } => file.write(bytes),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Stdout(buf) => {
                output::stdout(buf);
                buf.clear();
                Ok(())
            }
            Sink::File { file, .. } => file.flush(),
        }
    }
}
