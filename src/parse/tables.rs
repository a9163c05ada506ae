//! Reads a statistical table out of the tokens of its section, against its template.
//!
//! Rows are found by their labels, in template order: each text token is compared with
//! the rows not yet found (fuzzily, so truncated or mistyped labels still match) and a
//! label wrapped over several lines is joined back together. A row's values are the
//! value tokens that follow its label. The header is checked for column labels and for
//! labels of the obsolete 2019 format.
//!
//! The reader never guesses: a row with too few or too many values keeps no values, and
//! a table where too few rows are recognised is `Unreadable` rather than read wrongly.
//! A row whose digits are glued together (`行政规范性文件693665`, `160 02 0 018`) is
//! `RowShape::Glued`; `decode_glued` hands such rows to `parse::glued`, which keeps a
//! reading only when the table's own relations leave exactly one.

use std::ops::Range;

use super::label_map::{self, LabelMap};
use super::tokens::{Layout, Token, TokenKind};
use crate::number::Num;
use crate::template::{LabelProbes, MatchKind, RowLabels, RowTemplate, TableTemplate};
use crate::text::Probe;

/// Raw similarity a token needs to be taken as a row label.
const MIN_ROW_SCORE: f64 = 0.72;
/// Similarity after the penalty for skipping rows.
const MIN_ROW_EFFECTIVE: f64 = 0.6;
/// Penalty per template row skipped to reach a match.
const SKIP_PENALTY: f64 = 0.02;
/// Similarity a token needs to be taken as a header (column) label.
const MIN_HEADER_SCORE: f64 = 0.75;
/// Text tokens up to this many characters between a label and its values, in PDF
/// column layouts, are fragments of wrapped labels and are skipped.
const MAX_FRAGMENT_CHARS: usize = 8;

#[derive(Clone, Debug, PartialEq)]
pub enum TableStatus {
    Found,
    /// Nothing of the table in its section.
    Missing,
    /// Something is there, but not enough to read it with confidence; the reason.
    Unreadable(String),
}

#[derive(Clone, Debug, PartialEq)]
pub enum CellValue {
    Number(Num),
    /// An empty cell (pipe layouts only).
    Blank,
    /// A non-numeric stand-in such as `/`; the text as written.
    Placeholder(String),
    /// Not present, or present but not attributable to this column with confidence.
    Missing,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub value: CellValue,
    /// Where the cell is, when it was seen.
    pub span: Option<Range<usize>>,
    /// The value was reconstructed from a glued digit run (see `parse::glued`): the
    /// digits are the page's, the boundaries were decided by the table's relations.
    pub reconstructed: bool,
}

