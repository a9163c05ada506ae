//! Rule kind `cross_ref`: a figure in the narrative must equal a table cell (or a sum
//! of cells). "共收到各类政府信息公开申请98件" against 表三 一、本年新收 · 总计.
//!
//! ```toml
//! [[cross_ref]]
//! id = "X101"
//! severity = "error"
//! summary = "正文中的本年新收申请数应与表三一致"
//! subject = "本年收到的政府信息公开申请数"
//! cell = "t3.new.total"
//! cell_name = "表三「一、本年新收」总计"          # optional
//! patterns = ["{receive}{gap}{application}{n}{unit}"]
//! zero_patterns = ["未{receive}{gap}{application}"]   # wording that means 0
//! alternatives = [{ cell = "t3.new.total + t3.carried.total", name = "本年新收与上年结转之和" }]
//! sections = ["overview", "requests"]                 # optional
//! examples = ["共收到各类政府信息公开申请98件"]         # must match
//! counterexamples = ["办理人大代表建议和政协委员提案7件"] # must not match
//! ```
//!
//! `not_after` (optional) skips a figure whose wording comes right after text it
//! matches: the wording's start, or the start of its named group `word` when the
//! pattern has one (`(?P<word>答复|办结)`). "予以公开及部分公开208件" is a combined
//! category, not 部分公开; "不予公开答复2件" is not the 已答复 total. A combined
//! category has its own rule with the sum of its cells.
//!
//! Patterns are regexes built from the pack's `{fragment}`s; `{n}` is the figure
//! (Arabic, full-width or Chinese numerals). A figure marked approximate (余, 多, 约,
//! 左右…) or touched by a lost character is not compared. When the figure differs from
//! the cell but equals an alternative, the finding is a warning that names the
//! alternative ("受理" used for new + carried applications), not an error. A cell that
//! is blank, missing or unreadable means nothing is compared.

use std::collections::BTreeSet;
use std::ops::Range;

use serde::Deserialize;

use super::expr::{self, Binding, Side, Term, file_span, operand_name};
use super::scan::{PackRegex, Scan};
use super::{
    Check, CompileCx, Context, FigureUse, in_sections, pack_regex, relation, resolve_sections,
    rule_def,
};
use crate::diagnostic::Severity;
use crate::number::Num;
use crate::parse::Document;
use crate::parse::figures::{Reliability, parse_figure, reliability};
use crate::template::Templates;
use crate::template::error::DefError;

rule_def! {
    /// `[[cross_ref]]`
    pub struct Def {
        pub subject: String,
        pub cell: toml::Spanned<String>,
        #[serde(default)]
        pub cell_name: Option<String>,
        pub patterns: Vec<toml::Spanned<String>>,
        #[serde(default)]
        pub zero_patterns: Vec<toml::Spanned<String>>,
        #[serde(default)]
        pub alternatives: Vec<AlternativeDef>,
        #[serde(default)]
        pub sections: Vec<toml::Spanned<String>>,
        #[serde(default)]
        pub examples: Vec<toml::Spanned<String>>,
        #[serde(default)]
        pub counterexamples: Vec<toml::Spanned<String>>,
        /// Skip a figure whose clause names another year than the report's
        /// ("较2023年收到申请30件"). Default true.
        #[serde(default)]
        pub same_year_only: Option<bool>,
        /// Skip a figure whose clause matches this regex (comparisons: 同比, 较上年…).
        #[serde(default)]
        pub skip_if: Option<toml::Spanned<String>>,
        /// Skip a figure whose wording (or its group `word`) comes right after text
        /// this regex matches.
        #[serde(default)]
        pub not_after: Option<toml::Spanned<String>>,
    }
}

/// Another cell a writer may plausibly have meant.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlternativeDef {
    pub cell: toml::Spanned<String>,
    pub name: String,
}

struct Alternative {
    terms: Vec<Term>,
    name: String,
}

