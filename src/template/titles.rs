//! The section titles' forms (standard and variants) prepared for finding headings:
//! each form's characters counted and hashed (`Probe`) and decoded into one shared
//! buffer (for the outline's `shares_most_chars`). They depend on the pack alone, so
//! `Templates::title_forms` builds them once per pack, not once per document (issue 12:
//! they were about 1% of a batch's instructions).

use std::ops::Range;

use super::LabelSet;
use crate::text::{CharKey, Probe};

#[derive(Clone, Debug, Default)]
pub struct TitleForms {
    pub forms: Vec<TitleForm>,
    /// The characters of every form, one after the other.
    pub chars: Vec<char>,
    /// The first character of every form (a text that starts with none of them starts
    /// no form exactly).
    firsts: Vec<char>,
}

#[derive(Clone, Debug)]
pub struct TitleForm {
    /// Index of the section (in the titles given to `TitleForms::new`).
    pub template: usize,
    /// Index into the title's `norms`.
    pub variant: usize,
    /// The form, normalised.
    text: String,
    /// Its characters, counted.
    count: usize,
    /// Its characters, hashed (`CharKey`).
    key: CharKey,
    /// The form's characters in `TitleForms::chars`.
    pub chars: Range<usize>,
}

impl TitleForm {
    /// One form by itself, outside any `TitleForms` (`chars` empty): for tests.
    #[cfg(test)]
    pub fn alone(template: usize, variant: usize, text: &str) -> TitleForm {
        TitleForm {
            template,
            variant,
            text: text.to_string(),
            count: text.chars().count(),
            key: CharKey::of(text),
            chars: 0..0,
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The form's length in characters.
    pub fn char_count(&self) -> usize {
        self.count
    }

    pub fn probe(&self) -> Probe<'_> {
        Probe::from_parts(&self.text, self.count, self.key)
    }
}

impl TitleForms {
    pub fn new<'a>(titles: impl Iterator<Item = &'a LabelSet> + Clone) -> TitleForms {
        let norms = || titles.clone().flat_map(|l| l.norms().iter());
        let mut forms = Vec::with_capacity(norms().count());
        let mut chars = Vec::with_capacity(norms().map(String::len).sum());
        for (ti, label) in titles.enumerate() {
            for (vi, variant) in label.norms().iter().enumerate() {
                let start = chars.len();
                chars.extend(variant.chars());
                // The count and key the label keeps for each of its forms.
                let probe = label.probe(vi);
                forms.push(TitleForm {
                    template: ti,
                    variant: vi,
                    text: variant.clone(),
                    count: probe.chars(),
                    key: probe.key(),
                    chars: start..chars.len(),
                });
            }
        }
        let mut firsts: Vec<char> = forms
            .iter()
            .filter_map(|f| chars.get(f.chars.clone()).and_then(|c| c.first().copied()))
            .collect();
        firsts.sort_unstable();
        firsts.dedup();
        TitleForms {
            forms,
            chars,
            firsts,
        }
    }

    /// False when `rest` certainly starts no form exactly: its first character as
    /// `normalize` keeps it (folded; whitespace skipped) starts none of them.
    pub fn may_start_exactly(&self, rest: &str) -> bool {
        rest.chars()
            .map(crate::text::fold_char)
            .find(|&c| !crate::text::is_dropped(c))
            .is_some_and(|c| self.firsts.binary_search(&c).is_ok())
    }

    /// False when no form can pass `shares_most_chars` with `rest` normalised: the
    /// test made with the key of every character of `rest` (folded, and `.`, which
    /// `、` after a digit becomes), a superset of the key of any prefix of its
    /// normalised form. Spares normalising the line after most numerals in running
    /// text and tables, which start no title exactly and resemble none.
    pub fn may_share_most(&self, rest: &str) -> bool {
        let key = rest.chars().fold(CharKey::default().with('.'), |k, c| {
            k.with(crate::text::fold_char(c))
        });
        // `possible * 10 >= total * 7` (`shares_most_chars`) is `misses * 10 <= total * 3`:
        // a form is given up at the first miss past three in ten.
        self.forms.iter().any(|f| {
            let title = &self.chars[f.chars.clone()];
            let mut misses = 0;
            for &c in title {
                if !key.may_contain(c) {
                    misses += 1;
                    if misses * 10 > title.len() * 3 {
                        return false;
                    }
                }
            }
            true
        })
    }
}
