//! POSIX shell text for backends that run a job's steps as one script:
//! quoting, string values whose runtime parts are read from environment
//! variables, and step conditions as shell tests.
//!
//! Nothing here pastes a runtime value into shell text: a runtime part
//! becomes a `"${NAME}"` expansion of the variable the caller names, which
//! the shell expands as data, never as code.

use crate::glob;
use crate::ir::{CompareOp, Expr, ExprKind, StringTest, TextPart};
use crate::types::Type;

/// `text` as one single-quoted shell word.
pub fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// `text` escaped for the inside of a double-quoted shell word.
fn escape_double_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        if matches!(character, '\\' | '"' | '$' | '`') {
            out.push('\\');
        }
        out.push(character);
    }
    out
}

/// A string value as one double-quoted shell word; each runtime part is
/// `${NAME}` with the name `variable` gives it.
pub fn word(value: &Expr, variable: &dyn Fn(&Expr) -> String) -> String {
    let mut out = String::from("\"");
    match &value.kind {
        ExprKind::String(text) => out.push_str(&escape_double_quoted(text)),
        ExprKind::Int(number) => out.push_str(&number.to_string()),
        ExprKind::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        ExprKind::Text(parts) => {
            for part in parts {
                match part {
                    TextPart::Literal(text) => out.push_str(&escape_double_quoted(text)),
                    TextPart::Expr(inner) => {
                        out.push_str("${");
                        out.push_str(&variable(inner));
                        out.push('}');
                    }
                }
            }
        }
        ExprKind::Error => {}
        _ => {
            out.push_str("${");
            out.push_str(&variable(value));
            out.push('}');
        }
    }
    out.push('"');
    out
}

/// A condition as a shell command list that succeeds exactly when the
/// condition holds. A script that reaches a step has succeeded so far, so
/// `success()` reads as `true`; the other status predicates cannot be asked
/// inside a script (the capability table rejects them in step conditions).
pub fn condition(expr: &Expr, variable: &dyn Fn(&Expr) -> String) -> String {
    match &expr.kind {
        ExprKind::Bool(true) | ExprKind::Status(_) => "true".to_owned(),
        ExprKind::Bool(false) | ExprKind::Error => "false".to_owned(),
        ExprKind::Not(inner) => format!("! {}", group(inner, variable)),
        ExprKind::All(operands) => join(operands, " && ", variable),
        ExprKind::Any(operands) => join(operands, " || ", variable),
        ExprKind::Compare { op, lhs, rhs } => {
            let numeric = lhs.ty == Type::Int || rhs.ty == Type::Int;
            let operator = match (op, numeric) {
                (CompareOp::Eq, false) => "=",
                (CompareOp::NotEq, false) => "!=",
                (CompareOp::Eq, true) => "-eq",
                (CompareOp::NotEq, true) => "-ne",
                (CompareOp::Lt, _) => "-lt",
                (CompareOp::Gt, _) => "-gt",
                (CompareOp::LtEq, _) => "-le",
                (CompareOp::GtEq, _) => "-ge",
            };
            format!(
                "[ {} {operator} {} ]",
                word(lhs, variable),
                word(rhs, variable)
            )
        }
        ExprKind::OneOf { value, candidates } => {
            let patterns: Vec<String> = candidates
                .iter()
                .map(|candidate| word(candidate, variable))
                .collect();
            case(&word(value, variable), &patterns.join("|"))
        }
        ExprKind::Test {
            test,
            value,
            pattern,
        } => {
            let subject = word(value, variable);
            match test {
                StringTest::StartsWith => case(&subject, &format!("{}*", word(pattern, variable))),
                StringTest::EndsWith => case(&subject, &format!("*{}", word(pattern, variable))),
                StringTest::Contains => case(&subject, &format!("*{}*", word(pattern, variable))),
                StringTest::Matches => format!(
                    "printf '%s\\n' {subject} | grep -Eq {}",
                    // Extended regular expressions need no `\/`; GNU grep warns about it.
                    quote(
                        &glob::to_regex(pattern.as_str().unwrap_or_default()).replace("\\/", "/")
                    )
                ),
            }
        }
        // A bool value read at run time: an input or an output.
        _ => format!("[ {} = true ]", word(expr, variable)),
    }
}

fn group(expr: &Expr, variable: &dyn Fn(&Expr) -> String) -> String {
    match &expr.kind {
        ExprKind::All(_) | ExprKind::Any(_) | ExprKind::Not(_) => {
            format!("{{ {}; }}", condition(expr, variable))
        }
        _ => condition(expr, variable),
    }
}

fn join(operands: &[Expr], separator: &str, variable: &dyn Fn(&Expr) -> String) -> String {
    operands
        .iter()
        .map(|operand| group(operand, variable))
        .collect::<Vec<_>>()
        .join(separator)
}

/// A `case` that succeeds when `subject` matches `pattern`.
fn case(subject: &str, pattern: &str) -> String {
    format!("case {subject} in {pattern}) true ;; *) false ;; esac")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Context, Origin};
    use crate::span::{SourceId, Span};

    fn at() -> Origin {
        Origin::new(SourceId(0), Span::default())
    }

    fn context(context: Context, ty: Type) -> Expr {
        Expr::new(ExprKind::Context(context), ty, at())
    }

    fn string(text: &str) -> Expr {
        Expr::new(ExprKind::String(text.to_owned()), Type::String, at())
    }

    fn name(expr: &Expr) -> String {
        match &expr.kind {
            ExprKind::Context(context) => crate::backend::names::env_name(context),
            _ => "PIPE_VALUE".to_owned(),
        }
    }

    #[test]
    fn literal_text_is_quoted_and_runtime_parts_are_variables() {
        let value = Expr::new(
            ExprKind::Text(vec![
                TextPart::Literal("a \"$b\" `c` ".into()),
                TextPart::Expr(Box::new(context(Context::Sha, Type::String))),
            ]),
            Type::String,
            at(),
        );
        assert_eq!(word(&value, &name), "\"a \\\"\\$b\\\" \\`c\\` ${GIT_SHA}\"");
        assert_eq!(quote("it's"), "'it'\\''s'");
    }

    #[test]
    fn conditions_become_tests_over_environment_variables() {
        let branch = context(Context::Branch, Type::String);
        let equal = Expr::new(
            ExprKind::Compare {
                op: CompareOp::Eq,
                lhs: Box::new(branch.clone()),
                rhs: Box::new(string("main")),
            },
            Type::Bool,
            at(),
        );
        let starts = Expr::new(
            ExprKind::Test {
                test: StringTest::StartsWith,
                value: Box::new(branch.clone()),
                pattern: Box::new(string("release/")),
            },
            Type::Bool,
            at(),
        );
        let either = Expr::new(ExprKind::Any(vec![equal, starts]), Type::Bool, at());
        let negated = Expr::new(ExprKind::Not(Box::new(either)), Type::Bool, at());
        assert_eq!(
            condition(&negated, &name),
            "! { [ \"${GIT_BRANCH}\" = \"main\" ] || case \"${GIT_BRANCH}\" in \"release/\"*) true ;; *) false ;; esac; }"
        );
        let glob = Expr::new(
            ExprKind::Test {
                test: StringTest::Matches,
                value: Box::new(branch),
                pattern: Box::new(string("feature/*")),
            },
            Type::Bool,
            at(),
        );
        assert_eq!(
            condition(&glob, &name),
            "printf '%s\\n' \"${GIT_BRANCH}\" | grep -Eq '^feature/[^/]*$'"
        );
    }
}
