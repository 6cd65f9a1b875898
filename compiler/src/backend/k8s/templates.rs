//! A job → its templates: the script template that runs its steps (with
//! services as sidecars, the checkout and downloaded artifacts as inputs,
//! outputs and artifacts as outputs) and, for a job that deploys or waits
//! for an approval, a `steps` template around it: the approval as a
//! `suspend` step, then the steps, then one deploy step per `deploy`.

use crate::backend::deploy::deploy_script;
use crate::backend::k8s::env::{Values, embedded_references};
use crate::backend::k8s::inputs::{
    JobInputs, argument, arguments, artifact_from, artifact_name, named, script_contexts,
};
use crate::backend::k8s::merge::escape_into;
use crate::backend::k8s::naming;
use crate::backend::k8s::pod::{self, HOME, TOOLS_IMAGE};
use crate::backend::k8s::script::{self, OUTPUTS_DIRECTORY};
use crate::backend::names::{deploy_environment, deploy_placeholders};
use crate::backend::yaml::Yaml;
use crate::ir::{ArtifactWhen, Context, Deploy, ExprKind, Job, Pipeline};

/// Every template of `job`, the one the DAG task calls first.
pub fn job_templates(pipeline: &Pipeline, job: &Job) -> Vec<Yaml> {
    let values = Values::new(pipeline, Some(job));
    let inputs = JobInputs::of(pipeline, job);
    let mut templates = Vec::new();
    let runs_script = !naming::has_wrapper(job)
        || script::script_steps(job).next().is_some()
        || !job.outputs.is_empty()
        || !job.artifacts.is_empty();
    if naming::has_wrapper(job) {
        templates.push(wrapper(job, &values, &inputs, runs_script));
    }
    if runs_script {
        templates.push(script_template(pipeline, job, &values, &inputs));
    }
    if let Some(approval) = job
        .environment
        .as_ref()
        .and_then(|environment| environment.approval.as_ref())
    {
        let mut suspend = named(&naming::approval_template(job));
        suspend.insert("suspend", Yaml::map());
        templates.push(suspend);
        if let Some(wait) = approval.wait {
            let mut duration = Yaml::map();
            duration.insert("duration", Yaml::str(wait.div_ceil(1000).to_string()));
            let mut suspend = named(&naming::wait_template(job));
            suspend.insert("suspend", duration);
            templates.push(suspend);
        }
    }
    for deploy in &job.deploys {
        templates.push(deploy_template(job, deploy, &values, &inputs));
    }
    templates
}

/// The `steps` template of a job that waits for approval or deploys.
fn wrapper(job: &Job, values: &Values<'_>, inputs: &JobInputs, runs_script: bool) -> Yaml {
    let mut steps: Vec<Yaml> = Vec::new();
    let mut step = |name: &str, template: String, arguments: Option<Yaml>| {
        let mut entry = named(name);
        entry.insert("template", Yaml::str(template));
        entry.insert_some("arguments", arguments);
        steps.push(Yaml::Seq(vec![entry]));
    };
    if let Some(approval) = job
        .environment
        .as_ref()
        .and_then(|environment| environment.approval.as_ref())
    {
        step("approval", naming::approval_template(job), None);
        if approval.wait.is_some() {
            step("wait", naming::wait_template(job), None);
        }
    }
    if runs_script {
        step(
            "script",
            naming::script_template(job),
            inputs.forward(false),
        );
    }
    for deploy in &job.deploys {
        let arguments = inputs.forward(false).map(|mut forwarded| {
            // A deploy reads only parameters; it checks out on its own.
            if let Yaml::Map(entries) = &mut forwarded {
                entries.retain(|(key, _)| key == "parameters");
            }
            forwarded
        });
        step(
            &format!("deploy-{}", naming::deploy_name(deploy)),
            naming::deploy_template(job, deploy),
            arguments.filter(|forwarded| !forwarded.is_empty_collection()),
        );
    }
    let mut template = named(&naming::job_template(job));
    template.insert_some("inputs", inputs.inputs(None, false));
    if runs_script {
        template.insert_some("outputs", forwarded_outputs(job, "script", false));
    }
    if let Some(concurrency) = &job.concurrency {
        template.insert("synchronization", mutex(&values.argo(&concurrency.group)));
    }
    template.insert("steps", Yaml::Seq(steps));
    template
}