impl Cell {
    pub fn missing() -> Cell {
        Cell {
            value: CellValue::Missing,
            span: None,
            reconstructed: false,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum RowShape {
    /// The label was not found.
    Absent,
    /// A group label without values of its own (the normal case for groups).
    LabelOnly,
    /// As many values as columns.
    Complete,
    /// Fewer values than columns.
    Short { found: usize },
    /// More values than columns; the span of the surplus.
    Long { found: usize, extra: Range<usize> },
    /// Digits glued to the label or to each other (`行政规范性文件8855698`).
    Glued { digits: String, span: Range<usize> },
}

#[derive(Clone, Debug)]
pub struct LabelHit {
    /// The first piece of the label (where a diagnostic points).
    pub span: Range<usize>,
    /// The label as written, normalised, with wrapped pieces joined.
    pub norm: String,
    pub kind: MatchKind,
    pub layout: Layout,
}

#[derive(Clone, Debug)]
pub struct RowReading {
    pub label: Option<LabelHit>,
    /// One per template column; columns the row does not have are `Missing`.
    pub cells: Vec<Cell>,
    pub shape: RowShape,
    /// Where the row's values start (or its label), for pointing at the row.
    pub anchor: Option<Range<usize>>,
    /// For a row whose digits were glued: what decoding found (`decode_glued`).
    pub glued: Option<super::glued::table::GluedDecoding>,
}

impl RowReading {
    fn absent(columns: usize) -> Self {
        RowReading {
            label: None,
            cells: vec![Cell::missing(); columns],
            shape: RowShape::Absent,
            anchor: None,
            glued: None,
        }
    }

    /// A row's values before its label is attached.
    fn values(cells: Vec<Cell>, shape: RowShape, anchor: Option<Range<usize>>) -> Self {
        RowReading {
            label: None,
            cells,
            shape,
            anchor,
            glued: None,
        }
    }

    pub fn is_found(&self) -> bool {
        self.shape != RowShape::Absent
    }

    /// True when the row has values of its own (for a group: it was collapsed).
    pub fn has_values(&self) -> bool {
        !matches!(self.shape, RowShape::Absent | RowShape::LabelOnly)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderTarget {
    Column(usize),
    Header(usize),
}

/// A header label found in the table.
#[derive(Clone, Debug)]
pub struct HeaderHit {
    pub target: HeaderTarget,
    pub span: Range<usize>,
    /// 0-based line of the label.
    pub line: usize,
    pub norm: String,
    pub kind: MatchKind,
    pub layout: Layout,
}

/// A label of the 2019 trial format found in the table.
#[derive(Clone, Debug)]
pub struct LegacyHit {
    pub legacy: usize,
    pub span: Range<usize>,
}

#[derive(Clone, Debug)]
pub struct TableReading {
    /// Index into `Templates::tables`.
    pub template: usize,
    /// The template's name (`表三`), for places shown to users.
    pub name: String,
    pub status: TableStatus,
    /// The text the table was looked for in.
    pub region: Range<usize>,
    /// The layout most of the table's cells were written in.
    pub layout: Layout,
    /// One per template row.
    pub rows: Vec<RowReading>,
    pub headers: Vec<HeaderHit>,
    /// One per template column: was its label seen in the header?
    pub columns_found: Vec<bool>,
    pub legacy: Vec<LegacyHit>,
    /// From the first to the last token that belongs to the table.
    pub extent: Option<Range<usize>>,
    /// The text stops inside this table (a partial capture): rows after the last one
    /// found are outside the text, not missing.
    pub truncated: bool,
    /// Row labels are there but not one cell holds anything (no figure, no `/`): the
    /// table was left blank, which `blank_cell` reports once for the table.
    pub blank: bool,
}

impl TableReading {
    pub fn is_readable(&self) -> bool {
        self.status == TableStatus::Found
    }

    pub fn cell(&self, row: usize, column: usize) -> Option<&Cell> {
        self.rows.get(row).and_then(|r| r.cells.get(column))
    }
}

/// Splits `行政规范性文件8855698` into (`行政规范性文件`, `8855698`).
fn split_glued(norm: &str) -> Option<(&str, &str)> {
    let digits_start = norm.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (label, digits) = norm.split_at(digits_start);
    (!digits.is_empty() && label.chars().count() >= 2 && !label.ends_with('.'))
        .then_some((label, digits))
}

struct RowMatch {
    token: usize,
    row: usize,
    kind: MatchKind,
    glued: Option<String>,
}

pub fn read(
    template_index: usize,
    tpl: &TableTemplate,
    text: &str,
    tokens: &[Token],
    region: Range<usize>,
) -> TableReading {
    let ncols = tpl.columns.len();
    // The rows found by their labels get their readings below: the others get their
    // (missing) cells after that, rather than every row cells made to be dropped.
    let mut rows: Vec<RowReading> = (0..tpl.rows.len()).map(|_| RowReading::absent(0)).collect();
    let mut used = vec![false; tokens.len()];

    let markdown = is_markdown(text, &region);
    let matches = align_rows(tpl, tokens);
    for m in &matches {
        used[m.token] = true;
    }
    for (i, m) in matches.iter().enumerate() {
        let limit = matches.get(i + 1).map_or(tokens.len(), |n| n.token);
        let label = join_label(tpl, tokens, m, limit, &mut used);
        let row = &tpl.rows[m.row];
        let (mut reading, mut consumed) = collect_values(
            row,
            &label.norm,
            ncols,
            text,
            tokens,
            m.token + 1..limit,
            &used,
            markdown,
        );
        // Glued digits in the other layouts (a glued line cut at labels decides its own).
        let inline = tokens
            .get(m.token + 1)
            .is_some_and(|t| t.layout == Layout::Inline);
        if m.glued.is_none()
            && !inline
            && let Some((span, run)) = glued_values(
                text,
                tokens,
                m.token + 1..limit,
                &used,
                row.columns.len(),
                Some(tokens[m.token].span.end),
            )
        {
            reading = glued_span_row(ncols, text, span);
            consumed = run;
        }
        if let Some(digits) = &m.glued {
            reading = glued_row(row, ncols, text, &tokens[m.token], digits);
        } else {
            for c in consumed {
                used[c] = true;
            }
        }
        reading.anchor = reading.anchor.or_else(|| Some(label.span.clone()));
        reading.label = Some(label);
        rows[m.row] = reading;
    }
    // Every row given a reading above has its label.
    for row in rows.iter_mut().filter(|r| r.label.is_none()) {
        row.cells = vec![Cell::missing(); ncols];
    }

    adopt_orphans(tpl, ncols, tokens, &mut used, &mut rows);
    let (headers, legacy) = find_headers(tpl, tokens, &used);
    let mut columns_found = vec![false; ncols];
    for h in &headers {
        if let HeaderTarget::Column(c) = h.target {
            let norm = tpl.columns[c].label.norm();
            for (j, col) in tpl.columns.iter().enumerate() {
                if col.label.norm() == norm {
                    columns_found[j] = true;
                }
            }
        }
    }

    // Rows without labels (表四): the first run of values after the header; or, in a
    // table split into its column groups (OCR: `### 行政复议` and a small table of five),
    // the groups' runs joined.
    for (ri, row) in tpl.rows.iter().enumerate().filter(|(_, r)| r.unlabeled) {
        if let Some(run) = split_groups(tpl, row, tokens, &used) {
            let mut cells = vec![Cell::missing(); ncols];
            for (&col, &k) in row.columns.iter().zip(&run) {
                cells[col] = Cell {
                    value: value_of(&tokens[k]),
                    span: Some(tokens[k].span.clone()),
                    reconstructed: false,
                };
                used[k] = true;
            }
            let anchor = run.first().map(|&k| tokens[k].span.clone());
            rows[ri] = RowReading::values(cells, RowShape::Complete, anchor);
            continue;
        }
        // After the header: its last line, or on a glued line its last label.
        let column_hits = || {
            headers
                .iter()
                .filter(|h| matches!(h.target, HeaderTarget::Column(_)))
        };
        let after_line = column_hits().map(|h| h.line).max();
        let after_label = column_hits().map(|h| h.span.end).max();
        let start = tokens.iter().enumerate().position(|(i, t)| {
            !used[i]
                && (t.is_value() || is_digit_text(t))
                && if t.layout == Layout::Inline {
                    after_label.is_none_or(|e| t.span.start >= e)
                } else {
                    after_line.is_none_or(|l| t.line > l)
                }
        });
        if let Some(start) = start {
            let end = tokens[start..]
                .iter()
                .position(|t| !t.is_value() && !is_digit_text(t))
                .map_or(tokens.len(), |p| start + p);
            let (mut reading, mut consumed) =
                collect_values(row, "", ncols, text, tokens, start..end, &used, markdown);
            let inline = tokens
                .get(start)
                .is_some_and(|t| t.layout == Layout::Inline);
            if after_line.is_some()
                && !inline
                && let Some((span, run)) =
                    glued_values(text, tokens, start..end, &used, row.columns.len(), None)
            {
                reading = glued_span_row(ncols, text, span);
                consumed = run;
            }
            let accept = after_line.is_some() || reading.shape == RowShape::Complete;
            if accept {
                for c in consumed {
                    used[c] = true;
                }
                rows[ri] = reading;
            }
        }
    }

    let status = judge_legacy(judge(tpl, &rows, &headers, tokens), tpl, &legacy);
    let mut extent = table_extent(tokens, &used, &rows);
    // The header belongs to the table too (it is not narrative).
    for span in headers
        .iter()
        .map(|h| &h.span)
        .chain(legacy.iter().map(|l| &l.span))
    {
        extent = Some(match extent {
            Some(e) => e.start.min(span.start)..e.end.max(span.end),
            None => span.clone(),
        });
    }
    let layout = majority_layout(tokens, &used);
    let blank = is_blank(tpl, &rows, tokens, extent.as_ref());
    TableReading {
        template: template_index,
        name: tpl.name.clone(),
        status,
        region,
        layout,
        rows,
        headers,
        columns_found,
        legacy,
        extent,
        truncated: false,
        blank,
    }
}

/// True when at least two leaf rows were found by their labels and no cell of the
/// table holds a figure or a stand-in (`/`): every cell is empty.
fn is_blank(
    tpl: &TableTemplate,
    rows: &[RowReading],
    tokens: &[Token],
    extent: Option<&Range<usize>>,
) -> bool {
    let found = rows
        .iter()
        .zip(&tpl.rows)
        .filter(|(r, t)| !t.group && r.label.is_some())
        .count();
    let Some(extent) = extent else { return false };
    let filled = tokens.iter().any(|t| {
        t.span.start >= extent.start
            && t.span.end <= extent.end
            && (matches!(t.kind, TokenKind::Number(_) | TokenKind::Placeholder) || is_digit_text(t))
    });
    found >= 2
        && !filled
        && rows
            .iter()
            .all(|r| !matches!(r.shape, RowShape::Glued { .. } | RowShape::Long { .. }))
}

/// A table written in the 2019 trial format (its labels found) is not missing, and its
/// figures are not read against the 2021 columns: say which format it is.
fn judge_legacy(status: TableStatus, tpl: &TableTemplate, legacy: &[LegacyHit]) -> TableStatus {
    if legacy.is_empty() || status == TableStatus::Found {
        return status;
    }
    let mut labels: Vec<&str> = Vec::new();
    for hit in legacy {
        let label = tpl.legacy[hit.legacy].label.as_str();
        if !labels.contains(&label) {
            labels.push(label);
        }
    }
    let why = match &status {
        TableStatus::Unreadable(reason) => format!("；{reason}"),
        _ => String::new(),
    };
    TableStatus::Unreadable(format!(
        "表格是2019年版格式（{}），与2021年版的行列不同，按2021年版格式无法读出其数值{why}",
        labels.join("、")
    ))
}

/// Marks a table as cut by the end of the text: only the rows up to the last one
/// found are expected, and the table is judged on them.
pub fn truncate(tpl: &TableTemplate, table: &mut TableReading) {
    table.truncated = true;
    let Some(last) = table.rows.iter().rposition(RowReading::is_found) else {
        return;
    };
    let mut kept = tpl.clone();
    kept.rows.truncate(last + 1);
    table.status = judge_legacy(
        judge(&kept, &table.rows[..=last], &table.headers, &[]),
        tpl,
        &table.legacy,
    );
}

/// Matches text tokens to row labels, in template order.
fn align_rows(tpl: &TableTemplate, tokens: &[Token]) -> Vec<RowMatch> {
    // Exact labels (standard or variant) → positions in `labeled`, in order: most
    // tokens of a well-formed table are found here without fuzzy matching. Prepared
    // once per pack (`TableTemplate::rows_by_label`).
    let RowLabels { labeled, exact } = tpl.rows_by_label();
    // Prepared when a token first needs fuzzy matching (a table whose labels are all
    // exact never does).
    let mut prepared: Option<LabelProbes> = None;
    let mut next = 0;
    let mut matched = vec![false; labeled.len()];
    let mut out = Vec::new();
    for (ti, tok) in tokens.iter().enumerate() {
        let Some(norm) = tok.norm() else { continue };
        if norm.is_empty() {
            continue;
        }
        if let Some(forms) = exact.get(norm) {
            // In template order; else a row passed over (OCR and page breaks put rows
            // out of order), taken where it is without moving the expected position —
            // in pipe rows only, where a row's values sit on its own line (elsewhere an
            // early label would cut another row's values).
            let ahead = forms.iter().find(|(p, _)| *p >= next);
            let behind = || {
                forms
                    .iter()
                    .find(|(p, _)| *p < next && !matched[*p])
                    .filter(|_| tok.layout == Layout::Pipe)
            };
            if let Some(&(pos, kind)) = ahead.or_else(behind) {
                out.push(RowMatch {
                    token: ti,
                    row: labeled[pos],
                    kind,
                    glued: None,
                });
                matched[pos] = true;
                next = next.max(pos + 1);
            }
            // Exactly a row's label: never taken fuzzily for a different row.
            continue;
        }
        if next >= labeled.len() {
            continue;
        }
        let glued = split_glued(norm);
        // The token's characters counted and hashed once for all the labels.
        let probe = Probe::new(norm);
        let head_probe = glued.map(|(head, _)| Probe::new(head));
        let labels = prepared
            .get_or_insert_with(|| LabelProbes::new(labeled.iter().map(|&r| &tpl.rows[r].label)));
        let mut best: Option<(f64, usize, MatchKind, Option<String>)> = None;
        for pos in next..labeled.len() {
            // The lowest raw score that could be taken here: below it neither the
            // thresholds nor the best so far are beaten, so it is not computed exactly
            // (`score_at_least`; a hair lower than the bound, for rounding).
            let skip = SKIP_PENALTY * (pos - next) as f64;
            let needed = MIN_ROW_SCORE
                .max(MIN_ROW_EFFECTIVE + skip)
                .max(best.as_ref().map_or(f64::NEG_INFINITY, |b| b.0 + skip))
                - 1e-9;
            // No score exceeds 1.0, and the bar only rises with the rows skipped: from
            // here on no row can be taken (most header cells end their search here).
            if needed > 1.0 {
                break;
            }
            let mut kind = labels.score_at_least(pos, &probe, needed);
            let mut glued_digits = None;
            if let (Some((_, digits)), Some(head)) = (glued, &head_probe)
                && kind.is_none_or(|k| k.score() < 1.0)
                && let Some(k) = labels.score_at_least(pos, head, needed.max(0.85))
                && k.score() >= 0.85
                && kind.is_none_or(|kind| k.score() > kind.score())
            {
                kind = Some(k);
                glued_digits = Some(digits.to_string());
            }
            let Some(kind) = kind else { continue };
            let raw = kind.score();
            let effective = raw - SKIP_PENALTY * (pos - next) as f64;
            if raw >= MIN_ROW_SCORE
                && effective >= MIN_ROW_EFFECTIVE
                && best.as_ref().is_none_or(|b| effective > b.0)
            {
                best = Some((effective, pos, kind, glued_digits));
            }
            if raw == 1.0 && pos == next {
                break;
            }
        }
        if let Some((_, pos, kind, glued)) = best {
            out.push(RowMatch {
                token: ti,
                row: labeled[pos],
                kind,
                glued,
            });
            matched[pos] = true;
            next = pos + 1;
        }
    }
    out
}

/// Joins the pieces of a label wrapped over several lines (PDF layouts), marking the
/// pieces as used, and re-scores the joined label.
fn join_label(
    tpl: &TableTemplate,
    tokens: &[Token],
    m: &RowMatch,
    limit: usize,
    used: &mut [bool],
) -> LabelHit {
    let tok = &tokens[m.token];
    let label = &tpl.rows[m.row].label;
    let mut norm = tok.norm().unwrap_or_default().to_string();
    let mut kind = m.kind;
    let is_strict_prefix = |n: &str| {
        label
            .norms()
            .iter()
            .any(|l| l.len() > n.len() && l.starts_with(n))
    };
    if m.glued.is_none() && kind.is_fuzzy() && is_strict_prefix(&norm) {
        for j in m.token + 1..limit {
            let Some(piece) = tokens[j].norm() else {
                continue;
            };
            if used[j] {
                continue;
            }
            let joined = format!("{norm}{piece}");
            if label.norms().iter().any(|l| l.starts_with(&joined)) {
                norm = joined;
                used[j] = true;
                if !is_strict_prefix(&norm) {
                    break;
                }
            } else if piece.chars().count() > 3 {
                break;
            }
        }
        kind = label.score(&norm);
    }
    LabelHit {
        span: tok.span.clone(),
        norm,
        kind,
        layout: tok.layout,
    }
}

/// Collects the values of a row from `range` of `tokens` (skipping used tokens).
/// Returns the reading and the indexes of the tokens it took.
#[allow(clippy::too_many_arguments)]
fn collect_values(
    row: &RowTemplate,
    found_label: &str,
    ncols: usize,
    text: &str,
    tokens: &[Token],
    range: Range<usize>,
    used: &[bool],
    markdown: bool,
) -> (RowReading, Vec<usize>) {
    let n = row.columns.len();
    if let Some(first) = range.clone().find(|&i| !used[i])
        && tokens[first].layout == Layout::Inline
    {
        return inline_values(row, ncols, text, tokens, range, used);
    }
    // The tokens taken: first the values (`nvals` of them), then the surplus on their
    // line (`extra`: how many are not blank, and their span).
    let mut consumed = Vec::with_capacity(n);
    let mut nvals = 0;
    let mut extra: Option<(usize, Range<usize>)> = None;
    let mut last_line = None;
    for i in range {
        let tok = &tokens[i];
        if used[i] {
            continue;
        }
        match &tok.kind {
            TokenKind::Text { norm } => {
                let fragment =
                    tok.layout == Layout::Columns && norm.chars().count() <= MAX_FRAGMENT_CHARS;
                if fragment && nvals < n {
                    continue;
                }
                // OCR puts a row's label in a heading and its values in a small table
                // below, whose header is generic (`类别 | 数据1 | … | 总计`) and whose
                // first cell repeats the label: both are skipped before any value.
                if nvals == 0
                    && (is_generic_header(norm) || norm == found_label || repeats_label(row, norm))
                {
                    continue;
                }
                break;
            }
            _ => {
                // In PDF column layouts a row's values share one line; values spread
                // over several lines come from a scrambled extraction and are not
                // attributed (the row stays short and is not checked).
                let other_line = last_line.is_some_and(|l| l != tok.line);
                if tok.layout == Layout::Columns && other_line {
                    break;
                }
                if nvals < n {
                    nvals += 1;
                    consumed.push(i);
                    last_line = Some(tok.line);
                } else if Some(tok.line) == last_line {
                    consumed.push(i);
                    if !matches!(tok.kind, TokenKind::Blank) {
                        extra = Some(match extra {
                            Some((count, span)) => (count + 1, span.start..tok.span.end),
                            None => (1, tok.span.clone()),
                        });
                    }
                } else {
                    break;
                }
            }
        }
    }

    let vals = &consumed[..nvals];
    let layout = vals.first().map_or(Layout::Pipe, |&i| tokens[i].layout);
    let shape = if vals.is_empty() {
        if row.group {
            RowShape::LabelOnly
        } else {
            RowShape::Short { found: 0 }
        }
    } else if let Some((count, span)) = extra {
        RowShape::Long {
            found: vals.len() + count,
            extra: span,
        }
    } else if vals.len() < n {
        RowShape::Short { found: vals.len() }
    } else {
        RowShape::Complete
    };

    // Values are attributed to columns only when their positions are certain: a
    // complete row, or a short pipe row of a Word or web table (whose blanks are
    // explicit) — not of Markdown from OCR, which drops a cell anywhere in a row.
    let positional = shape == RowShape::Complete
        || (matches!(shape, RowShape::Short { .. }) && layout == Layout::Pipe && !markdown);
    let mut cells = vec![Cell::missing(); ncols];
    for (j, &col) in row.columns.iter().enumerate() {
        let Some(tok) = vals.get(j).map(|&i| &tokens[i]) else {
            continue;
        };
        cells[col] = Cell {
            value: if positional {
                value_of(tok)
            } else {
                CellValue::Missing
            },
            span: Some(tok.span.clone()),
            reconstructed: false,
        };
    }
    let anchor = vals.first().map(|&i| tokens[i].span.clone());
    let reading = RowReading::values(cells, shape, anchor);
    (reading, consumed)
}

/// The values of a row on a glued line (`parse::inline`): the figures up to the next
/// label. As many figures as columns, none written with a leading zero, are the
/// cells; anything else is one glued run whose boundaries are lost (`RowShape::Glued`:
/// its digits exactly as written, single spaces kept where the page had them).
fn inline_values(
    row: &RowTemplate,
    ncols: usize,
    text: &str,
    tokens: &[Token],
    range: Range<usize>,
    used: &[bool],
) -> (RowReading, Vec<usize>) {
    let n = row.columns.len();
    let mut taken: Vec<usize> = Vec::new();
    for i in range {
        if used[i] {
            continue;
        }
        match tokens[i].kind {
            TokenKind::Text { .. } => break,
            _ => taken.push(i),
        }
    }
    let mut cells = vec![Cell::missing(); ncols];
    let (Some(&first), Some(&last)) = (taken.first(), taken.last()) else {
        let shape = if row.group {
            RowShape::LabelOnly
        } else {
            RowShape::Short { found: 0 }
        };
        return (RowReading::values(cells, shape, None), taken);
    };
    let span = tokens[first].span.start..tokens[last].span.end;
    let pieces: Vec<&Token> = taken.iter().map(|&i| &tokens[i]).collect();
    let written = |t: &Token| text.get(t.span.clone()).unwrap_or("");
    // A piece written with a leading zero (`02`) shows that the page's spaces are not
    // the cell boundaries (`160 02 0 018`).
    let leading_zero = |t: &&Token| {
        let w = written(t);
        w.len() > 1 && w.starts_with('0') && !w.starts_with("0.")
    };
    let shape = if pieces.len() == n && !pieces.iter().any(leading_zero) {
        for (j, &col) in row.columns.iter().enumerate() {
            cells[col] = Cell {
                value: value_of(pieces[j]),
                span: Some(pieces[j].span.clone()),
                reconstructed: false,
            };
        }
        RowShape::Complete
    } else {
        RowShape::Glued {
            digits: pieces
                .iter()
                .map(|t| written(t))
                .collect::<Vec<_>>()
                .join(" "),
            span: span.clone(),
        }
    };
    (RowReading::values(cells, shape, Some(span)), taken)
}

/// A row of a table whose columns come in groups (表四: 行政复议, 未经复议直接起诉,
/// 复议后起诉), written as one small table per group: each group's title (a text
/// naming the group, in order), then a line of exactly that group's number of values
/// before the next group's title. Every group must be found so; the value tokens of
/// the row, in column order.
fn split_groups(
    tpl: &TableTemplate,
    row: &RowTemplate,
    tokens: &[Token],
    used: &[bool],
) -> Option<Vec<usize>> {
    let mut groups: Vec<(&str, usize)> = Vec::new();
    for &c in &row.columns {
        let g = tpl.columns[c].group.as_deref()?;
        match groups.last_mut() {
            Some((name, n)) if *name == g => *n += 1,
            _ => groups.push((g, 1)),
        }
    }
    if groups.len() < 2 {
        return None;
    }
    let names: Vec<&str> = groups.iter().map(|(g, _)| *g).collect();
    // A title names its group and no later group (`行政诉讼（复议后起诉）` is not 行政复议).
    let titles: Vec<usize> = tokens
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let norm = t.norm()?;
            let named: Vec<usize> = (0..names.len())
                .filter(|&g| norm.contains(names[g]))
                .collect();
            match named[..] {
                [_] => Some(i),
                _ => None,
            }
        })
        .collect();
    let mut run = Vec::new();
    let mut from = 0;
    for (g, (name, n)) in groups.iter().enumerate() {
        let title = titles
            .iter()
            .copied()
            .find(|&i| i >= from && tokens[i].norm().is_some_and(|x| x.contains(name)))?;
        let next_title = titles
            .iter()
            .copied()
            .find(|&i| {
                i > title
                    && groups
                        .get(g + 1)
                        .is_some_and(|(next, _)| tokens[i].norm().is_some_and(|x| x.contains(next)))
            })
            .unwrap_or(tokens.len());
        // The first line after the title holding values only.
        let mut found = None;
        let mut k = title + 1;
        while k < next_title {
            let line = tokens[k].line;
            let end = tokens[k..next_title]
                .iter()
                .position(|t| t.line != line)
                .map_or(next_title, |p| k + p);
            if (k..end).all(|j| tokens[j].is_value() && !used[j]) {
                found = Some((k, end));
                break;
            }
            k = end;
        }
        let (start, end) = found?;
        if end - start != *n {
            return None;
        }
        run.extend(start..end);
        from = end;
    }
    Some(run)
}

/// OCR moves row labels away from their values: a block of labels, then the pipe
/// rows of their values, each led by the tail of its wrapped label
/// (`| 行政机关不再处理其政府信息公 | 40 | … |`) or by nothing. A row whose label was
/// found with no value after it takes such an orphan pipe row of exactly its number
/// of cells when that is certain: by label, when the orphan's leading text is part of
/// this row's label and of no other waiting row's; else by place, when the orphan lies
/// between the values of the rows just before and just after it in the template and
/// after its label, and no other waiting row fits.
fn adopt_orphans(
    tpl: &TableTemplate,
    ncols: usize,
    tokens: &[Token],
    used: &mut [bool],
    rows: &mut [RowReading],
) {
    let waiting = |rows: &[RowReading], r: usize| {
        !tpl.rows[r].group
            && !tpl.rows[r].unlabeled
            && rows[r].label.is_some()
            && rows[r].shape == RowShape::Short { found: 0 }
    };
    if !(0..rows.len()).any(|r| waiting(rows, r)) {
        return;
    }
    // Unused pipe lines: leading text fragments, then values only.
    let mut orphans: Vec<(Vec<String>, Vec<usize>)> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let line = tokens[i].line;
        let j = tokens[i..]
            .iter()
            .position(|t| t.line != line)
            .map_or(tokens.len(), |p| i + p);
        if tokens[i].layout == Layout::Pipe && (i..j).all(|k| !used[k]) {
            let texts = (i..j)
                .take_while(|&k| matches!(tokens[k].kind, TokenKind::Text { .. }))
                .count();
            let mut values: Vec<usize> = (i + texts..j).collect();
            while values
                .last()
                .is_some_and(|&k| tokens[k].kind == TokenKind::Blank)
                && values.len() > ncols.min(values.len())
            {
                values.pop();
            }
            if !values.is_empty() && values.iter().all(|&k| tokens[k].is_value()) {
                let fragments = (i..i + texts)
                    .filter_map(|k| tokens[k].norm())
                    .map(|n| n.trim_end_matches(['、', '，', ',']).to_string())
                    .filter(|n| n.chars().count() >= 2)
                    .collect();
                orphans.push((fragments, values));
            }
        }
        i = j;
    }
    let adopt = |rows: &mut [RowReading], used: &mut [bool], r: usize, values: &[usize]| {
        let mut cells = vec![Cell::missing(); ncols];
        for (&col, &k) in tpl.rows[r].columns.iter().zip(values) {
            cells[col] = Cell {
                value: value_of(&tokens[k]),
                span: Some(tokens[k].span.clone()),
                reconstructed: false,
            };
            used[k] = true;
        }
        rows[r].cells = cells;
        rows[r].shape = RowShape::Complete;
        rows[r].anchor = values.first().map(|&k| tokens[k].span.clone());
    };
    // By label, until nothing changes (a row taken leaves fewer rows for the rest).
    let mut changed = true;
    while changed {
        changed = false;
        for (fragments, values) in orphans.iter().filter(|(f, _)| !f.is_empty()) {
            if values.iter().any(|&k| used[k]) {
                continue;
            }
            let fits: Vec<usize> = (0..rows.len())
                .filter(|&r| waiting(rows, r) && tpl.rows[r].columns.len() == values.len())
                .filter(|&r| {
                    fragments.iter().all(|f| {
                        tpl.rows[r]
                            .label
                            .norms()
                            .iter()
                            .any(|l| l.contains(f.as_str()))
                    })
                })
                .collect();
            if let [r] = fits[..] {
                adopt(rows, used, r, values);
                changed = true;
            }
        }
    }
    // By place.
    let leaves: Vec<usize> = (0..tpl.rows.len())
        .filter(|&r| !tpl.rows[r].group && !tpl.rows[r].unlabeled)
        .collect();
    for (fragments, values) in &orphans {
        if !fragments.is_empty() || values.iter().any(|&k| used[k]) {
            continue;
        }
        let at = tokens[values[0]].span.start;
        let fits: Vec<usize> = leaves
            .iter()
            .enumerate()
            .filter(|&(_, &r)| waiting(rows, r) && tpl.rows[r].columns.len() == values.len())
            .filter(|&(p, &r)| {
                let values_at = |q: usize| {
                    leaves
                        .get(q)
                        .filter(|&&x| {
                            rows[x].has_values() && rows[x].shape != RowShape::Short { found: 0 }
                        })
                        .and_then(|&x| rows[x].anchor.clone())
                        .map(|a| a.start)
                };
                let label_before = rows[r].label.as_ref().is_some_and(|l| l.span.end <= at);
                let prev_before = p > 0 && values_at(p - 1).is_some_and(|s| s < at);
                let next_after = values_at(p + 1).is_some_and(|s| s > at);
                label_before && prev_before && next_after
            })
            .map(|(_, &r)| r)
            .collect();
        if let [r] = fits[..] {
            adopt(rows, used, r, values);
        }
    }
}

/// True when the region holds Markdown tables (a delimiter row `|---|---|`), as OCR
/// writes them.
fn is_markdown(text: &str, region: &Range<usize>) -> bool {
    // A delimiter row holds `---`: a region without it (one substring search, most
    // regions) is not walked line by line.
    text.get(region.clone())
        .is_some_and(|r| r.contains("---") && has_delimiter_row(r))
}

/// True when a line of `r` is a Markdown delimiter row (`|---|:---:|`).
fn has_delimiter_row(r: &str) -> bool {
    r.lines().any(|l| {
        let t = l.trim();
        // The cheap character test first: most pipe lines fail at their second
        // character.
        t.starts_with('|')
            && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
            && t.contains("---")
    })
}

/// A column header that OCR gives a split table instead of the real ones.
fn is_generic_header(norm: &str) -> bool {
    let digits_after = |p: &str| {
        norm.strip_prefix(p)
            .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()))
    };
    matches!(
        norm,
        "类别" | "项目" | "(数据项目)" | "数量" | "总计" | "合计"
    ) || digits_after("数据")
        || digits_after("列")
}

