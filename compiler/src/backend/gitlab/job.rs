//! IR jobs → GitLab jobs.
//!
//! A job's condition becomes its `rules:`, joined with the conditions of
//! the jobs it needs: GitLab creates a job whose rules match even when a
//! job it needs was not created (and then rejects the pipeline), while in
//! `.pipe` a job whose needed job was skipped is skipped too. A job whose
//! condition uses a status predicate runs whatever happened before, so its
//! needs on jobs that may be absent are `optional`.

use crate::backend::escape::escape_into;
use crate::backend::gitlab::artifacts;
use crate::backend::gitlab::condition::{self, RuleEntry, When};
use crate::backend::gitlab::script;
use crate::backend::gitlab::stages::Stages;
use crate::backend::gitlab::values::{self, Dialect};
use crate::backend::names;
use crate::backend::yaml::{Text, Yaml};
use crate::ir::{Context, EnvVar, Expr, ExprKind, Job, Pipeline, StepAction};
use crate::types::Type;

/// How long GitLab lets a job run unless the job or the project says otherwise.
const DEFAULT_JOB_TIMEOUT_MS: u64 = 60 * 60 * 1000;

/// The image deploy jobs run in when they name none: Alpine with kubectl,
/// helm, jq and the usual shell tools (`envsubst` is installed if missing).
pub const KUBECTL_IMAGE: &str = "alpine/k8s:1.34.1";

pub fn job(
    pipeline: &Pipeline,
    index: usize,
    stages: &Stages,
    dialect: &Dialect,
    effective: &[Option<Expr>],
) -> Yaml {
    let job = &pipeline.jobs[index];
    let mut out = Yaml::map();
    out.insert("stage", Yaml::str(stages.stage_of(index).to_owned()));
    match job.image.as_deref() {
        Some(image) => out.insert("image", Yaml::str(values::yaml_text(image, dialect))),
        None if !job.deploys.is_empty() => {
            let mut image = Yaml::map();
            image.insert("name", Yaml::str(KUBECTL_IMAGE));
            image.insert("entrypoint", Yaml::Seq(vec![Yaml::str("")]));
            out.insert("image", image);
        }
        None => {}
    }
    if !job.services.is_empty() {
        out.insert("services", services(job, dialect));
    }
    if let Some(runner) = job.runner.as_deref() {
        out.insert(
            "tags",
            Yaml::Seq(vec![Yaml::str(values::yaml_text(runner, dialect))]),
        );
    }
    let status_job = job.condition.as_ref().is_some_and(Expr::mentions_status);
    out.insert_some(
        "needs",
        needs(
            pipeline,
            job,
            stages.of_job.get(index) != Some(&0),
            status_job,
            effective,
        ),
    );
    let condition = if status_job {
        job.condition.clone()
    } else {
        effective.get(index).cloned().flatten()
    };
    let manual = job
        .environment
        .as_ref()
        .is_some_and(|environment| environment.approval.is_some());
    match condition::job_rules(condition.as_ref(), dialect) {
        None => {
            let mut never = Yaml::map();
            never.insert("when", Yaml::str("never"));
            out.insert("rules", Yaml::Seq(vec![never]));
        }
        Some(rules) if rules.is_empty() => {
            if manual {
                out.insert("when", Yaml::str("manual"));
            }
        }
        Some(rules) => out.insert("rules", rules_yaml(&rules, manual)),
    }
    let script = script::script(job, dialect);
    let variables = variables(job, &script.hoisted, dialect);
    if !variables.is_empty_collection() {
        out.insert("variables", variables);
    }
    if let Some(matrix) = &job.matrix {
        out.insert("parallel", parallel(matrix));
    }
    if !job.caches.is_empty() {
        out.insert("cache", artifacts::caches(job, dialect));
    }
    out.insert(
        "script",
        Yaml::Seq(script.items.into_iter().map(Yaml::str).collect()),
    );
    out.insert_some("artifacts", artifacts::artifacts(job));
    if let Some(environment) = &job.environment {
        let mut entry = Yaml::map();
        entry.insert("name", Yaml::str(environment.name.clone()));
        if let Some(url) = &environment.url {
            entry.insert("url", Yaml::str(values::yaml_text(url, dialect)));
        }
        if let Some(tier) = &environment.tier {
            entry.insert("deployment_tier", Yaml::str(tier.clone()));
        }
        if !job.deploys.is_empty() {
            entry.insert("action", Yaml::str("start"));
        }
        out.insert("environment", entry);
    }
    if let Some(concurrency) = &job.concurrency {
        out.insert(
            "resource_group",
            Yaml::str(values::yaml_text(&concurrency.group, dialect)),
        );
    }
    // GitLab ends a job after an hour by default (a project setting), before
    // a long canary's pauses are over: a deploy job that waits longer says so.
    let implied = || crate::backend::deploy::implied_job_timeout(job, DEFAULT_JOB_TIMEOUT_MS);
    if let Some(timeout) = job.timeout.or_else(implied) {
        out.insert("timeout", Yaml::str(values::duration(timeout)));
    }
    if let Some(retry) = job.retry.filter(|retries| *retries > 0) {
        out.insert("retry", Yaml::Int(i64::from(retry)));
    }
    if job.allow_failure {
        out.insert("allow_failure", Yaml::Bool(true));
    } else if manual {
        // A manual job blocks the jobs after it only when its failure counts.
        out.insert("allow_failure", Yaml::Bool(false));
    }
    if let Some(interruptible) = job.interruptible {
        out.insert("interruptible", Yaml::Bool(interruptible));
    }
    escape_into(&mut out, &job.escapes.gitlab);
    for step in &job.steps {
        escape_into(&mut out, &step.escapes.gitlab);
    }
    out
}

