//! Writing results to standard output without swallowing errors. A full disk
//! (`> results.json` on a full partition, `> /dev/full`) must not look like a normal
//! run: the first write error is remembered, reported once in Chinese on standard
//! error, and turns the exit code into 2. A closed pipe (`nianbao check … | head`) is
//! the reader's choice and not an error.

use std::io::{ErrorKind, Write};
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// The first write error, if any.
static FAILURE: Mutex<Option<std::io::Error>> = Mutex::new(None);

/// Set when the reader closed standard output (`| head`): nothing more is written,
/// and `check` stops checking.
static CLOSED: AtomicBool = AtomicBool::new(false);

/// True once the reader of standard output has gone away.
pub fn closed() -> bool {
    CLOSED.load(Ordering::Relaxed)
}

fn record(e: std::io::Error) {
    if e.kind() == ErrorKind::BrokenPipe {
        CLOSED.store(true, Ordering::Relaxed);
        return;
    }
    if let Ok(mut first) = FAILURE.lock()
        && first.is_none()
    {
        *first = Some(e);
    }
}

fn failed() -> bool {
    FAILURE.lock().map(|f| f.is_some()).unwrap_or(true)
}

/// Writes `bytes` to standard output and flushes them, remembering a failure.
pub fn stdout(bytes: &[u8]) {
    if failed() || closed() {
        return;
    }
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(bytes).and_then(|()| out.flush()) {
        record(e);
    }
}

/// The exit code of the run: `code`, or 2 after a failed write (then reported).
pub fn finish(code: ExitCode) -> ExitCode {
    if let Err(e) = std::io::stdout().lock().flush() {
        record(e);
    }
    let Ok(mut first) = FAILURE.lock() else {
        return ExitCode::from(2);
    };
    let Some(e) = first.take() else {
        return code;
    };
    let _ = writeln!(
        std::io::stderr().lock(),
        "错误：无法写出检查结果（标准输出）：{}\n  = 建议：确认输出文件所在的磁盘有空间、有写入权限；结果不完整，请解决后重新运行",
        describe(&e),
    );
    ExitCode::from(2)
}

/// The error in Chinese, with the system's own words after it.
fn describe(e: &std::io::Error) -> String {
    let what = match e.kind() {
        ErrorKind::StorageFull => "磁盘已满",
        ErrorKind::PermissionDenied => "没有写入权限",
        ErrorKind::FileTooLarge => "文件超过系统允许的大小",
        ErrorKind::ReadOnlyFilesystem => "文件系统是只读的",
        _ => "写入失败",
    };
    format!("{what}（{e}）")
}
