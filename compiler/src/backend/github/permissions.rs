//! Least-privilege token permissions: the workflow gets none
//! (`permissions: {}`) unless the pipeline asks, and each job gets what
//! it uses, plus what it asks for.

use crate::backend::yaml::Yaml;
use crate::ir::{Job, Permission, Pipeline, StepAction, TextPart};

pub fn workflow(pipeline: &Pipeline) -> Yaml {
    map(&pipeline
        .permissions
        .iter()
        .map(|permission| (permission.scope.clone(), permission.access.clone()))
        .collect::<Vec<_>>())
}

pub fn job(job: &Job) -> Yaml {
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
    map(&granted)
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
