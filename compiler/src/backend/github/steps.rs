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
use crate::backend::yaml::Yaml;
use crate::ir::{
    ActionInput, ArtifactWhen, Cache, CachePolicy, Deploy, EnvVar, Expr, ExprKind, Job,
    Notification, Pipeline, Step, StepAction, TextPart,
};

/// The version of kubectl deploy steps install.
const KUBECTL_VERSION: &str = "v1.34.1";

pub fn steps(pipeline: &Pipeline, job: &Job, inputs: &Inputs<'_>) -> Vec<Yaml> {
    // The job's steps and the few it adds (downloads, caches, uploads).
    let mut out = Vec::with_capacity(job.steps.len() + job.caches.len() + 2);
    if job.image.is_none() && !job.services.is_empty() {
        out.push(service_hosts(job));
    }
    let checkout_index = job
        .steps
        .iter()
        .position(|step| matches!(step.action, StepAction::Checkout { .. }));
    let mut prepared = false;
    let prepare = |out: &mut Vec<Yaml>| {
        downloads(pipeline, job, out);
        for cache in &job.caches {
            if cache.policy != CachePolicy::Push {
                out.push(cache_step(
                    cache,
                    inputs,
                    cache.policy == CachePolicy::PullPush,
                ));
            }
        }
    };
    if checkout_index.is_none() {
        prepare(&mut out);
        prepared = true;
    }
    for (index, step) in job.steps.iter().enumerate() {
        out.push(step_yaml(job, step, inputs));
        if Some(index) == checkout_index && !prepared {
            prepare(&mut out);
            prepared = true;
        }
    }
    for deploy in &job.deploys {
        deploy_steps(job, deploy, inputs, &mut out);
    }
    for cache in &job.caches {
        if cache.policy == CachePolicy::Push {
            out.push(cache_step(cache, inputs, false));
        }
    }
    for artifact in &job.artifacts {
        let mut step = Yaml::map();
        step.insert("name", Yaml::str(format!("Upload {}", artifact.name)));
        match artifact.when {
            ArtifactWhen::Success => {}
            ArtifactWhen::Failure => step.insert("if", Yaml::str("failure()")),
            ArtifactWhen::Always => step.insert("if", Yaml::str("always()")),
        }
        step.insert("uses", pinned(&actions::UPLOAD_ARTIFACT));
        let mut with = Yaml::map();
        with.insert("name", Yaml::str(artifact_name(&artifact.name, job)));
        with.insert("path", lines(&artifact.paths));
        if let Some(expire) = artifact.expire {
            let days = expire.div_ceil(86_400_000).clamp(1, 90);
            with.insert(
                "retention-days",
                Yaml::Int(i64::try_from(days).unwrap_or(90)),
            );
        }
        let missing = if artifact.when == ArtifactWhen::Success {
            "error"
        } else {
            "warn"
        };
        with.insert("if-no-files-found", Yaml::str(missing));
        step.insert("with", with);
        out.push(step);
    }
    out
}

/// Services are reached by name; on the runner itself (no container) the
/// names are mapped to the forwarded ports on localhost.
fn service_hosts(job: &Job) -> Yaml {
    let names: Vec<&str> = job
        .services
        .iter()
        .map(|service| service.name.as_str())
        .collect();
    let mut step = Yaml::map();
    step.insert("name", Yaml::str("Resolve service names"));
    step.insert(
        "run",
        Yaml::str(format!(
            "echo \"127.0.0.1 {}\" | sudo tee -a /etc/hosts\n",
            names.join(" ")
        )),
    );
    step
}

/// An artifact's name in the workflow run: `job.artifact`, since in
/// `.pipe` artifact names are a job's own and GitHub's are the run's (a
/// second upload of one name fails the job). Matrix jobs upload one
/// artifact per combination, `job.artifact.N` with the combination's index
/// (its values may hold `/` or `:`, which artifact names may not). Names
/// are identifiers, which hold no `.`, so no name is the start of another.
fn artifact_name(name: &str, job: &Job) -> String {
    let prefix = artifact_prefix(name, job);
    match &job.matrix {
        Some(_) => format!("{prefix}.${{{{ strategy.job-index }}}}"),
        None => prefix,
    }
}

fn artifact_prefix(name: &str, job: &Job) -> String {
    format!("{}.{name}", job.name)
}

