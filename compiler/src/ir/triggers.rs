//! What starts a pipeline: pushes and pull requests with their filters,
//! schedules, runs by hand with typed inputs, and the success of another
//! pipeline.

use serde::Serialize;

use super::{Context, Expr, ExprKind, Origin, StringTest};
use crate::types::Type;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Triggers {
    pub push: Option<PushTrigger>,
    pub pull_request: Option<PullRequestTrigger>,
    pub schedules: Vec<Schedule>,
    pub manual: Option<ManualTrigger>,
    pub success: Option<SuccessTrigger>,
}

impl Triggers {
    pub fn is_empty(&self) -> bool {
        self.push.is_none()
            && self.pull_request.is_none()
            && self.schedules.is_empty()
            && self.manual.is_none()
            && self.success.is_none()
    }
}

/// `on success { pipeline = "ci", branches = […] }`: the pipeline runs
/// after every successful run of `pipeline` (of the same project) on a
/// branch `branches` match, whatever started that run, except a pull
/// request: code under review never starts what comes after it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SuccessTrigger {
    /// The label of the upstream pipeline.
    pub pipeline: String,
    /// Where that label is written.
    pub pipeline_origin: Origin,
    /// Globs over the upstream run's branch; empty is any branch (and tags).
    pub branches: Vec<String>,
    pub origin: Origin,
}

impl SuccessTrigger {
    /// Whether a successful upstream run starts this pipeline, as a
    /// condition on the upstream run's context: `event != "pull_request"`
    /// and the branch filter. Every backend writes it with its own
    /// condition translation, so that it means the same everywhere.
    pub fn condition(&self) -> Expr {
        let origin = self.origin;
        let context =
            |context: Context, ty: Type| Expr::new(ExprKind::Context(context), ty, origin);
        let string =
            |text: &str| Expr::new(ExprKind::String(text.to_owned()), Type::String, origin);
        let not_pull_request = Expr::new(
            ExprKind::Compare {
                op: super::CompareOp::NotEq,
                lhs: Box::new(context(Context::Event, crate::lower::context::event_type())),
                rhs: Box::new(string("pull_request")),
            },
            Type::Bool,
            origin,
        );
        if self.branches.is_empty() {
            return not_pull_request;
        }
        let branch_tests: Vec<Expr> = self
            .branches
            .iter()
            .map(|pattern| {
                Expr::new(
                    ExprKind::Test {
                        test: StringTest::Matches,
                        value: Box::new(context(Context::Branch, Type::String)),
                        pattern: Box::new(string(pattern)),
                    },
                    Type::Bool,
                    origin,
                )
            })
            .collect();
        let branch = if branch_tests.len() == 1 {
            branch_tests.into_iter().next().expect("one test")
        } else {
            Expr::new(ExprKind::Any(branch_tests), Type::Bool, origin)
        };
        Expr::new(
            ExprKind::All(vec![not_pull_request, branch]),
            Type::Bool,
            origin,
        )
    }
}

/// Branch and path filters; an empty list means "no filter".
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Filters {
    pub branches: Vec<String>,
    pub branches_ignore: Vec<String>,
    pub paths: Vec<String>,
    pub paths_ignore: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PushTrigger {
    pub filters: Filters,
    pub tags: Vec<String>,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PullRequestTrigger {
    /// `branches` filter the pull request's target branch.
    pub filters: Filters,
    /// Activity types (`opened`, `synchronize`, …); empty for the default.
    pub types: Vec<String>,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Schedule {
    /// Five fields, checked.
    pub cron: String,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ManualTrigger {
    pub inputs: Vec<Input>,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Input {
    pub name: String,
    pub ty: InputType,
    /// The value on events other than a manual run, too.
    pub default: Option<Literal>,
    pub description: Option<String>,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InputType {
    String,
    Bool,
    Int,
    Enum(Vec<String>),
}

impl InputType {
    /// Whether every value of `other` is a value of this type: an input
    /// of type `other` can be passed to one of this type.
    pub fn accepts(&self, other: &InputType) -> bool {
        match (self, other) {
            (InputType::String, InputType::String | InputType::Enum(_)) => true,
            (InputType::Enum(values), InputType::Enum(given)) => {
                given.iter().all(|value| values.contains(value))
            }
            _ => self == other,
        }
    }

    /// The type as `.pipe` writes it.
    pub fn describe(&self) -> String {
        match self {
            InputType::String => "string".to_owned(),
            InputType::Bool => "bool".to_owned(),
            InputType::Int => "int".to_owned(),
            InputType::Enum(values) => format!(
                "enum({})",
                values
                    .iter()
                    .map(|value| format!("{value:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// The manual inputs an upstream run passes to a pipeline that follows it
/// (`on success`): those of the follower with the name of one of the
/// upstream's, as `(upstream's, follower's)`. The others take their
/// defaults.
pub fn passed_inputs<'p>(
    upstream: &'p super::Pipeline,
    follower: &'p super::Pipeline,
) -> Vec<(&'p Input, &'p Input)> {
    follower
        .inputs()
        .iter()
        .filter_map(|input| {
            upstream
                .inputs()
                .iter()
                .find(|known| known.name == input.name)
                .map(|known| (known, input))
        })
        .collect()
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Literal {
    String(String),
    Int(i64),
    Bool(bool),
}

impl Literal {
    /// The value as the text a CI variable would hold.
    pub fn to_text(&self) -> String {
        match self {
            Literal::String(text) => text.clone(),
            Literal::Int(value) => value.to_string(),
            Literal::Bool(value) => value.to_string(),
        }
    }
}
