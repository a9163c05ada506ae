//! Reading a pack from disk or from the binary, following `extends`, and merging the
//! chain into one `Pack`: templates and rules of the base first, then each extension's
//! additions, variants and overrides, then its `disable` and `severity`.
//!
//! Loading goes on after an error wherever what follows does not depend on it, so a
//! broken pack reports all its errors at once (`error::Errors`).

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::amend::{self, Combined, Nothing};
use super::schema::{Manifest, PackFile, Wordings};
use super::{Location, Pack, Rule, builtin_files, builtin_names};
use crate::rules::{CompileCx, RuleMeta};
use crate::template::error::{Errors, PackError, PackSource, PackSpan};
use crate::template::fragments::Fragments;
use crate::template::{self, SectionDef, TableDef};

const MANIFEST: &str = "pack.toml";
/// How `Location::key` starts for a built-in pack.
const BUILTIN_KEY: &str = "<builtin>/";
const RULE_ID_PATTERN: &str =
    "一个表示规则族的大写字母（S、T、X、N、D、E、Y）加三位数字，如 T301，可再加后缀";

impl Location {
    fn key(&self) -> String {
        match self {
            Location::Builtin(name) => format!("{BUILTIN_KEY}{name}"),
            Location::Dir(d) => fs::canonicalize(d)
                .unwrap_or_else(|_| d.clone())
                .display()
                .to_string(),
        }
    }
}

/// One pack of the chain, parsed.
struct Layer {
    /// `Location::key`, to load a pack reached twice (by `extend`) only once.
    key: String,
    name: String,
    manifest_source: Arc<PackSource>,
    files: Vec<(Arc<PackSource>, PackFile)>,
}

/// Which packs' rules check their `examples` and `counterexamples` while loading.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Examples {
    /// Packs on disk only: the built-in packs' examples are checked by `cargo test`
    /// (`tests/pack_examples.rs`), not at every start.
    OnDisk,
    /// Every pack, built-in ones too (the test that stands for the skipped check).
    All,
}

impl Layer {
    fn checks_examples(&self, examples: Examples) -> bool {
        examples == Examples::All || !self.key.starts_with(BUILTIN_KEY)
    }
}

impl Layer {
    fn manifest(&self) -> Option<&Manifest> {
        self.files.first().and_then(|(_, f)| f.pack.as_ref())
    }
}

pub(super) fn load(location: Location) -> Result<Pack, PackError> {
    load_extended(location, &[])
}

pub(super) fn load_extended(location: Location, extend: &[Location]) -> Result<Pack, PackError> {
    load_with(location, extend, Examples::OnDisk)
}

/// A pack and, on top of it, the layers of other packs (a configuration's `extend`):
/// the packs they extend that are already loaded are not loaded again.
pub(super) fn load_with(
    location: Location,
    extend: &[Location],
    examples: Examples,
) -> Result<Pack, PackError> {
    let mut layers = Vec::new();
    let mut visiting = Vec::new();
    // Errors in the files go on: the rest of the pack is still checked.
    let mut errors = Errors::default();
    load_chain(
        location.clone(),
        &mut visiting,
        &mut layers,
        None,
        &mut errors,
    )?;
    for e in extend {
        load_chain(e.clone(), &mut visiting, &mut layers, None, &mut errors)?;
    }
    merge(layers, location, errors, examples)
}

/// What an `extends` value names: a built-in pack, or a folder relative to `from`.
pub(super) fn resolve_extends(value: &str, from: &Location) -> Result<Location, PackError> {
    let looks_like_path = value.contains(['/', '\\']) || value.starts_with('.');
    if !looks_like_path && builtin_files(value).is_some() {
        return Ok(Location::Builtin(value.to_string()));
    }
    match from {
        Location::Dir(dir) => {
            let target = dir.join(value);
            if !looks_like_path
                && !target.is_dir()
                && let Some(close) = crate::template::error::did_you_mean(value, builtin_names())
            {
                return Err(PackError::new(format!(
                    "找不到规则包「{value}」：既不是内置规则包，也没有这个目录"
                ))
                .help(format!("是否想写「{close}」？")));
            }
            Ok(Location::Dir(target))
        }
        Location::Builtin(_) => Err(PackError::new(format!(
            "内置规则包只能 extends 内置规则包，没有「{value}」"
        ))),
    }
}

/// Longest `extends` chain followed (each level is a recursion and a folder read).
const MAX_EXTENDS_DEPTH: usize = 32;

