//! Triggers → the workflow's `on:`.

use crate::backend::yaml::Yaml;
use crate::ir::{Filters, Followers, Input, InputType, Literal, Pipeline, SecretDecl, Triggers};

pub fn on(triggers: &Triggers) -> Yaml {
    let mut on = Yaml::map();
    if let Some(push) = &triggers.push {
        let mut event = Yaml::map();
        // A push with only tag filters must not run for branches, and one
        // with only branch filters not for tags: GitHub does exactly that
        // when just one of the two is given.
        filters(&mut event, &push.filters, "branches");
        if !push.tags.is_empty() {
            event.insert("tags", strings(&push.tags));
        }
        paths(&mut event, &push.filters);
        on.insert("push", event);
    }
    if let Some(pull_request) = &triggers.pull_request {
        let mut event = Yaml::map();
        filters(&mut event, &pull_request.filters, "branches");
        paths(&mut event, &pull_request.filters);
        if !pull_request.types.is_empty() {
            event.insert("types", strings(&pull_request.types));
        }
        on.insert("pull_request", event);
    }
    if !triggers.schedules.is_empty() {
        on.insert(
            "schedule",
            Yaml::Seq(
                triggers
                    .schedules
                    .iter()
                    .map(|schedule| {
                        let mut entry = Yaml::map();
                        entry.insert("cron", Yaml::str(schedule.cron.clone()));
                        entry
                    })
                    .collect(),
            ),
        );
    }
    if let Some(manual) = &triggers.manual {
        let mut event = Yaml::map();
        if !manual.inputs.is_empty() {
            let mut inputs = Yaml::map();
            for input in &manual.inputs {
                let mut entry = Yaml::map();
                entry.insert("description", Yaml::str(description(input)));
                entry.insert("required", Yaml::Bool(input.default.is_none()));
                match &input.ty {
                    InputType::String => entry.insert("type", Yaml::str("string")),
                    InputType::Bool => entry.insert("type", Yaml::str("boolean")),
                    InputType::Int => entry.insert("type", Yaml::str("number")),
                    InputType::Enum(variants) => {
                        entry.insert("type", Yaml::str("choice"));
                        entry.insert("options", strings(variants));
                    }
                }
                if let Some(default) = &input.default {
                    entry.insert("default", literal(default));
                }
                inputs.insert(input.name.clone(), entry);
            }
            event.insert("inputs", inputs);
        }
        on.insert("workflow_dispatch", event);
    }
    on
}

/// `on: workflow_call` of a pipeline with `on success`: the upstream's
/// workflow calls it from a last job (`super::starts`). The manual inputs
/// are inputs of the call too, left to their defaults (a call cannot offer
/// choices, so an enum is a string); the declared secrets are passed one by
/// one, never inherited wholesale.
pub fn workflow_call(pipeline: &Pipeline, followers: &Followers<'_>) -> Yaml {
    let mut event = Yaml::map();
    let inputs = pipeline.inputs();
    if !inputs.is_empty() {
        let mut entries = Yaml::map();
        for input in inputs {
            let mut entry = Yaml::map();
            entry.insert("description", Yaml::str(description(input)));
            entry.insert("required", Yaml::Bool(false));
            entry.insert(
                "type",
                Yaml::str(match input.ty {
                    InputType::Bool => "boolean",
                    InputType::Int => "number",
                    InputType::String | InputType::Enum(_) => "string",
                }),
            );
            if let Some(default) = &input.default {
                entry.insert("default", literal(default));
            }
            entries.insert(input.name.clone(), entry);
        }
        event.insert("inputs", entries);
    }
    let called = called_secrets(pipeline, followers);
    if !called.is_empty() {
        let mut secrets = Yaml::map();
        for secret in called {
            let mut entry = Yaml::map();
            if let Some(description) = &secret.description {
                entry.insert("description", Yaml::str(description.clone()));
            }
            entry.insert("required", Yaml::Bool(true));
            secrets.insert(secret.name.clone(), entry);
        }
        event.insert("secrets", secrets);
    }
    event
}

/// The secrets a call of `pipeline` must be given: its own, and those of
/// the pipelines it calls in turn, whose calls read them from its
/// `secrets` context. Each once, in the order first met.
pub fn called_secrets<'p>(
    pipeline: &'p Pipeline,
    followers: &Followers<'p>,
) -> Vec<&'p SecretDecl> {
    let mut found: Vec<&SecretDecl> = Vec::new();
    let mut pending: Vec<&Pipeline> = vec![pipeline];
    let mut visited: Vec<&str> = Vec::new();
    while let Some(next) = pending.pop() {
        // The checker rejects cycles; `visited` keeps an unchecked project
        // from looping.
        if visited.contains(&next.name.as_str()) {
            continue;
        }
        visited.push(&next.name);
        for secret in &next.secrets {
            if !found.iter().any(|known| known.name == secret.name) {
                found.push(secret);
            }
        }
        pending.extend(followers.of(&next.name).iter().rev());
    }
    found
}

fn description(input: &Input) -> String {
    input
        .description
        .clone()
        .unwrap_or_else(|| input.name.clone())
}

fn literal(default: &Literal) -> Yaml {
    match default {
        Literal::String(text) => Yaml::str(text.clone()),
        Literal::Int(number) => Yaml::Int(*number),
        Literal::Bool(flag) => Yaml::Bool(*flag),
    }
}

/// `branches` and `branches-ignore` may not both be given for one event:
/// then the ignored patterns become `!` entries of `branches`.
fn filters(event: &mut Yaml, filters: &Filters, key: &'static str) {
    both(event, &filters.branches, &filters.branches_ignore, key);
}

fn paths(event: &mut Yaml, filters: &Filters) {
    both(event, &filters.paths, &filters.paths_ignore, "paths");
}

fn both(event: &mut Yaml, included: &[String], ignored: &[String], key: &'static str) {
    match (included.is_empty(), ignored.is_empty()) {
        (true, true) => {}
        (false, true) => event.insert(key, strings(included)),
        (true, false) => event.insert(format!("{key}-ignore"), strings(ignored)),
        (false, false) => {
            let mut patterns: Vec<String> = included.to_vec();
            patterns.extend(ignored.iter().map(|pattern| format!("!{pattern}")));
            event.insert(key, strings(&patterns));
        }
    }
}

pub fn strings(values: &[String]) -> Yaml {
    Yaml::Seq(
        values
            .iter()
            .map(|value| Yaml::str(value.clone()))
            .collect(),
    )
}
