//! The names the Kubernetes backend gives files, objects, templates and
//! workflow parameters. They derive deterministically from `.pipe` names
//! (through `backend::names::dns_label`), and the checker uses the same
//! functions to report invalid and colliding names before anything is
//! written (`check::kubernetes`, `check::deploys`).

use crate::backend::names::dns_label;
use crate::ir::{Context, Deploy, Job, Pipeline};

/// The workflow parameters of the git context, named after the `.pipe`
/// values they carry (`git.sha` is `git_sha`), with what they hold; the
/// submitter of a workflow sets them (Argo Events from a webhook, a person
/// with `argo submit -p`), a CronWorkflow sets `event` to `schedule`.
pub const GIT_PARAMETERS: &[(&str, &str)] = &[
    ("git_repo", "the URL the repository is cloned from"),
    (
        "git_branch",
        "git.branch: the pushed branch; empty for tags and pull requests",
    ),
    ("git_tag", "git.tag: the pushed tag; empty otherwise"),
    (
        "git_sha",
        "git.sha: the commit to build; empty builds the default branch",
    ),
    (
        "git_ref",
        "git.ref: the full ref, refs/heads/main or refs/tags/v1.0",
    ),
    ("event", "event: push, pull_request, schedule or manual"),
    ("pr_base", "pr.base: the target branch of a pull request"),
    ("pr_head", "pr.head: the source branch of a pull request"),
    ("pr_title", "pr.title: the title of the pull request"),
    ("pr_body", "pr.body: the description of the pull request"),
    ("pr_number", "pr.number: the number of the pull request"),
    ("pr_draft", "pr.draft: true for a draft pull request"),
    (
        "git_commit_message",
        "git.commit_message: the message of the commit",
    ),
];

/// The git parameters every workflow template declares, used or not, so
/// that whoever submits workflows can always pass them.
pub const ALWAYS_DECLARED: &[&str] = &["git_branch", "git_tag", "git_sha", "git_ref", "event"];

/// The workflow parameter that carries a git context value.
pub fn git_parameter(context: &Context) -> Option<&'static str> {
    Some(match context {
        Context::Branch => "git_branch",
        Context::Tag => "git_tag",
        Context::Sha => "git_sha",
        Context::Ref => "git_ref",
        Context::Event => "event",
        Context::PrBase => "pr_base",
        Context::PrHead => "pr_head",
        Context::PrTitle => "pr_title",
        Context::PrBody => "pr_body",
        Context::PrNumber => "pr_number",
        Context::PrDraft => "pr_draft",
        Context::CommitMessage => "git_commit_message",
        _ => return None,
    })
}

/// The template (and DAG task) of a pipeline that submits `follower`.
pub fn start_template(follower: &Pipeline) -> String {
    format!("pipec-start-{}", dns_label(&follower.name))
}

/// `k8s/workflows/<pipeline>.yaml`: the WorkflowTemplate and the volume
/// claims of its caches.
pub fn workflow_file(pipeline: &Pipeline) -> String {
    format!("k8s/workflows/{}.yaml", workflow_name(pipeline))
}

/// `k8s/workflows/<pipeline>-schedules.yaml`: the CronWorkflows.
pub fn schedules_file(pipeline: &Pipeline) -> String {
    format!("k8s/workflows/{}-schedules.yaml", workflow_name(pipeline))
}

/// The WorkflowTemplate's name.
pub fn workflow_name(pipeline: &Pipeline) -> String {
    dns_label(&pipeline.name)
}

/// One CronWorkflow per schedule: `<pipeline>-schedule`, or numbered when
/// there are several.
pub fn cron_names(pipeline: &Pipeline) -> Vec<String> {
    let base = workflow_name(pipeline);
    match pipeline.triggers.schedules.len() {
        1 => vec![format!("{base}-schedule")],
        count => (1..=count)
            .map(|index| format!("{base}-schedule-{index}"))
            .collect(),
    }
}

/// The Secret holding the pipeline's secrets, one key per `secret NAME`.
pub fn secret_name(pipeline: &Pipeline) -> String {
    format!("{}-secrets", workflow_name(pipeline))
}

/// The ConfigMap holding the pipeline's `vars`, one key per name.
pub fn vars_name(pipeline: &Pipeline) -> String {
    format!("{}-vars", workflow_name(pipeline))
}

