//! A pipeline → an Argo `WorkflowTemplate` (a DAG whose tasks are the
//! jobs), a `CronWorkflow` per schedule, and a volume claim per cache.

use crate::backend::k8s::conditions;
use crate::backend::k8s::env::Values;
use crate::backend::k8s::inputs::{JobInputs, argument, arguments, artifact_from, named};
use crate::backend::k8s::merge::escape_into;
use crate::backend::k8s::naming;
use crate::backend::k8s::pod::{self, TOOLS_IMAGE};
use crate::backend::k8s::starts;
use crate::backend::k8s::templates;
use crate::backend::yaml::Yaml;
use crate::ir::{InputType, Job, Literal, Notification, Pipeline};

/// The size asked for each cache's volume claim.
pub const CACHE_SIZE: &str = "10Gi";

/// The labels of every object pipec writes for a pipeline.
pub fn labels(pipeline: &Pipeline) -> Yaml {
    let mut labels = Yaml::map();
    labels.insert(
        "app.kubernetes.io/part-of",
        Yaml::str(naming::workflow_name(pipeline)),
    );
    labels.insert("app.kubernetes.io/managed-by", Yaml::str("pipec"));
    labels
}

fn metadata(pipeline: &Pipeline, name: String) -> Yaml {
    let mut metadata = Yaml::map();
    metadata.insert("name", Yaml::str(name));
    metadata.insert("labels", labels(pipeline));
    metadata
}

/// The documents of `k8s/workflows/<pipeline>.yaml`.
pub fn workflow_documents(pipeline: &Pipeline, followers: &[&Pipeline]) -> Vec<Yaml> {
    let mut documents: Vec<Yaml> = pod::cache_names(pipeline)
        .iter()
        .map(|cache| cache_claim(pipeline, cache))
        .collect();
    let mut template = Yaml::map();
    template.insert("apiVersion", Yaml::str("argoproj.io/v1alpha1"));
    template.insert("kind", Yaml::str("WorkflowTemplate"));
    let mut meta = metadata(pipeline, naming::workflow_name(pipeline));
    if let Some(title) = &pipeline.title {
        let mut annotations = Yaml::map();
        annotations.insert("workflows.argoproj.io/title", Yaml::str(title.clone()));
        meta.insert("annotations", annotations);
    }
    template.insert("metadata", meta);
    template.insert("spec", spec(pipeline, followers));
    documents.push(template);
    if !followers.is_empty() {
        documents.extend(starts::starter_documents(pipeline));
    }
    documents
}

fn cache_claim(pipeline: &Pipeline, cache: &str) -> Yaml {
    let mut requests = Yaml::map();
    requests.insert("storage", Yaml::str(CACHE_SIZE));
    let mut resources = Yaml::map();
    resources.insert("requests", requests);
    let mut spec = Yaml::map();
    // Combinations of a matrix and parallel jobs mount it at once.
    spec.insert("accessModes", Yaml::Seq(vec![Yaml::str("ReadWriteMany")]));
    spec.insert("resources", resources);
    let mut claim = Yaml::map();
    claim.insert("apiVersion", Yaml::str("v1"));
    claim.insert("kind", Yaml::str("PersistentVolumeClaim"));
    claim.insert(
        "metadata",
        metadata(pipeline, naming::cache_claim(pipeline, cache)),
    );
    claim.insert("spec", spec);
    claim
}

fn spec(pipeline: &Pipeline, followers: &[&Pipeline]) -> Yaml {
    let values = Values::new(pipeline, None);
    let mut spec = Yaml::map();
    spec.insert("entrypoint", Yaml::str(naming::MAIN_TEMPLATE));
    if !pipeline.notifications.is_empty() {
        spec.insert("onExit", Yaml::str(naming::EXIT_TEMPLATE));
    }
    let mut arguments = Yaml::map();
    arguments.insert("parameters", parameters(pipeline, !followers.is_empty()));
    spec.insert("arguments", arguments);
    if let Some(concurrency) = &pipeline.concurrency {
        spec.insert(
            "synchronization",
            templates::mutex(&values.argo(&concurrency.group)),
        );
    }
    spec.insert("securityContext", pod::pod_security_context(pod::USER_ID));
    spec.insert("volumes", pod::workflow_volumes(pipeline));
    let mut all = vec![dag(pipeline, followers)];
    for job in &pipeline.jobs {
        if naming::has_matrix_template(job) {
            all.push(matrix_template(pipeline, job));
        }
        if job.allow_failure {
            all.push(templates::may_fail_template(pipeline, job));
        }
        all.extend(templates::job_templates(pipeline, job));
    }
    all.extend(
        followers
            .iter()
            .map(|follower| starts::start_template(pipeline, follower)),
    );
    if !pipeline.notifications.is_empty() {
        all.push(exit_handler(pipeline));
        for (index, notification) in pipeline.notifications.iter().enumerate() {
            all.push(notify_template(&values, pipeline, notification, index));
        }
    }
    spec.insert("templates", Yaml::Seq(all));
    escape_into(&mut spec, &pipeline.escapes.k8s);
    spec
}

