//! `check --format html`: one self-contained HTML overview of a batch, the file a
//! provincial office mails to the units it checked. A table of the reports (issuing
//! body, year, counts, the worst rule, the status, the path), sortable by clicking a
//! column header; the number of findings of each rule; then, report by report, every
//! finding with its excerpt (the source line, the span marked), 说明 and 建议. Links go
//! from a row to its report's section and back. No external resource: it opens
//! offline; the small script only sorts, and the page reads in full without it.
//!
//! Streaming: each report's findings are rendered as soon as they come and spooled to
//! an anonymous temporary file; only the per-report rows (`tally.rs`) are held. At
//! `finish` the head and the summary tables are written, then each report's section
//! with its spooled findings copied in — memory does not grow with the findings. A
//! report handed over twice (its own findings, then the series stage's findings between
//! reports) gets both in its one section.
//!
//! Every piece of report text (paths, names, messages, excerpts) goes through
//! `html::escape`; a report containing `<script>` shows it as text.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::ops::Range;

use super::emit::{Checked, Emitter, Summary};
use super::excerpt::Excerpt;
use super::html::escape;
use super::place::{Columns, location, place};
use super::tally::{ReportRow, Status, Tally, severity_rank};
use super::visible::{visible, visible_line};
use super::{Counts, Diagnostic, Severity};
use crate::parse::{Document, LineIndex};
use crate::text::{ceil_char_boundary, floor_char_boundary};

/// The overview of a batch.
#[derive(Default)]
pub struct Overview {
    tally: Tally,
    /// The spooled findings: for each row, its chunks (offset, length) in `spool`.
    chunks: Vec<Vec<(u64, u64)>>,
    spool: Option<BufWriter<File>>,
    spooled: u64,
    /// Each rule's summary (its Chinese title), from the pack it was checked with.
    titles: BTreeMap<String, String>,
}

impl Overview {
    fn spool(&mut self) -> io::Result<&mut BufWriter<File>> {
        if self.spool.is_none() {
            self.spool = Some(BufWriter::new(tempfile::tempfile()?));
        }
        self.spool.as_mut().ok_or_else(|| io::Error::other("spool"))
    }
}

impl Emitter for Overview {
    fn document(&mut self, _out: &mut dyn Write, c: &Checked<'_>) -> io::Result<()> {
        let (row, first) = self.tally.document(c);
        if self.chunks.len() <= row {
            self.chunks.resize_with(row + 1, Vec::new);
        }
        for d in c.diagnostics {
            if !self.titles.contains_key(&d.rule) {
                let title = c
                    .pack
                    .rule(&d.rule)
                    .map(|r| r.meta.summary.clone())
                    .unwrap_or_default();
                self.titles.insert(d.rule.clone(), title);
            }
        }
        if c.diagnostics.is_empty() {
            return Ok(());
        }
        let html = findings(row, first, c.document, c.diagnostics);
        let at = self.spooled;
        self.spool()?.write_all(html.as_bytes())?;
        self.spooled += html.len() as u64;
        self.chunks[row].push((at, html.len() as u64));
        Ok(())
    }

    fn unreadable(&mut self, _out: &mut dyn Write, path: &str, message: &str) -> io::Result<()> {
        let row = self.tally.unreadable(path, message);
        if self.chunks.len() <= row {
            self.chunks.resize_with(row + 1, Vec::new);
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        let rows = &self.tally;
        out.write_all(head(rows).as_bytes())?;
        reports_table(out, rows, &self.titles)?;
        out.write_all(rules_table(rows, &self.titles).as_bytes())?;
        out.write_all(
            "<section class=\"details\" aria-labelledby=\"h-details\">\
             <h2 id=\"h-details\">各份报告的问题</h2>"
                .as_bytes(),
        )?;
        let mut spool = match self.spool.take() {
            Some(w) => Some(w.into_inner().map_err(|e| e.into_error())?),
            None => None,
        };
        for (i, row) in rows.rows().enumerate() {
            out.write_all(section_head(i, &row).as_bytes())?;
            let chunks = self.chunks.get(i).map(Vec::as_slice).unwrap_or_default();
            if let Some(file) = spool.as_mut().filter(|_| !chunks.is_empty()) {
                out.write_all(b"<ol class=\"findings\">")?;
                for &(at, len) in chunks {
                    file.seek(SeekFrom::Start(at))?;
                    let copied = io::copy(&mut (&mut *file).take(len), out)?;
                    if copied != len {
                        return Err(io::Error::other("临时文件被截断"));
                    }
                }
                out.write_all(b"</ol>")?;
            }
            out.write_all(b"</section>")?;
        }
        out.write_all(foot().as_bytes())
    }
}

/// `<td>` with a sort key.
fn td(key: &str, class: &str, content: &str) -> String {
    let class = if class.is_empty() {
        String::new()
    } else {
        format!(" class=\"{class}\"")
    };
    format!("<td data-sort=\"{}\"{class}>{content}</td>", escape(key))
}

fn body_name(row: &ReportRow) -> String {
    if row.body.is_empty() {
        "（未能识别发布机关）".to_string()
    } else {
        visible_line(&row.body).into_owned()
    }
}

fn status_class(s: Status) -> &'static str {
    match s {
        Status::Errors => "error",
        Status::Warnings => "warning",
        Status::Clean => "clean",
        Status::Unreadable => "unreadable",
    }
}

