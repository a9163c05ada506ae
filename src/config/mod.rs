//! Project configuration: a `nianbao.toml` found by walking up from each checked file
//! (the closest one wins, like ruff and Vale), or given with `--config`; `--isolated`
//! ignores every configuration file. The file *is* the configuration (no table around
//! it; a `[nianbao]` table is accepted too):
//!
//! ```toml
//! pack = "fujian"                 # a built-in pack, or a pack folder relative to this file
//! extend = ["./local-rules"]      # packs whose rules are added on top of `pack`
//! disable = ["T107"]
//! format = "json"                 # default output format
//! fail-on = "warning"             # the lowest severity that makes a run fail (exit 1)
//! year = 2024                     # report year when a report does not say
//! include = ["reports/**"]        # in folders, only these files…
//! exclude = ["**/草稿/**"]         # …and not these
//! [severity]
//! T104 = "error"
//! [per-file-ignores]
//! "2023/*.docx" = ["S201"]
//! ```
//!
//! Every setting remembers where it came from, for `nianbao config`. Unknown keys are
//! errors at their line with the closest known key. The library applies a configuration
//! to a pack (`Config::apply_to`) and to findings (`Config::keep`); the command line
//! only chooses which configuration each file gets.

use crate::load::glob;
pub mod series;

use std::collections::BTreeMap;
use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::{Diagnostic, Severity};
use crate::pack::{Location, Pack};
use crate::template::error::{Errors, PackError, PackSource, did_you_mean};

/// The file name searched for.
pub const FILE_NAME: &str = "nianbao.toml";

/// The keys of a configuration file.
const KEYS: &[&str] = &[
    "pack",
    "extend",
    "disable",
    "severity",
    "format",
    "fail-on",
    "year",
    "include",
    "exclude",
    "per-file-ignores",
    "body",
    "reports",
    "aggregate",
];

/// Where a setting's value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    Default,
    /// A configuration file and the 1-based line of the key.
    File {
        path: PathBuf,
        line: usize,
    },
    /// A command-line option.
    CommandLine(&'static str),
}

impl Origin {
    pub fn describe(&self) -> String {
        match self {
            Origin::Default => "默认".to_string(),
            Origin::File { path, line } => format!("{}:{line}", path.display()),
            Origin::CommandLine(flag) => format!("命令行 {flag}"),
        }
    }
}

/// A value and where it came from.
#[derive(Clone, Debug)]
pub struct Setting<T> {
    pub value: T,
    pub origin: Origin,
}

impl<T> Setting<T> {
    fn default(value: T) -> Self {
        Setting {
            value,
            origin: Origin::Default,
        }
    }
}

/// The output formats a configuration may choose: those of `--format`.
pub use crate::report::Format as OutputFormat;

/// The effective configuration for some files.
#[derive(Clone, Debug)]
pub struct Config {
    /// The configuration file, if any.
    pub file: Option<PathBuf>,
    /// The folder relative paths and globs are taken from.
    pub root: PathBuf,
    pub pack: Setting<Location>,
    pub extend: Vec<Setting<Location>>,
    pub disable: Vec<Setting<String>>,
    pub severity: Vec<(Setting<String>, Severity)>,
    pub format: Setting<OutputFormat>,
    pub fail_on: Setting<Severity>,
    pub year: Setting<Option<i32>>,
    pub include: Setting<Vec<String>>,
    pub exclude: Setting<Vec<String>>,
    /// (glob, rule ids).
    pub per_file_ignores: Vec<Setting<(String, Vec<String>)>>,
    /// The issuing body when a report's title does not name it (`body = "…"`).
    pub body: Setting<Option<String>>,
    /// Body and year stated per file (`[reports."2023/*.txt"]`), over what the text says.
    pub reports: Vec<Setting<series::ReportEntry>>,
    /// Summary reports that must equal the sum of others (`[[aggregate]]`).
    pub aggregate: Vec<Setting<series::AggregateEntry>>,
    /// The file's text, for pointing at a setting when the pack rejects it.
    source: Option<Arc<PackSource>>,
    spans: BTreeMap<String, Range<usize>>,
}

