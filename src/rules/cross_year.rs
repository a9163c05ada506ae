//! Rule kind `cross_year`: a relation between cells of this year's report and cells of
//! the same body's report of the year before, run by `series` on each consecutive pair
//! of a batch.
//!
//! ```toml
//! [[cross_year]]
//! id = "Y102"
//! severity = "error"
//! summary = "现行有效件数与上年不衔接"
//! this_year = "t2.*.in_force - t2.*.issued + t2.*.repealed"
//! last_year = "t2.*.in_force"
//! unless = "清理[^。]{0,60}调整"   # optional: text of this year's report that explains a break
//! unless_severity = "info"          # the severity then (default info)
//! ```
//!
//! Both sides are cell expressions of `expr` (the same `*`, `sum(…)` and ids as
//! `equation`); `this_year` is read in this year's report, `last_year` in last year's,
//! and the two must be equal. A relation with a cell that is not a certain number is
//! not checked, except a glued row its report left ambiguous (`parse::glued`): then
//! every reading of the glued rows involved is tried. When no reading satisfies the
//! relation it fails whatever the reading; when the readings that satisfy it agree on
//! a glued row of this year's report, that row is settled — its cells are used by the
//! next year's pair, the ambiguity finding on it is dropped, and an `info` finding of
//! this rule says which reading and why.

use std::collections::BTreeSet;

use super::expr::{self, Term, TermKind, file_span};
use super::{Check, rule_def};
use crate::diagnostic::Severity;
use crate::number::Num;
use crate::parse::Document;
use crate::rules::series_check::{CellFact, Cells, Facts, PairCx, SeriesCheck};
use crate::spill::{Reader, Writer};
use crate::template::Templates;
use crate::template::error::DefError;

rule_def! {
    /// `[[cross_year]]`
    pub struct Def {
        pub this_year: toml::Spanned<String>,
        pub last_year: toml::Spanned<String>,
        #[serde(default)]
        pub unless: Option<toml::Spanned<String>>,
        #[serde(default)]
        pub unless_severity: Option<Severity>,
    }
}

/// Most combinations of glued readings tried for one relation.
const MAX_COMBINATIONS: usize = 4096;

struct CrossYear {
    this_text: String,
    last_text: String,
    lhs: Vec<Term>,
    rhs: Vec<Term>,
    star_rows: Option<(usize, Vec<usize>)>,
    star_cols: Option<(usize, Vec<usize>)>,
    unless: Option<super::scan::PackRegex>,
    unless_severity: Severity,
    summary: String,
}

/// This year's facts of a `cross_year` rule: the text that explains a break, if any.
#[derive(Debug, PartialEq, Eq)]
struct Explained(Option<String>);

impl Facts for Explained {
    fn encode(&self, out: &mut Writer) {
        out.option(self.0.as_ref(), |w, s| w.str(s));
    }
}

pub fn compile(def: &Def, cx: &super::CompileCx<'_>) -> Result<Box<dyn Check>, DefError> {
    let this = def.this_year.get_ref();
    let last = def.last_year.get_ref();
    let text = format!("{this} = {last}");
    let relation = expr::compile_relation(&text, cx.templates).map_err(|(s, m, help)| {
        let (field, inner) = if s.start < this.len() {
            (&def.this_year, s)
        } else {
            let off = this.len() + 3;
            (
                &def.last_year,
                s.start.saturating_sub(off)..s.end.saturating_sub(off),
            )
        };
        let mut e = DefError::new(file_span(cx.source, field, inner), m, "此处");
        e.help = help;
        e
    })?;
    let terms: Vec<&Term> = relation.lhs.iter().chain(&relation.rhs).collect();
    let star_rows = relation.star_row_table.map(|t| {
        let tpl = &cx.templates.tables[t];
        let needed: BTreeSet<usize> = terms
            .iter()
            .filter_map(|t| match t.kind {
                TermKind::Cell {
                    row: None,
                    col: Some(c),
                    ..
                } => Some(c),
                _ => None,
            })
            .collect();
        let rows: Vec<usize> = (0..tpl.rows.len())
            .filter(|&r| {
                !tpl.rows[r].group && needed.iter().all(|c| tpl.rows[r].columns.contains(c))
            })
            .collect();
        (t, rows)
    });
    let star_cols = relation
        .star_col_table
        .map(|t| (t, (0..cx.templates.tables[t].columns.len()).collect()));
    let unless = def
        .unless
        .as_ref()
        .map(|u| super::piece_regex(u, cx))
        .transpose()?;
    Ok(Box::new(CrossYear {
        this_text: this.clone(),
        last_text: last.clone(),
        lhs: relation.lhs,
        rhs: relation.rhs,
        star_rows,
        star_cols,
        unless,
        unless_severity: def.unless_severity.unwrap_or(Severity::Info),
        summary: def.summary.trim().to_string(),
    }))
}

