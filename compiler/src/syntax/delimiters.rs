//! Phase 1b: balance the token stream before parsing.
//!
//! Every opening `{ ( [ ${ "` gets exactly one closing partner: a missing
//! closer is reported (with the opener as a second label) and inserted, a
//! stray closer is reported and dropped, and groups nested deeper than
//! [`MAX_NESTING`] are reported and emptied. The parser can then rely on
//! balanced groups for error recovery, and no later phase can recurse without
//! bound.
//!
//! Where a closer should go is guessed from indentation, as a reader would: a
//! `}` that starts a line at the indentation of an outer block's first line
//! closes that block, so the inner block left open is the one reported.

use crate::diagnostic::{Code, Diagnostic, Edit, Label};
use crate::span::{SourceId, Span};
use crate::syntax::token::{Token, TokenKind, Tokens};

/// The deepest nesting of brackets, braces and interpolations accepted.
/// Real pipelines stay under ten; the limit keeps every recursive phase
/// within a small, fixed stack.
pub const MAX_NESTING: usize = 48;

struct Open<'src> {
    token: Token<'src>,
    span: Span,
    /// Indentation width of the line the opener is on.
    line_indent: usize,
    line_start: usize,
    /// Where the opener sits in the output.
    output_index: usize,
}

/// Finds the start of the line of each token. Tokens arrive in order, so one
/// forward scan serves them all and the pass stays linear on long lines.
struct LineTracker<'src> {
    source: &'src [u8],
    scanned_to: usize,
    line_start: usize,
    /// The indentation of the line at `line_start`, once computed.
    indent: Option<usize>,
}

impl LineTracker<'_> {
    fn indent_of_line_at(&mut self, offset: usize) -> usize {
        self.line_start_of(offset);
        let line_start = self.line_start;
        *self.indent.get_or_insert_with(|| {
            self.source[line_start..]
                .iter()
                .take_while(|byte| **byte == b' ' || **byte == b'\t')
                .count()
        })
    }

    fn line_start_of(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.source.len());
        if self.scanned_to < offset {
            if let Some(newline) = self.source[self.scanned_to..offset]
                .iter()
                .rposition(|byte| *byte == b'\n')
            {
                self.line_start = self.scanned_to + newline + 1;
                self.indent = None;
            }
            self.scanned_to = offset;
        }
        self.line_start
    }
}

/// Whether the tokens are balanced as written: every closer closes the
/// innermost open group, every `}` that starts a line is indented no less
/// than the line of its `{`, nothing is nested too deep and nothing is left
/// open. [`balance`] then has nothing to report or repair, and the tokens go
/// through untouched; this one pass with a small stack is what almost every
/// file takes.
fn balanced_as_written(source: &str, tokens: &Tokens<'_>) -> bool {
    // The closer each open group needs, and the indentation of its line
    // (read only for braces).
    let mut open: Vec<(TokenKind, usize)> = Vec::new();
    let mut lines = LineTracker {
        source: source.as_bytes(),
        scanned_to: 0,
        line_start: 0,
        indent: None,
    };
    for (token, span) in tokens.kinds() {
        if let Some(closer) = token.closer() {
            if open.len() >= MAX_NESTING {
                return false;
            }
            let indent = if token == TokenKind::LBrace {
                lines.indent_of_line_at(span.start as usize)
            } else {
                0
            };
            open.push((closer, indent));
        } else if token.is_closer() {
            let Some((expected, opener_indent)) = open.pop() else {
                return false;
            };
            if expected != token {
                return false;
            }
            if token == TokenKind::RBrace {
                let line_start = lines.line_start_of(span.start as usize);
                let indent = lines.indent_of_line_at(span.start as usize);
                if line_start + indent == span.start as usize && opener_indent > indent {
                    return false;
                }
            }
        }
    }
    open.is_empty()
}

pub fn balance<'src>(
    source: &'src str,
    source_id: SourceId,
    tokens: Tokens<'src>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Tokens<'src> {
    if balanced_as_written(source, &tokens) {
        return tokens;
    }
    repair(source, source_id, tokens, diagnostics)
}

