//! The shape of a pack file. Every `*.toml` file of a pack has this shape; only
//! `pack.toml` may carry the `[pack]` manifest. Top-level arrays are templates
//! (`section`, `table`), amendments of the templates and rules of the packs a pack
//! extends (`variant`, `override`, see `amend.rs`) or rules, one array per rule kind.
//!
//! A file is read entry by entry (not in one `serde` pass) so that every bad entry of
//! every file is reported, not only the first one.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeValue, ValueDeserializer};

use super::amend::{OverrideDef, VariantDef};
use crate::diagnostic::Severity;
use crate::rules::{self, Check, CompileCx, RuleDef};
use crate::template::error::{Errors, PackError, PackSource, did_you_mean};
use crate::template::fragments::Fragments;
use crate::template::{SectionDef, TableDef, Templates};

/// `[pack]` in pack.toml.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub name: Spanned<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    /// A built-in pack (`"national"`, `"fujian"`…), or a folder relative to this pack.
    pub extends: Option<Spanned<String>>,
    /// Rule ids to turn off.
    #[serde(default)]
    pub disable: Vec<Spanned<String>>,
    /// New severities: `T104 = "error"`.
    #[serde(default)]
    pub severity: BTreeMap<Spanned<String>, Spanned<Severity>>,
}

/// Declares the rule kinds in one place: each becomes a top-level array of a pack file
/// (`[[name]]`, parsed into the kind's `Def`) and is compiled with the kind's `compile`.
/// Adding a kind is one line here (and its module in `src/rules/`).
macro_rules! rule_kinds {
    ($($name:ident => $module:ident),* $(,)?) => {
        #[derive(Debug, Default)]
        pub struct PackFile {
            pub pack: Option<Manifest>,
            pub section: Vec<SectionDef>,
            pub table: Vec<TableDef>,
            /// Named regex fragments for the narrative rules: `receive = "收到|受理"`.
            pub fragment: BTreeMap<String, Spanned<String>>,
            /// `[[variant]]`: accepted titles and labels added to the templates.
            pub variant: Vec<VariantDef>,
            /// `[[override]]`: changes to a rule of an extended pack.
            pub overrides: Vec<OverrideDef>,
            $(
                pub $name: Vec<rules::$module::Def>,
            )*
        }

        /// The rule kinds, as written in pack files.
        pub const RULE_KINDS: &[&str] = &[$(stringify!($name)),*];

        impl PackFile {
            /// Reads one pack file; every problem goes to `errors`, and what could be
            /// read is returned.
            pub fn parse(source: &Arc<PackSource>, errors: &mut Errors) -> PackFile {
                let mut file = PackFile::default();
                let (root, syntax) = toml::de::DeTable::parse_recoverable(&source.text);
                if !syntax.is_empty() {
                    for e in &syntax {
                        errors.push(toml_error(source, e));
                    }
                    return file;
                }
                for (key, value) in root.into_inner() {
                    match key.get_ref().as_ref() {
                        "pack" => file.pack = one(source, value, errors),
                        "section" => file.section = each(source, value, errors),
                        "table" => file.table = each(source, value, errors),
                        "fragment" => file.fragment = one(source, value, errors).unwrap_or_default(),
                        "variant" => file.variant = each(source, value, errors),
                        "override" => file.overrides = each(source, value, errors),
                        $(
                            stringify!($name) => file.$name = each(source, value, errors),
                        )*
                        other => errors.push(unknown_key(source, key.span(), other, TOP_KEYS.iter().copied().chain(RULE_KINDS.iter().copied()))),
                    }
                }
                file
            }

            /// Compiles every rule of this file; a rule that does not compile is
            /// reported in `errors` and left out.
            pub fn compile_rules<'a>(
                &'a self,
                source: &Arc<PackSource>,
                templates: &Templates,
                fragments: &Fragments,
                check_examples: bool,
                regexes: &crate::rules::scan::Registry,
                errors: &mut Errors,
            ) -> Vec<CompiledDef<'a>> {
                let cx = CompileCx {
                    templates,
                    fragments,
                    source: &source.text,
                    check_examples,
                    regexes,
                };
                let mut out = Vec::new();
                $(
                    compile_all(&mut out, source, stringify!($name), &self.$name, &cx, rules::$module::compile, errors);
                )*
                out
            }

            /// Compiles the rule `id` of this file again with other wordings
            /// (`[[override]]` with `patterns`): the rule's other fields stay, its
            /// `patterns`, `examples` and `counterexamples` are replaced. `Ok(None)`:
            /// no rule `id` here. Kinds without wordings give an error.
            pub fn recompile_with_wordings(
                &self,
                id: &str,
                wordings: &Wordings<'_>,
                cx: &CompileCx<'_>,
            ) -> Option<Result<Box<dyn Check>, crate::template::error::DefError>> {
                $(
                    if let Some(def) = self.$name.iter().find(|d| d.header().id.get_ref() == id) {
                        return Some(wordings.apply(stringify!($name), def, cx));
                    }
                )*
                None
            }
        }
    };
}

