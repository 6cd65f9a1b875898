//! Tokens produced by the lexer and consumed by the parser.

use std::fmt;

use crate::span::Span;

/// A token; text-bearing variants borrow from the source.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Token<'src> {
    Ident(&'src str),
    Int(i64),
    /// A duration in milliseconds (`30s`, `5m`, `1h30m`, `500ms`).
    Duration(u64),
    /// A percentage as written (`10%` is `10.0`).
    Percent(f64),
    True,
    False,
    Import,
    As,
    Template,
    Use,
    In,

    LBrace,
    RBrace,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
    Colon,
    Assign,
    EqEq,
    NotEq,
    Not,
    AndAnd,
    OrOr,
    Lt,
    Gt,
    LtEq,
    GtEq,
    Minus,
    /// Ends an item; emitted only where a line break can end one.
    Newline,

    /// Opens a string literal; `triple` for `"""`.
    StrStart {
        triple: bool,
    },
    /// Raw text between interpolations, escapes not yet processed.
    StrText(&'src str),
    /// `${` inside a string.
    InterpStart,
    /// The `}` that closes an interpolation.
    InterpEnd,
    StrEnd,
}

impl Token<'_> {
    /// How the token is named in "expected …, found …" messages.
    pub fn describe(&self) -> String {
        match self {
            Token::Ident(name) => format!("identifier `{name}`"),
            Token::Int(_) => "integer".to_owned(),
            Token::Duration(_) => "duration".to_owned(),
            Token::Percent(_) => "percent".to_owned(),
            Token::Newline => "end of line".to_owned(),
            Token::StrStart { .. } => "string".to_owned(),
            Token::StrText(_) => "string text".to_owned(),
            Token::InterpStart => "`${`".to_owned(),
            Token::InterpEnd => "`}` closing the interpolation".to_owned(),
            Token::StrEnd => "end of string".to_owned(),
            other => format!("`{other}`"),
        }
    }
}

impl fmt::Display for Token<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Token::Ident(name) => name,
            Token::Int(value) => return write!(f, "{value}"),
            Token::Duration(ms) => return write!(f, "{ms}ms"),
            Token::Percent(value) => return write!(f, "{value}%"),
            Token::True => "true",
            Token::False => "false",
            Token::Import => "import",
            Token::As => "as",
            Token::Template => "template",
            Token::Use => "use",
            Token::In => "in",
            Token::LBrace => "{",
            Token::RBrace => "}",
            Token::LParen => "(",
            Token::RParen => ")",
            Token::LBracket => "[",
            Token::RBracket => "]",
            Token::Comma => ",",
            Token::Dot => ".",
            Token::Colon => ":",
            Token::Assign => "=",
            Token::EqEq => "==",
            Token::NotEq => "!=",
            Token::Not => "!",
            Token::AndAnd => "&&",
            Token::OrOr => "||",
            Token::Lt => "<",
            Token::Gt => ">",
            Token::LtEq => "<=",
            Token::GtEq => ">=",
            Token::Minus => "-",
            Token::Newline => "newline",
            Token::StrStart { triple: true } => "\"\"\"",
            Token::StrStart { triple: false } | Token::StrEnd => "\"",
            Token::StrText(text) => text,
            Token::InterpStart => "${",
            Token::InterpEnd => "}",
        };
        f.write_str(text)
    }
}

/// A `//` comment, kept beside the tree for the formatter.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Comment {
    pub span: Span,
    /// The comment text after `//`, without the line break.
    pub text: String,
    /// Inside an interpolation of a string (`"""${x // …`): part of the
    /// literal, which the formatter writes as it is, not a comment of its
    /// own to place.
    pub in_string: bool,
}

