//! Phase 3 check on the IR: the manifests of a strategy chosen per run
//! (`choose(inputs.NAME, { … })`) can replace each other from one run to
//! the next.
//!
//! Each alternative is a file of its own and all of them define the same
//! workload, so two things would break a switch (E0407): alternatives that
//! are different kinds of object (a `rolling` Deployment beside a canary's
//! Rollout would both run, behind one Service), and two values whose file
//! names are the same once made DNS labels (`a_b` and `a-b`).

use crate::backend::names::{dns_label, manifest_path};
use crate::diagnostic::{Code, Diagnostic, Label};
use crate::ir::{Deploy, Job, Strategy, StrategyAlternative};

pub fn check_choice(job: &Job, deploy: &Deploy, diagnostics: &mut Vec<Diagnostic>) {
    let Some(choice) = deploy.strategy.choice() else {
        return;
    };
    let is_rolling = |alternative: &StrategyAlternative| {
        matches!(alternative.strategy, Strategy::Rolling { .. })
    };
    if let (Some(rolling), Some(rollout)) = (
        choice
            .alternatives
            .iter()
            .find(|alternative| is_rolling(alternative)),
        choice
            .alternatives
            .iter()
            .find(|alternative| !is_rolling(alternative)),
    ) {
        diagnostics.push(
            Diagnostic::new(
                Code::KubernetesNameCollision,
                format!(
                    "the alternatives of deploy `{}` would define `{}` as two kinds of object",
                    deploy.service,
                    dns_label(&deploy.service)
                ),
                label(rolling, "a `Deployment`"),
            )
            .with_secondary(label(rollout, "an Argo Rollouts `Rollout`"))
            .with_note("applying one does not remove the other: after a switch both would run, behind the same Service")
            .with_help("choose between `blue_green` and `canary` only (both are a `Rollout`, whose strategy may change between runs), or between `rolling` updates only"),
        );
        return;
    }
    for (index, alternative) in choice.alternatives.iter().enumerate() {
        let path = manifest_path(job, deploy, Some(&alternative.value));
        let earlier = choice.alternatives[..index]
            .iter()
            .find(|earlier| manifest_path(job, deploy, Some(&earlier.value)) == path);
        if let Some(earlier) = earlier {
            diagnostics.push(
                Diagnostic::new(
                    Code::KubernetesNameCollision,
                    format!(
                        "alternatives `\"{}\"` and `\"{}\"` of deploy `{}` would both write `{path}`",
                        earlier.value, alternative.value, deploy.service
                    ),
                    label(alternative, "written here"),
                )
                .with_secondary(label(earlier, "and here"))
                .with_note("a manifest file is named by the value as a DNS label: lower case, other characters as `-`")
                .with_help("give the input values that differ in more than case and punctuation"),
            );
            return;
        }
    }
}

fn label(alternative: &StrategyAlternative, message: &str) -> Label {
    Label::new(alternative.origin.source, alternative.origin.span, message)
}