rule_kinds! {
    structure => sections,
    content => content,
    table_check => table_template,
    equation => equation,
    cross_ref => cross_ref,
    breakdown => breakdown,
    date_check => dates,
    pattern => pattern,
    repetition => repetition,
    cross_year => cross_year,
    cross_year_text => cross_year_text,
    aggregate => aggregate,
    suppression => suppression,
}

/// Top-level keys of a pack file besides the rule kinds.
const TOP_KEYS: &[&str] = &[
    "pack", "section", "table", "fragment", "variant", "override",
];

/// Wordings an `[[override]]` adds to a narrative rule of an extended pack.
pub struct Wordings<'a> {
    pub at: std::ops::Range<usize>,
    pub patterns: &'a [Spanned<String>],
    pub examples: &'a [Spanned<String>],
    pub counterexamples: &'a [Spanned<String>],
}

/// What `Wordings::apply` can change: the kinds whose rules are lists of wordings.
trait HasWordings: Clone {
    fn set_wordings(&mut self, w: &Wordings<'_>);
}

impl HasWordings for rules::cross_ref::Def {
    fn set_wordings(&mut self, w: &Wordings<'_>) {
        self.patterns = w.patterns.to_vec();
        self.zero_patterns.clear();
        self.examples = w.examples.to_vec();
        self.counterexamples = w.counterexamples.to_vec();
    }
}

impl HasWordings for rules::pattern::Def {
    fn set_wordings(&mut self, w: &Wordings<'_>) {
        self.patterns = w.patterns.to_vec();
        self.examples = w.examples.to_vec();
        self.counterexamples = w.counterexamples.to_vec();
    }
}

impl Wordings<'_> {
    fn apply<D: std::any::Any>(
        &self,
        kind: &str,
        def: &D,
        cx: &CompileCx<'_>,
    ) -> Result<Box<dyn Check>, crate::template::error::DefError> {
        let any: &dyn std::any::Any = def;
        if let Some(d) = any.downcast_ref::<rules::cross_ref::Def>() {
            let mut d = d.clone();
            d.set_wordings(self);
            return rules::cross_ref::compile(&d, cx);
        }
        if let Some(d) = any.downcast_ref::<rules::pattern::Def>() {
            let mut d = d.clone();
            d.set_wordings(self);
            return rules::pattern::compile(&d, cx);
        }
        Err(crate::template::error::DefError::new(
            self.at.clone(),
            format!("{kind} 规则不能增加写法"),
            "patterns 只能用于 cross_ref 和 pattern 规则",
        ))
    }
}

/// A rule definition compiled against the templates, with its header.
pub struct CompiledDef<'a> {
    pub header: rules::DefHeader<'a>,
    pub kind: &'static str,
    pub check: Box<dyn Check>,
}

