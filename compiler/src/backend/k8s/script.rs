//! A job's steps → the one script its container runs.
//!
//! Each step is written to a file of its own and run by a fresh shell, in
//! order, so a step behaves as on the other targets: `set -e` holds in it
//! whatever wraps it, `cd` and variables stay inside it, and its standard
//! input is not the script. Between steps the script reads what a step
//! wrote to `$PIPE_OUTPUT` and exports it for the steps after
//! (`STEPS_S_OUTPUTS_O`); at the end it writes the job's outputs where the
//! template's output parameters read them.

use crate::backend::names::env_name;
use crate::backend::shell;
use crate::ir::{Expr, ExprKind, Job, Step, StepAction};

/// Where the job's steps run: the checkout, on the workspace volume.
pub const SOURCE_DIRECTORY: &str = "/workspace/src";
/// Where the job's outputs are left for Argo to read.
pub const OUTPUTS_DIRECTORY: &str = "/tmp/pipec/job-outputs";

/// The variable a runtime value is read from inside a script.
pub fn variable(expr: &Expr) -> String {
    match &expr.kind {
        ExprKind::Context(context) => env_name(context),
        _ => "PIPE_VALUE".to_owned(),
    }
}

/// The steps that run in the script: checkouts happen before the container
/// starts (the template's git input) and setup actions are left out.
pub fn script_steps(job: &Job) -> impl Iterator<Item = &Step> {
    job.steps
        .iter()
        .filter(|step| matches!(step.action, StepAction::Run { .. }))
}

/// The whole script of the job's container.
pub fn job_script(job: &Job) -> String {
    let mut out = String::from("set -eu\n");
    out.push_str(&format!(
        "mkdir -p /tmp/pipec/steps /tmp/pipec/outputs {OUTPUTS_DIRECTORY} {SOURCE_DIRECTORY}\ncd {SOURCE_DIRECTORY}\n"
    ));
    out.push_str("export PATH=\"$HOME/.local/bin:$PATH\"\n");
    cache_links(job, &mut out);
    let steps: Vec<&Step> = script_steps(job).collect();
    if steps
        .iter()
        .any(|step| matches!(&step.action, StepAction::Run { shell: None, .. }))
    {
        // Like the other targets' default shell: bash where the image has it.
        out.push_str(
            "pipec_shell=sh\nif command -v bash >/dev/null 2>&1; then pipec_shell=bash; fi\n",
        );
    }
    service_waits(job, &mut out);
    for (index, step) in steps.iter().enumerate() {
        step_lines(step, index + 1, &mut out);
    }
    for output in &job.outputs {
        out.push_str(&format!(
            "printf '%s' {} > {OUTPUTS_DIRECTORY}/{}\n",
            shell::word(&output.value, &variable),
            output.name
        ));
    }
    out
}

/// Cached paths inside the workspace are mounted beside it; the checkout
/// is in place by now, so each is linked to where the tools look for it.
fn cache_links(job: &Job, out: &mut String) {
    for cache in &job.caches {
        for path in &cache.paths {
            let relative = path.trim_end_matches('/');
            let relative = relative.strip_prefix("./").unwrap_or(relative);
            if relative.starts_with('~') || relative.starts_with('/') {
                continue;
            }
            if let Some((mount_path, _)) = crate::backend::k8s::cache_location(path) {
                let link = shell::quote(relative);
                out.push_str(&format!(
                    "mkdir -p \"$(dirname {link})\" && rm -rf {link} && ln -s {} {link}\n",
                    shell::quote(&mount_path)
                ));
            }
        }
    }
}

/// Services are sidecars that start with the job; the script waits until
/// each declared port accepts connections, as the other targets do.
fn service_waits(job: &Job, out: &mut String) {
    let ports: Vec<(&str, u16)> = job
        .services
        .iter()
        .flat_map(|service| {
            service
                .ports
                .iter()
                .map(move |port| (service.name.as_str(), *port))
        })
        .collect();
    if ports.is_empty() {
        return;
    }
    out.push_str(concat!(
        "pipec_wait_for() {\n",
        "  for pipec_try in $(seq 1 60); do\n",
        "    if command -v nc >/dev/null 2>&1; then nc -z 127.0.0.1 \"$2\" 2>/dev/null && return 0\n",
        "    elif command -v bash >/dev/null 2>&1; then bash -c \": </dev/tcp/127.0.0.1/$2\" 2>/dev/null && return 0\n",
        "    else echo \"pipec: no nc or bash to wait for service $1\" >&2; return 0\n",
        "    fi\n",
        "    sleep 2\n",
        "  done\n",
        "  echo \"pipec: service $1 did not open port $2\" >&2\n",
        "  return 1\n",
        "}\n",
    ));
    for (service, port) in ports {
        out.push_str(&format!(
            "pipec_wait_for {} {port}\n",
            shell::quote(service)
        ));
    }
}

