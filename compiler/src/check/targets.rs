//! Phase 3 check on the IR: every construct a pipeline uses can be
//! expressed on every target asked for (`crate::capability`). One
//! diagnostic per use, naming the targets that cannot express it and why.

use crate::backend::Target;
use crate::capability::{self, Construct, Support};
use crate::diagnostic::{Code, Diagnostic, Label};
use crate::glob;
use crate::ir::{
    Context, ExprKind, Job, Origin, Pipeline, Project, Status, StepAction, StringTest,
};

pub fn check_targets(project: &Project, targets: &[Target], diagnostics: &mut Vec<Diagnostic>) {
    for pipeline in &project.pipelines {
        let mut uses: Vec<(Construct, Origin)> = Vec::new();
        collect_pipeline(pipeline, &mut uses);
        for (construct, origin) in uses {
            let unsupported: Vec<(Target, &str)> = targets
                .iter()
                .filter_map(|&target| match capability::support(construct, target) {
                    Support::Unsupported(reason) => Some((target, reason)),
                    _ => None,
                })
                .collect();
            if unsupported.is_empty() {
                continue;
            }
            let names: Vec<&str> = unsupported
                .iter()
                .map(|(target, _)| target.display_name())
                .collect();
            let mut diagnostic = Diagnostic::new(
                Code::UnsupportedOnTarget,
                format!(
                    "{} cannot be compiled for {}",
                    capability::name(construct),
                    names.join(" and ")
                ),
                Label::new(
                    origin.source,
                    origin.span,
                    format!("not expressible on {}", names.join(" or ")),
                ),
            );
            for (target, reason) in &unsupported {
                diagnostic = diagnostic.with_note(format!("{}: {reason}", target.display_name()));
            }
            let others: Vec<&str> = Target::ALL
                .iter()
                .filter(|target| {
                    !unsupported
                        .iter()
                        .any(|(unsupported, _)| unsupported == *target)
                })
                .map(|target| target.name())
                .collect();
            if !others.is_empty() {
                diagnostic = diagnostic.with_help(format!(
                    "change the construct, or build only for {} with `--target`",
                    others.join(", ")
                ));
            }
            diagnostics.push(diagnostic);
        }
    }
}

fn collect_pipeline(pipeline: &Pipeline, uses: &mut Vec<(Construct, Origin)>) {
    if let Some(concurrency) = &pipeline.concurrency {
        uses.push((Construct::Concurrency, concurrency.origin));
    }
    for permission in &pipeline.permissions {
        uses.push((Construct::Permissions, permission.origin));
    }
    for trigger in [
        pipeline.triggers.push.as_ref().map(|push| push.origin),
        pipeline
            .triggers
            .pull_request
            .as_ref()
            .map(|pull_request| pull_request.origin),
    ]
    .into_iter()
    .flatten()
    {
        uses.push((Construct::RepositoryEvents, trigger));
    }
    for job in &pipeline.jobs {
        collect_job(job, uses);
        collect_kubernetes(pipeline, job, uses);
    }
    if let Some(concurrency) = &pipeline.concurrency {
        collect_vars(&concurrency.group, uses);
    }
    for notification in &pipeline.notifications {
        if notification.when.contains(&Status::Cancelled) {
            uses.push((Construct::CancelledStatus, notification.origin));
        }
    }
}

/// The constructs whose support differs on Kubernetes (Argo Workflows).
fn collect_kubernetes(pipeline: &Pipeline, job: &Job, uses: &mut Vec<(Construct, Origin)>) {
    if let Some(condition) = &job.condition {
        condition.visit(&mut |expr| match &expr.kind {
            ExprKind::Context(Context::Matrix(_)) => {
                uses.push((Construct::MatrixInJobCondition, expr.origin));
            }
            ExprKind::Status(Status::Cancelled) => {
                uses.push((Construct::CancelledStatus, expr.origin));
            }
            _ => {}
        });
        collect_vars(condition, uses);
    }
    let pod_settings = job
        .image
        .iter()
        .chain(&job.runner)
        .chain(job.services.iter().map(|service| &service.image))
        .chain(job.concurrency.iter().map(|concurrency| &concurrency.group));
    for expression in pod_settings {
        collect_vars(expression, uses);
    }
    for step in &job.steps {
        if !step.escapes.k8s.is_empty() {
            uses.push((Construct::StepEscape, step.origin));
        }
    }
    for artifact in &job.artifacts {
        if artifact
            .paths
            .iter()
            .any(|path| path.contains(['*', '?', '[']))
        {
            uses.push((Construct::ArtifactWildcard, artifact.origin));
        }
        if artifact.expire.is_some() {
            uses.push((Construct::ArtifactExpire, artifact.origin));
        }
    }
    for expression in job.expressions() {
        expression.visit(&mut |expr| {
            if let ExprKind::Context(Context::JobOutput { job: producer, .. }) = &expr.kind
                && pipeline
                    .job(producer)
                    .is_some_and(|producer| producer.matrix.is_some())
            {
                uses.push((Construct::MatrixOutputs, expr.origin));
            }
        });
    }
    for need in &job.artifacts_from {
        if pipeline
            .job(&need.job)
            .is_some_and(|producer| producer.matrix.is_some())
        {
            uses.push((Construct::MatrixArtifacts, need.origin));
        }
    }
    for cache in &job.caches {
        if cache
            .paths
            .iter()
            .any(|path| crate::backend::k8s::cache_location(path).is_none())
        {
            uses.push((Construct::WorkspaceCache, cache.origin));
        }
    }
}

