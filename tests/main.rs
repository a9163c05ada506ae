//! The integration tests, as one test binary: each file in `tests/` is a module of it.
//! One binary links the library once instead of once per file, which is most of the
//! time `cargo test` takes on a clean checkout (CI). Add a test file as `mod name;`
//! below; shared helpers live in `tests/common/`.

mod common;

mod annotate;
mod bad_inputs;
mod baseline;
mod browser;
mod cli;
mod corpus;
mod docx_file;
mod docx_numbering;
mod fix;
mod formats;
mod fuzz_regressions;
mod glued;
mod hostile;
mod interface_language;
mod interrupt;
mod layering;
mod layouts;
mod literal_scan;
mod narrative;
mod output_formats;
mod overview;
mod overview_browser;
mod pack_authoring;
mod pack_examples;
mod packs;
mod precommit;
mod robustness;
mod rules;
mod sarif;
mod scan;
mod seeds;
mod series;
mod serve;
mod snapshots;
mod spill;
mod stream;
mod suppress;
