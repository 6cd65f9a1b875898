//! Phase 3 check on the IR: every `deploy` can become manifests that
//! Kubernetes and Argo Rollouts accept and that agree with each other.
//! These manifests are what the deploy jobs of every target apply, so the
//! checks hold whichever targets are built.
//!
//! - the probe, the Services and a canary's analysis have a port (E0405);
//! - the derived object names are valid Kubernetes names (E0406);
//! - no two deploys write one file or one object differently (E0407), and
//!   the alternatives of a strategy chosen per run can replace each other
//!   (`strategy_choice.rs`, E0407);
//! - the strategy can progress: a rolling update may add or remove a pod,
//!   weights are whole percents (E0409);
//! - a job's `timeout` leaves its rollouts the time their strategies
//!   wait: a canary's pauses, a blue-green preview (E0410);
//! - a canary with rollback conditions pauses to measure them (W0133);
//! - a deploy names its environment or namespace (W0134).

use crate::backend::k8s::naming;
use crate::backend::names::{environment_of, manifest_path, namespace_of};
use crate::check::strategy_choice;
use crate::diagnostic::{Code, Diagnostic, Label};
use crate::ir::{Amount, Deploy, Health, Job, Origin, Pipeline, Project, Strategy};
use crate::span::Span;

/// Kubernetes' longest label, and so the longest object name pipec writes.
pub const MAX_NAME: usize = 63;

pub fn check_deploys(project: &Project, diagnostics: &mut Vec<Diagnostic>) {
    let mut written = Written::default();
    for pipeline in &project.pipelines {
        for job in &pipeline.jobs {
            for deploy in &job.deploys {
                check_ports(deploy, diagnostics);
                check_names(deploy, diagnostics);
                check_strategies(deploy, diagnostics);
                check_timeout(job, deploy, diagnostics);
                strategy_choice::check_choice(job, deploy, diagnostics);
                check_environment(job, deploy, diagnostics);
                check_collisions(pipeline, job, deploy, &mut written, diagnostics);
            }
        }
    }
}

/// The deploys already seen, found by the file they write and by the
/// object they define, so that each deploy is compared only with those
/// that share one of the two.
#[derive(Default)]
struct Written<'a> {
    deploys: Vec<Seen<'a>>,
    by_file: foldhash::HashMap<String, Vec<usize>>,
    by_object: foldhash::HashMap<(String, String), Vec<usize>>,
}

struct Seen<'a> {
    pipeline: &'a Pipeline,
    deploy: &'a Deploy,
    /// One file, or one per alternative of a strategy chosen per run.
    paths: Vec<String>,
}

/// A label on the `deploy` keyword that starts the block (the block itself
/// would cover many lines).
fn label(origin: Origin, message: impl Into<String>) -> Label {
    Label::new(origin.source, keyword(origin.span, "deploy"), message)
}

/// The part of a block's span that holds its keyword.
pub fn keyword(span: Span, keyword: &str) -> Span {
    let length = u32::try_from(keyword.len()).unwrap_or(0);
    Span {
        start: span.start,
        end: span.end.min(span.start.saturating_add(length)),
    }
}

fn check_ports(deploy: &Deploy, diagnostics: &mut Vec<Diagnostic>) {
    if deploy.port.is_some() {
        return;
    }
    let service = &deploy.service;
    let probe_without_port = match &deploy.health {
        Some(Health::Http { port: None, .. } | Health::Tcp { port: None }) => true,
        Some(_) | None => false,
    };
    if probe_without_port {
        diagnostics.push(
            Diagnostic::new(
                Code::DeployPortMissing,
                format!("the health probe of deploy `{service}` has no port"),
                label(deploy.origin, "no `port` in the deploy or in its probe"),
            )
            .with_help("add `port = 8000` to the deploy, or give the probe its own: `http(\"/health\", port = 8081)`"),
        );
    }
    let needs_services =
        deploy
            .strategy
            .variants()
            .iter()
            .find_map(|variant| match variant.strategy {
                Strategy::BlueGreen { .. } => {
                    Some("its active and preview Services forward to that port")
                }
                Strategy::Canary { rollback, .. } if !rollback.is_empty() => {
                    Some("its rollback conditions measure the requests its canary Service receives")
                }
                _ => None,
            });
    if let Some(reason) = needs_services {
        diagnostics.push(
            Diagnostic::new(
                Code::DeployPortMissing,
                format!("deploy `{service}` needs a `port`"),
                label(deploy.origin, "no `port` here"),
            )
            .with_note(format!("the strategy's Services need one: {reason}"))
            .with_help("add the port the service listens on: `port = 8000`"),
        );
    }
}