/// The raw file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    pack: Option<Spanned<String>>,
    #[serde(default)]
    extend: Vec<Spanned<String>>,
    #[serde(default)]
    disable: Vec<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<Severity>>,
    format: Option<Spanned<OutputFormat>>,
    fail_on: Option<Spanned<Severity>>,
    year: Option<Spanned<i32>>,
    include: Option<Spanned<Vec<String>>>,
    exclude: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    per_file_ignores: BTreeMap<Spanned<String>, Spanned<Vec<Spanned<String>>>>,
    body: Option<Spanned<String>>,
    #[serde(default)]
    reports: BTreeMap<Spanned<String>, Spanned<series::RawReport>>,
    #[serde(default)]
    aggregate: Vec<Spanned<series::AggregateEntry>>,
}

impl Default for Config {
    fn default() -> Self {
        Config::defaults(PathBuf::from("."))
    }
}

impl Config {
    /// No configuration file: the built-in defaults, relative paths from `root`.
    pub fn defaults(root: PathBuf) -> Config {
        Config {
            file: None,
            root,
            pack: Setting::default(Location::Builtin(crate::pack::NATIONAL.to_string())),
            extend: Vec::new(),
            disable: Vec::new(),
            severity: Vec::new(),
            format: Setting::default(OutputFormat::Human),
            fail_on: Setting::default(Severity::Error),
            year: Setting::default(None),
            include: Setting::default(Vec::new()),
            exclude: Setting::default(Vec::new()),
            per_file_ignores: Vec::new(),
            body: Setting::default(None),
            reports: Vec::new(),
            aggregate: Vec::new(),
            source: None,
            spans: BTreeMap::new(),
        }
    }

    /// Reads a configuration file. Errors are `PackError`s (the same rustc-style
    /// rendering), all of them at once.
    pub fn from_file(path: &Path) -> Result<Config, PackError> {
        let text = fs::read_to_string(path)
            .map_err(|e| PackError::new(format!("无法读取配置文件 `{}`：{e}", path.display())))?;
        Config::from_text(path, text)
    }

    /// Parses the text of a configuration file found at `path`.
    pub fn from_text(path: &Path, text: String) -> Result<Config, PackError> {
        let source = Arc::new(PackSource {
            path: path.display().to_string(),
            text,
        });
        let root = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let mut errors = Errors::default();
        let raw = parse_raw(&source, &mut errors);
        let mut config = Config::defaults(root);
        config.file = Some(path.to_path_buf());
        if let Some(raw) = raw {
            config.fill(raw, &source, &mut errors);
        }
        config.source = Some(source);
        errors.finish(config)
    }

    fn origin(&self, source: &PackSource, span: &Range<usize>) -> Origin {
        let line = source
            .text
            .get(..span.start)
            .map_or(1, |b| b.matches('\n').count() + 1);
        Origin::File {
            path: self.file.clone().unwrap_or_default(),
            line,
        }
    }

    fn fill(&mut self, raw: RawConfig, source: &Arc<PackSource>, errors: &mut Errors) {
        let set = |c: &Config, span: Range<usize>| c.origin(source, &span);
        if let Some(p) = raw.pack {
            self.spans.insert("pack".into(), p.span());
            self.pack = Setting {
                value: Location::from_arg(p.get_ref(), Some(&self.root)),
                origin: set(self, p.span()),
            };
        }
        for e in raw.extend {
            self.extend.push(Setting {
                value: Location::from_arg(e.get_ref(), Some(&self.root)),
                origin: set(self, e.span()),
            });
        }
        for d in raw.disable {
            self.spans.insert(format!("rule:{}", d.get_ref()), d.span());
            self.disable.push(Setting {
                value: d.get_ref().clone(),
                origin: set(self, d.span()),
            });
        }
        for (id, s) in raw.severity {
            self.spans
                .insert(format!("rule:{}", id.get_ref()), id.span());
            self.severity.push((
                Setting {
                    value: id.get_ref().clone(),
                    origin: set(self, id.span()),
                },
                *s.get_ref(),
            ));
        }
        if let Some(f) = raw.format {
            self.format = Setting {
                value: *f.get_ref(),
                origin: set(self, f.span()),
            };
        }
        if let Some(f) = raw.fail_on {
            self.fail_on = Setting {
                value: *f.get_ref(),
                origin: set(self, f.span()),
            };
        }
        if let Some(y) = raw.year {
            if !(2000..=2100).contains(y.get_ref()) {
                errors.push(
                    PackError::new(format!("year = {} 不是报告年度", y.get_ref()))
                        .at(source, y.span(), "应为四位年份")
                        .help("如 year = 2024"),
                );
            }
            self.year = Setting {
                value: Some(*y.get_ref()),
                origin: set(self, y.span()),
            };
        }
        if let Some(i) = raw.include {
            self.include = Setting {
                origin: set(self, i.span()),
                value: i.into_inner(),
            };
        }
        if let Some(e) = raw.exclude {
            self.exclude = Setting {
                origin: set(self, e.span()),
                value: e.into_inner(),
            };
        }
        self.fill_series(raw.body, raw.reports, raw.aggregate, source, errors);
        for (glob, ids) in raw.per_file_ignores {
            for id in ids.get_ref() {
                self.spans
                    .insert(format!("rule:{}", id.get_ref()), id.span());
            }
            self.per_file_ignores.push(Setting {
                origin: set(self, glob.span()),
                value: (
                    glob.get_ref().clone(),
                    ids.get_ref().iter().map(|i| i.get_ref().clone()).collect(),
                ),
            });
        }
    }

