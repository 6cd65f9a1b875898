//! IR jobs → workflow jobs, and notifications → a job that runs last.

use crate::backend::github::expr::{self, Inputs};
use crate::backend::github::steps;
use crate::backend::github::triggers::strings;
use crate::backend::github::{DEFAULT_RUNNER, escape_into, permissions};
use crate::backend::yaml::Yaml;
use crate::ir::{Concurrency, Job, Notification, Pipeline, Status};

pub fn job(pipeline: &Pipeline, job: &Job, inputs: &Inputs<'_>, notes: &mut Vec<String>) -> Yaml {
    // Room for the usual keys (runs-on, needs, if, permissions, strategy,
    // env, steps, …) without regrowing.
    let mut out = Yaml::map_with_capacity(12);
    let runner = job.runner.as_deref().map_or_else(
        || DEFAULT_RUNNER.to_owned(),
        |runner| expr::text(runner, inputs),
    );
    out.insert("runs-on", Yaml::str(runner));
    // `needs.X.outputs` is there only for jobs needed directly, so the
    // producers of the outputs read are needed even when further up.
    let mut needed: Vec<String> = job.needs.iter().map(|need| need.job.clone()).collect();
    for producer in job.output_producers() {
        if !needed.contains(&producer) {
            needed.push(producer);
        }
    }
    if !needed.is_empty() {
        out.insert(
            "needs",
            Yaml::Seq(needed.into_iter().map(Yaml::str).collect()),
        );
    }
    if let Some(condition) = &job.condition {
        out.insert("if", Yaml::str(expr::condition(condition, inputs)));
    }
    out.insert("permissions", permissions::job(job));
    if let Some(environment) = &job.environment {
        let mut entry = Yaml::map();
        entry.insert("name", Yaml::str(environment.name.clone()));
        if let Some(url) = &environment.url {
            entry.insert("url", Yaml::str(expr::text(url, inputs)));
        }
        out.insert("environment", entry);
        if let Some(approval) = &environment.approval {
            let wait = approval
                .wait
                .map(|milliseconds| {
                    format!(
                        " and a wait timer of {} minutes",
                        milliseconds.div_ceil(60_000)
                    )
                })
                .unwrap_or_default();
            notes.push(format!(
                "GitHub keeps approvals in the repository settings: give environment `{}` (pipeline `{}`) {} required reviewer{}{wait} under Settings → Environments",
                environment.name,
                pipeline.name,
                approval.reviewers,
                if approval.reviewers == 1 { "" } else { "s" },
            ));
        }
    }
    if let Some(concurrency) = &job.concurrency {
        out.insert("concurrency", self::concurrency(concurrency, inputs));
    }
    if let Some(timeout) = job.timeout {
        out.insert("timeout-minutes", Yaml::Int(minutes(timeout)));
    }
    if job.allow_failure {
        out.insert("continue-on-error", Yaml::Bool(true));
    }
    if let Some(image) = job.image.as_deref() {
        let mut container = Yaml::map();
        container.insert("image", Yaml::str(expr::text(image, inputs)));
        out.insert("container", container);
    }
    if !job.services.is_empty() {
        out.insert("services", services(job, inputs));
    }
    if let Some(matrix) = &job.matrix {
        let mut values = Yaml::map();
        for axis in &matrix.axes {
            values.insert(axis.name.clone(), strings(&axis.values));
        }
        for (key, entries) in [("include", &matrix.include), ("exclude", &matrix.exclude)] {
            if !entries.is_empty() {
                values.insert(
                    key,
                    Yaml::Seq(
                        entries
                            .iter()
                            .map(|entry| {
                                Yaml::Map(
                                    entry
                                        .iter()
                                        .map(|(key, value)| {
                                            (key.clone().into(), Yaml::str(value.clone()))
                                        })
                                        .collect(),
                                )
                            })
                            .collect(),
                    ),
                );
            }
        }
        let mut strategy = Yaml::map();
        strategy.insert("matrix", values);
        if let Some(fail_fast) = matrix.fail_fast {
            strategy.insert("fail-fast", Yaml::Bool(fail_fast));
        }
        if let Some(max_parallel) = matrix.max_parallel {
            strategy.insert("max-parallel", Yaml::Int(i64::from(max_parallel)));
        }
        out.insert("strategy", strategy);
    }
    if !job.env.is_empty() {
        out.insert("env", steps::env_map(&job.env, inputs));
    }
    if !job.outputs.is_empty() {
        let mut outputs = Yaml::map();
        for output in &job.outputs {
            outputs.insert(
                output.name.clone(),
                Yaml::str(expr::text(&output.value, inputs)),
            );
        }
        out.insert("outputs", outputs);
    }
    out.insert("steps", Yaml::Seq(steps::steps(pipeline, job, inputs)));
    escape_into(&mut out, &job.escapes.github);
    out
}

