//! pipec: compiles `.pipe` pipelines to GitHub Actions, GitLab CI and
//! Kubernetes manifests.
//!
//! The library does no IO. Each phase is a public function that takes the
//! previous phase's output and returns its own output together with
//! diagnostics; see `ARCHITECTURE.md` beside this crate for the phase diagram
//! and the invariants.

pub mod check;
pub mod cycles;
pub mod diagnostic;
pub mod resolve;
pub mod source;
pub mod span;
pub mod stdlib;
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

/// Checks the files in `sources` and every module they import (added to
/// `sources` as they load): syntax, structure, the job graph, secrets, and
/// references to templates and actions. Relative imports are read through
/// `loader`; the standard library comes from the binary.
pub fn check(sources: &mut Sources, loader: &dyn resolve::ModuleLoader) -> CheckResult {
    let mut diagnostics = Vec::new();
    let program = resolve::load_program(sources, loader, &mut diagnostics);
    for module in &program.modules {
        diagnostics.extend(module.parsed.diagnostics.iter().cloned());
        let text = sources
            .get(module.source)
            .map_or("", |file| file.text.as_str());
        diagnostics.extend(check::check_file(&module.parsed.file, text, module.source));
    }
    resolve::check_template_references(&program, &mut diagnostics);
    diagnostic::sort(&mut diagnostics);
    CheckResult { diagnostics }
}

/// Parses one text on its own, for tools that need only the tree.
pub fn parse_text(text: &str) -> syntax::ParsedFile {
    syntax::parse(text, SourceId(0))
}