/// Each job's condition joined with those of the jobs it needs (for jobs
/// without a status predicate), in job order.
///
/// The join is a flat conjunction in which each condition appears once,
/// however many paths lead to it: joined as trees, the conditions would
/// double at every diamond of the graph (a job needing two jobs that share
/// an ancestor), exponentially in its depth. Conditions are the same when
/// they read the same, wherever they are written.
pub fn effective_conditions(pipeline: &Pipeline, order: &[usize]) -> Vec<Option<Expr>> {
    let by_name: foldhash::HashMap<&str, usize> = pipeline
        .jobs
        .iter()
        .enumerate()
        .map(|(position, job)| (job.name.as_str(), position))
        .collect();
    let mut conjuncts = Conjuncts::default();
    // Per job, the conjuncts of its effective condition, by number.
    let mut joined: Vec<Vec<usize>> = vec![Vec::new(); pipeline.jobs.len()];
    let mut effective: Vec<Option<Expr>> = vec![None; pipeline.jobs.len()];
    for &index in order {
        let job = &pipeline.jobs[index];
        if job.condition.as_ref().is_some_and(Expr::mentions_status) {
            // It runs whatever happened before; jobs after it do not
            // inherit a status predicate.
            effective[index] = job.condition.clone();
            continue;
        }
        let mut own: Vec<usize> = Vec::new();
        if let Some(condition) = &job.condition {
            match &condition.kind {
                ExprKind::All(parts) => own.extend(parts.iter().map(|part| conjuncts.number(part))),
                _ => own.push(conjuncts.number(condition)),
            }
        }
        let needed = job
            .needs
            .iter()
            .filter_map(|need| by_name.get(need.job.as_str()).copied());
        let mut ids: Vec<usize> = Vec::new();
        conjuncts.stamp += 1;
        for id in own
            .into_iter()
            .chain(needed.flat_map(|position| joined[position].iter().copied()))
        {
            if conjuncts.first_sight(id) {
                ids.push(id);
            }
        }
        effective[index] = match ids.as_slice() {
            [] => None,
            [one] => Some(conjuncts.expressions[*one].clone()),
            _ => Some(Expr::new(
                ExprKind::All(
                    ids.iter()
                        .map(|&id| conjuncts.expressions[id].clone())
                        .collect(),
                ),
                Type::Bool,
                job.origin,
            )),
        };
        joined[index] = ids;
    }
    effective
}

/// The distinct conjuncts of a pipeline's conditions, numbered by how they
/// read, with a stamp per conjunct for deduplicating one job's list in
/// linear time.
#[derive(Default)]
struct Conjuncts {
    expressions: Vec<Expr>,
    numbers: foldhash::HashMap<String, usize>,
    last_stamp: Vec<u64>,
    stamp: u64,
}

impl Conjuncts {
    fn number(&mut self, expression: &Expr) -> usize {
        let next = self.expressions.len();
        let number = *self.numbers.entry(expression.to_string()).or_insert(next);
        if number == next {
            self.expressions.push(expression.clone());
            self.last_stamp.push(0);
        }
        number
    }

    /// Whether `id` is seen for the first time since the stamp changed.
    fn first_sight(&mut self, id: usize) -> bool {
        let fresh = self.last_stamp[id] != self.stamp;
        self.last_stamp[id] = self.stamp;
        fresh
    }
}

/// `needs:` with the data each need brings: artifacts for `artifacts_from`
/// and for the jobs whose outputs (a dotenv report) this one reads, which
/// are needed directly even when they are further up the graph.
fn needs(
    pipeline: &Pipeline,
    job: &Job,
    not_first_stage: bool,
    status_job: bool,
    effective: &[Option<Expr>],
) -> Option<Yaml> {
    let producers = job.output_producers();
    let mut names: Vec<&str> = job.needs.iter().map(|need| need.job.as_str()).collect();
    for extra in job
        .artifacts_from
        .iter()
        .map(|need| need.job.as_str())
        .chain(producers.iter().map(String::as_str))
    {
        if !names.contains(&extra) {
            names.push(extra);
        }
    }
    if names.is_empty() {
        // Without `needs`, a job waits for every earlier stage.
        return not_first_stage.then(|| Yaml::Seq(Vec::new()));
    }
    let entries = names
        .into_iter()
        .map(|name| {
            let mut entry = Yaml::map();
            entry.insert("job", Yaml::str(name.to_owned()));
            let data = job.artifacts_from.iter().any(|need| need.job == name)
                || producers.iter().any(|producer| producer == name);
            entry.insert("artifacts", Yaml::Bool(data));
            let may_be_absent = pipeline
                .job_position(name)
                .is_some_and(|position| effective.get(position).is_some_and(Option::is_some));
            if status_job && may_be_absent {
                entry.insert("optional", Yaml::Bool(true));
            }
            entry
        })
        .collect();
    Some(Yaml::Seq(entries))
}

