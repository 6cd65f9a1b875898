//! Items and bodies: attributes, blocks and the special forms, with error
//! recovery at item boundaries.
//!
//! Recovery relies on the delimiter pass: groups are balanced, so an item
//! that fails to parse is skipped as a run of whole token trees up to the
//! next line break, comma or closing `}`. A body therefore never fails to
//! parse once its `{` is seen, and one mistake costs one item, not the file.

use chumsky::{input::ValueInput, prelude::*};

use super::expr::{expr, ident, key, path, plain_string};
use super::{Extra, span_of};
use crate::span::Span;
use crate::syntax::ast::{
    Argument, Attribute, Block, Body, Expr, ExprKind, Import, Input, Item, Parameter, Template,
    TypeExpr, TypeExprKind, Use,
};
use crate::syntax::token::Token;

fn is_opener(token: &Token<'_>) -> bool {
    matches!(
        token,
        Token::LBrace
            | Token::LParen
            | Token::LBracket
            | Token::InterpStart
            | Token::StrStart { .. }
    )
}

fn is_closer(token: &Token<'_>) -> bool {
    matches!(
        token,
        Token::RBrace | Token::RParen | Token::RBracket | Token::InterpEnd | Token::StrEnd
    )
}

fn is_separator(token: &Token<'_>) -> bool {
    matches!(token, Token::Newline | Token::Comma)
}

/// One token, or one balanced group of tokens.
fn token_tree<'t, 'src: 't, I>() -> impl Parser<'t, I, (), Extra<'t, 'src>> + Clone
where
    I: ValueInput<'t, Token = Token<'src>, Span = SimpleSpan>,
{
    recursive(|tree| {
        let group = any()
            .filter(is_opener)
            .then(tree.repeated())
            .then(any().filter(is_closer))
            .ignored();
        group.or(any()
            .filter(|token| !is_opener(token) && !is_closer(token))
            .ignored())
    })
}

/// Tokens up to the end of the item: no separator and no closer at this level.
fn rest_of_item<'t, 'src: 't, I>() -> impl Parser<'t, I, SimpleSpan, Extra<'t, 'src>> + Clone
where
    I: ValueInput<'t, Token = Token<'src>, Span = SimpleSpan>,
{
    any()
        .filter(|token| !is_separator(token))
        .rewind()
        .ignore_then(token_tree())
        .repeated()
        .at_least(1)
        .map_with(|_, e| e.span())
}

fn type_expr<'t, 'src: 't, I>() -> impl Parser<'t, I, TypeExpr, Extra<'t, 'src>> + Clone
where
    I: ValueInput<'t, Token = Token<'src>, Span = SimpleSpan>,
{
    recursive(|type_expr| {
        let variants = plain_string()
            .map(|(value, span)| crate::syntax::ast::StringLiteral {
                parts: vec![crate::syntax::ast::StringPart::Text { value, span }],
                triple: false,
                span,
            })
            .separated_by(just(Token::Comma))
            .allow_trailing()
            .collect::<Vec<_>>()
            .delimited_by(just(Token::LParen), just(Token::RParen));
        let enumeration = just(Token::Ident("enum"))
            .ignore_then(variants)
            .map(|variants| TypeExprKind::Enum { variants });
        let named = ident()
            .then(
                type_expr
                    .separated_by(just(Token::Comma))
                    .at_least(1)
                    .collect::<Vec<_>>()
                    .delimited_by(just(Token::Lt), just(Token::Gt))
                    .or_not(),
            )
            .map(|(name, arguments)| TypeExprKind::Named {
                name,
                arguments: arguments.unwrap_or_default(),
            });
        enumeration
            .or(named)
            .map_with(|kind, e| TypeExpr {
                kind,
                span: span_of(e.span()),
            })
            .labelled("type")
    })
}

/// In `job x = t { … }` the braces are the block's body, not a named record
/// value `t { … }`: a labelled block's value that parsed as a constructor
/// gives its fields back to the block as attributes.
pub(super) fn split_trailing_body(
    value: Option<Expr>,
    body: Option<Body>,
) -> (Option<Expr>, Option<Body>) {
    match (value, body) {
        (
            Some(Expr {
                kind: ExprKind::Constructor { name, fields },
                span,
            }),
            None,
        ) => {
            let body_span = Span {
                start: name.span.end,
                end: span.end,
            };
            let items = fields
                .into_iter()
                .map(|field| {
                    Item::Attribute(Attribute {
                        key: field.key,
                        value: field.value,
                        span: field.span,
                    })
                })
                .collect();
            let value = Expr {
                span: name.span,
                kind: ExprKind::Path(name),
            };
            (
                Some(value),
                Some(Body {
                    items,
                    span: body_span,
                }),
            )
        }
        (value, body) => (value, body),
    }
}

