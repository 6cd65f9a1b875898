//! Evaluating conditions for an event, in three-valued logic: what is
//! known of the event (its kind, the branch or the filters it passed)
//! decides some conditions; the rest stay unknown.
//!
//! The static checks use it with what the triggers imply (a push to a
//! branch matching `branches`), `pipec plan` with the exact values a user
//! gives; both read the same rules.

use std::borrow::Cow;

use crate::glob;
use crate::ir::{CompareOp, Context, Expr, ExprKind, StringTest};

/// A truth value that may be unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Truth {
    True,
    False,
    Unknown,
}

impl Truth {
    fn from(value: bool) -> Truth {
        if value { Truth::True } else { Truth::False }
    }

    fn not(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        }
    }
}

/// What is known of a text value of the context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Known {
    /// Exactly this text (`""` for "not set", as a tag on a branch push).
    Exactly(String),
    /// Some text matching one of these globs (a trigger filter).
    Matching(Vec<String>),
    Unknown,
}

/// What is known of one event.
#[derive(Clone, Debug)]
pub struct Facts {
    /// `push`, `pull_request`, `schedule` or `manual`.
    pub event: String,
    pub branch: Known,
    pub tag: Known,
    /// The target branch of a pull request.
    pub base: Known,
    /// Manual inputs, as text.
    pub inputs: Vec<(String, String)>,
}

