//! Glued cells: a table row whose digits lost their cell boundaries
//! (`行政规范性文件693665`, `…申请数量640020470`, `160 02 0 018`).
//!
//! The digits are exact; only the boundaries are lost. This module finds every way of
//! cutting each row's digit run into its cells that satisfies the table's own linear
//! relations (row sums, column sums, the 勾稽关系 of 表三, the group totals of 表四),
//! with no leading zeros (`0` alone is a cell, `05` is not) and at most
//! `Limits::max_cell_digits` digits per cell. It is generic: relations are given as
//! data, `Σ coef·cell + constant  cmp  0` over cell keys, and know nothing of any
//! particular table (`glued/table.rs` derives them from the pack's `equation` rules).
//!
//! What a space means: web pages put spaces at arbitrary points in a glued run
//! (`160 02 0 018` — `02` and `018` cannot be cells, so the spaces are not the
//! boundaries). A space is therefore neither a boundary nor a join: the run is decoded
//! from its digits alone, and a reading is never preferred because it agrees with the
//! spaces (that would be a guess).
//!
//! Outcomes per row: exactly one reading (`Unique`), several (`Ambiguous`, with the
//! readings, never arithmetic on them), none (`Impossible`, with the cause). Each row
//! records the relations *used* to decode it: such a relation holds by construction and
//! cannot also verify the row. Relations are used as sparingly as possible — a row that
//! has one reading by its digits alone uses none; a row decoded by its own relations
//! drops every relation that is not needed for uniqueness; relations across rows are
//! used only for rows their own relations leave ambiguous, and never through a row read
//! by its digits alone that breaks its own relation (that relation reports it) — so
//! that as many relations as possible are left to check the reconstructed values.
//!
//! Cost is bounded: a depth-first search over cut points with interval pruning per
//! relation, a cap on the readings kept per row and a step budget for the whole table;
//! when a cap is hit the row is declared ambiguous ("too many readings"), never guessed.

use std::collections::{BTreeSet, HashMap};

pub use crate::template::expr::Op;

pub mod table;

/// A cell of one table: (row, column), in the template's indexes.
pub type CellKey = (usize, usize);

/// Whether `v` (the value of `Σ coef·cell + constant`) compares with 0 as `op` says.
fn holds(op: Op, v: i128) -> bool {
    match op {
        Op::Eq => v == 0,
        Op::Ne => v != 0,
        Op::Lt => v < 0,
        Op::Le => v <= 0,
        Op::Gt => v > 0,
        Op::Ge => v >= 0,
    }
}

/// Can a value in `lo..=hi` still compare with 0 as `op` says?
fn possible(op: Op, lo: i128, hi: i128) -> bool {
    match op {
        Op::Eq => lo <= 0 && 0 <= hi,
        Op::Ne => true,
        Op::Lt => lo < 0,
        Op::Le => lo <= 0,
        Op::Gt => hi > 0,
        Op::Ge => hi >= 0,
    }
}

/// `Σ coef·cell + constant  cmp  0`. Cells whose values are known are folded into
/// `constant` by the caller; every cell in `terms` is a cell of a glued row.
#[derive(Clone, Debug)]
pub struct LinearRelation {
    /// How the relation is named in findings, e.g. `T201（「一、本年新收」行）`.
    pub name: String,
    pub terms: Vec<(i64, CellKey)>,
    pub constant: i64,
    pub cmp: Op,
}

/// One row whose digits are glued: the digit string (ASCII digits only; spaces and
/// other separators already removed) and the cells it must fill, in order.
#[derive(Clone, Debug)]
pub struct GluedRow {
    pub row: usize,
    pub columns: Vec<usize>,
    pub digits: String,
}