/// The workflow's parameters: the git context, then the manual inputs
/// with their defaults (every parameter has a value, so that a
/// CronWorkflow, which sets only `event`, can submit the template).
fn parameters(pipeline: &Pipeline, has_followers: bool) -> Yaml {
    let mut used: Vec<&str> = naming::ALWAYS_DECLARED.to_vec();
    // Followers are given the repository, whether this pipeline clones it or not.
    if has_followers
        || pipeline
            .jobs
            .iter()
            .any(|job| job.checkout || !job.deploys.is_empty())
    {
        used.push("git_repo");
    }
    for job in &pipeline.jobs {
        for expression in job.expressions() {
            for context in expression.contexts() {
                if let Some(parameter) = naming::git_parameter(context)
                    && !used.contains(&parameter)
                {
                    used.push(parameter);
                }
            }
        }
    }
    let mut out = Vec::new();
    for (name, description) in naming::GIT_PARAMETERS {
        if !used.contains(name) {
            continue;
        }
        let mut parameter = named(name);
        if *name == "event" {
            parameter.insert("value", Yaml::str("manual"));
            parameter.insert(
                "enum",
                Yaml::Seq(
                    ["push", "pull_request", "schedule", "manual"]
                        .iter()
                        .map(|event| Yaml::str(*event))
                        .collect(),
                ),
            );
        } else {
            parameter.insert("value", Yaml::str(""));
        }
        parameter.insert("description", Yaml::str(*description));
        out.push(parameter);
    }
    for input in pipeline
        .triggers
        .manual
        .iter()
        .flat_map(|manual| &manual.inputs)
    {
        let mut parameter = named(&input.name);
        let value = input
            .default
            .as_ref()
            .map(Literal::to_text)
            .unwrap_or_default();
        let choices: Option<Vec<String>> = match &input.ty {
            InputType::Enum(variants) => Some(variants.clone()),
            InputType::Bool => Some(vec!["true".to_owned(), "false".to_owned()]),
            InputType::String | InputType::Int => None,
        };
        parameter.insert("value", Yaml::str(value.clone()));
        if let Some(mut choices) = choices {
            // Without a default the value is empty on other events.
            if !choices.contains(&value) {
                choices.insert(0, value);
            }
            parameter.insert(
                "enum",
                Yaml::Seq(choices.into_iter().map(Yaml::str).collect()),
            );
        }
        parameter.insert(
            "description",
            Yaml::str(
                input
                    .description
                    .clone()
                    .unwrap_or_else(|| format!("inputs.{}", input.name)),
            ),
        );
        out.push(parameter);
    }
    Yaml::Seq(out)
}

/// The entry template: one DAG task per job.
fn dag(pipeline: &Pipeline, followers: &[&Pipeline]) -> Yaml {
    let tasks: Vec<Yaml> = pipeline
        .jobs
        .iter()
        .map(|job| task(pipeline, job))
        .chain(
            followers
                .iter()
                .map(|follower| starts::start_task(pipeline, follower)),
        )
        .collect();
    let mut dag = Yaml::map();
    // A failed job must not keep independent jobs from starting, as on
    // the other targets: dependents are held back by `depends` alone.
    dag.insert("failFast", Yaml::Bool(false));
    dag.insert("tasks", Yaml::Seq(tasks));
    let mut template = named(naming::MAIN_TEMPLATE);
    template.insert("dag", dag);
    template
}

fn task(pipeline: &Pipeline, job: &Job) -> Yaml {
    let inputs = JobInputs::of(pipeline, job);
    let mut task = named(&naming::job_template(job));
    let through_matrix_template = naming::has_matrix_template(job);
    task.insert("template", Yaml::str(naming::task_template(job)));
    let (depends, when) = conditions::task_condition(pipeline, job);
    task.insert_some("depends", depends.map(Yaml::str));
    task.insert_some("when", when.map(Yaml::str));
    let mut parameters: Vec<Yaml> = Vec::new();
    if !through_matrix_template {
        parameters.extend(
            inputs
                .matrix_keys
                .iter()
                .map(|key| argument(key, &format!("{{{{item.{key}}}}}"))),
        );
    }
    parameters.extend(inputs.outputs.iter().map(|(parameter, producer, output)| {
        argument(
            parameter,
            &format!(
                "{{{{tasks.{}.outputs.parameters.{output}}}}}",
                crate::backend::names::dns_label(producer)
            ),
        )
    }));
    let artifacts: Vec<Yaml> = inputs
        .artifacts
        .iter()
        .map(|(name, _, producer, artifact)| {
            artifact_from(
                name,
                &format!("{{{{tasks.{producer}.outputs.artifacts.{artifact}}}}}"),
            )
        })
        .collect();
    task.insert_some("arguments", arguments(parameters, artifacts));
    if !through_matrix_template && let Some(items) = matrix_items(job) {
        task.insert("withItems", items);
    }
    task
}

