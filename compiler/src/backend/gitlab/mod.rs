//! The GitLab CI backend: `.gitlab-ci.yml`, and for a project of several
//! pipelines one child pipeline per pipeline, `.gitlab/ci/<pipeline>/.gitlab-ci.yml`.
//!
//! A project with one pipeline is one `.gitlab-ci.yml`: `workflow: rules:`
//! from its triggers, its environment and manual inputs as `variables:`,
//! stages derived from `needs`, its jobs and notifications. With several
//! pipelines (or a pipeline-wide `concurrency`, which GitLab expresses as
//! a `resource_group` on a trigger job), `.gitlab-ci.yml` starts each
//! pipeline as a child pipeline from a `trigger: include:` job whose rules
//! are that pipeline's triggers. Secrets are CI/CD variables referenced
//! by name; what to configure in GitLab (variables, protected
//! environments, schedules) is listed in the root file's header and in
//! the build notes. The mapping is documented in `docs/targets/gitlab.md`.

mod artifacts;
mod condition;
mod job;
mod notify;
mod numbers;
mod render;
mod script;
pub mod stages;
mod starts;
mod values;
mod workflow;

use crate::backend::escape::escape_into;
use crate::backend::yaml::{Text, Yaml, render};
use crate::backend::{BuildContext, Generated, OutputFile, header};
use crate::ir::{Input, Pipeline, Project};
use values::Dialect;
use workflow::{EventRule, RuleVariables};

/// Where the child pipeline of `pipeline` is written: a file named like a
/// root pipeline, so that what finds GitLab pipelines by their name (the
/// GitLab schema of editors' YAML support, the validators' directory walk)
/// finds each child too.
pub fn child_path(pipeline: &str) -> String {
    format!(".gitlab/ci/{pipeline}/.gitlab-ci.yml")
}

/// Whether `project` is written as a parent pipeline with children.
pub fn uses_child_pipelines(project: &Project) -> bool {
    project.pipelines.len() > 1
        || project
            .pipelines
            .iter()
            .any(|pipeline| pipeline.concurrency.is_some())
}

pub fn generate(project: &Project, context: &BuildContext) -> Generated {
    let mut generated = Generated::default();
    let Some(first) = project.pipelines.first() else {
        return generated;
    };
    let settings = settings(project);
    generated.notes.extend(settings.iter().cloned());
    let mut root_header = if uses_child_pipelines(project) {
        let mut sources: Vec<&str> = Vec::new();
        for pipeline in &project.pipelines {
            if !sources.contains(&pipeline.source_file.as_str()) {
                sources.push(&pipeline.source_file);
            }
        }
        header(&sources.join(", "), context)
    } else {
        header(&first.source_file, context)
    };
    if !settings.is_empty() {
        root_header.push_str("\n\nTo configure in GitLab:");
        for line in &settings {
            root_header.push_str("\n- ");
            root_header.push_str(line);
        }
    }
    if !uses_child_pipelines(project) {
        let document = pipeline_document(first, Dialect::new(false), true);
        generated.files.push(OutputFile {
            path: ".gitlab-ci.yml".to_owned(),
            contents: render(&root_header, &[document]),
        });
        return generated;
    }
    generated.files.push(OutputFile {
        path: ".gitlab-ci.yml".to_owned(),
        contents: render(&root_header, &[parent_document(project)]),
    });
    for pipeline in &project.pipelines {
        generated.files.push(OutputFile {
            path: child_path(&pipeline.name),
            contents: render(
                &header(&pipeline.source_file, context),
                &[pipeline_document(pipeline, Dialect::new(true), false)],
            ),
        });
    }
    generated
}

/// One pipeline's configuration: its own file, or a child pipeline (then
/// without workflow rules and inputs, which the parent holds).
fn pipeline_document(pipeline: &Pipeline, dialect: Dialect, standalone: bool) -> Yaml {
    let mut document = Yaml::map();
    let mut workflow = Yaml::map();
    workflow.insert("name", Yaml::str(pipeline.display_name().to_owned()));
    if standalone {
        let variables = RuleVariables::of(pipeline, false);
        let rules = workflow::event_rules(&pipeline.triggers, variables.reference);
        workflow.insert("rules", workflow::rules_yaml(&rules, variables));
    }
    document.insert("workflow", workflow);
    let mut variables: Vec<(Text, Yaml)> = Vec::new();
    if standalone {
        let own: Vec<&Input> = pipeline.inputs().iter().collect();
        variables.extend(workflow::input_variables(&own, ""));
    }
    for var in &pipeline.env {
        variables.push((
            var.name.clone().into(),
            Yaml::str(values::yaml_text(&var.value, &dialect)),
        ));
    }
    if !variables.is_empty() {
        document.insert("variables", Yaml::Map(variables));
    }
    let stages = stages::stages(pipeline).unwrap_or_else(|_| stages::Stages {
        names: vec!["test".to_owned()],
        of_job: vec![0; pipeline.jobs.len()],
    });
    if !stages.names.is_empty() {
        document.insert(
            "stages",
            Yaml::Seq(
                stages
                    .names
                    .iter()
                    .map(|name| Yaml::str(name.clone()))
                    .collect(),
            ),
        );
    }
    let order = stages::job_order(pipeline);
    let effective = job::effective_conditions(pipeline, &order);
    for index in 0..pipeline.jobs.len() {
        document.insert(
            pipeline.jobs[index].name.clone(),
            job::job(pipeline, index, &stages, &dialect, &effective),
        );
    }
    let mut taken = Vec::new();
    for (name, notify_job) in notify::jobs(pipeline, &dialect, &mut taken) {
        document.insert(name, notify_job);
    }
    escape_into(&mut document, &pipeline.escapes.gitlab);
    document
}

