//! A blue-green deploy's smoke test → an Argo Rollouts `AnalysisTemplate`
//! with one Job metric, run in the Rollout's `prePromotionAnalysis`: the
//! Job runs the script once against the preview Service, and the active
//! Service switches only if it exits 0 (otherwise the rollout aborts, as
//! when a rollback condition is crossed).
//!
//! The Job's pod is a workflow pod in all but its checkout: the same
//! user, security settings, scratch volumes and request defaults. It
//! carries none of the deploy's selector labels, so that no Service and
//! no disruption budget of the deploy ever selects it.

use crate::backend::k8s::inputs::argument;
use crate::backend::k8s::manifests::object;
use crate::backend::k8s::naming;
use crate::backend::k8s::pod::{self, HOME, TOOLS_IMAGE, USER_ID};
use crate::backend::k8s::{analysis, rollouts};
use crate::backend::names::image_template;
use crate::backend::yaml::Yaml;
use crate::ir::{Deploy, Job, SmokeTest};

/// The environment variable holding the preview's in-cluster address.
pub const PREVIEW_URL: &str = "PREVIEW_URL";

/// The template argument holding the script.
const SCRIPT_ARGUMENT: &str = "smoke-test-script";

/// The smoke test's `AnalysisTemplate`. It takes the `service` and
/// `namespace` arguments the Rollout passes to every template of the
/// analysis (the preview's), and `PREVIEW_URL` is built from them.
pub fn smoke_test_template(job: &Job, deploy: &Deploy, smoke_test: &SmokeTest) -> Yaml {
    let mut args = analysis::run_arguments();
    // Argo Rollouts reads `{{…}}` anywhere in a metric as one of its
    // arguments and fails the analysis when it names none, but it does not
    // read an argument's value again: passed as a value, the script runs
    // as written, whatever braces it holds.
    args.push(argument(SCRIPT_ARGUMENT, &smoke_test.script));
    let mut provider = Yaml::map();
    provider.insert("job", job_metric(deploy, smoke_test));
    let mut metric = Yaml::map();
    metric.insert("name", Yaml::str("smoke-test"));
    metric.insert("provider", provider);
    let mut spec = Yaml::map();
    spec.insert("args", Yaml::Seq(args));
    spec.insert("metrics", Yaml::Seq(vec![metric]));
    object(
        job,
        deploy,
        "argoproj.io/v1alpha1",
        "AnalysisTemplate",
        &naming::smoke_test_template(deploy),
        spec,
    )
}

/// The metric's Job: one pod, never retried (a second run would hide a
/// flaky preview), ended after the test's timeout.
fn job_metric(deploy: &Deploy, smoke_test: &SmokeTest) -> Yaml {
    let image = smoke_test
        .image
        .as_ref()
        .map_or_else(|| TOOLS_IMAGE.to_owned(), |image| image_template(image).0);
    let preview_url = format!(
        "http://{{{{args.service}}}}.{{{{args.namespace}}}}.svc.cluster.local:{}",
        deploy.port.unwrap_or(80)
    );
    let mut container = Yaml::map();
    container.insert("name", Yaml::str("smoke-test"));
    container.insert("image", Yaml::str(image));
    container.insert(
        "command",
        Yaml::Seq(vec![
            Yaml::str("sh"),
            Yaml::str("-e"),
            Yaml::str("-c"),
            Yaml::str(format!("{{{{args.{SCRIPT_ARGUMENT}}}}}")),
        ]),
    );
    container.insert("workingDir", Yaml::str("/workspace"));
    container.insert(
        "env",
        Yaml::Seq(vec![
            argument(PREVIEW_URL, &preview_url),
            argument("HOME", HOME),
        ]),
    );
    container.insert("resources", pod::resources(None, "100m", "128Mi"));
    container.insert("securityContext", pod::container_security_context(true));
    container.insert("volumeMounts", pod::mounts(&[]));
    let mut pod_spec = Yaml::map();
    pod_spec.insert("restartPolicy", Yaml::str("Never"));
    // The test talks to the preview over HTTP, not to the Kubernetes API.
    pod_spec.insert("automountServiceAccountToken", Yaml::Bool(false));
    pod_spec.insert("securityContext", pod::pod_security_context(USER_ID));
    pod_spec.insert("containers", Yaml::Seq(vec![container]));
    pod_spec.insert("volumes", Yaml::Seq(pod::scratch_volumes()));
    let mut pod_metadata = Yaml::map();
    pod_metadata.insert("labels", labels(deploy));
    let mut template = Yaml::map();
    template.insert("metadata", pod_metadata);
    template.insert("spec", pod_spec);
    let mut spec = Yaml::map();
    spec.insert("backoffLimit", Yaml::Int(0));
    spec.insert(
        "activeDeadlineSeconds",
        Yaml::Int(rollouts::seconds(smoke_test.timeout).max(1)),
    );
    spec.insert("template", template);
    let mut metadata = Yaml::map();
    metadata.insert("labels", labels(deploy));
    let mut job = Yaml::map();
    job.insert("metadata", metadata);
    job.insert("spec", spec);
    job
}

/// The labels of the test's Job and pod: what they belong to, and none
/// that the deploy's Services select on.
fn labels(deploy: &Deploy) -> Yaml {
    let mut labels = Yaml::map();
    labels.insert(
        "app.kubernetes.io/part-of",
        Yaml::str(naming::deploy_name(deploy)),
    );
    labels.insert("app.kubernetes.io/component", Yaml::str("smoke-test"));
    labels.insert("app.kubernetes.io/managed-by", Yaml::str("pipec"));
    labels
}
