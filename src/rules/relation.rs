//! Relations as data (`report::Relation`): which figures an equality `lhs = rhs`
//! involves and, for each, the value it would need if it alone changed. `equation`
//! and `cross_ref` build them so that `check::merge` can report one wrong figure once
//! instead of once per relation it breaks. Not a rule kind.

use std::ops::Range;

use super::expr::{Side, operand_name};
use crate::number::Num;
use crate::report::{Relation, RelationFigure};
use crate::template::Templates;

/// One figure on one side of an equality, before grouping.
pub struct Term {
    pub span: Range<usize>,
    pub name: String,
    pub value: Num,
    /// +1 or -1 as written; terms of the right side are negated by `build`.
    pub sign: i64,
}

/// The terms of an evaluated side: every operand that is a cell with a span
/// (constants have no place to change). Names are computed only when `named`.
pub fn terms(side: &Side, templates: &Templates, named: bool) -> Vec<Term> {
    let mut out = Vec::with_capacity(side.operands.len());
    out.extend(
        side.operands
            .iter()
            .filter(|o| !o.constant)
            .filter_map(|o| {
                Some(Term {
                    span: o.span.clone()?,
                    name: if named {
                        operand_name(o, templates)
                    } else {
                        String::new()
                    },
                    value: o.value,
                    sign: o.sign,
                })
            }),
    );
    out
}

/// The relation `Σ lhs = Σ rhs`, given the evaluated totals of both sides. A figure
/// written several times counts with the sum of its signs; its fix is defined when
/// that coefficient is ±1 and the fixed value is not negative (counts never are).
pub fn build(lhs: Vec<Term>, rhs: Vec<Term>, lhs_total: Num, rhs_total: Num) -> Option<Relation> {
    let imbalance = lhs_total.checked_sub(rhs_total)?;
    // The figures and, beside them, each one's coefficient: two allocations of the
    // right size (a relation is built for every row an equation checks).
    let n = lhs.len() + rhs.len();
    let mut figures: Vec<RelationFigure> = Vec::with_capacity(n);
    let mut coefs: Vec<i64> = Vec::with_capacity(n);
    let all = lhs
        .into_iter()
        .map(|t| (t, 1))
        .chain(rhs.into_iter().map(|t| (t, -1)));
    for (t, side) in all {
        let coef = t.sign * side;
        match figures.iter().position(|f| f.span == t.span) {
            Some(i) => coefs[i] += coef,
            None => {
                figures.push(RelationFigure {
                    span: t.span,
                    name: t.name,
                    value: t.value,
                    fix: None,
                });
                coefs.push(coef);
            }
        }
    }
    for (f, coef) in figures.iter_mut().zip(&coefs) {
        // Changing the figure by d changes lhs − rhs by coef·d; it must become 0.
        let d = match *coef {
            1 => Num::ZERO.checked_sub(imbalance),
            -1 => Some(imbalance),
            _ => None,
        };
        f.fix = d
            .and_then(|d| f.value.checked_add(d))
            .filter(|v| !v.is_negative());
    }
    Some(Relation {
        figures,
        rule: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(span: usize, value: i64, sign: i64) -> Term {
        Term {
            span: span..span + 1,
            name: format!("c{span}"),
            value: Num::from_int(value),
            sign,
        }
    }

    #[test]
    fn fixes_make_the_relation_hold() {
        // 23 = 20 + 3 + 1: total needs 24, a part needs one less.
        let r = build(
            vec![t(0, 23, 1)],
            vec![t(1, 20, 1), t(2, 3, 1), t(3, 1, 1)],
            Num::from_int(23),
            Num::from_int(24),
        )
        .unwrap_or(Relation {
            figures: vec![],
            rule: String::new(),
        });
        let fixes: Vec<Option<Num>> = r.figures.iter().map(|f| f.fix).collect();
        assert_eq!(
            fixes,
            [24, 19, 2, 0].map(|v| Some(Num::from_int(v))).to_vec()
        );
    }

    #[test]
    fn negative_fixes_and_cancelling_figures_have_none() {
        // 5 = 1 + 0 + x where x appears on both sides: no single change of x helps.
        let r = build(
            vec![t(0, 5, 1), t(9, 2, 1)],
            vec![t(1, 1, 1), t(9, 2, 1)],
            Num::from_int(7),
            Num::from_int(3),
        )
        .unwrap_or(Relation {
            figures: vec![],
            rule: String::new(),
        });
        assert_eq!(r.figures.len(), 3);
        assert_eq!(r.figures[0].fix, Some(Num::from_int(1)));
        assert_eq!(r.figures[1].fix, None, "x cancels out");
        assert_eq!(r.figures[2].fix, Some(Num::from_int(5)));
        // 1 = 2 + 3: the total needs 5; neither part can become negative.
        let r = build(
            vec![t(0, 1, 1)],
            vec![t(1, 2, 1), t(2, 3, 1)],
            Num::from_int(1),
            Num::from_int(5),
        )
        .unwrap_or(Relation {
            figures: vec![],
            rule: String::new(),
        });
        let fixes: Vec<Option<Num>> = r.figures.iter().map(|f| f.fix).collect();
        assert_eq!(fixes, [Some(Num::from_int(5)), None, None]);
    }
}
