//! A deploy's rollback conditions → an Argo Rollouts `AnalysisTemplate`
//! with one Prometheus query per condition.
//!
//! The queries read the Service given as the `service` argument: a
//! canary's own (`<service>-canary`) or a blue-green deploy's preview
//! (`<service>-preview`), whose pods Argo Rollouts selects, so they measure
//! the new version only.
//! Where Prometheus is and what the metrics are called differ between
//! clusters: both are arguments of the template with defaults that fit the
//! Prometheus Operator and the usual HTTP instrumentation, and a deploy's
//! `k8s { }` block can pass other values through the Rollout's analysis
//! arguments.

use crate::backend::k8s::manifests::object;
use crate::backend::k8s::naming;
use crate::backend::yaml::Yaml;
use crate::ir::{Deploy, Job, Metric, RollbackCondition, Threshold};

/// The template's arguments with defaults: `(name, default, meaning)`.
pub const ARGUMENTS: &[(&str, &str, &str)] = &[
    (
        "prometheus-address",
        "http://prometheus-operated.monitoring.svc.cluster.local:9090",
        "the Prometheus server the queries go to",
    ),
    (
        "requests-metric",
        "http_requests_total",
        "the counter of handled requests",
    ),
    (
        "status-label",
        "status",
        "the label of that counter holding the response status",
    ),
    (
        "error-status",
        "5..",
        "a regular expression matching the statuses that count as errors",
    ),
    (
        "latency-metric",
        "http_request_duration_seconds",
        "the histogram of request durations, in seconds",
    ),
];

/// How often each condition is measured.
pub const INTERVAL: &str = "1m";

/// How many measurements fit in a blue-green preview (one a minute, at
/// least one; five when the preview has no set duration): a pre-promotion
/// analysis must end for the switch to happen.
pub fn measurements_within(preview: Option<u64>) -> i64 {
    preview.map_or(5, |milliseconds| {
        i64::try_from(milliseconds / 60_000)
            .unwrap_or(i64::MAX)
            .max(1)
    })
}

/// The arguments, without values, that every template of a deploy's
/// analysis takes: the Service it runs on and its namespace, which the
/// Rollout passes.
pub fn run_arguments() -> Vec<Yaml> {
    ["service", "namespace"]
        .iter()
        .map(|name| {
            let mut entry = Yaml::map();
            entry.insert("name", Yaml::str(*name));
            entry
        })
        .collect()
}

/// The template of a deploy's rollback conditions. A canary's runs in the
/// background until the rollout ends (`measurements` is `None`); a
/// blue-green preview's is measured `measurements` times.
pub fn analysis_template(
    job: &Job,
    deploy: &Deploy,
    rollback: &[RollbackCondition],
    measurements: Option<i64>,
) -> Yaml {
    let mut args = run_arguments();
    for (name, default, _) in ARGUMENTS {
        let mut entry = Yaml::map();
        entry.insert("name", Yaml::str(*name));
        entry.insert("value", Yaml::str(*default));
        args.push(entry);
    }
    let mut names: Vec<String> = Vec::new();
    let metrics: Vec<Yaml> = rollback
        .iter()
        .map(|condition| {
            let base = condition.metric.name().replace('_', "-");
            let mut name = base.clone();
            let mut counter = 2;
            while names.contains(&name) {
                name = format!("{base}-{counter}");
                counter += 1;
            }
            names.push(name.clone());
            metric(&name, condition, measurements)
        })
        .collect();
    let mut spec = Yaml::map();
    spec.insert("args", Yaml::Seq(args));
    spec.insert("metrics", Yaml::Seq(metrics));
    object(
        job,
        deploy,
        "argoproj.io/v1alpha1",
        "AnalysisTemplate",
        &naming::analysis_template(deploy),
        spec,
    )
}

fn metric(name: &str, condition: &RollbackCondition, measurements: Option<i64>) -> Yaml {
    let limit = match condition.threshold {
        Threshold::Percent(percent) => percent / 100.0,
        // Milliseconds; the histogram is in seconds.
        Threshold::Duration(milliseconds) => milliseconds as f64 / 1000.0,
    };
    let mut prometheus = Yaml::map();
    prometheus.insert("address", Yaml::str("{{args.prometheus-address}}"));
    prometheus.insert("query", Yaml::str(query(condition.metric)));
    let mut provider = Yaml::map();
    provider.insert("prometheus", prometheus);
    let mut out = Yaml::map();
    out.insert("name", Yaml::str(name.to_owned()));
    out.insert("interval", Yaml::str(INTERVAL));
    out.insert_some("count", measurements.map(Yaml::Int));
    // No traffic yet is no evidence against the canary.
    out.insert(
        "successCondition",
        Yaml::str(format!(
            "len(result) == 0 || isNaN(result[0]) || result[0] <= {limit}"
        )),
    );
    out.insert("provider", provider);
    out
}

/// The PromQL of a metric over the canary's Service.
pub fn query(metric: Metric) -> String {
    let selector = "namespace=\"{{args.namespace}}\", service=\"{{args.service}}\"";
    match metric {
        Metric::ErrorRate => format!(
            "sum(rate({{{{args.requests-metric}}}}{{{selector}, {{{{args.status-label}}}}=~\"{{{{args.error-status}}}}\"}}[2m]))\n/\nsum(rate({{{{args.requests-metric}}}}{{{selector}}}[2m]))\n"
        ),
        Metric::LatencyP50 | Metric::LatencyP90 | Metric::LatencyP95 | Metric::LatencyP99 => {
            let quantile = match metric {
                Metric::LatencyP50 => "0.5",
                Metric::LatencyP90 => "0.9",
                Metric::LatencyP95 => "0.95",
                _ => "0.99",
            };
            format!(
                "histogram_quantile({quantile}, sum by (le) (rate({{{{args.latency-metric}}}}_bucket{{{selector}}}[2m])))\n"
            )
        }
    }
}
