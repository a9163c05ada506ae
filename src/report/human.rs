//! rustc-style rendering with codespan-reporting: the header with severity and rule
//! id (`错误[T201]：…`), the source line with a caret under the exact token (aligned
//! under Chinese double-width text), secondary labels, `= 说明：` and `= 建议：`.
//! codespan-reporting writes the severity in English; `chinese_header` puts the
//! Chinese word in its place (the same words as `Severity::chinese`, the web page and
//! `nianbao rules`).

use codespan_reporting::diagnostic::{
    Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity,
};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::termcolor::{Buffer, WriteColor};
use codespan_reporting::term::{self, Config};

use super::emit::{Checked, Emitter, Options, Summary};
use super::excerpt::Excerpt;
use super::visible::{visible, visible_line};
use super::{Diagnostic, Severity};
use crate::pack::PackError;
use crate::parse::{Document, LineIndex};

fn severity(s: Severity) -> CsSeverity {
    match s {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
        Severity::Info => CsSeverity::Note,
    }
}

/// A buffer that writes ANSI colours or plain text.
pub fn buffer(color: bool) -> Buffer {
    if color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    }
}

fn config() -> Config {
    Config::default()
}

/// The `human` format: every finding with its excerpt, then the summary line.
pub struct Human {
    options: Options,
}

impl Human {
    pub fn new(options: &Options) -> Human {
        Human { options: *options }
    }
}

impl Emitter for Human {
    fn document(&mut self, out: &mut dyn std::io::Write, c: &Checked<'_>) -> std::io::Result<()> {
        let mut buf = buffer(self.options.color);
        render_document(&mut buf, c.document, c.diagnostics);
        out.write_all(buf.as_slice())
    }

    fn finish(&mut self, out: &mut dyn std::io::Write, summary: &Summary) -> std::io::Result<()> {
        if self.options.quiet {
            return Ok(());
        }
        write!(out, "\n{}", summary.line())
    }
}

/// Renders `cs` with codespan-reporting, then writes it with the severity in Chinese.
fn emit_chinese<'f, F: codespan_reporting::files::Files<'f>>(
    out: &mut dyn WriteColor,
    files: &'f F,
    cs: &CsDiagnostic<F::FileId>,
) -> Result<(), ()> {
    let mut buf = buffer(out.supports_color());
    term::emit_to_write_style(&mut buf, &config(), files, cs).map_err(|_| ())?;
    out.write_all(&chinese_header(buf.as_slice(), cs.severity))
        .map_err(|_| ())
}