    fn fill_series(
        &mut self,
        body: Option<Spanned<String>>,
        reports: BTreeMap<Spanned<String>, Spanned<series::RawReport>>,
        aggregate: Vec<Spanned<series::AggregateEntry>>,
        source: &Arc<PackSource>,
        errors: &mut Errors,
    ) {
        if let Some(b) = body {
            self.body = Setting {
                origin: self.origin(source, &b.span()),
                value: Some(b.into_inner()),
            };
        }
        for (glob, entry) in reports {
            let origin = self.origin(source, &glob.span());
            let span = entry.span();
            let raw = entry.into_inner();
            if let Some(y) = raw.year
                && !(2000..=2100).contains(&y)
            {
                errors.push(
                    PackError::new(format!("year = {y} 不是报告年度"))
                        .at(source, span.clone(), "应为四位年份")
                        .help("如 year = 2024"),
                );
            }
            if raw.body.is_none() && raw.year.is_none() {
                errors.push(
                    PackError::new("reports 的条目没有 body 或 year")
                        .at(source, span, "此条目")
                        .help("如 \"2023/汇总.txt\" = { body = \"某县人民政府\", year = 2023 }"),
                );
            }
            self.reports.push(Setting {
                origin,
                value: series::ReportEntry {
                    glob: glob.into_inner(),
                    body: raw.body,
                    year: raw.year,
                },
            });
        }
        for a in aggregate {
            let origin = self.origin(source, &a.span());
            if a.get_ref().parts.is_empty() {
                errors.push(
                    PackError::new("aggregate 的 parts 为空")
                        .at(source, a.span(), "此条目")
                        .help("如 parts = [\"单位/*.txt\"]"),
                );
            }
            self.aggregate.push(Setting {
                origin,
                value: a.into_inner(),
            });
        }
    }

    /// Loads the configured pack (with `extend`) and applies `disable` and `severity`.
    /// A rule id the pack does not have is an error at the configuration's line.
    pub fn load_pack(&self) -> Result<Pack, PackError> {
        let extend: Vec<Location> = self.extend.iter().map(|e| e.value.clone()).collect();
        let mut pack = Pack::load_extended(self.pack.value.clone(), &extend)?;
        self.apply_to(&mut pack)?;
        Ok(pack)
    }

    /// Applies `disable` and `severity` to a loaded pack, and checks the rule ids of
    /// `per-file-ignores`.
    pub fn apply_to(&self, pack: &mut Pack) -> Result<(), PackError> {
        let mut errors = Errors::default();
        let ids: Vec<String> = pack.rules.iter().map(|r| r.meta.id.clone()).collect();
        let pack_name = pack.name.clone();
        let mut unknown = |id: &str| {
            let mut err = PackError::new(format!("规则包「{pack_name}」中没有规则「{id}」"));
            if let (Some(src), Some(span)) = (&self.source, self.spans.get(&format!("rule:{id}"))) {
                err = err.at(src, span.clone(), "没有这条规则");
            }
            if let Some(close) = did_you_mean(id, ids.iter().map(String::as_str)) {
                err = err.help(format!("是否想写「{close}」？"));
            } else {
                err = err.help("用 `nianbao rules` 查看规则包中的全部规则");
            }
            errors.push(err);
        };
        for d in &self.disable {
            match pack.rule_mut(&d.value) {
                Some(r) => r.enabled = false,
                None => unknown(&d.value),
            }
        }
        for (id, severity) in &self.severity {
            match pack.rule_mut(&id.value) {
                Some(r) => r.meta.severity = *severity,
                None => unknown(&id.value),
            }
        }
        for p in &self.per_file_ignores {
            for id in &p.value.1 {
                if pack.rule(id).is_none() {
                    unknown(id);
                }
            }
        }
        errors.finish(())
    }

