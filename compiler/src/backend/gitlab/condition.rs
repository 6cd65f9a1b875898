//! Typed conditions → GitLab's `rules: - if:` expressions, and → shell
//! tests for step conditions.
//!
//! Both are built from one intermediate form, [`Cond`], in negation normal
//! form: GitLab's `if` has `==`, `!=`, `=~`, `!~`, `&&`, `||` and
//! parentheses but no `!`, no `<` and no way to build text, so negations
//! are pushed down to the comparisons, `x in [a, b]` becomes a chain of
//! `==`, string tests and globs become anchored regular expressions, and
//! ordering comparisons of an `int` with a literal become a regular
//! expression over decimal numbers (`numbers.rs`). Status predicates are
//! not part of it: [`job_rules`] splits them off into `when:`.

pub use crate::backend::gitlab::render::{gitlab, shell, shell_quote};
use crate::backend::gitlab::values::Dialect;
use crate::glob;
use crate::ir::{CompareOp, Context, Expr, ExprKind, Status, StringTest};

/// A condition over CI variables, negations pushed to the leaves.
#[derive(Clone, Debug, PartialEq)]
pub enum Cond {
    True,
    False,
    /// `$NAME == "value"` (or `!=`).
    Equals {
        name: String,
        value: Side,
        equal: bool,
    },
    /// Defined and not empty (`$NAME`), or undefined or empty.
    Present {
        name: String,
        present: bool,
    },
    /// `$NAME =~ /regex/` (or `!~`); the regex is anchored where the test is.
    Matches {
        name: String,
        regex: String,
        matches: bool,
    },
    /// `[ "$NAME" -ge 3 ]`: shell only; GitLab gets a number regex instead.
    Order {
        name: String,
        op: CompareOp,
        value: Side,
    },
    All(Vec<Cond>),
    Any(Vec<Cond>),
}

/// The right side of a comparison.
#[derive(Clone, Debug, PartialEq)]
pub enum Side {
    Literal(String),
    Variable(String),
}

/// The scenario a status predicate is evaluated in: what happened to the
/// jobs this one needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Succeeded,
    Failed,
}

/// Conjunction with constants folded and nested conjunctions flattened.
pub fn all(operands: Vec<Cond>) -> Cond {
    let mut kept = Vec::new();
    for operand in operands {
        match operand {
            Cond::True => {}
            Cond::False => return Cond::False,
            Cond::All(inner) => kept.extend(inner),
            other => kept.push(other),
        }
    }
    match kept.len() {
        0 => Cond::True,
        1 => kept.pop().unwrap_or(Cond::True),
        _ => Cond::All(kept),
    }
}

/// Disjunction with constants folded and nested disjunctions flattened.
pub fn any(operands: Vec<Cond>) -> Cond {
    let mut kept = Vec::new();
    for operand in operands {
        match operand {
            Cond::False => {}
            Cond::True => return Cond::True,
            Cond::Any(inner) => kept.extend(inner),
            other => kept.push(other),
        }
    }
    match kept.len() {
        0 => Cond::False,
        1 => kept.pop().unwrap_or(Cond::False),
        _ => Cond::Any(kept),
    }
}

/// `expr` (a `bool`) as a [`Cond`], with status predicates read as what
/// they are when the needed jobs had `outcome`.
pub fn translate(expr: &Expr, outcome: Outcome, dialect: &Dialect) -> Cond {
    Translator { outcome, dialect }.cond(expr, true)
}

struct Translator<'a> {
    outcome: Outcome,
    dialect: &'a Dialect,
}

/// One side of a comparison in the IR.
enum Operand {
    Variable(Context),
    Literal(String),
    Unknown,
}

