//! One defect, one finding. A wrong figure usually breaks several relations at once
//! (a row sum of 表三, the balance of its column, the narrative that quotes it) and each
//! rule reports its own, with `help` lines that contradict each other. This pass groups
//! the findings of failing relations that share a figure (by its span) and reports each
//! group once:
//!
//! * exactly one figure, changed to one value, makes every relation of the group hold
//!   and is in no relation that holds → one finding on that figure, the other relations
//!   as notes, one help with the value;
//! * several such figures → one finding naming each with its value;
//! * none → one finding saying that at least two figures are wrong, naming the figures
//!   the failing relations share.
//!
//! It works on the data rules attach (`Diagnostic::relation`, `Context::holds`): no rule
//! id is special here.

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Label, Relation, RelationFigure, Severity};
use crate::number::Num;
use crate::rules::Holding;

/// Most figures named in one help line.
const MAX_NAMED: usize = 6;

pub fn merge(diagnostics: Vec<Diagnostic>, holding: &Holding) -> Vec<Diagnostic> {
    let with_relation: Vec<usize> = diagnostics
        .iter()
        .enumerate()
        .filter(|(_, d)| d.relation.is_some())
        .map(|(i, _)| i)
        .collect();
    if with_relation.is_empty() {
        return diagnostics;
    }
    // Union-find over the findings that carry a relation, joined by shared figures.
    let mut parent: Vec<usize> = (0..diagnostics.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut owner: HashMap<std::ops::Range<usize>, usize> = HashMap::new();
    for &i in &with_relation {
        let Some(r) = &diagnostics[i].relation else {
            continue;
        };
        for f in &r.figures {
            match owner.get(&f.span) {
                Some(&j) => {
                    let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                    if a != b {
                        parent[a.max(b)] = a.min(b);
                    }
                }
                None => {
                    owner.insert(f.span.clone(), i);
                }
            }
        }
    }
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for &i in &with_relation {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    let mut merged_into: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut alone = Vec::new();
    for (_, members) in groups {
        if members.len() >= 2 {
            merged_into.insert(members[0], members);
        } else {
            alone.extend(members);
        }
    }
    let mut diagnostics = diagnostics;
    for i in alone {
        redirect_help(&mut diagnostics[i], holding);
    }
    if merged_into.is_empty() {
        return diagnostics;
    }
    let mut slots: Vec<Option<Diagnostic>> = diagnostics.into_iter().map(Some).collect();
    let mut out = Vec::with_capacity(slots.len());
    for i in 0..slots.len() {
        if let Some(members) = merged_into.get(&i) {
            let group: Vec<Diagnostic> = members.iter().filter_map(|&m| slots[m].take()).collect();
            out.push(merge_group(group, holding));
        } else if let Some(d) = slots[i].take() {
            out.push(d);
        }
    }
    out
}

/// A relation that fails alone: its help names the figure it points at. When that
/// figure agrees with another check (the narrative quotes the same total), changing it
/// would break that check: the help names the other figures instead.
fn redirect_help(d: &mut Diagnostic, holding: &Holding) {
    let Some(r) = &d.relation else {
        return;
    };
    let Some(agreeing) = holding.rule_of(&d.primary) else {
        return;
    };
    let Some(primary) = r.figures.iter().find(|f| f.span == d.primary) else {
        return;
    };
    let options: Vec<String> = r
        .figures
        .iter()
        .filter(|f| f.span != d.primary)
        .filter(|f| !holding.contains(&f.span))
        .filter_map(|f| Some(format!("{}应为 {}", f.name, f.fix?)))
        .take(MAX_NAMED)
        .collect();
    d.notes.push(format!(
        "{} {} 与 {} 的核对一致，改动它会使该项核对不成立",
        primary.name, primary.value, agreeing
    ));
    d.help = Some(if options.is_empty() {
        "请对照原始数据核对这些数值：没有哪一处单独的改动能使所有核对都成立".to_string()
    } else {
        format!(
            "问题更可能在其他数值：{}（任改其一即可使此项成立）",
            options.join("；")
        )
    });
}

fn rank(s: Severity) -> u8 {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

/// Figures (of the first relation) that alone explain every relation of the group,
/// with the value each would need.
fn explainers(relations: &[&Relation], holding: &Holding) -> Vec<(RelationFigure, Num)> {
    let Some(first) = relations.first() else {
        return Vec::new();
    };
    first
        .figures
        .iter()
        .filter_map(|f| {
            let fix = f.fix?;
            let everywhere = relations.iter().all(|r| {
                r.figures
                    .iter()
                    .any(|g| g.span == f.span && g.fix == Some(fix))
            });
            let breaks_none = !holding.contains(&f.span);
            (everywhere && breaks_none).then(|| (f.clone(), fix))
        })
        .collect()
}

fn merge_group(mut group: Vec<Diagnostic>, holding: &Holding) -> Diagnostic {
    let relations: Vec<Relation> = group.iter_mut().filter_map(|d| d.relation.take()).collect();
    let refs: Vec<&Relation> = relations.iter().collect();
    let found = explainers(&refs, holding);
    let single = match found.as_slice() {
        [(f, v)] => Some((f.clone(), *v)),
        _ => None,
    };
    // The finding that carries the group: on the explaining figure if one is, the most
    // serious, then the first rule.
    let base_index = (0..group.len())
        .min_by_key(|&i| {
            let d = &group[i];
            let on_figure = single.as_ref().is_some_and(|(f, _)| f.span == d.primary);
            (
                rank(d.severity),
                !on_figure,
                d.rule.clone(),
                d.primary.start,
            )
        })
        .unwrap_or(0);
    let mut base = group.remove(base_index);
    let severity = group
        .iter()
        .map(|d| d.severity)
        .chain([base.severity])
        .min_by_key(|s| rank(*s))
        .unwrap_or(base.severity);
    base.severity = severity;
    let count = group.len() + 1;

    if let Some((f, _)) = &single
        && base.primary != f.span
    {
        let old = Label {
            span: base.primary.clone(),
            message: std::mem::take(&mut base.primary_label),
        };
        // The figure's own label (its short name) becomes the primary label.
        base.primary_label = match base.labels.iter().position(|l| l.span == f.span) {
            Some(i) => base.labels.remove(i).message,
            None => format!("{} {}", f.name, f.value),
        };
        base.labels.insert(0, old);
        base.primary = f.span.clone();
    }
    group.sort_by(|a, b| (&a.rule, a.primary.start).cmp(&(&b.rule, b.primary.start)));
    for other in &group {
        let arithmetic = other
            .notes
            .first()
            .map(|n| format!("：{n}"))
            .unwrap_or_default();
        base.notes.push(format!(
            "同时不成立（{}）：{}{arithmetic}",
            other.rule, other.message
        ));
    }
    let mut labels = std::mem::take(&mut base.labels);
    for other in group {
        labels.push(Label {
            span: other.primary.clone(),
            message: other.primary_label,
        });
        labels.extend(other.labels);
    }
    let mut seen = vec![base.primary.clone()];
    for l in labels {
        if !seen.contains(&l.span) {
            seen.push(l.span.clone());
            base.labels.push(l);
        }
    }

    base.help = Some(match (&single, found.len()) {
        (Some((f, v)), _) => format!(
            "{}应为 {v}：只改这一处，这 {count} 项核对就全部成立（其他任何单独一处的改动都做不到）",
            f.name
        ),
        (None, 0) => {
            let shared = shared_figures(&relations);
            if shared.is_empty() {
                format!("没有哪一处单独的改动能使这 {count} 项核对全部成立：至少有两处数值有误")
            } else {
                format!(
                    "没有哪一处单独的改动能使这 {count} 项核对全部成立，至少有两处数值有误；请先核对几项核对共用的：{}",
                    shared.join("、")
                )
            }
        }
        (None, _) => {
            let options: Vec<String> = found
                .iter()
                .take(MAX_NAMED)
                .map(|(f, v)| format!("{}应为 {v}", f.name))
                .collect();
            format!(
                "以下任一处单独改正都能使这 {count} 项核对全部成立：{}；请对照原始数据确定是哪一处",
                options.join("；")
            )
        }
    });
    base
}

/// Names of the figures that appear in more than one of the relations.
fn shared_figures(relations: &[Relation]) -> Vec<String> {
    let mut seen: Vec<(&RelationFigure, usize)> = Vec::new();
    for r in relations {
        for f in &r.figures {
            match seen.iter_mut().find(|(g, _)| g.span == f.span) {
                Some((_, n)) => *n += 1,
                None => seen.push((f, 1)),
            }
        }
    }
    seen.into_iter()
        .filter(|(_, n)| *n > 1)
        .take(MAX_NAMED)
        .map(|(f, _)| format!("{} {}", f.name, f.value))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fig(span: usize, value: i64, fix: Option<i64>) -> RelationFigure {
        RelationFigure {
            span: span..span + 1,
            name: format!("c{span}"),
            value: Num::from_int(value),
            fix: fix.map(Num::from_int),
        }
    }

    fn finding(rule: &str, primary: usize, figures: Vec<RelationFigure>) -> Diagnostic {
        Diagnostic::new(
            rule,
            Severity::Error,
            primary..primary + 1,
            format!("{rule} 不成立"),
        )
        .help(format!("{rule} 的建议"))
        .relation(Relation {
            figures,
            rule: String::new(),
        })
    }

    #[test]
    fn one_figure_explaining_every_relation_gives_one_finding_on_it() {
        // c1 is in both relations and needs 5 in both; c0 and c2 are in one only.
        let d = merge(
            vec![
                finding("A", 0, vec![fig(0, 6, Some(7)), fig(1, 4, Some(5))]),
                finding("B", 2, vec![fig(2, 9, Some(8)), fig(1, 4, Some(5))]),
            ],
            &Holding::default(),
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].primary, 1..2, "re-pointed at the explaining figure");
        assert!(d[0].notes.iter().any(|n| n.starts_with("同时不成立（B）")));
        assert!(d[0].help.as_deref().unwrap_or("").starts_with("c1应为 5"));
        assert!(
            d[0].labels.iter().any(|l| l.span == (0..1)),
            "old primary kept"
        );
    }

    #[test]
    fn several_explaining_figures_are_all_named() {
        let d = merge(
            vec![
                finding("A", 0, vec![fig(1, 4, Some(5)), fig(3, 1, Some(2))]),
                finding("B", 2, vec![fig(1, 4, Some(5)), fig(3, 1, Some(2))]),
            ],
            &Holding::default(),
        );
        assert_eq!(d.len(), 1);
        let help = d[0].help.as_deref().unwrap_or("");
        assert!(
            help.contains("c1应为 5") && help.contains("c3应为 2"),
            "{help}"
        );
    }

    #[test]
    fn no_single_explanation_names_the_shared_figures() {
        // c1 needs 5 in one relation and 6 in the other: two figures are wrong.
        let d = merge(
            vec![
                finding("A", 0, vec![fig(0, 6, Some(7)), fig(1, 4, Some(5))]),
                finding("B", 2, vec![fig(2, 9, Some(8)), fig(1, 4, Some(6))]),
            ],
            &Holding::default(),
        );
        assert_eq!(d.len(), 1);
        let help = d[0].help.as_deref().unwrap_or("");
        assert!(
            help.contains("至少有两处") && help.contains("c1 4"),
            "{help}"
        );
    }

    #[test]
    fn a_figure_in_a_relation_that_holds_does_not_explain() {
        let mut holding = Holding::default();
        holding.record("C", [fig(1, 4, Some(4)).span]);
        let d = merge(
            vec![
                finding("A", 0, vec![fig(0, 6, Some(7)), fig(1, 4, Some(5))]),
                finding("B", 2, vec![fig(2, 9, Some(8)), fig(1, 4, Some(5))]),
            ],
            &holding,
        );
        assert_eq!(d.len(), 1);
        assert!(d[0].help.as_deref().unwrap_or("").contains("至少有两处"));
    }

    /// A relation that fails alone, on a figure that agrees with another check (the
    /// narrative quotes the same total): the note names the first rule that agrees,
    /// and the help the other figures, those in no relation that holds.
    #[test]
    fn a_failing_figure_that_another_check_agrees_with_is_not_the_one_to_change() {
        let mut holding = Holding::default();
        holding.record("X101", [0..1, 9..10]);
        holding.record("X102", std::iter::once(0..1));
        holding.record("E101", std::iter::once(3..4));
        let d = merge(
            vec![finding(
                "E103",
                0,
                vec![fig(0, 6, Some(7)), fig(2, 9, Some(8)), fig(3, 4, Some(5))],
            )],
            &holding,
        );
        assert_eq!(d.len(), 1);
        assert!(
            d[0].notes
                .iter()
                .any(|n| n == "c0 6 与 X101 的核对一致，改动它会使该项核对不成立"),
            "{:?}",
            d[0].notes
        );
        assert_eq!(
            d[0].help.as_deref(),
            Some("问题更可能在其他数值：c2应为 8（任改其一即可使此项成立）")
        );
        // With no other check agreeing, the help is the rule's own.
        let alone = merge(
            vec![finding(
                "E103",
                0,
                vec![fig(0, 6, Some(7)), fig(2, 9, Some(8))],
            )],
            &Holding::default(),
        );
        assert_eq!(alone[0].help.as_deref(), Some("E103 的建议"));
    }

    #[test]
    fn unrelated_findings_are_left_alone() {
        let d = merge(
            vec![
                finding("A", 0, vec![fig(0, 6, Some(7)), fig(1, 4, Some(5))]),
                finding("B", 2, vec![fig(2, 9, Some(8)), fig(3, 4, Some(5))]),
            ],
            &Holding::default(),
        );
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].help.as_deref(), Some("A 的建议"));
    }
}