/// The outputs of a wrapper: those of its step `step`, for the tasks
/// that read them (optional when the step may have failed).
fn forwarded_outputs(job: &Job, step: &str, optional: bool) -> Option<Yaml> {
    let parameters: Vec<Yaml> = job
        .outputs
        .iter()
        .map(|output| {
            let mut from = Yaml::map();
            from.insert(
                "parameter",
                Yaml::str(format!(
                    "{{{{steps.{step}.outputs.parameters.{}}}}}",
                    output.name
                )),
            );
            if optional {
                from.insert("default", Yaml::str(""));
            }
            let mut parameter = named(&output.name);
            parameter.insert("valueFrom", from);
            parameter
        })
        .collect();
    let artifacts: Vec<Yaml> = job
        .artifacts
        .iter()
        .flat_map(|artifact| {
            (0..artifact.paths.len()).map(move |index| {
                let name = artifact_name(&artifact.name, index);
                let mut entry = artifact_from(
                    &name,
                    &format!("{{{{steps.{step}.outputs.artifacts.{name}}}}}"),
                );
                if optional || artifact.when != ArtifactWhen::Success {
                    entry.insert("optional", Yaml::Bool(true));
                }
                entry
            })
        })
        .collect();
    arguments(parameters, artifacts)
}

/// `allow_failure`: a `steps` template running the job in a step that may
/// fail, so that the task succeeds and the run does not fail for it. (Argo
/// refuses `continueOn` on DAG tasks that use `depends`.)
pub fn may_fail_template(pipeline: &Pipeline, job: &Job) -> Yaml {
    let inputs = JobInputs::of(pipeline, job);
    let mut step = named("job");
    step.insert("template", Yaml::str(naming::job_template(job)));
    step.insert_some("arguments", inputs.forward(false));
    let mut continue_on = Yaml::map();
    continue_on.insert("failed", Yaml::Bool(true));
    continue_on.insert("error", Yaml::Bool(true));
    step.insert("continueOn", continue_on);
    let mut template = named(&naming::may_fail_template(job));
    template.insert_some("inputs", inputs.inputs(None, false));
    template.insert_some("outputs", forwarded_outputs(job, "job", true));
    template.insert("steps", Yaml::Seq(vec![Yaml::Seq(vec![step])]));
    template
}

/// A `synchronization` holding one mutex.
pub fn mutex(name: &str) -> Yaml {
    let mut entry = Yaml::map();
    entry.insert("name", Yaml::str(name.to_owned()));
    let mut synchronization = Yaml::map();
    synchronization.insert("mutexes", Yaml::Seq(vec![entry]));
    synchronization
}

fn script_template(
    pipeline: &Pipeline,
    job: &Job,
    values: &Values<'_>,
    inputs: &JobInputs,
) -> Yaml {
    let checkout = job.checkout.then(|| pod::git_input(values, Some(job)));
    let mut template = named(&naming::script_template(job));
    template.insert_some("inputs", inputs.inputs(checkout, true));
    let mut outputs = Yaml::map();
    if !job.outputs.is_empty() {
        let parameters = job
            .outputs
            .iter()
            .map(|output| {
                let mut from = Yaml::map();
                from.insert(
                    "path",
                    Yaml::str(format!("{OUTPUTS_DIRECTORY}/{}", output.name)),
                );
                from.insert("default", Yaml::str(""));
                let mut parameter = named(&output.name);
                parameter.insert("valueFrom", from);
                parameter
            })
            .collect();
        outputs.insert("parameters", Yaml::Seq(parameters));
    }
    let artifacts: Vec<Yaml> = job
        .artifacts
        .iter()
        .flat_map(|artifact| {
            artifact.paths.iter().enumerate().map(move |(index, path)| {
                let mut entry = named(&artifact_name(&artifact.name, index));
                entry.insert("path", Yaml::str(pod::workspace_path(path)));
                if artifact.when != ArtifactWhen::Success {
                    entry.insert("optional", Yaml::Bool(true));
                }
                entry
            })
        })
        .collect();
    if !artifacts.is_empty() {
        outputs.insert("artifacts", Yaml::Seq(artifacts));
    }
    if !outputs.is_empty_collection() {
        template.insert("outputs", outputs);
    }
    pod_settings(job, values, &mut template);
    if job.retry.is_some_and(|retries| retries > 0) {
        let mut retry = Yaml::map();
        retry.insert("limit", Yaml::Int(i64::from(job.retry.unwrap_or(0))));
        retry.insert("retryPolicy", Yaml::str("Always"));
        template.insert("retryStrategy", retry);
    }
    if !naming::has_wrapper(job)
        && let Some(concurrency) = &job.concurrency
    {
        template.insert("synchronization", mutex(&values.argo(&concurrency.group)));
    }
    if !job.services.is_empty() {
        let mut aliases = Yaml::map();
        aliases.insert("ip", Yaml::str("127.0.0.1"));
        aliases.insert(
            "hostnames",
            Yaml::Seq(
                job.services
                    .iter()
                    .map(|service| Yaml::str(service.name.clone()))
                    .collect(),
            ),
        );
        template.insert("hostAliases", Yaml::Seq(vec![aliases]));
        template.insert(
            "sidecars",
            Yaml::Seq(
                job.services
                    .iter()
                    .map(|service| sidecar(values, service))
                    .collect(),
            ),
        );
    }
    let image = job
        .image
        .as_ref()
        .map_or_else(|| pod::DEFAULT_IMAGE.to_owned(), |image| values.argo(image));
    let contexts = script_contexts(pipeline, job);
    let mut container = Yaml::map();
    container.insert("image", Yaml::str(image));
    container.insert("command", Yaml::Seq(vec![Yaml::str("sh")]));
    container.insert("source", Yaml::str(script::job_script(job)));
    container.insert(
        "env",
        values.container_env(&contexts, &[("HOME", HOME)], &[&pipeline.env, &job.env]),
    );
    container.insert(
        "resources",
        pod::resources(job.resources.as_deref(), "250m", "512Mi"),
    );
    container.insert("securityContext", pod::container_security_context(true));
    container.insert("volumeMounts", pod::mounts(&job.caches));
    template.insert("script", container);
    escape_into(&mut template, &job.escapes.k8s);
    template
}