/// Whether `name` is a DNS-1123 label: lower-case letters, digits and
/// `-`, starting and ending with a letter or digit, at most 63 long.
pub fn is_dns_label(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME
        && name.chars().all(|character| {
            character.is_ascii_lowercase() || character.is_ascii_digit() || character == '-'
        })
        && !name.starts_with('-')
        && !name.ends_with('-')
}

fn check_names(deploy: &Deploy, diagnostics: &mut Vec<Diagnostic>) {
    let name = naming::deploy_name(deploy);
    if !name.starts_with(|character: char| character.is_ascii_lowercase()) {
        diagnostics.push(
            Diagnostic::new(
                Code::InvalidKubernetesName,
                format!(
                    "deploy `{}` would be named `{name}`, which does not start with a letter",
                    deploy.service
                ),
                label(deploy.origin, "the name of its Deployment and Service"),
            )
            .with_note("a Service's name must start with a letter (DNS-1035)")
            .with_help("start the service's name with a letter"),
        );
    }
    let mut longest = name.clone();
    for derived in [
        naming::preview_service(deploy),
        naming::canary_service(deploy),
        naming::analysis_template(deploy),
    ]
    .into_iter()
    .chain(has_smoke_test(deploy).then(|| naming::smoke_test_template(deploy)))
    {
        if derived.len() > longest.len() {
            longest = derived;
        }
    }
    if deploy.service.len() > MAX_NAME || longest.len() > MAX_NAME {
        let limit = MAX_NAME - (longest.len() - name.len());
        diagnostics.push(
            Diagnostic::new(
                Code::InvalidKubernetesName,
                format!(
                    "the name of deploy `{}` is too long for Kubernetes",
                    deploy.service
                ),
                label(
                    deploy.origin,
                    format!("objects are named after it, such as `{longest}`"),
                ),
            )
            .with_note(format!(
                "Kubernetes names are at most {MAX_NAME} characters"
            ))
            .with_help(format!(
                "shorten the service's name to at most {limit} characters"
            )),
        );
    }
    if let Some(namespace) = &deploy.namespace
        && !is_dns_label(namespace)
    {
        diagnostics.push(
            Diagnostic::new(
                Code::InvalidKubernetesName,
                format!("namespace `{namespace}` is not a valid Kubernetes name"),
                label(deploy.origin, "the deploy's `namespace`"),
            )
            .with_help(format!(
                "use lower-case letters, digits and `-`, at most {MAX_NAME} characters: `{}`",
                crate::backend::names::dns_label(namespace)
            )),
        );
    }
}

fn has_smoke_test(deploy: &Deploy) -> bool {
    deploy.strategy.variants().iter().any(|variant| {
        matches!(
            variant.strategy,
            Strategy::BlueGreen {
                smoke_test: Some(_),
                ..
            }
        )
    })
}

