//! The top-level modules of `src/` depend on each other one way (ARCHITECTURE.md, the
//! order below the pipeline diagram). This test reads the sources, finds every
//! `crate::module` a module names outside its tests and comments, and fails on a cycle,
//! printing each edge of it with the files that make it — so a type put in a stage
//! above the code that needs it is caught when it is written, not when the circle has
//! grown. The crate root (`lib.rs`: `Linter`, `Outcome`, `parse_loaded`) counts as a
//! module of its own; its re-exports (`crate::Document`…) count as the module they
//! come from.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, sorted.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The code of a file without its test module and its comment lines.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or(text);
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The identifiers right after each `crate::` (and each name inside `crate::{…}`).
fn crate_paths(code: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(inner) = rest.strip_prefix('{') {
            let end = inner.find('}').unwrap_or(inner.len());
            out.extend(
                inner[..end]
                    .split(',')
                    .map(|n| ident(n.trim()))
                    .filter(|n| !n.is_empty()),
            );
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                out.push(name);
            }
        }
    }
    out
}

/// The module a name after `crate::` belongs to: a module, a re-export of the root
/// (`pub use module::{A, B};`), else an item of the root itself.
fn resolve(name: &str, modules: &BTreeSet<String>, reexports: &BTreeMap<String, String>) -> String {
    if modules.contains(name) {
        return name.to_string();
    }
    reexports
        .get(name)
        .cloned()
        .unwrap_or_else(|| "lib".to_string())
}

/// `pub use module::{A, B};` and `pub use module::A;` lines of the root.
fn root_reexports(lib: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in lib.lines() {
        let Some(rest) = line.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, names)) = rest.split_once("::") else {
            continue;
        };
        let names = names.trim_end_matches(';');
        let names = names.trim_start_matches('{').trim_end_matches('}');
        for n in names.split(',') {
            let n = n.trim();
            let n = n.rsplit(" as ").next().unwrap_or(n);
            if !n.is_empty() {
                out.insert(n.to_string(), module.to_string());
            }
        }
    }
    out
}

type Edges = BTreeMap<(String, String), BTreeSet<String>>;

