//! Rule kinds. Each file in this folder is one kind: the TOML shape of its entries
//! (`Def`), how an entry is validated against the templates (`compile`), and the check
//! it runs on a parsed document. The packs in `rules/` hold the rules themselves.
//!
//! To add a kind: write `src/rules/<kind>.rs` with `rule_def!` + `compile` + an
//! `impl Check`, and add one line to `rule_kinds!` in `pack::schema`.

use std::ops::Range;

use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::Document;
use crate::template::Templates;

pub mod aggregate;
pub mod breakdown;
pub mod content;
pub mod cross_ref;
pub mod cross_year;
pub mod cross_year_text;
pub mod dates;
pub mod equation;
pub mod expr;
pub mod fix_def;
pub mod glued_ref;
pub mod mojibake;
pub mod pattern;
pub mod relation;
pub mod repetition;
pub mod scan;
pub mod sections;
pub mod series_check;
pub mod suppression;
pub mod table_template;

/// Declares a rule kind's TOML entry: the fields every rule has (id, severity,
/// summary, description, example) followed by the kind's own fields.
macro_rules! rule_def {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$fmeta:meta])* pub $field:ident : $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            pub id: toml::Spanned<String>,
            pub severity: toml::Spanned<crate::diagnostic::Severity>,
            pub summary: String,
            pub description: String,
            #[serde(default)]
            pub example: Option<String>,
            /// The issuing-body levels the rule applies to (`["government"]`); empty: all.
            #[serde(default)]
            pub levels: Vec<toml::Spanned<crate::parse::body::Level>>,
            $($(#[$fmeta])* pub $field: $ty,)*
        }

        impl crate::rules::RuleDef for $name {
            fn header(&self) -> crate::rules::DefHeader<'_> {
                crate::rules::DefHeader {
                    id: &self.id,
                    severity: &self.severity,
                    summary: &self.summary,
                    description: &self.description,
                    example: self.example.as_deref(),
                    levels: &self.levels,
                }
            }
        }
    };
}
pub(crate) use rule_def;

/// The fields every rule definition has.
pub struct DefHeader<'a> {
    pub id: &'a toml::Spanned<String>,
    pub severity: &'a toml::Spanned<Severity>,
    pub summary: &'a str,
    pub description: &'a str,
    pub example: Option<&'a str>,
    pub levels: &'a [toml::Spanned<crate::parse::body::Level>],
}

/// What a rule kind's `compile` gets: the templates the rule may refer to, the pack's
/// regex fragments, and the text of the TOML file (to point errors inside strings).
pub struct CompileCx<'a> {
    pub templates: &'a Templates,
    pub fragments: &'a crate::template::fragments::Fragments,
    pub source: &'a str,
    /// Whether rules check their `examples` and `counterexamples`, and compile their
    /// regexes, now. False for the built-in packs: `cargo test` does both
    /// (`tests/pack_examples.rs`), so a start does not pay for it and their regexes are
    /// compiled when first searched; a user's pack is always checked when it loads.
    pub check_examples: bool,
    /// Where the pack's regexes are made (and those that search whole texts
    /// registered for the pack's literal scan, `scan::Scanner`).
    pub regexes: &'a scan::Registry,
}

impl CompileCx<'_> {
    /// A regex made from a pack field: `source` is what is compiled (the field's
    /// pattern with fragments expanded, perhaps wrapped), errors point at `field`.
    /// Compiled now when the pack is checked as it loads, else when first searched.
    /// `scanned`: it searches a whole text (the document's or its narrative), so the
    /// per-document literal scan may spare it.
    pub fn regex(
        &self,
        field: &toml::Spanned<String>,
        source: String,
        scanned: bool,
    ) -> Result<scan::PackRegex, crate::template::error::DefError> {
        let compiled = if self.check_examples {
            Some(regex::Regex::new(&source).map_err(|e| regex_error(field, self, &e.to_string()))?)
        } else {
            None
        };
        Ok(self.regexes.regex(scan::Spec {
            source,
            limited: false,
            compiled,
            scanned,
        }))
    }
}

