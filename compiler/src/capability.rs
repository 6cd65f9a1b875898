//! What each target can express: one table of construct × target →
//! supported, emulated (with how) or unsupported (with why), read by the
//! checker (`check::targets`), by `pipec explain E0401` and by the docs.
//!
//! A construct that one target cannot express is reported by the checker
//! at the `.pipe` line that uses it, before any backend runs; an emulated
//! one compiles, in the documented way.

use crate::backend::Target;

/// How a target handles a construct.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Support {
    Supported,
    /// Compiled into something equivalent; says how.
    Emulated(&'static str),
    /// Rejected; says why and what to write instead.
    Unsupported(&'static str),
}

/// A construct whose support differs between targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Construct {
    /// A step running a GitHub action (a binding or `uses = "…"`) that
    /// has no equivalent elsewhere.
    GithubAction,
    /// A step running a setup action (`setup-python`, …) whose tool the
    /// job's image provides on other targets.
    SetupAction,
    /// `service { command = […] }`.
    ServiceCommand,
    /// `x.matches("pattern")` with wildcards other than a trailing `**`.
    GlobCondition,
    /// A job's `retry`.
    JobRetry,
    /// A step's `timeout`.
    StepTimeout,
    /// A step's `continue_on_error`.
    StepContinueOnError,
    /// A step's `if`.
    StepCondition,
    /// `failure()`, `always()` … in a step's `if`.
    StepStatusCondition,
    /// `hash_files` with more than two patterns in a cache key.
    CacheKeyManyFiles,
    /// `approval { … }` of an environment.
    Approval,
    /// `permissions { … }`.
    Permissions,
    /// A job's `runner`.
    Runner,
    /// `concurrency { … }`.
    Concurrency,
    /// `on push` and `on pull_request`.
    RepositoryEvents,
    /// `cache NAME { … }`.
    Cache,
    /// `artifact NAME { report = … }`.
    ArtifactReport,
    /// `matrix { include = …, exclude = … }`.
    MatrixIncludeExclude,
    /// `pr.title`, `pr.body`, `pr.draft`, `pr.number`, `git.commit_message`.
    EventDetails,
    /// A step's `working_directory`.
    WorkingDirectory,
    /// A step's `shell`.
    Shell,
    /// `service { privileged = true }`.
    PrivilegedService,
    /// A job's `interruptible`.
    Interruptible,
    /// A job's `stage`.
    Stage,
    /// `paths_ignore` of `on push` or `on pull_request`.
    PathsIgnore,
    /// `on pull_request { types = … }` other than opened, synchronize, reopened.
    PullRequestTypes,
    /// `on schedule`.
    Schedule,
    /// `on manual { input … }`.
    ManualInput,
    /// `cancelled()` in a condition (not negated), or a `cancelled` notification.
    CancelledStatus,
    /// A job `if` comparing with text built at run time, ordering two
    /// runtime values, or testing against a runtime pattern.
    ComputedCondition,
    /// A job or step output read in a job's `if`.
    OutputInJobCondition,
    /// Named `stage`s whose jobs need each other both ways.
    StageOrder,
    /// A job named like a top-level keyword of GitLab CI (`image`, `cache`, …).
    ReservedJobName,
    /// `service { health = … }`.
    ServiceHealth,
    /// A cache path outside the working directory (`~/.cache/pip`).
    CachePathOutsideWorkspace,
    /// More than four caches in one job.
    ManyCaches,
    /// An artifact path outside the working directory.
    ArtifactOutsideWorkspace,
    /// `artifact NAME { report = "sarif" }`.
    SarifReport,
    /// `matrix { fail_fast = true }`.
    MatrixFailFast,
    /// `matrix { max_parallel = … }`.
    MatrixMaxParallel,
    /// A checkout of another repository, ref or path (checkout inputs
    /// other than depth, submodules, LFS and cleaning).
    CheckoutOptions,
    /// `approval { wait = … }`.
    ApprovalWait,
    /// `matrix.X` in a job's `if`.
    MatrixInJobCondition,
    /// `vars.X` in a job's `if`, image, runner or concurrency group.
    VarsOutsidePods,
    /// A `k8s { … }` block inside a step.
    StepEscape,
    /// An artifact path with `*`, `?` or `[`.
    ArtifactWildcard,
    /// `artifacts_from` naming a job with a matrix.
    MatrixArtifacts,
    /// A cache path relative to the workspace.
    WorkspaceCache,
    /// An artifact's `expire`.
    ArtifactExpire,
    /// `jobs.X.outputs.Y` of a job X with a matrix.
    MatrixOutputs,
}

use Support::{Emulated, Supported, Unsupported};

