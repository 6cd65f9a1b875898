//! Block schemas: which blocks may appear where, whether they take a label,
//! and which attributes they accept. The one table that the checker, the
//! language server's completion and hover, and the docs read.

use crate::types::Type;

/// Whether a block takes a label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelRule {
    Required,
    Forbidden,
}

/// The attributes a block accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attributes {
    /// Exactly these names.
    Known(&'static [Attribute]),
    /// Any name: `env`, `matrix` and `permissions` are maps.
    AnyName,
}

/// One attribute: its name, the type it expects (as shown in messages) and
/// what it does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attribute {
    pub name: &'static str,
    pub ty: &'static str,
    pub doc: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockSchema {
    pub keyword: &'static str,
    pub label: LabelRule,
    /// Whether `keyword label = value` is accepted.
    pub takes_value: bool,
    /// The blocks whose bodies may hold this one; `file` is the top level.
    pub parents: &'static [&'static str],
    pub attributes: Attributes,
    pub doc: &'static str,
}

const fn attribute(name: &'static str, ty: &'static str, doc: &'static str) -> Attribute {
    Attribute { name, ty, doc }
}

const JOB_ATTRIBUTES: &[Attribute] = &[
    attribute(
        "needs",
        "list<job>",
        "jobs that must finish before this one starts",
    ),
    attribute(
        "if",
        "bool",
        "a condition on the runtime context; the job is skipped when false",
    ),
    attribute("image", "string", "the container image the steps run in"),
    attribute(
        "runner",
        "string",
        "the machine to run on, such as `ubuntu-24.04`",
    ),
    attribute(
        "timeout",
        "duration",
        "the time after which the job is cancelled",
    ),
    attribute("retry", "int", "how many times a failed job is retried"),
    attribute(
        "allow_failure",
        "bool",
        "whether the pipeline passes when this job fails",
    ),
    attribute(
        "interruptible",
        "bool",
        "whether a newer pipeline may cancel this job",
    ),
    attribute(
        "stage",
        "string",
        "the GitLab stage; derived from `needs` when absent",
    ),
    attribute(
        "checkout",
        "bool",
        "whether the job checks out the repository first (default `true`)",
    ),
    attribute(
        "artifacts_from",
        "list<job>",
        "jobs whose artifacts are downloaded before the steps run; each must be in `needs`",
    ),
];

const STEP_ATTRIBUTES: &[Attribute] = &[
    attribute("run", "string", "the shell script of the step"),
    attribute("uses", "string", "an action reference `owner/repo@sha`"),
    attribute("with", "record", "the inputs of the action named by `uses`"),
    attribute("if", "bool", "a condition; the step is skipped when false"),
    attribute("shell", "string", "the shell that runs `run`"),
    attribute(
        "working_directory",
        "string",
        "the directory `run` starts in",
    ),
    attribute(
        "timeout",
        "duration",
        "the time after which the step is cancelled",
    ),
    attribute(
        "continue_on_error",
        "bool",
        "whether the job goes on when this step fails",
    ),
    attribute(
        "outputs",
        "list<string>",
        "names the step writes to `$PIPE_OUTPUT`",
    ),
];

const ESCAPE_PARENTS: &[&str] = &["pipeline", "job", "step", "service", "deploy"];

