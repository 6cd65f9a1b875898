//! The formatter: a parsed file → its one canonical layout.
//!
//! The layout, documented in `docs/language.md` (section "Formatting"):
//! two-space indentation; one item per line, except that a body written on
//! one line stays there when it holds only attributes and one-line blocks
//! and fits in 100 columns; in a run of consecutive one-line items the `=`
//! of attributes line up, and so do the `{` of blocks of one keyword; at
//! most one blank line between items, none at the start or end of a body;
//! lists and arguments on one line when they fit, else one element per
//! line with a trailing comma; literals exactly as written. Every comment
//! stays where it was: before the item it preceded, or after it on its
//! line.
//!
//! Only a file without syntax errors is formatted: reformatting a guess at
//! a broken file could move text the user still has to fix.

mod expr;
mod items;

use crate::diagnostic::Diagnostic;
use crate::span::{LineIndex, SourceId, Span};
use crate::syntax::token::Comment;

/// The widest a line may grow before a list or a body is broken up.
pub const WIDTH: usize = 100;

/// Formats `text`; the syntax errors, when it has any.
pub fn format_text(text: &str) -> Result<String, Vec<Diagnostic>> {
    let parsed = crate::syntax::parse(text, SourceId(0));
    if parsed.diagnostics.iter().any(Diagnostic::is_error) {
        return Err(parsed.diagnostics);
    }
    // A comment inside a string's interpolation is written with the string.
    let comments: Vec<Comment> = parsed
        .comments
        .iter()
        .filter(|comment| !comment.in_string)
        .cloned()
        .collect();
    let mut formatter = Formatter {
        source: text,
        lines: LineIndex::new(text),
        comments: &comments,
        next_comment: 0,
    };
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    formatter.items(&mut out, &parsed.file.items, 0, parsed.file.span.end);
    let trimmed = out.trim_end_matches('\n');
    if trimmed.is_empty() {
        return Ok(String::new());
    }
    let mut result = trimmed.to_owned();
    result.push('\n');
    Ok(result)
}

/// The state of one formatting: the source, and the comments not yet
/// written, in source order.
struct Formatter<'a> {
    source: &'a str,
    lines: LineIndex,
    comments: &'a [Comment],
    next_comment: usize,
}

impl Formatter<'_> {
    fn slice(&self, span: Span) -> &str {
        self.source.get(span.range()).unwrap_or("")
    }

    fn line_of(&self, offset: u32) -> usize {
        self.lines.line_of(offset)
    }

    /// Whether the text of `span` spans more than one line.
    fn is_multiline(&self, span: Span) -> bool {
        self.line_of(span.start) != self.line_of(span.end)
    }

    /// Whether an unwritten comment starts inside `span`.
    fn has_comment_within(&self, span: Span) -> bool {
        self.comments[self.next_comment..]
            .iter()
            .take_while(|comment| comment.span.start < span.end)
            .any(|comment| comment.span.start >= span.start)
    }

    /// Takes the unwritten comments that start before `offset`.
    fn comments_before(&mut self, offset: u32) -> Vec<(Span, String)> {
        let mut taken = Vec::new();
        while let Some(comment) = self.comments.get(self.next_comment)
            && comment.span.start < offset
        {
            taken.push((comment.span, comment_text(comment)));
            self.next_comment += 1;
        }
        taken
    }

    /// Takes the comment that starts on the line where `offset` is, after it.
    fn trailing_comment(&mut self, offset: u32) -> Option<String> {
        let comment = self.comments.get(self.next_comment)?;
        if comment.span.start >= offset && self.line_of(comment.span.start) == self.line_of(offset)
        {
            self.next_comment += 1;
            Some(comment_text(comment))
        } else {
            None
        }
    }

    /// Whether the source has a blank line between `from` and `to`.
    fn blank_line_between(&self, from: u32, to: u32) -> bool {
        let Some(between) = self.source.get(from as usize..to as usize) else {
            return false;
        };
        let lines: Vec<&str> = between.split('\n').collect();
        // The first piece ends the earlier line, the last starts the later one.
        lines.len() >= 3
            && lines[1..lines.len() - 1]
                .iter()
                .any(|line| line.trim().is_empty())
    }
}

fn push_indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

/// A comment as written, without trailing whitespace.
fn comment_text(comment: &Comment) -> String {
    format!("//{}", comment.text.trim_end())
}