    /// `path` relative to this configuration's folder, with `/` separators; `None`
    /// when the file is outside it.
    pub fn relative(&self, path: &Path) -> Option<String> {
        let abs = |p: &Path| fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        let rel = abs(path).strip_prefix(abs(&self.root)).ok()?.to_path_buf();
        Some(
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/"),
        )
    }

    /// Whether a file found in a folder is checked (`include`, `exclude`).
    pub fn selects(&self, path: &Path) -> bool {
        // Nothing to match: no path resolved (`relative` canonicalizes, per file).
        if self.include.value.is_empty() && self.exclude.value.is_empty() {
            return true;
        }
        let Some(rel) = self.relative(path) else {
            return true;
        };
        let included = self.include.value.is_empty()
            || self.include.value.iter().any(|g| glob::matches(g, &rel));
        included && !self.exclude.value.iter().any(|g| glob::matches(g, &rel))
    }

    /// The rule ids `per-file-ignores` turns off for `path`.
    pub fn ignored_rules(&self, path: &Path) -> Vec<&str> {
        if self.per_file_ignores.is_empty() {
            return Vec::new();
        }
        let Some(rel) = self.relative(path) else {
            return Vec::new();
        };
        self.per_file_ignores
            .iter()
            .filter(|p| glob::matches(&p.value.0, &rel))
            .flat_map(|p| p.value.1.iter().map(String::as_str))
            .collect()
    }

    /// Drops the findings `per-file-ignores` turns off for `path`.
    pub fn keep(&self, path: &Path, diagnostics: &mut Vec<Diagnostic>) {
        let ignored = self.ignored_rules(path);
        if !ignored.is_empty() {
            diagnostics.retain(|d| !ignored.contains(&d.rule.as_str()));
        }
    }

    /// True when a finding of this severity fails the run (`fail-on`).
    pub fn fails(&self, severity: Severity) -> bool {
        rank(severity) <= rank(self.fail_on.value)
    }
}

