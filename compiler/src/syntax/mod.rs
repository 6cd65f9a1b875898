//! Phase 1, syntax: source text → syntax tree, comments and diagnostics.
//!
//! [`parse`] chains the lexer, the delimiter pass and the parser. It never
//! fails: whatever the input, it returns a tree (with error nodes where the
//! text could not be understood) and every problem as a diagnostic.

pub mod ast;
mod delimiters;
pub mod dump;
mod lexer;
mod parser;
mod strings;
pub mod token;

pub use delimiters::MAX_NESTING;

use crate::diagnostic::Diagnostic;
use crate::span::{LineIndex, SourceId};
use ast::File;
use token::Comment;

/// The result of parsing one source text.
#[derive(Debug)]
pub struct ParsedFile {
    pub file: File,
    /// `//` comments in source order, for the formatter.
    pub comments: Vec<Comment>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses `source`; diagnostics refer to it as `source_id`.
pub fn parse(source: &str, source_id: SourceId) -> ParsedFile {
    parse_with(source, source_id, delimiters::balance, parser::parse_tokens)
}

/// Parses `source` with the full delimiter pass and the chumsky grammar
/// alone, never a shortcut or the fast path: the reference that tests and
/// fuzzing compare [`parse`] with.
pub fn parse_with_reference_grammar(source: &str, source_id: SourceId) -> ParsedFile {
    parse_with(
        source,
        source_id,
        delimiters::repair,
        parser::parse_tokens_with_chumsky,
    )
}

/// Whether the parser's fast path accepts `source` (it does whenever the
/// text has no syntax error), for the tests that keep it from going unused.
pub fn fast_path_accepts(source: &str) -> bool {
    let lexed = lexer::lex(source, SourceId(0));
    let mut diagnostics = lexed.diagnostics;
    let tokens = delimiters::balance(source, SourceId(0), lexed.tokens, &mut diagnostics);
    parser::fast_path_accepts(source.len(), &tokens)
}

type Balancer = for<'src> fn(
    &'src str,
    SourceId,
    token::Tokens<'src>,
    &mut Vec<Diagnostic>,
) -> token::Tokens<'src>;

type TokenParser = fn(usize, SourceId, &token::Tokens<'_>) -> (File, Vec<Diagnostic>);

fn parse_with(
    source: &str,
    source_id: SourceId,
    balance: Balancer,
    parse_tokens: TokenParser,
) -> ParsedFile {
    let lexed = lexer::lex(source, source_id);
    let mut diagnostics = lexed.diagnostics;
    let tokens = balance(source, source_id, lexed.tokens, &mut diagnostics);
    let (file, parse_errors) = parse_tokens(source.len(), source_id, &tokens);
    diagnostics.extend(without_follow_on_errors(source, &diagnostics, parse_errors));
    crate::diagnostic::sort(&mut diagnostics);
    ParsedFile {
        file,
        comments: lexed.comments,
        diagnostics,
    }
}

/// Drops parse errors on lines that already have a lexical or delimiter
/// error: those are almost always consequences of it (one mistake, one error).
fn without_follow_on_errors(
    source: &str,
    earlier: &[Diagnostic],
    parse_errors: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    if earlier.is_empty() {
        return parse_errors;
    }
    let lines = LineIndex::new(source);
    let mut blamed_lines: Vec<usize> = earlier
        .iter()
        .flat_map(|diagnostic| {
            let span = diagnostic.primary.span;
            [lines.line_of(span.start), lines.line_of(span.end)]
        })
        .collect();
    blamed_lines.sort_unstable();
    blamed_lines.dedup();
    parse_errors
        .into_iter()
        .filter(|error| {
            blamed_lines
                .binary_search(&lines.line_of(error.primary.span.start))
                .is_err()
        })
        .collect()
}
