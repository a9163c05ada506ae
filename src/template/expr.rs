//! Cell expressions as a pack writes them: `table.row.column` with ids from the
//! templates; `*` in the row place means "every row", in the column place "every
//! column"; `sum(table.group.column)` adds the leaf rows under a group row. This module
//! lexes and parses that notation and resolves it against the templates (errors point
//! inside the TOML string); the terms it produces are what the `equation` and
//! `cross_ref` rule kinds evaluate (`rules::expr`) and what the glued-cell decoder
//! (`parse::glued`) solves for.

use std::fmt;
use std::ops::Range;

use super::{TableTemplate, Templates};
use crate::number::{Num, parse_number};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    pub fn holds(self, a: Num, b: Num) -> bool {
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
pub enum TermKind {
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
pub struct Term {
    pub sign: i64,
    pub kind: TermKind,
}

/// Maps a byte range inside the equation string to the TOML file, when the string is
/// written as a plain one-line string (the usual case); else the whole string.
pub fn file_span(source: &str, field: &toml::Spanned<String>, inner: Range<usize>) -> Range<usize> {
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

type RefError = ExprError;

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
pub fn leaf_rows(tpl: &TableTemplate, row: usize) -> Vec<usize> {
    if !tpl.rows[row].group {
        return vec![row];
    }
    tpl.children(row).flat_map(|c| leaf_rows(tpl, c)).collect()
}

pub fn describe_term(kind: &TermKind, templates: &Templates) -> String {
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

// ───────────────────────────────────────────── compiling

/// An error in an expression: the byte range inside the expression string, the
/// message and an optional hint.
pub type ExprError = (Range<usize>, String, Option<String>);

/// A compiled relation `lhs op rhs`.
pub struct Relation {
    pub lhs: Vec<Term>,
    pub op: Op,
    pub rhs: Vec<Term>,
    /// The table `*` in a row place ranges over, if any.
    pub star_row_table: Option<usize>,
    /// The table `*` in a column place ranges over, if any.
    pub star_col_table: Option<usize>,
}

fn tokens(text: &str) -> Result<Vec<Spanned<Tok>>, ExprError> {
    lex(text).map_err(|(s, m)| (s, format!("写法有误：{m}"), None))
}

fn resolve_side(
    raw: RawSide,
    templates: &Templates,
    star_rows: &mut Option<usize>,
    star_cols: &mut Option<usize>,
) -> Result<Vec<Term>, ExprError> {
    let mut out = Vec::new();
    for (sign, (raw, _)) in raw {
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
        let kind = resolve_ref(&r, is_sum, templates, star_rows, star_cols)?;
        out.push(Term { sign, kind });
    }
    Ok(out)
}

/// Compiles `a + b = c` style relations.
pub fn compile_relation(text: &str, templates: &Templates) -> Result<Relation, ExprError> {
    let toks = tokens(text)?;
    let mut parser = Parser {
        toks: &toks,
        pos: 0,
        end: text.len(),
    };
    let (lhs, (op, _), rhs) = parser
        .relation()
        .map_err(|(s, m)| (s, format!("写法有误：{m}"), None))?;
    let mut star_row_table = None;
    let mut star_col_table = None;
    let lhs = resolve_side(lhs, templates, &mut star_row_table, &mut star_col_table)?;
    let rhs = resolve_side(rhs, templates, &mut star_row_table, &mut star_col_table)?;
    if lhs
        .iter()
        .chain(&rhs)
        .all(|t| matches!(t.kind, TermKind::Const(_)))
    {
        return Err((0..text.len(), "等式中没有任何单元格".into(), None));
    }
    Ok(Relation {
        lhs,
        op,
        rhs,
        star_row_table,
        star_col_table,
    })
}

/// Compiles one side, `t3.new.total + t3.carried.total`, without `*`.
pub fn compile_sum(text: &str, templates: &Templates) -> Result<Vec<Term>, ExprError> {
    let toks = tokens(text)?;
    let mut parser = Parser {
        toks: &toks,
        pos: 0,
        end: text.len(),
    };
    let raw = parser
        .expr()
        .map_err(|(s, m)| (s, format!("写法有误：{m}"), None))?;
    if parser.pos < toks.len() {
        return Err((parser.here(), "此处之后还有多余的内容".into(), None));
    }
    let (mut rows, mut cols) = (None, None);
    let terms = resolve_side(raw, templates, &mut rows, &mut cols)?;
    if rows.is_some() || cols.is_some() {
        return Err((
            0..text.len(),
            "这里不能使用 *：请写出具体的行和列".into(),
            None,
        ));
    }
    if terms.iter().all(|t| matches!(t.kind, TermKind::Const(_))) {
        return Err((0..text.len(), "表达式中没有任何单元格".into(), None));
    }
    Ok(terms)
}

/// The sign written before the `i`-th term of a sum: nothing, `-`, ` + ` or ` - `.
pub fn sign_prefix(i: usize, sign: i64) -> &'static str {
    match (i, sign) {
        (0, 1) => "",
        (0, _) => "-",
        (_, 1) => " + ",
        _ => " - ",
    }
}

/// Describes a side in the pack's terms, e.g. `表三「一、本年新收」「总计」`.
pub fn describe_side(terms: &[Term], templates: &Templates) -> String {
    terms
        .iter()
        .enumerate()
        .map(|(i, t)| {
            format!(
                "{}{}",
                sign_prefix(i, t.sign),
                describe_term(&t.kind, templates)
            )
        })
        .collect()
}

/// A relation of the pack, as the glued-cell decoder needs it: an `equation` rule's
/// terms.
#[derive(Clone, Debug)]
pub struct RelationSpec {
    pub rule: String,
    pub lhs: Vec<Term>,
    pub op: Op,
    pub rhs: Vec<Term>,
    /// Table and rows `*` in a row place ranges over.
    pub star_rows: Option<(usize, Vec<usize>)>,
    /// Table and columns `*` in a column place ranges over.
    pub star_cols: Option<(usize, Vec<usize>)>,
}
