//! Phase 1a: source text → tokens, comments and lexical diagnostics.
//!
//! Hand-written rather than a chumsky text parser because string literals
//! switch modes (text, `${…}` code, back to text) and line breaks matter only
//! outside brackets; both need a stack of open frames that a streaming lexer
//! keeps naturally. The lexer never fails: every problem becomes a diagnostic
//! and lexing goes on, in time linear in the input.

mod numbers;
mod strings;

use crate::diagnostic::{Code, Diagnostic, Label};
use crate::span::{SourceId, Span};
use crate::syntax::token::{Comment, Token, TokenKind, Tokens};

/// The lexer's output.
#[derive(Debug)]
pub struct Lexed<'src> {
    pub tokens: Tokens<'src>,
    pub comments: Vec<Comment>,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Frame {
    Brace,
    Paren,
    Bracket,
    /// `${` at `start`.
    Interpolation {
        start: u32,
    },
    /// A string opened at `start`.
    Str {
        triple: bool,
        start: u32,
    },
}

pub fn lex(source: &str, source_id: SourceId) -> Lexed<'_> {
    let mut lexer = Lexer {
        source,
        bytes: source.as_bytes(),
        source_id,
        position: 0,
        frames: Vec::new(),
        tokens: Tokens::with_capacity(source, source.len() / 4),
        comments: Vec::new(),
        diagnostics: Vec::new(),
    };
    lexer.run();
    Lexed {
        tokens: lexer.tokens,
        comments: lexer.comments,
        diagnostics: lexer.diagnostics,
    }
}

struct Lexer<'src> {
    source: &'src str,
    bytes: &'src [u8],
    source_id: SourceId,
    position: usize,
    frames: Vec<Frame>,
    tokens: Tokens<'src>,
    comments: Vec<Comment>,
    diagnostics: Vec<Diagnostic>,
}

impl<'src> Lexer<'src> {
    fn run(&mut self) {
        while self.position < self.bytes.len() {
            match self.frames.last() {
                Some(&Frame::Str { triple, start }) => self.string_content(triple, start),
                _ => self.code_token(),
            }
        }
        self.close_frames_at_end();
    }

    #[inline]
    fn push(&mut self, kind: TokenKind, start: usize, end: usize) {
        self.tokens.push_kind(kind, Span::new(start, end));
    }

    /// Pushes a number, duration or percent with its value.
    fn push_number(&mut self, token: Token<'src>, start: usize, end: usize) {
        self.tokens.push(token, Span::new(start, end));
    }

    fn error(&mut self, code: Code, message: String, span: Span, label: &str) -> &mut Diagnostic {
        self.diagnostics.push(Diagnostic::new(
            code,
            message,
            Label::new(self.source_id, span, label),
        ));
        let last = self.diagnostics.len() - 1;
        &mut self.diagnostics[last]
    }

    fn peek(&self, offset: usize) -> Option<u8> {
        self.bytes.get(self.position + offset).copied()
    }

    /// Line breaks end items only at the top level and directly inside `{ }`.
    fn line_breaks_are_significant(&self) -> bool {
        matches!(self.frames.last(), None | Some(Frame::Brace))
    }

    fn code_token(&mut self) {
        let start = self.position;
        let byte = self.bytes[start];
        match byte {
            b' ' | b'\t' | b'\r' => {
                // Indentation comes in runs; one token dispatch per run.
                self.position += self.bytes[start..]
                    .iter()
                    .take_while(|byte| matches!(byte, b' ' | b'\t' | b'\r'))
                    .count();
            }
            b'\n' => self.line_break(),
            b'/' if self.peek(1) == Some(b'/') => self.comment(),
            b'/' if self.peek(1) == Some(b'*') => self.block_comment(),
            b'\'' => self.single_quoted(),
            b'"' => self.string_start(),
            b'0'..=b'9' => self.number(),
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => self.identifier(),
            b'{' => {
                self.position += 1;
                self.frames.push(Frame::Brace);
                self.push(TokenKind::LBrace, start, start + 1);
            }
            b'(' => self.open_bracket(Frame::Paren, TokenKind::LParen),
            b'[' => self.open_bracket(Frame::Bracket, TokenKind::LBracket),
            b'}' => self.close_brace(),
            b')' => self.close_bracket(Frame::Paren, TokenKind::RParen),
            b']' => self.close_bracket(Frame::Bracket, TokenKind::RBracket),
            _ => self.punctuation(),
        }
    }

