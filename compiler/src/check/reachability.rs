//! Phase 3 check on the IR: jobs that can never run. A job whose condition
//! is false for every event the triggers start the pipeline for never
//! runs (W0105); a job that needs such a job never runs either, unless its
//! condition asks to run whatever happened (W0106). A job that could run
//! for some event while a job it needs does not (W0107) is skipped on
//! GitHub and makes GitLab refuse the whole pipeline.

use crate::diagnostic::{Code, Diagnostic, Label};
use crate::ir::{Job, Pipeline, Project};
use crate::plan::{Truth, evaluate, trigger_facts};

pub fn check_reachability(project: &Project, diagnostics: &mut Vec<Diagnostic>) {
    for pipeline in &project.pipelines {
        let never = check_pipeline(pipeline, diagnostics);
        check_needs_per_event(pipeline, &never, diagnostics);
    }
}

/// W0107: for one of the events the triggers start the pipeline for, a
/// job's own condition may hold while a job it needs does not run.
fn check_needs_per_event(pipeline: &Pipeline, never: &[String], diagnostics: &mut Vec<Diagnostic>) {
    let mut reported: Vec<&str> = Vec::new();
    for (description, facts) in crate::plan::trigger_facts_per_pattern(&pipeline.triggers) {
        for (job, decision) in pipeline
            .jobs
            .iter()
            .zip(crate::plan::jobs::decide(pipeline, &facts))
        {
            let crate::plan::jobs::Decision::NeedSkipped(need) = decision else {
                continue;
            };
            let (need, origin) = (&need.job, need.origin);
            if reported.contains(&job.name.as_str()) || never.contains(&job.name) {
                continue;
            }
            // A job without a condition of its own follows the jobs it
            // needs, which is what such a job is for.
            let Some(condition) = &job.condition else {
                continue;
            };
            if evaluate(condition, &facts) == Truth::False {
                continue;
            }
            reported.push(&job.name);
            diagnostics.push(
                Diagnostic::new(
                    Code::NeedsNotInPipeline,
                    format!("job `{}` needs `{need}`, which does not run for {description}", job.name),
                    Label::new(origin.source, origin.span, format!("`{need}` is skipped for {description}")),
                )
                .with_note("its own condition holds, but a job runs only when everything it needs succeeded, so it is skipped")
                .with_help(format!(
                    "make the conditions of `{}` and `{need}` agree, or remove `{need}` from `needs`",
                    job.name
                )),
            );
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Unvisited,
    Visiting,
    Runs,
    Never,
}

/// Reports the jobs that never run, and returns their names.
fn check_pipeline(pipeline: &Pipeline, diagnostics: &mut Vec<Diagnostic>) -> Vec<String> {
    let facts = trigger_facts(&pipeline.triggers);
    if facts.is_empty() {
        return Vec::new();
    }
    let index: foldhash::HashMap<&str, usize> = pipeline
        .jobs
        .iter()
        .enumerate()
        .map(|(position, job)| (job.name.as_str(), position))
        .collect();
    let mut states = vec![State::Unvisited; pipeline.jobs.len()];
    let events: Vec<&str> = facts.iter().map(|fact| fact.event.as_str()).collect();
    // Iterative depth-first search over `needs`, so that long chains
    // cannot exhaust the stack; cycles were reported by the graph check.
    let mut stack: Vec<(usize, bool)> = Vec::new();
    for start in 0..pipeline.jobs.len() {
        stack.push((start, false));
        while let Some((position, expanded)) = stack.pop() {
            if states[position] == State::Runs || states[position] == State::Never {
                continue;
            }
            let job = &pipeline.jobs[position];
            if !expanded {
                if states[position] == State::Visiting {
                    continue;
                }
                states[position] = State::Visiting;
                stack.push((position, true));
                for need in &job.needs {
                    if let Some(&needed) = index.get(need.job.as_str())
                        && states[needed] == State::Unvisited
                    {
                        stack.push((needed, false));
                    }
                }
                continue;
            }
            states[position] = judge(job, &index, &states, &facts, &events, diagnostics);
        }
    }
    pipeline
        .jobs
        .iter()
        .zip(&states)
        .filter(|(_, state)| **state == State::Never)
        .map(|(job, _)| job.name.clone())
        .collect()
}

fn judge(
    job: &Job,
    index: &foldhash::HashMap<&str, usize>,
    states: &[State],
    facts: &[crate::plan::Facts],
    events: &[&str],
    diagnostics: &mut Vec<Diagnostic>,
) -> State {
    if let Some(condition) = &job.condition
        && facts
            .iter()
            .all(|fact| evaluate(condition, fact) == Truth::False)
    {
        diagnostics.push(
            Diagnostic::new(
                Code::JobNeverRuns,
                format!("job `{}` never runs", job.name),
                Label::new(
                    condition.origin.source,
                    condition.origin.span,
                    "false for every event the pipeline runs for",
                ),
            )
            .with_note(format!("the pipeline runs for {}", list(events)))
            .with_help("fix the condition, or add the trigger it expects"),
        );
        return State::Never;
    }
    let runs_anyway = job
        .condition
        .as_ref()
        .is_some_and(crate::ir::Expr::mentions_status);
    if !runs_anyway
        && let Some(need) = job.needs.iter().find(|need| {
            index
                .get(need.job.as_str())
                .is_some_and(|&needed| states[needed] == State::Never)
        })
    {
        diagnostics.push(
            Diagnostic::new(
                Code::JobUnreachable,
                format!(
                    "job `{}` never runs: it needs `{}`, which never runs",
                    job.name, need.job
                ),
                Label::new(need.origin.source, need.origin.span, "this job never runs"),
            )
            .with_help(format!(
                "remove `{}` from `needs`, or run this job regardless with `if = always()`",
                need.job
            )),
        );
        return State::Never;
    }
    State::Runs
}

fn list(events: &[&str]) -> String {
    let mut unique: Vec<&str> = Vec::with_capacity(events.len());
    for event in events {
        if !unique.contains(event) {
            unique.push(event);
        }
    }
    unique
        .iter()
        .map(|event| format!("`{event}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