/// The artifacts of the jobs in `artifacts_from`, restored at their paths.
fn downloads(pipeline: &Pipeline, job: &Job, out: &mut Vec<Yaml>) {
    for need in &job.artifacts_from {
        let Some(producer) = pipeline.job(&need.job) else {
            continue;
        };
        for artifact in &producer.artifacts {
            let mut step = Yaml::map();
            step.insert(
                "name",
                Yaml::str(format!("Download {} of {}", artifact.name, producer.name)),
            );
            step.insert("uses", pinned(&actions::DOWNLOAD_ARTIFACT));
            let mut with = Yaml::map();
            if producer.matrix.is_some() {
                with.insert(
                    "pattern",
                    Yaml::str(format!("{}.*", artifact_prefix(&artifact.name, producer))),
                );
                with.insert("merge-multiple", Yaml::Bool(true));
            } else {
                with.insert("name", Yaml::str(artifact_name(&artifact.name, producer)));
            }
            with.insert("path", Yaml::str(common_directory(&artifact.paths)));
            step.insert("with", with);
            out.push(step);
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

fn cache_step(cache: &Cache, inputs: &Inputs<'_>, restore_and_save: bool) -> Yaml {
    let action: PinnedAction = match (restore_and_save, cache.policy) {
        (true, _) => actions::CACHE,
        (false, CachePolicy::Push) => actions::CACHE.sub_action("save"),
        (false, _) => actions::CACHE.sub_action("restore"),
    };
    let mut step = Yaml::map();
    let verb = match cache.policy {
        CachePolicy::PullPush => "Cache",
        CachePolicy::Pull => "Restore cache",
        CachePolicy::Push => "Save cache",
    };
    step.insert("name", Yaml::str(format!("{verb} {}", cache.name)));
    step.insert("uses", pinned(&action));
    let mut with = Yaml::map();
    with.insert("path", lines(&cache.paths));
    with.insert("key", Yaml::str(expr::text(&cache.key, inputs)));
    if !cache.restore_keys.is_empty() {
        with.insert("restore-keys", lines(&cache.restore_keys));
    }
    step.insert("with", with);
    step
}

fn step_yaml(job: &Job, step: &Step, inputs: &Inputs<'_>) -> Yaml {
    let mut out = Yaml::map_with_capacity(6);
    out.insert("name", Yaml::str(step.name.clone()));
    out.insert("id", Yaml::str(step.name.clone()));
    if let Some(condition) = &step.condition {
        out.insert("if", Yaml::str(expr::condition(condition, inputs)));
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
                out.insert("env", env_map(&env, inputs));
            }
            out.insert("run", Yaml::str(text));
            if let Some(shell) = shell {
                out.insert("shell", Yaml::str(shell.clone()));
            }
        }
        StepAction::Checkout { with } => {
            out.insert("uses", pinned(&actions::CHECKOUT));
            let mut map = with_map(with, inputs);
            if map.get_mut("persist-credentials").is_none() {
                map.insert("persist-credentials", Yaml::Bool(false));
            }
            out.insert("with", map);
        }
        StepAction::Action {
            uses,
            version,
            with,
            ..
        } => {
            if !env.is_empty() {
                out.insert("env", env_map(&env, inputs));
            }
            let reference = Yaml::str(uses.clone());
            out.insert(
                "uses",
                match version {
                    Some(version) => Yaml::Commented(Box::new(reference), version.clone()),
                    None => reference,
                },
            );
            if !with.is_empty() {
                out.insert("with", with_map(with, inputs));
            }
        }
    }
    if let Some(directory) = &step.working_directory {
        out.insert("working-directory", Yaml::str(directory.clone()));
    }
    if let Some(timeout) = step.timeout {
        out.insert("timeout-minutes", Yaml::Int(minutes(timeout)));
    }
    if step.continue_on_error {
        out.insert("continue-on-error", Yaml::Bool(true));
    }
    escape_into(&mut out, &step.escapes.github);
    out
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

pub fn env_map(env: &[EnvVar], inputs: &Inputs<'_>) -> Yaml {
    Yaml::Map(
        env.iter()
            .map(|var| {
                (
                    var.name.clone().into(),
                    Yaml::str(expr::text(&var.value, inputs)),
                )
            })
            .collect(),
    )
}

fn with_map(with: &[ActionInput], inputs: &Inputs<'_>) -> Yaml {
    Yaml::Map(
        with.iter()
            .map(|input| {
                (
                    input.name.clone().into(),
                    action_value(&input.value, inputs),
                )
            })
            .collect(),
    )
}

/// An action input: lists are one item per line, as actions read them.
fn action_value(value: &Expr, inputs: &Inputs<'_>) -> Yaml {
    match &value.kind {
        ExprKind::Bool(flag) => Yaml::Bool(*flag),
        ExprKind::Int(number) => Yaml::Int(*number),
        ExprKind::List(elements) => {
            let items: Vec<String> = elements
                .iter()
                .map(|element| expr::text(element, inputs))
                .collect();
            Yaml::str(if items.len() == 1 {
                items[0].clone()
            } else {
                format!("{}\n", items.join("\n"))
            })
        }
        _ => Yaml::str(expr::text(value, inputs)),
    }
}

fn lines(values: &[String]) -> Yaml {
    match values {
        [single] => Yaml::str(single.clone()),
        _ => Yaml::str(format!("{}\n", values.join("\n"))),
    }
}

fn pinned(action: &PinnedAction) -> Yaml {
    Yaml::Commented(
        Box::new(Yaml::str(action.reference())),
        action.version.to_owned(),
    )
}

/// Applies the manifests the Kubernetes backend wrote for `deploy` and
/// waits until the new version is rolled out (or the rollout fails).
fn deploy_steps(job: &Job, deploy: &Deploy, inputs: &Inputs<'_>, out: &mut Vec<Yaml>) {
    let mut setup = Yaml::map();
    setup.insert("name", Yaml::str("Set up kubectl"));
    setup.insert("uses", pinned(&actions::SETUP_KUBECTL));
    let mut with = Yaml::map();
    with.insert("version", Yaml::str(KUBECTL_VERSION));
    setup.insert("with", with);
    if !out.iter().any(|step| step == &setup) {
        out.push(setup);
    }
    let placeholders = names::deploy_placeholders(deploy);
    let mut env = Yaml::map();
    for (name, value) in &names::deploy_environment(deploy) {
        env.insert(name.clone(), Yaml::str(expr::text(value, inputs)));
    }
    if let Some(secret) = &deploy.kubeconfig {
        env.insert(
            "PIPE_KUBECONFIG",
            Yaml::str(format!("${{{{ secrets.{secret} }}}}")),
        );
    }
    let timeout = crate::backend::deploy::wait_seconds(job);
    let script = crate::backend::deploy::deploy_script(job, deploy, &placeholders, timeout);
    let mut step = Yaml::map();
    step.insert("name", Yaml::str(format!("Deploy {}", deploy.service)));
    if !env.is_empty_collection() {
        step.insert("env", env);
    }
    step.insert("run", Yaml::str(script));
    out.push(step);
}

/// Posts the pipeline's result to Slack; the webhook comes from a secret
/// through the environment, the text is built by `jq`, never by the shell.
pub fn slack_step(pipeline: &Pipeline, notification: &Notification) -> Yaml {
    let inputs = Inputs {
        inputs: pipeline.inputs(),
    };
    let mut env = Yaml::map();
    env.insert(
        "SLACK_WEBHOOK_URL",
        Yaml::str(format!(
            "${{{{ secrets.{} }}}}",
            notification.webhook_secret
        )),
    );
    let message = notification.message.as_ref().map_or_else(
        || {
            format!(
                "Pipeline {} ${{{{ contains(needs.*.result, 'failure') && 'failed' || 'succeeded' }}}}: ${{{{ github.server_url }}}}/${{{{ github.repository }}}}/actions/runs/${{{{ github.run_id }}}}",
                pipeline.display_name()
            )
        },
        |message| expr::text(message, &inputs),
    );
    env.insert("SLACK_TEXT", Yaml::str(message));
    env.insert(
        "SLACK_CHANNEL",
        Yaml::str(notification.room.clone().unwrap_or_default()),
    );
    let mut step = Yaml::map();
    step.insert("name", Yaml::str("Notify Slack"));
    step.insert("env", env);
    step.insert("run", Yaml::str(crate::backend::notify::SLACK_SCRIPT));
    step
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
