//! What starts a pipeline: pushes and pull requests with their filters,
//! schedules, and runs by hand with typed inputs.

use serde::Serialize;

use super::Origin;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Triggers {
    pub push: Option<PushTrigger>,
    pub pull_request: Option<PullRequestTrigger>,
    pub schedules: Vec<Schedule>,
    pub manual: Option<ManualTrigger>,
}

impl Triggers {
    pub fn is_empty(&self) -> bool {
        self.push.is_none()
            && self.pull_request.is_none()
            && self.schedules.is_empty()
            && self.manual.is_none()
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
