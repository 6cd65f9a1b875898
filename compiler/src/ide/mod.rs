//! Editor features over one compilation, as plain functions returning plain
//! data: diagnostics, hover, completion, definition, references, rename,
//! document symbols, semantic tokens and code actions.
//!
//! Phase: after `check`. Input: an [`Analysis`], the result of checking one
//! root text and every module it imports, and a position as a source and a
//! byte offset. Output: values in byte spans. Nothing here knows the
//! language server protocol; `lsp/` converts to UTF-16 positions and
//! protocol types at its edge, so these functions are tested with plain
//! texts and cursor markers.

mod actions;
mod completion;
mod hover;
mod index;
mod locate;
mod navigation;
mod symbols;
mod tokens;
pub mod upstreams;

#[cfg(test)]
mod tests;

pub use actions::{CodeAction, code_actions};
pub use completion::{Completion, CompletionKind, completions};
pub use hover::{Hover, hover};
pub use index::{Symbol, SymbolKind};
pub use navigation::{
    RenameError, check_renamable, definition, occurrences_of, references, rename, symbol_at,
};
pub use symbols::{DocumentSymbol, DocumentSymbolKind, document_symbols};
pub use tokens::{SemanticToken, TokenModifier, TokenType, semantic_tokens};

use std::sync::OnceLock;

use crate::backend::Target;
use crate::diagnostic::Diagnostic;
use crate::resolve::{ModuleLoader, Program};
use crate::source::Sources;
use crate::span::{SourceId, Span};

/// A span in one source of an analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileSpan {
    pub source: SourceId,
    pub span: Span,
}

/// One text replacement in one source of an analysis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub source: SourceId,
    pub span: Span,
    pub replacement: String,
}

/// The result of checking one root text together with the modules it
/// imports: the texts, their trees, the diagnostics, and an index of the
/// names defined and referenced, built on first use.
#[derive(Debug)]
pub struct Analysis {
    pub sources: Sources,
    pub program: Program,
    pub diagnostics: Vec<Diagnostic>,
    /// The root: the text the analysis was made for.
    pub root: SourceId,
    /// The pipelines of the `.pipe` files beside the root, when it has an
    /// `on success` (their texts are in `sources`, not in `program`).
    pub pipelines_beside: Vec<upstreams::PipelineLabel>,
    index: OnceLock<index::Index>,
}

impl Analysis {
    /// Checks `text`, named `name` (an absolute path in the language
    /// server), with relative imports read through `loader`; every target's
    /// limits are checked, as `pipec check` does by default.
    pub fn new(name: &str, text: &str, loader: &dyn ModuleLoader) -> Analysis {
        let mut sources = Sources::new();
        let root = sources.add(name, text);
        let (result, program) = crate::check_program(&mut sources, loader, Target::ALL);
        let pipelines_beside = match program.modules.first() {
            Some(module) => {
                upstreams::pipelines_beside(&module.parsed.file.items, name, &mut sources, loader)
            }
            None => Vec::new(),
        };
        Analysis {
            sources,
            program,
            diagnostics: result.diagnostics,
            root,
            pipelines_beside,
            index: OnceLock::new(),
        }
    }

    /// The id of the source named `name`, if the analysis loaded it.
    pub fn source_named(&self, name: &str) -> Option<SourceId> {
        self.sources
            .iter()
            .find(|file| file.name == name)
            .map(|file| file.id)
    }

    /// The name of `source`: a path, or `std/…` for the standard library.
    pub fn source_name(&self, source: SourceId) -> &str {
        self.sources
            .get(source)
            .map_or("", |file| file.name.as_str())
    }

    /// The text of `source`, or the empty string for an unknown id.
    pub fn text(&self, source: SourceId) -> &str {
        self.sources
            .get(source)
            .map_or("", |file| file.text.as_str())
    }

    /// The names of every source the analysis read: the root and what it
    /// imports, directly or not. The language server re-checks an open file
    /// when one of these changes.
    pub fn source_names(&self) -> impl Iterator<Item = &str> {
        self.sources.iter().map(|file| file.name.as_str())
    }

    /// The index of the module whose text is `source`.
    pub(crate) fn module_of(&self, source: SourceId) -> Option<usize> {
        self.program
            .modules
            .iter()
            .position(|module| module.source == source)
    }

    pub(crate) fn index(&self) -> &index::Index {
        self.index.get_or_init(|| index::Index::build(self))
    }
}

/// The diagnostics whose primary label is in `source`, in the compiler's
/// deterministic order. Diagnostics of an imported module belong to that
/// module and are shown when it is itself open.
/// The formatted text of `text` when formatting changes it; `None` when it
/// is formatted already or has syntax errors (which the formatter leaves
/// alone, as `pipec fmt` does).
pub fn formatted(text: &str) -> Option<String> {
    crate::fmt::format_text(text)
        .ok()
        .filter(|formatted| formatted != text)
}

pub fn diagnostics(analysis: &Analysis, source: SourceId) -> Vec<&Diagnostic> {
    analysis
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.primary.source == source)
        .collect()
}

/// Whether `name` can name a job, secret or template: an identifier of the
/// lexer (letters, digits, `_`, single inner `-`) that is not reserved.
pub fn is_identifier(name: &str) -> bool {
    const RESERVED: &[&str] = &["true", "false", "import", "as", "template", "use", "in"];
    let bytes = name.as_bytes();
    let Some(first) = bytes.first() else {
        return false;
    };
    if !(first.is_ascii_alphabetic() || *first == b'_') || RESERVED.contains(&name) {
        return false;
    }
    let word = |byte: &u8| byte.is_ascii_alphanumeric() || *byte == b'_';
    bytes.iter().enumerate().all(|(position, byte)| {
        word(byte)
            || (*byte == b'-'
                && bytes.get(position + 1).is_some_and(word)
                && bytes.get(position.wrapping_sub(1)).is_some_and(word))
    })
}
