//! Lowering a `pipeline` block: its triggers, environment, secrets,
//! permissions, concurrency, jobs and notifications.

use std::rc::Rc;

use crate::diagnostic::{Code, Diagnostic, Label};
use crate::ir::{
    self, Concurrency, Context, ExprKind, Notification, NotifyChannel, Origin, Permission,
    Pipeline, SecretDecl, Status,
};
use crate::lower::Lowerer;
use crate::lower::expr::Destination;
use crate::lower::scope::{PipelineFacts, Scope};
use crate::syntax::ast::{Block, Item};
use crate::types::Type;

/// The access levels a permission takes.
const ACCESS_LEVELS: &[&str] = &["read", "write", "none"];

impl<'p> Lowerer<'p> {
    pub(super) fn lower_pipelines_of(&mut self, module: usize, project: &mut ir::Project) {
        let program = self.program;
        let Some(parsed) = program.modules.get(module).map(|module| &module.parsed) else {
            return;
        };
        for item in &parsed.file.items {
            if let Item::Block(block) = item
                && block.keyword.name == "pipeline"
                && let Some(pipeline) = self.lower_pipeline(module, block)
            {
                project.pipelines.push(pipeline);
            }
        }
    }

    fn lower_pipeline(&mut self, module: usize, block: &'p Block) -> Option<Pipeline> {
        let label = block.label.as_ref()?;
        let body: &'p [Item] = block.body.as_ref().map_or(&[], |body| &body.items);
        let source = self.source_of(module);
        let origin = Origin::new(source, block.span);
        let facts = Rc::new(self.pipeline_facts(body, source));
        let scope = Scope::new(module, source, Some(facts));
        let mut pipeline = Pipeline {
            name: label.name.clone(),
            title: None,
            source_file: self.file_name(source),
            origin,
            triggers: ir::Triggers::default(),
            env: Vec::new(),
            secrets: Vec::new(),
            permissions: Vec::new(),
            concurrency: None,
            // A job is the largest value of the IR, and a pipeline may
            // have thousands: no slack, and no copies, from doubling.
            jobs: Vec::with_capacity(
                body.iter()
                    .filter(
                        |item| matches!(item, Item::Block(block) if block.keyword.name == "job"),
                    )
                    .count(),
            ),
            notifications: Vec::new(),
            escapes: ir::Escapes::default(),
            job_index: ir::JobIndex::default(),
        };
        for item in body {
            match item {
                Item::Attribute(attribute) if attribute.key.name == "name" => {
                    let value = self.attribute_value(attribute, "pipeline", &scope);
                    pipeline.title = self.constant_string(&value, "the pipeline's `name`");
                }
                Item::Block(inner) => {
                    let items: &'p [Item] = inner.body.as_ref().map_or(&[], |body| &body.items);
                    let inner_origin = Origin::new(source, inner.span);
                    match inner.keyword.name.as_str() {
                        "on" => self.lower_trigger(&mut pipeline.triggers, inner, &scope),
                        "env" => self.lower_env(&mut pipeline.env, items, &scope),
                        "secret" => {
                            if let Some(name) = &inner.label {
                                let description = self.description(items, "secret", &scope);
                                pipeline.secrets.push(SecretDecl {
                                    name: name.name.clone(),
                                    description,
                                    origin: inner_origin,
                                });
                            }
                        }
                        "permissions" => {
                            self.lower_permissions(&mut pipeline.permissions, items, &scope)
                        }
                        "concurrency" => {
                            pipeline.concurrency =
                                self.lower_concurrency(items, &scope, inner_origin)
                        }
                        "job" => {
                            if let Some(mut job) = self.lower_job(inner, &scope) {
                                job.shrink_to_fit();
                                pipeline.jobs.push(job);
                            }
                        }
                        "notify" => {
                            if let Some(notification) =
                                self.lower_notify(inner, items, &scope, inner_origin)
                            {
                                pipeline.notifications.push(notification);
                            }
                        }
                        "github" | "gitlab" | "k8s" => {
                            self.lower_escape(&mut pipeline.escapes, inner, &scope)
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        // The IR outlives the tree through every backend: no slack from doubling.
        pipeline.jobs.shrink_to_fit();
        self.check_job_outputs(&pipeline, body);
        // A pipeline without triggers runs when started by hand, which
        // every target can express (and GitHub requires some trigger).
        if pipeline.triggers.is_empty() {
            pipeline.triggers.manual = Some(ir::ManualTrigger {
                inputs: Vec::new(),
                origin,
            });
        }
        Some(pipeline)
    }

    /// The inputs and secrets the pipeline declares, which expressions
    /// anywhere in it may read.
    fn pipeline_facts(&mut self, body: &[Item], source: crate::span::SourceId) -> PipelineFacts {
        let mut facts = PipelineFacts::default();
        for item in body {
            let Item::Block(block) = item else { continue };
            match block.keyword.name.as_str() {
                "secret" => facts
                    .secrets
                    .extend(block.label.as_ref().map(|label| label.name.clone())),
                "on" => {
                    for inner in block.body.as_ref().map_or(&[][..], |body| &body.items) {
                        if let Item::Input(input) = inner {
                            let ty = self.declared_type(&input.ty, source);
                            facts.inputs.push((input.name.name.clone(), ty));
                        }
                    }
                }
                _ => {}
            }
        }
        facts
    }

    pub(super) fn description(
        &mut self,
        items: &[Item],
        keyword: &str,
        scope: &Scope,
    ) -> Option<String> {
        items.iter().find_map(|item| match item {
            Item::Attribute(attribute) if attribute.key.name == "description" => {
                let value = self.attribute_value(attribute, keyword, scope);
                self.constant_string(&value, "a description")
            }
            _ => None,
        })
    }

    pub(super) fn lower_permissions(
        &mut self,
        permissions: &mut Vec<Permission>,
        items: &[Item],
        scope: &Scope,
    ) {
        for item in items {
            let Item::Attribute(attribute) = item else {
                continue;
            };
            let expected = Type::Enum(
                ACCESS_LEVELS
                    .iter()
                    .map(|level| (*level).to_owned())
                    .collect(),
            );
            let value = self.lower_expr(&attribute.value, scope, Some(&expected));
            if !self.expect_type(
                &value,
                &expected,
                Destination::Attribute(&attribute.key.name),
            ) {
                continue;
            }
            let Some(access) = self.constant_string(&value, "a permission") else {
                continue;
            };
            let permission = Permission {
                scope: attribute.key.name.clone(),
                access,
                origin: Origin::new(scope.source, attribute.span),
            };
            crate::lower::job::replace_or_push(permissions, permission, |a, b| a.scope == b.scope);
        }
    }

    pub(super) fn lower_concurrency(
        &mut self,
        items: &[Item],
        scope: &Scope,
        origin: Origin,
    ) -> Option<Concurrency> {
        let mut group = None;
        let mut cancel_in_progress = false;
        for item in items {
            let Item::Attribute(attribute) = item else {
                continue;
            };
            let value = self.attribute_value(attribute, "concurrency", scope);
            match attribute.key.name.as_str() {
                "group" => group = Some(value),
                "cancel_in_progress" => {
                    cancel_in_progress = self
                        .constant_bool(&value, "`cancel_in_progress`")
                        .unwrap_or(false);
                }
                _ => {}
            }
        }
        let Some(group) = group else {
            self.report(
                Diagnostic::new(
                    Code::MalformedBlock,
                    "`concurrency` needs a `group`",
                    Label::new(origin.source, origin.span, "runs of which group?"),
                )
                .with_help(
                    "add `group = \"deploy-${git.ref}\"`: runs with the same group never overlap",
                ),
            );
            return None;
        };
        Some(Concurrency {
            group,
            cancel_in_progress,
            origin,
        })
    }

    fn lower_notify(
        &mut self,
        block: &Block,
        items: &[Item],
        scope: &Scope,
        origin: Origin,
    ) -> Option<Notification> {
        let channel = block.label.as_ref()?;
        if channel.name != "slack" {
            self.report(
                Diagnostic::new(
                    Code::UnknownBlock,
                    format!("no notification channel `{}`", channel.name),
                    Label::new(scope.source, channel.span, "unknown channel"),
                )
                .with_help("write `notify slack { … }`, or use a step template of `std/notify` for other services"),
            );
            return None;
        }
        let mut webhook_secret = None;
        let mut webhook_written = false;
        let mut when = Vec::new();
        let mut room = None;
        let mut message = None;
        for item in items {
            let Item::Attribute(attribute) = item else {
                continue;
            };
            let expected_status = Type::list(Type::Status);
            let value = if attribute.key.name == "when" {
                let value = self.lower_expr(&attribute.value, scope, Some(&expected_status));
                self.expect_type(&value, &expected_status, Destination::Attribute("when"));
                value
            } else {
                self.attribute_value(attribute, "notify", scope)
            };
            webhook_written |= attribute.key.name == "webhook";
            match attribute.key.name.as_str() {
                "webhook" => match &value.kind {
                    ExprKind::Context(Context::Secret(name)) => webhook_secret = Some(name.clone()),
                    ExprKind::Error => {}
                    _ if value.ty == Type::Secret => self.report(
                        Diagnostic::new(
                            Code::AttributeTypeMismatch,
                            "`webhook` must be one secret, as `secrets.NAME`",
                            Label::new(
                                value.origin.source,
                                value.origin.span,
                                "expected `secrets.NAME`",
                            ),
                        )
                        .with_help("keep the whole webhook URL in one secret"),
                    ),
                    _ => {}
                },
                "when" => {
                    if let ExprKind::List(elements) = &value.kind {
                        when = elements
                            .iter()
                            .filter_map(|element| match element.kind {
                                ExprKind::Status(status) => Some(status),
                                _ => None,
                            })
                            .collect();
                    }
                }
                "channel" => room = self.constant_string(&value, "the channel"),
                "message" => message = Some(value),
                _ => {}
            }
        }
        let Some(webhook_secret) = webhook_secret else {
            if webhook_written {
                // The value was reported as the wrong type.
                return None;
            }
            self.report(
                Diagnostic::new(
                    Code::MalformedBlock,
                    "`notify slack` needs a `webhook`",
                    Label::new(origin.source, origin.span, "where should it post?"),
                )
                .with_help("add `webhook = secrets.SLACK_WEBHOOK_URL` and declare `secret SLACK_WEBHOOK_URL`"),
            );
            return None;
        };
        if when.is_empty() {
            when.push(Status::Failure);
        }
        Some(Notification {
            channel: NotifyChannel::Slack,
            webhook_secret,
            when,
            room,
            message,
            origin,
        })
    }
}
