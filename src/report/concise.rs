//! The `concise` format: one line per finding, `path:line:col: X101 message`, the
//! form editors and `grep` understand (ruff's `concise`). Positions as in JSON (the
//! HTML source of a web page; for Word the extracted text, with the place in Word's
//! terms after the message). Control characters and line breaks in the path or the
//! message are made visible, so a finding is always exactly one line.

use std::io::{self, Write};

use super::emit::{Checked, Emitter, Options, Summary};
use super::place::{Columns, location, place};
use super::visible::visible_line;

pub struct Concise {
    options: Options,
}

impl Concise {
    pub fn new(options: &Options) -> Concise {
        Concise { options: *options }
    }
}

impl Emitter for Concise {
    fn document(&mut self, out: &mut dyn Write, c: &Checked<'_>) -> io::Result<()> {
        let path = visible_line(&c.document.path);
        for d in c.diagnostics {
            let p = place(c.document, &d.primary, Columns::Chars);
            let at = location(c.document, &d.primary)
                .map(|l| format!("（{l}）"))
                .unwrap_or_default();
            writeln!(
                out,
                "{path}:{}:{}: {} {}{at}",
                p.line,
                p.column,
                visible_line(&d.rule),
                visible_line(&d.message)
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        if self.options.quiet {
            return Ok(());
        }
        out.write_all(summary.line().as_bytes())
    }
}
