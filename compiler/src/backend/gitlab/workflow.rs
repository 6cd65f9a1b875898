//! Triggers → `workflow: rules:`, and manual inputs → the variables of the
//! Run pipeline form.
//!
//! Each trigger becomes one rule on `$CI_PIPELINE_SOURCE` (`push`,
//! `merge_request_event`, `schedule`, `web`) with its branch and tag
//! filters as comparisons or regular expressions and its path filters as
//! `changes:`. The filters keep GitHub's meaning, which is the language's:
//! a push trigger with only branch filters does not run for tags and one
//! with only tag filters not for branches. When the pipeline reads the
//! event or `git.ref` as text, each rule also sets [`EVENT_VARIABLE`] and
//! [`REF_VARIABLE`], which GitLab does not predefine.

use crate::backend::gitlab::condition::{self, Cond, Side, all, any};
use crate::backend::gitlab::values::{EVENT_VARIABLE, REF_VARIABLE};
use crate::backend::yaml::{Text, Yaml};
use crate::glob;
use crate::ir::{Context, Expr, Filters, Input, InputType, Literal, Pipeline, Triggers};

/// One way a pipeline starts.
#[derive(Clone, Debug, PartialEq)]
pub struct EventRule {
    pub condition: Cond,
    /// `changes:` paths, already in GitLab's glob spelling.
    pub changes: Vec<String>,
    /// The event as `.pipe` names it.
    pub event: &'static str,
    /// What `git.ref` is for pipelines this rule starts.
    pub reference: &'static str,
}

/// What a pipeline reads that only the rules can set.
#[derive(Clone, Copy, Debug, Default)]
pub struct RuleVariables {
    pub event: bool,
    pub reference: bool,
}

impl RuleVariables {
    /// What `pipeline` reads: the event as text (or as a child pipeline,
    /// whose conditions on the event need it too), and `git.ref`.
    pub fn of(pipeline: &Pipeline, child: bool) -> RuleVariables {
        let mut found = RuleVariables {
            event: child,
            reference: false,
        };
        let mut visit = |context: &Context| match context {
            Context::Event => found.event = true,
            Context::Ref => found.reference = true,
            _ => {}
        };
        for job in &pipeline.jobs {
            // Conditions compare `$CI_PIPELINE_SOURCE` itself; only text needs the variable.
            let conditions: Vec<&Expr> = job
                .condition
                .iter()
                .chain(
                    job.steps
                        .iter()
                        .filter_map(|step| step.condition.as_deref()),
                )
                .collect();
            for expr in job.expressions() {
                let in_condition = conditions
                    .iter()
                    .any(|condition| std::ptr::eq(*condition, expr));
                for context in expr.contexts() {
                    match context {
                        Context::Event if in_condition => {}
                        other => visit(other),
                    }
                }
            }
        }
        for var in &pipeline.env {
            var.value.contexts().into_iter().for_each(&mut visit);
        }
        if let Some(concurrency) = &pipeline.concurrency {
            concurrency
                .group
                .contexts()
                .into_iter()
                .for_each(&mut visit);
        }
        found
    }
}

const BRANCH_REF: &str = "refs/heads/$CI_COMMIT_BRANCH";
const TAG_REF: &str = "refs/tags/$CI_COMMIT_TAG";
const MERGE_REQUEST_REF: &str = "$CI_MERGE_REQUEST_REF_PATH";

/// The rules that start `triggers`, in the order of the `on` blocks'
/// kinds: push, pull request, schedule, manual.
pub fn event_rules(triggers: &Triggers, split_refs: bool) -> Vec<EventRule> {
    let mut rules = Vec::new();
    let source = |value: &str| Cond::Equals {
        name: "CI_PIPELINE_SOURCE".to_owned(),
        value: Side::Literal(value.to_owned()),
        equal: true,
    };
    let tag_present = || Cond::Present {
        name: "CI_COMMIT_TAG".to_owned(),
        present: true,
    };
    if let Some(push) = &triggers.push {
        let filters = &push.filters;
        let branch_filtered = !filters.branches.is_empty() || !filters.branches_ignore.is_empty();
        let changes = changes(filters);
        let rule = |condition, reference| EventRule {
            condition,
            changes: changes.clone(),
            event: "push",
            reference,
        };
        if !branch_filtered && push.tags.is_empty() && !split_refs {
            rules.push(rule(source("push"), BRANCH_REF));
        } else {
            if branch_filtered || push.tags.is_empty() {
                rules.push(rule(
                    all(vec![
                        source("push"),
                        branch_filter("CI_COMMIT_BRANCH", filters),
                    ]),
                    BRANCH_REF,
                ));
            }
            if !push.tags.is_empty() || !branch_filtered {
                let tags = any(push
                    .tags
                    .iter()
                    .map(|tag| pattern("CI_COMMIT_TAG", tag, true))
                    .collect());
                let tags = if push.tags.is_empty() {
                    tag_present()
                } else {
                    tags
                };
                rules.push(rule(all(vec![source("push"), tags]), TAG_REF));
            }
        }
    }
    if let Some(pull_request) = &triggers.pull_request {
        rules.push(EventRule {
            condition: all(vec![
                source("merge_request_event"),
                target_filter(&pull_request.filters),
            ]),
            changes: changes(&pull_request.filters),
            event: "pull_request",
            reference: MERGE_REQUEST_REF,
        });
    }
    let mut by_hand = |value: &str, event: &'static str| {
        if split_refs {
            rules.push(EventRule {
                condition: all(vec![source(value), tag_present()]),
                changes: Vec::new(),
                event,
                reference: TAG_REF,
            });
        }
        rules.push(EventRule {
            condition: source(value),
            changes: Vec::new(),
            event,
            reference: BRANCH_REF,
        });
    };
    if !triggers.schedules.is_empty() {
        by_hand("schedule", "schedule");
    }
    if triggers.manual.is_some() {
        by_hand("web", "manual");
    }
    rules
}

