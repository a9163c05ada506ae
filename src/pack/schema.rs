//! The shape of a pack file. Every `*.toml` file of a pack has this shape; only
//! `pack.toml` may carry the `[pack]` manifest. Top-level arrays are templates
//! (`section`, `table`) or rules, one array per rule kind.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use super::error::{PackError, PackSource};
use super::fragments::Fragments;
use super::template::{SectionDef, TableDef, Templates};
use crate::report::Severity;
use crate::rules::{self, Check, CompileCx, RuleDef};

/// `[pack]` in pack.toml.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub name: Spanned<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    /// `"national"` for the built-in pack, or a folder relative to this pack.
    pub extends: Option<Spanned<String>>,
    /// Rule ids to turn off.
    #[serde(default)]
    pub disable: Vec<Spanned<String>>,
    /// New severities: `T104 = "error"`.
    #[serde(default)]
    pub severity: BTreeMap<Spanned<String>, Spanned<Severity>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackFile {
    pub pack: Option<Manifest>,
    #[serde(default)]
    pub section: Vec<SectionDef>,
    #[serde(default)]
    pub table: Vec<TableDef>,
    #[serde(default)]
    pub structure: Vec<rules::sections::Def>,
    #[serde(default)]
    pub table_check: Vec<rules::table_template::Def>,
    #[serde(default)]
    pub equation: Vec<rules::equation::Def>,
    #[serde(default)]
    pub cross_ref: Vec<rules::cross_ref::Def>,
    #[serde(default)]
    pub breakdown: Vec<rules::breakdown::Def>,
    #[serde(default)]
    pub date_check: Vec<rules::dates::Def>,
    #[serde(default)]
    pub content: Vec<rules::content::Def>,
    #[serde(default)]
    pub pattern: Vec<rules::pattern::Def>,
    #[serde(default)]
    pub repetition: Vec<rules::repetition::Def>,
    /// Named regex fragments for the narrative rules: `receive = "收到|受理"`.
    #[serde(default)]
    pub fragment: BTreeMap<String, Spanned<String>>,
}

/// A rule definition compiled against the templates, with its header.
pub struct CompiledDef<'a> {
    pub header: rules::DefHeader<'a>,
    pub kind: &'static str,
    pub check: Box<dyn Check>,
}

impl PackFile {
    /// Compiles every rule of this file. `source` is this file, for error positions.
    pub fn compile_rules<'a>(
        &'a self,
        source: &Arc<PackSource>,
        templates: &Templates,
        fragments: &Fragments,
    ) -> Result<Vec<CompiledDef<'a>>, PackError> {
        let cx = CompileCx {
            templates,
            fragments,
            source: &source.text,
        };
        let mut out = Vec::new();
        compile_all(
            &mut out,
            source,
            "structure",
            &self.structure,
            &cx,
            rules::sections::compile,
        )?;
        compile_all(
            &mut out,
            source,
            "content",
            &self.content,
            &cx,
            rules::content::compile,
        )?;
        compile_all(
            &mut out,
            source,
            "table_check",
            &self.table_check,
            &cx,
            rules::table_template::compile,
        )?;
        compile_all(
            &mut out,
            source,
            "equation",
            &self.equation,
            &cx,
            rules::equation::compile,
        )?;
        compile_all(
            &mut out,
            source,
            "cross_ref",
            &self.cross_ref,
            &cx,
            rules::cross_ref::compile,
        )?;
        compile_all(
            &mut out,
            source,
            "breakdown",
            &self.breakdown,
            &cx,
            rules::breakdown::compile,
        )?;
        compile_all(
            &mut out,
            source,
            "date_check",
            &self.date_check,
            &cx,
            rules::dates::compile,
        )?;
        compile_all(
            &mut out,
            source,
            "pattern",
            &self.pattern,
            &cx,
            rules::pattern::compile,
        )?;
        compile_all(
            &mut out,
            source,
            "repetition",
            &self.repetition,
            &cx,
            rules::repetition::compile,
        )?;
        Ok(out)
    }
}

/// The `compile` function of a rule kind.
type CompileFn<D> = fn(&D, &CompileCx<'_>) -> Result<Box<dyn Check>, super::error::DefError>;

fn compile_all<'a, D: RuleDef>(
    out: &mut Vec<CompiledDef<'a>>,
    source: &Arc<PackSource>,
    kind: &'static str,
    defs: &'a [D],
    cx: &CompileCx<'_>,
    compile: CompileFn<D>,
) -> Result<(), PackError> {
    for def in defs {
        let check = compile(def, cx).map_err(|e| e.in_file(source))?;
        out.push(CompiledDef {
            header: def.header(),
            kind,
            check,
        });
    }
    Ok(())
}
