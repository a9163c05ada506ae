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
//! as before, so the findings are the same. Regexes with the same pattern share one
//! compiled regex; and the command line has a second thread compile what the first
//! document needs while it is parsed (`Scanner::warm_up`, when a processor is free).

use std::cell::OnceCell;
use std::collections::HashMap;
use std::ops::Deref;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
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
    /// Shared by the regexes of a pack with the same pattern and limit (a wording
    /// several rules use is compiled once).
    compiled: Arc<OnceLock<Option<Regex>>>,
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
        self.0.compile().as_ref().unwrap_or(&NEVER)
    }
}

impl Inner {
    /// Compiles the regex, unless it is (or is being, on another thread: then waits).
    fn compile(&self) -> &Option<Regex> {
        self.compiled.get_or_init(|| {
            if self.limited {
                build(&self.source).ok()
            } else {
                Regex::new(&self.source).ok()
            }
        })
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
    /// The compiled form of each (pattern, limited), shared by the regexes that have it.
    cells: HashMap<(String, bool), Arc<OnceLock<Option<Regex>>>>,
}

impl Registry {
    pub fn regex(&self, spec: Spec) -> PackRegex {
        let Ok(mut lists) = self.lists.lock() else {
            return PackRegex(Arc::new(Inner {
                source: spec.source,
                limited: spec.limited,
                compiled: Arc::new(match spec.compiled {
                    Some(re) => OnceLock::from(Some(re)),
                    None => OnceLock::new(),
                }),
                id: None,
            }));
        };
        let compiled = Arc::clone(
            lists
                .cells
                .entry((spec.source.clone(), spec.limited))
                .or_insert_with(|| Arc::new(OnceLock::new())),
        );
        if let Some(re) = spec.compiled {
            // Already compiled (a pack on disk): the first compiled copy is kept.
            let _ = compiled.set(Some(re));
        }
        let mut inner = Inner {
            source: spec.source,
            limited: spec.limited,
            compiled,
            id: None,
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
        Scanner(Arc::new(Shared {
            all: lists.all,
            regexes: lists.scanned,
            automaton: OnceLock::new(),
            warmed: AtomicBool::new(false),
        }))
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
pub struct Scanner(Arc<Shared>);

/// What a `Scanner` shares with its warm-up thread.
struct Shared {
    /// Every regex of the pack (to count what is compiled).
    all: Vec<Arc<Inner>>,
    /// Those searched over whole texts, by `Inner::id`.
    regexes: Vec<Arc<Inner>>,
    automaton: OnceLock<Automaton>,
    /// Whether a warm-up thread was started (at most one per pack).
    warmed: AtomicBool,
}

/// The required literals of a list of regexes in one Aho-Corasick automaton.
///
/// Two forms of it: a contiguous NFA, built in about a millisecond, for the first
/// documents of a process (one report checked by a pre-commit hook must not wait for
/// more); and, once `DFA_AFTER` documents have been scanned (a batch), a DFA, which
/// takes several milliseconds and a couple of MB to build but scans three times as
/// fast (measured: 64 → 21 µs for a report's text and narrative). Both report every
/// occurrence of every literal, so which one ran never changes what is possible.
struct Automaton {
    ac: Option<AhoCorasick>,
    /// The literals, kept to build the DFA from.
    literals: Vec<Vec<u8>>,
    /// The DFA, built once the process has scanned `DFA_AFTER` texts (`None`: it
    /// could not be built, and the NFA goes on).
    dfa: OnceLock<Option<AhoCorasick>>,
    /// Texts scanned so far.
    scans: AtomicUsize,
    /// For each literal, the regexes that one of its occurrences makes possible.
    owners: Vec<Vec<u32>>,
    needs: Vec<Need>,
}

/// Texts scanned with the NFA before the DFA is built (a batch's first few reports).
const DFA_AFTER: usize = 16;
/// Largest DFA built (the `aho-corasick` builder's own limit is far above what a
/// pack needs; a pack whose DFA would be larger keeps the NFA).
const DFA_SIZE_LIMIT: usize = 16 << 20;

impl Automaton {
    fn new<'a>(regexes: impl Iterator<Item = &'a Inner>) -> Automaton {
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut index: HashMap<Vec<u8>, u32> = Default::default();
        let mut owners: Vec<Vec<u32>> = Vec::new();
        let mut needs = Vec::new();
        for (id, re) in regexes.enumerate() {
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
        Automaton {
            ac,
            literals,
            dfa: OnceLock::new(),
            scans: AtomicUsize::new(0),
            owners,
            needs,
        }
    }

    /// The automaton to scan the next text with: the DFA once the process has scanned
    /// `DFA_AFTER` texts, else the NFA.
    fn current(&self) -> Option<&AhoCorasick> {
        let nfa = self.ac.as_ref()?;
        if self.scans.fetch_add(1, Ordering::Relaxed) < DFA_AFTER {
            return Some(nfa);
        }
        let dfa = self.dfa.get_or_init(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .kind(Some(AhoCorasickKind::DFA))
                .build(&self.literals)
                .ok()
                .filter(|dfa| dfa.memory_usage() <= DFA_SIZE_LIMIT)
        });
        Some(dfa.as_ref().unwrap_or(nfa))
    }

    /// Which of the regexes can match somewhere in `text` (one pass).
    fn possible(&self, text: &str) -> Vec<bool> {
        self.possible_with(self.current(), text)
    }

    /// `possible`, scanning with `ac` (the pack's NFA or its DFA).
    fn possible_with(&self, ac: Option<&AhoCorasick>, text: &str) -> Vec<bool> {
        let mut possible: Vec<bool> = self.needs.iter().map(|n| *n == Need::Always).collect();
        if let Some(ac) = ac {
            let mut seen = vec![false; self.owners.len()];
            for m in ac.find_overlapping_iter(text) {
                let lit = m.pattern().as_usize();
                if !std::mem::replace(&mut seen[lit], true) {
                    for &id in &self.owners[lit] {
                        possible[id as usize] = true;
                    }
                }
            }
        }
        possible
    }
}

impl Shared {
    fn automaton(&self) -> &Automaton {
        self.automaton
            .get_or_init(|| Automaton::new(self.regexes.iter().map(|r| &**r)))
    }

    /// Compiles the regexes a document with this text will likely search: those whose
    /// literals occur in it (the scanned ones by the pack's automaton, the others —
    /// searched on pieces of a text when a rule has a hit — by one of their own), last
    /// registered first, so that the checking thread, which goes through the rules in
    /// order and compiles what it needs itself, meets this one only at the end.
    fn warm(&self, text: &str) {
        // The checks' own fixed regexes first (the checking thread needs them once
        // the document is parsed), and the parser's that run last (body and year).
        super::dates::warm();
        super::breakdown::warm();
        super::cross_ref::warm();
        super::sections::warm();
        crate::parse::body::warm();
        crate::parse::body_key::warm();
        crate::parse::year::warm();
        let scanned = self.automaton().possible(text);
        let others: Vec<&Inner> = self
            .all
            .iter()
            .filter(|r| r.id.is_none())
            .map(|r| &**r)
            .collect();
        let in_others = Automaton::new(others.iter().copied()).possible(text);
        let mut other = in_others.len();
        for re in self.all.iter().rev() {
            let likely = match re.id {
                Some(id) => scanned.get(id).is_some_and(|p| *p),
                None => {
                    other = other.saturating_sub(1);
                    in_others.get(other).is_some_and(|p| *p)
                }
            };
            if likely {
                re.compile();
            }
        }
    }
}

/// The opening of a document the warm-up thread looks at (a report is far shorter).
const WARM_UP_BYTES: usize = 256 << 10;

impl Scanner {
    fn automaton(&self) -> &Automaton {
        self.0.automaton()
    }

    /// Which of the pack's regexes can match somewhere in `text` (one pass).
    fn possible(&self, text: &str) -> Vec<bool> {
        self.automaton().possible(text)
    }

    /// Starts compiling, on another thread, the regexes a document with this text
    /// (as loaded, before parsing) will likely need, and building the literal
    /// automaton: done while the checking thread parses the document, this takes
    /// most of the compiling out of the time one report takes (issue 12). Once per
    /// pack (the first document), and only when a processor is free (`spare_processor`):
    /// on a busy machine the second thread only slows the first. Every regex
    /// stays compiled on first use whichever thread gets there first (`OnceLock`),
    /// so the findings are the same whether the warm-up has run or not.
    pub fn warm_up(&self, text: &str) {
        if self.0.warmed.swap(true, Ordering::Relaxed) || !spare_processor() {
            return;
        }
        let shared = Arc::clone(&self.0);
        // What a report needs shows in its opening: the thread gets a copy of at most
        // `WARM_UP_BYTES` (a large file is not held twice; its own checking takes far
        // longer than compiling anyway).
        let mut end = text.len().min(WARM_UP_BYTES);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let text = text[..end].to_owned();
        // A thread that cannot start leaves every regex to be compiled when used.
        let _ = std::thread::Builder::new()
            .name("nianbao-warm-up".into())
            .spawn(move || shared.warm(&text));
    }

    /// The scan of one document (each of its texts scanned when first asked about).
    pub fn scan<'a>(&'a self, doc: &'a Document) -> Scan<'a> {
        Scan {
            scanner: self,
            text: &doc.text,
            narrative: &doc.narrative.text,
            everything: false,
            mojibake: OnceCell::new(),
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
        self.0.regexes.iter().cloned().map(PackRegex).collect()
    }

    /// (compiled so far, all) regexes of the pack.
    pub fn compiled(&self) -> (usize, usize) {
        let done = self
            .0
            .all
            .iter()
            .filter(|r| r.compiled.get().is_some())
            .count();
        (done, self.0.all.len())
    }
}

/// Whether a second thread would likely run on a processor of its own: more than one
/// processor, and fewer tasks running right now (`/proc/loadavg`, this one included)
/// than processors. Without `/proc` (not Linux), more than one processor is enough.
fn spare_processor() -> bool {
    let processors = std::thread::available_parallelism().map_or(1, |n| n.get());
    match std::fs::read_to_string("/proc/loadavg") {
        Ok(loadavg) => spare_in(&loadavg, processors),
        Err(_) => processors > 1,
    }
}

/// `spare_processor` for one line of `/proc/loadavg` (`0.52 0.61 0.70 2/118 4242`: the
/// fourth field is the tasks running now / all tasks).
fn spare_in(loadavg: &str, processors: usize) -> bool {
    let running = loadavg
        .split_whitespace()
        .nth(3)
        .and_then(|f| f.split_once('/'))
        .and_then(|(running, _)| running.parse::<usize>().ok());
    processors > 1 && running.is_some_and(|r| r < processors)
}

/// One document's literal scan: whether a pack regex can match in its text or its
/// narrative.
pub struct Scan<'a> {
    scanner: &'a Scanner,
    text: &'a str,
    narrative: &'a str,
    everything: bool,
    mojibake: OnceCell<Vec<std::ops::Range<usize>>>,
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
    /// The mojibake runs of the document's text (`rules::mojibake::runs`), found once
    /// for every rule that asks; `None` for another text.
    pub fn mojibake(&self, text: &str) -> Option<&[std::ops::Range<usize>]> {
        let same = self.text.as_ptr() == text.as_ptr() && self.text.len() == text.len();
        same.then(|| {
            self.mojibake
                .get_or_init(|| super::mojibake::runs(self.text))
                .as_slice()
        })
    }

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
/// Largest character class expanded into literals at the first try (the extractor's
/// own default): a class of digits or of a few verbs, not `\s` or a range of letters.
const CLASS_LIMIT: usize = 10;
/// The second try, for a pattern the first leaves always searched: a hygiene rule's
/// class of rare characters (mojibake, Latin-1 letters, `XＸ×`), with literals of two
/// bytes allowed (a Latin-1 letter; `XX`). A pattern with no set at the first try was
/// searched over every text; any set, even of short literals, can only spare work.
const WIDE_CLASS_LIMIT: usize = 64;
const MIN_WIDE_LITERAL_BYTES: usize = 2;

/// Literals one of which every match of `pattern` contains, or `None` when there is
/// no useful set (the regex is then always searched). An empty set: it never matches.
pub fn required_literals(pattern: &str) -> Option<Vec<Vec<u8>>> {
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(pattern)
        .ok()?;
    let usable = |best: Vec<Vec<u8>>, min: usize| {
        (best.is_empty() || best.iter().all(|l| l.len() >= min)).then_some(best)
    };
    required(&hir, 0, CLASS_LIMIT)
        .and_then(|best| usable(best, MIN_LITERAL_BYTES))
        .or_else(|| {
            required(&hir, 0, WIDE_CLASS_LIMIT)
                .and_then(|best| usable(best, MIN_WIDE_LITERAL_BYTES))
        })
}

/// How good a literal set is: longer shortest literal first, then fewer literals.
fn score(set: &[Vec<u8>]) -> (usize, std::cmp::Reverse<usize>) {
    let shortest = set.iter().map(Vec::len).min().unwrap_or(usize::MAX);
    (shortest.min(12), std::cmp::Reverse(set.len()))
}

fn extract(hir: &Hir, kind: ExtractKind, class_limit: usize) -> Option<Vec<Vec<u8>>> {
    let mut extractor = Extractor::new();
    extractor.kind(kind).limit_class(class_limit);
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
/// the set of one of its parts; an alternation needs a set for every branch. Classes
/// of up to `class_limit` characters are expanded.
fn required(hir: &Hir, depth: usize, class_limit: usize) -> Option<Vec<Vec<u8>>> {
    let mut candidates: Vec<Vec<Vec<u8>>> = Vec::new();
    candidates.extend(extract(hir, ExtractKind::Prefix, class_limit));
    candidates.extend(extract(hir, ExtractKind::Suffix, class_limit));
    if depth < MAX_DEPTH {
        let inner = |h: &Hir| required(h, depth + 1, class_limit);
        match hir.kind() {
            HirKind::Concat(parts) => {
                candidates.extend(parts.iter().filter_map(inner));
            }
            HirKind::Capture(c) => candidates.extend(inner(&c.sub)),
            HirKind::Repetition(r) if r.min >= 1 => {
                candidates.extend(inner(&r.sub));
            }
            HirKind::Alternation(branches) => {
                let mut union = Vec::new();
                let all = branches.iter().all(|b| match inner(b) {
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
        // A longer shortest literal wins: the suffixes `0件`…`9件` over `件`.
        let digits: Vec<String> = (0..10).map(|d| format!("{d}件")).collect();
        assert_eq!(lits(r"[0-9]+件"), Some(digits));
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
    fn a_class_of_rare_characters_gets_literals_at_the_second_try() {
        // Latin-1 letters (mojibake of a UTF-8 text read as Latin-1): two bytes each.
        let latin = lits(r"(?P<hit>[À-ÖØ-öø-ÿ]{3,})").expect("a set");
        assert_eq!(latin.len(), 62);
        assert!(latin.iter().all(|l| l.chars().count() == 1));
        // Placeholders: `XX` is short, but better than searching every text.
        let xs = lits(r"(?:^|[^A-Za-z])(?P<hit>[XＸ×]{2,})(?:[^A-Za-z]|$)").expect("a set");
        assert!(xs.contains(&"XX".to_string()) && xs.len() == 9);
        // A class of a dozen rare characters.
        let rare = lits(r"[鈥銆锛鍙鏈鐨绗鍦鏀鐢鍚鍗][^\s，。]{0,3}?[鈥銆锛]").expect("a set");
        assert!(rare.len() <= 12 && rare.iter().all(|l| l.chars().count() == 1));
        // Still nothing for classes that are in every text, or single ASCII bytes.
        assert_eq!(lits(r"\p{Han}{2,}"), None);
        assert_eq!(lits(r"[a-z]+"), None);
        assert_eq!(lits(r"\?+"), None);
        // The first try is kept when it gives a set.
        assert_eq!(lits(r"\p{Han}{2,4}申请\d+件"), Some(vec!["申请".into()]));
    }

    #[test]
    fn every_match_contains_a_literal() {
        let patterns = [
            r"(?P<hit></?[A-Za-z][A-Za-z0-9]{0,9}\s*/?>)",
            r"(?i)&nbsp;|&amp;",
            r"共?(?:收到|受理)[^，。]{0,12}?申请(?P<n>\d+)件",
            r"(?:XX|××|【\p{Han}{1,6}】)",
            r"第[一二三]季度",
            r"(?P<hit>[À-ÖØ-öø-ÿ]{3,})",
            r"(?:^|[^A-Za-z])(?P<hit>[XＸ×]{2,})(?:[^A-Za-z]|$)",
            r"[鈥銆锛鍙鏈鐨绗鍦鏀鐢鍚鍗][^\s，。]{0,3}?[鈥銆锛]",
        ];
        let texts = [
            "改进情况</span>，共收到各类申请98件；&NBSP;XX单位【单位名称】第二季度",
            "共受理政府信息公开申请12件<br/>",
            "ÄÖÜéè 鍙戝竷锛屽叡 ＸＸ×号 Ｘ×",
        ];
        for p in patterns {
            let re = Regex::new(p).expect("test pattern");
            assert!(
                texts.iter().any(|t| re.is_match(t)),
                "{p} matches one of the texts"
            );
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
    fn a_batch_scans_with_a_dfa_that_finds_what_the_nfa_finds() {
        let patterns = [
            r"(?:收到|受理)[^，。]{0,12}?申请(?P<n>\d+)件",
            r"(?P<n>\d+)件(?:政府信息公开)?行政复议",
            r"结转(?:至|到)?下一?年度?",
            r"第[一二三]季度",
            r"(?i)&nbsp;|&amp;",
            r"\p{Han}+",
        ];
        let inners: Vec<Inner> = patterns
            .iter()
            .map(|p| Inner {
                source: p.to_string(),
                limited: true,
                compiled: Arc::new(OnceLock::new()),
                id: None,
            })
            .collect();
        let automaton = Automaton::new(inners.iter());
        let texts = [
            "本年收到申请12件，结转至下一年度3件，行政复议2件。",
            "第二季度&NBSP;受理",
            "没有一个字面量",
            "",
        ];
        let first = automaton.ac.as_ref().expect("an automaton");
        for _ in 0..DFA_AFTER {
            assert!(
                automaton.current().is_some_and(|a| std::ptr::eq(a, first)),
                "the first documents are scanned with the automaton built first"
            );
        }
        let dfa = automaton.current().expect("an automaton");
        assert!(!std::ptr::eq(dfa, first));
        assert_eq!(dfa.kind(), AhoCorasickKind::DFA, "then with the DFA");
        for t in texts {
            assert_eq!(
                automaton.possible_with(automaton.ac.as_ref(), t),
                automaton.possible_with(Some(dfa), t),
                "{t}"
            );
        }
        let all = automaton.possible_with(Some(dfa), texts[0]);
        assert_eq!(all, vec![true, true, true, false, false, true]);
    }

    #[test]
    fn a_processor_is_spare_when_fewer_tasks_run_than_there_are_processors() {
        assert!(spare_in("0.52 0.61 0.70 1/118 4242\n", 2));
        assert!(!spare_in("3.90 4.10 4.00 2/118 4242\n", 2));
        assert!(!spare_in("0.00 0.00 0.00 1/50 7\n", 1));
        assert!(spare_in("1.00 1.00 1.00 3/200 9\n", 4));
        assert!(!spare_in("garbled", 4));
    }

    #[test]
    fn identical_patterns_share_one_compiled_regex() {
        let registry = Registry::default();
        let spec = |s: &str, limited: bool| Spec {
            source: s.into(),
            limited,
            compiled: None,
            scanned: true,
        };
        let a = registry.regex(spec("申请(\\d+)件", true));
        let b = registry.regex(spec("申请(\\d+)件", true));
        let other_limit = registry.regex(spec("申请(\\d+)件", false));
        assert!(a.is_match("申请3件"));
        assert!(b.is_compiled(), "compiled with its twin");
        assert!(!other_limit.is_compiled());
        assert!(std::ptr::eq(&*a, &*b));
    }

    #[test]
    fn a_warm_up_compiles_what_the_text_needs_and_nothing_changes() {
        let registry = Registry::default();
        let spec = |s: &str, scanned: bool| Spec {
            source: s.into(),
            limited: true,
            compiled: None,
            scanned,
        };
        let needed = registry.regex(spec("收到(\\d+)件申请", true));
        let absent = registry.regex(spec("行政复议(\\d+)件", true));
        let piece = registry.regex(spec("(?:其中|分别为)", false));
        let scanner = registry.into_scanner();
        scanner.0.warm("本年收到12件申请，其中依申请公开3件。");
        assert!(needed.is_compiled() && piece.is_compiled());
        assert!(
            !absent.is_compiled(),
            "a regex whose literals are absent waits"
        );
        assert!(needed.is_match("收到12件申请"));
        assert!(!absent.is_match("收到12件申请"));
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