struct CrossRef {
    subject: String,
    cell: Vec<Term>,
    cell_text: String,
    cell_name: String,
    /// Searched only where the document's literal scan says they can match.
    patterns: Vec<PackRegex>,
    zero_patterns: Vec<PackRegex>,
    sources: Vec<String>,
    alternatives: Vec<Alternative>,
    sections: Vec<usize>,
    examples: Vec<String>,
    same_year_only: bool,
    skip_if: Option<PackRegex>,
    /// `not_after`, anchored at the end of the text it is matched against, and as
    /// written in the pack.
    not_after: Option<PackRegex>,
    not_after_source: Option<String>,
}

/// How far back `not_after` looks (bytes; a category name is a few characters).
const NOT_AFTER_WINDOW: usize = 60;

static YEAR: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r"(20\d{2})\s*年").expect("valid regex"));

/// The clause a figure is in: from the last clause boundary before `start` to `end`.
fn clause(text: &str, start: usize, end: usize) -> &str {
    let from = text[..start]
        .rfind(['，', '。', '；', ';', '\n', ','])
        .map_or(0, |i| {
            i + text[i..].chars().next().map_or(1, char::len_utf8)
        });
    text.get(from..end).unwrap_or("")
}

/// A figure found in the narrative.
struct Hit {
    /// Span in the original text.
    span: Range<usize>,
    value: Num,
    /// The wording, for messages.
    wording: String,
    /// A negated statement ("未收到…申请"), meaning zero.
    zero: bool,
}

fn compile_cells(field: &toml::Spanned<String>, cx: &CompileCx<'_>) -> Result<Vec<Term>, DefError> {
    expr::compile_sum(field.get_ref(), cx.templates).map_err(|(inner, message, help)| {
        let mut e = DefError::new(file_span(cx.source, field, inner), message, "此处");
        e.help = help;
        e
    })
}

pub fn compile(def: &Def, cx: &CompileCx<'_>) -> Result<Box<dyn Check>, DefError> {
    if def.patterns.is_empty() {
        return Err(DefError::new(
            def.id.span(),
            "cross_ref 规则至少要有一个 patterns",
            "此规则",
        ));
    }
    let cell = compile_cells(&def.cell, cx)?;
    let mut patterns = Vec::new();
    for p in &def.patterns {
        let re = pack_regex(p, cx)?;
        // A built-in pack's patterns are checked by `cargo test`, not compiled here.
        if cx.check_examples && !re.capture_names().any(|n| n == Some("n")) {
            return Err(DefError::new(
                file_span(cx.source, p, 0..p.get_ref().len()),
                "patterns 中的写法必须包含数字 {n}",
                "此写法没有 {n}",
            )
            .help(
                "在数字的位置写 {n}，如 \"收到{gap}申请{n}件\"；表示零的写法放在 zero_patterns 中",
            ));
        }
        patterns.push(re);
    }
    let zero_patterns = def
        .zero_patterns
        .iter()
        .map(|p| pack_regex(p, cx))
        .collect::<Result<Vec<_>, _>>()?;
    let alternatives = def
        .alternatives
        .iter()
        .map(|a| {
            Ok(Alternative {
                terms: compile_cells(&a.cell, cx)?,
                name: a.name.clone(),
            })
        })
        .collect::<Result<Vec<_>, DefError>>()?;
    let rule = CrossRef {
        subject: def.subject.clone(),
        cell_name: def
            .cell_name
            .clone()
            .unwrap_or_else(|| expr::describe_side(&cell, cx.templates)),
        cell,
        cell_text: def.cell.get_ref().clone(),
        patterns,
        zero_patterns,
        sources: def
            .patterns
            .iter()
            .chain(&def.zero_patterns)
            .map(|p| p.get_ref().clone())
            .collect(),
        alternatives,
        sections: resolve_sections(&def.sections, cx.templates)?,
        examples: def.examples.iter().map(|e| e.get_ref().clone()).collect(),
        same_year_only: def.same_year_only.unwrap_or(true),
        skip_if: def
            .skip_if
            .as_ref()
            .map(|r| super::piece_regex(r, cx))
            .transpose()?,
        not_after: def
            .not_after
            .as_ref()
            .map(|r| {
                let expanded = super::expand(r, cx)?;
                cx.regex(r, format!("(?:{expanded})$"), false)
            })
            .transpose()?,
        not_after_source: def.not_after.as_ref().map(|r| r.get_ref().clone()),
    };
    super::check_examples(cx, &def.examples, &def.counterexamples, |t| {
        rule.hits_in(t, None).into_iter().next().map(|h| h.wording)
    })?;
    Ok(Box::new(rule))
}

