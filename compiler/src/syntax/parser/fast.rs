//! The fast path of the parser: a recursive-descent parser over the same
//! balanced tokens, for input without syntax errors.
//!
//! Most text the compiler sees is valid (a saved file, a build in CI), and on
//! it the combinator parser spends most of its time recording the
//! alternatives it tried, for error messages that are then thrown away. This
//! parser builds the same tree without that bookkeeping, and gives up
//! ([`GiveUp`]) at the first token it does not expect: the chumsky parser
//! then parses the text again, and it alone decides what an error is, how it
//! is reported and how the parse recovers. Giving up is therefore always
//! safe; the one obligation of this module is that a tree it returns is the
//! tree the chumsky parser builds, span for span. The differential tests in
//! `tests/parser_agreement.rs` and the `parse` fuzz target hold it to that.
//!
//! Each function (the expressions' in `fast/expr.rs`) mirrors the
//! combinator of the same name in `item.rs` and `expr.rs`, including where those backtrack (`input`, constructor fields),
//! so that the two choose the same alternative.

use crate::span::Span;
use crate::syntax::ast::{
    Attribute, Block, Body, Expr, File, Ident, Import, Input, Item, Key, Parameter, Path,
    StringLiteral, StringPart, Template, TypeExpr, TypeExprKind, Use,
};
use crate::syntax::strings;
use crate::syntax::token::{TokenKind, Tokens};

mod expr;
mod split;

/// The input is not one this parser vouches for; parse it with chumsky.
#[derive(Debug)]
pub struct GiveUp;

type Parsed<T> = Result<T, GiveUp>;

/// Parses a whole file, or gives up. A large file is parsed on two
/// threads when it has a place to split ([`split`]).
pub fn parse_file(source_len: usize, tokens: &Tokens<'_>) -> Parsed<File> {
    if crate::parallel::text_worth_a_thread(source_len)
        && let Some(split) = split::split_point(tokens)
        && let Some(parsed) = split::parse_file_in_two(source_len, tokens, split)
    {
        return parsed;
    }
    parse_file_on_one_thread(source_len, tokens)
}

fn parse_file_on_one_thread(source_len: usize, tokens: &Tokens<'_>) -> Parsed<File> {
    let mut parser = Parser::new(source_len, tokens);
    let items = parser.items()?;
    parser.file(items, source_len)
}

struct Parser<'t, 'src> {
    tokens: &'t Tokens<'src>,
    position: usize,
    /// The end of the last token consumed: where a span taken now ends.
    last_end: u32,
    /// Items another thread parses: jumped over when reached.
    skip: Option<split::Split>,
    /// Whether `skip` was jumped over.
    skipped: bool,
    /// The items of the bodies being parsed, innermost last: a body's are
    /// moved out into a vector of their exact number when it closes, rather
    /// than grown by doubling and shrunk for every body.
    item_stack: Vec<Item>,
}

impl<'t, 'src> Parser<'t, 'src> {
    fn new(source_len: usize, tokens: &'t Tokens<'src>) -> Self {
        Parser {
            tokens,
            position: 0,
            last_end: Span::new(source_len, source_len).end,
            skip: None,
            skipped: false,
            item_stack: Vec::new(),
        }
    }

    fn file(&self, items: Vec<Item>, source_len: usize) -> Parsed<File> {
        if self.position != self.tokens.len() {
            return Err(GiveUp);
        }
        Ok(File {
            items,
            span: Span::new(0, source_len),
        })
    }
}