impl Translator<'_> {
    fn cond(&self, expr: &Expr, positive: bool) -> Cond {
        match &expr.kind {
            ExprKind::Bool(flag) => constant(*flag == positive),
            ExprKind::Not(inner) => self.cond(inner, !positive),
            ExprKind::All(operands) => {
                let parts = operands.iter().map(|op| self.cond(op, positive)).collect();
                if positive { all(parts) } else { any(parts) }
            }
            ExprKind::Any(operands) => {
                let parts = operands.iter().map(|op| self.cond(op, positive)).collect();
                if positive { any(parts) } else { all(parts) }
            }
            ExprKind::Status(status) => {
                let holds = match (status, self.outcome) {
                    (Status::Always, _) => true,
                    (Status::Cancelled, _) => false,
                    (Status::Success, outcome) => outcome == Outcome::Succeeded,
                    (Status::Failure, outcome) => outcome == Outcome::Failed,
                };
                constant(holds == positive)
            }
            ExprKind::Context(context) => self.equals(context, "true", positive),
            ExprKind::Compare { op, lhs, rhs } => self.compare(*op, lhs, rhs, positive),
            ExprKind::OneOf { value, candidates } => {
                let parts = candidates
                    .iter()
                    .map(|candidate| self.compare(CompareOp::Eq, value, candidate, positive))
                    .collect();
                if positive { any(parts) } else { all(parts) }
            }
            ExprKind::Test {
                test,
                value,
                pattern,
            } => self.test(*test, value, pattern, positive),
            // Everything else is not a condition the checker lets through.
            _ => constant(!positive),
        }
    }

    fn operand(&self, expr: &Expr) -> Operand {
        match &expr.kind {
            ExprKind::Context(context) => Operand::Variable(context.clone()),
            ExprKind::String(text) => Operand::Literal(text.clone()),
            ExprKind::Int(number) => Operand::Literal(number.to_string()),
            ExprKind::Bool(flag) => Operand::Literal(flag.to_string()),
            _ => Operand::Unknown,
        }
    }

    fn compare(&self, op: CompareOp, lhs: &Expr, rhs: &Expr, positive: bool) -> Cond {
        let (op, left, right) = match (self.operand(lhs), self.operand(rhs)) {
            (Operand::Literal(text), Operand::Variable(context)) => (
                mirrored(op),
                Operand::Variable(context),
                Operand::Literal(text),
            ),
            (left, right) => (op, left, right),
        };
        let op = if positive { op } else { negated(op) };
        match (left, right) {
            (Operand::Literal(a), Operand::Literal(b)) => constant(literal_compare(op, &a, &b)),
            (Operand::Variable(context), Operand::Literal(text)) => match op {
                CompareOp::Eq => self.equals(&context, &text, true),
                CompareOp::NotEq => self.equals(&context, &text, false),
                _ => Cond::Order {
                    name: self.dialect.variable(&context),
                    op,
                    value: Side::Literal(text),
                },
            },
            (Operand::Variable(left), Operand::Variable(right)) => {
                let name = self.dialect.variable(&left);
                let value = Side::Variable(self.dialect.variable(&right));
                match op {
                    CompareOp::Eq | CompareOp::NotEq => Cond::Equals {
                        name,
                        value,
                        equal: op == CompareOp::Eq,
                    },
                    _ => Cond::Order { name, op, value },
                }
            }
            _ => constant(op == CompareOp::NotEq),
        }
    }

    /// `context == text` (or `!=`), in the spelling GitLab knows.
    fn equals(&self, context: &Context, text: &str, equal: bool) -> Cond {
        match context {
            Context::Event => {
                let (name, value) = self.dialect.event_test(text);
                return Cond::Equals {
                    name,
                    value: Side::Literal(value),
                    equal,
                };
            }
            Context::Ref => {
                if let Some(branch) = text.strip_prefix("refs/heads/") {
                    return self.equals(&Context::Branch, branch, equal);
                }
                if let Some(tag) = text.strip_prefix("refs/tags/") {
                    return self.equals(&Context::Tag, tag, equal);
                }
            }
            _ => {}
        }
        let name = self.dialect.variable(context);
        if text.is_empty() {
            // An unset variable (`git.branch` of a tag) is empty too.
            return Cond::Present {
                name,
                present: !equal,
            };
        }
        Cond::Equals {
            name,
            value: Side::Literal(text.to_owned()),
            equal,
        }
    }

    fn test(&self, test: StringTest, value: &Expr, pattern: &Expr, positive: bool) -> Cond {
        let (Operand::Variable(context), Some(text)) = (self.operand(value), pattern.as_str())
        else {
            return constant(!positive);
        };
        let escaped = regex_escape(text);
        let regex = match test {
            StringTest::StartsWith => format!("^{escaped}"),
            StringTest::EndsWith => format!("{escaped}$"),
            StringTest::Contains => escaped,
            StringTest::Matches => slashes_escaped(&glob::to_regex(text)),
        };
        if let (Context::Ref, StringTest::StartsWith) = (&context, test) {
            // The common ref tests read better on the branch and tag.
            if text == "refs/tags/" {
                return self.equals(&Context::Tag, "", !positive);
            }
            if text == "refs/heads/" {
                return self.equals(&Context::Branch, "", !positive);
            }
        }
        Cond::Matches {
            name: self.dialect.variable(&context),
            regex,
            matches: positive,
        }
    }
}

fn constant(flag: bool) -> Cond {
    if flag { Cond::True } else { Cond::False }
}

