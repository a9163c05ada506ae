//! The `jsonl` format: one JSON object per line, per finding — the objects of the
//! `json` format (`json::JsonDiagnostic`), for tools that read a stream line by line
//! (`jq -c`, log collectors). Nothing is written for a run without findings.

use std::io::{self, Write};

use super::emit::{Checked, Emitter};
use super::json::convert;

pub struct Jsonl;

impl Emitter for Jsonl {
    fn document(&mut self, out: &mut dyn Write, c: &Checked<'_>) -> io::Result<()> {
        for d in c.diagnostics {
            serde_json::to_writer(&mut *out, &convert(c.document, d))?;
            out.write_all(b"\n")?;
        }
        Ok(())
    }
}
