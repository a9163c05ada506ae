//! rustc-style rendering with codespan-reporting: the header with severity and rule
//! id, the source line with a caret under the exact token (aligned under Chinese
//! double-width text), secondary labels, `= note:` and `= help:`.

use codespan_reporting::diagnostic::{
    Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity,
};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::termcolor::{Buffer, WriteColor};
use codespan_reporting::term::{self, Config};

use super::{Diagnostic, Severity};
use crate::pack::PackError;
use crate::parse::Document;

/// Source lines longer than this (minified web pages) are not shown; the extracted
/// text is shown instead, with the place in the page as a note.
const MAX_SHOWN_LINE: usize = 400;

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

/// Renders the findings of one document, on `text` itself.
pub fn render(out: &mut dyn WriteColor, path: &str, text: &str, diagnostics: &[Diagnostic]) {
    let mut files = SimpleFiles::new();
    let id = files.add(path, text);
    for d in diagnostics {
        emit(out, &files, id, d);
    }
}

/// Renders the findings of a checked document where the user will look for them: a
/// text file's own lines; a web page's HTML source lines; for a Word document the
/// extracted text the checks saw, with the place in Word's terms as a note
/// (`位置：表2 第5行第3列`).
pub fn render_document(out: &mut dyn WriteColor, doc: &Document, diagnostics: &[Diagnostic]) {
    let source = &doc.source;
    if let Some(original) = source.original.as_deref() {
        let mut on_original = Vec::new();
        let mut on_text = Vec::new();
        for d in diagnostics {
            match to_original(doc, d, original) {
                Some(mapped) => on_original.push(mapped),
                None => on_text.push(with_location(doc, d)),
            }
        }
        // Keep file order: findings are rendered one by one.
        let mut files = SimpleFiles::new();
        let original_id = files.add(doc.path.as_str(), original);
        let text_id = files.add(doc.path.as_str(), doc.text.as_str());
        let (mut a, mut b) = (on_original.iter().peekable(), on_text.iter().peekable());
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if x.1 <= y.1 => a.next().map(|(d, _)| (d, original_id)),
                (Some(_), None) => a.next().map(|(d, _)| (d, original_id)),
                (_, Some(_)) => b.next().map(|(d, _)| (d, text_id)),
                (None, None) => None,
            };
            let Some((d, id)) = next else { break };
            emit(out, &files, id, d);
        }
        return;
    }
    let mut files = SimpleFiles::new();
    let id = files.add(doc.path.as_str(), doc.text.as_str());
    for d in diagnostics {
        emit(out, &files, id, &with_location(doc, d).0);
    }
}

/// `d` with its spans moved into the original text, when every span maps there and
/// every line shown is short enough to read. The second value orders the findings.
fn to_original(doc: &Document, d: &Diagnostic, original: &str) -> Option<(Diagnostic, usize)> {
    let map = |span: &std::ops::Range<usize>| {
        let r = doc.source.original_span(span)?;
        let line_start = original[..r.start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = original[r.end..]
            .find('\n')
            .map_or(original.len(), |i| r.end + i);
        let long = original[line_start..line_end].chars().count() > MAX_SHOWN_LINE;
        (!long).then_some(r)
    };
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
    let place = doc.source.location(&d.primary).or_else(|| {
        let r = doc.source.original_span(&d.primary)?;
        let p = doc.source.original_position(r.start)?;
        Some(format!("网页源代码第 {} 行第 {} 列", p.line, p.column))
    });
    if let Some(place) = place {
        d2.notes.insert(0, format!("位置：{place}"));
    }
    (d2, d.primary.start)
}

fn emit(out: &mut dyn WriteColor, files: &SimpleFiles<&str, &str>, id: usize, d: &Diagnostic) {
    let mut labels = vec![CsLabel::primary(id, d.primary.clone()).with_message(&d.primary_label)];
    labels.extend(
        d.labels
            .iter()
            .map(|l| CsLabel::secondary(id, l.span.clone()).with_message(&l.message)),
    );
    let mut notes: Vec<String> = d.notes.iter().map(|n| format!("note: {n}")).collect();
    if let Some(h) = &d.help {
        notes.push(format!("help: {h}"));
    }
    let cs = CsDiagnostic::new(severity(d.severity))
        .with_code(&d.rule)
        .with_message(&d.message)
        .with_labels(labels)
        .with_notes(notes);
    // Spans come from the parser of this very text; a failure here is a bug, and the
    // plain line below still tells the user what was found.
    if term::emit_to_write_style(out, &config(), files, &cs).is_err() {
        let _ = writeln!(out, "{}[{}]: {}", d.severity.as_str(), d.rule, d.message);
    }
}

/// Renders a problem that stopped a file from being checked (unreadable, not text…).
pub fn render_file_error(out: &mut dyn WriteColor, path: &str, message: &str, help: Option<&str>) {
    let files: SimpleFiles<&str, &str> = SimpleFiles::new();
    let mut notes = vec![format!("note: 文件：{path}")];
    if let Some(h) = help {
        notes.push(format!("help: {h}"));
    }
    let cs: CsDiagnostic<usize> = CsDiagnostic::error()
        .with_message(message)
        .with_notes(notes);
    if term::emit_to_write_style(out, &config(), &files, &cs).is_err() {
        let _ = writeln!(out, "error: {message}（{path}）");
    }
}

/// Renders a rule-pack error, pointing into the TOML files.
pub fn render_pack_error(out: &mut dyn WriteColor, err: &PackError) {
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
    let mut notes: Vec<String> = err.notes.iter().map(|n| format!("note: {n}")).collect();
    if let Some(h) = &err.help {
        notes.push(format!("help: {h}"));
    }
    let cs = CsDiagnostic::error()
        .with_message(format!("规则包错误：{}", err.message))
        .with_labels(labels)
        .with_notes(notes);
    if term::emit_to_write_style(out, &config(), &files, &cs).is_err() {
        let _ = writeln!(out, "error: {err}");
    }
}
