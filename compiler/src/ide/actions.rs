//! Code actions: the fixes that diagnostics carry ("did you mean", "move
//! the secret into `env`", "add the job to `needs`"), offered where the
//! diagnostic is.
//!
//! Input: an analysis, a source and the span the editor asks about.
//! Output: one action per fix of each diagnostic whose primary span
//! touches that span, with the fix's edits.

use crate::diagnostic::Diagnostic;
use crate::ide::{Analysis, TextEdit};
use crate::span::{SourceId, Span};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeAction {
    pub title: String,
    /// The diagnostic whose fix this is.
    pub diagnostic: Diagnostic,
    pub edits: Vec<TextEdit>,
    /// The only fix of its diagnostic: editors may apply it with one key.
    pub is_preferred: bool,
}

pub fn code_actions(analysis: &Analysis, source: SourceId, span: Span) -> Vec<CodeAction> {
    let touches = |other: Span| other.start <= span.end && span.start <= other.end;
    crate::ide::diagnostics(analysis, source)
        .into_iter()
        .filter(|diagnostic| touches(diagnostic.primary.span))
        .flat_map(|diagnostic| {
            let is_preferred = diagnostic.fixes.len() == 1;
            diagnostic.fixes.iter().map(move |fix| CodeAction {
                title: fix.message.clone(),
                diagnostic: diagnostic.clone(),
                edits: fix
                    .edits
                    .iter()
                    .map(|edit| TextEdit {
                        source: edit.source,
                        span: edit.span,
                        replacement: edit.replacement.clone(),
                    })
                    .collect(),
                is_preferred,
            })
        })
        .collect()
}
