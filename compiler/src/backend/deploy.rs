//! Deploying from a CI job, the same way on every CI target: apply the
//! manifests of the Kubernetes backend and wait for the rollout. The
//! environment variables the script reads are the deploy's image
//! placeholders (`names::image_template`), for a strategy chosen per run
//! the input that chooses it (`names::deploy_environment`) and, with
//! `kubeconfig`, `PIPE_KUBECONFIG`.

use crate::backend::{names, shell};
use crate::ir::{Context, Deploy, DeployVariant, Expr, Job, Strategy};

/// Time for the pods of a new version to start and become ready, beyond
/// what the strategy itself waits.
const STARTUP_SECONDS: u64 = 900;

/// How long a deploy job waits for its rollouts, in seconds: the job's
/// `timeout`, or the least time its slowest strategy takes (a canary's
/// pauses, a blue-green preview) and fifteen minutes for the pods.
pub fn wait_seconds(job: &Job) -> u64 {
    job.timeout.map_or_else(
        || {
            let slowest = job
                .deploys
                .iter()
                .map(Deploy::least_duration)
                .max()
                .unwrap_or(0);
            slowest.div_ceil(1000) + STARTUP_SECONDS
        },
        |milliseconds| milliseconds / 1000,
    )
}

/// The timeout a deploy job without one needs on a target that would
/// otherwise end it after `default_limit` milliseconds (GitLab's hour): its
/// wait and fifteen minutes for the steps before it, when that is longer.
pub fn implied_job_timeout(job: &Job, default_limit: u64) -> Option<u64> {
    if job.timeout.is_some() || job.deploys.is_empty() {
        return None;
    }
    let needed = (wait_seconds(job) + STARTUP_SECONDS) * 1000;
    (needed > default_limit).then_some(needed)
}

/// The shell commands a CI job runs to deploy `deploy`: apply the
/// manifest the Kubernetes backend wrote (with the image's runtime parts
/// filled in from the environment) and wait for the rollout.
pub fn deploy_script(
    job: &Job,
    deploy: &Deploy,
    placeholders: &[(String, Expr)],
    timeout_seconds: u64,
) -> String {
    let mut script = String::new();
    if deploy.kubeconfig.is_some() {
        script.push_str("export KUBECONFIG=\"${TMPDIR:-/tmp}/pipec-kubeconfig\"\nprintf '%s' \"$PIPE_KUBECONFIG\" > \"$KUBECONFIG\"\n");
    }
    script.push_str(&deploy_commands(job, deploy, placeholders, timeout_seconds));
    script
}

/// The deploy itself, once `kubectl` reaches the cluster: apply the
/// manifest and wait for the rollout. Targets whose CI service hands the
/// kubeconfig over as a file set `KUBECONFIG` themselves and run only this.
///
/// A strategy chosen per run becomes a `case` on the input's variable, one
/// branch per alternative with that alternative's manifest and wait: the
/// value only selects a branch, so whatever a run is started with never
/// becomes part of the script, and a value no branch names fails the job.
pub fn deploy_commands(
    job: &Job,
    deploy: &Deploy,
    placeholders: &[(String, Expr)],
    timeout_seconds: u64,
) -> String {
    let variants = deploy.strategy.variants();
    let Some(choice) = deploy.strategy.choice() else {
        return variants
            .first()
            .map(|variant| variant_commands(job, deploy, *variant, placeholders, timeout_seconds))
            .unwrap_or_default();
    };
    let variable = names::env_name(&Context::Input(choice.input.clone()));
    let mut script = format!("case \"${variable}\" in\n");
    for variant in variants {
        let value = variant.alternative.unwrap_or_default();
        script.push_str(&format!("  {})\n", shell::quote(value)));
        for line in variant_commands(job, deploy, variant, placeholders, timeout_seconds).lines() {
            if !line.is_empty() {
                script.push_str("    ");
                script.push_str(line);
            }
            script.push('\n');
        }
        script.push_str("    ;;\n");
    }
    script.push_str(&format!(
        "  *)\n    echo \"deploy {}: inputs.{} is \\\"${variable}\\\", which chooses no strategy\" >&2\n    exit 1\n    ;;\nesac\n",
        deploy.service, choice.input
    ));
    script
}

