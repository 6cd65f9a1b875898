//! Which jobs run for an event, and why one does not: conditions evaluated
//! against what is known of the event (`evaluate`), and the facts each
//! declared trigger implies (`trigger_facts`), shared by the reachability
//! checks and `pipec plan`.

pub mod evaluate;
pub mod event;
pub mod jobs;
pub mod render;

use serde::Serialize;

use crate::ir::{Pipeline, Project, Triggers};
pub use evaluate::{Facts, Known, Truth, evaluate};
pub use event::{Event, Start};
pub use jobs::{JobPlan, Verdict};

/// What one pipeline does for an event.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PipelinePlan {
    pub pipeline: String,
    pub start: Start,
    /// Empty when the pipeline does not start.
    pub jobs: Vec<JobPlan>,
}

/// The plan of every pipeline of `project` (or only `only`) for `event`.
pub fn plan(project: &Project, only: Option<&str>, event: &Event) -> Vec<PipelinePlan> {
    project
        .pipelines
        .iter()
        .filter(|pipeline| only.is_none_or(|name| pipeline.name == name))
        .map(|pipeline| {
            let start = start_in(project, pipeline, event, 0);
            plan_started(pipeline, event, start)
        })
        .collect()
}

/// Whether `pipeline` runs for `event`: by its own triggers, or after a
/// successful run of the pipeline its `on success` follows, which the plan
/// assumes.
fn start_in(project: &Project, pipeline: &Pipeline, event: &Event, depth: usize) -> Start {
    let own = event::starts(pipeline, event);
    let Some(success) = &pipeline.triggers.success else {
        return own;
    };
    if matches!(own, Start::Runs { .. }) {
        return own;
    }
    let not_started = |reason: String| Start::NotStarted {
        reason,
        origin: Some(success.origin),
    };
    if event.kind == "pull_request" {
        return not_started(format!(
            "a pull request's run of `{}` does not start what follows it",
            success.pipeline
        ));
    }
    // The checker rejects cycles; the bound keeps an unchecked project
    // from recursing for ever.
    let Some(upstream) = project
        .pipeline(&success.pipeline)
        .filter(|_| depth < project.pipelines.len())
    else {
        return own;
    };
    if !success.branches.is_empty() {
        let branch = event.branch.as_deref().unwrap_or("main");
        let on_branch = event.tag.is_none()
            && success
                .branches
                .iter()
                .any(|pattern| crate::glob::matches(pattern, branch));
        if !on_branch {
            let what = match &event.tag {
                Some(tag) => format!("tag `{tag}`"),
                None => format!("branch `{branch}`"),
            };
            return not_started(format!(
                "{what} matches none of the `branches` of `on success`"
            ));
        }
    }
    match start_in(project, upstream, event, depth + 1) {
        Start::Runs { mut assumptions } => {
            assumptions.push(format!("the run of `{}` succeeds", upstream.name));
            Start::Runs { assumptions }
        }
        Start::NotStarted { reason, .. } => not_started(format!(
            "`{}`, which it follows, does not start: {reason}",
            upstream.name
        )),
    }
}

pub fn plan_pipeline(pipeline: &Pipeline, event: &Event) -> PipelinePlan {
    plan_started(pipeline, event, event::starts(pipeline, event))
}

fn plan_started(pipeline: &Pipeline, event: &Event, start: Start) -> PipelinePlan {
    let jobs = match start {
        Start::Runs { .. } => jobs::plan_jobs(pipeline, &event::facts(pipeline, event)),
        Start::NotStarted { .. } => Vec::new(),
    };
    PipelinePlan {
        pipeline: pipeline.name.clone(),
        start,
        jobs,
    }
}

