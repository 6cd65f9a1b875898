//! [`Cond`] as text: GitLab's `rules: if:` expressions, and POSIX shell
//! tests for step conditions.

use crate::backend::gitlab::condition::{Cond, Side, regex_escape};
use crate::backend::gitlab::numbers;
use crate::ir::CompareOp;

/// The condition as GitLab's `if:` text.
pub fn gitlab(cond: &Cond) -> String {
    let mut out = String::new();
    write_gitlab(&mut out, cond, false);
    out
}

fn write_gitlab(out: &mut String, cond: &Cond, inside_all: bool) {
    match cond {
        // Never written by the rules (constants are folded away), but kept total.
        Cond::True => out.push_str("$CI_COMMIT_SHA"),
        Cond::False => out.push_str("$CI_COMMIT_SHA == null"),
        Cond::Equals { name, value, equal } => {
            let op = if *equal { "==" } else { "!=" };
            match value {
                Side::Variable(other) => out.push_str(&format!("${name} {op} ${other}")),
                Side::Literal(text) => match gitlab_string(text) {
                    Some(quoted) => out.push_str(&format!("${name} {op} {quoted}")),
                    None => {
                        let op = if *equal { "=~" } else { "!~" };
                        out.push_str(&format!("${name} {op} /^{}$/", regex_escape(text)));
                    }
                },
            }
        }
        Cond::Present { name, present } => {
            if *present {
                out.push('$');
                out.push_str(name);
            } else if inside_all {
                out.push_str(&format!("(${name} == null || ${name} == \"\")"));
            } else {
                out.push_str(&format!("${name} == null || ${name} == \"\""));
            }
        }
        Cond::Matches {
            name,
            regex,
            matches,
        } => {
            let op = if *matches { "=~" } else { "!~" };
            out.push_str(&format!("${name} {op} /{regex}/"));
        }
        Cond::Order { name, op, value } => {
            let number = match value {
                Side::Literal(text) => text.parse::<i64>().ok(),
                Side::Variable(_) => None,
            };
            let Some(number) = number else {
                // The checker rejects ordering comparisons GitLab cannot express.
                out.push_str("$CI_COMMIT_SHA == null");
                return;
            };
            let (bound, at_least) = match op {
                CompareOp::GtEq => (Some(number), true),
                CompareOp::Gt => (number.checked_add(1), true),
                CompareOp::Lt => (Some(number), false),
                CompareOp::LtEq => (number.checked_add(1), false),
                CompareOp::Eq | CompareOp::NotEq => (Some(number), true),
            };
            match bound {
                Some(bound) => {
                    let op = if at_least { "=~" } else { "!~" };
                    out.push_str(&format!("${name} {op} /{}/", numbers::at_least(bound)));
                }
                // `x > i64::MAX` never holds, `x <= i64::MAX` always does.
                None if at_least => out.push_str(&format!("${name} == null && ${name} != null")),
                None => out.push_str(&format!("${name} == null || ${name} != null")),
            }
        }
        Cond::All(operands) => {
            for (index, operand) in operands.iter().enumerate() {
                if index > 0 {
                    out.push_str(" && ");
                }
                write_gitlab(out, operand, true);
            }
        }
        Cond::Any(operands) => {
            if inside_all {
                out.push('(');
            }
            for (index, operand) in operands.iter().enumerate() {
                if index > 0 {
                    out.push_str(" || ");
                }
                write_gitlab(out, operand, false);
            }
            if inside_all {
                out.push(')');
            }
        }
    }
}

/// A GitLab string literal: double quotes, or single quotes when the text
/// holds a double quote; `None` when it holds both (GitLab has no escapes).
fn gitlab_string(text: &str) -> Option<String> {
    if !text.contains('"') {
        Some(format!("\"{text}\""))
    } else if !text.contains('\'') {
        Some(format!("'{text}'"))
    } else {
        None
    }
}

/// The condition as a POSIX shell command list, for a step's `if`.
pub fn shell(cond: &Cond) -> String {
    let mut out = String::new();
    write_shell(&mut out, cond, Nesting::Top);
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Nesting {
    Top,
    InAll,
    InAny,
}

fn write_shell(out: &mut String, cond: &Cond, nesting: Nesting) {
    match cond {
        Cond::True => out.push_str("true"),
        Cond::False => out.push_str("false"),
        Cond::Equals { name, value, equal } => {
            let op = if *equal { "=" } else { "!=" };
            out.push_str(&format!("[ \"${{{name}}}\" {op} {} ]", shell_side(value)));
        }
        Cond::Present { name, present } => {
            let flag = if *present { "-n" } else { "-z" };
            out.push_str(&format!("[ {flag} \"${{{name}}}\" ]"));
        }
        Cond::Matches {
            name,
            regex,
            matches,
        } => {
            if !matches {
                out.push_str("! ");
            }
            // grep -E reads `/` plainly and warns about `\/`.
            let regex = regex.replace("\\/", "/");
            out.push_str(&format!(
                "printf '%s' \"${{{name}}}\" | grep -Eq {}",
                shell_quote(&regex)
            ));
        }
        Cond::Order { name, op, value } => {
            let flag = match op {
                CompareOp::Lt => "-lt",
                CompareOp::Gt => "-gt",
                CompareOp::LtEq => "-le",
                CompareOp::GtEq => "-ge",
                CompareOp::Eq => "-eq",
                CompareOp::NotEq => "-ne",
            };
            out.push_str(&format!("[ \"${{{name}}}\" {flag} {} ]", shell_side(value)));
        }
        Cond::All(operands) | Cond::Any(operands) => {
            let (separator, own) = if matches!(cond, Cond::All(_)) {
                (" && ", Nesting::InAll)
            } else {
                (" || ", Nesting::InAny)
            };
            let grouped = nesting != Nesting::Top && nesting != own;
            if grouped {
                out.push_str("{ ");
            }
            for (index, operand) in operands.iter().enumerate() {
                if index > 0 {
                    out.push_str(separator);
                }
                write_shell(out, operand, own);
            }
            if grouped {
                out.push_str("; }");
            }
        }
    }
}

fn shell_side(side: &Side) -> String {
    match side {
        Side::Literal(text) => shell_quote(text),
        Side::Variable(name) => format!("\"${{{name}}}\""),
    }
}

/// Single-quotes a word for a POSIX shell.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}
