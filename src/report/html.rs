//! A report as one self-contained HTML file (the web page's "下载本报告"): the text
//! nianbao read with each finding's span marked by severity, and the list of findings
//! with rule, message, notes, help and, for Word documents, the place in Word. No
//! script, no external resource: it opens offline and can be mailed or archived.
//! Links go from a finding to its span and back.
//!
//! Every piece of report text is escaped (`escape`); a report containing `<script>`
//! shows it as text.

use std::fmt::Write as _;
use std::ops::Range;

use super::{Counts, Diagnostic, Severity};
use crate::parse::Document;

/// A run of the text and the findings whose primary span covers it (indices into
/// the diagnostics). An empty run marks an empty span (something missing here).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    pub text: Range<usize>,
    pub findings: Vec<usize>,
}

/// Splits `text` at the boundaries of the findings' primary spans.
pub fn pieces(text: &str, diagnostics: &[Diagnostic]) -> Vec<Piece> {
    let clamp = |o: usize| {
        let o = o.min(text.len());
        crate::text::floor_char_boundary(text, o)
    };
    let spans: Vec<Range<usize>> = diagnostics
        .iter()
        .map(|d| {
            let s = clamp(d.primary.start);
            s..clamp(d.primary.end).max(s)
        })
        .collect();
    let mut cuts: Vec<usize> = spans.iter().flat_map(|r| [r.start, r.end]).collect();
    cuts.push(0);
    cuts.push(text.len());
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = Vec::new();
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        push_points(&spans, a, &mut out);
        let findings: Vec<usize> = spans
            .iter()
            .enumerate()
            .filter(|(_, r)| r.start <= a && b <= r.end && r.start < r.end)
            .map(|(i, _)| i)
            .collect();
        out.push(Piece {
            text: a..b,
            findings,
        });
    }
    push_points(&spans, text.len(), &mut out);
    out
}

fn push_points(spans: &[Range<usize>], at: usize, out: &mut Vec<Piece>) {
    let points: Vec<usize> = spans
        .iter()
        .enumerate()
        .filter(|(_, r)| r.is_empty() && r.start == at)
        .map(|(i, _)| i)
        .collect();
    if !points.is_empty() {
        out.push(Piece {
            text: at..at,
            findings: points,
        });
    }
}

/// The most severe of some findings.
pub fn worst(diagnostics: &[Diagnostic], findings: &[usize]) -> Option<Severity> {
    findings
        .iter()
        .filter_map(|&i| diagnostics.get(i))
        .map(|d| d.severity)
        .min_by_key(|s| match s {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Info => 2,
        })
}

/// The place of a span in Word's terms, for editors: `Word 中第2个表格 第5行第3列`,
/// `Word 中第12段`. `None` for other formats.
pub fn word_place(doc: &Document, span: &Range<usize>) -> Option<String> {
    super::place::location(doc, span).map(|l| format!("Word 中{l}"))
}

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The family of a rule (its first letter) in Chinese.
pub fn family_name(rule: &str) -> &'static str {
    match rule.chars().next() {
        Some('S') => "结构",
        Some('T') => "统计表",
        Some('X') => "正文与表格",
        Some('N') => "正文算术",
        Some('D') => "日期",
        Some('E') => "文字",
        _ => "其他",
    }
}

