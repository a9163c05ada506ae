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
use std::fmt;
use std::ops::Range;

use super::{Check, Context, rule_def};
use crate::pack::error::DefError;
use crate::pack::template::{TableTemplate, Templates};
use crate::parse::number::{Num, parse_number};
use crate::parse::tables::{CellValue, TableReading};

rule_def! {
    /// `[[equation]]`
    pub struct Def {
        pub equation: toml::Spanned<String>,
        #[serde(default)]
        pub message: Option<toml::Spanned<String>>,
    }
}

/// Above this many operands, the note lists only the non-zero ones.
const MAX_LISTED: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    fn holds(self, a: Num, b: Num) -> bool {
        match self {
            Op::Eq => a == b,
            Op::Ne => a != b,
            Op::Lt => a < b,
            Op::Le => a <= b,
            Op::Gt => a > b,
            Op::Ge => a >= b,
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Op::Eq => "=",
            Op::Ne => "≠",
            Op::Lt => "<",
            Op::Le => "≤",
            Op::Gt => ">",
            Op::Ge => "≥",
        })
    }
}

// ───────────────────────────────────────────── lexing and parsing

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Number(Num),
    Dot,
    Star,
    LParen,
    RParen,
    Plus,
    Minus,
    Cmp(Op),
}

type Spanned<T> = (T, Range<usize>);
type ParseError = (Range<usize>, String);
/// Signed terms of one side of a relation.
type RawSide = Vec<(i64, Spanned<RawTerm>)>;

