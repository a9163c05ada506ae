//! The progress bar of `nianbao check` on a batch (indicatif, on standard error).
//!
//! Shown only when it helps and cannot garble anything: standard error is a terminal,
//! more than one file, not `--quiet`, and the findings do not go to that terminal —
//! they go to `--output FILE` or standard output is redirected
//! (`nianbao check 目录/ --format html > 总览.html`). When the findings scroll on the
//! terminal they are the progress themselves (as with ripgrep and ruff, which draw no
//! bar), and a bar redrawn between lines written by another handle would tear them.
//! Notes the run writes to standard error meanwhile go through `suspend`, which
//! clears the bar, writes, and redraws it.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Whether to draw the bar.
pub fn wanted(
    stderr_tty: bool,
    stdout_tty: bool,
    to_file: bool,
    quiet: bool,
    files: usize,
) -> bool {
    stderr_tty && !quiet && files > 1 && (to_file || !stdout_tty)
}

/// The bar, or nothing.
pub struct Progress(Option<ProgressBar>);

impl Progress {
    pub fn new(files: usize, to_file: bool, quiet: bool) -> Progress {
        let stderr_tty = std::io::stderr().is_terminal();
        let stdout_tty = std::io::stdout().is_terminal();
        if !wanted(stderr_tty, stdout_tty, to_file, quiet, files) {
            return Progress(None);
        }
        let bar = ProgressBar::with_draw_target(
            Some(files as u64),
            ProgressDrawTarget::stderr_with_hz(8),
        );
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} 已检查 {pos}/{len} 份 {wide_bar} 用时 {elapsed} 约剩 {eta} {msg}",
        ) {
            bar.set_style(style.progress_chars("█▉▊▋▌▍▎▏ "));
        }
        bar.enable_steady_tick(Duration::from_millis(250));
        Progress(Some(bar))
    }

    /// One more file done.
    pub fn inc(&self) {
        if let Some(b) = &self.0 {
            b.inc(1);
        }
    }

    /// A stage after the files (the series stage): said in the bar's message.
    pub fn stage(&self, message: &'static str) {
        if let Some(b) = &self.0 {
            b.set_message(message);
        }
    }

    /// Runs `f` (which writes to standard error) with the bar cleared.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.0 {
            Some(b) => b.suspend(f),
            None => f(),
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::wanted;

    #[test]
    fn only_for_batches_whose_findings_do_not_go_to_the_terminal() {
        // Findings to a file or a pipe, stderr a terminal, a batch: shown.
        assert!(wanted(true, false, false, false, 2));
        assert!(wanted(true, true, true, false, 500));
        // Stderr not a terminal (CI, redirected): silent.
        assert!(!wanted(false, false, true, false, 500));
        // Findings on the terminal: they are the progress.
        assert!(!wanted(true, true, false, false, 500));
        // --quiet, one file: silent.
        assert!(!wanted(true, false, true, true, 500));
        assert!(!wanted(true, false, true, false, 1));
    }
}
