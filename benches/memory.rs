//! Peak memory of `nianbao check` against the size of its input, for every format
//! (issue 12: at most 5× the input). `cargo bench --bench memory` generates, in a
//! temporary folder, a large input of each kind — a web page that is mostly large
//! tables, a Word document of many paragraphs and a big table, text and Markdown in
//! UTF-8, text in GBK — runs the real binary on each under `/usr/bin/time -v` and
//! prints the input's size, the peak resident memory and their ratio. Word is also
//! measured on a document of one block repeated (a zip of any ratio) and per byte of
//! its `document.xml` and text, and against the peak on the example report (the
//! binary and the pack: what any run holds).
//!
//! `MEMORY_MB` sets the size of the inputs (default 50; the Word document is sized
//! by its `document.xml`, which the reader caps at 64 MB); `MEMORY_ONLY=html,docx`
//! measures only those (`html`, `docx`, `txt`, `md`, `gbk`); `NIANBAO_BIN` measures
//! another binary. `cargo test --bench memory`
//! runs the same against the debug binary (slower, about the same memory). Skips
//! (and says so) when `/usr/bin/time` is missing. Nothing large is kept: the folder
//! is removed at the end.

#[path = "../tests/common/convert.rs"]
mod convert;

use std::path::Path;
use std::process::Command;

/// The binary measured: `NIANBAO_BIN`, else the one cargo built with the bench.
fn bin() -> String {
    std::env::var("NIANBAO_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_nianbao").to_string())
}
const TIME: &str = "/usr/bin/time";

/// A small deterministic generator (xorshift): the inputs are the same at every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The example report's sentences cut into phrases without digits (prose of the
/// report's own vocabulary, which compresses as real prose does).
fn phrases(report: &str) -> Vec<String> {
    report
        .lines()
        .filter(|l| !l.contains('|'))
        .flat_map(|l| l.split(['，', '。', '；', '、']))
        .map(str::trim)
        .filter(|p| p.chars().count() >= 4 && !p.chars().any(|c| c.is_ascii_digit()))
        .map(str::to_string)
        .collect()
}

/// What the report is padded with.
#[derive(Clone, Copy)]
struct Mix {
    /// Share of the padding (in bytes of text) that is table rows.
    tables: f64,
    /// Rows per table (8 cells each).
    rows: usize,
    /// Paragraphs of characters drawn at random from the report's own, rather than
    /// of its phrases: text that compresses as ordinary prose does (about 2.5×), for
    /// a Word document whose size is that of its zip.
    chars: bool,
}

/// The example report followed by paragraphs of its own phrases and tables of
/// figures, in pipe-table text (`tests/common/convert.rs` writes the other formats
/// from it), until the blocks added weigh `target` by `bytes` (their size once
/// rendered in the format at hand).
fn padded(target: usize, mix: Mix, bytes: impl Fn(&str) -> usize) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let report = std::fs::read_to_string(root.join("examples/report-2024.txt")).expect("report");
    let words = phrases(&report);
    let mut hanzi: Vec<char> = report
        .chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .collect();
    hanzi.sort_unstable();
    hanzi.dedup();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut text = report.clone();
    let mut in_tables = 0usize;
    let mut table = 0usize;
    let mut weight = bytes(&report);
    loop {
        let mut block = String::new();
        while block.len() < 1 << 20 {
            let padding = text.len() + block.len() - report.len();
            if (in_tables as f64) < mix.tables * padding as f64 {
                table += 1;
                let start = block.len();
                block.push_str(&format!(
                    "\n附表{table}\n项目 | 甲 | 乙 | 丙 | 丁 | 戊 | 己 | 庚 |\n"
                ));
                for r in 0..mix.rows {
                    block.push_str(&format!("第{r}项"));
                    for _ in 0..7 {
                        block.push_str(&format!(" | {}", rng.below(100_000)));
                    }
                    block.push_str(" |\n");
                }
                block.push('\n');
                in_tables += block.len() - start;
            } else if mix.chars {
                for _ in 0..4 + rng.below(12) {
                    for _ in 0..4 + rng.below(12) {
                        block.push(hanzi[rng.below(hanzi.len())]);
                    }
                    block.push(if rng.below(4) == 0 { '。' } else { '，' });
                }
                block.push_str("。\n");
            } else {
                for _ in 0..4 + rng.below(12) {
                    block.push_str(&words[rng.below(words.len())]);
                    block.push(if rng.below(4) == 0 { '。' } else { '，' });
                }
                block.push_str("。\n");
            }
        }
        weight += bytes(&block);
        text.push_str(&block);
        if weight >= target {
            return text;
        }
    }
}