/// `a < b` is `b > a`.
fn mirrored(op: CompareOp) -> CompareOp {
    match op {
        CompareOp::Lt => CompareOp::Gt,
        CompareOp::Gt => CompareOp::Lt,
        CompareOp::LtEq => CompareOp::GtEq,
        CompareOp::GtEq => CompareOp::LtEq,
        other => other,
    }
}

fn negated(op: CompareOp) -> CompareOp {
    match op {
        CompareOp::Eq => CompareOp::NotEq,
        CompareOp::NotEq => CompareOp::Eq,
        CompareOp::Lt => CompareOp::GtEq,
        CompareOp::GtEq => CompareOp::Lt,
        CompareOp::Gt => CompareOp::LtEq,
        CompareOp::LtEq => CompareOp::Gt,
    }
}

fn literal_compare(op: CompareOp, a: &str, b: &str) -> bool {
    let ordering = match (a.parse::<i64>(), b.parse::<i64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        _ => a.cmp(b),
    };
    match op {
        CompareOp::Eq => ordering.is_eq(),
        CompareOp::NotEq => ordering.is_ne(),
        CompareOp::Lt => ordering.is_lt(),
        CompareOp::Gt => ordering.is_gt(),
        CompareOp::LtEq => ordering.is_le(),
        CompareOp::GtEq => ordering.is_ge(),
    }
}

/// A literal as a regular expression matching itself (RE2), `/` included
/// so that it can stand between GitLab's `/…/`.
pub fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        if "\\.+*?()|[]{}^$/".contains(character) {
            out.push('\\');
        }
        out.push(character);
    }
    out
}

/// Escapes every `/` not already escaped (inside character sets too):
/// GitLab's pattern literal ends at the first bare `/`.
pub fn slashes_escaped(regex: &str) -> String {
    let mut out = String::with_capacity(regex.len() + 4);
    let mut escaped = false;
    for character in regex.chars() {
        if character == '/' && !escaped {
            out.push('\\');
        }
        escaped = character == '\\' && !escaped;
        out.push(character);
    }
    out
}

/// One entry of a job's `rules:`: an `if` (none for "always matches") and
/// the `when` it selects.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleEntry {
    pub condition: Option<Cond>,
    pub when: When,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    OnSuccess,
    OnFailure,
    Always,
}

impl When {
    pub fn keyword(self) -> &'static str {
        match self {
            When::OnSuccess => "on_success",
            When::OnFailure => "on_failure",
            When::Always => "always",
        }
    }
}

/// The rules of a job whose condition is `condition` (`None`: everything
/// it needs succeeded). With a status predicate the condition is read
/// twice, once as if the needed jobs succeeded (`a`) and once as if one
/// failed (`b`); the job runs `always` where both hold, `on_success` where
/// only `a` does and `on_failure` where only `b` does. The result is empty
/// when the job runs on success without a condition (GitLab's default),
/// and `None` when it never runs.
pub fn job_rules(condition: Option<&Expr>, dialect: &Dialect) -> Option<Vec<RuleEntry>> {
    let Some(condition) = condition else {
        return Some(Vec::new());
    };
    let on_success = translate(condition, Outcome::Succeeded, dialect);
    if !condition.mentions_status() {
        return match on_success {
            Cond::True => Some(Vec::new()),
            Cond::False => None,
            other => Some(vec![rule(Some(other), When::OnSuccess)]),
        };
    }
    let on_failure = translate(condition, Outcome::Failed, dialect);
    let rules = match (on_success, on_failure) {
        (Cond::False, Cond::False) => return None,
        (Cond::True, Cond::True) => vec![rule(None, When::Always)],
        (Cond::True, Cond::False) => Vec::new(),
        (Cond::False, Cond::True) => vec![rule(None, When::OnFailure)],
        (a, Cond::False) => vec![rule(Some(a), When::OnSuccess)],
        (Cond::False, b) => vec![rule(Some(b), When::OnFailure)],
        (Cond::True, b) => vec![rule(Some(b), When::Always), rule(None, When::OnSuccess)],
        (a, Cond::True) => vec![rule(Some(a), When::Always), rule(None, When::OnFailure)],
        (a, b) if a == b => vec![rule(Some(a), When::Always)],
        (a, b) => vec![
            rule(Some(all(vec![a.clone(), b.clone()])), When::Always),
            rule(Some(a), When::OnSuccess),
            rule(Some(b), When::OnFailure),
        ],
    };
    Some(rules)
}

fn rule(condition: Option<Cond>, when: When) -> RuleEntry {
    RuleEntry { condition, when }
}

#[cfg(test)]
#[path = "condition_tests.rs"]
mod tests;
