//! Phase 2 check: the keys of `k8s { … }` blocks. The Kubernetes backend
//! merges a pipeline's block into the WorkflowTemplate's `spec`, a job's
//! into each of the job's Argo templates, and a deploy's into its
//! Deployment or Rollout; a key that object does not have would be
//! rejected by the cluster, so it is reported here, at the key (E0408).
//! Keys that would change what pipec derives (a template's kind, a
//! workload's selector) are rejected too.

use crate::check::suggest;
use crate::diagnostic::{Code, Diagnostic, Label};
use crate::span::{SourceId, Span};
use crate::syntax::ast::{ExprKind, Item};

/// The fields of an Argo `WorkflowSpec` (Argo Workflows v4.1).
const WORKFLOW_SPEC_KEYS: &[&str] = &[
    "activeDeadlineSeconds",
    "affinity",
    "archiveLogs",
    "arguments",
    "artifactGC",
    "artifactRepositoryRef",
    "automountServiceAccountToken",
    "dnsConfig",
    "dnsPolicy",
    "executor",
    "executorPlugins",
    "hooks",
    "hostAliases",
    "hostNetwork",
    "imagePullSecrets",
    "metrics",
    "nodeSelector",
    "parallelism",
    "podDisruptionBudget",
    "podGC",
    "podMetadata",
    "podPriorityClassName",
    "podSpecPatch",
    "priority",
    "retryStrategy",
    "schedulerName",
    "securityContext",
    "serviceAccountName",
    "shutdown",
    "synchronization",
    "templateDefaults",
    "tolerations",
    "ttlStrategy",
    "volumeClaimGC",
    "volumeClaimTemplates",
    "volumes",
    "workflowMetadata",
];

/// The fields of an Argo template that keep it the template pipec wrote
/// (no `dag`, `steps`, `container` … that would make it another kind).
const TEMPLATE_KEYS: &[&str] = &[
    "activeDeadlineSeconds",
    "affinity",
    "annotations",
    "archiveLocation",
    "automountServiceAccountToken",
    "executor",
    "failFast",
    "hostAliases",
    "initContainers",
    "inputs",
    "memoize",
    "metadata",
    "metrics",
    "nodeSelector",
    "outputs",
    "parallelism",
    "pendingTimeout",
    "podSpecPatch",
    "priorityClassName",
    "retryStrategy",
    "schedulerName",
    "script",
    "securityContext",
    "serviceAccountName",
    "sidecars",
    "synchronization",
    "timeout",
    "tolerations",
    "volumes",
];

/// What a deploy's block may set on its Deployment or Rollout.
const WORKLOAD_KEYS: &[&str] = &["metadata", "spec"];

pub fn check_escapes(items: &[Item], source: SourceId, diagnostics: &mut Vec<Diagnostic>) {
    walk(items, "file", source, diagnostics);
}

fn walk(items: &[Item], parent: &str, source: SourceId, diagnostics: &mut Vec<Diagnostic>) {
    for item in items {
        match item {
            Item::Block(block) => {
                let body: &[Item] = block.body.as_ref().map_or(&[], |body| &body.items);
                if block.keyword.name == "k8s" {
                    let allowed = match parent {
                        "pipeline" => WORKFLOW_SPEC_KEYS,
                        "job" => TEMPLATE_KEYS,
                        "deploy" => WORKLOAD_KEYS,
                        _ => continue,
                    };
                    check_keys(body, parent, allowed, source, diagnostics);
                } else {
                    walk(body, &block.keyword.name, source, diagnostics);
                }
            }
            Item::Template(template) => {
                walk(
                    &template.body.items,
                    &template.kind.name,
                    source,
                    diagnostics,
                );
            }
            _ => {}
        }
    }
}

/// The key of an item of an escape block, as the lowering reads it.
fn key_of(item: &Item) -> Option<(&str, Span)> {
    match item {
        Item::Attribute(attribute) => Some((&attribute.key.name, attribute.key.span)),
        Item::Block(block) => Some(match &block.label {
            Some(label) => (label.name.as_str(), label.span),
            None => (block.keyword.name.as_str(), block.keyword.span),
        }),
        _ => None,
    }
}

fn check_keys(
    items: &[Item],
    parent: &str,
    allowed: &[&str],
    source: SourceId,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for item in items {
        let Some((key, span)) = key_of(item) else {
            continue;
        };
        if !allowed.contains(&key) {
            let target = match parent {
                "pipeline" => "an Argo WorkflowTemplate's `spec`",
                "job" => "the job's Argo templates",
                _ => "the deploy's Deployment or Rollout",
            };
            let mut diagnostic = Diagnostic::new(
                Code::UnknownEscapeKey,
                format!("`{key}` is not a key of {target}"),
                Label::new(source, span, "unknown here"),
            );
            if !suggest::offer(&mut diagnostic, key, allowed, source, span) {
                diagnostic = diagnostic.with_help(match parent {
                    "pipeline" => "see the WorkflowSpec fields of Argo Workflows; pipec writes `entrypoint`, `arguments`, `templates` and `onExit` itself",
                    "job" => "see the template fields of Argo Workflows: `script`, `metadata`, `nodeSelector`, `tolerations`, `serviceAccountName`, …",
                    _ => "a deploy's `k8s` block sets `metadata` and `spec` of its workload",
                });
            }
            diagnostics.push(diagnostic);
        } else if parent == "deploy" && key == "spec" {
            check_selector(item, source, diagnostics);
        }
    }
}

/// A workload's selector is what its Services and budget agree on.
fn check_selector(spec: &Item, source: SourceId, diagnostics: &mut Vec<Diagnostic>) {
    let selector = match spec {
        Item::Block(block) => block
            .body
            .iter()
            .flat_map(|body| &body.items)
            .filter_map(key_of)
            .find(|(key, _)| *key == "selector")
            .map(|(_, span)| span),
        Item::Attribute(attribute) => match &attribute.value.kind {
            ExprKind::Record(fields) => fields
                .iter()
                .find(|field| field.key.name == "selector")
                .map(|field| field.key.span),
            _ => None,
        },
        _ => None,
    };
    if let Some(span) = selector {
        diagnostics.push(
            Diagnostic::new(
                Code::UnknownEscapeKey,
                "a deploy's `k8s` block cannot change the workload's selector",
                Label::new(source, span, "the selector pipec derives"),
            )
            .with_note(
                "the Services and the disruption budget select the same labels as the workload",
            )
            .with_help(
                "add labels through `spec { template { metadata { labels { … } } } }` instead",
            ),
        );
    }
}
