//! The one diagnostic type of pipec, and its renderers.
//!
//! Every phase builds [`Diagnostic`]s where it finds a problem; the terminal,
//! JSON, GitHub annotation and language-server outputs are all renderings of
//! the same value.

mod code;
pub mod render;

pub use code::{Code, ExplainPage};

use serde::Serialize;

use crate::span::{SourceId, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// A span with a short message shown next to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Label {
    pub source: SourceId,
    pub span: Span,
    pub message: String,
}

impl Label {
    pub fn new(source: SourceId, span: Span, message: impl Into<String>) -> Label {
        Label {
            source,
            span,
            message: message.into(),
        }
    }
}

/// One text replacement; a fix applies all of its edits together.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub source: SourceId,
    pub span: Span,
    pub replacement: String,
}

/// A machine-applicable correction, offered as a code action in editors.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub message: String,
    pub edits: Vec<Edit>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// One line, lower case, names in backticks; readable alone in a popup.
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub notes: Vec<String>,
    pub help: Option<String>,
    pub fixes: Vec<Fix>,
}

impl Diagnostic {
    /// A diagnostic with the severity that `code` is registered with.
    pub fn new(code: Code, message: impl Into<String>, primary: Label) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            primary,
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
            fixes: Vec::new(),
        }
    }

    pub fn with_secondary(mut self, label: Label) -> Diagnostic {
        self.secondary.push(label);
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_fix(mut self, message: impl Into<String>, edits: Vec<Edit>) -> Diagnostic {
        self.fixes.push(Fix {
            message: message.into(),
            edits,
        });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts diagnostics by source, position and code so that every renderer
/// prints them in the same, deterministic order.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (
            a.primary.source,
            a.primary.span.start,
            a.primary.span.end,
            a.code,
        )
            .cmp(&(
                b.primary.source,
                b.primary.span.start,
                b.primary.span.end,
                b.code,
            ))
    });
}

/// Drops a diagnostic that repeats the code and primary span of the one
/// before it (after [`sort`]): the syntax-tree checks and the lowering can
/// find the same mistake, and a user should read it once.
pub fn dedup(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.dedup_by(|later, earlier| {
        later.code == earlier.code
            && later.primary.source == earlier.primary.source
            && later.primary.span == earlier.primary.span
    });
}

/// Counts of errors and warnings, for summaries and exit codes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
}

impl Summary {
    pub fn of<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>) -> Summary {
        let mut summary = Summary::default();
        for diagnostic in diagnostics {
            match diagnostic.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
            }
        }
        summary
    }
}