/// Every item kind, recursively (blocks and templates hold bodies of items).
pub fn items<'t, 'src: 't, I>() -> impl Parser<'t, I, Vec<Item>, Extra<'t, 'src>> + Clone
where
    I: ValueInput<'t, Token = Token<'src>, Span = SimpleSpan>,
{
    recursive(|items| {
        let separator = one_of([Token::Newline, Token::Comma])
            .repeated()
            .at_least(1);
        let body = items
            .delimited_by(just(Token::LBrace), just(Token::RBrace))
            .map_with(|items, e| Body {
                items,
                span: span_of(e.span()),
            })
            .boxed();

        let import = just(Token::Import)
            .ignore_then(plain_string())
            .then(just(Token::As).ignore_then(ident()).or_not())
            .map_with(|((path, path_span), alias), e| {
                Item::Import(Import {
                    path,
                    path_span,
                    alias,
                    span: span_of(e.span()),
                })
            });

        let parameter = ident()
            .then_ignore(just(Token::Colon))
            .then(type_expr())
            .then(just(Token::Assign).ignore_then(expr()).or_not())
            .map_with(|((name, ty), default), e| Parameter {
                name,
                ty,
                default,
                span: span_of(e.span()),
            });
        let template = just(Token::Template)
            .ignore_then(ident())
            .then(
                parameter
                    .separated_by(just(Token::Comma))
                    .allow_trailing()
                    .collect::<Vec<_>>()
                    .delimited_by(just(Token::LParen), just(Token::RParen)),
            )
            .then_ignore(just(Token::Colon))
            .then(ident())
            .then(body.clone())
            .map_with(|(((name, parameters), kind), body), e| {
                Item::Template(Box::new(Template {
                    name,
                    parameters,
                    kind,
                    body,
                    span: span_of(e.span()),
                }))
            });

        let argument = ident()
            .then_ignore(just(Token::Assign))
            .or_not()
            .then(expr())
            .map_with(|(name, value), e| Argument {
                name,
                value,
                span: span_of(e.span()),
            });
        let use_item = just(Token::Use)
            .ignore_then(path())
            .then(
                argument
                    .separated_by(just(Token::Comma))
                    .allow_trailing()
                    .collect::<Vec<_>>()
                    .delimited_by(just(Token::LParen), just(Token::RParen))
                    .or_not(),
            )
            .map_with(|(template, arguments), e| {
                Item::Use(Use {
                    template,
                    arguments: arguments.unwrap_or_default(),
                    span: span_of(e.span()),
                })
            });

        let input = just(Token::Ident("input"))
            .ignore_then(ident())
            .then_ignore(just(Token::Colon))
            .then(type_expr())
            .then(just(Token::Assign).ignore_then(expr()).or_not())
            .then(body.clone().or_not())
            .map_with(|(((name, ty), default), body), e| {
                let (default, body) = split_trailing_body(default, body);
                Item::Input(Box::new(Input {
                    name,
                    ty,
                    default,
                    body,
                    span: span_of(e.span()),
                }))
            });

        let attribute = key()
            .then_ignore(just(Token::Assign))
            .then(expr())
            .map_with(|(key, value), e| {
                Item::Attribute(Attribute {
                    key,
                    value,
                    span: span_of(e.span()),
                })
            });

        let labelled_block = ident()
            .then(ident())
            .then(just(Token::Assign).ignore_then(expr()).or_not())
            .then(body.clone().or_not())
            .map(|(((keyword, label), value), body)| {
                let (value, body) = split_trailing_body(value, body);
                (keyword, Some(label), value, body)
            });
        let unlabelled_block = ident()
            .then(body)
            .map(|(keyword, body)| (keyword, None, None, Some(body)));
        let block =
            labelled_block
                .or(unlabelled_block)
                .map_with(|(keyword, label, value, body), e| {
                    Item::Block(Block {
                        keyword,
                        label,
                        value: value.map(Box::new),
                        body,
                        span: span_of(e.span()),
                    })
                });

        let item = choice((import, template, use_item, input, attribute, block))
            .labelled("item")
            .recover_with(via_parser(
                rest_of_item().map(|span| Item::Error(span_of(span))),
            ))
            .boxed();

        // After a complete item, anything before the next separator is one
        // error, reported once; the item itself is kept.
        let trailing = any()
            .filter(|token| !is_separator(token) && !is_closer(token))
            .rewind()
            .then(rest_of_item())
            .validate(|(found, span), _, emitter| {
                emitter.emit(Rich::custom(
                    span,
                    format!(
                        "expected a line break or `,` after the item, found {}",
                        found.describe()
                    ),
                ));
            });

        separator.or_not().ignore_then(
            item.then_ignore(trailing.or_not())
                .then_ignore(separator.or_not())
                .repeated()
                .collect::<Vec<_>>(),
        )
    })
}
