//! Folding what is known at compile time: `!true`, `cache && x` with
//! `cache = false`, `"a" == "a"`. A step whose condition folds to `false`
//! is left out of the IR; one that folds to `true` has no condition.

use crate::ir::{CompareOp, Expr, ExprKind, Origin, StringTest};
use crate::types::Type;

pub fn not(operand: Expr, origin: Origin) -> Expr {
    match operand.kind {
        ExprKind::Bool(value) => Expr::new(ExprKind::Bool(!value), Type::Bool, origin),
        ExprKind::Not(inner) => *inner,
        _ => Expr::new(ExprKind::Not(Box::new(operand)), Type::Bool, origin),
    }
}

/// `a && b && …`: a `false` operand decides, `true` operands drop out.
pub fn all(operands: Vec<Expr>, origin: Origin) -> Expr {
    logical(operands, origin, false)
}

/// `a || b || …`: a `true` operand decides, `false` operands drop out.
pub fn any(operands: Vec<Expr>, origin: Origin) -> Expr {
    logical(operands, origin, true)
}

fn logical(operands: Vec<Expr>, origin: Origin, deciding: bool) -> Expr {
    let mut kept = Vec::with_capacity(operands.len());
    for operand in operands {
        match operand.as_bool() {
            Some(value) if value == deciding => {
                return Expr::new(ExprKind::Bool(deciding), Type::Bool, origin);
            }
            Some(_) => {}
            None => kept.push(operand),
        }
    }
    match kept.len() {
        0 => Expr::new(ExprKind::Bool(!deciding), Type::Bool, origin),
        1 => kept.pop().unwrap_or_else(|| Expr::error(origin)),
        _ if deciding => Expr::new(ExprKind::Any(kept), Type::Bool, origin),
        _ => Expr::new(ExprKind::All(kept), Type::Bool, origin),
    }
}

pub fn compare(op: CompareOp, lhs: Expr, rhs: Expr, origin: Origin) -> Expr {
    let folded = match (&lhs.kind, &rhs.kind) {
        (ExprKind::String(a), ExprKind::String(b)) => ordering_holds(op, a.cmp(b)),
        (ExprKind::Int(a), ExprKind::Int(b)) => ordering_holds(op, a.cmp(b)),
        (ExprKind::Duration(a), ExprKind::Duration(b)) => ordering_holds(op, a.cmp(b)),
        (ExprKind::Bool(a), ExprKind::Bool(b)) => ordering_holds(op, a.cmp(b)),
        (ExprKind::Percent(a), ExprKind::Percent(b)) => a
            .partial_cmp(b)
            .map(|o| ordering_holds(op, o))
            .unwrap_or(None),
        _ => None,
    };
    match folded {
        Some(value) => Expr::new(ExprKind::Bool(value), Type::Bool, origin),
        None => Expr::new(
            ExprKind::Compare {
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            },
            Type::Bool,
            origin,
        ),
    }
}

fn ordering_holds(op: CompareOp, ordering: std::cmp::Ordering) -> Option<bool> {
    use std::cmp::Ordering::{Equal, Greater, Less};
    Some(match op {
        CompareOp::Eq => ordering == Equal,
        CompareOp::NotEq => ordering != Equal,
        CompareOp::Lt => ordering == Less,
        CompareOp::Gt => ordering == Greater,
        CompareOp::LtEq => ordering != Greater,
        CompareOp::GtEq => ordering != Less,
    })
}

pub fn test(test: StringTest, value: Expr, pattern: Expr, origin: Origin) -> Expr {
    if let (Some(text), Some(pattern_text)) = (value.as_str(), pattern.as_str()) {
        let result = match test {
            StringTest::StartsWith => text.starts_with(pattern_text),
            StringTest::EndsWith => text.ends_with(pattern_text),
            StringTest::Contains => text.contains(pattern_text),
            StringTest::Matches => crate::glob::matches(pattern_text, text),
        };
        return Expr::new(ExprKind::Bool(result), Type::Bool, origin);
    }
    Expr::new(
        ExprKind::Test {
            test,
            value: Box::new(value),
            pattern: Box::new(pattern),
        },
        Type::Bool,
        origin,
    )
}
