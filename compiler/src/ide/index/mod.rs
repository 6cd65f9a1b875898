//! The names an analysis defines and where each is referenced: one walk
//! over every module's tree, resolving references the way the checker and
//! the lowering do (jobs and secrets by pipeline, matrix keys and steps by
//! job, templates and actions through the module's imports).
//!
//! Input: an [`Analysis`]. Output: per source, the occurrences of names in
//! source order, each tied to its definition. Definition, references,
//! rename, hover and semantic tokens all read this one table.

mod walker;

use crate::check::walk;
use crate::ide::{Analysis, FileSpan};
use crate::span::{SourceId, Span};
use crate::syntax::ast::{Block, Item};
use walker::Walker;

/// What kind of thing a name is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SymbolKind {
    /// A module: the target of an import path.
    Module,
    /// The alias an import binds.
    Import,
    Template,
    /// A typed binding of a GitHub action (`action checkout { … }`).
    Action,
    /// A template's parameter.
    Parameter,
    /// An `input` of an action binding.
    ActionInput,
    Job,
    Secret,
    /// A manual input (`on manual { input NAME: … }`).
    Input,
    /// A job output (`output NAME = …`).
    Output,
    MatrixKey,
    Step,
}

impl SymbolKind {
    /// How the kind is named in messages and hovers.
    pub fn describe(self) -> &'static str {
        match self {
            SymbolKind::Module => "module",
            SymbolKind::Import => "import",
            SymbolKind::Template => "template",
            SymbolKind::Action => "action",
            SymbolKind::Parameter => "parameter",
            SymbolKind::ActionInput => "action input",
            SymbolKind::Job => "job",
            SymbolKind::Secret => "secret",
            SymbolKind::Input => "input",
            SymbolKind::Output => "output",
            SymbolKind::MatrixKey => "matrix key",
            SymbolKind::Step => "step",
        }
    }
}

/// A defined name: what it is, and where its defining name is written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Symbol {
    pub kind: SymbolKind,
    pub name: String,
    pub definition: FileSpan,
}

/// One place where a name is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    pub span: Span,
    pub symbol: Symbol,
    pub is_definition: bool,
}

/// Occurrences by source, each list sorted by position.
#[derive(Debug, Default)]
pub struct Index {
    by_source: Vec<(SourceId, Vec<Occurrence>)>,
}

impl Index {
    pub fn build(analysis: &Analysis) -> Index {
        let mut by_source = Vec::new();
        for module in 0..analysis.program.modules.len() {
            let mut walker = Walker::new(analysis, module);
            walker.module_items();
            let mut occurrences = walker.occurrences;
            occurrences.sort_by_key(|occurrence| (occurrence.span.start, occurrence.span.end));
            occurrences.dedup_by(|later, earlier| later.span == earlier.span);
            by_source.push((analysis.program.modules[module].source, occurrences));
        }
        Index { by_source }
    }

    pub fn in_source(&self, source: SourceId) -> &[Occurrence] {
        self.by_source
            .iter()
            .find(|(id, _)| *id == source)
            .map_or(&[], |(_, occurrences)| occurrences.as_slice())
    }

    /// The occurrence whose name touches `offset` (a cursor right after a
    /// name is still on it, as editors expect).
    pub fn at(&self, source: SourceId, offset: u32) -> Option<&Occurrence> {
        let occurrences = self.in_source(source);
        let first_ending_at_or_after =
            occurrences.partition_point(|occurrence| occurrence.span.end < offset);
        occurrences[first_ending_at_or_after..]
            .iter()
            .take_while(|occurrence| occurrence.span.start <= offset)
            .find(|occurrence| occurrence.span.start <= offset && offset <= occurrence.span.end)
    }

    pub fn all(&self) -> impl Iterator<Item = (SourceId, &Occurrence)> {
        self.by_source.iter().flat_map(|(source, occurrences)| {
            occurrences
                .iter()
                .map(move |occurrence| (*source, occurrence))
        })
    }
}

/// Names defined in one pipeline, for references inside it.
#[derive(Default)]
struct PipelineNames {
    jobs: Vec<(String, Span)>,
    secrets: Vec<(String, Span)>,
    inputs: Vec<(String, Span)>,
    /// `(job, output, span)`.
    outputs: Vec<(String, String, Span)>,
}

/// Names defined in one job.
#[derive(Default)]
struct JobNames {
    matrix_keys: Vec<(String, Span)>,
    steps: Vec<(String, Span)>,
}

fn labelled_blocks<'b>(
    items: &'b [Item],
    keyword: &'b str,
) -> impl Iterator<Item = (&'b Block, String, Span)> {
    items.iter().filter_map(move |item| match item {
        Item::Block(block) if block.keyword.name == keyword => block
            .label
            .as_ref()
            .map(|label| (block, label.name.clone(), label.span)),
        _ => None,
    })
}

fn pipeline_names(items: &[Item]) -> PipelineNames {
    let mut names = PipelineNames::default();
    for (block, job, span) in labelled_blocks(items, "job") {
        if let Some(body) = &block.body {
            for (_, output, output_span) in labelled_blocks(&body.items, "output") {
                names.outputs.push((job.clone(), output, output_span));
            }
        }
        names.jobs.push((job, span));
    }
    names.secrets = labelled_blocks(items, "secret")
        .map(|(_, name, span)| (name, span))
        .collect();
    names.inputs = walk::manual_inputs(items)
        .into_iter()
        .map(|input| (input.name.name.clone(), input.name.span))
        .collect();
    names
}

fn job_names(items: &[Item]) -> JobNames {
    JobNames {
        matrix_keys: crate::ide::locate::matrix_keys(items)
            .map(|attribute| (attribute.key.name.clone(), attribute.key.span))
            .collect(),
        steps: labelled_blocks(items, "step")
            .map(|(_, name, span)| (name, span))
            .collect(),
    }
}

/// The template or action that `name` or `alias.name` names from `module`:
/// its module, kind and name span, resolved through the module's imports
/// as the checker resolves `use`, `job x = …` and `step s = …`.
pub(crate) fn template_or_action(
    analysis: &Analysis,
    module: usize,
    path: &[&str],
) -> Option<(usize, SymbolKind, Span)> {
    let program = &analysis.program;
    let (target, name) = match path {
        [name] => (module, *name),
        [alias, name] => {
            let (_, _, index) = program
                .modules
                .get(module)?
                .imports
                .iter()
                .find(|(known, _, _)| known == alias)?;
            (*index, *name)
        }
        _ => return None,
    };
    let target_module = program.modules.get(target)?;
    target_module
        .parsed
        .file
        .items
        .iter()
        .find_map(|item| match item {
            Item::Template(template) if template.name.name == name => {
                Some((target, SymbolKind::Template, template.name.span))
            }
            Item::Block(block) if block.keyword.name == "action" => block
                .label
                .as_ref()
                .filter(|label| label.name == name)
                .map(|label| (target, SymbolKind::Action, label.span)),
            _ => None,
        })
}