/// Every block of the language.
pub const BLOCKS: &[BlockSchema] = &[
    BlockSchema {
        keyword: "pipeline",
        label: LabelRule::Required,
        takes_value: false,
        parents: &["file"],
        attributes: Attributes::Known(&[attribute(
            "name",
            "string",
            "the name shown by the CI service",
        )]),
        doc: "a pipeline: its triggers, environment, secrets, jobs and notifications",
    },
    BlockSchema {
        keyword: "on",
        label: LabelRule::Required,
        takes_value: false,
        parents: &["pipeline"],
        attributes: Attributes::Known(&[
            attribute(
                "branches",
                "list<glob>",
                "branches that trigger the pipeline",
            ),
            attribute(
                "branches_ignore",
                "list<glob>",
                "branches that do not trigger it",
            ),
            attribute(
                "tags",
                "list<glob>",
                "tags whose push triggers the pipeline",
            ),
            attribute(
                "paths",
                "list<glob>",
                "the pipeline runs only when these paths change",
            ),
            attribute(
                "paths_ignore",
                "list<glob>",
                "changes only to these paths do not trigger it",
            ),
            attribute("cron", "cron", "the schedule, five cron fields in UTC"),
            attribute("types", "list<string>", "the pull request activity types"),
            attribute(
                "required",
                "bool",
                "the pull request's checks are required for merging, so it must report on every pull request",
            ),
            attribute(
                "pipeline",
                "string",
                "the pipeline of the same directory whose successful runs start this one",
            ),
        ]),
        doc: "a trigger: `push`, `pull_request`, `schedule`, `manual` or `success` of another pipeline",
    },
    BlockSchema {
        keyword: "env",
        label: LabelRule::Forbidden,
        takes_value: false,
        parents: &["pipeline", "job", "step", "service", "deploy", "steps"],
        attributes: Attributes::AnyName,
        doc: "environment variables",
    },
    BlockSchema {
        keyword: "secret",
        label: LabelRule::Required,
        takes_value: false,
        parents: &["pipeline"],
        attributes: Attributes::Known(&[attribute(
            "description",
            "string",
            "what the secret is for",
        )]),
        doc: "declares a secret the CI service provides, used as `secrets.NAME`",
    },
    BlockSchema {
        keyword: "job",
        label: LabelRule::Required,
        takes_value: true,
        parents: &["pipeline"],
        attributes: Attributes::Known(JOB_ATTRIBUTES),
        doc: "a job: steps that run together on one machine or container",
    },
    BlockSchema {
        keyword: "step",
        label: LabelRule::Required,
        takes_value: true,
        parents: &["job", "steps"],
        attributes: Attributes::Known(STEP_ATTRIBUTES),
        doc: "a step of a job: a script (`run`) or an action",
    },
    BlockSchema {
        keyword: "service",
        label: LabelRule::Required,
        takes_value: false,
        parents: &["job"],
        attributes: Attributes::Known(&[
            attribute("image", "string", "the service's container image"),
            attribute("ports", "list<int>", "ports the service listens on"),
            attribute("command", "list<string>", "the command the service runs"),
            attribute(
                "health",
                "string",
                "a command that exits 0 when the service is ready",
            ),
            attribute(
                "privileged",
                "bool",
                "run the service with all privileges, as Docker-in-Docker needs",
            ),
        ]),
        doc: "a container running beside the job, reachable by its label as host name",
    },
    BlockSchema {
        keyword: "cache",
        label: LabelRule::Required,
        takes_value: false,
        parents: &["job"],
        attributes: Attributes::Known(&[
            attribute("path", "string | list<string>", "what to cache"),
            attribute("key", "string", "the cache key, often `hash_files(…)`"),
            attribute("restore_keys", "list<string>", "fallback key prefixes"),
            attribute(
                "policy",
                "enum(\"pull_push\", \"pull\", \"push\")",
                "whether the job reads, writes or both",
            ),
        ]),
        doc: "a directory kept between runs",
    },
    BlockSchema {
        keyword: "artifact",
        label: LabelRule::Required,
        takes_value: false,
        parents: &["job"],
        attributes: Attributes::Known(&[
            attribute("path", "string | list<string>", "the files to keep"),
            attribute("expire", "duration", "how long the files are kept"),
            attribute(
                "when",
                "enum(\"success\", \"failure\", \"always\")",
                "when the files are uploaded",
            ),
            attribute(
                "report",
                "enum(\"junit\", \"coverage\", \"sarif\")",
                "the report kind the CI service shows",
            ),
        ]),
        doc: "files a job keeps for later jobs and for people",
    },
    BlockSchema {
        keyword: "matrix",
        label: LabelRule::Forbidden,
        takes_value: false,
        parents: &["job"],
        attributes: Attributes::AnyName,
        doc: "runs the job once per combination of values; `include`/`exclude` adjust the set",
    },
    BlockSchema {
        keyword: "environment",
        label: LabelRule::Required,
        takes_value: false,
        parents: &["job"],
        attributes: Attributes::Known(&[
            attribute(
                "url",
                "string",
                "where the deployed environment is reachable",
            ),
            attribute(
                "tier",
                "enum(\"production\", \"staging\", \"testing\", \"development\", \"other\")",
                "the kind of environment",
            ),
        ]),
        doc: "the environment a job deploys to",
    },
    BlockSchema {
        keyword: "approval",
        label: LabelRule::Forbidden,
        takes_value: false,
        parents: &["environment"],
        attributes: Attributes::Known(&[
            attribute("reviewers", "int", "how many people must approve"),
            attribute("wait", "duration", "a delay before the job may start"),
        ]),
        doc: "a manual approval before a job deploys to the environment",
    },
    BlockSchema {
        keyword: "deploy",
        label: LabelRule::Required,
        takes_value: false,
        parents: &["job"],
        attributes: Attributes::Known(&[
            attribute("image", "string", "the image to deploy"),
            attribute("port", "int", "the port the service listens on"),
            attribute("replicas", "int", "how many pods run"),
            attribute("health", "health", "the probe, such as `http(\"/health\")`"),
            attribute(
                "strategy",
                "strategy",
                "`rolling`, `blue_green { … }` or `canary { … }`",
            ),
            attribute("namespace", "string", "the Kubernetes namespace"),
            attribute("command", "list<string>", "the container's command"),
            attribute(
                "kubeconfig",
                "secret",
                "the kubeconfig the CI job deploys with (default: the runner's own access)",
            ),
        ]),
        doc: "a service deployed to Kubernetes by this job",
    },
    BlockSchema {
        keyword: "autoscale",
        label: LabelRule::Forbidden,
        takes_value: false,
        parents: &["deploy"],
        attributes: Attributes::Known(&[
            attribute("min", "int", "the fewest replicas"),
            attribute("max", "int", "the most replicas"),
            attribute("cpu", "percent", "the target CPU utilisation"),
            attribute("memory", "percent", "the target memory utilisation"),
        ]),
        doc: "a horizontal pod autoscaler for the deployment",
    },
    BlockSchema {
        keyword: "resources",
        label: LabelRule::Forbidden,
        takes_value: false,
        parents: &["deploy", "job"],
        attributes: Attributes::Known(&[
            attribute("cpu", "string", "the CPU request, such as `\"500m\"`"),
            attribute(
                "memory",
                "string",
                "the memory request, such as `\"512Mi\"`",
            ),
            attribute("cpu_limit", "string", "the CPU limit"),
            attribute("memory_limit", "string", "the memory limit"),
        ]),
        doc: "compute resources requested per pod",
    },
    BlockSchema {
        keyword: "notify",
        label: LabelRule::Required,
        takes_value: false,
        parents: &["pipeline"],
        attributes: Attributes::Known(&[
            attribute("webhook", "secret", "the webhook URL, a secret"),
            attribute("when", "list<status>", "`success`, `failure`, `always`"),
            attribute("channel", "string", "the channel to post to"),
            attribute("message", "string", "the message text"),
        ]),
        doc: "a notification when the pipeline ends",
    },
    BlockSchema {
        keyword: "concurrency",
        label: LabelRule::Forbidden,
        takes_value: false,
        parents: &["pipeline", "job"],
        attributes: Attributes::Known(&[
            attribute("group", "string", "runs in the same group do not overlap"),
            attribute(
                "cancel_in_progress",
                "bool",
                "whether a new run cancels the running one",
            ),
        ]),
        doc: "limits concurrent runs",
    },
    BlockSchema {
        keyword: "permissions",
        label: LabelRule::Forbidden,
        takes_value: false,
        parents: &["pipeline", "job"],
        attributes: Attributes::AnyName,
        doc: "token permissions beyond those derived from what the job uses",
    },
    BlockSchema {
        keyword: "output",
        label: LabelRule::Required,
        takes_value: true,
        parents: &["job", "action"],
        attributes: Attributes::Known(&[attribute(
            "description",
            "string",
            "what the output holds",
        )]),
        doc: "a job output, `output NAME = steps.S.outputs.O`",
    },
    BlockSchema {
        keyword: "action",
        label: LabelRule::Required,
        takes_value: false,
        parents: &["file"],
        attributes: Attributes::Known(&[
            attribute("uses", "string", "the action, pinned to a commit SHA"),
            attribute(
                "on_other_targets",
                "enum(\"skip\", \"unsupported\")",
                "`skip`: a setup action whose tool the job's image provides on GitLab and Kubernetes, where the step is left out",
            ),
        ]),
        doc: "a typed binding of a GitHub action (standard library)",
    },
    BlockSchema {
        keyword: "github",
        label: LabelRule::Forbidden,
        takes_value: false,
        parents: ESCAPE_PARENTS,
        attributes: Attributes::AnyName,
        doc: "keys merged into the GitHub Actions output only",
    },
    BlockSchema {
        keyword: "gitlab",
        label: LabelRule::Forbidden,
        takes_value: false,
        parents: ESCAPE_PARENTS,
        attributes: Attributes::AnyName,
        doc: "keys merged into the GitLab CI output only",
    },
    BlockSchema {
        keyword: "k8s",
        label: LabelRule::Forbidden,
        takes_value: false,
        parents: ESCAPE_PARENTS,
        attributes: Attributes::AnyName,
        doc: "keys merged into the Kubernetes output only",
    },
];

