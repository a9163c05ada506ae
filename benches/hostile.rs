//! Hostile sizes (issue 13): time and peak memory must grow linearly with the input,
//! whatever its line structure.
//!
//! `cargo bench --bench hostile` lints and renders (human output, as `nianbao check`
//! does) the example report with its lines joined into one line — a layout scraped
//! from the web — repeated to 256 KB, 1 MB and 4 MB, and a report followed by one
//! line of 1 and 10 million `|` (a wide table). divan prints the time; the peak of
//! live heap bytes during one run, counted by the allocator below, is printed once per
//! input on standard error (`peak heap`), to compare with the input's size.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use nianbao::report::human;
use nianbao::{Linter, Pack};

/// The system allocator, counting live bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded as is.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let grown = new_size - layout.size();
                let live = LIVE.fetch_add(grown, Ordering::Relaxed) + grown;
                PEAK.fetch_max(live, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn main() {
    divan::main();
}

fn linter() -> &'static Linter {
    static L: std::sync::OnceLock<Linter> = std::sync::OnceLock::new();
    L.get_or_init(|| Linter::new(Pack::national().expect("pack")))
}

fn example() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(root.join("examples/report-2024.txt")).expect("example report")
}

/// The example report on one line, repeated to `size` bytes.
fn one_line(size: usize) -> String {
    let joined: String = example().lines().collect();
    let mut out = String::with_capacity(size + joined.len());
    while out.len() < size {
        out.push_str(&joined);
    }
    out
}

/// What `nianbao check` does with one text: lint, then render the findings.
fn check(text: String) -> usize {
    match linter().lint_text("r.txt", text) {
        Ok(o) => {
            let mut buf = human::buffer(false);
            human::render_document(&mut buf, &o.document, &o.diagnostics);
            buf.as_slice().len()
        }
        Err(_) => 0,
    }
}

/// Runs `check` once outside the timing and prints its peak heap use.
fn report_peak(name: &str, text: &str) {
    let _ = linter();
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let input = text.to_string();
    let out = check(input);
    let peak = PEAK.load(Ordering::Relaxed) - before;
    eprintln!(
        "peak heap {name}: {:.1} MB for {:.2} MB of input ({:.1}×), output {:.1} KB",
        peak as f64 / 1048576.0,
        text.len() as f64 / 1048576.0,
        peak as f64 / text.len() as f64,
        out as f64 / 1024.0
    );
}

const KB: usize = 1024;

#[divan::bench(sample_count = 5, args = [256 * KB, 1024 * KB, 4096 * KB])]
fn one_line_report(bencher: divan::Bencher, size: usize) {
    let text = one_line(size);
    report_peak(&format!("one_line_report/{}KB", size / KB), &text);
    bencher.with_inputs(|| text.clone()).bench_values(check);
}

#[divan::bench(sample_count = 3, args = [1_000_000, 10_000_000])]
fn line_of_pipes(bencher: divan::Bencher, pipes: usize) {
    let mut text = example();
    text.push_str(&"|".repeat(pipes));
    report_peak(&format!("line_of_pipes/{pipes}"), &text);
    bencher.with_inputs(|| text.clone()).bench_values(check);
}
