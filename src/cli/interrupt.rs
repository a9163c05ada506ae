//! Ctrl-C and `kill` during `nianbao check`: the run stops at once, quietly, and
//! leaves nothing behind. The signal (SIGINT, SIGTERM, SIGHUP; Ctrl-C and closing the
//! console on Windows) is handled on a thread of its own (the `ctrlc` crate), which
//! waits for the file replacements under way to end (`hold`: `--fix`, the baseline,
//! the final rename of `--output`), removes the temporary files still registered
//! (`--output`'s, `register`), writes one line on standard error and exits with 130.
//! Files being checked are not finished and no new one is started; what was already
//! written to standard output stays, as after any interrupted command.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, RwLock, RwLockReadGuard};

/// The exit code of an interrupted run (128 + SIGINT, as shells report it).
pub const EXIT_CODE: i32 = 130;

/// Held (shared) while a file is being replaced; the handler takes it exclusively, so
/// it never exits between writing a temporary file and renaming it.
static BUSY: RwLock<()> = RwLock::new(());

/// Temporary files to remove when the run is interrupted.
static TEMPORARY: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Installs the handler (once; a second call changes nothing). A failure to install
/// it is not worth refusing to run: the signal then ends the process as usual.
pub fn install() {
    let _ = ctrlc::set_handler(stop);
}

/// Marks a file replacement under way: the handler waits until the guard is dropped.
pub fn hold() -> RwLockReadGuard<'static, ()> {
    BUSY.read().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A temporary file to remove if the run is interrupted before `forget`.
pub fn register(path: &Path) {
    if let Ok(mut temps) = TEMPORARY.lock() {
        temps.push(path.to_path_buf());
    }
}

/// The temporary file was renamed or removed: nothing to do for it any more.
pub fn forget(path: &Path) {
    if let Ok(mut temps) = TEMPORARY.lock() {
        temps.retain(|p| p != path);
    }
}

/// The handler: no replacement is half done once `BUSY` is held exclusively, and
/// none starts after it (the process exits holding it).
fn stop() {
    let _busy = BUSY
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let temps = match TEMPORARY.lock() {
        Ok(mut t) => std::mem::take(&mut *t),
        Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
    };
    for tmp in &temps {
        let _ = std::fs::remove_file(tmp);
    }
    let note = if temps.is_empty() {
        "已中断：检查没有完成\n"
    } else {
        "已中断：检查没有完成，结果文件没有写出（原有的文件保持不变）\n"
    };
    super::write_stderr_text(note);
    std::process::exit(EXIT_CODE);
}
