//! The registry of diagnostic codes and their explanation pages.
//!
//! Codes are grouped by phase: E01xx syntax, E02xx names, E03xx types and
//! checks, E04xx target support, Wxxxx warnings. Each code has a page in
//! `docs/errors.md`, embedded here and printed by `pipec explain`; a test keeps
//! the registry and the pages one to one.

use std::fmt;

use serde::{Serialize, Serializer};

use super::Severity;

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $severity:ident, $summary:literal; )*) => {
        /// A diagnostic code; its string form (`E0101`) is stable across releases.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// Every registered code, in numeric order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// A one-line description, the title of the code's page.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary,)* }
            }
        }
    };
}

codes! {
    /// A token that cannot continue the construct being parsed.
    UnexpectedToken = "E0101", Error, "unexpected token";
    /// An opening `{`, `(`, `[` or `${` without its closing partner.
    UnclosedDelimiter = "E0102", Error, "unclosed delimiter";
    /// A string literal that reaches the end of its line or of the file.
    UnterminatedString = "E0103", Error, "unterminated string";
    /// A number, duration or percent literal that is malformed or out of range.
    InvalidNumber = "E0104", Error, "invalid number, duration or percent literal";
    /// A character that starts no token of the language.
    InvalidCharacter = "E0105", Error, "invalid character";
    /// Brackets nested deeper than the parser accepts.
    NestingTooDeep = "E0106", Error, "nesting too deep";
    /// A backslash escape that the language does not define.
    InvalidEscape = "E0107", Error, "invalid escape sequence";
    /// A `${` interpolation without its closing `}`.
    UnterminatedInterpolation = "E0108", Error, "unterminated interpolation";
    /// A closing `}`, `)` or `]` with nothing open to close.
    UnmatchedClosingDelimiter = "E0109", Error, "unexpected closing delimiter";
    /// A block keyword that the language does not have.
    UnknownBlock = "E0201", Error, "unknown block";
    /// An attribute name that the enclosing block does not accept.
    UnknownAttribute = "E0202", Error, "unknown attribute";
    /// Two jobs, steps, secrets, attributes … of the same name in one body.
    DuplicateDefinition = "E0203", Error, "duplicate definition";
    /// A name in `needs` that is not a job of the pipeline.
    UnknownJob = "E0204", Error, "unknown job";
    /// `secrets.NAME` without a `secret NAME` declaration.
    UndeclaredSecret = "E0205", Error, "undeclared secret";
    /// A block, `use`, `input`, `import` or `template` in a place where it has no meaning.
    MisplacedItem = "E0206", Error, "misplaced item";
    /// A block without the name it needs, with a name it does not take, or with a value.
    MalformedBlock = "E0207", Error, "malformed block";
    /// `import "std/x"` of a module the standard library does not have, or a path that is neither `std/…` nor relative.
    UnknownModule = "E0208", Error, "unknown module";
    /// A relative import whose file cannot be read.
    MissingModule = "E0209", Error, "missing module";
    /// Modules that import each other in a cycle.
    ImportCycle = "E0210", Error, "import cycle";
    /// `use`, `job x = …` or `step s = …` naming a template or action that does not exist.
    UnknownTemplate = "E0211", Error, "unknown template or action";
    /// A job template where a steps template is expected, or the reverse.
    TemplateKindMismatch = "E0212", Error, "wrong kind of template";
    /// `inputs.NAME` without an `input NAME` in `on manual`.
    UnknownInput = "E0213", Error, "unknown input";
    /// `matrix.KEY` naming no key of the job's matrix.
    UnknownMatrixKey = "E0214", Error, "unknown matrix key";
    /// `jobs.X.outputs.Y` naming no `output Y` of job X.
    UnknownOutput = "E0215", Error, "unknown job output";
    /// A name in an expression that is no template parameter and no part of the runtime context.
    UnknownName = "E0216", Error, "unknown name";
    /// An argument that names no parameter of the template, or no input of the action.
    UnknownArgument = "E0217", Error, "unknown argument";
    /// A template instance without a value for a parameter that has no default.
    MissingArgument = "E0218", Error, "missing argument";
    /// A template that instantiates itself, directly or through others.
    RecursiveTemplate = "E0219", Error, "recursive template";
    /// A call of a function or method the language does not have.
    UnknownFunction = "E0220", Error, "unknown function";
    /// A parameter or input type that is not a type of the language.
    UnknownType = "E0221", Error, "unknown type";
    /// `steps.S.outputs.O` naming no earlier step `S`, or no output `O` of it.
    UnknownStepOutput = "E0222", Error, "unknown step output";
    /// `env.NAME` naming no variable of an enclosing `env` block.
    UnknownEnvVariable = "E0225", Error, "unknown environment variable";
    /// `on success { pipeline = … }` naming no pipeline of the project, or
    /// one left out of the build.
    UnknownPipeline = "E0226", Error, "unknown pipeline";
    /// Pipelines that start each other by `on success`.
    PipelineTriggerCycle = "E0227", Error, "pipelines start each other";
    /// Jobs whose `needs` form a cycle.
    NeedsCycle = "E0301", Error, "cycle in needs";
    /// A job that lists itself in `needs`.
    JobNeedsItself = "E0302", Error, "job needs itself";
    /// A cron schedule that is not five valid fields.
    InvalidCron = "E0303", Error, "invalid cron schedule";
    /// A percent below 0% or above 100%.
    PercentOutOfRange = "E0304", Error, "percent out of range";
    /// Canary steps that do not increase strictly or do not end at 100%.
    CanaryStepsNotIncreasing = "E0305", Error, "canary steps must increase to 100%";
    /// A secret or an untrusted value interpolated into a `run` script.
    ValueSplicedIntoScript = "E0306", Error, "value spliced into a script";
    /// `jobs.X.outputs.Y` read by a job that does not need X.
    OutputOfNonDependency = "E0307", Error, "output of a job that is not a dependency";
    /// `success()`, `failure()` or `always()` outside a condition.
    StatusPredicateOutsideCondition = "E0308", Error, "status predicate outside a condition";
    /// A literal attribute value of the wrong type.
    AttributeTypeMismatch = "E0309", Error, "attribute value of the wrong type";
    /// An operator applied to values of types it does not take.
    OperandTypeMismatch = "E0310", Error, "operand of the wrong type";
    /// A runtime value where the value must be known when pipec runs.
    NotConstant = "E0311", Error, "value not known at compile time";
    /// A template or action argument of the wrong type.
    ArgumentTypeMismatch = "E0312", Error, "argument of the wrong type";
    /// A comparison with a value the other side can never have.
    ComparisonNeverTrue = "E0313", Error, "comparison can never be true";
    /// A `choose` that has no strategy for some value of its input.
    ChoiceNotExhaustive = "E0314", Error, "strategy choice does not cover every value";
    /// A `choose` on a value that is not an `enum` manual input.
    ChoiceNotByInput = "E0315", Error, "strategy chosen by a value that is not an enum input";
    /// A manual input that `on success` passes on, of a type the
    /// follower's input of that name does not take.
    PassedInputMismatch = "E0316", Error, "input passed on of the wrong type";
    /// A trigger filter pattern that is malformed or can match nothing.
    InvalidGlob = "E0330", Error, "invalid glob";
    /// An `image` that is not a valid image reference.
    InvalidImageReference = "E0331", Error, "invalid image reference";
    /// An environment name that is not valid on every target.
    InvalidEnvironmentName = "E0332", Error, "invalid environment name";
    /// A URL attribute that is not an `http://` or `https://` address with a host.
    InvalidUrl = "E0333", Error, "invalid url";
    /// A literal number or duration outside what the targets accept.
    ValueOutOfRange = "E0334", Error, "value out of range";
    /// A construct that a requested target cannot express.
    UnsupportedOnTarget = "E0401", Error, "construct not supported by a target";
    /// A deploy whose probe, Services or analysis have no port to use.
    DeployPortMissing = "E0405", Error, "deploy ports do not agree";
    /// A name derived for Kubernetes or Argo that they would reject.
    InvalidKubernetesName = "E0406", Error, "invalid Kubernetes name";
    /// Two things of a pipeline that would get the same Kubernetes name or file.
    KubernetesNameCollision = "E0407", Error, "Kubernetes name collision";
    /// A key of a `k8s { … }` block that the object it merges into does not have.
    UnknownEscapeKey = "E0408", Error, "unknown key in a `k8s` block";
    /// A rollout strategy Kubernetes or Argo Rollouts cannot carry out.
    InvalidRolloutStrategy = "E0409", Error, "rollout strategy cannot progress";
    /// A deploy job whose `timeout` ends before its rollout can finish.
    TimeoutShorterThanRollout = "E0410", Error, "job timeout shorter than its rollout";
    /// A declared secret that nothing uses.
    UnusedSecret = "W0101", Warning, "unused secret";
    /// An import that nothing in the file uses.
    UnusedImport = "W0102", Warning, "unused import";
    /// A schedule more frequent than GitHub's 5-minute minimum.
    ScheduleTooFrequent = "W0103", Warning, "schedule too frequent";
    /// `uses = "owner/repo@ref"` with a tag or branch instead of a full commit SHA.
    UnpinnedAction = "W0104", Warning, "action not pinned to a commit";
    /// A job whose condition is false for every event the pipeline runs for.
    JobNeverRuns = "W0105", Warning, "job never runs";
    /// A job that needs a job that never runs.
    JobUnreachable = "W0106", Warning, "job unreachable";
    /// A job that may run for an event for which a job it needs does not.
    NeedsNotInPipeline = "W0107", Warning, "needed job skipped for some event";
    /// A pull request trigger marked `required` with a path filter.
    RequiredCheckWithPathFilter = "W0108", Warning, "required pull request check with a path filter";
    /// An `on success` whose upstream never has a run that could start it.
    FollowsNoRun = "W0109", Warning, "no run of the pipeline followed can start this one";
    /// A deploy image tagged `latest` or not tagged at all.
    UnpinnedDeployImage = "W0120", Warning, "unpinned deploy image";
    /// A production environment whose url is `http://`.
    InsecureEnvironmentUrl = "W0121", Warning, "insecure environment url";
    /// A job timeout longer than GitHub-hosted runners allow.
    TimeoutAboveHostedRunnerLimit = "W0122", Warning, "timeout above the hosted-runner limit";
    /// A manual input that nothing reads.
    UnusedInput = "W0123", Warning, "unused input";
    /// A template that nothing in its file uses, in a file with a pipeline.
    UnusedTemplate = "W0124", Warning, "unused template";
    /// A canary with rollback conditions that never pauses to measure them.
    CanaryWithoutPause = "W0133", Warning, "canary never pauses for its rollback conditions";
    /// A deploy in a job without an environment, bound for the `default` namespace.
    DeployWithoutEnvironment = "W0134", Warning, "deploy without an environment";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl std::str::FromStr for Code {
    type Err = ();

    /// Parses `E0101`, case-insensitively.
    fn from_str(text: &str) -> Result<Code, ()> {
        Code::ALL
            .iter()
            .copied()
            .find(|code| code.as_str().eq_ignore_ascii_case(text.trim()))
            .ok_or(())
    }
}

/// The pages of `docs/errors.md`, compiled into the binary.
const ERROR_PAGES: &str = include_str!("../../../docs/errors.md");

/// One code's page from `docs/errors.md`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExplainPage {
    /// The code as written in the page heading, e.g. `E0101`.
    pub code: &'static str,
    /// The heading text after the code.
    pub title: &'static str,
    /// The page's markdown, without its heading.
    pub body: &'static str,
}

