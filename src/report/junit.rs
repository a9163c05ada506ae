//! The `junit` format: a JUnit XML report for CI systems that show test results
//! (GitLab, Jenkins, Azure). Each checked file is one `<testsuite>` holding one
//! `<testcase>` named after the file: it passes when the file has no findings, and
//! has one `<failure>` per finding otherwise (`type` is the severity in English, the
//! message in Chinese). A path that could not be checked is a test case with an
//! `<error>`. Suites are written as files are checked, so each carries its own counts.
//!
//! XML 1.0 cannot hold most control characters even escaped: they are shown as
//! control pictures (`report::visible`), and everything else is escaped.

use std::io::{self, Write};

use super::emit::{Checked, Emitter, Summary};
use super::place::{Columns, location, place};
use super::visible::visible;

#[derive(Default)]
pub struct Junit {
    started: bool,
}

/// `s` escaped for an XML attribute value (line breaks and tabs as character
/// references, which attribute normalisation would otherwise turn into spaces).
pub fn escape(s: &str) -> String {
    escape_as(s, true)
}

/// `s` escaped for XML text content (line breaks kept).
pub fn escape_text(s: &str) -> String {
    escape_as(s, false)
}

fn escape_as(s: &str, attribute: bool) -> String {
    let s = visible(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

impl Junit {
    fn header(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if !self.started {
            self.started = true;
            out.write_all(
                b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"nianbao\">\n",
            )?;
        }
        Ok(())
    }
}

impl Emitter for Junit {
    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.header(out)
    }

    fn document(&mut self, out: &mut dyn Write, c: &Checked<'_>) -> io::Result<()> {
        self.header(out)?;
        let path = escape(&c.document.path);
        let failed = usize::from(!c.diagnostics.is_empty());
        writeln!(
            out,
            "  <testsuite name=\"{path}\" tests=\"1\" failures=\"{failed}\" errors=\"0\">"
        )?;
        if c.diagnostics.is_empty() {
            writeln!(out, "    <testcase name=\"{path}\" classname=\"nianbao\"/>")?;
        } else {
            writeln!(out, "    <testcase name=\"{path}\" classname=\"nianbao\">")?;
            for d in c.diagnostics {
                let p = place(c.document, &d.primary, Columns::Chars);
                let mut detail = format!("{}:{}:{}", c.document.path, p.line, p.column);
                if let Some(l) = location(c.document, &d.primary) {
                    detail.push_str(&format!("（{l}）"));
                }
                for n in &d.notes {
                    detail.push_str(&format!("\n说明：{n}"));
                }
                if let Some(h) = &d.help {
                    detail.push_str(&format!("\n建议：{h}"));
                }
                writeln!(
                    out,
                    "      <failure type=\"{}\" message=\"{}[{}]：{}\">{}</failure>",
                    d.severity.as_str(),
                    d.severity.chinese(),
                    escape(&d.rule),
                    escape(&d.message),
                    escape_text(&detail)
                )?;
            }
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")
    }

    fn unreadable(&mut self, out: &mut dyn Write, path: &str, message: &str) -> io::Result<()> {
        self.header(out)?;
        let path = escape(path);
        writeln!(
            out,
            "  <testsuite name=\"{path}\" tests=\"1\" failures=\"0\" errors=\"1\">\n    <testcase name=\"{path}\" classname=\"nianbao\">\n      <error message=\"无法检查：{}\"/>\n    </testcase>\n  </testsuite>",
            escape(message)
        )
    }

    fn finish(&mut self, out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        self.header(out)?;
        out.write_all(b"</testsuites>\n")
    }
}
