//! Rule kind `equation`: a relation between table cells that must hold.
//!
//! ```toml
//! [[equation]]
//! id = "T201"
//! severity = "error"
//! summary = "表三各行：总计 = 六类申请人之和"
//! equation = "t3.*.total = t3.*.natural + t3.*.business + t3.*.research + t3.*.public_interest + t3.*.legal + t3.*.other_org"
//! message = "表三「{row}」行的总计与六类申请人之和不符"   # optional
//! description = "…"
//! ```
//!
//! A cell is `table.row.column` with ids from the templates. `*` in the row place
//! means "for every row that has the columns used", in the column place "for every
//! column"; every `*` of one kind in an equation is the same row (or column).
//! `sum(table.group.column)` adds the leaf rows under a group row (a group filled as a
//! single row counts as its own sum). Numbers may appear as constants. Comparisons:
//! `=` `!=` `<` `<=` `>` `>=`. A relation with a blank, missing or unreadable cell is
//! not checked: those cells are reported by the `table_check` rules, and nianbao does
//! not report arithmetic on numbers it is not sure of.
//!
//! The diagnostic points at the total (the single cell of one side), labels every
//! other cell, shows the arithmetic in a note and the value that would make the
//! relation hold in a help line.

use std::collections::BTreeSet;

use super::expr::{
    self, Binding, MAX_LISTED, Naming, Op, Operand, Side, Term, TermKind, file_span, terms_text,
};
use super::{Check, Context, relation, rule_def};
use crate::number::Num;
use crate::template::error::DefError;
use crate::template::{TableTemplate, Templates};

rule_def! {
    /// `[[equation]]`
    pub struct Def {
        pub equation: toml::Spanned<String>,
        #[serde(default)]
        pub message: Option<toml::Spanned<String>>,
    }
}

struct Equation {
    text: String,
    lhs: Vec<Term>,
    op: Op,
    rhs: Vec<Term>,
    /// Table whose rows `*` ranges over, and the candidate rows.
    star_rows: Option<(usize, Vec<usize>)>,
    /// Table whose columns `*` ranges over, and the candidate columns.
    star_cols: Option<(usize, Vec<usize>)>,
    message: Option<String>,
    summary: String,
}

pub fn compile(def: &Def, cx: &super::CompileCx<'_>) -> Result<Box<dyn Check>, DefError> {
    let (templates, source) = (cx.templates, cx.source);
    let text = def.equation.get_ref().as_str();
    let err = |inner: std::ops::Range<usize>, message: String, label: &str| {
        DefError::new(file_span(source, &def.equation, inner), message, label)
    };
    let relation = expr::compile_relation(text, templates).map_err(|(s, m, help)| {
        let message = if m.starts_with("写法有误") {
            format!("等式{m}")
        } else {
            m
        };
        let mut e = err(s, message, "此处");
        e.help = help;
        e
    })?;
    let expr::Relation {
        lhs,
        op,
        rhs,
        star_row_table,
        star_col_table,
    } = relation;
    let terms: Vec<&Term> = lhs.iter().chain(&rhs).collect();

    let star_rows = star_row_table.map(|t| (t, candidate_rows(&templates.tables[t], &terms)));
    let star_cols = star_col_table.map(|t| {
        (
            t,
            (0..templates.tables[t].columns.len()).collect::<Vec<_>>(),
        )
    });
    if let Some((_, rows)) = &star_rows
        && rows.is_empty()
    {
        return Err(err(
            0..text.len(),
            "没有任何行同时具有等式中用到的列".into(),
            "不适用于任何行",
        ));
    }

    let message = match &def.message {
        None => None,
        Some(m) => {
            for (name, ok) in [
                ("{row}", star_rows.is_some()),
                ("{column}", star_cols.is_some()),
            ] {
                if m.get_ref().contains(name) && !ok {
                    return Err(DefError::new(
                        m.span(),
                        format!("message 中的 {name} 只能用于含「*」的等式"),
                        "此等式没有对应的 *",
                    ));
                }
            }
            Some(m.get_ref().clone())
        }
    };

    Ok(Box::new(Equation {
        text: text.to_string(),
        lhs,
        op,
        rhs,
        star_rows,
        star_cols,
        message,
        summary: def.summary.trim().to_string(),
    }))
}

