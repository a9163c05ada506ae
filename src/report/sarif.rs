//! The `sarif` format: SARIF 2.1.0 (OASIS), read by GitHub code scanning, VS Code's
//! SARIF viewer and security dashboards. One run; each finding a `result` with its
//! rule (`ruleId`, `ruleIndex`), level (`error` / `warning` / `note`), message, the
//! location (artifact URI, region) and the evidence as `relatedLocations`. For a Word
//! document each location's `message` names the place in Word's terms.
//!
//! Columns are **UTF-16 code units** (`run.columnKind = "utf16CodeUnits"`), the unit
//! GitHub and editors use; the JSON format counts characters instead (the two differ
//! only after a character outside the BMP). Lines and columns are 1-based; `endColumn`
//! is just past the last character. Positions are in the HTML source of a web page,
//! else in the checked text.
//!
//! Results are streamed: written as each document is checked. The rules that fired
//! are collected (their index is the order of first use) and written in
//! `tool.driver.rules` after the results — JSON objects are unordered — so memory does
//! not grow with the number of findings. `tests/sarif.rs` validates the output against
//! the official schema.

use std::collections::HashMap;
use std::io::{self, Write};

use serde_json::{Value, json};

use super::emit::{Checked, Emitter, Summary};
use super::place::{Columns, Place, location, place};
use super::{Diagnostic, Severity};
use crate::parse::Document;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Default)]
pub struct Sarif {
    /// Rule id → index in `rules`.
    index: HashMap<String, usize>,
    rules: Vec<Value>,
    results: usize,
    /// Paths that could not be checked, as notifications.
    notifications: Vec<Value>,
    started: bool,
}

/// `path` as a URI reference: `/` kept, Windows `\` turned into `/`, everything but
/// unreserved characters percent-encoded (UTF-8); absolute paths as `file://` URIs.
pub fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::with_capacity(path.len());
    let b = path.as_bytes();
    let windows_drive = b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/';
    if path.starts_with('/') {
        out.push_str("file://");
    } else if windows_drive {
        out.push_str("file:///");
    }
    for (i, b) in path.bytes().enumerate() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            b':' if windows_drive && i == 1 => out.push(':'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn region(p: Place) -> Value {
    json!({
        "startLine": p.line,
        "startColumn": p.column,
        "endLine": p.end_line,
        "endColumn": p.end_column,
    })
}

fn physical(doc: &Document, artifact: &str, span: &std::ops::Range<usize>) -> Value {
    json!({
        "artifactLocation": { "uri": artifact },
        "region": region(place(doc, span, Columns::Utf16)),
    })
}

impl Sarif {
    fn header(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if !self.started {
            self.started = true;
            write!(
                out,
                "{{\n  \"$schema\": \"{SCHEMA}\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {{\n      \"results\": ["
            )?;
        }
        Ok(())
    }

    /// The index of `d`'s rule in `tool.driver.rules`, adding its metadata on first use.
    fn rule_index(&mut self, c: &Checked<'_>, d: &Diagnostic) -> usize {
        if let Some(&i) = self.index.get(&d.rule) {
            return i;
        }
        let mut rule = json!({ "id": d.rule });
        if let Some(r) = c.pack.rule(&d.rule) {
            let m = &r.meta;
            let mut help = m.description.clone();
            if let Some(example) = &m.example {
                help.push_str(&format!("\n\n违规示例：\n{example}"));
            }
            rule = json!({
                "id": m.id,
                "shortDescription": { "text": m.summary },
                "fullDescription": { "text": m.description },
                "help": { "text": help },
                "defaultConfiguration": { "level": level(m.severity) },
                "properties": { "kind": m.kind, "pack": m.pack },
            });
        }
        let i = self.rules.len();
        self.rules.push(rule);
        self.index.insert(d.rule.clone(), i);
        i
    }

    fn result(&mut self, c: &Checked<'_>, artifact: &str, d: &Diagnostic) -> Value {
        let doc = c.document;
        let mut text = d.message.clone();
        if let Some(h) = &d.help {
            text.push_str(&format!("\n建议：{h}"));
        }
        let mut primary = json!({ "physicalLocation": physical(doc, artifact, &d.primary) });
        if let Some(l) = location(doc, &d.primary) {
            primary["message"] = json!({ "text": l });
        }
        let related: Vec<Value> = d
            .labels
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let mut message = l.message.clone();
                if let Some(at) = location(doc, &l.span) {
                    message.push_str(&format!("（{at}）"));
                }
                json!({
                    "id": i,
                    "physicalLocation": physical(doc, artifact, &l.span),
                    "message": { "text": message },
                })
            })
            .collect();
        let mut result = json!({
            "ruleId": d.rule,
            "ruleIndex": self.rule_index(c, d),
            "level": level(d.severity),
            "message": { "text": text },
            "locations": [primary],
        });
        if !related.is_empty() {
            result["relatedLocations"] = Value::Array(related);
        }
        result
    }
}

impl Emitter for Sarif {
    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.header(out)
    }

    fn document(&mut self, out: &mut dyn Write, c: &Checked<'_>) -> io::Result<()> {
        self.header(out)?;
        let artifact = uri(&c.document.path);
        for d in c.diagnostics {
            let result = self.result(c, &artifact, d);
            out.write_all(if self.results == 0 { b"\n" } else { b",\n" })?;
            out.write_all(b"        ")?;
            serde_json::to_writer(&mut *out, &result)?;
            self.results += 1;
        }
        Ok(())
    }

    fn unreadable(&mut self, _out: &mut dyn Write, path: &str, message: &str) -> io::Result<()> {
        self.notifications.push(json!({
            "level": "error",
            "message": { "text": format!("无法检查：{message}") },
            "locations": [{ "physicalLocation": { "artifactLocation": { "uri": uri(path) } } }],
        }));
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        self.header(out)?;
        let tool = json!({
            "driver": {
                "name": "nianbao",
                "fullName": "nianbao（年报）：政府信息公开工作年度报告检查工具",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": std::mem::take(&mut self.rules),
            }
        });
        let mut invocation = json!({ "executionSuccessful": summary.unreadable == 0 });
        if !self.notifications.is_empty() {
            invocation["toolExecutionNotifications"] =
                Value::Array(std::mem::take(&mut self.notifications));
        }
        let indent = |v: &Value| -> io::Result<String> {
            let text = serde_json::to_string_pretty(v)?;
            Ok(text.replace('\n', "\n      "))
        };
        let end = if self.results == 0 { "" } else { "\n      " };
        write!(
            out,
            "{end}],\n      \"columnKind\": \"utf16CodeUnits\",\n      \"tool\": {},\n      \"invocations\": [{}]\n    }}\n  ]\n}}\n",
            indent(&tool)?,
            indent(&invocation)?
        )
    }
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(
            uri("reports/年报 2024.txt"),
            "reports/%E5%B9%B4%E6%8A%A5%202024.txt"
        );
        assert_eq!(uri("/srv/a b.docx"), "file:///srv/a%20b.docx");
        assert_eq!(uri(r"C:\x\y.txt"), "file:///C:/x/y.txt");
        assert_eq!(uri("a:b"), "a%3Ab");
    }
}
