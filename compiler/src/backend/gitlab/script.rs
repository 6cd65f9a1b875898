//! A job's steps → its `script:` list, one item per step, in order.
//!
//! GitLab has no steps: every item runs in one shell, one after the other,
//! and the job stops at the first failure. What `.pipe` says per step is
//! written around the step's own text, which is never re-indented (a
//! here-document inside it must keep its shape):
//! - `env` goes into the job's `variables:` when no other step sets the
//!   same name differently and it reads no output; otherwise the step runs
//!   in a subshell that exports it;
//! - `working_directory` is a `cd` in a subshell;
//! - `if` is a shell `if` on the same CI variables (`condition::shell`);
//! - `timeout` and `continue_on_error` run the step's text as a script of
//!   its own, under `timeout`, or with its failure reported and ignored;
//! - outputs: the step writes `name=value` lines to `$PIPE_OUTPUT`, a file
//!   of its own; each declared output is then read into `STEPS_S_OUTPUTS_O`
//!   for later steps, and the job's outputs are written at the end to the
//!   dotenv report other jobs read them from.
//!
//! Checkouts are GitLab's own clone, and setup actions are left out.

use crate::backend::deploy::deploy_commands;
use crate::backend::gitlab::condition::{self, Outcome, shell_quote};
use crate::backend::gitlab::values::{self, Dialect};
use crate::backend::names;
use crate::ir::{Context, EnvVar, ExprKind, Job, Step, StepAction};

/// The file a job's outputs are written to, its dotenv report.
pub const OUTPUTS_FILE: &str = ".pipe/outputs.env";

/// A job's script and the step variables moved up to the job.
#[derive(Clone, Debug, Default)]
pub struct Script {
    pub items: Vec<String>,
    /// Step `env` that the job's `variables:` can hold.
    pub hoisted: Vec<EnvVar>,
}

pub fn script(job: &Job, dialect: &Dialect) -> Script {
    let hoisted = hoistable(job);
    let mut items = Vec::new();
    if let Some(links) = cache_links(job) {
        items.push(links);
    }
    if let Some(wait) = job
        .environment
        .as_ref()
        .and_then(|environment| environment.approval.as_ref())
        .and_then(|approval| approval.wait)
    {
        let seconds = wait.div_ceil(1000);
        items.push(format!(
            "echo \"approved; waiting {} before deploying\"\nsleep {seconds}",
            values::duration(wait)
        ));
    }
    let late_job_env: Vec<String> = job
        .env
        .iter()
        .filter(|var| values::reads_outputs(&var.value))
        .map(|var| export(var, dialect))
        .collect();
    if !late_job_env.is_empty() {
        items.push(late_job_env.join("\n"));
    }
    for step in &job.steps {
        if let StepAction::Run { script, .. } = &step.action {
            let body = values::script_text(script, dialect);
            items.push(step_item(step, &body, &hoisted, dialect));
        }
    }
    for deploy in &job.deploys {
        // Every placeholder of the manifest (the image's, the deploy's `env`,
        // a smoke test's image), as on the other targets.
        let placeholders = names::deploy_placeholders(deploy);
        let mut lines: Vec<String> = names::deploy_environment(deploy)
            .iter()
            .filter(|(name, value)| {
                // A job output already is a variable of that name.
                !matches!(&value.kind, ExprKind::Context(context) if dialect.variable(context) == *name)
            })
            .map(|(name, value)| {
                format!("export {name}=\"{}\"", values::shell_text(value, dialect))
            })
            .collect();
        if let Some(secret) = &deploy.kubeconfig {
            // A variable of type File: its value is the path of the kubeconfig.
            lines.push(format!("export KUBECONFIG=\"${{{secret}}}\""));
        }
        if !placeholders.is_empty() {
            lines.push(
                "command -v envsubst >/dev/null 2>&1 || apk add --no-cache gettext".to_owned(),
            );
        }
        let timeout = crate::backend::deploy::wait_seconds(job);
        let mut text = lines.join("\n");
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&deploy_commands(job, deploy, &placeholders, timeout));
        items.push(text);
    }
    if !job.outputs.is_empty() {
        let mut text = String::from("mkdir -p \"$CI_PROJECT_DIR/.pipe\"\n");
        for output in &job.outputs {
            let name = names::env_name(&Context::JobOutput {
                job: job.name.clone(),
                output: output.name.clone(),
            });
            text.push_str(&format!(
                "printf '%s=%s\\n' {} \"{}\" >> \"$CI_PROJECT_DIR/{OUTPUTS_FILE}\"\n",
                shell_quote(&name),
                values::shell_text(&output.value, dialect)
            ));
        }
        items.push(text);
    }
    if items.is_empty() {
        items.push("echo \"nothing to run: the job's image provides its tools\"".to_owned());
    }
    Script {
        items: items
            .into_iter()
            .map(|item| item.trim_end_matches('\n').to_owned())
            .collect(),
        hoisted,
    }
}

/// Step variables that can be job variables: set the same way by every
/// step that sets them, not set by the job, and reading no output.
fn hoistable(job: &Job) -> Vec<EnvVar> {
    let mut candidates: Vec<EnvVar> = Vec::new();
    let mut conflicting: Vec<String> = Vec::new();
    for step in &job.steps {
        for var in &step.env {
            if job.env.iter().any(|job_var| job_var.name == var.name)
                || values::reads_outputs(&var.value)
            {
                conflicting.push(var.name.clone());
                continue;
            }
            match candidates.iter().find(|known| known.name == var.name) {
                Some(known) if known.value.kind != var.value.kind => {
                    conflicting.push(var.name.clone());
                }
                Some(_) => {}
                None => candidates.push(var.clone()),
            }
        }
    }
    candidates.retain(|var| !conflicting.contains(&var.name));
    candidates
}