/// Rows `*` may stand for: rows (including groups, used when filled as one row) that
/// have every column fixed in a row-`*` cell.
fn candidate_rows(tpl: &TableTemplate, terms: &[&Term]) -> Vec<usize> {
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
    (0..tpl.rows.len())
        .filter(|&r| needed.iter().all(|c| tpl.rows[r].columns.contains(c)))
        .collect()
}

impl Check for Equation {
    fn check(&self, cx: &mut Context<'_>) {
        let doc = cx.doc;
        let rows: Vec<Option<usize>> = match &self.star_rows {
            None => vec![None],
            Some((t, candidates)) => {
                let Some(table) = doc.tables.get(*t) else {
                    return;
                };
                let tpl = &cx.templates.tables[*t];
                candidates
                    .iter()
                    .copied()
                    .filter(|&r| !tpl.rows[r].group || table.rows[r].has_values())
                    .map(Some)
                    .collect()
            }
        };
        let cols: Vec<Option<usize>> = match &self.star_cols {
            None => vec![None],
            Some((_, c)) => c.iter().copied().map(Some).collect(),
        };
        // Both sides' operands, in buffers reused from row to row.
        let empty = || expr::Side {
            total: crate::number::Num::ZERO,
            operands: Vec::new(),
        };
        let (mut lhs, mut rhs) = (empty(), empty());
        for &row in &rows {
            for &col in &cols {
                let b = Binding { row, col };
                // The right side only when the left one could be read.
                if !expr::eval_into(&self.lhs, b, &doc.tables, cx.templates, &mut lhs)
                    || !expr::eval_into(&self.rhs, b, &doc.tables, cx.templates, &mut rhs)
                {
                    continue;
                }
                if lhs.operands.is_empty() && rhs.operands.is_empty() {
                    continue;
                }
                let holds = self.op.holds(lhs.total, rhs.total);
                // An equality is also recorded as data, for `check::merge`: one that
                // holds by its figures' spans alone.
                let equality = self.op == Op::Eq;
                if holds {
                    if equality {
                        cx.holds(lhs.figure_spans().chain(rhs.figure_spans()));
                    }
                } else if let Some(mut d) = self.diagnostic(cx, b, &lhs, &rhs) {
                    d.relation = equality
                        .then(|| relation::of_sides(&lhs, &rhs, cx.templates, true))
                        .flatten();
                    cx.push(d);
                }
            }
        }
    }

    fn decoding_relation(&self, rule: &str) -> Option<crate::template::expr::RelationSpec> {
        Some(crate::template::expr::RelationSpec {
            rule: rule.to_string(),
            lhs: self.lhs.clone(),
            op: self.op,
            rhs: self.rhs.clone(),
            star_rows: self.star_rows.clone(),
            star_cols: self.star_cols.clone(),
        })
    }

    fn explain(&self, templates: &Templates) -> Vec<String> {
        let side = |terms: &[Term]| expr::describe_side(terms, templates);
        let mut lines = vec![
            format!("等式：{}", self.text),
            format!("含义：{} {} {}", side(&self.lhs), self.op, side(&self.rhs)),
        ];
        if let Some((t, rows)) = &self.star_rows {
            let tpl = &templates.tables[*t];
            let names: Vec<&str> = rows
                .iter()
                .filter(|&&r| !tpl.rows[r].group)
                .map(|&r| tpl.rows[r].short.as_str())
                .collect();
            lines.push(format!(
                "逐行核对{}的 {} 行：{}",
                tpl.name,
                names.len(),
                names.join("、")
            ));
        }
        if let Some((t, cols)) = &self.star_cols {
            let tpl = &templates.tables[*t];
            let names: Vec<String> = cols.iter().map(|&c| tpl.columns[c].display()).collect();
            lines.push(format!(
                "逐列核对{}的 {} 列：{}",
                tpl.name,
                names.len(),
                names.join("、")
            ));
        }
        lines
    }
}