/// `.gitlab-ci.yml` of a project of several pipelines: the union of their
/// triggers as workflow rules, their manual inputs, and one trigger job
/// per pipeline.
fn parent_document(project: &Project) -> Yaml {
    let mut document = Yaml::map();
    let mut union: Vec<EventRule> = Vec::new();
    for pipeline in &project.pipelines {
        for rule in workflow::event_rules(&pipeline.triggers, false) {
            if !union
                .iter()
                .any(|known| known.condition == rule.condition && known.changes == rule.changes)
            {
                union.push(rule);
            }
        }
    }
    let mut workflow = Yaml::map();
    workflow.insert(
        "rules",
        workflow::rules_yaml(&union, RuleVariables::default()),
    );
    document.insert("workflow", workflow);
    // Each pipeline's inputs under its own name in the one Run pipeline
    // form (`RELEASE_INPUTS_VERSION`); its trigger job passes them down as
    // the `INPUTS_…` variables the child reads.
    let mut form: Vec<(Text, Yaml)> = Vec::new();
    for pipeline in &project.pipelines {
        let own: Vec<&Input> = pipeline.inputs().iter().collect();
        form.extend(workflow::input_variables(&own, &input_prefix(pipeline)));
    }
    if !form.is_empty() {
        document.insert("variables", Yaml::Map(form));
    }
    document.insert("stages", Yaml::Seq(vec![Yaml::str("pipelines")]));
    let dialect = Dialect::new(false);
    for (pipeline, root_jobs) in project.pipelines.iter().zip(starts::root_jobs(project)) {
        for root_job in root_jobs {
            let name = root_job.name.clone();
            document.insert(name, trigger_job(pipeline, root_job, &dialect));
        }
    }
    document
}

/// A job of the parent file that starts `pipeline` as a child pipeline.
fn trigger_job(pipeline: &Pipeline, root_job: starts::RootJob, dialect: &Dialect) -> Yaml {
    let variables = RuleVariables::of(pipeline, true);
    let mut trigger_job = Yaml::map();
    trigger_job.insert("stage", Yaml::str("pipelines"));
    if let Some(upstream) = root_job.needs {
        trigger_job.insert("needs", Yaml::Seq(vec![Yaml::str(upstream)]));
    }
    trigger_job.insert("rules", workflow::rules_yaml(&root_job.rules, variables));
    if !root_job.inputs.is_empty() {
        let passed = root_job
            .inputs
            .into_iter()
            .map(|(name, value)| (name.into(), Yaml::str(value)))
            .collect();
        trigger_job.insert("variables", Yaml::Map(passed));
    }
    let mut include = Yaml::map();
    include.insert("local", Yaml::str(child_path(&pipeline.name)));
    let mut trigger = Yaml::map();
    trigger.insert("include", Yaml::Seq(vec![include]));
    trigger.insert("strategy", Yaml::str("depend"));
    let mut forward = Yaml::map();
    forward.insert("pipeline_variables", Yaml::Bool(true));
    trigger.insert("forward", forward);
    trigger_job.insert("trigger", trigger);
    if let Some(concurrency) = &pipeline.concurrency {
        trigger_job.insert(
            "resource_group",
            Yaml::str(values::yaml_text(&concurrency.group, dialect)),
        );
    }
    trigger_job
}

/// The prefix of a pipeline's inputs in a project of several pipelines.
pub(super) fn input_prefix(pipeline: &Pipeline) -> String {
    format!("{}_", crate::backend::names::screaming(&pipeline.name))
}

/// What to configure in GitLab itself: CI/CD variables for the secrets,
/// protected environments for approvals, pipeline schedules.
fn settings(project: &Project) -> Vec<String> {
    let mut lines = Vec::new();
    let mut secrets: Vec<String> = Vec::new();
    let mut files: Vec<String> = Vec::new();
    for pipeline in &project.pipelines {
        for secret in &pipeline.secrets {
            let is_file = pipeline
                .jobs
                .iter()
                .flat_map(|job| &job.deploys)
                .any(|deploy| deploy.kubeconfig.as_deref() == Some(secret.name.as_str()));
            let list = if is_file { &mut files } else { &mut secrets };
            if !list.contains(&secret.name) {
                list.push(secret.name.clone());
            }
        }
    }
    if !secrets.is_empty() {
        lines.push(format!(
            "CI/CD variables (Settings > CI/CD > Variables), masked and protected: {} (a protected variable reaches only pipelines of protected branches and tags)",
            secrets.join(", ")
        ));
    }
    if !files.is_empty() {
        lines.push(format!(
            "CI/CD variables of type File, protected, holding a kubeconfig: {}",
            files.join(", ")
        ));
    }
    for pipeline in &project.pipelines {
        for schedule in &pipeline.triggers.schedules {
            lines.push(format!(
                "a pipeline schedule (Build > Pipeline schedules) with cron `{}` in UTC for pipeline `{}`",
                schedule.cron, pipeline.name
            ));
        }
        for job in &pipeline.jobs {
            if job.services.iter().any(|service| service.privileged) {
                lines.push(format!(
                    "job `{}` of pipeline `{}` runs a privileged service: its runner needs `privileged = true` (GitLab's hosted runners have it)",
                    job.name, pipeline.name
                ));
            }
            let Some(environment) = &job.environment else {
                continue;
            };
            if let Some(approval) = &environment.approval {
                lines.push(format!(
                    "protect environment `{}` (Settings > CI/CD > Protected environments) so that only its approvers may run job `{}`; with GitLab Premium, require {} approval{}",
                    environment.name,
                    job.name,
                    approval.reviewers,
                    if approval.reviewers == 1 { "" } else { "s" }
                ));
            }
        }
    }
    lines
}