fn export(var: &EnvVar, dialect: &Dialect) -> String {
    format!(
        "export {}=\"{}\"",
        var.name,
        values::shell_text(&var.value, dialect)
    )
}

fn step_item(step: &Step, body: &str, hoisted: &[EnvVar], dialect: &Dialect) -> String {
    let writes_outputs = !step.outputs.is_empty() || body.contains("PIPE_OUTPUT");
    let mut text = String::new();
    if writes_outputs {
        text.push_str(&format!(
            "export PIPE_OUTPUT=\"$CI_PROJECT_DIR/.pipe/steps/{}.env\"\nmkdir -p \"$CI_PROJECT_DIR/.pipe/steps\" && : > \"$PIPE_OUTPUT\"\n",
            step.name
        ));
    }
    let condition = step
        .condition
        .as_deref()
        .and_then(crate::ir::Expr::inside_script);
    if let Some(condition) = &condition {
        let cond = condition::translate(condition, Outcome::Succeeded, dialect);
        text.push_str(&format!("if {}; then\n", condition::shell(&cond)));
    }
    let exports: Vec<String> = step
        .env
        .iter()
        .filter(|var| !hoisted.iter().any(|known| known.name == var.name))
        .map(|var| export(var, dialect))
        .collect();
    let subshell = !exports.is_empty() || step.working_directory.is_some();
    if subshell {
        text.push_str("(\n");
    }
    if let Some(directory) = &step.working_directory {
        text.push_str(&format!("cd {}\n", shell_quote(directory)));
    }
    for line in &exports {
        text.push_str(line);
        text.push('\n');
    }
    if step.timeout.is_some() || step.continue_on_error {
        text.push_str(&own_script(step, body));
    } else {
        text.push_str(body);
        if !body.ends_with('\n') {
            text.push('\n');
        }
    }
    if subshell {
        text.push_str(")\n");
    }
    if condition.is_some() {
        text.push_str("fi\n");
    }
    for output in &step.outputs {
        let name = names::env_name(&Context::StepOutput {
            step: step.name.clone(),
            output: output.clone(),
        });
        text.push_str(&format!(
            "export {name}=\"$(sed -n {} \"$PIPE_OUTPUT\" | tail -n 1)\"\n",
            shell_quote(&format!("s/^{output}=//p"))
        ));
    }
    if writes_outputs {
        text.push_str("unset PIPE_OUTPUT\n");
    }
    text
}

/// The step's text as a script of its own, run by the job's shell with
/// `-e`, under `timeout` and/or with its failure ignored.
fn own_script(step: &Step, body: &str) -> String {
    let mut delimiter = "PIPEC_STEP_EOF".to_owned();
    while body.lines().any(|line| line == delimiter) {
        delimiter.push('_');
    }
    let file = format!("\"${{TMPDIR:-/tmp}}/pipec-step-{}.sh\"", step.name);
    let mut command = format!("\"${{BASH:-sh}}\" -e {file}");
    if let Some(timeout) = step.timeout {
        command = format!("timeout {} {command}", timeout.div_ceil(1000).max(1));
    }
    if step.continue_on_error {
        command = format!(
            "{command} || echo \"step {} failed; continuing (continue_on_error)\" >&2",
            step.name
        );
    }
    format!(
        "cat > {file} <<'{delimiter}'\n{body}{newline}{delimiter}\n{command}\n",
        newline = if body.ends_with('\n') { "" } else { "\n" },
    )
}

/// Where a cache path lives on GitLab, which caches only paths inside the
/// project directory: the path itself, or for one outside it (`~/.cache/pip`)
/// a directory under `.pipe-cache/` linked into place before the script.
pub fn cache_path(cache_name: &str, index: usize, count: usize, path: &str) -> (String, bool) {
    let outside = path.starts_with('~') || path.starts_with('/');
    if !outside {
        return (path.to_owned(), false);
    }
    let local = if count == 1 {
        format!(".pipe-cache/{cache_name}")
    } else {
        format!(".pipe-cache/{cache_name}/{}", index + 1)
    };
    (local, true)
}

/// The commands that link cached directories outside the project into
/// place, if any cache has such a path.
fn cache_links(job: &Job) -> Option<String> {
    let mut lines = Vec::new();
    for cache in &job.caches {
        for (index, path) in cache.paths.iter().enumerate() {
            let (local, outside) = cache_path(&cache.name, index, cache.paths.len(), path);
            if !outside {
                continue;
            }
            let target = match path.strip_prefix("~/") {
                Some(rest) => format!("$HOME/{}", rest.trim_end_matches('/')),
                None => path.trim_end_matches('/').to_owned(),
            };
            let parent = match target.rfind('/') {
                Some(0) | None => "/".to_owned(),
                Some(position) => target[..position].to_owned(),
            };
            lines.push(format!(
                "mkdir -p \"{local}\" \"{parent}\" && rm -rf \"{target}\" && ln -s \"$CI_PROJECT_DIR/{local}\" \"{target}\""
            ));
        }
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
}
