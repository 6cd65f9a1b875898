//! IR expressions: typed, with every template parameter already replaced by
//! its argument and every name resolved to what it means. Backends
//! translate [`Context`] values and operators into their own expression
//! languages; nothing here is target syntax.

use serde::Serialize;

use crate::ir::{Metric, Origin};
use crate::types::Type;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: Type,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExprKind {
    String(String),
    Int(i64),
    Bool(bool),
    /// Milliseconds.
    Duration(u64),
    /// As written: `10%` is `10.0`.
    Percent(f64),
    /// A string with runtime parts; adjacent literal parts are merged, and
    /// a text without runtime parts is a `String`.
    Text(Vec<TextPart>),
    List(Vec<Expr>),
    Record(Vec<(String, Expr)>),
    /// A value known only when the pipeline runs.
    Context(Context),
    Not(Box<Expr>),
    /// `a && b && …`
    All(Vec<Expr>),
    /// `a || b || …`
    Any(Vec<Expr>),
    Compare {
        op: CompareOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `value in [a, b]`: equal to one of the candidates.
    OneOf {
        value: Box<Expr>,
        candidates: Vec<Expr>,
    },
    /// `value.starts_with("x")`, `value.matches("release/*")`, …
    Test {
        test: StringTest,
        value: Box<Expr>,
        pattern: Box<Expr>,
    },
    /// `success()`, `failure()`, `always()`, `cancelled()`.
    Status(Status),
    /// `hash_files("a", "b")`: a digest of the files matching the globs.
    HashFiles(Vec<String>),
    /// A job named in `needs`.
    Job(String),
    /// `canary { … }`, `rolling`: read by the deploy lowering, never by a backend.
    Constructor {
        name: String,
        fields: Vec<(String, Expr)>,
    },
    /// `http("/health")`: read by the deploy lowering, never by a backend.
    Call {
        function: String,
        arguments: Vec<Expr>,
    },
    /// A metric a canary's rollback condition watches (`error_rate`).
    Metric(Metric),
    /// A template parameter with no value: only while a template is checked
    /// on its own, never in the IR of a pipeline.
    Parameter(String),
    /// Could not be lowered; the error is reported.
    Error,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TextPart {
    Literal(String),
    Expr(Box<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CompareOp {
    Eq,
    NotEq,
    Lt,
    Gt,
    LtEq,
    GtEq,
}

impl CompareOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CompareOp::Eq => "==",
            CompareOp::NotEq => "!=",
            CompareOp::Lt => "<",
            CompareOp::Gt => ">",
            CompareOp::LtEq => "<=",
            CompareOp::GtEq => ">=",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StringTest {
    StartsWith,
    EndsWith,
    Contains,
    /// A glob with the semantics of branch filters: `*` stops at `/`, `**` does not.
    Matches,
}

impl StringTest {
    pub fn method_name(self) -> &'static str {
        match self {
            StringTest::StartsWith => "starts_with",
            StringTest::EndsWith => "ends_with",
            StringTest::Contains => "contains",
            StringTest::Matches => "matches",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every job this one depends on succeeded (the default condition).
    Success,
    /// A job this one depends on failed.
    Failure,
    /// Whatever happened before.
    Always,
    /// The run was cancelled.
    Cancelled,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Success => "success",
            Status::Failure => "failure",
            Status::Always => "always",
            Status::Cancelled => "cancelled",
        }
    }
}

/// A value of the runtime context. Each backend has one translation table
/// for these (GitHub contexts, GitLab predefined variables, Argo workflow
/// parameters).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "context", content = "name")]
pub enum Context {
    /// The pushed branch; empty for tags and pull requests.
    Branch,
    /// The pushed tag; empty otherwise.
    Tag,
    /// The full commit SHA being built.
    Sha,
    /// The full ref, `refs/heads/main` or `refs/tags/v1.0`.
    Ref,
    CommitMessage,
    /// `push`, `pull_request`, `schedule` or `manual`.
    Event,
    /// The target branch of a pull request.
    PrBase,
    /// The source branch of a pull request.
    PrHead,
    PrTitle,
    PrBody,
    PrNumber,
    PrDraft,
    /// `inputs.NAME`: a manual input, or its default on other events.
    Input(String),
    Matrix(String),
    JobOutput {
        job: String,
        output: String,
    },
    StepOutput {
        step: String,
        output: String,
    },
    Env(String),
    Secret(String),
    /// `vars.NAME`: a non-secret variable configured in the CI service.
    Var(String),
}

impl Context {
    /// Whether someone outside the project can choose the value (a branch
    /// name, a pull request title): such values never go into a script.
    pub fn is_untrusted(&self) -> bool {
        matches!(
            self,
            Context::Branch
                | Context::Tag
                | Context::Ref
                | Context::CommitMessage
                | Context::PrBase
                | Context::PrHead
                | Context::PrTitle
                | Context::PrBody
        )
    }

    /// The `.pipe` spelling, for messages.
    pub fn describe(&self) -> String {
        match self {
            Context::Branch => "git.branch".to_owned(),
            Context::Tag => "git.tag".to_owned(),
            Context::Sha => "git.sha".to_owned(),
            Context::Ref => "git.ref".to_owned(),
            Context::CommitMessage => "git.commit_message".to_owned(),
            Context::Event => "event".to_owned(),
            Context::PrBase => "pr.base".to_owned(),
            Context::PrHead => "pr.head".to_owned(),
            Context::PrTitle => "pr.title".to_owned(),
            Context::PrBody => "pr.body".to_owned(),
            Context::PrNumber => "pr.number".to_owned(),
            Context::PrDraft => "pr.draft".to_owned(),
            Context::Input(name) => format!("inputs.{name}"),
            Context::Matrix(name) => format!("matrix.{name}"),
            Context::JobOutput { job, output } => format!("jobs.{job}.outputs.{output}"),
            Context::StepOutput { step, output } => format!("steps.{step}.outputs.{output}"),
            Context::Env(name) => format!("env.{name}"),
            Context::Secret(name) => format!("secrets.{name}"),
            Context::Var(name) => format!("vars.{name}"),
        }
    }
}

impl Expr {
    pub fn new(kind: ExprKind, ty: Type, origin: Origin) -> Expr {
        Expr { kind, ty, origin }
    }

    pub fn error(origin: Origin) -> Expr {
        Expr::new(ExprKind::Error, Type::Error, origin)
    }

    /// The text of a string known at compile time.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::String(text) => Some(text),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.kind {
            ExprKind::Bool(value) => Some(value),
            _ => None,
        }
    }

    /// Whether the value is known at compile time, all the way down.
    pub fn is_constant(&self) -> bool {
        match &self.kind {
            ExprKind::String(_)
            | ExprKind::Int(_)
            | ExprKind::Bool(_)
            | ExprKind::Duration(_)
            | ExprKind::Percent(_)
            | ExprKind::Job(_) => true,
            ExprKind::List(elements) => elements.iter().all(Expr::is_constant),
            ExprKind::Record(fields) | ExprKind::Constructor { fields, .. } => {
                fields.iter().all(|(_, value)| value.is_constant())
            }
            ExprKind::Call { arguments, .. } => arguments.iter().all(Expr::is_constant),
            _ => false,
        }
    }

    /// Calls `visit` on this expression and every expression inside it.
    pub fn visit<'a>(&'a self, visit: &mut impl FnMut(&'a Expr)) {
        visit(self);
        match &self.kind {
            ExprKind::Text(parts) => {
                for part in parts {
                    if let TextPart::Expr(inner) = part {
                        inner.visit(visit);
                    }
                }
            }
            ExprKind::List(elements)
            | ExprKind::All(elements)
            | ExprKind::Any(elements)
            | ExprKind::Call {
                arguments: elements,
                ..
            } => elements.iter().for_each(|element| element.visit(visit)),
            ExprKind::Record(fields) | ExprKind::Constructor { fields, .. } => {
                fields.iter().for_each(|(_, value)| value.visit(visit));
            }
            ExprKind::Not(inner) => inner.visit(visit),
            ExprKind::Compare { lhs, rhs, .. } => {
                lhs.visit(visit);
                rhs.visit(visit);
            }
            ExprKind::OneOf { value, candidates } => {
                value.visit(visit);
                candidates
                    .iter()
                    .for_each(|candidate| candidate.visit(visit));
            }
            ExprKind::Test { value, pattern, .. } => {
                value.visit(visit);
                pattern.visit(visit);
            }
            ExprKind::String(_)
            | ExprKind::Int(_)
            | ExprKind::Bool(_)
            | ExprKind::Duration(_)
            | ExprKind::Percent(_)
            | ExprKind::Context(_)
            | ExprKind::Status(_)
            | ExprKind::HashFiles(_)
            | ExprKind::Job(_)
            | ExprKind::Parameter(_)
            | ExprKind::Metric(_)
            | ExprKind::Error => {}
        }
    }

    /// The runtime values this expression reads.
    pub fn contexts(&self) -> Vec<&Context> {
        let mut found = Vec::new();
        self.visit(&mut |expr| {
            if let ExprKind::Context(context) = &expr.kind {
                found.push(context);
            }
        });
        found
    }

    /// Whether a template parameter without a value appears inside: such a
    /// value is unknown while a template is checked on its own.
    pub fn mentions_parameter(&self) -> bool {
        let mut found = false;
        self.visit(&mut |expr| found |= matches!(expr.kind, ExprKind::Parameter(_)));
        found
    }

    /// Whether a status predicate appears anywhere inside.
    pub fn mentions_status(&self) -> bool {
        let mut found = false;
        self.visit(&mut |expr| found |= matches!(expr.kind, ExprKind::Status(_)));
        found
    }

    /// Whether a step condition asks about earlier outcomes in a way a
    /// script cannot answer. A script that reaches a step has succeeded so
    /// far, so `success()` as a conjunct of the whole condition is `true`
    /// there; any other status predicate (`failure()`, `!success()`,
    /// `success() || …`) needs the CI service to evaluate it.
    /// The step condition a script has to test: without its `success()`
    /// conjuncts, which hold wherever a script reaches the step; `None`
    /// when nothing is left to test.
    pub fn inside_script(&self) -> Option<Expr> {
        match &self.kind {
            ExprKind::Status(Status::Success) => None,
            ExprKind::All(operands) => {
                let mut rest: Vec<Expr> = operands.iter().filter_map(Expr::inside_script).collect();
                match rest.len() {
                    0 => None,
                    1 => rest.pop(),
                    _ => Some(Expr::new(ExprKind::All(rest), self.ty.clone(), self.origin)),
                }
            }
            _ => Some(self.clone()),
        }
    }

    pub fn asks_status_beyond_success(&self) -> bool {
        match &self.kind {
            ExprKind::Status(Status::Success) => false,
            ExprKind::All(operands) => operands.iter().any(Expr::asks_status_beyond_success),
            _ => self.mentions_status(),
        }
    }
}