fn collect_vars(expression: &crate::ir::Expr, uses: &mut Vec<(Construct, Origin)>) {
    expression.visit(&mut |expr| {
        if let ExprKind::Context(Context::Var(_)) = &expr.kind {
            uses.push((Construct::VarsOutsidePods, expr.origin));
        }
    });
}

fn collect_job(job: &Job, uses: &mut Vec<(Construct, Origin)>) {
    if job.retry.is_some_and(|retries| retries > 0) {
        uses.push((Construct::JobRetry, job.origin));
    }
    if let Some(runner) = &job.runner {
        uses.push((Construct::Runner, runner.origin));
    }
    if let Some(concurrency) = &job.concurrency {
        uses.push((Construct::Concurrency, concurrency.origin));
    }
    for permission in &job.permissions {
        uses.push((Construct::Permissions, permission.origin));
    }
    if let Some(approval) = job
        .environment
        .as_ref()
        .and_then(|environment| environment.approval.as_ref())
    {
        uses.push((Construct::Approval, approval.origin));
    }
    if let Some(matrix) = &job.matrix
        && (!matrix.include.is_empty() || !matrix.exclude.is_empty())
    {
        uses.push((Construct::MatrixIncludeExclude, matrix.origin));
    }
    for service in &job.services {
        if !service.command.is_empty() {
            uses.push((Construct::ServiceCommand, service.origin));
        }
    }
    for cache in &job.caches {
        uses.push((Construct::Cache, cache.origin));
        let mut patterns = 0;
        cache.key.visit(&mut |expr| {
            if let ExprKind::HashFiles(globs) = &expr.kind {
                patterns += globs.len();
            }
        });
        if patterns > 2 {
            uses.push((Construct::CacheKeyManyFiles, cache.key.origin));
        }
    }
    for artifact in &job.artifacts {
        if artifact.report.is_some() {
            uses.push((Construct::ArtifactReport, artifact.origin));
        }
    }
    for step in &job.steps {
        match &step.action {
            StepAction::Action { setup: true, .. } => {
                uses.push((Construct::SetupAction, step.origin))
            }
            StepAction::Action { .. } => uses.push((Construct::GithubAction, step.origin)),
            StepAction::Run { shell: Some(_), .. } => uses.push((Construct::Shell, step.origin)),
            StepAction::Run { .. } | StepAction::Checkout { .. } => {}
        }
        if step.timeout.is_some() {
            uses.push((Construct::StepTimeout, step.origin));
        }
        if step.continue_on_error {
            uses.push((Construct::StepContinueOnError, step.origin));
        }
        if step.working_directory.is_some() {
            uses.push((Construct::WorkingDirectory, step.origin));
        }
        if let Some(condition) = &step.condition {
            let construct = if condition.mentions_status() {
                Construct::StepStatusCondition
            } else {
                Construct::StepCondition
            };
            uses.push((construct, condition.origin));
        }
    }
    for expression in job.expressions() {
        expression.visit(&mut |expr| match &expr.kind {
            ExprKind::Test {
                test: StringTest::Matches,
                pattern,
                ..
            } => {
                let text = pattern.as_str().unwrap_or_default();
                if !glob::is_literal(text) && glob::as_prefix(text).is_none() {
                    uses.push((Construct::GlobCondition, expr.origin));
                }
            }
            ExprKind::Context(
                Context::PrTitle
                | Context::PrBody
                | Context::PrDraft
                | Context::PrNumber
                | Context::CommitMessage,
            ) => uses.push((Construct::EventDetails, expr.origin)),
            _ => {}
        });
    }
}