const STYLE: &str = "\
body{font:15px/1.6 system-ui,'Microsoft YaHei','PingFang SC','Noto Sans CJK SC',sans-serif;margin:0;color:#1a1a1a;background:#fff}
header{padding:12px 20px;border-bottom:1px solid #ccc}
h1{font-size:20px;margin:0 0 4px}
.counts span{margin-right:16px}
main{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:16px;padding:12px 20px}
pre{white-space:pre-wrap;word-break:break-all;font:14px/1.7 'SimSun','Noto Serif CJK SC',monospace;margin:0}
mark{border-radius:2px;padding:0 1px;color:inherit;text-decoration:none}
mark.error{background:#ffc9c9;border-bottom:2px solid #c92a2a}
mark.warning{background:#ffec99;border-bottom:2px solid #e67700}
mark.info{background:#d0ebff;border-bottom:2px solid #1864ab}
mark.point::before{content:'\\25B8'}
ol{padding-left:20px;margin:0}
li{margin:0 0 12px}
.sev{font-weight:bold}.sev.error{color:#c92a2a}.sev.warning{color:#a35200}.sev.info{color:#1864ab}
.note,.help,.place{margin:2px 0 0;font-size:14px}.help{color:#2b8a3e}.place{color:#555}
a{color:inherit}
@media print{main{display:block}}
";

/// The whole report as one HTML file.
pub fn render(doc: &Document, diagnostics: &[Diagnostic]) -> String {
    let counts = Counts::of(diagnostics);
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>nianbao 检查报告：{name}</title><style>{STYLE}</style></head><body>\
         <header><h1>nianbao 检查报告：{name}</h1><div class=\"counts\">\
         <span>格式：{kind}</span><span>错误 {e}</span><span>警告 {w}</span><span>提示 {i}</span>\
         </div></header><main><section aria-label=\"报告正文\"><pre>",
        name = escape(&doc.path),
        kind = escape(doc.source.kind.chinese()),
        e = counts.errors,
        w = counts.warnings,
        i = counts.infos,
    );
    for p in pieces(&doc.text, diagnostics) {
        let text = escape(&doc.text[p.text.clone()]);
        match (p.findings.first(), worst(diagnostics, &p.findings)) {
            (Some(&first), Some(sev)) => {
                let point = if p.text.is_empty() { " point" } else { "" };
                let _ = write!(
                    s,
                    "<a href=\"#f{first}\"><mark id=\"m{first}-{}\" class=\"{}{point}\" title=\"{}\">{text}</mark></a>",
                    p.text.start,
                    sev.as_str(),
                    escape(
                        &p.findings
                            .iter()
                            .filter_map(|&i| diagnostics.get(i))
                            .map(|d| format!("{} {}", d.rule, d.message))
                            .collect::<Vec<_>>()
                            .join("；")
                    ),
                );
            }
            _ => s.push_str(&text),
        }
    }
    s.push_str("</pre></section><section aria-label=\"发现的问题\">");
    if diagnostics.is_empty() {
        s.push_str("<p>没有发现问题。</p>");
    } else {
        s.push_str("<ol>");
    }
    let starts = first_marks(&doc.text, diagnostics);
    for (i, d) in diagnostics.iter().enumerate() {
        let _ = write!(
            s,
            "<li id=\"f{i}\"><a href=\"#{}\"><span class=\"sev {}\">{} {}</span></a> \
             <span class=\"family\">（{}）</span> {}",
            starts[i],
            d.severity.as_str(),
            escape(&d.rule),
            d.severity.chinese(),
            family_name(&d.rule),
            escape(&d.message),
        );
        if let Some(place) = word_place(doc, &d.primary) {
            let _ = write!(s, "<p class=\"place\">位置：{}</p>", escape(&place));
        }
        for n in &d.notes {
            let _ = write!(s, "<p class=\"note\">说明：{}</p>", escape(n));
        }
        if let Some(h) = &d.help {
            let _ = write!(s, "<p class=\"help\">建议：{}</p>", escape(h));
        }
        s.push_str("</li>");
    }
    if !diagnostics.is_empty() {
        s.push_str("</ol>");
    }
    s.push_str("</section></main></body></html>\n");
    s
}

/// For each finding, the id of the first mark that shows it (the link target from
/// the list).
fn first_marks(text: &str, diagnostics: &[Diagnostic]) -> Vec<String> {
    let mut out: Vec<Option<String>> = vec![None; diagnostics.len()];
    for p in pieces(text, diagnostics) {
        if let Some(&lead) = p.findings.first() {
            for &i in &p.findings {
                if out[i].is_none() {
                    out[i] = Some(format!("m{lead}-{}", p.text.start));
                }
            }
        }
    }
    out.into_iter().map(Option::unwrap_or_default).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_split_at_span_boundaries() {
        let text = "abcdef";
        let d = |r: Range<usize>| Diagnostic::new("T201", Severity::Error, r, "m".into());
        let ps = pieces(text, &[d(1..4), d(2..3), d(5..5)]);
        let got: Vec<(Range<usize>, Vec<usize>)> =
            ps.into_iter().map(|p| (p.text, p.findings)).collect();
        assert_eq!(
            got,
            vec![
                (0..1, vec![]),
                (1..2, vec![0]),
                (2..3, vec![0, 1]),
                (3..4, vec![0]),
                (4..5, vec![]),
                (5..5, vec![2]),
                (5..6, vec![]),
            ]
        );
    }

    #[test]
    fn report_text_is_escaped() {
        let templates = crate::Pack::national().expect("national pack").templates;
        let text = "一、总体情况\n<script>alert(1)</script> & \"x\"\n".to_string();
        let doc = Document::parse("a<b>.txt", text, &templates);
        let d = Diagnostic::new("E102", Severity::Warning, 19..27, "<img src=x>".into())
            .note("<b>")
            .help("'q'");
        let html = render(&doc, &[d]);
        assert!(!html.contains("<script>"), "{html}");
        assert!(
            html.contains("&lt;script&gt;</mark></a>alert(1)&lt;/script&gt; &amp; &quot;x&quot;")
        );
        assert!(!html.contains("<img"));
        assert!(html.contains("a&lt;b&gt;.txt"));
        assert!(html.contains("说明：&lt;b&gt;") && html.contains("建议：&#39;q&#39;"));
        assert!(html.contains("<mark id=\"m0-19\" class=\"warning\""));
    }
}
