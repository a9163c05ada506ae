//! The narrative: the report's text outside its tables, as one string in which lines
//! wrapped by PDF extraction are joined again ("答\n复 3050 件" → "答复 3050 件"), with a
//! map back to byte offsets of the original text. Narrative rules match wordings here
//! and report at the original position.
//!
//! Memory: the narrative's string is the one copy of the prose a document holds besides
//! its text (regexes need one contiguous haystack, and the narrative differs from the
//! text at every join, trim and table), so it is written into a buffer sized once and
//! never grown. Its map is one `Piece` per *run*: lines that follow each other in both
//! texts (a Word document's paragraphs, a text file's unwrapped lines) are one piece,
//! which maps every offset exactly as one piece per line did.

use std::ops::Range;

use super::tokens::is_page_furniture;
use crate::text::LineIndex;

/// A piece of the narrative copied verbatim from the original text (a run of lines
/// whose separators are at the same distance in both texts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Piece {
    narrative: usize,
    original: usize,
    len: usize,
}

#[derive(Clone, Debug, Default)]
pub struct Narrative {
    pub text: String,
    pieces: Vec<Piece>,
}

/// Characters that end a sentence or paragraph: after them a line break is kept.
fn ends_paragraph(c: char) -> bool {
    "。！？!?；;：:）)」”\"".contains(c)
}

/// What is left of a line beside a table must have this many CJK characters to be
/// read as prose (not a stray `|`, a unit or a cell).
const MIN_PROSE_CHARS: usize = 6;

fn is_prose(s: &str) -> bool {
    s.chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .nth(MIN_PROSE_CHARS - 1)
        .is_some()
}

/// A line that starts a heading or list item begins a new paragraph.
fn starts_heading(line: &str) -> bool {
    let mut chars = line.chars();
    match (chars.next(), chars.next()) {
        (Some('（' | '('), _) => true,
        (Some(c), Some('、' | '.' | '．')) => {
            c.is_ascii_digit() || "一二三四五六七八九十".contains(c)
        }
        _ => false,
    }
}

impl Narrative {
    /// Builds the narrative from the text outside `exclude` (the tables), line by
    /// line, dropping page furniture. A line that a table covers only in part (a page
    /// whose whole body is one line) keeps what lies outside the table, as separate
    /// paragraphs, when that is prose (see `MIN_PROSE_CHARS`).
    pub fn build(text: &str, lines: &LineIndex, exclude: &[Range<usize>]) -> Narrative {
        Narrative::build_runs(text, lines, exclude, true)
    }

    /// `build`; with `runs` false, one piece per line (as before runs: for the test
    /// that shows both map every offset to the same place).
    fn build_runs(
        text: &str,
        lines: &LineIndex,
        exclude: &[Range<usize>],
        runs: bool,
    ) -> Narrative {
        let mut excluded = exclude.to_vec();
        excluded.sort_by_key(|r| r.start);
        // Every piece is a trimmed part of a line outside the tables, and every
        // separator stands for the line break before it (or, beside a table inside a
        // line, one more byte per table): the narrative is never longer than this.
        let capacity = text
            .len()
            .saturating_sub(excluded.iter().map(|r| r.len()).sum::<usize>())
            .saturating_add(excluded.len());
        let mut out = Narrative {
            text: String::with_capacity(capacity.min(text.len() + excluded.len())),
            pieces: Vec::new(),
        };
        let mut next_exclusion = 0;
        let mut previous_was_heading = false;
        // What is left of the current line outside the tables, and a scratch buffer:
        // both reused from line to line (a line's own pair of vectors was two
        // allocations per line of every report).
        let mut pieces: Vec<Range<usize>> = Vec::new();
        let mut cut: Vec<Range<usize>> = Vec::new();
        for line in 0..lines.line_count() {
            let range = lines.line_range(text, line);
            while excluded
                .get(next_exclusion)
                .is_some_and(|r| r.end <= range.start)
            {
                next_exclusion += 1;
            }
            let overlapping = excluded[next_exclusion.min(excluded.len())..]
                .iter()
                .take_while(|r| r.start < range.end.max(range.start + 1));
            pieces.clear();
            pieces.push(range.clone());
            let mut partial = false;
            for r in overlapping {
                partial = true;
                cut.clear();
                cut.extend(
                    pieces
                        .iter()
                        .flat_map(|p| {
                            [
                                p.start..r.start.clamp(p.start, p.end),
                                r.end.clamp(p.start, p.end)..p.end,
                            ]
                        })
                        .filter(|p| !p.is_empty()),
                );
                std::mem::swap(&mut pieces, &mut cut);
            }
            for (i, piece) in pieces.iter().cloned().enumerate() {
                let raw = &text[piece.clone()];
                let trimmed = raw.trim();
                if trimmed.is_empty()
                    || is_page_furniture(trimmed)
                    || (partial && !is_prose(trimmed))
                {
                    continue;
                }
                let start = piece.start + (raw.len() - raw.trim_start().len());
                let wrapped = out
                    .text
                    .chars()
                    .next_back()
                    .is_some_and(|c| !ends_paragraph(c) && c != '\n');
                let heading = starts_heading(trimmed);
                // Text on both sides of a table is never one sentence.
                let after_table = partial && i > 0;
                if !out.text.is_empty()
                    && (!wrapped || heading || previous_was_heading || after_table || partial)
                {
                    out.text.push('\n');
                }
                previous_was_heading = heading;
                out.push(start, trimmed, runs);
            }
        }
        out.text.shrink_to_fit();
        out.pieces.shrink_to_fit();
        out
    }