/// The lexer's tokens in source order, 12 bytes each where a
/// `(Token, Span)` takes 32: an identifier's or a string's text is its span
/// of the source, and the few numbers keep their values in a table of their
/// own. The token vector of a large file was the largest allocation of a
/// build, and its size is what the parser walks through.
#[derive(Clone, Debug)]
pub struct Tokens<'src> {
    source: &'src str,
    entries: Vec<Entry>,
    /// The value of each number token, by the token's index, in order.
    numbers: Vec<(usize, u64)>,
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    span: Span,
    kind: TokenKind,
}

/// What a [`Token`] is, without its text or value: what the parser's fast
/// path decides on, read without building the token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Ident,
    Int,
    Duration,
    Percent,
    True,
    False,
    Import,
    As,
    Template,
    Use,
    In,
    LBrace,
    RBrace,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
    Colon,
    Assign,
    EqEq,
    NotEq,
    Not,
    AndAnd,
    OrOr,
    Lt,
    Gt,
    LtEq,
    GtEq,
    Minus,
    Newline,
    StrStart,
    TripleStrStart,
    StrText,
    InterpStart,
    InterpEnd,
    StrEnd,
}

impl TokenKind {
    /// True for tokens after which a line break cannot end an item, so that
    /// `x =` or `a &&` may continue on the next line.
    pub fn continues_line(self) -> bool {
        matches!(
            self,
            TokenKind::Newline
                | TokenKind::LBrace
                | TokenKind::LParen
                | TokenKind::LBracket
                | TokenKind::Comma
                | TokenKind::Dot
                | TokenKind::Colon
                | TokenKind::Assign
                | TokenKind::EqEq
                | TokenKind::NotEq
                | TokenKind::Not
                | TokenKind::AndAnd
                | TokenKind::OrOr
                | TokenKind::Lt
                | TokenKind::Gt
                | TokenKind::LtEq
                | TokenKind::GtEq
                | TokenKind::Minus
                | TokenKind::In
                | TokenKind::Import
                | TokenKind::As
                | TokenKind::Template
                | TokenKind::Use
        )
    }

    /// The closer an opening token needs, or `None` for other tokens.
    pub fn closer(self) -> Option<TokenKind> {
        match self {
            TokenKind::LBrace => Some(TokenKind::RBrace),
            TokenKind::LParen => Some(TokenKind::RParen),
            TokenKind::LBracket => Some(TokenKind::RBracket),
            TokenKind::InterpStart => Some(TokenKind::InterpEnd),
            TokenKind::StrStart | TokenKind::TripleStrStart => Some(TokenKind::StrEnd),
            _ => None,
        }
    }

    pub fn is_closer(self) -> bool {
        matches!(
            self,
            TokenKind::RBrace
                | TokenKind::RParen
                | TokenKind::RBracket
                | TokenKind::InterpEnd
                | TokenKind::StrEnd
        )
    }

    #[inline]
    pub fn of(token: Token<'_>) -> TokenKind {
        match token {
            Token::Ident(_) => TokenKind::Ident,
            Token::Int(_) => TokenKind::Int,
            Token::Duration(_) => TokenKind::Duration,
            Token::Percent(_) => TokenKind::Percent,
            Token::True => TokenKind::True,
            Token::False => TokenKind::False,
            Token::Import => TokenKind::Import,
            Token::As => TokenKind::As,
            Token::Template => TokenKind::Template,
            Token::Use => TokenKind::Use,
            Token::In => TokenKind::In,
            Token::LBrace => TokenKind::LBrace,
            Token::RBrace => TokenKind::RBrace,
            Token::LParen => TokenKind::LParen,
            Token::RParen => TokenKind::RParen,
            Token::LBracket => TokenKind::LBracket,
            Token::RBracket => TokenKind::RBracket,
            Token::Comma => TokenKind::Comma,
            Token::Dot => TokenKind::Dot,
            Token::Colon => TokenKind::Colon,
            Token::Assign => TokenKind::Assign,
            Token::EqEq => TokenKind::EqEq,
            Token::NotEq => TokenKind::NotEq,
            Token::Not => TokenKind::Not,
            Token::AndAnd => TokenKind::AndAnd,
            Token::OrOr => TokenKind::OrOr,
            Token::Lt => TokenKind::Lt,
            Token::Gt => TokenKind::Gt,
            Token::LtEq => TokenKind::LtEq,
            Token::GtEq => TokenKind::GtEq,
            Token::Minus => TokenKind::Minus,
            Token::Newline => TokenKind::Newline,
            Token::StrStart { triple: false } => TokenKind::StrStart,
            Token::StrStart { triple: true } => TokenKind::TripleStrStart,
            Token::StrText(_) => TokenKind::StrText,
            Token::InterpStart => TokenKind::InterpStart,
            Token::InterpEnd => TokenKind::InterpEnd,
            Token::StrEnd => TokenKind::StrEnd,
        }
    }
}

