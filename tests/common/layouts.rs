//! Renders the tables of a report written with pipe rows (`a | b | c |`) in the other
//! layouts real reports come in, for the layout property test: the same report must
//! read the same whatever the layout.

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
}

pub const ALL: [TableLayout; 5] = [
    TableLayout::Cells,
    TableLayout::CellsBlankLines,
    TableLayout::CellsPipeSuffix,
    TableLayout::MarkdownSplit,
    TableLayout::Glued,
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

/// `text` with every run of pipe rows rendered in `layout`.
pub fn render(text: &str, layout: TableLayout) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut glued = String::new();
    for line in text.lines() {
        if !line.contains('|') {
            if !glued.is_empty() {
                out.push(std::mem::take(&mut glued));
            }
            out.push(line.to_string());
            continue;
        }
        let cells = cells(line);
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
        }
    }
    if !glued.is_empty() {
        out.push(glued);
    }
    out.join("\n") + "\n"
}
