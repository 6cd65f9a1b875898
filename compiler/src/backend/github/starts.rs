//! `on success`: the upstream's workflow calls each follower's workflow
//! (a reusable workflow, `on: workflow_call`) from a last job, once every
//! other job is done and none failed. A call rather than `workflow_run`:
//! the called run has the caller's event, ref and commit, needs no
//! privileged trigger, and gets exactly the secrets it declares, and the
//! values of the manual inputs it shares with the caller.

use crate::backend::github::expr::{self, Inputs};
use crate::backend::github::{permissions, triggers};
use crate::backend::names;
use crate::backend::yaml::Yaml;
use crate::ir::{Expr, ExprKind, Followers, Pipeline, Status};
use crate::types::Type;

/// The job of `upstream` that starts `follower`.
pub fn start_job(
    upstream: &Pipeline,
    follower: &Pipeline,
    followers: &Followers<'_>,
) -> (String, Yaml) {
    let trigger = follower
        .triggers
        .success
        .as_ref()
        .expect("a follower has `on success`");
    let origin = trigger.origin;
    let status = |status: Status| {
        Expr::new(
            ExprKind::Not(Box::new(Expr::new(
                ExprKind::Status(status),
                Type::Bool,
                origin,
            ))),
            Type::Bool,
            origin,
        )
    };
    // `!failure()` rather than `success()`: a job skipped by its condition
    // (a deploy of another branch) does not make the run unsuccessful.
    let mut operands = vec![status(Status::Cancelled), status(Status::Failure)];
    match trigger.condition() {
        Expr {
            kind: ExprKind::All(parts),
            ..
        } => operands.extend(parts),
        single => operands.push(single),
    }
    let condition = Expr::new(ExprKind::All(operands), Type::Bool, origin);
    let mut job = Yaml::map();
    job.insert(
        "name",
        Yaml::str(format!("start {}", follower.display_name())),
    );
    if !upstream.jobs.is_empty() {
        job.insert(
            "needs",
            Yaml::Seq(
                upstream
                    .jobs
                    .iter()
                    .map(|job| Yaml::str(job.name.clone()))
                    .collect(),
            ),
        );
    }
    job.insert(
        "if",
        Yaml::str(expr::condition(
            &condition,
            &Inputs {
                inputs: upstream.inputs(),
            },
        )),
    );
    job.insert("permissions", permissions::caller(follower, followers));
    // `./`, which GitHub Enterprise Server and actionlint read too. What
    // zizmor's `self-repository` audit guards against, a step replacing
    // the file before it loads, cannot happen to a job-level call: it has
    // no steps, and the file comes from the caller's commit.
    job.insert(
        "uses",
        Yaml::Commented(
            Box::new(Yaml::str(format!(
                "./.github/workflows/{}.yml",
                follower.name
            ))),
            "zizmor: ignore[self-repository]".to_owned(),
        ),
    );
    let passed = crate::ir::passed_inputs(upstream, follower);
    if !passed.is_empty() {
        let mut with = Yaml::map();
        for (given, _) in passed {
            with.insert(
                given.name.clone(),
                Yaml::str(format!("${{{{ inputs.{} }}}}", given.name)),
            );
        }
        job.insert("with", with);
    }
    let secrets_passed = triggers::called_secrets(follower, followers);
    if !secrets_passed.is_empty() {
        let mut secrets = Yaml::map();
        for secret in secrets_passed {
            secrets.insert(
                secret.name.clone(),
                Yaml::str(format!("${{{{ secrets.{} }}}}", secret.name)),
            );
        }
        job.insert("secrets", secrets);
    }
    (names::start_job(upstream, &follower.name), job)
}

/// The `cancel-in-progress` of a pipeline that others follow and whose
/// `concurrency` cancels runs in progress: GitHub cancels a run with
/// every workflow it called, so a newer run would stop a follower
/// halfway (a deploy mid-rollout, its rollback with it). Only runs that
/// cannot start a follower are cancelled; the others wait their turn, as
/// on GitLab and Argo, where a follower is a run of its own. `None`
/// without followers.
pub fn cancel_unless_starting(
    pipeline: &Pipeline,
    followers: &Followers<'_>,
    inputs: &Inputs<'_>,
) -> Option<String> {
    let conditions: Vec<Expr> = followers
        .of(&pipeline.name)
        .iter()
        .filter_map(|follower| follower.triggers.success.as_ref())
        .map(crate::ir::SuccessTrigger::condition)
        .collect();
    let origin = conditions.first()?.origin;
    let starting = if conditions.len() == 1 {
        conditions.into_iter().next()?
    } else {
        Expr::new(ExprKind::Any(conditions), Type::Bool, origin)
    };
    let cancel = Expr::new(ExprKind::Not(Box::new(starting)), Type::Bool, origin);
    Some(format!("${{{{ {} }}}}", expr::condition(&cancel, inputs)))
}
