//! The `csv` format: one row per finding, for a provincial office that sorts and
//! filters a batch's findings in a spreadsheet and sends each unit its rows. The
//! columns carry the report's issuing body and year (as inferred, empty when the text
//! does not say), so rows from many reports stay readable once mixed. Written with a
//! UTF-8 byte order mark, without which Excel reads Chinese CSV as GBK, and quoted as
//! RFC 4180 says (a field with a comma, quote or line break is quoted, quotes doubled).

use std::io::{self, Write};

use super::emit::{Checked, Emitter};
use super::place::{Columns, location, place};

const HEADER: [&str; 11] = [
    "文件",
    "发布机关",
    "年度",
    "规则",
    "级别",
    "行",
    "列",
    "位置",
    "问题",
    "说明",
    "建议",
];

#[derive(Default)]
pub struct Csv;

/// One field, quoted when it must be.
pub(super) fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub(super) fn row(out: &mut dyn Write, fields: &[String]) -> io::Result<()> {
    let line: Vec<String> = fields.iter().map(|f| field(f)).collect();
    out.write_all(line.join(",").as_bytes())?;
    out.write_all(b"\r\n")
}

impl Emitter for Csv {
    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all("\u{feff}".as_bytes())?;
        row(out, &HEADER.map(str::to_string))
    }

    fn document(&mut self, out: &mut dyn Write, c: &Checked<'_>) -> io::Result<()> {
        let doc = c.document;
        let body = doc
            .body
            .as_ref()
            .map(|b| b.name.clone())
            .unwrap_or_default();
        let year = doc
            .year
            .as_ref()
            .map(|y| y.year.to_string())
            .unwrap_or_default();
        for d in c.diagnostics {
            let p = place(doc, &d.primary, Columns::Chars);
            row(
                out,
                &[
                    doc.path.clone(),
                    body.clone(),
                    year.clone(),
                    d.rule.clone(),
                    d.severity.chinese().to_string(),
                    p.line.to_string(),
                    p.column.to_string(),
                    location(doc, &d.primary).unwrap_or_default(),
                    d.message.clone(),
                    d.notes.join("；"),
                    d.help.clone().unwrap_or_default(),
                ],
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_they_must_be() {
        assert_eq!(field("表三"), "表三");
        assert_eq!(field("1,2"), "\"1,2\"");
        assert_eq!(field("说\"明\""), "\"说\"\"明\"\"\"");
        assert_eq!(field("两\n行"), "\"两\n行\"");
    }
}
