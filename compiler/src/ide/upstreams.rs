//! `on success { pipeline = "…" }` in the editor: the pipelines of the
//! directory, from the files analysed and the `.pipe` files beside the
//! root, for completion, hover and go to definition of the name.

use crate::ide::{Analysis, FileSpan};
use crate::resolve::ModuleLoader;
use crate::source::Sources;
use crate::span::{SourceId, Span};
use crate::syntax::ast::{Block, ExprKind, Item};

/// A pipeline an `on success` may name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PipelineLabel {
    pub name: String,
    /// Its `name = "…"`, shown by the CI service.
    pub title: Option<String>,
    /// Where its label is written.
    pub at: FileSpan,
}

/// The `pipeline = "…"` string of an `on success` of `items` that holds
/// `offset`: its span (quotes included) and its text.
pub fn upstream_string_at(items: &[Item], offset: u32) -> Option<(Span, String)> {
    upstream_strings(items).find(|(span, _)| span.start <= offset && offset <= span.end)
}

fn upstream_strings(items: &[Item]) -> impl Iterator<Item = (Span, String)> + '_ {
    pipelines(items)
        .flat_map(|pipeline| body(pipeline).iter())
        .filter_map(|item| match item {
            Item::Block(block)
                if block.keyword.name == "on"
                    && block
                        .label
                        .as_ref()
                        .is_some_and(|label| label.name == "success") =>
            {
                Some(block)
            }
            _ => None,
        })
        .flat_map(|block| body(block).iter())
        .filter_map(|item| match item {
            Item::Attribute(attribute) if attribute.key.name == "pipeline" => {
                match &attribute.value.kind {
                    ExprKind::String(string) => {
                        Some((string.span, string.as_plain().unwrap_or_default()))
                    }
                    _ => None,
                }
            }
            _ => None,
        })
}

fn pipelines(items: &[Item]) -> impl Iterator<Item = &Block> {
    items.iter().filter_map(|item| match item {
        Item::Block(block) if block.keyword.name == "pipeline" => Some(block),
        _ => None,
    })
}

fn body(block: &Block) -> &[Item] {
    block.body.as_ref().map_or(&[], |body| &body.items)
}

/// The labels of the pipelines of `items` in `source`.
fn labels_of(items: &[Item], source: SourceId) -> Vec<PipelineLabel> {
    pipelines(items)
        .filter_map(|block| {
            let label = block.label.as_ref()?;
            let title = body(block).iter().find_map(|item| match item {
                Item::Attribute(attribute) if attribute.key.name == "name" => {
                    match &attribute.value.kind {
                        ExprKind::String(string) => string.as_plain(),
                        _ => None,
                    }
                }
                _ => None,
            });
            Some(PipelineLabel {
                name: label.name.clone(),
                title,
                at: FileSpan {
                    source,
                    span: label.span,
                },
            })
        })
        .collect()
}

/// For an analysis whose root has an `on success`: the pipelines of the
/// other `.pipe` files of its directory, their texts added to `sources`
/// so that a definition can point into them.
pub fn pipelines_beside(
    root_items: &[Item],
    root_name: &str,
    sources: &mut Sources,
    loader: &dyn ModuleLoader,
) -> Vec<PipelineLabel> {
    if upstream_strings(root_items).next().is_none() {
        return Vec::new();
    }
    let directory = crate::check::success_triggers::directory_of(root_name);
    let mut found = Vec::new();
    for path in loader.pipe_files_in(directory) {
        if sources.iter().any(|file| file.name == path) {
            continue;
        }
        let Ok(text) = loader.load(&path) else {
            continue;
        };
        let id = sources.add(path, text.clone());
        let parsed = crate::syntax::parse(&text, id);
        found.extend(labels_of(&parsed.file.items, id));
    }
    found
}

/// Every pipeline an `on success` of `source` may name: those of the
/// analysed roots and those beside them.
pub fn candidates(analysis: &Analysis) -> Vec<PipelineLabel> {
    let mut all: Vec<PipelineLabel> = analysis
        .program
        .modules
        .iter()
        .take(analysis.program.roots)
        .flat_map(|module| labels_of(&module.parsed.file.items, module.source))
        .collect();
    all.extend(analysis.pipelines_beside.iter().cloned());
    all
}

/// Where the pipeline named at `offset` is defined.
pub fn definition(analysis: &Analysis, source: SourceId, offset: u32) -> Option<FileSpan> {
    let module = analysis.module_of(source)?;
    let items = &analysis.program.modules[module].parsed.file.items;
    let (_, name) = upstream_string_at(items, offset)?;
    candidates(analysis)
        .into_iter()
        .find(|label| label.name == name)
        .map(|label| label.at)
}

/// The hover of the pipeline named at `offset`.
pub fn hover(analysis: &Analysis, source: SourceId, offset: u32) -> Option<(Span, String)> {
    let module = analysis.module_of(source)?;
    let items = &analysis.program.modules[module].parsed.file.items;
    let (span, name) = upstream_string_at(items, offset)?;
    let label = candidates(analysis)
        .into_iter()
        .find(|label| label.name == name)?;
    let file = analysis.source_name(label.at.source);
    let file = file.rsplit('/').next().unwrap_or(file);
    let title = label
        .title
        .map(|title| format!(" ({title})"))
        .unwrap_or_default();
    Some((
        span,
        format!(
            "```pipe\npipeline {name}\n```\nIn `{file}`{title}. Every successful run of it that was not started by a pull request starts this pipeline."
        ),
    ))
}
