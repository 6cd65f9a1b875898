//! Lowering steps: scripts, typed action bindings (`step s = github.x(…)`),
//! raw actions (`uses = "owner/repo@sha"`), and steps templates spliced
//! with `use` or as a step's value.

use std::rc::Rc;

use crate::check::suggest;
use crate::diagnostic::{Code, Diagnostic, Label};
use crate::ir::{self, ActionInput, Context, Expr, ExprKind, Origin, Step, StepAction};
use crate::lower::Lowerer;
use crate::lower::expr::Destination;
use crate::lower::fold;
use crate::lower::scope::Scope;
use crate::lower::template::Definition;
use crate::syntax::ast::{self, Block, ExprKind as AstExprKind, Item};
use crate::types::Type;

/// The repository of the checkout action, which every target can express.
const CHECKOUT_ACTION: &str = "actions/checkout@";

impl<'p> Lowerer<'p> {
    pub(super) fn lower_step(&mut self, job: &mut ir::Job, block: &'p Block, scope: &Scope) {
        let Some(label) = &block.label else { return };
        let origin = Origin::new(scope.source, block.span);
        let items: &'p [Item] = block.body.as_ref().map_or(&[], |body| &body.items);
        let mut action = None;
        let mut outputs = Vec::new();
        if let Some(value) = &block.value {
            let (callee, arguments) = match &value.kind {
                AstExprKind::Call { callee, arguments } => (callee, arguments.as_slice()),
                AstExprKind::Path(path) => (path, &[][..]),
                _ => return,
            };
            let call = Origin::new(scope.source, value.span);
            match self.find_definition(scope.module, callee) {
                Some(Definition::Action {
                    module,
                    block: binding,
                }) => {
                    let (bound, declared_outputs) =
                        self.bind_action(binding, module, &callee.dotted(), arguments, call, scope);
                    action = Some(bound);
                    outputs = declared_outputs;
                }
                Some(Definition::Template { module, template })
                    if template.kind.name == "steps" =>
                {
                    // A steps template as a step's value splices its steps;
                    // the step's own `if` applies to each of them.
                    let first = job.steps.len();
                    self.splice_steps(
                        job,
                        template,
                        module,
                        &callee.dotted(),
                        arguments,
                        call,
                        scope,
                    );
                    let condition = items.iter().find_map(|item| match item {
                        Item::Attribute(attribute) if attribute.key.name == "if" => {
                            Some(self.attribute_value(attribute, "step", scope))
                        }
                        _ => None,
                    });
                    if let Some(condition) = condition {
                        for step in &mut job.steps[first..] {
                            let combined = match step.condition.take() {
                                Some(own) => {
                                    fold::all(vec![condition.clone(), *own], condition.origin)
                                }
                                None => condition.clone(),
                            };
                            step.condition =
                                (combined.as_bool() != Some(true)).then(|| Box::new(combined));
                        }
                        job.steps.retain(|step| {
                            step.condition.as_deref().and_then(Expr::as_bool) != Some(false)
                        });
                    }
                    return;
                }
                _ => return,
            }
        }
        let mut step = Step {
            name: label.name.clone(),
            origin,
            condition: None,
            env: Vec::new(),
            action: StepAction::Run {
                script: Expr::error(origin),
                shell: None,
            },
            timeout: None,
            continue_on_error: false,
            outputs,
            working_directory: None,
            escapes: ir::Escapes::default(),
        };
        let mut script = None;
        let mut shell = None;
        let mut raw_uses: Option<(String, Origin)> = None;
        let mut raw_with = Vec::new();
        let mut skipped = false;
        for item in items {
            match item {
                Item::Attribute(attribute) => {
                    let value = self.attribute_value(attribute, "step", scope);
                    match attribute.key.name.as_str() {
                        "run" => {
                            self.check_script_values(&value, scope);
                            script = Some(value);
                        }
                        "uses" => {
                            if let Some(uses) = self.constant_string(&value, "`uses`") {
                                raw_uses = Some((uses, value.origin));
                            }
                        }
                        "with" => {
                            if let ExprKind::Record(fields) = value.kind {
                                raw_with = fields
                                    .into_iter()
                                    .map(|(name, value)| ActionInput { name, value })
                                    .collect();
                            }
                        }
                        "if" => match value.kind {
                            ExprKind::Bool(false) => skipped = true,
                            ExprKind::Bool(true) | ExprKind::Error => {}
                            _ => step.condition = Some(Box::new(value)),
                        },
                        "shell" => shell = self.constant_string(&value, "`shell`"),
                        "working_directory" => {
                            step.working_directory =
                                self.constant_string(&value, "`working_directory`")
                        }
                        "timeout" => step.timeout = self.constant_duration(&value, "`timeout`"),
                        "continue_on_error" => {
                            step.continue_on_error = self
                                .constant_bool(&value, "`continue_on_error`")
                                .unwrap_or(false);
                        }
                        "outputs" => step
                            .outputs
                            .extend(self.constant_strings(&value, "an output name")),
                        _ => {}
                    }
                }
                Item::Block(inner) => match inner.keyword.name.as_str() {
                    "env" => {
                        let env_items = inner.body.as_ref().map_or(&[][..], |body| &body.items);
                        self.lower_env(&mut step.env, env_items, scope);
                    }
                    "github" | "gitlab" | "k8s" => {
                        self.lower_escape(&mut step.escapes, inner, scope)
                    }
                    _ => {}
                },
                _ => {}
            }
        }
        if skipped {
            return;
        }
        step.action = match (action, raw_uses, script) {
            (Some(action), _, _) => action,
            (None, Some((uses, uses_origin)), _) => {
                self.check_pinned(&uses, uses_origin);
                if uses.starts_with(CHECKOUT_ACTION) {
                    StepAction::Checkout { with: raw_with }
                } else {
                    StepAction::Action {
                        uses,
                        version: None,
                        with: raw_with,
                        setup: false,
                    }
                }
            }
            (None, None, Some(script)) => StepAction::Run { script, shell },
            (None, None, None) => {
                // A step whose text did not parse has been reported.
                if self.has_syntax_errors(scope.module) {
                    return;
                }
                self.report(
                    Diagnostic::new(
                        Code::MalformedBlock,
                        format!("step `{}` does nothing", label.name),
                        Label::new(scope.source, label.span, "no `run`, `uses` or action"),
                    )
                    .with_help("give it a script (`run = \"…\"`) or an action (`step x = github.checkout()`)"),
                );
                return;
            }
        };
        self.push_step(job, step);
    }