/// Loads a pack and the packs it extends into `layers`, base first. Errors in the
/// files are collected in `errors`; only a pack that cannot be read at all is `Err`.
fn load_chain(
    location: Location,
    visiting: &mut Vec<String>,
    layers: &mut Vec<Layer>,
    referrer: Option<PackSpan>,
    errors: &mut Errors,
) -> Result<(), PackError> {
    let key = location.key();
    if visiting.contains(&key) {
        let mut err = PackError::new("规则包的 extends 形成了循环".to_string());
        if let Some(place) = referrer {
            err.primary = Some(place);
            err.primary_label = "这里又引用了链上已有的规则包".into();
        }
        let chain: Vec<String> = visiting
            .iter()
            .chain(std::iter::once(&key))
            .cloned()
            .collect();
        return Err(err.note(format!("extends 链：{}", chain.join(" → "))));
    }
    if layers.iter().any(|l| l.key == key) {
        return Ok(());
    }
    if visiting.len() >= MAX_EXTENDS_DEPTH {
        let mut err = PackError::new(format!("规则包的 extends 链超过 {MAX_EXTENDS_DEPTH} 层"))
            .help("规则包一般只继承一两层（如 本市 → 本省 → national）；请缩短 extends 链");
        if let Some(place) = referrer {
            err.primary = Some(place);
            err.primary_label = "从这里起超过了上限".into();
        }
        return Err(err);
    }
    visiting.push(key.clone());

    let sources = read_sources(&location, referrer)?;
    let files: Vec<(Arc<PackSource>, PackFile)> = sources
        .into_iter()
        .map(|src| {
            let file = PackFile::parse(&src, errors);
            (src, file)
        })
        .collect();
    let (manifest_source, manifest_file) = files
        .first()
        .ok_or_else(|| PackError::new("规则包是空的"))?;
    for (src, f) in files.iter().skip(1) {
        if f.pack.is_some() {
            let at = src.text.find("[pack]").map_or(0..0, |i| i..i + 6);
            errors.push(PackError::new("[pack] 段只能写在 pack.toml 中").at(
                src,
                at,
                "多余的 [pack]",
            ));
        }
    }
    let Some(manifest) = manifest_file.pack.as_ref() else {
        if !manifest_source.text.contains("[pack]") {
            errors.push(
                PackError::new("pack.toml 缺少 [pack] 段".to_string())
                    .at(manifest_source, 0..0, "应以 [pack] 开头")
                    .help("加上 [pack] 段，至少写明 name = \"规则包名称\""),
            );
        }
        return Err(std::mem::take(errors)
            .finish(())
            .err()
            .unwrap_or_else(|| PackError::new("pack.toml 缺少 [pack] 段")));
    };

    if let Some(parent) = &manifest.extends {
        let place = PackSpan {
            source: Arc::clone(manifest_source),
            span: parent.span(),
        };
        // Without the pack it extends, this pack's references cannot be checked: stop.
        let parent = match resolve_extends(parent.get_ref(), &location) {
            Ok(parent_location) => {
                load_chain(parent_location, visiting, layers, Some(place), errors)
            }
            Err(mut e) => {
                e.primary = Some(place);
                e.primary_label = "没有这个规则包".into();
                Err(e.note(format!("内置规则包：{}", builtin_names().join("、"))))
            }
        };
        if let Err(e) = parent {
            errors.push(e);
            return Err(std::mem::take(errors)
                .finish(())
                .err()
                .unwrap_or_else(|| PackError::new("无法读取被继承的规则包")));
        }
    }

    let name = manifest.name.get_ref().clone();
    let manifest_source = Arc::clone(manifest_source);
    layers.push(Layer {
        key,
        name,
        manifest_source,
        files,
    });
    visiting.pop();
    Ok(())
}

/// The files of a pack: pack.toml first, then the other `*.toml` files by name.
fn read_sources(
    location: &Location,
    referrer: Option<PackSpan>,
) -> Result<Vec<Arc<PackSource>>, PackError> {
    match location {
        Location::Builtin(name) => {
            let mut files: Vec<_> = builtin_files(name)
                .ok_or_else(|| {
                    PackError::new(format!("没有名为「{name}」的内置规则包"))
                        .note(format!("内置规则包：{}", builtin_names().join("、")))
                })?
                .to_vec();
            files.sort_by_key(|(file, _)| (*file != MANIFEST, *file));
            Ok(files
                .into_iter()
                .map(|(file, text)| {
                    Arc::new(PackSource {
                        path: format!("<内置>/{name}/{file}"),
                        text: text.to_string(),
                    })
                })
                .collect())
        }
        Location::Dir(dir) => {
            let not_found = |what: String| {
                let mut err = PackError::new(what);
                if let Some(place) = referrer.clone() {
                    err.primary = Some(place);
                    err.primary_label = "在此引用".into();
                }
                err
            };
            if !dir.is_dir() {
                let mut err = not_found(format!("找不到规则包目录 `{}`", dir.display()));
                if !builtin_names().is_empty() {
                    err = err.note(format!("内置规则包：{}", builtin_names().join("、")));
                }
                return Err(err);
            }
            let manifest = dir.join(MANIFEST);
            if !manifest.is_file() {
                return Err(not_found(format!(
                    "`{}` 不是规则包：缺少 {MANIFEST}",
                    dir.display()
                )));
            }
            let mut names: Vec<PathBuf> = fs::read_dir(dir)
                .map_err(|e| {
                    PackError::new(format!("无法读取规则包目录 `{}`：{e}", dir.display()))
                })?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
                .filter(|p| p.file_name().is_some_and(|n| n != MANIFEST))
                .collect();
            names.sort();
            names.insert(0, manifest);
            names.iter().map(|p| read_file(p)).collect()
        }
    }
}