/// A job's `timeout` ends the deploy job, and with it the wait for the
/// rollout, whatever the rollout is doing: one shorter than the least time
/// a strategy the run may use waits (`Strategy::least_duration`) fails every
/// deploy with it, after the new version took part of the traffic.
fn check_timeout(job: &Job, deploy: &Deploy, diagnostics: &mut Vec<Diagnostic>) {
    let (Some(timeout), Some(timeout_origin)) = (job.timeout, job.timeout_origin) else {
        return;
    };
    let slowest = deploy
        .strategy
        .variants()
        .into_iter()
        .max_by_key(|variant| variant.strategy.least_duration());
    let Some(slowest) = slowest else { return };
    let least = slowest.strategy.least_duration();
    if least <= timeout {
        return;
    }
    let least_text = crate::lower::format_duration(least);
    let waits = match slowest.strategy {
        Strategy::Canary { .. } => format!("its canary pauses {least_text} in all"),
        _ => format!("its preview lasts {least_text} before the switch"),
    };
    let strategy = match slowest.alternative {
        Some(value) => format!("the `{value}` strategy of deploy `{}`", deploy.service),
        None => format!("deploy `{}`", deploy.service),
    };
    // The least time and the same margin the deploy step allows itself
    // without a timeout, in minutes.
    let enough = (least + 900_000).div_ceil(60_000) * 60_000;
    let enough = crate::lower::format_duration(enough);
    diagnostics.push(
        Diagnostic::new(
            Code::TimeoutShorterThanRollout,
            format!(
                "job `{}` times out after {}, before {strategy} can finish",
                job.name,
                crate::lower::format_duration(timeout)
            ),
            Label::new(
                timeout_origin.source,
                timeout_origin.span,
                "the job is cancelled at this time",
            ),
        )
        .with_secondary(label(deploy.origin, waits))
        .with_note("the deploy step waits for the rollout until the job's timeout; cancelled, it leaves the rollout part way, with the new version serving some of the traffic")
        .with_help(format!(
            "give the job time for the rollout and for its pods to start: `timeout = {enough}`"
        ))
        .with_fix(
            format!("set the timeout to {enough}"),
            vec![crate::diagnostic::Edit {
                source: timeout_origin.source,
                span: timeout_origin.span,
                replacement: enough.clone(),
            }],
        ),
    );
}

fn check_strategies(deploy: &Deploy, diagnostics: &mut Vec<Diagnostic>) {
    for variant in deploy.strategy.variants() {
        check_strategy(deploy, variant.strategy, diagnostics);
    }
}

fn check_strategy(deploy: &Deploy, strategy: &Strategy, diagnostics: &mut Vec<Diagnostic>) {
    let fraction = |percent: f64| percent.fract() != 0.0;
    match strategy {
        Strategy::Rolling {
            max_surge,
            max_unavailable,
        } => {
            let zero = |amount: &Amount| match amount {
                Amount::Count(count) => *count == 0,
                Amount::Percent(percent) => *percent == 0.0,
            };
            if zero(max_surge) && zero(max_unavailable) {
                diagnostics.push(
                    Diagnostic::new(
                        Code::InvalidRolloutStrategy,
                        format!(
                            "the rolling update of deploy `{}` can never replace a pod",
                            deploy.service
                        ),
                        label(
                            deploy.origin,
                            "`max_surge` and `max_unavailable` are both 0",
                        ),
                    )
                    .with_help("allow one extra pod during the update: `max_surge = 1`"),
                );
            }
            for amount in [max_surge, max_unavailable] {
                if let Amount::Percent(percent) = amount
                    && fraction(*percent)
                {
                    diagnostics.push(whole_percent(deploy, *percent, "a rolling update"));
                }
            }
        }
        Strategy::Canary {
            steps,
            pause,
            rollback,
        } => {
            if let Some(weight) = steps.iter().copied().find(|weight| fraction(*weight)) {
                diagnostics.push(whole_percent(deploy, weight, "a canary's traffic weight"));
            }
            if !rollback.is_empty() && pause.is_none() {
                diagnostics.push(
                    Diagnostic::new(
                        Code::CanaryWithoutPause,
                        format!(
                            "canary `{}` never pauses for its rollback conditions",
                            deploy.service
                        ),
                        label(deploy.origin, "no `pause` between the steps"),
                    )
                    .with_note("without pauses the rollout reaches 100% before the first measurement, so nothing can roll it back")
                    .with_help("add `pause = 2m` to the canary"),
                );
            }
        }
        Strategy::BlueGreen { .. } => {}
    }
}

fn whole_percent(deploy: &Deploy, percent: f64, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::InvalidRolloutStrategy,
        format!(
            "{what} of deploy `{}` is {}%, not a whole percent",
            deploy.service,
            crate::lower::format_number(percent)
        ),
        label(deploy.origin, "in this deploy's strategy"),
    )
    .with_note("Kubernetes and Argo Rollouts take whole percents")
    .with_help(format!("round it: `{}%`", percent.round()))
}

