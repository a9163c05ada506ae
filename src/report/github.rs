//! The `github` format: GitHub Actions workflow commands, one per finding, which the
//! runner turns into annotations on the pull request's files:
//! `::error file=报告.txt,line=36,col=45,endLine=36,endColumn=47,title=T201::消息`.
//! Errors are `error`, warnings `warning`, hints `notice`. Values are escaped as the
//! Actions toolkit does: `%`, CR and LF in the message; also `:` and `,` in the
//! properties. Columns count UTF-16 code units, as the browser showing them does.

use std::io::{self, Write};

use super::Severity;
use super::emit::{Checked, Emitter};
use super::place::{Columns, location, place};

pub struct Github;

/// `%`, CR and LF escaped, for the message after `::`.
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// `escape_data`, and `:` and `,`, for a property value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

impl Emitter for Github {
    fn document(&mut self, out: &mut dyn Write, c: &Checked<'_>) -> io::Result<()> {
        let file = escape_property(&c.document.path);
        for d in c.diagnostics {
            let p = place(c.document, &d.primary, Columns::Utf16);
            let mut message = d.message.clone();
            if let Some(l) = location(c.document, &d.primary) {
                message.push_str(&format!("\n位置：{l}"));
            }
            if let Some(h) = &d.help {
                message.push_str(&format!("\n建议：{h}"));
            }
            writeln!(
                out,
                "::{} file={file},line={},col={},endLine={},endColumn={},title={}::{}",
                command(d.severity),
                p.line,
                p.column,
                p.end_line,
                p.end_column,
                escape_property(&d.rule),
                escape_data(&message)
            )?;
        }
        Ok(())
    }

    fn unreadable(&mut self, out: &mut dyn Write, path: &str, message: &str) -> io::Result<()> {
        writeln!(
            out,
            "::error file={},title=nianbao::{}",
            escape_property(path),
            escape_data(&format!("无法检查：{message}"))
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_actions_toolkit() {
        assert_eq!(escape_data("a%b\r\nc:d,e"), "a%25b%0D%0Ac:d,e");
        assert_eq!(escape_property("a%b\r\nc:d,e"), "a%25b%0D%0Ac%3Ad%2Ce");
    }
}
