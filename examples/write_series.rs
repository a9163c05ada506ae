//! Writes a generated province batch to a folder, for `benches/batch.sh`: `N` reports
//! (N/4 bodies × 4 consecutive years, 2021–2024, in the layout of
//! `examples/report-2024.txt`), one body in ten with a broken 现行有效 chain in its last
//! year (one Y102 each), the same batch as `benches/series.rs` checks in process.
//!
//!     cargo run --example write_series -- DIR [N]
use std::path::PathBuf;

#[path = "../tests/common/series.rs"]
mod generate;

const YEARS: usize = 4;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("用法：cargo run --example write_series -- 目录 [报告数]");
        std::process::exit(2);
    };
    let total: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    for b in 0..total / YEARS {
        let name = generate::body_name(b);
        let mut years = generate::clean_series(&name, 2021, YEARS);
        if b % 10 == 0 {
            years[YEARS - 1].in_force += 1;
        }
        let folder = dir.join(format!("{b:04}"));
        std::fs::create_dir_all(&folder)?;
        for y in &years {
            std::fs::write(folder.join(format!("{}.txt", y.year)), generate::render(y))?;
        }
    }
    Ok(())
}
