//! Pack regexes that cost nothing until a document needs them, and one literal scan
//! per text for all of them.
//!
//! A pack has about a hundred regexes; compiling them all at every start took most of
//! the time a pre-commit hook waited for. So a `PackRegex` holds its pattern and is
//! compiled the first time it is searched (a pack on disk is still compiled, and its
//! errors reported, when it loads: `CompileCx::eager`; the built-in packs are compiled
//! by `cargo test`). And each rule used to scan the whole text with its own `RegexSet`
//! to learn whether any of its patterns occurs at all: now every pattern's *required
//! literals* (a set of strings one of which every match contains, from
//! `regex-syntax`'s extractor) go into one Aho-Corasick automaton per pack (`Scanner`,
//! built at the first document), which runs once over a document's text and once over
//! its narrative (`Scan`), and tells each regex whether it can match there. A regex
//! whose literals do not occur is neither searched nor compiled; the others run exactly
//! as before, so the findings are the same.

use std::cell::OnceCell;
use std::ops::Deref;
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

use aho_corasick::{AhoCorasick, MatchKind};
use regex::Regex;
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Hir, HirKind};

use crate::parse::Document;

/// Largest compiled pack regex (the `regex` crate's `size_limit`).
pub const REGEX_SIZE_LIMIT: usize = 8 << 20;

/// Matches nothing: what a regex that cannot be compiled searches with. Only a
/// built-in pack's regex is compiled late, and `cargo test` compiles every one of them
/// (`tests/pack_examples.rs`), so this is a guard, not a path.
static NEVER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[a&&b]").expect("valid regex"));

/// A regex of a pack: its pattern (fragments expanded), compiled when first used.
#[derive(Clone, Debug)]
pub struct PackRegex(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    source: String,
    /// Compiled with the pack size limit (`build`), else as `Regex::new` does.
    limited: bool,
    compiled: OnceLock<Option<Regex>>,
    /// Index in its pack's `Scanner`, when the regex searches whole texts.
    id: Option<usize>,
}

impl PackRegex {
    /// The pattern as compiled (fragments expanded).
    pub fn as_str(&self) -> &str {
        &self.0.source
    }

    /// Whether it has been compiled (for tests of laziness).
    pub fn is_compiled(&self) -> bool {
        self.0.compiled.get().is_some()
    }

    fn regex(&self) -> &Regex {
        self.0
            .compiled
            .get_or_init(|| {
                if self.0.limited {
                    build(&self.0.source).ok()
                } else {
                    Regex::new(&self.0.source).ok()
                }
            })
            .as_ref()
            .unwrap_or(&NEVER)
    }
}

/// Compiles a pack regex with the pack size limit.
pub fn build(source: &str) -> Result<Regex, regex::Error> {
    regex::RegexBuilder::new(source)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
}

impl Deref for PackRegex {
    type Target = Regex;

    fn deref(&self) -> &Regex {
        self.regex()
    }
}

/// How a regex of a pack is made.
pub struct Spec {
    pub source: String,
    /// Compiled with the pack size limit (`build`), else with `Regex::new`.
    pub limited: bool,
    /// Already compiled (a pack on disk is compiled when it loads, to report errors).
    pub compiled: Option<Regex>,
    /// Searched over a whole text (the document's or its narrative): in the scan.
    pub scanned: bool,
}

/// The regexes of a pack, collected while it loads; those that search whole texts
/// go into its `Scanner`.
#[derive(Default)]
pub struct Registry {
    lists: Mutex<Lists>,
}

#[derive(Default)]
struct Lists {
    /// Every regex of the pack.
    all: Vec<Arc<Inner>>,
    /// Those that search whole texts, by `Inner::id`.
    scanned: Vec<Arc<Inner>>,
}