impl Check for CrossYear {
    fn check(&self, _cx: &mut super::Context<'_>) {}

    fn series(&self) -> Option<&dyn SeriesCheck> {
        Some(self)
    }

    fn explain(&self, templates: &Templates) -> Vec<String> {
        vec![
            format!("本年报告：{}", self.this_text),
            format!("上年报告：{}", self.last_text),
            format!(
                "含义：本年 {} = 上年 {}",
                expr::describe_side(&self.lhs, templates),
                expr::describe_side(&self.rhs, templates)
            ),
            "批量检查中同一发布机关相邻两个年度的报告都在时核对（上一年度的报告可用 --previous 目录 提供）。".into(),
        ]
    }
}

/// One operand of a relation at a binding of `*`.
#[derive(Clone, Copy, Debug)]
struct Operand {
    sign: i64,
    prev: bool,
    table: usize,
    row: usize,
    col: usize,
}

enum Value {
    Certain(CellFact),
    /// The column's position in the readings of a glued row (`glued` index).
    Glued(usize, usize),
    Constant(Num),
}

/// A glued row involved in a relation: which report, where, how many readings.
#[derive(Clone, Copy, PartialEq, Eq)]
struct GluedRef {
    prev: bool,
    table: usize,
    row: usize,
}

impl CrossYear {
    fn operands(
        &self,
        row: Option<usize>,
        col: Option<usize>,
        templates: &Templates,
    ) -> Option<Vec<(Operand, Option<Num>)>> {
        let mut out = Vec::new();
        for (prev, side) in [(false, &self.lhs), (true, &self.rhs)] {
            for t in side.iter() {
                // Left side as written; right side moved to the left: signs flip.
                let sign = if prev { -t.sign } else { t.sign };
                match t.kind {
                    TermKind::Const(n) => out.push((
                        Operand {
                            sign,
                            prev,
                            table: 0,
                            row: 0,
                            col: 0,
                        },
                        Some(n),
                    )),
                    TermKind::Cell {
                        table,
                        row: r,
                        col: c,
                    } => {
                        let (r, c) = (r.or(row)?, c.or(col)?);
                        if !templates
                            .tables
                            .get(table)?
                            .rows
                            .get(r)?
                            .columns
                            .contains(&c)
                        {
                            return None;
                        }
                        out.push((
                            Operand {
                                sign,
                                prev,
                                table,
                                row: r,
                                col: c,
                            },
                            None,
                        ));
                    }
                    TermKind::Sum {
                        table,
                        row: r,
                        col: c,
                    } => {
                        let c = c.or(col)?;
                        let tpl = templates.tables.get(table)?;
                        for leaf in expr::leaf_rows(tpl, r) {
                            out.push((
                                Operand {
                                    sign,
                                    prev,
                                    table,
                                    row: leaf,
                                    col: c,
                                },
                                None,
                            ));
                        }
                    }
                }
            }
        }
        Some(out)
    }
}

fn lookup(cells: &Cells, o: &Operand, glued: &mut Vec<GluedRef>) -> Option<Value> {
    let row = cells.row(o.table, o.row)?;
    if let Some(v) = row.value(o.col) {
        return Some(Value::Certain(v));
    }
    let g = row.glued.as_ref()?;
    let pos = g.columns.iter().position(|&c| c == o.col)?;
    let r = GluedRef {
        prev: o.prev,
        table: o.table,
        row: o.row,
    };
    let i = match glued.iter().position(|x| *x == r) {
        Some(i) => i,
        None => {
            glued.push(r);
            glued.len() - 1
        }
    };
    Some(Value::Glued(i, pos))
}

fn name(templates: &Templates, o: &Operand) -> String {
    let tpl = &templates.tables[o.table];
    format!(
        "{}{}「{}」{}",
        if o.prev { "上年" } else { "" },
        tpl.name,
        tpl.rows[o.row].short,
        tpl.columns[o.col].short
    )
}

impl SeriesCheck for CrossYear {
    fn decode_facts(&self, input: &mut Reader<'_>) -> Option<Box<dyn Facts>> {
        Some(Box::new(Explained(input.option(Reader::string)?)))
    }

