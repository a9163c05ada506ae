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

/// Renders the findings of one document.
pub fn render(out: &mut dyn WriteColor, path: &str, text: &str, diagnostics: &[Diagnostic]) {
    let mut files = SimpleFiles::new();
    let id = files.add(path, text);
    let cfg = config();
    for d in diagnostics {
        let mut labels =
            vec![CsLabel::primary(id, d.primary.clone()).with_message(&d.primary_label)];
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
        // Spans come from the parser of this very text; a failure here is a bug, and
        // the plain line below still tells the user what was found.
        if term::emit_to_write_style(out, &cfg, &files, &cs).is_err() {
            let _ = writeln!(out, "{}[{}]: {}", d.severity.as_str(), d.rule, d.message);
        }
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