impl ExplainPage {
    /// Every page in `docs/errors.md`, in document order. A page starts at a
    /// level-two heading of the form `## E0101: title`.
    pub fn all() -> Vec<ExplainPage> {
        let mut pages = Vec::new();
        let mut rest = ERROR_PAGES;
        while let Some(start) = find_page_heading(rest) {
            let after_heading = &rest[start + 3..];
            let heading_end = after_heading.find('\n').unwrap_or(after_heading.len());
            let heading = &after_heading[..heading_end];
            let body_and_rest = &after_heading[heading_end..];
            let body_end = find_page_heading(body_and_rest).unwrap_or(body_and_rest.len());
            let (code, title) = heading.split_once(':').unwrap_or((heading, ""));
            pages.push(ExplainPage {
                code: code.trim(),
                title: title.trim(),
                body: body_and_rest[..body_end].trim(),
            });
            rest = &body_and_rest[body_end..];
        }
        pages
    }

    pub fn of(code: Code) -> Option<ExplainPage> {
        ExplainPage::all()
            .into_iter()
            .find(|page| page.code == code.as_str())
    }
}

/// The offset of the next `## ` heading at the start of a line that names a code.
fn find_page_heading(text: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("## ")
            && rest.starts_with(['E', 'W'])
        {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}