/// One row per construct: its name in messages and its support on
/// GitHub, GitLab and Kubernetes, in that order.
pub const TABLE: &[(Construct, &str, [Support; 3])] = &[
    (
        Construct::GithubAction,
        "a GitHub action step",
        [
            Supported,
            Unsupported(
                "its jobs run scripts, not GitHub actions; write the step as `run = \"…\"`",
            ),
            Unsupported(
                "Argo Workflows runs scripts, not GitHub actions; write the step as `run = \"…\"`",
            ),
        ],
    ),
    (
        Construct::SetupAction,
        "a setup action step",
        [
            Supported,
            Emulated("left out: the job's `image` provides the tool"),
            Emulated("left out: the job's `image` provides the tool"),
        ],
    ),
    (
        Construct::ServiceCommand,
        "a service `command`",
        [
            Unsupported(
                "service containers run their image's own command; choose an image that starts as needed",
            ),
            Supported,
            Supported,
        ],
    ),
    (
        Construct::GlobCondition,
        "a `matches` pattern with wildcards",
        [
            Unsupported(
                "its expressions have no pattern matching; use `starts_with`, `ends_with`, `==` or a pattern ending in `**`",
            ),
            Supported,
            Supported,
        ],
    ),
    (
        Construct::JobRetry,
        "`retry`",
        [
            Emulated("each script of the job runs up to `retry + 1` times"),
            Supported,
            Supported,
        ],
    ),
    (
        Construct::StepTimeout,
        "a step `timeout`",
        [
            Supported,
            Emulated("the step's script runs under `timeout`"),
            Emulated("the step's script runs under `timeout`"),
        ],
    ),
    (
        Construct::StepContinueOnError,
        "a step `continue_on_error`",
        [
            Supported,
            Emulated("a failure of the step's script is reported and ignored"),
            Emulated("a failure of the step's script is reported and ignored"),
        ],
    ),
    (
        Construct::StepCondition,
        "a step `if`",
        [
            Supported,
            Emulated("the step's script runs inside a shell `if` on the same values"),
            Emulated("the step's script runs inside a shell `if` on the same values"),
        ],
    ),
    (
        Construct::StepStatusCondition,
        "a status predicate other than `success()` in a step `if`",
        [
            Supported,
            Unsupported(
                "a GitLab job stops at its first failing command, so only `success()` holds where a step runs; put the step in a job of its own with `if = failure()`",
            ),
            Unsupported(
                "an Argo step stops at its first failing command, so only `success()` holds where a step runs; put the step in a job of its own with `if = failure()`",
            ),
        ],
    ),
    (
        Construct::CacheKeyManyFiles,
        "a cache key over more than two file patterns",
        [
            Supported,
            Unsupported("a cache is keyed on at most two files; list at most two patterns"),
            Supported,
        ],
    ),
    (
        Construct::Approval,
        "an environment `approval`",
        [
            Emulated(
                "GitHub keeps reviewers in the repository settings: pipec prints what to configure",
            ),
            Emulated(
                "the job runs `when: manual` on a protected environment; pipec prints what to configure",
            ),
            Emulated(
                "a `suspend` step before the job: whoever may resume the workflow approves; Argo does not count reviewers",
            ),
        ],
    ),
    (
        Construct::Permissions,
        "`permissions`",
        [
            Supported,
            Emulated("ignored: GitLab's job token is scoped in the project settings"),
            Emulated("ignored: pods use their service account's permissions"),
        ],
    ),
    (
        Construct::Runner,
        "`runner`",
        [
            Supported,
            Emulated("the runner becomes the job's runner `tags`"),
            Emulated("the runner becomes the pod's node selector `pipec.dev/runner`"),
        ],
    ),
    (
        Construct::Concurrency,
        "`concurrency`",
        [
            Supported,
            Emulated("the group becomes a `resource_group`; runs queue instead of cancelling"),
            Emulated("the group becomes a workflow mutex; runs queue instead of cancelling"),
        ],
    ),
    (
        Construct::RepositoryEvents,
        "`on push` and `on pull_request`",
        [
            Supported,
            Supported,
            Emulated(
                "the workflow runs when submitted with the git parameters; connect repository events with Argo Events",
            ),
        ],
    ),
    (
        Construct::Cache,
        "`cache`",
        [
            Supported,
            Supported,
            Emulated("a volume claim per cache, mounted at its paths"),
        ],
    ),
    (
        Construct::SarifReport,
        "a SARIF artifact `report`",
        [
            Emulated("uploaded as an artifact; GitHub shows no report"),
            Emulated("kept as an artifact; GitLab reads no SARIF reports"),
            Emulated("stored as an output artifact; Argo shows no report"),
        ],
    ),
    (
        Construct::ArtifactReport,
        "an artifact `report`",
        [
            Emulated("uploaded as an artifact; GitHub shows no report"),
            Supported,
            Emulated("stored as an output artifact; Argo shows no report"),
        ],
    ),
    (
        Construct::MatrixIncludeExclude,
        "matrix `include` and `exclude`",
        [
            Supported,
            Emulated("the combinations are listed one by one"),
            Emulated("the combinations are listed one by one"),
        ],
    ),
    (
        Construct::EventDetails,
        "pull request and commit details",
        [
            Supported,
            Supported,
            Emulated("passed as workflow parameters by whoever submits the workflow"),
        ],
    ),
    (
        Construct::WorkingDirectory,
        "a step `working_directory`",
        [
            Supported,
            Emulated("the script starts with `cd`"),
            Emulated("the script starts with `cd`"),
        ],
    ),
    (
        Construct::Shell,
        "a step `shell`",
        [
            Supported,
            Unsupported("scripts run in the image's shell; write the script for `sh`/`bash`"),
            Emulated("the script is run by that shell"),
        ],
    ),
    (
        Construct::PrivilegedService,
        "a privileged service",
        [
            Supported,
            Emulated(
                "GitLab sets privileges in the runner's configuration: the job needs a runner with `privileged = true`, such as GitLab's hosted runners",
            ),
            Supported,
        ],
    ),
    (
        Construct::Interruptible,
        "`interruptible`",
        [
            Emulated("ignored: GitHub cancels runs only through `concurrency`"),
            Supported,
            Emulated("ignored: a workflow is stopped as a whole"),
        ],
    ),
    (
        Construct::Stage,
        "`stage`",
        [
            Emulated("ignored: jobs are ordered by `needs`"),
            Supported,
            Emulated("ignored: tasks are ordered by `needs`"),
        ],
    ),
    (
        Construct::PathsIgnore,
        "`paths_ignore`",
        [
            Supported,
            Unsupported(
                "`changes:` runs a pipeline when any listed path changed and cannot ignore paths; list the paths that matter in `paths`",
            ),
            Supported,
        ],
    ),
    (
        Construct::PullRequestTypes,
        "pull request activity `types`",
        [
            Supported,
            Unsupported(
                "merge request pipelines run when a merge request is opened and on each push to it, with no activity types; remove `types` or keep only `opened`, `synchronize` and `reopened`",
            ),
            Supported,
        ],
    ),
    (
        Construct::Schedule,
        "`on schedule`",
        [
            Supported,
            Emulated(
                "schedules live in the project settings (Build > Pipeline schedules): pipec prints the cron to enter",
            ),
            Supported,
        ],
    ),
    (
        Construct::ManualInput,
        "a manual input",
        [
            Supported,
            Emulated(
                "a variable of the Run pipeline form with its default and options; GitLab does not check its type",
            ),
            Supported,
        ],
    ),
    (
        Construct::MatrixInJobCondition,
        "a matrix value in a job `if`",
        [
            Unsupported(
                "GitHub decides a job's `if` before it expands the matrix; put the condition in a step's `if`",
            ),
            Supported,
            Unsupported(
                "a job's condition becomes one `when` for the task of every combination; put the condition in a step's `if`",
            ),
        ],
    ),
    (
        Construct::VarsOutsidePods,
        "`vars` in a job's `if`, `image`, `runner` or concurrency group",
        [
            Supported,
            Supported,
            Unsupported(
                "`vars` reach a pod through its environment from the pipeline's ConfigMap, which Argo does not read for conditions and pod settings; use `vars` in `env` and scripts",
            ),
        ],
    ),
    (
        Construct::CancelledStatus,
        "`cancelled()`",
        [
            Supported,
            Unsupported(
                "a cancelled GitLab pipeline starts no more jobs; use `always()` or `failure()`",
            ),
            Unsupported(
                "a stopped Argo workflow runs only its exit handler, which sees the run as failed; use `failure()`",
            ),
        ],
    ),
    (
        Construct::ComputedCondition,
        "a condition on computed text or a runtime pattern",
        [
            Supported,
            Unsupported(
                "`rules: if:` compares variables with literals and other variables only; compare each part on its own, or test the value in a step",
            ),
            Supported,
        ],
    ),
    (
        Construct::OutputInJobCondition,
        "a job output in a job `if`",
        [
            Supported,
            Unsupported(
                "GitLab decides which jobs run when the pipeline is created, before any job has an output; test the output in the job's script",
            ),
            Supported,
        ],
    ),
    (
        Construct::StageOrder,
        "`stage`s that contradict `needs`",
        [
            Supported,
            Unsupported(
                "a job cannot need a job of a later stage; change the `stage` of one of the jobs, or leave `stage` out to derive it from `needs`",
            ),
            Supported,
        ],
    ),
    (
        Construct::ReservedJobName,
        "a job named like a GitLab keyword",
        [
            Supported,
            Unsupported(
                "GitLab reads `image`, `services`, `stages`, `types`, `before_script`, `after_script`, `variables`, `cache`, `include`, `default`, `workflow`, `spec` and `pages` at the top level as keywords; rename it",
            ),
            Supported,
        ],
    ),
    (
        Construct::ServiceHealth,
        "a service `health` command",
        [
            Supported,
            Emulated(
                "the runner waits until the service's ports accept connections; the command is not run",
            ),
            Supported,
        ],
    ),
    (
        Construct::CachePathOutsideWorkspace,
        "a cache path outside the working directory",
        [
            Supported,
            Emulated(
                "cached under `.pipe-cache/` in the project directory and linked into place before the script",
            ),
            Supported,
        ],
    ),
    (
        Construct::ManyCaches,
        "more than four caches in a job",
        [
            Supported,
            Unsupported("a job has at most four caches; merge some of them"),
            Supported,
        ],
    ),
    (
        Construct::ArtifactOutsideWorkspace,
        "an artifact path outside the working directory",
        [
            Supported,
            Unsupported("artifacts are paths inside the project directory; write the files there"),
            Supported,
        ],
    ),
    (
        Construct::MatrixFailFast,
        "matrix `fail_fast = true`",
        [
            Supported,
            Emulated("ignored: every combination of a GitLab matrix runs to its end"),
            Supported,
        ],
    ),
    (
        Construct::MatrixMaxParallel,
        "matrix `max_parallel`",
        [
            Supported,
            Emulated("ignored: GitLab starts as many combinations as runners allow"),
            Supported,
        ],
    ),
    (
        Construct::CheckoutOptions,
        "a checkout of another repository, ref or path",
        [
            Supported,
            Unsupported(
                "GitLab clones the pipeline's own commit into the project directory (only the depth, submodules, LFS and cleaning can be set); clone anything else in a `run` step",
            ),
            Supported,
        ],
    ),
    (
        Construct::ApprovalWait,
        "an approval `wait`",
        [
            Supported,
            Emulated("the job sleeps for `wait` once it is approved and started"),
            Supported,
        ],
    ),
    (
        Construct::StepEscape,
        "a step's `k8s` block",
        [
            Supported,
            Supported,
            Unsupported(
                "a job's steps run as one script in one container; put the keys in the job's `k8s` block",
            ),
        ],
    ),
    (
        Construct::ArtifactWildcard,
        "an artifact path with wildcards",
        [
            Supported,
            Supported,
            Unsupported(
                "an Argo artifact is one file or directory; name the directory that holds the files",
            ),
        ],
    ),
    (
        Construct::MatrixArtifacts,
        "`artifacts_from` a job with a matrix",
        [
            Supported,
            Supported,
            Unsupported(
                "each combination keeps its own artifacts and no Argo task can take them all; collect them in a job without a matrix",
            ),
        ],
    ),
    (
        Construct::WorkspaceCache,
        "a cache path inside the workspace",
        [
            Supported,
            Supported,
            Emulated(
                "mounted from the cache's claim under `/pipe-cache/` and linked into the workspace after the checkout",
            ),
        ],
    ),
    (
        Construct::MatrixOutputs,
        "an output of a job with a matrix",
        [
            Supported,
            Supported,
            Unsupported(
                "each combination has outputs of its own, which Argo gathers into a list; read outputs of a job without a matrix",
            ),
        ],
    ),
    (
        Construct::ArtifactExpire,
        "an artifact `expire`",
        [
            Supported,
            Supported,
            Emulated(
                "kept as long as the cluster's artifact repository keeps them: give the repository a lifecycle rule",
            ),
        ],
    ),
];

/// How `target` handles `construct`.
pub fn support(construct: Construct, target: Target) -> Support {
    let column = match target {
        Target::Github => 0,
        Target::Gitlab => 1,
        Target::K8s => 2,
    };
    TABLE
        .iter()
        .find(|(row, _, _)| *row == construct)
        .map_or(Supported, |(_, _, supports)| supports[column])
}

/// The name of `construct` in messages.
pub fn name(construct: Construct) -> &'static str {
    TABLE
        .iter()
        .find(|(row, _, _)| *row == construct)
        .map_or("this construct", |(_, name, _)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_construct_has_exactly_one_row() {
        let mut constructs: Vec<Construct> =
            TABLE.iter().map(|(construct, _, _)| *construct).collect();
        let count = constructs.len();
        constructs.sort();
        constructs.dedup();
        assert_eq!(constructs.len(), count, "a construct has two rows");
    }
}