/// The matrix's combinations, each with every key (empty where an
/// `include` entry did not give it).
fn matrix_items(job: &Job) -> Option<Yaml> {
    let matrix = job.matrix.as_ref()?;
    let keys = matrix.keys();
    let items = matrix
        .combinations()
        .into_iter()
        .map(|combination| {
            Yaml::Map(
                keys.iter()
                    .map(|key| {
                        let value = combination
                            .iter()
                            .find(|(name, _)| name == key)
                            .map(|(_, value)| value.clone())
                            .unwrap_or_default();
                        ((*key).to_owned().into(), Yaml::str(value))
                    })
                    .collect(),
            )
        })
        .collect();
    Some(Yaml::Seq(items))
}

/// `max_parallel`: a `steps` template that runs the combinations at most
/// that many at a time.
fn matrix_template(pipeline: &Pipeline, job: &Job) -> Yaml {
    let inputs = JobInputs::of(pipeline, job);
    let mut step = named("combination");
    step.insert("template", Yaml::str(naming::combination_template(job)));
    step.insert_some("arguments", inputs.forward(true));
    step.insert_some("withItems", matrix_items(job));
    let mut template = named(&naming::matrix_template(job));
    let own = JobInputs {
        matrix_keys: Vec::new(),
        ..inputs
    };
    template.insert_some("inputs", own.inputs(None, false));
    let limit = job
        .matrix
        .as_ref()
        .and_then(|matrix| matrix.max_parallel)
        .unwrap_or(1);
    template.insert("parallelism", Yaml::Int(i64::from(limit)));
    template.insert("steps", Yaml::Seq(vec![Yaml::Seq(vec![step])]));
    template
}

/// The exit handler: every notification whose statuses match the run's.
fn exit_handler(pipeline: &Pipeline) -> Yaml {
    let group: Vec<Yaml> = pipeline
        .notifications
        .iter()
        .enumerate()
        .map(|(index, notification)| {
            let mut step = named(&format!("notify-{}", index + 1));
            step.insert("template", Yaml::str(naming::notify_template(index)));
            step.insert_some(
                "when",
                conditions::notify_condition(&notification.when).map(Yaml::str),
            );
            step
        })
        .collect();
    let mut template = named(naming::EXIT_TEMPLATE);
    template.insert("steps", Yaml::Seq(vec![Yaml::Seq(group)]));
    template
}

fn notify_template(
    values: &Values<'_>,
    pipeline: &Pipeline,
    notification: &Notification,
    index: usize,
) -> Yaml {
    let text = notification.message.as_ref().map_or_else(
        || {
            format!(
                "Pipeline {} {{{{workflow.status}}}}: workflow {{{{workflow.namespace}}}}/{{{{workflow.name}}}}",
                pipeline.title.as_deref().unwrap_or(&pipeline.name)
            )
        },
        |message| values.argo(message),
    );
    let env = vec![
        values.secret_entry("SLACK_WEBHOOK_URL", &notification.webhook_secret),
        argument("SLACK_TEXT", &text),
        argument(
            "SLACK_CHANNEL",
            notification.room.as_deref().unwrap_or_default(),
        ),
        argument("HOME", pod::HOME),
    ];
    let mut container = Yaml::map();
    container.insert("image", Yaml::str(TOOLS_IMAGE));
    container.insert("command", Yaml::Seq(vec![Yaml::str("sh")]));
    container.insert("source", Yaml::str(crate::backend::notify::SLACK_SCRIPT));
    container.insert("env", Yaml::Seq(env));
    container.insert("resources", pod::resources(None, "50m", "64Mi"));
    container.insert("securityContext", pod::container_security_context(true));
    container.insert("volumeMounts", pod::mounts(&[]));
    let mut template = named(&naming::notify_template(index));
    template.insert("activeDeadlineSeconds", Yaml::Int(300));
    template.insert("script", container);
    template
}

/// The documents of `k8s/workflows/<pipeline>-schedules.yaml`.
pub fn schedule_documents(pipeline: &Pipeline) -> Vec<Yaml> {
    pipeline
        .triggers
        .schedules
        .iter()
        .zip(naming::cron_names(pipeline))
        .map(|(schedule, name)| {
            let mut reference = Yaml::map();
            reference.insert("name", Yaml::str(naming::workflow_name(pipeline)));
            let mut arguments = Yaml::map();
            arguments.insert("parameters", Yaml::Seq(vec![argument("event", "schedule")]));
            let mut workflow = Yaml::map();
            workflow.insert("workflowTemplateRef", reference);
            workflow.insert("arguments", arguments);
            let mut spec = Yaml::map();
            spec.insert(
                "schedules",
                Yaml::Seq(vec![Yaml::str(schedule.cron.clone())]),
            );
            spec.insert("timezone", Yaml::str("UTC"));
            spec.insert("workflowSpec", workflow);
            let mut cron = Yaml::map();
            cron.insert("apiVersion", Yaml::str("argoproj.io/v1alpha1"));
            cron.insert("kind", Yaml::str("CronWorkflow"));
            cron.insert("metadata", metadata(pipeline, name));
            cron.insert("spec", spec);
            cron
        })
        .collect()
}