/// The dependencies between top-level modules, each with the files that make it.
fn edges(src: &Path) -> Edges {
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("src/lib.rs");
    let reexports = root_reexports(&lib);
    let modules: BTreeSet<String> = sources(src)
        .iter()
        .filter_map(|p| {
            let rel = p.strip_prefix(src).ok()?;
            let first = rel.components().next()?.as_os_str().to_str()?;
            Some(first.trim_end_matches(".rs").to_string())
        })
        .filter(|m| m != "lib" && m != "main")
        .collect();
    let mut out = Edges::new();
    for path in sources(src) {
        let rel = path.strip_prefix(src).expect("under src");
        let first = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or_default()
            .trim_end_matches(".rs")
            .to_string();
        // The binary's own files sit on top of everything.
        if first == "main" || first == "cli" {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable source");
        let code = code(&text);
        let mut names = crate_paths(&code);
        if first == "lib" {
            // The root's re-exports are its facade, not what it uses.
            let body: String = code
                .lines()
                .filter(|l| {
                    let l = l.trim_start();
                    !l.starts_with("pub use ")
                        && !l.starts_with("pub mod ")
                        && !l.starts_with("mod ")
                })
                .collect::<Vec<_>>()
                .join("\n");
            names = crate_paths(&body);
            for m in &modules {
                if body.contains(&format!("{m}::")) {
                    names.push(m.clone());
                }
            }
        }
        for name in names {
            let to = resolve(&name, &modules, &reexports);
            if to != first && to != "cli" {
                out.entry((first.clone(), to))
                    .or_default()
                    .insert(rel.display().to_string());
            }
        }
    }
    out
}

/// A cycle of the graph, if there is one (depth-first search, colours).
fn cycle(edges: &Edges) -> Option<Vec<String>> {
    let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (a, b) in edges.keys() {
        next.entry(a).or_default().push(b);
    }
    #[derive(Clone, Copy, PartialEq)]
    enum Colour {
        White,
        Grey,
        Black,
    }
    let nodes: BTreeSet<&str> = edges
        .keys()
        .flat_map(|(a, b)| [a.as_str(), b.as_str()])
        .collect();
    let mut colour: BTreeMap<&str, Colour> = nodes.iter().map(|n| (*n, Colour::White)).collect();
    for &start in &nodes {
        if colour[start] != Colour::White {
            continue;
        }
        // (node, index of the next successor to visit)
        let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
        colour.insert(start, Colour::Grey);
        while let Some(&mut (node, ref mut i)) = stack.last_mut() {
            let succ = next.get(node).map(Vec::as_slice).unwrap_or_default();
            if let Some(&s) = succ.get(*i) {
                *i += 1;
                match colour[s] {
                    Colour::White => {
                        colour.insert(s, Colour::Grey);
                        stack.push((s, 0));
                    }
                    Colour::Grey => {
                        let from = stack.iter().position(|(n, _)| *n == s).unwrap_or(0);
                        let mut path: Vec<String> =
                            stack[from..].iter().map(|(n, _)| n.to_string()).collect();
                        path.push(s.to_string());
                        return Some(path);
                    }
                    Colour::Black => {}
                }
            } else {
                colour.insert(node, Colour::Black);
                stack.pop();
            }
        }
    }
    None
}

fn describe(edges: &Edges, path: &[String]) -> String {
    path.windows(2)
        .map(|w| {
            let files = edges
                .get(&(w[0].clone(), w[1].clone()))
                .map(|f| f.iter().cloned().collect::<Vec<_>>().join(", "))
                .unwrap_or_default();
            format!("  {} -> {}  ({files})", w[0], w[1])
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_top_level_modules_depend_on_each_other_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let edges = edges(&src);
    // The graph is what it claims to be: the stages are there and depend on each other.
    for (a, b) in [
        ("parse", "load"),
        ("rules", "parse"),
        ("rules", "diagnostic"),
        ("pack", "rules"),
        ("series", "pack"),
        ("report", "pack"),
        ("fix", "lib"),
    ] {
        assert!(
            edges.contains_key(&(a.to_string(), b.to_string())),
            "expected {a} -> {b} among {:?}",
            edges.keys().collect::<Vec<_>>()
        );
    }
    if let Some(path) = cycle(&edges) {
        panic!(
            "the top-level modules of src/ depend on each other in a circle:\n{}\n\
             move what the lower module needs below both (ARCHITECTURE.md, the order of the modules)",
            describe(&edges, &path)
        );
    }
}

#[test]
fn a_circle_is_found_and_named() {
    let mut edges = Edges::new();
    for (a, b) in [
        ("pack", "rules"),
        ("rules", "report"),
        ("report", "pack"),
        ("rules", "parse"),
    ] {
        edges
            .entry((a.to_string(), b.to_string()))
            .or_default()
            .insert(format!("src/{a}/mod.rs"));
    }
    let path = cycle(&edges).expect("a circle");
    assert_eq!(path.first(), path.last());
    assert_eq!(path.len(), 4);
    assert!(describe(&edges, &path).contains("rules -> report  (src/rules/mod.rs)"));
    edges.remove(&("report".to_string(), "pack".to_string()));
    assert_eq!(cycle(&edges), None);
}

#[test]
fn paths_are_read_from_code_not_from_comments_or_tests() {
    let text = "use crate::parse::Document;\n// crate::report::x\nuse crate::{Linter, Outcome};\nfn f() { crate::text::x(); }\n#[cfg(test)]\nmod tests {\n use crate::series::y;\n}\n";
    assert_eq!(
        crate_paths(&code(text)),
        ["parse", "Linter", "Outcome", "text"]
    );
}
