//! The jobs of the parent `.gitlab-ci.yml` that start each child pipeline:
//! one for the pipeline's own events, and for `on success` one after each
//! job that starts the pipeline it follows.
//!
//! A trigger job with `strategy: depend` succeeds only when its child
//! pipeline does, so a job that `needs` it starts after a successful run.
//! Its rules are those of the job it needs, without merge requests and
//! with the branch filter, so that it is in the pipeline exactly when what
//! it needs is and the run it follows matches.

use crate::backend::gitlab::condition::{Cond, all, any};
use crate::backend::gitlab::workflow::{self, EventRule, RuleVariables};
use crate::ir::{Pipeline, Project};

/// One trigger job of the parent file.
#[derive(Clone, Debug)]
pub struct RootJob {
    pub name: String,
    pub rules: Vec<EventRule>,
    /// The trigger job of the upstream pipeline this one runs after.
    pub needs: Option<String>,
    /// The rules a job following this one starts from: `rules` with tag
    /// pushes told apart from branch pushes, so that `git.ref` is right.
    follow_rules: Vec<EventRule>,
}

/// The trigger jobs of every pipeline, by position in the project.
pub fn root_jobs(project: &Project) -> Vec<Vec<RootJob>> {
    let mut jobs: Vec<Option<Vec<RootJob>>> = vec![None; project.pipelines.len()];
    for position in 0..project.pipelines.len() {
        jobs_of(project, position, &mut jobs, 0);
    }
    jobs.into_iter().map(Option::unwrap_or_default).collect()
}

fn jobs_of(
    project: &Project,
    position: usize,
    memo: &mut Vec<Option<Vec<RootJob>>>,
    depth: usize,
) -> Vec<RootJob> {
    if let Some(known) = &memo[position] {
        return known.clone();
    }
    let pipeline = &project.pipelines[position];
    let mut found = Vec::new();
    let variables = RuleVariables::of(pipeline, true);
    let own = workflow::event_rules(&pipeline.triggers, variables.reference);
    if !own.is_empty() {
        found.push(RootJob {
            name: format!("{}-pipeline", pipeline.name),
            rules: own,
            needs: None,
            follow_rules: workflow::event_rules(&pipeline.triggers, true),
        });
    }
    // The checker rejects cycles; the depth bound keeps a backend called
    // on an unchecked project from recursing for ever.
    if let Some(success) = &pipeline.triggers.success
        && depth < project.pipelines.len()
        && let Some(upstream) = project
            .pipelines
            .iter()
            .position(|known| known.name == success.pipeline)
    {
        for upstream_job in jobs_of(project, upstream, memo, depth + 1) {
            let rules = after(pipeline, &upstream_job.follow_rules);
            if rules.is_empty() {
                continue;
            }
            found.push(RootJob {
                name: format!("{}-after-{}", pipeline.name, upstream_job.name),
                follow_rules: rules.clone(),
                rules,
                needs: Some(upstream_job.name),
            });
        }
    }
    memo[position] = Some(found.clone());
    found
}

/// The upstream's rules that can start `pipeline`: not merge requests,
/// and only on the branches of its `on success`.
fn after(pipeline: &Pipeline, upstream: &[EventRule]) -> Vec<EventRule> {
    let Some(success) = &pipeline.triggers.success else {
        return Vec::new();
    };
    let branches: Option<Cond> = (!success.branches.is_empty()).then(|| {
        any(success
            .branches
            .iter()
            .map(|branch| workflow::pattern("CI_COMMIT_BRANCH", branch, true))
            .collect())
    });
    upstream
        .iter()
        .filter(|rule| rule.event != "pull_request")
        .map(|rule| EventRule {
            condition: match &branches {
                Some(branches) => all(vec![rule.condition.clone(), branches.clone()]),
                None => rule.condition.clone(),
            },
            ..rule.clone()
        })
        .collect()
}
