//! IR jobs → workflow jobs, and notifications → a job that runs last.

use crate::backend::github::expr::{self, Inputs};
use crate::backend::github::steps;
use crate::backend::github::{DEFAULT_RUNNER, escape_into, permissions};
use crate::backend::yaml::{Emit, MappingDocument, Scalar, TreeEmitter, Yaml};
use crate::ir::{Concurrency, Job, Notification, Pipeline, Status};

/// Writes `job` into `document` at nesting `level`: straight into the text,
/// or, when an escape block merges into it, through its tree.
pub fn write_job(
    document: &mut MappingDocument<'_>,
    level: usize,
    pipeline: &Pipeline,
    job: &Job,
    inputs: &Inputs<'_>,
    notes: &mut Vec<String>,
) {
    if job.escapes.github.is_empty() {
        document.emit_entry(level, &job.name, |emit| {
            entries(emit, pipeline, job, inputs, notes);
        });
    } else {
        let mut tree = TreeEmitter::mapping(|emit| entries(emit, pipeline, job, inputs, notes));
        escape_into(&mut tree, &job.escapes.github);
        document.entry(level, &job.name, &tree);
    }
}

/// The entries of a workflow job.
fn entries(
    emit: &mut impl Emit,
    pipeline: &Pipeline,
    job: &Job,
    inputs: &Inputs<'_>,
    notes: &mut Vec<String>,
) {
    match job.runner.as_deref() {
        Some(runner) => emit.scalar("runs-on", Scalar::Str(&expr::text(runner, inputs))),
        None => emit.scalar("runs-on", Scalar::Str(DEFAULT_RUNNER)),
    }
    // `needs.X.outputs` is there only for jobs needed directly, so the
    // producers of the outputs read are needed even when further up.
    let mut needed: Vec<&str> = job.needs.iter().map(|need| need.job.as_str()).collect();
    let producers = job.output_producers();
    for producer in &producers {
        if !needed.contains(&producer.as_str()) {
            needed.push(producer);
        }
    }
    if !needed.is_empty() {
        emit.seq("needs", |emit| {
            for name in needed {
                emit.item(Scalar::Str(name));
            }
        });
    }
    if let Some(condition) = &job.condition {
        emit.scalar("if", Scalar::Str(&expr::condition(condition, inputs)));
    }
    emit.tree("permissions", permissions::job(job));
    if let Some(environment) = &job.environment {
        emit.map("environment", |emit| {
            emit.scalar("name", Scalar::Str(&environment.name));
            if let Some(url) = &environment.url {
                emit.scalar("url", Scalar::Str(&expr::text(url, inputs)));
            }
        });
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
        emit.tree("concurrency", self::concurrency(concurrency, inputs));
    }
    if let Some(timeout) = job.timeout {
        emit.scalar("timeout-minutes", Scalar::Int(minutes(timeout)));
    }
    if job.allow_failure {
        emit.scalar("continue-on-error", Scalar::Bool(true));
    }
    if let Some(image) = job.image.as_deref() {
        emit.map("container", |emit| {
            emit.scalar("image", Scalar::Str(&expr::text(image, inputs)));
        });
    }
    if !job.services.is_empty() {
        emit.tree("services", services(job, inputs));
    }
    if let Some(matrix) = &job.matrix {
        emit.map("strategy", |emit| {
            emit.map("matrix", |emit| {
                for axis in &matrix.axes {
                    emit.seq(&axis.name, |emit| {
                        for value in &axis.values {
                            emit.item(Scalar::Str(value));
                        }
                    });
                }
                for (key, entries) in [("include", &matrix.include), ("exclude", &matrix.exclude)] {
                    if !entries.is_empty() {
                        emit.seq(key, |emit| {
                            for entry in entries {
                                emit.item_map(|emit| {
                                    for (key, value) in entry {
                                        emit.scalar(key, Scalar::Str(value));
                                    }
                                });
                            }
                        });
                    }
                }
            });
            if let Some(fail_fast) = matrix.fail_fast {
                emit.scalar("fail-fast", Scalar::Bool(fail_fast));
            }
            if let Some(max_parallel) = matrix.max_parallel {
                emit.scalar("max-parallel", Scalar::Int(i64::from(max_parallel)));
            }
        });
    }
    if !job.env.is_empty() {
        emit.map("env", |emit| steps::env_entries(emit, &job.env, inputs));
    }
    if !job.outputs.is_empty() {
        emit.map("outputs", |emit| {
            for output in &job.outputs {
                emit.scalar(
                    &output.name,
                    Scalar::Str(&expr::text(&output.value, inputs)),
                );
            }
        });
    }
    emit.seq("steps", |emit| steps::steps(emit, pipeline, job, inputs));
}

fn services(job: &Job, inputs: &Inputs<'_>) -> Yaml {
    let mut services = Yaml::map();
    for service in &job.services {
        let mut entry = Yaml::map();
        entry.insert("image", Yaml::str(expr::text(&service.image, inputs)));
        if !service.env.is_empty() {
            entry.insert(
                "env",
                TreeEmitter::mapping(|emit| steps::env_entries(emit, &service.env, inputs)),
            );
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
        Yaml::Seq(vec![TreeEmitter::mapping(|emit| {
            steps::slack_step(emit, pipeline, notification);
        })]),
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