fn lex(s: &str) -> Result<Vec<Spanned<Tok>>, ParseError> {
    let mut out = Vec::new();
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let single = |t: Tok| (t, i..i + c.len_utf8());
        match c {
            c if c.is_whitespace() => {}
            '.' => out.push(single(Tok::Dot)),
            '*' => out.push(single(Tok::Star)),
            '(' | '（' => out.push(single(Tok::LParen)),
            ')' | '）' => out.push(single(Tok::RParen)),
            '+' => out.push(single(Tok::Plus)),
            '-' => out.push(single(Tok::Minus)),
            '≤' => out.push(single(Tok::Cmp(Op::Le))),
            '≥' => out.push(single(Tok::Cmp(Op::Ge))),
            '≠' => out.push(single(Tok::Cmp(Op::Ne))),
            '=' | '<' | '>' | '!' => {
                let next_eq = chars.peek().is_some_and(|(_, n)| *n == '=');
                let op = match (c, next_eq) {
                    ('=', _) => Op::Eq,
                    ('<', false) => Op::Lt,
                    ('<', true) => Op::Le,
                    ('>', false) => Op::Gt,
                    ('>', true) => Op::Ge,
                    ('!', true) => Op::Ne,
                    _ => return Err((i..i + 1, "「!」后面应为「=」".into())),
                };
                let mut end = i + 1;
                if next_eq {
                    chars.next();
                    end += 1;
                }
                out.push((Tok::Cmp(op), i..end));
            }
            c if c.is_ascii_digit() => {
                let mut end = i + 1;
                while let Some(&(j, d)) = chars.peek() {
                    if d.is_ascii_digit()
                        || d == '.' && s[j + 1..].starts_with(|x: char| x.is_ascii_digit())
                    {
                        end = j + d.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                let n =
                    parse_number(&s[i..end]).ok_or_else(|| (i..end, "无效的数字".to_string()))?;
                out.push((Tok::Number(n), i..end));
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = chars.peek() {
                    if d.is_alphanumeric() || d == '_' {
                        end = j + d.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push((Tok::Ident(s[i..end].to_string()), i..end));
            }
            other => return Err((i..i + other.len_utf8(), format!("不认识的符号「{other}」"))),
        }
    }
    Ok(out)
}

#[derive(Clone, Debug)]
enum Sel {
    Id(String),
    Star,
}

#[derive(Clone, Debug)]
struct RawRef {
    table: Spanned<String>,
    row: Spanned<Sel>,
    col: Spanned<Sel>,
}

#[derive(Clone, Debug)]
enum RawTerm {
    Const(Num),
    Cell(RawRef),
    Sum(RawRef),
}

struct Parser<'a> {
    toks: &'a [Spanned<Tok>],
    pos: usize,
    end: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }

    fn here(&self) -> Range<usize> {
        self.toks
            .get(self.pos)
            .map_or(self.end..self.end, |(_, s)| s.clone())
    }

    fn next(&mut self) -> Option<Spanned<Tok>> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn expect(&mut self, want: &Tok, what: &str) -> Result<Range<usize>, ParseError> {
        match self.next() {
            Some((t, s)) if &t == want => Ok(s),
            Some((_, s)) => Err((s, format!("此处应为{what}"))),
            None => Err((self.end..self.end, format!("等式不完整：缺少{what}"))),
        }
    }

    fn relation(&mut self) -> Result<(RawSide, Spanned<Op>, RawSide), ParseError> {
        let lhs = self.expr()?;
        let op = match self.next() {
            Some((Tok::Cmp(op), s)) => (op, s),
            Some((_, s)) => return Err((s, "此处应为比较符号（= != < <= > >=）".into())),
            None => {
                return Err((
                    self.end..self.end,
                    "等式不完整：缺少比较符号（如「=」）".into(),
                ));
            }
        };
        let rhs = self.expr()?;
        if self.pos < self.toks.len() {
            return Err((self.here(), "等式在此处之后还有多余的内容".into()));
        }
        Ok((lhs, op, rhs))
    }

    fn expr(&mut self) -> Result<RawSide, ParseError> {
        let mut terms = Vec::new();
        let mut sign = 1;
        if self.peek() == Some(&Tok::Minus) {
            self.next();
            sign = -1;
        }
        terms.push((sign, self.term()?));
        loop {
            match self.peek() {
                Some(Tok::Plus) => sign = 1,
                Some(Tok::Minus) => sign = -1,
                _ => break,
            }
            self.next();
            terms.push((sign, self.term()?));
        }
        Ok(terms)
    }

    fn term(&mut self) -> Result<Spanned<RawTerm>, ParseError> {
        let start = self.here();
        match self.peek().cloned() {
            Some(Tok::Number(n)) => {
                self.next();
                Ok((RawTerm::Const(n), start))
            }
            Some(Tok::Ident(name))
                if name == "sum"
                    && self
                        .toks
                        .get(self.pos + 1)
                        .is_some_and(|(t, _)| *t == Tok::LParen) =>
            {
                self.next();
                self.next();
                let r = self.reference()?;
                let close = self.expect(&Tok::RParen, "「)」")?;
                Ok((RawTerm::Sum(r), start.start..close.end))
            }
            Some(Tok::Ident(_)) => {
                let r = self.reference()?;
                let span = start.start..r.col.1.end;
                Ok((RawTerm::Cell(r), span))
            }
            Some(_) => Err((start, "此处应为单元格（表.行.列）、sum(…) 或数字".into())),
            None => Err((self.end..self.end, "等式不完整：缺少单元格或数字".into())),
        }
    }

    fn reference(&mut self) -> Result<RawRef, ParseError> {
        let table = match self.next() {
            Some((Tok::Ident(t), s)) => (t, s),
            Some((_, s)) => return Err((s, "此处应为表格 id（如 t3）".into())),
            None => return Err((self.end..self.end, "缺少表格 id".into())),
        };
        self.expect(&Tok::Dot, "「.」（单元格写作 表.行.列）")?;
        let row = self.selector("行 id 或 *")?;
        self.expect(&Tok::Dot, "「.」（单元格写作 表.行.列）")?;
        let col = self.selector("列 id 或 *")?;
        Ok(RawRef { table, row, col })
    }

    fn selector(&mut self, what: &str) -> Result<Spanned<Sel>, ParseError> {
        match self.next() {
            Some((Tok::Ident(id), s)) => Ok((Sel::Id(id), s)),
            Some((Tok::Star, s)) => Ok((Sel::Star, s)),
            Some((_, s)) => Err((s, format!("此处应为{what}"))),
            None => Err((self.end..self.end, format!("缺少{what}"))),
        }
    }
}

// ───────────────────────────────────────────── compiled form

#[derive(Clone, Debug)]
enum TermKind {
    Const(Num),
    Cell {
        table: usize,
        row: Option<usize>,
        col: Option<usize>,
    },
    Sum {
        table: usize,
        row: usize,
        col: Option<usize>,
    },
}

#[derive(Clone, Debug)]
struct Term {
    sign: i64,
    kind: TermKind,
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

/// Maps a byte range inside the equation string to the TOML file, when the string is
/// written as a plain one-line string (the usual case); else the whole string.
fn file_span(source: &str, field: &toml::Spanned<String>, inner: Range<usize>) -> Range<usize> {
    let span = field.span();
    let raw = source.get(span.clone()).unwrap_or("");
    let quoted = (raw.starts_with('"') && !raw.starts_with("\"\"\""))
        || (raw.starts_with('\'') && !raw.starts_with("'''"));
    if quoted && raw.len() >= 2 && &raw[1..raw.len() - 1] == field.get_ref().as_str() {
        span.start + 1 + inner.start..span.start + 1 + inner.end.max(inner.start)
    } else {
        span
    }
}

pub fn compile(def: &Def, templates: &Templates, source: &str) -> Result<Box<dyn Check>, DefError> {
    let text = def.equation.get_ref().as_str();
    let err = |inner: Range<usize>, message: String, label: &str| {
        DefError::new(file_span(source, &def.equation, inner), message, label)
    };
    let toks = lex(text).map_err(|(s, m)| err(s, format!("等式写法有误：{m}"), "此处"))?;
    let mut parser = Parser {
        toks: &toks,
        pos: 0,
        end: text.len(),
    };
    let (lhs, (op, _), rhs) = parser
        .relation()
        .map_err(|(s, m)| err(s, format!("等式写法有误：{m}"), "此处"))?;

    let mut star_row_table: Option<usize> = None;
    let mut star_col_table: Option<usize> = None;
    let mut resolve = |terms: RawSide| -> Result<Vec<Term>, DefError> {
        let mut out = Vec::new();
        for (sign, (raw, _)) in terms {
            let (r, is_sum) = match raw {
                RawTerm::Const(n) => {
                    out.push(Term {
                        sign,
                        kind: TermKind::Const(n),
                    });
                    continue;
                }
                RawTerm::Cell(r) => (r, false),
                RawTerm::Sum(r) => (r, true),
            };
            let kind = resolve_ref(
                &r,
                is_sum,
                templates,
                &mut star_row_table,
                &mut star_col_table,
            )
            .map_err(|(s, m, help)| {
                let mut e = err(s, m, "此处");
                e.help = help;
                e
            })?;
            out.push(Term { sign, kind });
        }
        Ok(out)
    };
    let lhs = resolve(lhs)?;
    let rhs = resolve(rhs)?;
    let terms: Vec<&Term> = lhs.iter().chain(&rhs).collect();
    if !terms.iter().any(|t| !matches!(t.kind, TermKind::Const(_))) {
        return Err(err(
            0..text.len(),
            "等式中没有任何单元格".into(),
            "只有常数",
        ));
    }

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

type RefError = (Range<usize>, String, Option<String>);

fn resolve_ref(
    r: &RawRef,
    is_sum: bool,
    templates: &Templates,
    star_row_table: &mut Option<usize>,
    star_col_table: &mut Option<usize>,
) -> Result<TermKind, RefError> {
    let (tid, tspan) = &r.table;
    let table = templates.table_index(tid).ok_or_else(|| {
        let known: Vec<&str> = templates.tables.iter().map(|t| t.id.as_str()).collect();
        (
            tspan.clone(),
            format!("找不到表格「{tid}」"),
            Some(format!("可用的表格：{}", known.join("、"))),
        )
    })?;
    let tpl = &templates.tables[table];
    let row = match &r.row {
        (Sel::Star, s) => {
            if is_sum {
                return Err((
                    s.clone(),
                    "sum(…) 的行必须是一个分组行，不能是 *".into(),
                    None,
                ));
            }
            bind(star_row_table, table, s, "行")?;
            None
        }
        (Sel::Id(id), s) => Some(tpl.row_index(id).ok_or_else(|| {
            let known: Vec<&str> = tpl.rows.iter().map(|x| x.id.as_str()).collect();
            (
                s.clone(),
                format!("表格「{tid}」中找不到行「{id}」"),
                Some(format!("可用的行：{}", known.join("、"))),
            )
        })?),
    };
    let col = match &r.col {
        (Sel::Star, s) => {
            bind(star_col_table, table, s, "列")?;
            None
        }
        (Sel::Id(id), s) => Some(tpl.column_index(id).ok_or_else(|| {
            let known: Vec<&str> = tpl.columns.iter().map(|x| x.id.as_str()).collect();
            (
                s.clone(),
                format!("表格「{tid}」中找不到列「{id}」"),
                Some(format!("可用的列：{}", known.join("、"))),
            )
        })?),
    };
    if let (Some(rw), Some(c)) = (row, col) {
        let leaves = if is_sum { leaf_rows(tpl, rw) } else { vec![rw] };
        if let Some(&bad) = leaves.iter().find(|&&l| !tpl.rows[l].columns.contains(&c)) {
            return Err((
                r.col.1.clone(),
                format!(
                    "「{}」行没有「{}」列",
                    tpl.rows[bad].short, tpl.columns[c].short
                ),
                None,
            ));
        }
    }
    match row {
        Some(rw) if is_sum => Ok(TermKind::Sum {
            table,
            row: rw,
            col,
        }),
        Some(rw) if tpl.rows[rw].group => Err((
            r.row.1.clone(),
            format!("「{}」是分组行，没有自己的数值", tpl.rows[rw].short),
            Some(format!(
                "要把它下面的各行相加，请写 sum({tid}.{}.…)",
                tpl.rows[rw].id
            )),
        )),
        _ => Ok(TermKind::Cell { table, row, col }),
    }
}

fn bind(
    slot: &mut Option<usize>,
    table: usize,
    span: &Range<usize>,
    what: &str,
) -> Result<(), RefError> {
    match slot {
        Some(t) if *t != table => Err((
            span.clone(),
            format!("一个等式中所有 {what}位置的 * 必须属于同一张表"),
            None,
        )),
        _ => {
            *slot = Some(table);
            Ok(())
        }
    }
}

/// Leaf rows under a row (the row itself if it is not a group).
fn leaf_rows(tpl: &TableTemplate, row: usize) -> Vec<usize> {
    if !tpl.rows[row].group {
        return vec![row];
    }
    tpl.children(row).flat_map(|c| leaf_rows(tpl, c)).collect()
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

// ───────────────────────────────────────────── evaluation

/// One value that went into a side of the relation.
#[derive(Clone, Debug)]
struct Operand {
    sign: i64,
    value: Num,
    table: usize,
    row: usize,
    col: usize,
    span: Option<Range<usize>>,
    /// Constants have no cell.
    constant: bool,
}

struct Side {
    total: Num,
    operands: Vec<Operand>,
}

#[derive(Clone, Copy)]
struct Binding {
    row: Option<usize>,
    col: Option<usize>,
}

impl Equation {
    fn eval(
        &self,
        terms: &[Term],
        b: Binding,
        tables: &[TableReading],
        templates: &Templates,
    ) -> Option<Side> {
        let mut operands = Vec::new();
        for t in terms {
            match t.kind {
                TermKind::Const(n) => operands.push(Operand {
                    sign: t.sign,
                    value: n,
                    table: 0,
                    row: 0,
                    col: 0,
                    span: None,
                    constant: true,
                }),
                TermKind::Cell { table, row, col } => {
                    let row = row.or(b.row)?;
                    let col = col.or(b.col)?;
                    let tpl = templates.tables.get(table)?;
                    if !tpl.rows.get(row)?.columns.contains(&col) {
                        return None;
                    }
                    operands.push(cell_operand(tables.get(table)?, table, row, col, t.sign)?);
                }
                TermKind::Sum { table, row, col } => {
                    let col = col.or(b.col)?;
                    let tpl = templates.tables.get(table)?;
                    sum_operands(
                        tpl,
                        tables.get(table)?,
                        table,
                        row,
                        col,
                        t.sign,
                        &mut operands,
                    )?;
                }
            }
        }
        let mut total = Num::ZERO;
        for o in &operands {
            total = total.checked_add(o.value.checked_mul_int(o.sign)?)?;
        }
        Some(Side { total, operands })
    }
}

fn cell_operand(
    table: &TableReading,
    ti: usize,
    row: usize,
    col: usize,
    sign: i64,
) -> Option<Operand> {
    if !table.is_readable() {
        return None;
    }
    let cell = table.cell(row, col)?;
    let CellValue::Number(value) = cell.value else {
        return None;
    };
    Some(Operand {
        sign,
        value,
        table: ti,
        row,
        col,
        span: cell.span.clone(),
        constant: false,
    })
}

fn sum_operands(
    tpl: &TableTemplate,
    table: &TableReading,
    ti: usize,
    row: usize,
    col: usize,
    sign: i64,
    out: &mut Vec<Operand>,
) -> Option<()> {
    let reading = table.rows.get(row)?;
    if !tpl.rows[row].group || reading.has_values() {
        out.push(cell_operand(table, ti, row, col, sign)?);
        return Some(());
    }
    for child in tpl.children(row) {
        sum_operands(tpl, table, ti, child, col, sign, out)?;
    }
    Some(())
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
        for &row in &rows {
            for &col in &cols {
                let b = Binding { row, col };
                let (Some(lhs), Some(rhs)) = (
                    self.eval(&self.lhs, b, &doc.tables, cx.templates),
                    self.eval(&self.rhs, b, &doc.tables, cx.templates),
                ) else {
                    continue;
                };
                if lhs.operands.is_empty() && rhs.operands.is_empty() {
                    continue;
                }
                if !self.op.holds(lhs.total, rhs.total) {
                    let d = self.diagnostic(cx, b, &lhs, &rhs);
                    if let Some(d) = d {
                        cx.push(d);
                    }
                }
            }
        }
    }

    fn explain(&self, templates: &Templates) -> Vec<String> {
        let side = |terms: &[Term]| {
            terms
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let sign = match (i, t.sign) {
                        (0, 1) => "",
                        (0, _) => "-",
                        (_, 1) => " + ",
                        _ => " - ",
                    };
                    format!("{sign}{}", describe_term(&t.kind, templates))
                })
                .collect::<String>()
        };
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

fn describe_term(kind: &TermKind, templates: &Templates) -> String {
    let col_name = |tpl: &TableTemplate, col: Option<usize>| match col {
        Some(c) => format!("「{}」", tpl.columns[c].display()),
        None => "（每一列）".into(),
    };
    match *kind {
        TermKind::Const(n) => n.to_string(),
        TermKind::Cell { table, row, col } => {
            let tpl = &templates.tables[table];
            let row = match row {
                Some(r) => format!("「{}」", tpl.rows[r].short),
                None => "（每一行）".into(),
            };
            format!("{}{row}{}", tpl.name, col_name(tpl, col))
        }
        TermKind::Sum { table, row, col } => {
            let tpl = &templates.tables[table];
            format!(
                "{}「{}」下 {} 个明细行之和{}",
                tpl.name,
                tpl.rows[row].short,
                leaf_rows(tpl, row).len(),
                col_name(tpl, col)
            )
        }
    }
}

impl Equation {
    fn diagnostic(
        &self,
        cx: &Context<'_>,
        b: Binding,
        lhs: &Side,
        rhs: &Side,
    ) -> Option<crate::report::Diagnostic> {
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

/// How operands are named in a diagnostic: by what varies among them (the row, the
/// column or both), so that `一、本年新收 23 + 二、上年结转 2` and `自然人 20 + 商业企业 3`
/// read naturally.
struct Naming {
    rows_vary: bool,
    cols_vary: bool,
    /// Columns of several groups (表四): prefix the group.
    qualify: bool,
}

impl Naming {
    fn name(&self, o: &Operand, primary: &Operand, templates: &Templates) -> String {
        if o.constant {
            return "常数".into();
        }
        let tpl = &templates.tables[o.table];
        let col = if self.qualify {
            tpl.columns[o.col].display()
        } else {
            tpl.columns[o.col].short.clone()
        };
        let row = tpl.rows[o.row].short.clone();
        if o.table != primary.table {
            return format!("{}「{row}」{col}", tpl.name);
        }
        match (self.rows_vary, self.cols_vary) {
            (true, false) => row,
            (true, true) => format!("{row}·{col}"),
            _ => col,
        }
    }
}

fn terms_text(operands: &[Operand], name: &dyn Fn(&Operand) -> String) -> String {
    let listed: Vec<&Operand> = if operands.len() > MAX_LISTED {
        operands.iter().filter(|o| o.value != Num::ZERO).collect()
    } else {
        operands.iter().collect()
    };
    let mut out = String::new();
    for (i, o) in listed.iter().enumerate() {
        let label = if o.constant {
            o.value.to_string()
        } else {
            format!("{} {}", name(o), o.value)
        };
        match (i, o.sign) {
            (0, 1) => {}
            (0, _) => out.push('-'),
            (_, 1) => out.push_str(" + "),
            _ => out.push_str(" - "),
        }
        out.push_str(&label);
    }
    if listed.is_empty() {
        out.push('0');
    }
    let omitted = operands.len() - listed.len();
    if omitted > 0 {
        out.push_str(&format!("（其余 {omitted} 项为 0）"));
    }
    out
}
