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
//! Each function mirrors the combinator of the same name in `item.rs` and
//! `expr.rs`, including where those backtrack (`input`, constructor fields),
//! so that the two choose the same alternative.

use crate::span::Span;
use crate::syntax::ast::{
    Argument, Attribute, BinaryOp, Block, Body, Expr, ExprKind, Field, File, Ident, Import, Input,
    Item, Key, LogicalOp, Parameter, Path, StringLiteral, StringPart, Template, TypeExpr,
    TypeExprKind, UnaryOp, Use,
};
use crate::syntax::strings::{self, RawPart};
use crate::syntax::token::Token;

use super::expr::MAX_PREFIX_OPERATORS;

/// The input is not one this parser vouches for; parse it with chumsky.
#[derive(Debug)]
pub struct GiveUp;

type Parsed<T> = Result<T, GiveUp>;

/// Parses a whole file, or gives up.
pub fn parse_file(source_len: usize, tokens: &[(Token<'_>, Span)]) -> Parsed<File> {
    let mut parser = Parser {
        tokens,
        position: 0,
        last_end: Span::new(source_len, source_len).end,
    };
    let items = parser.items()?;
    if parser.position != tokens.len() {
        return Err(GiveUp);
    }
    Ok(File {
        items,
        span: Span::new(0, source_len),
    })
}

struct Parser<'t, 'src> {
    tokens: &'t [(Token<'src>, Span)],
    position: usize,
    /// The end of the last token consumed: where a span taken now ends.
    last_end: u32,
}

