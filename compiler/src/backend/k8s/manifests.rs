//! A `deploy` block → the manifests of the deployed service, in
//! `k8s/<environment>/<service>.yaml`: the workload (a `Deployment`, or an
//! Argo Rollouts `Rollout` for canary and blue-green), its `Service`s, a
//! `HorizontalPodAutoscaler` when it autoscales, a `PodDisruptionBudget`
//! when it runs more than one pod, the `AnalysisTemplate` of the rollback
//! conditions and that of a blue-green deploy's smoke test.
//!
//! Every object carries the deploy's namespace. One label,
//! `app.kubernetes.io/name`, is the selector of the workload and of every
//! Service, and the pod template carries it, so the three agree by
//! construction. What is known only when the pipeline runs (the image tag)
//! is a `${NAME}` placeholder that the deploy step fills in with
//! `envsubst` (`backend::names::deploy_placeholders`).

use crate::backend::k8s::env::secret_variable;
use crate::backend::k8s::merge::escape_into;
use crate::backend::k8s::{analysis, naming, rollouts, smoke_test};
use crate::backend::names::{env_name, image_template, manifest_text, namespace_of};
use crate::backend::yaml::Yaml;
use crate::ir::{Amount, Context, Deploy, ExprKind, Health, Job, Pipeline, Strategy};

/// The label every object of a deploy carries and selects on.
pub const NAME_LABEL: &str = "app.kubernetes.io/name";
/// The name of the container port the Services and probes refer to.
pub const PORT_NAME: &str = "http";
/// The user deployed containers run as unless the image says otherwise.
pub const APP_USER_ID: i64 = 10001;

/// The documents of one deploy's manifest file, for one of the strategies
/// it may run with (a strategy chosen per run has a file per alternative).
/// Each file holds the Services its own strategy needs, so whichever
/// alternative a run applies finds them, whatever the run before applied.
pub fn deploy_documents(
    pipeline: &Pipeline,
    job: &Job,
    deploy: &Deploy,
    chosen: &Strategy,
) -> Vec<Yaml> {
    let mut documents = Vec::new();
    let mut workload = match chosen {
        Strategy::Rolling { .. } => deployment(pipeline, job, deploy, chosen),
        Strategy::Canary { .. } | Strategy::BlueGreen { .. } => {
            rollouts::rollout(pipeline, job, deploy, chosen)
        }
    };
    escape_into(&mut workload, &deploy.escapes.k8s);
    documents.push(workload);
    if deploy.port.is_some() {
        documents.push(service(job, deploy, &naming::deploy_name(deploy)));
        match chosen {
            Strategy::BlueGreen { .. } => {
                documents.push(service(job, deploy, &naming::preview_service(deploy)));
            }
            Strategy::Canary { rollback, .. } if !rollback.is_empty() => {
                documents.push(service(job, deploy, &naming::canary_service(deploy)));
            }
            _ => {}
        }
    }
    if let Some(document) = autoscaler(job, deploy, chosen) {
        documents.push(document);
    }
    if minimum_pods(deploy) > 1 {
        documents.push(disruption_budget(job, deploy));
    }
    match chosen {
        Strategy::Canary { rollback, .. } if !rollback.is_empty() => {
            documents.push(analysis::analysis_template(job, deploy, rollback, None));
        }
        Strategy::BlueGreen {
            rollback,
            preview_duration,
            smoke_test,
            ..
        } => {
            if !rollback.is_empty() {
                let measurements = analysis::measurements_within(*preview_duration);
                documents.push(analysis::analysis_template(
                    job,
                    deploy,
                    rollback,
                    Some(measurements),
                ));
            }
            if let Some(smoke_test) = smoke_test {
                documents.push(smoke_test::smoke_test_template(job, deploy, smoke_test));
            }
        }
        _ => {}
    }
    documents
}

/// The fewest pods the deploy runs.
pub fn minimum_pods(deploy: &Deploy) -> u32 {
    deploy
        .autoscale
        .as_ref()
        .map_or(deploy.replicas, |autoscale| autoscale.min)
}

