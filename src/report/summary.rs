//! `check --summary FILE`: one CSV row per report of the batch (path, body, year,
//! counts, the worst rule, a status word), for the office's own list of which units
//! pass — beside whatever `--format` writes. The same conventions as the `csv` format
//! (`csv.rs`): UTF-8 with a byte order mark for Excel, RFC 4180 quoting, Chinese headers.

use std::io::{self, Write};

use super::csv::row;
use super::tally::ReportRow;

const HEADER: [&str; 9] = [
    "文件",
    "发布机关",
    "年度",
    "错误",
    "警告",
    "提示",
    "最严重的规则",
    "结论",
    "说明",
];

/// Writes the rows (with the header).
pub fn write(out: &mut dyn Write, rows: impl IntoIterator<Item = ReportRow>) -> io::Result<()> {
    out.write_all("\u{feff}".as_bytes())?;
    row(out, &HEADER.map(str::to_string))?;
    for r in rows {
        let unread = r.unreadable.is_some();
        let count = |n: usize| if unread { String::new() } else { n.to_string() };
        row(
            out,
            &[
                r.path.clone(),
                r.body.clone(),
                r.year.map(|y| y.to_string()).unwrap_or_default(),
                count(r.counts.errors),
                count(r.counts.warnings),
                count(r.counts.infos),
                r.worst().map(|h| h.rule.clone()).unwrap_or_default(),
                r.status().chinese().to_string(),
                r.unreadable.clone().unwrap_or_default(),
            ],
        )?;
    }
    Ok(())
}
