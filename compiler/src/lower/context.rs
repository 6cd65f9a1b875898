//! The runtime context: the names of values a CI service knows only when
//! the pipeline runs, with their types. One table, read by the lowering,
//! by hover and completion, and by the reference documentation.

use crate::ir::Context;
use crate::types::Type;

/// The events a pipeline can run for, as `event` compares them.
pub const EVENTS: &[&str] = &["push", "pull_request", "schedule", "manual"];

/// The labels of `on` blocks: the events, and `success` of another
/// pipeline (whose runs keep the event that started them).
pub const TRIGGERS: &[&str] = &["push", "pull_request", "schedule", "manual", "success"];

/// One fixed name of the context.
#[derive(Debug)]
pub struct ContextName {
    pub root: &'static str,
    pub field: &'static str,
    pub doc: &'static str,
}

/// Every fixed name under `git.` and `pr.`.
pub const FIXED: &[ContextName] = &[
    ContextName {
        root: "git",
        field: "branch",
        doc: "the pushed branch; empty for tags and pull requests (use `pr.head`)",
    },
    ContextName {
        root: "git",
        field: "tag",
        doc: "the pushed tag; empty otherwise",
    },
    ContextName {
        root: "git",
        field: "sha",
        doc: "the full SHA of the commit being built",
    },
    ContextName {
        root: "git",
        field: "ref",
        doc: "the full ref: `refs/heads/main`, `refs/tags/v1.0`",
    },
    ContextName {
        root: "git",
        field: "commit_message",
        doc: "the message of the commit being built",
    },
    ContextName {
        root: "pr",
        field: "base",
        doc: "the branch a pull request targets",
    },
    ContextName {
        root: "pr",
        field: "head",
        doc: "the branch a pull request comes from",
    },
    ContextName {
        root: "pr",
        field: "title",
        doc: "the title of the pull request",
    },
    ContextName {
        root: "pr",
        field: "body",
        doc: "the description of the pull request",
    },
    ContextName {
        root: "pr",
        field: "number",
        doc: "the number of the pull request",
    },
    ContextName {
        root: "pr",
        field: "draft",
        doc: "whether the pull request is a draft",
    },
];

/// The roots a path into the context may start with.
pub const ROOTS: &[&str] = &[
    "git", "pr", "event", "inputs", "matrix", "jobs", "steps", "env", "secrets", "vars",
];

/// The context value and its type for `root.field`, for the fixed names.
pub fn fixed(root: &str, field: &str) -> Option<(Context, Type)> {
    Some(match (root, field) {
        ("git", "branch") => (Context::Branch, Type::String),
        ("git", "tag") => (Context::Tag, Type::String),
        ("git", "sha") => (Context::Sha, Type::String),
        ("git", "ref") => (Context::Ref, Type::String),
        ("git", "commit_message") => (Context::CommitMessage, Type::String),
        ("pr", "base") => (Context::PrBase, Type::String),
        ("pr", "head") => (Context::PrHead, Type::String),
        ("pr", "title") => (Context::PrTitle, Type::String),
        ("pr", "body") => (Context::PrBody, Type::String),
        ("pr", "number") => (Context::PrNumber, Type::Int),
        ("pr", "draft") => (Context::PrDraft, Type::Bool),
        _ => return None,
    })
}

/// The fields of a fixed root, for "did you mean".
pub fn fields_of(root: &str) -> impl Iterator<Item = &'static str> + '_ {
    FIXED
        .iter()
        .filter(move |name| name.root == root)
        .map(|name| name.field)
}

pub fn event_type() -> Type {
    Type::Enum(EVENTS.iter().map(|event| (*event).to_owned()).collect())
}