/// The full pass: finds each closer's partner, reporting and repairing
/// what does not match. [`balance`] without its shortcut, which the
/// reference parse uses.
pub fn repair<'src>(
    source: &'src str,
    source_id: SourceId,
    tokens: Tokens<'src>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Tokens<'src> {
    let mut output: Vec<(Token<'src>, Span)> = Vec::with_capacity(tokens.len() + 8);
    let mut stack: Vec<Open<'src>> = Vec::new();
    let mut reported_depth = false;
    // The last `}` that started a line at an indentation other than that of
    // the line it closed: if a stray `}` follows, that one is the culprit.
    let mut misindented_closer: Option<Span> = None;
    let mut tokens = tokens.iter();
    let mut lines = LineTracker {
        source: source.as_bytes(),
        scanned_to: 0,
        line_start: 0,
        indent: None,
    };
    while let Some((token, span)) = tokens.next() {
        if closer_of(token).is_some() {
            if stack.len() >= MAX_NESTING {
                if !reported_depth {
                    reported_depth = true;
                    diagnostics.push(
                        Diagnostic::new(
                            Code::NestingTooDeep,
                            format!("nesting deeper than {MAX_NESTING} levels"),
                            Label::new(source_id, span, "this opens one level too many"),
                        )
                        .with_help("split the value into smaller named parts"),
                    );
                }
                skip_group(&mut tokens, token, span, &mut output);
                continue;
            }
            let line_start = lines.line_start_of(span.start as usize);
            stack.push(Open {
                token,
                span,
                line_indent: lines.indent_of_line_at(span.start as usize),
                line_start,
                output_index: output.len(),
            });
            output.push((token, span));
            continue;
        }
        if !is_closer(token) {
            output.push((token, span));
            continue;
        }
        let line_start = lines.line_start_of(span.start as usize);
        let starts_line =
            line_start + lines.indent_of_line_at(span.start as usize) == span.start as usize;
        let closer_indent = (token == Token::RBrace && starts_line)
            .then(|| lines.indent_of_line_at(span.start as usize));
        match find_partner(&stack, token, closer_indent) {
            Some(index) => {
                while stack.len() > index + 1 {
                    if let Some(open) = stack.pop() {
                        let in_body = stack
                            .last()
                            .is_none_or(|parent| parent.token == Token::LBrace);
                        report_unclosed(
                            source,
                            source_id,
                            &open,
                            in_body,
                            &mut output,
                            diagnostics,
                        );
                    }
                }
                if let (Some(open), Some(indent)) = (stack.pop(), closer_indent) {
                    misindented_closer = (open.line_indent != indent).then_some(span);
                }
                output.push((token, span));
            }
            None => diagnostics.push(stray_closer(
                source_id,
                token,
                misindented_closer.take().unwrap_or(span),
            )),
        }
    }
    // At the end of the file, the innermost unclosed group is the one
    // reported; its enclosing groups close with it (one mistake, one error).
    let unclosed_at_end = diagnostics.len();
    while let Some(open) = stack.pop() {
        let in_body = stack
            .last()
            .is_none_or(|parent| parent.token == Token::LBrace);
        report_unclosed(source, source_id, &open, in_body, &mut output, diagnostics);
    }
    if diagnostics.len() > unclosed_at_end + 1 {
        let enclosing = diagnostics.len() - unclosed_at_end - 1;
        // One fix closes them all, innermost first, as one insertion.
        let closers: String = diagnostics[unclosed_at_end..]
            .iter()
            .filter_map(|diagnostic| diagnostic.fixes.first())
            .flat_map(|fix| fix.edits.iter().map(|edit| edit.replacement.as_str()))
            .collect();
        diagnostics.truncate(unclosed_at_end + 1);
        if let Some(edit) = diagnostics
            .last_mut()
            .and_then(|innermost| innermost.fixes.first_mut())
            .and_then(|fix| fix.edits.first_mut())
        {
            edit.replacement = closers;
        }
        if let Some(innermost) = diagnostics.last_mut() {
            innermost.notes.push(format!(
                "{enclosing} enclosing group{} also reach{} the end of the file unclosed",
                if enclosing == 1 { "" } else { "s" },
                if enclosing == 1 { "es" } else { "" },
            ));
        }
    }
    Tokens::from_pairs(source, output)
}

fn stray_closer(source_id: SourceId, token: Token<'_>, span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::UnmatchedClosingDelimiter,
        format!("unexpected closing `{token}`"),
        Label::new(source_id, span, "nothing is open here to close"),
    )
    .with_help("remove it, or add the opening partner it was meant to close")
    .with_fix(
        format!("remove `{token}`"),
        vec![Edit {
            source: source_id,
            span,
            replacement: String::new(),
        }],
    )
}

