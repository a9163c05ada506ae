//! Check: runs every enabled rule of a pack over a parsed document, merges the
//! findings that one wrong figure explains (`merge`), and returns them in document
//! order.

mod merge;

use crate::pack::Pack;
use crate::parse::Document;
use crate::report::Diagnostic;
use crate::rules::Context;

pub fn run(doc: &Document, pack: &Pack) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut holding = Vec::new();
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
            holding: &mut holding,
        };
        rule.check.check(&mut cx);
        crate::pack::amend::restyle(&rule.meta, &mut out[start..]);
    }
    let mut out = merge::merge(out, &holding);
    out.sort_by(|a, b| {
        (a.primary.start, &a.rule, a.primary.end).cmp(&(b.primary.start, &b.rule, b.primary.end))
    });
    out
}