    /// Appends `piece`, found at `original` in the text: it extends the last piece when
    /// the gap before it (a separator or nothing) is the same in both texts.
    fn push(&mut self, original: usize, piece: &str, runs: bool) {
        let narrative = self.text.len();
        self.text.push_str(piece);
        if runs && let Some(last) = self.pieces.last_mut() {
            let (n_end, o_end) = (last.narrative + last.len, last.original + last.len);
            let gap = narrative - n_end;
            if gap <= 1 && original >= o_end && original - o_end == gap {
                last.len = self.text.len() - last.narrative;
                return;
            }
        }
        self.pieces.push(Piece {
            narrative,
            original,
            len: piece.len(),
        });
    }

    /// How many pieces map the narrative back to the text (a run of lines is one).
    pub fn piece_count(&self) -> usize {
        self.pieces.len()
    }

    /// Original offset of narrative offset `at` (at a separator: the end of the piece
    /// before it).
    pub fn original_offset(&self, at: usize) -> usize {
        let i = match self.pieces.binary_search_by(|p| p.narrative.cmp(&at)) {
            Ok(i) => i,
            Err(0) => return self.pieces.first().map_or(0, |p| p.original),
            Err(i) => i - 1,
        };
        let p = self.pieces[i];
        p.original + (at - p.narrative).min(p.len)
    }