fn services(job: &Job, inputs: &Inputs<'_>) -> Yaml {
    let mut services = Yaml::map();
    for service in &job.services {
        let mut entry = Yaml::map();
        entry.insert("image", Yaml::str(expr::text(&service.image, inputs)));
        if !service.env.is_empty() {
            entry.insert("env", steps::env_map(&service.env, inputs));
        }
        // A job on the runner itself reaches services through mapped ports;
        // a container job reaches them by name on the job's network.
        if job.image.is_none() && !service.ports.is_empty() {
            entry.insert(
                "ports",
                Yaml::Seq(
                    service
                        .ports
                        .iter()
                        .map(|port| Yaml::str(format!("{port}:{port}")))
                        .collect(),
                ),
            );
        }
        let mut options: Vec<String> = Vec::new();
        if let Some(health) = &service.health {
            options.push(format!(
                "--health-cmd {} --health-interval 10s --health-timeout 5s --health-retries 10",
                shell_quote(health)
            ));
        }
        if service.privileged {
            options.push("--privileged".to_owned());
        }
        if !options.is_empty() {
            entry.insert("options", Yaml::str(options.join(" ")));
        }
        services.insert(service.name.clone(), entry);
    }
    services
}

pub fn concurrency(concurrency: &Concurrency, inputs: &Inputs<'_>) -> Yaml {
    let mut out = Yaml::map();
    out.insert("group", Yaml::str(expr::text(&concurrency.group, inputs)));
    out.insert(
        "cancel-in-progress",
        Yaml::Bool(concurrency.cancel_in_progress),
    );
    out
}

/// A job that posts to Slack after every other job, when the statuses in
/// `when` happened.
pub fn notification(pipeline: &Pipeline, notification: &Notification) -> (String, Yaml) {
    let mut name = "notify-slack".to_owned();
    let mut counter = 2;
    while pipeline.job(&name).is_some() {
        name = format!("notify-slack-{counter}");
        counter += 1;
    }
    let mut out = Yaml::map();
    out.insert("runs-on", Yaml::str(DEFAULT_RUNNER));
    out.insert(
        "needs",
        Yaml::Seq(
            pipeline
                .jobs
                .iter()
                .map(|job| Yaml::str(job.name.clone()))
                .collect(),
        ),
    );
    out.insert("if", Yaml::str(status_condition(&notification.when)));
    out.insert("permissions", Yaml::map());
    out.insert("timeout-minutes", Yaml::Int(5));
    out.insert(
        "steps",
        Yaml::Seq(vec![steps::slack_step(pipeline, notification)]),
    );
    (name, out)
}

/// The GitHub status function that holds when one of `when` happened.
fn status_condition(when: &[Status]) -> String {
    let has = |status| when.contains(&status);
    if has(Status::Always)
        || (has(Status::Success) && has(Status::Failure) && has(Status::Cancelled))
    {
        "always()".to_owned()
    } else if has(Status::Success) && has(Status::Failure) {
        "!cancelled()".to_owned()
    } else if has(Status::Failure) {
        "failure()".to_owned()
    } else if has(Status::Cancelled) {
        "cancelled()".to_owned()
    } else {
        "success()".to_owned()
    }
}

pub fn minutes(milliseconds: u64) -> i64 {
    i64::try_from(milliseconds.div_ceil(60_000).max(1)).unwrap_or(i64::MAX)
}

/// Single-quotes a word for a shell (docker's `--health-cmd` is parsed by one).
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}
