//! Lowering expressions: syntax → typed IR, with template parameters
//! replaced by their arguments, names resolved and constants folded.

use crate::check::suggest;
use crate::diagnostic::{Code, Diagnostic, Edit, Label};
use crate::ir::{Expr, ExprKind, Origin, TextPart};
use crate::lower::builtins;
use crate::lower::scope::Scope;
use crate::lower::{Lowerer, fold};
use crate::syntax::ast::{self, LogicalOp, StringPart, UnaryOp};
use crate::types::{Type, with_article};

/// Where a value goes, for the wording of a type mismatch.
#[derive(Clone, Copy, Debug)]
pub enum Destination<'a> {
    /// `name = value` in a block.
    Attribute(&'a str),
    /// An argument of a template or an input of an action.
    Argument { callee: &'a str, parameter: &'a str },
}

impl Lowerer<'_> {
    /// Lowers `expr`. `expected`, when known, decides how bare names read:
    /// a job in `needs`, a status in `when`, a strategy in `strategy`.
    pub(super) fn lower_expr(
        &mut self,
        expr: &ast::Expr,
        scope: &Scope,
        expected: Option<&Type>,
    ) -> Expr {
        let origin = Origin::new(scope.source, expr.span);
        match &expr.kind {
            ast::ExprKind::Int(value) => Expr::new(ExprKind::Int(*value), Type::Int, origin),
            ast::ExprKind::Bool(value) => Expr::new(ExprKind::Bool(*value), Type::Bool, origin),
            ast::ExprKind::Duration(value) => {
                Expr::new(ExprKind::Duration(*value), Type::Duration, origin)
            }
            ast::ExprKind::Percent(value) => {
                Expr::new(ExprKind::Percent(*value), Type::Percent, origin)
            }
            ast::ExprKind::String(literal) => self.lower_string(literal, scope, origin),
            ast::ExprKind::List(elements) => {
                let element_type = match expected {
                    Some(Type::List(element)) => Some(element.as_ref()),
                    Some(Type::Either(_, second)) => match second.as_ref() {
                        Type::List(element) => Some(element.as_ref()),
                        _ => None,
                    },
                    _ => None,
                };
                let lowered: Vec<Expr> = elements
                    .iter()
                    .map(|element| self.lower_expr(element, scope, element_type))
                    .collect();
                let ty = list_type(&lowered);
                Expr::new(ExprKind::List(lowered), ty, origin)
            }
            ast::ExprKind::Record(fields) => {
                let lowered = self.lower_fields(fields, scope);
                Expr::new(ExprKind::Record(lowered), Type::Record, origin)
            }
            ast::ExprKind::Path(path) => self.lower_path(path, scope, expected, origin),
            ast::ExprKind::Call { callee, arguments } => {
                self.lower_call(callee, arguments, scope, origin)
            }
            ast::ExprKind::Constructor { name, fields } => {
                let name_text = name.dotted();
                // The rollback conditions of the strategies that measure
                // the new version read metrics by name.
                let lowered = if matches!(name_text.as_str(), "canary" | "blue_green") {
                    fields
                        .iter()
                        .map(|field| {
                            let field_scope = if field.key.name == "rollback" {
                                scope.with_metrics()
                            } else {
                                scope.clone()
                            };
                            (
                                field.key.name.clone(),
                                self.lower_expr(&field.value, &field_scope, None),
                            )
                        })
                        .collect()
                } else {
                    self.lower_fields(fields, scope)
                };
                let ty = match name_text.as_str() {
                    "rolling" | "blue_green" | "canary" => Type::Strategy,
                    _ => {
                        self.report(unknown_function(
                            scope,
                            name,
                            builtins::BuiltinKind::Constructor,
                        ));
                        Type::Error
                    }
                };
                Expr::new(
                    ExprKind::Constructor {
                        name: name_text,
                        fields: lowered,
                    },
                    ty,
                    origin,
                )
            }
            ast::ExprKind::Unary { op, operand } => {
                let lowered = self.lower_expr(operand, scope, None);
                match op {
                    UnaryOp::Not => {
                        self.expect_operand(&lowered, &Type::Bool, "!");
                        fold::not(lowered, origin)
                    }
                    UnaryOp::Negate => match lowered.kind {
                        ExprKind::Int(value) => {
                            Expr::new(ExprKind::Int(value.saturating_neg()), Type::Int, origin)
                        }
                        _ => {
                            self.expect_operand(&lowered, &Type::Int, "-");
                            Expr::error(origin)
                        }
                    },
                }
            }
            ast::ExprKind::Binary { op, lhs, rhs } => {
                self.lower_binary(*op, lhs, rhs, scope, origin)
            }
            ast::ExprKind::Logical { op, operands } => {
                let lowered: Vec<Expr> = operands
                    .iter()
                    .map(|operand| {
                        let value = self.lower_expr(operand, scope, Some(&Type::Bool));
                        self.expect_operand(&value, &Type::Bool, op.symbol());
                        value
                    })
                    .collect();
                match op {
                    LogicalOp::And => fold::all(lowered, origin),
                    LogicalOp::Or => fold::any(lowered, origin),
                }
            }
            ast::ExprKind::Paren(inner) => self.lower_expr(inner, scope, expected),
            ast::ExprKind::Error => Expr::error(origin),
        }
    }

    fn lower_fields(&mut self, fields: &[ast::Field], scope: &Scope) -> Vec<(String, Expr)> {
        fields
            .iter()
            .map(|field| {
                (
                    field.key.name.clone(),
                    self.lower_expr(&field.value, scope, None),
                )
            })
            .collect()
    }

    /// A string with interpolations: constants are spliced into the text,
    /// runtime values stay parts. A text holding a secret is a secret.
    fn lower_string(
        &mut self,
        literal: &ast::StringLiteral,
        scope: &Scope,
        origin: Origin,
    ) -> Expr {
        // Most strings are one piece of text.
        if let [StringPart::Text { value, .. }] = literal.parts.as_slice() {
            return Expr::new(ExprKind::String(value.clone()), Type::String, origin);
        }
        let mut parts: Vec<TextPart> = Vec::new();
        let mut secret = false;
        for part in &literal.parts {
            match part {
                StringPart::Text { value, .. } => push_literal(&mut parts, value),
                StringPart::Interpolation { expr, .. } => {
                    let value = self.lower_expr(expr, scope, None);
                    secret |= value.ty == Type::Secret;
                    self.splice(&mut parts, value);
                }
            }
        }
        let ty = if secret { Type::Secret } else { Type::String };
        match parts.as_mut_slice() {
            [] => Expr::new(ExprKind::String(String::new()), ty, origin),
            [TextPart::Literal(text)] => {
                Expr::new(ExprKind::String(std::mem::take(text)), ty, origin)
            }
            _ => Expr::new(ExprKind::Text(parts), ty, origin),
        }
    }

    fn splice(&mut self, parts: &mut Vec<TextPart>, value: Expr) {
        match value.kind {
            ExprKind::String(text) => push_literal(parts, &text),
            ExprKind::Int(number) => push_literal(parts, &number.to_string()),
            ExprKind::Bool(flag) => push_literal(parts, if flag { "true" } else { "false" }),
            ExprKind::Duration(milliseconds) => push_literal(parts, &format_duration(milliseconds)),
            ExprKind::Percent(percent) => {
                push_literal(parts, &format!("{}%", format_number(percent)))
            }
            ExprKind::Text(inner) => {
                for part in inner {
                    match part {
                        TextPart::Literal(text) => push_literal(parts, &text),
                        TextPart::Expr(expr) => parts.push(TextPart::Expr(expr)),
                    }
                }
            }
            ExprKind::List(_)
            | ExprKind::Record(_)
            | ExprKind::Constructor { .. }
            | ExprKind::Job(_) => {
                self.report(
                    Diagnostic::new(
                        Code::OperandTypeMismatch,
                        format!("{} cannot be interpolated into a string", with_article(&value.ty)),
                        Label::new(value.origin.source, value.origin.span, "not a single value"),
                    )
                    .with_help("interpolate one value; to pass several, use an attribute that takes a list"),
                );
                parts.push(TextPart::Expr(Box::new(Expr::error(value.origin))));
            }
            ExprKind::Error => parts.push(TextPart::Expr(Box::new(value))),
            _ => {
                parts.push(TextPart::Expr(Box::new(value)));
            }
        }
    }

    /// Reports when `value` cannot go to `destination`, which expects
    /// `expected`; returns whether it fits.
    pub(super) fn expect_type(
        &mut self,
        value: &Expr,
        expected: &Type,
        destination: Destination<'_>,
    ) -> bool {
        // A status predicate outside a condition is E0308, found on the syntax tree.
        let takes_status = matches!(expected, Type::Bool | Type::Status)
            || matches!(expected, Type::List(element) if **element == Type::Status);
        if !takes_status && value.mentions_status() {
            return false;
        }
        if let Type::List(element) = expected
            && let ExprKind::List(elements) = &value.kind
        {
            let mut fits = true;
            for element_value in elements {
                fits &= self.expect_type(element_value, element, destination);
            }
            return fits;
        }
        if let Type::Enum(variants) = expected
            && let Some(text) = value.as_str()
        {
            if variants.iter().any(|variant| variant == text) {
                return true;
            }
            let diagnostic = Diagnostic::new(
                code_for(destination),
                format!(
                    "{} expects one of {}, found `\"{text}\"`",
                    destination_name(destination),
                    quoted(variants)
                ),
                Label::new(
                    value.origin.source,
                    value.origin.span,
                    "not one of the allowed values",
                ),
            );
            self.report(with_closest_variant(
                diagnostic,
                text,
                variants,
                value.origin,
            ));
            return false;
        }
        if value.ty.is_assignable_to(expected) {
            return true;
        }
        let mut diagnostic = Diagnostic::new(
            code_for(destination),
            format!(
                "{} expects {}, found {}",
                destination_name(destination),
                with_article(expected),
                with_article(&value.ty)
            ),
            Label::new(
                value.origin.source,
                value.origin.span,
                format!("expected {expected}"),
            ),
        );
        let help = match (expected, &value.ty) {
            (Type::Duration, Type::Int) => Some("write a unit: `30m`, `90s`, `2h`".to_owned()),
            (Type::Percent, Type::Int) => Some("write a percent: `10%`".to_owned()),
            (Type::Int | Type::Bool, Type::String) => Some("write the value without quotes".to_owned()),
            (Type::String, Type::Int | Type::Bool) => Some("quote the value: `\"…\"`".to_owned()),
            (Type::String | Type::Cron | Type::Glob, Type::Secret) => Some(
                "a secret may only go into `env` values or inputs typed `secret`: set it in the `env` of the step and read the variable".to_owned(),
            ),
            (Type::Secret, Type::String) => Some(
                "declare `secret NAME` in the pipeline, set its value in the CI service, and write `secrets.NAME` here".to_owned(),
            ),
            (Type::Bool, _) => Some("conditions are comparisons such as `git.branch == \"main\"`".to_owned()),
            (Type::Record, _) => Some("write a record: `{ name = value, … }`".to_owned()),
            _ => None,
        };
        if let Some(help) = help {
            diagnostic = diagnostic.with_help(help);
        }
        self.report(diagnostic);
        false
    }
}

