//! Rule packs: the built-in packs (national and the province packs, embedded in the
//! binary) and packs on disk that extend them. A pack is a folder of TOML files; loading
//! one yields the `Templates` the parser reads documents against and the compiled
//! `Rule`s the checker runs.

pub mod amend;
mod load;
pub mod schema;

use std::path::{Path, PathBuf};

pub use crate::template::Templates;
pub use crate::template::error::{PackError, PackSource, PackSpan};

use crate::rules::{Check, RuleMeta};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_pack.rs"));
}

/// The name by which `extends` and `--pack` refer to the built-in national pack.
pub const NATIONAL: &str = "national";

/// Names of the built-in packs, sorted.
pub fn builtin_names() -> Vec<&'static str> {
    embedded::BUILTIN.iter().map(|(name, _)| *name).collect()
}

/// The files of a built-in pack: (file name, contents).
pub fn builtin_files(name: &str) -> Option<&'static [(&'static str, &'static str)]> {
    embedded::BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, files)| *files)
}

/// Where a pack comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// Built into the binary, by name.
    Builtin(String),
    /// A folder with a `pack.toml`.
    Dir(PathBuf),
}

impl Location {
    /// What `--pack` (or a configuration's `pack`) names: a built-in pack, a pack
    /// folder, or a folder's `pack.toml`. A relative path is taken from `base`.
    pub fn from_arg(arg: &str, base: Option<&Path>) -> Location {
        let path = Path::new(arg);
        let looks_like_path = arg.contains(['/', '\\']) || arg.starts_with('.');
        if !looks_like_path && builtin_files(arg).is_some() {
            return Location::Builtin(arg.to_string());
        }
        let path = match base {
            Some(b) if path.is_relative() => b.join(path),
            _ => path.to_path_buf(),
        };
        let is_manifest = path.file_name().is_some_and(|n| n == "pack.toml");
        match path.parent() {
            Some(dir) if is_manifest => {
                let dir = if dir.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    dir
                };
                Location::Dir(dir.to_path_buf())
            }
            _ => Location::Dir(path),
        }
    }

    /// `national`, `fujian`, or the folder.
    pub fn display(&self) -> String {
        match self {
            Location::Builtin(name) => name.clone(),
            Location::Dir(d) => d.display().to_string(),
        }
    }
}

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
    /// Where the pack (the last of the chain) was loaded from.
    pub location: Location,
    pub templates: Templates,
    pub rules: Vec<Rule>,
    /// The literal scan of the rules' regexes (built at the first document).
    pub scanner: crate::rules::scan::Scanner,
}

impl Pack {
    /// The built-in national pack.
    pub fn national() -> Result<Pack, PackError> {
        Pack::builtin(NATIONAL)
    }

    /// A built-in pack by name (`national`, `fujian`…).
    pub fn builtin(name: &str) -> Result<Pack, PackError> {
        load::load(Location::Builtin(name.to_string()))
    }

    /// A built-in pack with its rules' `examples` and `counterexamples` checked, as
    /// they are for a pack on disk (a normal load skips that for built-in packs: the
    /// test suite does it, through this).
    pub fn builtin_with_examples(name: &str) -> Result<Pack, PackError> {
        load::load_with(
            Location::Builtin(name.to_string()),
            &[],
            load::Examples::All,
        )
    }

    /// A pack from a folder on disk (which may `extends` a built-in pack or another folder).
    pub fn from_dir(dir: &Path) -> Result<Pack, PackError> {
        load::load(Location::Dir(dir.to_path_buf()))
    }

    pub fn load(location: Location) -> Result<Pack, PackError> {
        load::load(location)
    }

    /// A pack with the rules of other packs added on top (a configuration's `extend`).
    pub fn load_extended(location: Location, extend: &[Location]) -> Result<Pack, PackError> {
        load::load_extended(location, extend)
    }

    /// A built-in pack name, a pack folder, or a folder's `pack.toml`.
    pub fn from_arg(arg: &str) -> Result<Pack, PackError> {
        load::load(Location::from_arg(arg, None))
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.meta.id == id)
    }

    pub fn rule_mut(&mut self, id: &str) -> Option<&mut Rule> {
        self.rules.iter_mut().find(|r| r.meta.id == id)
    }

    pub fn enabled_rules(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().filter(|r| r.enabled)
    }
}
