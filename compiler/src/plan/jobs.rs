//! What each job of a started pipeline does for one event.

use serde::Serialize;

use crate::ir::{MatrixCombination, Origin, Pipeline};
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

/// The verdict on every job, in pipeline order. Jobs are judged after the
/// jobs they need; a cycle (an error reported by the checker) ends the
/// walk where it closes.
pub fn plan_jobs(pipeline: &Pipeline, facts: &Facts) -> Vec<JobPlan> {
    let index: std::collections::HashMap<&str, usize> = pipeline
        .jobs
        .iter()
        .enumerate()
        .map(|(position, job)| (job.name.as_str(), position))
        .collect();
    let mut verdicts: Vec<Option<Verdict>> = vec![None; pipeline.jobs.len()];
    let mut visiting = vec![false; pipeline.jobs.len()];
    for start in 0..pipeline.jobs.len() {
        let mut stack = vec![(start, false)];
        while let Some((position, expanded)) = stack.pop() {
            if verdicts[position].is_some() {
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
                        && verdicts[needed].is_none()
                        && !visiting[needed]
                    {
                        stack.push((needed, false));
                    }
                }
                continue;
            }
            let asks_for_status = job
                .condition
                .as_ref()
                .is_some_and(crate::ir::Expr::mentions_status);
            let skipped_need = job.needs.iter().find(|need| {
                index
                    .get(need.job.as_str())
                    .and_then(|&needed| verdicts[needed].as_ref())
                    .is_some_and(Verdict::is_skipped)
            });
            let verdict = match (&job.condition, skipped_need) {
                (_, Some(need)) if !asks_for_status => Verdict::NeedSkipped {
                    need: need.job.clone(),
                    origin: need.origin,
                },
                (None, _) => Verdict::Runs,
                (Some(condition), _) => {
                    let text = condition.to_string();
                    match evaluate(condition, facts) {
                        Truth::True => Verdict::Runs,
                        Truth::False => Verdict::Skipped {
                            condition: text,
                            origin: condition.origin,
                        },
                        Truth::Unknown if asks_for_status => Verdict::RunsOnlyIf {
                            condition: text,
                            origin: condition.origin,
                        },
                        Truth::Unknown => Verdict::RunsIf {
                            condition: text,
                            origin: condition.origin,
                        },
                    }
                }
            };
            verdicts[position] = Some(verdict);
        }
    }
    pipeline
        .jobs
        .iter()
        .zip(verdicts)
        .map(|(job, verdict)| JobPlan {
            name: job.name.clone(),
            verdict: verdict.unwrap_or(Verdict::Runs),
            instances: job
                .matrix
                .as_ref()
                .map(crate::ir::Matrix::combinations)
                .unwrap_or_default(),
        })
        .collect()
}