/// Implemented by every `Def` through `rule_def!`.
pub trait RuleDef {
    fn header(&self) -> DefHeader<'_>;
}

/// What `nianbao rules` and `nianbao explain` show, and what diagnostics are stamped with.
#[derive(Clone, Debug)]
pub struct RuleMeta {
    pub id: String,
    pub severity: Severity,
    pub summary: String,
    pub description: String,
    pub example: Option<String>,
    /// The rule kind (the TOML array it was declared in), e.g. `equation`.
    pub kind: &'static str,
    /// Name of the pack that declared it.
    pub pack: String,
    /// Issuing-body levels the rule applies to; empty: every report. A rule limited to
    /// some levels is skipped when the level cannot be inferred.
    pub levels: Vec<crate::parse::body::Level>,
    /// A pack's replacement of the findings' message (`[[override]]`); `{message}`
    /// stands for the original.
    pub message: Option<String>,
    /// A pack's replacement of the findings' help; `{help}` stands for the original.
    pub help: Option<String>,
}

/// A figure in the narrative that a rule compared with something: shown by
/// `nianbao extract`, and used by tests to change every checked figure.
#[derive(Clone, Debug)]
pub struct FigureUse {
    /// Where the figure (or the wording that implies zero) is in the document.
    pub span: Range<usize>,
    pub value: crate::number::Num,
    /// What it was compared with, e.g. `表三「一、本年新收」总计 24`.
    pub compared_with: String,
    pub agrees: bool,
}

/// A compiled rule: runs over one document and reports findings.
pub trait Check: Send + Sync {
    fn check(&self, cx: &mut Context<'_>);

    /// The narrative figures this rule compares in `doc` (narrative rules only).
    fn figures(&self, _doc: &Document, _templates: &Templates) -> Vec<FigureUse> {
        Vec::new()
    }

    /// Lines for `nianbao explain`: what exactly this rule compares, in the pack's terms.
    fn explain(&self, _templates: &Templates) -> Vec<String> {
        Vec::new()
    }

    /// The wordings this rule recognises, as written in the pack and compiled, so that
    /// `nianbao test` can name a wording that no fixture reaches (rules of the
    /// `cross_ref` and `pattern` kinds; empty for the others).
    fn wordings(&self) -> Vec<(String, &regex::Regex)> {
        Vec::new()
    }

    /// The relation between cells this rule checks, for decoding glued digit runs
    /// (`parse::glued`); `rule` is the rule's id (`equation` rules only).
    fn decoding_relation(&self, _rule: &str) -> Option<crate::template::expr::RelationSpec> {
        None
    }

    /// Rules that compare reports (`cross_year`, `cross_year_text`, `aggregate`): run
    /// by `series` over a batch, not over one document.
    fn series(&self) -> Option<&dyn series_check::SeriesCheck> {
        None
    }

    /// What `nianbao check --fix` does with this rule's findings, for `nianbao
    /// explain`; `None` when they are never fixed automatically.
    fn fix(&self) -> Option<String> {
        None
    }
}

/// What a check sees: the document, the templates, and where to put findings.
pub struct Context<'a> {
    pub doc: &'a Document,
    pub templates: &'a Templates,
    pub meta: &'a RuleMeta,
    pub out: &'a mut Vec<Diagnostic>,
    /// The document's literal scan: which of the pack's regexes can match in its text.
    pub scan: &'a scan::Scan<'a>,
    /// Figures of relations that were checked and hold (see `check::merge`).
    pub holding: &'a mut Holding,
}

/// The figures of the relations a document's checks found to hold, for `check::merge`:
/// a figure in one is not a good one to change. Only what the merge asks is kept —
/// each figure's span and the rule whose relation holds, in the order recorded — not
/// the relations themselves: an equation records one for every row and column it
/// checks, and most of them hold (a whole relation for each was about 3% of a batch's
/// instructions).
#[derive(Debug, Default)]
pub struct Holding {
    /// (span, index in `rules`), in the order recorded.
    figures: Vec<(Range<usize>, usize)>,
    /// The ids of the rules that recorded figures, each once per run of the rule.
    rules: Vec<String>,
}