fn code_for(destination: Destination<'_>) -> Code {
    match destination {
        Destination::Attribute(_) => Code::AttributeTypeMismatch,
        Destination::Argument { .. } => Code::ArgumentTypeMismatch,
    }
}

fn destination_name(destination: Destination<'_>) -> String {
    match destination {
        Destination::Attribute(name) => format!("`{name}`"),
        Destination::Argument { callee, parameter } => {
            format!("argument `{parameter}` of `{callee}`")
        }
    }
}

pub(super) fn unknown_function(
    scope: &Scope,
    callee: &ast::Path,
    kind: builtins::BuiltinKind,
) -> Diagnostic {
    let name = callee
        .segments
        .last()
        .map_or_else(String::new, |segment| segment.name.clone());
    let span = callee
        .segments
        .last()
        .map_or(callee.span, |segment| segment.span);
    let known = builtins::names(kind);
    let known = known.as_slice();
    let kind = kind.word();
    let mut diagnostic = Diagnostic::new(
        Code::UnknownFunction,
        format!("unknown {kind} `{name}`"),
        Label::new(scope.source, span, format!("no {kind} of this name")),
    );
    if !suggest::offer(&mut diagnostic, &name, known, scope.source, span) {
        diagnostic = diagnostic.with_note(format!("the {kind}s are {}", backticked(known)));
    }
    diagnostic
}