/// Bounds on the search.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Plausibility bound: a cell of these tables has at most this many digits.
    pub max_cell_digits: usize,
    /// Readings kept per row (and shown for an ambiguous row).
    pub max_readings: usize,
    /// Search steps for the whole table.
    pub max_steps: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_cell_digits: 6,
            max_readings: 64,
            max_steps: 200_000,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Impossible {
    /// The digits cannot be cut into that many cells at all (too few or too many
    /// digits, or zeros that would lead a cell): the table is probably damaged.
    NoSplit,
    /// Every cut violates a relation of the row itself (e.g. 总计 ≠ 分项之和).
    Row,
    /// Every combination of cuts of these rows violates a relation between them.
    Rows(Vec<usize>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Unique(Vec<u64>),
    /// Several readings (up to `Limits::max_readings`); `more` when there are others,
    /// or when the search was cut short.
    Ambiguous {
        readings: Vec<Vec<u64>>,
        more: bool,
    },
    Impossible(Impossible),
}

#[derive(Clone, Debug)]
pub struct RowDecoding {
    /// `GluedRow::row`.
    pub row: usize,
    pub outcome: Outcome,
    /// Indexes into the relations given to `decode_table` that were used to reach the
    /// outcome (for `Impossible`, the relations that cannot be satisfied).
    pub used: Vec<usize>,
}

impl RowDecoding {
    pub fn values(&self) -> Option<&[u64]> {
        match &self.outcome {
            Outcome::Unique(v) => Some(v),
            _ => None,
        }
    }
}

/// A reading of a glued run written for a message: `77|132|470`.
pub fn reading_text(values: &[u64]) -> String {
    values
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join("|")
}

/// Decodes the glued rows of one table together. One `RowDecoding` per input row, in
/// input order.
pub fn decode_table(
    rows: &[GluedRow],
    relations: &[LinearRelation],
    limits: &Limits,
) -> Vec<RowDecoding> {
    let mut budget = Budget {
        left: limits.max_steps,
    };
    // Which glued row (and which cut position) each cell key is.
    let mut slot: HashMap<CellKey, (usize, usize)> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        for (j, &c) in r.columns.iter().enumerate() {
            slot.insert((r.row, c), (i, j));
        }
    }
    // Relations over glued cells only; the rows each touches.
    let usable: Vec<(usize, BTreeSet<usize>)> = relations
        .iter()
        .enumerate()
        .filter(|(_, rel)| {
            !rel.terms.is_empty() && rel.terms.iter().all(|(_, k)| slot.contains_key(k))
        })
        .map(|(ri, rel)| (ri, rel.terms.iter().map(|(_, k)| slot[k].0).collect()))
        .collect();
    let digits: Vec<Vec<u8>> = rows
        .iter()
        .map(|r| {
            r.digits
                .bytes()
                .filter(u8::is_ascii_digit)
                .map(|b| b - b'0')
                .collect()
        })
        .collect();

    // Stage 1: each row on its own.
    let mut out: Vec<RowDecoding> = Vec::with_capacity(rows.len());
    let mut pending: Vec<(usize, Vec<Vec<u64>>)> = Vec::new();
    // Rows read by their digits alone that break one of their own relations: that
    // relation will report them, and they must not steer the decoding of other rows.
    let mut suspect: BTreeSet<usize> = BTreeSet::new();
    for (i, r) in rows.iter().enumerate() {
        let n = r.columns.len();
        let local: Vec<usize> = usable
            .iter()
            .filter(|(_, touched)| touched.len() == 1 && touched.contains(&i))
            .map(|(ri, _)| *ri)
            .collect();
        let compile = |ids: &[usize]| -> Vec<RowRel> {
            ids.iter()
                .map(|&ri| RowRel::new(&relations[ri], |k| slot[k].1))
                .collect()
        };
        let mut decoding = RowDecoding {
            row: r.row,
            outcome: Outcome::Impossible(Impossible::NoSplit),
            used: Vec::new(),
        };
        let bare = enumerate(&digits[i], n, &[], limits, 2, &mut budget);
        if bare.readings.is_empty() && !bare.truncated {
            out.push(decoding);
            continue;
        }
        if bare.readings.len() == 1 && !bare.truncated {
            let reading = &bare.readings[0];
            if compile(&local)
                .iter()
                .any(|rel| !feasible(rel, reading, n - 1, 0, 0, limits))
            {
                suspect.insert(i);
            }
            decoding.outcome = Outcome::Unique(reading.clone());
            out.push(decoding);
            continue;
        }
        let full = enumerate(
            &digits[i],
            n,
            &compile(&local),
            limits,
            limits.max_readings,
            &mut budget,
        );
        match (full.readings.len(), full.truncated) {
            (0, false) => {
                decoding.outcome = Outcome::Impossible(Impossible::Row);
                decoding.used = local;
            }
            (1, false) => {
                // Keep only the relations needed for a single reading.
                let mut kept = local.clone();
                for &ri in &local {
                    let trial: Vec<usize> = kept.iter().copied().filter(|&x| x != ri).collect();
                    let e = enumerate(&digits[i], n, &compile(&trial), limits, 2, &mut budget);
                    if e.readings.len() == 1 && !e.truncated {
                        kept = trial;
                    }
                }
                decoding.outcome = Outcome::Unique(full.readings[0].clone());
                decoding.used = kept;
            }
            (_, truncated) => {
                decoding.outcome = Outcome::Ambiguous {
                    readings: full.readings.clone(),
                    more: truncated,
                };
                decoding.used = local;
                if !truncated {
                    pending.push((i, full.readings));
                }
            }
        }
        out.push(decoding);
    }

    // Stage 2: rows their own relations leave ambiguous, together, with the relations
    // between rows (rows decoded in stage 1 are fixed).
    let pending_rows: BTreeSet<usize> = pending.iter().map(|(i, _)| *i).collect();
    let fixed: HashMap<usize, Vec<u64>> = out
        .iter()
        .enumerate()
        .filter(|(i, _)| !suspect.contains(i))
        .filter_map(|(i, d)| d.values().map(|v| (i, v.to_vec())))
        .collect();
    let cross: Vec<(usize, &BTreeSet<usize>)> = usable
        .iter()
        .filter(|(_, touched)| {
            touched.len() > 1
                && touched.iter().any(|t| pending_rows.contains(t))
                && touched
                    .iter()
                    .all(|t| pending_rows.contains(t) || fixed.contains_key(t))
        })
        .map(|(ri, t)| (*ri, t))
        .collect();
    for component in components(&pending_rows, &cross) {
        let rels: Vec<usize> = cross
            .iter()
            .filter(|(_, t)| t.iter().any(|r| component.contains(r)))
            .map(|(ri, _)| *ri)
            .collect();
        if rels.is_empty() {
            continue;
        }
        let members: Vec<(usize, &Vec<Vec<u64>>)> = pending
            .iter()
            .filter(|(i, _)| component.contains(i))
            .map(|(i, c)| (*i, c))
            .collect();
        let result = joint(
            rows,
            &members,
            &fixed,
            relations,
            &rels,
            limits,
            &mut budget,
        );
        for (pos, &(i, _)) in members.iter().enumerate() {
            let d = &mut out[i];
            d.used.extend(
                rels.iter()
                    .copied()
                    .filter(|&ri| relations[ri].terms.iter().any(|(_, k)| slot[k].0 == i)),
            );
            d.used.sort_unstable();
            d.used.dedup();
            d.outcome = match &result {
                Joint::None => Outcome::Impossible(Impossible::Rows(
                    members.iter().map(|(m, _)| rows[*m].row).collect(),
                )),
                Joint::Found { seen, truncated } => {
                    let readings: Vec<Vec<u64>> = seen[pos].iter().cloned().collect();
                    if readings.len() == 1 && !truncated {
                        Outcome::Unique(readings[0].clone())
                    } else {
                        Outcome::Ambiguous {
                            readings,
                            more: *truncated,
                        }
                    }
                }
            };
        }
    }
    out
}