/// The row's own label written again (in full or without its numbering).
fn repeats_label(row: &RowTemplate, norm: &str) -> bool {
    row.label
        .norms()
        .iter()
        .any(|l| l == norm || (norm.chars().count() >= 4 && l.ends_with(norm)))
}

fn value_of(tok: &Token) -> CellValue {
    match &tok.kind {
        TokenKind::Number(n) => CellValue::Number(*n),
        TokenKind::Blank => CellValue::Blank,
        TokenKind::Placeholder => CellValue::Placeholder(String::new()),
        TokenKind::Text { norm } => CellValue::Placeholder(norm.clone()),
    }
}

/// A row whose label has digits glued to it. With one column the digits are its
/// value; with several they cannot be split without guessing.
fn glued_row(row: &RowTemplate, ncols: usize, text: &str, tok: &Token, digits: &str) -> RowReading {
    // The digits as written: the last characters of the token (full-width digits are
    // longer in bytes than their normalised form).
    let written = text.get(tok.span.clone()).unwrap_or("");
    // Spaces may sit inside the run (`…数量160 02 0 018`): count digits only.
    let count = digits.chars().count();
    let start = written
        .char_indices()
        .rev()
        .filter(|(_, c)| crate::text::fold_char(*c).is_ascii_digit())
        .nth(count.saturating_sub(1))
        .map_or(tok.span.start, |(i, _)| tok.span.start + i);
    let span = start..tok.span.end;
    let mut cells = vec![Cell::missing(); ncols];
    let shape = if row.columns.len() == 1 {
        if let (Some(&col), Some(n)) = (row.columns.first(), crate::number::parse_number(digits)) {
            cells[col] = Cell {
                value: CellValue::Number(n),
                span: Some(span.clone()),
                reconstructed: false,
            };
        }
        RowShape::Complete
    } else {
        RowShape::Glued {
            digits: digits.to_string(),
            span: span.clone(),
        }
    };
    RowReading::values(cells, shape, Some(span))
}