impl Registry {
    pub fn regex(&self, spec: Spec) -> PackRegex {
        let mut inner = Inner {
            source: spec.source,
            limited: spec.limited,
            compiled: match spec.compiled {
                Some(re) => OnceLock::from(Some(re)),
                None => OnceLock::new(),
            },
            id: None,
        };
        let Ok(mut lists) = self.lists.lock() else {
            return PackRegex(Arc::new(inner));
        };
        if spec.scanned {
            inner.id = Some(lists.scanned.len());
        }
        let inner = Arc::new(inner);
        lists.all.push(Arc::clone(&inner));
        if spec.scanned {
            lists.scanned.push(Arc::clone(&inner));
        }
        PackRegex(inner)
    }

    pub fn into_scanner(self) -> Scanner {
        let lists = self.lists.into_inner().unwrap_or_default();
        Scanner {
            all: lists.all,
            regexes: lists.scanned,
            automaton: OnceLock::new(),
        }
    }
}

/// What a regex needs in a text to be worth searching.
#[derive(Debug, PartialEq)]
enum Need {
    /// No useful literal: always searched.
    Always,
    /// One of these literals (indexes into the automaton's literals).
    Any(Vec<u32>),
}

/// The literal scan of a pack, built at the first document (once per process).
pub struct Scanner {
    /// Every regex of the pack (to count what is compiled).
    all: Vec<Arc<Inner>>,
    /// Those searched over whole texts, by `Inner::id`.
    regexes: Vec<Arc<Inner>>,
    automaton: OnceLock<Automaton>,
}

struct Automaton {
    ac: Option<AhoCorasick>,
    /// For each literal, the regexes that one of its occurrences makes possible.
    owners: Vec<Vec<u32>>,
    needs: Vec<Need>,
}

impl Scanner {
    fn automaton(&self) -> &Automaton {
        self.automaton.get_or_init(|| {
            let mut literals: Vec<Vec<u8>> = Vec::new();
            let mut index: std::collections::HashMap<Vec<u8>, u32> = Default::default();
            let mut owners: Vec<Vec<u32>> = Vec::new();
            let mut needs = Vec::with_capacity(self.regexes.len());
            for (id, re) in self.regexes.iter().enumerate() {
                let Some(set) = required_literals(&re.source) else {
                    needs.push(Need::Always);
                    continue;
                };
                let mut ids = Vec::with_capacity(set.len());
                for lit in set {
                    let next = literals.len() as u32;
                    let at = *index.entry(lit.clone()).or_insert_with(|| {
                        literals.push(lit);
                        owners.push(Vec::new());
                        next
                    });
                    owners[at as usize].push(id as u32);
                    ids.push(at);
                }
                needs.push(Need::Any(ids));
            }
            let ac = AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(&literals)
                .ok();
            if ac.is_none() {
                // Without the automaton every regex is searched, as if it had no literal.
                needs.iter_mut().for_each(|n| *n = Need::Always);
            }
            Automaton { ac, owners, needs }
        })
    }

    /// Which of the pack's regexes can match somewhere in `text` (one pass).
    fn possible(&self, text: &str) -> Vec<bool> {
        let automaton = self.automaton();
        let mut possible: Vec<bool> = automaton.needs.iter().map(|n| *n == Need::Always).collect();
        if let Some(ac) = &automaton.ac {
            let mut seen = vec![false; automaton.owners.len()];
            for m in ac.find_overlapping_iter(text) {
                let lit = m.pattern().as_usize();
                if !std::mem::replace(&mut seen[lit], true) {
                    for &id in &automaton.owners[lit] {
                        possible[id as usize] = true;
                    }
                }
            }
        }
        possible
    }

    /// The scan of one document (each of its texts scanned when first asked about).
    pub fn scan<'a>(&'a self, doc: &'a Document) -> Scan<'a> {
        Scan {
            scanner: self,
            text: &doc.text,
            narrative: &doc.narrative.text,
            everything: false,
            in_text: OnceCell::new(),
            in_narrative: OnceCell::new(),
        }
    }

    /// A scan that spares nothing: every regex is searched (what the scan must not
    /// change the findings of; `tests/literal_scan.rs`).
    pub fn scan_everything<'a>(&'a self, doc: &'a Document) -> Scan<'a> {
        Scan {
            everything: true,
            ..self.scan(doc)
        }
    }