impl CrossRef {
    /// Figures in `text` (offsets into `text`), deduplicated by position. With the
    /// document's `scan`, a wording whose literals are not in `text` is not searched.
    fn hits_in(&self, text: &str, scan: Option<&Scan<'_>>) -> Vec<Hit> {
        let may = |re: &&PackRegex| super::scan::may_match(scan, re, text);
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for re in self.patterns.iter().filter(may) {
            for caps in re.captures_iter(text) {
                let (Some(whole), Some(n)) = (caps.get(0), caps.name("n")) else {
                    continue;
                };
                if reliability(text, n.range(), whole.end()) != Reliability::Exact {
                    continue;
                }
                let anchor = caps.name("word").map_or(whole.start(), |w| w.start());
                if self.comes_after_excluded(text, anchor) {
                    continue;
                }
                let Some(value) = parse_figure(n.as_str()) else {
                    continue;
                };
                if seen.insert(n.start()) {
                    out.push(Hit {
                        span: n.range(),
                        value,
                        wording: whole.as_str().to_string(),
                        zero: false,
                    });
                }
            }
        }
        for re in self.zero_patterns.iter().filter(may) {
            for m in re.find_iter(text) {
                if seen.insert(m.start()) {
                    out.push(Hit {
                        span: m.range(),
                        value: Num::ZERO,
                        wording: m.as_str().to_string(),
                        zero: true,
                    });
                }
            }
        }
        out
    }

    /// True when the text right before `at` matches `not_after`.
    fn comes_after_excluded(&self, text: &str, at: usize) -> bool {
        let Some(re) = &self.not_after else {
            return false;
        };
        let mut from = at.saturating_sub(NOT_AFTER_WINDOW);
        while !text.is_char_boundary(from) {
            from += 1;
        }
        text.get(from..at).is_some_and(|before| re.is_match(before))
    }

    /// True when the clause of a figure speaks of another period.
    fn other_period(&self, clause: &str, year: Option<i32>) -> bool {
        if self.skip_if.as_ref().is_some_and(|re| re.is_match(clause)) {
            return true;
        }
        self.same_year_only
            && YEAR.captures_iter(clause).any(|c| {
                c.get(1)
                    .and_then(|y| y.as_str().parse::<i32>().ok())
                    .is_some_and(|y| Some(y) != year)
            })
    }

    /// Figures of a document, with spans in the original text, in the rule's sections.
    fn hits(&self, doc: &Document, scan: Option<&Scan<'_>>) -> Vec<Hit> {
        let narrative = &doc.narrative;
        let year = doc.year.as_ref().map(|y| y.year);
        let mut hits: Vec<Hit> = self
            .hits_in(&narrative.text, scan)
            .into_iter()
            .filter(|h| !self.other_period(clause(&narrative.text, h.span.start, h.span.end), year))
            .map(|mut h| {
                h.span = narrative.to_original(h.span);
                h.wording = h.wording.replace('\n', "");
                h
            })
            .filter(|h| in_sections(doc, &self.sections, h.span.start))
            .collect();
        hits.sort_by_key(|h| h.span.start);
        hits
    }

