//! Expressions, from atoms up through the operator precedence levels:
//! `||` < `&&` < comparisons and `in` (not chained) < prefix `!` `-` < atoms.

use chumsky::{input::ValueInput, prelude::*};

use super::{Extra, span_of};
use crate::syntax::ast::{
    Argument, BinaryOp, Expr, ExprKind, Field, Ident, Key, LogicalOp, Path, StringLiteral, UnaryOp,
};
use crate::syntax::strings::{self, RawPart};
use crate::syntax::token::Token;

/// More prefix operators than this in a row (`!!!!x`) are an error; the
/// bound keeps the tree shallow whatever the input.
pub(super) const MAX_PREFIX_OPERATORS: usize = 8;

pub fn ident<'t, 'src: 't, I>() -> impl Parser<'t, I, Ident, Extra<'t, 'src>> + Clone
where
    I: ValueInput<'t, Token = Token<'src>, Span = SimpleSpan>,
{
    select! { Token::Ident(name) = e => Ident { name: name.to_owned(), span: span_of(e.span()) } }
        .labelled("identifier")
}

pub fn path<'t, 'src: 't, I>() -> impl Parser<'t, I, Path, Extra<'t, 'src>> + Clone
where
    I: ValueInput<'t, Token = Token<'src>, Span = SimpleSpan>,
{
    ident()
        .separated_by(just(Token::Dot))
        .at_least(1)
        .collect::<Vec<_>>()
        .map_with(|segments, e| Path {
            segments,
            span: span_of(e.span()),
        })
}

/// A string literal whose interpolations are parsed by `expr`.
pub fn string<'t, 'src: 't, I, P>(
    expr: P,
) -> impl Parser<'t, I, StringLiteral, Extra<'t, 'src>> + Clone
where
    I: ValueInput<'t, Token = Token<'src>, Span = SimpleSpan>,
    P: Parser<'t, I, Expr, Extra<'t, 'src>> + Clone,
{
    let text = select! { Token::StrText(text) = e => RawPart::Text(text, span_of(e.span())) };
    let interpolation = expr
        .delimited_by(just(Token::InterpStart), just(Token::InterpEnd))
        .recover_with(via_parser(
            just(Token::InterpStart)
                .then(any().and_is(just(Token::InterpEnd).not()).repeated())
                .then(just(Token::InterpEnd))
                .map_with(|_, e| Expr {
                    kind: ExprKind::Error,
                    span: span_of(e.span()),
                }),
        ))
        .map_with(|expr, e| RawPart::Interpolation(expr, span_of(e.span())));
    select! { Token::StrStart { triple } => triple }
        .then(text.or(interpolation).repeated().collect::<Vec<_>>())
        .then_ignore(just(Token::StrEnd))
        .map_with(|(triple, raw), e| StringLiteral {
            parts: strings::decode(triple, raw),
            triple,
            span: span_of(e.span()),
        })
        .labelled("string")
}

/// A string without interpolation, for keys, import paths and enum variants.
pub fn plain_string<'t, 'src: 't, I>()
-> impl Parser<'t, I, (String, crate::span::Span), Extra<'t, 'src>> + Clone
where
    I: ValueInput<'t, Token = Token<'src>, Span = SimpleSpan>,
{
    select! { Token::StrStart { triple: false } => () }
        .ignore_then(select! { Token::StrText(text) => text }.or_not())
        .then_ignore(just(Token::StrEnd))
        .map_with(|text, e| (strings::decode_plain(text), span_of(e.span())))
        .labelled("string without interpolation")
}

/// A key: an identifier or a plain string.
pub fn key<'t, 'src: 't, I>() -> impl Parser<'t, I, Key, Extra<'t, 'src>> + Clone
where
    I: ValueInput<'t, Token = Token<'src>, Span = SimpleSpan>,
{
    ident()
        .map(|ident| Key {
            name: ident.name,
            quoted: false,
            span: ident.span,
        })
        .or(plain_string().map(|(name, span)| Key {
            name,
            quoted: true,
            span,
        }))
}

