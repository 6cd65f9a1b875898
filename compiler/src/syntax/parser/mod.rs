//! Phase 1c: tokens → syntax tree, with chumsky.
//!
//! The parser always returns a tree. Syntax errors become [`Diagnostic`]s
//! with code `E0101`, and the offending item becomes [`Item::Error`] so the
//! rest of the file is still parsed (the language server depends on this).

mod expr;
mod fast;
mod item;

use chumsky::error::RichReason;
use chumsky::input::Input as _;
use chumsky::prelude::*;

use crate::diagnostic::{Code, Diagnostic, Label};
use crate::span::{SourceId, Span};
use crate::syntax::ast::File;
use crate::syntax::token::{Token, Tokens};

pub(crate) type Extra<'t, 'src> = extra::Err<Rich<'t, Token<'src>, SimpleSpan>>;

pub(crate) fn span_of(span: SimpleSpan) -> Span {
    Span::new(span.start, span.end)
}

/// Parses a balanced token stream into a file; never fails.
///
/// Text without syntax errors takes the fast path ([`fast`]); anything the
/// fast path does not vouch for is parsed, and its errors reported and
/// recovered from, by the chumsky grammar.
pub fn parse_tokens(
    source_len: usize,
    source_id: SourceId,
    tokens: &Tokens<'_>,
) -> (File, Vec<Diagnostic>) {
    match fast::parse_file(source_len, tokens) {
        Ok(file) => (file, Vec::new()),
        Err(fast::GiveUp) => parse_tokens_with_chumsky(source_len, source_id, tokens),
    }
}

pub fn fast_path_accepts(source_len: usize, tokens: &Tokens<'_>) -> bool {
    fast::parse_file(source_len, tokens).is_ok()
}

/// The reference grammar: what the fast path must agree with, and the only
/// parser that reports and recovers from syntax errors.
pub fn parse_tokens_with_chumsky(
    source_len: usize,
    source_id: SourceId,
    tokens: &Tokens<'_>,
) -> (File, Vec<Diagnostic>) {
    let eoi = SimpleSpan::from(source_len..source_len);
    let tokens: Vec<(Token<'_>, SimpleSpan)> = tokens
        .iter()
        .map(|(token, span)| (token, SimpleSpan::from(span.range())))
        .collect();
    let input = tokens.as_slice().split_token_span(eoi);
    let parser = item::items().then_ignore(end_of_input());
    let (items, errors) = parser.parse(input).into_output_errors();
    let file = File {
        items: items.unwrap_or_default(),
        span: Span::new(0, source_len),
    };
    let diagnostics = errors
        .into_iter()
        .map(|error| to_diagnostic(source_id, &error))
        .collect();
    (file, diagnostics)
}

fn end_of_input<'t, 'src: 't, I>() -> impl Parser<'t, I, (), Extra<'t, 'src>> + Clone
where
    I: chumsky::input::ValueInput<'t, Token = Token<'src>, Span = SimpleSpan>,
{
    end()
}

/// Converts a chumsky error into the one diagnostic type.
fn to_diagnostic(source_id: SourceId, error: &Rich<'_, Token<'_>, SimpleSpan>) -> Diagnostic {
    let span = span_of(*error.span());
    match error.reason() {
        RichReason::ExpectedFound { expected, found } => {
            let found_text = found
                .as_ref()
                .map_or_else(|| "end of file".to_owned(), |token| token.describe());
            let mut names: Vec<String> = expected.iter().map(describe_pattern).collect();
            names.sort();
            names.dedup();
            let expected_text = join_alternatives(&names);
            Diagnostic::new(
                Code::UnexpectedToken,
                format!("expected {expected_text}, found {found_text}"),
                Label::new(source_id, span, format!("expected {expected_text}")),
            )
        }
        RichReason::Custom(message) => Diagnostic::new(
            Code::UnexpectedToken,
            message.clone(),
            Label::new(source_id, span, "unexpected here"),
        ),
    }
}

fn describe_pattern(pattern: &chumsky::error::RichPattern<'_, Token<'_>>) -> String {
    use chumsky::error::RichPattern;
    match pattern {
        RichPattern::Token(token) => token.describe(),
        RichPattern::Label(label) => label.to_string(),
        RichPattern::EndOfInput => "end of file".to_owned(),
        RichPattern::Identifier(name) => format!("`{name}`"),
        RichPattern::Any => "any token".to_owned(),
        RichPattern::SomethingElse => "something else".to_owned(),
        _ => "something else".to_owned(),
    }
}

fn join_alternatives(names: &[String]) -> String {
    match names {
        [] => "something else".to_owned(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}