/// A text token that is only digits (a run too long to be a number, `10203120001200000`).
fn is_digit_text(t: &Token) -> bool {
    t.norm()
        .is_some_and(|n| n.len() > 1 && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The digits of a token as written, when it is nothing but digits (full-width too).
fn written_digits<'a>(text: &'a str, t: &Token) -> Option<&'a str> {
    let s = text.get(t.span.clone())?;
    // ASCII digits (most cells) are told by their bytes.
    (!s.is_empty()
        && (s.bytes().all(|b| b.is_ascii_digit())
            || s.chars()
                .all(|c| crate::text::fold_char(c).is_ascii_digit())))
    .then_some(s)
}

/// The values after a label (in `range`) that are one glued digit run for `n` cells:
/// the run's span and its tokens. Either a single run of at least `n` digits that
/// cannot be one cell (longer than a cell may be, not a number at all, or written
/// right after the label with nothing between), or runs on one line split at
/// arbitrary spaces — fewer runs than cells, one of them led by a zero (`160 02 0 018`:
/// `02` cannot be a cell, so the spaces are not the boundaries). A short row of plain
/// numbers (`规章  1  0`) is not glued: its missing cell may be a blank.
fn glued_values(
    text: &str,
    tokens: &[Token],
    range: Range<usize>,
    used: &[bool],
    n: usize,
    label_end: Option<usize>,
) -> Option<(Range<usize>, Vec<usize>)> {
    if n < 2 {
        return None;
    }
    // The run is counted first and its tokens listed only when it may be glued.
    let (mut len, mut line) = (0, None);
    for i in range.clone() {
        if used[i] {
            continue;
        }
        let t = &tokens[i];
        let same_line = line.is_none_or(|l| l == t.line);
        if !same_line || written_digits(text, t).is_none() {
            break;
        }
        line.get_or_insert(t.line);
        len += 1;
        // As many runs as cells: the spaces are the cells' boundaries (the test below
        // would say so after the whole run; most rows stop here).
        if len >= n {
            return None;
        }
    }
    if len == 0 {
        return None;
    }
    let run: Vec<usize> = range.filter(|&i| !used[i]).take(len).collect();
    let parts: Vec<&str> = run
        .iter()
        .filter_map(|&i| written_digits(text, &tokens[i]))
        .collect();
    let count: usize = parts.iter().map(|p| p.chars().count()).sum();
    if run.is_empty() || count < n || run.len() >= n {
        return None;
    }
    let first = &tokens[run[0]];
    let glued = if run.len() == 1 {
        count > super::glued::Limits::default().max_cell_digits
            || matches!(first.kind, TokenKind::Text { .. })
            || label_end == Some(first.span.start)
    } else {
        parts
            .iter()
            .any(|p| p.chars().count() > 1 && p.starts_with(['0', '０']))
    };
    let last = &tokens[*run.last()?];
    glued.then_some((first.span.start..last.span.end, run))
}