    /// Adds a step; a name already taken in the job (a template's steps
    /// spliced twice) gets a numeric suffix so that ids stay unique.
    fn push_step(&mut self, job: &mut ir::Job, mut step: Step) {
        if job.steps.iter().any(|existing| existing.name == step.name) {
            let base = step.name.clone();
            let mut counter = 2;
            while job
                .steps
                .iter()
                .any(|existing| existing.name == format!("{base}-{counter}"))
            {
                counter += 1;
            }
            step.name = format!("{base}-{counter}");
        }
        job.steps.push(step);
    }

    pub(super) fn lower_use(&mut self, job: &mut ir::Job, use_item: &'p ast::Use, scope: &Scope) {
        let call = Origin::new(scope.source, use_item.span);
        // Unknown templates and the wrong kind were reported by the resolve phase.
        if let Some(Definition::Template { module, template }) =
            self.find_definition(scope.module, &use_item.template)
            && template.kind.name == "steps"
        {
            self.splice_steps(
                job,
                template,
                module,
                &use_item.template.dotted(),
                &use_item.arguments,
                call,
                scope,
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn splice_steps(
        &mut self,
        job: &mut ir::Job,
        template: &'p ast::Template,
        module: usize,
        callee: &str,
        arguments: &[ast::Argument],
        call: Origin,
        scope: &Scope,
    ) {
        let parameters = self.bind_arguments(template, module, callee, arguments, call, scope);
        let template_scope = Scope {
            parameters: Rc::new(parameters),
            in_template: true,
            matrix_keys: scope.matrix_keys.clone(),
            ..Scope::new(module, self.source_of(module), scope.pipeline.clone())
        };
        if self.enter_template(module, template, call, callee) {
            self.lower_job_items(job, &template.body.items, &template_scope);
            self.leave_template();
        }
    }

    /// Binds a call of an action binding to the action's typed inputs.
    fn bind_action(
        &mut self,
        binding: &'p Block,
        module: usize,
        callee: &str,
        arguments: &[ast::Argument],
        call: Origin,
        scope: &Scope,
    ) -> (StepAction, Vec<String>) {
        let binding_source = self.source_of(module);
        let items: &[Item] = binding.body.as_ref().map_or(&[], |body| &body.items);
        let mut uses = String::new();
        let mut version = None;
        let mut inputs: Vec<(&ast::Input, Type)> = Vec::new();
        let mut outputs = Vec::new();
        let mut setup = false;
        for item in items {
            match item {
                Item::Attribute(attribute) if attribute.key.name == "on_other_targets" => {
                    if let AstExprKind::String(literal) = &attribute.value.kind {
                        setup = literal.as_plain().as_deref() == Some("skip");
                    }
                }
                Item::Attribute(attribute) if attribute.key.name == "uses" => {
                    if let AstExprKind::String(literal) = &attribute.value.kind {
                        uses = literal.as_plain().unwrap_or_default();
                    }
                    version = self.trailing_comment(module, attribute.span.end);
                }
                Item::Input(input) => {
                    let ty = self.declared_type(&input.ty, binding_source);
                    inputs.push((input, ty));
                }
                Item::Block(block) if block.keyword.name == "output" => {
                    outputs.extend(block.label.as_ref().map(|label| label.name.clone()));
                }
                _ => {}
            }
        }
        let mut with = Vec::new();
        for argument in arguments {
            let Some(name) = &argument.name else {
                self.report(
                    Diagnostic::new(
                        Code::UnknownArgument,
                        format!("inputs of `{callee}` are passed by name"),
                        Label::new(call.source, argument.span, "no input name"),
                    )
                    .with_help("write `input-name = value`"),
                );
                continue;
            };
            let Some((_, ty)) = inputs
                .iter()
                .find(|(input, _)| input.name.name == name.name)
            else {
                let mut diagnostic = Diagnostic::new(
                    Code::UnknownArgument,
                    format!("action `{callee}` has no input `{}`", name.name),
                    Label::new(call.source, name.span, "unknown input"),
                );
                if let Some(label) = &binding.label {
                    diagnostic = diagnostic.with_secondary(Label::new(
                        binding_source,
                        label.span,
                        "the binding is defined here",
                    ));
                }
                let names: Vec<&str> = inputs
                    .iter()
                    .map(|(input, _)| input.name.name.as_str())
                    .collect();
                suggest::offer(&mut diagnostic, &name.name, &names, call.source, name.span);
                self.report(diagnostic);
                continue;
            };
            let value = self.lower_expr(&argument.value, scope, Some(ty));
            self.expect_type(
                &value,
                ty,
                Destination::Argument {
                    callee,
                    parameter: &name.name,
                },
            );
            with.push(ActionInput {
                name: name.name.clone(),
                value,
            });
        }
        let action = if uses.starts_with(CHECKOUT_ACTION) {
            StepAction::Checkout { with }
        } else {
            StepAction::Action {
                uses,
                version,
                with,
                setup,
            }
        };
        (action, outputs)
    }

    /// The text of a `// comment` on the same line after `offset`.
    fn trailing_comment(&self, module: usize, offset: u32) -> Option<String> {
        let parsed = &self.program.modules.get(module)?.parsed;
        let text = &self.sources.get(self.source_of(module))?.text;
        let index = parsed
            .comments
            .partition_point(|comment| comment.span.start < offset);
        let comment = parsed.comments.get(index)?;
        let between = text.get(offset as usize..comment.span.start as usize)?;
        (!between.contains('\n')).then(|| comment.text.trim().to_owned())
    }

    fn check_pinned(&mut self, uses: &str, origin: Origin) {
        if uses.starts_with("./") || uses.starts_with("docker://") {
            return;
        }
        let reference = uses.rsplit_once('@').map(|(_, reference)| reference);
        let pinned = reference.is_some_and(|reference| {
            reference.len() == 40 && reference.bytes().all(|byte| byte.is_ascii_hexdigit())
        });
        if !pinned {
            self.report(
                Diagnostic::new(
                    Code::UnpinnedAction,
                    format!("action `{uses}` is not pinned to a commit"),
                    Label::new(origin.source, origin.span, "a tag or branch can be moved to other code"),
                )
                .with_help("pin the full 40-character commit SHA of the release and keep the tag in a comment: `uses = \"owner/repo@<sha>\" // v1.2.3`"),
            );
        }
    }

    /// A secret or untrusted value that reaches a script through a template
    /// argument (the syntax check sees only what is written in the script).
    fn check_script_values(&mut self, script: &Expr, scope: &Scope) {
        let ExprKind::Text(parts) = &script.kind else {
            return;
        };
        for part in parts {
            let ir::TextPart::Expr(value) = part else {
                continue;
            };
            let written_here = value.origin.source == script.origin.source
                && script.origin.span.start <= value.origin.span.start
                && value.origin.span.end <= script.origin.span.end;
            if written_here {
                continue;
            }
            let context = value.contexts().into_iter().find(|context| {
                context.is_untrusted()
                    || matches!(context, Context::Secret(_))
                    || self.is_free_text_input(context, scope)
            });
            let kind = match (value.ty == Type::Secret, context) {
                (true, _) | (_, Some(Context::Secret(_))) => "a secret",
                (false, Some(_)) => "an untrusted value",
                (false, None) => continue,
            };
            let what = context.map_or_else(
                || "the value".to_owned(),
                |context| format!("`{}`", context.describe()),
            );
            self.report(
                Diagnostic::new(
                    Code::ValueSplicedIntoScript,
                    format!("{kind} is spliced into a script: {what}"),
                    Label::new(value.origin.source, value.origin.span, "this argument is pasted into a `run` script"),
                )
                .with_secondary(Label::new(script.origin.source, script.origin.span, "the script"))
                .with_help("the template should take the value in its step's `env` and read the variable in the script"),
            );
        }
    }

    fn is_free_text_input(&self, context: &Context, scope: &Scope) -> bool {
        let Context::Input(name) = context else {
            return false;
        };
        scope.pipeline.as_ref().is_some_and(|facts| {
            facts
                .inputs
                .iter()
                .any(|(input, ty)| input == name && *ty == Type::String)
        })
    }

    /// `steps.S.outputs.O` names an earlier step of the job and one of its outputs.
    pub(super) fn check_step_outputs(&mut self, job: &ir::Job) {
        for (index, step) in job.steps.iter().enumerate() {
            let mut expressions: Vec<&Expr> = step.env.iter().map(|var| &var.value).collect();
            expressions.extend(step.condition.as_deref());
            match &step.action {
                StepAction::Run { script, .. } => expressions.push(script),
                StepAction::Checkout { with } | StepAction::Action { with, .. } => {
                    expressions.extend(with.iter().map(|input| &input.value));
                }
            }
            self.check_step_references(job, &job.steps[..index], &expressions);
        }
        let outputs: Vec<&Expr> = job.outputs.iter().map(|output| &output.value).collect();
        self.check_step_references(job, &job.steps, &outputs);
    }

    fn check_step_references(&mut self, job: &ir::Job, earlier: &[Step], expressions: &[&Expr]) {
        for expression in expressions {
            for found in collect_step_outputs(expression) {
                let (step_name, output, origin) = found;
                let step = earlier.iter().find(|step| step.name == step_name);
                let diagnostic = match step {
                    None => {
                        let names: Vec<&str> =
                            earlier.iter().map(|step| step.name.as_str()).collect();
                        let mut diagnostic = Diagnostic::new(
                            Code::UnknownStepOutput,
                            format!("no earlier step `{step_name}` in job `{}`", job.name),
                            Label::new(origin.source, origin.span, "not a step before this point"),
                        );
                        if let Some(suggestion) =
                            suggest::closest(&step_name, names.iter().copied())
                        {
                            diagnostic = with_replacement(
                                diagnostic,
                                &format!("steps.{suggestion}.outputs.{output}"),
                                origin,
                            );
                        } else if job.steps.iter().any(|step| step.name == step_name) {
                            diagnostic = diagnostic.with_help(
                                "a step can read only the outputs of steps that run before it",
                            );
                        }
                        diagnostic
                    }
                    Some(step) if step.outputs.contains(&output) => continue,
                    Some(step) => {
                        let mut diagnostic = Diagnostic::new(
                            Code::UnknownStepOutput,
                            format!("step `{step_name}` has no output `{output}`"),
                            Label::new(origin.source, origin.span, "not an output of the step"),
                        )
                        .with_secondary(Label::new(
                            step.origin.source,
                            step.origin.span,
                            "the step",
                        ));
                        if step.outputs.is_empty() {
                            diagnostic = diagnostic.with_help(format!(
                                "declare it: `outputs = [\"{output}\"]` in the step, which writes `{output}=…` to `$PIPE_OUTPUT`"
                            ));
                        } else if let Some(suggestion) =
                            suggest::closest(&output, step.outputs.iter().map(String::as_str))
                        {
                            diagnostic = with_replacement(
                                diagnostic,
                                &format!("steps.{step_name}.outputs.{suggestion}"),
                                origin,
                            );
                        }
                        diagnostic
                    }
                };
                self.report(diagnostic);
            }
        }
    }
}

/// "did you mean" with a fix that rewrites the whole reference.
fn with_replacement(diagnostic: Diagnostic, replacement: &str, origin: Origin) -> Diagnostic {
    diagnostic
        .with_help(format!("did you mean `{replacement}`?"))
        .with_fix(
            format!("replace with `{replacement}`"),
            vec![crate::diagnostic::Edit {
                source: origin.source,
                span: origin.span,
                replacement: replacement.to_owned(),
            }],
        )
}

fn collect_step_outputs(expression: &Expr) -> Vec<(String, String, Origin)> {
    let mut found = Vec::new();
    expression.visit(&mut |expr| {
        if let ExprKind::Context(Context::StepOutput { step, output }) = &expr.kind {
            found.push((step.clone(), output.clone(), expr.origin));
        }
    });
    found
}