impl<'src> Parser<'_, 'src> {
    fn peek(&self) -> Option<Token<'src>> {
        self.tokens.get(self.position).map(|(token, _)| *token)
    }

    fn peek_at(&self, offset: usize) -> Option<Token<'src>> {
        self.tokens
            .get(self.position + offset)
            .map(|(token, _)| *token)
    }

    /// The start of the next token, where a span taken from here begins.
    fn start(&self) -> u32 {
        self.tokens
            .get(self.position)
            .map_or(self.last_end, |(_, span)| span.start)
    }

    fn span_from(&self, start: u32) -> Span {
        Span {
            start,
            end: self.last_end.max(start),
        }
    }

    fn advance(&mut self) -> Option<(Token<'src>, Span)> {
        let (token, span) = *self.tokens.get(self.position)?;
        self.position += 1;
        self.last_end = span.end;
        Some((token, span))
    }

    fn at(&self, expected: Token<'_>) -> bool {
        self.peek() == Some(expected)
    }

    fn eat(&mut self, expected: Token<'_>) -> bool {
        if self.at(expected) {
            self.advance();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, expected: Token<'_>) -> Parsed<()> {
        if self.eat(expected) {
            Ok(())
        } else {
            Err(GiveUp)
        }
    }

    fn at_separator(&self) -> bool {
        matches!(self.peek(), Some(Token::Newline | Token::Comma))
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
        let mut items = Vec::new();
        self.skip_separators();
        while let Some(token) = self.peek() {
            if matches!(token, Token::RBrace) {
                break;
            }
            items.push(self.item()?);
            if !self.skip_separators() && !matches!(self.peek(), None | Some(Token::RBrace)) {
                return Err(GiveUp);
            }
        }
        // The tree lives through every later phase: no slack from doubling.
        items.shrink_to_fit();
        Ok(items)
    }

    fn item(&mut self) -> Parsed<Item> {
        let start = self.start();
        match self.peek() {
            Some(Token::Import) => self.import(start),
            Some(Token::Template) => self.template(start),
            Some(Token::Use) => self.use_item(start),
            Some(Token::Ident("input"))
                if matches!(self.peek_at(1), Some(Token::Ident(_)))
                    && self.peek_at(2) == Some(Token::Colon) =>
            {
                self.input(start)
            }
            Some(Token::Ident(_)) if self.peek_at(1) == Some(Token::Assign) => {
                self.attribute(start)
            }
            Some(Token::StrStart { triple: false }) => self.attribute(start),
            Some(Token::Ident(_)) => self.block(start),
            _ => Err(GiveUp),
        }
    }

    fn import(&mut self, start: u32) -> Parsed<Item> {
        self.expect(Token::Import)?;
        let (path, path_span) = self.plain_string()?;
        let alias = if self.eat(Token::As) {
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
        self.expect(Token::Template)?;
        let name = self.ident()?;
        self.expect(Token::LParen)?;
        let parameters = self.comma_list(Token::RParen, Self::parameter)?;
        self.expect(Token::Colon)?;
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
        self.expect(Token::Colon)?;
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
        self.expect(Token::Use)?;
        let template = self.path()?;
        let arguments = if self.eat(Token::LParen) {
            self.comma_list(Token::RParen, Self::argument)?
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
        self.expect(Token::Colon)?;
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
        self.expect(Token::Assign)?;
        let value = self.expr()?;
        Ok(Item::Attribute(Attribute {
            key,
            value,
            span: self.span_from(start),
        }))
    }

    fn block(&mut self, start: u32) -> Parsed<Item> {
        let keyword = self.ident()?;
        let (label, value, body) = if matches!(self.peek(), Some(Token::Ident(_))) {
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
        if self.eat(Token::Assign) {
            self.expr().map(Some)
        } else {
            Ok(None)
        }
    }

    fn optional_body(&mut self) -> Parsed<Option<Body>> {
        if self.at(Token::LBrace) {
            self.body().map(Some)
        } else {
            Ok(None)
        }
    }

    fn body(&mut self) -> Parsed<Body> {
        let start = self.start();
        self.expect(Token::LBrace)?;
        let items = self.items()?;
        self.expect(Token::RBrace)?;
        Ok(Body {
            items,
            span: self.span_from(start),
        })
    }

    /// `element, …` with an optional trailing comma, through `close`; the
    /// opener has been consumed.
    fn comma_list<T>(
        &mut self,
        close: Token<'_>,
        mut element: impl FnMut(&mut Self) -> Parsed<T>,
    ) -> Parsed<Vec<T>> {
        let mut elements = Vec::new();
        while !self.eat(close) {
            elements.push(element(self)?);
            if !self.eat(Token::Comma) {
                self.expect(close)?;
                break;
            }
        }
        elements.shrink_to_fit();
        Ok(elements)
    }

    fn type_expr(&mut self) -> Parsed<TypeExpr> {
        let start = self.start();
        let kind = if self.at(Token::Ident("enum")) && self.peek_at(1) == Some(Token::LParen) {
            self.advance();
            self.advance();
            let variants = self.comma_list(Token::RParen, |parser| {
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
            if self.eat(Token::Lt) {
                loop {
                    arguments.push(self.type_expr()?);
                    if !self.eat(Token::Comma) {
                        break;
                    }
                }
                self.expect(Token::Gt)?;
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
        match self.peek() {
            Some(Token::Ident(name)) => {
                let (_, span) = self.advance().ok_or(GiveUp)?;
                Ok(Ident {
                    name: name.to_owned(),
                    span,
                })
            }
            _ => Err(GiveUp),
        }
    }

    fn path(&mut self) -> Parsed<Path> {
        let start = self.start();
        let mut segments = vec![self.ident()?];
        while self.eat(Token::Dot) {
            segments.push(self.ident()?);
        }
        Ok(Path {
            segments,
            span: self.span_from(start),
        })
    }

    fn key(&mut self) -> Parsed<Key> {
        if matches!(self.peek(), Some(Token::Ident(_))) {
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
        self.expect(Token::StrStart { triple: false })?;
        let text = match self.peek() {
            Some(Token::StrText(text)) => {
                self.advance();
                Some(text)
            }
            _ => None,
        };
        self.expect(Token::StrEnd)?;
        Ok((strings::decode_plain(text), self.span_from(start)))
    }

    fn string(&mut self, triple: bool) -> Parsed<StringLiteral> {
        let start = self.start();
        self.advance();
        let mut raw = Vec::new();
        loop {
            match self.peek() {
                Some(Token::StrText(text)) => {
                    let (_, span) = self.advance().ok_or(GiveUp)?;
                    raw.push(RawPart::Text(text, span));
                }
                Some(Token::InterpStart) => {
                    let interpolation_start = self.start();
                    self.advance();
                    let expr = self.expr()?;
                    self.expect(Token::InterpEnd)?;
                    raw.push(RawPart::Interpolation(
                        expr,
                        self.span_from(interpolation_start),
                    ));
                }
                Some(Token::StrEnd) => {
                    self.advance();
                    break;
                }
                _ => return Err(GiveUp),
            }
        }
        Ok(StringLiteral {
            parts: strings::decode(triple, raw),
            triple,
            span: self.span_from(start),
        })
    }

    // Expressions, by precedence: `||` < `&&` < comparison < prefix < atom.

    fn expr(&mut self) -> Parsed<Expr> {
        self.logical_chain(Token::OrOr, LogicalOp::Or)
    }

    fn logical_chain(&mut self, token: Token<'_>, op: LogicalOp) -> Parsed<Expr> {
        let start = self.start();
        let operand = |parser: &mut Self| match op {
            LogicalOp::Or => parser.logical_chain(Token::AndAnd, LogicalOp::And),
            LogicalOp::And => parser.comparison(),
        };
        let first = operand(self)?;
        if !self.at(token) {
            return Ok(first);
        }
        let mut operands = vec![first];
        while self.eat(token) {
            operands.push(operand(self)?);
        }
        Ok(Expr {
            kind: ExprKind::Logical { op, operands },
            span: self.span_from(start),
        })
    }

    fn comparison(&mut self) -> Parsed<Expr> {
        let lhs = self.unary()?;
        let op = match self.peek() {
            Some(Token::EqEq) => BinaryOp::Eq,
            Some(Token::NotEq) => BinaryOp::NotEq,
            Some(Token::Lt) => BinaryOp::Lt,
            Some(Token::Gt) => BinaryOp::Gt,
            Some(Token::LtEq) => BinaryOp::LtEq,
            Some(Token::GtEq) => BinaryOp::GtEq,
            Some(Token::In) => BinaryOp::In,
            _ => return Ok(lhs),
        };
        self.advance();
        let rhs = self.unary()?;
        Ok(Expr {
            span: lhs.span.to(rhs.span),
            kind: ExprKind::Binary {
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            },
        })
    }

    fn unary(&mut self) -> Parsed<Expr> {
        let mut operators = Vec::new();
        loop {
            let op = match self.peek() {
                Some(Token::Not) => UnaryOp::Not,
                Some(Token::Minus) => UnaryOp::Negate,
                _ => break,
            };
            let (_, span) = self.advance().ok_or(GiveUp)?;
            operators.push((op, span));
            if operators.len() > MAX_PREFIX_OPERATORS {
                return Err(GiveUp);
            }
        }
        let operand = self.atom()?;
        Ok(operators
            .into_iter()
            .rev()
            .fold(operand, |operand, (op, op_span)| Expr {
                span: op_span.to(operand.span),
                kind: ExprKind::Unary {
                    op,
                    operand: Box::new(operand),
                },
            }))
    }

    fn atom(&mut self) -> Parsed<Expr> {
        let start = self.start();
        let kind = match self.peek().ok_or(GiveUp)? {
            Token::Int(value) => self.literal(ExprKind::Int(value)),
            Token::Duration(ms) => self.literal(ExprKind::Duration(ms)),
            Token::Percent(value) => self.literal(ExprKind::Percent(value)),
            Token::True => self.literal(ExprKind::Bool(true)),
            Token::False => self.literal(ExprKind::Bool(false)),
            Token::StrStart { triple } => ExprKind::String(self.string(triple)?),
            Token::LBracket => {
                self.advance();
                ExprKind::List(self.comma_list(Token::RBracket, Self::expr)?)
            }
            Token::LBrace => ExprKind::Record(self.fields()?),
            Token::Ident(_) => self.named()?,
            Token::LParen => {
                self.advance();
                let inner = self.expr()?;
                self.expect(Token::RParen)?;
                ExprKind::Paren(Box::new(inner))
            }
            _ => return Err(GiveUp),
        };
        Ok(Expr {
            kind,
            span: self.span_from(start),
        })
    }

    fn literal(&mut self, kind: ExprKind) -> ExprKind {
        self.advance();
        kind
    }

    /// A path, a call `path(…)` or a constructor `path { … }`. When the
    /// braces do not hold fields they are not the constructor's (they are
    /// the body of the block whose value this is): like the chumsky parser,
    /// try the fields and fall back to the bare path.
    fn named(&mut self) -> Parsed<ExprKind> {
        let path = self.path()?;
        match self.peek() {
            Some(Token::LParen) => {
                self.advance();
                let arguments = self.comma_list(Token::RParen, Self::argument)?;
                Ok(ExprKind::Call {
                    callee: path,
                    arguments,
                })
            }
            Some(Token::LBrace) => {
                let before_fields = self.checkpoint();
                match self.fields() {
                    Ok(fields) => Ok(ExprKind::Constructor { name: path, fields }),
                    Err(GiveUp) => {
                        self.restore(before_fields);
                        Ok(ExprKind::Path(path))
                    }
                }
            }
            _ => Ok(ExprKind::Path(path)),
        }
    }

    fn argument(&mut self) -> Parsed<Argument> {
        let start = self.start();
        let name = if matches!(self.peek(), Some(Token::Ident(_)))
            && self.peek_at(1) == Some(Token::Assign)
        {
            let name = self.ident()?;
            self.advance();
            Some(name)
        } else {
            None
        };
        let value = self.expr()?;
        Ok(Argument {
            name,
            value,
            span: self.span_from(start),
        })
    }

    /// `{ key = value, … }`, separated by commas or line breaks.
    fn fields(&mut self) -> Parsed<Vec<Field>> {
        self.expect(Token::LBrace)?;
        self.skip_separators();
        let mut fields = Vec::new();
        while !self.eat(Token::RBrace) {
            let start = self.start();
            let key = self.key()?;
            self.expect(Token::Assign)?;
            let value = self.expr()?;
            fields.push(Field {
                key,
                value,
                span: self.span_from(start),
            });
            if !self.skip_separators() {
                self.expect(Token::RBrace)?;
                break;
            }
        }
        fields.shrink_to_fit();
        Ok(fields)
    }
}