/// A row whose values are one glued digit run at `span` (spaces inside it included).
fn glued_span_row(ncols: usize, text: &str, span: Range<usize>) -> RowReading {
    let digits: String = text
        .get(span.clone())
        .unwrap_or("")
        .chars()
        .map(crate::text::fold_char)
        .filter(char::is_ascii_digit)
        .collect();
    RowReading {
        label: None,
        cells: vec![Cell::missing(); ncols],
        shape: RowShape::Glued {
            digits,
            span: span.clone(),
        },
        anchor: Some(span),
        glued: None,
    }
}

/// Decodes the glued rows of a table read by `read` with the pack's relations (see
/// `parse::glued`), and judges the table again: rows reconstructed or declared
/// ambiguous no longer count as unattributed.
pub fn decode_glued(
    template_index: usize,
    tpl: &TableTemplate,
    text: &str,
    table: &mut TableReading,
    relations: &[crate::template::expr::RelationSpec],
) {
    if table.status == TableStatus::Missing {
        return;
    }
    let limits = super::glued::Limits::default();
    super::glued::table::apply(template_index, tpl, text, table, relations, &limits);
    if table.rows.iter().any(|r| r.glued.is_some()) {
        table.status = judge_legacy(
            judge(tpl, &table.rows, &table.headers, &[]),
            tpl,
            &table.legacy,
        );
    }
}

