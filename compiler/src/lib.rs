//! pipec: compiles `.pipe` pipelines to GitHub Actions, GitLab CI and
//! Kubernetes manifests.
//!
//! The library does no IO. Each phase is a public function that takes the
//! previous phase's output and returns its own output together with
//! diagnostics; see `ARCHITECTURE.md` beside this crate for the phase diagram
//! and the invariants.

pub mod check;
pub mod diagnostic;
pub mod source;
pub mod span;
pub mod syntax;
pub mod workload;

use diagnostic::Diagnostic;
use source::Sources;
use span::SourceId;

/// The outcome of checking a set of sources.
#[derive(Debug)]
pub struct CheckResult {
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks every source in `sources`: syntax, then structure, the job graph
/// and secrets; imports, templates and types plug in here as they land.
pub fn check(sources: &Sources) -> CheckResult {
    let mut diagnostics = Vec::new();
    for file in sources.iter() {
        let parsed = syntax::parse(&file.text, file.id);
        diagnostics.extend(parsed.diagnostics);
        diagnostics.extend(check::check_file(&parsed.file, file.id));
    }
    diagnostic::sort(&mut diagnostics);
    CheckResult { diagnostics }
}

/// Parses one text on its own, for tools that need only the tree.
pub fn parse_text(text: &str) -> syntax::ParsedFile {
    syntax::parse(text, SourceId(0))
}