/// `rendered` (one diagnostic, plain or with ANSI colours) with the English severity
/// of its header replaced by the Chinese word and the colon after the code by a
/// full-width one: `error[T201]: …` → `错误[T201]：…`. The header is the first thing
/// codespan-reporting writes, so the first occurrence of the word is the one.
fn chinese_header(rendered: &[u8], severity: CsSeverity) -> Vec<u8> {
    let (english, chinese): (&[u8], &str) = match severity {
        CsSeverity::Bug => (b"bug", "内部错误"),
        CsSeverity::Error => (b"error", "错误"),
        CsSeverity::Warning => (b"warning", "警告"),
        CsSeverity::Note => (b"note", "提示"),
        CsSeverity::Help => (b"help", "建议"),
    };
    let Some(at) = find(rendered, english) else {
        return rendered.to_vec();
    };
    let mut out = Vec::with_capacity(rendered.len() + 8);
    out.extend_from_slice(&rendered[..at]);
    out.extend_from_slice(chinese.as_bytes());
    let rest = &rendered[at + english.len()..];
    let line_end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
    match find(&rest[..line_end], b": ") {
        Some(colon) => {
            out.extend_from_slice(&rest[..colon]);
            out.extend_from_slice("：".as_bytes());
            out.extend_from_slice(&rest[colon + 2..]);
        }
        None => out.extend_from_slice(rest),
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// How the note naming a finding's place in a Word document or web page starts.
const PLACE: &str = "位置：";

/// A note line under a finding: `说明：…`.
fn note_line(text: &str) -> String {
    format!("说明：{}", visible(text))
}

/// The help line under a finding: `建议：…`.
fn help_line(text: &str) -> String {
    format!("建议：{}", visible(text))
}

/// Renders the findings of one document, on `text` itself.
pub fn render(out: &mut dyn WriteColor, path: &str, text: &str, diagnostics: &[Diagnostic]) {
    let lines = LineIndex::new(text);
    for d in diagnostics {
        emit(out, path, text, &lines, d);
    }
}

/// Renders the findings of a checked document where the user will look for them: a
/// text file's own lines; a web page's HTML source lines; for a Word document the
/// extracted text the checks saw, with the place in Word's terms as a note
/// (`位置：第2个表格（表三）第5行第3列`).
pub fn render_document(out: &mut dyn WriteColor, doc: &Document, diagnostics: &[Diagnostic]) {
    let source = &doc.source;
    if let Some(original) = source.original.as_deref() {
        let mut on_original = Vec::new();
        let mut on_text = Vec::new();
        for d in diagnostics {
            match to_original(doc, d) {
                Some(mapped) => on_original.push(mapped),
                None => on_text.push(with_location(doc, d)),
            }
        }
        let original_lines = LineIndex::new(original);
        // Keep file order: findings are rendered one by one.
        let (mut a, mut b) = (on_original.iter().peekable(), on_text.iter().peekable());
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if x.1 <= y.1 => {
                    a.next().map(|(d, _)| (d, original, &original_lines))
                }
                (Some(_), None) => a.next().map(|(d, _)| (d, original, &original_lines)),
                (_, Some(_)) => b.next().map(|(d, _)| (d, doc.text.as_str(), &doc.lines)),
                (None, None) => None,
            };
            let Some((d, text, lines)) = next else { break };
            emit(out, &doc.path, text, lines, d);
        }
        return;
    }
    for d in diagnostics {
        emit(
            out,
            &doc.path,
            &doc.text,
            &doc.lines,
            &with_location(doc, d).0,
        );
    }
}

/// `d` with its spans moved into the original text, when every span maps there. The
/// second value orders the findings.
fn to_original(doc: &Document, d: &Diagnostic) -> Option<(Diagnostic, usize)> {
    let map = |span: &std::ops::Range<usize>| doc.source.original_span(span);
    let mut mapped = d.clone();
    mapped.primary = map(&d.primary)?;
    for (l, orig) in mapped.labels.iter_mut().zip(&d.labels) {
        l.span = map(&orig.span)?;
    }
    Some((mapped, d.primary.start))
}

/// `d` with a note naming its place in the original document (Word's terms, or the
/// web page's line when its source cannot be shown).
fn with_location(doc: &Document, d: &Diagnostic) -> (Diagnostic, usize) {
    let mut d2 = d.clone();
    let place = super::place::location(doc, &d.primary).or_else(|| {
        let r = doc.source.original_span(&d.primary)?;
        let p = doc.source.original_position(r.start)?;
        Some(format!("网页源代码第 {} 行第 {} 列", p.line, p.column))
    });
    if let Some(place) = place {
        d2.notes.insert(0, format!("{PLACE}{place}"));
    }
    (d2, d.primary.start)
}

/// Renders one finding on `text` (named `name`), showing only the lines it points at.
fn emit(out: &mut dyn WriteColor, name: &str, text: &str, lines: &LineIndex, d: &Diagnostic) {
    let spans: Vec<std::ops::Range<usize>> = std::iter::once(d.primary.clone())
        .chain(d.labels.iter().map(|l| l.span.clone()))
        .collect();
    // Control characters in the file name and in the messages (which quote the report)
    // are made visible; the excerpt does the same for the report's text.
    let name = visible_line(name);
    let excerpt = Excerpt::new(&name, text, lines, &spans);
    let mut labels = vec![
        CsLabel::primary((), excerpt.map_span(&d.primary)).with_message(visible(&d.primary_label)),
    ];
    labels.extend(d.labels.iter().map(|l| {
        CsLabel::secondary((), excerpt.map_span(&l.span)).with_message(visible(&l.message))
    }));
    // The place note `with_location` added is shown as it is; the rules' notes as 说明.
    let mut notes: Vec<String> = d
        .notes
        .iter()
        .map(|n| match n.strip_prefix(PLACE) {
            Some(_) => visible(n).into_owned(),
            None => note_line(n),
        })
        .collect();
    if let Some(h) = &d.help {
        notes.push(help_line(h));
    }
    let cs = CsDiagnostic::new(severity(d.severity))
        .with_code(visible_line(&d.rule))
        .with_message(visible(&d.message))
        .with_labels(labels)
        .with_notes(notes);
    // Spans come from the parser of this very text; a failure here is a bug, and the
    // plain line below still tells the user what was found.
    if emit_chinese(out, &excerpt, &cs).is_err() {
        let _ = writeln!(
            out,
            "{}[{}]：{}",
            d.severity.chinese(),
            visible_line(&d.rule),
            visible(&d.message)
        );
    }
}