/// Paragraphs and pipe-table rows as the tightest ordinary HTML: a row per line.
fn tight_html(text: &str) -> String {
    let mut h = String::with_capacity(text.len() * 2);
    let mut in_table = false;
    for line in text.lines() {
        if line.contains('|') {
            if !in_table {
                h.push_str("<table>\n");
                in_table = true;
            }
            h.push_str("<tr>");
            for cell in line.trim_end_matches('|').split('|') {
                h.push_str("<td>");
                h.push_str(cell.trim());
                h.push_str("</td>");
            }
            h.push_str("</tr>\n");
            continue;
        }
        if in_table {
            h.push_str("</table>\n");
            in_table = false;
        }
        if !line.trim().is_empty() {
            h.push_str("<p>");
            h.push_str(line.trim());
            h.push_str("</p>\n");
        }
    }
    if in_table {
        h.push_str("</table>\n");
    }
    h
}

/// Peak resident memory (KB) of `nianbao check` on `path`, and its exit code.
fn peak_kb(path: &Path) -> (u64, Option<i32>) {
    let out = Command::new(TIME)
        .arg("-v")
        .arg(bin())
        .args(["check", "--format", "concise", "--quiet"])
        .arg(path)
        .env("NIANBAO_MAX_FILE_MB", "256")
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let kb = stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    (kb, out.status.code())
}

/// True when `MEMORY_ONLY` is unset or names `kind`.
fn wanted(kind: &str) -> bool {
    std::env::var("MEMORY_ONLY").map_or(true, |only| only.split(',').any(|k| k.trim() == kind))
}

/// Measures one input and prints the line; returns the peak in bytes.
fn measure(dir: &Path, name: &str, bytes: &[u8]) -> f64 {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write input");
    let (kb, code) = peak_kb(&path);
    match std::env::var_os("MEMORY_KEEP") {
        Some(keep) => {
            std::fs::rename(&path, Path::new(&keep).join(name)).ok();
        }
        None => {
            std::fs::remove_file(&path).ok();
        }
    }
    let mb = |b: f64| b / 1048576.0;
    let input = bytes.len() as f64;
    let peak = kb as f64 * 1024.0;
    let ratio = peak / input;
    println!(
        "{name:<14} input {:>7.1} MB  peak {:>7.1} MB  ratio {:>4.2}×  {}  (exit {})",
        mb(input),
        mb(peak),
        ratio,
        if ratio <= 5.0 {
            "≤ 5× ok"
        } else {
            "> 5× OVER"
        },
        code.map_or("signal".into(), |c| c.to_string()),
    );
    peak
}

