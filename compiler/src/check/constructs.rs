//! Which constructs of [`crate::capability`] a checked pipeline uses, and
//! where: read on the IR, one `(construct, origin)` per use, for
//! `check::targets` to judge against the targets asked for.

use crate::backend::gitlab::stages;
use crate::capability::Construct;
use crate::glob;
use crate::ir::{
    CompareOp, Context, Expr, ExprKind, Job, Origin, Pipeline, Status, StepAction, StringTest,
};

pub fn collect_pipeline(pipeline: &Pipeline, uses: &mut Vec<(Construct, Origin)>) {
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
    for filters in [
        pipeline
            .triggers
            .push
            .as_ref()
            .map(|push| (&push.filters, push.origin)),
        pipeline
            .triggers
            .pull_request
            .as_ref()
            .map(|pull_request| (&pull_request.filters, pull_request.origin)),
    ]
    .into_iter()
    .flatten()
    {
        if !filters.0.paths_ignore.is_empty() {
            uses.push((Construct::PathsIgnore, filters.1));
        }
    }
    if let Some(pull_request) = &pipeline.triggers.pull_request
        && pull_request
            .types
            .iter()
            .any(|kind| !matches!(kind.as_str(), "opened" | "synchronize" | "reopened"))
    {
        uses.push((Construct::PullRequestTypes, pull_request.origin));
    }
    // The branch filter of `on success` is a condition on the upstream
    // run, written by each target's condition translation.
    if let Some(success) = &pipeline.triggers.success
        && success
            .branches
            .iter()
            .any(|text| !glob::is_literal(text) && glob::as_prefix(text).is_none())
    {
        uses.push((Construct::GlobCondition, success.origin));
    }
    for schedule in &pipeline.triggers.schedules {
        uses.push((Construct::Schedule, schedule.origin));
    }
    for input in pipeline.inputs() {
        uses.push((Construct::ManualInput, input.origin));
    }
    for notification in &pipeline.notifications {
        if notification.when.contains(&Status::Cancelled) {
            uses.push((Construct::CancelledStatus, notification.origin));
        }
    }
    if let Err(origin) = stages::stages(pipeline) {
        uses.push((Construct::StageOrder, origin));
    }
    for job in &pipeline.jobs {
        if RESERVED_NAMES.contains(&job.name.as_str()) {
            uses.push((Construct::ReservedJobName, job.origin));
        }
        collect_job(job, uses);
        collect_kubernetes(pipeline, job, uses);
    }
    if let Some(concurrency) = &pipeline.concurrency {
        collect_vars(&concurrency.group, uses);
    }
}

/// The top-level keywords of a GitLab CI file, which cannot name a job.
const RESERVED_NAMES: &[&str] = &[
    "image",
    "services",
    "stages",
    "types",
    "before_script",
    "after_script",
    "variables",
    "cache",
    "include",
    "default",
    "workflow",
    "spec",
    "pages",
];