impl<'src> Tokens<'src> {
    /// No tokens yet, with room for `capacity` of them.
    pub fn with_capacity(source: &'src str, capacity: usize) -> Self {
        Tokens {
            source,
            entries: Vec::with_capacity(capacity),
            numbers: Vec::new(),
        }
    }

    pub fn from_pairs(
        source: &'src str,
        pairs: impl IntoIterator<Item = (Token<'src>, Span)>,
    ) -> Self {
        let mut tokens = Tokens::with_capacity(source, 0);
        for (token, span) in pairs {
            tokens.push(token, span);
        }
        tokens
    }

    /// Appends `token` at `span`; an identifier's or a string text's
    /// `span` must cover exactly its text, as the lexer's do.
    #[inline]
    pub fn push(&mut self, token: Token<'src>, span: Span) {
        debug_assert!(
            !matches!(token, Token::Ident(text) | Token::StrText(text) if self.text(span) != text),
            "the text of {token:?} is not its span {span:?} of the source"
        );
        let kind = TokenKind::of(token);
        match token {
            Token::Int(value) => self
                .numbers
                .push((self.entries.len(), u64::from_ne_bytes(value.to_ne_bytes()))),
            Token::Duration(ms) => self.numbers.push((self.entries.len(), ms)),
            Token::Percent(value) => self.numbers.push((self.entries.len(), value.to_bits())),
            _ => {}
        }
        self.entries.push(Entry { span, kind });
    }

    /// Appends a token that carries no value: any but a number, duration
    /// or percent. An identifier's or a string text's `span` must cover
    /// exactly its text.
    #[inline]
    pub fn push_kind(&mut self, kind: TokenKind, span: Span) {
        debug_assert!(
            !matches!(
                kind,
                TokenKind::Int | TokenKind::Duration | TokenKind::Percent
            ),
            "{kind:?} needs its value"
        );
        self.entries.push(Entry { span, kind });
    }

    #[inline]
    fn text(&self, span: Span) -> &'src str {
        self.source.get(span.range()).unwrap_or_default()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn last_kind(&self) -> Option<TokenKind> {
        self.entries.last().map(|entry| entry.kind)
    }

    #[inline]
    pub fn kind(&self, index: usize) -> Option<TokenKind> {
        self.entries.get(index).map(|entry| entry.kind)
    }

    /// The source text of the token at `index`: an identifier's name, a
    /// string's raw text.
    #[inline]
    pub fn text_at(&self, index: usize) -> &'src str {
        self.entries
            .get(index)
            .map_or("", |entry| self.text(entry.span))
    }

    #[inline]
    pub fn span(&self, index: usize) -> Option<Span> {
        self.entries.get(index).map(|entry| entry.span)
    }

