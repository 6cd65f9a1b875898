//! Visiting the blocks, attributes and expressions under a list of items.
//! Recursion is bounded by the nesting limit of the syntax phase.

use crate::check::schema;
use crate::syntax::ast::{Attribute, Block, Expr, ExprKind, Input, Item, StringPart};

/// A block body or a template body, with the keyword whose schema applies
/// to it: the block's keyword, or `job` / `steps` for a template.
#[derive(Clone, Copy, Debug)]
pub struct Body<'a> {
    pub keyword: &'a str,
    /// The block; `None` for a template's body.
    pub block: Option<&'a Block>,
    pub items: &'a [Item],
}

impl<'a> Body<'a> {
    /// The attributes written directly in the body.
    pub fn attributes(self) -> impl Iterator<Item = &'a Attribute> {
        self.items.iter().filter_map(|item| match item {
            Item::Attribute(attribute) => Some(attribute),
            _ => None,
        })
    }

    /// The first attribute named `name`.
    pub fn attribute(self, name: &str) -> Option<&'a Attribute> {
        self.attributes()
            .find(|attribute| attribute.key.name == name)
    }

    /// The blocks written directly in the body, with or without a body of
    /// their own.
    pub fn blocks(self) -> impl Iterator<Item = &'a Block> {
        self.items.iter().filter_map(|item| match item {
            Item::Block(block) => Some(block),
            _ => None,
        })
    }
}

/// Visits every block body and template body under `items`, parents before
/// children. The contents of escape blocks (`github`, `gitlab`, `k8s`) are
/// target-specific keys, not `.pipe` items, and are not visited.
pub fn for_each_body<'a>(items: &'a [Item], visit: &mut impl FnMut(Body<'a>)) {
    for item in items {
        match item {
            Item::Block(block) => {
                if let Some(body) = &block.body
                    && !schema::is_escape(&block.keyword.name)
                {
                    visit(Body {
                        keyword: &block.keyword.name,
                        block: Some(block),
                        items: &body.items,
                    });
                    for_each_body(&body.items, visit);
                }
            }
            Item::Template(template) => {
                visit(Body {
                    keyword: &template.kind.name,
                    block: None,
                    items: &template.body.items,
                });
                for_each_body(&template.body.items, visit);
            }
            _ => {}
        }
    }
}

/// The `input`s of the `on manual` triggers among a pipeline's items.
pub fn manual_inputs(items: &[Item]) -> Vec<&Input> {
    let mut inputs = Vec::new();
    for item in items {
        if let Item::Block(block) = item
            && block.keyword.name == "on"
            && block
                .label
                .as_ref()
                .is_some_and(|label| label.name == "manual")
            && let Some(body) = &block.body
        {
            inputs.extend(body.items.iter().filter_map(|inner| match inner {
                Item::Input(input) => Some(&**input),
                _ => None,
            }));
        }
    }
    inputs
}

pub fn for_each_expr<'a>(items: &'a [Item], visit: &mut impl FnMut(&'a Expr)) {
    for item in items {
        match item {
            Item::Attribute(attribute) => expr(&attribute.value, visit),
            Item::Block(block) => {
                if let Some(value) = &block.value {
                    expr(value, visit);
                }
                if let Some(body) = &block.body {
                    for_each_expr(&body.items, visit);
                }
            }
            Item::Use(use_item) => {
                for argument in &use_item.arguments {
                    expr(&argument.value, visit);
                }
            }
            Item::Input(input) => {
                if let Some(default) = &input.default {
                    expr(default, visit);
                }
            }
            Item::Template(template) => for_each_expr(&template.body.items, visit),
            Item::Import(_) | Item::Error(_) => {}
        }
    }
}

pub fn expr<'a>(expr_node: &'a Expr, visit: &mut impl FnMut(&'a Expr)) {
    visit(expr_node);
    match &expr_node.kind {
        ExprKind::String(string) => {
            for part in &string.parts {
                if let StringPart::Interpolation { expr: inner, .. } = part {
                    expr(inner, visit);
                }
            }
        }
        ExprKind::List(elements) => elements.iter().for_each(|element| expr(element, visit)),
        ExprKind::Record(fields) | ExprKind::Constructor { fields, .. } => {
            fields.iter().for_each(|field| expr(&field.value, visit));
        }
        ExprKind::Call { arguments, .. } => arguments
            .iter()
            .for_each(|argument| expr(&argument.value, visit)),
        ExprKind::Unary { operand, .. } => expr(operand, visit),
        ExprKind::Binary { lhs, rhs, .. } => {
            expr(lhs, visit);
            expr(rhs, visit);
        }
        ExprKind::Logical { operands, .. } => {
            operands.iter().for_each(|operand| expr(operand, visit))
        }
        ExprKind::Paren(inner) => expr(inner, visit),
        ExprKind::Int(_)
        | ExprKind::Bool(_)
        | ExprKind::Duration(_)
        | ExprKind::Percent(_)
        | ExprKind::Path(_)
        | ExprKind::Error => {}
    }
}