/// The schema of `keyword`.
pub fn block(keyword: &str) -> Option<&'static BlockSchema> {
    BLOCKS.iter().find(|schema| schema.keyword == keyword)
}

/// The type of attribute `name` of block `keyword`, when the schema gives
/// it: parsed once for the whole process, since the lowering asks for the
/// type of every attribute of every job.
pub fn attribute_type(keyword: &str, name: &str) -> Option<&'static Type> {
    type ByAttribute = foldhash::HashMap<&'static str, Type>;
    static TYPES: std::sync::LazyLock<foldhash::HashMap<&'static str, ByAttribute>> =
        std::sync::LazyLock::new(|| {
            BLOCKS
                .iter()
                .map(|block| {
                    let types = match block.attributes {
                        Attributes::Known(attributes) => attributes
                            .iter()
                            .map(|attribute| (attribute.name, Type::from_schema(attribute.ty)))
                            .collect(),
                        Attributes::AnyName => ByAttribute::default(),
                    };
                    (block.keyword, types)
                })
                .collect()
        });
    TYPES.get(keyword)?.get(name)
}

/// The keywords of the blocks allowed directly in `parent`.
pub fn children_of(parent: &str) -> impl Iterator<Item = &'static str> {
    BLOCKS
        .iter()
        .filter(move |schema| schema.parents.contains(&parent))
        .map(|schema| schema.keyword)
}

/// Whether escape-block contents are free-form (never schema-checked).
pub fn is_escape(keyword: &str) -> bool {
    matches!(keyword, "github" | "gitlab" | "k8s")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_of_every_attribute_is_the_one_its_schema_text_names() {
        let mut attributes_seen = 0;
        for block in BLOCKS {
            if let Attributes::Known(attributes) = block.attributes {
                for attribute in attributes {
                    assert_eq!(
                        attribute_type(block.keyword, attribute.name),
                        Some(&Type::from_schema(attribute.ty)),
                        "`{}` of `{}`",
                        attribute.name,
                        block.keyword
                    );
                    attributes_seen += 1;
                }
            }
        }
        assert!(attributes_seen > 50, "only {attributes_seen} attributes");
        assert_eq!(attribute_type("job", "no_such_attribute"), None);
        assert_eq!(attribute_type("no_such_block", "run"), None);
    }
}