/// Header labels (columns and `headers`) and 2019-format labels among the unused text.
fn find_headers(
    tpl: &TableTemplate,
    tokens: &[Token],
    used: &[bool],
) -> (Vec<HeaderHit>, Vec<LegacyHit>) {
    let mut headers = Vec::new();
    let mut legacy = Vec::new();
    let mut exact: LabelMap<&str, (HeaderTarget, MatchKind)> = label_map::with_capacity(
        tpl.headers
            .iter()
            .chain(tpl.columns.iter().map(|c| &c.label))
            .map(|l| l.norms().len())
            .sum(),
    );
    let targets = tpl
        .headers
        .iter()
        .enumerate()
        .map(|(h, l)| (HeaderTarget::Header(h), l))
        .chain(
            tpl.columns
                .iter()
                .enumerate()
                .map(|(c, col)| (HeaderTarget::Column(c), &col.label)),
        );
    for (target, label) in targets {
        for (i, norm) in label.norms().iter().enumerate() {
            let kind = if i == 0 {
                MatchKind::Exact
            } else {
                MatchKind::Variant
            };
            exact.entry(norm.as_str()).or_insert((target, kind));
        }
    }
    // The fuzzy candidates, in the order they are tried: columns, then headers.
    // Prepared when a token first needs fuzzy matching.
    let mut prepared: Option<LabelProbes> = None;
    for (i, tok) in tokens.iter().enumerate() {
        let Some(norm) = tok.norm() else { continue };
        if used[i] || norm.is_empty() {
            continue;
        }
        // A 2019 label, also with the fill-in instructions the 2019 template left
        // after it (`上一年项目数量（指2019年事项数）`).
        if let Some(li) = tpl.legacy.iter().position(|l| {
            norm.starts_with(l.norm.as_str())
                && norm[l.norm.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| matches!(c, '(' | '（'))
        }) {
            legacy.push(LegacyHit {
                legacy: li,
                span: tok.span.clone(),
            });
            continue;
        }
        // An exact label, else the closest one that is close enough.
        let found = exact.get(norm).copied().or_else(|| {
            let candidates = (0..tpl.columns.len())
                .map(HeaderTarget::Column)
                .chain((0..tpl.headers.len()).map(HeaderTarget::Header));
            let probe = Probe::new(norm);
            let labels = prepared.get_or_insert_with(|| {
                LabelProbes::new(
                    tpl.columns
                        .iter()
                        .map(|col| &col.label)
                        .chain(tpl.headers.iter()),
                )
            });
            let mut best: Option<(HeaderTarget, MatchKind)> = None;
            for (i, target) in candidates.enumerate() {
                let needed = best
                    .as_ref()
                    .map_or(MIN_HEADER_SCORE, |(_, k)| k.score().max(MIN_HEADER_SCORE));
                let Some(kind) = labels.score_at_least(i, &probe, needed) else {
                    continue;
                };
                if kind.score() >= MIN_HEADER_SCORE
                    && best.as_ref().is_none_or(|(_, k)| kind.score() > k.score())
                {
                    best = Some((target, kind));
                }
            }
            best
        });
        if let Some((target, kind)) = found {
            headers.push(HeaderHit {
                target,
                span: tok.span.clone(),
                line: tok.line,
                norm: norm.to_string(),
                kind,
                layout: tok.layout,
            });
        }
    }
    (headers, legacy)
}