/// `branches` / `branches_ignore` on the pushed branch; with neither, any
/// branch (the variable is set).
fn branch_filter(variable: &str, filters: &Filters) -> Cond {
    let included = if filters.branches.is_empty() {
        Cond::Present {
            name: variable.to_owned(),
            present: true,
        }
    } else {
        any(filters
            .branches
            .iter()
            .map(|branch| pattern(variable, branch, true))
            .collect())
    };
    let mut parts = vec![included];
    parts.extend(
        filters
            .branches_ignore
            .iter()
            .map(|branch| pattern(variable, branch, false)),
    );
    all(parts)
}

/// The target branch filters of a merge request.
fn target_filter(filters: &Filters) -> Cond {
    if filters.branches.is_empty() && filters.branches_ignore.is_empty() {
        return Cond::True;
    }
    branch_filter("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", filters)
}

/// `$VAR == "main"` for a literal pattern, `$VAR =~ /^feature\/[^\/]*$/`
/// for a glob (or the negations).
pub fn pattern(variable: &str, glob_text: &str, positive: bool) -> Cond {
    if glob::is_literal(glob_text) {
        Cond::Equals {
            name: variable.to_owned(),
            value: Side::Literal(glob_text.to_owned()),
            equal: positive,
        }
    } else {
        Cond::Matches {
            name: variable.to_owned(),
            regex: condition::slashes_escaped(&glob::to_regex(glob_text)),
            matches: positive,
        }
    }
}

/// Path filters as `changes:` globs. GitLab matches them with `fnmatch`
/// and `FNM_PATHNAME`, where `**` spans directories only as `**/`: a
/// trailing `/**` is written `/**/*`.
fn changes(filters: &Filters) -> Vec<String> {
    filters
        .paths
        .iter()
        .map(|path| {
            if path == "**" {
                "**/*".to_owned()
            } else if let Some(directory) = path.strip_suffix("/**") {
                format!("{directory}/**/*")
            } else {
                path.clone()
            }
        })
        .collect()
}

/// `rules:` entries for `rules`, with the variables the pipeline reads.
pub fn rules_yaml(rules: &[EventRule], variables: RuleVariables) -> Yaml {
    Yaml::Seq(
        rules
            .iter()
            .map(|rule| {
                let mut entry = Yaml::map();
                entry.insert("if", Yaml::str(condition::gitlab(&rule.condition)));
                if !rule.changes.is_empty() {
                    let mut changes = Yaml::map();
                    changes.insert(
                        "paths",
                        Yaml::Seq(
                            rule.changes
                                .iter()
                                .map(|path| Yaml::str(path.clone()))
                                .collect(),
                        ),
                    );
                    entry.insert("changes", changes);
                }
                let mut set = Yaml::map();
                if variables.event {
                    set.insert(EVENT_VARIABLE, Yaml::str(rule.event));
                }
                if variables.reference {
                    set.insert(REF_VARIABLE, Yaml::str(rule.reference));
                }
                if !set.is_empty_collection() {
                    entry.insert("variables", set);
                }
                entry
            })
            .collect(),
    )
}

/// The manual inputs as variables of the Run pipeline form: a default
/// (the value on every other event too), a description, and the options
/// of an enum or a `bool`.
pub fn input_variables(inputs: &[&Input], prefix: &str) -> Vec<(Text, Yaml)> {
    inputs
        .iter()
        .map(|input| {
            let mut entry = Yaml::map();
            let (value, options): (String, Vec<String>) = match &input.ty {
                InputType::Enum(variants) => (
                    input
                        .default
                        .as_ref()
                        .map(Literal::to_text)
                        .or_else(|| variants.first().cloned())
                        .unwrap_or_default(),
                    variants.clone(),
                ),
                InputType::Bool => (
                    input
                        .default
                        .as_ref()
                        .map_or_else(|| "false".to_owned(), Literal::to_text),
                    vec!["true".to_owned(), "false".to_owned()],
                ),
                InputType::String | InputType::Int => (
                    input
                        .default
                        .as_ref()
                        .map(Literal::to_text)
                        .unwrap_or_default(),
                    Vec::new(),
                ),
            };
            entry.insert("value", Yaml::str(value.replace('$', "$$")));
            if !options.is_empty() {
                entry.insert(
                    "options",
                    Yaml::Seq(options.into_iter().map(Yaml::str).collect()),
                );
            }
            let kind = match &input.ty {
                InputType::String => "a string",
                InputType::Bool => "`true` or `false`",
                InputType::Int => "a whole number",
                InputType::Enum(_) => "one of the options",
            };
            let description = input
                .description
                .clone()
                .unwrap_or_else(|| input.name.clone());
            entry.insert(
                "description",
                Yaml::str(format!("{description} ({kind}; input `{}`)", input.name)),
            );
            (
                format!(
                    "{prefix}{}",
                    crate::backend::names::env_name(&Context::Input(input.name.clone()))
                )
                .into(),
                entry,
            )
        })
        .collect()
}