/// Applies the manifest of one variant of a deploy and waits for it.
fn variant_commands(
    job: &Job,
    deploy: &Deploy,
    variant: DeployVariant<'_>,
    placeholders: &[(String, Expr)],
    timeout_seconds: u64,
) -> String {
    let manifest = names::manifest_path(job, deploy, variant.alternative);
    let namespace = names::namespace_of(job, deploy);
    let name = names::dns_label(&deploy.service);
    let mut script = String::new();
    if placeholders.is_empty() {
        script.push_str(&format!("kubectl apply -f {manifest}\n"));
    } else {
        let variables: Vec<String> = placeholders
            .iter()
            .map(|(name, _)| format!("${{{name}}}"))
            .collect();
        let variables: Vec<String> = variables
            .iter()
            .map(|variable| format!("\\{variable}"))
            .collect();
        script.push_str(&format!(
            "envsubst \"{}\" < {manifest} | kubectl apply -f -\n",
            variables.join(" ")
        ));
    }
    match variant.strategy {
        Strategy::Rolling { .. } => {
            script.push_str(&format!(
                "kubectl rollout status deployment/{name} --namespace {namespace} --timeout {timeout_seconds}s\n"
            ));
        }
        Strategy::Canary { .. } | Strategy::BlueGreen { .. } => {
            let promote = match variant.strategy {
                Strategy::BlueGreen {
                    auto_promote: false,
                    preview_duration,
                    ..
                } => Some(preview_duration.map_or(0, |milliseconds| milliseconds.div_ceil(1000))),
                _ => None,
            };
            script.push_str(&rollout_wait(&name, &namespace, timeout_seconds, promote));
        }
    }
    script
}

/// Waits for an Argo Rollout to become healthy, failing when it is
/// degraded (aborted by a failed analysis) or paused by an analysis that
/// could not decide (a query without an answer, a smoke test whose image
/// cannot be pulled): Argo Rollouts then waits for a person, and promoting
/// would only start the analysis again. A blue-green rollout that waits for
/// promotion (`promote` is its preview time in seconds) is promoted once
/// the preview has run that long: the job's environment approval is the
/// gate.
fn rollout_wait(name: &str, namespace: &str, timeout_seconds: u64, promote: Option<u64>) -> String {
    let patch = format!(
        "kubectl patch rollout {name} --namespace {namespace} --type merge --subresource status --patch '{{\"status\":{{\"pauseConditions\":null}}}}'"
    );
    let promote_line = match promote {
        None => String::new(),
        Some(0) => format!("    Paused*) {patch} ;;\n"),
        Some(preview) => format!(
            "    Paused*) if [ -z \"${{promoted:-}}\" ]; then sleep {preview}; {patch}; promoted=1; fi ;;\n"
        ),
    };
    format!(
        "deadline=$(( $(date +%s) + {timeout_seconds} ))\nwhile [ \"$(date +%s)\" -lt \"$deadline\" ]; do\n  status=\"$(kubectl get rollout {name} --namespace {namespace} -o jsonpath='{{.status.phase}} {{.status.pauseConditions[*].reason}}')\"\n  case \"$status\" in\n    Healthy*) echo \"rollout {name} is healthy\"; exit 0 ;;\n    Degraded*) echo \"rollout {name} was aborted and rolled back\" >&2; exit 1 ;;\n    *InconclusiveAnalysisRun*) echo \"the analysis of rollout {name} was inconclusive; the rollout is paused (kubectl argo rollouts get rollout {name} --namespace {namespace})\" >&2; exit 1 ;;\n{promote_line}  esac\n  sleep 10\ndone\necho \"rollout {name} did not finish in {timeout_seconds}s\" >&2\nexit 1\n"
    )
}
