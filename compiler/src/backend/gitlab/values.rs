//! Runtime values as GitLab CI variables, and texts with runtime parts as
//! what GitLab or the shell expands.
//!
//! Every runtime value of `.pipe` is a CI variable on GitLab: the
//! predefined ones (`git.sha` is `$CI_COMMIT_SHA`), the variables pipec
//! defines (`inputs.target` is `$INPUTS_TARGET`, `matrix.python` is
//! `$MATRIX_PYTHON`, a job output is the variable of its producer's dotenv
//! report), and secrets and `vars.X`, which are CI/CD variables of the
//! project under their own names. Nothing is pasted into a script: the
//! script names the variable and the shell expands it.

use crate::backend::names;
use crate::ir::{Context, Expr, ExprKind, TextPart};

/// The variable that holds the event as `.pipe` names it (`push`,
/// `pull_request`, `schedule`, `manual`), set by the rule that started the
/// pipeline where something reads it.
pub const EVENT_VARIABLE: &str = "PIPE_EVENT";

/// The variable that holds the full ref (`refs/heads/main`), which GitLab
/// does not predefine; set by the rule that started the pipeline.
pub const REF_VARIABLE: &str = "PIPE_GIT_REF";

/// How the file being written reads the runtime context.
#[derive(Clone, Copy, Debug, Default)]
pub struct Dialect {
    /// A child pipeline: its `$CI_PIPELINE_SOURCE` is `parent_pipeline`,
    /// so conditions on the event read [`EVENT_VARIABLE`], which the
    /// trigger job passes down.
    pub child: bool,
}

impl Dialect {
    pub fn new(child: bool) -> Dialect {
        Dialect { child }
    }

    /// The CI variable that holds `context`.
    pub fn variable(&self, context: &Context) -> String {
        let predefined = match context {
            Context::Branch => "CI_COMMIT_BRANCH",
            Context::Tag => "CI_COMMIT_TAG",
            Context::Sha => "CI_COMMIT_SHA",
            Context::Ref => REF_VARIABLE,
            Context::CommitMessage => "CI_COMMIT_MESSAGE",
            Context::Event => EVENT_VARIABLE,
            Context::PrBase => "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
            Context::PrHead => "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",
            Context::PrTitle => "CI_MERGE_REQUEST_TITLE",
            Context::PrBody => "CI_MERGE_REQUEST_DESCRIPTION",
            Context::PrNumber => "CI_MERGE_REQUEST_IID",
            Context::PrDraft => "CI_MERGE_REQUEST_DRAFT",
            Context::Env(name) | Context::Secret(name) | Context::Var(name) => {
                return name.clone();
            }
            Context::Input(_)
            | Context::Matrix(_)
            | Context::JobOutput { .. }
            | Context::StepOutput { .. } => return names::env_name(context),
        };
        predefined.to_owned()
    }

    /// The variable and value a condition `event == "<event>"` compares.
    pub fn event_test(&self, event: &str) -> (String, String) {
        if self.child {
            (EVENT_VARIABLE.to_owned(), event.to_owned())
        } else {
            (
                "CI_PIPELINE_SOURCE".to_owned(),
                pipeline_source(event).to_owned(),
            )
        }
    }
}

/// GitLab's `$CI_PIPELINE_SOURCE` for an event of `.pipe`.
pub fn pipeline_source(event: &str) -> &str {
    match event {
        "pull_request" => "merge_request_event",
        "manual" => "web",
        other => other,
    }
}

/// A text for a place GitLab expands variables in (`variables:`, `image`,
/// `environment:url`, `resource_group`): runtime parts become `${NAME}`,
/// a literal `$` is written `$$`.
pub fn yaml_text(expr: &Expr, dialect: &Dialect) -> String {
    match &expr.kind {
        ExprKind::Context(context) => format!("${}", dialect.variable(context)),
        _ => text_with(expr, dialect, &|literal| literal.replace('$', "$$")),
    }
}

/// A text inside a shell double-quoted word: runtime parts become
/// `${NAME}`, and `"`, `$`, `` ` `` and `\` of the literal parts are escaped.
pub fn shell_text(expr: &Expr, dialect: &Dialect) -> String {
    text_with(expr, dialect, &|literal| {
        let mut out = String::with_capacity(literal.len());
        for character in literal.chars() {
            if matches!(character, '"' | '$' | '`' | '\\') {
                out.push('\\');
            }
            out.push(character);
        }
        out
    })
}

/// A script: literal parts as written, runtime parts as `${NAME}`.
pub fn script_text(expr: &Expr, dialect: &Dialect) -> String {
    text_with(expr, dialect, &str::to_owned)
}

fn text_with(expr: &Expr, dialect: &Dialect, literal: &dyn Fn(&str) -> String) -> String {
    match &expr.kind {
        ExprKind::String(text) => literal(text),
        ExprKind::Int(number) => number.to_string(),
        ExprKind::Bool(flag) => flag.to_string(),
        ExprKind::Context(context) => format!("${{{}}}", dialect.variable(context)),
        ExprKind::Text(parts) => {
            let mut out = String::new();
            for part in parts {
                match part {
                    TextPart::Literal(text) => out.push_str(&literal(text)),
                    TextPart::Expr(inner) => out.push_str(&text_with(inner, dialect, literal)),
                }
            }
            out
        }
        _ => String::new(),
    }
}

/// Whether a value is read from a job's or a step's output, which GitLab
/// knows only while the job runs (not when it expands `variables:`).
pub fn reads_outputs(expr: &Expr) -> bool {
    expr.contexts().iter().any(|context| {
        matches!(
            context,
            Context::JobOutput { .. } | Context::StepOutput { .. }
        )
    })
}

/// Milliseconds as GitLab writes durations: `7 days`, `1 hour 30 minutes`.
pub fn duration(milliseconds: u64) -> String {
    let mut seconds = milliseconds.div_ceil(1000).max(1);
    let mut parts = Vec::new();
    for (unit, size) in [
        ("day", 86_400),
        ("hour", 3_600),
        ("minute", 60),
        ("second", 1),
    ] {
        let count = seconds / size;
        if count > 0 {
            parts.push(format!(
                "{count} {unit}{}",
                if count == 1 { "" } else { "s" }
            ));
            seconds %= size;
        }
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_written_in_words_gitlab_parses() {
        assert_eq!(duration(7 * 86_400_000), "7 days");
        assert_eq!(duration(5_400_000), "1 hour 30 minutes");
        assert_eq!(duration(1), "1 second");
        assert_eq!(duration(600_000), "10 minutes");
    }

    #[test]
    fn events_are_compared_with_gitlab_sources_or_the_passed_down_event() {
        assert_eq!(
            Dialect::new(false).event_test("pull_request"),
            (
                "CI_PIPELINE_SOURCE".to_owned(),
                "merge_request_event".to_owned()
            )
        );
        assert_eq!(
            Dialect::new(true).event_test("pull_request"),
            ("PIPE_EVENT".to_owned(), "pull_request".to_owned())
        );
    }
}
