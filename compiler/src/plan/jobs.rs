//! What each job of a started pipeline does for one event.

use serde::Serialize;

use crate::ir::{Expr, MatrixCombination, Need, Origin, Pipeline};
use crate::plan::{Facts, Truth, evaluate};

/// The verdict on one job.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    Runs,
    /// The condition depends on values the plan does not know (outputs,
    /// variables, pull request details): the job runs if it holds.
    RunsIf {
        condition: String,
        origin: Origin,
    },
    /// The condition has a status predicate: decided by how the jobs it
    /// needs end.
    RunsOnlyIf {
        condition: String,
        origin: Origin,
    },
    Skipped {
        condition: String,
        origin: Origin,
    },
    /// A job it needs does not run, so neither does this one.
    NeedSkipped {
        need: String,
        origin: Origin,
    },
}

impl Verdict {
    /// Whether the job certainly does not run.
    pub fn is_skipped(&self) -> bool {
        matches!(self, Verdict::Skipped { .. } | Verdict::NeedSkipped { .. })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct JobPlan {
    pub name: String,
    #[serde(flatten)]
    pub verdict: Verdict,
    /// The matrix combinations the job runs, when it has a matrix.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub instances: Vec<MatrixCombination>,
}

/// What the plan decides of a job, before anything is written out for
/// people: cheap to compute for every event, as the checks do.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Decision<'a> {
    Runs,
    RunsIf(&'a Expr),
    RunsOnlyIf(&'a Expr),
    Skipped(&'a Expr),
    NeedSkipped(&'a Need),
}

impl Decision<'_> {
    pub fn is_skipped(&self) -> bool {
        matches!(self, Decision::Skipped(_) | Decision::NeedSkipped(_))
    }
}

/// The decision on every job, in pipeline order. Jobs are judged after
/// the jobs they need; a cycle (an error reported by the checker) ends the
/// walk where it closes.
pub fn decide<'a>(pipeline: &'a Pipeline, facts: &Facts) -> Vec<Decision<'a>> {
    let index: foldhash::HashMap<&str, usize> = pipeline
        .jobs
        .iter()
        .enumerate()
        .map(|(position, job)| (job.name.as_str(), position))
        .collect();
    let mut decisions: Vec<Option<Decision<'a>>> = vec![None; pipeline.jobs.len()];
    let mut visiting = vec![false; pipeline.jobs.len()];
    // One stack for every walk: the checks decide every job once per
    // event a trigger starts.
    let mut stack = Vec::new();
    for start in 0..pipeline.jobs.len() {
        stack.push((start, false));
        while let Some((position, expanded)) = stack.pop() {
            if decisions[position].is_some() {
                continue;
            }
            let job = &pipeline.jobs[position];
            if !expanded {
                if visiting[position] {
                    continue;
                }
                visiting[position] = true;
                stack.push((position, true));
                for need in &job.needs {
                    if let Some(&needed) = index.get(need.job.as_str())
                        && decisions[needed].is_none()
                        && !visiting[needed]
                    {
                        stack.push((needed, false));
                    }
                }
                continue;
            }
            let asks_for_status = job.condition.as_ref().is_some_and(Expr::mentions_status);
            let skipped_need = job.needs.iter().find(|need| {
                index
                    .get(need.job.as_str())
                    .and_then(|&needed| decisions[needed].as_ref())
                    .is_some_and(Decision::is_skipped)
            });
            decisions[position] = Some(match (&job.condition, skipped_need) {
                (_, Some(need)) if !asks_for_status => Decision::NeedSkipped(need),
                (None, _) => Decision::Runs,
                (Some(condition), _) => match evaluate(condition, facts) {
                    Truth::True => Decision::Runs,
                    Truth::False => Decision::Skipped(condition),
                    Truth::Unknown if asks_for_status => Decision::RunsOnlyIf(condition),
                    Truth::Unknown => Decision::RunsIf(condition),
                },
            });
        }
    }
    decisions
        .into_iter()
        .map(|decision| decision.unwrap_or(Decision::Runs))
        .collect()
}

/// The verdict on every job, written out: conditions as `.pipe` text, and
/// the matrix instances each job runs.
pub fn plan_jobs(pipeline: &Pipeline, facts: &Facts) -> Vec<JobPlan> {
    pipeline
        .jobs
        .iter()
        .zip(decide(pipeline, facts))
        .map(|(job, decision)| JobPlan {
            name: job.name.clone(),
            verdict: match decision {
                Decision::Runs => Verdict::Runs,
                Decision::RunsIf(condition) => Verdict::RunsIf {
                    condition: condition.to_string(),
                    origin: condition.origin,
                },
                Decision::RunsOnlyIf(condition) => Verdict::RunsOnlyIf {
                    condition: condition.to_string(),
                    origin: condition.origin,
                },
                Decision::Skipped(condition) => Verdict::Skipped {
                    condition: condition.to_string(),
                    origin: condition.origin,
                },
                Decision::NeedSkipped(need) => Verdict::NeedSkipped {
                    need: need.job.clone(),
                    origin: need.origin,
                },
            },
            instances: job
                .matrix
                .as_ref()
                .map(crate::ir::Matrix::combinations)
                .unwrap_or_default(),
        })
        .collect()
}
