//! Job conditions → a DAG task's `depends` and `when`.
//!
//! `depends` says which results of the needed tasks let the task be
//! considered: by default every needed job succeeded (`a.Succeeded`; a job
//! with `allow_failure` always does, its failure is caught inside its
//! task). A condition with a status predicate is decided by `when`
//! instead, once every needed task is done.
//!
//! `when` is an Argo expression tag (`{{= … }}`), evaluated by Argo with
//! the workflow parameters as variables: a branch name or a manual input
//! is data to the expression, never part of its text, so no value chosen
//! by whoever pushes can change what the condition says. Status predicates
//! read `tasks.X.status`, which Argo provides for every ancestor task.

use crate::backend::k8s::env::Values;
use crate::backend::k8s::naming;
use crate::glob;
use crate::ir::{Context, Expr, ExprKind, InputType, Job, Pipeline, Status, StringTest, TextPart};
use crate::types::Type;

/// The `depends` and `when` of the task of `job`.
pub fn task_condition(pipeline: &Pipeline, job: &Job) -> (Option<String>, Option<String>) {
    // A job whose artifacts are downloaded must have run before, so
    // `artifacts_from` counts as `needs` (Argo takes artifacts only from
    // tasks the task depends on).
    let mut needs: Vec<&Job> = Vec::new();
    for need in job.needs.iter().chain(&job.artifacts_from) {
        if let Some(needed) = pipeline.job(&need.job)
            && !needs.iter().any(|known| known.name == needed.name)
        {
            needs.push(needed);
        }
    }
    let with_status = job.condition.as_ref().is_some_and(Expr::mentions_status);
    let depends: Vec<String> = needs
        .iter()
        .map(|needed| {
            let task = naming::job_template(needed);
            if with_status {
                format!(
                    "({task}.Succeeded || {task}.Failed || {task}.Errored || {task}.Skipped || {task}.Omitted)"
                )
            } else {
                format!("{task}.Succeeded")
            }
        })
        .collect();
    let depends = (!depends.is_empty()).then(|| depends.join(" && "));
    let when = job.condition.as_ref().map(|condition| {
        let translator = Translator {
            values: Values::new(pipeline, Some(job)),
            pipeline,
            job: Some(job),
            env_depth: std::cell::Cell::new(0),
        };
        format!("{{{{= {} }}}}", translator.expression(condition))
    });
    (depends, when)
}

/// A condition on the workflow's parameters alone (no job's status), as
/// a `when`: that of a task submitting a follower.
pub fn pipeline_condition(pipeline: &Pipeline, condition: &Expr) -> String {
    let translator = Translator {
        values: Values::new(pipeline, None),
        pipeline,
        job: None,
        env_depth: std::cell::Cell::new(0),
    };
    format!("{{{{= {} }}}}", translator.expression(condition))
}

/// The condition of a notification on the workflow's final status.
pub fn notify_condition(when: &[Status]) -> Option<String> {
    let has = |status| when.contains(&status);
    if has(Status::Always) || (has(Status::Success) && has(Status::Failure)) {
        return None;
    }
    Some(if has(Status::Failure) {
        "{{= workflow.status != 'Succeeded' }}".to_owned()
    } else {
        "{{= workflow.status == 'Succeeded' }}".to_owned()
    })
}

/// How tightly an expression binds, loosest first (Argo's expression
/// language: `||`, `&&`, comparisons, `+`, then atoms).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Or,
    And,
    Compare,
    Sum,
    Atom,
}

struct Translator<'a> {
    values: Values<'a>,
    pipeline: &'a Pipeline,
    /// `None` for a condition of no job's.
    job: Option<&'a Job>,
    /// How many `env.X` values are being translated inside each other.
    env_depth: std::cell::Cell<u32>,
}

/// How deep `env.X` values are followed into each other.
const MAX_ENV_DEPTH: u32 = 8;

