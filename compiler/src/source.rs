//! The source texts of one compilation.
//!
//! The library never reads files: callers (the CLI, the language server, the
//! tests) load texts and hand them over here. Every diagnostic refers to its
//! text through a [`SourceId`].

use crate::span::{LineColumn, LineIndex, SourceId, Span};

/// One loaded source text with the name shown in diagnostics.
#[derive(Debug)]
pub struct SourceFile {
    pub id: SourceId,
    /// The path as the user gave it (or `std/…` for the standard library).
    pub name: String,
    pub text: String,
    /// Built when a diagnostic or an editor first asks: a build without
    /// problems never needs it, and it is a pass over every byte.
    line_index: std::sync::OnceLock<LineIndex>,
}

impl SourceFile {
    pub fn line_index(&self) -> &LineIndex {
        self.line_index.get_or_init(|| LineIndex::new(&self.text))
    }

    pub fn line_column(&self, offset: u32) -> LineColumn {
        self.line_index().line_column(&self.text, offset)
    }

    /// The text covered by `span`, or the empty string when the span does not fit.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }
}

/// All texts of a compilation, indexed by [`SourceId`].
#[derive(Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn new() -> Sources {
        Sources::default()
    }

    /// Adds a text and returns its id; ids are assigned in insertion order.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> SourceId {
        let id = SourceId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile {
            id,
            name: name.into(),
            text: text.into(),
            line_index: std::sync::OnceLock::new(),
        });
        id
    }

    pub fn get(&self, id: SourceId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn iter(&self) -> impl Iterator<Item = &SourceFile> {
        self.files.iter()
    }
}