/// The `compile` function of a rule kind.
type CompileFn<D> =
    fn(&D, &CompileCx<'_>) -> Result<Box<dyn Check>, crate::template::error::DefError>;

fn compile_all<'a, D: RuleDef>(
    out: &mut Vec<CompiledDef<'a>>,
    source: &Arc<PackSource>,
    kind: &'static str,
    defs: &'a [D],
    cx: &CompileCx<'_>,
    compile: CompileFn<D>,
    errors: &mut Errors,
) {
    for def in defs {
        match compile(def, cx) {
            Ok(check) => out.push(CompiledDef {
                header: def.header(),
                kind,
                check,
            }),
            Err(e) => errors.push(e.in_file(source)),
        }
    }
}

/// Reads one value (a table such as `[pack]`).
fn one<T: serde::de::DeserializeOwned>(
    source: &Arc<PackSource>,
    value: Spanned<DeValue<'_>>,
    errors: &mut Errors,
) -> Option<T> {
    T::deserialize(ValueDeserializer::from(value))
        .map_err(|e| errors.push(toml_error(source, &e)))
        .ok()
}

/// Reads an array of tables entry by entry, so that each bad entry is reported.
fn each<T: serde::de::DeserializeOwned>(
    source: &Arc<PackSource>,
    value: Spanned<DeValue<'_>>,
    errors: &mut Errors,
) -> Vec<T> {
    let span = value.span();
    match value.into_inner() {
        DeValue::Array(items) => items
            .into_iter()
            .filter_map(|item| one(source, item, errors))
            .collect(),
        other => {
            let value = Spanned::new(span, other);
            one::<Vec<T>>(source, value, errors).unwrap_or_default()
        }
    }
}

/// "unknown key" with the closest known key.
pub fn unknown_key<'a>(
    source: &Arc<PackSource>,
    span: std::ops::Range<usize>,
    key: &str,
    known: impl Iterator<Item = &'a str> + Clone,
) -> PackError {
    let mut err = PackError::new(format!("未知的键 `{key}`")).at(source, span, "不认识的键");
    if let Some(close) = did_you_mean(key, known.clone()) {
        err = err.help(format!("是否想写 `{close}`？"));
    }
    err.note(format!(
        "可用的键：{}",
        known.collect::<Vec<_>>().join("、")
    ))
}

pub fn toml_error(src: &Arc<PackSource>, e: &toml::de::Error) -> PackError {
    let message = e.message().trim().to_string();
    let (message, help) = translate_toml_message(&message);
    let mut err = PackError::new(message);
    if let Some(span) = e.span() {
        err = err.at(src, span, "此处");
    }
    if let Some(h) = help {
        err = err.help(h);
    }
    err
}

/// Puts toml's English message into a Chinese sentence, with the closest field or
/// value when one was probably meant.
fn translate_toml_message(msg: &str) -> (String, Option<String>) {
    let names = |expected: &str| -> Vec<String> {
        expected
            .trim_start_matches("one of ")
            .split(',')
            .map(|s| s.trim().trim_matches('`').to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let suggest = |word: &str, expected: &str, what: &str| -> Option<String> {
        let list = names(expected);
        let word = word.trim_matches('`');
        if list.is_empty() {
            return None;
        }
        let close = did_you_mean(word, list.iter().map(String::as_str));
        Some(match close {
            Some(c) => format!("是否想写 `{c}`？{what}：{}", list.join("、")),
            None => format!("{what}：{}", list.join("、")),
        })
    };
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let (field, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return (
            format!("未知字段 {field}"),
            suggest(field, expected, "此处可用的字段"),
        );
    }
    if let Some(rest) = msg.strip_prefix("missing field ") {
        return (format!("缺少必填字段 {rest}"), None);
    }
    if let Some(rest) = msg.strip_prefix("unknown variant ") {
        let (v, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return (format!("无效的取值 {v}"), suggest(v, expected, "可用的值"));
    }
    (format!("TOML 格式错误：{msg}"), None)
}