/// Renders a problem that stopped a file from being checked (unreadable, not text…).
pub fn render_file_error(out: &mut dyn WriteColor, path: &str, message: &str, help: Option<&str>) {
    let files: SimpleFiles<&str, &str> = SimpleFiles::new();
    let (path, message) = (visible_line(path), visible(message));
    let mut notes = Vec::new();
    if !path.is_empty() {
        notes.push(format!("文件：{path}"));
    }
    if let Some(h) = help {
        notes.push(help_line(h));
    }
    let cs: CsDiagnostic<usize> = CsDiagnostic::error()
        .with_message(message.as_ref())
        .with_notes(notes);
    if emit_chinese(out, &files, &cs).is_err() {
        let _ = writeln!(out, "错误：{message}（{path}）");
    }
}

/// Renders a rule-pack error, pointing into the TOML files.
pub fn render_pack_error(out: &mut dyn WriteColor, err: &PackError) {
    for e in err.all() {
        render_one_pack_error(out, e);
    }
    if err.count() > 1 {
        let mut line = format!("规则包共有 {} 个错误", err.count());
        if err.omitted > 0 {
            line.push_str(&format!("（只显示了前 {} 个）", err.count() - err.omitted));
        }
        let _ = writeln!(out, "{line}");
    }
}

fn render_one_pack_error(out: &mut dyn WriteColor, err: &PackError) {
    let mut notes: Vec<String> = err.notes.iter().map(|n| note_line(n)).collect();
    if let Some(h) = &err.help {
        notes.push(help_line(h));
    }
    // All places in one file (the usual case): shown through an excerpt, so that a
    // very long line (a pattern of megabytes) is cut to a window around the spans.
    if let Some(place) = &err.primary
        && err
            .secondary
            .iter()
            .all(|(p, _)| std::sync::Arc::ptr_eq(&p.source, &place.source))
    {
        let text = place.source.text.as_str();
        let lines = LineIndex::new(text);
        let spans: Vec<std::ops::Range<usize>> = std::iter::once(place.span.clone())
            .chain(err.secondary.iter().map(|(p, _)| p.span.clone()))
            .collect();
        let name = visible_line(&place.source.path);
        let excerpt = Excerpt::new(&name, text, &lines, &spans);
        let mut labels = vec![
            CsLabel::primary((), excerpt.map_span(&place.span))
                .with_message(visible(&err.primary_label)),
        ];
        labels.extend(err.secondary.iter().map(|(p, m)| {
            CsLabel::secondary((), excerpt.map_span(&p.span)).with_message(visible(m))
        }));
        let cs = CsDiagnostic::error()
            .with_message(format!("规则包有误：{}", visible(&err.message)))
            .with_labels(labels)
            .with_notes(notes);
        if emit_chinese(out, &excerpt, &cs).is_err() {
            let _ = writeln!(out, "错误：{}", visible(&err.to_string()));
        }
        return;
    }
    let mut files = SimpleFiles::new();
    let mut labels = Vec::new();
    if let Some(place) = &err.primary {
        let id = files.add(place.source.path.clone(), place.source.text.clone());
        labels.push(CsLabel::primary(id, place.span.clone()).with_message(&err.primary_label));
    }
    for (place, message) in &err.secondary {
        let id = files.add(place.source.path.clone(), place.source.text.clone());
        labels.push(CsLabel::secondary(id, place.span.clone()).with_message(message));
    }
    let cs = CsDiagnostic::error()
        .with_message(format!("规则包有误：{}", visible(&err.message)))
        .with_labels(labels)
        .with_notes(notes);
    if emit_chinese(out, &files, &cs).is_err() {
        let _ = writeln!(out, "错误：{err}");
    }
}
