//! A job's steps: the IR's steps in order, with what the IR states as job
//! properties turned into steps of their own: artifact downloads and cache
//! restores after the checkout, deploys after the last step, cache saves
//! and artifact uploads at the end.

use std::borrow::Cow;

use crate::backend::github::actions::{self, PinnedAction};
use crate::backend::github::escape_into;
use crate::backend::github::expr::{self, Inputs, escape_expressions};
use crate::backend::github::job::minutes;
use crate::backend::names::{self, env_name};
use crate::backend::yaml::{Emit, Scalar, TreeEmitter, Yaml};
use crate::ir::{
    ActionInput, ArtifactWhen, Cache, CachePolicy, Deploy, EnvVar, Expr, ExprKind, Job,
    Notification, Pipeline, Step, StepAction, TextPart,
};

/// The version of kubectl deploy steps install.
const KUBECTL_VERSION: &str = "v1.34.1";

/// Writes a job's steps as the items of its `steps` sequence.
pub fn steps<E: Emit>(emit: &mut E, pipeline: &Pipeline, job: &Job, inputs: &Inputs<'_>) {
    if job.image.is_none() && !job.services.is_empty() {
        emit.item_map(|emit| service_hosts(emit, job));
    }
    let checkout_index = job
        .steps
        .iter()
        .position(|step| matches!(step.action, StepAction::Checkout { .. }));
    let mut prepared = false;
    let prepare = |emit: &mut E| {
        downloads(emit, pipeline, job);
        for cache in &job.caches {
            if cache.policy != CachePolicy::Push {
                emit.item_map(|emit| {
                    cache_step(emit, cache, inputs, cache.policy == CachePolicy::PullPush);
                });
            }
        }
    };
    if checkout_index.is_none() {
        prepare(emit);
        prepared = true;
    }
    for (index, step) in job.steps.iter().enumerate() {
        write_step(emit, job, step, inputs);
        if Some(index) == checkout_index && !prepared {
            prepare(emit);
            prepared = true;
        }
    }
    let mut kubectl_set_up = false;
    for deploy in &job.deploys {
        deploy_steps(emit, job, deploy, inputs, &mut kubectl_set_up);
    }
    for cache in &job.caches {
        if cache.policy == CachePolicy::Push {
            emit.item_map(|emit| cache_step(emit, cache, inputs, false));
        }
    }
    for artifact in &job.artifacts {
        emit.item_map(|emit| {
            emit.scalar("name", Scalar::Str(&["Upload ", &artifact.name].concat()));
            match artifact.when {
                ArtifactWhen::Success => {}
                ArtifactWhen::Failure => emit.scalar("if", Scalar::Str("failure()")),
                ArtifactWhen::Always => emit.scalar("if", Scalar::Str("always()")),
            }
            pinned(emit, &actions::UPLOAD_ARTIFACT);
            emit.map("with", |emit| {
                emit.scalar("name", Scalar::Str(&artifact_name(&artifact.name, job)));
                emit.scalar("path", Scalar::Str(&lines(&artifact.paths)));
                if let Some(expire) = artifact.expire {
                    let days = expire.div_ceil(86_400_000).clamp(1, 90);
                    emit.scalar(
                        "retention-days",
                        Scalar::Int(i64::try_from(days).unwrap_or(90)),
                    );
                }
                let missing = if artifact.when == ArtifactWhen::Success {
                    "error"
                } else {
                    "warn"
                };
                emit.scalar("if-no-files-found", Scalar::Str(missing));
            });
        });
    }
}

/// Services are reached by name; on the runner itself (no container) the
/// names are mapped to the forwarded ports on localhost.
fn service_hosts(emit: &mut impl Emit, job: &Job) {
    let names: Vec<&str> = job
        .services
        .iter()
        .map(|service| service.name.as_str())
        .collect();
    emit.scalar("name", Scalar::Str("Resolve service names"));
    emit.scalar(
        "run",
        Scalar::Str(&format!(
            "echo \"127.0.0.1 {}\" | sudo tee -a /etc/hosts\n",
            names.join(" ")
        )),
    );
}

/// An artifact's name in the workflow run: `job.artifact`, since in
/// `.pipe` artifact names are a job's own and GitHub's are the run's (a
/// second upload of one name fails the job). Matrix jobs upload one
/// artifact per combination, `job.artifact.N` with the combination's index
/// (its values may hold `/` or `:`, which artifact names may not). Names
/// are identifiers, which hold no `.`, so no name is the start of another.
fn artifact_name(name: &str, job: &Job) -> String {
    let mut text = artifact_prefix(name, job);
    if job.matrix.is_some() {
        text.push_str(".${{ strategy.job-index }}");
    }
    text
}

