//! Check: runs every enabled rule of a pack over a parsed document, merges the
//! findings that one wrong figure explains (`merge`), and returns them in document
//! order.

mod merge;

use crate::diagnostic::Diagnostic;
use crate::pack::Pack;
use crate::parse::Document;
use crate::rules::Context;

pub fn run(doc: &Document, pack: &Pack) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut holding = crate::rules::Holding::default();
    let scan = pack.scanner.scan(doc);
    for rule in pack.enabled_rules() {
        // A rule limited to some issuing-body levels runs only where the level is known.
        if !rule.meta.levels.is_empty()
            && !doc
                .body
                .as_ref()
                .is_some_and(|b| rule.meta.levels.contains(&b.level))
        {
            continue;
        }
        let start = out.len();
        let mut cx = Context {
            doc,
            templates: &pack.templates,
            meta: &rule.meta,
            out: &mut out,
            scan: &scan,
            holding: &mut holding,
        };
        rule.check.check(&mut cx);
        crate::pack::amend::restyle(&rule.meta, &mut out[start..]);
    }
    let mut out = merge::merge(out, &holding);
    note_reconstructed(doc, pack, &mut out);
    crate::diagnostic::safe_fix::settle(doc, &mut out);
    out.sort_by(|a, b| {
        (a.primary.start, &a.rule, a.primary.end).cmp(&(b.primary.start, &b.rule, b.primary.end))
    });
    out
}

/// Every finding that points at a cell reconstructed from glued digits (its primary
/// span or one of its labels) says so, with the reading and the relations it used.
fn note_reconstructed(doc: &Document, pack: &Pack, out: &mut [Diagnostic]) {
    let mut cells: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    for (table, tpl) in doc.tables.iter().zip(&pack.templates.tables) {
        for (ri, row) in table.rows.iter().enumerate() {
            let Some(g) = &row.glued else { continue };
            let name = if tpl.rows[ri].unlabeled {
                format!("{}数据行", tpl.name)
            } else {
                format!("{}「{}」行", tpl.name, tpl.rows[ri].short)
            };
            let Some(note) = g.note(&name) else { continue };
            for cell in row.cells.iter().filter(|c| c.reconstructed) {
                if let Some(span) = &cell.span {
                    cells.push((span.clone(), note.clone()));
                }
            }
        }
    }
    if cells.is_empty() {
        return;
    }
    let overlaps =
        |a: &std::ops::Range<usize>, b: &std::ops::Range<usize>| a.start < b.end && b.start < a.end;
    for d in out.iter_mut() {
        let mut notes: Vec<&String> = Vec::new();
        for (span, note) in &cells {
            let hit =
                overlaps(&d.primary, span) || d.labels.iter().any(|l| overlaps(&l.span, span));
            if hit && !notes.contains(&note) {
                notes.push(note);
            }
        }
        for note in notes {
            d.notes.push(note.clone());
        }
    }
}