fn check_environment(job: &Job, deploy: &Deploy, diagnostics: &mut Vec<Diagnostic>) {
    if job.environment.is_some() || deploy.namespace.is_some() {
        return;
    }
    diagnostics.push(
        Diagnostic::new(
            Code::DeployWithoutEnvironment,
            format!("deploy `{}` has no environment", deploy.service),
            label(
                deploy.origin,
                format!(
                    "goes to namespace `default`, from `{}`",
                    manifest_path(
                        job,
                        deploy,
                        deploy
                            .strategy
                            .variants()
                            .first()
                            .and_then(|variant| variant.alternative)
                    )
                ),
            ),
        )
        .with_help(format!(
            "add `environment staging {{ }}` to job `{}`: the environment names the namespace and the directory of the manifest",
            job.name
        )),
    );
}

fn check_collisions<'a>(
    pipeline: &'a Pipeline,
    job: &'a Job,
    deploy: &'a Deploy,
    written: &mut Written<'a>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let paths: Vec<String> = deploy
        .strategy
        .variants()
        .iter()
        .map(|variant| manifest_path(job, deploy, variant.alternative))
        .collect();
    let object = (namespace_of(job, deploy), naming::deploy_name(deploy));
    let mut earlier: Vec<usize> = paths
        .iter()
        .filter_map(|path| written.by_file.get(path))
        .chain(written.by_object.get(&object))
        .flatten()
        .copied()
        .collect();
    earlier.sort_unstable();
    earlier.dedup();
    let index = written.deploys.len();
    for path in &paths {
        let entry = written.by_file.entry(path.clone()).or_default();
        // Alternatives of one deploy sharing a file are `strategy_choice`'s.
        if entry.last() != Some(&index) {
            entry.push(index);
        }
    }
    written
        .by_object
        .entry(object.clone())
        .or_default()
        .push(index);
    written.deploys.push(Seen {
        pipeline,
        deploy,
        paths: paths.clone(),
    });
    let (namespace, name) = object;
    for earlier in earlier.into_iter().map(|index| &written.deploys[index]) {
        let shared = paths.iter().find(|path| earlier.paths.contains(path));
        let same_file = shared.is_some();
        let path = shared.unwrap_or(&paths[0]);
        let earlier_path = shared.unwrap_or(&earlier.paths[0]);
        if same_file && same_manifest(earlier.pipeline, earlier.deploy, pipeline, deploy) {
            // The same manifest, written once: two jobs deploy it.
            continue;
        }
        let (message, primary) = if same_file {
            (
                format!("two different deploys would write `{path}`"),
                format!(
                    "deploys `{}` to environment `{}`",
                    deploy.service,
                    environment_of(job)
                ),
            )
        } else {
            (
                format!("two deploys would both define `{name}` in namespace `{namespace}`"),
                format!("`{path}` defines it"),
            )
        };
        diagnostics.push(
            Diagnostic::new(
                Code::KubernetesNameCollision,
                message,
                label(deploy.origin, primary),
            )
            .with_secondary(label(
                earlier.deploy.origin,
                format!("`{earlier_path}` defines it too"),
            ))
            .with_help("give one of them another service name, environment or namespace, or make the two deploys the same"),
        );
        return;
    }
}

/// Whether two deploys produce the same manifest: equal but for where they
/// were written (and the pipeline's Secret, when they read secrets).
fn same_manifest(
    first_pipeline: &Pipeline,
    first: &Deploy,
    second_pipeline: &Pipeline,
    second: &Deploy,
) -> bool {
    let reads_secrets = |deploy: &Deploy| {
        deploy.env.iter().any(|var| {
            var.value
                .contexts()
                .iter()
                .any(|context| matches!(context, crate::ir::Context::Secret(_)))
        })
    };
    if (reads_secrets(first) || reads_secrets(second))
        && naming::secret_name(first_pipeline) != naming::secret_name(second_pipeline)
    {
        return false;
    }
    let shape = |deploy: &Deploy| {
        let mut value = serde_json::to_value(deploy).unwrap_or_default();
        strip_origins(&mut value);
        value
    };
    shape(first) == shape(second)
}

fn strip_origins(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.remove("origin");
            map.values_mut().for_each(strip_origins);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_origins),
        _ => {}
    }
}
