//! Lowering `on` blocks: the events a pipeline runs for, their filters,
//! schedules and typed manual inputs.

use crate::check::suggest;
use crate::diagnostic::{Code, Diagnostic, Label};
use crate::ir::{
    self, ExprKind, Filters, Input, InputType, Literal, ManualTrigger, Origin, PullRequestTrigger,
    PushTrigger, Schedule, SuccessTrigger,
};
use crate::lower::Lowerer;
use crate::lower::context::TRIGGERS;
use crate::lower::expr::Destination;
use crate::lower::scope::Scope;
use crate::span::Span;
use crate::syntax::ast::{Block, Item};
use crate::types::Type;

impl Lowerer<'_> {
    pub(super) fn lower_trigger(
        &mut self,
        triggers: &mut ir::Triggers,
        block: &Block,
        scope: &Scope,
    ) {
        let Some(event) = &block.label else { return };
        let origin = Origin::new(scope.source, block.span);
        let items: &[Item] = block.body.as_ref().map_or(&[], |body| &body.items);
        let mut filters = Filters::default();
        let mut tags = Vec::new();
        let mut types = Vec::new();
        let mut crons = Vec::new();
        let mut inputs = Vec::new();
        let mut required: Option<Span> = None;
        let mut path_filter: Option<Span> = None;
        let mut upstream: Option<(String, Origin)> = None;
        for item in items {
            match item {
                Item::Attribute(attribute) => {
                    let value = self.attribute_value(attribute, "on", scope);
                    let name = attribute.key.name.as_str();
                    let allowed = match event.name.as_str() {
                        "push" => matches!(
                            name,
                            "branches" | "branches_ignore" | "tags" | "paths" | "paths_ignore"
                        ),
                        "pull_request" => {
                            matches!(
                                name,
                                "branches"
                                    | "branches_ignore"
                                    | "paths"
                                    | "paths_ignore"
                                    | "types"
                                    | "required"
                            )
                        }
                        "schedule" => name == "cron",
                        "success" => matches!(name, "pipeline" | "branches"),
                        _ => false,
                    };
                    if !allowed {
                        if TRIGGERS.contains(&event.name.as_str()) {
                            self.report(
                                Diagnostic::new(
                                    Code::UnknownAttribute,
                                    format!("`on {}` does not take `{name}`", event.name),
                                    Label::new(
                                        scope.source,
                                        attribute.key.span,
                                        "not a filter of this event",
                                    ),
                                )
                                .with_help(trigger_help(&event.name)),
                            );
                        }
                        continue;
                    }
                    let what = format!("`{name}`");
                    match name {
                        "branches" => filters.branches = self.constant_strings(&value, &what),
                        "branches_ignore" => {
                            filters.branches_ignore = self.constant_strings(&value, &what)
                        }
                        "paths" => {
                            filters.paths = self.constant_strings(&value, &what);
                            path_filter = Some(attribute.span);
                        }
                        "paths_ignore" => {
                            filters.paths_ignore = self.constant_strings(&value, &what);
                            path_filter = Some(attribute.span);
                        }
                        "required" if self.constant_bool(&value, &what) == Some(true) => {
                            required = Some(attribute.span);
                        }
                        "tags" => tags = self.constant_strings(&value, &what),
                        "types" => types = self.constant_strings(&value, &what),
                        "cron" => crons.extend(self.constant_string(&value, "a schedule")),
                        "pipeline" => {
                            upstream = self
                                .constant_string(&value, "the pipeline `on success` follows")
                                .map(|name| (name, value.origin))
                        }
                        _ => {}
                    }
                }
                Item::Input(input) if event.name == "manual" => {
                    if let Some(lowered) = self.lower_input(input, scope) {
                        inputs.push(lowered);
                    }
                }
                _ => {}
            }
        }
        match event.name.as_str() {
            "push" => {
                triggers.push = Some(PushTrigger {
                    filters,
                    tags,
                    origin,
                })
            }
            "pull_request" => {
                if let (Some(required), Some(path_filter)) = (required, path_filter) {
                    self.report(required_check_with_path_filter(
                        scope.source,
                        required,
                        path_filter,
                    ));
                }
                triggers.pull_request = Some(PullRequestTrigger {
                    filters,
                    types,
                    origin,
                })
            }
            "schedule" => {
                if crons.is_empty() {
                    self.report(
                        Diagnostic::new(
                            Code::MalformedBlock,
                            "`on schedule` needs a `cron`",
                            Label::new(origin.source, origin.span, "when should it run?"),
                        )
                        .with_help("add `cron = \"0 2 * * *\"` (every day at 02:00 UTC)"),
                    );
                }
                triggers
                    .schedules
                    .extend(crons.into_iter().map(|cron| Schedule { cron, origin }));
            }
            "manual" => triggers.manual = Some(ManualTrigger { inputs, origin }),
            "success" => match upstream {
                Some((pipeline, pipeline_origin)) => {
                    triggers.success = Some(SuccessTrigger {
                        pipeline,
                        pipeline_origin,
                        branches: filters.branches,
                        origin,
                    })
                }
                // A value that was not a constant string is reported already.
                None if items.iter().any(|item| {
                    matches!(item, Item::Attribute(attribute) if attribute.key.name == "pipeline")
                }) => {}
                None => self.report(
                    Diagnostic::new(
                        Code::MalformedBlock,
                        "`on success` needs the `pipeline` it follows",
                        Label::new(origin.source, origin.span, "after which pipeline?"),
                    )
                    .with_help(
                        "add `pipeline = \"ci\"`: the label of a pipeline of the same directory",
                    ),
                ),
            },
            other => {
                let mut diagnostic = Diagnostic::new(
                    Code::UnknownBlock,
                    format!("unknown trigger `{other}`"),
                    Label::new(scope.source, event.span, "not an event"),
                );
                if !suggest::offer(&mut diagnostic, other, TRIGGERS, scope.source, event.span) {
                    diagnostic = diagnostic.with_note(
                        "the triggers are `push`, `pull_request`, `schedule`, `manual` and `success`",
                    );
                }
                self.report(diagnostic);
            }
        }
    }

    fn lower_input(&mut self, input: &crate::syntax::ast::Input, scope: &Scope) -> Option<Input> {
        let declared = self.declared_type(&input.ty, scope.source);
        let origin = Origin::new(scope.source, input.span);
        let ty = match &declared {
            Type::String => InputType::String,
            Type::Bool => InputType::Bool,
            Type::Int => InputType::Int,
            Type::Enum(variants) => InputType::Enum(variants.clone()),
            Type::Error => return None,
            other => {
                self.report(
                    Diagnostic::new(
                        Code::AttributeTypeMismatch,
                        format!("a manual input cannot be {}", crate::types::with_article(other)),
                        Label::new(scope.source, input.ty.span, "not an input type"),
                    )
                    .with_help("inputs are `string`, `bool`, `int` or `enum(\"a\", \"b\")`: what a person can type in a form"),
                );
                return None;
            }
        };
        let default = input.default.as_ref().and_then(|default| {
            let value = self.lower_expr(default, scope, Some(&declared));
            if !self.expect_type(&value, &declared, Destination::Attribute(&input.name.name)) {
                return None;
            }
            match value.kind {
                ExprKind::String(text) => Some(Literal::String(text)),
                ExprKind::Int(number) => Some(Literal::Int(number)),
                ExprKind::Bool(flag) => Some(Literal::Bool(flag)),
                _ => {
                    self.report(crate::lower::expr::not_constant(
                        &value,
                        "an input's default",
                    ));
                    None
                }
            }
        });
        let body: &[Item] = input.body.as_ref().map_or(&[], |body| &body.items);
        let description = self.description(body, "input", scope);
        Some(Input {
            name: input.name.name.clone(),
            ty,
            default,
            description,
            origin,
        })
    }
}

