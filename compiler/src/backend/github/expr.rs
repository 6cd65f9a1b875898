//! IR expressions → GitHub Actions expressions (`github.ref == 'refs/heads/main'`).
//!
//! The runtime context maps onto GitHub's contexts; comparisons of the
//! branch or tag with a literal compare the full ref, which is exact (for a
//! pull request `github.ref` is `refs/pull/N/merge`, never a branch ref).

use std::borrow::Cow;

use crate::glob;
use crate::ir::{
    CompareOp, Context, Expr, ExprKind, Input, InputType, Literal, Status, StringTest, TextPart,
};

/// What the translation needs to know about the pipeline.
pub struct Inputs<'a> {
    pub inputs: &'a [Input],
}

impl Inputs<'_> {
    fn find(&self, name: &str) -> Option<&Input> {
        self.inputs.iter().find(|input| input.name == name)
    }
}

/// A condition, as written after `if:` (without `${{ }}`).
pub fn condition(expr: &Expr, inputs: &Inputs<'_>) -> String {
    let mut out = String::new();
    write(&mut out, expr, inputs, Precedence::Or);
    out
}

/// A string value with `${{ … }}` around its runtime parts.
pub fn text(expr: &Expr, inputs: &Inputs<'_>) -> String {
    match &expr.kind {
        ExprKind::String(literal) => escape_expressions(literal).into_owned(),
        ExprKind::Text(parts) => {
            let mut out = String::new();
            for part in parts {
                match part {
                    TextPart::Literal(literal) => out.push_str(&escape_expressions(literal)),
                    TextPart::Expr(inner) => {
                        out.push_str("${{ ");
                        write(&mut out, inner, inputs, Precedence::Or);
                        out.push_str(" }}");
                    }
                }
            }
            out
        }
        ExprKind::Int(number) => number.to_string(),
        ExprKind::Bool(flag) => flag.to_string(),
        _ => {
            let mut out = String::from("${{ ");
            write(&mut out, expr, inputs, Precedence::Or);
            out.push_str(" }}");
            out
        }
    }
}

/// Literal text may not contain `${{`, which GitHub evaluates anywhere in a
/// value (a `run:` too): it is kept through an expression that yields it.
pub(super) fn escape_expressions(literal: &str) -> Cow<'_, str> {
    // Most text has no `$` at all, found by a byte search; a substring
    // search is set up anew for every call.
    if literal.as_bytes().contains(&b'$') && literal.contains("${{") {
        Cow::Owned(literal.replace("${{", "${{ '${{' }}"))
    } else {
        Cow::Borrowed(literal)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Precedence {
    Or,
    And,
    Compare,
    Unary,
}

fn write(out: &mut String, expr: &Expr, inputs: &Inputs<'_>, context: Precedence) {
    match &expr.kind {
        ExprKind::String(text) => string_literal(out, text),
        ExprKind::Int(number) => out.push_str(&number.to_string()),
        ExprKind::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        ExprKind::Duration(milliseconds) => out.push_str(&milliseconds.to_string()),
        ExprKind::Percent(percent) => out.push_str(&crate::lower::format_number(*percent)),
        ExprKind::Text(parts) => {
            // format('a{0}b', x)
            let mut pattern = String::new();
            let mut arguments = Vec::new();
            for part in parts {
                match part {
                    TextPart::Literal(text) => {
                        pattern.push_str(&text.replace('{', "{{").replace('}', "}}"))
                    }
                    TextPart::Expr(inner) => {
                        pattern.push_str(&format!("{{{}}}", arguments.len()));
                        let mut argument = String::new();
                        write(&mut argument, inner, inputs, Precedence::Or);
                        arguments.push(argument);
                    }
                }
            }
            out.push_str("format(");
            string_literal(out, &pattern);
            for argument in arguments {
                out.push_str(", ");
                out.push_str(&argument);
            }
            out.push(')');
        }
        ExprKind::Context(value) => context_value(out, value, inputs),
        ExprKind::Not(inner) => {
            out.push('!');
            write(out, inner, inputs, Precedence::Unary);
        }
        ExprKind::All(operands) => chain(out, operands, " && ", Precedence::And, context, inputs),
        ExprKind::Any(operands) => chain(out, operands, " || ", Precedence::Or, context, inputs),
        ExprKind::Compare { op, lhs, rhs } => {
            let open = context > Precedence::Compare;
            if open {
                out.push('(');
            }
            if !ref_comparison(out, *op, lhs, rhs) {
                write(out, lhs, inputs, Precedence::Unary);
                out.push(' ');
                out.push_str(op.symbol());
                out.push(' ');
                write_compared(out, rhs, lhs, inputs);
            }
            if open {
                out.push(')');
            }
        }
        ExprKind::OneOf { value, candidates } => {
            let comparisons: Vec<Expr> = candidates
                .iter()
                .map(|candidate| Expr {
                    kind: ExprKind::Compare {
                        op: CompareOp::Eq,
                        lhs: value.clone(),
                        rhs: Box::new(candidate.clone()),
                    },
                    ty: crate::types::Type::Bool,
                    origin: candidate.origin,
                })
                .collect();
            chain(out, &comparisons, " || ", Precedence::Or, context, inputs);
        }
        ExprKind::Test {
            test,
            value,
            pattern,
        } => test_call(out, *test, value, pattern, inputs, context),
        ExprKind::Status(status) => out.push_str(match status {
            Status::Success => "success()",
            Status::Failure => "failure()",
            Status::Always => "always()",
            Status::Cancelled => "cancelled()",
        }),
        ExprKind::HashFiles(globs) => {
            out.push_str("hashFiles(");
            for (index, pattern) in globs.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                string_literal(out, pattern);
            }
            out.push(')');
        }
        ExprKind::List(elements) => {
            out.push_str("fromJSON(");
            let json = serde_json::to_string(
                &elements
                    .iter()
                    .filter_map(|element| element.as_str())
                    .collect::<Vec<_>>(),
            )
            .unwrap_or_default();
            string_literal(out, &json);
            out.push(')');
        }
        ExprKind::Record(_)
        | ExprKind::Job(_)
        | ExprKind::Constructor { .. }
        | ExprKind::Call { .. }
        | ExprKind::Parameter(_)
        | ExprKind::Metric(_)
        | ExprKind::Error => out.push_str("''"),
    }
}