fn step_lines(step: &Step, number: usize, out: &mut String) {
    let StepAction::Run { script, shell } = &step.action else {
        return;
    };
    let file = format!("/tmp/pipec/steps/{number}-{}.sh", step.name);
    let mut body = String::new();
    for var in &step.env {
        body.push_str(&format!(
            "export {}={}\n",
            var.name,
            shell::word(&var.value, &variable)
        ));
    }
    if let Some(directory) = &step.working_directory {
        body.push_str(&format!("cd {}\n", shell::quote(directory)));
    }
    body.push_str(&script_text(script));
    if !body.ends_with('\n') {
        body.push('\n');
    }
    let delimiter = delimiter_for(&body);
    out.push_str(&format!("# step {}\n", step.name));
    out.push_str(&format!(
        "cat > {file} <<'{delimiter}'\n{body}{delimiter}\n"
    ));
    let writes_outputs = !step.outputs.is_empty() || body.contains("PIPE_OUTPUT");
    if writes_outputs {
        out.push_str(&format!(
            "export PIPE_OUTPUT=/tmp/pipec/outputs/{}\n: > \"$PIPE_OUTPUT\"\n",
            step.name
        ));
    }
    let mut command = shell_command(shell.as_deref(), &file);
    if let Some(timeout) = step.timeout {
        command = format!("timeout {} {command}", timeout.div_ceil(1000).max(1));
    }
    if step.continue_on_error {
        command = format!(
            "{command} || echo \"pipec: step {} failed; continuing\" >&2",
            step.name
        );
    }
    match &step.condition.as_deref().and_then(Expr::inside_script) {
        Some(condition) => out.push_str(&format!(
            "if {}; then\n  {command}\nelse\n  echo \"pipec: step {} skipped\"\nfi\n",
            shell::condition(condition, &variable),
            step.name
        )),
        None => {
            out.push_str(&command);
            out.push('\n');
        }
    }
    for output in &step.outputs {
        let name = env_name(&crate::ir::Context::StepOutput {
            step: step.name.clone(),
            output: output.clone(),
        });
        out.push_str(&format!(
            "{name}=\"$(sed -n 's/^{output}=//p' \"$PIPE_OUTPUT\" | tail -n 1)\"\nexport {name}\n"
        ));
    }
}

/// The script with each runtime part as `${NAME}` of the variable that
/// holds it.
fn script_text(script: &Expr) -> String {
    match &script.kind {
        ExprKind::String(text) => text.clone(),
        ExprKind::Text(parts) => parts
            .iter()
            .map(|part| match part {
                crate::ir::TextPart::Literal(text) => text.clone(),
                crate::ir::TextPart::Expr(value) => format!("${{{}}}", variable(value)),
            })
            .collect(),
        _ => String::new(),
    }
}

/// The command that runs a step's file, with the shell a `shell` names as
/// GitHub runs it (`{0}` is the file).
fn shell_command(shell: Option<&str>, file: &str) -> String {
    match shell {
        None => format!("\"$pipec_shell\" -e {file}"),
        Some("bash") => format!("bash --noprofile --norc -eo pipefail {file}"),
        Some("sh") => format!("sh -e {file}"),
        Some("python") => format!("python {file}"),
        Some("pwsh") => format!("pwsh -command \". '{file}'\""),
        Some(custom) if custom.contains("{0}") => custom.replace("{0}", file),
        Some(custom) => format!("{custom} {file}"),
    }
}

/// A here-document delimiter that no line of `body` equals.
fn delimiter_for(body: &str) -> String {
    let mut delimiter = "PIPEC_STEP".to_owned();
    let mut counter = 2;
    while body.lines().any(|line| line == delimiter) {
        delimiter = format!("PIPEC_STEP_{counter}");
        counter += 1;
    }
    delimiter
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn here_document_delimiters_never_end_a_step_early() {
        assert_eq!(delimiter_for("echo hi\n"), "PIPEC_STEP");
        assert_eq!(delimiter_for("PIPEC_STEP\nPIPEC_STEP_2\n"), "PIPEC_STEP_3");
    }

    #[test]
    fn steps_run_in_the_shell_they_name() {
        assert_eq!(
            shell_command(Some("bash"), "f"),
            "bash --noprofile --norc -eo pipefail f"
        );
        assert_eq!(shell_command(Some("node {0}"), "f"), "node f");
        assert_eq!(shell_command(None, "f"), "\"$pipec_shell\" -e f");
    }
}
