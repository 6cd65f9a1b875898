//! Phase 3, the IR: a checked pipeline, target-neutral and typed.
//!
//! The lowering (`crate::lower`) builds it from the syntax tree once every
//! import is loaded, every template instantiated and every name resolved;
//! the backends read nothing else (ARCHITECTURE.md, invariant 7). Every node
//! keeps the [`Origin`] of the `.pipe` text it came from, so that a backend
//! limit is reported at the line that caused it.
//!
//! What the IR holds is what the pipeline *means*, not how one CI service
//! spells it: triggers with their filters, jobs with typed conditions, and
//! deploys as strategies. `pipec debug ir FILE` prints it as JSON.

mod deploy;
mod display;
pub mod expr;
pub mod matrix;
mod strategy_choice;
mod triggers;

use serde::Serialize;

pub use deploy::{
    Amount, Autoscale, Deploy, Health, Metric, Resources, RollbackCondition, SmokeTest, Strategy,
    Threshold,
};
pub use expr::{CompareOp, Context, Expr, ExprKind, Status, StringTest, TextPart};
pub use matrix::{Matrix, MatrixAxis, MatrixCombination};
pub use strategy_choice::{DeployStrategy, DeployVariant, StrategyAlternative, StrategyChoice};
pub use triggers::{
    Filters, Input, InputType, Literal, ManualTrigger, PullRequestTrigger, PushTrigger, Schedule,
    SuccessTrigger, Triggers, passed_inputs,
};

use crate::span::{SourceId, Span};

/// Where a node came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Origin {
    pub source: SourceId,
    pub span: Span,
}

/// Written as `source:start..end`, which keeps IR dumps readable.
impl Serialize for Origin {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&format_args!(
            "{}:{}..{}",
            self.source.0, self.span.start, self.span.end
        ))
    }
}

impl Origin {
    pub fn new(source: SourceId, span: Span) -> Origin {
        Origin { source, span }
    }
}

/// Every pipeline of the files given to the compiler, in source order.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Project {
    pub pipelines: Vec<Pipeline>,
}

impl Project {
    /// The pipelines each pipeline's successful runs start (those whose
    /// `on success` names it), in source order. Names are unique in a
    /// build, which is all the backends see.
    pub fn followers(&self) -> Followers<'_> {
        let mut by_name: foldhash::HashMap<&str, Vec<&Pipeline>> = foldhash::HashMap::default();
        for pipeline in &self.pipelines {
            if let Some(success) = &pipeline.triggers.success {
                by_name
                    .entry(success.pipeline.as_str())
                    .or_default()
                    .push(pipeline);
            }
        }
        Followers { by_name }
    }

    /// Whether any pipeline has an `on success`.
    pub fn has_followers(&self) -> bool {
        self.pipelines
            .iter()
            .any(|pipeline| pipeline.triggers.success.is_some())
    }

    pub fn pipeline(&self, name: &str) -> Option<&Pipeline> {
        self.pipelines.iter().find(|pipeline| pipeline.name == name)
    }
}

/// See [`Project::followers`].
#[derive(Debug)]
pub struct Followers<'p> {
    by_name: foldhash::HashMap<&'p str, Vec<&'p Pipeline>>,
}

impl<'p> Followers<'p> {
    /// The pipelines that follow the pipeline named `upstream`.
    pub fn of(&self, upstream: &str) -> &[&'p Pipeline] {
        self.by_name.get(upstream).map_or(&[], Vec::as_slice)
    }
}

/// A map from job names to positions, built on first use. It checks what
/// it finds, so that it can never be wrong: a pipeline whose jobs changed
/// after it was built (only the lowering and tests build pipelines) still
/// finds its jobs, by a scan.
#[derive(Clone, Default)]
pub struct JobIndex(std::sync::OnceLock<foldhash::HashMap<String, usize>>);

impl JobIndex {
    fn find(&self, jobs: &[Job], name: &str) -> Option<usize> {
        let positions = self.0.get_or_init(|| {
            jobs.iter()
                .enumerate()
                .map(|(position, job)| (job.name.clone(), position))
                .collect()
        });
        match positions.get(name) {
            Some(&position) if jobs.get(position).is_some_and(|job| job.name == name) => {
                Some(position)
            }
            _ => jobs.iter().position(|job| job.name == name),
        }
    }
}