    fn expected(&self, doc: &Document, templates: &Templates) -> Option<Side> {
        expr::eval(
            &self.cell,
            Binding {
                row: None,
                col: None,
            },
            &doc.tables,
            templates,
        )
    }
}

impl CrossRef {
    /// The cell is in a glued row with several readings (T111): a figure that no
    /// reading gives contradicts the table however its digits are cut.
    fn check_glued(&self, cx: &mut Context<'_>) {
        let Some(c) = super::glued_ref::candidates(&self.cell, cx.doc, cx.templates) else {
            return;
        };
        let totals = c.totals();
        let row_name = {
            let tpl = &cx.templates.tables[c.table];
            format!("{}「{}」行", tpl.name, tpl.rows[c.row].short)
        };
        for hit in self.hits(cx.doc, Some(cx.scan)) {
            if hit.zero || totals.contains(&hit.value) {
                continue;
            }
            let values: Vec<String> = totals.iter().map(Num::to_string).collect();
            let readings: Vec<String> = c
                .readings
                .iter()
                .take(6)
                .map(|(r, _)| crate::parse::glued::reading_text(r))
                .collect();
            let more = if c.readings.len() > 6 { "……" } else { "" };
            let d = cx
                .diagnostic(
                    hit.span.clone(),
                    format!(
                        "正文中{}为 {}，而{}无论怎样拆分都不是 {}（可能的值：{}）",
                        self.subject,
                        hit.value,
                        self.cell_name,
                        hit.value,
                        values.join("、")
                    ),
                )
                .primary_label(format!("正文为 {}", hit.value))
                .label(c.span.clone(), format!("连写的数字「{}」", c.digits))
                .note(format!(
                    "{row_name}的数字在原文中连写（「{}」），符合表内关系的 {} 种拆法：{}{more}",
                    c.digits,
                    c.readings.len(),
                    readings.join("、")
                ))
                .note("每一种拆法下表格都与正文不一致，因此无需确定拆法即可判断")
                .help(format!(
                    "核对正文与表格：按表格，{}只可能是 {}",
                    self.cell_name,
                    values.join("、")
                ));
            cx.push(d);
        }
    }
}

impl Check for CrossRef {
    fn wordings(&self) -> Vec<(String, &regex::Regex)> {
        self.sources
            .iter()
            .cloned()
            .zip(
                self.patterns
                    .iter()
                    .chain(&self.zero_patterns)
                    .map(|r| &**r),
            )
            .collect()
    }

