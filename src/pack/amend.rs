//! What a pack changes in the packs it extends, besides adding rules:
//!
//! * `[[variant]]` — more accepted titles and labels for the templates of an extended
//!   pack: a section title, a sub-part title, a table's row or column label;
//! * `[[override]]` — a rule of an extended pack with another summary, description,
//!   example, severity, levels, findings' message or help, or more wordings (for the
//!   `cross_ref` and `pattern` kinds: the added `patterns` are recognised besides the
//!   rule's own, each checked against the override's `examples`/`counterexamples`).
//!
//! ```toml
//! [[variant]]
//! section = "other"
//! accept = ["需要报告的其他事项"]
//!
//! [[override]]
//! rule = "X101"
//! message = "本省要求：{message}"
//! patterns = ['登记{gap}{application}{short_gap}申请{count}{n}{piece}']
//! examples = ["全年登记政府信息公开申请24件"]
//! ```

use std::ops::Range;
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use super::Rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::body::Level;
use crate::rules::{Check, Context, FigureUse};
use crate::template::error::{PackError, PackSource};
use crate::template::{LabelSet, Templates, unknown};
use crate::text::normalize;

/// `[[variant]]`: accepted wordings of a title or label of the templates.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariantDef {
    pub section: Option<Spanned<String>>,
    /// A sub-part of `section`.
    pub part: Option<Spanned<String>>,
    pub table: Option<Spanned<String>>,
    /// A row of `table`.
    pub row: Option<Spanned<String>>,
    /// A column of `table`.
    pub column: Option<Spanned<String>>,
    pub accept: Spanned<Vec<String>>,
}

/// `[[override]]`: changes to a rule declared by an extended pack (or earlier in this one).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverrideDef {
    pub rule: Spanned<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub example: Option<String>,
    pub severity: Option<Spanned<Severity>>,
    pub levels: Option<Vec<Spanned<Level>>>,
    /// Replaces the message of the rule's findings; `{message}` is the original.
    pub message: Option<String>,
    /// Replaces the help of the rule's findings; `{help}` is the original.
    pub help: Option<String>,
    /// More wordings, recognised besides the rule's own.
    #[serde(default)]
    pub patterns: Vec<Spanned<String>>,
    #[serde(default)]
    pub examples: Vec<Spanned<String>>,
    #[serde(default)]
    pub counterexamples: Vec<Spanned<String>>,
}

/// Adds the accepted wordings of a `[[variant]]` to the templates.
pub fn apply_variant(
    src: &Arc<PackSource>,
    def: &VariantDef,
    templates: &mut Templates,
) -> Result<(), PackError> {
    let accept = def.accept.get_ref();
    if accept.is_empty() {
        return Err(PackError::new("variant 的 accept 是空的").at(
            src,
            def.accept.span(),
            "至少写一个可接受的写法",
        ));
    }
    let target: &mut LabelSet = match (&def.section, &def.part, &def.table) {
        (Some(section), part, None) if def.row.is_none() && def.column.is_none() => {
            let Some(si) = templates.section_index(section.get_ref()) else {
                return Err(unknown(
                    src,
                    section,
                    "章节",
                    templates.sections.iter().map(|s| s.id.as_str()),
                ));
            };
            let s = &mut templates.sections[si];
            match part {
                None => &mut s.title,
                Some(part) => {
                    let Some(pi) = s.parts.iter().position(|p| p.id == *part.get_ref()) else {
                        return Err(unknown(
                            src,
                            part,
                            "子项",
                            s.parts.iter().map(|p| p.id.as_str()),
                        ));
                    };
                    &mut s.parts[pi].title
                }
            }
        }
        (None, None, Some(table)) => {
            let Some(ti) = templates.table_index(table.get_ref()) else {
                return Err(unknown(
                    src,
                    table,
                    "表格",
                    templates.tables.iter().map(|t| t.id.as_str()),
                ));
            };
            let t = &mut templates.tables[ti];
            match (&def.row, &def.column) {
                (Some(row), None) => {
                    let Some(ri) = t.row_index(row.get_ref()) else {
                        return Err(unknown(
                            src,
                            row,
                            "行",
                            t.rows.iter().map(|r| r.id.as_str()),
                        ));
                    };
                    &mut t.rows[ri].label
                }
                (None, Some(column)) => {
                    let Some(ci) = t.column_index(column.get_ref()) else {
                        return Err(unknown(
                            src,
                            column,
                            "列",
                            t.columns.iter().map(|c| c.id.as_str()),
                        ));
                    };
                    &mut t.columns[ci].label
                }
                _ => {
                    return Err(
                        PackError::new("表格的 variant 要写明 row 或 column（二者之一）")
                            .at(src, table.span(), "此表格")
                            .help("如 table = \"t3\" 和 row = \"new\""),
                    );
                }
            }
        }
        _ => {
            return Err(PackError::new(
                "variant 要写明改哪个标题：section（可加 part），或 table 加 row 或 column",
            )
            .at(src, def.accept.span(), "这些写法不知道属于哪个标题")
            .help(
                "如 section = \"other\"；section = \"overview\" 与 part = \"oversight\"；table = \"t3\" 与 row = \"new\"",
            ));
        }
    };
    for v in accept {
        target.accept(normalize(v));
    }
    templates.labels_changed();
    Ok(())
}

