//! The shape of a pack file. Every `*.toml` file of a pack has this shape; only
//! `pack.toml` may carry the `[pack]` manifest. Top-level arrays are templates
//! (`section`, `table`) or rules, one array per rule kind.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use super::error::{PackError, PackSource};
use super::template::{SectionDef, TableDef, Templates};
use crate::report::Severity;
use crate::rules::{self, Check, RuleDef};

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
    ) -> Result<Vec<CompiledDef<'a>>, PackError> {
        let mut out = Vec::new();
        compile_all(
            &mut out,
            source,
            "structure",
            &self.structure,
            templates,
            rules::sections::compile,
        )?;
        compile_all(
            &mut out,
            source,
            "table_check",
            &self.table_check,
            templates,
            rules::table_template::compile,
        )?;
        compile_all(
            &mut out,
            source,
            "equation",
            &self.equation,
            templates,
            rules::equation::compile,
        )?;
        Ok(out)
    }
}

/// The `compile` function of a rule kind: definition, templates, the file's text.
type CompileFn<D> = fn(&D, &Templates, &str) -> Result<Box<dyn Check>, super::error::DefError>;

fn compile_all<'a, D: RuleDef>(
    out: &mut Vec<CompiledDef<'a>>,
    source: &Arc<PackSource>,
    kind: &'static str,
    defs: &'a [D],
    templates: &Templates,
    compile: CompileFn<D>,
) -> Result<(), PackError> {
    for def in defs {
        let check = compile(def, templates, &source.text).map_err(|e| e.in_file(source))?;
        out.push(CompiledDef {
            header: def.header(),
            kind,
            check,
        });
    }
    Ok(())
}
