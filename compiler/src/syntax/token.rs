//! Tokens produced by the lexer and consumed by the parser.

use std::fmt;

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

    /// True for tokens after which a line break cannot end an item, so that
    /// `x =` or `a &&` may continue on the next line.
    pub fn continues_line(&self) -> bool {
        matches!(
            self,
            Token::Newline
                | Token::LBrace
                | Token::LParen
                | Token::LBracket
                | Token::Comma
                | Token::Dot
                | Token::Colon
                | Token::Assign
                | Token::EqEq
                | Token::NotEq
                | Token::Not
                | Token::AndAnd
                | Token::OrOr
                | Token::Lt
                | Token::Gt
                | Token::LtEq
                | Token::GtEq
                | Token::Minus
                | Token::In
                | Token::Import
                | Token::As
                | Token::Template
                | Token::Use
        )
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
    pub span: crate::span::Span,
    /// The comment text after `//`, without the line break.
    pub text: String,
    /// Inside an interpolation of a string (`"""${x // …`): part of the
    /// literal, which the formatter writes as it is, not a comment of its
    /// own to place.
    pub in_string: bool,
}