fn rank(s: Severity) -> u8 {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

/// The file's settings: the top-level keys, or those of a `[nianbao]` table. Each
/// unknown key is reported at its line, with the closest known key.
fn parse_raw(source: &Arc<PackSource>, errors: &mut Errors) -> Option<RawConfig> {
    let (root, syntax) = toml::de::DeTable::parse_recoverable(&source.text);
    if !syntax.is_empty() {
        for e in &syntax {
            errors.push(crate::pack::schema::toml_error(source, e));
        }
        return None;
    }
    let mut table = root.into_inner();
    let only_nianbao = table.len() == 1 && table.keys().any(|k| k.get_ref() == "nianbao");
    if only_nianbao && let Some(v) = table.values().next().cloned() {
        let span = v.span();
        match v.into_inner() {
            toml::de::DeValue::Table(t) => table = t,
            _ => {
                errors.push(
                    PackError::new("[nianbao] 应是一个表")
                        .at(source, span, "此处")
                        .help("直接在文件中写设置，或写在 [nianbao] 表下"),
                );
                return None;
            }
        }
    }
    let mut bad = false;
    let mut known = toml::de::DeTable::new();
    for (key, value) in table {
        if KEYS.contains(&key.get_ref().as_ref()) {
            known.insert(key, value);
        } else {
            bad = true;
            errors.push(crate::pack::schema::unknown_key(
                source,
                key.span(),
                key.get_ref(),
                KEYS.iter().copied(),
            ));
        }
    }
    let value = Spanned::new(0..source.text.len(), toml::de::DeValue::Table(known));
    match RawConfig::deserialize(toml::de::ValueDeserializer::from(value)) {
        Ok(raw) if !bad => Some(raw),
        Ok(_) => None,
        Err(e) => {
            errors.push(crate::pack::schema::toml_error(source, &e));
            None
        }
    }
}

/// Finds the configuration for each file: the closest `nianbao.toml` in the file's
/// folder or above. Remembers what it found per folder, both as resolved and as
/// named: the files of one folder resolve its path once, not once each (resolving
/// costs a `readlink` per component of the path).
#[derive(Default)]
pub struct Resolver {
    cache: BTreeMap<PathBuf, Option<PathBuf>>,
    named: BTreeMap<PathBuf, Option<PathBuf>>,
}

impl Resolver {
    /// The configuration file that applies to files in `dir`, if any.
    pub fn find(&mut self, dir: &Path) -> Option<PathBuf> {
        if let Some(hit) = self.named.get(dir) {
            return hit.clone();
        }
        let found = self.find_resolved(dir);
        self.named.insert(dir.to_path_buf(), found.clone());
        found
    }

    fn find_resolved(&mut self, dir: &Path) -> Option<PathBuf> {
        let dir = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        let mut visited = Vec::new();
        let mut current = Some(dir.as_path());
        let mut found = None;
        while let Some(d) = current {
            if let Some(hit) = self.cache.get(d) {
                found = hit.clone();
                break;
            }
            visited.push(d.to_path_buf());
            let candidate = d.join(FILE_NAME);
            if candidate.is_file() {
                found = Some(candidate);
                break;
            }
            current = d.parent();
        }
        for v in visited {
            self.cache.insert(v, found.clone());
        }
        found
    }

    /// The configuration file for a checked file (or the current folder for `-`).
    pub fn for_file(&mut self, path: Option<&Path>) -> Option<PathBuf> {
        let dir = match path.and_then(Path::parent) {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        self.find(&dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_resolver_finds_the_same_file_by_any_name_of_a_folder() {
        let root = tempfile::tempdir().expect("tempdir");
        let inner = root.path().join("a").join("b");
        fs::create_dir_all(&inner).expect("mkdir");
        fs::write(root.path().join("a").join(FILE_NAME), "").expect("write");
        let other = tempfile::tempdir().expect("tempdir");
        let mut r = Resolver::default();
        let expected = fs::canonicalize(root.path().join("a").join(FILE_NAME)).ok();
        // By its path, again (from what is remembered), through `..`, and from a
        // file inside: the same file each time.
        assert_eq!(r.find(&inner), expected);
        assert_eq!(r.find(&inner), expected);
        assert_eq!(r.find(&inner.join("..").join("b")), expected);
        assert_eq!(r.for_file(Some(&inner.join("x.txt"))), expected);
        // A folder with no configuration above it in the temporary folder.
        let found = r.find(other.path());
        assert!(
            found.as_ref().is_none_or(|f| !f.starts_with(other.path())),
            "{found:?}"
        );
    }

    fn parse(text: &str) -> Result<Config, PackError> {
        Config::from_text(Path::new("/p/nianbao.toml"), text.to_string())
    }

    #[test]
    fn settings_and_their_lines() {
        let c = parse("pack = \"fujian\"\n\nfail-on = \"warning\"\nyear = 2024\n[per-file-ignores]\n\"2023/*.docx\" = [\"S201\"]\n")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.pack.value, Location::Builtin("fujian".into()));
        assert_eq!(
            c.fail_on.origin,
            Origin::File {
                path: "/p/nianbao.toml".into(),
                line: 3
            }
        );
        assert!(c.fails(Severity::Warning) && !c.fails(Severity::Info));
        assert_eq!(c.year.value, Some(2024));
        assert_eq!(c.per_file_ignores[0].value.1, vec!["S201".to_string()]);
    }

    #[test]
    fn a_nianbao_table_is_accepted() {
        let c = parse("[nianbao]\nformat = \"json\"\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.format.value, OutputFormat::Json);
    }

    #[test]
    fn every_unknown_key_is_reported_with_the_closest_one() {
        let err = match parse("fail_on = \"warning\"\npakc = \"fujian\"\nyear = 2024\n") {
            Ok(_) => panic!("unknown keys accepted"),
            Err(e) => e,
        };
        assert_eq!(err.count(), 2);
        let helps: Vec<String> = err.all().filter_map(|e| e.help.clone()).collect();
        assert!(helps.iter().any(|h| h.contains("fail-on")), "{helps:?}");
        assert!(helps.iter().any(|h| h.contains("`pack`")), "{helps:?}");
        let first = err.primary.as_ref().map(|p| p.span.clone());
        assert_eq!(first, Some(0..7));
    }

    #[test]
    fn bad_values_are_errors() {
        assert!(parse("fail-on = \"fatal\"\n").is_err());
        assert!(parse("year = 24\n").is_err());
        assert!(parse("format = 3\n").is_err());
    }
}
