//! How fast is `nianbao serve`, and how much memory does it take?
//!
//! `cargo bench --bench serve` starts the real server (`nianbao serve` on a random
//! loopback port) and measures, with a std-only HTTP client:
//!
//! - requests per second and latency percentiles (p50, p90, p99, max) for
//!   `POST /api/check` of the example Word report, 8 client threads × 50 requests;
//! - the server's peak memory (VmHWM, Linux) under 8 concurrent uploads of a 10 MB
//!   Word document (the example report with a 10 MB photo) and of a 10 MB web page;
//! - then, with divan, the latency of one request (median and spread).
//!
//! The numbers are printed before divan's table; the README quotes them.

#[path = "../tests/common/http.rs"]
mod http;

use std::io::{Cursor, Read, Write};
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_nianbao");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn example_docx() -> Vec<u8> {
    std::fs::read(root().join("tests/fixtures/formats/report-with-defects.docx")).expect("fixture")
}

/// The example report with a 10 MB photo (incompressible bytes, stored).
fn docx_10mb() -> Vec<u8> {
    let original = example_docx();
    let mut zip = zip::ZipArchive::new(Cursor::new(&original[..])).expect("zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).expect("entry");
        out.raw_copy_file(f).expect("copy");
    }
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let photo: Vec<u8> = (0..10 * 1024 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    out.start_file("word/media/image1.jpeg", stored)
        .expect("entry");
    out.write_all(&photo).expect("write");
    out.finish().expect("zip").into_inner()
}

/// The example report as a web page padded to 10 MB with ordinary paragraphs.
fn html_10mb() -> Vec<u8> {
    let text =
        std::fs::read_to_string(root().join("tests/fixtures/formats/report-with-defects.html"))
            .expect("fixture");
    let pad = "<p>本机关持续推进政务公开标准化规范化建设，做好政策解读和回应关切工作。</p>\n";
    let at = text.rfind("</body>").unwrap_or(text.len());
    let mut page = text[..at].to_string();
    while page.len() < 10 * 1024 * 1024 {
        page.push_str(pad);
    }
    page.push_str(&text[at..]);
    page.into_bytes()
}

fn peak_kb(pid: u32, field: &str) -> u64 {
    let mut s = String::new();
    if std::fs::File::open(format!("/proc/{pid}/status"))
        .and_then(|mut f| f.read_to_string(&mut s))
        .is_err()
    {
        return 0;
    }
    s.lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn throughput() {
    let server = http::Server::start(BIN, &[]);
    let docx = std::sync::Arc::new(example_docx());
    // Warm up.
    for _ in 0..5 {
        assert_eq!(
            http::post_file(server.addr, "/api/check", "r.docx", &docx).status,
            200
        );
    }
    let started = Instant::now();
    let addr = server.addr;
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let docx = docx.clone();
            std::thread::spawn(move || {
                (0..50)
                    .map(|_| {
                        let t = Instant::now();
                        let r = http::post_file(addr, "/api/check", "r.docx", &docx);
                        assert_eq!(r.status, 200);
                        t.elapsed()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut all: Vec<Duration> = threads
        .into_iter()
        .flat_map(|t| t.join().expect("client"))
        .collect();
    let wall = started.elapsed();
    all.sort();
    println!(
        "POST /api/check (example .docx, 8 clients × 50): {:.0} requests/s; latency p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        all.len() as f64 / wall.as_secs_f64(),
        percentile(&all, 0.50).as_secs_f64() * 1e3,
        percentile(&all, 0.90).as_secs_f64() * 1e3,
        percentile(&all, 0.99).as_secs_f64() * 1e3,
        all.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
    );
}

fn memory(label: &str, name: &'static str, bytes: Vec<u8>) {
    let server = http::Server::start(BIN, &[]);
    let pid = server.pid();
    assert_eq!(http::get(server.addr, "/healthz").status, 200);
    let idle = peak_kb(pid, "VmRSS:");
    let bytes = std::sync::Arc::new(bytes);
    let addr = server.addr;
    let started = Instant::now();
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let bytes = bytes.clone();
            std::thread::spawn(move || http::post_file(addr, "/api/check", name, &bytes).status)
        })
        .collect();
    let statuses: Vec<u16> = threads
        .into_iter()
        .map(|t| t.join().expect("client"))
        .collect();
    let wall = started.elapsed();
    let peak = peak_kb(pid, "VmHWM:");
    println!(
        "8 concurrent uploads of {label} ({:.1} MB each): answers {statuses:?} in {:.2} s; server memory idle {:.0} MB, peak {:.0} MB",
        bytes.len() as f64 / 1048576.0,
        wall.as_secs_f64(),
        idle as f64 / 1024.0,
        peak as f64 / 1024.0,
    );
}

fn main() {
    throughput();
    memory("a Word document with a photo", "photo.docx", docx_10mb());
    memory("a web page", "page.html", html_10mb());
    divan::main();
    if let Ok(mut guard) = SERVER.lock() {
        guard.take();
    }
}

/// The server the divan benchmarks share; stopped at the end of `main`.
static SERVER: Mutex<Option<http::Server>> = Mutex::new(None);

fn shared_addr() -> std::net::SocketAddr {
    let mut guard = SERVER.lock().expect("lock");
    guard
        .get_or_insert_with(|| http::Server::start(BIN, &[]))
        .addr
}

/// One `POST /api/check` of the example Word report over loopback.
#[divan::bench(sample_count = 200)]
fn check_example_docx(bencher: divan::Bencher) {
    let addr = shared_addr();
    let docx = example_docx();
    bencher.bench(|| {
        let r = http::post_file(addr, "/api/check", "r.docx", &docx);
        assert_eq!(r.status, 200);
        r.body.len()
    });
}

/// One `GET /healthz`: the cost of the HTTP round trip alone.
#[divan::bench(sample_count = 200)]
fn healthz(bencher: divan::Bencher) {
    let addr = shared_addr();
    bencher.bench(|| http::get(addr, "/healthz").status);
}
