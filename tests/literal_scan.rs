//! The pack's regexes are compiled when first needed, and one literal scan per text
//! tells each rule's regexes whether they can match (`rules::scan`). Neither may
//! change a finding: every rule of every built-in pack gives the same findings with
//! the scan as with every regex searched, on every report the repository has.

use crate::common;
use std::path::{Path, PathBuf};

use nianbao::rules::Context;
use nianbao::rules::scan::required_literals;
use nianbao::{Document, Pack};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The reports of the repository: the examples, the test fixtures, and every built-in
/// pack's own fixtures (which make each rule fire).
fn texts() -> Vec<(String, String)> {
    let mut dirs = vec![root().join("examples"), root().join("tests/fixtures")];
    for name in nianbao::pack::builtin_names() {
        dirs.push(root().join("rules").join(name).join("tests"));
    }
    let mut out = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            let readable = p
                .extension()
                .is_some_and(|x| x == "txt" || x == "md" || x == "markdown");
            if !readable {
                continue;
            }
            if let Ok(text) = std::fs::read_to_string(&p) {
                out.push((p.display().to_string(), text));
            }
        }
    }
    assert!(out.len() > 20, "the repository's reports are found");
    out
}

/// One rule's findings on a document, with the document's scan or with none.
fn findings(pack: &Pack, doc: &Document, everything: bool) -> Vec<String> {
    let scan = if everything {
        pack.scanner.scan_everything(doc)
    } else {
        pack.scanner.scan(doc)
    };
    let mut all = Vec::new();
    for rule in &pack.rules {
        let mut out = Vec::new();
        let mut holding = nianbao::rules::Holding::default();
        let mut cx = Context {
            doc,
            templates: &pack.templates,
            meta: &rule.meta,
            out: &mut out,
            scan: &scan,
            holding: &mut holding,
        };
        rule.check.check(&mut cx);
        all.extend(out.iter().map(|d| format!("{d:?}")));
        all.push(format!("{holding:?}"));
    }
    all
}

#[test]
fn the_scan_changes_no_finding() {
    let texts = texts();
    for name in nianbao::pack::builtin_names() {
        let pack = Pack::builtin(name).expect("built-in pack");
        let mut skipped_somewhere = false;
        for (path, text) in &texts {
            let doc = Document::parse(path, text.clone(), &pack.templates);
            let with = findings(&pack, &doc, false);
            let without = findings(&pack, &doc, true);
            assert_eq!(with, without, "pack {name}, {path}");
            skipped_somewhere |= pack.scanner.scan(&doc).skipped() > 0;
        }
        assert!(skipped_somewhere, "pack {name}: the scan spares some regex");
    }
}

/// Every match of every scanned regex contains one of its literals (what makes the
/// scan safe), on every report of the repository.
#[test]
fn every_match_contains_one_of_its_literals() {
    let texts = texts();
    let pack = Pack::builtin("shanghai").expect("a province pack (national included)");
    let regexes = pack.scanner.regexes();
    assert!(regexes.len() > 40, "the pack's regexes are registered");
    let mut with_literals = 0;
    for re in &regexes {
        let Some(set) = required_literals(re.as_str()) else {
            continue;
        };
        with_literals += 1;
        for (path, text) in &texts {
            for m in re.find_iter(text) {
                let s = m.as_str().as_bytes();
                assert!(
                    set.iter()
                        .any(|l| s.windows(l.len()).any(|w| w == l.as_slice())),
                    "{path}: /{}/ matched {:?}, which has none of its literals",
                    re.as_str(),
                    m.as_str()
                );
            }
        }
    }
    assert!(
        with_literals * 10 >= regexes.len() * 8,
        "most regexes have a literal set ({with_literals} of {})",
        regexes.len()
    );
}

#[test]
fn a_builtin_pack_compiles_its_regexes_when_a_document_needs_them() {
    let pack = Pack::national().expect("national pack");
    let (compiled, total) = pack.scanner.compiled();
    assert_eq!(compiled, 0, "no regex is compiled when the pack loads");
    assert!(total > 40);
    let linter = nianbao::Linter::new(pack);
    let text = std::fs::read_to_string(root().join("examples/report-2024.txt")).expect("report");
    linter.lint_text("report.txt", text).expect("lints");
    let (compiled, total) = linter.pack().scanner.compiled();
    assert!(compiled > 0, "a document compiles what it needs");
    assert!(
        compiled < total,
        "a clean report does not need every regex ({compiled} of {total})"
    );
}

/// A pack on disk is compiled when it loads: its broken regex is an error then, at
/// its TOML line, not a silent rule at the first document.
#[test]
fn a_pack_on_disk_reports_a_broken_regex_when_it_loads() {
    let dir = tempfile::tempdir().expect("tempdir");
    common::one_rule_pack(dir.path(), r#"["甲(乙"]"#, None);
    let err = match Pack::from_dir(Path::new(dir.path())) {
        Ok(_) => panic!("a pack with a broken regex must not load"),
        Err(e) => e,
    };
    assert!(format!("{err:?}").contains("正则表达式有误"), "{err:?}");
}
