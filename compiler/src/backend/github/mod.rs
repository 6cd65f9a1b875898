//! The GitHub Actions backend: one workflow per pipeline, at
//! `.github/workflows/<pipeline>.yml`.
//!
//! Secure by construction: the workflow's token has no permissions
//! (`permissions: {}`) and each job gets what it uses; every action is
//! pinned to a full commit SHA; checkouts do not keep credentials; and no
//! runtime value is spliced into a script: the script reads it from an
//! environment variable the step sets.

pub mod actions;
mod expr;
mod job;
mod permissions;
mod steps;
mod triggers;

pub(crate) use crate::backend::escape::escape_into;
use crate::backend::yaml::{Yaml, render_with_plain_keys};
use crate::backend::{BuildContext, Generated, OutputFile, header};
use crate::ir::{Pipeline, Project};

/// The runner of jobs that do not name one.
pub const DEFAULT_RUNNER: &str = "ubuntu-24.04";

pub fn generate(project: &Project, context: &BuildContext) -> Generated {
    let mut generated = Generated::default();
    for pipeline in &project.pipelines {
        let workflow = workflow(pipeline, &mut generated.notes);
        generated.files.push(OutputFile {
            path: format!(".github/workflows/{}.yml", pipeline.name),
            contents: render_with_plain_keys(
                &header(&pipeline.source_file, context),
                &[workflow],
                &["on"],
            ),
        });
    }
    generated
}

fn workflow(pipeline: &Pipeline, notes: &mut Vec<String>) -> Yaml {
    let inputs = expr::Inputs {
        inputs: pipeline.inputs(),
    };
    let mut workflow = Yaml::map();
    workflow.insert("name", Yaml::str(pipeline.display_name().to_owned()));
    workflow.insert("on", triggers::on(&pipeline.triggers));
    workflow.insert("permissions", permissions::workflow(pipeline));
    if let Some(concurrency) = &pipeline.concurrency {
        workflow.insert("concurrency", job::concurrency(concurrency, &inputs));
    }
    if !pipeline.env.is_empty() {
        workflow.insert("env", steps::env_map(&pipeline.env, &inputs));
    }
    let mut jobs = Yaml::map();
    for ir_job in &pipeline.jobs {
        jobs.insert(
            ir_job.name.clone(),
            job::job(pipeline, ir_job, &inputs, notes),
        );
    }
    for notification in &pipeline.notifications {
        let (name, notify_job) = job::notification(pipeline, notification);
        jobs.insert(name, notify_job);
    }
    workflow.insert("jobs", jobs);
    escape_into(&mut workflow, &pipeline.escapes.github);
    workflow
}