/// Applies the message, help and documentation changes of an `[[override]]`.
pub fn apply_override_meta(def: &OverrideDef, rule: &mut Rule) {
    let meta = &mut rule.meta;
    if let Some(s) = &def.summary {
        meta.summary = s.trim().to_string();
    }
    if let Some(d) = &def.description {
        meta.description = d.trim().to_string();
    }
    if let Some(e) = &def.example {
        meta.example = Some(e.trim_matches('\n').to_string());
    }
    if let Some(s) = &def.severity {
        meta.severity = *s.get_ref();
    }
    if let Some(levels) = &def.levels {
        meta.levels = levels.iter().map(|l| *l.get_ref()).collect();
    }
    if let Some(m) = &def.message {
        meta.message = Some(m.clone());
    }
    if let Some(h) = &def.help {
        meta.help = Some(h.clone());
    }
}

/// The span of an override's `patterns` for errors (its first pattern).
pub fn patterns_span(def: &OverrideDef) -> Range<usize> {
    def.patterns
        .first()
        .map_or_else(|| def.rule.span(), |p| p.span())
}

/// A rule with wordings added by a pack: the original check, then the added one;
/// what the added one finds at a place the original already reported is dropped.
pub struct Combined {
    pub first: Box<dyn Check>,
    pub added: Box<dyn Check>,
}

impl Check for Combined {
    fn check(&self, cx: &mut Context<'_>) {
        let start = cx.out.len();
        self.first.check(cx);
        let seen: Vec<Range<usize>> = cx.out[start..].iter().map(|d| d.primary.clone()).collect();
        let middle = cx.out.len();
        self.added.check(cx);
        let added: Vec<Diagnostic> = cx.out.split_off(middle);
        cx.out
            .extend(added.into_iter().filter(|d| !seen.contains(&d.primary)));
    }

    fn figures(&self, doc: &crate::parse::Document, templates: &Templates) -> Vec<FigureUse> {
        let mut out = self.first.figures(doc, templates);
        for f in self.added.figures(doc, templates) {
            if !out.iter().any(|g| g.span == f.span) {
                out.push(f);
            }
        }
        out
    }

    fn wordings(&self) -> Vec<(String, &regex::Regex)> {
        let mut out = self.first.wordings();
        out.extend(self.added.wordings());
        out
    }

    fn explain(&self, templates: &Templates) -> Vec<String> {
        let mut out = self.first.explain(templates);
        let added = self.added.explain(templates);
        if !added.is_empty() {
            out.push("规则包增加的写法：".to_string());
            out.extend(added.into_iter().map(|l| format!("  {l}")));
        }
        out
    }

    fn fix(&self) -> Option<String> {
        self.first.fix()
    }
}

/// Stands in for a check while it is being combined.
pub struct Nothing;

impl Check for Nothing {
    fn check(&self, _cx: &mut Context<'_>) {}
}

/// The findings of one rule after its pack's `message`/`help` replacements.
pub fn restyle(meta: &crate::rules::RuleMeta, diagnostics: &mut [Diagnostic]) {
    if meta.message.is_none() && meta.help.is_none() {
        return;
    }
    for d in diagnostics {
        if let Some(m) = &meta.message {
            d.message = m.replace("{message}", &d.message);
        }
        if let Some(h) = &meta.help {
            let original = d.help.take().unwrap_or_default();
            d.help = Some(h.replace("{help}", &original));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The national pack's templates, with `variant` (a `[[variant]]` table's body)
    /// applied after `prepare` has had what the parser prepares from the labels built.
    fn amended(prepare: impl Fn(&Templates), variant: &str) -> Templates {
        let pack = crate::pack::Pack::national().expect("national pack");
        let mut templates = pack.templates.clone();
        prepare(&templates);
        let src = Arc::new(PackSource {
            path: "variant.toml".into(),
            text: String::new(),
        });
        let def: VariantDef = toml::from_str(variant).expect("a variant");
        apply_variant(&src, &def, &mut templates).expect("applied");
        templates
    }

    /// A variant added to a section's title after the title forms were prepared (a
    /// document read with the pack) is among the forms next time: the prepared forms
    /// are never those of the titles before the change.
    #[test]
    fn a_section_variant_reaches_the_prepared_title_forms() {
        let pack = crate::pack::Pack::national().expect("national pack");
        let before = pack.templates.title_forms().forms.len();
        let templates = amended(
            |t| assert_eq!(t.title_forms().forms.len(), before),
            "section = \"other\"\naccept = [\"其他需要报告的情况\"]\n",
        );
        let forms = templates.title_forms();
        assert_eq!(forms.forms.len(), before + 1);
        assert!(forms.forms.iter().any(|f| f.text() == "其他需要报告的情况"));
    }

    /// The same for a table row's variant and the table's prepared row labels.
    #[test]
    fn a_row_variant_reaches_the_prepared_row_labels() {
        let form = normalize("本年收到的申请");
        let t3 = |t: &Templates| t.table_index("t3").expect("表三");
        let templates = amended(
            |t| assert!(!t.tables[t3(t)].rows_by_label().exact.contains_key(&form)),
            "table = \"t3\"\nrow = \"new\"\naccept = [\"本年收到的申请\"]\n",
        );
        let table = &templates.tables[t3(&templates)];
        let rows = table.rows_by_label();
        let row = table.row_index("new").expect("row new");
        let at = rows.exact.get(&form).expect("the variant is prepared");
        assert!(
            at.iter().any(|&(pos, kind)| rows.labeled[pos] == row
                && kind == crate::template::MatchKind::Variant)
        );
    }
}
