//! Phase 2 → 3, lowering: the checked syntax trees of a program become the
//! typed IR.
//!
//! Lowering instantiates templates (binding and type-checking their
//! arguments), types every expression, resolves every name to what it
//! means (a runtime value, a job, a template argument) and folds what is
//! known at compile time, so that the IR holds no template, no parameter
//! and no name left to look up. The structural checks of `crate::check`
//! run before it on the trees; what needs types, or templates expanded, is
//! reported here.
//!
//! Templates are also lowered on their own, with parameters standing for
//! values of their declared types, so that a mistake in a template is
//! reported once, at its line, even when nothing instantiates it.

pub mod builtins;
mod calls;
mod constant;
pub mod context;
mod deploy;
mod escapes;
mod expr;
mod fold;
mod job;
mod operators;
mod outputs;
mod path;
mod pipeline;
mod scope;
mod step;
mod strategy;
mod strategy_choice;
mod template;
mod trigger;

use foldhash::{HashSet, HashSetExt};

use crate::diagnostic::{Diagnostic, Label};
use crate::ir::{self, Origin};
use crate::resolve::Program;
use crate::source::Sources;
use crate::span::{SourceId, Span};

pub use expr::{format_duration, format_number};
pub use scope::Scope;
pub use strategy::{smoke_test_fields, strategy_fields};
pub use strategy_choice::CHOOSE;

/// Lowers every pipeline of the program's root files. Diagnostics found on
/// the way are appended to `diagnostics`; the IR is returned even when
/// there are errors (with the faulty parts left out), for the language
/// server, but must not be emitted then.
/// Lowers the pipelines of the root modules; `earlier` are the diagnostics
/// of loading the program (an import cycle changes what is reported).
pub fn lower_program(
    program: &Program,
    sources: &Sources,
    earlier: &[Diagnostic],
) -> (ir::Project, Vec<Diagnostic>) {
    let mut lowerer = Lowerer {
        program,
        sources,
        diagnostics: Vec::new(),
        instances: Vec::new(),
        instantiating: Vec::new(),
        // Modules that import each other make their templates recursive
        // too: the import cycle is the mistake, reported already.
        reported_cycles: HashSet::new(),
        import_cycle: earlier
            .iter()
            .any(|diagnostic| diagnostic.code == crate::diagnostic::Code::ImportCycle),
    };
    for module in 0..program.modules.len() {
        lowerer.check_templates_of(module);
    }
    let mut project = ir::Project::default();
    for module in 0..program.roots.min(program.modules.len()) {
        lowerer.lower_pipelines_of(module, &mut project);
    }
    (project, lowerer.finish())
}

/// The state of one lowering.
struct Lowerer<'p> {
    program: &'p Program,
    sources: &'p Sources,
    diagnostics: Vec<Diagnostic>,
    /// Call sites of the template instances being lowered, innermost last,
    /// so that a mistake inside a template also points at the instance.
    instances: Vec<(Origin, String)>,
    /// `(module, template)` pairs being instantiated, to stop recursion.
    instantiating: Vec<(usize, String)>,
    /// Template cycles already reported, by their sorted members.
    reported_cycles: HashSet<Vec<(usize, String)>>,
    import_cycle: bool,
}

impl<'p> Lowerer<'p> {
    /// Records a diagnostic, labelled with the template instance it was
    /// found in when it points inside a template.
    fn report(&mut self, mut diagnostic: Diagnostic) {
        if let Some((call, template)) = self.instances.last() {
            let primary = &diagnostic.primary;
            let at_call = primary.source == call.source && contains(call.span, primary.span);
            if !at_call {
                diagnostic = diagnostic.with_secondary(Label::new(
                    call.source,
                    call.span,
                    format!("in this instance of `{template}`"),
                ));
            }
        }
        self.diagnostics.push(diagnostic);
    }

    /// The diagnostics, each reported once: a template checked on its own
    /// and again in an instance finds the same mistake twice.
    fn finish(self) -> Vec<Diagnostic> {
        let mut seen: HashSet<(crate::diagnostic::Code, SourceId, Span)> = HashSet::new();
        self.diagnostics
            .into_iter()
            .filter(|diagnostic| {
                seen.insert((
                    diagnostic.code,
                    diagnostic.primary.source,
                    diagnostic.primary.span,
                ))
            })
            .collect()
    }

    fn source_of(&self, module: usize) -> SourceId {
        self.program
            .modules
            .get(module)
            .map_or(SourceId(0), |module| module.source)
    }

    /// Whether the module's text has syntax errors: then what seems to be
    /// missing may only have been lost to them, and is not reported.
    fn has_syntax_errors(&self, module: usize) -> bool {
        self.program
            .modules
            .get(module)
            .is_some_and(|module| module.parsed.diagnostics.iter().any(Diagnostic::is_error))
    }

    fn file_name(&self, source: SourceId) -> String {
        self.sources
            .get(source)
            .map_or_else(String::new, |file| file.name.clone())
    }
}

fn contains(outer: Span, inner: Span) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}