fn judge(
    tpl: &TableTemplate,
    rows: &[RowReading],
    headers: &[HeaderHit],
    tokens: &[Token],
) -> TableStatus {
    let labeled_leaves: Vec<usize> = (0..tpl.rows.len())
        .filter(|&r| !tpl.rows[r].group && !tpl.rows[r].unlabeled)
        .collect();
    if labeled_leaves.is_empty() {
        let found = rows
            .iter()
            .zip(&tpl.rows)
            .any(|(r, t)| t.unlabeled && r.is_found());
        return if found || !headers.is_empty() {
            TableStatus::Found
        } else {
            TableStatus::Missing
        };
    }
    // A collapsed group stands in for its leaves.
    let covered = labeled_leaves
        .iter()
        .filter(|&&r| rows[r].is_found() || ancestors(tpl, r).any(|a| rows[a].has_values()))
        .count();
    let expected = labeled_leaves.len();
    if covered == 0 {
        let numbers = tokens
            .iter()
            .filter(|t| matches!(t.kind, TokenKind::Number(_)))
            .count();
        let anything = !headers.is_empty() || rows.iter().any(|r| r.is_found()) || numbers >= 5;
        return if anything {
            TableStatus::Unreadable("找不到任何标准行".into())
        } else {
            TableStatus::Missing
        };
    }
    if covered * 2 < expected {
        return TableStatus::Unreadable(format!("只识别出 {covered}/{expected} 个标准行"));
    }
    // Rows found but whose values could not be attributed to columns.
    let found: Vec<&RowReading> = rows
        .iter()
        .filter(|r| r.has_values() || r.is_found())
        .collect();
    let unattributed = found
        .iter()
        .filter(|r| match r.shape {
            RowShape::Short { .. } | RowShape::Long { .. } => true,
            // A decoded glued row has its own finding (T111/T112).
            RowShape::Glued { .. } => r.glued.is_none(),
            _ => false,
        })
        .count();
    if found.len() >= 4 && unattributed * 2 > found.len() {
        return TableStatus::Unreadable(format!(
            "{unattributed}/{} 行的数值个数与列数不符，无法确定数值所属的列",
            found.len()
        ));
    }
    TableStatus::Found
}