/// A card counting nothing is dimmed.
fn zero(n: usize) -> &'static str {
    if n == 0 { " zero" } else { "" }
}

fn head(rows: &Tally) -> String {
    let mut by = [0usize; 4];
    let mut counts = Counts::default();
    for r in rows.rows() {
        by[usize::from(r.status().rank())] += 1;
        counts.merge(r.counts);
    }
    let [unread, errors, warnings, clean] = by;
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\
         <meta name=\"generator\" content=\"nianbao {version}\">\
         <title>政府信息公开工作年度报告检查总览</title><style>{STYLE}</style></head><body>\
         <header id=\"top\"><h1>政府信息公开工作年度报告检查总览</h1>\
         <p class=\"sub\">由 nianbao {version} 生成。每份报告的问题见下方各节，点击报告名称可跳转。</p>\
         <div class=\"cards\">\
         <div class=\"card\"><b>{total}</b>份报告</div>\
         <div class=\"card error{z_errors}\"><b>{errors}</b>份有错误</div>\
         <div class=\"card warning{z_warnings}\"><b>{warnings}</b>份只有警告</div>\
         <div class=\"card clean{z_clean}\"><b>{clean}</b>份通过</div>\
         <div class=\"card unreadable{z_unread}\"><b>{unread}</b>份无法读取</div>\
         <div class=\"card findings\"><b>{e}</b>个错误 <b>{w}</b>个警告 <b>{i}</b>个提示</div>\
         </div></header><main>",
        version = env!("CARGO_PKG_VERSION"),
        total = rows.len(),
        z_errors = zero(errors),
        z_warnings = zero(warnings),
        z_clean = zero(clean),
        z_unread = zero(unread),
        e = counts.errors,
        w = counts.warnings,
        i = counts.infos,
    );
    s
}