impl Translator<'_> {
    fn expression(&self, expr: &Expr) -> String {
        self.at(expr, Level::Or)
    }

    /// `expr` written where an operator of `level` surrounds it, with
    /// parentheses only where the expression language needs them.
    fn at(&self, expr: &Expr, level: Level) -> String {
        let (text, own) = match &expr.kind {
            ExprKind::String(text) => (literal(text), Level::Atom),
            ExprKind::Int(number) => (number.to_string(), Level::Atom),
            ExprKind::Bool(flag) => (flag.to_string(), Level::Atom),
            ExprKind::Text(parts) => {
                let pieces: Vec<String> = parts
                    .iter()
                    .map(|part| match part {
                        TextPart::Literal(text) => literal(text),
                        TextPart::Expr(inner) => self.at(inner, Level::Sum),
                    })
                    .collect();
                (pieces.join(" + "), Level::Sum)
            }
            ExprKind::Context(context) => (self.context(context, &expr.ty), Level::Atom),
            ExprKind::Not(inner) => (format!("!{}", self.at(inner, Level::Atom)), Level::Atom),
            ExprKind::All(operands) => (self.chain(operands, " && ", Level::And), Level::And),
            ExprKind::Any(operands) => (self.chain(operands, " || ", Level::Or), Level::Or),
            ExprKind::Compare { op, lhs, rhs } => (
                format!(
                    "{} {} {}",
                    self.at(lhs, Level::Sum),
                    op.symbol(),
                    self.at(rhs, Level::Sum)
                ),
                Level::Compare,
            ),
            ExprKind::OneOf { value, candidates } => {
                let candidates: Vec<String> = candidates
                    .iter()
                    .map(|candidate| self.at(candidate, Level::Or))
                    .collect();
                (
                    format!(
                        "{} in [{}]",
                        self.at(value, Level::Sum),
                        candidates.join(", ")
                    ),
                    Level::Compare,
                )
            }
            ExprKind::Test {
                test,
                value,
                pattern,
            } => {
                let subject = self.at(value, Level::Sum);
                let operator = match test {
                    StringTest::StartsWith => "startsWith",
                    StringTest::EndsWith => "endsWith",
                    StringTest::Contains => "contains",
                    StringTest::Matches => "matches",
                };
                let pattern = if *test == StringTest::Matches {
                    literal(&glob::to_regex(pattern.as_str().unwrap_or_default()))
                } else {
                    self.at(pattern, Level::Sum)
                };
                (format!("{subject} {operator} {pattern}"), Level::Compare)
            }
            ExprKind::Status(status) => self.status(*status),
            _ => ("''".to_owned(), Level::Atom),
        };
        if own < level {
            format!("({text})")
        } else {
            text
        }
    }

    fn chain(&self, operands: &[Expr], separator: &str, level: Level) -> String {
        let inner = if level == Level::Or {
            Level::And
        } else {
            Level::Compare
        };
        let parts: Vec<String> = operands
            .iter()
            .map(|operand| self.at(operand, inner))
            .collect();
        parts.join(separator)
    }

    fn context(&self, context: &Context, ty: &Type) -> String {
        if let Some(parameter) = naming::git_parameter(context) {
            let value = parameter_reference(parameter);
            return if *context == Context::PrDraft {
                format!("({value} == 'true')")
            } else {
                value
            };
        }
        match context {
            Context::Input(name) => {
                let value = parameter_reference(name);
                let input_type = self
                    .pipeline
                    .triggers
                    .manual
                    .as_ref()
                    .and_then(|manual| manual.inputs.iter().find(|input| input.name == *name))
                    .map(|input| &input.ty);
                match (input_type, ty) {
                    (Some(InputType::Bool), _) | (None, Type::Bool) => {
                        format!("({value} == 'true')")
                    }
                    (Some(InputType::Int), _) | (None, Type::Int) => format!("int({value})"),
                    _ => value,
                }
            }
            Context::JobOutput { job, output } => format!(
                "tasks{}.outputs.parameters{}",
                member(&crate::backend::names::dns_label(job)),
                member(output)
            ),
            // A variable of the pipeline or the job: its value, read as an
            // expression of its own (a few levels deep, in case of a cycle).
            Context::Env(name) => match self.values.env_value(name) {
                Some(value) if self.env_depth.get() < MAX_ENV_DEPTH => {
                    self.env_depth.set(self.env_depth.get() + 1);
                    let text = self.at(value, Level::Atom);
                    self.env_depth.set(self.env_depth.get() - 1);
                    text
                }
                _ => "''".to_owned(),
            },
            // The capability table rejects the rest in job conditions.
            _ => "''".to_owned(),
        }
    }

    /// A status predicate over the tasks this one comes after.
    fn status(&self, status: Status) -> (String, Level) {
        let joined =
            |checks: Vec<String>, separator: &str, level: Level, empty: &str| match checks.len() {
                0 => (empty.to_owned(), Level::Atom),
                1 => (checks.concat(), Level::Compare),
                _ => (checks.join(separator), level),
            };
        match status {
            Status::Always => ("true".to_owned(), Level::Atom),
            Status::Cancelled => ("false".to_owned(), Level::Atom),
            Status::Success => {
                let checks: Vec<String> = self
                    .job
                    .map_or(&[][..], |job| &job.needs)
                    .iter()
                    .filter_map(|need| self.pipeline.job(&need.job))
                    .map(|needed| format!("{} == 'Succeeded'", task_status(needed)))
                    .collect();
                joined(checks, " && ", Level::And, "true")
            }
            Status::Failure => {
                let checks: Vec<String> = self
                    .job
                    .map(|job| ancestors(self.pipeline, job))
                    .unwrap_or_default()
                    .into_iter()
                    .map(|ancestor| format!("{} in ['Failed', 'Error']", task_status(ancestor)))
                    .collect();
                joined(checks, " || ", Level::Or, "false")
            }
        }
    }
}

fn task_status(job: &Job) -> String {
    format!("tasks{}.status", member(&naming::job_template(job)))
}

/// Every job `job` needs, directly or through others, in pipeline order.
fn ancestors<'p>(pipeline: &'p Pipeline, job: &Job) -> Vec<&'p Job> {
    let mut seen: Vec<&str> = Vec::new();
    let mut stack: Vec<&str> = job.needs.iter().map(|need| need.job.as_str()).collect();
    while let Some(name) = stack.pop() {
        if seen.contains(&name) {
            continue;
        }
        seen.push(name);
        if let Some(needed) = pipeline.job(name) {
            stack.extend(needed.needs.iter().map(|need| need.job.as_str()));
        }
    }
    pipeline
        .jobs
        .iter()
        .filter(|candidate| seen.contains(&candidate.name.as_str()))
        .collect()
}

/// `workflow.parameters.NAME`, or with brackets for names that are not
/// identifiers of Argo's expression language.
fn parameter_reference(name: &str) -> String {
    format!("workflow.parameters{}", member(name))
}

pub fn member(name: &str) -> String {
    let identifier = name
        .chars()
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && name
            .chars()
            .all(|character| character.is_ascii_alphanumeric() || character == '_');
    if identifier {
        format!(".{name}")
    } else {
        format!("[{}]", literal(name))
    }
}

/// A string literal of Argo's expression language. Braces are escaped so
/// that no `}}` in the text ends the expression tag early.
pub fn literal(text: &str) -> String {
    let mut out = String::from("'");
    for character in text.chars() {
        match character {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '{' => out.push_str("\\u007b"),
            '}' => out.push_str("\\u007d"),
            other => out.push(other),
        }
    }
    out.push('\'');
    out
}