    fn facts(&self, doc: &Document, _templates: &Templates) -> Option<Box<dyn Facts>> {
        let re = self.unless.as_ref()?;
        let m = re.find(&doc.text)?;
        // The sentence around the explanation, for the note.
        let start = doc.text[..m.start()].rfind(['。', '\n']).map_or(0, |i| {
            i + doc.text[i..].chars().next().map_or(1, char::len_utf8)
        });
        let end = doc.text[m.end()..]
            .find(['。', '\n'])
            .map_or(doc.text.len(), |i| m.end() + i);
        let sentence: String = doc.text[start..end].trim().chars().take(120).collect();
        Some(Box::new(Explained(Some(sentence))))
    }

    fn labelled_cells(&self) -> Vec<(usize, Option<usize>, Option<usize>)> {
        self.rhs
            .iter()
            .filter_map(|t| match t.kind {
                TermKind::Cell { table, row, col } => Some((table, row, col)),
                TermKind::Sum { table, col, .. } => Some((table, None, col)),
                TermKind::Const(_) => None,
            })
            .collect()
    }

    fn check_pair(&self, cx: &mut PairCx<'_>) {
        let rows: Vec<Option<usize>> = match &self.star_rows {
            None => vec![None],
            Some((_, r)) => r.iter().copied().map(Some).collect(),
        };
        let cols: Vec<Option<usize>> = match &self.star_cols {
            None => vec![None],
            Some((_, c)) => c.iter().copied().map(Some).collect(),
        };
        // One finding per row: the columns of one row that break together (a wrong
        // 自然人 figure breaks 总计 too) are one finding with the others as notes.
        for &row in &rows {
            let mut failed: Vec<crate::diagnostic::Diagnostic> = Vec::new();
            for &col in &cols {
                if let Some(d) = self.check_binding(cx, row, col) {
                    failed.push(d);
                }
            }
            let mut failed = failed.into_iter();
            let Some(mut first) = failed.next() else {
                continue;
            };
            for other in failed {
                first.notes.push(format!(
                    "同时不衔接：{}",
                    other.notes.first().cloned().unwrap_or_default()
                ));
                first.labels.push(crate::diagnostic::Label {
                    span: other.primary.clone(),
                    message: other.primary_label.clone(),
                });
                first.elsewhere.extend(other.elsewhere);
            }
            cx.push(first);
        }
    }
}

impl CrossYear {
    fn check_binding(
        &self,
        cx: &mut PairCx<'_>,
        row: Option<usize>,
        col: Option<usize>,
    ) -> Option<crate::diagnostic::Diagnostic> {
        let templates = cx.templates;
        let ops = self.operands(row, col, templates)?;
        let mut glued: Vec<GluedRef> = Vec::new();
        let mut values: Vec<(Operand, Value)> = Vec::with_capacity(ops.len());
        {
            for (o, constant) in &ops {
                let v = match constant {
                    Some(n) => Value::Constant(*n),
                    None => {
                        let cells = if o.prev { &cx.prev.cells } else { &*cx.cells };
                        lookup(cells, o, &mut glued)?
                    }
                };
                values.push((*o, v));
            }
        }
        let readings: Vec<Vec<Vec<u64>>> = glued
            .iter()
            .filter_map(|g| {
                let cells = if g.prev { &cx.prev.cells } else { &*cx.cells };
                cells
                    .row(g.table, g.row)?
                    .glued
                    .as_ref()
                    .map(|x| x.readings.clone())
            })
            .collect();
        if readings.len() != glued.len() {
            return None;
        }
        let combos = readings
            .iter()
            .try_fold(1usize, |acc, r| acc.checked_mul(r.len()));
        let combos = combos.filter(|&n| n <= MAX_COMBINATIONS)?;
        // Sum of the relation moved to one side (this year − last year) for a choice of
        // readings; the relation holds when it is zero.
        let total = |choice: &[usize]| -> Option<Num> {
            let mut t = Num::ZERO;
            for (o, v) in &values {
                let n = match v {
                    Value::Certain(c) => c.value,
                    Value::Constant(n) => *n,
                    Value::Glued(g, pos) => {
                        let r = readings.get(*g)?.get(*choice.get(*g)?)?;
                        Num::from_int(i64::try_from(*r.get(*pos)?).ok()?)
                    }
                };
                t = t.checked_add(n.checked_mul_int(o.sign)?)?;
            }
            Some(t)
        };
        let mut satisfying: Vec<Vec<usize>> = Vec::new();
        let mut closest: Option<(Num, Vec<usize>)> = None;
        let mut choice = vec![0usize; glued.len()];
        for k in 0..combos {
            let mut rest = k;
            for (i, r) in readings.iter().enumerate() {
                choice[i] = rest % r.len();
                rest /= r.len();
            }
            let t = total(&choice)?;
            if t == Num::ZERO {
                satisfying.push(choice.clone());
            }
            let dist = if t.is_negative() {
                Num::ZERO.checked_sub(t).unwrap_or(t)
            } else {
                t
            };
            if closest.as_ref().is_none_or(|(d, _)| dist < *d) {
                closest = Some((dist, choice.clone()));
            }
        }
        if !satisfying.is_empty() {
            if satisfying.len() < combos {
                self.settle(cx, &glued, &readings, &satisfying);
            }
            return None;
        }
        let (_, shown) = closest?;
        self.report(cx, &values, &glued, &readings, &shown, row, col)
    }

