//! Canary and blue-green deploys → an Argo Rollouts `Rollout`.
//!
//! A canary shifts traffic in the deploy's steps (`setWeight`, with a
//! `pause` between them) and, when it has rollback conditions, runs their
//! `AnalysisTemplate` in the background from the first step on: a failed
//! measurement aborts the rollout, which scales the canary away. Without a
//! traffic router the weight is approximated by the share of pods. A
//! blue-green deploy brings the new version up behind the preview Service
//! and switches the active Service to it when promoted: by itself after
//! `preview_duration` with `auto_promote`, otherwise by the deploy step,
//! which runs after the environment's approval. A blue-green deploy's
//! rollback conditions and its smoke test are its `prePromotionAnalysis`:
//! measured on (and run against) the preview Service for the preview time,
//! and the switch happens only if no condition is crossed and the smoke
//! test passed.

use crate::backend::k8s::manifests::{object, pod_template, replicas, selector, whole};
use crate::backend::k8s::naming;
use crate::backend::names::namespace_of;
use crate::backend::yaml::Yaml;
use crate::ir::{Deploy, Job, Pipeline, Strategy};

pub fn rollout(pipeline: &Pipeline, job: &Job, deploy: &Deploy, chosen: &Strategy) -> Yaml {
    let mut spec = Yaml::map();
    spec.insert_some("replicas", replicas(deploy));
    spec.insert("selector", selector(deploy));
    spec.insert("template", pod_template(pipeline, deploy));
    spec.insert("strategy", strategy(job, deploy, chosen));
    object(
        job,
        deploy,
        "argoproj.io/v1alpha1",
        "Rollout",
        &naming::deploy_name(deploy),
        spec,
    )
}

fn strategy(job: &Job, deploy: &Deploy, chosen: &Strategy) -> Yaml {
    let mut strategy = Yaml::map();
    match chosen {
        Strategy::Canary {
            steps,
            pause,
            rollback,
        } => {
            let mut canary = Yaml::map();
            if !rollback.is_empty() && deploy.port.is_some() {
                canary.insert("canaryService", Yaml::str(naming::canary_service(deploy)));
            }
            canary.insert("steps", Yaml::Seq(canary_steps(steps, *pause)));
            if !rollback.is_empty() {
                canary.insert(
                    "analysis",
                    analysis_reference(
                        job,
                        deploy,
                        &[naming::analysis_template(deploy)],
                        naming::canary_service(deploy),
                        Some(1),
                    ),
                );
            }
            strategy.insert("canary", canary);
        }
        Strategy::BlueGreen {
            preview_duration,
            auto_promote,
            scale_down_delay,
            rollback,
            smoke_test,
        } => {
            let mut blue_green = Yaml::map();
            blue_green.insert("activeService", Yaml::str(naming::deploy_name(deploy)));
            blue_green.insert("previewService", Yaml::str(naming::preview_service(deploy)));
            blue_green.insert("autoPromotionEnabled", Yaml::Bool(*auto_promote));
            if *auto_promote && let Some(preview) = preview_duration {
                blue_green.insert("autoPromotionSeconds", Yaml::Int(seconds(*preview)));
            }
            if let Some(delay) = scale_down_delay {
                blue_green.insert("scaleDownDelaySeconds", Yaml::Int(seconds(*delay)));
            }
            let mut templates = Vec::new();
            if !rollback.is_empty() {
                templates.push(naming::analysis_template(deploy));
            }
            if smoke_test.is_some() {
                templates.push(naming::smoke_test_template(deploy));
            }
            if !templates.is_empty() {
                blue_green.insert(
                    "prePromotionAnalysis",
                    analysis_reference(
                        job,
                        deploy,
                        &templates,
                        naming::preview_service(deploy),
                        None,
                    ),
                );
            }
            strategy.insert("blueGreen", blue_green);
        }
        Strategy::Rolling { .. } => {}
    }
    strategy
}

/// Milliseconds as whole seconds, rounded up.
pub fn seconds(milliseconds: u64) -> i64 {
    i64::try_from(milliseconds.div_ceil(1000)).unwrap_or(i64::MAX)
}

/// `setWeight` for each weight below 100 (the rollout takes all traffic
/// once the steps are done), each followed by the pause.
pub fn canary_steps(weights: &[f64], pause: Option<u64>) -> Vec<Yaml> {
    let mut steps = Vec::new();
    for weight in weights {
        let weight = whole(*weight);
        if weight >= 100 {
            continue;
        }
        let mut step = Yaml::map();
        step.insert("setWeight", Yaml::Int(weight));
        steps.push(step);
        if let Some(pause) = pause {
            let mut duration = Yaml::map();
            duration.insert("duration", Yaml::str(format!("{}s", seconds(pause))));
            let mut step = Yaml::map();
            step.insert("pause", duration);
            steps.push(step);
        }
    }
    steps
}

/// The deploy's `AnalysisTemplate`s, run on `service`: the canary's from
/// its first step to the end, or a blue-green preview's before the switch.
/// Argo Rollouts runs the templates as one analysis, which fails when any
/// of their metrics fails.
fn analysis_reference(
    job: &Job,
    deploy: &Deploy,
    templates: &[String],
    service: String,
    starting_step: Option<i64>,
) -> Yaml {
    let templates = templates
        .iter()
        .map(|name| {
            let mut template = Yaml::map();
            template.insert("templateName", Yaml::str(name.clone()));
            template
        })
        .collect();
    let argument = |name: &str, value: String| {
        let mut entry = Yaml::map();
        entry.insert("name", Yaml::str(name.to_owned()));
        entry.insert("value", Yaml::str(value));
        entry
    };
    let mut analysis = Yaml::map();
    analysis.insert("templates", Yaml::Seq(templates));
    analysis.insert_some("startingStep", starting_step.map(Yaml::Int));
    analysis.insert(
        "args",
        Yaml::Seq(vec![
            argument("service", service),
            argument("namespace", namespace_of(job, deploy)),
        ]),
    );
    analysis
}
