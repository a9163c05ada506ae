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

/// Declares the rule kinds in one place: each becomes a top-level array of a pack file
/// (`[[name]]`, parsed into the kind's `Def`) and is compiled with the kind's `compile`.
/// Adding a kind is one line here (and its module in `src/rules/`).
macro_rules! rule_kinds {
    ($($name:ident => $module:ident),* $(,)?) => {
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct PackFile {
            pub pack: Option<Manifest>,
            #[serde(default)]
            pub section: Vec<SectionDef>,
            #[serde(default)]
            pub table: Vec<TableDef>,
            /// Named regex fragments for the narrative rules: `receive = "收到|受理"`.
            #[serde(default)]
            pub fragment: BTreeMap<String, Spanned<String>>,
            $(
                #[serde(default)]
                pub $name: Vec<rules::$module::Def>,
            )*
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
                $(
                    compile_all(&mut out, source, stringify!($name), &self.$name, &cx, rules::$module::compile)?;
                )*
                Ok(out)
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
}

/// A rule definition compiled against the templates, with its header.
pub struct CompiledDef<'a> {
    pub header: rules::DefHeader<'a>,
    pub kind: &'static str,
    pub check: Box<dyn Check>,
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