fn main() {
    if !Path::new(TIME).exists() {
        eprintln!("skipped: {TIME} is not installed (apt-get install time)");
        return;
    }
    let mb: usize = std::env::var("MEMORY_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let target = mb << 20;
    let dir = tempfile::tempdir().expect("temp dir");
    println!("binary: {}", bin());

    if wanted("html") {
        // A web page that is mostly large tables (40,000 cells each: under the cap),
        // written tightly as data tables are (`<td>12345</td>`: the most cells per MB).
        let mix = Mix {
            tables: 0.95,
            rows: 5_000,
            chars: false,
        };
        let page = padded(target, mix, |t| tight_html(t).len());
        let report_len = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/report-2024.txt"),
        )
        .expect("report")
        .len();
        let report = convert::to_html(&page[..report_len]);
        let end = report.rfind("</div>").unwrap_or(report.len());
        let html = format!(
            "{}{}{}",
            &report[..end],
            tight_html(&page[report_len..]),
            &report[end..]
        );
        drop(page);
        measure(dir.path(), "tables.html", html.as_bytes());
    }

    if wanted("docx") {
        // Word: many paragraphs and a big table, `document.xml` under the 64 MB cap.
        let mix = Mix {
            tables: 0.02,
            rows: 5_000,
            chars: true,
        };
        let doc = padded(target.min(60 << 20), mix, |t| {
            convert::document_xml(t).len()
        });
        let xml = convert::document_xml(&doc).len();
        let text = doc.len();
        let docx = convert::to_docx(&doc);
        // The same document's report and 16 KB of its prose, repeated to the same
        // size: deflate finds a repeat within 32 KB, so the zip is far smaller for
        // the same text — its ratio to the file says nothing of the reader.
        let report = doc.find("\n附表").unwrap_or(doc.len());
        let mut block = String::new();
        for line in doc[report..].lines().filter(|l| !l.contains('|')) {
            if block.len() >= 16 << 10 {
                break;
            }
            block.push_str(line);
            block.push('\n');
        }
        let times = (doc.len() - report) / block.len().max(1);
        let repeated = format!("{}\n{}", &doc[..report], block.repeat(times));
        drop(doc);
        // What the process holds whatever it reads (the binary, the pack): the
        // peak on the example report.
        let example =
            std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/report-2024.txt"))
                .expect("report");
        let path = dir.path().join("example.txt");
        std::fs::write(&path, &example).expect("write input");
        let base = peak_kb(&path).0 as f64 * 1024.0;
        println!(
            "{:<14} the process alone (the example report): peak {:>7.1} MB",
            "",
            base / 1048576.0
        );
        let peak = measure(dir.path(), "large.docx", &docx);
        // A zip's ratio says how well the prose compressed; these say what the
        // reader and the document hold per byte they read. A document holds its
        // text and its narrative (the prose again), so the part of the peak beyond
        // the process's own is at least twice the text: the last figure is that
        // floor (the process alone and two copies of the text) against the file.
        let per_read = |peak: f64, xml: usize, text: usize, file: usize| {
            println!(
                "{:<14} (its document.xml {:.1} MB: peak {:.2}×; its text about {:.1} MB: peak {:.2}×, beyond the example's {:.1} MB {:.2}×; the process and two copies of the text alone: {:.2}× the file)",
                "",
                xml as f64 / 1048576.0,
                peak / xml as f64,
                text as f64 / 1048576.0,
                peak / text as f64,
                base / 1048576.0,
                (peak - base) / text as f64,
                (base + 2.0 * text as f64) / file as f64
            );
        };
        let file = docx.len();
        drop(docx);
        per_read(peak, xml, text, file);
        let xml = convert::document_xml(&repeated).len();
        let docx = convert::to_docx(&repeated);
        let peak = measure(dir.path(), "repeated.docx", &docx);
        per_read(peak, xml, repeated.len(), docx.len());
    }

    let mix = Mix {
        tables: 0.3,
        rows: 200,
        chars: false,
    };
    let text = padded(target, mix, str::len);
    if wanted("txt") {
        measure(dir.path(), "large.txt", text.as_bytes());
    }
    if wanted("md") {
        measure(
            dir.path(),
            "large.md",
            convert::to_markdown(&text).as_bytes(),
        );
    }
    if wanted("gbk") {
        measure(dir.path(), "large.gbk.txt", &convert::to_gbk(&text));
    }
}