struct Budget {
    left: usize,
}

impl Budget {
    fn step(&mut self) -> bool {
        if self.left == 0 {
            return false;
        }
        self.left -= 1;
        true
    }
}

/// A relation of one row, over cut positions.
struct RowRel {
    terms: Vec<(i64, usize)>,
    constant: i64,
    cmp: Op,
    /// The last position it mentions: checked exactly once that one is cut.
    last: usize,
}

impl RowRel {
    fn new(rel: &LinearRelation, pos: impl Fn(&CellKey) -> usize) -> RowRel {
        let terms: Vec<(i64, usize)> = rel.terms.iter().map(|(c, k)| (*c, pos(k))).collect();
        let last = terms.iter().map(|(_, p)| *p).max().unwrap_or(0);
        RowRel {
            terms,
            constant: rel.constant,
            cmp: rel.cmp,
            last,
        }
    }
}

struct Enumeration {
    readings: Vec<Vec<u64>>,
    /// The cap or the budget was hit: there may be other readings.
    truncated: bool,
}

/// Every reading of `digits` as `n` cells that satisfies `rels`, up to `cap`.
fn enumerate(
    digits: &[u8],
    n: usize,
    rels: &[RowRel],
    limits: &Limits,
    cap: usize,
    budget: &mut Budget,
) -> Enumeration {
    let mut e = Enumeration {
        readings: Vec::new(),
        truncated: false,
    };
    if n == 0 || digits.len() < n || digits.len() > n * limits.max_cell_digits {
        return e;
    }
    let mut values = vec![0u64; n];
    dfs(digits, 0, 0, &mut values, rels, limits, cap, budget, &mut e);
    e
}