/// The table of reports, written row by row (a batch's table is megabytes).
fn reports_table(
    out: &mut dyn Write,
    rows: &Tally,
    titles: &BTreeMap<String, String>,
) -> io::Result<()> {
    out.write_all(
        "<section aria-labelledby=\"h-reports\"><h2 id=\"h-reports\">各份报告</h2>\
         <p class=\"hint\">点击列标题可按该列排序，再次点击反向排序。</p>\
         <div class=\"scroll\"><table id=\"reports\" class=\"sortable\">\
         <caption class=\"sr\">各份报告的检查结果</caption><thead><tr>\
         <th scope=\"col\" data-type=\"num\">序号</th>\
         <th scope=\"col\">报告（发布机关）</th>\
         <th scope=\"col\" data-type=\"num\">年度</th>\
         <th scope=\"col\" data-type=\"num\" class=\"n\">错误</th>\
         <th scope=\"col\" data-type=\"num\" class=\"n\">警告</th>\
         <th scope=\"col\" data-type=\"num\" class=\"n\">提示</th>\
         <th scope=\"col\">最严重的规则</th>\
         <th scope=\"col\">结论</th>\
         <th scope=\"col\">文件</th>\
         </tr></thead><tbody>"
            .as_bytes(),
    )?;
    let mut s = String::new();
    for (i, r) in rows.rows().enumerate() {
        s.clear();
        let status = r.status();
        let unread = status == Status::Unreadable;
        let n = |v: usize| {
            if unread {
                td("-1", "n", "—")
            } else {
                td(
                    &v.to_string(),
                    if v > 0 { "n nz" } else { "n" },
                    &v.to_string(),
                )
            }
        };
        let worst = match r.worst() {
            Some(h) => td(
                &format!("{}{}", severity_rank(h.severity), h.rule),
                "",
                &format!(
                    "<span class=\"rule {}\" title=\"{}\">{}</span> <span class=\"title\">{}</span>",
                    h.severity.as_str(),
                    escape(titles.get(&h.rule).map_or("", String::as_str)),
                    escape(&visible_line(&h.rule)),
                    escape(titles.get(&h.rule).map_or("", String::as_str)),
                ),
            ),
            None => td("9", "", "—"),
        };
        let name = body_name(&r);
        let year = r.year.map(|y| y.to_string());
        let _ = write!(
            s,
            "<tr id=\"row-r{i}\" data-i=\"{i}\">{}{}{}{}{}{}{worst}{}{}</tr>",
            td(&i.to_string(), "n", &(i + 1).to_string()),
            td(
                if r.body.is_empty() {
                    "\u{10ffff}"
                } else {
                    &r.body
                },
                "",
                &format!("<a href=\"#r{i}\">{}</a>", escape(&name))
            ),
            td(
                &year.clone().unwrap_or_else(|| "0".into()),
                "",
                &year.unwrap_or_else(|| "—".into())
            ),
            n(r.counts.errors),
            n(r.counts.warnings),
            n(r.counts.infos),
            td(
                &status.rank().to_string(),
                "",
                &format!(
                    "<span class=\"status {}\">{}</span>",
                    status_class(status),
                    status.chinese()
                )
            ),
            td(
                &r.path,
                "path",
                &format!("<code>{}</code>", escape(&visible_line(&r.path)))
            ),
        );
        out.write_all(s.as_bytes())?;
    }
    out.write_all(b"</tbody></table></div></section>")
}

fn rules_table(rows: &Tally, titles: &BTreeMap<String, String>) -> String {
    // rule → (worst severity, findings, reports)
    let mut rules: BTreeMap<String, (Severity, usize, usize)> = BTreeMap::new();
    for r in rows.rows() {
        let mut seen: Vec<&str> = Vec::new();
        for h in &r.rules {
            let e = rules.entry(h.rule.clone()).or_insert((h.severity, 0, 0));
            if severity_rank(h.severity) < severity_rank(e.0) {
                e.0 = h.severity;
            }
            e.1 += h.count;
            if !seen.contains(&h.rule.as_str()) {
                seen.push(&h.rule);
                e.2 += 1;
            }
        }
    }
    let mut s =
        String::from("<section aria-labelledby=\"h-rules\"><h2 id=\"h-rules\">各规则的问题数</h2>");
    if rules.is_empty() {
        s.push_str("<p>没有发现问题。</p></section>");
        return s;
    }
    s.push_str(
        "<div class=\"scroll\"><table id=\"rules\" class=\"sortable\">\
         <caption class=\"sr\">各规则的问题数</caption><thead><tr>\
         <th scope=\"col\">规则</th><th scope=\"col\">名称</th><th scope=\"col\">级别</th>\
         <th scope=\"col\" data-type=\"num\" class=\"n\">问题数</th>\
         <th scope=\"col\" data-type=\"num\" class=\"n\">涉及报告数</th>\
         </tr></thead><tbody>",
    );
    let mut list: Vec<_> = rules.into_iter().collect();
    list.sort_by(|a, b| {
        severity_rank(a.1.0)
            .cmp(&severity_rank(b.1.0))
            .then(b.1.2.cmp(&a.1.2))
            .then(a.0.cmp(&b.0))
    });
    for (i, (rule, (sev, findings, reports))) in list.into_iter().enumerate() {
        let rule = rule.as_str();
        let title = titles.get(rule).map_or("", String::as_str);
        let _ = write!(
            s,
            "<tr data-i=\"{i}\">{}{}{}{}{}</tr>",
            td(
                rule,
                "",
                &format!(
                    "<span class=\"rule {}\">{}</span>",
                    sev.as_str(),
                    escape(&visible_line(rule))
                )
            ),
            td(title, "", &escape(title)),
            td(
                &severity_rank(sev).to_string(),
                "",
                &format!(
                    "<span class=\"sev {}\">{}</span>",
                    sev.as_str(),
                    sev.chinese()
                )
            ),
            td(&findings.to_string(), "n", &findings.to_string()),
            td(&reports.to_string(), "n", &reports.to_string()),
        );
    }
    s.push_str("</tbody></table></div></section>");
    s
}