    fn check(&self, cx: &mut Context<'_>) {
        let Some(expected) = self.expected(cx.doc, cx.templates) else {
            self.check_glued(cx);
            return;
        };
        for hit in self.hits(cx.doc, Some(cx.scan)) {
            // The figure and its cells as one relation, for `check::merge`: one that
            // holds by its figures' spans alone.
            if hit.value == expected.total {
                cx.holds(std::iter::once(hit.span.clone()).chain(expected.figure_spans()));
                continue;
            }
            let relation = relation::build(
                vec![relation::Term {
                    span: hit.span.clone(),
                    name: format!("正文中的{}", self.subject),
                    value: hit.value,
                    sign: 1,
                }],
                relation::terms(&expected, cx.templates, true),
                hit.value,
                expected.total,
            );
            let alternative = if hit.zero {
                None
            } else {
                self.alternatives.iter().find_map(|a| {
                    let side = expr::eval(
                        &a.terms,
                        Binding {
                            row: None,
                            col: None,
                        },
                        &cx.doc.tables,
                        cx.templates,
                    )?;
                    (side.total == hit.value).then_some((a, side))
                })
            };
            let figure = if hit.zero {
                format!(
                    "0（「{}」）",
                    hit.wording.trim_end_matches(['，', '。', '；', ';'])
                )
            } else {
                hit.value.to_string()
            };
            let mut d = match &alternative {
                None => cx
                    .diagnostic(
                        hit.span.clone(),
                        format!(
                            "正文中{}为 {figure}，与{}（{}）不一致",
                            self.subject, self.cell_name, expected.total
                        ),
                    )
                    .help(format!("核对后使正文与表格一致：表中为 {}", expected.total)),
                Some((a, side)) => {
                    let mut d = cx
                        .diagnostic(
                            hit.span.clone(),
                            format!(
                                "正文中{}为 {figure}，与{}（{}）不一致，但与{}（{}）相同",
                                self.subject, self.cell_name, expected.total, a.name, side.total
                            ),
                        )
                        .note(format!(
                            "{} = {}",
                            terms_note(side, cx.templates),
                            side.total
                        ))
                        .help(format!(
                            "若此处指{}，请在正文中写明；否则应为 {}",
                            a.name, expected.total
                        ));
                    d.severity = Severity::Warning;
                    d
                }
            };
            d = d.primary_label(if hit.zero {
                "正文为 0".to_string()
            } else {
                format!("正文为 {}", hit.value)
            });
            for o in expected.operands.iter().filter(|o| !o.constant) {
                if let Some(span) = &o.span {
                    d = d.label(
                        span.clone(),
                        format!("{} {}", operand_name(o, cx.templates), o.value),
                    );
                }
            }
            // A negated statement ("未发生…行政复议、行政诉讼") is one wording for several
            // zeros: it is not a figure to merge by.
            if alternative.is_none() && !hit.zero {
                d.relation = relation;
            }
            if expected.operands.len() > 1 {
                d = d.note(format!(
                    "表中 {} = {}",
                    terms_note(&expected, cx.templates),
                    expected.total
                ));
            }
            cx.push(d);
        }
    }

    fn figures(&self, doc: &Document, templates: &Templates) -> Vec<FigureUse> {
        let Some(expected) = self.expected(doc, templates) else {
            return Vec::new();
        };
        self.hits(doc, None)
            .into_iter()
            .map(|h| FigureUse {
                span: h.span,
                value: h.value,
                compared_with: format!("{} {}", self.cell_name, expected.total),
                agrees: h.value == expected.total,
            })
            .collect()
    }

    fn explain(&self, templates: &Templates) -> Vec<String> {
        let mut lines = vec![format!(
            "比较对象：{}（{}，即 {}）",
            self.cell_name,
            self.cell_text,
            expr::describe_side(&self.cell, templates)
        )];
        if !self.examples.is_empty() {
            lines.push("识别的写法（示例）：".into());
            lines.extend(self.examples.iter().map(|e| format!("  {e}")));
        }
        for a in &self.alternatives {
            lines.push(format!(
                "若数字等于{}（{}），只报警告",
                a.name,
                expr::describe_side(&a.terms, templates)
            ));
        }
        if let Some(written) = &self.not_after_source {
            lines.push(format!(
                "紧跟在以下写法之后的不算（属于其他类别）：{written}"
            ));
        }
        lines.push(
            "带“余、多、约、近、左右、以上”等的约数不比较；数字旁有字符丢失（如“答?08件”）时不读取"
                .into(),
        );
        lines.push("写法（正则，{片段} 见规则包的 [fragment]）：".into());
        lines.extend(self.sources.iter().map(|p| format!("  {p}")));
        lines
    }
}

fn terms_note(side: &Side, templates: &Templates) -> String {
    side.operands
        .iter()
        .enumerate()
        .map(|(i, o)| {
            format!(
                "{}{} {}",
                expr::sign_prefix(i, o.sign),
                operand_name(o, templates),
                o.value
            )
        })
        .collect()
}

/// Compiles this module's regexes now (the warm-up thread of `rules::scan`, while
/// the checking thread parses the first document).
pub(crate) fn warm() {
    std::sync::LazyLock::force(&YEAR);
}
