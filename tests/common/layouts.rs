//! Renders the tables of a report written with pipe rows (`a | b | c |`) in the other
//! layouts real reports come in, for the layout property test: the same report must
//! read the same whatever the layout.
//!
//! Blank cells: a pipe row is padded with empty cells at its end, so an empty cell
//! there is either padding or a blank. A row's values are the cells after its labels;
//! a row has as many value cells as its table has columns (`render_with_widths`, from
//! the reading of the pipe version) or, when that is not known, as the widest data row
//! of its run (rows with figures, between header rows). An empty cell within that
//! width is a blank and is rendered as one (a line holding one space, an empty line
//! between blank lines, a lone ` |`); beyond it, padding, which is not rendered.
#![allow(dead_code)]

/// The layouts a table is rendered in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableLayout {
    /// One cell per line; an empty cell is a line of one space.
    Cells,
    /// One cell per line with a blank line between cells.
    CellsBlankLines,
    /// One cell per line, each ending in ` |`.
    CellsPipeSuffix,
    /// Each data row as a Markdown heading holding its label and a small table with
    /// generic headers (`类别 | 数据1 … | 总计`), as OCR writes them.
    MarkdownSplit,
    /// The whole table on one line, cells glued with no separator.
    Glued,
    /// A web page: `<table><tr><td>`, headers and label columns merged with
    /// `rowspan`/`colspan` as the national format lays them out
    /// (`convert::to_html`). Not text: read with the HTML loader.
    Html,
}

pub const ALL: [TableLayout; 6] = [
    TableLayout::Cells,
    TableLayout::CellsBlankLines,
    TableLayout::CellsPipeSuffix,
    TableLayout::MarkdownSplit,
    TableLayout::Glued,
    TableLayout::Html,
];

/// The cells of a pipe row, without the padding empties at its end.
fn cells(line: &str) -> Vec<String> {
    let mut cells: Vec<String> = line.split('|').map(|c| c.trim().to_string()).collect();
    while cells.last().is_some_and(|c| c.is_empty()) {
        cells.pop();
    }
    cells
}

fn is_figure(c: &str) -> bool {
    !c.is_empty() && c.chars().all(|ch| ch.is_ascii_digit() || ch == '.')
}

/// Every cell of a pipe row, padding included.
fn all_cells(line: &str) -> Vec<String> {
    let mut cells: Vec<String> = line.split('|').map(|c| c.trim().to_string()).collect();
    if line.trim_end().ends_with('|') {
        cells.pop();
    }
    cells
}

/// Number of leading label cells (text that is not a figure).
fn label_count(cells: &[String]) -> usize {
    cells
        .iter()
        .take_while(|c| !c.is_empty() && !is_figure(c))
        .count()
}

/// The cells of each line of `lines` (pipe rows of one table), blanks kept: data
/// rows get as many value cells as the widest data row of their run.
fn table_cells(lines: &[&str], widths: &[Option<usize>]) -> Vec<Vec<String>> {
    let rows: Vec<Vec<String>> = lines.iter().map(|l| all_cells(l)).collect();
    let trimmed: Vec<Vec<String>> = lines.iter().map(|l| cells(l)).collect();
    let is_data = |r: &Vec<String>| r.iter().any(|c| is_figure(c));
    let mut out = trimmed.clone();
    let mut i = 0;
    while i < rows.len() {
        if !is_data(&trimmed[i]) {
            i += 1;
            continue;
        }
        let run_end = (i..rows.len())
            .find(|&j| !is_data(&trimmed[j]))
            .unwrap_or(rows.len());
        let width = (i..run_end)
            .map(|j| trimmed[j].len() - label_count(&trimmed[j]))
            .max()
            .unwrap_or(0);
        for j in i..run_end {
            let labels = label_count(&trimmed[j]);
            // The table's columns when known, else the widest row of the run; never
            // more cells than the pipe row has (a short row stays short).
            let want = labels + widths.get(j).copied().flatten().unwrap_or(width);
            let have = rows[j].len().min(want);
            if have > out[j].len() {
                out[j] = rows[j][..have].to_vec();
            }
        }
        i = run_end;
    }
    out
}

/// `text` with every run of pipe rows rendered in `layout`.
pub fn render(text: &str, layout: TableLayout) -> String {
    render_with_widths(text, layout, &std::collections::BTreeMap::new())
}

/// `render`, with the number of value cells of some rows: (0-based line, columns).
pub fn render_with_widths(
    text: &str,
    layout: TableLayout,
    widths: &std::collections::BTreeMap<usize, usize>,
) -> String {
    if layout == TableLayout::Html {
        // Content management systems write a blank cell as a non-breaking space.
        return super::convert::to_html(text).replace("<p></p>", "<p>&nbsp;</p>");
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut row_cells: Vec<Option<Vec<String>>> = vec![None; lines.len()];
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].contains('|') {
            i += 1;
            continue;
        }
        let end = (i..lines.len())
            .find(|&j| !lines[j].contains('|'))
            .unwrap_or(lines.len());
        let w: Vec<Option<usize>> = (i..end).map(|j| widths.get(&j).copied()).collect();
        for (k, c) in table_cells(&lines[i..end], &w).into_iter().enumerate() {
            row_cells[i + k] = Some(c);
        }
        i = end;
    }
    let mut out: Vec<String> = Vec::new();
    let mut glued = String::new();
    for (line, cells) in lines.iter().zip(row_cells) {
        let Some(cells) = cells else {
            if !glued.is_empty() {
                out.push(std::mem::take(&mut glued));
            }
            out.push(line.to_string());
            continue;
        };
        let blank = |c: &String| {
            if c.is_empty() {
                " ".to_string()
            } else {
                c.clone()
            }
        };
        match layout {
            TableLayout::Cells => out.extend(cells.iter().map(blank)),
            TableLayout::CellsBlankLines => {
                for c in &cells {
                    out.push(blank(c));
                    out.push(String::new());
                }
            }
            TableLayout::CellsPipeSuffix => {
                out.extend(cells.iter().map(|c| format!("{c} |")));
            }
            TableLayout::MarkdownSplit => {
                let values: Vec<&String> = cells.iter().filter(|c| is_figure(c)).collect();
                let labels: Vec<&String> = cells.iter().filter(|c| !is_figure(c)).collect();
                if values.len() >= 2 && !labels.is_empty() && !cells.iter().any(String::is_empty) {
                    // Group labels before the row's own label stay as headings too.
                    for l in &labels {
                        out.push(format!("### {l}"));
                    }
                    let n = values.len();
                    let mut header = vec!["类别".to_string()];
                    header.extend((1..n).map(|i| format!("数据{i}")));
                    header.push("总计".to_string());
                    out.push(format!("| {} |", header.join(" | ")));
                    out.push(format!("|{}", "---|".repeat(n + 1)));
                    let own = labels.last().map_or("", |l| l.as_str());
                    let row: Vec<&str> = values.iter().map(|v| v.as_str()).collect();
                    out.push(format!("| {own} | {} |", row.join(" | ")));
                } else {
                    out.push(line.to_string());
                }
            }
            TableLayout::Glued => {
                for c in &cells {
                    glued.push_str(c);
                }
            }
            TableLayout::Html => unreachable!("rendered as a whole page"),
        }
    }
    if !glued.is_empty() {
        out.push(glued);
    }
    out.join("\n") + "\n"
}