/// The closer that an opening token needs, or `None` for other tokens.
fn closer_of(token: Token<'_>) -> Option<Token<'static>> {
    match token {
        Token::LBrace => Some(Token::RBrace),
        Token::LParen => Some(Token::RParen),
        Token::LBracket => Some(Token::RBracket),
        Token::InterpStart => Some(Token::InterpEnd),
        Token::StrStart { .. } => Some(Token::StrEnd),
        _ => None,
    }
}

fn is_closer(token: Token<'_>) -> bool {
    TokenKind::of(token).is_closer()
}

/// Interpolations and strings are boundaries: a `)` inside `${…}` never
/// closes a `(` outside of it.
fn is_boundary(token: Token<'_>) -> bool {
    matches!(token, Token::InterpStart | Token::StrStart { .. })
}

/// The stack index of the opener that `closer` closes.
/// `closer_indent` is the indentation of a `}` that starts its line.
fn find_partner(
    stack: &[Open<'_>],
    closer: Token<'_>,
    closer_indent: Option<usize>,
) -> Option<usize> {
    let candidates = stack
        .iter()
        .enumerate()
        .rev()
        .take_while(|(index, open)| *index + 1 == stack.len() || !is_boundary(open.token))
        .filter(|(_, open)| closer_of(open.token) == Some(closer));
    if let Some(indent) = closer_indent {
        let mut first_match = None;
        for (index, open) in candidates {
            first_match.get_or_insert(index);
            // The innermost brace whose line is not indented deeper than the
            // closer: a `}` dedented past its block closes an outer one.
            if open.line_indent <= indent {
                return Some(index);
            }
        }
        return first_match;
    }
    candidates.map(|(index, _)| index).next()
}

/// `in_body` says whether the group sits directly in a block body, where
/// line breaks separate items.
fn report_unclosed<'src>(
    source: &'src str,
    source_id: SourceId,
    open: &Open<'src>,
    in_body: bool,
    output: &mut Vec<(Token<'src>, Span)>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(closer) = closer_of(open.token) else {
        return;
    };
    // Inside brackets line breaks are not tokens, so an unclosed `[` or `(`
    // swallows the following lines; the closer belongs before the first of
    // them that is indented no deeper than the opener's line.
    let dedented = matches!(open.token, Token::LBracket | Token::LParen)
        .then(|| first_dedented_token(source, open, output))
        .flatten();
    let insert_index = dedented.unwrap_or(output.len());
    let insert_at = output[..insert_index]
        .iter()
        .rev()
        .find(|(token, _)| *token != Token::Newline)
        .map_or(open.span.end, |(_, span)| span.end);
    output.insert(insert_index, (closer, Span::empty_at(insert_at)));
    if dedented.is_some() && in_body {
        output.insert(
            insert_index + 1,
            (Token::Newline, Span::empty_at(insert_at)),
        );
    }
    // Strings and interpolations are closed by the lexer, which reports them.
    if matches!(open.token, Token::StrStart { .. } | Token::InterpStart) {
        return;
    }
    let what = describe_group(source, open);
    let replacement = if open.token == Token::LBrace {
        format!("\n{}}}", " ".repeat(open.line_indent))
    } else {
        closer.to_string()
    };
    diagnostics.push(
        Diagnostic::new(
            Code::UnclosedDelimiter,
            format!("expected `{closer}` to close {what}"),
            Label::new(
                source_id,
                Span::empty_at(insert_at),
                format!("`{closer}` expected here"),
            ),
        )
        .with_secondary(Label::new(
            source_id,
            open.span,
            format!("{what} opened here"),
        ))
        .with_help(format!("add `{closer}` after the last item of {what}"))
        .with_fix(
            format!("insert `{closer}`"),
            vec![Edit {
                source: source_id,
                span: Span::empty_at(insert_at),
                replacement,
            }],
        ),
    );
}

/// The output index of the first token after `open` that starts a line
/// indented no deeper than the line of `open`.
fn first_dedented_token(
    source: &str,
    open: &Open<'_>,
    output: &[(Token<'_>, Span)],
) -> Option<usize> {
    let bytes = source.as_bytes();
    (open.output_index + 1..output.len()).find(|&index| {
        let start = output[index].1.start as usize;
        let mut cursor = start;
        while cursor > 0 && (bytes[cursor - 1] == b' ' || bytes[cursor - 1] == b'\t') {
            cursor -= 1;
        }
        let starts_line = cursor > 0 && bytes[cursor - 1] == b'\n';
        starts_line && start - cursor <= open.line_indent && output[index].0 != Token::Newline
    })
}

/// Names the group an opener starts, for messages: "the `job` block",
/// "this list", "this `(`".
fn describe_group(source: &str, open: &Open<'_>) -> String {
    match open.token {
        Token::LBracket => "this list".to_owned(),
        Token::LParen => "this `(`".to_owned(),
        Token::LBrace => {
            let start = open.span.start as usize;
            // Only the last few words before `{` matter; bounding the look-back
            // keeps error reporting linear on very long lines.
            let look_back = crate::span::floor_char_boundary(source, start.saturating_sub(200));
            let prefix = &source[open.line_start.max(look_back)..start];
            let segment = prefix
                .rfind(['{', ',', '(', '['])
                .map_or(prefix, |index| &prefix[index + 1..])
                .trim();
            let first_word: &str = segment
                .split(|character: char| {
                    !(character.is_ascii_alphanumeric() || character == '_' || character == '-')
                })
                .next()
                .unwrap_or("");
            let rest = segment[first_word.len()..].trim_start();
            if first_word.is_empty() || rest.starts_with('=') {
                "this record".to_owned()
            } else {
                format!("the `{first_word}` block")
            }
        }
        _ => format!("this `{}`", open.token),
    }
}

/// Drops the contents of a group opened past the nesting limit, keeping the
/// opener and its closer (or neither, for an interpolation) so that the
/// parser sees an empty group.
fn skip_group<'src>(
    tokens: &mut impl Iterator<Item = (Token<'src>, Span)>,
    opener: Token<'src>,
    span: Span,
    output: &mut Vec<(Token<'src>, Span)>,
) {
    let keep = opener != Token::InterpStart;
    if keep {
        output.push((opener, span));
    }
    let mut depth = 1usize;
    let mut last_end = span.end;
    for (token, span) in tokens.by_ref() {
        last_end = span.end;
        if closer_of(token).is_some() {
            depth += 1;
        } else if is_closer(token) {
            depth -= 1;
            if depth == 0 {
                if keep {
                    output.push((token, span));
                }
                return;
            }
        }
    }
    if keep && let Some(closer) = closer_of(opener) {
        output.push((closer, Span::empty_at(last_end)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::lexer;

    /// The shortcut is sound: whenever it is taken, the full pass would
    /// report nothing and change nothing. (It may decline text the full
    /// pass accepts, such as a `}` dedented below its block's line; that
    /// text only costs the full pass.) Well-formed text takes it.
    #[test]
    fn the_shortcut_is_taken_only_when_the_full_pass_changes_nothing() {
        let nested_too_deep = format!(
            "x = {}{}",
            "[".repeat(MAX_NESTING + 1),
            "]".repeat(MAX_NESTING + 1)
        );
        let well_formed = [
            "job a {\n  step b { run = \"x\" }\n}\n",
            "job a {\n  x = [1, (2)]\n}\n",
            "x = \"a ${b} c\"\n",
            "job a { step b {\n} }\n",
            "job a {\n  step b {\n    }\n}\n",
            "",
        ];
        let texts = [
            "job a {\n    step b {\n  }\n}\n",
            "job a {\n  x = [1, (2]]\n}\n",
            "job a {\n",
            "}\n",
            "x = \"a ${b) c\"\n",
            "  job a {\n}\n",
            nested_too_deep.as_str(),
        ];
        for text in well_formed.iter().chain(&texts) {
            let tokens = lexer::lex(text, SourceId(0)).tokens;
            let taken = balanced_as_written(text, &tokens);
            assert_eq!(taken, well_formed.contains(text), "{text:?}");
            let mut diagnostics = Vec::new();
            let repaired = repair(text, SourceId(0), tokens.clone(), &mut diagnostics);
            let unchanged = diagnostics.is_empty() && repaired.iter().eq(tokens.iter());
            assert!(
                !taken || unchanged,
                "{text:?}: the full pass reports {diagnostics:?}"
            );
        }
    }
}