#[allow(clippy::too_many_arguments)]
fn dfs(
    digits: &[u8],
    at: usize,
    cell: usize,
    values: &mut [u64],
    rels: &[RowRel],
    limits: &Limits,
    cap: usize,
    budget: &mut Budget,
    e: &mut Enumeration,
) {
    if e.truncated {
        return;
    }
    if !budget.step() {
        e.truncated = true;
        return;
    }
    let n = values.len();
    if cell == n {
        if at == digits.len() {
            if e.readings.len() >= cap {
                e.truncated = true;
            } else {
                e.readings.push(values.to_vec());
            }
        }
        return;
    }
    let left_cells = n - cell - 1;
    let remaining = digits.len() - at;
    let max_len = limits.max_cell_digits.min(remaining - left_cells);
    let min_len = if cell + 1 == n { remaining } else { 1 };
    if min_len > max_len {
        return;
    }
    let max_len = if digits[at] == 0 { 1 } else { max_len };
    let mut v: u64 = 0;
    for len in 1..=max_len {
        v = v * 10 + u64::from(digits[at + len - 1]);
        if len < min_len {
            continue;
        }
        let rest = remaining - len;
        if rest < left_cells || rest > left_cells * limits.max_cell_digits {
            continue;
        }
        values[cell] = v;
        if rels
            .iter()
            .all(|r| feasible(r, values, cell, rest, left_cells, limits))
        {
            dfs(
                digits,
                at + len,
                cell + 1,
                values,
                rels,
                limits,
                cap,
                budget,
                e,
            );
            if e.truncated {
                return;
            }
        }
    }
}

/// With cells `0..=cell` cut, can `r` still hold? Uncut cells are bounded by the
/// digits left (`rest` digits for `left_cells` cells).
fn feasible(
    r: &RowRel,
    values: &[u64],
    cell: usize,
    rest: usize,
    left_cells: usize,
    limits: &Limits,
) -> bool {
    if r.last <= cell {
        let v: i128 = r.constant as i128
            + r.terms
                .iter()
                .map(|(c, p)| *c as i128 * values[*p] as i128)
                .sum::<i128>();
        return holds(r.cmp, v);
    }
    if !r.terms.iter().any(|(_, p)| *p == cell) {
        return true;
    }
    let widest = limits
        .max_cell_digits
        .min(rest.saturating_sub(left_cells.saturating_sub(1)))
        .min(30);
    let hi: i128 = 10_i128.pow(widest as u32) - 1;
    let (mut lo_sum, mut hi_sum) = (r.constant as i128, r.constant as i128);
    for (c, p) in &r.terms {
        let c = *c as i128;
        if *p <= cell {
            lo_sum += c * values[*p] as i128;
            hi_sum += c * values[*p] as i128;
        } else if c > 0 {
            hi_sum += c * hi;
        } else {
            lo_sum += c * hi;
        }
    }
    possible(r.cmp, lo_sum, hi_sum)
}

enum Joint {
    None,
    /// Per member, the distinct readings that appear in some solution.
    Found {
        seen: Vec<BTreeSet<Vec<u64>>>,
        truncated: bool,
    },
}

