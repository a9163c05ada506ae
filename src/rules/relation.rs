//! Relations as data (`report::Relation`): which figures an equality `lhs = rhs`
//! involves and, for each, the value it would need if it alone changed. `equation`
//! and `cross_ref` build them so that `check::merge` can report one wrong figure once
//! instead of once per relation it breaks. Not a rule kind.

use std::ops::Range;

use super::expr::{Side, operand_name};
use crate::diagnostic::{Relation, RelationFigure};
use crate::number::Num;
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
    let n = lhs.len() + rhs.len();
    let all = lhs
        .into_iter()
        .map(|t| (t, 1))
        .chain(rhs.into_iter().map(|t| (t, -1)))
        .map(|(t, side)| (t.span, t.sign * side, t.value, move || t.name));
    Some(collect(imbalance, n, all))
}

/// `build(terms(lhs), terms(rhs), lhs.total, rhs.total)` without the intermediate
/// terms: the figures are taken from the operands directly (an equation builds one
/// relation per row and column it checks, most of them holding). Names are computed
/// only when `named`.
pub fn of_sides(lhs: &Side, rhs: &Side, templates: &Templates, named: bool) -> Option<Relation> {
    let imbalance = lhs.total.checked_sub(rhs.total)?;
    let n = lhs.operands.len() + rhs.operands.len();
    let all = lhs
        .operands
        .iter()
        .map(|o| (o, 1))
        .chain(rhs.operands.iter().map(|o| (o, -1)))
        .filter_map(|(o, side)| {
            let span = o.span.as_ref().filter(|_| !o.constant)?;
            let name = move || {
                if named {
                    operand_name(o, templates)
                } else {
                    String::new()
                }
            };
            Some((span.clone(), o.sign * side, o.value, name))
        });
    Some(collect(imbalance, n, all))
}

/// The relation of figures given as (span, coefficient, value, name), `n` at most: a
/// figure written several times counts once, with the sum of its coefficients (its
/// name is made only the first time). The figures and, beside them, each one's
/// coefficient: two allocations of the right size (a relation is built for every row
/// an equation checks).
fn collect<F: FnOnce() -> String>(
    imbalance: Num,
    n: usize,
    all: impl Iterator<Item = (Range<usize>, i64, Num, F)>,
) -> Relation {
    let mut figures: Vec<RelationFigure> = Vec::with_capacity(n);
    let mut coefs: Vec<i64> = Vec::with_capacity(n);
    for (span, coef, value, name) in all {
        match figures.iter().position(|f| f.span == span) {
            Some(i) => coefs[i] += coef,
            None => {
                figures.push(RelationFigure {
                    span,
                    name: name(),
                    value,
                    fix: None,
                });
                coefs.push(coef);
            }
        }
    }
    set_fixes(&mut figures, &coefs, imbalance);
    Relation {
        figures,
        rule: String::new(),
    }
}

/// Each figure's fix: the value that makes the relation hold if it alone changes.
fn set_fixes(figures: &mut [RelationFigure], coefs: &[i64], imbalance: Num) {
    for (f, coef) in figures.iter_mut().zip(coefs) {
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

    /// Sides of operands on cells of the national tables (some constant, some without
    /// a span, some written twice, with both signs): `of_sides` gives what
    /// `build(terms(…), terms(…), …)` gives, named and not.
    #[test]
    fn relations_from_sides_equal_relations_from_terms() {
        use super::super::expr::Operand;
        let pack = crate::Pack::national().expect("national pack");
        let templates = &pack.templates;
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            ((seed >> 33) as usize) % n
        };
        let side = |next: &mut dyn FnMut(usize) -> usize| {
            let operands: Vec<Operand> = (0..next(25))
                .map(|_| {
                    let table = next(templates.tables.len());
                    let tpl = &templates.tables[table];
                    let at = next(12);
                    Operand {
                        sign: if next(4) == 0 { -1 } else { 1 },
                        value: Num::from_int(next(30) as i64),
                        table,
                        row: next(tpl.rows.len()),
                        col: next(tpl.columns.len()),
                        span: (next(8) != 0).then_some(at..at + 1),
                        constant: next(8) == 0,
                    }
                })
                .collect();
            let total = operands.iter().fold(Num::ZERO, |t, o| {
                t.checked_add(o.value.checked_mul_int(o.sign).unwrap_or(Num::ZERO))
                    .unwrap_or(t)
            });
            Side { total, operands }
        };
        for round in 0..300 {
            let (lhs, rhs) = (side(&mut next), side(&mut next));
            let named = round % 2 == 0;
            let want = build(
                terms(&lhs, templates, named),
                terms(&rhs, templates, named),
                lhs.total,
                rhs.total,
            );
            assert_eq!(
                of_sides(&lhs, &rhs, templates, named),
                want,
                "round {round}"
            );
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
