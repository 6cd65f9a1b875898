//! One concrete event, as `pipec plan` is asked about it, and whether the
//! pipeline's triggers start a run for it.

use serde::Serialize;

use crate::glob;
use crate::ir::{Filters, Literal, Origin, Pipeline};
use crate::plan::{Facts, Known};

/// An event to plan for: what happened, on which ref, with which changes.
#[derive(Clone, Debug, Default)]
pub struct Event {
    /// `push`, `pull_request`, `schedule` or `manual`.
    pub kind: String,
    /// The pushed branch, or the branch a schedule or manual run is on.
    pub branch: Option<String>,
    pub tag: Option<String>,
    /// The target branch of a pull request.
    pub base: Option<String>,
    /// Changed files; `None` when not given (path filters are then assumed to pass).
    pub changed: Option<Vec<String>>,
    /// Manual inputs given as `name=value`.
    pub inputs: Vec<(String, String)>,
}

/// Whether a pipeline runs for the event, and if not, why.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Start {
    Runs {
        /// Filters the plan could not judge (path filters without `--changed`).
        assumptions: Vec<String>,
    },
    NotStarted {
        reason: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        origin: Option<Origin>,
    },
}

/// Whether `pipeline`'s triggers start a run for `event`.
pub fn starts(pipeline: &Pipeline, event: &Event) -> Start {
    let triggers = &pipeline.triggers;
    let not_started = |reason: String, origin: Option<Origin>| Start::NotStarted { reason, origin };
    match event.kind.as_str() {
        "push" => {
            let Some(push) = &triggers.push else {
                return not_started("the pipeline has no `on push`".to_owned(), None);
            };
            let origin = Some(push.origin);
            if let Some(tag) = &event.tag {
                if push.tags.is_empty() {
                    let reason = if push.filters.branches.is_empty()
                        && push.filters.branches_ignore.is_empty()
                    {
                        return Start::Runs {
                            assumptions: Vec::new(),
                        };
                    } else {
                        format!(
                            "tag `{tag}`: `on push` filters branches only, so tag pushes do not start it"
                        )
                    };
                    return not_started(reason, origin);
                }
                if !push.tags.iter().any(|pattern| glob::matches(pattern, tag)) {
                    return not_started(
                        format!("tag `{tag}` matches none of `tags` {}", list(&push.tags)),
                        origin,
                    );
                }
                // GitHub and GitLab do not evaluate path filters for tags.
                return Start::Runs {
                    assumptions: Vec::new(),
                };
            }
            let branch = event.branch.as_deref().unwrap_or("main");
            if push.filters.branches.is_empty()
                && push.filters.branches_ignore.is_empty()
                && !push.tags.is_empty()
            {
                return not_started(
                    format!(
                        "branch `{branch}`: `on push` filters tags only, so branch pushes do not start it"
                    ),
                    origin,
                );
            }
            if let Some(reason) = branch_filtered(&push.filters, branch, "branch") {
                return not_started(reason, origin);
            }
            paths_decision(&push.filters, event, origin)
        }
        "pull_request" => {
            let Some(pull_request) = &triggers.pull_request else {
                return not_started("the pipeline has no `on pull_request`".to_owned(), None);
            };
            let origin = Some(pull_request.origin);
            let base = event.base.as_deref().unwrap_or("main");
            if let Some(reason) = branch_filtered(&pull_request.filters, base, "target branch") {
                return not_started(reason, origin);
            }
            paths_decision(&pull_request.filters, event, origin)
        }
        "schedule" if triggers.schedules.is_empty() => {
            not_started("the pipeline has no `on schedule`".to_owned(), None)
        }
        "manual" if triggers.manual.is_none() => {
            not_started("the pipeline has no `on manual`".to_owned(), None)
        }
        "schedule" | "manual" => Start::Runs {
            assumptions: Vec::new(),
        },
        other => not_started(format!("`{other}` is not an event"), None),
    }
}

fn branch_filtered(filters: &Filters, branch: &str, what: &str) -> Option<String> {
    if !filters.branches.is_empty()
        && !filters
            .branches
            .iter()
            .any(|pattern| glob::matches(pattern, branch))
    {
        return Some(format!(
            "{what} `{branch}` matches none of `branches` {}",
            list(&filters.branches)
        ));
    }
    if let Some(pattern) = filters
        .branches_ignore
        .iter()
        .find(|pattern| glob::matches(pattern, branch))
    {
        return Some(format!(
            "{what} `{branch}` matches `branches_ignore` pattern `{pattern}`"
        ));
    }
    None
}

/// `paths`: some changed file matches; `paths_ignore`: not every changed
/// file is ignored.
fn paths_decision(filters: &Filters, event: &Event, origin: Option<Origin>) -> Start {
    if filters.paths.is_empty() && filters.paths_ignore.is_empty() {
        return Start::Runs {
            assumptions: Vec::new(),
        };
    }
    let Some(changed) = &event.changed else {
        return Start::Runs {
            assumptions: vec!["path filters were not evaluated: pass `--changed PATH…`".to_owned()],
        };
    };
    if !filters.paths.is_empty()
        && !changed.iter().any(|path| {
            filters
                .paths
                .iter()
                .any(|pattern| glob::matches(pattern, path))
        })
    {
        return Start::NotStarted {
            reason: format!("no changed file matches `paths` {}", list(&filters.paths)),
            origin,
        };
    }
    if !filters.paths_ignore.is_empty()
        && !changed.is_empty()
        && changed.iter().all(|path| {
            filters
                .paths_ignore
                .iter()
                .any(|pattern| glob::matches(pattern, path))
        })
    {
        return Start::NotStarted {
            reason: format!(
                "every changed file matches `paths_ignore` {}",
                list(&filters.paths_ignore)
            ),
            origin,
        };
    }
    Start::Runs {
        assumptions: Vec::new(),
    }
}

/// What the conditions of the pipeline's jobs know of `event`.
pub fn facts(pipeline: &Pipeline, event: &Event) -> Facts {
    let exactly = |value: Option<&String>| Known::Exactly(value.cloned().unwrap_or_default());
    let (branch, tag, base) = match event.kind.as_str() {
        "pull_request" => (
            Known::Exactly(String::new()),
            Known::Exactly(String::new()),
            exactly(event.base.as_ref()),
        ),
        _ if event.tag.is_some() => (
            Known::Exactly(String::new()),
            exactly(event.tag.as_ref()),
            Known::Exactly(String::new()),
        ),
        _ => (
            Known::Exactly(event.branch.clone().unwrap_or_else(|| "main".to_owned())),
            Known::Exactly(String::new()),
            Known::Exactly(String::new()),
        ),
    };
    let mut inputs: Vec<(String, String)> = Vec::new();
    if let Some(manual) = &pipeline.triggers.manual {
        for input in &manual.inputs {
            let given = event
                .inputs
                .iter()
                .find(|(name, _)| *name == input.name)
                .map(|(_, value)| value.clone());
            let value = given.or_else(|| input.default.as_ref().map(Literal::to_text));
            if let Some(value) = value {
                inputs.push((input.name.clone(), value));
            }
        }
    }
    Facts {
        event: event.kind.clone(),
        branch,
        tag,
        base,
        inputs,
    }
}

fn list(patterns: &[String]) -> String {
    format!(
        "[{}]",
        patterns
            .iter()
            .map(|pattern| format!("\"{pattern}\""))
            .collect::<Vec<_>>()
            .join(", ")
    )
}