fn artifact_prefix(name: &str, job: &Job) -> String {
    [job.name.as_str(), ".", name].concat()
}

/// The artifacts of the jobs in `artifacts_from`, restored at their paths.
fn downloads(emit: &mut impl Emit, pipeline: &Pipeline, job: &Job) {
    for need in &job.artifacts_from {
        let Some(producer) = pipeline.job(&need.job) else {
            continue;
        };
        for artifact in &producer.artifacts {
            emit.item_map(|emit| {
                emit.scalar(
                    "name",
                    Scalar::Str(&format!("Download {} of {}", artifact.name, producer.name)),
                );
                pinned(emit, &actions::DOWNLOAD_ARTIFACT);
                emit.map("with", |emit| {
                    if producer.matrix.is_some() {
                        emit.scalar(
                            "pattern",
                            Scalar::Str(&format!(
                                "{}.*",
                                artifact_prefix(&artifact.name, producer)
                            )),
                        );
                        emit.scalar("merge-multiple", Scalar::Bool(true));
                    } else {
                        emit.scalar(
                            "name",
                            Scalar::Str(&artifact_name(&artifact.name, producer)),
                        );
                    }
                    emit.scalar("path", Scalar::Str(&common_directory(&artifact.paths)));
                });
            });
        }
    }
}

/// The directory the upload action roots an artifact at: the deepest
/// directory holding every path (so files land where they were made).
fn common_directory(paths: &[String]) -> String {
    let directories: Vec<Vec<&str>> = paths
        .iter()
        .map(|path| {
            let trimmed = path.trim_end_matches('/');
            let mut parts: Vec<&str> = trimmed.split('/').collect();
            let is_directory = path.ends_with('/') && !path.contains(['*', '?']);
            if !is_directory {
                parts.pop();
            }
            parts.retain(|part| !part.contains(['*', '?', '[']));
            parts
        })
        .collect();
    let Some(first) = directories.first() else {
        return ".".to_owned();
    };
    let mut common: Vec<&str> = first.clone();
    for directory in &directories[1..] {
        let shared = common
            .iter()
            .zip(directory)
            .take_while(|(a, b)| a == b)
            .count();
        common.truncate(shared);
    }
    if common.is_empty() {
        ".".to_owned()
    } else {
        common.join("/")
    }
}

fn cache_step(emit: &mut impl Emit, cache: &Cache, inputs: &Inputs<'_>, restore_and_save: bool) {
    let action: PinnedAction = match (restore_and_save, cache.policy) {
        (true, _) => actions::CACHE,
        (false, CachePolicy::Push) => actions::CACHE.sub_action("save"),
        (false, _) => actions::CACHE.sub_action("restore"),
    };
    let verb = match cache.policy {
        CachePolicy::PullPush => "Cache",
        CachePolicy::Pull => "Restore cache",
        CachePolicy::Push => "Save cache",
    };
    emit.scalar("name", Scalar::Str(&[verb, " ", &cache.name].concat()));
    pinned(emit, &action);
    emit.map("with", |emit| {
        emit.scalar("path", Scalar::Str(&lines(&cache.paths)));
        emit.scalar("key", Scalar::Str(&expr::text(&cache.key, inputs)));
        if !cache.restore_keys.is_empty() {
            emit.scalar("restore-keys", Scalar::Str(&lines(&cache.restore_keys)));
        }
    });
}

/// One of the job's own steps: written as it is described, or through its
/// tree when an escape block merges into it.
fn write_step(emit: &mut impl Emit, job: &Job, step: &Step, inputs: &Inputs<'_>) {
    if step.escapes.github.is_empty() {
        emit.item_map(|emit| step_entries(emit, job, step, inputs));
    } else {
        let mut tree = TreeEmitter::mapping(|emit| step_entries(emit, job, step, inputs));
        escape_into(&mut tree, &step.escapes.github);
        emit.item_tree(tree);
    }
}

