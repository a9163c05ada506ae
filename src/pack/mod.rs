//! Rule packs: the national pack built into the binary, and packs on disk that extend
//! it. A pack is a folder of TOML files; loading one yields the `Templates` the parser
//! reads documents against and the compiled `Rule`s the checker runs.

pub mod error;
pub mod fragments;
mod load;
pub mod schema;
pub mod template;

use std::path::Path;

pub use error::{PackError, PackSource, PackSpan};
pub use template::Templates;

use crate::rules::{Check, RuleMeta};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_pack.rs"));
}

/// The name by which `extends` and `--pack` refer to the built-in pack.
pub const NATIONAL: &str = "national";

/// A compiled rule of a pack.
pub struct Rule {
    pub meta: RuleMeta,
    pub enabled: bool,
    pub check: Box<dyn Check>,
}

/// A loaded, validated rule pack (including the packs it extends).
pub struct Pack {
    pub name: String,
    pub title: String,
    pub description: String,
    /// Names of the packs in the `extends` chain, base first.
    pub chain: Vec<String>,
    pub templates: Templates,
    pub rules: Vec<Rule>,
}

impl Pack {
    /// The built-in national pack.
    pub fn national() -> Result<Pack, PackError> {
        load::load(load::Origin::Builtin)
    }

    /// A pack from a folder on disk (which may `extends` the national pack or another folder).
    pub fn from_dir(dir: &Path) -> Result<Pack, PackError> {
        load::load(load::Origin::Dir(dir.to_path_buf()))
    }

    /// `national` for the built-in pack, otherwise a folder.
    pub fn from_arg(arg: &str) -> Result<Pack, PackError> {
        if arg == NATIONAL {
            Pack::national()
        } else {
            Pack::from_dir(Path::new(arg))
        }
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.meta.id == id)
    }

    pub fn enabled_rules(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().filter(|r| r.enabled)
    }
}