fn rules_yaml(rules: &[RuleEntry], manual: bool) -> Yaml {
    Yaml::Seq(
        rules
            .iter()
            .map(|rule| {
                let mut entry = Yaml::map();
                if let Some(cond) = &rule.condition {
                    entry.insert("if", Yaml::str(condition::gitlab(cond)));
                }
                let when = if manual {
                    "manual"
                } else {
                    rule.when.keyword()
                };
                if manual || rule.when != When::OnSuccess || rule.condition.is_none() {
                    entry.insert("when", Yaml::str(when));
                }
                entry
            })
            .collect(),
    )
}

fn env_entries(env: &[EnvVar], dialect: &Dialect) -> Vec<(Text, Yaml)> {
    env.iter()
        .map(|var| {
            (
                var.name.clone().into(),
                Yaml::str(values::yaml_text(&var.value, dialect)),
            )
        })
        .collect()
}

/// The job's `variables:`: its env, the step env moved up, and how GitLab
/// clones (`GIT_STRATEGY`, `GIT_DEPTH`, …, from the checkout step).
fn variables(job: &Job, hoisted: &[EnvVar], dialect: &Dialect) -> Yaml {
    let early: Vec<EnvVar> = job
        .env
        .iter()
        .filter(|var| !values::reads_outputs(&var.value))
        .cloned()
        .collect();
    let mut entries = env_entries(&early, dialect);
    entries.extend(env_entries(hoisted, dialect));
    let checkout = job.steps.iter().find_map(|step| match &step.action {
        StepAction::Checkout { with } => Some(with),
        _ => None,
    });
    match checkout {
        None => entries.push(("GIT_STRATEGY".into(), Yaml::str("none"))),
        Some(with) => {
            for input in with {
                let value = match &input.value.kind {
                    ExprKind::Int(number) => number.to_string(),
                    ExprKind::Bool(flag) => flag.to_string(),
                    ExprKind::String(text) => text.clone(),
                    _ => continue,
                };
                let setting = match (input.name.as_str(), value.as_str()) {
                    ("fetch-depth", depth) => ("GIT_DEPTH", depth.to_owned()),
                    ("submodules", "true") => ("GIT_SUBMODULE_STRATEGY", "normal".to_owned()),
                    ("submodules", "recursive") => {
                        ("GIT_SUBMODULE_STRATEGY", "recursive".to_owned())
                    }
                    ("lfs", "false") => ("GIT_LFS_SKIP_SMUDGE", "1".to_owned()),
                    ("clean", "false") => ("GIT_CLEAN_FLAGS", "none".to_owned()),
                    _ => continue,
                };
                entries.push((setting.0.into(), Yaml::str(setting.1)));
            }
        }
    }
    Yaml::Map(entries)
}

fn services(job: &Job, dialect: &Dialect) -> Yaml {
    Yaml::Seq(
        job.services
            .iter()
            .map(|service| {
                let mut entry = Yaml::map();
                entry.insert(
                    "name",
                    Yaml::str(values::yaml_text(&service.image, dialect)),
                );
                entry.insert("alias", Yaml::str(service.name.clone()));
                if !service.env.is_empty() {
                    entry.insert("variables", Yaml::Map(env_entries(&service.env, dialect)));
                }
                if !service.command.is_empty() {
                    entry.insert(
                        "command",
                        Yaml::Seq(
                            service
                                .command
                                .iter()
                                .map(|word| Yaml::str(word.clone()))
                                .collect(),
                        ),
                    );
                }
                entry
            })
            .collect(),
    )
}

/// `parallel: matrix:`: the axes as lists, or with `include`/`exclude`
/// every combination on its own (GitLab has neither).
fn parallel(matrix: &crate::ir::Matrix) -> Yaml {
    let variable = |key: &str| names::env_name(&Context::Matrix(key.to_owned()));
    let entries: Vec<Yaml> = if matrix.include.is_empty() && matrix.exclude.is_empty() {
        let mut entry = Yaml::map();
        for axis in &matrix.axes {
            entry.insert(
                variable(&axis.name),
                Yaml::Seq(
                    axis.values
                        .iter()
                        .map(|value| Yaml::str(value.clone()))
                        .collect(),
                ),
            );
        }
        vec![entry]
    } else {
        matrix
            .combinations()
            .iter()
            .map(|combination| {
                Yaml::Map(
                    combination
                        .iter()
                        .map(|(key, value)| (variable(key).into(), Yaml::str(value.clone())))
                        .collect(),
                )
            })
            .collect()
    };
    let mut parallel = Yaml::map();
    parallel.insert("matrix", Yaml::Seq(entries));
    parallel
}
