//! Expressions of the fast path, by precedence: `||` < `&&` < comparison <
//! prefix < atom; and string literals, whose interpolations hold them.

use crate::syntax::ast::{
    Argument, BinaryOp, Expr, ExprKind, Field, LogicalOp, StringLiteral, UnaryOp,
};
use crate::syntax::strings::{self, RawPart};
use crate::syntax::token::{Token, TokenKind};

use super::{GiveUp, Parsed, Parser};
use crate::syntax::parser::expr::MAX_PREFIX_OPERATORS;

impl Parser<'_, '_> {
    fn string(&mut self, triple: bool) -> Parsed<StringLiteral> {
        let start = self.start();
        self.advance();
        // Most strings are one piece of text: decoded straight into the
        // tree, without collecting their pieces first.
        if !triple && self.at(TokenKind::StrText) && self.at_offset(1, TokenKind::StrEnd) {
            let text = self.text();
            let span = self.advance().ok_or(GiveUp)?;
            self.advance();
            return Ok(StringLiteral {
                parts: vec![strings::decode_text(text, span)],
                triple,
                span: self.span_from(start),
            });
        }
        let mut raw = Vec::new();
        loop {
            match self.peek() {
                Some(TokenKind::StrText) => {
                    let text = self.text();
                    let span = self.advance().ok_or(GiveUp)?;
                    raw.push(RawPart::Text(text, span));
                }
                Some(TokenKind::InterpStart) => {
                    let interpolation_start = self.start();
                    self.advance();
                    let expr = self.expr()?;
                    self.expect(TokenKind::InterpEnd)?;
                    raw.push(RawPart::Interpolation(
                        expr,
                        self.span_from(interpolation_start),
                    ));
                }
                Some(TokenKind::StrEnd) => {
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

    pub(super) fn expr(&mut self) -> Parsed<Expr> {
        self.logical_chain(TokenKind::OrOr, LogicalOp::Or)
    }

    fn logical_chain(&mut self, token: TokenKind, op: LogicalOp) -> Parsed<Expr> {
        let start = self.start();
        let operand = |parser: &mut Self| match op {
            LogicalOp::Or => parser.logical_chain(TokenKind::AndAnd, LogicalOp::And),
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
            Some(TokenKind::EqEq) => BinaryOp::Eq,
            Some(TokenKind::NotEq) => BinaryOp::NotEq,
            Some(TokenKind::Lt) => BinaryOp::Lt,
            Some(TokenKind::Gt) => BinaryOp::Gt,
            Some(TokenKind::LtEq) => BinaryOp::LtEq,
            Some(TokenKind::GtEq) => BinaryOp::GtEq,
            Some(TokenKind::In) => BinaryOp::In,
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
                Some(TokenKind::Not) => UnaryOp::Not,
                Some(TokenKind::Minus) => UnaryOp::Negate,
                _ => break,
            };
            let span = self.advance().ok_or(GiveUp)?;
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
            TokenKind::Int | TokenKind::Duration | TokenKind::Percent => {
                let kind = match self.tokens.get(self.position) {
                    Some((Token::Int(value), _)) => ExprKind::Int(value),
                    Some((Token::Duration(ms), _)) => ExprKind::Duration(ms),
                    Some((Token::Percent(value), _)) => ExprKind::Percent(value),
                    _ => return Err(GiveUp),
                };
                self.literal(kind)
            }
            TokenKind::True => self.literal(ExprKind::Bool(true)),
            TokenKind::False => self.literal(ExprKind::Bool(false)),
            TokenKind::StrStart => ExprKind::String(self.string(false)?),
            TokenKind::TripleStrStart => ExprKind::String(self.string(true)?),
            TokenKind::LBracket => {
                self.advance();
                ExprKind::List(self.comma_list(TokenKind::RBracket, Self::expr)?)
            }
            TokenKind::LBrace => ExprKind::Record(self.fields()?),
            TokenKind::Ident => self.named()?,
            TokenKind::LParen => {
                self.advance();
                let inner = self.expr()?;
                self.expect(TokenKind::RParen)?;
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
            Some(TokenKind::LParen) => {
                self.advance();
                let arguments = self.comma_list(TokenKind::RParen, Self::argument)?;
                Ok(ExprKind::Call {
                    callee: path,
                    arguments,
                })
            }
            Some(TokenKind::LBrace) => {
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

    pub(super) fn argument(&mut self) -> Parsed<Argument> {
        let start = self.start();
        let name = if self.at(TokenKind::Ident) && self.at_offset(1, TokenKind::Assign) {
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
        self.expect(TokenKind::LBrace)?;
        self.skip_separators();
        let mut fields = Vec::new();
        while !self.eat(TokenKind::RBrace) {
            let start = self.start();
            let key = self.key()?;
            self.expect(TokenKind::Assign)?;
            let value = self.expr()?;
            fields.push(Field {
                key,
                value,
                span: self.span_from(start),
            });
            if !self.skip_separators() {
                self.expect(TokenKind::RBrace)?;
                break;
            }
        }
        fields.shrink_to_fit();
        Ok(fields)
    }
}