    /// The regexes that search whole texts (fragments expanded).
    pub fn regexes(&self) -> Vec<PackRegex> {
        self.regexes.iter().cloned().map(PackRegex).collect()
    }

    /// (compiled so far, all) regexes of the pack.
    pub fn compiled(&self) -> (usize, usize) {
        let done = self
            .all
            .iter()
            .filter(|r| r.compiled.get().is_some())
            .count();
        (done, self.all.len())
    }
}

/// One document's literal scan: whether a pack regex can match in its text or its
/// narrative.
pub struct Scan<'a> {
    scanner: &'a Scanner,
    text: &'a str,
    narrative: &'a str,
    everything: bool,
    in_text: OnceCell<Vec<bool>>,
    in_narrative: OnceCell<Vec<bool>>,
}

impl Scan<'_> {
    /// False only when `re` cannot match anywhere in `text` (which must be the
    /// document's text or its narrative for the scan to say anything).
    pub fn may_match(&self, re: &PackRegex, text: &str) -> bool {
        let Some(id) = re.0.id.filter(|_| !self.everything) else {
            return true;
        };
        let same = |a: &str| a.as_ptr() == text.as_ptr() && a.len() == text.len();
        let cell = if same(self.text) {
            &self.in_text
        } else if same(self.narrative) {
            &self.in_narrative
        } else {
            return true;
        };
        cell.get_or_init(|| self.scanner.possible(text))
            .get(id)
            .is_none_or(|p| *p)
    }
}

impl Scan<'_> {
    /// How many (regex, text) pairs of the document's text and narrative the scan
    /// spares.
    pub fn skipped(&self) -> usize {
        if self.everything {
            return 0;
        }
        [self.text, self.narrative]
            .iter()
            .map(|t| self.scanner.possible(t).iter().filter(|p| !**p).count())
            .sum()
    }
}

/// `scan.may_match`, or true without a scan (examples, `nianbao extract`).
pub fn may_match(scan: Option<&Scan<'_>>, re: &PackRegex, text: &str) -> bool {
    scan.is_none_or(|s| s.may_match(re, text))
}

/// Shortest literal worth a place in the automaton: one Chinese character, or three
/// ASCII bytes (a digit or a single letter is in every report).
const MIN_LITERAL_BYTES: usize = 3;
/// How deep into a pattern's structure required literals are looked for.
const MAX_DEPTH: usize = 12;

/// Literals one of which every match of `pattern` contains, or `None` when there is
/// no useful set (the regex is then always searched). An empty set: it never matches.
pub fn required_literals(pattern: &str) -> Option<Vec<Vec<u8>>> {
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(pattern)
        .ok()?;
    let best = required(&hir, 0)?;
    (best.is_empty() || best.iter().all(|l| l.len() >= MIN_LITERAL_BYTES)).then_some(best)
}

/// How good a literal set is: longer shortest literal first, then fewer literals.
fn score(set: &[Vec<u8>]) -> (usize, std::cmp::Reverse<usize>) {
    let shortest = set.iter().map(Vec::len).min().unwrap_or(usize::MAX);
    (shortest.min(12), std::cmp::Reverse(set.len()))
}

fn extract(hir: &Hir, kind: ExtractKind) -> Option<Vec<Vec<u8>>> {
    let mut extractor = Extractor::new();
    extractor.kind(kind);
    let seq = extractor.extract(hir);
    let lits = seq.literals()?;
    // An empty literal is in every text: no use.
    if lits.iter().any(|l| l.is_empty()) {
        return None;
    }
    let mut out: Vec<Vec<u8>> = lits.iter().map(|l| l.as_bytes().to_vec()).collect();
    out.sort();
    out.dedup();
    Some(out)
}