/// A cache: pipelines equal in their jobs are equal whatever it holds.
impl PartialEq for JobIndex {
    fn eq(&self, _: &JobIndex) -> bool {
        true
    }
}

impl std::fmt::Debug for JobIndex {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("JobIndex")
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pipeline {
    /// The label: `pipeline ci` is `ci`; names the output files.
    pub name: String,
    /// The `name` attribute, shown by the CI service.
    pub title: Option<String>,
    /// The root file as the user named it, for the generated header.
    pub source_file: String,
    pub origin: Origin,
    pub triggers: Triggers,
    pub env: Vec<EnvVar>,
    pub secrets: Vec<SecretDecl>,
    /// Permissions asked for explicitly; backends add what jobs use.
    pub permissions: Vec<Permission>,
    pub concurrency: Option<Concurrency>,
    pub jobs: Vec<Job>,
    pub notifications: Vec<Notification>,
    pub escapes: Escapes,
    /// Where each job is in `jobs`, for [`Pipeline::job`].
    #[serde(skip)]
    pub job_index: JobIndex,
}

impl Pipeline {
    /// The job named `name`. Backends and checks look jobs up by name for
    /// every `needs` entry, so the lookup is by hash, not a scan of `jobs`.
    pub fn job(&self, name: &str) -> Option<&Job> {
        self.job_position(name).map(|position| &self.jobs[position])
    }

    /// Where the job named `name` is in `jobs`.
    pub fn job_position(&self, name: &str) -> Option<usize> {
        self.job_index.find(&self.jobs, name)
    }

    /// The name the CI service shows: the `name` attribute, or the label.
    pub fn display_name(&self) -> &str {
        self.title.as_deref().unwrap_or(&self.name)
    }

    /// The manual inputs (none without `on manual`).
    pub fn inputs(&self) -> &[Input] {
        self.triggers
            .manual
            .as_ref()
            .map_or(&[], |manual| &manual.inputs)
    }

