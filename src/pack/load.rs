//! Reading a pack from disk or from the binary, following `extends`, and merging the
//! chain into one `Pack`: templates and rules of the base first, then each extension's
//! additions, then its `disable` and `severity` overrides.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::error::{PackError, PackSource, PackSpan};
use super::fragments::Fragments;
use super::schema::{Manifest, PackFile};
use super::template::{self, SectionDef, TableDef};
use super::{NATIONAL, Pack, Rule, embedded};
use crate::rules::RuleMeta;

const MANIFEST: &str = "pack.toml";
const RULE_ID_PATTERN: &str =
    "一个表示规则族的大写字母（S、T、X、N、D、E）加三位数字，如 T301，可再加后缀";

pub(super) enum Origin {
    Builtin,
    Dir(PathBuf),
}

impl Origin {
    fn key(&self) -> String {
        match self {
            Origin::Builtin => format!("<builtin>/{NATIONAL}"),
            Origin::Dir(d) => fs::canonicalize(d)
                .unwrap_or_else(|_| d.clone())
                .display()
                .to_string(),
        }
    }
}

/// One pack of the chain, parsed.
struct Layer {
    name: String,
    manifest_source: Arc<PackSource>,
    files: Vec<(Arc<PackSource>, PackFile)>,
}

impl Layer {
    fn manifest(&self) -> Option<&Manifest> {
        self.files.first().and_then(|(_, f)| f.pack.as_ref())
    }
}

pub(super) fn load(origin: Origin) -> Result<Pack, PackError> {
    let mut layers = Vec::new();
    let mut visiting = Vec::new();
    load_chain(origin, &mut visiting, &mut layers, None)?;
    merge(layers)
}

fn load_chain(
    origin: Origin,
    visiting: &mut Vec<String>,
    layers: &mut Vec<Layer>,
    referrer: Option<PackSpan>,
) -> Result<(), PackError> {
    let key = origin.key();
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
    visiting.push(key);

    let sources = read_sources(&origin, referrer)?;
    let mut files = Vec::new();
    for src in sources {
        let file: PackFile = toml::from_str(&src.text).map_err(|e| toml_error(&src, &e))?;
        files.push((src, file));
    }
    let (manifest_source, manifest_file) = files
        .first()
        .ok_or_else(|| PackError::new("规则包是空的"))?;
    let manifest = manifest_file.pack.as_ref().ok_or_else(|| {
        PackError::new("pack.toml 缺少 [pack] 段".to_string())
            .at(manifest_source, 0..0, "应以 [pack] 开头")
            .help("加上 [pack] 段，至少写明 name = \"规则包名称\"")
    })?;
    for (src, f) in files.iter().skip(1) {
        if f.pack.is_some() {
            let at = src.text.find("[pack]").map_or(0..0, |i| i..i + 6);
            return Err(PackError::new("[pack] 段只能写在 pack.toml 中").at(
                src,
                at,
                "多余的 [pack]",
            ));
        }
    }

    if let Some(parent) = &manifest.extends {
        let place = PackSpan {
            source: Arc::clone(manifest_source),
            span: parent.span(),
        };
        let parent_origin = if parent.get_ref() == NATIONAL {
            Origin::Builtin
        } else {
            match &origin {
                Origin::Dir(dir) => Origin::Dir(dir.join(parent.get_ref())),
                Origin::Builtin => {
                    return Err(PackError::new("内置规则包不能 extends 其他规则包"));
                }
            }
        };
        load_chain(parent_origin, visiting, layers, Some(place))?;
    }

    let name = manifest.name.get_ref().clone();
    let manifest_source = Arc::clone(manifest_source);
    layers.push(Layer {
        name,
        manifest_source,
        files,
    });
    visiting.pop();
    Ok(())
}