impl Holding {
    /// Records the figures (spans) of a relation of `rule` that holds.
    pub fn record(&mut self, rule: &str, spans: impl IntoIterator<Item = Range<usize>>) {
        let mut spans = spans.into_iter().peekable();
        if spans.peek().is_none() {
            return;
        }
        if self.rules.last().is_none_or(|last| last != rule) {
            self.rules.push(rule.to_string());
        }
        let at = self.rules.len() - 1;
        self.figures.extend(spans.map(|span| (span, at)));
    }

    /// Whether `span` is a figure of a relation that holds.
    pub fn contains(&self, span: &Range<usize>) -> bool {
        self.figures.iter().any(|(s, _)| s == span)
    }

    /// The rule of the first relation that holds with `span` among its figures.
    pub fn rule_of(&self, span: &Range<usize>) -> Option<&str> {
        self.figures
            .iter()
            .find(|(s, _)| s == span)
            .and_then(|&(_, rule)| self.rules.get(rule))
            .map(String::as_str)
    }
}

impl Context<'_> {
    /// A diagnostic stamped with this rule's id and severity.
    pub fn diagnostic(&self, primary: Range<usize>, message: String) -> Diagnostic {
        Diagnostic::new(&self.meta.id, self.meta.severity, primary, message)
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.out.push(diagnostic);
    }

    /// Records a relation that holds, by the spans of its figures: a figure in it is
    /// not a good one to change.
    pub fn holds(&mut self, spans: impl IntoIterator<Item = Range<usize>>) {
        self.holding.record(&self.meta.id, spans);
    }
}

/// Resolves a list of ids (or "all" when empty) to indexes, for `tables = [...]` and
/// `sections = [...]` fields.
pub fn resolve_ids<'a>(
    ids: &[toml::Spanned<String>],
    all: usize,
    find: impl Fn(&str) -> Option<usize>,
    known: impl Fn() -> Vec<&'a str>,
    what: &str,
) -> Result<Vec<usize>, crate::template::error::DefError> {
    if ids.is_empty() {
        return Ok((0..all).collect());
    }
    ids.iter()
        .map(|id| {
            find(id.get_ref()).ok_or_else(|| {
                crate::template::error::DefError::new(
                    id.span(),
                    format!("找不到{what}「{}」", id.get_ref()),
                    "没有这个 id",
                )
                .help(format!("可用的 id：{}", known().join("、")))
            })
        })
        .collect()
}

/// A regex written in a pack (after fragment expansion) that searches whole texts,
/// pointing errors at the TOML string; see `CompileCx::regex` for when it is compiled.
pub fn pack_regex(
    field: &toml::Spanned<String>,
    cx: &CompileCx<'_>,
) -> Result<scan::PackRegex, crate::template::error::DefError> {
    pack_regex_for(field, cx, true)
}

/// `pack_regex` for a regex searched in pieces of a text (a clause, the text before a
/// figure): not in the pack's literal scan.
pub fn piece_regex(
    field: &toml::Spanned<String>,
    cx: &CompileCx<'_>,
) -> Result<scan::PackRegex, crate::template::error::DefError> {
    pack_regex_for(field, cx, false)
}

fn pack_regex_for(
    field: &toml::Spanned<String>,
    cx: &CompileCx<'_>,
    scanned: bool,
) -> Result<scan::PackRegex, crate::template::error::DefError> {
    let expanded = expand(field, cx)?;
    let compiled = if cx.check_examples {
        Some(build_now(field, cx, &expanded)?)
    } else {
        None
    };
    Ok(cx.regexes.regex(scan::Spec {
        source: expanded,
        limited: true,
        compiled,
        scanned,
    }))
}

/// Compiles a pack pattern (fragments expanded) now, with the pack size limit,
/// pointing errors at the TOML string.
pub fn build_now(
    field: &toml::Spanned<String>,
    cx: &CompileCx<'_>,
    expanded: &str,
) -> Result<regex::Regex, crate::template::error::DefError> {
    scan::build(expanded).map_err(|e| match e {
        regex::Error::CompiledTooBig(limit) => {
            regex_error(field, cx, &format!("编译后超过 {} MB 的上限", limit >> 20))
                .help("缩短模式，或减少大的重复次数（如 {0,500}）和字符类")
        }
        e => regex_error(field, cx, &e.to_string()),
    })
}