/// An object of the deploy: `apiVersion`, `kind`, `metadata`, `spec`.
pub fn object(
    job: &Job,
    deploy: &Deploy,
    api_version: &str,
    kind: &str,
    name: &str,
    spec: Yaml,
) -> Yaml {
    let mut document = Yaml::map();
    document.insert("apiVersion", Yaml::str(api_version.to_owned()));
    document.insert("kind", Yaml::str(kind.to_owned()));
    document.insert("metadata", metadata(job, deploy, name));
    document.insert("spec", spec);
    document
}

/// `metadata` of an object of the deploy.
pub fn metadata(job: &Job, deploy: &Deploy, name: &str) -> Yaml {
    let mut metadata = Yaml::map();
    metadata.insert("name", Yaml::str(name.to_owned()));
    metadata.insert("namespace", Yaml::str(namespace_of(job, deploy)));
    metadata.insert("labels", labels(deploy));
    metadata
}

pub fn labels(deploy: &Deploy) -> Yaml {
    let mut labels = selector_labels(deploy);
    labels.insert("app.kubernetes.io/managed-by", Yaml::str("pipec"));
    labels
}

/// The labels the workload, its Services and its budget select pods by.
pub fn selector_labels(deploy: &Deploy) -> Yaml {
    let mut labels = Yaml::map();
    labels.insert(NAME_LABEL, Yaml::str(naming::deploy_name(deploy)));
    labels
}

pub fn selector(deploy: &Deploy) -> Yaml {
    let mut selector = Yaml::map();
    selector.insert("matchLabels", selector_labels(deploy));
    selector
}

/// `spec.replicas`, left out when an autoscaler owns the count.
pub fn replicas(deploy: &Deploy) -> Option<Yaml> {
    deploy
        .autoscale
        .is_none()
        .then(|| Yaml::Int(i64::from(deploy.replicas)))
}

fn deployment(pipeline: &Pipeline, job: &Job, deploy: &Deploy, chosen: &Strategy) -> Yaml {
    let mut spec = Yaml::map();
    spec.insert_some("replicas", replicas(deploy));
    spec.insert("selector", selector(deploy));
    if let Strategy::Rolling {
        max_surge,
        max_unavailable,
    } = chosen
    {
        let mut rolling = Yaml::map();
        rolling.insert("maxSurge", amount(*max_surge));
        rolling.insert("maxUnavailable", amount(*max_unavailable));
        let mut strategy = Yaml::map();
        strategy.insert("type", Yaml::str("RollingUpdate"));
        strategy.insert("rollingUpdate", rolling);
        spec.insert("strategy", strategy);
    }
    spec.insert("template", pod_template(pipeline, deploy));
    object(
        job,
        deploy,
        "apps/v1",
        "Deployment",
        &naming::deploy_name(deploy),
        spec,
    )
}

/// A pod count, or a percent of the replicas (a whole percent).
pub fn amount(amount: Amount) -> Yaml {
    match amount {
        Amount::Count(count) => Yaml::Int(i64::from(count)),
        Amount::Percent(percent) => Yaml::str(format!("{}%", whole(percent))),
    }
}

/// A percent as the whole number Kubernetes takes (the checker rejects
/// fractions where they matter).
pub fn whole(percent: f64) -> i64 {
    // Percents are checked to lie in 0–100, so the cast cannot overflow.
    percent.round().clamp(0.0, 100.0) as i64
}