/// The best set of literals one of which every match of `hir` contains: its prefixes,
/// its suffixes, or (through concatenations, groups and repetitions of at least one)
/// the set of one of its parts; an alternation needs a set for every branch.
fn required(hir: &Hir, depth: usize) -> Option<Vec<Vec<u8>>> {
    let mut candidates: Vec<Vec<Vec<u8>>> = Vec::new();
    candidates.extend(extract(hir, ExtractKind::Prefix));
    candidates.extend(extract(hir, ExtractKind::Suffix));
    if depth < MAX_DEPTH {
        match hir.kind() {
            HirKind::Concat(parts) => {
                candidates.extend(parts.iter().filter_map(|p| required(p, depth + 1)));
            }
            HirKind::Capture(c) => candidates.extend(required(&c.sub, depth + 1)),
            HirKind::Repetition(r) if r.min >= 1 => {
                candidates.extend(required(&r.sub, depth + 1));
            }
            HirKind::Alternation(branches) => {
                let mut union = Vec::new();
                let all = branches.iter().all(|b| match required(b, depth + 1) {
                    Some(set) => {
                        union.extend(set);
                        true
                    }
                    None => false,
                });
                if all {
                    union.sort();
                    union.dedup();
                    candidates.push(union);
                }
            }
            _ => {}
        }
    }
    candidates.into_iter().max_by_key(|c| score(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lits(p: &str) -> Option<Vec<String>> {
        required_literals(p).map(|v| {
            v.into_iter()
                .map(|l| String::from_utf8_lossy(&l).into_owned())
                .collect()
        })
    }

    #[test]
    fn never_matches() {
        assert!(!NEVER.is_match("ab"));
        assert!(!NEVER.is_match(""));
    }

    #[test]
    fn literals_are_prefixes_suffixes_or_inner_parts() {
        assert_eq!(
            lits("(?:收到|受理)申请"),
            Some(vec!["受理申请".into(), "收到申请".into()])
        );
        assert_eq!(lits(r"\p{Han}{2,4}申请\d+件"), Some(vec!["申请".into()]));
        assert_eq!(lits(r"[0-9]+件"), Some(vec!["件".into()]));
        // Nothing required: searched always.
        assert_eq!(lits(r"\p{Han}+"), None);
        assert_eq!(lits(r"a|\d"), None);
        assert_eq!(lits(r"(?:abc)?x"), None);
        // An alternation needs every branch.
        assert_eq!(
            lits(r"\d(?:收到|\s*受理)"),
            Some(vec!["受理".into(), "收到".into()])
        );
    }

    #[test]
    fn every_match_contains_a_literal() {
        let patterns = [
            r"(?P<hit></?[A-Za-z][A-Za-z0-9]{0,9}\s*/?>)",
            r"(?i)&nbsp;|&amp;",
            r"共?(?:收到|受理)[^，。]{0,12}?申请(?P<n>\d+)件",
            r"(?:XX|××|【\p{Han}{1,6}】)",
            r"第[一二三]季度",
        ];
        let texts = [
            "改进情况</span>，共收到各类申请98件；&NBSP;XX单位【单位名称】第二季度",
            "共受理政府信息公开申请12件<br/>",
        ];
        for p in patterns {
            let re = Regex::new(p).expect("test pattern");
            let Some(set) = required_literals(p) else {
                continue;
            };
            for t in texts {
                for m in re.find_iter(t) {
                    let s = m.as_str().as_bytes();
                    assert!(
                        set.iter()
                            .any(|l| s.windows(l.len()).any(|w| w == l.as_slice())),
                        "{p} matched {:?} with none of its literals",
                        m.as_str()
                    );
                }
            }
        }
    }

    #[test]
    fn deferred_regexes_compile_on_first_search() {
        let registry = Registry::default();
        let spec = |s: &str| Spec {
            source: s.into(),
            limited: true,
            compiled: None,
            scanned: true,
        };
        let re = registry.regex(spec("申请(\\d+)件"));
        assert!(!re.is_compiled());
        assert!(re.is_match("申请3件"));
        assert!(re.is_compiled());
        let broken = registry.regex(spec("("));
        assert!(!broken.is_match("("), "an invalid regex matches nothing");
    }
}
