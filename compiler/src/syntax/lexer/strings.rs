//! String literals: `"…"` and `"""…"""` text up to each interpolation,
//! the escapes of one-line strings, and strings in the wrong quotes.

use crate::diagnostic::{Code, Label};
use crate::span::Span;
use crate::syntax::lexer::{Frame, Lexer};
use crate::syntax::token::TokenKind;

impl Lexer<'_> {
    /// `'text'` is reported once, as a string in the wrong quotes.
    pub(super) fn single_quoted(&mut self) {
        let start = self.position;
        let line_end = self.bytes[start..]
            .iter()
            .position(|&byte| byte == b'\n')
            .map_or(self.bytes.len(), |offset| start + offset);
        let end = self.source[start + 1..line_end]
            .find('\'')
            .map_or(start + 1, |offset| start + 1 + offset + 1);
        self.position = end;
        // Parse on as if it were a string, so that the mistake costs one error.
        let inner_end = if end > start + 1 { end - 1 } else { end };
        self.push(TokenKind::StrStart, start, start + 1);
        if inner_end > start + 1 {
            self.push(TokenKind::StrText, start + 1, inner_end);
        }
        self.push(TokenKind::StrEnd, inner_end, end);
        self.error(
            Code::InvalidCharacter,
            "invalid character `'`".to_owned(),
            Span::new(start, end),
            "single quotes do not make a string",
        )
        .help = Some("strings are written in double quotes: `\"…\"`".into());
    }

    pub(super) fn string_start(&mut self) {
        let start = self.position;
        let triple = self.bytes[start..].starts_with(b"\"\"\"");
        let length = if triple { 3 } else { 1 };
        self.position += length;
        let kind = if triple {
            TokenKind::TripleStrStart
        } else {
            TokenKind::StrStart
        };
        self.push(kind, start, start + length);
        self.frames.push(Frame::Str {
            triple,
            start: Span::new(start, start).start,
        });
    }

    /// Lexes string text up to the next interpolation, the closing quote, or
    /// (for one-line strings) the end of the line.
    pub(super) fn string_content(&mut self, triple: bool, string_start: u32) {
        let text_start = self.position;
        loop {
            let Some(byte) = self.peek(0) else {
                self.flush_text(text_start);
                return; // `close_frames_at_end` reports the unterminated string.
            };
            match byte {
                b'"' if !triple => {
                    self.flush_text(text_start);
                    self.push(TokenKind::StrEnd, self.position, self.position + 1);
                    self.position += 1;
                    self.frames.pop();
                    return;
                }
                b'"' if self.bytes[self.position..].starts_with(b"\"\"\"") => {
                    self.flush_text(text_start);
                    self.push(TokenKind::StrEnd, self.position, self.position + 3);
                    self.position += 3;
                    self.frames.pop();
                    return;
                }
                b'\\' if !triple => self.escape(),
                b'\n' if !triple => {
                    self.flush_text(text_start);
                    let end_of_line = self.position;
                    // A quote inside a one-line interpolation (`"${ x "`) opens
                    // this string; the interpolation's error covers both.
                    let inside_interpolation = matches!(
                        self.frames.iter().rev().nth(1),
                        Some(Frame::Interpolation { .. })
                    ) && self.frames[..self.frames.len() - 1]
                        .iter()
                        .rev()
                        .find(|frame| matches!(frame, Frame::Str { .. }))
                        .is_some_and(|frame| matches!(frame, Frame::Str { triple: false, .. }));
                    if inside_interpolation {
                        self.push(TokenKind::StrEnd, end_of_line, end_of_line);
                        self.frames.pop();
                        return;
                    }
                    let quote = Span::new(string_start as usize, string_start as usize + 1);
                    let source_id = self.source_id;
                    self.error(
                        Code::UnterminatedString,
                        "unterminated string".to_owned(),
                        Span::empty_at(Span::new(end_of_line, end_of_line).start),
                        "the line ends before the closing `\"`",
                    )
                    .secondary
                    .push(Label::new(
                        source_id,
                        quote,
                        "the string starts here",
                    ));
                    self.diagnostics
                        .last_mut()
                        .into_iter()
                        .for_each(|diagnostic| {
                            diagnostic.help = Some(
                                "close the string with `\"`, or use `\"\"\"` for text over several lines"
                                    .into(),
                            );
                        });
                    self.push(TokenKind::StrEnd, end_of_line, end_of_line);
                    self.frames.pop();
                    return;
                }
                b'$' if self.bytes[self.position..].starts_with(b"$${") => self.position += 3,
                b'$' if self.peek(1) == Some(b'{') => {
                    self.flush_text(text_start);
                    let start = self.position;
                    self.position += 2;
                    self.push(TokenKind::InterpStart, start, start + 2);
                    self.frames.push(Frame::Interpolation {
                        start: Span::new(start, start).start,
                    });
                    return;
                }
                _ => {
                    // Plain text runs up to the next byte that can end it.
                    self.position += 1 + self.bytes[self.position + 1..]
                        .iter()
                        .take_while(|&&byte| !ENDS_STRING_TEXT[usize::from(byte)])
                        .count();
                }
            }
        }
    }

    pub(super) fn flush_text(&mut self, text_start: usize) {
        if self.position > text_start {
            self.push(TokenKind::StrText, text_start, self.position);
        }
    }

    /// Checks one backslash escape of a one-line string; the parser decodes it.
    pub(super) fn escape(&mut self) {
        let start = self.position;
        self.position += 1;
        match self.peek(0) {
            Some(b'n' | b't' | b'r' | b'"' | b'\\' | b'$') => self.position += 1,
            Some(b'u') if self.peek(1) == Some(b'{') => {
                let digits_start = self.position + 2;
                let digits_length = self.bytes[digits_start..]
                    .iter()
                    .take_while(|byte| byte.is_ascii_hexdigit())
                    .count();
                let close = digits_start + digits_length;
                let valid = self.bytes.get(close) == Some(&b'}')
                    && (1..=6).contains(&digits_length)
                    && u32::from_str_radix(&self.source[digits_start..close], 16)
                        .ok()
                        .and_then(char::from_u32)
                        .is_some();
                if valid {
                    self.position = close + 1;
                } else {
                    self.position = digits_start + digits_length;
                    self.invalid_escape(
                        start,
                        "`\\u{…}` takes 1 to 6 hex digits naming a Unicode scalar value",
                    );
                }
            }
            Some(b'\n') | None => {
                self.invalid_escape(start, "a one-line string cannot continue on the next line; use `\"\"\"` for text over several lines");
            }
            Some(_) => {
                let width = self.source[self.position..]
                    .chars()
                    .next()
                    .map_or(1, char::len_utf8);
                self.position += width;
                self.invalid_escape(
                    start,
                    "the escapes are `\\n`, `\\t`, `\\r`, `\\\"`, `\\\\`, `\\$` and `\\u{…}`; write `\\\\` for a backslash",
                );
            }
        }
    }

    pub(super) fn invalid_escape(&mut self, start: usize, help: &str) {
        let span = Span::new(start, self.position.max(start + 1));
        let text = self.source.get(span.range()).unwrap_or("\\").to_owned();
        self.error(
            Code::InvalidEscape,
            format!("invalid escape sequence `{}`", text.trim_end()),
            span,
            "not a known escape",
        )
        .help = Some(help.to_owned());
    }
}

/// The bytes that can end a run of string text: a quote, an escape, a
/// line break, a possible interpolation. A table, since every byte of a
/// string is tested.
static ENDS_STRING_TEXT: [bool; 256] = {
    let mut table = [false; 256];
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table[b'\n' as usize] = true;
    table[b'$' as usize] = true;
    table
};