impl Equation {
    fn diagnostic(
        &self,
        cx: &Context<'_>,
        b: Binding,
        lhs: &Side,
        rhs: &Side,
    ) -> Option<crate::diagnostic::Diagnostic> {
        let templates = cx.templates;
        let cells = |s: &Side| s.operands.iter().filter(|o| !o.constant).count();
        // The primary cell: the single cell of a one-cell side (the total), else the
        // first cell of the right side.
        let (primary_on_left, primary) = if cells(lhs) == 1 && lhs.operands.len() == 1 {
            (true, lhs.operands[0].clone())
        } else if cells(rhs) == 1 && rhs.operands.len() == 1 {
            (false, rhs.operands[0].clone())
        } else {
            let o = rhs
                .operands
                .iter()
                .chain(&lhs.operands)
                .find(|o| !o.constant)?
                .clone();
            let on_left = !rhs.operands.iter().any(|x| !x.constant);
            (on_left, o)
        };
        let primary_span = primary.span.clone()?;

        let all: Vec<&Operand> = lhs
            .operands
            .iter()
            .chain(&rhs.operands)
            .filter(|o| !o.constant)
            .collect();
        let groups: BTreeSet<Option<&str>> = all
            .iter()
            .map(|o| templates.tables[o.table].columns[o.col].group.as_deref())
            .collect();
        let naming = Naming {
            rows_vary: all
                .iter()
                .any(|o| o.row != primary.row || o.table != primary.table),
            cols_vary: all
                .iter()
                .any(|o| o.col != primary.col || o.table != primary.table),
            qualify: groups.len() > 1,
        };
        let name = |o: &Operand| naming.name(o, &primary, templates);

        let where_ = self.location(b, templates);
        let message = match &self.message {
            Some(m) => m.replace("{row}", &where_.0).replace("{column}", &where_.1),
            None => {
                let mut w = String::new();
                if !where_.0.is_empty() {
                    w.push_str(&format!("「{}」行", where_.0));
                }
                if !where_.1.is_empty() {
                    w.push_str(&format!("「{}」列", where_.1));
                }
                if w.is_empty() {
                    format!("{}：不成立", self.summary)
                } else {
                    format!("{}：{w}不成立", self.summary)
                }
            }
        };

        let mut d = cx
            .diagnostic(primary_span.clone(), message)
            .primary_label(format!("{} {}", name(&primary), primary.value));
        let others: Vec<&&Operand> = all
            .iter()
            .filter(|o| o.span.as_ref() != Some(&primary_span))
            .collect();
        let shown: Vec<&&Operand> = if others.len() > MAX_LISTED {
            others
                .iter()
                .filter(|o| o.value != Num::ZERO)
                .take(MAX_LISTED)
                .copied()
                .collect()
        } else {
            others
        };
        for o in shown {
            if let Some(span) = &o.span {
                d = d.label(span.clone(), format!("{} {}", name(o), o.value));
            }
        }

        let side_text = |s: &Side| terms_text(&s.operands, &name);
        let single_primary_side = if primary_on_left {
            lhs.operands.len() == 1
        } else {
            rhs.operands.len() == 1
        };
        let (this, other) = if primary_on_left {
            (lhs, rhs)
        } else {
            (rhs, lhs)
        };
        if single_primary_side && self.op == Op::Eq {
            d = d.note(format!(
                "{} = {}，表中{} {}",
                side_text(other),
                other.total,
                name(&primary),
                primary.value
            ));
        } else {
            d = d.note(format!(
                "{} = {}；{} = {}；应满足 {} {} {}",
                side_text(lhs),
                lhs.total,
                side_text(rhs),
                rhs.total,
                lhs.total,
                self.op,
                rhs.total
            ));
        }
        if self.op == Op::Eq {
            let delta = other.total.checked_sub(this.total)?;
            let needed = primary
                .value
                .checked_add(delta.checked_mul_int(primary.sign)?)?;
            if single_primary_side {
                d = d.help(format!(
                    "若各分项无误，{}应为 {needed}；否则请核对各分项",
                    name(&primary)
                ));
            } else {
                d = d.help(format!("若其他数值无误，{}应为 {needed}", name(&primary)));
            }
        } else {
            d = d.help("请核对这些数值");
        }
        Some(d)
    }

    /// Names of the bound row and column, for messages.
    fn location(&self, b: Binding, templates: &Templates) -> (String, String) {
        let row = match (&self.star_rows, b.row) {
            (Some((t, _)), Some(r)) => templates.tables[*t].rows[r].short.clone(),
            _ => String::new(),
        };
        let col = match (&self.star_cols, b.col) {
            (Some((t, _)), Some(c)) => templates.tables[*t].columns[c].display(),
            _ => String::new(),
        };
        (row, col)
    }
}
