//! Templates: what a report is expected to contain, as declared in a pack's
//! `[[section]]` and `[[table]]` entries. The parser reads a document against them and
//! the rules refer to them by id.
//!
//! This layer sits below both `parse` and `rules` (and `pack`, which builds it from
//! TOML): the templates, the cell-expression notation (`expr`) and the errors of a pack
//! definition (`error`) depend only on `text` and `number`, so the parser can read a
//! report against a pack without depending on the rules compiled from it.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

pub mod error;
pub mod expr;
pub mod fragments;
pub mod label_map;
pub(crate) mod titles;

use self::error::{PackError, PackSource, PackSpan};
use crate::text::{
    CharKey, Probe, normalize, probe_similarity_at_least, similarity, similarity_at_least,
};

// ───────────────────────────────────────────── TOML definitions

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionDef {
    pub id: Spanned<String>,
    pub number: String,
    pub title: String,
    #[serde(default)]
    pub variants: Vec<String>,
    #[serde(default)]
    pub part: Vec<PartDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartDef {
    pub id: Spanned<String>,
    pub number: String,
    pub title: String,
    #[serde(default)]
    pub variants: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableDef {
    pub id: Spanned<String>,
    pub name: String,
    pub title: String,
    pub section: Option<Spanned<String>>,
    #[serde(default)]
    pub headers: Vec<String>,
    #[serde(default)]
    pub legacy: Vec<LegacyDef>,
    #[serde(default)]
    pub column: Vec<ColumnDef>,
    #[serde(default)]
    pub row: Vec<RowDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegacyDef {
    pub label: String,
    pub current: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnDef {
    pub id: Spanned<String>,
    pub label: String,
    pub short: Option<String>,
    #[serde(default)]
    pub variants: Vec<String>,
    #[serde(default)]
    pub decimal: bool,
    pub group: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowDef {
    pub id: Spanned<String>,
    pub label: String,
    pub short: Option<String>,
    #[serde(default)]
    pub variants: Vec<String>,
    pub parent: Option<Spanned<String>>,
    #[serde(default)]
    pub group: bool,
    #[serde(default)]
    pub unlabeled: bool,
    pub columns: Option<Vec<Spanned<String>>>,
}

// ───────────────────────────────────────────── runtime templates

/// How a label in the report matched a template label.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MatchKind {
    /// Equal to the standard label (after normalisation).
    Exact,
    /// Equal to an accepted variant.
    Variant,
    /// Close but different; the score is in 0..1.
    Fuzzy(f64),
}

impl MatchKind {
    pub fn score(self) -> f64 {
        match self {
            MatchKind::Exact | MatchKind::Variant => 1.0,
            MatchKind::Fuzzy(s) => s,
        }
    }

    pub fn is_fuzzy(self) -> bool {
        matches!(self, MatchKind::Fuzzy(_))
    }
}

/// A standard label with its accepted variants, pre-normalised.
#[derive(Clone, Debug)]
pub struct LabelSet {
    pub standard: String,
    /// `normalize(standard)` followed by the normalised variants (`norms`; add one
    /// with `accept`, which keeps `counts` in step).
    norms: Vec<String>,
    /// Each form's characters counted and hashed (`Probe`), once per pack rather than
    /// once per document that compares texts with the label (`LabelProbes`).
    counts: Vec<(usize, CharKey)>,
}

/// A form's `Probe` parts: its characters counted and hashed.
fn probe_parts(form: &str) -> (usize, CharKey) {
    let probe = Probe::new(form);
    (probe.chars(), probe.key())
}

impl LabelSet {
    pub fn new(standard: &str, variants: &[String]) -> Self {
        let mut norms = vec![normalize(standard)];
        norms.extend(variants.iter().map(|v| normalize(v)));
        LabelSet {
            standard: standard.to_string(),
            counts: norms.iter().map(|n| probe_parts(n)).collect(),
            norms,
        }
    }

    /// Adds an accepted form (normalised), unless the label has it already.
    pub fn accept(&mut self, norm: String) {
        if !self.norms.contains(&norm) {
            self.counts.push(probe_parts(&norm));
            self.norms.push(norm);
        }
    }

    /// `normalize(standard)` followed by the normalised variants.
    pub fn norms(&self) -> &[String] {
        &self.norms
    }

    /// The probe of the `i`th form (`norms()[i]`), from the parts counted when the
    /// form was added.
    pub fn probe(&self, i: usize) -> Probe<'_> {
        let (chars, key) = self.counts[i];
        Probe::from_parts(&self.norms[i], chars, key)
    }

    pub fn norm(&self) -> &str {
        &self.norms[0]
    }

    /// How well the normalised text `found` matches this label.
    pub fn score(&self, found: &str) -> MatchKind {
        if found == self.norms[0] {
            return MatchKind::Exact;
        }
        if self.norms[1..].iter().any(|v| v == found) {
            return MatchKind::Variant;
        }
        let best = self
            .norms
            .iter()
            .map(|n| similarity(found, n))
            .fold(0.0_f64, f64::max);
        MatchKind::Fuzzy(best)
    }

    /// `score(found)` when its score is at least `min`, else `None`: the same answer
    /// for every caller that drops what scores below a threshold, without computing
    /// the distances that cannot reach it (`similarity_at_least`).
    pub fn score_at_least(&self, found: &str, min: f64) -> Option<MatchKind> {
        if found == self.norms[0] {
            return (1.0 >= min).then_some(MatchKind::Exact);
        }
        if self.norms[1..].iter().any(|v| v == found) {
            return (1.0 >= min).then_some(MatchKind::Variant);
        }
        // The best score so far raises the bar for the next variant: only a higher
        // one changes the maximum.
        let mut best: Option<f64> = None;
        for n in &self.norms {
            let floor = best.map_or(min, |b| b.max(min));
            if let Some(s) = similarity_at_least(found, n, floor)
                && best.is_none_or(|b| s > b)
            {
                best = Some(s);
            }
        }
        best.map(MatchKind::Fuzzy)
    }
}

/// Labels prepared for comparing with many found texts (a table's row labels against
/// every text token of its region): each form's characters counted and hashed once
/// (`text::Probe`), not once per comparison.
pub struct LabelProbes<'a> {
    sets: Vec<&'a LabelSet>,
    /// The forms of `sets[i]` are `probes[starts[i]..starts[i + 1]]`.
    starts: Vec<usize>,
    probes: Vec<Probe<'a>>,
}

impl<'a> LabelProbes<'a> {
    pub fn new(sets: impl IntoIterator<Item = &'a LabelSet>) -> LabelProbes<'a> {
        let sets: Vec<&LabelSet> = sets.into_iter().collect();
        let mut starts = Vec::with_capacity(sets.len() + 1);
        let mut probes = Vec::new();
        for set in &sets {
            starts.push(probes.len());
            probes.extend((0..set.norms.len()).map(|i| set.probe(i)));
        }
        starts.push(probes.len());
        LabelProbes {
            sets,
            starts,
            probes,
        }
    }

    /// `LabelSet::score_at_least` of the `i`th label (the same answer).
    pub fn score_at_least(&self, i: usize, found: &Probe, min: f64) -> Option<MatchKind> {
        let set = self.sets[i];
        if found.text == set.norms[0] {
            return (1.0 >= min).then_some(MatchKind::Exact);
        }
        if set.norms[1..].iter().any(|v| v == found.text) {
            return (1.0 >= min).then_some(MatchKind::Variant);
        }
        let mut best: Option<f64> = None;
        for n in &self.probes[self.starts[i]..self.starts[i + 1]] {
            let floor = best.map_or(min, |b| b.max(min));
            if let Some(s) = probe_similarity_at_least(found, n, floor)
                && best.is_none_or(|b| s > b)
            {
                best = Some(s);
            }
        }
        best.map(MatchKind::Fuzzy)
    }
}

#[derive(Clone, Debug)]
pub struct SectionTemplate {
    pub id: String,
    /// Chinese numeral of the heading, e.g. `三`.
    pub number: String,
    pub title: LabelSet,
    pub parts: Vec<PartTemplate>,
}

impl SectionTemplate {
    /// The standard heading, e.g. `三、收到和处理政府信息公开申请情况`.
    pub fn heading(&self) -> String {
        format!("{}、{}", self.number, self.title.standard)
    }
}

#[derive(Clone, Debug)]
pub struct PartTemplate {
    pub id: String,
    pub number: String,
    pub title: LabelSet,
}

impl PartTemplate {
    pub fn heading(&self) -> String {
        format!("（{}）{}", self.number, self.title.standard)
    }
}

#[derive(Clone, Debug)]
pub struct LegacyLabel {
    pub label: String,
    pub norm: String,
    pub current: String,
}

#[derive(Clone, Debug)]
pub struct ColumnTemplate {
    pub id: String,
    pub label: LabelSet,
    pub short: String,
    pub decimal: bool,
    pub group: Option<String>,
}

impl ColumnTemplate {
    /// Name with its group when the label alone is ambiguous (表四).
    pub fn display(&self) -> String {
        match &self.group {
            Some(g) => format!("{g}·{}", self.short),
            None => self.short.clone(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct RowTemplate {
    pub id: String,
    pub label: LabelSet,
    pub short: String,
    pub parent: Option<usize>,
    pub group: bool,
    pub unlabeled: bool,
    /// Indexes into the table's columns.
    pub columns: Vec<usize>,
}

#[derive(Clone, Debug)]
pub struct TableTemplate {
    pub id: String,
    pub name: String,
    pub title: String,
    /// Index into `Templates::sections`.
    pub section: Option<usize>,
    pub headers: Vec<LabelSet>,
    pub legacy: Vec<LegacyLabel>,
    pub columns: Vec<ColumnTemplate>,
    pub rows: Vec<RowTemplate>,
    /// The rows' labels prepared for lookup, built the first time a table is read
    /// (`rows_by_label`); forgotten when a label changes (`Templates::labels_changed`).
    rows_by_label: std::sync::OnceLock<RowLabels>,
}

/// A table's labelled rows and their exact forms, prepared once per pack: every table
/// read looks each text token up here.
#[derive(Clone, Debug, Default)]
pub struct RowLabels {
    /// The rows that have a label, in template order.
    pub labeled: Vec<usize>,
    /// Exact form (standard or variant, normalised) → positions in `labeled`, with
    /// whether the form is the standard one, in template order.
    pub exact: label_map::LabelMap<String, Vec<(usize, MatchKind)>>,
}

impl TableTemplate {
    /// The rows' labels prepared for lookup (`RowLabels`).
    pub fn rows_by_label(&self) -> &RowLabels {
        self.rows_by_label.get_or_init(|| {
            let labeled: Vec<usize> = (0..self.rows.len())
                .filter(|&r| !self.rows[r].unlabeled)
                .collect();
            let mut exact: label_map::LabelMap<String, Vec<(usize, MatchKind)>> =
                label_map::with_capacity(
                    labeled
                        .iter()
                        .map(|&r| self.rows[r].label.norms.len())
                        .sum(),
                );
            for (pos, &r) in labeled.iter().enumerate() {
                for (i, norm) in self.rows[r].label.norms.iter().enumerate() {
                    let kind = if i == 0 {
                        MatchKind::Exact
                    } else {
                        MatchKind::Variant
                    };
                    exact.entry(norm.clone()).or_default().push((pos, kind));
                }
            }
            RowLabels { labeled, exact }
        })
    }

    pub fn row_index(&self, id: &str) -> Option<usize> {
        self.rows.iter().position(|r| r.id == id)
    }

    pub fn column_index(&self, id: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.id == id)
    }

    /// Direct children of a row, in template order.
    pub fn children(&self, row: usize) -> impl Iterator<Item = usize> + '_ {
        self.rows
            .iter()
            .enumerate()
            .filter(move |(_, r)| r.parent == Some(row))
            .map(|(i, _)| i)
    }

    /// Rows that carry cells in a complete table (not groups).
    pub fn cell_rows(&self) -> impl Iterator<Item = usize> + '_ {
        self.rows
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.group)
            .map(|(i, _)| i)
    }

    /// Name of a row for messages, e.g. `表三「一、本年新收」`.
    pub fn row_name(&self, row: usize) -> String {
        self.rows
            .get(row)
            .map_or_else(String::new, |r| r.short.clone())
    }
}

/// Everything a pack says a report should contain.
#[derive(Clone, Debug, Default)]
pub struct Templates {
    pub sections: Vec<SectionTemplate>,
    pub tables: Vec<TableTemplate>,
    /// The relations of the pack's enabled `equation` rules, which the parser uses to
    /// decode glued digit runs (`parse::glued`); filled once the rules are compiled.
    pub relations: Vec<crate::template::expr::RelationSpec>,
    /// The section titles' forms, built from `sections` the first time a document is
    /// read (`title_forms`); forgotten when a title changes (`labels_changed`).
    title_forms: std::sync::OnceLock<titles::TitleForms>,
}

impl Templates {
    /// The section titles' forms, prepared once per pack for finding headings.
    pub(crate) fn title_forms(&self) -> &titles::TitleForms {
        self.title_forms
            .get_or_init(|| titles::TitleForms::new(self.sections.iter().map(|s| &s.title)))
    }

    /// To be called after changing a label (a section's title, a table's row, column
    /// or header) or its variants (`pack::amend`): what was prepared from the labels is
    /// built again from them as they are now.
    pub(crate) fn labels_changed(&mut self) {
        self.title_forms = std::sync::OnceLock::new();
        for t in &mut self.tables {
            t.rows_by_label = std::sync::OnceLock::new();
        }
    }

    pub fn section_index(&self, id: &str) -> Option<usize> {
        self.sections.iter().position(|s| s.id == id)
    }

    pub fn table_index(&self, id: &str) -> Option<usize> {
        self.tables.iter().position(|t| t.id == id)
    }
}

// ───────────────────────────────────────────── building

/// Builds the templates from the definitions of every file of a pack chain, checking
/// that ids are unique and every reference resolves.
pub fn build(
    sections: &[(Arc<PackSource>, &SectionDef)],
    tables: &[(Arc<PackSource>, &TableDef)],
) -> Result<Templates, PackError> {
    let mut out = Templates::default();
    let mut seen: HashMap<String, PackSpan> = HashMap::new();

    for (src, def) in sections {
        unique(&mut seen, "章节", src, &def.id)?;
        let mut parts = Vec::new();
        let mut part_ids: HashMap<String, PackSpan> = HashMap::new();
        for p in &def.part {
            unique(&mut part_ids, "子项", src, &p.id)?;
            parts.push(PartTemplate {
                id: p.id.get_ref().clone(),
                number: p.number.clone(),
                title: LabelSet::new(&p.title, &p.variants),
            });
        }
        out.sections.push(SectionTemplate {
            id: def.id.get_ref().clone(),
            number: def.number.clone(),
            title: LabelSet::new(&def.title, &def.variants),
            parts,
        });
    }

    let mut table_ids: HashMap<String, PackSpan> = HashMap::new();
    for (src, def) in tables {
        unique(&mut table_ids, "表格", src, &def.id)?;
        out.tables.push(build_table(src, def, &out)?);
    }
    Ok(out)
}

fn build_table(
    src: &Arc<PackSource>,
    def: &TableDef,
    so_far: &Templates,
) -> Result<TableTemplate, PackError> {
    let section = match &def.section {
        None => None,
        Some(id) => Some(so_far.section_index(id.get_ref()).ok_or_else(|| {
            unknown(
                src,
                id,
                "章节",
                so_far.sections.iter().map(|s| s.id.as_str()),
            )
        })?),
    };

    let mut ids: HashMap<String, PackSpan> = HashMap::new();
    let mut columns = Vec::new();
    for c in &def.column {
        unique(&mut ids, "列", src, &c.id)?;
        columns.push(ColumnTemplate {
            id: c.id.get_ref().clone(),
            label: LabelSet::new(&c.label, &c.variants),
            short: c.short.clone().unwrap_or_else(|| c.label.clone()),
            decimal: c.decimal,
            group: c.group.clone(),
        });
    }
    if columns.is_empty() {
        return Err(
            PackError::new(format!("表格「{}」没有定义任何列", def.id.get_ref())).at(
                src,
                def.id.span(),
                "此表格缺少 [[table.column]]",
            ),
        );
    }

    let mut row_ids: HashMap<String, PackSpan> = HashMap::new();
    let mut rows: Vec<RowTemplate> = Vec::new();
    for r in &def.row {
        unique(&mut row_ids, "行", src, &r.id)?;
        let parent = match &r.parent {
            None => None,
            Some(p) => {
                let idx = rows
                    .iter()
                    .position(|x| &x.id == p.get_ref())
                    .ok_or_else(|| {
                        unknown(
                            src,
                            p,
                            "行（上级行必须在本行之前定义）",
                            rows.iter().map(|x| x.id.as_str()),
                        )
                    })?;
                if !rows[idx].group {
                    return Err(
                        PackError::new(format!("上级行「{}」不是分组行", p.get_ref()))
                            .at(src, p.span(), "此行没有 group = true")
                            .help("在上级行的定义中加上 group = true"),
                    );
                }
                Some(idx)
            }
        };
        let cols = match &r.columns {
            None => (0..columns.len()).collect(),
            Some(list) => {
                let mut v = Vec::new();
                for c in list {
                    let idx = columns
                        .iter()
                        .position(|x| &x.id == c.get_ref())
                        .ok_or_else(|| {
                            unknown(src, c, "列", columns.iter().map(|x| x.id.as_str()))
                        })?;
                    v.push(idx);
                }
                v
            }
        };
        rows.push(RowTemplate {
            id: r.id.get_ref().clone(),
            label: LabelSet::new(&r.label, &r.variants),
            short: r.short.clone().unwrap_or_else(|| r.label.clone()),
            parent,
            group: r.group,
            unlabeled: r.unlabeled,
            columns: cols,
        });
    }
    if rows.iter().all(|r| r.group) {
        return Err(
            PackError::new(format!("表格「{}」没有可填数值的行", def.id.get_ref())).at(
                src,
                def.id.span(),
                "此表格缺少非分组的 [[table.row]]",
            ),
        );
    }

    Ok(TableTemplate {
        id: def.id.get_ref().clone(),
        name: def.name.clone(),
        title: def.title.clone(),
        section,
        headers: def.headers.iter().map(|h| LabelSet::new(h, &[])).collect(),
        legacy: def
            .legacy
            .iter()
            .map(|l| LegacyLabel {
                label: l.label.clone(),
                norm: normalize(&l.label),
                current: l.current.clone(),
            })
            .collect(),
        columns,
        rows,
        rows_by_label: std::sync::OnceLock::new(),
    })
}

fn unique(
    seen: &mut HashMap<String, PackSpan>,
    what: &str,
    src: &Arc<PackSource>,
    id: &Spanned<String>,
) -> Result<(), PackError> {
    let place = PackSpan {
        source: Arc::clone(src),
        span: id.span(),
    };
    if let Some(first) = seen.get(id.get_ref()) {
        return Err(
            PackError::new(format!("{what} id「{}」重复定义", id.get_ref()))
                .at(src, id.span(), "再次定义")
                .also(first.clone(), "第一次定义在此"),
        );
    }
    seen.insert(id.get_ref().clone(), place);
    Ok(())
}

/// "unknown id" error listing the ids that do exist.
pub fn unknown<'a>(
    src: &Arc<PackSource>,
    id: &Spanned<String>,
    what: &str,
    known: impl Iterator<Item = &'a str>,
) -> PackError {
    let known: Vec<&str> = known.collect();
    let mut err = PackError::new(format!("找不到{what}「{}」", id.get_ref())).at(
        src,
        id.span(),
        "没有这个 id",
    );
    if let Some(close) = known
        .iter()
        .copied()
        .max_by(|a, b| {
            strsim::jaro_winkler(a, id.get_ref()).total_cmp(&strsim::jaro_winkler(b, id.get_ref()))
        })
        .filter(|c| strsim::jaro_winkler(c, id.get_ref()) > 0.8)
    {
        err = err.help(format!("是否想写「{close}」？"));
    }
    if !known.is_empty() {
        err = err.note(format!("可用的 id：{}", known.join("、")));
    }
    err
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepared_labels_score_as_the_labels() {
        let labels = [
            LabelSet::new("行政规范性文件", &["规范性文件".to_string()]),
            LabelSet::new("本年新收政府信息公开申请数量", &[]),
            LabelSet::new(
                "（三）不予公开",
                &["(三)不公开".to_string(), "不予公开".to_string()],
            ),
            LabelSet::new("1.属于国家秘密", &[]),
            LabelSet::new("其他", &[String::new()]),
        ];
        let probes = LabelProbes::new(labels.iter());
        // Found texts over the labels' own characters: equal, variants, cut, mistyped.
        let alphabet: Vec<char> = "行政规范性文件本年新收申请数量(三)不予公开1.属于国家秘密其他"
            .chars()
            .collect();
        let mut next = crate::test_rng::below(0x9E37_79B9_7F4A_7C15);
        let mut found: Vec<String> = labels.iter().flat_map(|l| l.norms.clone()).collect();
        for _ in 0..400 {
            let base = &found[next(found.len())];
            let mut chars: Vec<char> = base.chars().collect();
            for _ in 0..=next(3) {
                match next(3) {
                    0 if !chars.is_empty() => {
                        chars.remove(next(chars.len()));
                    }
                    1 if !chars.is_empty() => {
                        let at = next(chars.len());
                        chars[at] = alphabet[next(alphabet.len())];
                    }
                    _ => chars.insert(next(chars.len() + 1), alphabet[next(alphabet.len())]),
                }
            }
            found.push(chars.into_iter().collect());
        }
        for f in &found {
            let probe = Probe::new(f);
            for (i, label) in labels.iter().enumerate() {
                for min in [f64::NEG_INFINITY, 0.6, 0.72, 0.75, 0.85, 1.0] {
                    assert_eq!(
                        probes.score_at_least(i, &probe, min),
                        label.score_at_least(f, min),
                        "{f} / {} at {min}",
                        label.standard
                    );
                }
                // No score exceeds 1.0: a bar above it is never reached (the table
                // reader stops its search for a row there).
                assert!(label.score(f).score() <= 1.0, "{f}");
                for min in [1.0 + 1e-9, 1.02] {
                    assert_eq!(probes.score_at_least(i, &probe, min), None, "{f}");
                }
            }
        }
    }
}
