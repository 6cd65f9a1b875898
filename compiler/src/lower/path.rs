//! Lowering paths: a name of the runtime context (`git.branch`), a
//! secret, input, matrix key, parameter or job output, or a job in `needs`,
//! each resolved in the scope and typed; an unknown name is E0205 with the
//! closest known one.

use crate::check::suggest;
use crate::diagnostic::{Code, Diagnostic, Label};
use crate::ir::{Context, Expr, ExprKind, Metric, Origin};
use crate::lower::calls::status_named;
use crate::lower::expr::backticked;
use crate::lower::scope::Scope;
use crate::lower::{Lowerer, context};
use crate::syntax::ast;
use crate::types::Type;

impl Lowerer<'_> {
    pub(super) fn lower_path(
        &mut self,
        path: &ast::Path,
        scope: &Scope,
        expected: Option<&Type>,
        origin: Origin,
    ) -> Expr {
        let names: Vec<&str> = path
            .segments
            .iter()
            .map(|segment| segment.name.as_str())
            .collect();
        let context =
            |context: Context, ty: Type| Expr::new(ExprKind::Context(context), ty, origin);
        match names.as_slice() {
            [name] => {
                if let Some(value) = scope.parameter(name) {
                    return value.clone();
                }
                if scope.metrics
                    && let Some((_, metric)) = Metric::ALL.iter().find(|(known, _)| known == name)
                {
                    let ty = if metric.is_latency() {
                        Type::Duration
                    } else {
                        Type::Percent
                    };
                    return Expr::new(ExprKind::Metric(*metric), ty, origin);
                }
                match (expected, *name) {
                    (_, "event") => return context(Context::Event, context::event_type()),
                    (Some(Type::Job), _) | (Some(Type::List(_)), _) if expects_jobs(expected) => {
                        return Expr::new(ExprKind::Job((*name).to_owned()), Type::Job, origin);
                    }
                    (Some(Type::Status), "success" | "failure" | "always" | "cancelled") => {
                        return Expr::new(
                            ExprKind::Status(status_named(name)),
                            Type::Status,
                            origin,
                        );
                    }
                    (Some(Type::Strategy), "rolling" | "blue_green" | "canary") => {
                        return Expr::new(
                            ExprKind::Constructor {
                                name: (*name).to_owned(),
                                fields: Vec::new(),
                            },
                            Type::Strategy,
                            origin,
                        );
                    }
                    _ => {}
                }
                self.report(self.unknown_name(path, scope, expected));
                Expr::error(origin)
            }
            ["git" | "pr", field] => match context::fixed(names[0], field) {
                Some((value, ty)) => context(value, ty),
                None => {
                    let segment = &path.segments[1];
                    let mut diagnostic = Diagnostic::new(
                        Code::UnknownName,
                        format!("`{}` has no field `{field}`", names[0]),
                        Label::new(
                            scope.source,
                            segment.span,
                            "not part of the runtime context",
                        ),
                    );
                    let fields: Vec<&str> = context::fields_of(names[0]).collect();
                    if !suggest::offer(&mut diagnostic, field, &fields, scope.source, segment.span)
                    {
                        diagnostic = diagnostic.with_note(format!(
                            "`{}` has {}",
                            names[0],
                            backticked(&fields)
                        ));
                    }
                    self.report(diagnostic);
                    Expr::error(origin)
                }
            },
            ["inputs", name] => {
                let Some(facts) = &scope.pipeline else {
                    return context(Context::Input((*name).to_owned()), Type::Error);
                };
                match facts.inputs.iter().find(|(input, _)| input == name) {
                    Some((_, ty)) => context(Context::Input((*name).to_owned()), ty.clone()),
                    None => {
                        let span = path.segments[1].span;
                        let names: Vec<&str> = facts
                            .inputs
                            .iter()
                            .map(|(input, _)| input.as_str())
                            .collect();
                        let mut diagnostic = Diagnostic::new(
                            Code::UnknownInput,
                            format!("unknown input `{name}`"),
                            Label::new(scope.source, span, "not an input of `on manual`"),
                        );
                        if !suggest::offer(&mut diagnostic, name, &names, scope.source, span) {
                            diagnostic = diagnostic.with_help(format!(
                                "declare it in `on manual {{ input {name}: string }}`"
                            ));
                        }
                        self.report(diagnostic);
                        Expr::error(origin)
                    }
                }
            }
            ["matrix", key] => {
                let span = path.segments[1].span;
                match &scope.matrix_keys {
                    Some(keys) if keys.iter().any(|known| known == key) => {}
                    Some(keys) => {
                        let mut diagnostic = Diagnostic::new(
                            Code::UnknownMatrixKey,
                            format!("unknown matrix key `{key}`"),
                            Label::new(scope.source, span, "not a key of this job's `matrix`"),
                        );
                        if !suggest::offer(&mut diagnostic, key, keys.iter(), scope.source, span) {
                            let names: Vec<&str> = keys.iter().map(String::as_str).collect();
                            diagnostic = diagnostic
                                .with_note(format!("the matrix has {}", backticked(&names)));
                        }
                        self.report(diagnostic);
                        return Expr::error(origin);
                    }
                    // A template checked on its own does not know the job it lands in.
                    None if scope.in_template && scope.pipeline.is_none() => {}
                    None => {
                        self.report(
                            Diagnostic::new(
                                Code::UnknownMatrixKey,
                                format!("`matrix.{key}` outside a job with a matrix"),
                                Label::new(scope.source, span, "no `matrix` block here"),
                            )
                            .with_help(format!("add `matrix {{ {key} = [...] }}` to the job")),
                        );
                        return Expr::error(origin);
                    }
                }
                context(Context::Matrix((*key).to_owned()), Type::String)
            }
            ["secrets", name] => context(Context::Secret((*name).to_owned()), Type::Secret),
            ["env", name] => context(Context::Env((*name).to_owned()), Type::String),
            ["vars", name] => context(Context::Var((*name).to_owned()), Type::String),
            ["jobs", job, "outputs", output] => context(
                Context::JobOutput {
                    job: (*job).to_owned(),
                    output: (*output).to_owned(),
                },
                Type::String,
            ),
            ["steps", step, "outputs", output] => context(
                Context::StepOutput {
                    step: (*step).to_owned(),
                    output: (*output).to_owned(),
                },
                Type::String,
            ),
            _ => {
                self.report(self.unknown_name(path, scope, expected));
                Expr::error(origin)
            }
        }
    }

    fn unknown_name(&self, path: &ast::Path, scope: &Scope, expected: Option<&Type>) -> Diagnostic {
        let first = &path.segments[0];
        let dotted = path.dotted();
        let shape = match first.name.as_str() {
            "jobs" => Some("`jobs.JOB.outputs.NAME`"),
            "steps" => Some("`steps.STEP.outputs.NAME`"),
            "inputs" | "matrix" | "secrets" | "env" | "vars" => Some("`ROOT.NAME`"),
            _ => None,
        };
        if let Some(shape) = shape {
            return Diagnostic::new(
                Code::UnknownName,
                format!("`{dotted}` is not a value of the runtime context"),
                Label::new(scope.source, path.span, format!("expected {shape}")),
            )
            .with_help(shape.replace("ROOT", &first.name));
        }
        let mut candidates: Vec<&str> = scope
            .parameters
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        candidates.extend(context::ROOTS);
        if expected == Some(&Type::Status) {
            candidates.extend(["success", "failure", "always", "cancelled"]);
        }
        let mut diagnostic = Diagnostic::new(
            Code::UnknownName,
            format!("unknown name `{}`", first.name),
            Label::new(
                scope.source,
                first.span,
                "not a parameter or a value of the runtime context",
            ),
        );
        if !suggest::offer(
            &mut diagnostic,
            &first.name,
            &candidates,
            scope.source,
            first.span,
        ) {
            diagnostic = diagnostic.with_note(
                "names in expressions are template parameters or start with `git.`, `pr.`, `event`, `inputs.`, `matrix.`, `jobs.`, `steps.`, `env.`, `secrets.` or `vars.`",
            );
            if path.segments.len() == 1 {
                diagnostic = diagnostic
                    .with_help(format!("to write the text, quote it: `\"{}\"`", first.name));
            }
        }
        diagnostic
    }
}

fn expects_jobs(expected: Option<&Type>) -> bool {
    matches!(expected, Some(Type::Job))
        || matches!(expected, Some(Type::List(element)) if **element == Type::Job)
}
