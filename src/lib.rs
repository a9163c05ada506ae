//! nianbao (年报) — a linter for Chinese government information-disclosure annual
//! reports (政府信息公开工作年度报告).
//!
//! The pipeline, one module each: **load** (paths → text), **parse** (text →
//! `Document`: sections, tables, cells with spans), **check** (rules from a TOML
//! **pack** → `Diagnostic`s), **report** (rustc-style text or JSON).
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
pub mod load;
pub mod pack;
pub mod parse;
pub mod report;
pub mod rules;
#[cfg(feature = "server")]
pub mod server;

pub use load::{Input, LoadError, LoadErrorKind, LoadOptions, Loaded, SourceInfo};
pub use pack::{Pack, PackError};
pub use parse::Document;
pub use report::{Counts, Diagnostic, Severity};

/// A pack, ready to check documents.
pub struct Linter {
    pack: Pack,
    load_options: LoadOptions,
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
        }
    }

    /// How inputs are read (`--from`, `--encoding`).
    pub fn with_load_options(mut self, options: LoadOptions) -> Self {
        self.load_options = options;
        self
    }

    pub fn pack(&self) -> &Pack {
        &self.pack
    }

    /// Parses and checks a report's text. `path` is the name shown in diagnostics.
    pub fn lint_text(&self, path: impl Into<String>, text: String) -> Result<Outcome, LoadError> {
        let path = path.into();
        let document = Document::parse(path.clone(), text, &self.pack.templates);
        if !document.looks_like_report() {
            return Err(LoadError::new(path, LoadErrorKind::NotAReport));
        }
        let diagnostics = check::run(&document, &self.pack);
        Ok(Outcome {
            document,
            diagnostics,
        })
    }

    /// Parses and checks a loaded report (text and where it came from).
    pub fn lint_loaded(
        &self,
        path: impl Into<String>,
        loaded: Loaded,
    ) -> Result<Outcome, LoadError> {
        let mut outcome = self.lint_text(path, loaded.text)?;
        outcome.document.source = loaded.source;
        Ok(outcome)
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