pub fn expr<'t, 'src: 't, I>() -> impl Parser<'t, I, Expr, Extra<'t, 'src>> + Clone
where
    I: ValueInput<'t, Token = Token<'src>, Span = SimpleSpan>,
{
    recursive(|expr| {
        let separator = one_of([Token::Newline, Token::Comma])
            .repeated()
            .at_least(1);

        let literal = select! {
            Token::Int(value) => ExprKind::Int(value),
            Token::Duration(ms) => ExprKind::Duration(ms),
            Token::Percent(value) => ExprKind::Percent(value),
            Token::True => ExprKind::Bool(true),
            Token::False => ExprKind::Bool(false),
        };

        let list = expr
            .clone()
            .separated_by(just(Token::Comma))
            .allow_trailing()
            .collect::<Vec<_>>()
            .delimited_by(just(Token::LBracket), just(Token::RBracket))
            .map(ExprKind::List);

        let field = key()
            .then_ignore(just(Token::Assign))
            .then(expr.clone())
            .map_with(|(key, value), e| Field {
                key,
                value,
                span: span_of(e.span()),
            });
        let fields = separator
            .or_not()
            .ignore_then(
                field
                    .separated_by(separator)
                    .allow_trailing()
                    .collect::<Vec<_>>(),
            )
            .delimited_by(just(Token::LBrace), just(Token::RBrace));

        let argument = ident()
            .then_ignore(just(Token::Assign))
            .or_not()
            .then(expr.clone())
            .map_with(|(name, value), e| Argument {
                name,
                value,
                span: span_of(e.span()),
            });
        let arguments = argument
            .separated_by(just(Token::Comma))
            .allow_trailing()
            .collect::<Vec<_>>()
            .delimited_by(just(Token::LParen), just(Token::RParen));

        let named = path()
            .then(arguments.map(Ok).or(fields.clone().map(Err)).or_not())
            .map(|(path, suffix)| match suffix {
                None => ExprKind::Path(path),
                Some(Ok(arguments)) => ExprKind::Call {
                    callee: path,
                    arguments,
                },
                Some(Err(fields)) => ExprKind::Constructor { name: path, fields },
            });

        let parenthesized = expr
            .clone()
            .delimited_by(just(Token::LParen), just(Token::RParen))
            .map(|inner| ExprKind::Paren(Box::new(inner)));

        let atom = choice((
            literal,
            string(expr.clone()).map(ExprKind::String),
            list,
            fields.map(ExprKind::Record),
            named,
            parenthesized,
        ))
        .map_with(|kind, e| Expr {
            kind,
            span: span_of(e.span()),
        })
        .boxed();

        let prefix_operator = select! {
            Token::Not = e => (UnaryOp::Not, span_of(e.span())),
            Token::Minus = e => (UnaryOp::Negate, span_of(e.span())),
        };
        let unary = prefix_operator
            .repeated()
            .collect::<Vec<_>>()
            .validate(|operators, e, emitter| {
                if operators.len() > MAX_PREFIX_OPERATORS {
                    emitter.emit(Rich::custom(
                        e.span(),
                        format!("more than {MAX_PREFIX_OPERATORS} prefix operators in a row"),
                    ));
                }
                operators
            })
            .then(atom)
            .map(|(operators, operand)| {
                operators.into_iter().take(MAX_PREFIX_OPERATORS).rev().fold(
                    operand,
                    |operand, (op, op_span)| Expr {
                        span: op_span.to(operand.span),
                        kind: ExprKind::Unary {
                            op,
                            operand: Box::new(operand),
                        },
                    },
                )
            })
            .boxed();

        let comparison_operator = select! {
            Token::EqEq => BinaryOp::Eq,
            Token::NotEq => BinaryOp::NotEq,
            Token::Lt => BinaryOp::Lt,
            Token::Gt => BinaryOp::Gt,
            Token::LtEq => BinaryOp::LtEq,
            Token::GtEq => BinaryOp::GtEq,
            Token::In => BinaryOp::In,
        };
        let comparison = unary
            .clone()
            .then(comparison_operator.then(unary).or_not())
            .map(|(lhs, rhs)| match rhs {
                None => lhs,
                Some((op, rhs)) => Expr {
                    span: lhs.span.to(rhs.span),
                    kind: ExprKind::Binary {
                        op,
                        lhs: Box::new(lhs),
                        rhs: Box::new(rhs),
                    },
                },
            });

        let conjunction = logical_chain(comparison, Token::AndAnd, LogicalOp::And);
        logical_chain(conjunction, Token::OrOr, LogicalOp::Or).labelled("expression")
    })
}

/// `operand (op operand)*` as one flat [`ExprKind::Logical`] node.
fn logical_chain<'t, 'src: 't, I, P>(
    operand: P,
    token: Token<'src>,
    op: LogicalOp,
) -> impl Parser<'t, I, Expr, Extra<'t, 'src>> + Clone
where
    I: ValueInput<'t, Token = Token<'src>, Span = SimpleSpan>,
    P: Parser<'t, I, Expr, Extra<'t, 'src>> + Clone + 't,
{
    operand
        .separated_by(just(token))
        .at_least(1)
        .collect::<Vec<_>>()
        .map_with(move |mut operands, e| {
            if operands.len() == 1 {
                operands.pop().unwrap_or(Expr {
                    kind: ExprKind::Error,
                    span: span_of(e.span()),
                })
            } else {
                Expr {
                    kind: ExprKind::Logical { op, operands },
                    span: span_of(e.span()),
                }
            }
        })
        .boxed()
}