fn read_file(path: &Path) -> Result<Arc<PackSource>, PackError> {
    let bytes = fs::read(path)
        .map_err(|e| PackError::new(format!("无法读取 `{}`：{e}", path.display())))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| PackError::new(format!("`{}` 不是 UTF-8 编码的文本", path.display())))?;
    Ok(Arc::new(PackSource {
        path: path.display().to_string(),
        text,
    }))
}

fn merge(
    layers: Vec<Layer>,
    location: Location,
    mut errors: Errors,
    examples: Examples,
) -> Result<Pack, PackError> {
    let sections: Vec<(Arc<PackSource>, &SectionDef)> = layers
        .iter()
        .flat_map(|l| l.files.iter())
        .flat_map(|(src, f)| f.section.iter().map(move |d| (Arc::clone(src), d)))
        .collect();
    let tables: Vec<(Arc<PackSource>, &TableDef)> = layers
        .iter()
        .flat_map(|l| l.files.iter())
        .flat_map(|(src, f)| f.table.iter().map(move |d| (Arc::clone(src), d)))
        .collect();
    // Rules refer to the templates: without them, nothing more can be checked.
    let mut templates = match template::build(&sections, &tables) {
        Ok(t) => t,
        Err(e) => {
            errors.push(e);
            return errors
                .finish(())
                .and(Err(PackError::new("规则包的模板有误")));
        }
    };
    for layer in &layers {
        for (src, file) in &layer.files {
            for v in &file.variant {
                errors.take(amend::apply_variant(src, v, &mut templates));
            }
        }
    }

    // Fragments of the whole chain, base first: an extension may redefine one.
    let mut fragments = Fragments::default();
    for layer in &layers {
        for (src, file) in &layer.files {
            for (name, pattern) in &file.fragment {
                let valid = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                    && name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
                if !valid || name == crate::template::fragments::FIGURE {
                    let at = pattern.span();
                    errors.push(PackError::new(format!("片段名「{name}」无效"))
                        .at(src, at, "此片段")
                        .help("片段名只能用小写字母、数字和下划线，以字母开头；n 是内置的数字片段，不能重新定义"));
                    continue;
                }
                fragments.insert(name.clone(), pattern.get_ref().clone());
            }
        }
    }

    let mut rules: Vec<Rule> = Vec::new();
    let regexes = crate::rules::scan::Registry::default();
    let mut defined_at: HashMap<String, PackSpan> = HashMap::new();

    for (li, layer) in layers.iter().enumerate() {
        let check_examples = layer.checks_examples(examples);
        for (src, file) in &layer.files {
            for compiled in file.compile_rules(
                src,
                &templates,
                &fragments,
                check_examples,
                &regexes,
                &mut errors,
            ) {
                let h = &compiled.header;
                let id = h.id.get_ref();
                if !valid_rule_id(id) {
                    errors.push(
                        PackError::new(format!("规则 id「{id}」格式不对"))
                            .at(src, h.id.span(), "无效的规则 id")
                            .help(format!("规则 id 应为{RULE_ID_PATTERN}")),
                    );
                    continue;
                }
                let place = PackSpan {
                    source: Arc::clone(src),
                    span: h.id.span(),
                };
                if let Some(first) = defined_at.get(id) {
                    errors.push(PackError::new(format!("规则 id「{id}」重复定义"))
                        .at(src, h.id.span(), "再次定义")
                        .also(first.clone(), "第一次定义在此")
                        .help("要修改已有规则，请写 [[override]]（rule = \"编号\"）；要改严重程度，在 pack.toml 的 [pack.severity] 中设置；要关闭它，写入 [pack] 的 disable"));
                    continue;
                }
                defined_at.insert(id.clone(), place);
                rules.push(Rule {
                    meta: RuleMeta {
                        id: id.clone(),
                        severity: *h.severity.get_ref(),
                        summary: h.summary.trim().to_string(),
                        description: h.description.trim().to_string(),
                        example: h.example.map(|e| e.trim_matches('\n').to_string()),
                        kind: compiled.kind,
                        pack: layer.name.clone(),
                        levels: h.levels.iter().map(|l| *l.get_ref()).collect(),
                        message: None,
                        help: None,
                    },
                    enabled: true,
                    check: compiled.check,
                });
            }
        }
        for (src, file) in &layer.files {
            for o in &file.overrides {
                let base = CompileCx {
                    templates: &templates,
                    fragments: &fragments,
                    source: &src.text,
                    check_examples,
                    regexes: &regexes,
                };
                errors.take(apply_override(src, o, &layers[..=li], &base, &mut rules));
            }
        }
        if let Some(manifest) = layer.manifest() {
            apply_manifest(&layer.manifest_source, manifest, &mut rules, &mut errors);
        }
    }

    // Relations between cells that the parser may use to decode glued digits.
    templates.relations = rules
        .iter()
        .filter(|r| r.enabled)
        .filter_map(|r| r.check.decoding_relation(&r.meta.id))
        .collect();

    let last = layers
        .last()
        .ok_or_else(|| PackError::new("规则包是空的"))?;
    let manifest = last.manifest();
    let pack = Pack {
        name: last.name.clone(),
        title: manifest
            .and_then(|m| m.title.clone())
            .unwrap_or_else(|| last.name.clone()),
        description: manifest
            .and_then(|m| m.description.clone())
            .unwrap_or_default(),
        chain: layers.iter().map(|l| l.name.clone()).collect(),
        location,
        templates,
        rules,
        scanner: regexes.into_scanner(),
    };
    errors.finish(pack)
}