fn step_entries(emit: &mut impl Emit, job: &Job, step: &Step, inputs: &Inputs<'_>) {
    emit.scalar("name", Scalar::Str(&step.name));
    emit.scalar("id", Scalar::Str(&step.name));
    if let Some(condition) = &step.condition {
        emit.scalar("if", Scalar::Str(&expr::condition(condition, inputs)));
    }
    // Copied only if the script adds a variable to it.
    let mut env = Cow::Borrowed(step.env.as_slice());
    match &step.action {
        StepAction::Run { script, shell } => {
            let mut text = routed_script(script, &mut env);
            if text.contains("PIPE_OUTPUT") {
                text = format!("PIPE_OUTPUT=\"$GITHUB_OUTPUT\"\n{text}");
            }
            if let Some(attempts) = job.retry.filter(|retries| *retries > 0) {
                text = with_retries(&text, attempts + 1);
            }
            if !env.is_empty() {
                emit.map("env", |emit| env_entries(emit, &env, inputs));
            }
            emit.scalar("run", Scalar::Str(&text));
            if let Some(shell) = shell {
                emit.scalar("shell", Scalar::Str(shell));
            }
        }
        StepAction::Checkout { with } => {
            pinned(emit, &actions::CHECKOUT);
            emit.map("with", |emit| {
                with_entries(emit, with, inputs);
                if !with.iter().any(|input| input.name == "persist-credentials") {
                    emit.scalar("persist-credentials", Scalar::Bool(false));
                }
            });
        }
        StepAction::Action {
            uses,
            version,
            with,
            ..
        } => {
            if !env.is_empty() {
                emit.map("env", |emit| env_entries(emit, &env, inputs));
            }
            match version {
                Some(version) => emit.scalar("uses", Scalar::Commented(uses, version)),
                None => emit.scalar("uses", Scalar::Str(uses)),
            }
            if !with.is_empty() {
                emit.map("with", |emit| with_entries(emit, with, inputs));
            }
        }
    }
    if let Some(directory) = &step.working_directory {
        emit.scalar("working-directory", Scalar::Str(directory));
    }
    if let Some(timeout) = step.timeout {
        emit.scalar("timeout-minutes", Scalar::Int(minutes(timeout)));
    }
    if step.continue_on_error {
        emit.scalar("continue-on-error", Scalar::Bool(true));
    }
}

/// The script with every runtime value replaced by a variable the step's
/// `env` sets, so that nothing is pasted into the shell text.
fn routed_script(script: &Expr, env: &mut Cow<'_, [EnvVar]>) -> String {
    match &script.kind {
        ExprKind::String(text) => escape_expressions(text).into_owned(),
        ExprKind::Text(parts) => {
            let mut text = String::new();
            for part in parts {
                match part {
                    TextPart::Literal(literal) => text.push_str(&escape_expressions(literal)),
                    TextPart::Expr(value) => {
                        let name = variable_for(value, env);
                        text.push_str("${");
                        text.push_str(&name);
                        text.push('}');
                    }
                }
            }
            text
        }
        _ => String::new(),
    }
}

/// The variable that holds `value` in `env`, added if missing.
fn variable_for(value: &Expr, env: &mut Cow<'_, [EnvVar]>) -> String {
    if let Some(existing) = env.iter().find(|var| var.value.kind == value.kind) {
        return existing.name.clone();
    }
    let base = match &value.kind {
        ExprKind::Context(context) => env_name(context),
        _ => "PIPE_VALUE".to_owned(),
    };
    let mut name = base.clone();
    let mut counter = 2;
    while env.iter().any(|var| var.name == name) {
        name = format!("{base}_{counter}");
        counter += 1;
    }
    env.to_mut().push(EnvVar {
        name: name.clone(),
        value: value.clone(),
        origin: value.origin,
    });
    name
}

/// GitHub cannot re-run a failed job by itself: a job's `retry = N` runs
/// each script up to N + 1 times (documented in docs/language.md).
fn with_retries(script: &str, attempts: u32) -> String {
    let delimiter = "PIPEC_SCRIPT_EOF";
    format!(
        "cat > \"$RUNNER_TEMP/pipec-step.sh\" <<'{delimiter}'\n{script}{newline}{delimiter}\nfor attempt in $(seq 1 {attempts}); do\n  if bash -e \"$RUNNER_TEMP/pipec-step.sh\"; then exit 0; fi\n  echo \"::warning::attempt $attempt of {attempts} failed\"\ndone\nexit 1\n",
        newline = if script.ends_with('\n') { "" } else { "\n" },
    )
}

/// A mapping of environment variables, for the workflow's `env`.
pub fn env_map(env: &[EnvVar], inputs: &Inputs<'_>) -> Yaml {
    TreeEmitter::mapping(|emit| env_entries(emit, env, inputs))
}

pub fn env_entries(emit: &mut impl Emit, env: &[EnvVar], inputs: &Inputs<'_>) {
    for var in env {
        emit.scalar(&var.name, Scalar::Str(&expr::text(&var.value, inputs)));
    }
}

fn with_entries(emit: &mut impl Emit, with: &[ActionInput], inputs: &Inputs<'_>) {
    for input in with {
        action_value(emit, &input.name, &input.value, inputs);
    }
}