fn chain(
    out: &mut String,
    operands: &[Expr],
    separator: &str,
    own: Precedence,
    context: Precedence,
    inputs: &Inputs<'_>,
) {
    let open = context > own;
    if open {
        out.push('(');
    }
    for (index, operand) in operands.iter().enumerate() {
        if index > 0 {
            out.push_str(separator);
        }
        let inner = if own == Precedence::Or {
            Precedence::And
        } else {
            Precedence::Compare
        };
        write(out, operand, inputs, inner);
    }
    if open {
        out.push(')');
    }
}

/// The right side of a comparison; `event` values get GitHub's names.
fn write_compared(out: &mut String, value: &Expr, other: &Expr, inputs: &Inputs<'_>) {
    if matches!(other.kind, ExprKind::Context(Context::Event))
        && let Some(event) = value.as_str()
    {
        string_literal(out, event_name(event));
        return;
    }
    write(out, value, inputs, Precedence::Unary);
}

/// `git.branch == "main"` as `github.ref == 'refs/heads/main'`, and
/// `event == "manual"` as `github.event_name == 'workflow_dispatch'`.
fn ref_comparison(out: &mut String, op: CompareOp, lhs: &Expr, rhs: &Expr) -> bool {
    // Either side may be the literal.
    let (context, literal) = match (&lhs.kind, rhs.as_str(), &rhs.kind, lhs.as_str()) {
        (ExprKind::Context(context), Some(literal), _, _) => (context, literal),
        (_, _, ExprKind::Context(context), Some(literal)) => (context, literal),
        _ => return false,
    };
    if *context == Context::Event && matches!(op, CompareOp::Eq | CompareOp::NotEq) {
        out.push_str("github.event_name ");
        out.push_str(op.symbol());
        out.push(' ');
        string_literal(out, event_name(literal));
        return true;
    }
    let prefix = match context {
        Context::Branch => "refs/heads/",
        Context::Tag => "refs/tags/",
        _ => return false,
    };
    if literal.is_empty() || !matches!(op, CompareOp::Eq | CompareOp::NotEq) {
        return false;
    }
    out.push_str("github.ref ");
    out.push_str(op.symbol());
    out.push(' ');
    string_literal(out, &[prefix, literal].concat());
    true
}