    /// Settles the glued rows of this year's report on which every satisfying choice
    /// agrees.
    fn settle(
        &self,
        cx: &mut PairCx<'_>,
        glued: &[GluedRef],
        readings: &[Vec<Vec<u64>>],
        satisfying: &[Vec<usize>],
    ) {
        for (i, g) in glued.iter().enumerate() {
            if g.prev {
                continue;
            }
            let first = satisfying[0][i];
            if satisfying.iter().any(|c| c[i] != first) {
                continue;
            }
            let Some(values) = readings[i].get(first).cloned() else {
                continue;
            };
            let Some(row) = cx
                .cells
                .tables
                .get_mut(g.table)
                .and_then(|t| t.get_mut(g.row))
            else {
                continue;
            };
            let Some(gf) = row.glued.take() else { continue };
            for (&c, &v) in gf.columns.iter().zip(&values) {
                if let Ok(v) = i64::try_from(v) {
                    row.set(
                        c,
                        CellFact {
                            value: Num::from_int(v),
                            span: gf.span.clone(),
                        },
                    );
                }
            }
            let tpl = &cx.templates.tables[g.table];
            let parts: Vec<String> = values.iter().map(u64::to_string).collect();
            let d = crate::diagnostic::Diagnostic::new(
                &cx.meta.id,
                Severity::Info,
                gf.span.clone(),
                format!(
                    "{}「{}」行连写的数字「{}」按与上年（{}）报告的衔接关系只有一种拆法：{}",
                    tpl.name,
                    tpl.rows[g.row].short,
                    gf.digits,
                    cx.prev_year,
                    parts.join("、")
                ),
            )
            .primary_label(format!("拆分为 {}", parts.join("|")))
            .note(format!(
                "表内关系允许 {} 种拆法；跨年度关系「{}」（{}）只有这一种成立，已据此核对下一年度",
                gf.readings.len(),
                self.summary,
                cx.meta.id
            ))
            .note(format!("上年报告：{}", cx.prev.path));
            cx.out.settled.push(gf.span.clone());
            cx.push(d);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn report(
        &self,
        cx: &mut PairCx<'_>,
        values: &[(Operand, Value)],
        glued: &[GluedRef],
        readings: &[Vec<Vec<u64>>],
        choice: &[usize],
        row: Option<usize>,
        col: Option<usize>,
    ) -> Option<crate::diagnostic::Diagnostic> {
        let templates = cx.templates;
        let value_of = |v: &Value| -> Option<Num> {
            Some(match v {
                Value::Certain(c) => c.value,
                Value::Constant(n) => *n,
                Value::Glued(g, pos) => {
                    let r = readings.get(*g)?.get(*choice.get(*g)?)?;
                    Num::from_int(i64::try_from(*r.get(*pos)?).ok()?)
                }
            })
        };
        // The primary: the first cell of this year's side.
        let (pi, (primary, pv)) = values
            .iter()
            .enumerate()
            .find(|(_, (o, v))| !o.prev && !matches!(v, Value::Constant(_)))?;
        let span = match pv {
            Value::Certain(c) => c.span.clone(),
            Value::Glued(..) | Value::Constant(_) => {
                let row = cx.cells.row(primary.table, primary.row)?;
                let g = row.glued.as_ref()?;
                g.span.clone()
            }
        };
        let actual = value_of(pv)?;
        // What the primary would need: the other operands moved to its side.
        let mut others = Num::ZERO;
        let mut text = String::new();
        let mut first = true;
        let mut ordered: Vec<&(Operand, Value)> = values.iter().filter(|(o, _)| o.prev).collect();
        ordered.extend(
            values
                .iter()
                .enumerate()
                .filter(|(i, (o, _))| !o.prev && *i != pi)
                .map(|(_, x)| x),
        );
        for (o, v) in ordered {
            let n = value_of(v)?;
            // primary·sign + Σ others·sign = 0  →  primary = −Σ others·sign / sign
            let contribution = n.checked_mul_int(-o.sign * primary.sign)?;
            let sum = others.checked_add(contribution)?;
            others = sum;
            let label = match v {
                Value::Constant(_) => n.to_string(),
                _ => format!("{} {n}", name(templates, o)),
            };
            let neg = contribution.is_negative();
            text.push_str(match (first, neg) {
                (true, false) => "",
                (true, true) => "−",
                (false, false) => " + ",
                (false, true) => " − ",
            });
            text.push_str(&label);
            first = false;
        }
        let needed = others;
        let pname = name(templates, primary);
        let tpl_r = self
            .star_rows
            .as_ref()
            .and(row)
            .map(|r| templates.tables[primary.table].rows[r].short.clone());
        let tpl_c = self
            .star_cols
            .as_ref()
            .and(col)
            .map(|c| templates.tables[primary.table].columns[c].display());
        let mut where_ = String::new();
        if let Some(r) = tpl_r {
            where_.push_str(&format!("「{r}」行"));
        }
        if let Some(c) = tpl_c {
            where_.push_str(&format!("「{c}」列"));
        }
        let mut d = cx
            .diagnostic(
                span,
                format!(
                    "{}：{where_}与上年（{}）报告不衔接",
                    self.summary, cx.prev_year
                ),
            )
            .primary_label(format!("{pname} {actual}"))
            .note(format!("{text} = {needed}，本年表中{pname} {actual}"));
        for (o, v) in values.iter().filter(|(o, _)| o.prev) {
            let Some(n) = value_of(v) else { continue };
            let place = cx
                .prev
                .cells
                .place(o.table, o.row, o.col)
                .cloned()
                .unwrap_or_default();
            d = d.elsewhere(&cx.prev.path, place, format!("{} {n}", name(templates, o)));
        }
        for (i, (o, v)) in values.iter().enumerate() {
            if o.prev || i == pi {
                continue;
            }
            if let (Value::Certain(c), Some(n)) = (v, value_of(v)) {
                d = d.label(c.span.clone(), format!("{} {n}", name(templates, o)));
            }
        }
        for (i, g) in glued.iter().enumerate() {
            let cells = if g.prev { &cx.prev.cells } else { &*cx.cells };
            if let Some(gf) = cells.row(g.table, g.row).and_then(|r| r.glued.as_ref()) {
                let shown: Vec<String> =
                    readings[i][choice[i]].iter().map(u64::to_string).collect();
                d = d.note(format!(
                    "{}{}「{}」行的数字连写（「{}」），表内关系允许的 {} 种拆法没有一种满足此关系；上面按最接近的拆法 {} 计算",
                    if g.prev { "上年" } else { "本年" },
                    templates.tables[g.table].name,
                    templates.tables[g.table].rows[g.row].short,
                    gf.digits,
                    gf.readings.len(),
                    shown.join("|")
                ));
            }
        }
        if let Some(Explained(Some(sentence))) = cx.mine::<Explained>() {
            d.severity = self.unless_severity;
            d = d.note(format!(
                "本年报告说明了调整：「{sentence}」，因此只作{}",
                self.unless_severity.chinese()
            ));
        } else if glued.is_empty() {
            d = d.help(format!(
                "若上年数字和本年其他数字无误，{pname}应为 {needed}；若数字经清理等调整，请在报告中说明"
            ));
        } else {
            d = d.help("请核对连写的数字和上年报告的数字".to_string());
        }
        Some(d)
    }
}
