//! Least-privilege token permissions: the workflow gets none
//! (`permissions: {}`) unless the pipeline asks, and each job gets what
//! it uses, plus what it asks for.

use crate::backend::yaml::Yaml;
use crate::ir::{Followers, Job, Permission, Pipeline, StepAction, TextPart};

pub fn workflow(pipeline: &Pipeline) -> Yaml {
    map(&pipeline
        .permissions
        .iter()
        .map(|permission| (permission.scope.clone(), permission.access.clone()))
        .collect::<Vec<_>>())
}

pub fn job(job: &Job) -> Yaml {
    map(&granted(job))
}

/// What `job`'s token may do, as `(scope, access)` pairs.
pub fn granted(job: &Job) -> Vec<(String, String)> {
    let mut granted: Vec<(String, String)> = Vec::new();
    let mut grant = |scope: &str, access: &str| {
        match granted.iter_mut().find(|(known, _)| known == scope) {
            // `write` includes `read`.
            Some((_, existing)) if existing == "read" && access == "write" => {
                access.clone_into(existing)
            }
            Some(_) => {}
            None => granted.push((scope.to_owned(), access.to_owned())),
        }
    };
    for step in &job.steps {
        match &step.action {
            StepAction::Checkout { .. } => grant("contents", "read"),
            StepAction::Action { uses, with, .. } => {
                let input = |name: &str| {
                    with.iter()
                        .find(|input| input.name == name)
                        .map(|input| &input.value)
                };
                if uses.starts_with("github/codeql-action/") {
                    grant("security-events", "write");
                    grant("actions", "read");
                    grant("contents", "read");
                }
                if uses.starts_with("docker/login-action@")
                    && input("registry")
                        .and_then(|value| value.as_str())
                        .is_some_and(|registry| registry.starts_with("ghcr.io"))
                {
                    grant("packages", "write");
                }
            }
            StepAction::Run { script, .. } => {
                if mentions_ghcr_push(script) {
                    grant("packages", "write");
                }
            }
        }
    }
    if !job.artifacts_from.is_empty() {
        grant("actions", "read");
    }
    // Explicit permissions of the pipeline are the workflow's; a job's own replace what was derived.
    let explicit: &[Permission] = &job.permissions;
    for permission in explicit {
        match granted
            .iter_mut()
            .find(|(scope, _)| *scope == permission.scope)
        {
            Some((_, access)) => permission.access.clone_into(access),
            None => granted.push((permission.scope.clone(), permission.access.clone())),
        }
    }
    granted
}

/// The permissions of the job that calls `pipeline` as a reusable
/// workflow: the called jobs' tokens can have no more than the caller's,
/// so it grants the union of what they are given (`write` over `read`,
/// either over `none`), the pipeline's own followers' included.
pub fn caller(pipeline: &Pipeline, followers: &Followers<'_>) -> Yaml {
    let mut union: Vec<(String, String)> = Vec::new();
    let mut visited: Vec<&str> = Vec::new();
    collect_called(pipeline, followers, &mut union, &mut visited);
    union.retain(|(_, access)| access != "none");
    union.sort();
    map(&union)
}

fn collect_called<'p>(
    pipeline: &'p Pipeline,
    followers: &Followers<'p>,
    union: &mut Vec<(String, String)>,
    visited: &mut Vec<&'p str>,
) {
    // The checker rejects cycles; this keeps an unchecked project from
    // recursing for ever.
    if visited.contains(&pipeline.name.as_str()) {
        return;
    }
    visited.push(&pipeline.name);
    let explicit = pipeline
        .permissions
        .iter()
        .map(|permission| (permission.scope.clone(), permission.access.clone()));
    let jobs = pipeline.jobs.iter().flat_map(granted);
    for (scope, access) in explicit.chain(jobs) {
        match union.iter_mut().find(|(known, _)| *known == scope) {
            Some((_, existing)) => {
                if rank(&access) > rank(existing) {
                    *existing = access;
                }
            }
            None => union.push((scope, access)),
        }
    }
    for follower in followers.of(&pipeline.name) {
        collect_called(follower, followers, union, visited);
    }
}

fn rank(access: &str) -> u8 {
    match access {
        "write" => 2,
        "read" => 1,
        _ => 0,
    }
}

/// A script that pushes to GitHub's container registry.
fn mentions_ghcr_push(script: &crate::ir::Expr) -> bool {
    let mut text = String::new();
    match &script.kind {
        crate::ir::ExprKind::String(literal) => text.push_str(literal),
        crate::ir::ExprKind::Text(parts) => {
            for part in parts {
                if let TextPart::Literal(literal) = part {
                    text.push_str(literal);
                }
            }
        }
        _ => {}
    }
    text.contains("ghcr.io") && (text.contains("push") || text.contains("login"))
}

fn map(entries: &[(String, String)]) -> Yaml {
    Yaml::Map(
        entries
            .iter()
            .map(|(scope, access)| (scope.clone().into(), Yaml::str(access.clone())))
            .collect(),
    )
}