fn collect_job(job: &Job, uses: &mut Vec<(Construct, Origin)>) {
    for service in &job.services {
        if service.privileged {
            uses.push((Construct::PrivilegedService, service.origin));
        }
    }
    if job.interruptible.is_some() {
        uses.push((Construct::Interruptible, job.origin));
    }
    if job.stage.is_some() {
        uses.push((Construct::Stage, job.origin));
    }
    if let Some(condition) = &job.condition {
        collect_condition(condition, true, uses);
    }
    for step in &job.steps {
        if let Some(condition) = &step.condition {
            collect_condition(condition, false, uses);
        }
        if let StepAction::Checkout { with } = &step.action
            && with.iter().any(|input| {
                !matches!(
                    input.name.as_str(),
                    "fetch-depth"
                        | "fetch-tags"
                        | "submodules"
                        | "lfs"
                        | "clean"
                        | "persist-credentials"
                        | "show-progress"
                )
            })
        {
            uses.push((Construct::CheckoutOptions, step.origin));
        }
    }
    for service in &job.services {
        if service.health.is_some() {
            uses.push((Construct::ServiceHealth, service.origin));
        }
    }
    if job.caches.len() > 4 {
        uses.push((Construct::ManyCaches, job.origin));
    }
    for cache in &job.caches {
        if cache.paths.iter().any(|path| outside_workspace(path)) {
            uses.push((Construct::CachePathOutsideWorkspace, cache.origin));
        }
    }
    for artifact in &job.artifacts {
        if artifact.paths.iter().any(|path| outside_workspace(path)) {
            uses.push((Construct::ArtifactOutsideWorkspace, artifact.origin));
        }
    }
    if let Some(matrix) = &job.matrix {
        if matrix.fail_fast == Some(true) {
            uses.push((Construct::MatrixFailFast, matrix.origin));
        }
        if matrix.max_parallel.is_some() {
            uses.push((Construct::MatrixMaxParallel, matrix.origin));
        }
    }
    if let Some(approval) = job
        .environment
        .as_ref()
        .and_then(|environment| environment.approval.as_ref())
        && approval.wait.is_some()
    {
        uses.push((Construct::ApprovalWait, approval.origin));
    }
    if job.retry.is_some_and(|retries| retries > 0) {
        uses.push((Construct::JobRetry, job.origin));
    }
    if let Some(runner) = job.runner.as_deref() {
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
        match artifact.report {
            Some(crate::ir::ReportKind::Sarif) => {
                uses.push((Construct::SarifReport, artifact.origin));
            }
            Some(_) => uses.push((Construct::ArtifactReport, artifact.origin)),
            None => {}
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
            let construct = if condition.asks_status_beyond_success() {
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

fn outside_workspace(path: &str) -> bool {
    path.starts_with('~') || path.starts_with('/') || path.starts_with("../")
}

/// What a condition uses that some target cannot evaluate: `cancelled()`
/// where it must hold, and, in a job's `if` (evaluated by GitLab when the
/// pipeline is created), outputs, computed text, runtime patterns and
/// ordering between two runtime values.
fn collect_condition(condition: &Expr, job_level: bool, uses: &mut Vec<(Construct, Origin)>) {
    if cancelled_holds(condition, true) {
        uses.push((Construct::CancelledStatus, condition.origin));
    }
    condition.visit(&mut |expr| {
        let plain = |operand: &Expr| {
            matches!(
                operand.kind,
                ExprKind::Context(_)
                    | ExprKind::String(_)
                    | ExprKind::Int(_)
                    | ExprKind::Bool(_)
                    | ExprKind::Error
                    | ExprKind::Parameter(_)
            )
        };
        let runtime = |operand: &Expr| matches!(operand.kind, ExprKind::Context(_));
        match &expr.kind {
            ExprKind::Compare { op, lhs, rhs } => {
                let ordering = !matches!(op, CompareOp::Eq | CompareOp::NotEq);
                if !plain(lhs)
                    || !plain(rhs)
                    || (job_level && ordering && runtime(lhs) && runtime(rhs))
                {
                    uses.push((Construct::ComputedCondition, expr.origin));
                }
            }
            ExprKind::OneOf { value, candidates }
                if !plain(value) || !candidates.iter().all(plain) =>
            {
                uses.push((Construct::ComputedCondition, expr.origin));
            }
            ExprKind::Test { value, pattern, .. }
                if !plain(value) || pattern.as_str().is_none() =>
            {
                uses.push((Construct::ComputedCondition, expr.origin));
            }
            ExprKind::Context(Context::JobOutput { .. } | Context::StepOutput { .. })
                if job_level =>
            {
                uses.push((Construct::OutputInJobCondition, expr.origin));
            }
            _ => {}
        }
    });
}

/// Whether `cancelled()` appears where it must be true for the condition
/// to hold (not under an odd number of negations).
fn cancelled_holds(expr: &Expr, positive: bool) -> bool {
    match &expr.kind {
        ExprKind::Status(Status::Cancelled) => positive,
        ExprKind::Not(inner) => cancelled_holds(inner, !positive),
        ExprKind::All(operands) | ExprKind::Any(operands) => operands
            .iter()
            .any(|operand| cancelled_holds(operand, positive)),
        _ => false,
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
        .as_deref()
        .into_iter()
        .chain(job.runner.as_deref())
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
            .any(|path| !crate::backend::k8s::has_cache_location(path))
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