/// The pod template of the workload: one container running the image,
/// as a non-root user on a read-only root filesystem with `/tmp` writable.
pub fn pod_template(pipeline: &Pipeline, deploy: &Deploy) -> Yaml {
    let name = naming::deploy_name(deploy);
    let mut container = Yaml::map();
    container.insert("name", Yaml::str(name.clone()));
    container.insert("image", Yaml::str(image_template(&deploy.image).0));
    if !deploy.command.is_empty() {
        container.insert(
            "args",
            Yaml::Seq(
                deploy
                    .command
                    .iter()
                    .map(|word| Yaml::str(word.clone()))
                    .collect(),
            ),
        );
    }
    if let Some(port) = deploy.port {
        let mut entry = Yaml::map();
        entry.insert("name", Yaml::str(PORT_NAME));
        entry.insert("containerPort", Yaml::Int(i64::from(port)));
        entry.insert("protocol", Yaml::str("TCP"));
        container.insert("ports", Yaml::Seq(vec![entry]));
    }
    let env = environment(pipeline, deploy);
    if !env.is_empty() {
        container.insert("env", Yaml::Seq(env));
    }
    if let Some(health) = &deploy.health {
        container.insert("readinessProbe", probe(health, deploy.port, false));
        container.insert("livenessProbe", probe(health, deploy.port, true));
    }
    container.insert(
        "resources",
        crate::backend::k8s::pod::resources(deploy.resources.as_ref(), "100m", "128Mi"),
    );
    container.insert(
        "securityContext",
        crate::backend::k8s::pod::container_security_context(true),
    );
    let mut tmp_mount = Yaml::map();
    tmp_mount.insert("name", Yaml::str("tmp"));
    tmp_mount.insert("mountPath", Yaml::str("/tmp"));
    container.insert("volumeMounts", Yaml::Seq(vec![tmp_mount]));
    let security = crate::backend::k8s::pod::pod_security_context(APP_USER_ID);
    let mut tmp = Yaml::map();
    tmp.insert("name", Yaml::str("tmp"));
    tmp.insert("emptyDir", Yaml::map());
    let mut spec = Yaml::map();
    // Applications rarely talk to the Kubernetes API; one that does says so
    // in its `k8s { }` block.
    spec.insert("automountServiceAccountToken", Yaml::Bool(false));
    spec.insert("securityContext", security);
    spec.insert("containers", Yaml::Seq(vec![container]));
    spec.insert("volumes", Yaml::Seq(vec![tmp]));
    let mut meta = Yaml::map();
    meta.insert("labels", labels(deploy));
    let mut template = Yaml::map();
    template.insert("metadata", meta);
    template.insert("spec", spec);
    template
}

/// The container's variables: secrets from the pipeline's Secret in the
/// deploy's namespace, runtime values as placeholders.
fn environment(pipeline: &Pipeline, deploy: &Deploy) -> Vec<Yaml> {
    let mut env: Vec<Yaml> = Vec::new();
    let mut defined: Vec<String> = Vec::new();
    let secret = naming::secret_name(pipeline);
    let secret_entry = |name: &str, key: &str, env: &mut Vec<Yaml>| {
        env.push(secret_variable(name, &secret, key));
    };
    for var in &deploy.env {
        if let ExprKind::Context(Context::Secret(secret)) = &var.value.kind {
            secret_entry(&var.name, secret, &mut env);
            defined.push(var.name.clone());
            continue;
        }
        // A secret inside text is read through a variable of its own that
        // the text refers to with Kubernetes' `$(NAME)`.
        for context in var.value.contexts() {
            if let Context::Secret(secret) = context {
                let name = env_name(context);
                if !defined.contains(&name) {
                    secret_entry(&name, secret, &mut env);
                    defined.push(name);
                }
            }
        }
        let mut placeholders = Vec::new();
        let text = manifest_text(&var.value, &mut placeholders, &|secret| {
            format!("$({secret})")
        });
        let mut entry = Yaml::map();
        entry.insert("name", Yaml::str(var.name.clone()));
        entry.insert("value", Yaml::str(text));
        env.push(entry);
    }
    env
}