/// The node selector, deadline and other pod settings of a job's pods.
fn pod_settings(job: &Job, values: &Values<'_>, template: &mut Yaml) {
    if let Some(runner) = job.runner.as_deref() {
        let mut selector = Yaml::map();
        selector.insert("pipec.dev/runner", Yaml::str(values.argo(runner)));
        template.insert("nodeSelector", selector);
    }
    if let Some(timeout) = job.timeout {
        template.insert(
            "activeDeadlineSeconds",
            Yaml::Int(i64::try_from(timeout.div_ceil(1000)).unwrap_or(i64::MAX)),
        );
    }
}

fn sidecar(values: &Values<'_>, service: &crate::ir::Service) -> Yaml {
    let mut container = named(&service.name);
    container.insert("image", Yaml::str(values.argo(&service.image)));
    if !service.command.is_empty() {
        container.insert(
            "args",
            Yaml::Seq(
                service
                    .command
                    .iter()
                    .map(|word| Yaml::str(word.clone()))
                    .collect(),
            ),
        );
    }
    let contexts = embedded_references([service.env.as_slice()]);
    let env = values.container_env(&contexts, &[], &[&service.env]);
    if !env.is_empty_collection() {
        container.insert("env", env);
    }
    if !service.ports.is_empty() {
        let ports = service
            .ports
            .iter()
            .map(|port| {
                let mut entry = Yaml::map();
                entry.insert("containerPort", Yaml::Int(i64::from(*port)));
                entry
            })
            .collect();
        container.insert("ports", Yaml::Seq(ports));
    }
    if let Some(health) = &service.health {
        let mut exec = Yaml::map();
        exec.insert(
            "command",
            Yaml::Seq(vec![
                Yaml::str("sh"),
                Yaml::str("-c"),
                Yaml::str(health.clone()),
            ]),
        );
        let mut probe = Yaml::map();
        probe.insert("exec", exec);
        probe.insert("periodSeconds", Yaml::Int(5));
        container.insert("readinessProbe", probe);
    }
    container.insert("resources", pod::resources(None, "100m", "256Mi"));
    container.insert("securityContext", pod::container_security_context(false));
    container
}

/// A deploy step: the deploy script every target runs, in the tools image,
/// on the manifest of the checked-out repository.
fn deploy_template(job: &Job, deploy: &Deploy, values: &Values<'_>, inputs: &JobInputs) -> Yaml {
    let mut template = named(&naming::deploy_template(job, deploy));
    let parameters = JobInputs {
        matrix_keys: inputs.matrix_keys.clone(),
        outputs: inputs.outputs.clone(),
        artifacts: Vec::new(),
    };
    template.insert_some(
        "inputs",
        parameters.inputs(Some(pod::git_input(values, None)), true),
    );
    pod_settings(job, values, &mut template);
    let placeholders = deploy_placeholders(deploy);
    let timeout = crate::backend::deploy::wait_seconds(job);
    let mut source = format!("set -eu\ncd {}\n", script::SOURCE_DIRECTORY);
    source.push_str(&deploy_script(job, deploy, &placeholders, timeout));
    let mut env: Vec<Yaml> = deploy_environment(deploy)
        .iter()
        .map(|(name, value)| match &value.kind {
            ExprKind::Context(Context::Var(var)) => values.var_entry(name, var),
            _ => argument(name, &values.argo(value)),
        })
        .collect();
    if let Some(secret) = &deploy.kubeconfig {
        env.push(values.secret_entry("PIPE_KUBECONFIG", secret));
    }
    env.push(argument("HOME", HOME));
    let mut container = Yaml::map();
    container.insert("image", Yaml::str(TOOLS_IMAGE));
    container.insert("command", Yaml::Seq(vec![Yaml::str("sh")]));
    container.insert("source", Yaml::str(source));
    container.insert("env", Yaml::Seq(env));
    container.insert("resources", pod::resources(None, "50m", "128Mi"));
    container.insert("securityContext", pod::container_security_context(true));
    container.insert("volumeMounts", pod::mounts(&[]));
    template.insert("script", container);
    escape_into(&mut template, &job.escapes.k8s);
    template
}