    /// Original byte range of a narrative range.
    pub fn to_original(&self, range: Range<usize>) -> Range<usize> {
        let start = self.original_offset(range.start);
        if range.end <= range.start {
            return start..start;
        }
        // The end maps from the last byte inside the range, so that a range ending at a
        // piece boundary does not jump to the next line.
        let end = self.original_offset(range.end - 1) + 1;
        start..end.max(start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_inside_a_one_line_page_keeps_the_prose_around_it() {
        let text = "收到申请24件，其中自然人20件。一、本年新收 20 3 24 二、上年结转 2 0 2 办结24件，其中予以公开13件。";
        let lines = LineIndex::new(text);
        let from = text.find("一、本年新收").unwrap_or(0);
        let to = text.find(" 办结").unwrap_or(0);
        let table = std::ops::Range {
            start: from,
            end: to,
        };
        let n = Narrative::build(text, &lines, std::slice::from_ref(&table));
        assert_eq!(
            n.text,
            "收到申请24件，其中自然人20件。\n办结24件，其中予以公开13件。"
        );
        let at = n.text.find("13").unwrap_or(0);
        assert_eq!(&text[n.to_original(at..at + 2)], "13");
        // A stray cell or pipe beside a table is not prose.
        let text = "一、本年新收 | 20 | 24 | |\n正文。";
        let lines = LineIndex::new(text);
        let end = text.find(" | |").unwrap_or(0);
        let table = std::ops::Range { start: 0, end };
        let n = Narrative::build(text, &lines, std::slice::from_ref(&table));
        assert_eq!(n.text, "正文。");
    }

    #[test]
    fn wrapped_lines_are_joined_and_map_back() {
        let text = "   2024 年，全市共受理申请 3119 件，答\n复 3050 件。\n                 -1-\n一、总体情况\n表 | 1 |\n结转下年度 3 件";
        let lines = LineIndex::new(text);
        let table = text.find("表 |").unwrap_or(0);
        let tables = [std::ops::Range {
            start: table,
            end: table + 8,
        }];
        let n = Narrative::build(text, &lines, &tables);
        assert_eq!(
            n.text,
            "2024 年，全市共受理申请 3119 件，答复 3050 件。\n一、总体情况\n结转下年度 3 件"
        );
        let at = n.text.find("3050").unwrap_or(0);
        let orig = n.to_original(at..at + 4);
        assert_eq!(&text[orig], "3050");
        let at = n.text.find("答复").unwrap_or(0);
        let orig = n.to_original(at..at + "答复".len());
        assert_eq!(
            &text[orig], "答\n复",
            "a range across a wrap covers both lines"
        );
    }

    /// The reports the tests can read: the examples, the format fixtures, and (when
    /// present) the shared seeds and corpus.
    fn fixtures() -> Vec<std::path::PathBuf> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut dirs = vec![
            root.join("examples"),
            root.join("tests/fixtures"),
            root.join("tests/fixtures/formats"),
        ];
        let shared = root.join("../shared");
        if shared.is_dir() {
            dirs.push(shared.join("seeds"));
            dirs.push(shared.join("corpus/pdf-layout"));
            dirs.push(shared.join("corpus/web"));
        } else {
            eprintln!("../shared is absent: the narrative map is compared on the fixtures only");
        }
        let mut files = Vec::new();
        for dir in dirs {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                let path = e.path();
                let known = path
                    .extension()
                    .and_then(|x| x.to_str())
                    .is_some_and(|x| ["txt", "md", "html", "htm", "docx"].contains(&x));
                if path.is_file() && known {
                    files.push(path);
                }
            }
        }
        files.sort();
        files
    }

    #[test]
    fn runs_map_every_offset_as_one_piece_per_line_did() {
        let pack = crate::Pack::national().expect("national pack");
        let mut checked = 0;
        let mut merged = 0;
        for path in fixtures() {
            let input = crate::load::Input::File(path.clone());
            let Ok(loaded) = crate::load::load(&input, &Default::default()) else {
                continue;
            };
            let doc = crate::parse_loaded(path.display().to_string(), loaded, &pack.templates);
            let tables: Vec<Range<usize>> =
                doc.tables.iter().filter_map(|t| t.extent.clone()).collect();
            let lines = Narrative::build_runs(&doc.text, &doc.lines, &tables, false);
            let runs = &doc.narrative;
            assert_eq!(runs.text, lines.text, "{}", path.display());
            for at in 0..=runs.text.len() + 2 {
                assert_eq!(
                    runs.original_offset(at),
                    lines.original_offset(at),
                    "{} at {at}",
                    path.display()
                );
            }
            // Ranges across pieces, as rules map them (matches, clauses, sentences).
            let bounds: Vec<usize> = lines.pieces.iter().map(|p| p.narrative).collect();
            for (i, &a) in bounds.iter().enumerate() {
                for &b in &bounds[i..bounds.len().min(i + 4)] {
                    for (x, y) in [(a, b), (a.saturating_sub(1), b + 1), (a + 1, b)] {
                        assert_eq!(runs.to_original(x..y), lines.to_original(x..y));
                    }
                }
            }
            checked += 1;
            merged += lines.piece_count() - runs.piece_count();
        }
        assert!(checked >= 10, "only {checked} reports read");
        assert!(merged > 0, "no lines were merged into runs");
    }

    #[test]
    fn a_word_document_s_paragraphs_are_one_run() {
        let text = "一、总体情况\n本年度收到申请24件。\n办结24件。\n\n    缩进的段落。\n";
        let lines = LineIndex::new(text);
        let n = Narrative::build(text, &lines, &[]);
        assert_eq!(
            n.text,
            "一、总体情况\n本年度收到申请24件。\n办结24件。\n缩进的段落。"
        );
        // The blank line and the indent break the run.
        assert_eq!(n.piece_count(), 2);
        let at = n.text.find("缩进").unwrap_or(0);
        assert_eq!(&text[n.to_original(at..at + "缩进".len())], "缩进");
    }
}