/// A readiness or liveness probe from `health`. Liveness waits longer and
/// tolerates more, so that a slow start is not mistaken for a hang.
fn probe(health: &Health, port: Option<u16>, liveness: bool) -> Yaml {
    let probe_port = |own: &Option<u16>| match (own, port) {
        (Some(own), Some(port)) if *own == port => Yaml::str(PORT_NAME),
        (Some(own), _) => Yaml::Int(i64::from(*own)),
        (None, Some(_)) => Yaml::str(PORT_NAME),
        // The checker requires a port; a probe without one is never written.
        (None, None) => Yaml::Int(0),
    };
    let mut out = Yaml::map();
    match health {
        Health::Http { path, port: own } => {
            let mut get = Yaml::map();
            get.insert("path", Yaml::str(path.clone()));
            get.insert("port", probe_port(own));
            out.insert("httpGet", get);
        }
        Health::Tcp { port: own } => {
            let mut socket = Yaml::map();
            socket.insert("port", probe_port(own));
            out.insert("tcpSocket", socket);
        }
        Health::Exec { command } => {
            let mut exec = Yaml::map();
            exec.insert(
                "command",
                Yaml::Seq(command.iter().map(|word| Yaml::str(word.clone())).collect()),
            );
            out.insert("exec", exec);
        }
    }
    if liveness {
        out.insert("initialDelaySeconds", Yaml::Int(15));
        out.insert("periodSeconds", Yaml::Int(20));
    } else {
        out.insert("periodSeconds", Yaml::Int(10));
    }
    out.insert("timeoutSeconds", Yaml::Int(5));
    out.insert("failureThreshold", Yaml::Int(3));
    out
}

/// A Service in front of the deploy's pods, on the deploy's port.
pub fn service(job: &Job, deploy: &Deploy, name: &str) -> Yaml {
    let mut port = Yaml::map();
    port.insert("name", Yaml::str(PORT_NAME));
    port.insert("port", Yaml::Int(i64::from(deploy.port.unwrap_or(80))));
    port.insert("targetPort", Yaml::str(PORT_NAME));
    port.insert("protocol", Yaml::str("TCP"));
    let mut spec = Yaml::map();
    spec.insert("selector", selector_labels(deploy));
    spec.insert("ports", Yaml::Seq(vec![port]));
    object(job, deploy, "v1", "Service", name, spec)
}

fn autoscaler(job: &Job, deploy: &Deploy, chosen: &Strategy) -> Option<Yaml> {
    let autoscale = deploy.autoscale.as_ref()?;
    let mut target = Yaml::map();
    match chosen {
        Strategy::Rolling { .. } => {
            target.insert("apiVersion", Yaml::str("apps/v1"));
            target.insert("kind", Yaml::str("Deployment"));
        }
        _ => {
            target.insert("apiVersion", Yaml::str("argoproj.io/v1alpha1"));
            target.insert("kind", Yaml::str("Rollout"));
        }
    }
    target.insert("name", Yaml::str(naming::deploy_name(deploy)));
    let mut metrics = Vec::new();
    for (resource, percent) in [("cpu", autoscale.cpu), ("memory", autoscale.memory)] {
        let Some(percent) = percent else {
            continue;
        };
        let mut goal = Yaml::map();
        goal.insert("type", Yaml::str("Utilization"));
        goal.insert("averageUtilization", Yaml::Int(whole(percent).max(1)));
        let mut metric_resource = Yaml::map();
        metric_resource.insert("name", Yaml::str(resource));
        metric_resource.insert("target", goal);
        let mut metric = Yaml::map();
        metric.insert("type", Yaml::str("Resource"));
        metric.insert("resource", metric_resource);
        metrics.push(metric);
    }
    let mut spec = Yaml::map();
    spec.insert("scaleTargetRef", target);
    spec.insert("minReplicas", Yaml::Int(i64::from(autoscale.min)));
    spec.insert("maxReplicas", Yaml::Int(i64::from(autoscale.max)));
    spec.insert("metrics", Yaml::Seq(metrics));
    Some(object(
        job,
        deploy,
        "autoscaling/v2",
        "HorizontalPodAutoscaler",
        &naming::deploy_name(deploy),
        spec,
    ))
}

/// At most one pod of the deploy is evicted at a time (node drains,
/// upgrades), so a multi-pod service keeps serving.
fn disruption_budget(job: &Job, deploy: &Deploy) -> Yaml {
    let mut spec = Yaml::map();
    spec.insert("maxUnavailable", Yaml::Int(1));
    spec.insert("selector", selector(deploy));
    object(
        job,
        deploy,
        "policy/v1",
        "PodDisruptionBudget",
        &naming::deploy_name(deploy),
        spec,
    )
}