    fn line_break(&mut self) {
        let start = self.position;
        if let Some(&Frame::Interpolation { start: open }) = self.frames.last() {
            // An interpolation inside a one-line string cannot span lines.
            if self.enclosing_string_is_single_line() {
                self.error(
                    Code::UnterminatedInterpolation,
                    "unterminated interpolation".to_owned(),
                    Span::new(open as usize, open as usize + 2),
                    "this `${` is never closed",
                )
                .help = Some("close the interpolation with `}` before the end of the line".into());
                self.push(TokenKind::InterpEnd, start, start);
                self.frames.pop();
                self.push(TokenKind::StrEnd, start, start);
                self.frames.pop();
            }
        }
        self.position += 1;
        if self.line_breaks_are_significant()
            && self
                .tokens
                .last_kind()
                .is_some_and(|kind| !kind.continues_line())
        {
            self.push(TokenKind::Newline, start, start + 1);
        }
    }

    fn enclosing_string_is_single_line(&self) -> bool {
        let string = self
            .frames
            .iter()
            .rev()
            .find(|frame| matches!(frame, Frame::Str { .. }));
        matches!(string, Some(Frame::Str { triple: false, .. }))
    }

    fn comment(&mut self) {
        let start = self.position;
        let end = self.bytes[start..]
            .iter()
            .position(|&byte| byte == b'\n')
            .map_or(self.bytes.len(), |length| start + length);
        let text = self.source[start + 2..end].trim_end_matches('\r');
        let in_string = self
            .frames
            .iter()
            .any(|frame| matches!(frame, Frame::Str { .. }));
        self.comments.push(Comment {
            span: Span::new(start, start + 2 + text.len()),
            text: text.to_owned(),
            in_string,
        });
        self.position = end;
    }

    /// `/* … */` is not a comment here; it is reported once and skipped whole.
    fn block_comment(&mut self) {
        let start = self.position;
        let end = self.source[start + 2..]
            .find("*/")
            .map_or(self.bytes.len(), |offset| start + 2 + offset + 2);
        self.position = end;
        self.error(
            Code::InvalidCharacter,
            "invalid characters `/*`".to_owned(),
            Span::new(start, start + 2),
            "block comments are not part of the language",
        )
        .help = Some("comments start with `//` and run to the end of the line".into());
    }

    fn identifier(&mut self) {
        let start = self.position;
        let mut end = start + 1;
        loop {
            match self.bytes.get(end) {
                Some(byte) if is_identifier_byte(byte) => end += 1,
                // A dash joins words (`build-image`) but never ends a name.
                Some(b'-') if self.bytes.get(end + 1).is_some_and(is_identifier_byte) => end += 1,
                _ => break,
            }
        }
        self.position = end;
        let text = &self.source[start..end];
        let token = match text {
            "true" => TokenKind::True,
            "false" => TokenKind::False,
            "import" => TokenKind::Import,
            "as" => TokenKind::As,
            "template" => TokenKind::Template,
            "use" => TokenKind::Use,
            "in" => TokenKind::In,
            _ => TokenKind::Ident,
        };
        self.push(token, start, end);
    }

    fn open_bracket(&mut self, frame: Frame, token: TokenKind) {
        let start = self.position;
        self.position += 1;
        self.frames.push(frame);
        self.push(token, start, start + 1);
    }

    fn close_brace(&mut self) {
        let start = self.position;
        self.position += 1;
        let target = self.frames.iter().rposition(|frame| {
            matches!(
                frame,
                Frame::Brace | Frame::Interpolation { .. } | Frame::Str { .. }
            )
        });
        match target.map(|index| (index, self.frames[index])) {
            Some((index, Frame::Interpolation { .. })) => {
                self.frames.truncate(index);
                self.push(TokenKind::InterpEnd, start, start + 1);
            }
            Some((index, Frame::Brace)) => {
                self.frames.truncate(index);
                self.push(TokenKind::RBrace, start, start + 1);
            }
            // A stray `}`: the delimiter pass reports it.
            _ => self.push(TokenKind::RBrace, start, start + 1),
        }
    }

    fn close_bracket(&mut self, frame: Frame, token: TokenKind) {
        let start = self.position;
        self.position += 1;
        let boundary = self
            .frames
            .iter()
            .rposition(|open| {
                matches!(
                    open,
                    Frame::Brace | Frame::Interpolation { .. } | Frame::Str { .. }
                )
            })
            .map_or(0, |index| index + 1);
        if let Some(index) = self.frames[boundary..]
            .iter()
            .rposition(|open| *open == frame)
        {
            self.frames.truncate(boundary + index);
        }
        self.push(token, start, start + 1);
    }