/// As [`trigger_facts`], but one [`Facts`] per branch, tag or target
/// pattern of the filters, so that "a push to `develop`" and "a push to
/// `main`" are told apart. Each comes with a description for messages.
pub fn trigger_facts_per_pattern(triggers: &Triggers) -> Vec<(String, Facts)> {
    let mut expanded = Vec::new();
    for facts in trigger_facts(triggers) {
        let pieces: Vec<(String, Facts)> =
            match (&facts.event[..], &facts.branch, &facts.tag, &facts.base) {
                ("push", Known::Matching(patterns), _, _) => patterns
                    .iter()
                    .map(|pattern| {
                        (
                            format!("a push to `{pattern}`"),
                            Facts {
                                branch: single(pattern),
                                ..facts.clone()
                            },
                        )
                    })
                    .collect(),
                ("push", _, Known::Matching(patterns), _) => patterns
                    .iter()
                    .map(|pattern| {
                        (
                            format!("a push of tag `{pattern}`"),
                            Facts {
                                tag: single(pattern),
                                ..facts.clone()
                            },
                        )
                    })
                    .collect(),
                ("pull_request", _, _, Known::Matching(patterns)) => patterns
                    .iter()
                    .map(|pattern| {
                        (
                            format!("a pull request to `{pattern}`"),
                            Facts {
                                base: single(pattern),
                                ..facts.clone()
                            },
                        )
                    })
                    .collect(),
                ("push", ..) => vec![("a push".to_owned(), facts)],
                ("pull_request", ..) => vec![("a pull request".to_owned(), facts)],
                ("schedule", ..) => vec![("a scheduled run".to_owned(), facts)],
                _ => vec![("a manual run".to_owned(), facts)],
            };
        expanded.extend(pieces);
    }
    expanded
}

/// What one filter pattern says of a value: itself when literal.
fn single(pattern: &str) -> Known {
    if crate::glob::is_literal(pattern) {
        Known::Exactly(pattern.to_owned())
    } else {
        Known::Matching(vec![pattern.to_owned()])
    }
}

/// One [`Facts`] per kind of event the triggers start the pipeline for,
/// with what their filters imply: a push that passed `branches` is to one
/// of those branches and has no tag; a pull request has no pushed branch.
pub fn trigger_facts(triggers: &Triggers) -> Vec<Facts> {
    let empty = || Known::Exactly(String::new());
    let matching = |patterns: &[String]| {
        if patterns.is_empty() {
            Known::Unknown
        } else {
            Known::Matching(patterns.to_vec())
        }
    };
    let mut facts = Vec::new();
    if let Some(push) = &triggers.push {
        let branches = &push.filters.branches;
        let base = |branch: Known, tag: Known| Facts {
            event: "push".to_owned(),
            branch,
            tag,
            base: empty(),
            inputs: Vec::new(),
        };
        match (
            branches.is_empty() && push.filters.branches_ignore.is_empty(),
            push.tags.is_empty(),
        ) {
            // Only tags: branch pushes do not start the pipeline.
            (true, false) => facts.push(base(empty(), matching(&push.tags))),
            // Only branches: tag pushes do not.
            (false, true) => facts.push(base(matching(branches), empty())),
            (false, false) => {
                facts.push(base(matching(branches), empty()));
                facts.push(base(empty(), matching(&push.tags)));
            }
            (true, true) => facts.push(base(Known::Unknown, Known::Unknown)),
        }
    }
    if let Some(pull_request) = &triggers.pull_request {
        facts.push(Facts {
            event: "pull_request".to_owned(),
            branch: empty(),
            tag: empty(),
            base: matching(&pull_request.filters.branches),
            inputs: Vec::new(),
        });
    }
    if !triggers.schedules.is_empty() {
        facts.push(Facts {
            event: "schedule".to_owned(),
            branch: Known::Unknown,
            tag: empty(),
            base: empty(),
            inputs: Vec::new(),
        });
    }
    if triggers.manual.is_some() {
        facts.push(Facts {
            event: "manual".to_owned(),
            branch: Known::Unknown,
            tag: Known::Unknown,
            base: empty(),
            inputs: Vec::new(),
        });
    }
    // A follower runs with the event of the upstream run, any but a pull
    // request: which ones the upstream has is its own file's business,
    // so each is assumed possible.
    if let Some(success) = &triggers.success {
        for event in ["push", "schedule", "manual"] {
            let (branch, tag) = if success.branches.is_empty() {
                (Known::Unknown, Known::Unknown)
            } else {
                (matching(&success.branches), empty())
            };
            facts.push(Facts {
                event: event.to_owned(),
                branch,
                tag,
                base: empty(),
                inputs: Vec::new(),
            });
        }
    }
    facts
}
