//! The pack loader on arbitrary TOML: the input is written as the `pack.toml` of a
//! pack folder (one per process, rewritten each run) and loaded; an error is a value,
//! a panic or a hang is a finding. A pack that loads is run on the example report.
#![no_main]

#[path = "common.rs"]
#[allow(dead_code)]
mod common;

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use nianbao::{Linter, Pack};

fn folder() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("nianbao-fuzz-pack-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        dir
    })
}

const REPORT: &str = include_str!("../../examples/report-with-defects.txt");

fuzz_target!(|data: &[u8]| {
    let dir = folder();
    if std::fs::write(dir.join("pack.toml"), data).is_err() {
        return;
    }
    match Pack::from_dir(dir) {
        Ok(pack) => {
            let _ = Linter::new(pack).lint_text("r.txt", REPORT.to_string());
        }
        Err(e) => {
            // The error renders (it points into the TOML).
            let _ = e.to_string();
        }
    }
});