    fn punctuation(&mut self) {
        let start = self.position;
        let two = |second: u8| self.peek(1) == Some(second);
        let (token, length) = match self.bytes[start] {
            b',' => (TokenKind::Comma, 1),
            b'.' => (TokenKind::Dot, 1),
            b':' => (TokenKind::Colon, 1),
            b'-' => (TokenKind::Minus, 1),
            b'=' if two(b'=') => (TokenKind::EqEq, 2),
            b'=' => (TokenKind::Assign, 1),
            b'!' if two(b'=') => (TokenKind::NotEq, 2),
            b'!' => (TokenKind::Not, 1),
            b'<' if two(b'=') => (TokenKind::LtEq, 2),
            b'<' => (TokenKind::Lt, 1),
            b'>' if two(b'=') => (TokenKind::GtEq, 2),
            b'>' => (TokenKind::Gt, 1),
            b'&' if two(b'&') => (TokenKind::AndAnd, 2),
            b'|' if two(b'|') => (TokenKind::OrOr, 2),
            _ => return self.invalid_characters(),
        };
        self.position += length;
        self.push(token, start, start + length);
    }

    /// Reports a run of characters that start no token as one diagnostic.
    fn invalid_characters(&mut self) {
        let start = self.position;
        let mut end = start;
        for character in self.source[start..].chars() {
            if character.is_ascii_alphanumeric()
                || character.is_ascii_whitespace()
                || "{}()[],.:=!<>\"/_-".contains(character)
                || (end > start && "&|".contains(character))
            {
                break;
            }
            end += character.len_utf8();
        }
        let end = end.max(start + 1);
        let text = &self.source[start..end];
        let help = match text {
            "&" => Some("the logical and is written `&&`"),
            "|" => Some("the logical or is written `||`"),
            "#" => Some("comments start with `//`"),
            "'" => Some("strings are written in double quotes: `\"…\"`"),
            ";" => Some("items end at a line break or a comma"),
            _ => None,
        };
        // `#` most likely starts a comment in another language: report it and
        // skip the line, so that the words after it cause no further errors.
        let resume_at = if text == "#" {
            self.bytes[start..]
                .iter()
                .position(|&byte| byte == b'\n')
                .map_or(self.bytes.len(), |offset| start + offset)
        } else {
            end
        };
        let shown = text.to_owned();
        let diagnostic = self.error(
            Code::InvalidCharacter,
            format!(
                "invalid character{} `{shown}`",
                if shown.chars().count() > 1 { "s" } else { "" }
            ),
            Span::new(start, end),
            "not part of any token",
        );
        diagnostic.help = help.map(str::to_owned);
        self.position = resume_at;
    }

    fn close_frames_at_end(&mut self) {
        let end = self.bytes.len();
        while let Some(frame) = self.frames.pop() {
            match frame {
                Frame::Interpolation { start } => {
                    self.error(
                        Code::UnterminatedInterpolation,
                        "unterminated interpolation".to_owned(),
                        Span::new(start as usize, start as usize + 2),
                        "this `${` is never closed",
                    )
                    .help = Some("close the interpolation with `}`".into());
                    self.push(TokenKind::InterpEnd, end, end);
                    // The enclosing string is closed silently: one mistake, one error.
                    if let Some(Frame::Str { .. }) = self.frames.last() {
                        self.frames.pop();
                        self.push(TokenKind::StrEnd, end, end);
                    }
                }
                Frame::Str { triple, start } => {
                    let quote_length = if triple { 3 } else { 1 };
                    let quote = if triple { "\"\"\"" } else { "\"" };
                    let source_id = self.source_id;
                    let diagnostic = self.error(
                        Code::UnterminatedString,
                        "unterminated string".to_owned(),
                        Span::empty_at(Span::new(end, end).start),
                        "the file ends before the string is closed",
                    );
                    diagnostic.secondary.push(Label::new(
                        source_id,
                        Span::new(start as usize, start as usize + quote_length),
                        "the string starts here",
                    ));
                    diagnostic.help = Some(format!("close the string with `{quote}`"));
                    self.push(TokenKind::StrEnd, end, end);
                }
                // Unclosed brackets are reported by the delimiter pass, which
                // knows where each one should have closed.
                Frame::Brace | Frame::Paren | Frame::Bracket => {}
            }
        }
    }
}

fn is_identifier_byte(byte: &u8) -> bool {
    IN_IDENTIFIER[usize::from(*byte)]
}

/// The bytes of a name, by table: every byte of a name is tested, and a
/// load is cheaper than the comparisons it replaces.
static IN_IDENTIFIER: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let character = byte as u8;
        table[byte] = character.is_ascii_alphanumeric() || character == b'_';
        byte += 1;
    }
    table
};

#[cfg(test)]
mod tests;
