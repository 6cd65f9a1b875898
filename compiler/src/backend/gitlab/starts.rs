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
    /// The value each manual input gets, as `(INPUTS_NAME, value)`: the
    /// parent's form variable of this pipeline, or of the upstream run
    /// for an input it passes on.
    pub inputs: Vec<(String, String)>,
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
            inputs: own_inputs(pipeline),
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
        let upstream_pipeline = &project.pipelines[upstream];
        let reads_reference = RuleVariables::of(pipeline, true).reference;
        for upstream_job in jobs_of(project, upstream, memo, depth + 1) {
            let follow_rules = after(pipeline, &upstream_job.follow_rules);
            if follow_rules.is_empty() {
                continue;
            }
            // Tag pushes told apart only where `git.ref` is read: both
            // sets of rules hold exactly when the upstream's job is there.
            let rules = if reads_reference {
                follow_rules.clone()
            } else {
                after(pipeline, &upstream_job.rules)
            };
            let mut inputs = own_inputs(pipeline);
            for (given, _) in crate::ir::passed_inputs(upstream_pipeline, pipeline) {
                let variable = input_variable(&given.name);
                let upstream_value = upstream_job
                    .inputs
                    .iter()
                    .find(|(name, _)| *name == variable)
                    .map(|(_, value)| value.clone());
                if let (Some(slot), Some(value)) = (
                    inputs.iter_mut().find(|(name, _)| *name == variable),
                    upstream_value,
                ) {
                    slot.1 = value;
                }
            }
            found.push(RootJob {
                name: format!("{}-after-{}", pipeline.name, upstream_job.name),
                follow_rules,
                rules,
                needs: Some(upstream_job.name),
                inputs,
            });
        }
    }
    memo[position] = Some(found.clone());
    found
}

/// `INPUTS_NAME`, the variable a child pipeline reads input `name` from.
fn input_variable(name: &str) -> String {
    crate::backend::names::env_name(&crate::ir::Context::Input(name.to_owned()))
}

/// Each input of `pipeline` from the parent's form, where the Run
/// pipeline form sets it (`${DEPLOY_INPUTS_ENVIRONMENT}`).
fn own_inputs(pipeline: &Pipeline) -> Vec<(String, String)> {
    let prefix = super::input_prefix(pipeline);
    pipeline
        .inputs()
        .iter()
        .map(|input| {
            let variable = input_variable(&input.name);
            let value = format!("${{{prefix}{variable}}}");
            (variable, value)
        })
        .collect()
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