/// Largest compiled pack regex (the `regex` crate's `size_limit`).
pub const REGEX_SIZE_LIMIT: usize = scan::REGEX_SIZE_LIMIT;

/// Expands the `{fragment}` references of a pack regex.
pub fn expand(
    field: &toml::Spanned<String>,
    cx: &CompileCx<'_>,
) -> Result<String, crate::template::error::DefError> {
    cx.fragments.expand(field.get_ref()).map_err(|e| {
        let mut err = crate::template::error::DefError::new(
            expr::file_span(cx.source, field, e.span),
            e.message,
            "此处",
        );
        err.notes = e.notes;
        if err.message.contains("上限") {
            let chain = !err.notes.is_empty();
            err = err.help(if !chain {
                "缩短这条模式，或把它拆成几条规则"
            } else {
                "减少片段之间的重复引用，或把这条模式拆成几条更短的规则"
            });
        }
        err
    })
}

pub fn regex_error(
    field: &toml::Spanned<String>,
    cx: &CompileCx<'_>,
    detail: &str,
) -> crate::template::error::DefError {
    let detail = detail.lines().last().unwrap_or(detail).trim();
    crate::template::error::DefError::new(
        expr::file_span(cx.source, field, 0..field.get_ref().len()),
        format!("正则表达式有误：{detail}"),
        "此正则表达式",
    )
}

/// Checks a rule against its own `examples` (each must be recognised) and
/// `counterexamples` (none may be), when the pack loads (unless `cx` says they were
/// checked at build time). `recognise` returns what the rule finds first in a text, if
/// anything.
pub fn check_examples(
    cx: &CompileCx<'_>,
    examples: &[toml::Spanned<String>],
    counterexamples: &[toml::Spanned<String>],
    recognise: impl Fn(&str) -> Option<String>,
) -> Result<(), crate::template::error::DefError> {
    if !cx.check_examples {
        return Ok(());
    }
    for e in examples {
        if recognise(e.get_ref()).is_none() {
            return Err(crate::template::error::DefError::new(
                e.span(),
                "示例没有被此规则识别",
                "此示例没有被识别",
            )
            .help("修改示例或规则的写法，使示例能被识别"));
        }
    }
    for e in counterexamples {
        if let Some(found) = recognise(e.get_ref()) {
            return Err(crate::template::error::DefError::new(
                e.span(),
                format!("反例被误识别：「{found}」"),
                "此反例不应被识别",
            ));
        }
    }
    Ok(())
}

/// Resolves `sections = [...]` to section indexes (empty: every section).
pub fn resolve_sections(
    ids: &[toml::Spanned<String>],
    templates: &Templates,
) -> Result<Vec<usize>, crate::template::error::DefError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    resolve_ids(
        ids,
        templates.sections.len(),
        |id| templates.section_index(id),
        || templates.sections.iter().map(|s| s.id.as_str()).collect(),
        "章节",
    )
}

/// True when `offset` of `doc` is in one of `sections` (or `sections` is empty).
pub fn in_sections(doc: &Document, sections: &[usize], offset: usize) -> bool {
    sections.is_empty()
        || doc
            .section_at(offset)
            .is_some_and(|s| sections.contains(&s))
}

/// Parses a `check = "…"` field against the names a kind supports.
pub fn parse_check<T: Copy>(
    check: &toml::Spanned<String>,
    names: &[(&str, T)],
) -> Result<T, crate::template::error::DefError> {
    names
        .iter()
        .find(|(n, _)| *n == check.get_ref())
        .map(|(_, v)| *v)
        .ok_or_else(|| {
            let list: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
            crate::template::error::DefError::new(
                check.span(),
                format!("未知的检查「{}」", check.get_ref()),
                "不支持的 check",
            )
            .help(format!("可用的 check：{}", list.join("、")))
        })
}
