//! Which configuration each checked file gets (`nianbao.toml` found from the file's
//! folder up, `--config`, `--isolated`), with the command-line options on top, and the
//! linters built from them (one per configuration, its pack loaded once).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use nianbao::config::{Config, Origin, Resolver, Setting};
use nianbao::pack::Location;
use nianbao::{Input, Linter, PackError, Severity};

use super::PackArgs;

/// Files checked with the same configuration.
pub struct Group {
    pub config: Arc<Config>,
    /// The pack of the configuration, or why it cannot be used.
    pub linter: Result<Linter, PackError>,
    pub inputs: Vec<Input>,
}

/// The command-line options that override a configuration.
pub struct Overrides<'a> {
    pub pack: &'a PackArgs,
    pub fail_on: Option<Severity>,
}

/// The configuration for files in `dir` (or for a file given with `--config`), with
/// the command-line options applied.
pub struct Configs<'a> {
    overrides: Overrides<'a>,
    resolver: Resolver,
    loaded: BTreeMap<Option<PathBuf>, Result<Arc<Config>, Arc<PackError>>>,
}

impl<'a> Configs<'a> {
    pub fn new(overrides: Overrides<'a>) -> Self {
        Configs {
            overrides,
            resolver: Resolver::default(),
            loaded: BTreeMap::new(),
        }
    }

    /// The configuration for a checked file (`None`: standard input, from the current folder).
    pub fn for_file(&mut self, path: Option<&Path>) -> Result<Arc<Config>, Arc<PackError>> {
        let file = if self.overrides.pack.isolated {
            None
        } else if let Some(c) = &self.overrides.pack.config {
            Some(PathBuf::from(c))
        } else {
            self.resolver.for_file(path)
        };
        if let Some(hit) = self.loaded.get(&file) {
            return hit.clone();
        }
        let result = self.build(file.as_deref()).map(Arc::new).map_err(Arc::new);
        self.loaded.insert(file, result.clone());
        result
    }

    fn build(&self, file: Option<&Path>) -> Result<Config, PackError> {
        let mut config = match file {
            Some(f) => Config::from_file(f)?,
            None => Config::defaults(PathBuf::from(".")),
        };
        if let Some(pack) = &self.overrides.pack.pack {
            config.pack = Setting {
                value: Location::from_arg(pack, None),
                origin: Origin::CommandLine("--pack"),
            };
        }
        if let Some(level) = self.overrides.fail_on {
            config.fail_on = Setting {
                value: level,
                origin: Origin::CommandLine("--fail-on"),
            };
        }
        Ok(config)
    }
}

/// A configuration that cannot be read, and the inputs it was meant for.
pub type Broken = (Arc<PackError>, Vec<Input>);

/// Groups the inputs by configuration. Files found inside a folder (not named on the
/// command line) are left out when the configuration's `include`/`exclude` says so.
/// Configurations that cannot be read are returned with the inputs they concern.
pub fn group(
    configs: &mut Configs<'_>,
    named: &[std::ffi::OsString],
    inputs: Vec<Input>,
) -> (Vec<Group>, Vec<Broken>) {
    let mut groups: Vec<Group> = Vec::new();
    let mut broken: Vec<Broken> = Vec::new();
    for input in inputs {
        let path = match &input {
            Input::File(p) => Some(p.as_path()),
            Input::Stdin => None,
        };
        match configs.for_file(path) {
            Ok(config) => {
                let explicit = path.is_none_or(|p| named.iter().any(|n| Path::new(n) == p));
                if !explicit && path.is_some_and(|p| !config.selects(p)) {
                    continue;
                }
                match groups.iter_mut().find(|g| Arc::ptr_eq(&g.config, &config)) {
                    Some(g) => g.inputs.push(input),
                    None => {
                        let linter = config.load_pack().map(|pack| {
                            Linter::new(pack)
                                .with_default_year(config.year.value)
                                .with_warm_up()
                        });
                        groups.push(Group {
                            config,
                            linter,
                            inputs: vec![input],
                        });
                    }
                }
            }
            Err(e) => match broken.iter_mut().find(|(b, _)| Arc::ptr_eq(b, &e)) {
                Some((_, list)) => list.push(input),
                None => broken.push((e, vec![input])),
            },
        }
    }
    (groups, broken)
}