impl<'src> Parser<'_, 'src> {
    fn peek(&self) -> Option<TokenKind> {
        self.tokens.kind(self.position)
    }

    fn peek_at(&self, offset: usize) -> Option<TokenKind> {
        self.tokens.kind(self.position + offset)
    }

    /// The text of the next token: an identifier's name, a string's text.
    fn text(&self) -> &'src str {
        self.tokens.text_at(self.position)
    }

    /// The start of the next token, where a span taken from here begins.
    fn start(&self) -> u32 {
        self.tokens
            .span(self.position)
            .map_or(self.last_end, |span| span.start)
    }

    fn span_from(&self, start: u32) -> Span {
        Span {
            start,
            end: self.last_end.max(start),
        }
    }

    /// Consumes the next token; its span.
    fn advance(&mut self) -> Option<Span> {
        let span = self.tokens.span(self.position)?;
        self.position += 1;
        self.last_end = span.end;
        Some(span)
    }

    fn at(&self, expected: TokenKind) -> bool {
        self.peek() == Some(expected)
    }

    fn at_offset(&self, offset: usize, expected: TokenKind) -> bool {
        self.peek_at(offset) == Some(expected)
    }

    /// Whether the next token is the identifier `word`.
    fn at_word(&self, word: &str) -> bool {
        self.at(TokenKind::Ident) && self.text() == word
    }

    fn eat(&mut self, expected: TokenKind) -> bool {
        if self.at(expected) {
            self.advance();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, expected: TokenKind) -> Parsed<()> {
        if self.eat(expected) {
            Ok(())
        } else {
            Err(GiveUp)
        }
    }

    fn at_separator(&self) -> bool {
        matches!(self.peek(), Some(TokenKind::Newline | TokenKind::Comma))
    }

    fn skip_separators(&mut self) -> bool {
        let mut skipped = false;
        while self.at_separator() {
            self.advance();
            skipped = true;
        }
        skipped
    }

    /// Where a saved position is restored, for the two places the grammar
    /// backtracks.
    fn checkpoint(&self) -> (usize, u32) {
        (self.position, self.last_end)
    }

    fn restore(&mut self, (position, last_end): (usize, u32)) {
        self.position = position;
        self.last_end = last_end;
    }

    // Items.

    /// The items of a file or a body, up to (not including) its end.
    fn items(&mut self) -> Parsed<Vec<Item>> {
        let base = self.item_stack.len();
        match self.items_onto_stack() {
            Ok(()) => Ok(self.item_stack.drain(base..).collect()),
            Err(GiveUp) => {
                // A caller may backtrack and parse on: leave no items behind.
                self.item_stack.truncate(base);
                Err(GiveUp)
            }
        }
    }

    fn items_onto_stack(&mut self) -> Parsed<()> {
        self.skip_separators();
        while let Some(token) = self.peek() {
            if let Some(split) = self.skip
                && self.position == split.start
            {
                self.position = split.close;
                self.last_end = self.tokens.span(split.close - 1).ok_or(GiveUp)?.end;
                self.skipped = true;
                continue;
            }
            if matches!(token, TokenKind::RBrace) {
                break;
            }
            let item = self.item()?;
            self.item_stack.push(item);
            if !self.skip_separators() && !matches!(self.peek(), None | Some(TokenKind::RBrace)) {
                return Err(GiveUp);
            }
        }
        Ok(())
    }

    fn item(&mut self) -> Parsed<Item> {
        let start = self.start();
        match self.peek() {
            Some(TokenKind::Import) => self.import(start),
            Some(TokenKind::Template) => self.template(start),
            Some(TokenKind::Use) => self.use_item(start),
            Some(TokenKind::Ident)
                if self.at_word("input")
                    && self.at_offset(1, TokenKind::Ident)
                    && self.at_offset(2, TokenKind::Colon) =>
            {
                self.input(start)
            }
            Some(TokenKind::Ident) if self.at_offset(1, TokenKind::Assign) => self.attribute(start),
            Some(TokenKind::StrStart) => self.attribute(start),
            Some(TokenKind::Ident) => self.block(start),
            _ => Err(GiveUp),
        }
    }

    fn import(&mut self, start: u32) -> Parsed<Item> {
        self.expect(TokenKind::Import)?;
        let (path, path_span) = self.plain_string()?;
        let alias = if self.eat(TokenKind::As) {
            Some(self.ident()?)
        } else {
            None
        };
        Ok(Item::Import(Import {
            path,
            path_span,
            alias,
            span: self.span_from(start),
        }))
    }

    fn template(&mut self, start: u32) -> Parsed<Item> {
        self.expect(TokenKind::Template)?;
        let name = self.ident()?;
        self.expect(TokenKind::LParen)?;
        let parameters = self.comma_list(TokenKind::RParen, Self::parameter)?;
        self.expect(TokenKind::Colon)?;
        let kind = self.ident()?;
        let body = self.body()?;
        Ok(Item::Template(Box::new(Template {
            name,
            parameters,
            kind,
            body,
            span: self.span_from(start),
        })))
    }

    fn parameter(&mut self) -> Parsed<Parameter> {
        let start = self.start();
        let name = self.ident()?;
        self.expect(TokenKind::Colon)?;
        let ty = self.type_expr()?;
        let default = self.optional_value()?;
        Ok(Parameter {
            name,
            ty,
            default,
            span: self.span_from(start),
        })
    }

    fn use_item(&mut self, start: u32) -> Parsed<Item> {
        self.expect(TokenKind::Use)?;
        let template = self.path()?;
        let arguments = if self.eat(TokenKind::LParen) {
            self.comma_list(TokenKind::RParen, Self::argument)?
        } else {
            Vec::new()
        };
        Ok(Item::Use(Use {
            template,
            arguments,
            span: self.span_from(start),
        }))
    }

    fn input(&mut self, start: u32) -> Parsed<Item> {
        self.advance();
        let name = self.ident()?;
        self.expect(TokenKind::Colon)?;
        let ty = self.type_expr()?;
        let default = self.optional_value()?;
        let body = self.optional_body()?;
        let (default, body) = super::item::split_trailing_body(default, body);
        Ok(Item::Input(Box::new(Input {
            name,
            ty,
            default,
            body,
            span: self.span_from(start),
        })))
    }

    fn attribute(&mut self, start: u32) -> Parsed<Item> {
        let key = self.key()?;
        self.expect(TokenKind::Assign)?;
        let value = self.expr()?;
        Ok(Item::Attribute(Attribute {
            key,
            value,
            span: self.span_from(start),
        }))
    }

    fn block(&mut self, start: u32) -> Parsed<Item> {
        let keyword = self.ident()?;
        let (label, value, body) = if self.at(TokenKind::Ident) {
            let label = self.ident()?;
            let value = self.optional_value()?;
            let body = self.optional_body()?;
            let (value, body) = super::item::split_trailing_body(value, body);
            (Some(label), value, body)
        } else {
            (None, None, Some(self.body()?))
        };
        Ok(Item::Block(Block {
            keyword,
            label,
            value: value.map(Box::new),
            body,
            span: self.span_from(start),
        }))
    }

    /// `= expr`, when the next token is `=`.
    fn optional_value(&mut self) -> Parsed<Option<Expr>> {
        if self.eat(TokenKind::Assign) {
            self.expr().map(Some)
        } else {
            Ok(None)
        }
    }

    fn optional_body(&mut self) -> Parsed<Option<Body>> {
        if self.at(TokenKind::LBrace) {
            self.body().map(Some)
        } else {
            Ok(None)
        }
    }

    fn body(&mut self) -> Parsed<Body> {
        let start = self.start();
        self.expect(TokenKind::LBrace)?;
        let items = self.items()?;
        self.expect(TokenKind::RBrace)?;
        Ok(Body {
            items,
            span: self.span_from(start),
        })
    }

    /// `element, …` with an optional trailing comma, through `close`; the
    /// opener has been consumed.
    fn comma_list<T>(
        &mut self,
        close: TokenKind,
        mut element: impl FnMut(&mut Self) -> Parsed<T>,
    ) -> Parsed<Vec<T>> {
        let mut elements = Vec::new();
        while !self.eat(close) {
            elements.push(element(self)?);
            if !self.eat(TokenKind::Comma) {
                self.expect(close)?;
                break;
            }
        }
        elements.shrink_to_fit();
        Ok(elements)
    }

    fn type_expr(&mut self) -> Parsed<TypeExpr> {
        let start = self.start();
        let kind = if self.at_word("enum") && self.at_offset(1, TokenKind::LParen) {
            self.advance();
            self.advance();
            let variants = self.comma_list(TokenKind::RParen, |parser| {
                let (value, span) = parser.plain_string()?;
                Ok(StringLiteral {
                    parts: vec![StringPart::Text { value, span }],
                    triple: false,
                    span,
                })
            })?;
            TypeExprKind::Enum { variants }
        } else {
            let name = self.ident()?;
            let mut arguments = Vec::new();
            if self.eat(TokenKind::Lt) {
                loop {
                    arguments.push(self.type_expr()?);
                    if !self.eat(TokenKind::Comma) {
                        break;
                    }
                }
                self.expect(TokenKind::Gt)?;
            }
            TypeExprKind::Named { name, arguments }
        };
        Ok(TypeExpr {
            kind,
            span: self.span_from(start),
        })
    }

    // Names and strings.

    fn ident(&mut self) -> Parsed<Ident> {
        if !self.at(TokenKind::Ident) {
            return Err(GiveUp);
        }
        let name = self.text().to_owned();
        let span = self.advance().ok_or(GiveUp)?;
        Ok(Ident { name, span })
    }

    fn path(&mut self) -> Parsed<Path> {
        let start = self.start();
        let mut segments = vec![self.ident()?];
        while self.eat(TokenKind::Dot) {
            segments.push(self.ident()?);
        }
        Ok(Path {
            segments,
            span: self.span_from(start),
        })
    }

    fn key(&mut self) -> Parsed<Key> {
        if self.at(TokenKind::Ident) {
            let ident = self.ident()?;
            Ok(Key {
                name: ident.name,
                quoted: false,
                span: ident.span,
            })
        } else {
            let (name, span) = self.plain_string()?;
            Ok(Key {
                name,
                quoted: true,
                span,
            })
        }
    }

    /// A one-line string without interpolation; its text part carries the
    /// span of the whole literal, as the chumsky parser's does.
    fn plain_string(&mut self) -> Parsed<(String, Span)> {
        let start = self.start();
        self.expect(TokenKind::StrStart)?;
        let text = if self.at(TokenKind::StrText) {
            let text = self.text();
            self.advance();
            Some(text)
        } else {
            None
        };
        self.expect(TokenKind::StrEnd)?;
        Ok((strings::decode_plain(text), self.span_from(start)))
    }
}
