//! Errors in rule packs, as values that carry the TOML file and the byte span of the
//! offending token, so they can be rendered rustc-style (see `report::human`).

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// One file of a rule pack, kept for error reporting.
#[derive(Debug)]
pub struct PackSource {
    /// Path as shown to the user (`rules/national/tables.toml`, `<内置>/national/…`).
    pub path: String,
    pub text: String,
}

/// A place in a pack file.
#[derive(Clone, Debug)]
pub struct PackSpan {
    pub source: Arc<PackSource>,
    pub span: Range<usize>,
}

/// What is known about a rule-pack error.
#[derive(Debug)]
pub struct PackErrorData {
    pub message: String,
    /// Where the problem is, when it is in a file.
    pub primary: Option<PackSpan>,
    pub primary_label: String,
    /// Related places (e.g. the first definition of a duplicate id).
    pub secondary: Vec<(PackSpan, String)>,
    pub notes: Vec<String>,
    pub help: Option<String>,
    /// The other errors found in the same pack (a pack reports all its errors, up to
    /// `MAX_ERRORS`), each complete; see `PackError::all`.
    pub more: Vec<PackError>,
    /// Errors found beyond `MAX_ERRORS`, not kept.
    pub omitted: usize,
}

/// A rule pack that cannot be used. Exit code 2. (Boxed: errors are rare and the
/// data is large.)
#[derive(Debug)]
pub struct PackError(Box<PackErrorData>);

impl std::ops::Deref for PackError {
    type Target = PackErrorData;
    fn deref(&self) -> &PackErrorData {
        &self.0
    }
}

impl std::ops::DerefMut for PackError {
    fn deref_mut(&mut self) -> &mut PackErrorData {
        &mut self.0
    }
}

impl PackError {
    pub fn new(message: impl Into<String>) -> Self {
        PackError(Box::new(PackErrorData {
            message: message.into(),
            primary: None,
            primary_label: String::new(),
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
            more: Vec::new(),
            omitted: 0,
        }))
    }

    /// This error and the others found with it, in the order they were found.
    pub fn all(&self) -> impl Iterator<Item = &PackError> {
        std::iter::once(self).chain(self.more.iter())
    }

    /// How many errors were found in all (including those not kept).
    pub fn count(&self) -> usize {
        1 + self.more.len() + self.omitted
    }

    pub fn at(
        mut self,
        source: &Arc<PackSource>,
        span: Range<usize>,
        label: impl Into<String>,
    ) -> Self {
        self.primary = Some(PackSpan {
            source: Arc::clone(source),
            span,
        });
        self.primary_label = label.into();
        self
    }

    pub fn also(mut self, place: PackSpan, label: impl Into<String>) -> Self {
        self.secondary.push((place, label.into()));
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "规则包错误：{}", self.message)?;
        if let Some(place) = &self.primary {
            let before = place.source.text.get(..place.span.start).unwrap_or("");
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |s| s.chars().count()) + 1;
            write!(f, "（{}:{line}:{column}）", place.source.path)?;
        }
        if self.count() > 1 {
            write!(f, "（共 {} 个错误）", self.count())?;
        }
        Ok(())
    }
}

impl std::error::Error for PackError {}

/// An error found while compiling one definition, before the file is known.
/// `span` is a byte range in the definition's file.
#[derive(Debug)]
pub struct DefError {
    pub span: Range<usize>,
    pub message: String,
    pub label: String,
    pub help: Option<String>,
    pub notes: Vec<String>,
}

impl DefError {
    pub fn new(span: Range<usize>, message: impl Into<String>, label: impl Into<String>) -> Self {
        DefError {
            span,
            message: message.into(),
            label: label.into(),
            help: None,
            notes: Vec::new(),
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn in_file(self, source: &Arc<PackSource>) -> PackError {
        let mut err = PackError::new(self.message).at(source, self.span, self.label);
        err.help = self.help;
        err.notes = self.notes;
        err
    }
}

/// Most errors a pack reports at once; the count of the others is still given.
pub const MAX_ERRORS: usize = 20;

/// The errors found while loading a pack: loading goes on after an error, so that an
/// author sees every problem of a pack at once (up to `MAX_ERRORS`).
#[derive(Debug, Default)]
pub struct Errors {
    list: Vec<PackError>,
    omitted: usize,
}

impl Errors {
    pub fn push(&mut self, err: PackError) {
        // An error that already carries others (from a nested load) is flattened.
        let mut err = err;
        let more = std::mem::take(&mut err.more);
        let omitted = std::mem::take(&mut err.omitted);
        for e in std::iter::once(err).chain(more) {
            if self.list.len() < MAX_ERRORS {
                self.list.push(e);
            } else {
                self.omitted += 1;
            }
        }
        self.omitted += omitted;
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Records the error of `r`, if any, and returns its value.
    pub fn take<T>(&mut self, r: Result<T, PackError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.push(e);
                None
            }
        }
    }

    /// `Ok(value)` when no error was found, else all of them as one `PackError`.
    pub fn finish<T>(self, value: T) -> Result<T, PackError> {
        let mut list = self.list.into_iter();
        match list.next() {
            None => Ok(value),
            Some(mut first) => {
                first.more = list.collect();
                first.omitted = self.omitted;
                Err(first)
            }
        }
    }
}

/// The candidate closest to `word`, when it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(c, word), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}