fn section_head(i: usize, row: &ReportRow) -> String {
    let status = row.status();
    let year = row.year.map(|y| format!(" · {y} 年度")).unwrap_or_default();
    let mut s = format!(
        "<section class=\"report\" id=\"r{i}\" aria-labelledby=\"h-r{i}\">\
         <h3 id=\"h-r{i}\"><span class=\"no\">{}</span>{}{year} \
         <span class=\"status {}\">{}</span></h3>\
         <p class=\"file\">文件：<code>{}</code> · <a href=\"#row-r{i}\">返回总表</a></p>",
        i + 1,
        escape(&body_name(row)),
        status_class(status),
        status.chinese(),
        escape(&visible_line(&row.path)),
    );
    match &row.unreadable {
        Some(message) => {
            let _ = write!(
                s,
                "<p class=\"unread-msg\">无法检查：{}</p>",
                escape(&visible(message))
            );
        }
        None if row.findings == 0 => s.push_str("<p class=\"ok\">没有发现问题。</p>"),
        None => {
            let c = row.counts;
            let _ = write!(
                s,
                "<p class=\"counts\">错误 {}，警告 {}，提示 {}</p>",
                c.errors, c.warnings, c.infos
            );
        }
    }
    s
}

/// The `<li>` of each finding of one hand-over of a report (`first`: how many of
/// its findings came before, which numbers them).
fn findings(row: usize, first: usize, doc: &Document, diagnostics: &[Diagnostic]) -> String {
    let mut original_lines: Option<LineIndex> = None;
    let mut s = String::new();
    for (k, d) in diagnostics.iter().enumerate() {
        let sev = d.severity;
        let _ = write!(
            s,
            "<li id=\"r{row}-f{}\" class=\"finding {}\"><div class=\"fh\">\
             <span class=\"sev {}\">{}</span> <span class=\"rule\">{}</span> \
             <span class=\"msg\">{}</span></div>",
            first + k,
            sev.as_str(),
            sev.as_str(),
            sev.chinese(),
            escape(&visible_line(&d.rule)),
            escape(&visible(&d.message)),
        );
        let ex = excerpt(doc, d, &mut original_lines);
        let _ = write!(s, "<p class=\"where\">{}</p>", escape(&ex.place));
        s.push_str(&ex.html);
        for l in &d.elsewhere {
            let at = match &l.place.location {
                Some(loc) => loc.clone(),
                None => format!("第 {} 行第 {} 列", l.place.line, l.place.column),
            };
            let _ = write!(
                s,
                "<p class=\"other\">对照 <code>{}</code>（{}）：{}</p>",
                escape(&visible_line(&l.path)),
                escape(&at),
                escape(&visible(&l.message)),
            );
        }
        for n in &d.notes {
            let _ = write!(
                s,
                "<p class=\"note\"><b>说明</b>{}</p>",
                escape(&visible(n))
            );
        }
        if let Some(h) = &d.help {
            let _ = write!(
                s,
                "<p class=\"help\"><b>建议</b>{}</p>",
                escape(&visible(h))
            );
        }
        s.push_str("</li>");
    }
    s
}

struct Shown {
    place: String,
    html: String,
}

