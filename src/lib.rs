//! nianbao (年报) — a linter for Chinese government information-disclosure annual
//! reports (政府信息公开工作年度报告).
//!
//! The pipeline, one module each: **load** (paths → text), **parse** (text →
//! `Document`: sections, tables, cells with spans), **check** (rules from a TOML
//! **pack** → `Diagnostic`s), **report** (rustc-style text or JSON); **suppress** drops what the report's own
//! comments accept. **config** finds
//! and applies a project's `nianbao.toml`; **packtest** runs a pack's own fixtures.
//!
//! ```no_run
//! let linter = nianbao::Linter::new(nianbao::Pack::national()?);
//! let outcome = linter.lint_text("report.txt", std::fs::read_to_string("report.txt")?)?;
//! for d in &outcome.diagnostics {
//!     println!("{} {}", d.rule, d.message);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod annotate;
pub mod check;
pub mod config;
pub mod diagnostic;
pub mod fix;
pub mod load;
pub mod number;
pub mod pack;
pub mod packtest;
pub mod parse;
pub mod report;
pub mod rules;
pub mod series;
#[cfg(feature = "server")]
pub mod server;
pub mod spill;
pub mod suppress;
pub mod template;
#[cfg(test)]
mod test_rng;
pub mod text;

pub use diagnostic::{Counts, Diagnostic, Severity};
pub use load::{Input, LoadError, LoadErrorKind, LoadOptions, Loaded, SourceInfo};
pub use pack::{Pack, PackError};
pub use parse::Document;

/// Parses a loaded report: the `Document` every rule reads, with its source. Text in
/// traditional Chinese is parsed through a simplified copy with the same offsets
/// (`load::hanzi`), its findings shown on the original.
pub fn parse_loaded(
    path: impl Into<String>,
    loaded: Loaded,
    templates: &pack::Templates,
) -> Document {
    let Loaded { text, mut source } = loaded;
    let text = match load::hanzi::simplify(&text) {
        Some(simple) => {
            source = source.simplified_from(&text);
            simple
        }
        None => text,
    };
    let mut document = Document::parse_with_headings(path, text, templates, &source.headings);
    document.source = source;
    document
}

/// A pack, ready to check documents.
pub struct Linter {
    pack: Pack,
    load_options: LoadOptions,
    /// The report year when a report does not say (a configuration's `year`).
    default_year: Option<i32>,
    /// Compile the regexes the first document needs on another thread while it is
    /// parsed (`rules::scan::Scanner::warm_up`).
    warm_up: bool,
}

/// A checked document and its findings.
pub struct Outcome {
    pub document: Document,
    pub diagnostics: Vec<Diagnostic>,
}

impl Linter {
    pub fn new(pack: Pack) -> Self {
        Linter {
            pack,
            load_options: LoadOptions::default(),
            default_year: None,
            warm_up: false,
        }
    }

    /// Compiles the regexes the first document needs on a second thread while the
    /// document is parsed (the command line: one report checked as fast as possible).
    pub fn with_warm_up(mut self) -> Self {
        self.warm_up = true;
        self
    }

    /// How inputs are read (`--from`, `--encoding`).
    pub fn with_load_options(mut self, options: LoadOptions) -> Self {
        self.load_options = options;
        self
    }

    /// The report year used when a report does not say (`year` of `nianbao.toml`).
    pub fn with_default_year(mut self, year: Option<i32>) -> Self {
        self.default_year = year;
        self
    }

    pub fn pack(&self) -> &Pack {
        &self.pack
    }

    /// Parses and checks a report's text. `path` is the name shown in diagnostics.
    pub fn lint_text(&self, path: impl Into<String>, text: String) -> Result<Outcome, LoadError> {
        self.lint_loaded(
            path,
            Loaded {
                text,
                source: SourceInfo::default(),
            },
        )
    }

    /// Parses and checks a loaded report (text and where it came from).
    pub fn lint_loaded(
        &self,
        path: impl Into<String>,
        loaded: Loaded,
    ) -> Result<Outcome, LoadError> {
        let path = path.into();
        if self.warm_up {
            self.pack.scanner.warm_up(&loaded.text);
        }
        let mut document = parse_loaded(path.clone(), loaded, &self.pack.templates);
        if document.year.is_none()
            && let Some(year) = self.default_year
        {
            document.year = Some(parse::ReportYear {
                year,
                source: parse::year::YearSource::Configured,
                span: 0..0,
            });
        }
        if !document.looks_like_report() {
            return Err(LoadError::new(path, LoadErrorKind::NotAReport));
        }
        let mut diagnostics = check::run(&document, &self.pack);
        suppress::apply(&document, &self.pack, &mut diagnostics);
        Ok(Outcome {
            document,
            diagnostics,
        })
    }

    /// Reads, parses and checks a report given as bytes (an upload): `name` is shown
    /// in diagnostics and its extension says the format, as for a file of that name.
    pub fn lint_bytes(&self, name: &str, bytes: &[u8]) -> Result<Outcome, LoadError> {
        let hint = load::Format::by_extension(std::path::Path::new(name));
        let loaded = load::from_bytes(name, bytes, hint, &self.load_options)?;
        self.lint_loaded(name, loaded)
    }

    /// Reads, parses and checks one input: a text file in any common encoding, a web
    /// page or a Word document.
    pub fn lint_input(&self, input: &Input) -> Result<Outcome, LoadError> {
        let loaded = load::load(input, &self.load_options)?;
        self.lint_loaded(input.name(), loaded)
    }
}
