//! `check --summary FILE`: whatever the format, every report handed to the output is
//! also counted on a row (`report::tally`), and the rows are written as CSV
//! (`report::summary`) once the run is over — after the series stage has added its
//! findings between reports. The file is written as `--output` is (a temporary file
//! renamed over it).

use std::ffi::OsString;
use std::io::{self, Write};

use nianbao::report::emit::{Checked, Emitter, Summary};
use nianbao::report::tally::Tally;

use super::sink::Sink;

/// An output format that also counts each report on `tally`.
pub struct Tallied<'t> {
    pub inner: Box<dyn Emitter>,
    pub tally: &'t mut Tally,
}

impl Emitter for Tallied<'_> {
    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.inner.start(out)
    }

    fn document(&mut self, out: &mut dyn Write, c: &Checked<'_>) -> io::Result<()> {
        self.tally.document(c);
        self.inner.document(out, c)
    }

    fn unreadable(&mut self, out: &mut dyn Write, path: &str, message: &str) -> io::Result<()> {
        self.tally.unreadable(path, message);
        self.inner.unreadable(out, path, message)
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        self.inner.finish(out, summary)
    }
}

/// Where the summary goes: opened before the run, so that a bad path stops it at once.
pub fn open(path: &Option<OsString>) -> Result<Option<Sink>, String> {
    match path {
        Some(p) => Sink::file(p).map(Some).map_err(|m| {
            m.replace("--output 结果.sarif", "--summary 汇总.csv")
                .replace("--output", "--summary")
        }),
        None => Ok(None),
    }
}

/// Writes the rows and puts the file in place; an error message (Chinese) if not.
pub fn write(mut sink: Sink, tally: &Tally) -> Result<(), String> {
    let written = nianbao::report::summary::write(&mut sink, tally.rows());
    sink.close(written)
}