/// The excerpt of a finding where the user will look: a web page's source lines, a
/// text file's own lines, a Word document's extracted text (with the place in Word's
/// terms). The primary span is a `<mark>`, the labels' spans are underlined.
fn excerpt(doc: &Document, d: &Diagnostic, original_lines: &mut Option<LineIndex>) -> Shown {
    let spans: Vec<Range<usize>> = std::iter::once(d.primary.clone())
        .chain(d.labels.iter().map(|l| l.span.clone()))
        .collect();
    let p = place(doc, &d.primary, Columns::Chars);
    let at = format!("第 {} 行第 {} 列", p.line, p.column);
    let on_original = doc.source.original.as_deref().and_then(|original| {
        let mapped: Option<Vec<Range<usize>>> =
            spans.iter().map(|s| doc.source.original_span(s)).collect();
        mapped.map(|m| (original, m))
    });
    let (text, lines, spans, place) = match on_original {
        Some((original, mapped)) => {
            let lines: &LineIndex = original_lines.get_or_insert_with(|| LineIndex::new(original));
            (original, lines, mapped, format!("网页源代码{at}"))
        }
        None => {
            let place = match location(doc, &d.primary) {
                Some(l) => format!("Word 中{l}"),
                None => at,
            };
            (doc.text.as_str(), &doc.lines, spans, place)
        }
    };
    let name = visible_line(&doc.path);
    let ex = Excerpt::new(&name, text, lines, &spans);
    // On character boundaries of the excerpt, whatever the spans (never a cut char).
    let marks: Vec<Range<usize>> = spans
        .iter()
        .map(|s| {
            let m = ex.map_span(s);
            let start = floor_char_boundary(ex.text(), m.start);
            start..ceil_char_boundary(ex.text(), m.end).max(start)
        })
        .collect();
    let mut html = String::from("<pre class=\"excerpt\">");
    let mut pointed = false;
    let title = if d.primary_label.is_empty() {
        d.message.as_str()
    } else {
        d.primary_label.as_str()
    };
    let mut elided = false;
    for (range, line) in ex.lines() {
        // A gap between shown lines: one `⋮`.
        if line.is_none() {
            if !elided {
                html.push_str("<span class=\"ln\">⋮</span>\n");
            }
            elided = true;
            continue;
        }
        elided = false;
        let gutter = line.map_or(String::new(), |n| n.to_string());
        let _ = write!(html, "<span class=\"ln\">{gutter}</span>");
        // Cut the line at every mark boundary inside it.
        let mut cuts = vec![range.start, range.end];
        for m in &marks {
            for b in [m.start, m.end] {
                if range.start < b && b < range.end {
                    cuts.push(b);
                }
            }
        }
        cuts.sort_unstable();
        cuts.dedup();
        let primary = &marks[0];
        let point = format!(
            "<mark class=\"{} point\" title=\"{}\">▸</mark>",
            d.severity.as_str(),
            escape(&visible(title))
        );
        // An empty primary span (something missing here): a marker where it would be.
        let mut point_at = |at: usize, html: &mut String| {
            if primary.is_empty() && !pointed && at == primary.start {
                html.push_str(&point);
                pointed = true;
            }
        };
        for w in cuts.windows(2) {
            let (a, b) = (w[0], w[1]);
            point_at(a, &mut html);
            let piece = escape(ex.text().get(a..b).unwrap_or_default());
            if !primary.is_empty() && primary.start <= a && b <= primary.end {
                let _ = write!(
                    html,
                    "<mark class=\"{}\" title=\"{}\">{piece}</mark>",
                    d.severity.as_str(),
                    escape(&visible(title))
                );
            } else if let Some((i, _)) = marks
                .iter()
                .enumerate()
                .skip(1)
                .find(|(_, m)| m.start <= a && b <= m.end && !m.is_empty())
            {
                let message = d.labels.get(i - 1).map_or("", |l| l.message.as_str());
                let _ = write!(
                    html,
                    "<span class=\"lbl\" title=\"{}\">{piece}</span>",
                    escape(&visible(message))
                );
            } else {
                html.push_str(&piece);
            }
        }
        point_at(range.end, &mut html);
        html.push('\n');
    }
    html.push_str("</pre>");
    if !d.primary_label.is_empty() {
        let _ = write!(
            html,
            "<p class=\"plabel\">▲ {}</p>",
            escape(&visible(&d.primary_label))
        );
    }
    let labels: Vec<String> = d
        .labels
        .iter()
        .filter(|l| !l.message.is_empty())
        .map(|l| escape(&visible(&l.message)))
        .collect();
    if !labels.is_empty() {
        let _ = write!(
            html,
            "<p class=\"slabel\">下划线处：{}</p>",
            labels.join("；")
        );
    }
    Shown { place, html }
}

fn foot() -> String {
    format!(
        "</section></main><footer>本文件由 nianbao 离线生成，不含外部资源，可直接通过邮件发送或存档。\
         <a href=\"#top\">回到顶部</a></footer><script>{SCRIPT}</script></body></html>\n"
    )
}