    #[inline]
    pub fn get(&self, index: usize) -> Option<(Token<'src>, Span)> {
        let Entry { span, kind } = *self.entries.get(index)?;
        let token = match kind {
            TokenKind::Ident => Token::Ident(self.text(span)),
            TokenKind::Int => Token::Int(i64::from_ne_bytes(self.number_at(index).to_ne_bytes())),
            TokenKind::Duration => Token::Duration(self.number_at(index)),
            TokenKind::Percent => Token::Percent(f64::from_bits(self.number_at(index))),
            TokenKind::True => Token::True,
            TokenKind::False => Token::False,
            TokenKind::Import => Token::Import,
            TokenKind::As => Token::As,
            TokenKind::Template => Token::Template,
            TokenKind::Use => Token::Use,
            TokenKind::In => Token::In,
            TokenKind::LBrace => Token::LBrace,
            TokenKind::RBrace => Token::RBrace,
            TokenKind::LParen => Token::LParen,
            TokenKind::RParen => Token::RParen,
            TokenKind::LBracket => Token::LBracket,
            TokenKind::RBracket => Token::RBracket,
            TokenKind::Comma => Token::Comma,
            TokenKind::Dot => Token::Dot,
            TokenKind::Colon => Token::Colon,
            TokenKind::Assign => Token::Assign,
            TokenKind::EqEq => Token::EqEq,
            TokenKind::NotEq => Token::NotEq,
            TokenKind::Not => Token::Not,
            TokenKind::AndAnd => Token::AndAnd,
            TokenKind::OrOr => Token::OrOr,
            TokenKind::Lt => Token::Lt,
            TokenKind::Gt => Token::Gt,
            TokenKind::LtEq => Token::LtEq,
            TokenKind::GtEq => Token::GtEq,
            TokenKind::Minus => Token::Minus,
            TokenKind::Newline => Token::Newline,
            TokenKind::StrStart => Token::StrStart { triple: false },
            TokenKind::TripleStrStart => Token::StrStart { triple: true },
            TokenKind::StrText => Token::StrText(self.text(span)),
            TokenKind::InterpStart => Token::InterpStart,
            TokenKind::InterpEnd => Token::InterpEnd,
            TokenKind::StrEnd => Token::StrEnd,
        };
        Some((token, span))
    }

    #[cold]
    fn number_at(&self, index: usize) -> u64 {
        self.numbers
            .binary_search_by_key(&index, |&(at, _)| at)
            .map_or(0, |found| self.numbers[found].1)
    }

    /// Each token's kind and span, in order.
    pub fn kinds(&self) -> impl Iterator<Item = (TokenKind, Span)> + '_ {
        self.entries.iter().map(|entry| (entry.kind, entry.span))
    }

    pub fn iter(&self) -> impl Iterator<Item = (Token<'src>, Span)> + '_ {
        (0..self.len()).filter_map(|index| self.get(index))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_token_reads_back_as_pushed_with_its_text_or_value() {
        let source = r#"name 42 -7 1h30m 2.5% true "text" ${"#;
        let at = |start: usize, end: usize| Span::new(start, end);
        let pairs = vec![
            (Token::Ident("name"), at(0, 4)),
            (Token::Int(42), at(5, 7)),
            (Token::Minus, at(8, 9)),
            (Token::Int(i64::MIN), at(9, 10)),
            (Token::Duration(5_400_000), at(11, 16)),
            (Token::Percent(2.5), at(17, 21)),
            (Token::True, at(22, 26)),
            (Token::StrStart { triple: false }, at(27, 28)),
            (Token::StrText("text"), at(28, 32)),
            (Token::StrEnd, at(32, 33)),
            (Token::StrStart { triple: true }, at(27, 28)),
            (Token::InterpStart, at(34, 36)),
            (Token::InterpEnd, at(36, 36)),
        ];
        let tokens = Tokens::from_pairs(source, pairs.clone());
        assert_eq!(tokens.len(), pairs.len());
        assert_eq!(tokens.iter().collect::<Vec<_>>(), pairs);
        assert_eq!(tokens.kind(1), Some(TokenKind::Int));
        assert_eq!(tokens.text_at(0), "name");
        assert_eq!(tokens.get(pairs.len()), None);
        assert_eq!(tokens.text_at(pairs.len()), "");
    }

    #[test]
    fn a_token_and_its_span_take_twelve_bytes() {
        assert_eq!(std::mem::size_of::<Entry>(), 12);
    }
}