    /// The secret declared under `name`.
    pub fn secret(&self, name: &str) -> Option<&SecretDecl> {
        self.secrets.iter().find(|secret| secret.name == name)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EnvVar {
    pub name: String,
    /// A string (possibly with runtime parts) or a secret.
    pub value: Expr,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SecretDecl {
    pub name: String,
    pub description: Option<String>,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Permission {
    /// `contents`, `packages`, `id-token`, …
    pub scope: String,
    /// `read`, `write` or `none`.
    pub access: String,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Concurrency {
    /// A string, possibly with runtime parts.
    pub group: Expr,
    pub cancel_in_progress: bool,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Job {
    pub name: String,
    pub origin: Origin,
    /// `job x = T(…)`: the template and the call site.
    pub instance_of: Option<Box<TemplateInstance>>,
    pub needs: Vec<Need>,
    /// When the job runs; `None` is "when everything it needs succeeded".
    pub condition: Option<Expr>,
    pub matrix: Option<Matrix>,
    /// The container the steps run in.
    /// Boxed, as most jobs leave both to the target's defaults.
    pub image: Option<Box<Expr>>,
    /// The machine label; `None` is each target's default Linux runner.
    pub runner: Option<Box<Expr>>,
    pub env: Vec<EnvVar>,
    pub services: Vec<Service>,
    pub caches: Vec<Cache>,
    pub artifacts: Vec<Artifact>,
    /// Jobs whose artifacts this job downloads before its steps.
    pub artifacts_from: Vec<Need>,
    /// Whether the job checks out the repository first (the lowering
    /// adds the checkout step when the job has none of its own).
    pub checkout: bool,
    pub steps: Vec<Step>,
    pub outputs: Vec<JobOutput>,
    pub environment: Option<Box<Environment>>,
    /// Milliseconds.
    pub timeout: Option<u64>,
    /// Where the `timeout` value was written, for diagnostics and fixes.
    pub timeout_origin: Option<Origin>,
    pub retry: Option<u32>,
    pub allow_failure: bool,
    pub interruptible: Option<bool>,
    /// A GitLab stage asked for explicitly.
    pub stage: Option<String>,
    pub concurrency: Option<Box<Concurrency>>,
    pub permissions: Vec<Permission>,
    pub deploys: Vec<Deploy>,
    pub resources: Option<Box<Resources>>,
    pub escapes: Escapes,
}

impl Job {
    /// A job with nothing in it yet, as the lowering starts one.
    pub fn empty(name: String, origin: Origin) -> Job {
        Job {
            name,
            origin,
            instance_of: None,
            needs: Vec::new(),
            condition: None,
            matrix: None,
            image: None,
            runner: None,
            env: Vec::new(),
            services: Vec::new(),
            caches: Vec::new(),
            artifacts: Vec::new(),
            artifacts_from: Vec::new(),
            checkout: true,
            steps: Vec::new(),
            outputs: Vec::new(),
            environment: None,
            timeout: None,
            timeout_origin: None,
            retry: None,
            allow_failure: false,
            interruptible: None,
            stage: None,
            concurrency: None,
            permissions: Vec::new(),
            deploys: Vec::new(),
            resources: None,
            escapes: Escapes::default(),
        }
    }

    /// Drops the spare capacity of the job's lists. The IR outlives the
    /// tree through every backend, and a list grown by pushing holds room
    /// for four (one cache took the room of four, a fifth of a large
    /// build's IR).
    pub fn shrink_to_fit(&mut self) {
        self.needs.shrink_to_fit();
        self.env.shrink_to_fit();
        self.services.shrink_to_fit();
        self.caches.shrink_to_fit();
        self.artifacts.shrink_to_fit();
        self.artifacts_from.shrink_to_fit();
        self.steps.shrink_to_fit();
        self.outputs.shrink_to_fit();
        self.permissions.shrink_to_fit();
        self.deploys.shrink_to_fit();
        if let Some(matrix) = &mut self.matrix {
            matrix.shrink_to_fit();
        }
    }

    pub fn output(&self, name: &str) -> Option<&JobOutput> {
        self.outputs.iter().find(|output| output.name == name)
    }

    /// The jobs whose outputs this job reads (`jobs.X.outputs.Y`), in the
    /// order first read; each is a dependency, possibly not a direct one.
    pub fn output_producers(&self) -> Vec<String> {
        let mut producers: Vec<String> = Vec::new();
        for expr in self.expressions() {
            for context in expr.contexts() {
                if let Context::JobOutput { job, .. } = context
                    && !producers.contains(job)
                {
                    producers.push(job.clone());
                }
            }
        }
        producers
    }

    /// The steps' expressions, conditions and the job's own, for analyses
    /// that need every runtime value a job reads.
    pub fn expressions(&self) -> Vec<&Expr> {
        // Sized for the usual job (a script or action inputs per step, and
        // its env), not grown by doubling for each of thousands of jobs.
        let mut found: Vec<&Expr> = Vec::with_capacity(4 + self.env.len() + 2 * self.steps.len());
        found.extend(&self.condition);
        found.extend(self.image.as_deref());
        found.extend(self.runner.as_deref());
        found.extend(self.env.iter().map(|var| &var.value));
        for service in &self.services {
            found.push(&service.image);
            found.extend(service.env.iter().map(|var| &var.value));
        }
        found.extend(self.caches.iter().map(|cache| &cache.key));
        for step in &self.steps {
            found.extend(step.condition.as_deref());
            found.extend(step.env.iter().map(|var| &var.value));
            match &step.action {
                StepAction::Run { script, .. } => found.push(script),
                StepAction::Checkout { with } | StepAction::Action { with, .. } => {
                    found.extend(with.iter().map(|input| &input.value));
                }
            }
        }
        found.extend(self.outputs.iter().map(|output| &output.value));
        if let Some(environment) = &self.environment {
            found.extend(&environment.url);
        }
        for deploy in &self.deploys {
            found.push(&deploy.image);
            found.extend(deploy.env.iter().map(|var| &var.value));
        }
        found.extend(
            self.concurrency
                .iter()
                .map(|concurrency| &concurrency.group),
        );
        found
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TemplateInstance {
    /// As written at the call site: `security.bandit`.
    pub template: String,
    pub call: Origin,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Need {
    pub job: String,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Service {
    /// Also the host name the job reaches it by.
    pub name: String,
    pub image: Expr,
    pub ports: Vec<u16>,
    pub env: Vec<EnvVar>,
    pub command: Vec<String>,
    /// A command that exits 0 once the service is ready.
    pub health: Option<String>,
    /// Runs with all privileges (Docker-in-Docker needs them).
    pub privileged: bool,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cache {
    pub name: String,
    pub paths: Vec<String>,
    /// A string whose runtime parts may include `hash_files(…)`.
    pub key: Expr,
    pub restore_keys: Vec<String>,
    pub policy: CachePolicy,
    pub origin: Origin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CachePolicy {
    PullPush,
    Pull,
    Push,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Artifact {
    pub name: String,
    pub paths: Vec<String>,
    /// Milliseconds; `None` is the CI service's default.
    pub expire: Option<u64>,
    pub when: ArtifactWhen,
    pub report: Option<ReportKind>,
    pub origin: Origin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArtifactWhen {
    Success,
    Failure,
    Always,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    Junit,
    Coverage,
    Sarif,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Step {
    /// Unique within the job; the id others read outputs through.
    pub name: String,
    pub origin: Origin,
    pub condition: Option<Box<Expr>>,
    pub env: Vec<EnvVar>,
    pub action: StepAction,
    /// Milliseconds.
    pub timeout: Option<u64>,
    pub continue_on_error: bool,
    /// Names the step writes to `$PIPE_OUTPUT` (or the action's outputs read).
    pub outputs: Vec<String>,
    pub working_directory: Option<String>,
    pub escapes: Escapes,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepAction {
    /// A shell script; `script` is a string, possibly with runtime parts.
    Run { script: Expr, shell: Option<String> },
    /// Fetch the repository. Every target has its own way (GitHub's
    /// checkout action, GitLab's clone before the script, a git clone in
    /// Argo).
    Checkout { with: Vec<ActionInput> },
    /// A GitHub action, by full reference.
    Action {
        /// `owner/repo@sha`, or `owner/repo/path@sha`.
        uses: String,
        /// The release the SHA belongs to, from the binding's comment.
        version: Option<String>,
        with: Vec<ActionInput>,
        /// A setup action (`setup-python`): on other targets the job's
        /// image provides the tool and the step is left out.
        setup: bool,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ActionInput {
    pub name: String,
    pub value: Expr,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct JobOutput {
    pub name: String,
    /// A string, usually `steps.S.outputs.O`.
    pub value: Expr,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Environment {
    pub name: String,
    pub url: Option<Expr>,
    pub tier: Option<String>,
    pub approval: Option<Approval>,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Approval {
    pub reviewers: u32,
    /// Milliseconds to wait before the job may start.
    pub wait: Option<u64>,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Notification {
    /// `slack`.
    pub channel: NotifyChannel,
    /// The secret that holds the webhook URL.
    pub webhook_secret: String,
    pub when: Vec<Status>,
    pub room: Option<String>,
    pub message: Option<Expr>,
    pub origin: Origin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotifyChannel {
    Slack,
}

/// The contents of `github { … }`, `gitlab { … }` and `k8s { … }` blocks:
/// keys merged into that target's output only.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Escapes {
    pub github: Vec<(String, RawValue)>,
    pub gitlab: Vec<(String, RawValue)>,
    pub k8s: Vec<(String, RawValue)>,
}

impl Escapes {
    pub fn is_empty(&self) -> bool {
        self.github.is_empty() && self.gitlab.is_empty() && self.k8s.is_empty()
    }
}

/// A literal value in an escape block, written to the output as it is.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RawValue {
    String(String),
    Int(i64),
    Bool(bool),
    List(Vec<RawValue>),
    Map(Vec<(String, RawValue)>),
}
