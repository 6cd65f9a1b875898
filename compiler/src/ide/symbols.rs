//! The outline of one file: imports, templates, actions, pipelines and the
//! named blocks inside them (triggers, secrets, jobs, steps, services,
//! deploys …), nested as in the text.
//!
//! Input: an analysis and a source. Output: a tree of named spans.

use crate::ide::Analysis;
use crate::span::{SourceId, Span};
use crate::syntax::ast::Item;

/// What an outline entry is; the language server maps these to the
/// protocol's symbol kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentSymbolKind {
    Import,
    Template,
    Action,
    Pipeline,
    Trigger,
    Secret,
    Job,
    Step,
    Input,
    Output,
    /// Any other named block: service, cache, artifact, deploy, environment, notify.
    Block,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentSymbol {
    pub name: String,
    /// The keyword or kind, such as `job` or `template : steps`.
    pub detail: String,
    pub kind: DocumentSymbolKind,
    /// The whole item.
    pub span: Span,
    /// The name within it.
    pub selection_span: Span,
    pub children: Vec<DocumentSymbol>,
}

pub fn document_symbols(analysis: &Analysis, source: SourceId) -> Vec<DocumentSymbol> {
    let Some(module) = analysis.module_of(source) else {
        return Vec::new();
    };
    outline(&analysis.program.modules[module].parsed.file.items)
}

fn outline(items: &[Item]) -> Vec<DocumentSymbol> {
    let mut symbols = Vec::new();
    for item in items {
        match item {
            Item::Import(import) => symbols.push(DocumentSymbol {
                name: import.path.clone(),
                detail: import
                    .alias
                    .as_ref()
                    .map_or_else(String::new, |alias| format!("as {}", alias.name)),
                kind: DocumentSymbolKind::Import,
                span: import.span,
                selection_span: import.path_span,
                children: Vec::new(),
            }),
            Item::Template(template) => symbols.push(DocumentSymbol {
                name: template.name.name.clone(),
                detail: format!("template : {}", template.kind.name),
                kind: DocumentSymbolKind::Template,
                span: template.span,
                selection_span: template.name.span,
                children: outline(&template.body.items),
            }),
            Item::Input(input) => symbols.push(DocumentSymbol {
                name: input.name.name.clone(),
                detail: "input".to_owned(),
                kind: DocumentSymbolKind::Input,
                span: input.span,
                selection_span: input.name.span,
                children: Vec::new(),
            }),
            Item::Block(block) => {
                let keyword = block.keyword.name.as_str();
                if crate::check::schema::is_escape(keyword) {
                    continue;
                }
                let children = block
                    .body
                    .as_ref()
                    .map(|body| outline(&body.items))
                    .unwrap_or_default();
                let Some(label) = &block.label else {
                    // An unlabelled block (`env`, `matrix` …) is not an
                    // entry, but what it holds may be (`on manual` inputs
                    // are inside a labelled block already).
                    symbols.extend(children);
                    continue;
                };
                let kind = match keyword {
                    "pipeline" => DocumentSymbolKind::Pipeline,
                    "on" => DocumentSymbolKind::Trigger,
                    "secret" => DocumentSymbolKind::Secret,
                    "job" => DocumentSymbolKind::Job,
                    "step" => DocumentSymbolKind::Step,
                    "output" => DocumentSymbolKind::Output,
                    "action" => DocumentSymbolKind::Action,
                    _ => DocumentSymbolKind::Block,
                };
                symbols.push(DocumentSymbol {
                    name: label.name.clone(),
                    detail: keyword.to_owned(),
                    kind,
                    span: block.span,
                    selection_span: label.span,
                    children,
                });
            }
            Item::Use(_) | Item::Attribute(_) | Item::Error(_) => {}
        }
    }
    symbols
}
