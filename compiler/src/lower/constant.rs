//! Values that must be known at compile time (`timeout = 30m`,
//! `ports = [5432]`), read out of lowered expressions. A runtime value in
//! their place is E0311; a value of the wrong type has been reported when
//! the attribute was typed, so it is skipped here without a second error.

use std::borrow::Cow;

use crate::check::schema;
use crate::diagnostic::{Code, Diagnostic, Label};
use crate::ir::{Expr, ExprKind};
use crate::lower::Lowerer;
use crate::lower::expr::{Destination, not_constant};
use crate::lower::scope::Scope;
use crate::syntax::ast;
use crate::types::Type;

impl Lowerer<'_> {
    /// Lowers an attribute of block `keyword` and checks it against the
    /// type the block schema gives it.
    pub(super) fn attribute_value(
        &mut self,
        attribute: &ast::Attribute,
        keyword: &str,
        scope: &Scope,
    ) -> Expr {
        // A secret in a script is E0306, found on the syntax tree with a fix.
        let expected = if keyword == "step" && attribute.key.name == "run" {
            Cow::Owned(Type::Either(Box::new(Type::String), Box::new(Type::Secret)))
        } else {
            Cow::Borrowed(
                schema::attribute_type(keyword, &attribute.key.name).unwrap_or(&Type::Error),
            )
        };
        let value = self.lower_expr(&attribute.value, scope, Some(&expected));
        self.expect_type(
            &value,
            &expected,
            Destination::Attribute(&attribute.key.name),
        );
        value
    }

    pub(super) fn constant_string(&mut self, value: &Expr, what: &str) -> Option<String> {
        match &value.kind {
            ExprKind::String(text) => Some(text.clone()),
            ExprKind::Int(number) => Some(number.to_string()),
            _ => {
                self.unless_reported(value, what);
                None
            }
        }
    }

    /// A string, or a list of strings, as a list.
    pub(super) fn constant_strings(&mut self, value: &Expr, what: &str) -> Vec<String> {
        match &value.kind {
            ExprKind::List(elements) => elements
                .iter()
                .filter_map(|element| self.constant_string(element, what))
                .collect(),
            _ => self.constant_string(value, what).into_iter().collect(),
        }
    }

    pub(super) fn constant_bool(&mut self, value: &Expr, what: &str) -> Option<bool> {
        match value.kind {
            ExprKind::Bool(flag) => Some(flag),
            _ => {
                self.unless_reported(value, what);
                None
            }
        }
    }

    pub(super) fn constant_duration(&mut self, value: &Expr, what: &str) -> Option<u64> {
        match value.kind {
            ExprKind::Duration(milliseconds) => Some(milliseconds),
            _ => {
                self.unless_reported(value, what);
                None
            }
        }
    }

    pub(super) fn constant_percent(&mut self, value: &Expr, what: &str) -> Option<f64> {
        match value.kind {
            ExprKind::Percent(percent) => Some(percent),
            _ => {
                self.unless_reported(value, what);
                None
            }
        }
    }

    /// An int within `min..=max`.
    pub(super) fn constant_int(
        &mut self,
        value: &Expr,
        what: &str,
        min: i64,
        max: i64,
    ) -> Option<i64> {
        match value.kind {
            ExprKind::Int(number) if (min..=max).contains(&number) => Some(number),
            ExprKind::Int(number) => {
                self.report(Diagnostic::new(
                    Code::ValueOutOfRange,
                    format!("{what} must be between {min} and {max}, found {number}"),
                    Label::new(value.origin.source, value.origin.span, "out of range"),
                ));
                None
            }
            _ => {
                self.unless_reported(value, what);
                None
            }
        }
    }

    /// Reports a runtime value where a constant is needed; values of the
    /// wrong type were reported when they were typed.
    fn unless_reported(&mut self, value: &Expr, what: &str) {
        if value.mentions_parameter() {
            return;
        }
        let runtime = matches!(
            value.kind,
            ExprKind::Context(_)
                | ExprKind::Text(_)
                | ExprKind::Compare { .. }
                | ExprKind::Test { .. }
        ) || matches!(
            value.kind,
            ExprKind::Not(_) | ExprKind::All(_) | ExprKind::Any(_) | ExprKind::OneOf { .. }
        );
        if runtime {
            self.report(not_constant(value, what));
        }
    }
}
