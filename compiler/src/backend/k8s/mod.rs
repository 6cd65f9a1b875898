//! The Kubernetes backend: every file under `k8s/` in the output directory.
//!
//! - `k8s/workflows/<pipeline>.yaml`: the pipeline as an Argo Workflows
//!   `WorkflowTemplate` (a DAG whose tasks are the jobs), after the
//!   `PersistentVolumeClaim` of each cache;
//! - `k8s/workflows/<pipeline>-schedules.yaml`: a `CronWorkflow` per
//!   schedule, submitting the template;
//! - `k8s/<environment>/<service>.yaml`: the manifests of each `deploy`,
//!   which the deploy jobs of every target apply (GitHub's and GitLab's
//!   deploy steps as much as the workflow's own deploy tasks); a strategy
//!   chosen per run writes `<service>.<value>.yaml` for each alternative.
//!
//! Secure by construction: pods run as a non-root user with no privilege
//! escalation and no capabilities, job containers on a read-only root
//! filesystem; secrets come from a Kubernetes Secret through `valueFrom`;
//! no runtime value is pasted into a script or a condition (`env`,
//! `conditions`). `docs/targets/k8s.md` documents the mapping.

mod analysis;
mod conditions;
mod env;
mod inputs;
mod manifests;
mod merge;
pub mod naming;
mod pod;
mod rollouts;
mod script;
mod smoke_test;
mod starts;
mod templates;
mod workflow;

#[cfg(test)]
mod tests;

pub use analysis::ARGUMENTS as ANALYSIS_ARGUMENTS;
pub use pod::{DEFAULT_IMAGE, TOOLS_IMAGE, cache_location, has_cache_location};

use crate::backend::names::manifest_path;
use crate::backend::yaml::render;
use crate::backend::{BuildContext, Generated, OutputFile, header};
use crate::ir::{Pipeline, Project};

pub fn generate(project: &Project, context: &BuildContext) -> Generated {
    let mut generated = Generated::default();
    let followers = project.followers();
    for pipeline in &project.pipelines {
        let header = header(&pipeline.source_file, context);
        generated.files.push(OutputFile {
            path: naming::workflow_file(pipeline),
            contents: render(
                &header,
                &workflow::workflow_documents(pipeline, followers.of(&pipeline.name)),
            ),
        });
        if !pipeline.triggers.schedules.is_empty() {
            generated.files.push(OutputFile {
                path: naming::schedules_file(pipeline),
                contents: render(&header, &workflow::schedule_documents(pipeline)),
            });
        }
        for job in &pipeline.jobs {
            for deploy in &job.deploys {
                for variant in deploy.strategy.variants() {
                    let path = manifest_path(job, deploy, variant.alternative);
                    // The checker lets two deploys share a file only when
                    // they write the same manifest.
                    if generated.files.iter().any(|file| file.path == path) {
                        continue;
                    }
                    let documents =
                        manifests::deploy_documents(pipeline, job, deploy, variant.strategy);
                    generated.files.push(OutputFile {
                        path,
                        contents: render(&header, &documents),
                    });
                }
            }
        }
        approval_notes(pipeline, &mut generated.notes);
    }
    generated
}

/// Argo approves by resuming a suspended workflow; it does not count
/// reviewers, so the person building hears what the approval means.
fn approval_notes(pipeline: &Pipeline, notes: &mut Vec<String>) {
    for job in &pipeline.jobs {
        let Some(environment) = &job.environment else {
            continue;
        };
        let Some(approval) = &environment.approval else {
            continue;
        };
        notes.push(format!(
            "Argo Workflows: job `{}` of pipeline `{}` waits in step `approval` until someone allowed to resume workflows approves (`argo resume WORKFLOW`); the {} reviewer{} of environment `{}` are not counted",
            job.name,
            pipeline.name,
            approval.reviewers,
            if approval.reviewers == 1 { "" } else { "s" },
            environment.name,
        ));
    }
}