const STYLE: &str = "\
:root{--err:#c92a2a;--errbg:#fff0f0;--warn:#b35c00;--warnbg:#fff6e0;--info:#1864ab;--infobg:#e7f5ff;--ok:#2b8a3e;--okbg:#ebfbee;--line:#dfe3e8;--muted:#5c6670}
*{box-sizing:border-box}
body{font:15px/1.6 system-ui,'Microsoft YaHei','PingFang SC','Noto Sans CJK SC',sans-serif;margin:0;color:#1d2329;background:#f5f7f9}
header{background:#fff;border-bottom:1px solid var(--line);padding:20px 28px 16px}
h1{font-size:22px;margin:0 0 2px;font-weight:600}
h2{font-size:18px;margin:28px 0 10px;font-weight:600}
h3{font-size:16px;margin:0 0 4px;font-weight:600}
.sub,.hint,.file{color:var(--muted);font-size:13px;margin:0 0 8px}
main{padding:0 28px 28px;max-width:1400px}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin-top:12px}
.card{background:#fff;border:1px solid var(--line);border-left:4px solid #868e96;border-radius:6px;padding:6px 14px;font-size:13px;color:var(--muted)}
.card b{display:inline-block;font-size:20px;color:#1d2329;margin-right:4px;font-weight:600}
.card.findings b{margin-left:6px}
.card.zero{opacity:.55}
.card.error{border-left-color:var(--err)}.card.warning{border-left-color:var(--warn)}.card.clean{border-left-color:var(--ok)}.card.unreadable{border-left-color:#495057}
.scroll{overflow-x:auto;background:#fff;border:1px solid var(--line);border-radius:6px}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{background:#eef1f4;font-weight:600;white-space:nowrap;position:sticky;top:0}
tbody tr:nth-child(even){background:#fafbfc}
tbody tr:hover{background:#f0f4ff}
tbody tr:target{outline:2px solid var(--info)}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td.nz{font-weight:600}
td.path code{font-size:12px;color:var(--muted);word-break:break-all}
th button{font:inherit;font-weight:600;background:none;border:0;padding:0;cursor:pointer;color:inherit}
th button::after{content:'\\21C5';color:#adb5bd;margin-left:4px;font-size:12px}
th[aria-sort=ascending] button::after{content:'\\25B2';color:#1d2329}
th[aria-sort=descending] button::after{content:'\\25BC';color:#1d2329}
th button:focus-visible,a:focus-visible{outline:2px solid var(--info);outline-offset:2px}
a{color:#1c5fb0}
.status{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;white-space:nowrap}
.status.error{background:var(--errbg);color:var(--err)}.status.warning{background:var(--warnbg);color:var(--warn)}.status.clean{background:var(--okbg);color:var(--ok)}.status.unreadable{background:#e9ecef;color:#343a40}
.rule{font-family:ui-monospace,Consolas,monospace;font-weight:600}
.rule.error{color:var(--err)}.rule.warning{color:var(--warn)}.rule.info{color:var(--info)}
td .title{color:var(--muted);font-size:13px}
.sev{font-weight:600}.sev.error{color:var(--err)}.sev.warning{color:var(--warn)}.sev.info{color:var(--info)}
.report{background:#fff;border:1px solid var(--line);border-radius:6px;padding:14px 18px;margin:0 0 14px}
.report:target{border-color:var(--info);box-shadow:0 0 0 2px #d0ebff}
.report h3 .no{display:inline-block;min-width:2em;color:var(--muted);font-weight:400}
.counts,.ok,.unread-msg{margin:4px 0;font-size:14px}.ok{color:var(--ok)}.unread-msg{color:#343a40}
ol.findings{list-style:none;padding:0;margin:8px 0 0}
li.finding{border-left:3px solid #adb5bd;padding:6px 0 6px 12px;margin:0 0 10px}
li.finding.error{border-left-color:var(--err)}li.finding.warning{border-left-color:var(--warn)}li.finding.info{border-left-color:var(--info)}
.fh .msg{font-weight:500}
.where{margin:2px 0;font-size:12px;color:var(--muted)}
pre.excerpt{margin:4px 0;padding:6px 10px;background:#f8f9fa;border:1px solid #edf0f2;border-radius:4px;white-space:pre-wrap;word-break:break-all;font:13px/1.7 ui-monospace,'SimSun','Noto Sans Mono CJK SC',monospace}
pre.excerpt .ln{display:inline-block;min-width:3.5em;color:#adb5bd;user-select:none;text-align:right;padding-right:10px}
mark{color:inherit;border-radius:2px;padding:0 1px}
mark.error{background:#ffc9c9;border-bottom:2px solid var(--err)}mark.warning{background:#ffec99;border-bottom:2px solid var(--warn)}mark.info{background:#d0ebff;border-bottom:2px solid var(--info)}
.lbl{text-decoration:underline dotted var(--info) 2px;text-underline-offset:3px}
.plabel,.slabel,.other,.note,.help{margin:2px 0;font-size:14px}
.plabel,.slabel{color:var(--muted);font-size:13px}
.note b,.help b{display:inline-block;font-size:12px;border-radius:3px;padding:0 6px;margin-right:6px}
.note b{background:#e9ecef;color:#343a40}.help b{background:var(--okbg);color:var(--ok)}
.other{color:#343a40}
footer{color:var(--muted);font-size:12px;padding:12px 28px 24px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
@media print{body{background:#fff}.scroll,.report{border:0}thead th{position:static}th button::after{content:''}}
";

/// Sorting by a column header: the script turns each header of a `sortable` table
/// into a button (keyboard accessible; without the script the headers are plain text
/// and the tables are in input order), sorts on the cells' `data-sort` (numbers for
/// `data-type="num"`, else Chinese collation), toggles the direction, says it in
/// `aria-sort` and announces it in a live region.
const SCRIPT: &str = r#"(function(){
var coll=window.Intl?new Intl.Collator('zh-CN',{numeric:true}):null;
var live=document.createElement('p');live.className='sr';live.setAttribute('aria-live','polite');document.body.appendChild(live);
function key(row,col,num){var c=row.cells[col];var v=c?(c.getAttribute('data-sort')!==null?c.getAttribute('data-sort'):c.textContent):'';if(num){var x=parseFloat(v);return isNaN(x)?-Infinity:x;}return v;}
Array.prototype.forEach.call(document.querySelectorAll('table.sortable'),function(table){
var heads=table.tHead.rows[0].cells;
Array.prototype.forEach.call(heads,function(th,col){
var b=document.createElement('button');b.type='button';
while(th.firstChild){b.appendChild(th.firstChild);}th.appendChild(b);
b.addEventListener('click',function(){
var asc=th.getAttribute('aria-sort')!=='ascending';
Array.prototype.forEach.call(heads,function(h){h.removeAttribute('aria-sort');});
th.setAttribute('aria-sort',asc?'ascending':'descending');
var num=th.getAttribute('data-type')==='num';var body=table.tBodies[0];
var rows=Array.prototype.slice.call(body.rows);
rows.sort(function(p,q){var x=key(p,col,num),y=key(q,col,num);
var r=num?(x<y?-1:x>y?1:0):(coll?coll.compare(x,y):(x<y?-1:x>y?1:0));
return (asc?r:-r)||(p.getAttribute('data-i')-q.getAttribute('data-i'));});
rows.forEach(function(r){body.appendChild(r);});
live.textContent='已按“'+b.textContent+'”'+(asc?'升序':'降序')+'排列';});});});
})();"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Pack;

    fn render(docs: &[(Document, Vec<Diagnostic>)], unreadable: &[(&str, &str)]) -> String {
        let pack = Pack::national().expect("national pack");
        let mut o = Overview::default();
        let mut out = Vec::new();
        o.start(&mut out).expect("start");
        for (doc, ds) in docs {
            o.document(
                &mut out,
                &Checked {
                    document: doc,
                    diagnostics: ds,
                    pack: &pack,
                },
            )
            .expect("document");
        }
        for (p, m) in unreadable {
            o.unreadable(&mut out, p, m).expect("unreadable");
        }
        o.finish(&mut out, &Summary::default()).expect("finish");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn hostile_text_is_escaped_everywhere() {
        let pack = Pack::national().expect("national pack");
        let text = "<script>alert(1)</script>县财政局2024年政府信息公开工作年度报告\n一、总体情况\n<img src=x onerror=alert(2)> & \"x\"\n".to_string();
        let doc = Document::parse("<b>evil</b>.txt", text.clone(), &pack.templates);
        let at = text.find("<img").unwrap_or(0);
        let d = Diagnostic::new("E102", Severity::Warning, at..at + 4, "<i>m</i>".into())
            .note("<u>n</u>")
            .help("'h'");
        let html = render(&[(doc, vec![d])], &[("<svg onload=x>.txt", "<b>坏</b>")]);
        for bad in [
            "<script>alert",
            "<img",
            "<b>evil",
            "<b>坏",
            "<i>",
            "<u>",
            "<svg",
        ] {
            assert!(!html.contains(bad), "{bad} unescaped");
        }
        assert!(html.contains("&lt;img src=x onerror=alert(2)&gt;") || html.contains("&lt;img"));
        assert!(html.contains("<mark class=\"warning\""), "{html}");
        assert!(html.contains("&lt;b&gt;evil&lt;/b&gt;.txt"));
        assert!(html.contains("<b>说明</b>&lt;u&gt;n&lt;/u&gt;"));
        assert!(html.contains("<b>建议</b>&#39;h&#39;"));
        // Only our own script.
        assert_eq!(html.matches("<script>").count(), 1);
        assert!(!html.contains("src=\"http") && !html.contains("href=\"http"));
    }

    #[test]
    fn every_report_has_a_row_and_a_section_with_its_findings() {
        let pack = Pack::national().expect("national pack");
        let docs: Vec<(Document, Vec<Diagnostic>)> = (0..5)
            .map(|i| {
                let doc = Document::parse(
                    format!("r{i}.txt"),
                    format!("第{i}份\n一、总体情况\n"),
                    &pack.templates,
                );
                let ds = (0..i)
                    .map(|k| Diagnostic::new("T201", Severity::Error, 0..3, format!("问题{i}-{k}")))
                    .collect();
                (doc, ds)
            })
            .collect();
        let html = render(&docs, &[("gone.txt", "文件不存在")]);
        for i in 0..6 {
            assert!(html.contains(&format!("<tr id=\"row-r{i}\"")), "row {i}");
            assert!(html.contains(&format!("<section class=\"report\" id=\"r{i}\"")));
        }
        for i in 0..5 {
            for k in 0..i {
                assert!(html.contains(&format!("id=\"r{i}-f{k}\"")));
                assert!(html.contains(&format!("问题{i}-{k}")));
            }
        }
        assert!(html.contains("无法检查：文件不存在"));
        // 1+2+3+4 findings of T201 in 4 reports.
        assert!(
            html.contains(
                "<td data-sort=\"10\" class=\"n\">10</td><td data-sort=\"4\" class=\"n\">4</td>"
            ),
            "{html}"
        );
    }

    #[test]
    fn an_empty_span_is_a_marker_where_something_is_missing() {
        let pack = Pack::national().expect("national pack");
        let doc = Document::parse("a.txt", "一、总体情况\n甲乙丙\n".into(), &pack.templates);
        let d = Diagnostic::new("S101", Severity::Error, 19..19, "缺少".into());
        let html = render(&[(doc, vec![d])], &[]);
        assert!(
            html.contains("<span class=\"ln\">2</span><mark class=\"error point\" title=\"缺少\">▸</mark>甲乙丙"),
            "{html}"
        );
    }

    #[test]
    fn a_report_handed_over_again_keeps_one_section() {
        let pack = Pack::national().expect("national pack");
        let doc = Document::parse("a.txt", "一、总体情况\n甲乙丙\n".into(), &pack.templates);
        let own = vec![Diagnostic::new(
            "E102",
            Severity::Warning,
            0..3,
            "自己的".into(),
        )];
        let series = vec![Diagnostic::new(
            "Y101",
            Severity::Error,
            19..28,
            "跨年度的".into(),
        )];
        let mut o = Overview::default();
        let mut out = Vec::new();
        for ds in [&own, &series] {
            o.document(
                &mut out,
                &Checked {
                    document: &doc,
                    diagnostics: ds,
                    pack: &pack,
                },
            )
            .expect("document");
        }
        o.finish(&mut out, &Summary::default()).expect("finish");
        let html = String::from_utf8(out).expect("UTF-8");
        assert_eq!(html.matches("<section class=\"report\"").count(), 1);
        let own_at = html.find("自己的").unwrap_or(usize::MAX);
        let series_at = html.find("跨年度的").unwrap_or(0);
        assert!(own_at < series_at, "both, in order");
        assert!(html.contains("id=\"r0-f1\""));
        assert!(
            html.contains("<mark class=\"error\" title=\"跨年度的\">甲乙丙</mark>"),
            "{html}"
        );
    }
}