fn test_call(
    out: &mut String,
    test: StringTest,
    value: &Expr,
    pattern: &Expr,
    inputs: &Inputs<'_>,
    context: Precedence,
) {
    let ref_prefix = match &value.kind {
        ExprKind::Context(Context::Branch) => Some("refs/heads/"),
        ExprKind::Context(Context::Tag) => Some("refs/tags/"),
        _ => None,
    };
    if test == StringTest::Matches {
        let glob_text = pattern.as_str().unwrap_or_default();
        // The checker lets through only patterns GitHub can express.
        if glob::is_literal(glob_text) {
            let comparison = Expr {
                kind: ExprKind::Compare {
                    op: CompareOp::Eq,
                    lhs: Box::new(value.clone()),
                    rhs: Box::new(pattern.clone()),
                },
                ty: crate::types::Type::Bool,
                origin: pattern.origin,
            };
            write(out, &comparison, inputs, context);
            return;
        }
        let prefix = glob::as_prefix(glob_text).unwrap_or_default();
        let prefixed = Expr {
            kind: ExprKind::String(prefix.to_owned()),
            ..pattern.clone()
        };
        test_call(
            out,
            StringTest::StartsWith,
            value,
            &prefixed,
            inputs,
            context,
        );
        return;
    }
    let function = match test {
        StringTest::StartsWith => "startsWith",
        StringTest::EndsWith => "endsWith",
        StringTest::Contains | StringTest::Matches => "contains",
    };
    out.push_str(function);
    out.push('(');
    match (ref_prefix, test, pattern.as_str()) {
        (Some(prefix), StringTest::StartsWith, Some(literal)) => {
            out.push_str("github.ref, ");
            string_literal(out, &[prefix, literal].concat());
        }
        _ => {
            write(out, value, inputs, Precedence::Or);
            out.push_str(", ");
            write(out, pattern, inputs, Precedence::Or);
        }
    }
    out.push(')');
}

fn context_value(out: &mut String, value: &Context, inputs: &Inputs<'_>) {
    match value {
        Context::Branch => {
            out.push_str("(github.event_name != 'pull_request' && github.ref_type == 'branch' && github.ref_name || '')");
        }
        Context::Tag => out.push_str("(github.ref_type == 'tag' && github.ref_name || '')"),
        Context::Sha => out.push_str("github.sha"),
        Context::Ref => out.push_str("github.ref"),
        Context::CommitMessage => out.push_str("github.event.head_commit.message"),
        Context::Event => {
            out.push_str(
                "(github.event_name == 'workflow_dispatch' && 'manual' || github.event_name)",
            );
        }
        Context::PrBase => out.push_str("github.base_ref"),
        Context::PrHead => out.push_str("github.head_ref"),
        Context::PrTitle => out.push_str("github.event.pull_request.title"),
        Context::PrBody => out.push_str("github.event.pull_request.body"),
        Context::PrNumber => out.push_str("github.event.pull_request.number"),
        Context::PrDraft => out.push_str("(github.event.pull_request.draft == true)"),
        Context::Input(name) => input_value(out, name, inputs),
        Context::Matrix(key) => {
            out.push_str("matrix.");
            out.push_str(key);
        }
        Context::JobOutput { job, output } => {
            for part in ["needs.", job, ".outputs.", output] {
                out.push_str(part);
            }
        }
        Context::StepOutput { step, output } => {
            for part in ["steps.", step, ".outputs.", output] {
                out.push_str(part);
            }
        }
        Context::Env(name) => {
            out.push_str("env.");
            out.push_str(name);
        }
        Context::Secret(name) => {
            out.push_str("secrets.");
            out.push_str(name);
        }
        Context::Var(name) => {
            out.push_str("vars.");
            out.push_str(name);
        }
    }
}

/// `inputs.NAME`, with the input's default on events other than a manual
/// run (GitHub leaves `inputs` empty then).
fn input_value(out: &mut String, name: &str, inputs: &Inputs<'_>) {
    let reference = format!("inputs.{name}");
    let Some(input) = inputs.find(name) else {
        out.push_str(&reference);
        return;
    };
    match (&input.ty, &input.default) {
        (InputType::Bool, Some(Literal::Bool(true))) => {
            out.push_str(&format!(
                "(github.event_name != 'workflow_dispatch' || {reference})"
            ));
        }
        (InputType::Bool, _) => out.push_str(&format!("({reference} == true)")),
        (_, Some(default)) => {
            out.push('(');
            out.push_str(&reference);
            out.push_str(" || ");
            match default {
                Literal::String(text) => string_literal(out, text),
                Literal::Int(number) => out.push_str(&number.to_string()),
                Literal::Bool(flag) => out.push_str(&flag.to_string()),
            }
            out.push(')');
        }
        (_, None) => out.push_str(&reference),
    }
}

/// The name GitHub gives an event of `.pipe`.
pub fn event_name(event: &str) -> &str {
    match event {
        "manual" => "workflow_dispatch",
        other => other,
    }
}

fn string_literal(out: &mut String, text: &str) {
    out.push('\'');
    if text.contains('\'') {
        out.push_str(&text.replace('\'', "''"));
    } else {
        out.push_str(text);
    }
    out.push('\'');
}