/// `^[STXNDEY][0-9]{3}[A-Za-z0-9_-]*$`, without compiling a regex at every start.
fn valid_rule_id(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() >= 4
        && b"STXNDEY".contains(&b[0])
        && b[1..4].iter().all(u8::is_ascii_digit)
        && b[4..]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
}

fn find_rule(
    src: &Arc<PackSource>,
    rules: &[Rule],
    id: &toml::Spanned<String>,
) -> Result<usize, PackError> {
    rules
        .iter()
        .position(|r| r.meta.id == *id.get_ref())
        .ok_or_else(|| template::unknown(src, id, "规则", rules.iter().map(|r| r.meta.id.as_str())))
}

fn apply_override(
    src: &Arc<PackSource>,
    def: &amend::OverrideDef,
    layers: &[Layer],
    base: &CompileCx<'_>,
    rules: &mut [Rule],
) -> Result<(), PackError> {
    let i = find_rule(src, rules, &def.rule)?;
    amend::apply_override_meta(def, &mut rules[i]);
    if def.patterns.is_empty() {
        if !def.examples.is_empty() || !def.counterexamples.is_empty() {
            return Err(
                PackError::new("override 的 examples 只用于检验新增的 patterns")
                    .at(src, def.rule.span(), "此 override 没有 patterns")
                    .help("加上 patterns，或删去 examples/counterexamples"),
            );
        }
        return Ok(());
    }
    let wordings = Wordings {
        at: amend::patterns_span(def),
        patterns: &def.patterns,
        examples: &def.examples,
        counterexamples: &def.counterexamples,
    };
    let cx = CompileCx {
        source: &src.text,
        ..*base
    };
    let id = def.rule.get_ref();
    let compiled = layers
        .iter()
        .flat_map(|l| l.files.iter())
        .find_map(|(_, f)| f.recompile_with_wordings(id, &wordings, &cx))
        .ok_or_else(|| PackError::new(format!("找不到规则「{id}」的定义")))?;
    let added = compiled.map_err(|e| e.in_file(src))?;
    let rule = &mut rules[i];
    let first = std::mem::replace(&mut rule.check, Box::new(Nothing));
    rule.check = Box::new(Combined { first, added });
    Ok(())
}

fn apply_manifest(
    src: &Arc<PackSource>,
    manifest: &Manifest,
    rules: &mut [Rule],
    errors: &mut Errors,
) {
    for id in &manifest.disable {
        if let Some(i) = errors.take(find_rule(src, rules, id)) {
            rules[i].enabled = false;
        }
    }
    for (id, severity) in &manifest.severity {
        if let Some(i) = errors.take(find_rule(src, rules, id)) {
            rules[i].meta.severity = *severity.get_ref();
        }
    }
}