fn trigger_help(event: &str) -> &'static str {
    match event {
        "push" => {
            "`on push` takes `branches`, `branches_ignore`, `tags`, `paths` and `paths_ignore`"
        }
        "pull_request" => {
            "`on pull_request` takes `branches`, `branches_ignore`, `paths`, `paths_ignore` and `types`"
        }
        "schedule" => "`on schedule` takes `cron`",
        "success" => "`on success` takes `pipeline` and `branches`",
        _ => "`on manual` takes `input NAME: TYPE = default` lines",
    }
}

/// A required check that does not run stays pending: the merge waits for a
/// report that never comes.
fn required_check_with_path_filter(
    source: crate::span::SourceId,
    required: Span,
    path_filter: Span,
) -> Diagnostic {
    Diagnostic::new(
        Code::RequiredCheckWithPathFilter,
        "a required pull request check with a path filter can stay pending forever",
        Label::new(
            source,
            path_filter,
            "a pull request that changes none of these paths does not start the pipeline",
        ),
    )
    .with_secondary(Label::new(
        source,
        required,
        "its checks are required for merging",
    ))
    .with_note(
        "GitHub waits for a required check that was never started (\"Expected — Waiting for status to be reported\"), and GitLab's \"pipelines must succeed\" blocks a merge request without a pipeline",
    )
    .with_help(
        "remove the path filter so that the pipeline reports on every pull request, and skip the costly work inside its jobs; or drop `required` if no branch protection requires these checks",
    )
}