/// Ancestors of a row, nearest first.
pub fn ancestors(tpl: &TableTemplate, row: usize) -> impl Iterator<Item = usize> + '_ {
    std::iter::successors(tpl.rows.get(row).and_then(|r| r.parent), move |&p| {
        tpl.rows.get(p).and_then(|r| r.parent)
    })
}

fn table_extent(tokens: &[Token], used: &[bool], rows: &[RowReading]) -> Option<Range<usize>> {
    let mut spans = tokens
        .iter()
        .zip(used)
        .filter(|(_, u)| **u)
        .map(|(t, _)| t.span.clone())
        .chain(
            rows.iter()
                .flat_map(|r| r.cells.iter().filter_map(|c| c.span.clone())),
        );
    let first = spans.next()?;
    Some(spans.fold(first, |acc, s| acc.start.min(s.start)..acc.end.max(s.end)))
}

fn majority_layout(tokens: &[Token], used: &[bool]) -> Layout {
    const ORDER: [Layout; 4] = [Layout::Pipe, Layout::Columns, Layout::Inline, Layout::Cells];
    let mut counts = [0usize; 4];
    for (t, _) in tokens.iter().zip(used).filter(|(_, u)| **u) {
        if let Some(i) = ORDER.iter().position(|l| *l == t.layout) {
            counts[i] += 1;
        }
    }
    // Ties go to the earlier layout (pipe rows).
    let mut best = 0;
    for i in 1..ORDER.len() {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    ORDER[best]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_markdown_prefilter_is_the_line_walk() {
        let pieces = [
            "|", "-", "---", ":", " ", "\n", "规章", "1", "\u{3000}", "—",
        ];
        let mut next = crate::test_rng::below(0x5DEE_CE66_D1CE_4E5B);
        let mut rows = 0;
        for _ in 0..20_000 {
            let len = next(12);
            let text: String = (0..len).map(|_| pieces[next(pieces.len())]).collect();
            let slow = has_delimiter_row(&text);
            assert_eq!(is_markdown(&text, &(0..text.len())), slow, "{text:?}");
            rows += usize::from(slow);
        }
        assert!(rows > 100, "{rows}");
        assert!(is_markdown("| a | 1 |\n|---|---|\n", &(0..19)));
        assert!(!is_markdown("| a | 1 |\n| - | - |\n", &(0..19)));
    }
}