/// The volume claim of a cache, shared by every run of the pipeline.
pub fn cache_claim(pipeline: &Pipeline, cache: &str) -> String {
    format!("{}-cache-{}", workflow_name(pipeline), dns_label(cache))
}

/// The templates of the workflow that are not jobs.
pub const MAIN_TEMPLATE: &str = "pipec-main";
pub const EXIT_TEMPLATE: &str = "pipec-exit";

/// The template of one notification.
pub fn notify_template(index: usize) -> String {
    format!("pipec-notify-{}", index + 1)
}

/// The job's DAG task, and the template the task calls.
pub fn job_template(job: &Job) -> String {
    dns_label(&job.name)
}

/// Whether the job's template is a `steps` template wrapping others: an
/// approval or a deploy runs in a step of its own.
pub fn has_wrapper(job: &Job) -> bool {
    !job.deploys.is_empty()
        || job
            .environment
            .as_ref()
            .is_some_and(|environment| environment.approval.is_some())
}

/// Whether the DAG task runs the combinations through a template that
/// limits how many run at once (`max_parallel`).
pub fn has_matrix_template(job: &Job) -> bool {
    job.matrix
        .as_ref()
        .is_some_and(|matrix| matrix.max_parallel.is_some())
}

/// The template running the job's steps (the job's own template when it
/// needs no wrapper).
pub fn script_template(job: &Job) -> String {
    if has_wrapper(job) {
        format!("{}-script", job_template(job))
    } else {
        job_template(job)
    }
}

pub fn approval_template(job: &Job) -> String {
    format!("{}-approval", job_template(job))
}

pub fn wait_template(job: &Job) -> String {
    format!("{}-wait", job_template(job))
}

pub fn deploy_template(job: &Job, deploy: &Deploy) -> String {
    format!(
        "{}-deploy-{}",
        job_template(job),
        dns_label(&deploy.service)
    )
}

/// With `max_parallel`, the template that runs the combinations a few at a
/// time; the DAG task calls it.
pub fn matrix_template(job: &Job) -> String {
    format!("{}-matrix", job_template(job))
}

/// With `allow_failure`, the template that runs the job in a step that
/// may fail.
pub fn may_fail_template(job: &Job) -> String {
    format!("{}-may-fail", job_template(job))
}

/// The template a job's DAG task calls: the matrix template, else the
/// may-fail template, else the job's own.
pub fn task_template(job: &Job) -> String {
    if has_matrix_template(job) {
        matrix_template(job)
    } else {
        combination_template(job)
    }
}

/// The template one combination of the job runs.
pub fn combination_template(job: &Job) -> String {
    if job.allow_failure {
        may_fail_template(job)
    } else {
        job_template(job)
    }
}

/// Every template name a job gives the workflow, for collision checks.
pub fn job_templates(job: &Job) -> Vec<String> {
    let mut names = vec![job_template(job)];
    if has_wrapper(job) {
        names.push(script_template(job));
        if let Some(environment) = &job.environment
            && let Some(approval) = &environment.approval
        {
            names.push(approval_template(job));
            if approval.wait.is_some() {
                names.push(wait_template(job));
            }
        }
        names.extend(
            job.deploys
                .iter()
                .map(|deploy| deploy_template(job, deploy)),
        );
    }
    if has_matrix_template(job) {
        names.push(matrix_template(job));
    }
    if job.allow_failure {
        names.push(may_fail_template(job));
    }
    names
}

/// The object names of a deploy: the workload and its Service share the
/// service's name.
pub fn deploy_name(deploy: &Deploy) -> String {
    dns_label(&deploy.service)
}

pub fn preview_service(deploy: &Deploy) -> String {
    format!("{}-preview", deploy_name(deploy))
}

pub fn canary_service(deploy: &Deploy) -> String {
    format!("{}-canary", deploy_name(deploy))
}

pub fn analysis_template(deploy: &Deploy) -> String {
    format!("{}-rollback", deploy_name(deploy))
}

pub fn smoke_test_template(deploy: &Deploy) -> String {
    format!("{}-smoke-test", deploy_name(deploy))
}

/// The template input that carries `jobs.JOB.outputs.NAME` into a job.
pub fn output_parameter(job: &str, output: &str) -> String {
    crate::backend::names::env_name(&Context::JobOutput {
        job: job.to_owned(),
        output: output.to_owned(),
    })
}