/// Connected groups of pending rows, linked by the relations between them.
fn components(
    pending: &BTreeSet<usize>,
    cross: &[(usize, &BTreeSet<usize>)],
) -> Vec<BTreeSet<usize>> {
    let mut out: Vec<BTreeSet<usize>> = Vec::new();
    for &p in pending {
        if out.iter().any(|c| c.contains(&p)) {
            continue;
        }
        let mut comp = BTreeSet::from([p]);
        loop {
            let before = comp.len();
            for (_, t) in cross {
                if t.iter().any(|r| comp.contains(r)) {
                    comp.extend(t.iter().filter(|r| pending.contains(r)));
                }
            }
            if comp.len() == before {
                break;
            }
        }
        out.push(comp);
    }
    out
}

/// Backtracking over the candidate readings of `members`, checking each relation as
/// soon as all its rows have a reading.
fn joint(
    rows: &[GluedRow],
    members: &[(usize, &Vec<Vec<u64>>)],
    fixed: &HashMap<usize, Vec<u64>>,
    relations: &[LinearRelation],
    rels: &[usize],
    limits: &Limits,
    budget: &mut Budget,
) -> Joint {
    // Position of each glued row among the members (or fixed).
    let member_pos: HashMap<usize, usize> = members
        .iter()
        .enumerate()
        .map(|(p, (i, _))| (*i, p))
        .collect();
    let row_of: HashMap<usize, usize> = rows.iter().enumerate().map(|(i, r)| (r.row, i)).collect();
    let col_pos = |i: usize, col: usize| rows[i].columns.iter().position(|&c| c == col);
    // Each relation, as terms over (member or fixed row, cut position), and the last
    // member it needs.
    struct Rel {
        terms: Vec<(i64, Option<usize>, usize, usize)>, // coef, member pos, glued row, cut pos
        constant: i64,
        cmp: Op,
        last: usize,
    }
    let compiled: Vec<Rel> = rels
        .iter()
        .filter_map(|&ri| {
            let rel = &relations[ri];
            let mut terms = Vec::new();
            for (c, (row, col)) in &rel.terms {
                let i = *row_of.get(row)?;
                terms.push((*c, member_pos.get(&i).copied(), i, col_pos(i, *col)?));
            }
            let last = terms.iter().filter_map(|t| t.1).max()?;
            Some(Rel {
                terms,
                constant: rel.constant,
                cmp: rel.cmp,
                last,
            })
        })
        .collect();
    let mut seen: Vec<BTreeSet<Vec<u64>>> = vec![BTreeSet::new(); members.len()];
    let mut choice = vec![0usize; members.len()];
    let mut solutions = 0usize;
    let mut truncated = false;
    // Iterative depth-first search over `choice`.
    let mut depth = 0usize;
    let mut next = vec![0usize; members.len() + 1];
    'search: loop {
        if depth == members.len() {
            solutions += 1;
            for (p, &c) in choice.iter().enumerate() {
                seen[p].insert(members[p].1[c].clone());
            }
            if seen.iter().any(|s| s.len() > limits.max_readings) {
                truncated = true;
                break;
            }
            depth -= 1;
            continue;
        }
        loop {
            if !budget.step() {
                truncated = true;
                break 'search;
            }
            let k = next[depth];
            if k >= members[depth].1.len() {
                next[depth] = 0;
                if depth == 0 {
                    break 'search;
                }
                depth -= 1;
                continue 'search;
            }
            next[depth] = k + 1;
            choice[depth] = k;
            let ok = compiled.iter().filter(|r| r.last == depth).all(|r| {
                let v: i128 = r.constant as i128
                    + r.terms
                        .iter()
                        .map(|&(c, m, i, pos)| {
                            let value = match m {
                                Some(m) => members[m].1[choice[m]][pos],
                                None => fixed.get(&i).map_or(0, |v| v[pos]),
                            };
                            c as i128 * value as i128
                        })
                        .sum::<i128>();
                holds(r.cmp, v)
            });
            if ok {
                depth += 1;
                next[depth] = 0;
                continue 'search;
            }
        }
    }
    if solutions == 0 && !truncated {
        Joint::None
    } else {
        Joint::Found { seen, truncated }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(row: usize, n: usize, digits: &str) -> GluedRow {
        GluedRow {
            row,
            columns: (0..n).collect(),
            digits: digits.into(),
        }
    }

    /// `cells[last] = Σ cells[from..last]` on one row.
    fn total_rel(row: usize, from: usize, last: usize) -> LinearRelation {
        let mut terms: Vec<(i64, CellKey)> = (from..last).map(|c| (1, (row, c))).collect();
        terms.push((-1, (row, last)));
        LinearRelation {
            name: format!("row {row}"),
            terms,
            constant: 0,
            cmp: Op::Eq,
        }
    }

    fn one(rows: &[GluedRow], rels: &[LinearRelation]) -> Vec<RowDecoding> {
        decode_table(rows, rels, &Limits::default())
    }

    #[test]
    fn unique_by_digits_alone_uses_no_relation() {
        let d = one(&[row(0, 3, "000")], &[]);
        assert_eq!(d[0].outcome, Outcome::Unique(vec![0, 0, 0]));
        assert!(d[0].used.is_empty());
        // 7 digits for 7 cells: the row sum is left to verify.
        let d = one(&[row(0, 7, "1000001")], &[total_rel(0, 0, 6)]);
        assert_eq!(d[0].outcome, Outcome::Unique(vec![1, 0, 0, 0, 0, 0, 1]));
        assert!(d[0].used.is_empty());
    }

    #[test]
    fn unique_by_the_row_sum() {
        // 表三 row 一 of a one-line page: 64, 0, 0, 2, 0, 4 → 70.
        let d = one(&[row(0, 7, "640020470")], &[total_rel(0, 0, 6)]);
        assert_eq!(d[0].outcome, Outcome::Unique(vec![64, 0, 0, 2, 0, 4, 70]));
        assert_eq!(d[0].used, vec![0]);
    }

    #[test]
    fn table_four_seventeen_digits() {
        // 15 cells, three groups of five whose last cell is the group total.
        let rels = [total_rel(0, 0, 4), total_rel(0, 5, 9), total_rel(0, 10, 14)];
        let d = one(&[row(0, 15, "10203120001200000")], &rels);
        assert_eq!(
            d[0].outcome,
            Outcome::Unique(vec![1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0])
        );
        // The third group is all zeros: one digit each whatever the relations; the
        // first two groups needed their totals.
        // The second group's total alone fixes every cut; the first group's total
        // (T204) is left to verify the reconstructed values.
        assert_eq!(d[0].used, vec![1]);
    }

    #[test]
    fn ambiguous_without_relations() {
        // 表二 行政规范性文件: three cells, no relation between them.
        let d = one(&[row(0, 3, "693665")], &[]);
        let Outcome::Ambiguous { readings, more } = &d[0].outcome else {
            panic!("{:?}", d[0].outcome)
        };
        assert!(!more);
        assert!(readings.contains(&vec![69, 3, 665]));
        assert!(readings.contains(&vec![6, 93, 665]));
        assert_eq!(readings.len(), 10);
        let d = one(&[row(0, 3, "77132470")], &[]);
        let Outcome::Ambiguous { readings, .. } = &d[0].outcome else {
            panic!("{:?}", d[0].outcome)
        };
        assert!(readings.contains(&vec![77, 132, 470]));
    }

    #[test]
    fn ambiguous_under_the_row_sum() {
        let d = one(&[row(0, 3, "112")], &[total_rel(0, 0, 2)]);
        assert_eq!(d[0].outcome, Outcome::Unique(vec![1, 1, 2]));
        // 1 + 10 = 11 and 11 + 0 = 11: both cuts add up.
        let d = one(&[row(0, 3, "11011")], &[total_rel(0, 0, 2)]);
        assert_eq!(
            d[0].outcome,
            Outcome::Ambiguous {
                readings: vec![vec![1, 10, 11], vec![11, 0, 11]],
                more: false
            }
        );
    }

    #[test]
    fn impossible_when_no_cut_adds_up() {
        // 64 + 0 + 0 + 2 + 0 + 4 = 70, but the total reads 71.
        let d = one(&[row(0, 7, "640020471")], &[total_rel(0, 0, 6)]);
        assert_eq!(d[0].outcome, Outcome::Impossible(Impossible::Row));
        assert_eq!(d[0].used, vec![0]);
        // Too few digits for the cells: damaged.
        let d = one(&[row(0, 3, "05")], &[]);
        assert_eq!(d[0].outcome, Outcome::Impossible(Impossible::NoSplit));
        // Zeros cannot lead a cell: "05" cannot be two cells of "0" and "5"? It can
        // — but "005" for two cells cannot.
        let d = one(&[row(0, 2, "005")], &[]);
        assert_eq!(d[0].outcome, Outcome::Impossible(Impossible::NoSplit));
    }

    #[test]
    fn relations_between_rows_decide_what_one_row_cannot() {
        // Row 0 is ambiguous on its own ("11011"); row 1 has one reading by its
        // digits; a column relation row0.b = row1.b picks row 0's reading.
        let rels = vec![
            total_rel(0, 0, 2),
            LinearRelation {
                name: "col".into(),
                terms: vec![(1, (0, 1)), (-1, (1, 1))],
                constant: 0,
                cmp: Op::Eq,
            },
        ];
        let d = one(&[row(0, 3, "11011"), row(1, 3, "0010")], &rels);
        assert_eq!(d[1].outcome, Outcome::Unique(vec![0, 0, 10]));
        assert!(d[1].used.is_empty());
        assert_eq!(d[0].outcome, Outcome::Unique(vec![11, 0, 11]));
        assert_eq!(d[0].used, vec![0, 1]);
        // Row 1's middle cell is 3: no reading of row 0 has it.
        let d = one(&[row(0, 3, "11011"), row(1, 3, "030")], &rels);
        assert_eq!(d[0].outcome, Outcome::Impossible(Impossible::Rows(vec![0])));
        assert_eq!(d[1].outcome, Outcome::Unique(vec![0, 3, 0]));
    }

    #[test]
    fn a_row_that_breaks_its_own_sum_does_not_steer_others() {
        // Row 1 reads 0, 3, 1 by its digits alone and breaks its own sum (0 + 3 ≠ 1):
        // its sum reports it. The column relation through it is not used to decode
        // row 0, which stays ambiguous instead of being declared impossible.
        let rels = vec![
            total_rel(0, 0, 2),
            total_rel(1, 0, 2),
            LinearRelation {
                name: "col".into(),
                terms: vec![(1, (0, 1)), (-1, (1, 1))],
                constant: 0,
                cmp: Op::Eq,
            },
        ];
        let d = one(&[row(0, 3, "11011"), row(1, 3, "031")], &rels);
        assert_eq!(d[1].outcome, Outcome::Unique(vec![0, 3, 1]));
        assert!(d[1].used.is_empty());
        assert!(
            matches!(d[0].outcome, Outcome::Ambiguous { .. }),
            "{:?}",
            d[0].outcome
        );
    }

    #[test]
    fn long_runs_are_bounded() {
        // 40 digits for 7 cells whose last is the sum: no reading (at most 6 digits
        // a cell → 42 digits, and the sums fail), found without running away.
        let digits = "1234567890".repeat(4);
        let d = one(&[row(0, 7, &digits)], &[total_rel(0, 0, 6)]);
        assert!(matches!(d[0].outcome, Outcome::Impossible(_)));
        // 40 digits for 15 cells with three group totals: the search stays within its
        // budget and answers (here: no reading adds up, or too many to tell).
        let rels = [total_rel(0, 0, 4), total_rel(0, 5, 9), total_rel(0, 10, 14)];
        let ones = "1".repeat(40);
        let limits = Limits::default();
        let d = decode_table(&[row(0, 15, &ones)], &rels, &limits);
        assert!(
            matches!(
                d[0].outcome,
                Outcome::Impossible(_) | Outcome::Ambiguous { more: true, .. }
            ),
            "{:?}",
            d[0].outcome
        );
        // Without relations, 40 digits in 15 cells have millions of readings: the cap
        // makes it "ambiguous, more".
        let d = decode_table(&[row(0, 15, &"7".repeat(40))], &[], &limits);
        assert!(matches!(
            d[0].outcome,
            Outcome::Ambiguous { more: true, .. }
        ));
    }
}