pub(super) fn not_constant(value: &Expr, what: &str) -> Diagnostic {
    let reads = value.contexts().first().map(|context| {
        format!(
            "`{}` is known only when the pipeline runs",
            context.describe()
        )
    });
    let mut diagnostic = Diagnostic::new(
        Code::NotConstant,
        format!("{what} must be known at compile time"),
        Label::new(
            value.origin.source,
            value.origin.span,
            reads.unwrap_or_else(|| "not a constant".to_owned()),
        ),
    );
    diagnostic = diagnostic.with_help("write the value itself, or pass it as a template argument");
    diagnostic
}

fn list_type(elements: &[Expr]) -> Type {
    let element = elements
        .iter()
        .map(|element| element.ty.clone())
        .find(|ty| *ty != Type::Error)
        .unwrap_or(Type::Error);
    Type::list(element)
}

fn push_literal(parts: &mut Vec<TextPart>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(TextPart::Literal(last)) = parts.last_mut() {
        last.push_str(text);
    } else {
        parts.push(TextPart::Literal(text.to_owned()));
    }
}

/// `90000` ms → `1m30s`.
pub fn format_duration(milliseconds: u64) -> String {
    if milliseconds == 0 {
        return "0s".to_owned();
    }
    let mut rest = milliseconds;
    let mut text = String::new();
    for (unit, size) in [
        ("d", 86_400_000),
        ("h", 3_600_000),
        ("m", 60_000),
        ("s", 1_000),
        ("ms", 1),
    ] {
        if rest >= size {
            text.push_str(&format!("{}{unit}", rest / size));
            rest %= size;
        }
    }
    text
}

/// `80.0` → `80`, `2.5` → `2.5`.
pub fn format_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

/// `diagnostic` with "did you mean" and its fix, when one of an enum's
/// `variants` is close to the `text` written at `origin`.
pub(super) fn with_closest_variant(
    diagnostic: Diagnostic,
    text: &str,
    variants: &[String],
    origin: Origin,
) -> Diagnostic {
    match suggest::closest(text, variants.iter().map(String::as_str)) {
        Some(suggestion) => diagnostic
            .with_help(format!("did you mean `\"{suggestion}\"`?"))
            .with_fix(
                format!("replace with `\"{suggestion}\"`"),
                vec![Edit {
                    source: origin.source,
                    span: origin.span,
                    replacement: format!("\"{suggestion}\""),
                }],
            ),
        None => diagnostic,
    }
}

pub(super) fn describe(expr: &Expr) -> String {
    match &expr.kind {
        ExprKind::Context(context) => format!("`{}`", context.describe()),
        _ => "the value".to_owned(),
    }
}

pub(super) fn quoted(variants: &[String]) -> String {
    variants
        .iter()
        .map(|variant| format!("`\"{variant}\"`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `a`, `b`, `c`.
pub(super) fn backticked(names: &[&str]) -> String {
    names
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
