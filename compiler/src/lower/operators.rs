//! Lowering the binary operators (comparisons and `in`), and the operand
//! type rules that `!`, `-`, `&&` and `||` share with them.

use crate::diagnostic::{Code, Diagnostic, Label};
use crate::ir::{CompareOp, Expr, ExprKind, Origin};
use crate::lower::expr::{describe, quoted, with_closest_variant};
use crate::lower::scope::Scope;
use crate::lower::{Lowerer, fold};
use crate::syntax::ast::{self, BinaryOp};
use crate::types::{Type, with_article};

impl Lowerer<'_> {
    pub(super) fn lower_binary(
        &mut self,
        op: BinaryOp,
        lhs: &ast::Expr,
        rhs: &ast::Expr,
        scope: &Scope,
        origin: Origin,
    ) -> Expr {
        let left = self.lower_expr(lhs, scope, None);
        if op == BinaryOp::In {
            let right = self.lower_expr(rhs, scope, None);
            let ExprKind::List(candidates) = right.kind else {
                if right.ty != Type::Error {
                    self.report(Diagnostic::new(
                        Code::OperandTypeMismatch,
                        format!(
                            "`in` needs a list on its right, found {}",
                            with_article(&right.ty)
                        ),
                        Label::new(
                            right.origin.source,
                            right.origin.span,
                            "expected a list such as `[\"main\", \"develop\"]`",
                        ),
                    ));
                }
                return Expr::error(origin);
            };
            let mut sound = true;
            for candidate in &candidates {
                sound &= self.expect_comparable(&left, candidate, "in");
            }
            if !sound {
                return Expr::error(origin);
            }
            if let Some(text) = left.as_str() {
                let found = candidates
                    .iter()
                    .any(|candidate| candidate.as_str() == Some(text));
                if candidates
                    .iter()
                    .all(|candidate| candidate.as_str().is_some())
                {
                    return Expr::new(ExprKind::Bool(found), Type::Bool, origin);
                }
            }
            return Expr::new(
                ExprKind::OneOf {
                    value: Box::new(left),
                    candidates,
                },
                Type::Bool,
                origin,
            );
        }
        let compare_op = match op {
            BinaryOp::Eq => CompareOp::Eq,
            BinaryOp::NotEq => CompareOp::NotEq,
            BinaryOp::Lt => CompareOp::Lt,
            BinaryOp::Gt => CompareOp::Gt,
            BinaryOp::LtEq => CompareOp::LtEq,
            BinaryOp::GtEq => CompareOp::GtEq,
            BinaryOp::In => CompareOp::Eq,
        };
        let right = self.lower_expr(rhs, scope, None);
        let sound = if matches!(compare_op, CompareOp::Eq | CompareOp::NotEq) {
            self.expect_comparable(&left, &right, op.symbol())
        } else {
            self.expect_ordered(&left, &right, op.symbol())
        };
        if !sound {
            return Expr::error(origin);
        }
        fold::compare(compare_op, left, right, origin)
    }

    /// `==`, `!=` and `in` compare values of one type; an enum-typed side
    /// (such as `event`) is compared only with one of its values.
    /// Returns whether the comparison is sound; an unsound one is reported
    /// and lowered as an error, so that nothing is concluded from it.
    fn expect_comparable(&mut self, left: &Expr, right: &Expr, op: &str) -> bool {
        if left.ty == Type::Error || right.ty == Type::Error {
            return true;
        }
        for (typed, literal) in [(left, right), (right, left)] {
            if let Type::Enum(variants) = &typed.ty
                && let Some(text) = literal.as_str()
            {
                if !variants.iter().any(|variant| variant == text) {
                    let diagnostic = Diagnostic::new(
                        Code::ComparisonNeverTrue,
                        format!("{} is never `\"{text}\"`", describe(typed)),
                        Label::new(
                            literal.origin.source,
                            literal.origin.span,
                            "not one of its values",
                        ),
                    )
                    .with_note(format!("it is one of {}", quoted(variants)));
                    self.report(with_closest_variant(
                        diagnostic,
                        text,
                        variants,
                        literal.origin,
                    ));
                    return false;
                }
                return true;
            }
        }
        let same = (left.ty.is_textual() && right.ty.is_textual()) || left.ty == right.ty;
        if !same || matches!(left.ty, Type::List(_) | Type::Record | Type::Secret) {
            let help = if left.ty == Type::Secret || right.ty == Type::Secret {
                "secrets cannot be compared: the CI service hides their values"
            } else {
                "compare values of the same type; quote text: `\"…\"`"
            };
            self.report(mismatched_operands(left, right, op, help));
            return false;
        }
        true
    }

    fn expect_ordered(&mut self, left: &Expr, right: &Expr, op: &str) -> bool {
        if left.ty == Type::Error || right.ty == Type::Error {
            return true;
        }
        let ordered = matches!(left.ty, Type::Int | Type::Duration | Type::Percent);
        if !ordered || left.ty != right.ty {
            self.report(mismatched_operands(
                left,
                right,
                op,
                "`<`, `>`, `<=` and `>=` compare two ints, two durations or two percents",
            ));
            return false;
        }
        true
    }

    pub(super) fn expect_operand(&mut self, value: &Expr, expected: &Type, op: &str) {
        if !value.ty.is_assignable_to(expected) {
            self.report(
                Diagnostic::new(
                    Code::OperandTypeMismatch,
                    format!(
                        "`{op}` expects {}, found {}",
                        with_article(expected),
                        with_article(&value.ty)
                    ),
                    Label::new(
                        value.origin.source,
                        value.origin.span,
                        format!("expected {expected}"),
                    ),
                )
                .with_help(match expected {
                    Type::Bool => "conditions combine comparisons such as `git.branch == \"main\"`",
                    _ => "use a value of the expected type",
                }),
            );
        }
    }
}

fn mismatched_operands(left: &Expr, right: &Expr, op: &str, help: &str) -> Diagnostic {
    Diagnostic::new(
        Code::OperandTypeMismatch,
        format!(
            "`{op}` compares {} with {}",
            with_article(&left.ty),
            with_article(&right.ty)
        ),
        Label::new(
            right.origin.source,
            right.origin.span,
            with_article(&right.ty),
        ),
    )
    .with_secondary(Label::new(
        left.origin.source,
        left.origin.span,
        with_article(&left.ty),
    ))
    .with_help(help)
}
