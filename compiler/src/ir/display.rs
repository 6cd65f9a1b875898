//! IR expressions written back in `.pipe` syntax, for messages, `pipec
//! graph` and `pipec plan`: `git.branch == "main" && !failure()`.

use std::fmt::{self, Write};

use crate::ir::{CompareOp, Expr, ExprKind, TextPart};

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_expr(f, self, 0)
    }
}

/// Binding strength: 0 `||`, 1 `&&`, 2 comparisons, 3 prefix and atoms.
fn write_expr(out: &mut impl Write, expr: &Expr, context: u8) -> fmt::Result {
    match &expr.kind {
        ExprKind::String(text) => write_string(out, text),
        ExprKind::Int(number) => write!(out, "{number}"),
        ExprKind::Bool(flag) => write!(out, "{flag}"),
        ExprKind::Duration(milliseconds) => {
            out.write_str(&crate::lower::format_duration(*milliseconds))
        }
        ExprKind::Percent(percent) => write!(out, "{}%", crate::lower::format_number(*percent)),
        ExprKind::Text(parts) => {
            out.write_char('"')?;
            for part in parts {
                match part {
                    TextPart::Literal(text) => out.write_str(&escape(text))?,
                    TextPart::Expr(inner) => {
                        out.write_str("${")?;
                        write_expr(out, inner, 0)?;
                        out.write_char('}')?;
                    }
                }
            }
            out.write_char('"')
        }
        ExprKind::List(elements) => {
            out.write_char('[')?;
            for (index, element) in elements.iter().enumerate() {
                if index > 0 {
                    out.write_str(", ")?;
                }
                write_expr(out, element, 0)?;
            }
            out.write_char(']')
        }
        ExprKind::Record(fields) | ExprKind::Constructor { fields, .. } => {
            if let ExprKind::Constructor { name, .. } = &expr.kind {
                write!(out, "{name} ")?;
            }
            out.write_str("{ ")?;
            for (index, (key, value)) in fields.iter().enumerate() {
                if index > 0 {
                    out.write_str(", ")?;
                }
                write!(out, "{key} = ")?;
                write_expr(out, value, 0)?;
            }
            out.write_str(" }")
        }
        ExprKind::Context(context) => out.write_str(&context.describe()),
        ExprKind::Not(inner) => {
            out.write_char('!')?;
            write_expr(out, inner, 3)
        }
        ExprKind::All(operands) => chain(out, operands, " && ", 1, context),
        ExprKind::Any(operands) => chain(out, operands, " || ", 0, context),
        ExprKind::Compare { op, lhs, rhs } => parenthesised(out, context > 2, |out| {
            write_expr(out, lhs, 3)?;
            write!(out, " {} ", op_symbol(*op))?;
            write_expr(out, rhs, 3)
        }),
        ExprKind::OneOf { value, candidates } => parenthesised(out, context > 2, |out| {
            write_expr(out, value, 3)?;
            out.write_str(" in [")?;
            for (index, candidate) in candidates.iter().enumerate() {
                if index > 0 {
                    out.write_str(", ")?;
                }
                write_expr(out, candidate, 0)?;
            }
            out.write_char(']')
        }),
        ExprKind::Test {
            test,
            value,
            pattern,
        } => {
            write_expr(out, value, 3)?;
            write!(out, ".{}(", test.method_name())?;
            write_expr(out, pattern, 0)?;
            out.write_char(')')
        }
        ExprKind::Status(status) => write!(out, "{}()", status.name()),
        ExprKind::HashFiles(globs) => {
            out.write_str("hash_files(")?;
            for (index, pattern) in globs.iter().enumerate() {
                if index > 0 {
                    out.write_str(", ")?;
                }
                write_string(out, pattern)?;
            }
            out.write_char(')')
        }
        ExprKind::Job(name) | ExprKind::Parameter(name) => out.write_str(name),
        ExprKind::Call {
            function,
            arguments,
        } => {
            write!(out, "{function}(")?;
            for (index, argument) in arguments.iter().enumerate() {
                if index > 0 {
                    out.write_str(", ")?;
                }
                write_expr(out, argument, 0)?;
            }
            out.write_char(')')
        }
        ExprKind::Metric(metric) => out.write_str(metric.name()),
        ExprKind::Error => out.write_str("?"),
    }
}

fn chain(
    out: &mut impl Write,
    operands: &[Expr],
    separator: &str,
    own: u8,
    context: u8,
) -> fmt::Result {
    parenthesised(out, context > own, |out| {
        for (index, operand) in operands.iter().enumerate() {
            if index > 0 {
                out.write_str(separator)?;
            }
            write_expr(out, operand, own + 1)?;
        }
        Ok(())
    })
}

fn parenthesised<W: Write>(
    out: &mut W,
    needed: bool,
    write: impl FnOnce(&mut W) -> fmt::Result,
) -> fmt::Result {
    if needed {
        out.write_char('(')?;
    }
    write(out)?;
    if needed {
        out.write_char(')')?;
    }
    Ok(())
}

fn op_symbol(op: CompareOp) -> &'static str {
    op.symbol()
}

fn write_string(out: &mut impl Write, text: &str) -> fmt::Result {
    write!(out, "\"{}\"", escape(text))
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
        .replace("${", "$${")
}