/// The files of a pack: pack.toml first, then the other `*.toml` files by name.
fn read_sources(
    origin: &Origin,
    referrer: Option<PackSpan>,
) -> Result<Vec<Arc<PackSource>>, PackError> {
    match origin {
        Origin::Builtin => {
            let mut files: Vec<_> = embedded::NATIONAL.to_vec();
            files.sort_by_key(|(name, _)| (*name != MANIFEST, *name));
            Ok(files
                .into_iter()
                .map(|(name, text)| {
                    Arc::new(PackSource {
                        path: format!("<内置>/{NATIONAL}/{name}"),
                        text: text.to_string(),
                    })
                })
                .collect())
        }
        Origin::Dir(dir) => {
            let not_found = |what: String| {
                let mut err = PackError::new(what);
                if let Some(place) = referrer.clone() {
                    err.primary = Some(place);
                    err.primary_label = "在此引用".into();
                }
                err
            };
            if !dir.is_dir() {
                return Err(not_found(format!("找不到规则包目录 `{}`", dir.display())));
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

fn toml_error(src: &Arc<PackSource>, e: &toml::de::Error) -> PackError {
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

/// Puts toml's English message into a Chinese sentence, keeping the original as detail.
fn translate_toml_message(msg: &str) -> (String, Option<String>) {
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let (field, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let help = (!expected.is_empty()).then(|| format!("此处可用的字段：{expected}"));
        return (format!("未知字段 {field}"), help);
    }
    if let Some(rest) = msg.strip_prefix("missing field ") {
        return (format!("缺少必填字段 {rest}"), None);
    }
    if let Some(rest) = msg.strip_prefix("unknown variant ") {
        let (v, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let help = (!expected.is_empty()).then(|| format!("可用的值：{expected}"));
        return (format!("无效的取值 {v}"), help);
    }
    (format!("TOML 格式错误：{msg}"), None)
}

fn merge(layers: Vec<Layer>) -> Result<Pack, PackError> {
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
    let mut templates = template::build(&sections, &tables)?;

    // Fragments of the whole chain, base first: an extension may redefine one.
    let mut fragments = Fragments::default();
    for layer in &layers {
        for (src, file) in &layer.files {
            for (name, pattern) in &file.fragment {
                let valid = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                    && name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
                if !valid || name == super::fragments::FIGURE {
                    let at = pattern.span();
                    return Err(PackError::new(format!("片段名「{name}」无效"))
                        .at(src, at, "此片段")
                        .help("片段名只能用小写字母、数字和下划线，以字母开头；n 是内置的数字片段，不能重新定义"));
                }
                fragments.insert(name.clone(), pattern.get_ref().clone());
            }
        }
    }

    let mut rules: Vec<Rule> = Vec::new();
    let mut defined_at: HashMap<String, PackSpan> = HashMap::new();
    let id_pattern = regex::Regex::new(r"^[STXNDE][0-9]{3}[A-Za-z0-9_-]*$")
        .map_err(|e| PackError::new(format!("内部错误：{e}")))?;
    for layer in &layers {
        for (src, file) in &layer.files {
            for compiled in file.compile_rules(src, &templates, &fragments)? {
                let h = &compiled.header;
                let id = h.id.get_ref();
                if !id_pattern.is_match(id) {
                    return Err(PackError::new(format!("规则 id「{id}」格式不对"))
                        .at(src, h.id.span(), "无效的规则 id")
                        .help(format!("规则 id 应为{RULE_ID_PATTERN}")));
                }
                let place = PackSpan {
                    source: Arc::clone(src),
                    span: h.id.span(),
                };
                if let Some(first) = defined_at.get(id) {
                    return Err(PackError::new(format!("规则 id「{id}」重复定义"))
                        .at(src, h.id.span(), "再次定义")
                        .also(first.clone(), "第一次定义在此")
                        .help("要修改已有规则的严重程度，请在 pack.toml 的 [pack.severity] 中设置；要关闭它，请写入 [pack] 的 disable"));
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
                    },
                    enabled: true,
                    check: compiled.check,
                });
            }
        }
        if let Some(manifest) = layer.manifest() {
            apply_overrides(&layer.manifest_source, manifest, &mut rules)?;
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
    Ok(Pack {
        name: last.name.clone(),
        title: manifest
            .and_then(|m| m.title.clone())
            .unwrap_or_else(|| last.name.clone()),
        description: manifest
            .and_then(|m| m.description.clone())
            .unwrap_or_default(),
        chain: layers.iter().map(|l| l.name.clone()).collect(),
        templates,
        rules,
    })
}

fn apply_overrides(
    src: &Arc<PackSource>,
    manifest: &Manifest,
    rules: &mut [Rule],
) -> Result<(), PackError> {
    let find = |rules: &[Rule], id: &toml::Spanned<String>| -> Result<usize, PackError> {
        rules
            .iter()
            .position(|r| r.meta.id == *id.get_ref())
            .ok_or_else(|| {
                let ids: Vec<&str> = rules.iter().map(|r| r.meta.id.as_str()).collect();
                template::unknown(src, id, "规则", ids.into_iter())
            })
    };
    for id in &manifest.disable {
        let i = find(rules, id)?;
        rules[i].enabled = false;
    }
    for (id, severity) in &manifest.severity {
        let i = find(rules, id)?;
        rules[i].meta.severity = *severity.get_ref();
    }
    Ok(())
}