/// What is known of a text value while a condition is evaluated: a view
/// of the facts or of the condition's own literals, so that evaluating the
/// conditions of thousands of jobs copies no text.
enum Text<'a> {
    Exactly(Cow<'a, str>),
    Matching(&'a [String]),
    Unknown,
}

impl<'a> Text<'a> {
    fn of(known: &'a Known) -> Text<'a> {
        match known {
            Known::Exactly(text) => Text::Exactly(Cow::Borrowed(text)),
            Known::Matching(globs) => Text::Matching(globs),
            Known::Unknown => Text::Unknown,
        }
    }
}

impl Facts {
    fn known(&self, context: &Context) -> Text<'_> {
        let is_pull_request = self.event == "pull_request";
        let not_set = || Text::Exactly(Cow::Borrowed(""));
        match context {
            Context::Branch => Text::of(&self.branch),
            Context::Tag => Text::of(&self.tag),
            Context::Event => Text::Exactly(Cow::Borrowed(&self.event)),
            Context::PrBase => {
                if is_pull_request {
                    Text::of(&self.base)
                } else {
                    not_set()
                }
            }
            Context::PrHead | Context::PrTitle | Context::PrBody if !is_pull_request => not_set(),
            Context::Input(name) => self
                .inputs
                .iter()
                .find(|(input, _)| input == name)
                .map_or(Text::Unknown, |(_, value)| {
                    Text::Exactly(Cow::Borrowed(value))
                }),
            _ => Text::Unknown,
        }
    }
}

/// The value of `condition` for an event described by `facts`. Status
/// predicates are unknown: they depend on how earlier jobs went.
pub fn evaluate(condition: &Expr, facts: &Facts) -> Truth {
    match &condition.kind {
        ExprKind::Bool(value) => Truth::from(*value),
        ExprKind::Not(inner) => evaluate(inner, facts).not(),
        ExprKind::All(operands) => {
            let mut result = Truth::True;
            for operand in operands {
                match evaluate(operand, facts) {
                    Truth::False => return Truth::False,
                    Truth::Unknown => result = Truth::Unknown,
                    Truth::True => {}
                }
            }
            result
        }
        ExprKind::Any(operands) => {
            let mut result = Truth::False;
            for operand in operands {
                match evaluate(operand, facts) {
                    Truth::True => return Truth::True,
                    Truth::Unknown => result = Truth::Unknown,
                    Truth::False => {}
                }
            }
            result
        }
        ExprKind::Compare {
            op: op @ (CompareOp::Eq | CompareOp::NotEq),
            lhs,
            rhs,
        } => {
            let equal = equals(lhs, rhs, facts);
            if *op == CompareOp::Eq {
                equal
            } else {
                equal.not()
            }
        }
        ExprKind::Compare { op, lhs, rhs } => match (text_of(lhs, facts), text_of(rhs, facts)) {
            (Text::Exactly(a), Text::Exactly(b)) => match (a.parse::<i64>(), b.parse::<i64>()) {
                (Ok(a), Ok(b)) => Truth::from(match op {
                    CompareOp::Lt => a < b,
                    CompareOp::Gt => a > b,
                    CompareOp::LtEq => a <= b,
                    _ => a >= b,
                }),
                _ => Truth::Unknown,
            },
            _ => Truth::Unknown,
        },
        ExprKind::Context(_) => match text_of(condition, facts) {
            Text::Exactly(text) if text == "true" => Truth::True,
            Text::Exactly(text) if text == "false" || text.is_empty() => Truth::False,
            _ => Truth::Unknown,
        },
        ExprKind::OneOf { value, candidates } => {
            let mut result = Truth::False;
            for candidate in candidates {
                match equals(value, candidate, facts) {
                    Truth::True => return Truth::True,
                    Truth::Unknown => result = Truth::Unknown,
                    Truth::False => {}
                }
            }
            result
        }
        ExprKind::Test {
            test,
            value,
            pattern,
        } => {
            let Text::Exactly(pattern) = text_of(pattern, facts) else {
                return Truth::Unknown;
            };
            let holds = |text: &str| match test {
                StringTest::StartsWith => text.starts_with(&*pattern),
                StringTest::EndsWith => text.ends_with(&*pattern),
                StringTest::Contains => text.contains(&*pattern),
                StringTest::Matches => glob::matches(&pattern, text),
            };
            match text_of(value, facts) {
                Text::Exactly(text) => Truth::from(holds(&text)),
                Text::Matching(globs) if globs.iter().all(|pattern| glob::is_literal(pattern)) => {
                    let results: Vec<bool> = globs.iter().map(|pattern| holds(pattern)).collect();
                    if results.iter().all(|result| *result) {
                        Truth::True
                    } else if results.iter().all(|result| !*result) {
                        Truth::False
                    } else {
                        Truth::Unknown
                    }
                }
                _ => Truth::Unknown,
            }
        }
        _ => Truth::Unknown,
    }
}

/// Whether two values are equal, as far as the facts tell.
fn equals(lhs: &Expr, rhs: &Expr, facts: &Facts) -> Truth {
    match (text_of(lhs, facts), text_of(rhs, facts)) {
        (Text::Exactly(a), Text::Exactly(b)) => Truth::from(a == b),
        (Text::Matching(globs), Text::Exactly(text))
        | (Text::Exactly(text), Text::Matching(globs)) => {
            if globs.iter().any(|pattern| glob::matches(pattern, &text)) {
                if globs.len() == 1 && glob::is_literal(&globs[0]) {
                    Truth::True
                } else {
                    Truth::Unknown
                }
            } else {
                Truth::False
            }
        }
        _ => Truth::Unknown,
    }
}

fn text_of<'a>(expr: &'a Expr, facts: &'a Facts) -> Text<'a> {
    match &expr.kind {
        ExprKind::String(text) => Text::Exactly(Cow::Borrowed(text)),
        ExprKind::Int(number) => Text::Exactly(Cow::Owned(number.to_string())),
        ExprKind::Bool(flag) => Text::Exactly(Cow::Borrowed(if *flag { "true" } else { "false" })),
        ExprKind::Context(context) => facts.known(context),
        _ => Text::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Origin;
    use crate::span::{SourceId, Span};
    use crate::types::Type;

    fn expr(kind: ExprKind) -> Expr {
        Expr::new(kind, Type::Bool, Origin::new(SourceId(0), Span::default()))
    }

    fn branch_is(name: &str) -> Expr {
        expr(ExprKind::Compare {
            op: CompareOp::Eq,
            lhs: Box::new(expr(ExprKind::Context(Context::Branch))),
            rhs: Box::new(expr(ExprKind::String(name.to_owned()))),
        })
    }

    fn push_to(branches: &[&str]) -> Facts {
        Facts {
            event: "push".to_owned(),
            branch: Known::Matching(branches.iter().map(|branch| (*branch).to_owned()).collect()),
            tag: Known::Exactly(String::new()),
            base: Known::Exactly(String::new()),
            inputs: Vec::new(),
        }
    }

    #[test]
    fn a_branch_outside_the_filters_is_never_built() {
        assert_eq!(
            evaluate(&branch_is("main"), &push_to(&["develop", "feature/*"])),
            Truth::False
        );
        assert_eq!(
            evaluate(&branch_is("main"), &push_to(&["main", "develop"])),
            Truth::Unknown
        );
        assert_eq!(
            evaluate(&branch_is("main"), &push_to(&["main"])),
            Truth::True
        );
    }

    #[test]
    fn pull_requests_have_no_pushed_branch() {
        let facts = Facts {
            event: "pull_request".to_owned(),
            branch: Known::Exactly(String::new()),
            ..push_to(&[])
        };
        assert_eq!(evaluate(&branch_is("main"), &facts), Truth::False);
        let negated = expr(ExprKind::Not(Box::new(branch_is("main"))));
        assert_eq!(evaluate(&negated, &facts), Truth::True);
    }
}