/// An action input: lists are one item per line, as actions read them.
fn action_value(emit: &mut impl Emit, name: &str, value: &Expr, inputs: &Inputs<'_>) {
    match &value.kind {
        ExprKind::Bool(flag) => emit.scalar(name, Scalar::Bool(*flag)),
        ExprKind::Int(number) => emit.scalar(name, Scalar::Int(*number)),
        ExprKind::List(elements) => {
            let items: Vec<String> = elements
                .iter()
                .map(|element| expr::text(element, inputs))
                .collect();
            let text = match items.as_slice() {
                [single] => Cow::Borrowed(single.as_str()),
                _ => Cow::Owned(format!("{}\n", items.join("\n"))),
            };
            emit.scalar(name, Scalar::Str(&text));
        }
        _ => emit.scalar(name, Scalar::Str(&expr::text(value, inputs))),
    }
}

fn lines(values: &[String]) -> Cow<'_, str> {
    match values {
        [single] => Cow::Borrowed(single),
        _ => Cow::Owned(format!("{}\n", values.join("\n"))),
    }
}

/// `uses:` with the action's full commit SHA, and its version after it.
fn pinned(emit: &mut impl Emit, action: &PinnedAction) {
    emit.scalar(
        "uses",
        Scalar::Commented(&action.reference(), action.version),
    );
}

/// Applies the manifests the Kubernetes backend wrote for `deploy` and
/// waits until the new version is rolled out (or the rollout fails); the
/// first deploy of a job sets up kubectl.
fn deploy_steps(
    emit: &mut impl Emit,
    job: &Job,
    deploy: &Deploy,
    inputs: &Inputs<'_>,
    kubectl_set_up: &mut bool,
) {
    if !std::mem::replace(kubectl_set_up, true) {
        emit.item_map(|emit| {
            emit.scalar("name", Scalar::Str("Set up kubectl"));
            pinned(emit, &actions::SETUP_KUBECTL);
            emit.map("with", |emit| {
                emit.scalar("version", Scalar::Str(KUBECTL_VERSION))
            });
        });
    }
    let placeholders = names::deploy_placeholders(deploy);
    let environment = names::deploy_environment(deploy);
    let timeout = crate::backend::deploy::wait_seconds(job);
    let script = crate::backend::deploy::deploy_script(job, deploy, &placeholders, timeout);
    emit.item_map(|emit| {
        emit.scalar("name", Scalar::Str(&format!("Deploy {}", deploy.service)));
        if !environment.is_empty() || deploy.kubeconfig.is_some() {
            emit.map("env", |emit| {
                for (name, value) in &environment {
                    emit.scalar(name, Scalar::Str(&expr::text(value, inputs)));
                }
                if let Some(secret) = &deploy.kubeconfig {
                    emit.scalar(
                        "PIPE_KUBECONFIG",
                        Scalar::Str(&format!("${{{{ secrets.{secret} }}}}")),
                    );
                }
            });
        }
        emit.scalar("run", Scalar::Str(&script));
    });
}

/// Posts the pipeline's result to Slack; the webhook comes from a secret
/// through the environment, the text is built by `jq`, never by the shell.
pub fn slack_step(emit: &mut impl Emit, pipeline: &Pipeline, notification: &Notification) {
    let inputs = Inputs {
        inputs: pipeline.inputs(),
    };
    let message = notification.message.as_ref().map_or_else(
        || {
            format!(
                "Pipeline {} ${{{{ contains(needs.*.result, 'failure') && 'failed' || 'succeeded' }}}}: ${{{{ github.server_url }}}}/${{{{ github.repository }}}}/actions/runs/${{{{ github.run_id }}}}",
                pipeline.display_name()
            )
        },
        |message| expr::text(message, &inputs),
    );
    emit.scalar("name", Scalar::Str("Notify Slack"));
    emit.map("env", |emit| {
        emit.scalar(
            "SLACK_WEBHOOK_URL",
            Scalar::Str(&format!(
                "${{{{ secrets.{} }}}}",
                notification.webhook_secret
            )),
        );
        emit.scalar("SLACK_TEXT", Scalar::Str(&message));
        emit.scalar(
            "SLACK_CHANNEL",
            Scalar::Str(notification.room.as_deref().unwrap_or_default()),
        );
    });
    emit.scalar("run", Scalar::Str(crate::backend::notify::SLACK_SCRIPT));
}

#[cfg(test)]
mod tests {
    use super::common_directory;

    #[test]
    fn artifacts_are_restored_into_their_common_directory() {
        assert_eq!(common_directory(&["coverage.xml".into()]), ".");
        assert_eq!(common_directory(&["dist/".into()]), "dist");
        assert_eq!(
            common_directory(&["reports/a.xml".into(), "reports/b/c.xml".into()]),
            "reports"
        );
        assert_eq!(common_directory(&["build/**/*.whl".into()]), "build");
    }
}
